"""The unit of work, and database helpers that behave the same on SQLite and PostgreSQL.

Services flush, never commit. The boundary commits once: the web request (see
`elearn.web.boundary`), a CLI command or a background job (`unit_of_work()`). Code that
needs something done only if the work is kept (send mail, enqueue a job) registers it
with `after_commit`; a write that must survive a rollback (the audit row of a refused
action) is registered with `keep_on_rollback` and written in its own transaction once
the unit has ended. A commit anywhere else inside a unit raises `UnitOfWorkViolation`.

SQLite: a unit that may write starts with BEGIN IMMEDIATE, so writers queue on the
busy timeout instead of failing when their read snapshot went stale (WAL returns
SQLITE_BUSY_SNAPSHOT at once in that case); read-only requests use a plain BEGIN.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.pool import Pool

from elearn.extensions import db

log = logging.getLogger(__name__)

#: Whether the current unit of work may write (SQLite then takes the write lock up front).
_write_intent: ContextVar[bool] = ContextVar("elearn_write_intent", default=False)


class UnitOfWorkViolation(RuntimeError):
    """Something other than the boundary tried to commit."""


@dataclass
class UnitOfWork:
    """State of the open unit: its callbacks and whether it may commit."""

    write: bool
    committing: bool = False
    #: Set by discard(): the boundary rolls back whatever the response says.
    doomed: bool = False
    after_commit: list[Callable[[], None]] = field(default_factory=list)
    keep_on_rollback: list[Callable[[], None]] = field(default_factory=list)


def current_unit() -> UnitOfWork | None:
    return db.session.info.get("uow")


def begin_unit(write: bool) -> UnitOfWork:
    """Open a unit on the current session (the request, command or job starts)."""
    if db.session().in_transaction():
        # Leftovers from code outside any unit (tests, the shell) must not leak in.
        db.session.rollback()
    unit = UnitOfWork(write=write)
    db.session.info["uow"] = unit
    unit_token = _write_intent.set(write)
    db.session.info["uow_token"] = unit_token
    return unit


def end_unit(commit: bool) -> bool:
    """Close the unit: commit (or roll back), then run its deferred work. True if committed."""
    unit = db.session.info.get("uow")
    if unit is None:
        return False
    committed = False
    try:
        if commit and not unit.doomed:
            unit.committing = True
            db.session.commit()
            committed = True
        else:
            db.session.rollback()
    except Exception:
        db.session.rollback()
        raise
    finally:
        unit.committing = False
        db.session.info.pop("uow", None)
        token = db.session.info.pop("uow_token", None)
        if token is not None:
            try:
                _write_intent.reset(token)
            except ValueError:  # ended in another context (a teardown); just clear it
                _write_intent.set(False)
        _run_deferred(unit, committed)
    return committed


def _run_deferred(unit: UnitOfWork, committed: bool) -> None:
    for action in unit.keep_on_rollback:
        try:
            action()
        except Exception:
            log.exception("A write kept across a rollback failed")
    if committed:
        for action in unit.after_commit:
            action()


@contextmanager
def unit_of_work(write: bool = True) -> Iterator[UnitOfWork]:
    """The boundary of a CLI command or a background job; joins an open unit if there is one."""
    outer = current_unit()
    if outer is not None:
        yield outer
        return
    unit = begin_unit(write)
    try:
        yield unit
    except BaseException:
        end_unit(commit=False)
        raise
    end_unit(commit=True)


def discard() -> None:
    """Throw away the unit's changes now; the boundary will not commit them."""
    unit = current_unit()
    db.session.rollback()
    if unit is not None:
        unit.doomed = True


def after_commit(action: Callable[[], None]) -> None:
    """Run `action` once the current unit has committed (never if it rolls back)."""
    unit = current_unit()
    if unit is None:
        # Outside any unit (the shell, a test): nothing will commit on our behalf.
        action()
        return
    unit.after_commit.append(action)


