"""CLI commands ``sizeup screen``, ``sizeup universe-report`` and ``sizeup data-quality``.

Thin front ends over :mod:`sizeup.app.screens`: options in, a Rich table or text out.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any

import pandas as pd
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sizeup.app.screens import (
    QualityRequest,
    ScreenRequest,
    UniverseRequest,
    run_quality,
    run_screen_request,
    run_universe_report,
)
from sizeup.calendar import parse_date
from sizeup.errors import ConfigError
from sizeup.fundamentals import ScreenResult, builtin_screens

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
    """Print a screen result as a Rich table with its summary (true pass count, exclusions)."""
    title = f"{result.screen.name} as of {result.as_of.date()}"
    table = Table(title=escape(title), show_lines=False)
    for col in ("#", "symbol", "score", *_SHOW, "reason"):
        table.add_column(col, overflow="fold")
    for rec in result.table.to_dict("records"):
        table.add_row(
            _cell(rec.get("position")),
            escape(str(rec["symbol"])),
            _cell(rec.get("score")),
            *(_cell(rec.get(c)) for c in _SHOW),
            escape(str(rec["reason"])),
        )
    console.print(table)
    console.print(escape(result.summary()), soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add ``screen``, ``universe-report`` and ``data-quality`` to the root app."""

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
        include_flagged: Annotated[
            bool,
            typer.Option(
                "--include-flagged",
                help="Keep companies whose current fiscal year has implausible data.",
            ),
        ] = False,
        export: Annotated[
            str | None, typer.Option("--export", help="Write the full table: csv or parquet.")
        ] = None,
        output: Annotated[
            Path | None,
            typer.Option("--output", "-o", help="Export file (default ./<name>.<fmt>)."),
        ] = None,
    ) -> None:
        """Run a screen on the store's fundamentals and print the ranked names with reasons."""
        if export is not None and export not in ("csv", "parquet"):
            raise ConfigError(
                f"--export {export!r} is not valid; use 'csv' or 'parquet'",
                input="--export",
                value=export,
                valid="csv, parquet",
            )
        request = ScreenRequest(
            name,
            as_of=parse_date(asof),
            top=top,
            universe=universe,
            include_flagged=include_flagged,
        )
        result = run_screen_request(request).result
        console = Console()
        render_screen(result, console)
        if export is not None:
            path = output or Path(f"{result.screen.name}.{export}")
            if export == "csv":
                result.table.to_csv(path, index=False)
            else:
                result.table.to_parquet(path, index=False)
            console.print(escape(f"wrote {len(result.table)} rows to {path}"))

    @app.command("universe-report")
    def universe_cmd(
        fund: Annotated[
            str, typer.Option("--fund", help="Fund whose members form the universe.")
        ] = "IWM",
        asof: Annotated[str | None, typer.Option("--asof", help="As-of date.")] = None,
        include_flagged: Annotated[
            bool,
            typer.Option(
                "--include-flagged",
                help="Keep companies whose current fiscal year has implausible data.",
            ),
        ] = False,
    ) -> None:
        """Unprofitable share, coverage/leverage distribution and refinancing wall of a fund."""
        request = UniverseRequest(fund, as_of=parse_date(asof), include_flagged=include_flagged)
        Console().print(escape(run_universe_report(request).summary()), soft_wrap=True)

    @app.command("data-quality")
    def quality_cmd() -> None:
        """List company-years whose fundamentals are implausible (excluded from screens)."""
        Console().print(escape(run_quality(QualityRequest()).summary()), soft_wrap=True)
