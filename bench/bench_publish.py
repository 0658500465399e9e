#!/usr/bin/env python3
"""Benchmark: publishing a 10-lesson studio course (the publish button's service).

Builds a throw-away instance (SQLite file, or a throw-away PostgreSQL database with
--db postgresql; --url uses an existing database instead and empties it first), then,
through the studio's services as the pages call them, a course draft: 10 lessons of
about 400 words each with a heading, a list, a table and one uploaded picture, and a
quiz drawing 10 questions imported from GIFT. It then times `drafts.publish_draft` (what
the publish button runs: the draft written as a package and validated, then made the
published revision) in its own unit of work, commit included, --reps times; before each
repetition after the first, every lesson is edited, so each publish has a new draft. It
prints wall and CPU milliseconds (min / median / max) and the SQL statements per publish
up to its commit, and the same with the work run after the commit (without Redis, the
job refreshing learners' progress runs in-process then, as after the button's request).
In-process, one core; the CPU time is this process's (not PostgreSQL's).

    .venv/bin/python bench/bench_publish.py [--db sqlite|postgresql] [--url URL] [--reps 10]
"""

from __future__ import annotations

import argparse
import io
import logging
import os
import statistics
import tempfile
import time
from pathlib import Path

from common import pg_database

SLUG = "ban-hang-ocop"
LESSONS = 10
QUESTIONS = 10
CATEGORY = "cuoi-khoa"
SENTENCES = (
    "Sản phẩm OCOP cần có câu chuyện rõ ràng về vùng nguyên liệu và người làm ra nó.",
    "Bao bì ghi đủ tên sản phẩm, thành phần, hạn sử dụng và mã truy xuất nguồn gốc.",
    "Chủ thể ghi chép sổ sách bán hàng mỗi ngày để biết sản phẩm nào bán chạy.",
    "Giá bán tính từ chi phí nguyên liệu, công lao động, bao bì và vận chuyển.",
    "Ảnh sản phẩm chụp dưới ánh sáng tự nhiên giúp người mua tin tưởng hơn.",
)


def lesson_markdown(n: int, picture: str, edit: int) -> str:
    """About 400 words: a heading, paragraphs, a list, a table and the picture."""
    paragraphs = [
        " ".join(SENTENCES[(n + k + i) % len(SENTENCES)] for i in range(4)) for k in range(5)
    ]
    return (
        f"## Phần {n}: bán hàng có kế hoạch\n\n"
        + "\n\n".join(paragraphs[:3])
        + f"\n\n{picture}\n\n- Chuẩn bị hàng mẫu\n- Ghi giá rõ ràng\n- Hỏi ý kiến người mua\n\n"
        + "| Khoản | Chi phí |\n|---|---|\n| Nguyên liệu | 40.000 đ |\n| Bao bì | 8.000 đ |\n\n"
        + "\n\n".join(paragraphs[3:])
        + (f"\n\nCập nhật lần {edit}." if edit else "")
        + "\n"
    )


def gift_questions() -> str:
    lines = [f"$CATEGORY: {CATEGORY}", ""]
    for n in range(1, QUESTIONS + 1):
        lines += [
            f"::cau-{n}:: Câu {n}: khoản nào nằm trong giá bán? "
            f"{{=Chi phí bao bì ~Tiền điện thoại cá nhân ~Quà biếu số {n}}}",
            "",
        ]
    return "\n".join(lines)


