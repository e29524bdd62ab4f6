"""Point-and-figure charts: columns, per-bar event log, signals and the DWA trend state.

Front doors:

- :func:`pnf_chart` -- one chart from a bar frame (high/low/close) or a close series.
- :func:`pnf_charts` -- many charts at once from wide (dates x symbols) frames, on threads.
- :func:`relative_strength_chart` -- the DWA relative-strength chart of ``100 * A / B``.

Rules (docs/methods.md §P3, §1.4, §1.6):

- Columns: high/low method (continuation has priority over reversal inside a bar; the low is
  ignored when an X column extends) or close method (high = low = close). Reversal in boxes.
- Initialisation **[PROP]**: the first close sets a starting box (``up(C0)`` for a rise,
  ``dn(C0)`` for a fall); the first later bar that fills a box beyond it starts column 0 *from the
  box next to the start* (closes 1, 6 on a $1 grid give an X column 2..6). Column 0 is kept but is
  flagged (:attr:`PnfChart.col_initial`) and never anchors a trend line. Its extreme (top of an X,
  bottom of an O) is a real price fill, so it does count as the "previous column" of a signal.
- Signals: buy when the current X column's top exceeds the top of the X column two columns back,
  on the bar the breakout box fills (once per column); sell mirror. ``consec_buys`` = buy signals
  since the most recent sell (``consec_sells`` mirror). Status: buy & X = bull confirmed, buy & O =
  bull correction, sell & O = bear confirmed, sell & X = bear correction.
- Trend: 45° lines in index space, one box per column. ``BSL(c) = b - 1 + (c - a)`` from the
  lowest O column ``a`` (bottom ``b``); ``BRL(c) = t + 1 - (c - a)`` from the highest X column.
  Undefined until the first signal (buy: POS with a BSL from the lowest O column so far; sell: NEG
  with a BRL from the highest X column so far). POS turns NEG on the bar an O fills at or below
  the BSL; the new BRL starts from the highest X column between the old anchor and the break.
  NEG turns POS on the bar an X fills at or above the BRL; the new BSL starts from the lowest O
  column between the old anchor and the break. Ties pick the most recent column; column 0 is
  never an anchor. :data:`NO_LINE` marks bars without an active line.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any, ClassVar, Final, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from sizeup.analytics.pnf._codes import NO_BOX, NO_LINE, price_range
from sizeup.analytics.pnf._reference import reference_series
from sizeup.analytics.pnf._scale import (
    REL_EPS,
    RS_BOX_DEFAULT,
    AtrSpec,
    BoxScale,
    FixedScale,
    Grid,
    PercentScale,
    atr_box,
    grid_bounds,
    kernel_grid,
    parse_box_spec,
)
from sizeup.analytics.pnf._series import SeriesResult, build_series
from sizeup.errors import ConfigError, DataError
from sizeup.types import DateLike

if TYPE_CHECKING:
    from sizeup.analytics.pnf._panel import PackedPanel

__all__ = [
    "ACTION_NAMES",
    "NO_BOX",
    "NO_LINE",
    "STATUS_NAMES",
    "PnfChart",
    "PnfEngine",
    "PnfMethod",
    "PnfPanel",
    "pnf_chart",
    "pnf_charts",
    "relative_strength_chart",
]

logger = logging.getLogger(__name__)

PnfMethod = Literal["hl", "close"]
PnfEngine = Literal["numba", "python"]

ACTION_NAMES: Final = ("none", "x", "o", "reverse o->x", "reverse x->o")
"""Names of the ``bar_action`` codes 0..4."""
STATUS_NAMES: Final = ("", "bull confirmed", "bull correction", "bear confirmed", "bear correction")
"""Names of the :attr:`PnfChart.bar_status` codes 0..4 (0 = no signal yet)."""

IntArr = npt.NDArray[np.int32]
I8Arr = npt.NDArray[np.int8]


def _nullable(values: npt.NDArray[np.int32], present: npt.NDArray[np.bool_]) -> Any:
    """Int64 extension array with <NA> where ``present`` is False."""
    return pd.arrays.IntegerArray(values.astype(np.int64), ~present)


def _status(signal: npt.NDArray[np.int8], direction: npt.NDArray[np.int8]) -> npt.NDArray[np.int8]:
    """Status code per bar: 1 bull confirmed, 2 bull correction, 3 bear confirmed, 4 bear corr."""
    out = np.zeros(signal.shape, dtype=np.int8)
    out[(signal == 1) & (direction == 1)] = 1
    out[(signal == 1) & (direction == -1)] = 2
    out[(signal == -1) & (direction == -1)] = 3
    out[(signal == -1) & (direction == 1)] = 4
    return out


@dataclass(frozen=True, eq=False)
class PnfChart:
    """A point-and-figure chart with its per-bar event log.

    Per-bar arrays have one entry per bar of :attr:`dates`; per-column arrays one per column.
    Box indices refer to :attr:`scale` (``scale.level(i)`` is the price of box ``i``).

    Attributes
    ----------
    dates
        One per input bar (within ``start`` .. ``asof``).
    scale
        The box scale.
    reversal
        Reversal in boxes.
    method
        ``"hl"`` (high/low) or ``"close"``.
    bar_column
        Column id, -1 before the first column.
    bar_direction
        +1 X, -1 O, 0 before the first column.
    bar_box
        The current column's extreme box (top of X, bottom of O); :data:`NO_BOX` before.
    bar_action
        0 none, 1 x (start/extend X), 2 o (start/extend O), 3 reverse o->x, 4 reverse x->o.
    bar_boxes_added
        Boxes added on the bar.
    bar_signal
        Last signal in effect: +1 buy, -1 sell, 0 none yet.
    bar_signal_fired
        +1 / -1 on the bar a buy / sell signal fires, else 0.
    bar_consec_buys, bar_consec_sells
        Buy signals since the most recent sell signal, and the mirror.
    bar_trend
        +1 POS, -1 NEG, 0 undefined (before the first signal).
    bar_trend_line
        Box index of the active BSL (POS) or BRL (NEG) at the bar's column; :data:`NO_LINE`
        when undefined.
    col_direction, col_low, col_high
        Per column: +1/-1 and the lowest / highest box (inclusive).
    col_first_bar, col_last_bar
        Per column: bar position that started it and the last bar that added a box to it.
    start_bar
        First bar the chart reads (earlier bars only fed an ATR box, or are the warm-up).
    """

    dates: pd.DatetimeIndex
    scale: BoxScale
    reversal: int
    method: PnfMethod
    bar_column: IntArr
    bar_direction: I8Arr
    bar_box: IntArr
    bar_action: I8Arr
    bar_boxes_added: IntArr
    bar_signal: I8Arr
    bar_signal_fired: I8Arr
    bar_consec_buys: IntArr
    bar_consec_sells: IntArr
    bar_trend: I8Arr
    bar_trend_line: IntArr
    col_direction: I8Arr
    col_low: IntArr
    col_high: IntArr
    col_first_bar: IntArr
    col_last_bar: IntArr
    start_bar: int = 0

    # ---------------------------------------------------------------- derived views
    def levels(self, idx: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Price levels of box indices (vectorised ``scale.level``)."""
        return self.scale.levels(idx)

    def level(self, i: int) -> float:
        """Price level of box ``i``."""
        return self.scale.level(i)

    @property
    def n_columns(self) -> int:
        """Number of columns."""
        return int(self.col_direction.shape[0])

    @property
    def col_initial(self) -> npt.NDArray[np.bool_]:
        """True for column 0, the initialisation column (not a pattern/trend anchor)."""
        out = np.zeros(self.n_columns, dtype=np.bool_)
        if out.size:
            out[0] = True
        return out

    @property
    def col_boxes(self) -> IntArr:
        """Boxes per column."""
        return (self.col_high - self.col_low + 1).astype(np.int32)

    @property
    def bar_status(self) -> I8Arr:
        """Status code per bar, see :data:`STATUS_NAMES`."""
        return _status(self.bar_signal, self.bar_direction)

    def columns_frame(self) -> pd.DataFrame:
        """One row per column with box indices, price levels and dates."""
        n = self.n_columns
        first = self.col_first_bar.astype(np.int64)
        last = self.col_last_bar.astype(np.int64)
        return pd.DataFrame(
            {
                "direction": np.where(self.col_direction == 1, "X", "O")
                if n
                else np.array([], dtype=object),
                "low_box": self.col_low,
                "high_box": self.col_high,
                "boxes": self.col_boxes,
                "low": self.levels(self.col_low),
                "high": self.levels(self.col_high),
                "first_bar": self.col_first_bar,
                "last_bar": self.col_last_bar,
                "first_date": self.dates[first] if n else pd.DatetimeIndex([]),
                "last_date": self.dates[last] if n else pd.DatetimeIndex([]),
                "initial": self.col_initial,
            },
            index=pd.RangeIndex(n, name="column"),
        )

    def _prior_levels(self) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.float64]]:
        """Per bar: top of the latest earlier X column and bottom of the latest earlier O column."""
        col = self.bar_column.astype(np.int64)
        d = self.bar_direction
        px = np.where(d == 1, col - 2, col - 1)
        po = np.where(d == -1, col - 2, col - 1)
        top = np.full(col.shape, np.nan)
        bot = np.full(col.shape, np.nan)
        okx = (col >= 0) & (px >= 0)
        oko = (col >= 0) & (po >= 0)
        if okx.any():
            top[okx] = self.levels(self.col_high[px[okx]])
        if oko.any():
            bot[oko] = self.levels(self.col_low[po[oko]])
        return top, bot

    def events(self) -> pd.DataFrame:
        """Per-bar event log with readable names, indexed by date."""
        has_col = self.bar_direction != 0
        box_level = np.full(self.bar_box.shape, np.nan)
        if has_col.any():
            box_level[has_col] = self.levels(self.bar_box[has_col])
        has_line = self.bar_trend_line != NO_LINE
        line_level = np.full(self.bar_trend_line.shape, np.nan)
        if has_line.any():
            line_level[has_line] = self.levels(self.bar_trend_line[has_line])
        prior_x, prior_o = self._prior_levels()
        dir_names = np.array(["O", "", "X"], dtype=object)
        sig_names = np.array(["sell", "", "buy"], dtype=object)
        trend_names = np.array(["NEG", "", "POS"], dtype=object)
        return pd.DataFrame(
            {
                "column": self.bar_column,
                "direction": dir_names[self.bar_direction + 1],
                "action": np.array(ACTION_NAMES, dtype=object)[self.bar_action],
                "boxes_added": self.bar_boxes_added,
                "box": _nullable(self.bar_box, has_col),
                "level": box_level,
                "signal": sig_names[self.bar_signal + 1],
                "signal_fired": sig_names[self.bar_signal_fired + 1],
                "status": np.array(STATUS_NAMES, dtype=object)[self.bar_status],
                "consec_buys": self.bar_consec_buys,
                "consec_sells": self.bar_consec_sells,
                "trend": trend_names[self.bar_trend + 1],
                "trend_line": _nullable(self.bar_trend_line, has_line),
                "trend_line_level": line_level,
                "prior_x_top": prior_x,
                "prior_o_bottom": prior_o,
            },
            index=self.dates,
        )

    def summary(self) -> str:
        """Describe the chart and its current state in a few lines."""
        head = (
            f"P&F chart: {self.scale.name} boxes, {self.reversal}-box reversal, "
            f"{'high/low' if self.method == 'hl' else 'close'} method; "
            f"{len(self.dates)} bars"
        )
        if len(self.dates):
            head += f" {self.dates[0].date()} .. {self.dates[-1].date()}"
        lines = [head + f", {self.n_columns} columns"]
        if self.n_columns == 0:
            lines.append("no column yet (price has not moved one box from the first close)")
            return "\n".join(lines)
        c = self.n_columns - 1
        kind = "X" if self.col_direction[c] == 1 else "O"
        lo, hi = self.level(int(self.col_low[c])), self.level(int(self.col_high[c]))
        since = self.dates[int(self.col_first_bar[c])].date()
        lines.append(f"current column: {kind} {lo:g} .. {hi:g} since {since}")
        fired = np.flatnonzero(self.bar_signal_fired)
        if fired.size:
            t = int(fired[-1])
            what = "buy" if self.bar_signal[-1] == 1 else "sell"
            nconsec = int(self.bar_consec_buys[-1] if what == "buy" else self.bar_consec_sells[-1])
            lines.append(
                f"last signal: {what} on {self.dates[t].date()} "
                f"({nconsec} consecutive); status: {STATUS_NAMES[int(self.bar_status[-1])]}"
            )
        else:
            lines.append("no signal yet")
        if self.bar_trend[-1] != 0:
            name = "POS" if self.bar_trend[-1] == 1 else "NEG"
            line = "BSL" if name == "POS" else "BRL"
            lines.append(f"trend: {name} ({line} at {self.level(int(self.bar_trend_line[-1])):g})")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.summary()


