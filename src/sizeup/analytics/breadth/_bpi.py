"""Bullish Percent Index, its P&F chart, risk states; P&F breadth (docs/methods.md §B1–§B3).

BPI
---
Each member gets a traditional-scale, 3-box-reversal P&F chart (high/low method when highs and
lows are given, else the close method on adjusted closes; StockCharts uses dividend-adjusted
data). On day t::

    BPI_t = 100 * #(members on a buy signal) / #(members with a defined signal)

A member counts on t when it is a member (mask) and has a close within the last ``stale_rows``
rows; a member without any signal yet is excluded from numerator and denominator
(**[PROP]** §1.4). ``coverage = defined / present`` is reported per day.

BPI chart and risk states
-------------------------
The BPI gets its own P&F chart: fixed 2-point boxes on 0–100, close method, 3-box reversal
(a reversal needs 6 points: X top 62 → O at 56 or lower). The six DWA risk states:

==================  =============================================================
``BULL_CONFIRMED``  column X and last BPI-chart signal buy
``BULL_CORRECTION`` column O, signal buy, the previous X column's top < 70
``BEAR_ALERT``      column O, signal buy, and the previous X column reached >= 70
``BEAR_CONFIRMED``  column O and signal sell
``BEAR_CORRECTION`` column X, signal sell, the previous O column's bottom > 30
``BULL_ALERT``      column X, signal sell, and the previous O column fell to <= 30
==================  =============================================================

Alerts override corrections while their 30/70 condition holds; ``NONE`` before the chart's
first signal. Field position = level bucket (``<30``, ``30-50``, ``50-70``, ``>70``; 50 and 70
fall in ``50-70``, 30 in ``30-50``) x column (X = offense, O = defense).

% positive trend / % on RS buy
-------------------------------
From the same member charts: ``pct_pos_trend`` = 100 * #(trend POS) / #(trend defined),
``pct_in_x`` = share of members in a column of X. RS breadth charts ``100 * member / benchmark``
on a 6.5 % (or 3.25 %) log grid, close method, 3-box: ``pct_rs_buy`` and ``pct_rs_x``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from sizeup.analytics.breadth._breadth import _day, pct_true
from sizeup.analytics.pnf import (
    RS_BOX_DEFAULT,
    FixedScale,
    PercentScale,
    PnfChart,
    PnfMethod,
    PnfPanel,
    pnf_chart,
    pnf_charts,
)
from sizeup.errors import DataError
from sizeup.types import DateLike

__all__ = [
    "RISK_STATES",
    "BullishPercent",
    "RsBreadth",
    "bpi_chart",
    "bpi_states",
    "bullish_percent",
    "field_position",
    "present_mask",
    "rs_breadth",
]

RISK_STATES: Final = (
    "NONE",
    "BULL_CONFIRMED",
    "BULL_CORRECTION",
    "BULL_ALERT",
    "BEAR_CONFIRMED",
    "BEAR_CORRECTION",
    "BEAR_ALERT",
)
"""Risk-state names; codes are positions in this tuple."""

BoolArray = npt.NDArray[np.bool_]


def present_mask(
    close: npt.NDArray[np.float64], *, members: BoolArray | None = None, stale_rows: int = 5
) -> BoolArray:
    """Members with a close within the last ``stale_rows`` rows (and in the mask) per row."""
    if stale_rows < 1:
        raise DataError(f"stale_rows={stale_rows} must be >= 1")
    n = close.shape[0]
    fin = np.isfinite(close) & (close > 0)
    rows = np.arange(n)[:, None]
    last = np.maximum.accumulate(np.where(fin, rows, -(10**9)), axis=0) if n else fin
    present = (rows - last) < stale_rows
    if members is not None:
        if members.shape != close.shape:
            raise DataError(f"members mask shape {members.shape} != close shape {close.shape}")
        present &= members
    return np.asarray(present, dtype=bool)


def bpi_chart(bpi: pd.Series, *, box: float = 2.0, reversal: int = 3) -> PnfChart:
    """P&F chart of a BPI series: fixed ``box``-point boxes, close method (docs/methods.md §B2)."""
    s = bpi.dropna()
    if s.empty:
        raise DataError("BPI series has no values; cannot chart it")
    if ((s < 0) | (s > 100)).any():
        raise DataError("BPI values must lie in [0, 100]")
    return pnf_chart(s, box=FixedScale(box), reversal=reversal, method="close")


def field_position(level: npt.ArrayLike, direction: npt.ArrayLike) -> npt.NDArray[np.object_]:
    """Field-position labels, e.g. ``"50-70 X"`` (empty where level or column is missing)."""
    lv = np.asarray(level, dtype=float)
    d = np.asarray(direction)
    bucket = np.where(
        lv < 30, "<30", np.where(lv < 50, "30-50", np.where(lv <= 70, "50-70", ">70"))
    ).astype(object)
    col = np.where(d == 1, "X", np.where(d == -1, "O", "")).astype(object)
    out = bucket + " " + col
    out[~np.isfinite(lv) | (col == "")] = ""
    return np.asarray(out, dtype=object)


def bpi_states(chart: PnfChart) -> pd.DataFrame:
    """Per-bar risk state of a BPI chart (see module docstring).

    Returns
    -------
    pandas.DataFrame
        Index = chart dates; ``column`` (X/O/''), ``signal`` (+1/-1/0), ``box_level`` (level of the
        current column's extreme box), ``prev_extreme`` (previous column's top for an O column,
        bottom for an X column), ``state`` (name), ``state_code`` (index in RISK_STATES).
    """
    d = chart.bar_direction.astype(np.int64)
    sig = chart.bar_signal.astype(np.int64)
    col = chart.bar_column.astype(np.int64)
    prev = col - 1
    has_prev = (col >= 1) & (d != 0)
    prev_ext = np.full(len(d), np.nan)
    if has_prev.any():
        p = prev[has_prev]
        prev_ext[has_prev] = np.where(
            d[has_prev] == -1,
            chart.levels(chart.col_high[p]),
            chart.levels(chart.col_low[p]),
        )
    code = np.zeros(len(d), dtype=np.int64)
    x, o = d == 1, d == -1
    buy, sell = sig == 1, sig == -1
    bear_alert = o & buy & (prev_ext >= 70)
    bull_alert = x & sell & (prev_ext <= 30)
    code[x & buy] = 1
    code[o & buy] = 2
    code[bear_alert] = 6
    code[o & sell] = 4
    code[x & sell] = 5
    code[bull_alert] = 3
    box_level = np.full(len(d), np.nan)
    has = d != 0
    if has.any():
        box_level[has] = chart.levels(chart.bar_box[has])
    return pd.DataFrame(
        {
            "column": np.where(x, "X", np.where(o, "O", "")),
            "signal": sig,
            "box_level": box_level,
            "prev_extreme": prev_ext,
            "state": np.array(RISK_STATES, dtype=object)[code],
            "state_code": code,
        },
        index=chart.dates,
    )


@dataclass(frozen=True)
class BullishPercent:
    """Daily Bullish Percent Index of a universe with its own P&F chart and risk states.

    Attributes
    ----------
    frame
        Per day: ``bpi`` (0–100), ``on_buy``, ``defined`` (members with a signal), ``present``
        (members with recent data), ``coverage`` (defined / present), ``pct_pos_trend``,
        ``pct_in_x``, ``bpi_column``, ``bpi_signal``, ``state``, ``field``.
    chart
        The BPI's P&F chart (2-point boxes, 3-box reversal).
    universe
        Universe name.
    method
        Member-chart method used (``"hl"`` or ``"close"``) and box spec, as text.
    note
        Membership / data note.
    """

    frame: pd.DataFrame
    chart: PnfChart = field(repr=False)
    universe: str
    method: str
    note: str = field(repr=False)

    def latest(self, asof: DateLike | None = None) -> pd.Series:
        """Return the row of the last date on or before ``asof``."""
        f = self.frame if asof is None else self.frame.loc[: pd.Timestamp(asof)]
        if f.empty:
            raise DataError(f"BPI of {self.universe} has no value on or before {asof}")
        return f.iloc[-1]

    def summary(self) -> str:
        """Describe the last day in a few lines."""
        last = self.latest()
        return (
            f"Bullish percent of {self.universe} on {_day(last.name)}: "
            f"{last['bpi']:.1f}% ({int(last['on_buy'])} of {int(last['defined'])} on buy; "
            f"coverage {last['coverage'] * 100:.0f}% of {int(last['present'])}); "
            f"BPI chart {last['bpi_column']} {last['state']}, field {last['field']}; "
            f"{last['pct_pos_trend']:.1f}% in positive P&F trend. Member charts: {self.method}."
        )

    def __repr__(self) -> str:
        return self.summary()


def _clean(frame: pd.DataFrame | None, max_price: float = np.inf) -> pd.DataFrame | None:
    if frame is None:
        return None
    return frame.where((frame > 0) & (frame <= max_price))


def bullish_percent(
    close: pd.DataFrame,
    *,
    high: pd.DataFrame | None = None,
    low: pd.DataFrame | None = None,
    members: BoolArray | None = None,
    note: str = "",
    universe: str = "universe",
    box: str = "traditional",
    reversal: int = 3,
    method: PnfMethod | None = None,
    start: DateLike | None = None,
    asof: DateLike | None = None,
    stale_rows: int = 5,
    max_price: float = 1e6,
    threads: int | None = None,
) -> BullishPercent:
    """Bullish Percent Index of a universe (docs/methods.md §B1–§B2).

    Parameters
    ----------
    close
        Dates x members closes (dividend-adjusted recommended). Non-positive values are data
        errors and are treated as missing.
    high, low
        Same shape; when both are given the member charts use the high/low method.
    members
        Point-in-time membership mask (see :func:`sizeup.analytics.breadth.membership_mask`).
    note
        Membership / survivorship note to carry.
    universe
        Name for summaries.
    box, reversal, method
        Member chart parameters (traditional, 3-box by default).
    start, asof
        First and last date of the member charts (``start`` = chart start; use >= 3 years of
        burn-in before the first BPI value you rely on).
    stale_rows
        A member counts while its last close is fewer than this many rows old.
    max_price
        Prices above this (e.g. adjusted histories of penny stocks after huge reverse splits,
        beyond the traditional grid's range) are treated as missing; the count is in ``note``.
    threads
        Threads for the panel kernels.

    Returns
    -------
    BullishPercent
    """
    c = _clean(close, max_price)
    assert c is not None
    dropped = int((close > max_price).to_numpy().sum())
    if dropped:
        extra = f"{dropped} closes above {max_price:g} treated as missing"
        note = f"{note}; {extra}" if note else extra
    h, lo = _clean(high, max_price), _clean(low, max_price)
    use_hl = h is not None and lo is not None and method != "close"
    panel = pnf_charts(
        c,
        high=h if use_hl else None,
        low=lo if use_hl else None,
        box=box,
        reversal=reversal,
        method="hl" if use_hl else "close",
        start=start,
        asof=asof,
        threads=threads,
    )
    rows = c.index.get_indexer(panel.dates)
    cv = c.to_numpy(dtype=np.float64)[rows] if len(rows) else np.empty((0, c.shape[1]))
    mem = None if members is None else members[rows]
    frame = _panel_breadth(panel, cv, mem, stale_rows)
    if frame["bpi"].notna().sum() == 0:
        raise DataError(f"no member of {universe} has a P&F signal in the charted range")
    chart = bpi_chart(frame["bpi"])
    states = bpi_states(chart).reindex(frame.index)
    frame["bpi_column"] = states["column"].fillna("")
    frame["bpi_signal"] = states["signal"].fillna(0).astype(np.int64)
    frame["state"] = states["state"].fillna("NONE")
    frame["field"] = field_position(
        frame["bpi"].to_numpy(),
        np.where(frame["bpi_column"] == "X", 1, np.where(frame["bpi_column"] == "O", -1, 0)),
    )
    desc = f"{box} boxes, {reversal}-box reversal, {'high/low' if use_hl else 'close'} method"
    return BullishPercent(frame, chart, universe, desc, note)


def _panel_breadth(
    panel: PnfPanel, close: npt.NDArray[np.float64], members: BoolArray | None, stale_rows: int
) -> pd.DataFrame:
    present = present_mask(close, members=members, stale_rows=stale_rows)
    sig = np.asarray(panel.signal)
    trend = np.asarray(panel.trend)
    direction = np.asarray(panel.direction)
    defined = present & (sig != 0)
    on_buy = np.count_nonzero(defined & (sig == 1), axis=1)
    n_def = np.count_nonzero(defined, axis=1)
    n_pres = np.count_nonzero(present, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        bpi = np.where(n_def > 0, 100.0 * on_buy / n_def, np.nan)
        cov = np.where(n_pres > 0, n_def / n_pres, np.nan)
    return pd.DataFrame(
        {
            "bpi": bpi,
            "on_buy": on_buy,
            "defined": n_def,
            "present": n_pres,
            "coverage": cov,
            "pct_pos_trend": pct_true(trend == 1, present & (trend != 0)),
            "pct_in_x": pct_true(direction == 1, present & (direction != 0)),
        },
        index=panel.dates,
    )


@dataclass(frozen=True)
class RsBreadth:
    """Share of members on a P&F relative-strength buy signal / in an RS column of X.

    Attributes
    ----------
    frame
        Per day: ``pct_rs_buy``, ``pct_rs_x``, ``defined``, ``present``.
    benchmark
        Name of the benchmark.
    box_pct
        RS chart box (decimal).
    """

    frame: pd.DataFrame
    benchmark: str
    box_pct: float

    def summary(self) -> str:
        """One line on the last day."""
        last = self.frame.iloc[-1]
        return (
            f"{last['pct_rs_buy']:.1f}% of members on an RS buy signal vs {self.benchmark} "
            f"({self.box_pct * 100:g}% boxes), {last['pct_rs_x']:.1f}% in RS X columns, "
            f"{int(last['defined'])} with a signal"
        )

    def __repr__(self) -> str:
        return self.summary()


def rs_breadth(
    close: pd.DataFrame,
    benchmark: pd.Series,
    *,
    members: BoolArray | None = None,
    box_pct: float = RS_BOX_DEFAULT,
    reversal: int = 3,
    start: DateLike | None = None,
    asof: DateLike | None = None,
    stale_rows: int = 5,
    max_price: float = 1e6,
    threads: int | None = None,
) -> RsBreadth:
    """% of members on an RS buy signal and in RS X columns versus a benchmark (F20).

    Parameters
    ----------
    close
        Dates x members total-return closes.
    benchmark
        Benchmark total-return closes (e.g. RSP = S&P 500 equal weight), aligned on
        ``close.index`` by date (as-of forward fill is *not* applied: days without a benchmark
        close are bars without data).
    members, box_pct, reversal, start, asof, stale_rows, max_price, threads
        As in :func:`bullish_percent`; RS charts are close-method on a percentage grid.
    """
    c = _clean(close, max_price)
    assert c is not None
    b = benchmark.reindex(c.index)
    b = b.where(b > 0)
    ratio = 100.0 * c.div(b, axis=0)
    panel = pnf_charts(
        ratio,
        box=PercentScale(box_pct),
        reversal=reversal,
        method="close",
        start=start,
        asof=asof,
        threads=threads,
    )
    rows = c.index.get_indexer(panel.dates)
    rv = ratio.to_numpy(dtype=np.float64)[rows]
    mem = None if members is None else members[rows]
    present = present_mask(rv, members=mem, stale_rows=stale_rows)
    sig = np.asarray(panel.signal)
    direction = np.asarray(panel.direction)
    frame = pd.DataFrame(
        {
            "pct_rs_buy": pct_true(sig == 1, present & (sig != 0)),
            "pct_rs_x": pct_true(direction == 1, present & (direction != 0)),
            "defined": np.count_nonzero(present & (sig != 0), axis=1),
            "present": np.count_nonzero(present, axis=1),
        },
        index=panel.dates,
    )
    return RsBreadth(frame, str(benchmark.name or "benchmark"), box_pct)
