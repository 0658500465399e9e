"""Accessibility in the served HTML (no browser needed); tests/browser/test_accessibility.py
checks the same pages with axe-core and the keyboard."""

from __future__ import annotations

import re

from elearn.content.render import render_markdown, scrollable_tables

TABLE = "| Bước | Việc |\n| --- | --- |\n| 1 | Rửa tay |\n"


def test_tables_become_focusable_named_regions():
    html = render_markdown(f"Đoạn đầu.\n\n{TABLE}\nGiữa.\n\n{TABLE}")
    wrapped = scrollable_tables(html, lambda n: f'Bảng {n} "x"')
    region = r'<div class="table-scroll" role="region" tabindex="0" aria-label="([^"]*)"><table>'
    regions = re.findall(region, wrapped)
    assert regions == ["Bảng 1 &quot;x&quot;", "Bảng 2 &quot;x&quot;"]
    assert wrapped.count("</table></div>") == 2
    # Once is enough, and pages without tables are left alone.
    assert scrollable_tables(wrapped, lambda n: "?") == wrapped
    assert scrollable_tables("<p>Không có bảng</p>", lambda n: "?") == "<p>Không có bảng</p>"


def test_lesson_page_wraps_its_tables(learner_client, courses):
    slug = "quan-ly-san-xuat-chat-luong"
    learner_client.post(f"/courses/{slug}/enroll")
    page = learner_client.get(f"/courses/{slug}/lessons/ve-sinh-co-so-san-xuat-nho").text
    assert 'role="region" tabindex="0" aria-label="Bảng 1 (kéo sang ngang để xem hết)"' in page


def test_skip_link_comes_first_and_language_waits_for_its_button(client):
    page = client.get("/").text
    body = page[page.index("<body>") + len("<body>") :].lstrip()
    assert body.startswith('<a class="skip-link" href="#main">Chuyển đến nội dung chính</a>')
    assert '<main id="main" tabindex="-1">' in page
    assert "data-autosubmit" not in page
    assert re.search(r'<button type="submit" class="small">Đổi</button>', page)


def test_failed_submit_shows_a_summary_linking_to_each_field(client):
    page = client.post("/login", data={"login": "", "password": ""}).text
    summary = page[page.index('<div class="error-summary"') :]
    summary = summary[: summary.index("</div>")]
    assert 'tabindex="-1" autofocus' in summary
    assert re.findall(r'href="#(\w+)"', summary) == ["login", "password"]
    assert 'aria-describedby="login-error"' in page and 'id="login-error"' in page


def test_hints_are_linked_to_their_fields(learner_client):
    page = learner_client.get("/password").text
    field = re.search(r'<input[^>]*id="new_password"[^>]*>', page).group(0)
    assert 'aria-describedby="new_password-hint"' in field
    assert '<p class="hint" id="new_password-hint">' in page
