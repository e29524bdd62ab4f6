"""``sizeup pnf SYMBOL``: point-and-figure chart, signal, trend, patterns and count of a symbol.

The command reads daily bars from the store, builds the chart as of a date and prints the text
chart with the chart's state; ``--vs BENCH`` adds the relative-strength reading of
``100 * SYMBOL / BENCH`` on total-return closes (METHODS.md §3).

Price charts use the store's ``high``/``low``/``close`` (split-adjusted, not dividend-adjusted,
METHODS.md §1.1); a close-only source falls back to the close method. RS charts use
``adj_close`` (total return), falling back to ``close`` where a source has no adjusted close.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Annotated

import pandas as pd
import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from sizeup.analytics.pnf import (
    RS_BOX_DEFAULT,
    STATUS_NAMES,
    PnfChart,
    PnfMethod,
    PriceObjective,
    RsReading,
    detect_patterns,
    pnf_chart,
    price_objective,
    relative_strength_chart,
    render_text,
    rs_reading,
)
from sizeup.calendar import parse_date
from sizeup.config import load_settings
from sizeup.data.store import Store
from sizeup.errors import ConfigError, DataError, SizeupError
from sizeup.types import DateLike

__all__ = ["PnfReport", "build_pnf_report", "pnf_command", "register", "render_pnf_report"]

log = logging.getLogger(__name__)

_METHODS = ("hl", "close")


@dataclass(frozen=True)
class PnfReport:
    """Everything the ``pnf`` command shows.

    Parameters
    ----------
    symbol
        The charted symbol.
    chart
        Its P&F chart as of :attr:`asof`.
    source
        Store source the bars came from.
    first, last
        First and last date of the bars read (before the as-of cut).
    rows, rows_used
        Bars read, and bars on or before the as-of date with a usable price.
    asof
        Date of the chart's last bar.
    patterns
        Pattern events (:func:`~sizeup.analytics.pnf.detect_patterns`).
    vertical, horizontal
        Price objectives in force (``None`` without a signal).
    vs, rs, rs_source
        Benchmark symbol, RS reading and the price field used, when asked.
    notes
        Caveats to print (fallbacks, stale data).
    columns
        Columns to draw.
    """

    symbol: str
    chart: PnfChart
    source: str
    first: pd.Timestamp
    last: pd.Timestamp
    rows: int
    rows_used: int
    asof: pd.Timestamp
    patterns: pd.DataFrame
    vertical: PriceObjective | None
    horizontal: PriceObjective | None
    vs: str | None = None
    rs: RsReading | None = None
    rs_source: str | None = None
    notes: tuple[str, ...] = ()
    columns: int = 40


def _symbol_bars(bars: pd.DataFrame, symbol: str) -> pd.DataFrame:
    rows = bars[bars["symbol"] == symbol] if "symbol" in bars else bars
    if rows.empty:
        raise DataError(
            f"no bars for symbol {symbol!r} in the store; fetch or import it first "
            "(see `sizeup store info` for what is there)"
        )
    return rows.assign(date=pd.to_datetime(rows["date"])).sort_values("date").set_index("date")


def build_pnf_report(
    bars: pd.DataFrame,
    *,
    symbol: str,
    box: str = "traditional",
    reversal: int = 3,
    method: str = "hl",
    asof: DateLike | None = None,
    vs: str | None = None,
    rs_closes: pd.DataFrame | None = None,
    columns: int = 40,
) -> PnfReport:
    """Build the report of one symbol from its bars (pure: no store, no printing).

    Parameters
    ----------
    bars
        Tidy ``bars`` rows (symbol, date, open, high, low, close, adj_close, volume, source).
    symbol
        Symbol to chart.
    box, reversal, method
        Chart parameters (``method`` is ``"hl"`` or ``"close"``).
    asof
        Chart as of this date (default: the last bar).
    vs
        Benchmark symbol for the RS reading.
    rs_closes
        Wide frame (dates x ``[symbol, vs]``) of total-return closes for the RS chart.
    columns
        Columns to draw.
    """
    if method not in _METHODS:
        raise ConfigError(f"--method {method!r} is not valid; use 'hl' or 'close'")
    if columns < 1:
        raise ConfigError(f"--columns {columns}: draw at least 1 column")
    frame = _symbol_bars(bars, symbol)
    notes: list[str] = []
    source = ",".join(sorted({str(s) for s in frame.get("source", pd.Series(["?"]))}))
    has_hl = (
        {"high", "low"} <= set(frame.columns)
        and bool(frame["high"].notna().any())
        and bool(frame["low"].notna().any())
    )
    if method == "hl" and not has_hl:
        notes.append(f"source {source} has no high/low for {symbol}: close method used")
        method = "close"
    if method == "hl":
        data: pd.DataFrame | pd.Series = frame[["high", "low", "close"]].dropna(how="all")
    else:
        data = frame["close"].dropna()
    if asof is not None and pd.Timestamp(asof) > frame.index[-1]:
        notes.append(
            f"data end on {frame.index[-1].date()}, before the requested as-of "
            f"{pd.Timestamp(asof).date()}"
        )
    how: PnfMethod = "hl" if method == "hl" else "close"
    chart = pnf_chart(data, box=box, reversal=reversal, method=how, asof=asof)
    if len(chart.dates) == 0:
        raise DataError(f"{symbol}: no bar on or before as-of {asof!r}")
    rs = None
    rs_source = None
    if vs is not None:
        if rs_closes is None or vs not in rs_closes or symbol not in rs_closes:
            raise DataError(f"--vs {vs}: no total-return closes for {symbol} and {vs}")
        rs_chart = relative_strength_chart(
            rs_closes[symbol], rs_closes[vs], box_pct=RS_BOX_DEFAULT, reversal=3, asof=asof
        )
        rs = rs_reading(rs_chart)
        rs_source = str(rs_closes.attrs.get("field", "adj_close"))
    return PnfReport(
        symbol=symbol,
        chart=chart,
        source=source,
        first=frame.index[0],
        last=frame.index[-1],
        rows=len(frame),
        rows_used=len(chart.dates),
        asof=chart.dates[-1],
        patterns=detect_patterns(chart),
        vertical=price_objective(chart, kind="vertical"),
        horizontal=price_objective(chart, kind="horizontal"),
        vs=vs,
        rs=rs,
        rs_source=rs_source,
        notes=tuple(notes),
        columns=columns,
    )


class _Rows:
    """Key/value rows of a borderless table; values are shown literally (no Rich markup)."""

    def __init__(self) -> None:
        self.table = Table(show_header=False, box=None, pad_edge=False)
        self.table.add_column(style="bold")
        self.table.add_column()

    def add_row(self, key: str, value: str) -> None:
        self.table.add_row(key, Text(value))


def _state_table(report: PnfReport) -> Table:
    chart = report.chart
    table = _Rows()
    t = len(chart.dates) - 1
    c = int(chart.bar_column[t])
    if c >= 0:
        kind = "X" if chart.col_direction[c] == 1 else "O"
        lo, hi = chart.level(int(chart.col_low[c])), chart.level(int(chart.col_high[c]))
        since = chart.dates[int(chart.col_first_bar[c])].date()
        table.add_row("column", f"{kind} {lo:g} .. {hi:g} since {since} (column {c + 1})")
    else:
        table.add_row("column", "none yet (price has not moved one box)")
    sig = int(chart.bar_signal[t])
    if sig:
        fired = chart.bar_signal_fired[: t + 1].nonzero()[0]
        when = chart.dates[int(fired[-1])].date() if fired.size else "?"
        name = "buy" if sig > 0 else "sell"
        table.add_row("signal", f"{name} since {when}")
        table.add_row("status", STATUS_NAMES[int(chart.bar_status[t])])
    else:
        table.add_row("signal", "none yet")
    table.add_row(
        "consecutive",
        f"{int(chart.bar_consec_buys[t])} buys / {int(chart.bar_consec_sells[t])} sells",
    )
    trend = int(chart.bar_trend[t])
    if trend:
        line = chart.level(int(chart.bar_trend_line[t]))
        table.add_row(
            "trend", f"{'POS' if trend > 0 else 'NEG'} ({'BSL' if trend > 0 else 'BRL'} {line:g})"
        )
    else:
        table.add_row("trend", "undefined (no signal yet)")
    for label, po in (("vertical count", report.vertical), ("horizontal count", report.horizontal)):
        if po is not None:
            table.add_row(label, po.summary())
    if report.rs is not None:
        table.add_row(f"RS vs {report.vs}", f"{report.rs.summary()} [{report.rs_source}]")
    return table.table


def _patterns_table(report: PnfReport, last: int = 8) -> Table | Text:
    events = report.patterns.tail(last)
    if events.empty:
        return Text("no patterns yet")
    table = Table(title=f"last {len(events)} patterns", title_justify="left")
    for col in ("date", "pattern", "level", "column"):
        table.add_column(col)
    for d, p, lv, c in zip(
        events["date"], events["pattern"], events["level"], events["column"], strict=True
    ):
        style = "green" if str(p) in _BULLISH else "red"
        table.add_row(str(pd.Timestamp(d).date()), Text(str(p), style=style), f"{lv:g}", str(c + 1))
    return table


_BULLISH = {
    "double_top_buy", "triple_top_buy", "quadruple_top_buy", "ascending_triple_top",
    "spread_triple_top", "bullish_catapult", "signal_reversed_to_buy", "bullish_triangle",
    "bullish_shakeout", "low_pole", "bear_trap", "long_tail_down",
}  # fmt: skip


def render_pnf_report(report: PnfReport, console: Console) -> None:
    """Print a :class:`PnfReport` with Rich."""
    chart = report.chart
    head = (
        f"{report.symbol}  P&F {chart.scale.name} boxes, {chart.reversal}-box reversal, "
        f"{'high/low' if chart.method == 'hl' else 'close'} method — as of {report.asof.date()}"
    )
    coverage = (
        f"source {report.source}: {report.rows:,} bars {report.first.date()} .. "
        f"{report.last.date()}; {report.rows_used:,} used"
    )
    text = render_text(chart, columns=report.columns)
    body = Text(text or "(no column yet)", no_wrap=True, overflow="crop")
    console.print(Text(head, style="bold"))
    console.print(Text(coverage, style="dim"))
    console.print(body)
    console.print(_state_table(report))
    console.print(_patterns_table(report))
    for note in report.notes:
        console.print(Text(f"note: {note}", style="yellow"))


def pnf_command(  # noqa: PLR0917 - mirrors the command line
    symbol: str,
    box: str = "traditional",
    reversal: int = 3,
    method: str = "hl",
    vs: str | None = None,
    asof: str | None = None,
    columns: int = 40,
    *,
    store: Store | None = None,
    console: Console | None = None,
) -> PnfReport:
    """Read bars from the store, build the report and print it.

    Parameters
    ----------
    symbol, box, reversal, method, vs, asof, columns
        As the command-line options.
    store
        Store to read (default: the one the settings point at).
    console
        Where to print (default: standard output).
    """
    store = store or Store.open(load_settings().data_dir)
    wanted = [symbol] if vs is None else [symbol, vs]
    bars = store.bars([symbol])
    rs_closes = None
    if vs is not None:
        rs_closes = store.panel(wanted, field="adj_close")
        field = "adj_close"
        if any(s not in rs_closes or rs_closes[s].isna().all() for s in wanted):
            rs_closes = store.panel(wanted, field="close")
            field = "close"
            log.warning("no adjusted closes for %s: RS chart uses closes", wanted)
        rs_closes.attrs["field"] = field
    report = build_pnf_report(
        bars,
        symbol=symbol,
        box=box,
        reversal=reversal,
        method=method,
        asof=parse_date(asof),
        vs=vs,
        rs_closes=rs_closes,
        columns=columns,
    )
    render_pnf_report(report, console or Console())
    return report


def pnf(  # noqa: PLR0917 - Typer maps parameters to options
    symbol: Annotated[str, typer.Argument(help="Symbol to chart, e.g. IWM.")],
    box: Annotated[
        str,
        typer.Option(help="Box: traditional, a fixed size (1), a percentage (1%), atr or atr:N."),
    ] = "traditional",
    reversal: Annotated[int, typer.Option(help="Reversal in boxes.")] = 3,
    method: Annotated[str, typer.Option(help="hl (high/low) or close.")] = "hl",
    vs: Annotated[
        str | None, typer.Option("--vs", help="Benchmark for the RS reading, e.g. RSP.")
    ] = None,
    asof: Annotated[str | None, typer.Option(help="Chart as of this date (YYYY-MM-DD).")] = None,
    columns: Annotated[int, typer.Option(help="Columns to draw (the newest).")] = 40,
) -> None:
    """Point-and-figure chart with signal, status, trend, patterns and price objective."""
    try:
        pnf_command(symbol, box, reversal, method, vs, asof, columns)
    except SizeupError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(code=2) from exc


def register(app: typer.Typer) -> None:
    """Add the ``pnf`` command to a Typer app (``sizeup.cli.app``)."""
    app.command("pnf")(pnf)
