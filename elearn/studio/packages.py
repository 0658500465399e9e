"""Course packages in the studio: a zip uploaded as a new draft course, a revision exported.

`check_package_zip` reads an uploaded zip with the very reader and validator of
`flask courses import` / `validate`: what makes the zip unsafe to open (not a zip, a path
outside the package, a link, code, too many files or too many bytes unpacked) raises
`PackageRefused` (a 400: nothing is read); what a trainer fixes in the package (the
manifest, a lesson, a question, an address already taken) comes back as problems.
`import_package_zip` creates the course as a draft, the importing trainer its owner;
`export_zip` writes the draft or the published revision with the deterministic writer, so
export → import → export gives identical bytes. Services flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from elearn.auth.models import User
from elearn.content.models import Course
from elearn.content.package import (
    CODE_SUFFIXES,
    Package,
    PackageError,
    files_from_zip,
    read_files,
    write_files,
    write_zip,
)
from elearn.content.revisions import (
    draft_revision,
    import_package,
    package_of,
    published_revision,
)
from elearn.core.errors import NotFound, ValidationFailed
from elearn.extensions import db
from elearn.studio.drafts import touch, validator_tools
from elearn.studio.models import CourseStaff

#: The zip's name in problems about the zip itself.
ZIP_LABEL = "package.zip"
REVISIONS = ("draft", "published")


@dataclass(frozen=True)
class PackageProblem:
    """One problem of an uploaded package: the file in it, the line, what is wrong."""

    path: str
    line: int
    message: str


class PackageRefused(ValidationFailed):
    """The zip is not opened at all: not a zip, unsafe, code inside, too large unpacked."""

    code = "package_refused"

    def __init__(self, problems: list[PackageProblem]) -> None:
        super().__init__(_("This file cannot be imported as a course package: nothing was saved."))
        self.problems = problems


class PackageHasProblems(ValidationFailed):
    """The package was read, but the validator found problems: nothing was saved."""

    code = "package_has_problems"
    status = 422

    def __init__(self, problems: list[PackageProblem]) -> None:
        super().__init__(
            _(
                "The package has %(count)d problem(s) to fix: nothing was saved.",
                count=len(problems),
            )
        )
        self.problems = problems


@dataclass
class PackageCheck:
    """What importing the zip would do: the course's address, or the problems that stop it."""

    slug: str | None
    package: Package | None
    problems: list[PackageProblem]


def _problems(exc: PackageError) -> list[PackageProblem]:
    return [
        PackageProblem(p.path, p.line, p.message)
        for p in sorted(exc.problems, key=lambda p: (p.path, p.line))
    ]


def check_package_zip(data: bytes) -> PackageCheck:
    """Read and validate an uploaded package zip; raises PackageRefused for an unsafe one."""
    try:
        files = files_from_zip(data, ZIP_LABEL)
    except PackageError as exc:
        raise PackageRefused(_problems(exc)) from None
    code = sorted(path for path in files if path.endswith(CODE_SUFFIXES))
    if code:
        raise PackageRefused(
            [
                PackageProblem(path, 1, "a course package holds no code: remove this file")
                for path in code
            ]
        )
    try:
        package = read_files(files, "", validator_tools())
    except PackageError as exc:
        return PackageCheck(None, None, _problems(exc))
    taken = db.session.scalar(select(Course.id).where(Course.slug == package.slug))
    if taken is not None:
        message = _(
            "A course with the address “%(slug)s” already exists: change the slug in course.toml.",
            slug=package.slug,
        )
        return PackageCheck(package.slug, None, [PackageProblem("course.toml", 1, message)])
    return PackageCheck(package.slug, package, [])


def import_package_zip(data: bytes, user: User) -> Course:
    """A new draft course from the zip, `user` its owner; PackageHasProblems when not clean."""
    check = check_package_zip(data)
    if check.package is None:
        raise PackageHasProblems(check.problems)
    revision = import_package(check.package, created_by_id=user.id)
    course = db.session.get(Course, revision.course_id)
    touch(course, user)
    db.session.add(
        CourseStaff(course_id=course.id, user_id=user.id, role="owner", added_by_id=user.id)
    )
    db.session.flush()
    return course


def export_zip(course: Course, revision: str = "published") -> bytes:
    """The course's draft or published revision as a package zip (the same bytes every time)."""
    if revision not in REVISIONS:
        raise ValidationFailed(_("Please choose one of the options."))
    found = draft_revision(course.id) if revision == "draft" else published_revision(course.id)
    if found is None:
        raise NotFound(
            _("The course has no draft.")
            if revision == "draft"
            else _("The course has no published revision.")
        )
    return write_zip(write_files(package_of(found)))


def export_filename(course: Course, revision: str) -> str:
    return f"{course.slug}-{revision}.zip"
