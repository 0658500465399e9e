"""Administrative units and the province -> commune picker."""

from flask import Blueprint

bp = Blueprint("regions", __name__)

from elearn.regions import routes  # noqa: E402,F401