# -------------------------------------------------------------------------------- inputs


def _pick(frame: pd.DataFrame, name: str) -> pd.Series | None:
    for col in frame.columns:
        if str(col).lower() == name:
            s = frame[col]
            return s if isinstance(s, pd.Series) else None
    return None


def _dates_of(index: pd.Index, what: str) -> pd.DatetimeIndex:
    if not isinstance(index, pd.DatetimeIndex):
        try:
            index = pd.DatetimeIndex(index)
        except (TypeError, ValueError) as exc:
            raise DataError(f"{what}: index must hold dates, got {index.dtype}") from exc
    if not index.is_monotonic_increasing or index.has_duplicates:
        raise DataError(f"{what}: dates must be strictly increasing (sorted, no duplicates)")
    return index


def _check_prices(values: npt.NDArray[np.float64], scale: BoxScale | None, what: str) -> None:
    lo, hi, ninf = price_range(values)
    if ninf:
        raise DataError(f"{what}: prices contain infinite values; use NaN for missing bars")
    if scale is None or lo > hi:  # no finite price: nothing to check
        return
    if scale.positive_only and lo <= 0:
        raise DataError(f"{what}: the {scale.name} scale needs prices > 0, got minimum {lo!r}")
    g_lo, g_hi = grid_bounds(scale.kind, scale.params())
    if lo < g_lo or hi > g_hi:
        raise DataError(
            f"{what}: prices {lo:g}..{hi:g} fall outside the range {g_lo:g}..{g_hi:g} that the "
            f"{scale.name} grid supports"
        )


