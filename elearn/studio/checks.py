"""Checks of what authors type, shared by the studio's services (forms check it first;
the API and other callers rely on these). Each raises `ValidationFailed` naming its field."""

from __future__ import annotations

import unicodedata

from flask_babel import gettext as _

from elearn.core.errors import ValidationFailed
from elearn.core.text import SLUG_RE

TITLE_MAX = 200
LESSON_SLUG_MAX = 120
QUIZ_KEY_MAX = 80
COURSE_SLUG_MAX = 80
#: A lesson's Markdown, as the package reader allows a lesson file (2 MB).
MARKDOWN_MAX_BYTES = 2 * 1024 * 1024


def _has_control(value: str, allowed: str = "") -> bool:
    return any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in value)


def clean_title(value: str | None, field: str = "title") -> str:
    """A one-line title: not empty, at most 200 characters, no control characters."""
    title = (value or "").strip()
    if not title:
        raise ValidationFailed(_("Please enter a title."), {field: [_("Please enter a title.")]})
    if len(title) > TITLE_MAX:
        message = _("At most %(num)d characters.", num=TITLE_MAX)
        raise ValidationFailed(message, {field: [message]})
    if _has_control(title):
        message = _("The title holds characters that cannot be shown (such as a line break).")
        raise ValidationFailed(message, {field: [message]})
    return title


def clean_slug(value: str | None, field: str, limit: int) -> str:
    """An address part: lower-case letters, digits and single hyphens."""
    slug = (value or "").strip()
    if not slug:
        message = _("Please enter an address.")
        raise ValidationFailed(message, {field: [message]})
    if len(slug) > limit:
        message = _("At most %(num)d characters.", num=limit)
        raise ValidationFailed(message, {field: [message]})
    if not SLUG_RE.match(slug):
        message = _(
            "Use lower-case letters without accents, digits and single hyphens, "
            "e.g. “ban-hang-truc-tuyen”."
        )
        raise ValidationFailed(message, {field: [message]})
    return slug


def clean_text(value: str | None, field: str, limit: int, multiline: bool = True) -> str:
    """Free text up to `limit` characters (line breaks only where `multiline`)."""
    text = (value or "").replace("\r\n", "\n").strip()
    if len(text) > limit:
        message = _("At most %(num)d characters.", num=limit)
        raise ValidationFailed(message, {field: [message]})
    if _has_control(text, "\n\t" if multiline else ""):
        message = _("The text holds characters that cannot be shown.")
        raise ValidationFailed(message, {field: [message]})
    return text


def clean_markdown(value: str | None, field: str = "markdown") -> str:
    """A lesson's Markdown: browsers send CRLF line ends; stored with LF, ending in one."""
    text = (value or "").replace("\r\n", "\n").replace("\r", "\n")
    if len(text.encode("utf-8")) > MARKDOWN_MAX_BYTES:
        message = _("The lesson is longer than %(num)d MB.", num=MARKDOWN_MAX_BYTES // 2**20)
        raise ValidationFailed(message, {field: [message]})
    if _has_control(text, "\n\t"):
        message = _("The text holds characters that cannot be shown.")
        raise ValidationFailed(message, {field: [message]})
    text = text.strip("\n")
    return text + "\n" if text.strip() else ""


def clean_minutes(value: int | None, field: str = "minutes") -> int:
    """A lesson's reading time: 1 to 240 minutes, as the package allows."""
    if value is None or isinstance(value, bool) or not 1 <= value <= 240:
        message = _("A whole number of minutes from 1 to 240.")
        raise ValidationFailed(message, {field: [message]})
    return int(value)
