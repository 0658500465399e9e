"""JSON API v1: the same services as the web pages, with bearer tokens."""

from flask import Blueprint

from elearn.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Bearer tokens are not sent by browsers on their own, so CSRF does not apply here.
csrf.exempt(bp)

from elearn.api import routes  # noqa: E402,F401
