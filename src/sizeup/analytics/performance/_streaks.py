"""Streaks of outperformance and "best/worst since" ranks (docs/methods.md §R4–§R5 F21, F22, F12).

Streaks
-------
Per calendar period (Friday-to-Friday weeks, exchange-calendar aware; or months, ...) the
relative return ``rel_k`` of A over B is computed; the *signed streak* is

- ``+n`` in the n-th consecutive period with ``rel > threshold`` (A outperformed),
- ``-n`` in the n-th consecutive period with ``rel < -threshold`` (A underperformed),
- ``0`` for a tie (``|rel| <= threshold``) or a missing period (NaN), which ends any run.

With ``on_missing="skip"`` a missing period is passed over instead: the run continues across it
(the gap keeps streak NaN).

The *longest prior run* at period t is the length of the longest completed outperformance run
that ended within the ``lookback`` periods before t (a run is counted with its full length even
if it began before the window). The current run ties it when equal and beats it when longer
("a fourth straight week ... ties for the longest such stretch in two years").

Best/worst since
----------------
For a value ``v_t`` of any series, the last earlier observation ``j < t`` with ``v_j >= v_t``
("best since j", mode ``"max"``) or ``v_j <= v_t`` (mode ``"min"``). Without such j the value is
the best (worst) of the whole history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from sizeup.analytics.performance._relative import RelativeHow, relative_return
from sizeup.analytics.performance._returns import period_returns
from sizeup.calendar import Frequency
from sizeup.errors import DataError
from sizeup.types import DateLike

__all__ = [
    "BestSince",
    "StreakResult",
    "best_since",
    "longest_prior_run",
    "outperformance_streak",
    "record_since_index",
    "signed_streak",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
Mode = Literal["max", "min"]


def signed_streak(
    rel: pd.Series,
    *,
    threshold: float = 0.0,
    on_missing: Literal["break", "skip"] = "break",
) -> pd.Series:
    """Signed run length of outperformance (+) / underperformance (-) per period.

    Parameters
    ----------
    rel
        Relative return per period (decimal); NaN = missing period.
    threshold
        ``|rel| <= threshold`` counts as a tie (streak 0).
    on_missing
        ``"break"`` (default): a missing period ends the run (streak 0 there).
        ``"skip"``: the run continues across missing periods (streak NaN there).

    Returns
    -------
    pandas.Series
        Integers (float dtype when ``on_missing="skip"`` leaves NaN), same index as ``rel``.
    """
    if on_missing not in ("break", "skip"):
        raise DataError(f"on_missing={on_missing!r}; valid: 'break', 'skip'")
    values = rel.to_numpy(dtype=float)
    keep = np.isfinite(values) if on_missing == "skip" else np.ones(len(values), dtype=bool)
    v = values[keep]
    sign = np.where(v > threshold, 1, np.where(v < -threshold, -1, 0)).astype(np.int64)
    sign[~np.isfinite(v)] = 0
    n = len(sign)
    streak = np.zeros(n, dtype=np.int64)
    if n:
        new_run = np.ones(n, dtype=bool)
        new_run[1:] = sign[1:] != sign[:-1]
        run_start = np.maximum.accumulate(np.where(new_run, np.arange(n), 0))
        streak = (np.arange(n) - run_start + 1) * sign
    if on_missing == "skip":
        out = np.full(len(values), np.nan)
        out[keep] = streak
        return pd.Series(out, index=rel.index, name="streak")
    return pd.Series(streak, index=rel.index, name="streak")


def longest_prior_run(streak: pd.Series, *, lookback: int, sign: int = 1) -> pd.Series:
    """Longest completed run (of ``sign``) that ended within the ``lookback`` periods before t.

    Parameters
    ----------
    streak
        Output of :func:`signed_streak`.
    lookback
        Window in periods (104 weeks = two years).
    sign
        +1 for outperformance runs, -1 for underperformance runs.

    Returns
    -------
    pandas.Series
        Non-negative run lengths (0 when no run ended in the window).
    """
    if lookback < 1:
        raise DataError(f"lookback={lookback} must be >= 1 period")
    s = streak.to_numpy(dtype=float)
    s = np.where(np.isfinite(s), s, 0.0) * sign
    n = len(s)
    nxt = np.append(s[1:], 0.0)
    ends = np.where((s > 0) & (nxt != s + 1), s, 0.0)
    # value at t = max(ends[t-lookback .. t-1]) (the current, unfinished run is never included)
    out = np.zeros(n)
    if n:
        prior = pd.Series(np.insert(ends[:-1], 0, 0.0)).rolling(lookback, min_periods=1).max()
        out = prior.to_numpy()
    return pd.Series(out.astype(np.int64), index=streak.index, name="longest_prior")


@dataclass(frozen=True)
class StreakResult:
    """Outperformance streak of A over B as of a period end.

    Attributes
    ----------
    a, b
        Symbols.
    freq
        Period (``"W"`` or ``"M"``...).
    asof
        Last period end used.
    current
        Signed streak at ``asof`` (+4 = fourth straight period of outperformance).
    longest_prior
        Longest outperformance run that ended within ``lookback`` periods before ``asof``.
    lookback
        Look-back in periods.
    status
        ``"beats"``, ``"ties"``, ``"below"`` (current positive run vs ``longest_prior``) or
        ``"none"`` (no current outperformance run).
    periods
        Per period: ``ret_a``, ``ret_b``, ``rel``, ``streak``, ``longest_prior``.
    """

    a: str
    b: str
    freq: str
    asof: pd.Timestamp
    current: int
    longest_prior: int
    lookback: int
    status: Literal["beats", "ties", "below", "none"]
    periods: pd.DataFrame = field(repr=False)

    def summary(self) -> str:
        """One sentence, e.g. "IWM outperformed SPY for a 4th straight week; ties ..."."""
        unit = {"W": "week", "M": "month", "Q": "quarter", "H": "half-year", "Y": "year"}.get(
            self.freq, self.freq
        )
        if self.current > 0:
            head = f"{self.a} outperformed {self.b} for {_ordinal(self.current)} straight {unit}"
        elif self.current < 0:
            head = f"{self.a} underperformed {self.b} for {_ordinal(-self.current)} straight {unit}"
        else:
            head = f"{self.a} and {self.b} tied or data missing in the last {unit}"
        tail = {
            "beats": f"longest run in {self.lookback} {unit}s (prior best {self.longest_prior})",
            "ties": f"ties the longest run in {self.lookback} {unit}s ({self.longest_prior})",
            "below": f"longest run in {self.lookback} {unit}s: {self.longest_prior}",
            "none": f"longest run in {self.lookback} {unit}s: {self.longest_prior}",
        }[self.status]
        return f"{head} as of {self.asof.date()}; {tail}"

    def __repr__(self) -> str:
        return f"StreakResult({self.summary()})"


def _ordinal(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"a {n}{suffix}"


def outperformance_streak(
    prices: pd.DataFrame,
    a: str,
    b: str,
    *,
    freq: Frequency = "W",
    lookback: int = 104,
    asof: DateLike | None = None,
    how: RelativeHow = "ratio",
    threshold: float = 0.0,
    on_missing: Literal["break", "skip"] = "break",
) -> StreakResult:
    """Consecutive periods in which A outperformed B, and how the run ranks (F21, F22).

    Parameters
    ----------
    prices
        Wide frame of closes (total-return closes for TR streaks) with columns ``a`` and ``b``.
    a, b
        The two symbols.
    freq
        ``"W"`` (Friday-to-Friday, holiday aware), ``"M"``, ...
    lookback
        Periods to look back for the longest prior run (104 weeks = two years).
    asof
        As-of date; the last period is the one containing it (a running week counts up to
        ``asof``).
    how
        Relative measure per period (``"ratio"`` per F21, or ``"diff"``).
    threshold, on_missing
        See :func:`signed_streak`.
    """
    for sym in (a, b):
        if sym not in prices.columns:
            raise DataError(f"symbol {sym!r} is not a column of prices: {list(prices.columns)}")
    frame = prices[[a, b]]
    if asof is not None:
        frame = frame.loc[: pd.Timestamp(asof)]
    rets = period_returns(frame, freq, end=asof)
    rel = relative_return(rets[a], rets[b], how=how)
    assert isinstance(rel, pd.Series)
    streak = signed_streak(rel, threshold=threshold, on_missing=on_missing)
    longest = longest_prior_run(streak.fillna(0), lookback=lookback)
    periods = pd.DataFrame(
        {"ret_a": rets[a], "ret_b": rets[b], "rel": rel, "streak": streak, "longest_prior": longest}
    )
    if periods.empty:
        raise DataError(f"no complete {freq} periods for {a} and {b} before {asof}")
    cur_raw = periods["streak"].iloc[-1]
    cur = int(cur_raw) if np.isfinite(cur_raw) else 0
    lp = int(periods["longest_prior"].iloc[-1])
    status: Literal["beats", "ties", "below", "none"]
    if cur <= 0:
        status = "none"
    elif cur > lp:
        status = "beats"
    elif cur == lp:
        status = "ties"
    else:
        status = "below"
    return StreakResult(
        a, b, freq, pd.Timestamp(periods.index[-1]), cur, lp, lookback, status, periods
    )


# ------------------------------------------------------------------ best / worst since
def _record_since_py(values: FloatArray) -> IntArray:
    """Slow reference of the numba kernel ``record_since_nb`` (quadratic scan)."""
    n = len(values)
    out = np.full(n, -1, dtype=np.int64)
    for i in range(n):
        if not np.isfinite(values[i]):
            continue
        for j in range(i - 1, -1, -1):
            if np.isfinite(values[j]) and values[j] >= values[i]:
                out[i] = j
                break
    return out


def record_since_index(values: npt.ArrayLike, *, mode: Mode = "max") -> IntArray:
    """For each i, the last ``j < i`` with ``v[j] >= v[i]`` (``"max"``) or ``<=`` (``"min"``).

    Returns -1 where no earlier value qualifies (a record) and for NaN values; NaN never
    qualifies. O(n) monotonic-stack kernel.
    """
    v = np.asarray(values, dtype=np.float64)
    if mode == "min":
        v = -v
    elif mode != "max":
        raise DataError(f"mode={mode!r}; valid: 'max', 'min'")
    from sizeup.analytics.performance._streaks_kernel import record_since_nb

    return np.asarray(record_since_nb(np.ascontiguousarray(v)), dtype=np.int64)


def _last_record_since(values: FloatArray, pos: int, mode: Mode) -> int:
    """``record_since_index(values, mode=mode)[pos]`` for one position, without numba.

    The last ``j < pos`` with a finite ``values[j] >= values[pos]`` (``"max"``) or ``<=``
    (``"min"``); -1 when there is none or ``values[pos]`` is not finite (one vectorised scan,
    O(pos)).
    """
    if mode not in ("max", "min"):
        raise DataError(f"mode={mode!r}; valid: 'max', 'min'")
    v = values[pos]
    if not np.isfinite(v):
        return -1
    earlier = values[:pos]
    ok = (earlier >= v) if mode == "max" else (earlier <= v)
    hits = np.flatnonzero(ok & np.isfinite(earlier))
    return int(hits[-1]) if hits.size else -1


@dataclass(frozen=True)
class BestSince:
    """Where a value ranks in its own history.

    Attributes
    ----------
    at
        Index label of the value examined.
    value
        The value.
    mode
        ``"max"`` (best since) or ``"min"`` (worst since).
    since
        Label of the last earlier observation at least as good (``None`` = record).
    since_value
        Its value.
    periods_since
        Observations between ``since`` and ``at`` (``at`` position minus ``since`` position);
        for a record, the number of earlier observations.
    rank
        Rank of ``value`` among all observations up to ``at`` (1 = best for ``"max"``).
    n
        Observations up to and including ``at``.
    """

    at: object
    value: float
    mode: Mode
    since: object | None
    since_value: float | None
    periods_since: int
    rank: int
    n: int

    @property
    def is_record(self) -> bool:
        """True when no earlier observation was as good."""
        return self.since is None

    def summary(self) -> str:
        """E.g. "best since 2013 (11 periods)" or "best on record (25 observations)"."""
        word = "best" if self.mode == "max" else "worst"
        at = _label(self.at)
        if self.since is None:
            return f"{at}: {self.value:.4g} is the {word} on record ({self.n} observations)"
        return (
            f"{at}: {self.value:.4g} is the {word} since {_label(self.since)} "
            f"({self.since_value:.4g}; {self.periods_since} periods earlier; rank {self.rank} of "
            f"{self.n})"
        )

    def __repr__(self) -> str:
        return f"BestSince({self.summary()})"


def _label(value: object) -> str:
    if isinstance(value, pd.Timestamp):
        return str(value.date())
    return str(value)


def best_since(series: pd.Series, *, mode: Mode = "max", at: object | None = None) -> BestSince:
    """Best (``"max"``) or worst (``"min"``) since when, for one value of a series.

    Parameters
    ----------
    series
        Any series (yearly start-of-year returns, monthly gaps, daily breadth...). NaN ignored.
    mode
        ``"max"``: "strongest since"; ``"min"``: "weakest since".
    at
        Index label to examine (default: the last non-NaN value).

    Raises
    ------
    DataError
        ``at`` is not in the index or its value is NaN; the series has no values.
    """
    s = series.dropna()
    if s.empty:
        raise DataError("series has no non-NaN values; nothing to rank")
    if at is None:
        pos = len(s) - 1
    else:
        if at not in s.index:
            raise DataError(f"at={at!r} is not a (non-NaN) label of the series")
        pos = int(s.index.get_loc(at))  # type: ignore[arg-type]
    values = s.to_numpy(dtype=float)[: pos + 1]
    j = _last_record_since(values, pos, mode)
    v = float(values[pos])
    better = np.sum(values > v) if mode == "max" else np.sum(values < v)
    return BestSince(
        at=s.index[pos],
        value=v,
        mode=mode,
        since=None if j < 0 else s.index[j],
        since_value=None if j < 0 else float(values[j]),
        periods_since=pos if j < 0 else pos - j,
        rank=int(better) + 1,
        n=pos + 1,
    )
