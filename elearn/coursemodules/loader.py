"""Read course modules from disk into plain specs, collecting every problem as file:line.

Nothing here touches the database: `validate` and `sync` both start from load_all().
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from elearn.content.render import render_markdown, video_embed_url
from elearn.core.text import SLUG_RE
from elearn.quiz.gift import Problem, Question, parse_gift

TOPICS = ("ecommerce", "branding", "quality", "ocop-criteria", "management")
LANGUAGES = ("vi", "en")
MODULE_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
LESSON_KEYS = {"title", "minutes", "video", "video_minutes", "required"}


def module_url_prefix(slug: str) -> str:
    """Where a module's blueprint (its tools and static files) is served."""
    return f"/courses/{slug}/tools"


@dataclass
class LessonSpec:
    slug: str
    title: str
    minutes: int
    required: bool
    video_url: str | None
    video_minutes: int | None
    body_html: str


@dataclass
class SectionSpec:
    title: str
    lessons: list[str]
    quizzes: list[str]


@dataclass
class QuizSpec:
    key: str
    title: str
    pass_mark: int
    max_attempts: int
    time_limit_minutes: int
    shuffle_questions: bool
    shuffle_options: bool
    grading: str
    review: str
    required: bool
    items: list[dict[str, Any]]


@dataclass
class CourseSpec:
    module: str
    path: Path
    slug: str
    title: str
    summary: str
    topic: str
    audience: str
    estimated_hours: float
    version: str
    language: str
    published: bool
    sections: list[SectionSpec]
    lessons: dict[str, LessonSpec]
    quizzes: dict[str, QuizSpec] = field(default_factory=dict)
    questions: list[Question] = field(default_factory=list)


class _Collector:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []

    def rel(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.root))
        except ValueError:
            return str(path)

    def add(self, path: Path, line: int, message: str) -> None:
        self.problems.append(Problem(self.rel(path), max(line, 1), message))


def _key_line(text: str, key: str, after: int = 0) -> int:
    """1-based line of `key = ...` in a TOML text (first after line `after`), or 1."""
    pattern = re.compile(rf"^\s*{re.escape(key)}\s*=", re.MULTILINE)
    for match in pattern.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        if line > after:
            return line
    return 1


def _table_lines(text: str, header: str) -> list[int]:
    pattern = re.compile(rf"^\s*\[\[\s*{re.escape(header)}\s*\]\]", re.MULTILINE)
    return [text.count("\n", 0, m.start()) + 1 for m in pattern.finditer(text)]


def discover(courses_dir: Path) -> list[Path]:
    """Module folders: direct children holding __init__.py and course.toml."""
    if not courses_dir.is_dir():
        return []
    return sorted(
        p
        for p in courses_dir.iterdir()
        if p.is_dir() and (p / "__init__.py").is_file() and (p / "course.toml").is_file()
    )


def load_all(courses_dir: Path) -> tuple[list[CourseSpec], list[Problem]]:
    """Every module under courses_dir, and every problem found (empty when all is well)."""
    collector = _Collector(courses_dir.parent)
    specs: list[CourseSpec] = []
    slugs: dict[str, Path] = {}
    for path in discover(courses_dir):
        spec = load_module(path, collector)
        if spec is None:
            continue
        if spec.slug in slugs:
            collector.add(
                path / "course.toml",
                _key_line((path / "course.toml").read_text(encoding="utf-8"), "slug"),
                f"slug '{spec.slug}' is already used by {collector.rel(slugs[spec.slug])}",
            )
            continue
        slugs[spec.slug] = path
        specs.append(spec)
    return specs, collector.problems


def read_manifest(path: Path) -> dict[str, Any]:
    """The parsed course.toml of a module folder (raises on a syntax error)."""
    with (path / "course.toml").open("rb") as fh:
        return tomllib.load(fh)


