"""Accounts: registration, authentication, profile and password changes."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask_babel import gettext as _
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from elearn import audit
from elearn.auth import throttle
from elearn.auth.identity import normalize_email, normalize_phone, parse_login
from elearn.auth.models import LEARNER_GROUPS, PRODUCT_GROUPS, ROLES, STAFF_GROUPS, User
from elearn.auth.passwords import hash_password, needs_rehash, password_problems, verify_password
from elearn.auth.sessions import revoke_api_tokens, revoke_sessions
from elearn.core.errors import NotFound, Throttled, ValidationFailed
from elearn.core.time import utcnow
from elearn.extensions import db
from elearn.regions.services import commune_in_province, get_province

# Verifying against this keeps unknown-account logins as slow as known ones.
_DUMMY_HASH: dict[str, str] = {}


@dataclass
class Profile:
    """The editable part of a learner's profile."""

    full_name: str
    learner_group: str | None = None
    organisation: str = ""
    province_code: str | None = None
    commune_code: str | None = None
    product_group: str | None = None


def account(user_id: int) -> User:
    """The account to change (the request's `current_user` is a read-only view of it)."""
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(_("No such account."))
    return user


def set_locale(user_id: int, locale: str) -> None:
    """Remember the interface language on the account."""
    db.session.execute(update(User).where(User.id == user_id).values(locale=locale))


def find_by_login(login: str) -> User | None:
    parsed = parse_login(login)
    if parsed is None:
        return None
    kind, value = parsed
    column = User.email if kind == "email" else User.phone
    return db.session.scalar(select(User).where(column == value))


def commune_required(learner_group: str | None) -> bool:
    """Producers must name their commune (reports by commune count them); staff need not.

    A group not chosen yet counts as a producer's: most people who sign up are.
    """
    return learner_group not in STAFF_GROUPS


def profile_errors(profile: Profile) -> dict[str, list[str]]:
    """Per-field problems with a profile a person edits themselves (nothing is changed).

    Accounts made on the command line may have no group: they are not asked for a commune.
    """
    errors: dict[str, list[str]] = {}
    _check_profile(profile, errors, require_commune=profile.learner_group is not None)
    return errors


def _check_profile(
    profile: Profile, errors: dict[str, list[str]], require_commune: bool = False
) -> None:
    name = profile.full_name.strip()
    if not name:
        errors.setdefault("full_name", []).append(_("Please enter your full name."))
    elif len(name) > 120:
        errors.setdefault("full_name", []).append(_("Name is too long (120 characters at most)."))
    if profile.learner_group is not None and profile.learner_group not in LEARNER_GROUPS:
        errors.setdefault("learner_group", []).append(_("Please choose a learner group."))
    if profile.product_group and profile.product_group not in PRODUCT_GROUPS:
        errors.setdefault("product_group", []).append(_("Unknown product group."))
    if len(profile.organisation) > 200:
        errors.setdefault("organisation", []).append(
            _("Organisation name is too long (200 characters at most).")
        )
    if profile.province_code and get_province(profile.province_code) is None:
        errors.setdefault("province_code", []).append(_("Please choose a province or city."))
    if profile.commune_code:
        if not profile.province_code:
            errors.setdefault("province_code", []).append(_("Please choose a province or city."))
        elif not commune_in_province(profile.commune_code, profile.province_code):
            errors.setdefault("commune_code", []).append(
                _("That commune or ward is not in the chosen province.")
            )
    elif require_commune and commune_required(profile.learner_group):
        errors.setdefault("commune_code", []).append(
            _("Please choose your commune, ward or special zone.")
        )


def _apply_profile(user: User, profile: Profile) -> None:
    user.full_name = profile.full_name.strip()
    user.learner_group = profile.learner_group
    user.organisation = profile.organisation.strip()
    user.province_code = profile.province_code or None
    user.commune_code = profile.commune_code or None
    user.product_group = profile.product_group or None


def _login_fields(login: str) -> tuple[str | None, str | None, str | None]:
    """(email, phone, error) from what the user typed as e-mail or phone."""
    if "@" in login:
        email = normalize_email(login)
        return email, None, None if email else _("That e-mail address does not look right.")
    phone = normalize_phone(login)
    if phone is None:
        return (
            None,
            None,
            _("Enter an e-mail address or a Vietnamese mobile number (for example 0912 345 678)."),
        )
    return None, phone, None


