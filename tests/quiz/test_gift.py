"""The GIFT parser: every supported construct, every problem with its file:line."""

from __future__ import annotations

import random
from dataclasses import FrozenInstanceError
from pathlib import Path

import pytest

from elearn.quiz.gift import Problem, parse_gift
from elearn.quiz.question import MatchPair, Question, Text
from elearn.quiz.types import QTYPES

ROOT = Path(__file__).resolve().parents[2]
COURSES = ROOT / "courses"


def one(text: str) -> Question:
    questions, problems = parse_gift(text, "t.gift")
    assert problems == []
    assert len(questions) == 1
    return questions[0]


def problems_of(text: str) -> list[str]:
    questions, problems = parse_gift(text, "t.gift")
    return [str(p) for p in problems]


# --------------------------------------------------------------------------- Problem


def test_problem_str_and_frozen():
    p = Problem("a/b.gift", 7, "boom")
    assert str(p) == "a/b.gift:7: boom"
    with pytest.raises(FrozenInstanceError):
        p.line = 8  # type: ignore[misc]


# --------------------------------------------------------------------------- types


def test_single_choice():
    q = one("::cap::Thủ đô của Việt Nam? {=Hà Nội #Đúng ~Huế #Sai ~Đà Nẵng}")
    assert q.qtype == "single"
    assert q.name == "cap"
    assert q.text == Text("Thủ đô của Việt Nam?", "moodle")
    assert q.line == 1
    assert [(o.id, o.text.text, o.fraction, o.feedback.text) for o in q.options] == [
        ("a", "Hà Nội", 1.0, "Đúng"),
        ("b", "Huế", 0.0, "Sai"),
        ("c", "Đà Nẵng", 0.0, ""),
    ]


def test_single_choice_multiline_with_general_feedback():
    text = (
        "::q1:: Câu hỏi\n"
        "nhiều dòng?\n"
        "{\n"
        "~sai một#không\n"
        "=đúng#có\n"
        "~sai hai\n"
        "####Giải thích chung.\n"
        "}\n"
    )
    q = one(text)
    assert q.qtype == "single"
    assert q.text.text == "Câu hỏi\nnhiều dòng?"
    assert q.general_feedback.text == "Giải thích chung."
    assert [(o.id, o.fraction) for o in q.options] == [("a", 0.0), ("b", 1.0), ("c", 0.0)]
    assert q.options[1].feedback.text == "có"


def test_multi_choice_weights_including_negative():
    q = one("::m::Chọn các ý đúng {~%50%a#yes ~%50%b ~%-100%c#no ~d}")
    assert q.qtype == "multi"
    assert [(o.id, o.text.text, o.fraction, o.feedback.text) for o in q.options] == [
        ("a", "a", 0.5, "yes"),
        ("b", "b", 0.5, ""),
        ("c", "c", -1.0, "no"),
        ("d", "d", 0.0, ""),
    ]


def test_multi_choice_decimal_weights_and_equals_is_full_credit():
    q = one("::m::Q {~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-50%d}")
    assert q.qtype == "multi"
    assert q.options[0].fraction == 0.3333333  # fractions are kept to 7 decimal places
    # '=' is full credit; with an '=' the block is single choice (Moodle), whatever the
    # ~ weights, so a negative weight is a penalty of a single choice question.
    q = one("::m2::Q {=a ~%-50%b ~c}")
    assert q.qtype == "single"
    assert [o.fraction for o in q.options] == [1.0, -0.5, 0.0]


def test_multi_weight_sum_tolerance_edges():
    assert problems_of("::m::Q {~%50%a ~%49.995%b}") == []
    assert problems_of("::m::Q {~%50%a ~%50.01%b}") == []
    assert problems_of("::m::Q {~%50%a ~%49.98%b}") == [
        "t.gift:1: multiple-answer weights add up to 99.98%, not 100%"
    ]
    assert problems_of("::m::Q {~%50%a ~%50.02%b}") == [
        "t.gift:1: multiple-answer weights add up to 100.02%, not 100%"
    ]


