"""Plotly figure builders shared by the report sections.

Each builder takes a frame or series (values as stored: decimal fractions for returns) and
returns a :class:`plotly.graph_objects.Figure`; the as-of date goes into the chart title so an
exported image still says when its data end. Percent is applied at display time only.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio

__all__ = ["bar_chart", "line_chart"]

_TEMPLATE_NAME = "plotly_white"
_COLORS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b")


@functools.lru_cache(maxsize=1)
def _template() -> Any:
    # Resolving the template by name costs ~0.2 s per figure; the resolved object is cheap.
    return pio.templates[_TEMPLATE_NAME]


def _dates(index: pd.Index) -> list[str]:
    # ISO dates, not nanosecond timestamps: a third of the bytes, and the axis stays a date axis
    return [f"{ts:%Y-%m-%d}" for ts in pd.DatetimeIndex(index)]


def _title(title: str, as_of: pd.Timestamp | None) -> str:
    if as_of is None or pd.isna(as_of):
        return title
    return f"{title}<br><sup>as of {pd.Timestamp(as_of):%Y-%m-%d}</sup>"


def line_chart(
    data: pd.Series | pd.DataFrame,
    *,
    title: str,
    y_title: str,
    as_of: pd.Timestamp | None = None,
    log_y: bool = False,
    percent: bool = False,
    zero_line: bool = False,
) -> go.Figure:
    """Line chart of one or more dated columns.

    Parameters
    ----------
    data
        Values indexed by date; each column becomes a trace named after it. NaN breaks the line.
    title, y_title
        Chart and axis titles.
    as_of
        Shown under the title.
    log_y
        Logarithmic y axis (growth of $1, index levels).
    percent
        Values are decimal fractions; show the axis and hover in percent.
    zero_line
        Draw a horizontal line at zero.
    """
    frame = data.to_frame() if isinstance(data, pd.Series) else data
    fig = go.Figure(layout={"template": _template()})
    hover = "%{x|%Y-%m-%d}: %{y:.2%}" if percent else "%{x|%Y-%m-%d}: %{y:,.4g}"
    for i, column in enumerate(frame.columns):
        values = frame[column]
        fig.add_trace(
            go.Scatter(
                x=_dates(values.index),
                y=values.to_numpy(),
                mode="lines",
                name=str(column),
                line={"width": 1.4, "color": _COLORS[i % len(_COLORS)]},
                hovertemplate=hover + f"<extra>{column}</extra>",
            )
        )
    fig.update_layout(
        title=_title(title, as_of),
        yaxis_title=y_title,
        hovermode="x unified",
        legend={"orientation": "h", "y": -0.15},
        margin={"t": 70, "r": 20, "b": 40, "l": 70},
    )
    if log_y:
        fig.update_yaxes(type="log")
    if percent:
        fig.update_yaxes(tickformat=".0%")
    if zero_line:
        fig.add_hline(y=0, line_width=1, line_color="#7b8794")
    return fig


def bar_chart(
    values: pd.Series,
    *,
    title: str,
    y_title: str,
    as_of: pd.Timestamp | None = None,
    percent: bool = False,
    labels: Sequence[str] | None = None,
) -> go.Figure:
    """Bar chart of one value per category.

    Parameters
    ----------
    values
        Values indexed by category label (decimal fractions when ``percent``).
    title, y_title
        Chart and axis titles.
    as_of
        Shown under the title.
    percent
        Show the axis and hover in percent.
    labels
        Optional text drawn on each bar (e.g. ``"t=2.1, n=120"``).
    """
    colors = ["#1f77b4" if v >= 0 else "#d62728" for v in values.fillna(0.0)]
    hover = "%{x}: %{y:.3%}" if percent else "%{x}: %{y:,.4g}"
    fig = go.Figure(
        go.Bar(
            x=[str(i) for i in values.index],
            y=values.to_numpy(),
            marker_color=colors,
            text=list(labels) if labels is not None else None,
            textposition="outside" if labels is not None else None,
            hovertemplate=hover + "<extra></extra>",
        ),
        layout={"template": _template()},
    )
    fig.update_layout(
        title=_title(title, as_of),
        yaxis_title=y_title,
        showlegend=False,
        margin={"t": 70, "r": 20, "b": 40, "l": 70},
    )
    if percent:
        fig.update_yaxes(tickformat=".2%")
    return fig
