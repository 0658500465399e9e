"""Grading every question type, and the learner-safe public view (through the registry)."""

from __future__ import annotations

import json
import unicodedata

import pytest

from elearn.quiz.gift import parse_gift
from elearn.quiz.question import Question, Text
from elearn.quiz.types import Grade, grade, normalize_answer, parse_number, public_view


def q(text: str) -> Question:
    questions, problems = parse_gift(text, "t.gift")
    assert problems == []
    assert len(questions) == 1
    return questions[0]


SINGLE = q("::s::Q {=Hà Nội#Đúng ~Huế#Sai ~Đà Nẵng####Chung}")
MULTI = q("::m::Q {~%50%A#fa ~%50%B#fb ~%-100%C#fc ~D####G}")
MULTI_THIRDS = q("::m3::Q {~%33.333%A ~%33.333%B ~%33.334%C ~%-100%D}")
MULTI_FLOAT = q("::mf::Q {~%33.33333%A ~%33.33333%B ~%33.33333%C}")
TF_TRUE = q("::t::Q {T#sai rồi#đúng rồi####chung}")
TF_FALSE = q("::f::Q {F#sai rồi#đúng rồi}")
SHORT = q("::sh::Q {=Thương hiệu#tốt =%50%nhãn hiệu#gần đúng =%0%logo#không}")
SHORT_NODIA = q("// elearn: ignore-diacritics\n::sd::Q {=Thương hiệu =đối soát}")
NUMERIC = q("::n::Q {#12.5:0.5}")
RANGE = q("::r::Q {#10..15}")
NUMERIC_MULTI = q("::nm::Q {#=1822:0#exact =%50%1822:2#close =%-50%0..100#way off####G}")
MATCH = q("::g::Ghép {=Zeta -> một =Alpha -> ba =Beta -> hai = -> bốn}")
MATCH_SHARED = q("::g2::Ghép {=a -> x =b -> x =c -> y}")


def right_id(question: Question, left_text: str) -> str:
    return next(p.right_id for p in question.pairs if p.left.text == left_text)


# --------------------------------------------------------------------------- single


def test_single_right_wrong_and_feedback():
    # feedback is sanitised HTML: inline for the answer, a paragraph for the general one
    g = grade(SINGLE, "a")
    assert g == Grade(fraction=1.0, correct=True, feedback=["Đúng", "<p>Chung</p>"])
    g = grade(SINGLE, "b")
    assert g == Grade(fraction=0.0, correct=False, feedback=["Sai", "<p>Chung</p>"])
    g = grade(SINGLE, "c")
    assert g == Grade(fraction=0.0, correct=False, feedback=["<p>Chung</p>"])
    assert grade(SINGLE, " a ").correct


@pytest.mark.parametrize("response", [None, "z", "", "A", 0, 1, True, ["a"], {"a": 1}, b"a"])
def test_single_invalid_responses_grade_zero(response):
    g = grade(SINGLE, response)
    assert (g.fraction, g.correct) == (0.0, False)


def test_single_with_penalty_option_clamps_at_zero():
    question = q("::p::Q {=a ~%-50%b ~c}")
    assert question.qtype == "single"  # an '=' makes it single choice (Moodle's rule)
    assert question.options[1].fraction == -0.5
    assert grade(question, "b").fraction == 0.0
    assert grade(question, "a").correct
    question = q("::p2::Q {~%100%a ~%-50%b ~c}")
    assert question.qtype == "multi"
    assert grade(question, ["b"]).fraction == 0.0


def test_single_partial_credit():
    question = q("::h::Q {=full#f ~%50%half#h ~wrong}")
    assert grade(question, "b") == Grade(0.5, False, ["h"])
    assert grade(question, "a") == Grade(1.0, True, ["f"])
    assert grade(question, "c") == Grade(0.0, False, [])


# --------------------------------------------------------------------------- multi


def test_multi_partial_full_and_feedback_in_source_order():
    assert grade(MULTI, ["a"]).fraction == 0.5
    g = grade(MULTI, ["b", "a"])
    assert g == Grade(fraction=1.0, correct=True, feedback=["fa", "fb", "<p>G</p>"])
    assert grade(MULTI, ["a", "d"]).fraction == 0.5
    assert grade(MULTI, []).fraction == 0.0


def test_multi_wrong_picks_subtract_and_clamp():
    assert grade(MULTI, ["a", "b", "c"]).fraction == 0.0
    assert grade(MULTI, ["a", "c"]).fraction == 0.0  # 0.5 - 1 clamps to 0
    assert grade(MULTI, ["c"]).fraction == 0.0
    question = q("::m::Q {~%50%a ~%50%b ~%-25%c}")
    assert grade(question, ["a", "b", "c"]).fraction == 0.75