def test_truefalse_variants_and_feedback_semantics():
    for src, answer in [("{T}", True), ("{TRUE}", True), ("{F}", False), ("{false}", False)]:
        q = one(f"::tf::Trời xanh. {src}")
        assert q.qtype == "truefalse"
        assert q.answer is answer
        assert q.text.text == "Trời xanh."
    # {T#wrong#right}: the first feedback is for a learner who answered wrongly.
    q = one("::t::Q {T#Bạn sai rồi#Bạn đúng rồi####Chung}")
    assert q.answer is True
    assert q.feedback_false.text == "Bạn sai rồi"
    assert q.feedback_true.text == "Bạn đúng rồi"
    assert q.general_feedback.text == "Chung"
    q = one("::f::Q {F#Bạn sai rồi#Bạn đúng rồi}")
    assert q.answer is False
    assert q.feedback_true.text == "Bạn sai rồi"
    assert q.feedback_false.text == "Bạn đúng rồi"
    q = one("::f1::Q {F#chỉ một}")
    assert (q.feedback_true.text, q.feedback_false.text) == ("chỉ một", "")


def test_short_answer_with_weights_and_feedback():
    q = one("::s::Viết tắt của thanh toán khi nhận hàng? {=COD#Đúng =%50%C.O.D#Gần đúng}")
    assert q.qtype == "short"
    assert [(a.text, a.fraction, a.feedback.text) for a in q.answers] == [
        ("COD", 1.0, "Đúng"),
        ("C.O.D", 0.5, "Gần đúng"),
    ]
    assert q.ignore_diacritics is False


def test_ignore_diacritics_directive_skips_blank_lines():
    text = (
        "::a::Q1 {=x}\n\n// elearn: ignore-diacritics\n\n::b::Q2 {=thương hiệu}\n\n::c::Q3 {=y}\n"
    )
    questions, problems = parse_gift(text, "t.gift")
    assert problems == []
    assert [(q.name, q.ignore_diacritics) for q in questions] == [
        ("a", False),
        ("b", True),
        ("c", False),
    ]


def test_numeric_value_tolerance_range_and_multiple_answers():
    q = one("::n1::Q {#12.5:0.5}")
    assert q.qtype == "numeric"
    [a] = q.numeric_answers
    assert (a.value, a.tolerance, a.min, a.max, a.fraction) == (12.5, 0.5, 12.0, 13.0, 1.0)
    q = one("::n2::Q {#10..15#fb}")
    [a] = q.numeric_answers
    assert (a.value, a.tolerance, a.min, a.max, a.feedback.text) == (None, None, 10.0, 15.0, "fb")
    q = one("::n3::Q {#42}")
    assert (q.numeric_answers[0].value, q.numeric_answers[0].tolerance) == (42.0, 0.0)
    q = one("::n4::Năm? {#\n=1822:0#Đúng\n=%50%1822:2#Gần\n=%-25%-5..-1\n}")
    assert [(a.min, a.max, a.fraction, a.feedback.text) for a in q.numeric_answers] == [
        (1822.0, 1822.0, 1.0, "Đúng"),
        (1820.0, 1824.0, 0.5, "Gần"),
        (-5.0, -1.0, -0.25, ""),
    ]
    q = one("::n5::Q {#3..5####Ba đến năm.}")
    assert q.general_feedback.text == "Ba đến năm."
    assert (q.numeric_answers[0].min, q.numeric_answers[0].max) == (3.0, 5.0)


def test_matching_pairs_and_ids_do_not_reveal_pairing():
    text = "::g::Ghép.{\n=Zeta -> một\n=Alpha -> ba\n=Beta -> hai\n= -> bốn\n####Chung\n}"
    q = one(text)
    assert q.qtype == "matching"
    assert q.general_feedback.text == "Chung"
    # right ids follow the alphabetical order of the right texts, distractor included
    assert q.right_choices == [("1", "ba"), ("2", "bốn"), ("3", "hai"), ("4", "một")]
    assert q.pairs == [
        MatchPair("a", Text("Zeta"), "4", "một"),
        MatchPair("b", Text("Alpha"), "1", "ba"),
        MatchPair("c", Text("Beta"), "3", "hai"),
    ]
    assert q.pairs[0].left.text == "Zeta"


def test_matching_two_pairs_allowed_and_same_right_shares_id():
    q = one("::g2::Q {=a -> x =b -> x}")
    assert q.pairs == [MatchPair("a", Text("a"), "1", "x"), MatchPair("b", Text("b"), "1", "x")]
    assert q.right_choices == [("1", "x")]


