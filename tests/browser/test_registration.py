"""The province -> commune picker in a real browser: keyboard steps and quick changes.

Each change of province fetches that province's communes. The responses are held by the
test and released in a chosen order, as a slow mobile link would deliver them, so the
race is reproduced every time instead of by luck.
"""

from __future__ import annotations

from sqlalchemy import select

from elearn.auth.models import User
from elearn.extensions import db
from elearn.regions.services import communes_query, provinces_query
from tests.browser.conftest import ARTIFACTS, requires_chromium

pytestmark = requires_chromium


def _provinces(app) -> list[str]:
    with app.app_context():
        return [p.code for p in db.session.scalars(provinces_query())]


def _communes(app, province: str) -> list[str]:
    with app.app_context():
        return [c.code for c in db.session.scalars(communes_query(province))]


class HeldResponses:
    """Holds every commune-list request until the test releases it."""

    def __init__(self, page):
        self.page = page
        self.held: dict[str, object] = {}
        page.route("**/regions/*/communes", self._hold)

    def _hold(self, route) -> None:
        self.held[route.request.url.split("/regions/")[1].split("/")[0]] = route

    def wait_for(self, codes: list[str]) -> None:
        """Wait until the page has asked for each of these provinces."""
        for _ in range(200):
            if all(code in self.held for code in codes):
                return
            self.page.wait_for_timeout(50)
        raise AssertionError(f"requests seen: {sorted(self.held)}, expected {codes}")

    def release(self, code: str) -> None:
        """Let one request through (a superseded one may already be cancelled)."""
        route = self.held.pop(code)
        try:
            route.continue_()
        except Exception:  # noqa: BLE001 - the page aborted it: exactly what we want
            pass


def _options(page) -> list[str]:
    return page.eval_on_selector_all("#commune_code option", "os => os.map(o => o.value)")


def _settle(page) -> None:
    """Let the page run whatever it queued for the responses it already received."""
    page.evaluate("() => new Promise(r => setTimeout(() => requestAnimationFrame(() => r()), 0))")


def test_province_chosen_with_arrow_keys_lists_only_its_communes(app, live_server, open_page):
    ARTIFACTS.mkdir(exist_ok=True)
    page = open_page(360, 740)
    page.goto(f"{live_server}/register")
    held = HeldResponses(page)
    provinces = _provinces(app)
    page.focus("#province_code")
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    stepped = provinces[:3]
    assert page.input_value("#province_code") == stepped[-1]
    held.wait_for(stepped)
    # The superseded answers arrive first, the last one at the end.
    for code in stepped:
        held.release(code)
    wanted = _communes(app, stepped[-1])
    page.wait_for_selector(f"#commune_code option[value='{wanted[-1]}']", state="attached")
    _settle(page)
    assert _options(page) == ["", *wanted]
    page.screenshot(path=str(ARTIFACTS / "register-keyboard-province.png"))


def test_quick_province_changes_keep_the_last_choice_on_a_slow_link(app, live_server, open_page):
    page = open_page(360, 740)
    page.goto(f"{live_server}/register")
    held = HeldResponses(page)
    first, last = "14", _provinces(app)[0]
    page.select_option("#province_code", first)
    page.select_option("#province_code", last)
    held.wait_for([first, last])
    # The answer for the last choice comes back first; the stale one arrives after it.
    held.release(last)
    wanted = _communes(app, last)
    page.wait_for_selector(f"#commune_code option[value='{wanted[-1]}']", state="attached")
    held.release(first)
    _settle(page)
    assert _options(page) == ["", *wanted]

    # And the learner can finish registering with a commune of the chosen province.
    page.fill("#full_name", "Lò Văn Ánh")
    page.fill("#login", "0912 345 678")
    page.fill("#password", "mật khẩu dài lắm nhé")
    page.click("button.show-password")
    assert page.get_attribute("#password", "type") == "text"
    assert page.get_attribute("button.show-password", "aria-pressed") == "true"
    page.click("button.show-password")
    assert page.get_attribute("#password", "type") == "password"
    page.select_option("#learner_group", "household")
    page.select_option("#commune_code", wanted[0])
    page.click("main form button[type=submit]:not([name=action])")
    page.wait_for_url(f"{live_server}/courses")
    with app.app_context():
        user = db.session.scalar(select(User).where(User.phone == "+84912345678"))
        assert (user.province_code, user.commune_code) == (last, wanted[0])