def test_multi_choosing_everything_is_not_full_marks():
    for question in (MULTI, MULTI_THIRDS, q("::m::Q {~%50%a ~%50%b ~%-10%c}")):
        g = grade(question, [o.id for o in question.options])
        assert g.fraction < 1
        assert not g.correct


def test_multi_float_weights_reach_full_marks():
    g = grade(MULTI_FLOAT, ["a", "b", "c"])
    assert (g.fraction, g.correct) == (1.0, True)
    g = grade(MULTI_THIRDS, ["a", "b", "c"])
    assert (g.fraction, g.correct) == (1.0, True)
    assert grade(MULTI_THIRDS, ["a", "b"]).fraction == pytest.approx(0.66666)


def test_multi_weights_within_parser_tolerance_reach_full_marks():
    question = q("::mt::Q {~%50%a ~%49.995%b ~%-100%c}")
    g = grade(question, ["a", "b"])
    assert (g.fraction, g.correct) == (1.0, True)
    assert grade(question, ["a"]).fraction == 0.5


def test_multi_duplicates_do_not_count_twice_and_containers_accepted():
    assert grade(MULTI, ["a", "a"]).fraction == 0.5
    assert grade(MULTI, ("a", "b")).correct
    assert grade(MULTI, {"a", "b"}).correct
    assert grade(MULTI, frozenset({"a"})).fraction == 0.5


@pytest.mark.parametrize(
    "response", [None, "a", "ab", ["a", "zz"], ["a", None], ["a", 1], {"a": True}, 5]
)
def test_multi_invalid_responses_grade_zero(response):
    g = grade(MULTI, response)
    assert (g.fraction, g.correct, g.feedback) == (0.0, False, ["<p>G</p>"])


# --------------------------------------------------------------------------- true/false


def test_truefalse_bools_and_feedback():
    assert grade(TF_TRUE, True) == Grade(1.0, True, ["đúng rồi", "<p>chung</p>"])
    assert grade(TF_TRUE, False) == Grade(0.0, False, ["sai rồi", "<p>chung</p>"])
    assert grade(TF_FALSE, False) == Grade(1.0, True, ["đúng rồi"])
    assert grade(TF_FALSE, True) == Grade(0.0, False, ["sai rồi"])


@pytest.mark.parametrize(
    ("response", "fraction"), [("true", 1.0), (" TRUE ", 1.0), ("false", 0.0), ("False", 0.0)]
)
def test_truefalse_strings(response, fraction):
    assert grade(TF_TRUE, response).fraction == fraction
    assert grade(TF_FALSE, response).fraction == 1.0 - fraction


@pytest.mark.parametrize("response", [None, 1, 0, "yes", "T", "", [True], 1.0])
def test_truefalse_invalid_responses_grade_zero(response):
    assert grade(TF_TRUE, response).fraction == 0.0
    assert grade(TF_FALSE, response).fraction == 0.0


# --------------------------------------------------------------------------- short


def test_short_exact_casefold_whitespace_and_best_weight():
    assert grade(SHORT, "Thương hiệu") == Grade(1.0, True, ["tốt"])
    assert grade(SHORT, "  THƯƠNG   HIỆU \n").correct
    assert grade(SHORT, "Nhãn Hiệu") == Grade(0.5, False, ["gần đúng"])
    assert grade(SHORT, "logo") == Grade(0.0, False, ["không"])
    assert grade(SHORT, "thương-hiệu").fraction == 0.0


def test_short_unicode_nfc():
    decomposed = unicodedata.normalize("NFD", "Thương hiệu")
    assert decomposed != "Thương hiệu"
    assert grade(SHORT, decomposed).correct


def test_short_casefold_is_not_just_lower():
    question = q("::c::Q {=Straße}")
    assert grade(question, "STRASSE").correct


def test_short_diacritics_matter_by_default():
    assert SHORT.ignore_diacritics is False
    assert grade(SHORT, "thuong hieu").fraction == 0.0
    assert grade(SHORT, "Thuơng hiệu").fraction == 0.0


def test_short_ignore_diacritics():
    assert SHORT_NODIA.ignore_diacritics is True
    assert grade(SHORT_NODIA, "thuong hieu").correct
    assert grade(SHORT_NODIA, "THUONG HIEU").correct
    assert grade(SHORT_NODIA, "Thương hiệu").correct
    assert grade(SHORT_NODIA, "doi soat").correct
    assert grade(SHORT_NODIA, "ĐỐI SOÁT").correct
    assert grade(SHORT_NODIA, "Đoi soat").correct
    assert not grade(SHORT_NODIA, "thuong hieu x").correct