# --------------------------------------------------------------------------- Moodle's choice rule


def test_equals_makes_single_choice_with_partial_credit_moodle_example():
    # docs.moodle.org "GIFT format", percentage answer weights
    text = (
        "::Jesus' hometown::Jesus Christ was from {\n"
        "    ~Jerusalem#This was an important city, but the wrong answer.\n"
        "    ~%25%Bethlehem#He was born here, but not raised here.\n"
        "    ~%50%Galilee#You need to be more specific.\n"
        "    =Nazareth#Yes! That's right!\n"
        "}."
    )
    q = one(text)
    assert q.qtype == "single"
    assert q.text.text == "Jesus Christ was from _____."
    assert [(o.text.text, o.fraction) for o in q.options] == [
        ("Jerusalem", 0.0),
        ("Bethlehem", 0.25),
        ("Galilee", 0.5),
        ("Nazareth", 1.0),
    ]
    assert q.options[3].feedback.text == "Yes! That's right!"


@pytest.mark.parametrize(
    "block",
    [
        "{=full ~%50%half ~wrong}",
        "{~wrong answer ~%50%half credit answer =full credit answer}",
        "{~%50%half =full ~%-25%penalty}",
    ],
)
def test_an_unescaped_equals_is_single_choice_whatever_the_weights(block):
    q = one(f"::q::Difficult question. {block}")
    assert q.qtype == "single"
    assert sorted(o.fraction for o in q.options)[-1] == 1.0
    assert sum(o.fraction == 1.0 for o in q.options) == 1


def test_no_equals_with_positive_weights_is_multiple_answers_moodle_example():
    q = one(
        "::grant::What two people are entombed in Grant's tomb? "
        "{~%-100%No one ~%50%Grant ~%50%Grant's wife ~%-100%Grant's father}"
    )
    assert q.qtype == "multi"
    assert [o.fraction for o in q.options] == [-1.0, 0.5, 0.5, -1.0]


def test_escaped_equals_does_not_make_single_choice_moodle_example():
    q = one(r"::five::Which answer equals 5? {~ \= 2 + 2 = \= 2 + 3 ~ \= 2 + 4}")
    assert q.qtype == "single"
    assert [(o.text.text, o.fraction) for o in q.options] == [
        ("= 2 + 2", 0.0),
        ("= 2 + 3", 1.0),
        ("= 2 + 4", 0.0),
    ]
    q = one(r"::m::Q {~%100%a \= b ~c}")
    assert q.qtype == "multi"
    assert q.options[0].text.text == "a = b"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "::q::Q {~%-50%a ~b ~%0%c}",
            [
                "t.gift:1: multiple-answer question has no right answer "
                "(no '=' and no positive ~%n% weight)"
            ],
        ),
        ("::q::Q {~a ~b}", ["t.gift:1: single choice question has no right answer ('=')"]),
        ("::q::Q {=a ~%100%b ~c}", ["t.gift:1: single choice question has 2 answers worth 100%"]),
        ("::q::Q {=%50%a ~%25%b}", ["t.gift:1: single choice question has no answer worth 100%"]),
        ("::q::Q {~%100%a}", ["t.gift:1: choice question needs at least 2 answers, has 1"]),
        ("::q::Q {=a ~%x%b}", ["t.gift:1: invalid weight '%x%'"]),
    ],
)
def test_choice_problems(text, expected):
    assert problems_of(text) == expected


# --------------------------------------------------------------------------- sub-text formats


def test_sub_texts_inherit_the_question_format_moodle_example():
    q = one(
        "::Q2:: [html]What's between orange and green in the spectrum?\n"
        "{ =yellow # right; good! ~red # [plain]wrong, it's <b>yellow</b> "
        "~blue # wrong, it's yellow }"
    )
    assert q.qtype == "single"
    assert q.text == Text("What's between orange and green in the spectrum?", "html")
    assert [o.text for o in q.options] == [
        Text("yellow", "html"),
        Text("red", "html"),
        Text("blue", "html"),
    ]
    assert [o.feedback for o in q.options] == [
        Text("right; good!", "html"),
        Text("wrong, it's <b>yellow</b>", "plain"),
        Text("wrong, it's yellow", "html"),
    ]


