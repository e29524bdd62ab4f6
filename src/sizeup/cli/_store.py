"""``sizeup store ...``: catalog, history, restore, optimize and vacuum of the data store.

Every subcommand calls a use case of :mod:`sizeup.app.data`; ``info`` reads the version the
root options ``--store-version`` / ``--store-asof`` name.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from sizeup.cli._common import console, emit_json, handle_errors, store_ref

__all__ = ["register", "store_app"]

store_app = typer.Typer(
    help="Inspect the data store, list its versions, undo an import, compact, vacuum.",
    no_args_is_help=True,
)


def _day(value: object) -> str:
    import pandas as pd

    if value is None:
        return "-"
    try:
        ts = pd.Timestamp(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    return "-" if pd.isna(ts) else str(ts.date())


@store_app.command("info")
@handle_errors
def store_info(
    disagreements: Annotated[
        bool,
        typer.Option(
            "--disagreements/--no-disagreements",
            help="Compare overlapping sources of the same symbol (slower).",
        ),
    ] = True,
    tolerance: Annotated[
        float, typer.Option(help="Daily-return difference that counts as a disagreement.")
    ] = 0.005,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """List tables, rows, symbols, date ranges and sizes; flag disagreeing sources.

    Example: sizeup store info --json
    """
    from sizeup.app.data import StoreInfoRequest, store_info

    result = store_info(
        StoreInfoRequest(store=store_ref(), disagreements=disagreements, tolerance=tolerance)
    )
    if as_json:
        emit_json(result)
        return
    info = result.info
    table = Table(title=escape(f"sizeup store at {info.root}, version {info.version}"))
    for col in ("table", "rows", "entities", "files", "first", "last", "size"):
        table.add_column(col, justify="right" if col in ("rows", "entities", "files") else "left")
    for t in info.tables:
        table.add_row(
            t.table,
            f"{t.rows:,}",
            f"{t.entities:,}",
            f"{t.files:,}",
            _day(t.first),
            _day(t.last),
            f"{t.bytes / 1e6:,.1f} MB",
        )
    console.print(table)
    if not info.by_source.empty:
        src = Table(title="by source")
        for col in ("table", "source", "rows", "entities", "first", "last"):
            src.add_column(col)
        for rec in info.by_source.to_dict("records"):
            src.add_row(
                escape(str(rec["table"])),
                escape(str(rec["source"])),
                f"{int(rec['rows']):,}",
                f"{int(rec['entities']):,}",
                _day(rec["first"]),
                _day(rec["last"]),
            )
        console.print(src)
    if result.snapshots:
        from sizeup.app.data import snapshot_line

        for fund, dates in result.snapshots.items():
            console.print(escape(snapshot_line(fund, dates)), soft_wrap=False)
    if disagreements:
        diff = result.disagreements
        bad = diff[diff["days_beyond"] > 0] if not diff.empty else diff
        if bad.empty:
            console.print(f"overlapping sources agree within {tolerance:.2%} daily return")
        else:
            dis = Table(title=f"sources disagreeing beyond {tolerance:.2%} daily return")
            for col in ("symbol", "source_a", "source_b", "overlap", "days beyond", "max", "worst"):
                dis.add_column(col)
            for row in bad.itertuples(index=False):
                dis.add_row(
                    escape(str(row.symbol)),
                    escape(str(row.source_a)),
                    escape(str(row.source_b)),
                    f"{row.overlap_days:,}",
                    f"{row.days_beyond:,}",
                    f"{row.max_abs_diff:.2%}",
                    _day(row.worst_date),
                )
            console.print(dis)


@store_app.command("history")
@handle_errors
def store_history(
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """List the store's versions: when, what command, rows added/changed/removed.

    Example: sizeup store history
    """
    from sizeup.app.data import store_history

    result = store_history(store_ref())
    if as_json:
        emit_json(result)
        return
    table = Table(title="store versions (read one with --store-version N / --store-asof TIME)")
    for col in ("version", "committed (UTC)", "operation", "added", "changed", "removed", "what"):
        table.add_column(col, overflow="fold")
    for r in result.history.itertuples(index=False):
        table.add_row(
            str(r.version),
            f"{r.committed_at:%Y-%m-%d %H:%M:%S}",
            escape(str(r.operation)),
            f"{r.rows_added:,}",
            f"{r.rows_changed:,}",
            f"{r.rows_removed:,}",
            escape(str(r.detail)),
        )
    console.print(table)


@store_app.command("restore")
@handle_errors
def store_restore(
    version: Annotated[int, typer.Argument(help="Store version to bring back (see history).")],
) -> None:
    """Make the store what it was at VERSION (recorded as a new version; nothing is lost).

    Example: sizeup store restore 97
    """
    from sizeup.app.data import RestoreRequest, restore_store

    result = restore_store(RestoreRequest(version=version, store=store_ref()))
    console.print(escape(result.summary()))


@store_app.command("optimize")
@handle_errors
def store_optimize() -> None:
    """Compact each table's files, sorted by (symbol, date).

    Example: sizeup store optimize
    """
    from sizeup.app.data import optimize_store

    console.print(escape(optimize_store(store_ref()).summary()))


@store_app.command("vacuum")
@handle_errors
def store_vacuum(
    retain_hours: Annotated[
        float,
        typer.Option(
            "--retain-hours",
            help="Keep every file a version younger than this needs (older versions become "
            "unreadable).",
        ),
    ] = 168.0,
) -> None:
    """Delete data files that no recent version needs.

    Example: sizeup store vacuum --retain-hours 168
    """
    from sizeup.app.data import VacuumRequest, vacuum_store

    result = vacuum_store(VacuumRequest(retain_hours=retain_hours, store=store_ref()))
    console.print(escape(result.summary()))


def register(app: typer.Typer) -> None:
    """Add the ``store`` command group to the root app."""
    app.add_typer(store_app, name="store")