def _finite_range(*arrays: npt.NDArray[np.float64] | None) -> tuple[float | None, float | None]:
    """Smallest and largest finite value over the arrays (None when there is none)."""
    ranges = [price_range(a) for a in arrays if a is not None]
    ranges = [r for r in ranges if r.low <= r.high]
    if not ranges:
        return None, None
    return min(r.low for r in ranges), max(r.high for r in ranges)


def _check_reversal(reversal: int) -> int:
    if isinstance(reversal, bool) or not isinstance(reversal, int | np.integer) or reversal < 1:
        raise ConfigError(f"reversal must be an integer number of boxes >= 1, got {reversal!r}")
    return int(reversal)


def _atr_start(
    high: npt.NDArray[np.float64] | None,
    low: npt.NDArray[np.float64] | None,
    close: npt.NDArray[np.float64],
    n: int,
    first: int,
) -> tuple[float, int] | None:
    """ATR box and chart start position (see :class:`AtrSpec`); None without enough data."""
    ok = np.isfinite(close)
    if high is not None and low is not None:
        ok &= np.isfinite(high) & np.isfinite(low)
    pos = np.flatnonzero(ok)
    later = np.flatnonzero(pos >= first)
    if not later.size:
        return None
    q = max(n, int(later[0]))
    if q >= pos.size:
        return None
    h = high[pos] if high is not None else None
    lw = low[pos] if low is not None else None
    return atr_box(h, lw, close[pos], n=n, end=q), int(pos[q])


