"""Plotly figure of a point-and-figure chart.

X and O are drawn as text glyphs at (column, box) with the box index on a uniform vertical axis
labelled with prices (so a traditional scale's variable boxes stay square). X columns are green
``X`` and O columns red ``O`` (colour and glyph both differ, so the chart reads in greyscale and
for colour-blind readers); the first box filled in each month shows the month digit or letter
(``1``-``9``, ``A``-``C``) in its column's colour, as chart services print them.

The horizontal axis is a date axis: each tick sits on the first column that starts in a new
month and is labelled with the date that column starts (the year is added at the first tick and
wherever it changes), and a dotted line separates the years. Hovering a box shows its price, the
date it was filled and the column with its start date. The 45-degree trend lines (bullish
support, bearish resistance; docs/methods.md §P5), price objectives (§P7) and pattern events
(§P6) are drawn on top.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final, Literal

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from numpy.typing import NDArray

from sizeup.analytics.pnf import (
    NO_LINE,
    PnfChartLike,
    PriceObjective,
    box_fills,
    column_arrays,
    month_marks,
    price_labels,
    price_objective,
)
from sizeup.errors import ConfigError, DataError

__all__ = [
    "TrendSegment",
    "column_start_dates",
    "date_ticks",
    "pnf_figure",
    "trend_segments",
]

X_COLOR: Final = "#1a7f37"
O_COLOR: Final = "#cf222e"
_SUPPORT_COLOR: Final = "#1a7f37"
_RESIST_COLOR: Final = "#cf222e"
_OBJECTIVE_COLOR: Final = "#8250df"
_YEAR_COLOR: Final = "#57606a"

_OFF_CHART: Final = 12.0
"""Objectives more than this many boxes beyond the drawn boxes are noted at the edge."""

SUPPORT_NAME: Final = "bullish support line"
RESISTANCE_NAME: Final = "bearish resistance line"


@dataclass(frozen=True)
class TrendSegment:
    """One 45-degree trend line as drawn: from its anchor column to the last column it held.

    Parameters
    ----------
    kind
        ``"support"`` (bullish support line, +1 box per column) or ``"resistance"`` (bearish
        resistance line, -1 box per column).
    columns
        Column numbers from the anchor column to the last column the line was in force.
    boxes
        Box index of the line at each of ``columns``.
    """

    kind: Literal["support", "resistance"]
    columns: tuple[int, ...]
    boxes: tuple[int, ...]

    @property
    def name(self) -> str:
        """``"bullish support line"`` or ``"bearish resistance line"``."""
        return SUPPORT_NAME if self.kind == "support" else RESISTANCE_NAME


def column_start_dates(chart: PnfChartLike) -> pd.DatetimeIndex:
    """Date of the bar that started each column (one entry per column)."""
    cols = column_arrays(chart)
    return pd.DatetimeIndex(chart.dates[np.asarray(cols.first_bar, dtype=np.int64)])


def _fmt_day(ts: pd.Timestamp) -> str:
    return f"{ts:%b} {ts.day}"


def date_ticks(
    starts: pd.DatetimeIndex, *, first: int = 0, max_ticks: int = 16
) -> tuple[list[int], list[str]]:
    """Ticks of the date axis: the first column of each new month, labelled by its start date.

    Parameters
    ----------
    starts
        Start date of every column (:func:`column_start_dates`).
    first
        First column shown; it always gets a tick.
    max_ticks
        At most about this many ticks. When there are more month starts, every k-th is kept
        together with the columns where the year changes; when the years alone would fill
        more than half of the ticks, only the first column of each year gets one (every k-th
        year if still too many).

    Returns
    -------
    tuple
        ``(tickvals, ticktext)``: column numbers and labels such as ``"Mar 12"``; the first
        label and every label whose year differs from the previous label's carry the year on a
        second line (``"Jan 3<br>2024"``).
    """
    if max_ticks < 1:
        raise ConfigError(f"max_ticks={max_ticks}: at least 1 tick")
    n = len(starts)
    if first >= n:
        return [], []
    candidates = [first]
    years = []
    for c in range(first + 1, n):
        prev, cur = starts[c - 1], starts[c]
        if (cur.year, cur.month) != (prev.year, prev.month):
            candidates.append(c)
        if cur.year != prev.year:
            years.append(c)
    if len(candidates) > max_ticks:
        yearly = [first, *years]
        if len(yearly) > max_ticks // 2:
            # many years: ticks on the first column of each year only (thinned to fit)
            candidates = yearly[:: math.ceil(len(yearly) / max_ticks)]
        else:
            step = math.ceil(len(candidates) / max_ticks)
            candidates = sorted(set(candidates[::step]) | set(years))
    labels = []
    last_year: int | None = None
    for c in candidates:
        ts = starts[c]
        text = _fmt_day(ts)
        if ts.year != last_year:
            text += f"<br>{ts.year}"
            last_year = ts.year
        labels.append(text)
    return candidates, labels


def trend_segments(chart: PnfChartLike, *, first: int = 0) -> list[TrendSegment]:
    """List the trend lines of a chart as drawn, each from its anchor to its last column.

    A line is identified from the per-bar trend state (``bar_trend``, ``bar_trend_line``): a
    bullish support line keeps ``line - column`` constant, a bearish resistance line keeps
    ``line + column`` constant. It is drawn from its anchor column (the O column whose bottom is
    one box above the line, or the X column whose top is one box below it) to the column of the
    last bar it was in force, or of the bar that broke it. Segments ending before column
    ``first`` are dropped and the others clipped to it.

    Parameters
    ----------
    chart
        A chart with ``bar_trend`` and ``bar_trend_line`` (``sizeup.analytics.pnf.PnfChart``);
        without them the result is empty.
    first
        First column shown.
    """
    trend = getattr(chart, "bar_trend", None)
    line = getattr(chart, "bar_trend_line", None)
    if trend is None or line is None:
        return []
    cols = column_arrays(chart)
    bar_col = np.asarray(cols.bar_column, dtype=np.int64)
    trend_a = np.asarray(trend, dtype=np.int64)
    line_a = np.asarray(line, dtype=np.int64)
    groups: list[tuple[int, int, int, int]] = []  # sign, key, first column, last column
    for t in range(len(trend_a)):
        sign, c, lv = int(trend_a[t]), int(bar_col[t]), int(line_a[t])
        if sign == 0 or c < 0 or lv == NO_LINE:
            continue
        key = lv - c if sign > 0 else lv + c
        if groups and groups[-1][0] == sign and groups[-1][1] == key:
            s, k, c0, _ = groups[-1]
            groups[-1] = (s, k, c0, c)
        else:
            if groups:
                # the line was in force until the bar that broke it: draw it to that column
                s, k, c0, c1 = groups[-1]
                groups[-1] = (s, k, c0, max(c1, c))
            groups.append((sign, key, c, c))
    out: list[TrendSegment] = []
    for sign, key, c0, c1 in groups:
        anchor = c0
        for a in range(c0, -1, -1):
            if sign > 0 and cols.direction[a] < 0 and int(cols.low[a]) - 1 == key + a:
                anchor = a
                break
            if sign < 0 and cols.direction[a] > 0 and int(cols.high[a]) + 1 == key - a:
                anchor = a
                break
        start = max(anchor, first)
        if c1 < start:
            continue
        columns = tuple(range(start, c1 + 1))
        boxes = tuple(key + c if sign > 0 else key - c for c in columns)
        out.append(TrendSegment("support" if sign > 0 else "resistance", columns, boxes))
    return out


def _box_position(scale: Any, price: float) -> float | None:
    """Fractional box index of a price (linear between the two boxes around it)."""
    try:
        i = int(np.asarray(scale.index_up([price]))[0])
    except (DataError, AttributeError, TypeError, ValueError):
        return None
    lo, hi = float(scale.level(i)), float(scale.level(i + 1))
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
        return float(i)
    return i + (price - lo) / (hi - lo)


def _auto_objectives(chart: PnfChartLike) -> dict[str, PriceObjective | None]:
    if getattr(chart, "bar_signal", None) is None:
        return {}
    out: dict[str, PriceObjective | None] = {}
    for kind in ("vertical", "horizontal"):
        try:
            out[kind] = price_objective(chart, kind=kind)
        except DataError:
            out[kind] = None
    return out


def pnf_figure(
    chart: PnfChartLike,
    *,
    columns: int | None = None,
    title: str | None = None,
    patterns: pd.DataFrame | None = None,
    max_ticks: int = 25,
    max_date_ticks: int = 16,
    trend_lines: bool = True,
    objectives: Mapping[str, PriceObjective | None] | Literal["auto"] | None = "auto",
    y_title: str = "price",
) -> go.Figure:
    """Build an interactive P&F figure.

    Parameters
    ----------
    chart
        The chart (``sizeup.analytics.pnf.PnfChart``).
    columns
        Show only the last ``columns`` columns (default: all).
    title
        Figure title (default: scale and reversal).
    patterns
        Optional output of :func:`sizeup.analytics.pnf.detect_patterns`; events in the
        shown columns are marked (bullish up-triangles, bearish down-triangles).
    max_ticks
        At most this many price labels on the vertical axis.
    max_date_ticks
        About this many date labels on the horizontal axis (see :func:`date_ticks`).
    trend_lines
        Draw the 45-degree trend lines (:func:`trend_segments`).
    objectives
        Price objectives to draw as dashed horizontal lines (count kind -> objective);
        ``"auto"`` computes the vertical and horizontal objectives of the signal in effect
        when the chart has signals; ``None`` draws none.
    y_title
        Title of the vertical axis (``"price"``; e.g. ``"yield, %"`` for a rate).

    Returns
    -------
    plotly.graph_objects.Figure
        Traces ``"X"``, ``"O"``, ``"month"`` (first box of each month, in its column's colour)
        and, with patterns, ``"patterns"``. Each box point carries
        ``customdata = [price, date, column, column start date]``. Trend lines, year separators
        and objectives are layout shapes named ``"bullish support line"`` / ``"bearish
        resistance line"``, ``"year YYYY"`` and ``"<kind> objective"``; an objective more than
        12 boxes beyond the drawn boxes is only an annotation at the chart's edge. The x axis
        ticks are from :func:`date_ticks`.
    """
    if columns is not None and columns < 1:
        raise ConfigError(f"columns={columns}: show at least 1 column")
    cols = column_arrays(chart)
    fills = box_fills(cols)
    first = 0 if columns is None else max(0, cols.n_columns - columns)
    keep = fills.column >= first
    col, box, bar = fills.column[keep], fills.box[keep], fills.bar[keep]
    starts = fills.first_of_bar[keep]
    dates = chart.dates
    level = chart.scale.level
    prices = np.array([float(level(int(b))) for b in box], dtype=np.float64)
    when = [dates[int(t)].strftime("%Y-%m-%d") for t in bar]
    col_start = column_start_dates(chart) if cols.n_columns else pd.DatetimeIndex([])
    began = [col_start[int(c)].strftime("%Y-%m-%d") for c in col]
    is_x = cols.direction[col] > 0 if col.size else np.zeros(0, dtype=bool)

    # month markers: first box filled in each new month (found on the whole chart)
    marks = month_marks(fills, dates)
    month_mask = np.array(
        [bool(s) and (int(c), int(b)) in marks for s, c, b in zip(starts, col, box, strict=True)],
        dtype=bool,
    )

    fig = go.Figure()
    hover = (
        "price %{customdata[0]:.6g}<br>filled %{customdata[1]}<br>"
        "column %{customdata[2]} (from %{customdata[3]})"
    )

    def add(mask: NDArray[np.bool_], name: str, color: Any, text: list[str]) -> None:
        fig.add_trace(
            go.Scatter(
                x=col[mask],
                y=box[mask],
                mode="text",
                text=text,
                textfont={"color": color, "size": 13, "family": "monospace", "weight": "bold"},
                name=name,
                customdata=np.column_stack(
                    [
                        prices[mask],
                        np.asarray(when, dtype=object)[mask],
                        col[mask],
                        np.asarray(began, dtype=object)[mask],
                    ]
                )
                if col.size
                else None,
                hovertemplate=hover + f"<extra>{name}</extra>",
            )
        )

    x_mask = is_x & ~month_mask
    o_mask = ~is_x & ~month_mask
    add(x_mask, "X", X_COLOR, ["X"] * int(x_mask.sum()))
    add(o_mask, "O", O_COLOR, ["O"] * int(o_mask.sum()))
    add(
        month_mask,
        "month",
        [X_COLOR if x else O_COLOR for x in is_x[month_mask]],
        [marks[(int(c), int(b))] for c, b in zip(col[month_mask], box[month_mask], strict=True)],
    )

    if patterns is not None and not patterns.empty:
        ev = patterns[patterns["column"] >= first]
        if not ev.empty:
            bullish = ev["direction"].to_numpy() > 0
            fig.add_trace(
                go.Scatter(
                    x=ev["column"].to_numpy(),
                    y=ev["box"].to_numpy() + np.where(bullish, 0.6, -0.6),
                    mode="markers",
                    marker={
                        "symbol": np.where(bullish, "triangle-up", "triangle-down"),
                        "color": np.where(bullish, X_COLOR, O_COLOR),
                        "size": 9,
                        "opacity": 0.7,
                    },
                    name="patterns",
                    text=[
                        f"{p} at {lv:.6g} on {pd.Timestamp(d).date()}"
                        for p, lv, d in zip(ev["pattern"], ev["level"], ev["date"], strict=True)
                    ],
                    hovertemplate="%{text}<extra>pattern</extra>",
                )
            )

    last_col = cols.n_columns - 1
    if trend_lines and cols.n_columns:
        for seg in trend_segments(chart, first=first):
            color = _SUPPORT_COLOR if seg.kind == "support" else _RESIST_COLOR
            fig.add_shape(
                type="line",
                name=seg.name,
                x0=seg.columns[0],
                y0=seg.boxes[0],
                x1=seg.columns[-1],
                y1=seg.boxes[-1],
                line={"color": color, "width": 1.5},
                opacity=0.8,
                layer="below",
            )

    wanted = _auto_objectives(chart) if objectives == "auto" else dict(objectives or {})
    top = float(box.max()) if box.size else 0.0
    bottom = float(box.min()) if box.size else 0.0
    for kind, po in wanted.items():
        if po is None or not cols.n_columns:
            continue
        y = _box_position(chart.scale, float(po.price))
        if y is None:
            continue
        state = "" if po.final else ", provisional"
        if box.size and not bottom - _OFF_CHART <= y <= top + _OFF_CHART:
            # far off the drawn boxes: say so at the edge instead of squashing the chart
            above = y > top
            fig.add_annotation(
                x=last_col + 0.5,
                y=top + 1 if above else bottom - 1,
                text=f"{'above' if above else 'below'} the chart: {kind} {po.side} objective "
                f"{po.price:,.6g}{state}",
                showarrow=False,
                xanchor="right",
                font={"color": _OBJECTIVE_COLOR, "size": 10},
                name=f"{kind} objective",
            )
            continue
        x0 = max(first, po.column if po.column is not None else last_col) - 0.5
        fig.add_shape(
            type="line",
            name=f"{kind} objective",
            x0=x0,
            x1=last_col + 0.5,
            y0=y,
            y1=y,
            line={"color": _OBJECTIVE_COLOR, "width": 1.2, "dash": "dash"},
        )
        fig.add_annotation(
            x=last_col + 0.5,
            y=y,
            text=f"{kind} {po.side} objective {po.price:,.6g}{state}",
            showarrow=False,
            xanchor="right",
            yanchor="bottom",
            font={"color": _OBJECTIVE_COLOR, "size": 10},
        )

    if cols.n_columns:
        for c in range(first + 1, cols.n_columns):
            if col_start[c].year != col_start[c - 1].year:
                fig.add_shape(
                    type="line",
                    name=f"year {col_start[c].year}",
                    x0=c - 0.5,
                    x1=c - 0.5,
                    y0=0,
                    y1=1,
                    yref="paper",
                    line={"color": _YEAR_COLOR, "width": 1, "dash": "dot"},
                    layer="below",
                )
        xticks, xlabels = date_ticks(col_start, first=first, max_ticks=max_date_ticks)
    else:
        xticks, xlabels = [], []

    if box.size:
        lo, hi = int(box.min()), int(box.max())
        step = max(1, int(np.ceil((hi - lo + 1) / max_ticks)))
        ticks = list(range(lo, hi + 1, step))
        labels = price_labels([float(level(t)) for t in ticks])
    else:
        ticks, labels = [], []
    name = getattr(chart.scale, "name", str(chart.scale))
    fig.update_layout(
        title=title or f"P&F {name} boxes, {chart.reversal}-box reversal",
        template="plotly_white",
        showlegend=False,
        xaxis={
            "title": "column start date",
            "zeroline": False,
            "showgrid": False,
            "tickmode": "array",
            "tickvals": xticks,
            "ticktext": xlabels,
        },
        yaxis={
            "title": y_title,
            "tickmode": "array",
            "tickvals": ticks,
            "ticktext": labels,
            "zeroline": False,
        },
        margin={"l": 60, "r": 20, "t": 60, "b": 60},
    )
    return fig