def load_module(path: Path, collector: _Collector) -> CourseSpec | None:
    before = len(collector.problems)
    manifest_path = path / "course.toml"
    text = manifest_path.read_text(encoding="utf-8")
    if not MODULE_NAME_RE.match(path.name):
        collector.add(
            manifest_path, 1, f"module folder '{path.name}' must be a Python package name [a-z0-9_]"
        )
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        collector.add(manifest_path, int(match.group(1)) if match else 1, f"invalid TOML: {exc}")
        return None

    def need_str(key: str, required: bool = True, default: str = "") -> str:
        value = data.get(key, None)
        if value is None:
            if required:
                collector.add(manifest_path, 1, f"'{key}' is required")
            return default
        if not isinstance(value, str) or (required and not value.strip()):
            collector.add(
                manifest_path, _key_line(text, key), f"'{key}' must be a non-empty string"
            )
            return default
        return value.strip()

    slug = need_str("slug")
    if slug and not SLUG_RE.match(slug):
        collector.add(
            manifest_path, _key_line(text, "slug"), "slug must be lower-case letters, digits and -"
        )
    title = need_str("title")
    summary = need_str("summary")
    topic = need_str("topic")
    if topic and topic not in TOPICS:
        collector.add(
            manifest_path, _key_line(text, "topic"), f"topic must be one of {', '.join(TOPICS)}"
        )
    audience = need_str("audience", required=False)
    version = need_str("version")
    language = need_str("language", required=False, default="vi") or "vi"
    if language not in LANGUAGES:
        collector.add(manifest_path, _key_line(text, "language"), "language must be vi or en")
    hours = data.get("estimated_hours")
    if not isinstance(hours, int | float) or isinstance(hours, bool) or not 0 < hours <= 200:
        collector.add(
            manifest_path,
            _key_line(text, "estimated_hours"),
            "'estimated_hours' must be a number of hours between 0 and 200",
        )
        hours = 0
    published = data.get("published", True)
    if not isinstance(published, bool):
        collector.add(
            manifest_path, _key_line(text, "published"), "'published' must be true or false"
        )
        published = True
    quizzes = data.get("quizzes", {})
    if not isinstance(quizzes, dict):
        collector.add(manifest_path, _key_line(text, "quizzes"), "'quizzes' must be a table")
        quizzes = {}

    sections: list[SectionSpec] = []
    raw_sections = data.get("sections")
    section_lines = _table_lines(text, "sections")
    if not isinstance(raw_sections, list) or not raw_sections:
        collector.add(manifest_path, 1, "at least one [[sections]] entry is required")
        raw_sections = []
    listed: dict[str, int] = {}
    for index, raw in enumerate(raw_sections):
        line = section_lines[index] if index < len(section_lines) else 1
        if not isinstance(raw, dict):
            collector.add(manifest_path, line, "each section must be a table")
            continue
        sec_title = raw.get("title")
        if not isinstance(sec_title, str) or not sec_title.strip():
            collector.add(manifest_path, line, "section needs a 'title'")
            sec_title = ""
        lessons = raw.get("lessons", [])
        if not isinstance(lessons, list) or not all(isinstance(s, str) for s in lessons):
            collector.add(
                manifest_path,
                _key_line(text, "lessons", line),
                "'lessons' must be a list of lesson slugs",
            )
            lessons = []
        quiz_keys = raw.get("quizzes", [])
        if not isinstance(quiz_keys, list) or not all(isinstance(s, str) for s in quiz_keys):
            collector.add(
                manifest_path,
                _key_line(text, "quizzes", line),
                "'quizzes' must be a list of quiz keys",
            )
            quiz_keys = []
        for key in quiz_keys:
            if key not in quizzes:
                collector.add(
                    manifest_path,
                    _key_line(text, "quizzes", line),
                    f"quiz '{key}' is listed but has no [quizzes.{key}] table",
                )
        if not lessons and not quiz_keys:
            collector.add(manifest_path, line, "section has no lessons and no quizzes")
        for lesson_slug in lessons:
            lesson_line = _key_line(text, "lessons", line)
            if lesson_slug in listed:
                collector.add(manifest_path, lesson_line, f"lesson '{lesson_slug}' is listed twice")
            listed[lesson_slug] = lesson_line
        sections.append(SectionSpec(sec_title.strip(), list(lessons), list(quiz_keys)))

    lessons_dir = path / "lessons"
    files = {p.stem: p for p in lessons_dir.glob("*.md")} if lessons_dir.is_dir() else {}
    lesson_specs: dict[str, LessonSpec] = {}
    for lesson_slug, line in listed.items():
        if lesson_slug not in files:
            collector.add(
                manifest_path, line, f"lesson '{lesson_slug}' has no file lessons/{lesson_slug}.md"
            )
    for stem, file in sorted(files.items()):
        if not SLUG_RE.match(stem):
            collector.add(
                file,
                1,
                "lesson file name must be lower-case letters, digits and - (it is the slug)",
            )
            continue
        if stem not in listed:
            collector.add(file, 1, f"lesson '{stem}' is not listed in any section of course.toml")
            continue
        lesson = load_lesson(file, stem, module_url_prefix(slug) + "/static", collector)
        if lesson is not None:
            lesson_specs[stem] = lesson

    questions = load_questions(path, collector)
    quiz_specs = load_quizzes(manifest_path, text, quizzes, sections, questions, collector)

    if len(collector.problems) > before:
        return None
    return CourseSpec(
        module=path.name,
        path=path,
        slug=slug,
        title=title,
        summary=summary,
        topic=topic,
        audience=audience,
        estimated_hours=float(hours),
        version=version,
        language=language,
        published=published,
        sections=sections,
        lessons=lesson_specs,
        quizzes=quiz_specs,
        questions=questions,
    )


