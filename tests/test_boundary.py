"""The boundary (elearn.web.inputs): NUL bytes, huge ids and hostile JSON are 4xx, never 500.

Every rule of the url_map is walked, so a new route is covered without touching this file.
On PostgreSQL these were 500s (`psycopg.DataError`, "integer out of range"); on SQLite an id
beyond 2**63 was one (OverflowError).
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from elearn.web.inputs import MAX_ID, json_depth
from tests.conftest import PASSWORD
from tests.test_security import SAMPLE_ARGS

HUGE_IDS = [MAX_ID + 1, 2**63, 10**30]
NUL = "a\x00b"


@pytest.fixture
def admin_with_token(app, make_user, auth_client):
    """An admin's browser session that also carries the admin's API token: every route
    then reaches its query instead of stopping at a login redirect or a 401."""
    admin = make_user("admin", email="quantri@example.vn")
    client = auth_client(admin)
    response = client.post("/api/v1/auth/token", json={"login": admin.email, "password": PASSWORD})
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {response.json['token']}"
    return client


def _rules(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "auth.logout":
            continue  # would end the walk's session
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield rule, method


def _build(rule, **values) -> str:
    args = {k: values.get(k, SAMPLE_ARGS.get(k, "x")) for k in rule.arguments}
    return rule.build(args, append_unknown=False)[1]


@settings(max_examples=500)
@given(st.integers(min_value=0, max_value=10**11))
def test_the_id_regex_matches_exactly_zero_to_max_id(number):
    from elearn.web.inputs import BoundedIntConverter

    for text in (str(number), str(number).zfill(10)):
        matched = re.fullmatch(BoundedIntConverter.regex, text) is not None
        assert matched == (int(text) <= MAX_ID and len(text) <= 10), text


def test_the_id_regex_at_its_edges():
    from elearn.web.inputs import BoundedIntConverter

    for n in range(MAX_ID - 1000, MAX_ID + 1000):
        assert (re.fullmatch(BoundedIntConverter.regex, str(n)) is not None) == (n <= MAX_ID)


def test_every_int_rule_uses_the_bounded_converter(app):
    from elearn.web.inputs import BoundedIntConverter

    int_rules = [r for r in app.url_map.iter_rules() if "<int:" in r.rule]
    assert int_rules, "no <int:> rule left to check"
    for rule in int_rules:
        for name, converter in rule._converters.items():
            if f"<int:{name}>" in rule.rule:
                assert isinstance(converter, BoundedIntConverter), rule.rule


def test_ids_beyond_the_database_are_404_on_every_int_route(app, admin_with_token, courses):
    failures = []
    checked = 0
    for rule, method in _rules(app):
        names = [n for n in rule.arguments if f"<int:{n}>" in rule.rule]
        for huge in HUGE_IDS if names else []:
            url = _build(rule, **dict.fromkeys(names, huge))
            response = admin_with_token.open(url, method=method, data={"version": "1"})
            checked += 1
            if response.status_code != 404:
                failures.append(f"{method} {url} → {response.status_code}")
    assert checked >= 10
    assert not failures, failures


def test_an_id_of_thousands_of_digits_is_404(admin_with_token, courses):
    # int() refuses more than 4,300 digits with ValueError.
    assert admin_with_token.get("/api/v1/lessons/" + "9" * 5000).status_code == 404
    assert admin_with_token.get("/jobs/admin/" + "9" * 5000 + "/retry").status_code in (404, 405)


def test_the_largest_id_still_reaches_the_view(admin_with_token, courses):
    response = admin_with_token.get(f"/api/v1/lessons/{MAX_ID}")
    assert response.status_code == 404
    assert response.json["error"]["code"] == "not_found"


def test_nul_in_the_query_string_is_400_on_every_route(app, admin_with_token, courses):
    failures = []
    for rule, method in _rules(app):
        url = _build(rule) + "?q=a%00b&next=%2F"
        response = admin_with_token.open(url, method=method)
        if response.status_code != 400:
            failures.append(f"{method} {url} → {response.status_code}")
    assert not failures, failures


def test_nul_in_a_path_segment_is_400_on_every_route(app, admin_with_token, courses):
    failures = []
    for rule, method in _rules(app):
        names = [n for n in rule.arguments if f"<int:{n}>" not in rule.rule]
        if not names:
            continue
        url = _build(rule, **dict.fromkeys(names, NUL))
        response = admin_with_token.open(url, method=method)
        if response.status_code != 400:
            failures.append(f"{method} {url} → {response.status_code}")
    assert not failures, failures


def test_nul_in_a_form_field_is_400_on_every_post_route(app, admin_with_token, courses):
    failures = []
    fields = ["login", "email", "password", "full_name", "q", "province", "commune", "version"]
    for rule, method in _rules(app):
        if method == "GET":
            continue
        for field in fields:
            response = admin_with_token.open(_build(rule), method=method, data={field: NUL})
            if response.status_code != 400:
                failures.append(f"{method} {rule.rule} {field} → {response.status_code}")
    assert not failures, failures


def test_nul_in_a_json_body_is_400_on_every_api_write(app, admin_with_token, courses):
    failures = []
    for rule, method in _rules(app):
        if method == "GET" or not rule.rule.startswith("/api/"):
            continue
        for body in ({"login": NUL, "password": "x"}, {"answers": {NUL: "1"}}, [[NUL]]):
            response = admin_with_token.open(_build(rule), method=method, json=body)
            if response.status_code != 400:
                failures.append(f"{method} {rule.rule} {body!r} → {response.status_code}")
    assert not failures, failures


def test_login_register_and_forgot_password_with_nul(client):
    for url, data in [
        ("/login", {"login": NUL, "password": PASSWORD}),
        ("/register", {"login": NUL, "password": PASSWORD, "full_name": "An"}),
        ("/forgot-password", {"login": NUL}),
    ]:
        response = client.post(url, data=data)
        assert response.status_code == 400, url
        text = response.get_data(as_text=True)
        assert "ký tự không hợp lệ" in text, url  # the Vietnamese message, not a generic one


def test_the_refusal_is_translated_in_json_too_and_names_the_field(client):
    response = client.post("/api/v1/auth/token", json={"login": NUL, "password": "x"})
    assert response.status_code == 400
    error = response.json["error"]
    assert error["code"] == "invalid" and "ký tự không hợp lệ" in error["message"]
    assert list(error["fields"]) == ["login"]
    response = client.get("/api/v1/courses?topic=x&q=" + "a%00")
    assert list(response.json["error"]["fields"]) == ["q"]


def test_text_without_nul_is_served_as_before(client, courses):
    response = client.get("/courses?q=" + "thương mại điện tử")
    assert response.status_code == 200
    response = client.post("/api/v1/auth/token", json={"login": "a\\u0000b", "password": "x"})
    assert response.status_code == 401  # an escaped backslash-u is six plain characters


def test_deeply_nested_json_is_400_not_recursion_error(client):
    deep = "[" * 100_000 + "]" * 100_000
    response = client.post("/api/v1/auth/token", data=deep, content_type="application/json")
    assert response.status_code == 400
    assert response.json["error"]["code"] == "bad_request"


def test_brackets_inside_strings_are_not_nesting(client):
    body = '{"login": "' + "[" * 5000 + '", "password": "x"}'
    response = client.post("/api/v1/auth/token", data=body, content_type="application/json")
    assert response.status_code == 401


def test_json_body_over_the_limit_is_413(app, client):
    body = '{"login": "' + "a" * app.config["JSON_MAX_BYTES"] + '", "password": "x"}'
    response = client.post("/api/v1/auth/token", data=body, content_type="application/json")
    assert response.status_code == 413


@pytest.mark.parametrize(
    ("text", "depth"),
    [
        (b"{}", 1),
        (b'{"a": [1, {"b": []}]}', 4),
        (b'{"a": "[[[[", "b": "\\"[["}', 1),
        (b"3", 0),
    ],
)
def test_json_depth(text, depth):
    assert json_depth(text) == depth
