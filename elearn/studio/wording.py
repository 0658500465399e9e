"""How the studio names states and the validator's problems, in the reader's language.

The package validator speaks English (it serves `flask courses validate` too); the
problems an author meets in the studio are put in the reader's language here, and any
other is shown as the validator wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from elearn.studio.drafts import DraftProblem

STATE_LABELS = {
    "draft": _l("Draft only"),
    "published": _l("Published"),
    "changed": _l("Published, with unpublished changes"),
    "unpublished": _l("Not published"),
}

ROLE_LABELS = {"owner": _l("Owner"), "coauthor": _l("Co-author")}

_PROBLEMS: list[tuple[re.Pattern[str], Callable[..., str]]] = [
    (
        re.compile(r"^section has no lessons and no quizzes$"),
        lambda: _("This section has no lessons and no quizzes."),
    ),
    (re.compile(r"^lesson has no content$"), lambda: _("The lesson has no text yet.")),
    (
        re.compile(r"^'summary' must be a non-empty string$"),
        lambda: _("The course needs a summary."),
    ),
    (
        re.compile(r"^'estimated_hours' must be"),
        lambda: _("The estimated hours must be above 0 and at most 200."),
    ),
    (
        re.compile(r"^quiz '(?P<key>[^']+)': 'items' must be a non-empty list$"),
        lambda key: _("The quiz “%(key)s” has no questions yet.", key=key),
    ),
    (
        re.compile(r"^quiz '(?P<key>[^']+)': category '(?P<category>.+)' has no questions$"),
        lambda key, category: _(
            "The quiz “%(key)s” draws from the category “%(category)s”, which has no questions.",
            key=key,
            category=category,
        ),
    ),
    (
        re.compile(r"^no such asset: assets/(?P<name>.+)$"),
        lambda name: _(
            "The lesson links the file “%(name)s”, which the course does not have.", name=name
        ),
    ),  # fmt: skip
    (
        re.compile(r"^<(?P<tag>\w+)> is never closed$"),
        lambda tag: _(
            "<%(tag)s> is opened and never closed: the rest of the lesson would be lost.", tag=tag
        ),
    ),  # fmt: skip
    (
        re.compile(r"^tool '(?P<tool>[^']+)' is not installed"),
        lambda tool: _("The tool “%(tool)s” is not installed.", tool=tool),
    ),
]


def problem_text(problem: DraftProblem) -> str:
    """The problem in the reader's language where it is a known one, else as written."""
    for pattern, describe in _PROBLEMS:
        match = pattern.search(problem.message)
        if match:
            return describe(**match.groupdict())
    return problem.message