def load_lesson(
    file: Path, slug: str, static_base: str, collector: _Collector
) -> LessonSpec | None:
    try:
        text = file.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        collector.add(file, 1, "file is not valid UTF-8")
        return None
    if not text.startswith("---\n"):
        collector.add(file, 1, "lesson must start with YAML front matter between '---' lines")
        return None
    end = text.find("\n---\n", 3)
    if end == -1:
        collector.add(file, 1, "front matter is not closed with a '---' line")
        return None
    front, body = text[4 : end + 1], text[end + 5 :]
    body_offset = front.count("\n") + 2  # lines before the body starts
    try:
        meta = yaml.safe_load(front) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = (mark.line + 2) if mark is not None else 1
        collector.add(file, line, f"invalid front matter: {getattr(exc, 'problem', exc)}")
        return None
    if not isinstance(meta, dict):
        collector.add(file, 2, "front matter must be key: value pairs")
        return None

    def line_of(key: str) -> int:
        for number, content in enumerate(front.splitlines(), start=2):
            if content.startswith(f"{key}:"):
                return number
        return 1

    before = len(collector.problems)
    for key in sorted(set(meta) - LESSON_KEYS):
        collector.add(file, line_of(key), f"unknown front matter key '{key}'")
    title = meta.get("title")
    if not isinstance(title, str) or not title.strip():
        collector.add(
            file, line_of("title") if "title" in meta else 1, "front matter needs a 'title'"
        )
    minutes = meta.get("minutes")
    if not isinstance(minutes, int) or isinstance(minutes, bool) or not 1 <= minutes <= 240:
        collector.add(
            file,
            line_of("minutes") if "minutes" in meta else 1,
            "'minutes' must be a whole number from 1 to 240",
        )
    required = meta.get("required", True)
    if not isinstance(required, bool):
        collector.add(file, line_of("required"), "'required' must be true or false")
    video = meta.get("video")
    if video is not None and (not isinstance(video, str) or video_embed_url(video) is None):
        collector.add(file, line_of("video"), "'video' must be an https YouTube or Vimeo link")
    video_minutes = meta.get("video_minutes")
    if video_minutes is not None and (
        not isinstance(video_minutes, int)
        or isinstance(video_minutes, bool)
        or not 1 <= video_minutes <= 600
    ):
        collector.add(
            file, line_of("video_minutes"), "'video_minutes' must be a whole number of minutes"
        )
    if not body.strip():
        collector.add(file, body_offset, "lesson has no content")
    if len(collector.problems) > before:
        return None
    return LessonSpec(
        slug=slug,
        title=title.strip(),
        minutes=minutes,
        required=required,
        video_url=video,
        video_minutes=video_minutes,
        body_html=render_markdown(body, static_base=static_base, drop_title=True),
    )


def load_questions(path: Path, collector: _Collector) -> list[Question]:
    """Every question of the module's GIFT banks; names must be unique in the course."""
    questions: list[Question] = []
    seen: dict[str, str] = {}
    bank_dir = path / "questions"
    for file in sorted(bank_dir.glob("*.gift")) if bank_dir.is_dir() else []:
        try:
            text = file.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            collector.add(file, 1, "file is not valid UTF-8")
            continue
        parsed, problems = parse_gift(text, collector.rel(file))
        collector.problems.extend(problems)
        for question in parsed:
            if not question.category:
                collector.add(file, question.line, f"question '{question.name}' has no $CATEGORY")
            if question.name in seen:
                collector.add(
                    file,
                    question.line,
                    f"question name '{question.name}' is also used in {seen[question.name]}",
                )
                continue
            seen[question.name] = collector.rel(file)
            questions.append(question)
    return questions


QUIZ_KEYS = {
    "title", "pass_mark", "max_attempts", "time_limit_minutes", "shuffle_questions",
    "shuffle_options", "grading", "review", "required", "items",
}  # fmt: skip


