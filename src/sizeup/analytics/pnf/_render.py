"""Text rendering of a point-and-figure chart, and the box-by-box fill log it draws from.

The text chart follows the textbook layout: a price axis on the left, one character per column
(X or O) with the newest column at the right, and month markers in place of the X or O of the
first box filled in a new month: ``1``-``9`` for January-September and ``A``, ``B``, ``C`` for
October-December.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from sizeup.analytics.pnf._patterns import ColumnArrays, PnfChartLike, column_arrays
from sizeup.errors import ConfigError

__all__ = [
    "BoxFills",
    "box_fills",
    "month_marker",
    "month_marks",
    "price_labels",
    "render_columns",
    "render_text",
]

_MONTHS = "123456789ABC"


def month_marker(month: int) -> str:
    """``1``-``9`` for January-September, ``A``/``B``/``C`` for October-December."""
    if not 1 <= month <= 12:
        raise ConfigError(f"month must be 1..12, got {month!r}")
    return _MONTHS[month - 1]


@dataclass(frozen=True)
class BoxFills:
    """Every box of a chart with the bar that filled it, in fill order.

    Parameters
    ----------
    column, box, bar
        Parallel arrays, one entry per filled box.
    first_of_bar
        True for the first box a bar filled (where a month marker goes).
    """

    column: NDArray[np.int64]
    box: NDArray[np.int64]
    bar: NDArray[np.int64]
    first_of_bar: NDArray[np.bool_]

    def __len__(self) -> int:
        return len(self.box)


def box_fills(cols: ColumnArrays) -> BoxFills:
    """List every box of the chart with the bar that filled it.

    A column's opening bar fills from the column's first box (its low for X, its high for O)
    to the bar's extreme; every later bar fills from one box beyond the previous bar's extreme.
    """
    column: list[int] = []
    box: list[int] = []
    bar: list[int] = []
    first: list[bool] = []
    for t in range(cols.n_bars):
        c = int(cols.bar_column[t])
        if c < 0:
            continue
        up = cols.direction[c] > 0
        end = int(cols.bar_box[t])
        if t == int(cols.first_bar[c]):
            begin = int(cols.low[c] if up else cols.high[c])
        else:
            begin = int(cols.bar_box[t - 1]) + (1 if up else -1)
        step = 1 if up else -1
        boxes = range(begin, end + step, step)
        for k, b in enumerate(boxes):
            column.append(c)
            box.append(b)
            bar.append(t)
            first.append(k == 0)
    return BoxFills(
        np.asarray(column, dtype=np.int64),
        np.asarray(box, dtype=np.int64),
        np.asarray(bar, dtype=np.int64),
        np.asarray(first, dtype=np.bool_),
    )


def month_marks(fills: BoxFills, dates: pd.DatetimeIndex) -> dict[tuple[int, int], str]:
    """(column, box) -> month marker for the first box filled in each new month."""
    marks: dict[tuple[int, int], str] = {}
    previous: tuple[int, int] | None = None
    for k in np.flatnonzero(fills.first_of_bar):
        d = dates[int(fills.bar[k])]
        key = (d.year, d.month)
        if key != previous:
            marks[(int(fills.column[k]), int(fills.box[k]))] = month_marker(d.month)
            previous = key
    return marks


def price_labels(values: Sequence[float]) -> list[str]:
    """Format axis prices with the fewest decimals that show every level exactly (else uniquely).

    Levels on round grids (1, 0.5, 0.25, 0.0625 ...) print exactly; irrational levels (percentage
    grids) get the fewest decimals, from 2 up to 6, that keep neighbouring labels distinct.
    """
    vals = [float(v) for v in values]
    for d in range(5):
        if all(abs(v - round(v, d)) <= 1e-9 * max(1.0, abs(v)) for v in vals):
            return [f"{v:.{d}f}" for v in vals]
    for d in range(2, 7):
        out = [f"{v:.{d}f}" for v in vals]
        if len(set(out)) == len(out):
            return out
    return [f"{v:.6g}" for v in vals]


def render_columns(
    cols: ColumnArrays,
    level: Callable[[int], float],
    *,
    dates: pd.DatetimeIndex | None = None,
    columns: int | None = None,
    empty: str = ".",
) -> str:
    """Draw the chart as text.

    Parameters
    ----------
    cols
        Column and per-bar arrays.
    level
        Box index -> price (``scale.level``).
    dates
        Bar dates; when given, month markers replace the first box of each new month.
    columns
        Show only the last ``columns`` columns (default: all).
    empty
        Character for an empty cell.

    Returns
    -------
    str
        One line per box level, highest first: ``<price> | c c c``, cells separated by one
        space, the newest column rightmost. Empty string for a chart without columns.
    """
    if columns is not None and columns < 1:
        raise ConfigError(f"columns={columns}: show at least 1 column")
    if len(empty) != 1:
        raise ConfigError(f"empty cell must be one character, got {empty!r}")
    n = cols.n_columns
    if n == 0:
        return ""
    first = 0 if columns is None else max(0, n - columns)
    shown = range(first, n)
    marks = month_marks(box_fills(cols), dates) if dates is not None else {}
    top = int(cols.high[first:].max())
    bottom = int(cols.low[first:].min())
    rows = list(range(top, bottom - 1, -1))
    labels = price_labels([level(r) for r in rows])
    width = max(len(s) for s in labels)
    lines = []
    for r, label in zip(rows, labels, strict=True):
        cells = []
        for c in shown:
            if cols.low[c] <= r <= cols.high[c]:
                cells.append(marks.get((c, r), "X" if cols.direction[c] > 0 else "O"))
            else:
                cells.append(empty)
        lines.append(f"{label:>{width}} | {' '.join(cells)}".rstrip())
    return "\n".join(lines)


def render_text(
    chart: PnfChartLike,
    *,
    columns: int | None = None,
    months: bool = True,
    empty: str = ".",
) -> str:
    """Draw a chart object (``sizeup.analytics.pnf.PnfChart``) as text.

    See :func:`render_columns`; ``months=False`` draws plain X and O.
    """
    return render_columns(
        column_arrays(chart),
        chart.scale.level,
        dates=chart.dates if months else None,
        columns=columns,
        empty=empty,
    )
