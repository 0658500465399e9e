"""Browser fixtures and helpers: a live server, one chromium per test module, a page factory
with a chosen screen size, the default phone page, logging in and answering questions."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.conftest import PASSWORD

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


#: Mark a browser test module with this: without Debian's chromium its tests are skipped.
requires_chromium = pytest.mark.skipif(
    CHROMIUM is None,
    reason="no chromium on this machine: install Debian's package (apt-get install -y chromium)",
)


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Debian's chromium through Playwright, launched once per test module."""
    from playwright.sync_api import sync_playwright

    args = ARGS + (["--no-sandbox"] if os.geteuid() == 0 else [])
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=args)
        yield browser
        browser.close()


@pytest.fixture
def open_page(browser) -> Iterator[Callable[..., object]]:
    """Factory: open_page(width, height, cookies=None, javascript=True, bypass_csp=False,
    mobile=False) -> a Playwright page in a context of its own (closed after the test);
    `mobile` makes it a touch phone (is_mobile, has_touch)."""
    contexts = []

    def open_page(
        width: int = 360,
        height: int = 740,
        cookies: list | None = None,
        javascript: bool = True,
        bypass_csp: bool = False,
        mobile: bool = False,
    ):
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale="vi-VN",
            java_script_enabled=javascript,
            bypass_csp=bypass_csp,
            is_mobile=mobile,
            has_touch=mobile,
        )
        context.set_default_timeout(15000)
        if cookies:
            context.add_cookies(cookies)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(open_page):
    """A phone-sized page (390 x 844)."""
    return open_page(390, 844)


def log_in(page, base: str, login: str, password: str = PASSWORD) -> None:
    """Log in through the real form and wait to leave it."""
    page.goto(f"{base}/login")
    page.fill("#login", login)
    page.fill("#password", password)
    page.click("main form button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)


def answer_question(page, qid: str, value) -> None:
    """Fill one question of an attempt page with `value` (as right_answers gives it)."""
    box = page.locator(f"#question-{qid}")
    if isinstance(value, bool):
        box.locator(f"input[value={'true' if value else 'false'}]").check()
    elif isinstance(value, list):
        for token in value:
            box.locator(f"input[value='{token}']").check()
    elif isinstance(value, dict):
        for left, right in value.items():
            box.locator(f"select[name='q-{qid}-{left}']").select_option(right)
    elif isinstance(value, str) and box.locator(f"input[type=radio][value='{value}']").count():
        box.locator(f"input[type=radio][value='{value}']").check()
    else:
        box.locator(f"input[name='q-{qid}']").fill(str(value))