def test_normalize_answer():
    assert normalize_answer("  Đối   Soát ") == "đối soát"
    assert normalize_answer("  Đối   Soát ", ignore_diacritics=True) == "doi soat"
    assert normalize_answer("Ơ ư Ă â Ê ô", ignore_diacritics=True) == "o u a a e o"


@pytest.mark.parametrize("response", [None, 5, ["Thương hiệu"], "", "   "])
def test_short_invalid_responses_grade_zero(response):
    assert grade(SHORT, response).fraction == 0.0


@pytest.mark.parametrize(
    ("answer", "response", "correct"),
    [
        ("Hà * Nội", "Hà Nội", True),  # '*' may be empty; whitespace is collapsed
        ("Hà * Nội", "hà   thủ đô   NỘI", True),
        ("Hà * Nội", "HàNội", False),
        ("Hà * Nội", "Hà Nội x", False),
        ("*ing", "running", True),
        ("*ing", "ing", True),
        ("*ing", "ingx", False),
        ("* b", "b", True),
        ("* b", "x b", True),
        ("* b", "xb", False),
        ("a *", "a", True),
        ("a *", "a x", True),
        ("a *", "ax", False),
        ("a*", "ax y", True),
        ("a* *b", "a b", True),
        ("a* *b", "ab", False),
        ("a * * b", "a b", True),
        ("*", "bất cứ gì", True),
        ("*", "*", True),
        (r"5 \* 3", "5 * 3", True),  # '\*' is a literal star
        (r"5 \* 3", "5 x 3", False),
        (r"\*", "*", True),
        (r"\*", "x", False),
        ("a.b (c)+", "a.b (c)+", True),  # other characters are literal
        ("a.b (c)+", "axb (c)", False),
        ("Straße*", "STRASSE 123", True),
    ],
)
def test_short_wildcard(answer, response, correct):
    question = q(f"::w::Q {{={answer}}}")
    assert grade(question, response).correct is correct


def test_short_wildcard_is_never_compared_as_text():
    question = q("::w::Q {=Hà*}")
    assert grade(question, "HàNội").correct
    assert grade(question, "Hà").correct
    assert grade(question, "Hà Nội").correct
    assert not grade(question, "Huế").correct
    question = q("::w2::Q {=a*b}")
    assert grade(question, "a-x-b").correct
    assert not grade(question, "a-x-c").correct


def test_short_wildcard_low_weight_catch_all_and_best_answer():
    question = q("::w::Thủ đô? {=Hà Nội#Đúng =%10%*#Chưa đúng}")
    assert grade(question, "Hà Nội") == Grade(1.0, True, ["Đúng"])
    assert grade(question, "Huế") == Grade(0.1, False, ["Chưa đúng"])
    assert grade(question, "   ").fraction == 0.0


def test_short_wildcard_with_ignore_diacritics_and_nfc():
    question = q("// elearn: ignore-diacritics\n::w::Q {=thương * hiệu}")
    assert grade(question, "THUONG cua toi HIEU").correct
    assert grade(question, unicodedata.normalize("NFD", "Thương Hiệu")).correct
    question = q("::w2::Q {=thương * hiệu}")
    assert not grade(question, "thuong x hieu").correct
    assert grade(question, unicodedata.normalize("NFD", "thương x hiệu")).correct


# --------------------------------------------------------------------------- numeric


@pytest.mark.parametrize(
    ("response", "correct"),
    [
        (12.5, True),
        (12, True),
        (13, True),
        ("13.0", True),
        ("12,5", True),
        (" 12,0 ", True),
        (11.999, False),
        (13.001, False),
        ("13,01", False),
        (-12.5, False),
    ],
)
def test_numeric_tolerance_edges_inclusive(response, correct):
    assert grade(NUMERIC, response).correct is correct


@pytest.mark.parametrize(
    ("response", "correct"),
    [(10, True), (15, True), (12.34, True), ("10", True), (9.999, False), (15.0001, False)],
)
def test_numeric_range_inclusive(response, correct):
    assert grade(RANGE, response).correct is correct


def test_numeric_float_edges_do_not_fail_on_rounding():
    question = q("::e::Q {#1.1:0.1}")
    assert 1.1 - 1.0 > 0.1  # plain float arithmetic would reject 1.0
    assert grade(question, 1.0).correct
    assert grade(question, 1.2).correct
    assert not grade(question, 0.99).correct