def load_quizzes(
    manifest: Path,
    text: str,
    raw: dict[str, Any],
    sections: list[SectionSpec],
    questions: list[Question],
    collector: _Collector,
) -> dict[str, QuizSpec]:
    """Validate the [quizzes.*] tables against the sections and the question bank."""
    by_name = {q.name for q in questions}
    per_category: dict[str, int] = {}
    for question in questions:
        per_category[question.category] = per_category.get(question.category, 0) + 1
    listed = [key for section in sections for key in section.quizzes]
    specs: dict[str, QuizSpec] = {}
    for key, table in raw.items():
        line = _table_line(text, f"quizzes.{key}")
        if not isinstance(table, dict):
            collector.add(manifest, line, f"quiz '{key}' must be a table")
            continue
        if not SLUG_RE.match(key):
            collector.add(
                manifest, line, f"quiz key '{key}' must be lower-case letters, digits and -"
            )
        if listed.count(key) != 1:
            collector.add(manifest, line, f"quiz '{key}' must be listed in exactly one section")
        for unknown in sorted(set(table) - QUIZ_KEYS):
            collector.add(
                manifest, _key_line(text, unknown, line), f"unknown quiz setting '{unknown}'"
            )

        def setting(
            name: str,
            kind: type,
            default: Any,
            check=None,
            message: str = "",
            table: dict = table,
            line: int = line,
            key: str = key,
        ) -> Any:
            value = table.get(name, default)
            ok = isinstance(value, kind) and not (kind is int and isinstance(value, bool))
            if not ok or (check is not None and not check(value)):
                collector.add(manifest, _key_line(text, name, line), f"quiz '{key}': {message}")
                return default
            return value

        title = setting(
            "title", str, "", lambda v: bool(v.strip()), "'title' must be a non-empty string"
        )
        spec = QuizSpec(
            key=key,
            title=title.strip(),
            pass_mark=setting(
                "pass_mark", int, 70, lambda v: 0 <= v <= 100, "'pass_mark' must be 0-100"
            ),
            max_attempts=setting(
                "max_attempts",
                int,
                0,
                lambda v: 0 <= v <= 100,
                "'max_attempts' must be 0 (unlimited) to 100",
            ),
            time_limit_minutes=setting(
                "time_limit_minutes",
                int,
                0,
                lambda v: 0 <= v <= 600,
                "'time_limit_minutes' must be 0 (none) to 600",
            ),
            shuffle_questions=setting(
                "shuffle_questions", bool, False, None, "'shuffle_questions' must be true or false"
            ),
            shuffle_options=setting(
                "shuffle_options", bool, False, None, "'shuffle_options' must be true or false"
            ),
            grading=setting(
                "grading",
                str,
                "highest",
                lambda v: v in ("highest", "last"),
                "'grading' must be highest or last",
            ),
            review=setting(
                "review",
                str,
                "full",
                lambda v: v in ("score", "correctness", "full"),
                "'review' must be score, correctness or full",
            ),
            required=setting("required", bool, True, None, "'required' must be true or false"),
            items=[],
        )
        items = table.get("items")
        items_line = _key_line(text, "items", line)
        if not isinstance(items, list) or not items:
            collector.add(manifest, items_line, f"quiz '{key}': 'items' must be a non-empty list")
            items = []
        for item in items:
            if not isinstance(item, dict):
                collector.add(manifest, items_line, f"quiz '{key}': each item must be a table")
            elif set(item) == {"question"}:
                if item["question"] not in by_name:
                    collector.add(
                        manifest,
                        items_line,
                        f"quiz '{key}': no question named '{item['question']}'",
                    )
                else:
                    spec.items.append(dict(item))
            elif set(item) in ({"category"}, {"category", "draw"}):
                available = per_category.get(item["category"], 0)
                draw = item.get("draw")
                if available == 0:
                    collector.add(
                        manifest,
                        items_line,
                        f"quiz '{key}': category '{item['category']}' has no questions",
                    )
                elif draw is not None and (
                    not isinstance(draw, int)
                    or isinstance(draw, bool)
                    or not 1 <= draw <= available
                ):
                    collector.add(
                        manifest,
                        items_line,
                        f"quiz '{key}': 'draw' must be 1-{available} "
                        f"(questions in '{item['category']}')",
                    )
                else:
                    spec.items.append(dict(item))
            else:
                collector.add(
                    manifest,
                    items_line,
                    f"quiz '{key}': an item is {{question = name}} or {{category = c[, draw = n]}}",
                )
        specs[key] = spec
    return specs


def _table_line(text: str, header: str) -> int:
    pattern = re.compile(rf"^\s*\[\s*{re.escape(header)}\s*\]", re.MULTILINE)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 1
