"""Report sections on point-and-figure charts (issue 4, docs/methods.md §P1–§P8).

- :func:`pnf_section`: the P&F chart of an index (traditional box table, 3-box reversal,
  high/low method when the bars have highs and lows, close method otherwise) with its current
  state (column, signal, status, 45-degree trend), the latest pattern events
  (:func:`~sizeup.analytics.pnf.detect_patterns`) and the vertical and horizontal
  price objectives (:func:`~sizeup.analytics.pnf.price_objective`, DWA arithmetic).
- :func:`rs_section`: the DWA relative-strength chart of ``100 * A / B`` (6.5 % boxes, 3-box
  reversal, close method; :func:`~sizeup.analytics.pnf.relative_strength_chart`) with its
  reading (signal = long-term, column = near-term relative strength) and the 3.25 % reading.
"""

from __future__ import annotations

import logging
import math
from typing import Final

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sizeup.analytics.pnf import (
    RS_BOX_DEFAULT,
    RS_BOX_HALF,
    STATUS_NAMES,
    PnfChart,
    PriceObjective,
    RsReading,
    detect_patterns,
    pnf_chart,
    price_objective,
    relative_strength_chart,
    rs_reading,
)
from sizeup.charts import line_chart, pnf_figure
from sizeup.errors import DataError
from sizeup.report._render import Coverage, ReportFigure, ReportSection, ReportTable
from sizeup.report.sections._common import IndexBars, daily_coverage

__all__ = [
    "COLUMNS_SHOWN",
    "PATTERN_ROWS",
    "TITLE_PNF",
    "TITLE_RS",
    "chart_state",
    "objectives_frame",
    "pnf_section",
    "rs_section",
]

log = logging.getLogger(__name__)

TITLE_PNF: Final = "Point and figure"
TITLE_RS: Final = "Relative strength (point and figure)"
COLUMNS_SHOWN: Final = 40
"""Columns drawn in the P&F figure (the most recent ones)."""
PATTERN_ROWS: Final = 12
"""Most recent pattern events listed."""

_SURVIVORSHIP: Final = (
    "index levels are as published at each date, so they include the constituents of that "
    "date; they are not rebuilt from today's members."
)


def _day(ts: pd.Timestamp) -> str:
    return f"{pd.Timestamp(ts):%Y-%m-%d}"


def _title(text: str, as_of: pd.Timestamp) -> str:
    return f"{text}<br><sup>as of {_day(as_of)}</sup>"


def _fit_height(fig: go.Figure) -> None:
    """Give a P&F figure about 14 px per box row (460 to 1,000 px), so X and O stay legible."""
    rows = [y for trace in fig.data if trace.y is not None for y in trace.y]
    if rows:
        span = float(max(rows)) - float(min(rows)) + 1.0
        fig.update_layout(height=int(min(1000.0, max(460.0, 14.0 * span + 130.0))))


def chart_state(chart: PnfChart, *, last_close: float) -> pd.DataFrame:
    """Describe the current state of a P&F chart as ``item`` / ``value`` rows of text.

    Parameters
    ----------
    chart
        The chart.
    last_close
        Close of the chart's last bar (shown, and used for nothing else).

    Raises
    ------
    DataError
        The chart has no column yet.
    """
    if chart.n_columns == 0 or len(chart.dates) == 0:
        raise DataError("P&F state: the chart has no column yet (price never moved one box)")
    c = chart.n_columns - 1
    kind = "X (rising)" if chart.col_direction[c] == 1 else "O (falling)"
    lo, hi = chart.level(int(chart.col_low[c])), chart.level(int(chart.col_high[c]))
    since = chart.dates[int(chart.col_first_bar[c])]
    rows = [
        ("as of", _day(chart.dates[-1])),
        ("last close", f"{last_close:,.2f}"),
        (
            "chart",
            f"{chart.scale.name} boxes, {chart.reversal}-box reversal, "
            f"{'high/low' if chart.method == 'hl' else 'close'} method; "
            f"{len(chart.dates):,} bars, {chart.n_columns:,} columns",
        ),
        (
            "current column",
            f"{kind} {lo:,.6g} to {hi:,.6g}, {int(chart.col_boxes[c])} boxes, since {_day(since)}",
        ),
    ]
    fired = np.flatnonzero(chart.bar_signal_fired)
    if fired.size:
        buy = int(chart.bar_signal[-1]) == 1
        consec = int(chart.bar_consec_buys[-1] if buy else chart.bar_consec_sells[-1])
        rows.append(
            (
                "signal in effect",
                f"{'buy' if buy else 'sell'} since {_day(chart.dates[int(fired[-1])])} "
                f"({consec} consecutive {'buy' if buy else 'sell'} signal"
                f"{'s' if consec != 1 else ''})",
            )
        )
        rows.append(("status", STATUS_NAMES[int(chart.bar_status[-1])]))
    else:
        rows.append(("signal in effect", "none yet"))
    trend = int(chart.bar_trend[-1])
    if trend != 0:
        line = "bullish support line" if trend == 1 else "bearish resistance line"
        rows.append(
            (
                "trend",
                f"{'positive' if trend == 1 else 'negative'} ({line} at "
                f"{chart.level(int(chart.bar_trend_line[-1])):,.6g})",
            )
        )
    else:
        rows.append(("trend", "undefined (no signal yet)"))
    return pd.DataFrame(rows, columns=["item", "value"])


