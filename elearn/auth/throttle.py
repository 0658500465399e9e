"""Login throttling (S5), checked before any password hash is computed.

Failures are counted per (account, client IP) and per client IP, in the rate-limit
storage (Redis in production, so every worker sees the same counts). Someone else
failing on your account from another address does not lock you out.
"""

from __future__ import annotations

from flask import current_app
from limits import parse
from limits.strategies import MovingWindowRateLimiter

from elearn.extensions import limiter


def _strategy() -> MovingWindowRateLimiter:
    return MovingWindowRateLimiter(limiter.storage)


def _limits() -> tuple:
    cfg = current_app.config
    return parse(cfg["LOGIN_FAILURES_PER_ACCOUNT"]), parse(cfg["LOGIN_FAILURES_PER_IP"])


def login_allowed(account: str, ip: str) -> bool:
    """False when this account+IP or this IP has failed too often recently."""
    per_account, per_ip = _limits()
    strategy = _strategy()
    return strategy.test(per_account, "login-acct", account, ip) and strategy.test(
        per_ip, "login-ip", ip
    )


def record_failure(account: str, ip: str) -> None:
    per_account, per_ip = _limits()
    strategy = _strategy()
    strategy.hit(per_account, "login-acct", account, ip)
    strategy.hit(per_ip, "login-ip", ip)


def clear_failures(account: str, ip: str) -> None:
    per_account, _ = _limits()
    strategy = _strategy()
    strategy.clear(per_account, "login-acct", account, ip)