def _slice_rows(
    index: pd.DatetimeIndex, start: DateLike | None, asof: DateLike | None
) -> tuple[int, int]:
    """Row range ``[r0, r1)``: r1 drops rows after ``asof``; r0 is the first row >= ``start``."""
    r1 = len(index) if asof is None else int(index.searchsorted(pd.Timestamp(asof), side="right"))
    r0 = 0 if start is None else int(index.searchsorted(pd.Timestamp(start), side="left"))
    return min(r0, r1), r1


# -------------------------------------------------------------------------------- single chart


def pnf_chart(
    bars_or_close: pd.DataFrame | pd.Series,
    *,
    box: str | float | BoxScale | AtrSpec = "traditional",
    reversal: int = 3,
    method: PnfMethod | None = None,
    start: DateLike | None = None,
    asof: DateLike | None = None,
    engine: PnfEngine = "numba",
) -> PnfChart:
    """Build a point-and-figure chart.

    Parameters
    ----------
    bars_or_close
        A frame with ``high``/``low``/``close`` columns (any case) or a close series, indexed by
        strictly increasing dates. NaN rows are bars without data (nothing happens on them).
    box
        Scale: a :class:`BoxScale`, an :class:`AtrSpec` or a spec string for
        :func:`~sizeup.analytics.pnf.parse_box_spec` (``"traditional"``, ``"1%"``, ``"2"``,
        ``"atr:20"``...).
    reversal
        Reversal in boxes (3 = DWA / StockCharts).
    method
        ``"hl"`` or ``"close"``; default ``"hl"`` for a frame with high and low columns,
        ``"close"`` otherwise.
    start
        First date of the chart (earlier rows feed only an ATR box).
    asof
        Last date used; later rows are ignored, so the chart is what was known at ``asof``.
    engine
        ``"numba"`` (the compiled kernel, for loops over many charts) or ``"python"`` (the
        plain-Python engine: same chart, no numba import or JIT-cache load, ~10 µs a bar; the
        fastest way to draw one chart in a fresh process).

    Returns
    -------
    PnfChart
        Columns, per-bar event log, signals and trend (docs/methods.md §P3–§P5).

    Raises
    ------
    ConfigError
        Bad box spec, reversal or method.
    DataError
        Missing columns, unsorted dates, infinite or out-of-grid prices.
    """
    rev = _check_reversal(reversal)
    if engine not in ("numba", "python"):
        raise ConfigError(f"engine must be 'numba' or 'python', got {engine!r}")
    spec = parse_box_spec(box)
    if isinstance(bars_or_close, pd.Series):
        if method == "hl":
            raise ConfigError("method 'hl' needs a frame with high and low columns; got a series")
        high_s = low_s = None
        close_s: pd.Series | None = bars_or_close
        method_used: PnfMethod = "close"
        index = bars_or_close.index
    elif isinstance(bars_or_close, pd.DataFrame):
        high_s, low_s, close_s = (_pick(bars_or_close, c) for c in ("high", "low", "close"))
        if method is None:
            method_used = "hl" if high_s is not None and low_s is not None else "close"
        elif method in ("hl", "close"):
            method_used = method
        else:
            raise ConfigError(f"method must be 'hl' or 'close', got {method!r}")
        if method_used == "hl" and (high_s is None or low_s is None):
            raise DataError(
                f"method 'hl' needs high and low columns; frame has {list(bars_or_close.columns)}"
            )
        if close_s is None and method_used == "close":
            raise DataError(
                f"method 'close' needs a close column; frame has {list(bars_or_close.columns)}"
            )
        index = bars_or_close.index
    else:
        raise DataError(
            f"pnf_chart needs a DataFrame or a Series, got {type(bars_or_close).__name__}"
        )
    if method is not None and method not in ("hl", "close"):
        raise ConfigError(f"method must be 'hl' or 'close', got {method!r}")
    dates = _dates_of(index, "pnf_chart input")
    r0, r1 = _slice_rows(dates, start, asof)

    def arr(s: pd.Series | None) -> npt.NDArray[np.float64] | None:
        if s is None:
            return None
        return np.ascontiguousarray(pd.to_numeric(s, errors="coerce").to_numpy(np.float64)[:r1])

    h, lw, c = arr(high_s), arr(low_s), arr(close_s)
    if method_used == "close":
        assert c is not None
        hi_a = lo_a = c
        ref = c
    else:
        assert h is not None and lw is not None
        hi_a, lo_a = h, lw
        ref = c if c is not None else 0.5 * (h + lw)
        if np.any(h < lw):
            bad = dates[:r1][np.flatnonzero(h < lw)[0]]
            raise DataError(f"pnf_chart input: high < low on {bad.date()}")
    t_start = r0
    if isinstance(spec, AtrSpec):
        got = _atr_start(
            hi_a if method_used == "hl" else None,
            lo_a if method_used == "hl" else None,
            ref,
            spec.n,
            r0,
        )
        if got is None:
            raise DataError(
                f"pnf_chart: ATR({spec.n}) box needs {spec.n + 1} valid bars up to the chart "
                f"start; the input has too few"
            )
        box_size, t_start = got
        scale: BoxScale = FixedScale(box_size)
        logger.debug("ATR(%d) box %.6g as of bar %d", spec.n, box_size, t_start)
    else:
        scale = spec
    for values in (hi_a, lo_a) if method_used == "hl" else (hi_a,):
        _check_prices(values[t_start:], scale, "pnf_chart input")
    if engine == "python":
        res = reference_series(hi_a, lo_a, ref, scale, reversal=rev, eps=REL_EPS, start=t_start)
        return _chart_from(res, dates[r0:r1], scale, rev, method_used, r0, t_start)
    p_lo, p_hi = _finite_range(hi_a, lo_a, ref)
    res = build_series(
        hi_a,
        lo_a,
        ref,
        kind=scale.kind,
        params=scale.params(),
        reversal=rev,
        eps=REL_EPS,
        start=t_start,
        grid=kernel_grid(scale.kind, scale.params(), rev, price_min=p_lo, price_max=p_hi),
    )
    return _chart_from(res, dates[r0:r1], scale, rev, method_used, r0, t_start)