def objectives_frame(
    objectives: dict[str, PriceObjective | None], *, last_close: float
) -> pd.DataFrame:
    """Table of price objectives.

    Parameters
    ----------
    objectives
        Count kind (``"vertical"``, ``"horizontal"``) -> objective (``None``: no count).
    last_close
        Close the objectives are compared with.

    Returns
    -------
    pandas.DataFrame
        Columns ``count``, ``side``, ``objective``, ``vs last close`` (``objective / close - 1``),
        ``from`` (anchor price), ``boxes or columns``, ``multiplier``, ``column``, ``state``.
    """
    rows = []
    for kind, po in objectives.items():
        if po is None:
            rows.append(
                {
                    "count": kind,
                    "side": "",
                    "objective": math.nan,
                    "vs last close": math.nan,
                    "from": math.nan,
                    "boxes or columns": None,
                    "multiplier": None,
                    "column": None,
                    "state": "no count (no signal column)",
                }
            )
            continue
        rows.append(
            {
                "count": kind,
                "side": po.side,
                "objective": po.price,
                "vs last close": po.price / last_close - 1.0,
                "from": po.anchor_price,
                "boxes or columns": po.boxes,
                "multiplier": po.multiplier,
                "column": po.column,
                "state": "final" if po.final else "provisional (column not yet reversed)",
            }
        )
    return pd.DataFrame(rows)


def _patterns_frame(patterns: pd.DataFrame, rows: int) -> pd.DataFrame:
    last = patterns.tail(rows).iloc[::-1]
    return pd.DataFrame(
        {
            "date": pd.DatetimeIndex(last["date"]),
            "pattern": [str(p).replace("_", " ") for p in last["pattern"]],
            "reading": np.where(last["direction"].to_numpy() > 0, "bullish", "bearish"),
            "level": last["level"].to_numpy(dtype=np.float64),
            "column": last["column"].to_numpy(),
        }
    )