def test_markdown_question_options_are_markdown_moodle_example():
    q = one(
        "::thanks::[markdown]The *American holiday of Thanksgiving* is celebrated on the "
        "{~second ~third =fourth} Thursday of November."
    )
    assert q.text.format == "markdown"
    assert q.text.text == (
        "The *American holiday of Thanksgiving* is celebrated on the _____ Thursday of November."
    )
    assert {o.text.format for o in q.options} == {"markdown"}


def test_markers_on_every_sub_text_are_removed_and_honoured():
    q = one("::c::Q {=[html]<b>a</b>#[MARKDOWN]**ok** ~[Plain]b ~c####[html]<p>chung</p>}")
    assert q.options[0].text == Text("<b>a</b>", "html")
    assert q.options[0].feedback == Text("**ok**", "markdown")
    assert q.options[1].text == Text("b", "plain")
    assert q.options[2].text == Text("c", "moodle")
    assert q.general_feedback == Text("<p>chung</p>", "html")

    q = one("::t::[plain]Q {T#[html]<i>sai</i>#[markdown]**đúng**####[moodle]chung}")
    assert q.feedback_false == Text("<i>sai</i>", "html")
    assert q.feedback_true == Text("**đúng**", "markdown")
    assert q.general_feedback == Text("chung", "moodle")

    q = one("::s::[markdown]Q {=COD#[html]<b>Đúng</b> =%50%[html]cod#gần}")
    assert q.answers[0].feedback == Text("<b>Đúng</b>", "html")
    # a short answer is plain text: a marker there is part of the answer
    assert q.answers[1].text == "[html]cod"
    assert q.answers[1].feedback == Text("gần", "markdown")

    q = one("::n::Q {#=1822:0#[html]<b>đúng</b> =%50%1822:2#gần ~#[plain]<xa>}")
    assert q.numeric_answers[0].feedback == Text("<b>đúng</b>", "html")
    assert q.numeric_answers[1].feedback == Text("gần", "moodle")
    assert q.numeric_wrong_feedback == Text("<xa>", "plain")

    q = one("::g::[markdown]Ghép {=[html]<b>Canada</b> -> Ottawa =*Italy* -> Rome}")
    assert [p.left for p in q.pairs] == [Text("<b>Canada</b>", "html"), Text("*Italy*", "markdown")]
    assert [p.right_text for p in q.pairs] == ["Ottawa", "Rome"]


def test_unknown_marker_in_a_sub_text_stays_text():
    q = one("::c::Q {=[bold]a ~b}")
    assert q.options[0].text == Text("[bold]a", "moodle")


# --------------------------------------------------------------------------- numeric catch-all


def test_numeric_catch_all_wrong_answer():
    q = one("::n::What is a number from 1 to 5? {#3:2 ~#Completely wrong}")
    assert q.qtype == "numeric"
    [a] = q.numeric_answers
    assert (a.value, a.tolerance, a.min, a.max, a.fraction) == (3.0, 2.0, 1.0, 5.0, 1.0)
    assert q.numeric_wrong_feedback == Text("Completely wrong")


def test_numeric_catch_all_with_several_answers_and_feedback():
    q = one("::n::Q {#=3:0#Exact =%50%3:2#Close ~#Far off}")
    assert [(a.min, a.max, a.fraction, a.feedback.text) for a in q.numeric_answers] == [
        (3.0, 3.0, 1.0, "Exact"),
        (1.0, 5.0, 0.5, "Close"),
    ]
    assert q.numeric_wrong_feedback == Text("Far off")
    q = one(
        "::grant::When was Ulysses S. Grant born? {#\n"
        "    =1822:0      # Correct! Full credit.\n"
        "    =%50%1822:2  # He was born in 1822. Half credit for being close.\n"
        "    ~            # Wrong: he was born in 1822.\n"
        "####Grant was born on April 27, 1822.\n"
        "}"
    )
    assert [a.fraction for a in q.numeric_answers] == [1.0, 0.5]
    assert q.numeric_wrong_feedback == Text("Wrong: he was born in 1822.")
    assert q.general_feedback.text == "Grant was born on April 27, 1822."


