"""Command-line front end: one module per command, all calling :mod:`sizeup.app`."""

from __future__ import annotations

from sizeup.cli._root import app, main

__all__ = ["app", "main"]