def pnf_section(
    index: IndexBars,
    *,
    box: str = "traditional",
    reversal: int = 3,
    columns: int = COLUMNS_SHOWN,
    pattern_rows: int = PATTERN_ROWS,
    basis: str = "price index (dividends excluded)",
    units: str = "",
    survivorship: str | None = _SURVIVORSHIP,
    y_title: str = "price",
) -> ReportSection:
    """Build the P&F section of one index, fund or series.

    Parameters
    ----------
    index
        Daily bars; the high/low method is used when they have highs and lows.
    box
        Box specification (:func:`~sizeup.analytics.pnf.parse_box_spec`).
    reversal
        Reversal in boxes.
    columns
        Most recent columns drawn.
    pattern_rows
        Most recent pattern events listed.
    basis
        What the prices are (shown as the section's price basis), e.g. ``"prices as traded
        (split-adjusted, dividends excluded)"`` for a fund or ``"yield in percent"``.
    units
        Extra sentence on the units (e.g. the x10 quote of ``^TNX``).
    survivorship
        Survivorship statement (``None`` for a single fund or a rate).
    y_title
        Vertical axis title of the chart.

    Raises
    ------
    DataError
        Too little data for a column.
    """
    hl = index.has_high_low
    data = index.bars[["high", "low", "close"]].dropna() if hl else index.close
    if len(data) < 2:
        raise DataError(f"P&F {index.symbol}: {len(data)} bars; at least 2 are needed")
    chart = pnf_chart(data, box=box, reversal=reversal, method="hl" if hl else "close")
    last_close = float(index.close.loc[: chart.dates[-1]].iloc[-1])
    state = chart_state(chart, last_close=last_close)
    patterns = detect_patterns(chart)
    objectives = {kind: price_objective(chart, kind=kind) for kind in ("vertical", "horizontal")}
    as_of = pd.Timestamp(chart.dates[-1])
    cov: tuple[Coverage, ...] = (daily_coverage(index),)
    method = "high/low" if hl else "close"
    fig = pnf_figure(
        chart,
        columns=columns,
        patterns=patterns,
        y_title=y_title,
        title=_title(
            f"{index.label}: P&F {chart.scale.name} boxes, {reversal}-box reversal, {method}, "
            f"last {min(columns, chart.n_columns)} of {chart.n_columns} columns",
            as_of,
        ),
    )
    _fit_height(fig)
    tables = [
        ReportTable(
            "Current state of the chart",
            state,
            as_of,
            cov,
            caption="Signal: buy when an X column rises above the top of the previous X column, "
            "sell when an O column falls below the previous O column's bottom "
            "(docs/methods.md §P4); "
            "trend: 45-degree bullish support / bearish resistance line (1.6).",
        ),
        ReportTable(
            "Price objectives",
            objectives_frame(objectives, last_close=last_close),
            as_of,
            cov,
            formats={"objective": "{:,.2f}", "vs last close": "{:+.1%}", "from": "{:,.2f}"},
            caption="DWA arithmetic (docs/methods.md §P7): bullish = bottom + 3 x box sizes of the "
            "counted column (vertical) or of the base's width (horizontal), bearish = top - 2 x "
            "the same, for the side of the signal in effect. Objectives are targets, not "
            "forecasts with a known hit rate.",
        ),
    ]
    if len(patterns):
        tables.append(
            ReportTable(
                f"Latest {min(pattern_rows, len(patterns))} of {len(patterns):,} pattern events",
                _patterns_frame(patterns, pattern_rows),
                as_of,
                cov,
                formats={"level": "{:,.2f}"},
                caption="Newest first; each event dated by the bar that filled the box "
                "completing the pattern (docs/methods.md §P6). Several patterns can fire on one "
                "bar.",
            )
        )
    said = dict(zip(state["item"], state["value"], strict=True))
    notes = [
        f"{index.label} as of {_day(as_of)}: current column {said['current column']}; "
        f"signal in effect: {said['signal in effect']}; trend {said['trend']}.",
        f"Basis: {basis}. The chart reads only bars up to its as-of date; "
        "markers 1-9, A-C in the figure are the first box filled in each month, and the "
        "horizontal axis is labelled with the date each column starts.",
    ]
    if units:
        notes.append(units)
    if not hl:
        notes.append("The bars have no highs and lows here, so the close method is used.")
    return ReportSection(
        f"{TITLE_PNF}: {index.label}",
        figures=(
            ReportFigure(
                f"P&F chart of {index.label}",
                fig,
                as_of,
                cov,
                caption="Green X = rising column, red O = falling column; triangles mark "
                "pattern events (hover for the name); green / red straight lines are the "
                "45-degree bullish support / bearish resistance lines; dashed purple lines the "
                f"price objectives. Vertical axis: box levels of the {chart.scale.name} scale.",
            ),
        ),
        tables=tuple(tables),
        notes=tuple(notes),
        survivorship=survivorship,
        basis=basis,
        key="pnf",
    )


