"""`flask courses …`: validate and sync the modules' packages, export and import zips."""

from __future__ import annotations

import re
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from elearn.content.package import (
    PackageError,
    files_from_zip,
    read_files,
    write_files,
    write_zip,
)
from elearn.content.revisions import import_package, package_of, revision_to_export
from elearn.content.sync import known_tools, read_all, sync_packages
from elearn.core.cli import fail, transactional
from elearn.core.errors import ServiceError
from elearn.core.text import SLUG_RE

courses_cli = AppGroup("courses", help="Course packages: validate, sync, export, import.")


def _courses_dir() -> Path:
    return Path(current_app.config["ELEARN_COURSES_DIR"])


def _print_problems(exc: PackageError) -> None:
    for problem in exc.problems:
        click.echo(str(problem), err=True)


@courses_cli.command("validate")
def validate() -> None:
    """Check every module's package; print problems as file:line: message."""
    try:
        packages = read_all(_courses_dir())
    except PackageError as exc:
        for problem in exc.problems:
            click.echo(str(problem))
        fail(f"{len(exc.problems)} problem(s) found.")
    lessons = sum(len(p.lessons) for _s, p in packages)
    quizzes = sum(len(p.quizzes) for _s, p in packages)
    questions = sum(len(p.questions) for _s, p in packages)
    click.echo(
        f"OK: {len(packages)} course(s), {lessons} lesson(s), {quizzes} quiz(zes), "
        f"{questions} question(s)."
    )


@courses_cli.command("sync")
@transactional
def sync() -> None:
    """Publish a new revision of each module's course whose package changed (one transaction)."""
    try:
        packages = read_all(_courses_dir())
    except PackageError as exc:
        _print_problems(exc)
        fail("Sync aborted: nothing was changed.")
    report = sync_packages(packages)
    created = set(report.created)
    for slug, number in report.published:
        note = " (new course)" if slug in created else ""
        click.echo(f"Published {slug} revision {number}{note}.")
    for slug in report.unpublished:
        click.echo(f"Unpublished {slug} (published = false in course.toml).")
    for slug, reason in report.skipped:
        click.echo(f"Skipped {slug}: {reason}.")
    if report.unchanged:
        if not report.published and not report.unpublished:
            click.echo(f"All {len(report.unchanged)} course(s) unchanged.")
        else:
            click.echo(f"Unchanged: {', '.join(report.unchanged)}.")


@courses_cli.command("export")
@click.argument("slug")
@click.option("--to", "target", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--draft", is_flag=True, help="Export the draft instead of the published revision.")
@transactional
def export(slug: str, target: Path, draft: bool) -> None:
    """Write a course's revision as a package zip (the same bytes every time)."""
    try:
        revision = revision_to_export(slug, draft)
        data = write_zip(write_files(package_of(revision)))
    except ServiceError as exc:
        fail(f"Error: {exc.message}")
    target.write_bytes(data)
    click.echo(f"Exported {slug} revision {revision.number} to {target} ({len(data)} bytes).")


@courses_cli.command("import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--slug", default=None, help="Give the new course another address (slug).")
@click.option("--publish", is_flag=True, help="Publish at once instead of keeping a draft.")
@transactional
def import_zip(source: Path, slug: str | None, publish: bool) -> None:
    """Create a new course from a package zip (a draft unless --publish)."""
    if slug is not None and not (SLUG_RE.match(slug) and len(slug) <= 80):
        fail("Error: --slug must be lower-case letters, digits and - (80 at most).")
    try:
        files = files_from_zip(source.read_bytes(), source.name)
        package = read_files(files, re.sub(r"\.zip$", "", source.name), known_tools(_courses_dir()))
        revision = import_package(package, slug=slug, publish_now=publish)
    except PackageError as exc:
        _print_problems(exc)
        fail("Import aborted: nothing was changed.")
    except ServiceError as exc:
        fail(f"Error: {exc.message}")
    state = "published" if publish else "a draft"
    click.echo(f"Imported {package.slug} as revision {revision.number} ({state}).")
