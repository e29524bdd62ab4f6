"""Point-and-figure relative strength: readings of one RS chart and the pairwise RS matrix.

docs/methods.md §P8. An RS chart is the close-method P&F chart of ``100 * A / B`` on a percentage
grid (6.5 % boxes, 3-box reversal by default), built by
:func:`sizeup.analytics.pnf.relative_strength_chart`. Its *signal* (double-top buy / double-bottom
sell on the ratio) is the long-term reading, its *column* (X = outperforming lately) the
near-term one. The four configurations rank best to worst: buy/X, buy/O, sell/X, sell/O.

The RS matrix (DWA "DALI"/technical-leaders idea) charts every ordered pair of a universe and
scores each member: one point per opponent it is on an RS buy signal against, plus half a
point when that chart is also in a column of X's.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from sizeup.analytics.pnf._chart import PnfChart, pnf_charts
from sizeup.analytics.pnf._scale import RS_BOX_DEFAULT, PercentScale
from sizeup.errors import DataError
from sizeup.types import DateLike

__all__ = [
    "CONFIGURATION_RANK",
    "RsConfiguration",
    "RsMatrix",
    "RsReading",
    "rs_column",
    "rs_configuration",
    "rs_matrix",
    "rs_reading",
    "rs_signal",
]

log = logging.getLogger(__name__)

RsConfiguration = Literal["buy/X", "buy/O", "sell/X", "sell/O"]

CONFIGURATION_RANK: dict[str, int] = {"buy/X": 1, "buy/O": 2, "sell/X": 3, "sell/O": 4}
"""Best (1) to worst (4), docs/methods.md §P8 (John Lewis / DWA)."""


def _bar_at(chart: PnfChart, asof: DateLike | None) -> int | None:
    """Position of the last bar on or before ``asof`` (default: last bar); None if none."""
    n = len(chart.dates)
    if n == 0:
        return None
    if asof is None:
        return n - 1
    pos = int(chart.dates.searchsorted(pd.Timestamp(asof), side="right")) - 1
    return pos if pos >= 0 else None


def rs_signal(chart: PnfChart, *, asof: DateLike | None = None) -> int:
    """RS signal in effect: +1 buy, -1 sell, 0 none yet (or no bar by ``asof``)."""
    t = _bar_at(chart, asof)
    return 0 if t is None else int(chart.bar_signal[t])


def rs_column(chart: PnfChart, *, asof: DateLike | None = None) -> int:
    """Return the current RS column: +1 X, -1 O, 0 no column yet."""
    t = _bar_at(chart, asof)
    return 0 if t is None else int(chart.bar_direction[t])


_CONFIGS: dict[tuple[bool, bool], RsConfiguration] = {
    (True, True): "buy/X",
    (True, False): "buy/O",
    (False, True): "sell/X",
    (False, False): "sell/O",
}


def _configuration(signal: int, column: int) -> RsConfiguration | None:
    if signal == 0 or column == 0:
        return None
    return _CONFIGS[(signal > 0, column > 0)]


def rs_configuration(chart: PnfChart, *, asof: DateLike | None = None) -> RsConfiguration | None:
    """``"buy/X"``, ``"buy/O"``, ``"sell/X"``, ``"sell/O"`` or ``None`` before the first signal."""
    return _configuration(rs_signal(chart, asof=asof), rs_column(chart, asof=asof))


@dataclass(frozen=True)
class RsReading:
    """The state of one RS chart on a date.

    Parameters
    ----------
    asof
        Date of the bar read.
    signal
        +1 buy, -1 sell, 0 none yet.
    column
        +1 X, -1 O, 0 none yet.
    configuration
        ``"buy/X"`` ... ``"sell/O"``, or ``None``.
    signal_date
        Date the signal in effect fired (``None`` without one).
    column_date
        Date the current column started (a reversal into X here reads "regained near-term
        relative strength").
    ratio
        ``100 * A / B`` on the as-of bar.
    box_pct, reversal
        Chart parameters.
    """

    asof: pd.Timestamp
    signal: int
    column: int
    configuration: RsConfiguration | None
    signal_date: pd.Timestamp | None
    column_date: pd.Timestamp | None
    ratio: float
    box_pct: float
    reversal: int

    def summary(self) -> str:
        """One line, e.g. ``RS buy/X (buy since 2024-03-01, X since 2024-05-02) as of ...``."""
        state = "no RS signal yet" if self.configuration is None else f"RS {self.configuration}"
        parts = []
        if self.signal_date is not None:
            parts.append(f"{'buy' if self.signal > 0 else 'sell'} since {self.signal_date.date()}")
        if self.column_date is not None:
            parts.append(f"{'X' if self.column > 0 else 'O'} since {self.column_date.date()}")
        extra = f" ({', '.join(parts)})" if parts else ""
        return (
            f"{state}{extra} as of {self.asof.date()}; ratio {self.ratio:.4g}, "
            f"{self.box_pct * 100:g}% boxes, {self.reversal}-box reversal"
        )


def rs_reading(chart: PnfChart, *, asof: DateLike | None = None) -> RsReading:
    """Read an RS chart (from :func:`relative_strength_chart`) on a date.

    Raises
    ------
    DataError
        When the chart has no bar on or before ``asof``.
    """
    t = _bar_at(chart, asof)
    if t is None:
        raise DataError(f"RS chart has no bar on or before {asof!r}")
    signal = int(chart.bar_signal[t])
    column = int(chart.bar_direction[t])
    fired = np.flatnonzero(chart.bar_signal_fired[: t + 1])
    c = int(chart.bar_column[t])
    col_date = chart.dates[int(chart.col_first_bar[c])] if c >= 0 else None
    scale = chart.scale
    pct = scale.pct if isinstance(scale, PercentScale) else float("nan")
    level = float(scale.level(int(chart.bar_box[t]))) if c >= 0 else float("nan")
    return RsReading(
        asof=chart.dates[t],
        signal=signal,
        column=column,
        configuration=_configuration(signal, column),
        signal_date=chart.dates[int(fired[-1])] if fired.size else None,
        column_date=col_date,
        ratio=level,
        box_pct=pct,
        reversal=int(chart.reversal),
    )


@dataclass(frozen=True)
class RsMatrix:
    """Pairwise RS charts of a universe on one date.

    Parameters
    ----------
    asof
        Date of the readings (last date on or before the requested one).
    signal
        Symbols x symbols: entry (i, j) is the signal of the chart of ``100 * i / j`` (+1 buy,
        -1 sell, 0 none yet); the diagonal is 0.
    column
        Same shape: +1 X, -1 O, 0 none.
    ranking
        One row per symbol, best first: ``symbol``, ``score``, ``buys`` (opponents it is on an
        RS buy against), ``buys_in_x`` (of those, in X), ``defined`` (charts with a signal),
        ``rank`` (1 = best; ties share the best rank).
    box_pct, reversal
        Chart parameters.
    """

    asof: pd.Timestamp
    signal: pd.DataFrame
    column: pd.DataFrame
    ranking: pd.DataFrame
    box_pct: float
    reversal: int

    @property
    def scores(self) -> pd.Series:
        """Score per symbol (index: symbol), in ranking order."""
        return self.ranking.set_index("symbol")["score"]

    def summary(self) -> str:
        """Header line plus the top of the ranking."""
        n = len(self.signal)
        head = (
            f"RS matrix of {n} symbols as of {self.asof.date()} ({self.box_pct * 100:g}% boxes, "
            f"{self.reversal}-box reversal); max score {1.5 * (n - 1):g}"
        )
        top = self.ranking.head(10)
        rows = [
            f"{rank:>3}  {symbol:<10} {score:g}"
            for rank, symbol, score in zip(
                top["rank"].tolist(), top["symbol"].tolist(), top["score"].tolist(), strict=True
            )
        ]
        return "\n".join([head, *rows])

    def __repr__(self) -> str:
        return self.summary()


def rs_matrix(
    closes: pd.DataFrame,
    *,
    asof: DateLike | None = None,
    box_pct: float = RS_BOX_DEFAULT,
    reversal: int = 3,
    start: DateLike | None = None,
    threads: int | None = None,
    max_cells: int = 20_000_000,
) -> RsMatrix:
    """Score a universe by its pairwise P&F relative-strength charts.

    Parameters
    ----------
    closes
        Dates x symbols total-return closes (NaN where a symbol has no price).
    asof
        Read the charts on this date (data after it are ignored); default: the last date.
    box_pct
        RS box as a decimal (0.065 DWA default; 0.0325 the finer chart).
    reversal
        Reversal in boxes.
    start
        First date charted.
    threads
        Threads for the chart kernel.
    max_cells
        Pairs are charted in chunks of about ``max_cells / len(closes)`` charts (memory bound).

    Returns
    -------
    RsMatrix

    Notes
    -----
    ``score_i = sum_j 1[RS(i/j) on buy] + 0.5 * 1[RS(i/j) on buy and in X]`` over the other
    members ``j`` (maximum ``1.5 * (n - 1)``), docs/methods.md §P8. Each ordered pair gets its own
    chart: with the ``100 *`` factor, ``j/i`` is not exactly the mirror of ``i/j``. A pair's
    chart uses the dates on which both prices exist (dates where either is missing are bars
    without data). DWA's tie rules are not published **[GAP]**: tied scores share the best
    rank and are listed by symbol.
    """
    if closes.shape[1] < 2:
        raise DataError(f"rs_matrix needs at least 2 symbols, got {closes.shape[1]}")
    if closes.columns.has_duplicates:
        dup = closes.columns[closes.columns.duplicated()].tolist()
        raise DataError(f"rs_matrix: duplicate symbols {dup}")
    values = closes.apply(pd.to_numeric, errors="coerce").to_numpy(dtype=np.float64)
    if np.any(values <= 0):
        raise DataError("rs_matrix: closes must be > 0 (NaN marks a missing price)")
    symbols = [str(s) for s in closes.columns]
    n = len(symbols)
    ii, jj = np.nonzero(~np.eye(n, dtype=bool))
    sig = np.zeros((n, n), dtype=np.int8)
    col = np.zeros((n, n), dtype=np.int8)
    # charts are built a chunk of pairs at a time so memory stays ~ max_cells per array
    chunk = max(1, max_cells // max(1, values.shape[0]))
    read_on: pd.Timestamp | None = None
    for lo in range(0, ii.size, chunk):
        a, b = ii[lo : lo + chunk], jj[lo : lo + chunk]
        frame = pd.DataFrame(100.0 * values[:, a] / values[:, b], index=closes.index)
        panel = pnf_charts(
            frame,
            box=PercentScale(box_pct),
            reversal=reversal,
            method="close",
            start=start,
            asof=asof,
            threads=threads,
        )
        if len(panel.dates) == 0:
            raise DataError(f"rs_matrix: no date on or before asof={asof!r} to read")
        read_on = panel.dates[-1]
        sig[a, b] = panel.signal[-1]
        col[a, b] = panel.direction[-1]
    if read_on is None:  # pragma: no cover - n >= 2 gives at least one pair
        raise DataError("rs_matrix: no pair to chart")
    buys = (sig == 1).sum(axis=1)
    buys_x = ((sig == 1) & (col == 1)).sum(axis=1)
    ranking = pd.DataFrame(
        {
            "symbol": symbols,
            "score": buys + 0.5 * buys_x,
            "buys": buys,
            "buys_in_x": buys_x,
            "defined": (sig != 0).sum(axis=1),
        }
    )
    ranking["rank"] = ranking["score"].rank(method="min", ascending=False).astype(np.int64)
    ranking = ranking.sort_values(["rank", "symbol"], kind="mergesort").reset_index(drop=True)
    undefined = int((sig[ii, jj] == 0).sum())
    if undefined:
        log.info("rs_matrix: %d of %d pair charts have no signal yet", undefined, ii.size)
    labels = pd.Index(symbols, name=None)
    return RsMatrix(
        asof=read_on,
        signal=pd.DataFrame(sig, index=labels, columns=labels),
        column=pd.DataFrame(col, index=labels, columns=labels),
        ranking=ranking,
        box_pct=box_pct,
        reversal=reversal,
    )