def picture_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (640, 400), (230, 240, 220))
    draw = ImageDraw.Draw(image)
    for i in range(0, 640, 40):
        draw.rectangle((i, 200 - i // 8, i + 30, 400), fill=(40 + i // 5, 120, 60))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def reset_schema(url: str) -> None:
    """Empty an existing PostgreSQL database (as the test suite does before its run)."""
    from sqlalchemy import create_engine, text

    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def build_course(app):
    """The trainer and the 10-lesson draft with its quiz, through the studio services."""
    from elearn.auth import services as auth_services
    from elearn.core.db import unit_of_work
    from elearn.quiz.importing import preview_gift
    from elearn.studio import assets, courses, drafts, lessons, outline, questions, quizzes

    with unit_of_work():
        trainer = auth_services.register_user(
            "gv@bench.vn",
            "benchmark password 2026",
            auth_services.Profile(full_name="Giảng Viên"),
            role="trainer",
            require_details=False,
        )
        course = courses.create_course(SLUG, "Bán hàng sản phẩm OCOP", "market", "vi", trainer)
        draft = drafts.ensure_draft(course, trainer)
        courses.update_settings(
            draft,
            title="Bán hàng sản phẩm OCOP",
            summary="Mười bài về bán hàng có kế hoạch.",
            topic="market",
            audience="",
            estimated_hours=2.0,
            tools=[],
            language="vi",
            allowed_tools=[],
        )
        outline.add_section(draft, "Phần hai")
        picture = assets.upload_asset(course, "Gian hàng.png", picture_png(), trainer).markdown
        for n in range(1, LESSONS + 1):
            slug = f"bai-{n}"
            outline.add_lesson(draft, slug, f"Bài {n}", trainer, 1 if n <= LESSONS // 2 else 2)
            version = lessons.lesson_text(course, slug).version
            lessons.save_lesson(
                course, slug, f"Bài {n}", lesson_markdown(n, picture, 0), 3, version, trainer
            )
        preview = preview_gift(gift_questions())
        assert preview.ok, preview.problems
        questions.save_questions(draft, preview, trainer.id)
        outline.add_quiz(draft, "cuoi-khoa", "Kiểm tra cuối khóa", 2)
        quizzes.add_draw_item(draft, "cuoi-khoa", CATEGORY, None)
        assert not drafts.draft_problems(draft)
    return trainer.id, picture


def edit_every_lesson(user_id: int, picture: str, edit: int) -> None:
    """A new draft: every lesson saved again with one more line."""
    from elearn.auth.models import User
    from elearn.core.db import unit_of_work
    from elearn.extensions import db
    from elearn.studio import drafts, lessons

    with unit_of_work():
        user = db.session.get(User, user_id)
        course = drafts.course_by_slug(SLUG)
        for n in range(1, LESSONS + 1):
            version = lessons.lesson_text(course, f"bai-{n}").version
            lessons.save_lesson(
                course, f"bai-{n}", f"Bài {n}", lesson_markdown(n, picture, edit), 3, version, user
            )


def publish_once(user_id: int) -> dict[str, float]:
    """One publish: wall and CPU ms and SQL statements up to its commit, and with the
    work run after the commit (without Redis, the job that refreshes learners' progress
    runs in-process then, as it does after the button's request); the revision number."""
    from sqlalchemy import event

    from elearn.auth.models import User
    from elearn.core.db import after_commit, unit_of_work
    from elearn.extensions import db
    from elearn.studio import drafts

    statements: list[str] = []
    committed: dict[str, float] = {}

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    def at_commit() -> None:
        committed.update(wall=time.perf_counter(), cpu=time.process_time(), sql=len(statements))

    db.session.remove()  # a fresh session, as a new request has
    event.listen(db.engine, "before_cursor_execute", count)
    wall, cpu = time.perf_counter(), time.process_time()
    try:
        with unit_of_work():
            after_commit(at_commit)  # first in line: runs before the publish's own
            user = db.session.get(User, user_id)
            revision = drafts.publish_draft(drafts.course_by_slug(SLUG), user)
            number = revision.number
        end_wall = time.perf_counter()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return {
        "wall": (committed["wall"] - wall) * 1000,
        "cpu": (committed["cpu"] - cpu) * 1000,
        "sql": committed["sql"],
        "wall_after": (end_wall - wall) * 1000,
        "sql_after": len(statements),
        "revision": number,
    }


def spread(values: list[float]) -> str:
    return f"{min(values):8.1f} {statistics.median(values):8.1f} {max(values):8.1f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432")
    parser.add_argument("--url", help="an existing PostgreSQL database to empty and use")
    parser.add_argument("--reps", type=int, default=10)
    opts = parser.parse_args()
    kind = "postgresql" if opts.url else opts.db
    with (
        tempfile.TemporaryDirectory() as tmp,
        pg_database("sqlite" if opts.url else kind, opts.pg, "bench_publish") as made,
    ):
        url = opts.url or made or f"sqlite:///{Path(tmp) / 'bench.sqlite3'}"
        if opts.url:
            reset_schema(opts.url)
        os.environ.update(
            {"ELEARN_INSTANCE_PATH": tmp, "ELEARN_ENV": "development", "DATABASE_URL": url}
        )
        from flask_migrate import upgrade

        from elearn import create_app
        from elearn.extensions import db

        app = create_app({"ELEARN_MEDIA_DIR": str(Path(tmp) / "media")})
        with app.app_context():
            upgrade()
            logging.disable(logging.INFO)  # the set-up's audit and job lines
            user_id, picture = build_course(app)
            runs = []
            for rep in range(opts.reps):
                if rep:
                    edit_every_lesson(user_id, picture, rep)
                runs.append(publish_once(user_id))
                assert runs[-1]["revision"] == rep + 1, runs[-1]
            db.engine.dispose()
    print(
        f"\n{kind}: publish a {LESSONS}-lesson draft (one picture, a quiz drawing "
        f"{QUESTIONS} questions), {opts.reps} repetitions, commit included"
    )
    column = {
        "wall ms": "wall",
        "CPU ms (this process)": "cpu",
        "SQL statements": "sql",
        "wall ms, with the job": "wall_after",
        "SQL, with the job": "sql_after",
    }
    print(f"{'':24} {'min':>8} {'median':>8} {'max':>8}")
    for label, key in column.items():
        print(f"{label:24} {spread([float(run[key]) for run in runs])}")
    first = runs[0]
    print(f"first publish (a cold process): {first['wall']:.1f} ms, {first['sql']} statements")


if __name__ == "__main__":
    main()
