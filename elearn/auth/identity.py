"""Login identifiers: e-mail addresses and Vietnamese mobile numbers, normalised."""

from __future__ import annotations

import re

# Vietnamese mobile numbers: 0 + 9 digits, network prefixes 3x, 5x, 7x, 8x, 9x.
_MOBILE_RE = re.compile(r"^[35789]\d{8}$")
_EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s.]{2,}$")
_PHONE_PUNCTUATION = re.compile(r"[\s.\-()]")


def normalize_phone(raw: str) -> str | None:
    """'0912 345 678', '+84 912 345 678', '84912345678' -> '+84912345678'; None if not a mobile."""
    digits = _PHONE_PUNCTUATION.sub("", raw.strip())
    if digits.startswith("+84"):
        rest = digits[3:]
    elif digits.startswith("0084"):
        rest = digits[4:]
    elif digits.startswith("84") and len(digits) == 11:
        rest = digits[2:]
    elif digits.startswith("0"):
        rest = digits[1:]
    else:
        return None
    if not _MOBILE_RE.match(rest):
        return None
    return "+84" + rest


def normalize_email(raw: str) -> str | None:
    """Trimmed, lower-cased e-mail, or None when it is not shaped like one."""
    value = raw.strip().lower()
    if len(value) > 254 or not _EMAIL_RE.match(value):
        return None
    return value


def parse_login(raw: str) -> tuple[str, str] | None:
    """('email', value) or ('phone', value) for what a user typed, or None if neither."""
    if "@" in raw:
        email = normalize_email(raw)
        return ("email", email) if email else None
    phone = normalize_phone(raw)
    return ("phone", phone) if phone else None


def display_phone(phone: str) -> str:
    """'+84912345678' -> '0912 345 678' as Vietnamese users write it."""
    local = "0" + phone[3:]
    return f"{local[:4]} {local[4:7]} {local[7:]}"
