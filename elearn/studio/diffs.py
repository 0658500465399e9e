"""What changed between two versions of a lesson: a line diff for the history page."""

from __future__ import annotations

import difflib
from dataclasses import dataclass


@dataclass(frozen=True)
class DiffLine:
    """One line of a diff: kept (" "), removed ("-") or added ("+"), with its line
    numbers in the old and the new text (None where the line is not in that text)."""

    mark: str
    old: int | None
    new: int | None
    text: str

    @property
    def kind(self) -> str:
        return {" ": "same", "-": "removed", "+": "added"}[self.mark]


def line_diff(old: str, new: str, context: int = 3) -> list[list[DiffLine]]:
    """The changed lines of `new` against `old` in hunks, each with up to `context`
    unchanged lines around; no hunks when the texts are the same."""
    a = old.splitlines()
    b = new.splitlines()
    hunks: list[list[DiffLine]] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for group in matcher.get_grouped_opcodes(context):
        hunk: list[DiffLine] = []
        for tag, i1, i2, j1, j2 in group:
            if tag == "equal":
                hunk += [
                    DiffLine(" ", i + 1, j + 1, a[i])
                    for i, j in zip(range(i1, i2), range(j1, j2), strict=True)
                ]
                continue
            if tag in ("replace", "delete"):
                hunk += [DiffLine("-", i + 1, None, a[i]) for i in range(i1, i2)]
            if tag in ("replace", "insert"):
                hunk += [DiffLine("+", None, j + 1, b[j]) for j in range(j1, j2)]
        hunks.append(hunk)
    return hunks