def test_numeric_best_answer_and_negative_clamp():
    assert grade(NUMERIC_MULTI, 1822) == Grade(1.0, True, ["exact", "<p>G</p>"])
    assert grade(NUMERIC_MULTI, "1820") == Grade(0.5, False, ["close", "<p>G</p>"])
    assert grade(NUMERIC_MULTI, 50) == Grade(0.0, False, ["way off", "<p>G</p>"])
    assert grade(NUMERIC_MULTI, 500) == Grade(0.0, False, ["<p>G</p>"])


def test_numeric_catch_all_feedback_when_nothing_matches():
    question = q("::c::Q {#=3:0#Exact =%50%3:2#Close ~#Far off####G}")
    assert grade(question, 3) == Grade(1.0, True, ["Exact", "<p>G</p>"])
    assert grade(question, "4,5") == Grade(0.5, False, ["Close", "<p>G</p>"])
    assert grade(question, 10) == Grade(0.0, False, ["Far off", "<p>G</p>"])
    assert grade(question, "abc") == Grade(0.0, False, ["<p>G</p>"])  # not an answer at all
    question = q("::c2::Q {#3:2 ~#Completely wrong}")
    assert grade(question, 6) == Grade(0.0, False, ["Completely wrong"])
    assert grade(question, 5) == Grade(1.0, True, [])


@pytest.mark.parametrize(
    "response",
    [
        None,
        True,
        "abc",
        "",
        "12.5.1",
        "1,000.5",
        "1,2,3",
        float("nan"),
        float("inf"),
        "inf",
        "nan",
        [12.5],
        10**400,
        "1e999",
    ],
)
def test_numeric_invalid_responses_grade_zero(response):
    assert grade(NUMERIC, response).fraction == 0.0


@pytest.mark.parametrize(
    ("text", "number"),
    [
        # "." or a space between groups of exactly three digits groups thousands.
        ("142.857", 142857.0),
        ("-142.857", -142857.0),
        ("1.234.567", 1234567.0),
        ("85 000", 85000.0),
        ("85\u00a0000", 85000.0),
        ("1 234 567", 1234567.0),
        # "," is the decimal separator, also after grouped thousands.
        ("12,5", 12.5),
        ("1.234,5", 1234.5),
        ("1 234,75", 1234.75),
        ("1,234", 1.234),
        (",5", 0.5),
        ("\u22125", -5.0),
        # Otherwise one "." is a decimal point.
        ("1.5", 1.5),
        ("12.50", 12.5),
        ("0.125", 0.125),
        ("3.14159", 3.14159),
        ("1e3", 1000.0),
        # Not one rule or the other: refused (the learner is told), never guessed.
        ("1,000.5", None),
        ("12.5.1", None),
        ("1.23.456", None),
        ("1.2345.678", None),
        ("1.234 567", None),
        ("1,2,3", None),
        ("12 5", None),
        ("1.234,5,6", None),
        ("0.125.000", None),
    ],
)
def test_learners_numbers_follow_one_vietnamese_rule(text, number):
    assert parse_number(text) == number


def test_vietnamese_grouping_is_graded_right():
    question = q("::p::Giá? {#142857}")
    assert grade(question, "142.857").correct
    assert grade(question, "142 857").correct
    assert not grade(question, "142,857").correct  # a decimal comma: 142.857 in English


def test_parse_number():
    assert parse_number("12,5") == 12.5
    assert parse_number("-3") == -3.0
    assert parse_number("1e3") == 1000.0
    assert parse_number(7) == 7.0
    assert parse_number(False) is None
    assert parse_number("1_000") is None


# --------------------------------------------------------------------------- matching


def test_matching_full_and_partial():
    full = {p.left_id: p.right_id for p in MATCH.pairs}
    assert grade(MATCH, full) == Grade(1.0, True, [])
    one_wrong = dict(full)
    one_wrong["a"] = right_id(MATCH, "Alpha")
    g = grade(MATCH, one_wrong)
    assert g.fraction == pytest.approx(2 / 3)
    assert not g.correct
    assert grade(MATCH, {"a": right_id(MATCH, "Zeta")}).fraction == pytest.approx(1 / 3)
    assert grade(MATCH, {}).fraction == 0.0
    distractor = next(rid for rid, text in MATCH.right_choices if text == "bốn")
    assert grade(MATCH, {"a": distractor, "b": distractor, "c": distractor}).fraction == 0.0


