"""CLI commands ``sizeup screen``, ``sizeup universe-report`` and ``sizeup data-quality``.

Thin front ends over :mod:`sizeup.app.screens`: options in, a Rich table or text out.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sizeup.cli._common import console, emit_json, handle_errors, parse_asof, store_ref

if TYPE_CHECKING:
    from sizeup.fundamentals import ScreenResult

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
    if hasattr(value, "date") and callable(value.date):  # a timestamp
        return str(value.date())
    return str(value)


def _builtin_names() -> list[str]:
    """Names of the built-in screens, read from the package files (no pandas import)."""
    folder = Path(__file__).resolve().parents[1] / "fundamentals" / "screen_specs"
    return sorted(p.stem for p in folder.glob("*.toml"))


def render_screen(result: ScreenResult, out: Console) -> None:
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
    out.print(table)
    out.print(escape(result.summary()), soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add ``screen``, ``universe-report`` and ``data-quality`` to the root app."""

    @app.command("screen")
    @handle_errors
    def screen_cmd(  # noqa: PLR0917 - Typer maps parameters to options
        name: Annotated[
            str,
            typer.Argument(help=f"Built-in screen ({', '.join(_builtin_names())}) or a TOML file."),
        ],
        asof: Annotated[
            str | None, typer.Option("--asof", help="As-of date (default: latest filing).")
        ] = None,
        top: Annotated[int | None, typer.Option("--top", help="Show the best N names.")] = None,
        universe: Annotated[
            str | None,
            typer.Option("--fund", "--universe", help="Fund in the holdings, or 'all'."),
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
        as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
    ) -> None:
        """Run a screen on the store's fundamentals and print the ranked names with reasons.

        Example: sizeup screen quality-value --asof 2021-06-30 --fund IWM --top 25
        """
        from sizeup.app.screens import ScreenRequest, run_screen_request
        from sizeup.errors import ConfigError

        if export is not None and export not in ("csv", "parquet"):
            raise ConfigError(
                f"--export {export!r} is not valid; use 'csv' or 'parquet'",
                input="--export",
                value=export,
                valid="csv, parquet",
            )
        request = ScreenRequest(
            name,
            as_of=parse_asof(asof),
            top=top,
            universe=universe,
            include_flagged=include_flagged,
            store=store_ref(),
        )
        with console.status("screening...", spinner="dots"):
            run = run_screen_request(request)
        result = run.result
        if as_json:
            emit_json(run)
        else:
            render_screen(result, console)
        if export is not None:
            path = output or Path(f"{result.screen.name}.{export}")
            if export == "csv":
                result.table.to_csv(path, index=False)
            else:
                result.table.to_parquet(path, index=False)
            console.print(escape(f"wrote {len(result.table)} rows to {path}"))

    @app.command("universe-report")
    @handle_errors
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
        """Unprofitable share, coverage/leverage distribution and refinancing wall of a fund.

        Example: sizeup universe-report --fund IWM --asof 2021-06-30
        """
        from sizeup.app.screens import UniverseRequest, run_universe_report

        request = UniverseRequest(
            fund, as_of=parse_asof(asof), include_flagged=include_flagged, store=store_ref()
        )
        console.print(escape(run_universe_report(request).summary()), soft_wrap=True)

    @app.command("data-quality")
    @handle_errors
    def quality_cmd() -> None:
        """List company-years whose fundamentals are implausible (excluded from screens).

        Example: sizeup data-quality
        """
        from sizeup.app.screens import QualityRequest, run_quality

        console.print(
            escape(run_quality(QualityRequest(store=store_ref())).summary()), soft_wrap=True
        )