def _chart_from(  # noqa: PLR0917
    res: SeriesResult,
    dates: pd.DatetimeIndex,
    scale: BoxScale,
    reversal: int,
    method: PnfMethod,
    r0: int,
    t_start: int,
) -> PnfChart:
    def bars(a: npt.NDArray[Any]) -> npt.NDArray[Any]:
        return np.ascontiguousarray(a[r0:])

    return PnfChart(
        dates=dates,
        scale=scale,
        reversal=reversal,
        method=method,
        bar_column=bars(res.column),
        bar_direction=bars(res.direction),
        bar_box=bars(res.box),
        bar_action=bars(res.action),
        bar_boxes_added=bars(res.boxes_added),
        bar_signal=bars(res.signal),
        bar_signal_fired=bars(res.signal_fired),
        bar_consec_buys=bars(res.consec_buys),
        bar_consec_sells=bars(res.consec_sells),
        bar_trend=bars(res.trend),
        bar_trend_line=bars(res.trend_line),
        col_direction=res.col_direction,
        col_low=res.col_low,
        col_high=res.col_high,
        col_first_bar=(res.col_first_bar - r0).astype(np.int32),
        col_last_bar=(res.col_last_bar - r0).astype(np.int32),
        start_bar=t_start - r0,
    )


def relative_strength_chart(
    price_a: pd.Series,
    price_b: pd.Series,
    *,
    box_pct: float = RS_BOX_DEFAULT,
    reversal: int = 3,
    start: DateLike | None = None,
    asof: DateLike | None = None,
    engine: PnfEngine = "numba",
) -> PnfChart:
    """Point-and-figure relative-strength chart of ``100 * A / B`` (docs/methods.md §P8).

    Parameters
    ----------
    price_a, price_b
        Close series (total return recommended) of the security and the benchmark; aligned on
        the dates where both are present.
    box_pct
        Percentage box as a decimal: 0.065 (:data:`RS_BOX_DEFAULT`, DWA default) or 0.0325
        (:data:`RS_BOX_HALF`).
    reversal
        Reversal in boxes (3).
    start, asof, engine
        As in :func:`pnf_chart`.

    Returns
    -------
    PnfChart
        Close-method chart on a :class:`PercentScale`; column X = near-term outperformance,
        buy signal = longer-term outperformance. On the log grid a 3-box reversal needs a relative
        move of ``(1 + box_pct)**3 - 1`` (20.8 % for 6.5 %).
    """
    a = pd.to_numeric(price_a, errors="coerce")
    b = pd.to_numeric(price_b, errors="coerce")
    both = pd.concat([a, b], axis=1, join="inner").dropna()
    if both.empty:
        raise DataError("relative_strength_chart: the two series share no date with both prices")
    if (both <= 0).to_numpy().any():
        raise DataError("relative_strength_chart: prices must be > 0")
    ratio = 100.0 * both.iloc[:, 0] / both.iloc[:, 1]
    return pnf_chart(
        ratio,
        box=PercentScale(box_pct),
        reversal=reversal,
        method="close",
        start=start,
        asof=asof,
        engine=engine,
    )


