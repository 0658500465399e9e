"""Where the platform and course modules meet: one small, typed, versioned interface.

A course module is a Python package that declares, in a module-level variable named
`module`, a `CourseModule`: its name, the interface version it was written for, an
optional Flask blueprint serving its tools, the tools it offers, and an optional course
package (data only: course.toml, lessons/, questions/, assets/) that `flask courses
sync` loads. Modules are found in the courses directory (`ELEARN_COURSES_DIR`, one
package per folder) and among installed distributions that declare an entry point in
the group `elearn.course_modules` (so a province can `pip install` one).

A course, whoever wrote it, shows any installed tool by naming its id
(`"<module>.<tool>"`) in `tools = [...]` of its course.toml. Tool pages extend
`TOOL_BASE_TEMPLATE` and may read `tool_context()`: that, and nothing else, is what a
tool may know about the current learner.

Example (see tests/fixtures/modules/vi_du for a complete one)::

    from flask import Blueprint, render_template
    from elearn.modules import API_VERSION, CourseModule, Tool

    bp = Blueprint("vi_du", __name__, template_folder="templates")

    @bp.get("/dem-chu")
    def word_counter():
        return render_template("vi_du/word_counter.html")

    module = CourseModule(
        name="vi_du",
        api_version=API_VERSION,
        blueprint=bp,
        tools=(Tool("word_counter", "Đếm chữ", endpoint="word_counter"),),
        package="package",
    )
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flask import Blueprint, has_request_context, request, url_for

#: The interface version this platform implements; a module declares the one it targets.
API_VERSION = 1
SUPPORTED_API_VERSIONS = frozenset({1})
#: Tool pages extend this template (blocks: title, tool).
TOOL_BASE_TEMPLATE = "tools/base.html"
ENTRY_POINT_GROUP = "elearn.course_modules"


@dataclass(frozen=True)
class Tool:
    """A page a module offers to any course, e.g. a price calculator."""

    #: Short name, unique within the module ("price_calculator").
    name: str
    #: Title shown on course pages, in the module's language.
    title: str
    #: The view function's name in the module's blueprint.
    endpoint: str
    description: str = ""


@dataclass(frozen=True)
class CourseModule:
    """What a course module declares (the variable `module` of its package)."""

    name: str
    api_version: int
    blueprint: Blueprint | None = None
    tools: tuple[Tool, ...] = ()
    #: The course package shipped with the module: a folder relative to the module's
    #: own directory (or absolute). None when the module only provides tools.
    package: str | Path | None = None
    #: Filled in by discovery: the module's directory on disk.
    root: Path | None = field(default=None, compare=False)

    @property
    def package_dir(self) -> Path | None:
        if self.package is None:
            return None
        path = Path(self.package)
        if not path.is_absolute() and self.root is not None:
            path = self.root / path
        return path


@dataclass(frozen=True)
class InstalledTool:
    """A tool as the platform knows it once its module is registered."""

    id: str
    title: str
    description: str
    #: The Flask endpoint ("<blueprint>.<view>") of the tool page.
    endpoint: str

    def url(self, course_slug: str | None = None) -> str:
        return url_for(self.endpoint, course=course_slug) if course_slug else url_for(self.endpoint)


@dataclass(frozen=True)
class ToolContext:
    """What a tool page may know about who is using it."""

    #: None for a visitor who is not logged in.
    user_id: int | None
    display_name: str | None
    #: The interface language ("vi" or "en").
    locale: str
    #: The course whose page linked to the tool (?course=slug), if any.
    course_slug: str | None


def tool_context() -> ToolContext:
    """The tool context of the current request."""
    from flask_login import current_user

    from elearn.web.i18n import current_locale

    user = current_user if has_request_context() else None
    logged_in = bool(user is not None and user.is_authenticated)
    course = request.args.get("course") if has_request_context() else None
    return ToolContext(
        user_id=user.id if logged_in else None,
        display_name=user.full_name if logged_in else None,
        locale=current_locale(),
        course_slug=course if course and len(course) <= 80 else None,
    )


def pdf_font_paths() -> dict[str, Path]:
    """The bundled Noto Sans files a tool may embed in a PDF for Vietnamese text.

    Keys are fpdf2 styles ("" regular, "B" bold); pass each to `FPDF.add_font`. These
    are the certificate fonts (SIL OFL 1.1), so a tool's PDF and a certificate look alike.
    """
    from elearn.certificates.pdf import FONT_FILES

    return dict(FONT_FILES)
