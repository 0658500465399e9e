"""`flask quizzes …`: quiz housekeeping; `flask questions …`: question banks in and out."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

from elearn.core.cli import fail, transactional
from elearn.core.errors import ServiceError

quizzes_cli = AppGroup("quizzes", help="Quiz housekeeping.")


@quizzes_cli.command("close-expired")
@transactional
def close_expired() -> None:
    """Grade every timed attempt whose deadline has passed (run it from cron)."""
    from elearn.quiz.attempts import close_expired_attempts

    click.echo(f"{close_expired_attempts()} expired attempt(s) graded and closed.")


questions_cli = AppGroup(
    "questions", help="Question banks: import previews, export, the Excel template."
)


def _revision(slug: str, draft: bool):
    from elearn.content.revisions import revision_to_export

    try:
        return revision_to_export(slug, draft)
    except ServiceError as exc:
        fail(f"Error: {exc.message}")


@questions_cli.command("import-preview")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--course", "slug", default=None, help="Compare with this course's questions.")
@click.option("--draft", is_flag=True, help="Compare with the draft, not the published revision.")
@click.option("--category", default="", help="The category of questions that have none.")
@transactional
def import_preview(source: Path, slug: str | None, draft: bool, category: str) -> None:
    """Show what importing a .gift or .xlsx file would save, and every problem; exit 1 if
    it could not be saved. Nothing is written."""
    from elearn.content.revisions import question_hashes
    from elearn.quiz.importing import STATUS_LABELS, preview_gift, preview_xlsx

    existing = question_hashes(_revision(slug, draft)) if slug else {}
    data = source.read_bytes()
    if data.startswith(b"PK") or source.suffix.lower() == ".xlsx":
        preview = preview_xlsx(data, existing, category)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            fail(f"Error: {source} is neither UTF-8 text (GIFT) nor an .xlsx workbook.")
        preview = preview_gift(text, existing, category)
    for item in preview.items:
        where = f"line {item.line}" if item.line is not None else f"row {item.row}"
        click.echo(
            f"{where}: {item.name} [{item.qtype}, {item.category}] "
            f"{STATUS_LABELS[item.status]}: {item.summary}"
        )
    for problem in preview.problems:
        click.echo(f"{problem}", err=True)
    counts = ", ".join(f"{n} {qtype}" for qtype, n in preview.counts.items()) or "none"
    click.echo(f"{len(preview.items)} question(s) ({counts}); {len(preview.problems)} problem(s).")
    if not preview.ok:
        fail("Nothing could be imported as it is.")


@questions_cli.command("export")
@click.argument("slug")
@click.option("--to", "target", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--category", default=None, help="Only the questions of this category.")
@click.option("--quiz", "quiz_key", default=None, help="Only the questions this quiz draws.")
@click.option("--draft", is_flag=True, help="Export from the draft, not the published revision.")
@transactional
def export(
    slug: str, target: Path, category: str | None, quiz_key: str | None, draft: bool
) -> None:
    """Write a course's questions as GIFT (.gift) or Excel (.xlsx), by the file's suffix."""
    from elearn.content.revisions import quiz_questions, revision_questions
    from elearn.quiz.importing import export_gift, export_xlsx

    suffix = target.suffix.lower()
    if suffix not in (".gift", ".txt", ".xlsx"):
        fail("Error: --to must name a .gift or .xlsx file.")
    if category is not None and quiz_key is not None:
        fail("Error: give --category or --quiz, not both.")
    revision = _revision(slug, draft)
    try:
        if quiz_key is not None:
            questions = quiz_questions(revision, quiz_key)
        else:
            questions = revision_questions(revision, category)
        if not questions:
            fail("Error: no questions to export.")
        data = export_xlsx(questions) if suffix == ".xlsx" else export_gift(questions).encode()
    except ServiceError as exc:
        for name, messages in exc.fields.items():
            for message in messages:
                click.echo(f"{name}: {message}", err=True)
        fail(f"Error: {exc.message}")
    target.write_bytes(data)
    click.echo(f"Exported {len(questions)} question(s) of {slug} to {target}.")


@questions_cli.command("template")
@click.option("--to", "target", required=True, type=click.Path(dir_okay=False, path_type=Path))
def template(target: Path) -> None:
    """Write the Excel import template (an example row per question type)."""
    from elearn.quiz.importing import xlsx_template

    target.write_bytes(xlsx_template())
    click.echo(f"Wrote the import template to {target}.")
