"""`flask regions load`: the administrative units."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from elearn.core.cli import transactional
from elearn.regions.services import load_regions

regions_cli = AppGroup("regions", help="Administrative units.")


@regions_cli.command("load")
@transactional
def load_regions_command() -> None:
    """Load the 34 provinces and 3,321 communes from the shipped data file."""
    count = load_regions()
    click.echo(f"{count} regions loaded.")
