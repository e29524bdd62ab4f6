"""``sizeup pnf SYMBOL``: the point-and-figure chart of a symbol, from :mod:`sizeup.app.pnf`."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from sizeup.cli._common import (
    console,
    emit_json,
    err_console,
    handle_errors,
    parse_asof,
    print_provenance,
    store_ref,
)

if TYPE_CHECKING:
    from sizeup.app.pnf import PnfResult

__all__ = ["pnf", "register", "render_pnf"]

_BASES = {"as-traded": "as traded", "total-return": "total return"}


def _rows_table(rows: list[tuple[str, str]]) -> Table:
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold", no_wrap=True)
    table.add_column(overflow="fold")
    for key, value in rows:
        table.add_row(Text(key), Text(value))
    return table


def _patterns_table(result: PnfResult, last: int = 8) -> Table | Text:
    from sizeup.app.pnf import BULLISH_PATTERNS

    events = result.patterns.tail(last)
    if events.empty:
        return Text("no patterns yet")
    table = Table(title=f"last {len(events)} patterns", title_justify="left")
    for col in ("date", "pattern", "level", "column"):
        table.add_column(col)
    for d, p, lv, c in zip(
        events["date"], events["pattern"], events["level"], events["column"], strict=True
    ):
        style = "green" if str(p) in BULLISH_PATTERNS else "red"
        day = str(d)[:10]
        table.add_row(day, Text(str(p), style=style), f"{lv:g}", str(int(c) + 1))
    return table


def render_pnf(result: PnfResult, out: Console) -> None:
    """Print a :class:`~sizeup.app.pnf.PnfResult` with Rich (text is never read as markup)."""
    out.print(Text(result.title(), style="bold"))
    print_provenance(out, result.provenance)
    text = result.text_chart()
    out.print(Text(text or "(no column yet)", no_wrap=True, overflow="crop"))
    out.print(_rows_table(result.state_lines()))
    out.print(_patterns_table(result))


@handle_errors
def pnf(  # noqa: PLR0917 - Typer maps parameters to options
    symbol: Annotated[str, typer.Argument(help="Symbol to chart, e.g. IWM or ^RUT.")],
    box: Annotated[
        str,
        typer.Option(help="Box: traditional, a fixed size (1), a percentage (1%), atr or atr:N."),
    ] = "traditional",
    reversal: Annotated[int, typer.Option(help="Reversal in boxes.")] = 3,
    method: Annotated[str, typer.Option(help="hl (high/low) or close.")] = "hl",
    basis: Annotated[
        str,
        typer.Option(
            help="Price basis: as-traded (split-adjusted, as chart services draw) or "
            "total-return (dividend-adjusted)."
        ),
    ] = "as-traded",
    vs: Annotated[
        str | None, typer.Option("--vs", help="Benchmark for the RS reading, e.g. RSP.")
    ] = None,
    asof: Annotated[
        str | None, typer.Option(help="Chart as of this date (YYYY-MM-DD; default: latest).")
    ] = None,
    columns: Annotated[int, typer.Option(help="Columns to draw (the newest).")] = 40,
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    png: Annotated[
        Path | None,
        typer.Option("--png", help="Also write the chart as a PNG image.", dir_okay=False),
    ] = None,
    svg: Annotated[
        Path | None,
        typer.Option("--svg", help="Also write the chart as an SVG image.", dir_okay=False),
    ] = None,
) -> None:
    """Point-and-figure chart with signal, status, trend, patterns and price objectives.

    Example: sizeup pnf IWM --box 1% --reversal 3 --vs SPY --asof 2022-06-30
    """
    from sizeup.app import PriceBasis
    from sizeup.app.pnf import PnfRequest, run_pnf
    from sizeup.errors import ConfigError

    if basis not in _BASES:
        raise ConfigError(
            f"--basis {basis!r} is not valid; use as-traded or total-return",
            input="--basis",
            value=basis,
            valid="as-traded or total-return",
        )
    if method not in ("hl", "close"):
        raise ConfigError(
            f"--method {method!r} is not valid; use 'hl' or 'close'",
            input="--method",
            value=method,
            valid="hl or close",
        )
    request = PnfRequest(
        symbol=symbol,
        box=box,
        reversal=reversal,
        method="hl" if method == "hl" else "close",
        basis=PriceBasis(_BASES[basis]),
        asof=parse_asof(asof),
        vs=vs,
        columns=columns,
    )
    result = run_pnf(request, store_ref())
    if png or svg:  # needs a Chromium browser (apt-get install chromium)
        from sizeup.app.reports import save_chart
        from sizeup.charts import pnf_figure

        fig = pnf_figure(
            result.chart, columns=columns, title=result.title(), patterns=result.patterns
        )
        for path in save_chart(fig, result.provenance, png=png, svg=svg):
            err_console.print(Text(f"wrote {path}", style="dim"))
    if json_out:
        emit_json(result)
    else:
        render_pnf(result, console)


def register(app: typer.Typer) -> None:
    """Add the ``pnf`` command to a Typer app."""
    app.command("pnf")(pnf)
