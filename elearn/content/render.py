"""Markdown to safe HTML: markdown-it-py renders, nh3 sanitises the result (S19)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from urllib.parse import parse_qs, urlsplit

import nh3
from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML


@dataclass(frozen=True)
class Picture:
    """An image stored in several sizes: shown as <picture>, WebP first, and a fallback
    (JPEG or PNG) for browsers without WebP; the browser picks the width it needs."""

    #: Upright size of the largest variant (the <img>'s width and height, so the page
    #: keeps the image's space while it loads).
    width: int
    height: int
    #: (URL, width) of each size, narrowest first.
    webp: tuple[tuple[str, int], ...]
    fallback: tuple[tuple[str, int], ...]

    @property
    def src(self) -> str:
        """For browsers without srcset: the widest fallback up to 640 pixels."""
        fitting = [url for url, width in self.fallback if width <= 640]
        return fitting[-1] if fitting else self.fallback[0][0]


#: How wide a lesson image is shown: the page's column (main: 46rem less 1rem padding on
#: each side), the whole screen less the padding on a phone.
IMAGE_SIZES = "(max-width: 46rem) calc(100vw - 2rem), 44rem"
#: A srcset the app wrote: stored assets only, each with its width.
_SRCSET_RE = re.compile(
    r"^/media/[0-9a-f]{64}/[A-Za-z0-9][A-Za-z0-9._-]{0,99} [0-9]{1,5}w"
    r"(?:, /media/[0-9a-f]{64}/[A-Za-z0-9][A-Za-z0-9._-]{0,99} [0-9]{1,5}w)*$"
)


def _srcset(candidates: tuple[tuple[str, int], ...]) -> str:
    return ", ".join(f"{url} {width}w" for url, width in candidates)


def _render_image(self: RendererHTML, tokens, idx, options, env) -> str:
    """An image; one that resolved to a Picture gets its WebP <source> around it."""
    html = RendererHTML.image(self, tokens, idx, options, env)
    picture = tokens[idx].meta.get("picture")
    if picture is None:
        return html
    return (
        f'<picture><source type="image/webp" srcset="{escape(_srcset(picture.webp))}" '
        f'sizes="{IMAGE_SIZES}">{html}</picture>'
    )


_md = MarkdownIt("commonmark", {"html": True, "typographer": False}).enable("table")
_md.add_render_rule("image", _render_image)

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt",
    "em", "figcaption", "figure", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li",
    "mark", "ol", "p", "picture", "pre", "s", "small", "source", "span", "strong", "sub",
    "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "u", "ul",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    # srcset and sizes only as the app writes them (_attribute_filter): nh3 does not
    # check the URLs in a srcset.
    "img": {"src", "alt", "title", "width", "height", "srcset", "sizes"},
    "source": {"srcset", "sizes"},
    "td": {"colspan", "rowspan", "align"},
    "th": {"colspan", "rowspan", "align", "scope"},
    "ol": {"start"},
    "abbr": {"title"},
}
#: Attributes allowed with these values only.
ALLOWED_VALUES = {
    "img": {"loading": {"lazy"}, "decoding": {"async"}},
    "source": {"type": {"image/webp"}},
}
URL_SCHEMES = {"http", "https", "mailto", "tel"}


def render_markdown(
    text: str,
    resolve_link: Callable[[str], str | None] | None = None,
    drop_title: bool = False,
    resolve_image: Callable[[str], Picture | None] | None = None,
) -> str:
    """Render Markdown and sanitise the HTML.

    `resolve_link` is offered every `src` and `href` and may return a replacement (the
    package reader turns `assets/…` links into their stored URL); `resolve_image` is
    offered each image's `src` first and may return its Picture (an uploaded image's
    sizes); `drop_title` removes a leading level-1 heading (the page shows the title
    itself).
    """
    tokens = _md.parse(text)
    if drop_title and tokens and tokens[0].type == "heading_open" and tokens[0].tag == "h1":
        tokens = tokens[3:]
    if resolve_image is not None:
        _resolve_images(tokens, resolve_image)
    if resolve_link is not None:
        _rewrite_links(tokens, resolve_link)
    html = _md.renderer.render(tokens, _md.options, {})
    return sanitize_html(html)


def links(text: str) -> list[tuple[int, str]]:
    """(line, url) of every link and image in a Markdown text, in order."""
    found: list[tuple[int, str]] = []

    def walk(tokens: list, line: int) -> None:
        for token in tokens:
            here = token.map[0] + 1 if token.map else line
            for attr in ("src", "href"):
                value = token.attrGet(attr)
                if isinstance(value, str):
                    found.append((here, value))
            if token.children:
                walk(token.children, here)

    walk(_md.parse(text), 1)
    return found


def _resolve_images(tokens: list, resolve: Callable[[str], Picture | None]) -> None:
    for token in tokens:
        if token.children:
            _resolve_images(token.children, resolve)
        src = token.attrGet("src")
        if token.type != "image" or not isinstance(src, str):
            continue
        picture = resolve(src)
        if picture is None:
            continue
        token.meta["picture"] = picture
        token.attrSet("src", picture.src)
        token.attrSet("srcset", _srcset(picture.fallback))
        token.attrSet("sizes", IMAGE_SIZES)
        token.attrSet("width", str(picture.width))
        token.attrSet("height", str(picture.height))
        token.attrSet("loading", "lazy")
        token.attrSet("decoding", "async")


def _rewrite_links(tokens: list, resolve: Callable[[str], str | None]) -> None:
    for token in tokens:
        if token.children:
            _rewrite_links(token.children, resolve)
        if "picture" in token.meta:
            continue
        for attr in ("src", "href"):
            value = token.attrGet(attr)
            if isinstance(value, str):
                replacement = resolve(value)
                if replacement is not None:
                    token.attrSet(attr, replacement)


#: Elements whose content the sanitiser drops with them: left open, they swallow the rest.
_RAW_TEXT = ("script", "style", "textarea", "title", "xmp", "iframe", "noembed", "noframes",
             "noscript", "plaintext", "template", "select", "object")  # fmt: skip
_OPEN_RE = re.compile(r"<(/?)(" + "|".join(_RAW_TEXT) + r")\b[^>]*>", re.IGNORECASE)


def unclosed_elements(text: str) -> list[tuple[int, str]]:
    """(line, description) of each raw HTML element or comment that is opened and never
    closed: nh3 would silently remove everything after it."""
    problems: list[tuple[int, str]] = []
    open_stack: list[tuple[str, int]] = []
    for match in _OPEN_RE.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        closing, tag = match.group(1) == "/", match.group(2).lower()
        if closing:
            for i in range(len(open_stack) - 1, -1, -1):
                if open_stack[i][0] == tag:
                    del open_stack[i:]
                    break
        elif not match.group(0).endswith("/>"):
            open_stack.append((tag, line))
    problems.extend((line, f"<{tag}> is never closed") for tag, line in open_stack)
    position = 0
    while (start := text.find("<!--", position)) != -1:
        end = text.find("-->", start + 4)
        if end == -1:
            line = text.count("\n", 0, start) + 1
            problems.append((line, "an HTML comment '<!--' is never closed with '-->'"))
            break
        position = end + 3
    return sorted(problems)


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "srcset":
        return value if _SRCSET_RE.match(value) else None
    if attribute == "sizes":
        return value if value == IMAGE_SIZES else None
    return value


def sanitize_html(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        tag_attribute_values=ALLOWED_VALUES,
        attribute_filter=_attribute_filter,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


_TABLE_OPEN = re.compile(r"<table\b")


def scrollable_tables(html: str, label: Callable[[int], str]) -> str:
    """Wrap each table in a focusable region named `label(n)`: a table wider than a phone
    scrolls sideways, and the keyboard can only scroll what it can focus (WCAG 2.1.1).

    Done on display (not stored): the label is in the reader's language. Sanitised HTML
    never carries a class, so an existing wrapper means this already ran."""
    if "<table" not in html or 'class="table-scroll"' in html:
        return html
    count = 0

    def wrap(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        name = escape(label(count), quote=True)
        return f'<div class="table-scroll" role="region" tabindex="0" aria-label="{name}">' + (
            match.group(0)
        )

    return _TABLE_OPEN.sub(wrap, html).replace("</table>", "</table></div>")


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
