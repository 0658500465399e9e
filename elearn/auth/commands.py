"""`flask users …` and `flask demo`: accounts from the command line."""

from __future__ import annotations

import secrets
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext
from sqlalchemy import select

from elearn.auth import services as auth_services
from elearn.auth.models import ROLES, User
from elearn.core.cli import fail, transactional
from elearn.core.errors import ServiceError
from elearn.extensions import db

users_cli = AppGroup("users", help="Manage accounts.")


@users_cli.command("create")
@click.option("--email", default=None, help="E-mail address to log in with.")
@click.option("--phone", default=None, help="Vietnamese mobile number to log in with.")
@click.option("--name", "full_name", required=True, help="Full name.")
@click.option("--role", type=click.Choice(ROLES), default="learner", show_default=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@transactional
def create_user(
    email: str | None, phone: str | None, full_name: str, role: str, password: str
) -> None:
    """Create an account (there is no default administrator: create one here)."""
    if bool(email) == bool(phone):
        fail("Give exactly one of --email or --phone.")
    try:
        user = auth_services.register_user(
            email or phone or "",
            password,
            auth_services.Profile(full_name=full_name),
            role=role,
            require_details=False,
        )
    except ServiceError as exc:
        details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.fields.items())
        fail(f"Error: {exc.message} {details}".strip())
    click.echo(f"Created {role} {user.login_name} (id {user.id}).")


@users_cli.command("deactivate")
@click.argument("login")
@transactional
def deactivate_user(login: str) -> None:
    """Disable an account and end all its sessions."""
    user = auth_services.find_by_login(login)
    if user is None:
        fail(f"No account {login!r}.")
    auth_services.set_active(user, False)
    click.echo(f"Deactivated {user.login_name}.")


@users_cli.command("reset-link")
@click.argument("login")
@click.option("--base-url", default=None, help="Instead of ELEARN_BASE_URL.")
@transactional
def reset_link(login: str, base_url: str | None) -> None:
    """Print a single-use password reset link to hand to a learner (e.g. phone accounts)."""
    from elearn.web.urls import external_url

    user = auth_services.find_by_login(login)
    if user is None or not user.active:
        fail(f"No active account {login!r}.")
    token = auth_services.create_reset_token(user)
    link = external_url("auth.reset_password", _base=base_url, token=token)
    minutes = current_app.config["PASSWORD_RESET_MINUTES"]
    click.echo(f"{link}  (valid {minutes} minutes, once)")


@users_cli.command("activate")
@click.argument("login")
@transactional
def activate_user(login: str) -> None:
    """Re-enable a disabled account."""
    user = auth_services.find_by_login(login)
    if user is None:
        fail(f"No account {login!r}.")
    auth_services.set_active(user, True)
    click.echo(f"Activated {user.login_name}.")


DEMO_ACCOUNTS = (
    ("learner", "hocvien@demo.elearn.vn", "Nguyễn Thị Hoa", "household", "14"),
    ("trainer", "giangvien@demo.elearn.vn", "Trần Văn Minh", "other", "01"),
    ("admin", "quantri@demo.elearn.vn", "Lê Thu Hà", "program_official", "01"),
)


@click.command("demo")
@with_appcontext
@transactional
def demo() -> None:
    """Create demo learner, trainer and admin accounts (development only)."""
    if not current_app.config.get("DEMO_ALLOWED"):
        fail("Refused: demo accounts are not allowed in this configuration (production).")
    store = Path(current_app.instance_path) / "demo-accounts.txt"
    known: dict[str, str] = {}
    if store.exists():
        for line in store.read_text(encoding="utf-8").splitlines():
            login, _, password = line.partition(" ")
            known[login] = password
    for role, email, name, group, province in DEMO_ACCOUNTS:
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            password = known.get(email) or f"demo-{secrets.token_urlsafe(9)}"
            auth_services.register_user(
                email,
                password,
                auth_services.Profile(full_name=name, learner_group=group, province_code=province),
                role=role,
                require_details=False,
            )
            known[email] = password
        click.echo(f"{role:8} {email}  password: {known.get(email, '(set before; unknown)')}")
    store.write_text("".join(f"{k} {v}\n" for k, v in known.items()), encoding="utf-8")
    store.chmod(0o600)
