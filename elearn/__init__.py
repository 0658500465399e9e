"""elearn: the OCOP e-learning platform (application factory)."""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from elearn.config import CONFIGS, ROOT, Config
from elearn.extensions import babel, csrf, db, limiter, login_manager, migrate


class Elearn(Flask):
    """Flask, remembering which registered callables are plain functions.

    Flask asks `ensure_sync` about every before/after-request function, context processor
    and view on every request (about twenty per page), and each answer costs an
    `inspect.iscoroutinefunction` call. The answer never changes for a registered callable,
    so it is kept (bounded: only the callables registered at start-up repeat)."""

    _SYNC_LIMIT = 1024

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._sync: dict[Any, Any] = {}

    def ensure_sync(self, func: Any) -> Any:
        try:
            return self._sync[func]
        except KeyError:
            pass
        except TypeError:  # not hashable
            return super().ensure_sync(func)
        result = super().ensure_sync(func)
        if len(self._sync) < self._SYNC_LIMIT:
            self._sync[func] = result
        return result


def create_app(config: str | type[Config] | Mapping[str, Any] | None = None) -> Flask:
    """Build the app: config, extensions, blueprints, course modules, errors, commands."""
    app = Elearn(
        __name__,
        template_folder=str(ROOT / "templates"),
        instance_path=os.environ.get("ELEARN_INSTANCE_PATH") or str(ROOT / "instance"),
    )
    load_config(app, config)
    register_input_checks(app)
    register_logging(app)
    register_extensions(app)
    register_blueprints(app)
    register_course_modules(app)
    register_event_handlers(app)
    register_errorhandlers(app)
    register_security(app)
    register_commands(app)
    register_template_helpers(app)
    return app


def load_config(app: Flask, config: str | type[Config] | Mapping[str, Any] | None) -> None:
    """Pick a config class by name (ELEARN_ENV) and apply overrides."""
    overrides: Mapping[str, Any] = {}
    if isinstance(config, Mapping):
        overrides = config
        config = overrides.get("ELEARN_ENV")
    if config is None:
        config = os.environ.get("ELEARN_ENV", "development")
    if isinstance(config, str):
        if config not in CONFIGS:
            raise RuntimeError(f"Unknown ELEARN_ENV {config!r}; use one of {sorted(CONFIGS)}")
        config = CONFIGS[config]
    app.config.from_object(config)
    app.config.update(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)

    if not app.config.get("SECRET_KEY"):
        if app.config["ENV_NAME"] == "production":
            raise RuntimeError("SECRET_KEY must be set in production (see .env.example).")
        app.config["SECRET_KEY"] = _instance_secret(Path(app.instance_path) / "secret_key")
    if app.config["ENV_NAME"] == "production":
        _check_production(app)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        db_path = Path(app.instance_path) / "elearn.sqlite3"
        app.config["SQLALCHEMY_DATABASE_URI"] = f"sqlite:///{db_path}"
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgresql://"):
        # psycopg 3 is the driver we ship.
        app.config["SQLALCHEMY_DATABASE_URI"] = (
            "postgresql+psycopg://" + uri[len("postgresql://") :]
        )
    if app.config["PROXY_FIX_X_FOR"]:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"], x_proto=1, x_host=1
        )


def _check_production(app: Flask) -> None:
    """Refuse to start production without what its security rests on (README, "Security")."""
    base = urlsplit(app.config.get("ELEARN_BASE_URL") or "")
    if base.scheme not in ("http", "https") or not base.hostname:
        raise RuntimeError(
            "ELEARN_BASE_URL must be set in production to the site's public address, e.g. "
            "https://hoc.ocop.vn: links in e-mails and certificates are built from it."
        )
    if not app.config.get("REDIS_URL"):
        raise RuntimeError(
            "REDIS_URL must be set in production: without Redis every worker process counts "
            "rate limits on its own (3 workers allow 3 times every limit) and e-mails are sent "
            "inside requests (see .env.example)."
        )
    if app.config.get("TRUSTED_HOSTS") is None:
        # Any other Host header is refused with a 400 (ELEARN_TRUSTED_HOSTS adds names).
        app.config["TRUSTED_HOSTS"] = [base.hostname]


