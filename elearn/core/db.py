"""Small database helpers that must behave the same on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite

from elearn.extensions import db


def insert_ignore(model: Any, values: dict[str, Any], conflict: list[str]) -> bool:
    """INSERT ... ON CONFLICT DO NOTHING; True when a row was inserted.

    The unique constraint, not a prior SELECT, decides, so concurrent requests
    cannot create duplicates.
    """
    dialect = db.session.get_bind().dialect.name
    module = postgresql if dialect == "postgresql" else sqlite
    table = model.__table__
    full = dict(values)
    for column in table.columns:
        if column.name not in full and column.default is not None and column.default.is_callable:
            full[column.name] = column.default.arg(None)
    stmt = (
        module.insert(table)
        .values(**full)
        .on_conflict_do_nothing(index_elements=conflict)
        .returning(table.c.id)
    )
    # rowcount is unreliable across drivers here; RETURNING yields a row only when inserted.
    return db.session.execute(stmt).first() is not None
