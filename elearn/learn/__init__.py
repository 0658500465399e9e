"""Learning: enrolment, lessons, completion and the "My learning" dashboard."""

from flask import Blueprint

bp = Blueprint("learn", __name__)

from elearn.learn import routes  # noqa: E402,F401