# -------------------------------------------------------------------------------- many charts


@dataclass(frozen=True, eq=False)
class PnfPanel:
    """Per-bar P&F results of many symbols as ``(bars, symbols)`` arrays.

    The chart kernel stores only a packed state per bar (``packed``: the current box and one
    byte of action / signal-fired / trend bits, see :mod:`sizeup.analytics.pnf._kernel`); each
    field below is derived from it on first access (one sequential replay per symbol, on
    threads) and then kept. The arrays have the meaning of the ``bar_*`` arrays of
    :class:`PnfChart` (same codes, sentinels and dtypes); they are Fortran-ordered
    ``(bars, symbols)`` views (each symbol contiguous).

    Attributes
    ----------
    dates, symbols
        Row and column labels.
    scale
        The shared scale, or one scale per symbol (ATR boxes).
    reversal, method
        Chart parameters.
    packed
        The packed per-bar state of all bars up to ``asof`` (``(symbols, bars)``).
    start_row
        Position in ``packed`` of the first row of :attr:`dates`.
    threads
        Threads used to derive fields (default: numba's thread count).
    column, direction, box, action, boxes_added, signal, signal_fired, consec_buys,
    consec_sells, trend, trend_line, status
        ``(bars, symbols)`` arrays (derived lazily).
    """

    dates: pd.DatetimeIndex
    symbols: pd.Index
    scale: BoxScale | tuple[BoxScale | None, ...]
    reversal: int
    method: PnfMethod
    packed: PackedPanel
    start_row: int = 0
    threads: int | None = None

    FIELDS: ClassVar[tuple[str, ...]] = (
        "column",
        "direction",
        "box",
        "action",
        "boxes_added",
        "signal",
        "signal_fired",
        "consec_buys",
        "consec_sells",
        "trend",
        "trend_line",
    )

    def _field(self, name: str) -> Any:
        if name == "box":
            return self.packed.box[:, self.start_row :].T
        return self.packed.field(name, start=self.start_row, threads=self.threads).T

    @cached_property
    def column(self) -> IntArr:
        """Column id, -1 before the first column."""
        return self._field("column")  # type: ignore[no-any-return]

    @cached_property
    def direction(self) -> I8Arr:
        """+1 X, -1 O, 0 before the first column."""
        return self._field("direction")  # type: ignore[no-any-return]

    @cached_property
    def box(self) -> IntArr:
        """Current column's extreme box; :data:`NO_BOX` before the first column."""
        return self._field("box")  # type: ignore[no-any-return]

    @cached_property
    def action(self) -> I8Arr:
        """Action codes, see :data:`ACTION_NAMES`."""
        return self._field("action")  # type: ignore[no-any-return]

    @cached_property
    def boxes_added(self) -> IntArr:
        """Boxes added on the bar."""
        return self._field("boxes_added")  # type: ignore[no-any-return]

    @cached_property
    def signal(self) -> I8Arr:
        """Last signal in effect: +1 buy, -1 sell, 0 none yet."""
        return self._field("signal")  # type: ignore[no-any-return]

    @cached_property
    def signal_fired(self) -> I8Arr:
        """+1 / -1 on the bar a buy / sell signal fires, else 0."""
        return self._field("signal_fired")  # type: ignore[no-any-return]

    @cached_property
    def consec_buys(self) -> IntArr:
        """Buy signals since the most recent sell signal."""
        return self._field("consec_buys")  # type: ignore[no-any-return]

    @cached_property
    def consec_sells(self) -> IntArr:
        """Sell signals since the most recent buy signal."""
        return self._field("consec_sells")  # type: ignore[no-any-return]

    @cached_property
    def trend(self) -> I8Arr:
        """+1 POS, -1 NEG, 0 undefined."""
        return self._field("trend")  # type: ignore[no-any-return]

    @cached_property
    def trend_line(self) -> IntArr:
        """Box index of the active BSL / BRL; :data:`NO_LINE` when undefined."""
        return self._field("trend_line")  # type: ignore[no-any-return]

    @cached_property
    def status(self) -> I8Arr:
        """Status codes (see :data:`STATUS_NAMES`), ``(bars, symbols)``."""
        return self._field("status")  # type: ignore[no-any-return]

    @cached_property
    def _last(self) -> dict[str, npt.NDArray[Any]]:
        """Every field on the last bar (one replay; does not materialise the fields)."""
        return self.packed.last(threads=self.threads)

    def frame(self, field: str) -> pd.DataFrame:
        """One field as a dates x symbols frame."""
        if field not in self.FIELDS and field != "status":
            raise ConfigError(f"PnfPanel field {field!r} is not one of {[*self.FIELDS, 'status']}")
        values = getattr(self, field)
        return pd.DataFrame(values, index=self.dates, columns=self.symbols, copy=False)

    def latest(self) -> pd.DataFrame:
        """Return the last row of every field, one row per symbol."""
        if not len(self.dates):
            return pd.DataFrame(index=self.symbols, columns=list(self.FIELDS))
        data = {f: self._last[f] for f in (*self.FIELDS, "status")}
        return pd.DataFrame(data, index=self.symbols)

    def summary(self) -> str:
        """Count signals, columns and trends on the last bar."""
        if not len(self.dates):
            return f"P&F panel: {len(self.symbols)} symbols, no bars"
        last = self._last
        sig, d, tr = last["signal"], last["direction"], last["trend"]
        defined = int((sig != 0).sum())
        buys = int((sig == 1).sum())
        pct = f"{100.0 * buys / defined:.1f}%" if defined else "n/a"
        name = self.scale.name if isinstance(self.scale, BoxScale) else "per-symbol ATR"
        return (
            f"P&F panel: {len(self.symbols)} symbols x {len(self.dates)} bars, {name} boxes, "
            f"{self.reversal}-box reversal, {self.method} method; on {self.dates[-1].date()}: "
            f"{buys} on buy of {defined} with a signal ({pct}), {int((d == 1).sum())} in X, "
            f"{int((tr == 1).sum())} POS / {int((tr == -1).sum())} NEG trend"
        )

    def __repr__(self) -> str:
        return self.summary()