def test_numeric_catch_all_forms():
    assert one("::n::Q {#3 ~*#sai}").numeric_wrong_feedback == Text("sai")
    assert one("::n::Q {#3 ~}").numeric_wrong_feedback == Text("")
    assert one("::n::Q {#3}").numeric_wrong_feedback is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "::q::Q {#=3 ~#a ~#b}",
            ["t.gift:1: numeric question has more than one catch-all answer ('~')"],
        ),
        ("::q::Q {#~#chỉ có phản hồi}", ["t.gift:1: numeric question has no answers"]),
        ("::q::Q {#3 ~4#x}", ["t.gift:1: numeric answers must start with '='"]),
        ("::q::Q {#=%50%3 ~#x}", ["t.gift:1: numeric question has no answer worth 100%"]),
    ],
)
def test_numeric_catch_all_problems(text, expected):
    assert problems_of(text) == expected


# --------------------------------------------------------------------------- short wildcard


def test_short_answer_wildcards_are_kept_as_written():
    q = one(r"::s::Thủ đô? {=Hà * Nội =%10%* #Gần thôi =5 \* 3}")
    assert [(a.text, a.fraction) for a in q.answers] == [
        ("Hà * Nội", 1.0),
        ("*", 0.1),
        (r"5 \* 3", 1.0),
    ]
    assert q.answers[1].feedback.text == "Gần thôi"


# --------------------------------------------------------------------------- text features


def test_category_latest_wins_and_prefixes_stripped():
    text = (
        "::a::Q {T}\n"
        "\n"
        "$CATEGORY: $course$/phan-1 \n"
        "\n"
        "::b::Q {T}\n"
        "\n"
        "$CATEGORY:$system$/ngan-hang\n"
        "::c::Q {T}\n"
        "\n"
        "$CATEGORY: cuoi-khoa\n"
        "\n"
        "::d::Q {T}\n"
    )
    questions, problems = parse_gift(text, "t.gift")
    assert problems == []
    assert [(q.name, q.category, q.line) for q in questions] == [
        ("a", "", 1),
        ("b", "phan-1", 5),
        ("c", "ngan-hang", 8),
        ("d", "cuoi-khoa", 12),
    ]


def test_comments_and_blank_line_separation_and_line_numbers():
    text = (
        "// header comment\n"
        "\n"
        "::a::Một {\n"
        "// a comment inside the question is ignored\n"
        "=x\n"
        "~y\n"
        "}\n"
        "\n"
        "\n"
        "   // indented comment\n"
        "::b::Hai {T}\n"
    )
    questions, problems = parse_gift(text, "t.gift")
    assert problems == []
    assert [(q.name, q.line) for q in questions] == [("a", 3), ("b", 11)]
    assert [o.text.text for o in questions[0].options] == ["x", "y"]


def test_escapes_everywhere():
    text = (
        r"::a\:b\:\:c::Giá \= 100\:000 \{đ\} \~ \# a\\b\ndòng hai "
        r"{=x \= y \~ z \# w#fb \{ok\} ~khác####Chung \= \: \#}"
    )
    q = one(text)
    assert q.name == "a:b::c"
    assert q.text.text == "Giá = 100:000 {đ} ~ # a\\b\ndòng hai"
    assert q.options[0].text.text == "x = y ~ z # w"
    assert q.options[0].feedback.text == "fb {ok}"
    assert q.general_feedback.text == "Chung = : #"


def test_text_formats():
    for fmt in ("markdown", "html", "plain", "moodle"):
        q = one(f"::f::[{fmt}]**Đậm** <b>x</b> {{T}}")
        assert q.text == Text("**Đậm** <b>x</b>", fmt)
    q = one("::f::[Markdown] x {T}")
    assert q.text.format == "markdown"
    q = one("::f::[unknown] x {T}")
    assert (q.text.format, q.text.text) == ("moodle", "[unknown] x")


def test_fill_in_the_blank():
    q = one("::b::Thủ đô của Việt Nam là {=Hà Nội ~Huế} từ năm 1010.")
    assert q.text.text == "Thủ đô của Việt Nam là _____ từ năm 1010."
    q = one("::b2::{=Hà Nội} là thủ đô.")
    assert q.text.text == "_____ là thủ đô."


def test_crlf_and_bom():
    q = one("\ufeff::a::Q\r\n{=x\r\n~y}\r\n")
    assert q.qtype == "single"
    assert [o.text.text for o in q.options] == ["x", "y"]


