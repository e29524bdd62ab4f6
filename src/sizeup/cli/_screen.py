"""CLI commands ``sizeup screen`` and ``sizeup universe-report``."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any, Literal

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table

from sizeup.calendar import parse_date
from sizeup.config import load_settings
from sizeup.data.store import Store
from sizeup.errors import ConfigError
from sizeup.fundamentals import (
    ScreenData,
    ScreenResult,
    builtin_screens,
    load_screen,
    run_screen,
    universe_report,
)

__all__ = ["register", "render_screen"]

_SHOW = (
    "net_income_ttm",
    "interest_coverage",
    "net_debt_to_ebitda",
    "earnings_yield",
    "book_to_price",
    "debt_due_24m_share",
)


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    if isinstance(value, float):
        if math.isinf(value):
            return "inf"
        return f"{value / 1e6:,.1f}M" if abs(value) >= 1e6 else f"{value:.3g}"
    if isinstance(value, pd.Timestamp):
        return str(value.date())
    return str(value)


def render_screen(result: ScreenResult, console: Console) -> None:
    """Print a screen result as a Rich table with its summary."""
    table = Table(title=f"{result.screen.name} as of {result.as_of.date()}", show_lines=False)
    for col in ("#", "symbol", "score", *_SHOW, "reason"):
        table.add_column(col, overflow="fold")
    for rec in result.table.to_dict("records"):
        table.add_row(
            _cell(rec.get("position")),
            str(rec["symbol"]),
            _cell(rec.get("score")),
            *(_cell(rec.get(c)) for c in _SHOW),
            str(rec["reason"]),
        )
    console.print(table)
    console.print(result.summary())


def register(app: typer.Typer) -> None:
    """Add ``screen`` and ``universe-report`` to the root app."""

    @app.command("screen")
    def screen_cmd(  # noqa: PLR0917 - Typer maps parameters to options
        name: Annotated[
            str,
            typer.Argument(
                help=f"Built-in screen ({', '.join(builtin_screens())}) or a TOML file."
            ),
        ],
        asof: Annotated[
            str | None, typer.Option("--asof", help="As-of date (default: latest filing).")
        ] = None,
        top: Annotated[int | None, typer.Option("--top", help="Show the best N names.")] = None,
        universe: Annotated[
            str | None, typer.Option("--universe", help="Fund in holdings, or 'all'.")
        ] = None,
        export: Annotated[
            str | None, typer.Option("--export", help="Write the full table: csv or parquet.")
        ] = None,
        output: Annotated[
            Path | None,
            typer.Option("--output", "-o", help="Export file (default ./<name>.<fmt>)."),
        ] = None,
    ) -> None:
        """Run a screen on the store's fundamentals and print the ranked names with reasons."""
        fmt: Literal["csv", "parquet"] | None = None
        if export is not None:
            if export not in ("csv", "parquet"):
                raise ConfigError(f"--export {export!r} is not valid; use 'csv' or 'parquet'")
            fmt = "csv" if export == "csv" else "parquet"
        screen = load_screen(name)
        store = Store.open(load_settings().data_dir)
        data = ScreenData.from_store(store)
        result = run_screen(screen, data, as_of=parse_date(asof), top=top, universe=universe)
        console = Console()
        render_screen(result, console)
        if fmt is not None:
            path = output or Path(f"{screen.name}.{fmt}")
            if fmt == "csv":
                result.table.to_csv(path, index=False)
            else:
                result.table.to_parquet(path, index=False)
            console.print(f"wrote {len(result.table)} rows to {path}")

    @app.command("universe-report")
    def universe_cmd(
        fund: Annotated[
            str, typer.Option("--fund", help="Fund whose members form the universe.")
        ] = "IWM",
        asof: Annotated[str | None, typer.Option("--asof", help="As-of date.")] = None,
    ) -> None:
        """Unprofitable share, coverage/leverage distribution and refinancing wall of a fund."""
        day = parse_date(asof)
        store = Store.open(load_settings().data_dir)
        data = ScreenData.from_store(store)
        holdings = store.holdings(fund, as_of=day)
        if holdings.empty:
            holdings = store.holdings(fund)
        if holdings.empty:
            raise ConfigError(f"no holdings of fund {fund!r} in {store.root}; import them first")
        when = day if day is not None else pd.Timestamp(data.items["filed"].max())
        snap = pd.Timestamp(holdings["as_of"].iloc[0])
        notes = list(data.notes)
        if snap > when:
            notes.append(
                f"survivorship: members from the {snap.date()} snapshot, after {when.date()}"
            )
        report = universe_report(
            data.items,
            holdings["symbol"].astype(str).tolist(),
            as_of=when,
            prices=data.prices,
            notes=notes,
        )
        Console().print(report.summary())
