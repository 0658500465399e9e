"""Question texts to safe HTML, per GIFT text format, and back to plain words.

* ``html``: the author's HTML, sanitised (nh3);
* ``plain``: escaped, newlines become ``<br>``;
* ``markdown``: markdown-it (block rendering for block texts, inline rendering for inline
  texts), sanitised;
* ``moodle`` (Moodle's auto-format, the default): HTML is allowed (then sanitised), a blank
  line starts a new paragraph and a single newline becomes ``<br>``. It is not Markdown:
  ``**x**`` stays literal.

Block texts (the question text, the general feedback) may produce ``<p>`` and the other
block elements ``elearn.content.render`` allows. Inline texts (option texts, matching left
items, every per-answer and true/false feedback) are sanitised with an inline-only
allow-list (:data:`INLINE_TAGS`), so they can sit inside a ``<label>``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import nh3
from markupsafe import escape

from elearn.content.render import (
    ALLOWED_ATTRIBUTES,
    URL_SCHEMES,
    _md,
    render_markdown,
    sanitize_html,
)
from elearn.quiz.question import Question, Text

__all__ = [
    "INLINE_TAGS",
    "html_of",
    "plain_text",
    "render_question",
    "render_text",
    "sanitize_inline",
]

INLINE_TAGS = {
    "a", "abbr", "b", "br", "code", "del", "em", "i", "img", "kbd", "mark", "s", "small",
    "span", "strong", "sub", "sup", "u",
}  # fmt: skip
_INLINE_ATTRIBUTES = {tag: attrs for tag, attrs in ALLOWED_ATTRIBUTES.items() if tag in INLINE_TAGS}
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")


_BLOCK_END = re.compile(
    r"(</(?:p|div|li|ul|ol|h[1-6]|blockquote|pre|tr|td|th|table|dl|dt|dd|figure)\s*>)", re.I
)


def sanitize_inline(html: str) -> str:
    """Sanitise ``html`` keeping only inline elements (the text of the others stays, with a
    space where a block ended)."""
    return nh3.clean(
        _BLOCK_END.sub(r"\1 ", html),
        tags=INLINE_TAGS,
        attributes=_INLINE_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def _moodle(text: str, inline: bool) -> str:
    if inline:
        return sanitize_inline(text.replace("\n", "<br>\n"))
    paragraphs = [p.strip() for p in _PARAGRAPH_BREAK.split(text.strip())]
    html = "\n".join(f"<p>{p.replace(chr(10), '<br>' + chr(10))}</p>" for p in paragraphs if p)
    return sanitize_html(html)


def render_text(text: str, fmt: str, inline: bool) -> str:
    """Safe HTML of ``text`` written in ``fmt`` (unknown formats render as ``moodle``)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        return ""
    if fmt == "html":
        return sanitize_inline(text) if inline else sanitize_html(text)
    if fmt == "plain":
        body = str(escape(text.strip())).replace("\n", "<br>\n")
        return body if inline else f"<p>{body}</p>"
    if fmt == "markdown":
        if inline:
            return sanitize_inline(_md.renderInline(text.strip()))
        return render_markdown(text)
    return _moodle(text, inline)


def html_of(t: Text, inline: bool) -> str:
    """``t.html``, rendering it first if it was never filled."""
    if not t.html and t.text:
        t.html = render_text(t.text, t.format, inline)
    return t.html


def render_question(q: Question) -> None:
    """Fill the ``html`` of every Text of ``q``."""
    for t, block in q.texts():
        t.html = render_text(t.text, t.format, inline=not block)


# --------------------------------------------------------------------------- plain text

_BREAKING = {
    "br", "p", "div", "li", "ul", "ol", "tr", "td", "th", "table", "blockquote", "pre",
    "h1", "h2", "h3", "h4", "h5", "h6", "dd", "dt", "dl", "hr", "figure", "figcaption",
    "details", "summary",
}  # fmt: skip
_SKIPPED = {"script", "style"}


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in _SKIPPED:
            self.skipping += 1
        elif tag in _BREAKING:
            self.parts.append(" ")
        elif tag == "img":
            alt = dict(attrs).get("alt")
            if alt:
                self.parts.append(alt)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIPPED:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BREAKING:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def plain_text(html: str) -> str:
    """The words of ``html``: tags stripped (an image counts as its ``alt`` text), entities
    decoded, whitespace collapsed."""
    collector = _TextCollector()
    collector.feed(html)
    collector.close()
    return " ".join("".join(collector.parts).split())
