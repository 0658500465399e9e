"""Course packages: the one format for content on disk, in a .zip and in a revision.

A package is data only::

    course.toml            the manifest (elearn.content.schemas.Manifest)
    lessons/<slug>.md      Markdown with YAML front matter; the file stem is the slug
    questions/<bank>.gift  question banks in Moodle GIFT, categories by $CATEGORY
    assets/<path>          images and attachments the lessons link as assets/<path>

`read_files` turns the files of a folder or a zip into a `Package`, collecting every
problem as `path:line: message` (nothing is half-read: a package with problems is not
returned). `write_files` turns a `Package` back into files; `write_zip` packs them
deterministically (sorted entries, fixed timestamps), so export -> import -> export
gives identical bytes. Code never travels in a package: `.py` files are refused.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import tomllib
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

import tomli_w
import yaml
from pydantic import ValidationError

from elearn.content import media
from elearn.content.render import Picture, links, render_markdown, unclosed_elements
from elearn.content.schemas import QUIZ_SETTINGS, FrontMatter, Manifest, problems_from
from elearn.content.uploads.errors import UploadRefused
from elearn.content.uploads.process import check_content
from elearn.core.text import SLUG_RE
from elearn.quiz.gift import Problem, Question, parse_gift

#: Limits on what a package (above all an uploaded zip) may hold.
MAX_FILES = 2000
MAX_TOTAL_BYTES = 100 * 1024 * 1024
MAX_TEXT_BYTES = 2 * 1024 * 1024
CODE_SUFFIXES = (".py", ".pyc", ".pyo", ".pyd", ".so", ".sh", ".exe", ".dll")
#: A zip entry's fixed timestamp: the earliest a zip can hold.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


@dataclass
class LessonData:
    slug: str
    title: str
    minutes: int
    required: bool
    video_url: str | None
    video_minutes: int | None
    #: The whole file as written (front matter included).
    source: str
    #: Rendered, sanitised HTML; assets linked by their stored URL.
    body_html: str = ""
    #: Asset paths the lesson links, for the version's identity.
    assets: tuple[str, ...] = ()


@dataclass
class SectionData:
    title: str
    lessons: list[str]
    quizzes: list[str]


@dataclass
class QuizData:
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
    #: Resolved when read: never None here (see schemas.QuizSettings).
    open_after_earlier: bool = False


@dataclass
class Package:
    """Everything a package holds, validated."""

    slug: str
    title: str
    summary: str
    topic: str
    audience: str
    estimated_hours: float
    version: str
    language: str
    published: bool
    tools: list[str]
    sections: list[SectionData]
    lessons: dict[str, LessonData]
    quizzes: dict[str, QuizData] = field(default_factory=dict)
    #: (bank, question) in bank order.
    questions: list[tuple[str, Question]] = field(default_factory=list)
    #: assets/<path> -> bytes
    assets: dict[str, bytes] = field(default_factory=dict)

    @property
    def lesson_order(self) -> list[str]:
        return [slug for section in self.sections for slug in section.lessons]


class PackageError(Exception):
    """The package has problems; nothing was read."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("\n".join(str(p) for p in problems))
        self.problems = problems


# --------------------------------------------------------------------------- files


def files_from_folder(path: Path) -> dict[str, bytes]:
    """Every file of a package folder (hidden files and __pycache__ left out)."""
    files: dict[str, bytes] = {}
    for item in sorted(path.rglob("*")):
        rel = item.relative_to(path)
        if any(part.startswith(".") or part == "__pycache__" for part in rel.parts):
            continue
        if item.is_symlink():
            raise PackageError([Problem(str(rel), 1, "symbolic links are not allowed")])
        if item.is_file():
            files[rel.as_posix()] = item.read_bytes()
    return files


