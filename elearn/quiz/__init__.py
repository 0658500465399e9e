"""Quizzes: GIFT parsing, grading, attempts and their pages."""

from flask import Blueprint

bp = Blueprint("quiz", __name__)

from elearn.quiz import routes  # noqa: E402,F401
