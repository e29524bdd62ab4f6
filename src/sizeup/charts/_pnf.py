"""Plotly figure of a point-and-figure chart.

X and O are drawn as text markers at (column, box) with the box index on a uniform vertical axis
labelled with prices (so a traditional scale's variable boxes stay square); month markers are
highlighted; hovering a box shows its price, the date it was filled and the column. Optional
pattern events are overlaid as triangles.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from sizeup.analytics.pnf import PnfChartLike, box_fills, column_arrays, month_marks, price_labels
from sizeup.errors import ConfigError

__all__ = ["pnf_figure"]

_X_COLOR = "#1a7f37"
_O_COLOR = "#cf222e"
_MONTH_COLOR = "#0550ae"


def pnf_figure(
    chart: PnfChartLike,
    *,
    columns: int | None = None,
    title: str | None = None,
    patterns: pd.DataFrame | None = None,
    max_ticks: int = 25,
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

    Returns
    -------
    plotly.graph_objects.Figure
        Traces ``"X"``, ``"O"``, ``"month"`` (first box of each month) and, with patterns,
        ``"patterns"``. Each box point carries ``customdata = [price, date, column]``.
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
    is_x = cols.direction[col] > 0 if col.size else np.zeros(0, dtype=bool)

    # month markers: first box filled in each new month (found on the whole chart)
    marks = month_marks(fills, dates)
    month_mask = np.array(
        [bool(s) and (int(c), int(b)) in marks for s, c, b in zip(starts, col, box, strict=True)],
        dtype=bool,
    )

    fig = go.Figure()
    hover = "price %{customdata[0]:.6g}<br>filled %{customdata[1]}<br>column %{customdata[2]}"

    def add(mask: Any, name: str, color: str, text: list[str]) -> None:
        fig.add_trace(
            go.Scatter(
                x=col[mask],
                y=box[mask],
                mode="text",
                text=text,
                textfont={"color": color, "size": 13, "family": "monospace"},
                name=name,
                customdata=np.column_stack(
                    [prices[mask], np.asarray(when, dtype=object)[mask], col[mask]]
                )
                if col.size
                else None,
                hovertemplate=hover + f"<extra>{name}</extra>",
            )
        )

    x_mask = is_x & ~month_mask
    o_mask = ~is_x & ~month_mask
    add(x_mask, "X", _X_COLOR, ["X"] * int(x_mask.sum()))
    add(o_mask, "O", _O_COLOR, ["O"] * int(o_mask.sum()))
    add(
        month_mask,
        "month",
        _MONTH_COLOR,
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
                        "color": np.where(bullish, _X_COLOR, _O_COLOR),
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
        xaxis={"title": "column", "zeroline": False, "dtick": 1, "showgrid": False},
        yaxis={
            "title": "price",
            "tickmode": "array",
            "tickvals": ticks,
            "ticktext": labels,
            "zeroline": False,
        },
        margin={"l": 60, "r": 20, "t": 50, "b": 40},
    )
    return fig