def register_user(
    login: str,
    password: str,
    profile: Profile,
    role: str = "learner",
    locale: str | None = None,
    require_details: bool = True,
    ip: str | None = None,
) -> User:
    """Create an account; raises ValidationFailed with per-field messages.

    Self-registration requires the learner group, province and, for producers, the commune
    (reports need them); accounts created by an administrator on the command line may
    leave them empty.
    A sign-up from the web or API gives its client `ip`: accounts created per address and
    per network are limited (Throttled, before the password is hashed).
    """
    if ip is not None and not throttle.signup_allowed(ip):
        audit.record_refused(
            "user.register_throttled", None, login, f"network={throttle.network_of(ip)}"
        )
        raise Throttled(
            _(
                "Too many accounts have been created from this network recently. Please try "
                "again later, or ask your trainer or the OCOP office to create your account."
            )
        )
    errors = registration_errors(login, password, profile, role, require_details)
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), errors)
    email, phone, _error = _login_fields(login)
    user = User(email=email, phone=phone, password_hash=hash_password(password), role=role)
    user.locale = locale
    _apply_profile(user, profile)
    try:
        with db.session.begin_nested():
            db.session.add(user)
            db.session.flush()
    except IntegrityError:
        # Two sign-ups raced for the same e-mail or phone: the unique index decides.
        raise ValidationFailed(
            _("Please correct the errors below."), {"login": [_duplicate_message(email)]}
        ) from None
    if ip is not None:
        throttle.record_signup(ip)
    audit.record("user.registered", user.id, user.login_name, f"role={role}")
    return user


def registration_errors(
    login: str,
    password: str,
    profile: Profile,
    role: str = "learner",
    require_details: bool = True,
) -> dict[str, list[str]]:
    """Every problem with a sign-up at once, per field (nothing is changed)."""
    errors: dict[str, list[str]] = {}
    if require_details:
        if not profile.learner_group:
            errors["learner_group"] = [_("Please choose a learner group.")]
        if not profile.province_code:
            errors["province_code"] = [_("Please choose a province or city.")]
    email, _phone, login_error = _login_fields(login)
    if login_error:
        errors["login"] = [login_error]
    elif find_by_login(login) is not None:
        errors["login"] = [_duplicate_message(email)]
    problems = password_problems(password)
    if problems:
        errors["password"] = problems
    if role not in ROLES:
        errors["role"] = [_("Unknown role.")]
    _check_profile(profile, errors, require_commune=require_details)
    return errors


def _duplicate_message(email: str | None) -> str:
    if email:
        return _("An account with this e-mail address already exists. Log in instead.")
    return _("An account with this phone number already exists. Log in instead.")


def authenticate(login: str, password: str, ip: str, kind: str = "login") -> User:
    """The user for these credentials; raises Throttled or ValidationFailed (one message).

    `kind` is "login" (a web session) or "token" (an API token): each has its own limit of
    successful logins per account. Every throttle is checked before the hash runs.
    """
    account = throttle.account_key(login)
    refusal = throttle.login_refusal(account, ip, kind)
    if refusal == "failures":
        audit.record_refused("login.throttled", None, login, f"account={account}")
        raise Throttled(_("Too many failed attempts. Please wait 15 minutes and try again."))
    if refusal == "successes":
        audit.record_refused("login.throttled", None, login, f"account={account} kind={kind}")
        raise Throttled(
            _("Too many logins to this account in a short time. Please wait and try again.")
        )
    user = find_by_login(login)
    if user is None:
        verify_password(_dummy_hash(), password)
        ok = False
    else:
        ok = verify_password(user.password_hash, password) and user.active
    if not ok:
        throttle.record_failure(account, ip)
        audit.record_refused("login.failed", user.id if user else None, login)
        raise ValidationFailed(_("Wrong login or password."))
    throttle.record_success(account, ip, kind)
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
        audit.record("password.rehashed", user.id, user.login_name)
    audit.record("login.succeeded", user.id, user.login_name, f"kind={kind}")
    return user


def _dummy_hash() -> str:
    from flask import current_app

    method = current_app.config["PASSWORD_HASH_METHOD"]
    if method not in _DUMMY_HASH:
        _DUMMY_HASH[method] = hash_password("not-a-real-password-for-timing")
    return _DUMMY_HASH[method]


def update_profile(user: User, profile: Profile) -> None:
    """Save a person's own profile edits; raises ValidationFailed with per-field messages."""
    errors = profile_errors(profile)
    if errors:
        raise ValidationFailed(_("Please correct the errors below."), errors)
    _apply_profile(user, profile)
    audit.record("profile.updated", user.id, user.login_name)


def change_password(user: User, current: str, new: str, end_other_sessions: bool = True) -> None:
    """Change a password after checking the current one (S4, throttled before the hash).

    `end_other_sessions` ends the account's other web sessions and every API token.
    """
    if not throttle.password_check_allowed(user.id):
        audit.record_refused("password.change_throttled", user.id, user.login_name)
        raise Throttled(
            _("Too many wrong current passwords. Please wait 15 minutes and try again.")
        )
    if not verify_password(user.password_hash, current):
        throttle.record_password_check_failure(user.id)
        audit.record_refused("password.change_failed", user.id, user.login_name)
        raise ValidationFailed(
            _("Please correct the errors below."),
            {"current_password": [_("Your current password is not right.")]},
        )
    problems = password_problems(new)
    if problems:
        raise ValidationFailed(_("Please correct the errors below."), {"new_password": problems})
    user.password_hash = hash_password(new)
    detail = ""
    if end_other_sessions:
        revoke_sessions(user.id, keep_current=True)
        revoke_api_tokens(user.id)
        detail = "ended other sessions and API tokens"
    audit.record("password.changed", user.id, user.login_name, detail)


