"""The course catalogue and course pages."""

from flask import Blueprint

bp = Blueprint("catalog", __name__)

from elearn.catalog import routes  # noqa: E402,F401
