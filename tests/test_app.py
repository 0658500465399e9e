"""The application class (elearn.Elearn)."""

from __future__ import annotations

import pytest


def test_ensure_sync_answers_once_per_callable_and_keeps_async_rules(app):
    calls = []

    def view():
        calls.append(1)

    assert app.ensure_sync(view) is view
    assert app.ensure_sync(view) is view
    assert view in app._sync

    # Bound methods are new objects each time but equal: one entry, not one per request.
    class Handler:
        def handle(self):
            return "ok"

    handler = Handler()
    size = len(app._sync)
    for _ in range(3):
        assert app.ensure_sync(handler.handle)() == "ok"
    assert len(app._sync) == size + 1

    async def coroutine():
        return "async"

    try:
        import asgiref  # noqa: F401
    except ImportError:
        with pytest.raises(RuntimeError, match="async"):
            app.ensure_sync(coroutine)
    else:  # pragma: no cover - Flask[async] installed
        assert app.ensure_sync(coroutine)() == "async"


def test_ensure_sync_memory_is_bounded(app, monkeypatch):
    monkeypatch.setattr(app, "_sync", {})
    monkeypatch.setattr(type(app), "_SYNC_LIMIT", 5)
    functions = [lambda: None for _ in range(20)]  # twenty distinct function objects
    for function in functions:
        assert app.ensure_sync(function) is function
    assert len(app._sync) == 5
