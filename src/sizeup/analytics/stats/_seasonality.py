"""Calendar seasonality of returns and relative returns (docs/methods.md §S2, feature F24).

Month-of-year tables, the turn of the year (last ``n_dec`` sessions of December plus the first
``n_jan`` sessions of January) and the first sessions of January, for any return series or the
relative return of one series against another, ``(1 + r_a) / (1 + r_b) - 1``.

Every bucket carries n, mean, median, hit rate, the classical t, the Newey-West HAC t (lags stated)
and a stationary-bootstrap CI of the mean (:mod:`sizeup.analytics.stats._core`).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from sizeup.analytics.stats._core import SampleStats, sample_stats, stats_table
from sizeup.errors import DataError

__all__ = [
    "MONTH_NAMES",
    "PeriodFreq",
    "SeasonalTable",
    "by_month",
    "first_sessions_of_january",
    "january_share",
    "period_returns",
    "relative_returns",
    "returns_from_levels",
    "turn_of_year",
]

logger = logging.getLogger(__name__)

PeriodFreq = Literal["W", "M", "Q", "Y"]
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_PANDAS_FREQ = {"W": "W-FRI", "M": "ME", "Q": "QE", "Y": "YE"}


def _as_datetime_series(x: pd.Series, name: str) -> pd.Series:
    if not isinstance(x, pd.Series):
        raise DataError(f"{name}: expected a pandas Series, got {type(x).__name__}")
    idx = x.index
    if isinstance(idx, pd.PeriodIndex):
        x = x.copy()
        x.index = idx.to_timestamp(how="end").normalize()
    elif not isinstance(idx, pd.DatetimeIndex):
        raise DataError(
            f"{name}: expected a DatetimeIndex or PeriodIndex, got {type(idx).__name__}"
        )
    out = x.astype("float64").sort_index()
    return out[~out.index.duplicated(keep="last")]


def returns_from_levels(levels: pd.Series) -> pd.Series:
    """Compute simple returns ``P_t / P_{t-1} - 1`` of a level series (NaN levels dropped first)."""
    lv = _as_datetime_series(levels, "levels").dropna()
    if (lv <= 0).any():
        raise DataError("levels: prices must be > 0 to form returns")
    return lv.pct_change().iloc[1:]


def relative_returns(a: pd.Series, b: pd.Series) -> pd.Series:
    """Relative return of ``a`` against ``b``: ``(1 + r_a) / (1 + r_b) - 1`` on common dates.

    Parameters
    ----------
    a, b
        Simple returns (decimal fractions) indexed by date; only dates present in both are kept.
    """
    ra = _as_datetime_series(a, "a")
    rb = _as_datetime_series(b, "b")
    joined = pd.concat([ra, rb], axis=1, join="inner").dropna()
    rel = (1.0 + joined.iloc[:, 0]) / (1.0 + joined.iloc[:, 1]) - 1.0
    rel.name = f"{a.name}/{b.name}" if a.name is not None and b.name is not None else None
    return rel


def period_returns(returns: pd.Series, freq: PeriodFreq = "M") -> pd.Series:
    """Compound simple returns into calendar periods.

    Parameters
    ----------
    returns
        Simple returns indexed by date (daily, weekly or already monthly).
    freq
        ``"W"`` (weeks ending Friday), ``"M"``, ``"Q"`` or ``"Y"``.

    Returns
    -------
    pandas.Series
        ``prod(1 + r) - 1`` per period, indexed by the period's end date; periods without any
        observation are dropped.
    """
    if freq not in _PANDAS_FREQ:
        raise DataError(f"period_returns: freq must be one of {sorted(_PANDAS_FREQ)}, got {freq!r}")
    r = _as_datetime_series(returns, "returns").dropna()
    grouped = (1.0 + r).resample(_PANDAS_FREQ[freq])
    out = grouped.prod() - 1.0
    counts = grouped.count()
    return out[counts > 0]


@dataclass(frozen=True)
class SeasonalTable:
    """Statistics of returns by calendar bucket.

    Attributes
    ----------
    name
        What the table is about (``"by month"``, ``"turn of year (5+5)"``).
    table
        One row per bucket: n, mean, median, std, hit_rate, t_stat, p_value, hac_t, hac_lags,
        ci_low, ci_high (decimal fractions).
    stats
        The same rows as :class:`~sizeup.analytics.stats.SampleStats` objects.
    windows
        For window tables, the compounded return of each year's window, indexed by the year of the
        window's January; None for month tables.
    ci_level
        Bootstrap CI level.
    """

    name: str
    table: pd.DataFrame
    stats: dict[str, SampleStats]
    windows: pd.Series | None = None
    ci_level: float = 0.95
    notes: tuple[str, ...] = field(default_factory=tuple)

    def summary(self) -> str:
        """Readable table with means and CIs in percent."""
        lines = [f"Seasonality: {self.name}"]
        for label, st in self.stats.items():
            lines.append(f"  {label:>14}: {st.summary()}")
        lines.extend(f"  note: {n}" for n in self.notes)
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.summary()


def by_month(
    returns: pd.Series,
    *,
    benchmark: pd.Series | None = None,
    hac_lags: int | None = None,
    level: float = 0.95,
    reps: int = 1000,
    seed: int = 0,
) -> SeasonalTable:
    """Monthly returns (or relative returns) grouped by month of year.

    Parameters
    ----------
    returns
        Simple returns at any frequency up to monthly; compounded to calendar months first.
    benchmark
        When given, the table is of the relative monthly return
        ``(1 + r) / (1 + r_benchmark) - 1`` (both compounded to months first).
    hac_lags, level, reps, seed
        See :func:`~sizeup.analytics.stats.sample_stats`. The HAC t runs on each month's series of
        yearly observations in time order.

    Returns
    -------
    SeasonalTable
        Rows ``Jan`` .. ``Dec`` plus ``all``.
    """
    monthly = period_returns(returns, "M")
    if benchmark is not None:
        monthly = relative_returns(monthly, period_returns(benchmark, "M"))
    rows: dict[str, SampleStats] = {}
    for m, label in enumerate(MONTH_NAMES, start=1):
        sub = monthly[pd.DatetimeIndex(monthly.index).month == m]
        rows[label] = sample_stats(sub, hac_lags=hac_lags, level=level, reps=reps, seed=seed)
    rows["all"] = sample_stats(monthly, hac_lags=hac_lags, level=level, reps=reps, seed=seed)
    name = "by month" + (" (relative)" if benchmark is not None else "")
    return SeasonalTable(name, stats_table(rows), rows, None, level)


def january_share(returns: pd.Series) -> float:
    """Share of the arithmetic sum of monthly returns that falls in Januaries.

    docs/methods.md §S2: Januaries supply about 93 % of the cumulative 1926-07 .. 2024-06 SMB sum.
    NaN when the total is zero.
    """
    monthly = period_returns(returns, "M")
    total = float(monthly.sum())
    if total == 0.0:
        return float("nan")
    return float(monthly[pd.DatetimeIndex(monthly.index).month == 1].sum()) / total


def _window_table(
    daily: pd.Series,
    in_window: pd.Series,
    window_year: pd.Series,
    name: str,
    *,
    hac_lags: int | None,
    level: float,
    reps: int,
    seed: int,
    notes: tuple[str, ...],
) -> SeasonalTable:
    sel = daily[in_window]
    windows = (1.0 + sel).groupby(window_year[in_window]).prod() - 1.0
    windows.index.name = "year"
    rows = {
        "window": sample_stats(windows, hac_lags=hac_lags, level=level, reps=reps, seed=seed),
        "in_window": sample_stats(sel, hac_lags=hac_lags, level=level, reps=reps, seed=seed),
        "out_of_window": sample_stats(
            daily[~in_window], hac_lags=hac_lags, level=level, reps=reps, seed=seed
        ),
    }
    return SeasonalTable(name, stats_table(rows), rows, windows, level, notes)


def _daily(returns: pd.Series, benchmark: pd.Series | None) -> pd.Series:
    r = _as_datetime_series(returns, "returns").dropna()
    if benchmark is not None:
        r = relative_returns(r, benchmark)
    return r


def _month_positions(
    r: pd.Series,
) -> tuple[pd.Series, pd.Series, pd.Series, pd.Series, pd.Series]:
    """Month, year, 0-based position in the month from its start and end, and month size.

    One value per session (date) of ``r``.
    """
    idx = pd.DatetimeIndex(r.index)
    month = pd.Series(idx.month, index=idx)
    year = pd.Series(idx.year, index=idx)
    ym = year * 100 + month
    by_month = ym.groupby(ym)
    return (
        month,
        year,
        by_month.cumcount(),
        by_month.cumcount(ascending=False),
        by_month.transform("size"),
    )


def turn_of_year(
    daily_returns: pd.Series,
    *,
    benchmark: pd.Series | None = None,
    n_dec: int = 5,
    n_jan: int = 5,
    hac_lags: int | None = None,
    level: float = 0.95,
    reps: int = 1000,
    seed: int = 0,
) -> SeasonalTable:
    """Turn-of-the-year window: last ``n_dec`` sessions of December + first ``n_jan`` of January.

    Parameters
    ----------
    daily_returns
        Daily simple returns indexed by session date (sessions = dates present).
    benchmark
        Daily returns of a benchmark; the table is then of daily relative returns.
    n_dec, n_jan
        Window length on each side of the year end (sessions).

    Returns
    -------
    SeasonalTable
        Rows ``window`` (one compounded return per year, labelled by the January's year; only years
        with both a full December tail and a full January head), ``in_window`` and
        ``out_of_window`` (daily returns inside and outside all windows).
    """
    if n_dec < 0 or n_jan < 0 or n_dec + n_jan == 0:
        raise DataError(
            f"turn_of_year: n_dec and n_jan must be >= 0, not both 0; got {n_dec}, {n_jan}"
        )
    r = _daily(returns=daily_returns, benchmark=benchmark)
    month, year, pos_start, pos_end, size = _month_positions(r)
    dec_tail = (month == 12) & (pos_end < n_dec) & (size >= n_dec)
    jan_head = (month == 1) & (pos_start < n_jan) & (size >= n_jan)
    window_year = year.where(month == 1, year.add(1))
    in_window = dec_tail | jan_head
    # Keep only complete windows (both sides present).
    counts = in_window.groupby(window_year).sum()
    complete = counts[counts == n_dec + n_jan].index
    in_window &= window_year.isin(complete)
    if not in_window.any():
        raise DataError("turn_of_year: no complete December/January window in the data")
    return _window_table(
        r,
        in_window,
        window_year,
        f"turn of year ({n_dec}+{n_jan} sessions)" + (" relative" if benchmark is not None else ""),
        hac_lags=hac_lags,
        level=level,
        reps=reps,
        seed=seed,
        notes=(f"{len(complete)} complete windows",),
    )


def first_sessions_of_january(
    daily_returns: pd.Series,
    *,
    benchmark: pd.Series | None = None,
    n: int = 5,
    hac_lags: int | None = None,
    level: float = 0.95,
    reps: int = 1000,
    seed: int = 0,
) -> SeasonalTable:
    """Tabulate the first ``n`` sessions of January (Keim 1983's "first trading week": n = 5).

    Same rows as :func:`turn_of_year`.
    """
    if n < 1:
        raise DataError(f"first_sessions_of_january: n must be >= 1, got {n}")
    r = _daily(returns=daily_returns, benchmark=benchmark)
    month, year, pos_start, _, size = _month_positions(r)
    in_window = (month == 1) & (pos_start < n) & (size >= n)
    if not in_window.any():
        raise DataError("first_sessions_of_january: no January with enough sessions in the data")
    return _window_table(
        r,
        in_window,
        year,
        f"first {n} sessions of January" + (" relative" if benchmark is not None else ""),
        hac_lags=hac_lags,
        level=level,
        reps=reps,
        seed=seed,
        notes=(f"{int(np.unique(year[in_window]).size)} Januaries",),
    )