def test_percent_inside_option_text_is_not_a_weight():
    q = one("::p::Giảm bao nhiêu? {=giảm 20% giá ~giảm 5%}")
    assert q.qtype == "single"
    assert [o.text.text for o in q.options] == ["giảm 20% giá", "giảm 5%"]


# --------------------------------------------------------------------------- problems


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "::ok::Q {T}\n\n::q::Câu hỏi {\n=a\n~b\n",
            [
                "t.gift:3: unclosed '{' (the answer block must end with '}' before the next "
                "blank line)"
            ],
        ),
        (
            "::ok::Q {T}\n\n::q::Q {=a\n\n~b}\n",
            [
                "t.gift:3: unclosed '{' (the answer block must end with '}' before the next "
                "blank line)",
                "t.gift:5: question has no name (expected '::name::' at the start)",
                "t.gift:5: '}' without a matching '{'",
            ],
        ),
        (
            "\n\nCâu không tên {T}\n",
            ["t.gift:3: question has no name (expected '::name::' at the start)"],
        ),
        ("::chưa đóng tên Q {T}", ["t.gift:1: unclosed question name (missing the closing '::')"]),
        ("::  ::Q {T}", ["t.gift:1: empty question name"]),
        ("::q::{T}", ["t.gift:1: question has no text"]),
        (
            "::a::Q {T}\n\n::b::Q {T}\n\n::a::Q2 {F}\n",
            ["t.gift:5: duplicate question name 'a' (first defined at line 1)"],
        ),
        (
            "::q::Q\n{\nParis\n}",
            [
                "t.gift:3: unknown question type: answers must start with '=' "
                "or '~', or be T/F or a #number"
            ],
        ),
        (
            "::q::Q {=a ~b\n~c =d}",
            [
                "t.gift:1: single choice question has 2 right answers "
                "('='); use ~%n% weights for a multiple-answer question"
            ],
        ),
        ("::q::Q\n{~a\n~b}", ["t.gift:1: single choice question has no right answer ('=')"]),
        (
            "::q::Q\n{\n~%50%a\n~%40%b\n~%-100%c\n}",
            ["t.gift:1: multiple-answer weights add up to 90%, not 100%"],
        ),
        (
            "::q::Q\n{\n~%50%a\n~%50%b\n~%60%c\n}",
            ["t.gift:1: multiple-answer weights add up to 160%, not 100%"],
        ),
        ("::q::Q {\n~%50%a\n~%150%b\n}", ["t.gift:3: weight 150% is outside -100..100"]),
        (
            "::q::Q {\n~%100%a\n~%-101%b\n}",
            ["t.gift:3: weight -101% is outside -100..100"],
        ),
        ("::q::Q {\n~%50%a\n~%x%b\n}", ["t.gift:3: invalid weight '%x%'"]),
        ("::q::Q {=%0%a =b}", []),
        ("::q::Q {=%50%a =%20%b}", ["t.gift:1: short-answer question has no answer worth 100%"]),
        ("::q::Q {\n#\n=12:abc\n}", ["t.gift:3: numeric tolerance 'abc' is not a number"]),
        ("::q::Q {#mười}", ["t.gift:1: numeric answer 'mười' is not a number"]),
        ("::q::Q {#12,5}", ["t.gift:1: numeric answer '12,5' is not a number"]),
        ("::q::Q {#nan}", ["t.gift:1: numeric answer 'nan' is not a number"]),
        ("::q::Q {#1..x}", ["t.gift:1: numeric answer 'x' is not a number"]),
        ("::q::Q {#15..10}", ["t.gift:1: numeric range 15..10: minimum is greater than maximum"]),
        ("::q::Q {#5:-1}", ["t.gift:1: numeric tolerance must not be negative"]),
        ("::q::Q {#5:}", ["t.gift:1: numeric tolerance is missing after ':'"]),
        ("::q::Q {#}", ["t.gift:1: numeric question has no answers"]),
        ("::q::Q {#=%50%5}", ["t.gift:1: numeric question has no answer worth 100%"]),
        ("::q::Q {#\n=5\n~6\n}", ["t.gift:3: numeric answers must start with '='"]),
        (
            "::q::Ghép {\n=a -> 1\n=b 2\n=c -> 3\n}",
            ["t.gift:3: matching pair has no '->'"],
        ),
        ("::q::Ghép {\n=a -> 1\n=b ->\n}", ["t.gift:3: matching pair has no right-hand side"]),
        (
            "::q::Ghép {\n=a -> 1\n= -> 2\n}",
            ["t.gift:1: matching question needs at least 2 pairs, has 1"],
        ),
        (
            "::q::Ghép {\n=a -> 1#fb\n=b -> 2\n}",
            ["t.gift:2: feedback ('#') is not supported in matching pairs"],
        ),
        (
            "::q::Viết một đoạn văn. {}",
            ["t.gift:1: unsupported question type: essay (empty answer block '{}')"],
        ),
        (
            "::q::Viết. {####chỉ có nhận xét}",
            ["t.gift:1: unsupported question type: essay (empty answer block '{}')"],
        ),
        (
            "::q::Chỉ là mô tả.",
            ["t.gift:1: unsupported question type: description (no answer block '{…}')"],
        ),
        ("::q::Q {=a ~ #fb}", ["t.gift:1: empty answer"]),
        ("::q::Q {\n=\n}", ["t.gift:2: empty answer"]),
        ("::q::Q\nlạ {=a ~b}}", ["t.gift:2: '}' without a matching '{'"]),
        ("::q::Q } {=a ~b}", ["t.gift:1: '}' without a matching '{'"]),
        ("::q::Q {=a {~b}", ["t.gift:1: '{' inside an answer block (escape it as '\\{')"]),
        (
            "::a::Q1 {T}\n::b::Q2\n{F}",
            ["t.gift:3: more than one answer block (missing blank line between questions?)"],
        ),
        ("::q::Q {lạ =a ~b}", ["t.gift:1: unexpected text before the first answer: 'lạ'"]),
        ("$CATEGORY:   \n\n::ok::Q {T}", ["t.gift:1: $CATEGORY has no name"]),
    ],
)
def test_problems(text: str, expected: list[str]):
    questions, problems = parse_gift(text, "t.gift")
    assert [str(p) for p in problems] == expected
    if expected:
        # a question with a problem is never returned
        names = [q.name for q in questions]
        assert "q" not in names


