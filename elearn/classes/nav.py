"""The class pages' tabs and each session's actions, declared by the modules that serve them.

A trainer's class page shows a tab per part (overview, roster, progress, …) and each
session of its timetable the actions on it (check-in screen, roll call, sign-in sheet).
Each views module declares its own with `class_tab` / `session_action` when it is
imported, so the templates list what exists without knowing every module.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Link:
    endpoint: str
    #: A lazy translated label (flask_babel.lazy_gettext).
    label: Any
    order: int


CLASS_TABS: list[Link] = []
SESSION_ACTIONS: list[Link] = []


def _add(links: list[Link], endpoint: str, label: Any, order: int) -> None:
    if any(link.endpoint == endpoint for link in links):
        return
    links.append(Link(endpoint, label, order))
    links.sort(key=lambda link: (link.order, link.endpoint))


def class_tab(endpoint: str, label: Any, order: int) -> None:
    """A tab of the trainer's class page: url_for(endpoint, class_id=…)."""
    _add(CLASS_TABS, endpoint, label, order)


def session_action(endpoint: str, label: Any, order: int) -> None:
    """An action on a session: url_for(endpoint, class_id=…, session_id=…)."""
    _add(SESSION_ACTIONS, endpoint, label, order)