def _reading_row(reading: RsReading, chart: PnfChart) -> dict[str, object]:
    return {
        "box": f"{reading.box_pct * 100:g}%",
        "configuration": reading.configuration or "no signal yet",
        "signal": {1: "buy", -1: "sell"}.get(reading.signal, "none"),
        "signal since": reading.signal_date,
        "column": {1: "X", -1: "O"}.get(reading.column, "none"),
        "column since": reading.column_date,
        "ratio box": reading.ratio,
        "columns": chart.n_columns,
    }


def rs_section(
    small: IndexBars,
    large: IndexBars,
    *,
    box_pct: float = RS_BOX_DEFAULT,
    reversal: int = 3,
    survivorship: str | None = _SURVIVORSHIP,
) -> ReportSection:
    """Build the P&F relative-strength section of ``small`` against ``large``.

    Parameters
    ----------
    small, large
        The compared index and the benchmark (closes used; ``100 * small / large``).
    box_pct
        Percentage box of the charted RS (6.5 %, DWA's default); the 3.25 % reading is added
        to the table.
    reversal
        Reversal in boxes.
    survivorship
        Survivorship statement (``None`` for funds).

    Raises
    ------
    DataError
        The two series share no dates.
    """
    chart = relative_strength_chart(small.close, large.close, box_pct=box_pct, reversal=reversal)
    if chart.n_columns == 0:
        raise DataError(
            f"RS {small.symbol}/{large.symbol}: the ratio never moved one {box_pct:.2%} box"
        )
    as_of = pd.Timestamp(chart.dates[-1])
    cov: tuple[Coverage, ...] = (daily_coverage(small), daily_coverage(large))
    readings = [(rs_reading(chart), chart)]
    half = RS_BOX_HALF if math.isclose(box_pct, RS_BOX_DEFAULT) else None
    if half is not None:
        chart_half = relative_strength_chart(
            small.close, large.close, box_pct=half, reversal=reversal
        )
        if chart_half.n_columns:
            readings.append((rs_reading(chart_half), chart_half))
    table = pd.DataFrame([_reading_row(r, c) for r, c in readings])
    ratio = (
        100.0
        * pd.concat([small.close, large.close], axis=1, join="inner")
        .dropna()
        .pipe(lambda f: f.iloc[:, 0] / f.iloc[:, 1])
    ).rename(f"100 x {small.symbol} / {large.symbol}")
    main = readings[0][0]
    pct = f"{box_pct * 100:g}%"
    figure: go.Figure = pnf_figure(
        chart,
        title=_title(
            f"RS of {small.name} vs {large.name}: P&F of 100 x {small.symbol} / {large.symbol}, "
            f"{pct} boxes, {reversal}-box reversal",
            as_of,
        ),
    )
    return ReportSection(
        f"{TITLE_RS}: {small.name} vs {large.name}",
        figures=(
            ReportFigure(
                f"RS chart {small.symbol} / {large.symbol} ({pct} boxes)",
                figure,
                as_of,
                cov,
                caption=f"Close method on a {pct} logarithmic grid: a 3-box reversal needs a "
                f"relative move of {(1 + box_pct) ** reversal - 1:.1%}.",
            ),
            ReportFigure(
                f"Ratio 100 x {small.symbol} / {large.symbol}",
                line_chart(
                    ratio,
                    title=f"Relative strength line: 100 x {small.name} / {large.name}",
                    y_title="ratio (log scale)",
                    as_of=as_of,
                    log_y=True,
                ),
                as_of,
                cov,
                caption="Rising = the first index outperforming (price levels).",
            ),
        ),
        tables=(
            ReportTable(
                "RS reading",
                table,
                as_of,
                cov,
                formats={"ratio box": "{:,.4g}"},
                caption="Signal (buy/sell on the ratio's P&F chart) = long-term relative "
                "strength; column (X/O) = near-term. Configurations rank buy/X (best), buy/O, "
                "sell/X, sell/O (docs/methods.md §P8). Ratio box = level of the current column's "
                "extreme box.",
            ),
        ),
        notes=(
            f"{main.summary()}.",
            "Computed on price indices (dividends excluded); DWA uses total-return series "
            "where available. The 3.25 % row reads the same ratio on half-size boxes.",
        ),
        survivorship=survivorship,
        basis="ratio of prices as traded (dividends excluded)",
        key="pnf",
    )