def test_problem_question_is_dropped_but_others_kept():
    text = "::a::Q {=x ~y}\n\n::b::Q {~x ~y}\n\n::c::Q {T}\n"
    questions, problems = parse_gift(text, "bank.gift")
    assert [q.name for q in questions] == ["a", "c"]
    assert [str(p) for p in problems] == [
        "bank.gift:3: single choice question has no right answer ('=')"
    ]


def test_default_path_is_string_placeholder():
    _, problems = parse_gift("no name {T}")
    assert str(problems[0]).startswith("<string>:1: ")


def test_several_problems_in_one_question_are_all_reported():
    text = "::q::Q {\n~%200%a\n~%x%b\n=\n}"
    assert problems_of(text) == [
        "t.gift:2: weight 200% is outside -100..100",
        "t.gift:3: invalid weight '%x%'",
        "t.gift:4: empty answer",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "// elearn: ignore-diacritics\n::q::Q {=a ~b}",
            ["t.gift:1: '// elearn: ignore-diacritics' applies only to short-answer questions"],
        ),
        (
            "// elearn: ignore-diacritics\n// another comment\n::q::Q {=a}",
            ["t.gift:1: '// elearn: ignore-diacritics' is not immediately before a question"],
        ),
        (
            "// elearn: ignore-diacritics\n$CATEGORY: x\n::q::Q {=a}",
            ["t.gift:1: '// elearn: ignore-diacritics' is not immediately before a question"],
        ),
        (
            "::q::Q {=a}\n\n// elearn: ignore-diacritics\n",
            ["t.gift:3: '// elearn: ignore-diacritics' is not immediately before a question"],
        ),
        (
            "::q::Q\n// elearn: ignore-diacritics\n{=a}",
            ["t.gift:2: '// elearn: ignore-diacritics' is not immediately before a question"],
        ),
        (
            "// elearn: ignore-diacritic\n::q::Q {=a}",
            ["t.gift:1: unknown '// elearn:' directive 'ignore-diacritic'"],
        ),
    ],
)
def test_directive_problems(text: str, expected: list[str]):
    assert problems_of(text) == expected


