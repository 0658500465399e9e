"""A pooled connection the database dropped while idle is replaced before use (F5)."""

from __future__ import annotations

from elearn.core import db as unit
from elearn.extensions import db


def break_every_pooled_connection(app) -> int:
    """Close the driver connection under every connection waiting in the pool, as a
    database restart would while they sat idle (QueuePool keeps them in `_pool`)."""
    with app.app_context():
        records = list(db.engine.pool._pool.queue)
        for record in records:
            record.dbapi_connection.close()
        return len(records)


def test_an_idle_connection_that_died_is_replaced(app, client, courses, monkeypatch):
    assert client.get("/courses").status_code == 200
    broken = break_every_pooled_connection(app)
    assert broken >= 1
    monkeypatch.setattr(unit, "PING_IDLE_SECONDS", 0.0)
    for _ in range(broken + 1):
        assert client.get("/courses").status_code == 200


def test_a_busy_connection_is_not_pinged(app, client, courses, monkeypatch):
    """Within the idle delay, a checkout runs no ping: no round trip per request."""
    pings = []

    class Spy:
        def __init__(self, real):
            self.real = real

        def cursor(self):
            pings.append(1)
            return self.real.cursor()

    monkeypatch.setattr(unit, "PING_IDLE_SECONDS", 3600.0)
    assert client.get("/courses").status_code == 200
    with app.app_context():
        raw = db.engine.raw_connection()
        record = raw._connection_record
        unit._ping_if_idle(Spy(raw.driver_connection), record, None)
        assert pings == []
        monkeypatch.setattr(unit, "PING_IDLE_SECONDS", 0.0)
        unit._ping_if_idle(Spy(raw.driver_connection), record, None)
        assert pings == [1]
        raw.close()