def set_active(user: User, active: bool, actor_id: int | None = None) -> None:
    """Enable or disable an account; disabling ends its sessions and API tokens at once."""
    user.active = active
    if not active:
        revoke_sessions(user.id)
        revoke_api_tokens(user.id)
    audit.record("user.activated" if active else "user.deactivated", actor_id, user.login_name)


def issue_api_token(user: User) -> tuple[str, datetime]:
    """A new bearer token for the JSON API; only its hash is stored.

    At most API_TOKENS_MAX tokens of an account are live: issuing one more revokes the oldest.
    """
    from flask import current_app

    from elearn.auth.models import ApiToken
    from elearn.auth.sessions import token_hash

    token = secrets.token_urlsafe(32)
    now = utcnow()
    expires_at = now + timedelta(days=current_app.config["API_TOKEN_DAYS"])
    row = ApiToken(
        token_hash=token_hash(token), user_id=user.id, created_at=now, expires_at=expires_at
    )
    db.session.add(row)
    db.session.flush()
    live = (
        select(ApiToken.id)
        .where(
            ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > now
        )
        .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        .offset(current_app.config["API_TOKENS_MAX"])
    )
    oldest = list(db.session.scalars(live))
    if oldest:
        db.session.execute(
            update(ApiToken)
            .where(ApiToken.id.in_(oldest), ApiToken.revoked_at.is_(None))
            .values(revoked_at=now)
        )
    audit.record("api_token.issued", user.id, user.login_name, f"revoked_oldest={len(oldest)}")
    return token, expires_at


def user_for_token(token: str) -> User | None:
    """The active user owning a live API token, or None."""
    from elearn.auth.models import ApiToken
    from elearn.auth.sessions import token_hash

    row = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == token_hash(token)))
    if row is None or row.revoked_at is not None or row.expires_at <= utcnow():
        return None
    return row.user if row.user.active else None


def _reset_messages() -> tuple[str, str]:
    return (
        _("The reset link is not valid. It may have been used already or have expired."),
        _("Please ask for a new link."),
    )


def create_reset_token(user: User) -> str:
    """A new single-use reset token (256 bits); earlier unused ones stop working."""
    from flask import current_app

    from elearn.auth.models import PasswordResetToken
    from elearn.auth.sessions import token_hash

    now = utcnow()
    db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.user_id == user.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    )
    token = secrets.token_urlsafe(32)
    db.session.add(
        PasswordResetToken(
            token_hash=token_hash(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(minutes=current_app.config["PASSWORD_RESET_MINUTES"]),
        )
    )
    audit.record("password.reset_requested", user.id, user.login_name)
    return token


def request_password_reset(login: str, locale: str | None = None) -> None:
    """Enqueue the reset e-mail job, whether or not the account exists.

    Known and unknown accounts take the same path in the request (one audit row, one job
    row), so neither the answer nor its timing tells which accounts exist. The job
    (`elearn.auth.jobs.send_password_reset`) looks the account up, creates the token (so it
    is never stored in the jobs table or Redis) and mails the link, or only audits. `locale`
    is the language of the page that asked. Accounts that log in by phone are reset by their
    trainer or the coordination office.
    """
    from elearn.jobs.queue import enqueue

    parsed = parse_login(login)
    audit.record("password.reset_asked", None, login)
    # The normalised login, or "" for text that names no account: never arbitrary input.
    enqueue("auth.send_password_reset", login=parsed[1] if parsed else "", locale=locale)


def reset_token_user(token: str) -> User | None:
    """The user a live reset token belongs to, or None (unknown, used, expired, disabled)."""
    from elearn.auth.models import PasswordResetToken
    from elearn.auth.sessions import token_hash

    row = db.session.scalar(
        select(PasswordResetToken).where(PasswordResetToken.token_hash == token_hash(token))
    )
    if row is None or row.used_at is not None or row.expires_at <= utcnow():
        return None
    user = db.session.get(User, row.user_id)
    return user if user is not None and user.active else None


def reset_password(token: str, new_password: str) -> User:
    """Set a new password with a reset token: single use; ends every session and API token."""
    from elearn.auth.models import PasswordResetToken
    from elearn.auth.sessions import token_hash

    row = db.session.scalar(
        select(PasswordResetToken)
        .where(PasswordResetToken.token_hash == token_hash(token))
        .with_for_update()
    )
    user = reset_token_user(token) if row is not None else None
    if row is None or user is None:
        message, hint = _reset_messages()
        raise ValidationFailed(message, {"token": [hint]})
    problems = password_problems(new_password)
    if problems:
        raise ValidationFailed(_("Please correct the errors below."), {"new_password": problems})
    now = utcnow()
    # Only the first of two concurrent uses of the token gets past this update.
    used = db.session.execute(
        update(PasswordResetToken)
        .where(PasswordResetToken.id == row.id, PasswordResetToken.used_at.is_(None))
        .values(used_at=now)
    )
    if not used.rowcount:
        message, hint = _reset_messages()
        raise ValidationFailed(message, {"token": [hint]})
    user.password_hash = hash_password(new_password)
    revoke_sessions(user.id)
    revoke_api_tokens(user.id)
    audit.record("password.reset", user.id, user.login_name)
    return user
