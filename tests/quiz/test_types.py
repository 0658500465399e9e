"""The question-type registry: rendering, validation, responses, public views, templates."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from flask import Flask, render_template
from flask_babel import Babel, refresh
from werkzeug.datastructures import MultiDict

from elearn.quiz.gift import parse_gift
from elearn.quiz.question import (
    MatchPair,
    NumericAnswer,
    Option,
    Question,
    ShortAnswer,
    Text,
    matching_ids,
    question_from_data,
    question_to_data,
)
from elearn.quiz.richtext import plain_text, render_question, render_text
from elearn.quiz.types import (
    QTYPES,
    REGISTRY,
    Grade,
    InvalidResponse,
    QuestionType,
    get_type,
    register,
    unregister,
    validate,
)
from elearn.quiz.types.truefalse import TrueFalseType

ROOT = Path(__file__).resolve().parents[2]


def q(text: str) -> Question:
    questions, problems = parse_gift(text, "t.gift")
    assert [str(p) for p in problems] == []
    [question] = questions
    return question


SAMPLES = {
    "single": "::s::Thủ đô? {=Hà Nội#SECRET-1 ~Huế#SECRET-2 ~%50%Hà Tây#SECRET-3####SECRET-G}",
    "multi": "::m::Chọn {~%50%A#SECRET-1 ~%50%B ~%-100%C#SECRET-2 ~D####SECRET-G}",
    "truefalse": "::t::Trời xanh. {T#SECRET-1#SECRET-2####SECRET-G}",
    "short": "::sh::Viết tắt? {=COD#SECRET-1 =%50%C.O.D#SECRET-2####SECRET-G}",
    "numeric": "::n::Năm? {#=1822:0#SECRET-1 =%50%1822:2#SECRET-2 ~#SECRET-3####SECRET-G}",
    "matching": "::g::Ghép {=Zeta -> một =Alpha -> ba =Beta -> hai = -> bốn####SECRET-G}",
}


@pytest.fixture
def bare_app():
    app = Flask(__name__, template_folder=str(ROOT / "templates"))
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = str(ROOT / "elearn" / "translations")
    locale = {"value": "en"}
    Babel(app, locale_selector=lambda: locale["value"])
    app.extensions["test_locale"] = locale
    with app.test_request_context():
        yield app


# --------------------------------------------------------------------------- registry


def test_registry_order_is_moodles_detection_order():
    assert QTYPES == ("numeric", "single", "multi", "matching", "truefalse", "short")
    assert list(QTYPES) == list(REGISTRY)
    assert "single" in QTYPES and "essay" not in QTYPES
    assert get_type("single").name == "single"
    with pytest.raises(KeyError):
        get_type("essay")


@pytest.mark.parametrize("name", list(REGISTRY))
def test_every_type_has_a_template_and_a_label(bare_app, name):
    qtype = get_type(name)
    assert qtype.template == f"quiz/types/{name}.html"
    assert (ROOT / "templates" / qtype.template).is_file()
    assert str(qtype.label)


def test_labels_translate(bare_app):
    assert [str(get_type(n).label) for n in ("single", "truefalse")] == [
        "Single choice",
        "True/false",
    ]


def test_registering_a_type_in_detection_order():
    class Flip(QuestionType):
        name = "flip"
        template = "quiz/types/flip.html"

        def claims(self, body: str) -> bool:
            return body.strip().startswith("=flip")

        def parse_answers(self, ctx, q):
            q.answer = True

        def write_answers(self, q):
            return "=flip"

        def normalize(self, q, view, raw, to_option):
            return raw is True or None

        def grade(self, q, response):
            return self.finish(q, 1.0 if response is True else 0.0, [])

    try:
        register(Flip)
        assert QTYPES[-1] == "flip"
        # registered last, 'short' claims '=flip' first
        assert q("::a::Q {=flip}").qtype == "short"
        unregister("flip")
        assert "flip" not in QTYPES
        register(Flip, before="short")
        assert list(QTYPES)[-2:] == ["flip", "short"]
        assert q("::a::Q {=flip}").qtype == "flip"
        with pytest.raises(ValueError):
            register(Flip)
        with pytest.raises(ValueError):
            register(TrueFalseType)
    finally:
        unregister("flip")
    assert "flip" not in QTYPES


def test_register_rejects_an_unknown_anchor():
    class Other(QuestionType):
        name = "other"

    with pytest.raises(ValueError):
        register(Other, before="nope")
    assert "other" not in REGISTRY


# --------------------------------------------------------------------------- rendering


def test_moodle_format_is_not_markdown():
    html = render_text("**đậm** <b>x</b>\ndòng hai\n\nđoạn hai", "moodle", inline=False)
    assert html == "<p>**đậm** <b>x</b><br>\ndòng hai</p>\n<p>đoạn hai</p>"
    assert render_text("**đậm**\nhai", "moodle", inline=True) == "**đậm**<br>\nhai"


def test_markdown_format():
    assert render_text("**đậm** và *nghiêng*", "markdown", inline=False) == (
        "<p><strong>đậm</strong> và <em>nghiêng</em></p>\n"
    )
    assert render_text("**đậm**", "markdown", inline=True) == "<strong>đậm</strong>"


def test_plain_format_is_escaped():
    assert render_text("<b>a</b> & b\nc", "plain", inline=False) == (
        "<p>&lt;b&gt;a&lt;/b&gt; &amp; b<br>\nc</p>"
    )
    assert render_text("<b>a</b>", "plain", inline=True) == "&lt;b&gt;a&lt;/b&gt;"


EVIL = (
    '<script>alert(1)</script><img src="x.png" onerror="alert(2)">'
    '<a href="javascript:alert(3)">link</a><a href="https://ok.example/">ok</a>'
    '<iframe src="https://evil.example/"></iframe><p onclick="alert(4)">p</p>'
)


@pytest.mark.parametrize("fmt", ["html", "moodle", "markdown"])
@pytest.mark.parametrize("inline", [False, True])
def test_html_is_sanitised(fmt, inline):
    html = render_text(EVIL, fmt, inline)
    for bad in ("<script", "alert(1)", "onerror", "javascript:", "<iframe", "onclick"):
        assert bad not in html
    assert '<img src="x.png">' in html
    assert 'href="https://ok.example/"' in html


@pytest.mark.parametrize("fmt", ["html", "moodle", "markdown", "plain"])
def test_inline_texts_have_no_block_elements(fmt):
    source = "<p>một</p><div>hai</div>\n\n- ba\n\n# bốn\n\n<ul><li>năm</li></ul><table><tr><td>6"
    html = render_text(source, fmt, inline=True)
    for tag in ("<p", "<div", "<ul", "<li", "<h1", "<table", "<td"):
        assert tag not in html
    assert "một" in html and "năm" in html


def test_render_question_fills_every_text_and_markers_never_show():
    question = q(
        "::q::[markdown]**Q** {=[html]<b>a</b>#[plain]<fb> ~b#**x**####[html]<i>chung</i>}"
    )
    render_question(question)
    assert question.text.html == "<p><strong>Q</strong></p>\n"
    assert [o.text.html for o in question.options] == ["<b>a</b>", "b"]
    assert [o.feedback.html for o in question.options] == ["&lt;fb&gt;", "<strong>x</strong>"]
    assert question.general_feedback.html == "<i>chung</i>"
    assert all("[html]" not in t.html and "[plain]" not in t.html for t, _ in question.texts())


def test_plain_text():
    assert plain_text("<p>a &amp; <b>b</b></p><p>c<br>d</p><script>x()</script>") == "a & b c d"
    assert plain_text('<img alt="ảnh" src="x.png">') == "ảnh"
    assert plain_text("") == ""


# --------------------------------------------------------------------------- data


def test_data_round_trip_keeps_html_and_is_json():
    for source in SAMPLES.values():
        question = q(source)
        render_question(question)
        data = json.loads(json.dumps(question_to_data(question)))
        assert "line" not in data and "path" not in data
        back = question_from_data(data)
        assert back == question
        assert [t.html for t, _ in back.texts()] == [t.html for t, _ in question.texts()]
        assert question_to_data(back) == data


def test_equality_ignores_line_path_html_and_the_format_of_empty_texts():
    a = q("::a::Q {T}")
    b = copy.deepcopy(a)
    b.line, b.path, b.text.html = 99, "x.gift", "<p>Q</p>"
    b.feedback_true = Text("", "html")
    assert a == b
    b.text.format = "html"
    assert a != b
    assert Text("x", "html") != Text("x", "moodle")
    assert Text("", "html") == Text("", "plain")


def test_data_stored_before_the_text_model_still_loads():
    legacy = {
        "name": "s",
        "qtype": "single",
        "text": "Q?",
        "category": "c",
        "text_format": "markdown",
        "general_feedback": "chung",
        "options": [
            {"id": "a", "text": "x", "fraction": 1.0, "feedback": "đúng"},
            {"id": "b", "text": "y", "fraction": 0.0, "feedback": ""},
        ],
        "answer": None,
        "feedback_true": "",
        "feedback_false": "",
        "answers": [],
        "ignore_diacritics": False,
        "numeric_answers": [],
        "pairs": [["a", "L", "1", "R"]],
        "right_choices": [["1", "R"]],
        "line": 3,
        "text_html": "<p>Q?</p>",
    }
    question = question_from_data(legacy)
    assert question.text == Text("Q?", "markdown", "<p>Q?</p>")
    assert question.text.html == "<p>Q?</p>"
    assert question.options[0] == Option("a", Text("x", "markdown"), 1.0, Text("đúng", "markdown"))
    assert question.general_feedback == Text("chung", "markdown")
    assert question.pairs == [MatchPair("a", Text("L", "markdown"), "1", "R")]


# --------------------------------------------------------------------------- validate


@pytest.mark.parametrize("qtype", list(SAMPLES))
def test_parsed_questions_validate(qtype):
    assert validate(q(SAMPLES[qtype])) == []


def _broken(sample: str, **changes: Any) -> Question:
    question = q(SAMPLES[sample])
    for key, value in changes.items():
        setattr(question, key, value)
    return question


def _opts(*fractions: float) -> list[Option]:
    return [Option(chr(97 + i), Text(f"o{i}"), f) for i, f in enumerate(fractions)]


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        (
            _broken("single", options=_opts(1, 1, 0)),
            ["single choice question has 2 answers worth 100%"],
        ),
        (
            _broken("single", options=_opts(0.5, 0)),
            ["single choice question has no answer worth 100%"],
        ),
        (_broken("single", options=_opts(1)), ["choice question needs at least 2 answers, has 1"]),
        (
            _broken("single", options=[Option("b", Text("x"), 1), Option("a", Text("y"), 0)]),
            ["option ids must be a, b, c, … in order"],
        ),
        (
            _broken("single", options=_opts(1, 1 / 3)),
            ["option b: fraction 0.3333333333333333 has more than 7 decimal places"],
        ),
        (_broken("single", options=_opts(1, 1.5)), ["option b: fraction 1.5 is outside -1..1"]),
        (
            _broken("single", options=[Option("a", Text("x"), 1), Option("b", Text(" "), 0)]),
            ["option b: empty answer"],
        ),
        (
            _broken("multi", options=_opts(0.5, 0.4, -1)),
            ["multiple-answer weights add up to 90%, not 100%"],
        ),
        (
            _broken("multi", options=_opts(-0.5, 0)),
            ["multiple-answer question has no right answer (no positive weight)"],
        ),
        (_broken("truefalse", answer=None), ["true/false question has no answer (True or False)"]),
        (_broken("short", answers=[]), ["question has no answers"]),
        (
            _broken("short", answers=[ShortAnswer("a -> b")]),
            ["answer 1: '->' in a short answer or its feedback reads as matching"],
        ),
        (
            _broken("short", answers=[ShortAnswer("a", 0.5)]),
            ["short-answer question has no answer worth 100%"],
        ),
        (_broken("numeric", numeric_answers=[]), ["numeric question has no answers"]),
        (
            _broken("numeric", numeric_answers=[NumericAnswer(min=5, max=1)]),
            ["answer 1: minimum is greater than maximum"],
        ),
        (
            _broken("numeric", numeric_answers=[NumericAnswer(0, 2, value=1, tolerance=2)]),
            ["answer 1: min/max are not value ∓ tolerance"],
        ),
        (
            _broken("numeric", numeric_answers=[NumericAnswer(0, math.inf)]),
            ["answer 1: not a finite number"],
        ),
        (
            _broken("numeric", numeric_answers=[NumericAnswer(1, 1, value=1, tolerance=None)]),
            ["answer 1: value and tolerance go together"],
        ),
        (
            _broken("numeric", numeric_answers=[NumericAnswer(1, 1, fraction=0.5)]),
            ["numeric question has no answer worth 100%"],
        ),
        (
            _broken(
                "matching", pairs=[MatchPair("a", Text("x"), "1", "y")], right_choices=[("1", "y")]
            ),
            ["matching question needs at least 2 pairs, has 1"],
        ),
        (
            _broken(
                "matching", right_choices=[("1", "một"), ("2", "ba"), ("3", "hai"), ("4", "bốn")]
            ),
            ["matching right-hand ids must be 1, 2, … in alphabetical order of their texts"],
        ),
        (
            _broken(
                "matching",
                **dict(
                    zip(
                        ("pairs", "right_choices"),
                        matching_ids([(Text("a->b"), "x"), (Text("c"), "y")]),
                        strict=True,
                    )
                ),
            ),
            ["matching item a must not contain '->'"],
        ),
        (_broken("truefalse", name=""), ["empty question name"]),
        (_broken("truefalse", name=" t"), ["question name has spaces at the start or end"]),
        (_broken("truefalse", text=Text("_____")), ["question has no text"]),
        (_broken("truefalse", text=Text("Q", "rtf")), ["unknown text format 'rtf'"]),
        (
            _broken("truefalse", options=_opts(1, 0)),
            ["'options' is not used by truefalse questions"],
        ),
        (
            _broken("single", ignore_diacritics=True),
            ["'ignore_diacritics' is not used by single questions"],
        ),
        (
            _broken("truefalse", category="$course$/x"),
            ["category must not start with '$course$/' or '$system$/'"],
        ),
        (_broken("truefalse", qtype="essay"), ["unknown question type 'essay'"]),
    ],
)
def test_validate_reports_what_the_parser_would_refuse(question, expected):
    assert validate(question) == expected


# --------------------------------------------------------------------------- responses

TOKENS = {
    "a": "t-a",
    "b": "t-b",
    "c": "t-c",
    "d": "t-d",
    "1": "t-1",
    "2": "t-2",
    "3": "t-3",
    "4": "t-4",
}


class Attempt:
    """A question as an attempt shows it: per-attempt tokens instead of option ids."""

    def __init__(self, source: str, order: list[str] | None = None):
        self.q = q(source)
        self.type = get_type(self.q.qtype)
        ids = self.type.option_ids(self.q)
        self.tokens = {i: TOKENS[i] for i in ids} if ids is not None else {}
        self.view = self.type.public_view(self.q, order)
        options = self.view["options"]
        items = options["right"] if isinstance(options, dict) else options
        for item in items:
            item["id"] = self.tokens.get(item["id"], item["id"])

    def to_option(self, token: str) -> str | None:
        return next((i for i, t in self.tokens.items() if t == token), None)

    def to_token(self, option: str) -> str:
        return self.tokens.get(option, option)

    def normalize(self, raw: Any) -> Any:
        return self.type.normalize(self.q, self.view, raw, self.to_option)


def invalid(attempt: Attempt, raw: Any) -> str:
    with pytest.raises(InvalidResponse) as info:
        attempt.normalize(raw)
    return info.value.kind


def test_normalize_single():
    a = Attempt(SAMPLES["single"], ["c", "a", "b"])
    assert [o["id"] for o in a.view["options"]] == ["t-c", "t-a", "t-b"]
    assert a.normalize("t-b") == "b"
    assert a.normalize("") is None and a.normalize(None) is None
    for raw in ("b", "t-z", 5, ["t-a"], {"t-a": 1}, True):
        assert invalid(a, raw) == "invalid"


def test_normalize_multi():
    a = Attempt(SAMPLES["multi"])
    assert a.normalize(["t-c", "t-a", "t-a"]) == ["a", "c"]
    assert a.normalize("t-b") == ["b"]
    assert a.normalize([]) is None
    for raw in (["t-a", 5], ["a"], ["t-z"], {"t-a": True}, 3, [None]):
        assert invalid(a, raw) == "invalid"


def test_normalize_truefalse():
    a = Attempt(SAMPLES["truefalse"])
    assert a.normalize(True) is True
    assert a.normalize("FALSE") is False
    assert a.normalize("true") is True
    assert a.normalize("") is None
    for raw in ("yes", 1, 0, ["true"], "T"):
        assert invalid(a, raw) == "invalid"


def test_normalize_short():
    a = Attempt(SAMPLES["short"])
    assert a.normalize("  Hà Nội ") == "Hà Nội"
    assert a.normalize("   ") is None
    assert a.normalize("x" * 500) == "x" * 500
    for raw in ("x" * 501, 5, ["COD"], {"a": "COD"}):
        assert invalid(a, raw) == "invalid"


def test_normalize_numeric():
    a = Attempt(SAMPLES["numeric"])
    assert a.normalize(" 12,5 ") == "12,5"
    assert a.normalize(1822) == 1822
    assert a.normalize(12.5) == 12.5
    assert a.normalize("") is None and a.normalize("  ") is None
    for raw in ("mười", "1e999", "12.5.1"):
        assert invalid(a, raw) == "number"
    for raw in (True, [1], {"v": 1}):
        assert invalid(a, raw) == "invalid"


def test_normalize_matching():
    a = Attempt(SAMPLES["matching"], ["4", "3", "2", "1"])
    assert [r["id"] for r in a.view["options"]["right"]] == ["t-4", "t-3", "t-2", "t-1"]
    right = {p.left_id: p.right_id for p in a.q.pairs}
    raw = {"a": a.to_token(right["a"]), "b": "", "c": None}
    assert a.normalize(raw) == {"a": right["a"]}
    assert a.normalize({"a": "", "b": ""}) is None
    assert a.normalize({}) is None
    for bad in ({"z": "t-1"}, {"a": "1"}, {"a": ["t-1"]}, "a", [("a", "t-1")], {1: "t-1"}):
        assert invalid(a, bad) == "invalid"


def test_normalize_refuses_a_token_it_cannot_map_back():
    a = Attempt(SAMPLES["single"])
    a.tokens = {}  # the view still shows tokens, but none maps back
    assert invalid(a, "t-a") == "invalid"


def test_shown_uses_the_page_tokens():
    single, multi, match = (Attempt(SAMPLES[t]) for t in ("single", "multi", "matching"))
    assert single.type.shown("b", single.to_token) == "t-b"
    assert multi.type.shown(["a", "c"], multi.to_token) == ["t-a", "t-c"]
    assert match.type.shown({"a": "1"}, match.to_token) == {"a": "t-1"}
    for name in ("single", "multi", "matching", "truefalse", "short", "numeric"):
        assert get_type(name).shown(None, str) is None
    assert get_type("truefalse").shown(False, str) is False
    assert get_type("numeric").shown("12,5", str) == "12,5"


def test_read_form():
    view = Attempt(SAMPLES["matching"]).view
    form = MultiDict(
        [("q-7", "t-a"), ("q-7", "t-c"), ("q-7-a", "t-2"), ("q-7-b", ""), ("q-8", "x")]
    )
    assert get_type("single").read_form(form, "q-7", {}) == "t-a"
    assert get_type("multi").read_form(form, "q-7", {}) == ["t-a", "t-c"]
    assert get_type("multi").read_form(form, "q-9", {}) == []
    assert get_type("short").read_form(form, "q-9", {}) == ""
    assert get_type("numeric").read_form(form, "q-8", {}) == "x"
    assert get_type("truefalse").read_form(form, "q-8", {}) == "x"
    assert get_type("matching").read_form(form, "q-7", view) == {"a": "t-2", "b": "", "c": ""}


# --------------------------------------------------------------------------- public view


@pytest.mark.parametrize("qtype", list(SAMPLES))
def test_public_view_never_leaks(qtype):
    question = q(SAMPLES[qtype])
    view = get_type(qtype).public_view(question)
    dumped = json.dumps(view, ensure_ascii=False)
    assert set(view) == {"name", "type", "text", "html", "options"}
    for word in ("fraction", "feedback", "SECRET", "correct", "right_id", "1822", "COD"):
        assert word not in dumped
    if qtype in ("single", "multi"):
        assert all(set(o) == {"id", "text", "html"} for o in view["options"])
        assert [o["id"] for o in view["options"]] == [o.id for o in question.options]
    if qtype == "matching":
        assert all(set(o) == {"id", "text", "html"} for o in view["options"]["left"])
        assert all(set(o) == {"id", "text"} for o in view["options"]["right"])
        assert [o["text"] for o in view["options"]["right"]] == ["ba", "bốn", "hai", "một"]
    if qtype == "truefalse":
        assert view["options"] == [{"id": "true", "text": "True"}, {"id": "false", "text": "False"}]
    if qtype in ("short", "numeric"):
        assert view["options"] == []


def test_public_view_text_is_plain_and_html_is_sanitised():
    question = q("::h::[html]<b>Đậm</b> &amp; <script>x()</script>nhạt {=<i>a</i> ~b}")
    view = get_type("single").public_view(question)
    assert view["text"] == "Đậm & nhạt"
    assert view["html"] == "<b>Đậm</b> &amp; nhạt"
    assert view["options"][0] == {"id": "a", "text": "a", "html": "<i>a</i>"}


@pytest.mark.parametrize("qtype", ["single", "multi", "matching"])
def test_public_view_order_must_be_a_permutation(qtype):
    question = q(SAMPLES[qtype])
    ids = get_type(qtype).option_ids(question)
    for order in (ids[:-1], [*ids, "z"], [ids[0], *ids[:-1]], [*ids[1:], "zz"]):
        with pytest.raises(ValueError):
            get_type(qtype).public_view(question, order)
    view = get_type(qtype).public_view(question, list(reversed(ids)))
    items = view["options"]["right"] if qtype == "matching" else view["options"]
    assert [i["id"] for i in items] == list(reversed(ids))


@pytest.mark.parametrize("qtype", ["truefalse", "short", "numeric"])
def test_types_without_options_take_no_order(qtype):
    question = q(SAMPLES[qtype])
    assert get_type(qtype).option_ids(question) is None
    with pytest.raises(ValueError):
        get_type(qtype).public_view(question, ["a"])


# --------------------------------------------------------------------------- grading


WEIRD = [
    None, 0, 1, -1, True, "", " ", "a", "t-a", [], [None], ["a", "a"], {}, {"a": None},
    {"a": ["1"]}, {None: "1"}, float("nan"), float("inf"), "1e999", 10**400, object(), b"a",
]  # fmt: skip


@pytest.mark.parametrize("qtype", list(SAMPLES))
def test_grade_never_raises(qtype):
    question = q(SAMPLES[qtype])
    for response in WEIRD:
        g = get_type(qtype).grade(question, response)
        assert isinstance(g, Grade)
        assert 0.0 <= g.fraction <= 1.0
        assert g.correct is (g.fraction == 1.0)


def test_grade_feedback_is_sanitised_html():
    question = q(
        "::f::[html]Q {=<b>a</b>#<b>đúng</b><script>x()</script> ~b####<p onclick=x>chung</p>}"
    )
    assert get_type("single").grade(question, "a").feedback == ["<b>đúng</b>", "<p>chung</p>"]
    question = q("::m::Q {=a#**không** in đậm ~b}")
    assert get_type("single").grade(question, "a").feedback == ["**không** in đậm"]


# --------------------------------------------------------------------------- words


def test_right_answer_and_response_text(bare_app):
    words = {name: (get_type(name), q(source)) for name, source in SAMPLES.items()}
    t, s = words["single"]
    assert (t.right_answer_text(s), t.response_text(s, "b")) == ("Hà Nội", "Huế")
    t, m = words["multi"]
    assert (t.right_answer_text(m), t.response_text(m, ["a", "c"])) == ("A; B", "A; C")
    t, tf = words["truefalse"]
    assert (t.right_answer_text(tf), t.response_text(tf, False)) == ("True", "False")
    t, sh = words["short"]
    assert (t.right_answer_text(sh), t.response_text(sh, "cod")) == ("COD", "cod")
    t, n = words["numeric"]
    # Numbers in the page's locale (English here; Vietnamese below).
    assert (t.right_answer_text(n), t.response_text(n, "12,5")) == ("1,822", "12.5")
    assert t.right_answer_text(q("::r::Q {#=10..15 =%50%3 =4:0.5}")) == "10 – 15 / 4 ± 0.5"
    t, g = words["matching"]
    assert t.right_answer_text(g) == "Zeta → một; Alpha → ba; Beta → hai"
    right = dict((text, rid) for rid, text in g.right_choices)
    assert t.response_text(g, {"a": right["bốn"]}) == "Zeta → bốn"
    html = q("::h::[html]Q {=<b>x</b> &amp; y ~z}")
    assert get_type("single").right_answer_text(html) == "x & y"


def test_numbers_in_the_review_are_written_the_vietnamese_way(bare_app):
    bare_app.extensions["test_locale"]["value"] = "vi"
    refresh()
    t = get_type("numeric")
    question = q("::g::Giá? {#=142857 =%50%1234.5:0.25}")
    assert t.right_answer_text(question) == "142.857"
    assert t.response_text(question, "142.857") == "142.857"
    assert t.response_text(question, "1234.5") == "1.234,5"
    assert t.response_text(question, 0.1 + 0.2) == "0,3"
    assert t.right_answer_text(q("::t::Q {#=4:0.5}")) == "4 ± 0,5"
    assert t.response_text(question, "bốn") == "bốn"


def test_true_false_words_use_the_existing_translations(bare_app):
    bare_app.extensions["test_locale"]["value"] = "vi"
    refresh()
    tf = q(SAMPLES["truefalse"])
    assert get_type("truefalse").right_answer_text(tf) == "Đúng"
    assert get_type("truefalse").response_text(tf, False) == "Sai"


# --------------------------------------------------------------------------- templates


def _render(qtype: str, source: str, shown: Any, order: list[str] | None = None) -> str:
    a = Attempt(source, order)
    question = SimpleNamespace(id=7, number=1, view=a.view, shown=shown)
    return render_template(a.type.template, q=question, name="q-7")


def test_single_template(bare_app):
    html = _render("single", "::s::Q {=[html]<b>Hà Nội</b> ~Huế}", "t-b")
    assert '<input type="radio" name="q-7" value="t-a" >' in html
    assert '<input type="radio" name="q-7" value="t-b" checked>' in html
    assert "<b>Hà Nội</b>" in html  # option html is rendered, not escaped


def test_multi_template(bare_app):
    html = _render("multi", SAMPLES["multi"], ["t-a", "t-c"])
    assert "Choose every right answer" in html
    assert html.count('type="checkbox" name="q-7"') == 4
    assert 'value="t-a" checked' in html and 'value="t-c" checked' in html
    assert 'value="t-b" >' in html


def test_truefalse_template(bare_app):
    html = _render("truefalse", SAMPLES["truefalse"], False)
    assert 'value="true" >' in html and 'value="false" checked' in html
    bare_app.extensions["test_locale"]["value"] = "vi"
    refresh()
    html = _render("truefalse", SAMPLES["truefalse"], None)
    assert "> Đúng</label>" in html and "> Sai</label>" in html


def test_short_and_numeric_templates(bare_app):
    html = _render("short", SAMPLES["short"], '"><script>')
    assert 'name="q-7" value="&#34;&gt;&lt;script&gt;" maxlength="500"' in html
    html = _render("numeric", SAMPLES["numeric"], 0)
    assert 'inputmode="decimal" id="q-7" name="q-7" value="0"' in html
    assert 'value=""' in _render("numeric", SAMPLES["numeric"], None)


def test_matching_template(bare_app):
    source = "::g::Ghép {=[html]<b>Zeta</b> -> <một> =Alpha -> ba}"
    a = Attempt(source)
    right = {p.left_id: a.to_token(p.right_id) for p in a.q.pairs}
    html = _render("matching", source, {"a": right["a"]})
    assert '<select id="q-7-a" name="q-7-a">' in html and 'name="q-7-b"' in html
    assert f'<option value="{right["a"]}" selected>&lt;một&gt;</option>' in html
    assert '<label for="q-7-a"><b>Zeta</b></label>' in html