def keep_on_rollback(action: Callable[[], None]) -> None:
    """Run `action` after the unit ends, committed or not (its own transaction)."""
    unit = current_unit()
    if unit is None:
        action()
        return
    unit.keep_on_rollback.append(action)


def _only_the_boundary_commits(session: Any) -> None:
    if session.in_nested_transaction():
        return  # releasing a SAVEPOINT, not committing the unit
    unit = session.info.get("uow")
    if unit is not None and not unit.committing:
        raise UnitOfWorkViolation(
            "commit() inside a unit of work: services flush, the boundary commits"
        )


def init_app(app: Any) -> None:
    """Refuse commits inside a unit that do not come from its boundary; set the ping delay."""
    global PING_IDLE_SECONDS
    PING_IDLE_SECONDS = float(app.config.get("DB_PING_IDLE_SECONDS", PING_IDLE_SECONDS))
    session_class = db.session.session_factory.class_
    if not event.contains(session_class, "before_commit", _only_the_boundary_commits):
        event.listen(session_class, "before_commit", _only_the_boundary_commits)


#: A pooled connection idle longer than this is checked before use (seconds);
#: set from DB_PING_IDLE_SECONDS by init_app.
PING_IDLE_SECONDS = 10.0


@event.listens_for(Pool, "checkin")
def _remember_checkin(dbapi_connection: Any, record: Any) -> None:
    record.info["checked_in"] = time.monotonic()


@event.listens_for(Pool, "checkout")
def _ping_if_idle(dbapi_connection: Any, record: Any, proxy: Any) -> None:
    """Pessimistic disconnect handling for connections that sat idle (SQLAlchemy's
    "custom ping" recipe): a busy pool is not pinged on every checkout, yet a connection
    the database dropped while idle (a restart, a timeout) is replaced, not handed out."""
    checked_in = record.info.get("checked_in")
    if checked_in is None or time.monotonic() - checked_in < PING_IDLE_SECONDS:
        return
    try:
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute("SELECT 1")
        finally:
            cursor.close()
    except Exception as exc:
        log.warning("A pooled database connection was dead (%s); reconnecting", exc)
        raise DisconnectionError() from exc


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection: Any, connection_record: Any) -> None:
    """SQLite: foreign keys, WAL for concurrent readers, wait on locks, our own BEGIN."""
    if type(dbapi_connection).__module__.startswith("sqlite3"):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()
        # Let SQLAlchemy emit BEGIN itself (pysqlite's own is deferred and breaks SAVEPOINT).
        dbapi_connection.isolation_level = None


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection: Any) -> None:
    if connection.dialect.name == "sqlite":
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


def read(statement: Any, params: dict[str, Any] | None = None) -> Any:
    """Run a Core SELECT on the unit's connection, skipping the ORM's per-statement work
    (hot read paths: the session check, the published structure, standings)."""
    return db.session.connection().execute(statement, params or {})


def _dialect_module() -> Any:
    return postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite


def insert_ignore(model: Any, values: dict[str, Any], conflict: list[str]) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING; True when a row was inserted.

    The unique constraint, not a prior SELECT, decides, so concurrent requests
    cannot create duplicates.
    """
    table = model.__table__
    full = dict(values)
    for column in table.columns:
        if column.name not in full and column.default is not None and column.default.is_callable:
            full[column.name] = column.default.arg(None)
    stmt = (
        _dialect_module()
        .insert(table)
        .values(**full)
        .on_conflict_do_nothing(index_elements=conflict)
        .returning(*table.primary_key.columns)
    )
    # rowcount is unreliable across drivers here; RETURNING yields a row only when inserted.
    return db.session.execute(stmt).first() is not None


def upsert(model: Any, values: dict[str, Any], conflict: list[str], update: list[str]) -> None:
    """INSERT ... ON CONFLICT (conflict) DO UPDATE SET the `update` columns."""
    module = _dialect_module()
    stmt = module.insert(model.__table__).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=conflict, set_={name: stmt.excluded[name] for name in update}
    )
    db.session.execute(stmt)
