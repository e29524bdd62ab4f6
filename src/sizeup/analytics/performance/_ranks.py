"""Calendar ranks of A versus B: "the best start to a year since ...", "the best month since ...".

Start of the year
-----------------
With ``N`` = the number of XNYS sessions of the as-of year up to the as-of date, the
*start-of-year gap* of year ``y`` is ``r_A - r_B`` over the first ``N`` sessions of ``y``
(:func:`~sizeup.analytics.performance.total_return` from the close before January's first
session). A year with fewer than ``N`` sessions (2001 had 248, 2025 has 250) uses all of its
sessions, so at a year end every year is compared over its whole length. The as-of year ends at
the as-of date.

Monthly gap
-----------
``r_A - r_B`` per calendar month (:func:`~sizeup.analytics.performance.period_returns`).

Both ranks look at the latest value: "best since" (mode ``"max"``) when it is >= 0, "worst
since" (mode ``"min"``) when it is negative (:func:`~sizeup.analytics.performance.best_since`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sizeup.analytics.performance._returns import period_returns
from sizeup.analytics.performance._streaks import BestSince, best_since
from sizeup.calendar import sessions
from sizeup.errors import DataError
from sizeup.types import DateLike

__all__ = [
    "monthly_gap_rank",
    "monthly_gaps",
    "start_of_year_gaps",
    "start_of_year_rank",
]


def _pair(prices: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    missing = [s for s in (a, b) if s not in prices.columns]
    if missing:
        raise DataError(f"columns {missing} are not in prices (have {list(prices.columns)})")
    return prices[[a, b]]


def start_of_year_gaps(prices: pd.DataFrame, a: str, b: str, *, asof: DateLike) -> pd.Series:
    """Return of ``a`` minus ``b`` over the first N sessions of every year (see module doc).

    Parameters
    ----------
    prices
        Closes with columns ``a`` and ``b`` (DatetimeIndex).
    a, b
        The two columns.
    asof
        As-of date; N = sessions of its year up to it.

    Returns
    -------
    pandas.Series
        Index = year (int), from the year after the first data year to the as-of year; years
        where either return is undefined are dropped. Empty when no session of the as-of year
        lies on or before ``asof``.

    Raises
    ------
    DataError
        A column is missing or ``asof`` is outside the calendar.
    """
    px = _pair(prices, a, b)
    at = pd.Timestamp(asof)
    n_sess = len(sessions(f"{at.year}-01-01", at))
    if n_sess == 0 or px.dropna(how="all").empty:
        return pd.Series(dtype=float, name=f"{a}-{b}")
    first_year = int(px.dropna(how="all").index[0].year)
    years = np.arange(first_year + 1, at.year + 1)
    every = sessions(f"{first_year + 1}-01-01", f"{at.year}-12-31").to_numpy()
    starts = np.array([np.datetime64(f"{y}-01-01") for y in years], dtype=every.dtype)
    nexts = np.array([np.datetime64(f"{y + 1}-01-01") for y in years], dtype=every.dtype)
    first_pos = np.searchsorted(every, starts, side="left")
    length = np.searchsorted(every, nexts, side="left") - first_pos
    ends = every[first_pos + np.minimum(n_sess, length) - 1]
    ends = np.minimum(ends, np.datetime64(at, "ns"))
    out = np.zeros(len(years))
    for sign, col in ((1.0, a), (-1.0, b)):
        s = px[col].dropna()
        days = s.index.to_numpy(dtype=every.dtype)
        vals = s.to_numpy(dtype=float)
        # as total_return: base = last close before Jan 1, end = last close on or before the
        # window's end, and at least one close inside the window
        base = np.searchsorted(days, starts, side="left") - 1
        last = np.searchsorted(days, ends, side="right") - 1
        ok = (base >= 0) & (last > base)
        r = np.full(len(years), np.nan)
        r[ok] = vals[last[ok]] / vals[base[ok]] - 1.0
        out += sign * r
    return pd.Series(out, index=years.tolist(), dtype=float, name=f"{a}-{b}").dropna()


def _rank(values: pd.Series) -> BestSince | None:
    s = values.dropna()
    if s.empty:
        return None
    return best_since(s, mode="max" if s.iloc[-1] >= 0 else "min")


def start_of_year_rank(prices: pd.DataFrame, a: str, b: str, *, asof: DateLike) -> BestSince | None:
    """How this year's start (first N sessions) of ``a`` vs ``b`` ranks ("best start since").

    ``None`` when no year has a defined gap. See :func:`start_of_year_gaps`.
    """
    return _rank(start_of_year_gaps(prices, a, b, asof=asof))


def monthly_gaps(prices: pd.DataFrame, a: str, b: str, *, end: DateLike) -> pd.Series:
    """Return of ``a`` minus ``b`` per calendar month up to ``end`` (the last may be partial)."""
    monthly = period_returns(_pair(prices, a, b), "M", end=end)
    return (monthly[a] - monthly[b]).dropna()


def monthly_gap_rank(prices: pd.DataFrame, a: str, b: str, *, end: DateLike) -> BestSince | None:
    """How the latest monthly gap of ``a`` vs ``b`` ranks ("best month since").

    ``None`` when no month has a defined gap.
    """
    return _rank(monthly_gaps(prices, a, b, end=end))
