"""The studio on a 360 px phone without JavaScript: a trainer makes a course, writes a
lesson, reorders, publishes; no page scrolls sideways. Screenshots go to tests/artifacts/."""

from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS, log_in, requires_chromium

pytestmark = requires_chromium

WIDTH = 360


def _fits(page, name: str) -> None:
    """Nothing wider than the screen; a screenshot for a person to look at."""
    page.screenshot(path=str(ARTIFACTS / f"studio-{name}-{WIDTH}.png"), full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= WIDTH, (name, width)


@pytest.mark.parametrize("javascript", [False])
def test_a_trainer_writes_and_publishes_a_course_on_a_phone(
    live_server, open_page, make_user, javascript
):
    ARTIFACTS.mkdir(exist_ok=True)
    trainer = make_user("trainer", email="gv@example.vn", full_name="Giảng Viên")
    page = open_page(WIDTH, 740, javascript=javascript)
    log_in(page, live_server, trainer.email)

    page.goto(f"{live_server}/studio")
    _fits(page, "home-empty")
    page.click("text=Khóa học mới")
    page.fill("#title", "Bán hàng trên sàn thương mại điện tử")
    page.fill("#slug", "ban-hang-tren-san")
    page.select_option("#topic", "ecommerce")
    page.click("main form button[type=submit]")
    page.wait_for_url("**/studio/courses/ban-hang-tren-san")
    _fits(page, "course-new")

    # Settings (in a <details>, opened without JavaScript).
    page.click("#settings > summary")
    page.fill("#summary", "Bán hàng trên sàn: từ trang sản phẩm đến đối soát.")
    page.fill("#estimated_hours", "1,5")
    page.click("#settings button[type=submit]")
    page.wait_for_url("**/studio/courses/ban-hang-tren-san")

    for slug, title in (("trang-san-pham", "Trang sản phẩm"), ("doi-soat", "Đối soát")):
        page.goto(f"{live_server}/studio/courses/ban-hang-tren-san")
        page.click("#add-lesson > summary")
        page.fill("#lesson-title", title)
        page.fill("#lesson-slug", slug)
        page.click("#add-lesson button[type=submit]")
        page.wait_for_url(f"**/lessons/{slug}")
        _fits(page, f"lesson-{slug}")
        page.fill("#markdown", f"## {title}\n\nMột đoạn văn về {title.lower()}.\n\n"
                               "| Cột một | Cột hai | Cột ba | Cột bốn |\n|---|---|---|---|\n"
                               "| 1 | 2 | 3 | 4 |\n")  # fmt: skip
        page.click("button[value=preview]")
        page.wait_for_selector("#preview")
        _fits(page, f"lesson-preview-{slug}")
        page.click("button[value=save]")
        page.wait_for_selector(".flash-success")

    page.goto(f"{live_server}/studio/courses/ban-hang-tren-san")
    _fits(page, "course-outline")
    page.click("#lesson-doi-soat button[value=up]")
    page.wait_for_url("**/studio/courses/ban-hang-tren-san#lesson-doi-soat")
    items = page.locator("#section-1 ol.studio-items > li > a").all_inner_texts()
    assert items == ["Đối soát", "Trang sản phẩm"]

    page.goto(f"{live_server}/studio/courses/ban-hang-tren-san/lessons/doi-soat/history")
    _fits(page, "history")
    page.goto(f"{live_server}/studio/courses/ban-hang-tren-san/staff")
    _fits(page, "staff")
    page.goto(f"{live_server}/studio/courses/ban-hang-tren-san/publish")
    _fits(page, "publish")
    page.click("main form button[type=submit]")
    page.wait_for_selector(".flash-success")
    page.goto(f"{live_server}/studio")
    _fits(page, "home")
    assert "Đã xuất bản" in page.inner_text("main")
    page.goto(f"{live_server}/courses/ban-hang-tren-san")
    assert "Bán hàng trên sàn thương mại điện tử" in page.inner_text("main")