def test_directive_applies_only_to_the_next_question():
    text = "// elearn: ignore-diacritics\n::a::Q {=á}\n\n::b::Q {=é}\n"
    questions, problems = parse_gift(text)
    assert problems == []
    assert [q.ignore_diacritics for q in questions] == [True, False]


# --------------------------------------------------------------------------- robustness

ALPHABET = list("{}=~#%:-> \n\n\\TFtf019.,abcđơ[]/$*") + [
    "[html]",
    "[PLAIN]",
    "~#",
    "::",
    "->",
    "####",
    "//",
    "$CATEGORY:",
    "[markdown]",
    "%50%",
    "%-100%",
    "\r\n",
    "\ufeff",
    "\x00",
    "\u2028",
    "..",
]


def test_random_garbage_never_raises():
    rng = random.Random(20240611)
    for _ in range(3000):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randint(0, 80)))
        questions, problems = parse_gift(text, "fuzz.gift")
        nlines = text.count("\n") + text.count("\r") + 1
        for p in problems:
            assert isinstance(p, Problem)
            assert 1 <= p.line <= nlines
            assert "internal error" not in p.message
        for q in questions:
            assert q.qtype in {"single", "multi", "truefalse", "short", "numeric", "matching"}
            assert q.qtype in QTYPES
            assert q.name


def test_mutated_real_bank_never_raises():
    text = (
        "$CATEGORY: x\n\n::a::Q {=x#f ~y ~%50%z}\n\n::b::Q {#1..2 =3:1}\n\n"
        "::c::Q {=a -> b =c -> d}\n\n::d::Q {T#w#r####g}\n"
    )
    rng = random.Random(7)
    for _ in range(2000):
        chars = list(text)
        for _ in range(rng.randint(1, 6)):
            i = rng.randrange(len(chars))
            op = rng.random()
            if op < 0.4:
                del chars[i]
            elif op < 0.8:
                chars.insert(i, rng.choice(ALPHABET))
            else:
                chars[i] = rng.choice(ALPHABET)
        questions, problems = parse_gift("".join(chars), "m.gift")
        assert all("internal error" not in p.message for p in problems)


@pytest.mark.parametrize("value", [b"::a::Q {T}", None, 42])
def test_non_text_input_is_a_problem(value):
    questions, problems = parse_gift(value, "x.gift")  # type: ignore[arg-type]
    assert questions == []
    assert [str(p) for p in problems] == ["x.gift:1: input is not text"]


def test_pathological_input_is_fast_enough():
    text = "::a::Q {" + "=x " * 20000 + "}"
    questions, problems = parse_gift(text)
    assert len(questions) == 1
    assert len(questions[0].answers) == 20000


# --------------------------------------------------------------------------- shipped banks


def _course_dirs() -> list[Path]:
    if not COURSES.is_dir():
        return []
    return sorted(p for p in COURSES.iterdir() if (p / "package" / "course.toml").is_file())


@pytest.mark.parametrize("course", _course_dirs(), ids=lambda p: p.name)
def test_shipped_question_banks_parse_without_problems(course: Path):
    questions_dir = course / "package" / "questions"
    files = sorted(questions_dir.glob("*.gift")) if questions_dir.is_dir() else []
    assert files, f"course {course.name} has no package/questions/*.gift"
    seen: dict[str, str] = {}
    problems: list[str] = []
    for path in files:
        rel = path.relative_to(ROOT).as_posix()
        questions, found = parse_gift(path.read_text(encoding="utf-8"), rel)
        problems += [str(p) for p in found]
        if not questions and not found:
            problems.append(f"{rel}:1: no questions")
        for q in questions:
            here = f"{rel}:{q.line}"
            if q.name in seen:
                problems.append(f"{here}: question name '{q.name}' also used at {seen[q.name]}")
            seen.setdefault(q.name, here)
            if not q.category:
                problems.append(f"{here}: question '{q.name}' has no $CATEGORY")
    assert problems == []


def test_at_least_one_shipped_course_is_checked():
    assert len(_course_dirs()) >= 3
    assert all((c / "package" / "questions").is_dir() for c in _course_dirs())