def _panel_array(frame: pd.DataFrame | None, name: str, ref: pd.DataFrame) -> Any:
    if frame is None:
        return None
    if not frame.index.equals(ref.index) or not frame.columns.equals(ref.columns):
        raise DataError(f"pnf_charts: {name} frame must have the same dates and symbols as close")
    return frame.to_numpy(dtype=np.float64)


def pnf_charts(
    close: pd.DataFrame,
    *,
    high: pd.DataFrame | None = None,
    low: pd.DataFrame | None = None,
    box: str | float | BoxScale | AtrSpec = "traditional",
    reversal: int = 3,
    method: PnfMethod | None = None,
    start: DateLike | None = None,
    asof: DateLike | None = None,
    threads: int | None = None,
) -> PnfPanel:
    """Build the charts of many symbols at once (numba kernels on threads).

    Parameters
    ----------
    close
        Dates x symbols closes (NaN where a symbol has no bar, e.g. before listing).
    high, low
        Same shape, for the high/low method.
    box, reversal, start, asof
        As in :func:`pnf_chart`; one scale for all symbols (an ATR spec gives each symbol its own
        fixed box, see :class:`AtrSpec`).
    method
        Default ``"hl"`` when high and low are given, else ``"close"``.
    threads
        Threads to use (default: numba's thread count, normally the number of cores).

    Returns
    -------
    PnfPanel
        Per-bar arrays per symbol, equal column by column to :func:`pnf_chart` on each symbol
        (the kernel writes a packed 5-byte-per-bar log; each field is derived on first access).
    """
    rev = _check_reversal(reversal)
    spec = parse_box_spec(box)
    if method is None:
        method = "hl" if high is not None and low is not None else "close"
    if method not in ("hl", "close"):
        raise ConfigError(f"method must be 'hl' or 'close', got {method!r}")
    if method == "hl" and (high is None or low is None):
        raise DataError("pnf_charts: method 'hl' needs high and low frames")
    dates = _dates_of(close.index, "pnf_charts close")
    r0, r1 = _slice_rows(dates, start, asof)
    c2 = _panel_array(close, "close", close)[:r1]
    h2 = _panel_array(high, "high", close) if method == "hl" else None
    l2 = _panel_array(low, "low", close) if method == "hl" else None
    if h2 is not None and l2 is not None:
        h2, l2 = h2[:r1], l2[:r1]
    m = c2.shape[1]
    starts = np.full(m, r0, dtype=np.int64)
    scale_out: BoxScale | tuple[BoxScale | None, ...]
    grids: list[Grid] | None = None
    if isinstance(spec, AtrSpec):
        for values in (c2,) if h2 is None or l2 is None else (h2, l2):
            _check_prices(values, None, "pnf_charts input")
        per: list[BoxScale | None] = []
        grids = []
        for s in range(m):
            hs = None if h2 is None else np.ascontiguousarray(h2[:, s])
            ls = None if l2 is None else np.ascontiguousarray(l2[:, s])
            cs = np.ascontiguousarray(c2[:, s])
            got = _atr_start(hs, ls, cs, spec.n, r0)
            if got is None:
                starts[s] = r1
                per.append(None)
                grids.append(kernel_grid(0, np.ones(1), rev))
                continue
            box_size, starts[s] = got
            sc = FixedScale(box_size)
            per.append(sc)
            lo_s, hi_s = _finite_range(cs, hs, ls)
            grids.append(kernel_grid(0, sc.params(), rev, price_min=lo_s, price_max=hi_s))
        kind, params = 0, np.ones(1)
        scale_out = tuple(per)
    else:
        kind, params = spec.kind, spec.params()
        scale_out = spec
        for values in (c2,) if h2 is None or l2 is None else (h2, l2):
            _check_prices(values[r0:], spec, "pnf_charts input")
    hi_t = c2.T if h2 is None else h2.T
    lo_t = c2.T if l2 is None else l2.T
    from sizeup.analytics.pnf._panel import build_panel_packed

    packed = build_panel_packed(
        hi_t,
        lo_t,
        c2.T,
        starts,
        kind=kind,
        params=params,
        reversal=rev,
        eps=REL_EPS,
        threads=threads,
        grids=grids,
    )
    return PnfPanel(
        dates[r0:r1],
        close.columns,
        scale_out,
        rev,
        method,
        packed,
        start_row=r0,
        threads=threads,
    )
