"""Password hashing policy (scrypt, rehash on login) and the password rules of S1-S3."""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

from flask import current_app
from flask_babel import gettext as _
from werkzeug.security import check_password_hash, generate_password_hash

_COMMON_FILE = Path(__file__).parent / "data" / "common-passwords.txt.gz"


def hash_password(password: str) -> str:
    """Hash with the configured method (scrypt:N:r:p)."""
    return generate_password_hash(password, method=current_app.config["PASSWORD_HASH_METHOD"])


def verify_password(password_hash: str, password: str) -> bool:
    return check_password_hash(password_hash, password)


def _scrypt_params(method: str) -> tuple[int, int, int] | None:
    parts = method.split(":")
    if parts[0] != "scrypt":
        return None
    try:
        return int(parts[1]), int(parts[2]), int(parts[3])
    except (IndexError, ValueError):
        return None


def needs_rehash(password_hash: str) -> bool:
    """True when the stored hash is weaker than the configured target."""
    stored = _scrypt_params(password_hash.split("$", 1)[0])
    target = _scrypt_params(current_app.config["PASSWORD_HASH_METHOD"])
    if target is None:
        return False
    if stored is None:
        return True
    return any(s < t for s, t in zip(stored, target, strict=True))


@lru_cache(maxsize=1)
def _common_passwords() -> frozenset[str]:
    with gzip.open(_COMMON_FILE, "rt", encoding="utf-8") as fh:
        return frozenset(line.strip().lower() for line in fh if line.strip())


def is_common(password: str) -> bool:
    return password.lower() in _common_passwords()


def password_problems(password: str) -> list[str]:
    """Translated reasons to refuse a new password; empty when it is acceptable."""
    cfg = current_app.config
    problems = []
    if len(password) < cfg["PASSWORD_MIN_LENGTH"]:
        problems.append(
            _(
                "Password must be at least %(n)d characters (15 or more is safer).",
                n=cfg["PASSWORD_MIN_LENGTH"],
            )
        )
    elif len(password) > cfg["PASSWORD_MAX_LENGTH"]:
        problems.append(
            _("Password must be at most %(n)d characters.", n=cfg["PASSWORD_MAX_LENGTH"])
        )
    elif is_common(password):
        problems.append(_("This password is too common and easy to guess. Choose another."))
    return problems
