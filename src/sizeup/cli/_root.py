"""Command-line interface: parse arguments, call the library, render with Rich.

Every command module (``sizeup/cli/_<name>.py``) exposes ``register(app)``; this module owns the
root app, global options (``--data-dir``, ``--verbose``, time travel) and error handling: a
:class:`~sizeup.errors.SizeupError` ends the command with its message and exit code 2, never
with a traceback.

Commands are registered lazily from one static table (:func:`_register_commands`): the root
``--help`` is drawn from that table, and a command's module is imported only when that command
runs or shows its own help. So ``sizeup --help`` imports neither the command modules nor Typer's
Rich help machinery (Markdown, Pygments), let alone pandas, numba or the analytics.
"""

from __future__ import annotations

import importlib
import os
import sys
from collections.abc import MutableMapping
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
import typer.core
import typer.main
from typer._click import Command
from typer.exceptions import TyperException

from sizeup.errors import SizeupError

if TYPE_CHECKING:
    from rich.console import Console
    from typer._click import Context, HelpFormatter

__all__ = ["app", "main"]

_ROOT_HELP = "Small-cap vs large-cap rotation research on real data: store, charts, breadth, stats."


def _register_commands() -> dict[str, tuple[str, str]]:
    """Return the command table: ``name: (module in sizeup.cli, one-line help)``.

    Add a command with one line here (its module has ``register(app)``). The one-line help is
    what ``sizeup --help`` lists without importing the module; a test checks it against the
    command's own help.
    """
    return {
        "import": (
            "_import",
            "Import price, rate, factor, holdings and fundamentals files into the store.",
        ),
        "fetch": (
            "_fetch",
            "Fetch a bundle of data from the free public sources (incremental and resumable).",
        ),
        "monitor": (
            "_monitor",
            "Small caps vs large caps: relative performance, streaks, records, breadth, BPI,"
            " scores.",
        ),
        "pnf": (
            "_pnf",
            "Point-and-figure chart with signal, status, trend, patterns and price objectives.",
        ),
        "flows": (
            "_flows",
            "Net creations/redemptions of a fund: change in shares outstanding x NAV.",
        ),
        "report": (
            "_report",
            "Write the HTML report: rotation first, then P&F, breadth, statistics, screens,"
            " backtests.",
        ),
        "claims": (
            "_claims",
            "Check each claim of FILE against the store: SUPPORTED, CONTRADICTED or NOT_CHECKABLE.",
        ),
        "check": (
            "_check",
            "Find the numbers about indexes, ETFs, yields and rates in ARTICLE and check each one.",
        ),
        "screen": (
            "_screen",
            "Run a screen on the store's fundamentals and print the ranked names with reasons.",
        ),
        "universe-report": (
            "_screen",
            "Unprofitable share, coverage/leverage distribution and refinancing wall of a fund.",
        ),
        "data-quality": (
            "_screen",
            "List company-years whose fundamentals are implausible (excluded from screens).",
        ),
        "valuation": (
            "_valuation",
            "Trailing P/E, P/B, P/S of two universes over time and the small/large ratio.",
        ),
        "backtest": ("_backtest", "Backtest a strategy on the store's total-return closes."),
        "sweep": (
            "_backtest",
            "Sweep a strategy's parameters (grid or walk-forward) on threads or Dask.",
        ),
        "store": (
            "_store",
            "Inspect the data store, list its versions, undo an import, compact, vacuum.",
        ),
        "serve": ("_serve", "Serve the local web dashboard and its JSON API on 127.0.0.1."),
    }


