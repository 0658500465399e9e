"""Helpers shared by the `flask …` commands of every feature."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, NoReturn

import click

from elearn.core.db import unit_of_work


def transactional(command: Callable[..., Any]) -> Callable[..., Any]:
    """Run a command as one unit of work: commit at the end, roll back on any error."""

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with unit_of_work():
            return command(*args, **kwargs)

    return wrapper


def fail(message: str) -> NoReturn:
    """Print to stderr and exit 1 (the unit of work rolls back)."""
    click.echo(message, err=True)
    raise SystemExit(1)
