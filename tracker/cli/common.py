"""What the commands share."""

from __future__ import annotations

import sys
from typing import NoReturn

import click


def fail(message: str) -> NoReturn:
    """Print `message` (for the user, in Vietnamese) and exit with code 1."""
    click.echo(message, err=True)
    sys.exit(1)
