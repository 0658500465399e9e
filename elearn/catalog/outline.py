"""The course outline, rendered once per (revision, language, enrolled) and reused.

The outline is the largest part of the course page and depends only on the published
revision and the reader's language, except for the learner's ticks ("✓ done",
"✓ passed"). It is rendered from templates/catalog/_outline.html with a marker where each
tick may go, split at the markers, and kept on the cached CourseStructure (so a new
revision, which is a new structure, starts afresh in every process). Each request only
joins the pieces with the ticks of its learner.
"""

from __future__ import annotations

import re

from flask import render_template
from markupsafe import Markup, escape

from elearn.content.structure import CourseStructure
from elearn.core.i18n import gettext as _
from elearn.learn.progress import Progress
from elearn.web.i18n import current_locale

_MARKER = re.compile("\0([LQ])(\\d+)\0")


def _pieces(course: CourseStructure, enrolled: bool) -> tuple[tuple[str, ...], dict[str, str]]:
    key = ("outline", current_locale(), enrolled)
    cached = course.fragments.get(key)
    if cached is None:
        html = render_template("catalog/_outline.html", course=course, enrolled=enrolled)
        # Outside the f-strings: Babel's extractor does not look inside them.
        completed, done, passed = escape(_("Completed")), escape(_("done")), escape(_("passed"))
        ticks = {
            "L": f'<span class="done" title="{completed}">✓ {done}</span>',
            "Q": f'<span class="done">✓ {passed}</span>',
        }
        cached = (tuple(_MARKER.split(html)), ticks)
        course.fragments[key] = cached
    return cached


def outline(course: CourseStructure, progress: Progress | None) -> Markup:
    """The outline's HTML with this learner's ticks (none when not enrolled)."""
    parts, ticks = _pieces(course, progress is not None)
    if progress is None:
        return Markup(parts[0])
    marks = {"L": progress.done_ids, "Q": progress.passed_quiz_ids}
    out = [parts[0]]
    for i in range(1, len(parts), 3):
        kind, ident, text = parts[i], int(parts[i + 1]), parts[i + 2]
        if ident in marks[kind]:
            out.append(ticks[kind])
        out.append(text)
    return Markup("".join(out))
