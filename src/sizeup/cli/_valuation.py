"""CLI command ``sizeup valuation``: small/large relative valuation from the store.

A thin front end over :mod:`sizeup.app.valuation`: options in, the table by date, the ratio
statistics and the provenance (coverage, survivorship, price basis) out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from sizeup.cli._common import (
    console,
    emit_json,
    handle_errors,
    parse_asof,
    print_provenance,
    store_ref,
)

__all__ = ["register", "valuation_command"]


@handle_errors
def valuation_command(  # noqa: PLR0917 - Typer maps parameters to options
    small: Annotated[
        str, typer.Option("--small", help="Small-cap universe: a fund with holdings (IWM).")
    ] = "IWM",
    large: Annotated[
        str,
        typer.Option(
            "--large",
            help="Large-cap universe: a fund with holdings, or SPY/SP500 for the stored "
            "S&P 500 member list.",
        ),
    ] = "SPY",
    asof: Annotated[
        str | None,
        typer.Option("--asof", help="As-of date YYYY-MM-DD (default: latest filing)."),
    ] = None,
    history: Annotated[
        str, typer.Option("--history", help="History points: yearly, monthly or none.")
    ] = "yearly",
    estimates: Annotated[
        Path | None,
        typer.Option(
            "--estimates",
            help="CSV of EPS estimates for forward P/E: symbol, fiscal_period_end, "
            "eps_estimate, as_of.",
        ),
    ] = None,
    min_coverage: Annotated[
        float,
        typer.Option(
            "--min-coverage",
            help="Points where a universe has data for a smaller share of its members are "
            "left out of the long-run mean and percentile.",
        ),
    ] = 0.2,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Trailing P/E, P/B, P/S of two universes over time and the small/large ratio.

    Example: sizeup valuation --small IWM --large SPY --history yearly
    """
    from sizeup.app.valuation import ValuationRequest, run_valuation

    request = ValuationRequest(
        small=small,
        large=large,
        asof=parse_asof(asof),
        history=history,
        estimates=estimates,
        min_coverage=min_coverage,
        store=store_ref(),
    )
    if as_json:
        emit_json(run_valuation(request))
        return
    with console.status("valuing...", spinner="dots"):
        result = run_valuation(request)
    console.print(Text(result.summary()), soft_wrap=True)
    print_provenance(console, result.provenance)


def register(app: typer.Typer) -> None:
    """Add ``valuation`` to the root app."""
    app.command("valuation")(valuation_command)
