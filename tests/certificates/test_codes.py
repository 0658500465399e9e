"""Certificate verification codes: alphabet, randomness, printing and typing back."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from elearn.certificates.codes import (
    ALPHABET,
    DEFAULT_LENGTH,
    MAX_LENGTH,
    MIN_LENGTH,
    entropy_bits,
    format_code,
    new_code,
    normalize_code,
)


def test_alphabet_has_no_look_alikes():
    for ch in "0O1IL":
        assert ch not in ALPHABET
    assert len(set(ALPHABET)) == len(ALPHABET) == 31
    assert all(ch.isascii() and (ch.isdigit() or ch.isupper()) for ch in ALPHABET)


def test_default_code_has_at_least_60_bits():
    bits = DEFAULT_LENGTH * math.log2(len(ALPHABET))
    assert bits >= 60
    assert entropy_bits() == pytest.approx(bits)
    assert entropy_bits(12) < 60  # why the default is not 12


def test_new_code_length_and_symbols():
    code = new_code()
    assert len(code) == DEFAULT_LENGTH
    assert set(code) <= set(ALPHABET)
    assert len(new_code(MIN_LENGTH)) == MIN_LENGTH
    assert len(new_code(MAX_LENGTH)) == MAX_LENGTH


@pytest.mark.parametrize("length", [0, MIN_LENGTH - 1, MAX_LENGTH + 1])
def test_new_code_rejects_lengths_that_normalize_would_reject(length):
    with pytest.raises(ValueError):
        new_code(length)


def test_codes_are_unique_and_use_the_whole_alphabet():
    codes = [new_code() for _ in range(10_000)]
    assert len(set(codes)) == len(codes)
    counts = Counter("".join(codes))
    expected = 10_000 * DEFAULT_LENGTH / len(ALPHABET)  # ~4516 per symbol
    assert set(counts) == set(ALPHABET)
    assert all(abs(n - expected) < 0.1 * expected for n in counts.values())


def test_format_code_groups_of_four():
    assert format_code("ABCDEFGHJKMN") == "ABCD-EFGH-JKMN"
    assert format_code("ABCDEFGHJKMNPQ") == "ABCD-EFGH-JKMN-PQ"
    assert format_code("abcd efgh jkmn pq") == "ABCD-EFGH-JKMN-PQ"
    code = new_code()
    assert normalize_code(format_code(code)) == code


def test_format_code_rejects_non_codes():
    with pytest.raises(ValueError):
        format_code("ABCD-EFGH-JKM0")


@pytest.mark.parametrize(
    "typed",
    [
        "ABCDEFGHJKMNPQ",
        "abcdefghjkmnpq",
        "abcd efgh-jkmn-pq",
        "ABCD-EFGH-JKMN-PQ",
        "  abcd - efgh - jkmn - pq  ",
        "AbCd\tEfGh\nJkMn Pq",
        "ABCD\u2013EFGH\u2011JKMN\u00a0PQ",  # en dash, non-breaking hyphen, NBSP from copy-paste
    ],
)
def test_normalize_accepts_what_people_type(typed):
    assert normalize_code(typed) == "ABCDEFGHJKMNPQ"


def test_normalize_accepts_lengths_10_to_16():
    assert normalize_code("2345-6789-AB") == "23456789AB"
    assert normalize_code("2345-6789-ABCD-EFGH") == "23456789ABCDEFGH"


@pytest.mark.parametrize(
    "typed",
    [
        "ABCD-EFGH-JKMN-P0",  # zero
        "ABCD-EFGH-JKMN-PO",  # letter O
        "ABCD-EFGH-JKMN-P1",  # one
        "ABCD-EFGH-JKMN-PI",  # letter I
        "ABCD-EFGH-JKMN-Pl",  # lower-case L
        "ABCD-EFGH-JKMN-Pi",  # lower-case i
        "ABCD-EFGH-JKMN-P\u017f",  # long s: "ſ".upper() == "S"
        "ABCD-EFGH-JKMN-P\u0131",  # dotless i: "ı".upper() == "I"
        "ＡBCD-EFGH-JKMN-PQ",  # full-width A
        "ABCD_EFGH_JKMN_PQ",
        "ABCD.EFGH.JKMN.PQ",
        "2345-6789-A",  # 9 symbols
        "2345-6789-ABCD-EFGH-J",  # 17 symbols
        "",
        "   ",
        "----",
    ],
)
def test_normalize_rejects(typed):
    assert normalize_code(typed) is None


def test_normalize_rejects_non_strings():
    assert normalize_code(None) is None  # type: ignore[arg-type]
