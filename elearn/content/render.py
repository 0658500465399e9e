"""Markdown to safe HTML: markdown-it-py renders, nh3 sanitises the result (S19)."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import nh3
from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark", {"html": True, "typographer": False}).enable("table")

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li",
    "mark", "ol", "p", "pre", "s", "small", "span", "strong", "sub", "summary", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start"},
    "abbr": {"title"},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def render_markdown(text: str, static_base: str | None = None, drop_title: bool = False) -> str:
    """Render Markdown and sanitise the HTML.

    `static_base` turns relative `static/...` links into the module's static URL;
    `drop_title` removes a leading level-1 heading (the page shows the title itself).
    """
    tokens = _md.parse(text)
    if drop_title and tokens and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
        tokens = tokens[3:]
    if static_base:
        _rewrite_static(tokens, static_base.rstrip("/") + "/")
    html = _md.renderer.render(tokens, _md.options, {})
    return sanitize_html(html)


def _rewrite_static(tokens: list, base: str) -> None:
    for token in tokens:
        if token.children:
            _rewrite_static(token.children, base)
        for attr in ("src", "href"):
            value = token.attrGet(attr)
            if isinstance(value, str) and value.startswith("static/"):
                token.attrSet(attr, base + value[len("static/") :])


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


_YOUTUBE_ID = re.compile(r"^[A-Za-z0-9_-]{6,20}$")


def video_embed_url(url: str) -> str | None:
    """The privacy-friendly embed URL of a YouTube or Vimeo link, or None if not one."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if parts.scheme != "https":
        return None
    video_id = None
    if host in ("www.youtube.com", "youtube.com", "m.youtube.com"):
        if parts.path == "/watch":
            video_id = (parse_qs(parts.query).get("v") or [None])[0]
        elif parts.path.startswith(("/embed/", "/shorts/")):
            video_id = parts.path.split("/")[2]
        if video_id and _YOUTUBE_ID.match(video_id):
            return f"https://www.youtube-nocookie.com/embed/{video_id}?autoplay=1"
        return None
    if host == "youtu.be":
        video_id = parts.path.lstrip("/")
        if _YOUTUBE_ID.match(video_id):
            return f"https://www.youtube-nocookie.com/embed/{video_id}?autoplay=1"
        return None
    if host in ("vimeo.com", "www.vimeo.com", "player.vimeo.com"):
        last = parts.path.rstrip("/").split("/")[-1]
        if last.isdigit():
            return f"https://player.vimeo.com/video/{last}?autoplay=1"
    return None
