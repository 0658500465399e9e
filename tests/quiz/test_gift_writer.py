"""The GIFT writer: exact output per type, and parse(write(qs)) == qs for any valid questions."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from elearn.quiz.gift import parse_gift
from elearn.quiz.gift_writer import bank_problems, write_gift, write_question
from elearn.quiz.question import (
    TEXT_FORMATS,
    NumericAnswer,
    Option,
    Question,
    ShortAnswer,
    Text,
    letter_id,
    matching_ids,
    round_fraction,
)
from elearn.quiz.types import validate

ROOT = Path(__file__).resolve().parents[2]


def roundtrip(questions: list[Question]) -> list[Question]:
    text = write_gift(questions)
    parsed, problems = parse_gift(text, "w.gift")
    assert [str(p) for p in problems] == []
    assert write_gift(parsed) == text
    return parsed


def parse_one(text: str) -> Question:
    questions, problems = parse_gift(text, "t.gift")
    assert problems == []
    [q] = questions
    return q


# --------------------------------------------------------------------------- exact output


def test_single_exact_output():
    q = parse_one(
        "$CATEGORY: phan-1\n\n::cap::[html]Thủ đô <b>của</b> Việt Nam? "
        "{=Hà Nội#Đúng ~%50%Huế#[plain]Gần: <cũ> ~%-25%Đà Nẵng ~%0%%x% ####Hà Nội từ 1010.}"
    )
    assert write_gift([q]) == (
        "$CATEGORY: phan-1\n"
        "\n"
        "::cap:: [html]Thủ đô <b>của</b> Việt Nam? {\n"
        "\t=Hà Nội#Đúng\n"
        "\t~%50%Huế#[plain]Gần\\: <cũ>\n"
        "\t~%-25%Đà Nẵng\n"
        "\t~%0%%x%\n"
        "\t####Hà Nội từ 1010.\n"
        "}\n"
    )


def test_multi_exact_output():
    q = parse_one("::m::Chọn {~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-100%d#Sai ~e}")
    assert write_question(q) == (
        "::m:: Chọn {\n\t~%33.33333%a\n\t~%33.33333%b\n\t~%33.33333%c\n\t~%-100%d#Sai\n\t~e\n}"
    )


def test_truefalse_exact_output():
    assert write_question(parse_one("::t::Trời xanh. {TRUE}")) == "::t:: Trời xanh. {T}"
    q = parse_one("::t::Q {F#sai rồi#đúng rồi####chung}")
    assert write_question(q) == "::t:: Q {F#sai rồi#đúng rồi####chung}"
    q = parse_one("::t::Q {T##chỉ khi đúng}")
    assert (q.feedback_true.text, q.feedback_false.text) == ("chỉ khi đúng", "")
    assert write_question(q) == "::t:: Q {T##chỉ khi đúng}"


def test_short_exact_output_with_directive_wildcard_and_escapes():
    q = parse_one(
        "// elearn: ignore-diacritics\n::s::Viết tắt? {=COD#Đúng =%50%C.O.D =%10%* =5 \\\\* 3}"
    )
    assert write_gift([q]) == (
        "// elearn: ignore-diacritics\n"
        "::s:: Viết tắt? {\n"
        "\t=COD#Đúng\n"
        "\t=%50%C.O.D\n"
        "\t=%10%*\n"
        "\t=5 \\\\* 3\n"
        "}\n"
    )
    assert q.answers[3].text == "5 \\* 3"


def test_numeric_exact_output():
    q = parse_one("::n::Năm? {#=1822:0#Đúng =%50%1822:2#Gần =%-25%-5.5..-1e-05 ~#Sai xa####G}")
    assert write_question(q) == (
        "::n:: Năm? {#\n"
        "\t=1822#Đúng\n"
        "\t=%50%1822:2#Gần\n"
        "\t=%-25%-5.5..-1e-05\n"
        "\t~#Sai xa\n"
        "\t####G\n"
        "}"
    )
    assert write_question(parse_one("::n::Q {#0.1:0.05 ~}")) == "::n:: Q {#\n\t=0.1:0.05\n\t~\n}"


def test_matching_exact_output():
    q = parse_one("::g::[markdown]Ghép {=[html]<b>Zeta</b> -> một =*Alpha* -> b\\=a = -> bốn}")
    assert write_question(q) == (
        "::g:: [markdown]Ghép {\n\t=[html]<b>Zeta</b> -> một\n\t=*Alpha* -> b\\=a\n\t= -> bốn\n}"
    )
    assert q.pairs[0].left == Text("<b>Zeta</b>", "html")
    assert q.right_choices == [("1", "b=a"), ("2", "bốn"), ("3", "một")]


def test_markers_only_where_needed():
    q = parse_one("::f::[html]<i>x</i> {=[html]a ~[moodle]b#[html]c####[html]d}")
    assert write_question(q) == "::f:: [html]<i>x</i> {\n\t=a\n\t~[moodle]b#c\n\t####d\n}"
    # a text that itself starts like a marker is protected by an explicit one
    q = parse_one("::f::[moodle][plain] là chữ {=[moodle][HTML]a ~b}")
    assert q.text == Text("[plain] là chữ", "moodle")
    assert q.options[0].text == Text("[HTML]a", "moodle")
    assert write_question(q) == "::f:: [moodle][plain] là chữ {\n\t=[moodle][HTML]a\n\t~b\n}"


def test_escapes_and_newlines():
    q = Question(
        name="a:b::c\\",
        qtype="truefalse",
        text=Text("Giá = 100:000 {đ} ~ # a\\b\ndòng hai\n\nđoạn ba"),
        answer=False,
        feedback_true=Text("x#y"),
    )
    out = write_question(q)
    assert out == (
        "::a\\:b\\:\\:c\\\\:: Giá \\= 100\\:000 \\{đ\\} \\~ \\# a\\\\b\\ndòng hai\\n\\nđoạn ba "
        "{F#x\\#y}"
    )
    assert "\n" not in out
    assert roundtrip([q]) == [q]


def test_categories_blank_lines_and_final_newline():
    qs = [
        Question(name="a", qtype="truefalse", text=Text("A"), answer=True),
        Question(name="b", qtype="truefalse", text=Text("B"), answer=True, category="c1"),
        Question(name="c", qtype="truefalse", text=Text("C"), answer=False, category="c1"),
        Question(name="d", qtype="truefalse", text=Text("D"), answer=True, category="c2"),
    ]
    assert write_gift(qs) == (
        "::a:: A {T}\n\n$CATEGORY: c1\n\n::b:: B {T}\n\n::c:: C {F}\n\n"
        "$CATEGORY: c2\n\n::d:: D {T}\n"
    )
    assert roundtrip(qs) == qs
    assert write_gift([]) == ""
    assert write_gift(copy.deepcopy(qs)) == write_gift(qs)


def test_bank_problems():
    a = Question(name="a", qtype="truefalse", text=Text("A"), answer=True, category="c")
    b = Question(name="a", qtype="truefalse", text=Text("B"), answer=True)
    assert bank_problems([a, b]) == [
        "a: duplicate question name",
        "a: no category after questions with a category",
    ]
    assert bank_problems([b, a]) == ["a: duplicate question name"]


def test_text_the_writer_cannot_say_is_reported_by_validate():
    # '->' in a matching left item would split the pair elsewhere: validate says so,
    # and indeed it does not read back.
    pairs, rights = matching_ids([(Text("a -> b"), "x"), (Text("c"), "y")])
    q = Question(name="g", qtype="matching", text=Text("Q"), pairs=pairs, right_choices=rights)
    assert validate(q) == ["matching item a must not contain '->'"]
    parsed, problems = parse_gift(write_gift([q]))
    assert parsed != [q]


# --------------------------------------------------------------------------- shipped banks


def _bank_files() -> list[Path]:
    return sorted((ROOT / "courses").glob("*/package/questions/*.gift"))


@pytest.mark.parametrize("path", _bank_files(), ids=lambda p: p.relative_to(ROOT).as_posix())
def test_shipped_banks_round_trip(path: Path):
    questions, problems = parse_gift(path.read_text(encoding="utf-8"), path.name)
    assert problems == []
    assert questions
    assert all(validate(q) == [] for q in questions)
    assert roundtrip(questions) == questions


def test_there_are_shipped_banks():
    if not (ROOT / "courses").is_dir():
        pytest.skip("no course modules")
    assert _bank_files()


# --------------------------------------------------------------------------- property

PIECES = [
    *"aAzZ09 .,;?!'\"()/<>&",
    *"ăâđêôơưĐƠƯáàảãạếềểễệốồổỗộớờởỡợứừửữựíìỉĩịúùủũụ",
    *"~=#{}:\\%[]-*_$\t\u00a0",
    "\n",
    "\n\n",
    "->",
    "//",
    "::",
    "####",
    "_____",
    "%50%",
    "%x%",
    "[html]",
    "[PLAIN]",
    "[moodle]",
    "<b>đậm</b>",
    "**x**",
    "\\n",
    "\\*",
    "$CATEGORY:",
    "Hà Nội",
    "thương hiệu",
]


SOLID = [p for p in PIECES if p.strip() and p not in ("->", "_____")]
_pieces = st.lists(st.sampled_from(PIECES), max_size=6).map("".join)
_no_arrow_pieces = st.lists(st.sampled_from([p for p in PIECES if p != "->"]), max_size=6)

# how a text starts matters most (weights, markers, comments): often start with one of these
_starts = st.sampled_from(["", "", "%50%", "%", "%x%", "[html]", "[Plain]", "//", "#", "*", "\\"])

# texts as the parser gives them back: trimmed (GIFT trims every text)
raw_text = st.one_of(st.just(""), st.builds(lambda a, b: (a + b).strip(), _starts, _pieces))
nonempty_text = st.builds(
    lambda s, a, b, c: (s + a + b + c).strip(), _starts, _pieces, st.sampled_from(SOLID), _pieces
)
no_arrow = st.builds(
    lambda s, a, b, c: (s + "".join(a) + b + "".join(c)).strip(),
    _starts,
    _no_arrow_pieces,
    st.sampled_from(SOLID),
    _no_arrow_pieces,
).filter(lambda s: "->" not in s)
formats = st.sampled_from(TEXT_FORMATS)
fractions = st.one_of(
    st.sampled_from([0.0, 0.5, -0.5, 0.25, 0.3333333, -0.3333333, 0.1, -1.0, 0.9999999]),
    st.integers(-10_000_000, 9_999_999).map(lambda n: n / 10**7),
)
numbers = st.one_of(
    st.integers(-10_000, 10_000).map(float),
    st.floats(-1e12, 1e12, allow_nan=False, allow_infinity=False),
    st.sampled_from([0.1, 1e-05, 12.5, -3.75, 1822.0, 1e15]),
)
tolerances = st.one_of(
    st.just(0.0), st.floats(0, 1e6, allow_nan=False), st.sampled_from([0.5, 2.0, 0.05])
)


@st.composite
def rich(draw, default: str, text=raw_text) -> Text:
    value = draw(text)
    return Text(value, draw(formats) if value else default)


@st.composite
def single_or_multi(draw, fmt: str, qtype: str) -> dict:
    n = draw(st.integers(2, 5))
    if qtype == "single":
        right = draw(st.integers(0, n - 1))
        fr = [1.0 if i == right else draw(fractions.filter(lambda f: f != 1)) for i in range(n)]
    else:
        kind = draw(st.sampled_from(["even", "split"]))
        k = draw(st.integers(1, min(4, n)))
        if kind == "even":
            positive = [round(100 / k, 5)] * k
        else:
            cuts = sorted(draw(st.sets(st.integers(1, 99), min_size=k - 1, max_size=k - 1)))
            positive = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
        rest = [
            draw(st.one_of(st.just(0.0), fractions.map(lambda f: -abs(f)))) for _ in range(n - k)
        ]
        fr = [round_fraction(p / 100) for p in positive] + rest
        fr = draw(st.permutations(fr))
    options = [
        Option(letter_id(i), draw(rich(fmt, nonempty_text)), f, draw(rich(fmt)))
        for i, f in enumerate(fr)
    ]
    return {"options": options}


@st.composite
def truefalse(draw, fmt: str) -> dict:
    return {
        "answer": draw(st.booleans()),
        "feedback_true": draw(rich(fmt)),
        "feedback_false": draw(rich(fmt)),
    }


@st.composite
def short(draw, fmt: str) -> dict:
    n = draw(st.integers(1, 4))
    right = draw(st.integers(0, n - 1))
    answers = [
        ShortAnswer(
            draw(no_arrow),
            1.0 if i == right else draw(fractions),
            draw(rich(fmt, st.one_of(st.just(""), no_arrow))),
        )
        for i in range(n)
    ]
    return {"answers": answers, "ignore_diacritics": draw(st.booleans())}


@st.composite
def numeric(draw, fmt: str) -> dict:
    n = draw(st.integers(1, 3))
    right = draw(st.integers(0, n - 1))
    answers = []
    for i in range(n):
        if draw(st.booleans()):
            value, tol = draw(numbers), draw(tolerances)
            a = NumericAnswer(min=value - tol, max=value + tol, value=value, tolerance=tol)
        else:
            lo, hi = sorted([draw(numbers), draw(numbers)])
            a = NumericAnswer(min=lo, max=hi)
        a.fraction = 1.0 if i == right else draw(fractions)
        a.feedback = draw(rich(fmt))
        answers.append(a)
    wrong = draw(st.one_of(st.none(), rich(fmt)))
    return {"numeric_answers": answers, "numeric_wrong_feedback": wrong}


@st.composite
def matching(draw, fmt: str) -> dict:
    n = draw(st.integers(2, 4))
    rights = draw(st.lists(nonempty_text, min_size=1, max_size=n))
    lefts = [(draw(rich(fmt, no_arrow)), draw(st.sampled_from(rights))) for _ in range(n)]
    distractors = draw(st.lists(nonempty_text, max_size=2))
    pairs, right_choices = matching_ids(lefts, distractors)
    return {"pairs": pairs, "right_choices": right_choices}


TYPES = {
    "single": lambda fmt: single_or_multi(fmt, "single"),
    "multi": lambda fmt: single_or_multi(fmt, "multi"),
    "truefalse": truefalse,
    "short": short,
    "numeric": numeric,
    "matching": matching,
}


@st.composite
def question(draw) -> Question:
    qtype = draw(st.sampled_from(sorted(TYPES)))
    fmt = draw(formats)
    text = draw(nonempty_text)
    return Question(
        name=draw(nonempty_text),
        qtype=qtype,
        text=Text(text, fmt),
        general_feedback=draw(rich(fmt)),
        **draw(TYPES[qtype](fmt)),
    )


CATEGORIES = ["phan-1", "Ngân hàng cuối khoá", "x{y}#z ~ =", "phần 1: thương hiệu", "a//b"]


@st.composite
def banks(draw) -> list[Question]:
    questions = draw(st.lists(question(), min_size=1, max_size=4, unique_by=lambda q: q.name))
    category = ""
    for q in questions:
        if draw(st.booleans()):
            category = draw(st.sampled_from(CATEGORIES))
        q.category = category
    return questions


@settings(max_examples=300, deadline=None, database=None)
@given(banks())
def test_parse_of_write_gives_the_questions_back(questions):
    assert bank_problems(questions) == []
    assert roundtrip(questions) == questions


@settings(max_examples=50, deadline=None, database=None)
@given(question())
def test_round_trip_through_json_and_gift(q):
    from elearn.quiz.question import question_from_data, question_to_data
    from elearn.quiz.richtext import render_question

    render_question(q)
    data = question_to_data(q)
    back = question_from_data(data)
    assert back == q
    assert [t.html for t, _ in back.texts()] == [t.html for t, _ in q.texts()]
    assert roundtrip([back]) == [q]
