"""Command-line interface: parse arguments, call the library, render with Rich.

Every command module (``cli_<name>.py``) exposes ``register(app)``; this module owns the root
app, global options (``--data-dir``, ``--verbose``, time travel) and error handling:
a :class:`~sizeup.errors.SizeupError` ends the command with its message and exit code 2, never
with a traceback.
"""

from __future__ import annotations

import importlib
import logging
import os
import sys
from pathlib import Path
from typing import Annotated

import click
import typer
from rich.console import Console
from rich.logging import RichHandler
from typer.exceptions import TyperException

from sizeup.errors import SizeupError

__all__ = ["app", "main"]

console = Console()
err_console = Console(stderr=True)

app = typer.Typer(
    name="sizeup",
    help="Small-cap vs large-cap rotation research on real data: store, charts, breadth, stats.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version_callback(value: bool) -> None:
    if value:
        from sizeup import __version__

        console.print(f"sizeup {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    data_dir: Annotated[
        Path | None,
        typer.Option(
            "--data-dir",
            help="Store folder (default: $SIZEUP_DATA_DIR, sizeup.toml, or the user data dir).",
        ),
    ] = None,
    verbose: Annotated[
        int, typer.Option("--verbose", "-v", count=True, help="More log output (-vv for debug).")
    ] = 0,
    store_version: Annotated[
        int | None,
        typer.Option(
            "--store-version",
            min=0,
            help="Read this store version (time travel; see `sizeup store history`).",
        ),
    ] = None,
    store_asof: Annotated[
        str | None,
        typer.Option(
            "--store-asof",
            help="Read the store as it was at this ISO timestamp (e.g. 2026-08-03T18:00).",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version", callback=_version_callback, is_eager=True, help="Print the version."
        ),
    ] = False,
) -> None:
    """Small-cap vs large-cap rotation research on real data.

    Example: sizeup --data-dir ./data monitor --asof 2025-12-12
    """
    from sizeup.cli._common import STATE

    if data_dir is not None:
        os.environ["SIZEUP_DATA_DIR"] = str(data_dir)
    if store_version is not None and store_asof is not None:
        raise typer.BadParameter(
            "give --store-version or --store-asof, not both", param_hint="--store-version"
        )
    STATE["version"] = store_version
    STATE["timestamp"] = store_asof
    level = logging.WARNING - 10 * min(verbose, 2)
    logging.basicConfig(
        level=level,
        format="%(message)s",
        handlers=[RichHandler(console=err_console, show_path=False)],
        force=True,
    )


def _register_commands() -> None:
    """Add the command modules' commands to the root app."""
    # One module per command; each imports its use case inside the command function, so
    # registering them all keeps `sizeup --help` free of pandas, numba and the analytics.
    for name in (
        "_import",
        "_fetch",
        "_store",
        "_monitor",
        "_pnf",
        "_report",
        "_claims",
        "_check",
        "_screen",
        "_backtest",
    ):
        importlib.import_module(f"sizeup.cli.{name}").register(app)


_register_commands()


def main() -> None:
    """Entry point of the ``sizeup`` command."""
    try:
        result = app(standalone_mode=False)
    except (typer.Abort, click.exceptions.Abort):
        err_console.print("aborted")
        sys.exit(1)
    except (TyperException, click.exceptions.ClickException) as exc:
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            err_console.print(f"[bold red]error:[/] {exc}")
        sys.exit(int(getattr(exc, "exit_code", 2)))
    except SizeupError as exc:
        err_console.print(f"[bold red]error:[/] {exc}")
        sys.exit(2)
    except KeyboardInterrupt:
        err_console.print("interrupted")
        sys.exit(130)
    sys.exit(result if isinstance(result, int) else 0)
