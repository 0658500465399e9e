"""A lesson's source as the package holds it: YAML front matter, then the Markdown.

The studio edits the title, the minutes and the Markdown body; the other front-matter
keys (required, video, video_minutes) are kept from the version being edited. The
source written here reads back with the package reader (`elearn.content.package`).
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_WORD = re.compile(r"\w+")
#: Reading speed for the minutes suggested from the word count (Vietnamese prose).
WORDS_PER_MINUTE = 200


def compose_source(
    title: str,
    minutes: int,
    markdown: str,
    required: bool = True,
    video: str | None = None,
    video_minutes: int | None = None,
) -> str:
    """The lesson file: front matter (title, minutes, then only what differs from the
    defaults) and the body after one blank line."""
    meta: dict[str, Any] = {"title": title, "minutes": minutes}
    if video:
        meta["video"] = video
    if video_minutes:
        meta["video_minutes"] = video_minutes
    if not required:
        meta["required"] = False
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=10_000)
    body = markdown.strip("\n")
    return f"---\n{front}---\n\n{body}\n" if body else f"---\n{front}---\n"


def split_source(source: str) -> str:
    """The Markdown body of a lesson source (front matter removed, leading blank lines too)."""
    text = source.replace("\r\n", "\n")
    if text.startswith("---\n"):
        end = text.find("\n---\n", 3)
        if end != -1:
            text = text[end + 5 :]
        elif text.endswith("\n---"):
            text = ""
    body = text.strip("\n")
    return body + "\n" if body else ""


def word_count(markdown: str) -> int:
    return len(_WORD.findall(markdown))


def suggested_minutes(markdown: str) -> int:
    """About 200 words a minute, at least 1 and at most 240 (the package's limit)."""
    return max(1, min(240, round(word_count(markdown) / WORDS_PER_MINUTE)))