def _instance_secret(path: Path) -> str:
    """A development secret kept in instance/ so restarts and workers share it."""
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


def register_input_checks(app: Flask) -> None:
    """Bounded `<int:>` ids and the NUL/JSON checks (before any rule or hook is added)."""
    from elearn.web import inputs

    inputs.install_converter(app)
    inputs.register(app)


def register_logging(app: Flask) -> None:
    """JSON lines with a request id (its hook goes first, before the input checks)."""
    from elearn.web import logs

    logs.init_app(app)


def register_extensions(app: Flask) -> None:
    import elearn.models  # noqa: F401  (every model registered on the metadata)
    from elearn.web.i18n import install_template_gettext, select_locale

    db.init_app(app)
    from elearn.core import db as unit_of_work

    unit_of_work.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    install_template_gettext(app)
    limiter.init_app(app)
    from elearn.auth import sessions

    sessions.init_app(app)
    from elearn import jobs
    from elearn.core import mail

    mail.init_app(app)
    jobs.init_app(app)


def register_blueprints(app: Flask) -> None:
    from elearn.api.routes import bp as api_bp
    from elearn.auth.routes import bp as auth_bp
    from elearn.catalog.routes import bp as catalog_bp
    from elearn.certificates.routes import bp as certificates_bp
    from elearn.classes.routes import bp as classes_bp
    from elearn.content.routes import bp as content_bp
    from elearn.jobs.routes import bp as jobs_bp
    from elearn.learn.routes import bp as learn_bp
    from elearn.main.routes import bp as main_bp
    from elearn.quiz.routes import bp as quiz_bp
    from elearn.regions.routes import bp as regions_bp
    from elearn.studio import (
        editor_routes,  # noqa: F401  (its views are on the studio's bp)
        quiz_routes,  # noqa: F401  (its views are on the studio's bp)
    )
    from elearn.studio.routes import bp as studio_bp

    app.register_blueprint(main_bp)
    app.register_blueprint(auth_bp)
    app.register_blueprint(regions_bp)
    app.register_blueprint(catalog_bp)
    app.register_blueprint(content_bp)
    app.register_blueprint(learn_bp)
    app.register_blueprint(quiz_bp)
    app.register_blueprint(certificates_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(jobs_bp)
    app.register_blueprint(studio_bp)
    app.register_blueprint(classes_bp)


def register_course_modules(app: Flask) -> None:
    from elearn.content.modules import register_modules

    register_modules(app)


def register_event_handlers(app: Flask) -> None:
    """Import the features whose receivers react to domain events (elearn.core.events)."""
    import elearn.certificates.services  # noqa: F401  (course_completed -> certificate)
    import elearn.classes.rules  # noqa: F401  (course_completed -> class rule)
    import elearn.learn.completion  # noqa: F401  (lesson/attempt -> figures, completion)


def register_errorhandlers(app: Flask) -> None:
    from elearn.web.errors import register

    register(app)


def register_security(app: Flask) -> None:
    from elearn.web import boundary, caching, compression, headers

    # after_request hooks run in reverse order of registration: the boundary (which may
    # replace the response when a commit fails), then cache headers and ETags (a 304 still
    # gets the security headers), then the security headers, and gzip last of all.
    compression.register(app)
    headers.register(app)
    caching.register(app)
    boundary.register(app)


def register_commands(app: Flask) -> None:
    from elearn.auth.commands import demo, users_cli
    from elearn.content.commands import courses_cli
    from elearn.jobs.commands import jobs_cli, maintenance_cli
    from elearn.quiz.commands import questions_cli, quizzes_cli
    from elearn.regions.commands import regions_cli

    for command in (
        users_cli,
        courses_cli,
        regions_cli,
        quizzes_cli,
        questions_cli,
        jobs_cli,
        maintenance_cli,
    ):
        app.cli.add_command(command)
    app.cli.add_command(demo)


def register_template_helpers(app: Flask) -> None:
    from elearn.web.templating import register

    register(app)
