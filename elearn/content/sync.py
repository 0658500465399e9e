"""`flask courses sync`: publish a new revision of each module's course when it changed.

Every package is read and validated first; one problem anywhere and nothing is
written. Then, course by course, in the caller's unit of work (one transaction):

- a package whose course does not exist yet creates it (origin "package") and publishes
  revision 1;
- a package equal to the published revision (same content hash) changes nothing at all;
- a changed package becomes a new published revision (the old one is retired; progress
  and attempts are kept, since they point at stable keys and versions);
- a course that was not created from this module's package (written in the browser,
  imported from a zip, or another module's) is never touched, and the report says so;
  so is a module's course once edited in the studio (its origin is then "studio" until
  an administrator resets it to the package version), and a package course with
  unpublished changes;
- `published = false` in course.toml keeps the course out of the catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from elearn.content.models import Course
from elearn.content.modules import discover
from elearn.content.package import Package, PackageError, files_from_folder, read_files
from elearn.content.revisions import (
    create_course,
    create_revision,
    draft_revision,
    published_revision,
    unpublish,
)
from elearn.extensions import db
from elearn.quiz.gift import Problem


@dataclass
class PackageSource:
    """A course package on disk and the module that ships it."""

    module: str
    path: Path
    #: How problems name the folder ("courses/mau/package").
    label: str


@dataclass
class SyncReport:
    created: list[str] = field(default_factory=list)
    #: (slug, revision number)
    published: list[tuple[str, int]] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    unpublished: list[str] = field(default_factory=list)
    #: (slug, why it was left alone)
    skipped: list[tuple[str, str]] = field(default_factory=list)


def package_sources(courses_dir: Path) -> tuple[list[PackageSource], list[Problem]]:
    """The packages of the modules in `courses_dir` and of installed modules."""
    modules, problems = discover(courses_dir)
    base = courses_dir.parent
    sources = []
    for module in modules:
        path = module.package_dir
        if path is None:
            continue
        try:
            label = str(path.relative_to(base))
        except ValueError:
            label = str(path)
        if not path.is_dir():
            problems.append(f"{label}: the module's package folder does not exist")
            continue
        sources.append(PackageSource(module.name, path, label))
    return sources, [Problem(p.split(":", 1)[0], 1, p.split(":", 1)[-1].strip()) for p in problems]


def known_tools(courses_dir: Path) -> set[str]:
    modules, _problems = discover(courses_dir)
    return {f"{m.name}.{t.name}" for m in modules for t in m.tools}


def read_all(courses_dir: Path) -> list[tuple[PackageSource, Package]]:
    """Every module's package, validated; raises PackageError listing every problem."""
    sources, problems = package_sources(courses_dir)
    tools = known_tools(courses_dir)
    read: list[tuple[PackageSource, Package]] = []
    slugs: dict[str, str] = {}
    for source in sources:
        try:
            package = read_files(files_from_folder(source.path), source.label, tools)
        except PackageError as exc:
            problems.extend(exc.problems)
            continue
        if package.slug in slugs:
            problems.append(
                Problem(
                    f"{source.label}/course.toml",
                    1,
                    f"slug '{package.slug}' is already used by {slugs[package.slug]}",
                )
            )
            continue
        slugs[package.slug] = source.label
        read.append((source, package))
    if problems:
        raise PackageError(problems)
    return read


def sync_packages(packages: list[tuple[PackageSource, Package]]) -> SyncReport:
    """Publish what changed, in the current unit of work."""
    report = SyncReport()
    courses = {c.slug: c for c in db.session.scalars(select(Course))}
    seen_modules = set()
    for source, package in packages:
        seen_modules.add(source.module)
        course = courses.get(package.slug)
        if course is None:
            course = create_course(package.slug, origin="package", module=source.module)
            report.created.append(package.slug)
        elif course.origin == "studio" and course.module == source.module:
            report.skipped.append(
                (package.slug, "it was edited in the studio; sync never touches it until an "
                 "administrator resets it to the package version there")
            )  # fmt: skip
            continue
        elif course.origin != "package":
            how = "written in the browser" if course.origin == "studio" else "imported from a zip"
            report.skipped.append(
                (package.slug, f"the course with this slug was {how}; sync never touches it")
            )
            continue
        elif course.module != source.module:
            report.skipped.append(
                (package.slug, f"the course belongs to the module '{course.module}'")
            )
            continue
        elif draft_revision(course.id) is not None:
            report.skipped.append(
                (package.slug, "it has unpublished changes made in the browser; publish or "
                 "discard them in the studio first")
            )  # fmt: skip
            continue
        current = published_revision(course.id)
        if not package.published:
            if current is not None and unpublish(course.id):
                report.unpublished.append(package.slug)
            else:
                report.unchanged.append(package.slug)
            continue
        if current is not None and current.content_hash == _hash(package):
            report.unchanged.append(package.slug)
            continue
        revision = create_revision(course, package, state="published")
        report.published.append((package.slug, revision.number))
    synced = {package.slug for _source, package in packages}
    for slug, course in sorted(courses.items()):
        if slug in synced:
            continue
        if course.origin != "package":
            how = "written in the browser" if course.origin == "studio" else "imported from a zip"
            report.skipped.append((slug, f"{how}, not from a package; sync never touches it"))
        elif course.module not in seen_modules:
            report.skipped.append((slug, f"the module '{course.module}' is not installed"))
        else:
            report.skipped.append((slug, f"the module '{course.module}' now ships another slug"))
    db.session.flush()
    return report


def _hash(package: Package) -> str:
    from elearn.content.package import content_hash

    return content_hash(package)


def sync_from_dir(courses_dir: Path) -> SyncReport:
    """Read every package under `courses_dir` and publish what changed."""
    return sync_packages(read_all(courses_dir))
