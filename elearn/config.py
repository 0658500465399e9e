"""Configuration classes, fed from environment variables (see .env.example)."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _list(name: str) -> list[str] | None:
    """A comma-separated setting as a list; None when unset or empty."""
    items = [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]
    return items or None


class Config:
    """Settings shared by every environment."""

    ENV_NAME = "base"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    # No pool_pre_ping: it costs a round trip on every request. elearn.core.db pings a
    # pooled connection only when it has been idle (DB_PING_IDLE_SECONDS), and a
    # connection that fails is replaced, so the app recovers from a database restart.
    SQLALCHEMY_ENGINE_OPTIONS: dict = {}
    DB_PING_IDLE_SECONDS = _int("DB_PING_IDLE_SECONDS", 10)
    ELEARN_COURSES_DIR = os.environ.get("ELEARN_COURSES_DIR") or str(ROOT / "courses")
    #: Where asset bytes are stored by hash; None: <instance>/media.
    ELEARN_MEDIA_DIR = os.environ.get("ELEARN_MEDIA_DIR") or None
    #: Uploads in the studio (elearn.content.uploads): the largest file accepted, in MB
    #: (413 beyond), and the largest image, in megapixels: the pixels are decoded in
    #: memory, about 3 bytes each (400 beyond).
    ELEARN_UPLOAD_MAX_MB = _int("ELEARN_UPLOAD_MAX_MB", 10)
    ELEARN_UPLOAD_MAX_MEGAPIXELS = _int("ELEARN_UPLOAD_MAX_MEGAPIXELS", 50)
    #: A course package zip uploaded to the studio (web page or API), in MB: 413 beyond.
    #: Also the size of a question workbook (.xlsx) sent to the API.
    ELEARN_PACKAGE_MAX_MB = _int("ELEARN_PACKAGE_MAX_MB", 50)
    ELEARN_ORG_NAME = os.environ.get("ELEARN_ORG_NAME", "Văn phòng Điều phối Chương trình OCOP")
    #: Scheme, host and optional path prefix of links in e-mails and printed by commands;
    #: never taken from the request's Host header. Production must set it.
    ELEARN_BASE_URL = os.environ.get("ELEARN_BASE_URL")
    #: With REDIS_URL set, background jobs go to an RQ queue (`flask jobs worker`);
    #: without it they run in the web process right after the commit.
    REDIS_URL = os.environ.get("REDIS_URL")
    RATELIMIT_STORAGE_URI = os.environ.get("REDIS_URL") or "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    #: Level of the `elearn` logger, written as JSON lines on standard error (elearn.web.logs).
    LOG_LEVEL = os.environ.get("LOG_LEVEL", "INFO")
    #: Host names the app answers to (comma-separated); any other Host header gets a 400.
    #: None: no check (development). Production defaults to ELEARN_BASE_URL's host.
    TRUSTED_HOSTS = _list("ELEARN_TRUSTED_HOSTS")
    # Throttles (README, "Security choices"); limits' syntax, several rules split by ";".
    #: Failed logins per (normalised account, client IP): the strict rule.
    LOGIN_FAILURES_PER_ACCOUNT_IP = os.environ.get(
        "LOGIN_FAILURES_PER_ACCOUNT_IP", "5 per 15 minutes"
    )
    #: Failed logins per client IP, any account: looser and longer, since a carrier's NAT
    #: address is shared by many learners.
    LOGIN_FAILURES_PER_IP = os.environ.get("LOGIN_FAILURES_PER_IP", "100 per hour")
    #: Successful logins per account (web and API), each one costs a password hash.
    LOGINS_PER_ACCOUNT = os.environ.get("LOGINS_PER_ACCOUNT", "10 per 15 minutes")
    #: API tokens issued per account, and how many may be live at once (oldest revoked).
    API_TOKENS_PER_ACCOUNT = os.environ.get("API_TOKENS_PER_ACCOUNT", "5 per hour")
    API_TOKENS_MAX = _int("API_TOKENS_MAX", 5)
    #: Wrong current passwords on the change-password page, per account.
    PASSWORD_CHECKS_PER_ACCOUNT = os.environ.get("PASSWORD_CHECKS_PER_ACCOUNT", "5 per 15 minutes")
    #: Sign-up form submissions per client IP, whatever their outcome (the no-JavaScript
    #: "show communes" button included): bounds probing which logins exist.
    SIGNUP_POSTS_PER_IP = os.environ.get("SIGNUP_POSTS_PER_IP", "60 per hour")
    #: Accounts created per client IP and per network (IPv4 /24, IPv6 /64).
    SIGNUPS_PER_IP = os.environ.get("SIGNUPS_PER_IP", "10 per hour;20 per day")
    SIGNUPS_PER_NETWORK = os.environ.get("SIGNUPS_PER_NETWORK", "20 per hour;50 per day")
    #: Audit rows of refused object access (another learner's attempt...) per user.
    AUDIT_DENIED_PER_USER = os.environ.get("AUDIT_DENIED_PER_USER", "20 per hour")
    # Number of proxies in front of the app that set X-Forwarded-For (0 = none).
    PROXY_FIX_X_FOR = _int("PROXY_FIX_X_FOR", 0)

    LANGUAGES = ("vi", "en")
    BABEL_DEFAULT_LOCALE = "vi"
    #: Times are stored in UTC and shown and printed in this zone (pages, certificates).
    ELEARN_TIMEZONE = os.environ.get("ELEARN_TIMEZONE") or "Asia/Ho_Chi_Minh"
    BABEL_DEFAULT_TIMEZONE = ELEARN_TIMEZONE
    BABEL_TRANSLATION_DIRECTORIES = str(ROOT / "elearn" / "translations")

    # scrypt N=2^17, r=8, p=1: OWASP's recommended minimum (128 MiB per hash).
    PASSWORD_HASH_METHOD = os.environ.get("PASSWORD_HASH_METHOD", "scrypt:131072:8:1")
    PASSWORD_MIN_LENGTH = 8
    PASSWORD_MAX_LENGTH = 128

    # Sessions live in the database: these limits are enforced server-side.
    SESSION_IDLE_MINUTES = _int("SESSION_IDLE_MINUTES", 120)
    SESSION_ABSOLUTE_HOURS = _int("SESSION_ABSOLUTE_HOURS", 12)
    REMEMBER_IDLE_DAYS = _int("REMEMBER_IDLE_DAYS", 14)
    REMEMBER_ABSOLUTE_DAYS = _int("REMEMBER_ABSOLUTE_DAYS", 30)
    API_TOKEN_DAYS = _int("API_TOKEN_DAYS", 30)
    #: Seconds after a timed quiz's deadline during which a submission still counts.
    QUIZ_GRACE_SECONDS = _int("QUIZ_GRACE_SECONDS", 30)
    PASSWORD_RESET_MINUTES = _int("PASSWORD_RESET_MINUTES", 60)
    MAIL_SERVER = os.environ.get("MAIL_SERVER")
    MAIL_PORT = _int("MAIL_PORT", 587)
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "1") == "1"
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_FROM = os.environ.get("MAIL_FROM", "elearn <no-reply@localhost>")
    MAIL_TIMEOUT = 10
    #: Flask-Mailman backend; unset: SMTP with MAIL_SERVER, else the log (see elearn.core.mail).
    MAIL_BACKEND = os.environ.get("MAIL_BACKEND") or None
    #: A queued job older than this is dispatched again by the worker's sweep.
    JOB_STALE_MINUTES = _int("JOB_STALE_MINUTES", 5)
    #: Retention (`flask maintenance prune`, daily from the worker), in days.
    TOKEN_RETENTION_DAYS = _int("TOKEN_RETENTION_DAYS", 30)
    AUDIT_RETENTION_DAYS = _int("AUDIT_RETENTION_DAYS", 730)
    JOB_RETENTION_DAYS = _int("JOB_RETENTION_DAYS", 30)
    PERMANENT_SESSION_LIFETIME = timedelta(days=REMEMBER_ABSOLUTE_DAYS)
    SESSION_COOKIE_NAME = "elearn_session"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = False
    # CSRF tokens live as long as the session, so a long quiz never loses its form.
    WTF_CSRF_TIME_LIMIT = None
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    #: JSON bodies: larger ones are refused with 413, deeper ones with 400 (elearn.web.inputs).
    JSON_MAX_BYTES = _int("JSON_MAX_BYTES", 256 * 1024)
    JSON_MAX_DEPTH = _int("JSON_MAX_DEPTH", 32)
    HSTS = False
    DEMO_ALLOWED = True
    SEND_FILE_MAX_AGE_DEFAULT = 7 * 24 * 3600
    #: gzip text responses in the app; set ELEARN_COMPRESS=0 when a proxy in front does it.
    COMPRESS = os.environ.get("ELEARN_COMPRESS", "1") == "1"


class DevelopmentConfig(Config):
    ENV_NAME = "development"
    ELEARN_BASE_URL = os.environ.get("ELEARN_BASE_URL") or "http://127.0.0.1:5000"


class TestingConfig(Config):
    ENV_NAME = "testing"
    TESTING = True
    SECRET_KEY = "testing-only-secret-key-not-for-production"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or "sqlite://"
    WTF_CSRF_ENABLED = False
    # Cheap hashes keep the suite fast; tests of the rehash rule raise it explicitly.
    PASSWORD_HASH_METHOD = "scrypt:1024:8:1"
    RATELIMIT_STORAGE_URI = "memory://"
    # Not the test client's host, so a test can tell a configured link from a request-built one.
    ELEARN_BASE_URL = "https://elearn.example.vn"
    # The test client's and the browser tests' hosts; any other Host header is refused.
    TRUSTED_HOSTS = ["localhost", "127.0.0.1", "elearn.example.vn"]
    # Jobs run in-process unless a test points REDIS_URL at its own Redis database.
    REDIS_URL = None
    MAIL_BACKEND = "locmem"


class ProductionConfig(Config):
    ENV_NAME = "production"
    DEBUG = False
    DEMO_ALLOWED = False
    SESSION_COOKIE_SECURE = True
    # The __Host- prefix pins the cookie to this host, path / and HTTPS.
    SESSION_COOKIE_NAME = "__Host-elearn_session"
    HSTS = True


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