def files_from_zip(data: bytes, label: str = "package.zip") -> dict[str, bytes]:
    """The files of an uploaded zip, refusing anything unsafe (paths, sizes, links)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise PackageError([Problem(label, 1, "this is not a zip file")]) from None
    entries = [i for i in archive.infolist() if not i.is_dir()]
    if len(entries) > MAX_FILES:
        raise PackageError([Problem(label, 1, f"more than {MAX_FILES} files")])
    total = sum(i.file_size for i in entries)
    if total > MAX_TOTAL_BYTES:
        raise PackageError(
            [Problem(label, 1, f"unpacks to more than {MAX_TOTAL_BYTES // 2**20} MB")]
        )
    problems: list[Problem] = []
    files: dict[str, bytes] = {}
    for info in entries:
        name = info.filename
        parts = PurePosixPath(name).parts
        if name.startswith("/") or "\\" in name or ".." in parts or ":" in name:
            problems.append(Problem(label, 1, f"unsafe path in the zip: {name!r}"))
            continue
        if (info.external_attr >> 16) & 0o170000 == 0o120000:
            problems.append(Problem(label, 1, f"symbolic links are not allowed: {name!r}"))
            continue
        if any(part.startswith(".") or part == "__pycache__" for part in parts):
            continue
        files[name] = archive.read(info)
    if problems:
        raise PackageError(problems)
    # A zip made by compressing the folder has one top-level directory: look inside it.
    tops = {PurePosixPath(n).parts[0] for n in files}
    if "course.toml" not in files and len(tops) == 1:
        top = next(iter(tops))
        files = {n[len(top) + 1 :]: b for n, b in files.items() if "/" in n}
    return files


# --------------------------------------------------------------------------- reading


class _Problems:
    def __init__(self, label: str) -> None:
        self.label = label.rstrip("/")
        self.items: list[Problem] = []

    def add(self, path: str, line: int, message: str) -> None:
        where = f"{self.label}/{path}" if self.label else path
        self.items.append(Problem(where, max(line, 1), message))


def _key_line(text: str, key: str, after: int = 0) -> int:
    """1-based line of `key = …` in a TOML text (first after line `after`), or 1."""
    pattern = re.compile(rf"^[ \t]*{re.escape(key)}\s*=", re.MULTILINE)
    for match in pattern.finditer(text):
        line = text.count("\n", 0, match.start()) + 1
        if line > after:
            return line
    return 1


def _table_lines(text: str, header: str) -> list[int]:
    pattern = re.compile(rf"^[ \t]*\[\[\s*{re.escape(header)}\s*\]\]", re.MULTILINE)
    return [text.count("\n", 0, m.start()) + 1 for m in pattern.finditer(text)]


def _table_line(text: str, header: str) -> int:
    pattern = re.compile(rf"^[ \t]*\[\s*{re.escape(header)}\s*\]", re.MULTILINE)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def _manifest_line(text: str, loc: tuple[Any, ...]) -> int:
    if not loc:
        return 1
    if loc[0] == "sections" and len(loc) >= 2 and isinstance(loc[1], int):
        starts = _table_lines(text, "sections")
        start = starts[loc[1]] if loc[1] < len(starts) else 1
        return _key_line(text, str(loc[2]), start) if len(loc) >= 3 else start
    if loc[0] == "quizzes" and len(loc) >= 2:
        start = _table_line(text, f"quizzes.{loc[1]}")
        return _key_line(text, str(loc[2]), start) if len(loc) >= 3 else start
    return _key_line(text, str(loc[0]))


def _text(files: Mapping[str, bytes], path: str, problems: _Problems) -> str | None:
    data = files[path]
    if len(data) > MAX_TEXT_BYTES:
        problems.add(path, 1, f"file is larger than {MAX_TEXT_BYTES // 2**20} MB")
        return None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        problems.add(path, 1, "file is not valid UTF-8")
        return None
    if "\x00" in text:
        # PostgreSQL stores no NUL in text: refused here, not a database error later.
        line = text.count("\n", 0, text.index("\x00")) + 1
        problems.add(path, line, "file contains a NUL character")
        return None
    return text


def read_files(
    files: Mapping[str, bytes], label: str = "", known_tools: set[str] | None = None
) -> Package:
    """Validate and read a package; raises PackageError with every problem found.

    `label` prefixes the paths in problems (e.g. "courses/mau/package");
    `known_tools`, when given, are the tool ids a course may name.
    """
    problems = _Problems(label)
    for path in sorted(files):
        if path.endswith(CODE_SUFFIXES):
            problems.add(path, 1, "a course package holds no code: remove this file")
        elif not (
            path == "course.toml"
            or re.fullmatch(r"lessons/[^/]+\.md", path)
            or re.fullmatch(r"questions/[^/]+\.gift", path)
            or path.startswith("assets/")
        ):
            problems.add(path, 1, "unexpected file (a package has course.toml, lessons/, "
                         "questions/ and assets/)")  # fmt: skip
    if "course.toml" not in files:
        problems.add("course.toml", 1, "course.toml is missing")
        raise PackageError(problems.items)
    text = _text(files, "course.toml", problems)
    if text is None:
        raise PackageError(problems.items)
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"line (\d+)", str(exc))
        problems.add("course.toml", int(match.group(1)) if match else 1, f"invalid TOML: {exc}")
        raise PackageError(problems.items) from None
    try:
        manifest = Manifest.model_validate(raw)
    except ValidationError as exc:
        for loc, message in problems_from(exc, "manifest"):
            problems.add("course.toml", _manifest_line(text, loc), message)
        raise PackageError(problems.items) from None

    assets = _read_assets(files, problems)
    listed = _check_sections(manifest, text, files, problems)
    lessons: dict[str, LessonData] = {}
    for path in sorted(p for p in files if p.startswith("lessons/")):
        slug = PurePosixPath(path).stem
        if not SLUG_RE.match(slug):
            problems.add(
                path,
                1,
                "lesson file name must be lower-case letters, digits and - (it is the slug)",
            )
            continue
        if slug not in listed:
            problems.add(path, 1, f"lesson '{slug}' is not listed in any section of course.toml")
            continue
        lesson = _read_lesson(files, path, slug, assets, problems)
        if lesson is not None:
            lessons[slug] = lesson
    questions = _read_questions(files, problems)
    quizzes = _check_quizzes(manifest, text, questions, problems)
    if known_tools is not None:
        for tool in manifest.tools:
            if tool not in known_tools:
                problems.add(
                    "course.toml",
                    _key_line(text, "tools"),
                    f"tool '{tool}' is not installed (known: {', '.join(sorted(known_tools))})",
                )
    if problems.items:
        raise PackageError(problems.items)
    return Package(
        slug=manifest.slug,
        title=manifest.title.strip(),
        summary=manifest.summary.strip(),
        topic=manifest.topic,
        audience=manifest.audience.strip(),
        estimated_hours=float(manifest.estimated_hours),
        version=manifest.version.strip(),
        language=manifest.language,
        published=manifest.published,
        tools=list(manifest.tools),
        sections=[
            SectionData(s.title.strip(), list(s.lessons), list(s.quizzes))
            for s in manifest.sections
        ],
        lessons={slug: lessons[slug] for slug in listed},
        quizzes=quizzes,
        questions=questions,
        assets=assets,
    )


def _read_assets(files: Mapping[str, bytes], problems: _Problems) -> dict[str, bytes]:
    assets: dict[str, bytes] = {}
    for path in sorted(p for p in files if p.startswith("assets/")):
        name = path[len("assets/") :]
        problem = media.check(name, files[path])
        if problem:
            problems.add(path, 1, problem)
            continue
        if not name.lower().endswith(".gif"):
            # What the studio's uploads must pass, short of decoding the pixels: a zip
            # imported in the browser is an upload too (S21).
            try:
                check_content(name, files[path], max_bytes=media.MAX_ASSET_BYTES)
            except UploadRefused as exc:
                problems.add(path, 1, exc.message)
                continue
        assets[name] = files[path]
    return assets


def _check_sections(
    manifest: Manifest, text: str, files: Mapping[str, bytes], problems: _Problems
) -> dict[str, int]:
    """Lesson slug -> course.toml line, for every lesson listed in a section."""
    listed: dict[str, int] = {}
    starts = _table_lines(text, "sections")
    for index, section in enumerate(manifest.sections):
        line = starts[index] if index < len(starts) else 1
        lessons_line = _key_line(text, "lessons", line)
        if not section.lessons and not section.quizzes:
            problems.add("course.toml", line, "section has no lessons and no quizzes")
        for slug in section.lessons:
            if slug in listed:
                problems.add("course.toml", lessons_line, f"lesson '{slug}' is listed twice")
            listed[slug] = lessons_line
        for key in section.quizzes:
            if key not in manifest.quizzes:
                problems.add(
                    "course.toml",
                    _key_line(text, "quizzes", line),
                    f"quiz '{key}' is listed but has no [quizzes.{key}] table",
                )
    for slug, line in listed.items():
        if f"lessons/{slug}.md" not in files:
            problems.add("course.toml", line, f"lesson '{slug}' has no file lessons/{slug}.md")
    return listed


def asset_reference(url: str) -> str | None:
    """The asset path a lesson link points at ("assets/x.png" or "../assets/x.png")."""
    for prefix in ("assets/", "../assets/"):
        if url.startswith(prefix):
            return url[len(prefix) :].split("#", 1)[0].split("?", 1)[0]
    return None


def _read_lesson(
    files: Mapping[str, bytes],
    path: str,
    slug: str,
    assets: Mapping[str, bytes],
    problems: _Problems,
) -> LessonData | None:
    text = _text(files, path, problems)
    if text is None:
        return None
    source = text
    text = text.replace("\r\n", "\n")
    if not text.startswith("---\n"):
        problems.add(path, 1, "lesson must start with YAML front matter between '---' lines")
        return None
    end = text.find("\n---\n", 3)
    if end == -1:
        problems.add(path, 1, "front matter is not closed with a '---' line")
        return None
    front, body = text[4 : end + 1], text[end + 5 :]
    body_offset = front.count("\n") + 2  # lines before the body starts
    try:
        meta = yaml.safe_load(front) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = (mark.line + 2) if mark is not None else 1
        problems.add(path, line, f"invalid front matter: {getattr(exc, 'problem', exc)}")
        return None
    if not isinstance(meta, dict):
        problems.add(path, 2, "front matter must be key: value pairs")
        return None

    def line_of(key: str) -> int:
        for number, content in enumerate(front.splitlines(), start=2):
            if content.startswith(f"{key}:"):
                return number
        return 1

    try:
        fm = FrontMatter.model_validate(meta)
    except ValidationError as exc:
        for loc, message in problems_from(exc, "front_matter"):
            problems.add(path, line_of(str(loc[0])) if loc else 1, message)
        return None
    before = len(problems.items)
    if not body.strip():
        problems.add(path, body_offset, "lesson has no content")
    for line, message in unclosed_elements(body):
        problems.add(path, body_offset + line, message)
    used: list[str] = []
    for line, url in links(body):
        name = asset_reference(url)
        if name is None:
            continue
        if name not in assets:
            problems.add(path, body_offset + line, f"no such asset: assets/{name}")
        elif name not in used:
            used.append(name)
    if len(problems.items) > before:
        return None
    return LessonData(
        slug=slug,
        title=fm.title.strip(),
        minutes=fm.minutes,
        required=fm.required,
        video_url=fm.video,
        video_minutes=fm.video_minutes,
        source=source,
        body_html="",
        assets=tuple(sorted(used)),
    )


def render_lesson(
    lesson: LessonData,
    asset_urls: Mapping[str, str],
    pictures: Mapping[str, Picture] | None = None,
) -> str:
    """The lesson's sanitised HTML, its asset links pointing at `asset_urls`; an image
    with `pictures` (its sizes: elearn.content.uploads) is shown in those sizes, a link to
    it still downloads the original."""
    text = lesson.source.replace("\r\n", "\n")
    end = text.find("\n---\n", 3)
    body = text[end + 5 :]

    def resolve(url: str) -> str | None:
        name = asset_reference(url)
        return asset_urls.get(name) if name is not None else None

    def resolve_image(url: str) -> Picture | None:
        name = asset_reference(url)
        return pictures.get(name) if pictures and name is not None else None

    return render_markdown(body, resolve_link=resolve, drop_title=True, resolve_image=resolve_image)


def _read_questions(files: Mapping[str, bytes], problems: _Problems) -> list[tuple[str, Question]]:
    """Every question of the banks, names unique across the course."""
    out: list[tuple[str, Question]] = []
    seen: dict[str, str] = {}
    for path in sorted(p for p in files if p.startswith("questions/")):
        text = _text(files, path, problems)
        if text is None:
            continue
        bank = PurePosixPath(path).stem
        where = f"{problems.label}/{path}" if problems.label else path
        parsed, found = parse_gift(text, where)
        problems.items.extend(found)
        for question in parsed:
            if not question.category:
                problems.add(path, question.line, f"question '{question.name}' has no $CATEGORY")
            if question.name in seen:
                problems.add(
                    path,
                    question.line,
                    f"question name '{question.name}' is also used in {seen[question.name]}",
                )
                continue
            seen[question.name] = path
            out.append((bank, question))
    return out


def _check_quizzes(
    manifest: Manifest,
    text: str,
    questions: list[tuple[str, Question]],
    problems: _Problems,
) -> dict[str, QuizData]:
    """The quizzes, checked against the sections and the question bank."""
    names = {q.name for _bank, q in questions}
    per_category: dict[str, int] = {}
    for _bank, question in questions:
        per_category[question.category] = per_category.get(question.category, 0) + 1
    listed = [key for section in manifest.sections for key in section.quizzes]
    # The final quiz: the last item of the course (quizzes follow their section's lessons).
    final = manifest.sections[-1].quizzes[-1] if manifest.sections[-1].quizzes else None
    out: dict[str, QuizData] = {}
    for key, settings in manifest.quizzes.items():
        line = _table_line(text, f"quizzes.{key}")
        items_line = _key_line(text, "items", line)
        if not SLUG_RE.match(key):
            problems.add(
                "course.toml", line, f"quiz key '{key}' must be lower-case letters, digits and -"
            )
        if listed.count(key) != 1:
            problems.add("course.toml", line, f"quiz '{key}' must be listed in exactly one section")
        items: list[dict[str, Any]] = []
        for item in settings.items:
            if set(item) == {"question"} and isinstance(item["question"], str):
                if item["question"] not in names:
                    problems.add(
                        "course.toml", items_line, f"quiz '{key}': no question named "
                        f"'{item['question']}'"
                    )  # fmt: skip
                else:
                    items.append({"question": item["question"]})
            elif set(item) in ({"category"}, {"category", "draw"}) and isinstance(
                item["category"], str
            ):
                available = per_category.get(item["category"], 0)
                draw = item.get("draw")
                if available == 0:
                    problems.add(
                        "course.toml",
                        items_line,
                        f"quiz '{key}': category '{item['category']}' has no questions",
                    )
                elif draw is not None and (
                    not isinstance(draw, int)
                    or isinstance(draw, bool)
                    or not 1 <= draw <= available
                ):
                    problems.add(
                        "course.toml",
                        items_line,
                        f"quiz '{key}': 'draw' must be 1-{available} "
                        f"(questions in '{item['category']}')",
                    )
                else:
                    items.append(dict(item))
            else:
                problems.add(
                    "course.toml",
                    items_line,
                    f"quiz '{key}': an item is {{question = name}} or {{category = c[, draw = n]}}",
                )
        out[key] = QuizData(
            key=key,
            items=items,
            **{name: getattr(settings, name) for name in QUIZ_SETTINGS}
            | {"title": settings.title.strip()}
            | {
                "open_after_earlier": key == final
                if settings.open_after_earlier is None
                else settings.open_after_earlier
            },
        )
    return out


# --------------------------------------------------------------------------- writing


def manifest_dict(package: Package) -> dict[str, Any]:
    """course.toml as data, keys in the documented order."""
    data: dict[str, Any] = {
        "slug": package.slug,
        "title": package.title,
        "summary": package.summary,
        "topic": package.topic,
        "audience": package.audience,
        "estimated_hours": package.estimated_hours,
        "version": package.version,
        "language": package.language,
        "published": package.published,
        "tools": list(package.tools),
        "sections": [
            {"title": s.title, "lessons": list(s.lessons), "quizzes": list(s.quizzes)}
            for s in package.sections
        ],
    }
    if package.quizzes:
        data["quizzes"] = {
            key: {name: getattr(q, name) for name in QUIZ_SETTINGS}
            | {"items": [dict(i) for i in q.items]}
            for key, q in package.quizzes.items()
        }
    return data


def write_files(package: Package) -> dict[str, bytes]:
    """The package as files (the inverse of read_files)."""
    from elearn.quiz.gift_writer import write_gift

    files: dict[str, bytes] = {"course.toml": tomli_w.dumps(manifest_dict(package)).encode()}
    for slug in package.lesson_order:
        files[f"lessons/{slug}.md"] = package.lessons[slug].source.encode("utf-8")
    banks: dict[str, list[Question]] = {}
    for bank, question in package.questions:
        banks.setdefault(bank, []).append(question)
    for bank, questions in banks.items():
        files[f"questions/{bank}.gift"] = write_gift(questions).encode("utf-8")
    for name, data in package.assets.items():
        files[f"assets/{name}"] = data
    return files


def write_zip(files: Mapping[str, bytes]) -> bytes:
    """A deterministic zip: sorted entries, fixed timestamps and permissions."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 3  # Unix, whatever machine writes it
            archive.writestr(info, files[name], compresslevel=9)
    return buffer.getvalue()


def content_hash(package: Package) -> str:
    """The identity of a package's content, independent of how files are formatted."""
    from elearn.quiz.question import question_to_data
    from elearn.quiz.richtext import render_question

    for _bank, question in package.questions:
        render_question(question)
    canonical = {
        "manifest": manifest_dict(package),
        "lessons": {slug: lesson.source for slug, lesson in package.lessons.items()},
        "questions": [[bank, question_to_data(q)] for bank, q in package.questions],
        "assets": {name: hashlib.sha256(data).hexdigest() for name, data in package.assets.items()},
    }
    encoded = json.dumps(canonical, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(encoded.encode("utf-8")).hexdigest()
