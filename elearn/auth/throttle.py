"""Throttles on password hashing and sign-ups (S5, S26), checked before any hash is computed.

Counts live in the rate-limit storage (Redis in production, so every worker sees the same
counts; production refuses to start without it). The rules, from the settings:

- failed logins per (account, client IP): the strict rule (`LOGIN_FAILURES_PER_ACCOUNT_IP`);
- failed logins per client IP, any account: looser and longer (`LOGIN_FAILURES_PER_IP`), so
  the learners behind one carrier NAT address are not refused for one guesser's failures;
- successful logins per account (`LOGINS_PER_ACCOUNT`) and API tokens issued per account
  (`API_TOKENS_PER_ACCOUNT`): each costs a hash, and only the password's holder can spend them;
- wrong current passwords on the change-password page, per account
  (`PASSWORD_CHECKS_PER_ACCOUNT`): a stolen session cannot guess its way to the password;
- accounts created per client IP and per network, IPv4 /24 or IPv6 /64 (`SIGNUPS_PER_IP`,
  `SIGNUPS_PER_NETWORK`).

A success is counted once its hash has said yes, so requests already in flight when the
limit is reached still finish (6 threads minting tokens got 7 where the limit is 5:
bench/bench_auth.py); counting before the hash would let anyone spend the owner's budget.

The account is the normalised login (`+84912345678`, `an@example.vn`), so respelling a
phone number or changing an e-mail's case counts against the same account.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable

from flask import current_app
from limits import RateLimitItem, parse_many
from limits.strategies import MovingWindowRateLimiter

from elearn.auth.identity import parse_login
from elearn.extensions import limiter

#: Which setting limits the successful password checks of each kind of login.
SUCCESS_SETTINGS = {"login": "LOGINS_PER_ACCOUNT", "token": "API_TOKENS_PER_ACCOUNT"}


def _strategy() -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(limiter.storage)


def _rules(setting: str) -> list[RateLimitItem]:
    return parse_many(current_app.config[setting])


def _allowed(setting: str, *key: str) -> bool:
    strategy = _strategy()
    return all(strategy.test(rule, setting, *key) for rule in _rules(setting))


def _hit(setting: str, *key: str) -> None:
    strategy = _strategy()
    for rule in _rules(setting):
        strategy.hit(rule, setting, *key)


def _clear(setting: str, *key: str) -> None:
    strategy = _strategy()
    for rule in _rules(setting):
        strategy.clear(rule, setting, *key)


def account_key(login: str) -> str:
    """The account a typed login names: its normalised form, however it was spelt."""
    parsed = parse_login(login)
    if parsed is not None:
        return ":".join(parsed)
    # Not a login at all: no account to protect, but keep spellings together anyway.
    return "raw:" + "".join(login.split()).lower()[:254]


def login_refusal(account: str, ip: str, kind: str = "login") -> str | None:
    """Which rule refuses this login before its hash ("failures" or "successes"), or None."""
    if not _allowed("LOGIN_FAILURES_PER_ACCOUNT_IP", account, ip) or not _allowed(
        "LOGIN_FAILURES_PER_IP", ip
    ):
        return "failures"
    if not _allowed(SUCCESS_SETTINGS[kind], account):
        return "successes"
    return None


def record_failure(account: str, ip: str) -> None:
    _hit("LOGIN_FAILURES_PER_ACCOUNT_IP", account, ip)
    _hit("LOGIN_FAILURES_PER_IP", ip)


def record_success(account: str, ip: str, kind: str = "login") -> None:
    """A successful login clears this address's failures on the account and spends a login."""
    _clear("LOGIN_FAILURES_PER_ACCOUNT_IP", account, ip)
    _hit(SUCCESS_SETTINGS[kind], account)


def password_check_allowed(user_id: int) -> bool:
    return _allowed("PASSWORD_CHECKS_PER_ACCOUNT", str(user_id))


def record_password_check_failure(user_id: int) -> None:
    _hit("PASSWORD_CHECKS_PER_ACCOUNT", str(user_id))


def network_of(ip: str) -> str:
    """The /24 of an IPv4 address or the /64 of an IPv6 one ("" stays "")."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    prefix = 24 if address.version == 4 else 64
    return str(ipaddress.ip_network(f"{address}/{prefix}", strict=False))


def _signup_keys(ip: str) -> Iterable[tuple[str, str]]:
    yield "SIGNUPS_PER_IP", ip
    yield "SIGNUPS_PER_NETWORK", network_of(ip)


def signup_allowed(ip: str) -> bool:
    return all(_allowed(setting, key) for setting, key in _signup_keys(ip))


def record_signup(ip: str) -> None:
    for setting, key in _signup_keys(ip):
        _hit(setting, key)
