"""Browser fixtures: a live server and a chromium page factory with a chosen screen size."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
ARGS = [
    "--headless=new",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def live_server(app, courses) -> Iterator[str]:
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture
def open_page() -> Iterator[Callable[..., object]]:
    """Factory: open_page(width, height, cookies=None, javascript=True) -> a Playwright page."""
    from playwright.sync_api import sync_playwright

    args = ARGS + (["--no-sandbox"] if os.geteuid() == 0 else [])
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=args)
        contexts = []

        def open_page(
            width: int = 360, height: int = 740, cookies: list | None = None, javascript=True
        ):
            context = browser.new_context(
                viewport={"width": width, "height": height},
                locale="vi-VN",
                java_script_enabled=javascript,
            )
            context.set_default_timeout(15000)
            if cookies:
                context.add_cookies(cookies)
            contexts.append(context)
            return context.new_page()

        yield open_page
        for context in contexts:
            context.close()
        browser.close()
