"""Verification codes printed on certificates.

A code is drawn from a 31-symbol alphabet (digits and upper-case letters without the
look-alikes 0, O, 1, I and L), printed in groups of four ("7KQ4-M9XB-2HTR-WC") and
typed back by a human on the verification page, so `normalize_code` forgives case,
spaces and dashes but never guesses: anything outside the alphabet is rejected.
"""

from __future__ import annotations

import math
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
DEFAULT_LENGTH = 14  # 31**14 ~ 2**69.4; 12 symbols would give only ~59.4 bits
MIN_LENGTH = 10
MAX_LENGTH = 16
GROUP = 4

_ALLOWED = frozenset(ALPHABET)
# What people put between groups when typing or pasting a code: whitespace (incl. NBSP)
# and the ASCII hyphen plus the Unicode hyphens/dashes that word processors substitute.
SEPARATORS = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2212")


def entropy_bits(length: int = DEFAULT_LENGTH) -> float:
    """Bits of entropy of a random code of `length` symbols."""
    return length * math.log2(len(ALPHABET))


def new_code(length: int = DEFAULT_LENGTH) -> str:
    """A fresh random code (canonical form: upper case, no separators)."""
    if not MIN_LENGTH <= length <= MAX_LENGTH:
        raise ValueError(f"code length must be {MIN_LENGTH}..{MAX_LENGTH}, not {length}")
    return "".join(secrets.choice(ALPHABET) for _ in range(length))


def normalize_code(typed: str) -> str | None:
    """The canonical code for what a user typed, or None if it cannot be a code.

    Accepts lower case, spaces and dashes ("abcd efgh-jkmn-pq"). Rejects characters
    outside the alphabet (including the look-alikes 0 O 1 I L, which are not mapped
    to anything) and lengths outside MIN_LENGTH..MAX_LENGTH.
    """
    if not isinstance(typed, str):
        return None
    kept = [ch for ch in typed if not ch.isspace() and ch not in SEPARATORS]
    # ASCII check before upper(): "ſ".upper() == "S" and "ı".upper() == "I".
    if not all(ch.isascii() for ch in kept):
        return None
    code = "".join(kept).upper()
    if not MIN_LENGTH <= len(code) <= MAX_LENGTH:
        return None
    if not _ALLOWED.issuperset(code):
        return None
    return code


def format_code(code: str) -> str:
    """The code as printed: groups of four joined by dashes ("ABCD-EFGH-JKMN-PQ")."""
    canonical = normalize_code(code)
    if canonical is None:
        raise ValueError(f"not a certificate code: {code!r}")
    return "-".join(canonical[i : i + GROUP] for i in range(0, len(canonical), GROUP))