class _LazyGroup(typer.core.TyperGroup):
    """The root group: lists commands from the static table, imports a module on first use.

    :meth:`get_command` loads the command's module (and every command it registers);
    :attr:`commands` is the complete mapping, loading every module, for code that walks all
    commands (tests, completion). The root help (``sizeup``, ``sizeup --help``) is drawn from the
    table alone.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._loaded: dict[str, Command] = {}
        self._table = _register_commands()
        super().__init__(*args, **kwargs)

    @property
    def commands(self) -> MutableMapping[str, Command]:
        """Every command (imports every command module)."""
        for name in self._table:
            self._load(name)
        return self._loaded

    @commands.setter
    def commands(self, value: MutableMapping[str, Command]) -> None:
        self._loaded = dict(value)

    def _load(self, name: str) -> Command | None:
        if name not in self._loaded and name in self._table:
            module = importlib.import_module(f"sizeup.cli.{self._table[name][0]}")
            sub = typer.Typer(rich_markup_mode=self.rich_markup_mode)
            module.register(sub)
            group = typer.main.get_group(sub)
            for cmd_name, cmd in group.commands.items():
                self._loaded.setdefault(cmd_name, cmd)
        return self._loaded.get(name)

    def add_command(self, cmd: Command, name: str | None = None) -> None:
        """Add an eagerly built command (it shadows a table entry of the same name)."""
        name = name or cmd.name
        if name is None:
            raise TypeError("Command has no name.")
        self._loaded[name] = cmd

    def get_command(self, ctx: Context, cmd_name: str) -> Any:
        """Return the command called ``cmd_name``, importing its module on first use."""
        return self._load(cmd_name)

    def list_commands(self, ctx: Context) -> list[str]:
        """Command names in table order, then any added directly."""
        return [*self._table, *(n for n in self._loaded if n not in self._table)]

    def format_help(self, ctx: Context, formatter: HelpFormatter) -> None:
        """Print the root help with Rich from the table (no command module is imported)."""
        from rich.console import Console

        _print_root_help(self, ctx, Console())


def _print_root_help(group: _LazyGroup, ctx: Context, out: Console) -> None:
    from rich import box
    from rich.padding import Padding
    from rich.panel import Panel
    from rich.table import Table
    from rich.text import Text

    def panel(title: str, rows: list[tuple[str, str]]) -> Panel:
        table = Table(show_header=False, box=None, pad_edge=False, padding=(0, 2, 0, 0))
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column(overflow="fold")
        for left, right in rows:
            table.add_row(Text(left), Text(right))
        return Panel(table, title=title, title_align="left", box=box.ROUNDED, border_style="dim")

    options: list[tuple[str, str]] = []
    for param in group.get_params(ctx):
        record = param.get_help_record(ctx)
        if record is not None:
            options.append(record)
    commands = [(name, help_line) for name, (_, help_line) in group._table.items()]
    commands += [
        (name, cmd.get_short_help_str(200))
        for name, cmd in group._loaded.items()
        if name not in group._table and not cmd.hidden
    ]
    usage = " ".join(group.collect_usage_pieces(ctx))
    lines = [
        Text(f"Usage: {ctx.command_path} {usage}", style="bold"),
        Text(group.help or _ROOT_HELP),
        Text("Example: sizeup --data-dir ./data monitor --asof 2025-12-12"),
    ]
    for line in lines:
        out.print(Padding(line, (1, 1, 0, 1)))
    out.print()
    out.print(panel("Options", options))
    out.print(panel("Commands", commands))
    out.print(Padding(Text("Run `sizeup COMMAND --help` for its options and an example."), (0, 1)))


app = typer.Typer(
    name="sizeup",
    help=_ROOT_HELP,
    cls=_LazyGroup,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version_callback(value: bool) -> None:
    if value:
        from sizeup import __version__

        typer.echo(f"sizeup {__version__}")
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
    import logging

    from rich.logging import RichHandler

    from sizeup.cli._common import STATE, err_console

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


def _error(message: str) -> None:
    from rich.text import Text

    from sizeup.cli._common import err_console

    err_console.print(Text("error: ", style="bold red") + Text(message), soft_wrap=True)


def main() -> None:
    """Entry point of the ``sizeup`` command."""
    try:
        result = app(standalone_mode=False)
    except typer.Abort:
        _error("aborted")
        sys.exit(1)
    except TyperException as exc:
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            _error(str(exc))
        sys.exit(int(getattr(exc, "exit_code", 2)))
    except SizeupError as exc:
        _error(str(exc))
        sys.exit(2)
    except KeyboardInterrupt:
        _error("interrupted")
        sys.exit(130)
    sys.exit(result if isinstance(result, int) else 0)