def test_matching_unanswered_items_are_just_wrong():
    full = {p.left_id: p.right_id for p in MATCH.pairs}
    full["c"] = None
    assert grade(MATCH, full).fraction == pytest.approx(2 / 3)
    full["c"] = ""
    assert grade(MATCH, full).fraction == pytest.approx(2 / 3)


def test_matching_shared_right_text():
    x, y = right_id(MATCH_SHARED, "a"), right_id(MATCH_SHARED, "c")
    assert x != y
    assert grade(MATCH_SHARED, {"a": x, "b": x, "c": y}).correct
    assert grade(MATCH_SHARED, {"a": x, "b": y, "c": y}).fraction == pytest.approx(2 / 3)


@pytest.mark.parametrize(
    "response",
    [None, "a", [("a", "1")], {"z": "1"}, {"a": "99"}, {"a": 1}, {1: "1"}],
)
def test_matching_invalid_responses_grade_zero(response):
    assert grade(MATCH, response).fraction == 0.0


def test_unknown_qtype_grades_zero():
    broken = Question(name="x", qtype="essay", text=Text("?"))
    assert grade(broken, "anything") == Grade(0.0, False, [])


# --------------------------------------------------------------------------- public view


SECRET = q("::sec::Hỏi {=RIGHT#SECRET-FB1 ~WRONG#SECRET-FB2 ~OTHER####SECRET-GENERAL}")


def test_public_view_single():
    view = public_view(SECRET)
    assert view == {
        "name": "sec",
        "type": "single",
        "text": "Hỏi",
        "html": "<p>Hỏi</p>",
        "options": [
            {"id": "a", "text": "RIGHT", "html": "RIGHT"},
            {"id": "b", "text": "WRONG", "html": "WRONG"},
            {"id": "c", "text": "OTHER", "html": "OTHER"},
        ],
    }
    shuffled = public_view(SECRET, ["c", "a", "b"])
    assert [o["id"] for o in shuffled["options"]] == ["c", "a", "b"]


@pytest.mark.parametrize(
    "order", [["a", "b"], ["a", "b", "z"], ["a", "a", "b"], ["a", "b", "c", "d"]]
)
def test_public_view_rejects_bad_option_order(order):
    with pytest.raises(ValueError):
        public_view(SECRET, order)


@pytest.mark.parametrize(
    "question",
    [SECRET, MULTI, TF_TRUE, TF_FALSE, SHORT, SHORT_NODIA, NUMERIC, NUMERIC_MULTI, MATCH],
    ids=lambda x: x.name,
)
def test_public_view_never_leaks(question):
    view = public_view(question)
    dumped = json.dumps(view, ensure_ascii=False)
    assert set(view) == {"name", "type", "text", "html", "options"}
    for word in (
        "fraction",
        "feedback",
        "correct",
        "answer",
        "SECRET",
        "right_id",
        "1822",
        "12.5",
        "Thương hiệu",
        "nhãn hiệu",
        "sai rồi",
        "đúng rồi",
        "chung",
    ):
        assert word not in dumped
    if question.qtype in ("single", "multi"):
        assert all(set(o) == {"id", "text", "html"} for o in view["options"])


def test_public_view_truefalse_is_the_same_for_true_and_false():
    t, f = public_view(TF_TRUE), public_view(TF_FALSE)
    assert (
        t["options"]
        == f["options"]
        == [
            {"id": "true", "text": "True"},
            {"id": "false", "text": "False"},
        ]
    )


def test_public_view_short_and_numeric_have_no_options():
    assert public_view(SHORT)["options"] == []
    assert public_view(NUMERIC)["options"] == []


def test_public_view_matching():
    view = public_view(MATCH)
    assert view["type"] == "matching"
    assert view["options"]["left"] == [
        {"id": "a", "text": "Zeta", "html": "Zeta"},
        {"id": "b", "text": "Alpha", "html": "Alpha"},
        {"id": "c", "text": "Beta", "html": "Beta"},
    ]
    assert [o["text"] for o in view["options"]["right"]] == ["ba", "bốn", "hai", "một"]
    # the right-hand ids do not follow the left order, so they do not give the pairs away
    pairing = [right_id(MATCH, t) for t in ("Zeta", "Alpha", "Beta")]
    assert pairing != sorted(pairing)
    order = ["4", "2", "3", "1"]
    shuffled = public_view(MATCH, order)
    assert [o["id"] for o in shuffled["options"]["right"]] == order
    assert shuffled["options"]["left"] == view["options"]["left"]
