"""Conditional history: what followed when a condition held (docs/methods.md §S3, feature F27).

The generic :func:`conditional_outcomes` groups an outcome series by the value of a condition series
(boolean or categorical) and reports, per bucket, n, mean, median, hit rate, t, HAC t and a
stationary-bootstrap CI, plus a permutation-test p-value of the difference between buckets.

Builders cover the cases the commentary quotes:

- :func:`calendar_year_returns` and :func:`half_year_returns` from daily levels;
- :func:`next_year_given_h2` (F27): next calendar-year return given the sign of the H2 (Jul 1 to
  Dec 31) relative performance ``(1 + r_a) / (1 + r_b) - 1``;
- :func:`next_year_given_year`: the calendar-year analogue of §6.3;
- :func:`forward_relative_returns` and :func:`conditional_forward`: next 3/6/12-month relative
  return given any condition series (streak, record, breadth extreme) computed elsewhere.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from sizeup.analytics.stats._core import SampleStats, permutation_pvalue, sample_stats, stats_table
from sizeup.errors import DataError

__all__ = [
    "ConditionalTable",
    "Outcome",
    "calendar_year_returns",
    "conditional_forward",
    "conditional_outcomes",
    "forward_relative_returns",
    "half_year_returns",
    "next_year_given_h2",
    "next_year_given_year",
]

logger = logging.getLogger(__name__)

Outcome = Literal["a", "b", "relative"]


@dataclass(frozen=True)
class ConditionalTable:
    """Outcome statistics per condition bucket.

    Attributes
    ----------
    name
        What was conditioned on what.
    table
        One row per bucket (index = bucket label): n, mean, median, std, hit_rate, t_stat, p_value,
        hac_t, hac_lags, ci_low, ci_high.
    stats
        Rows as :class:`~sizeup.analytics.stats.SampleStats`, keyed by bucket label.
    pairs
        The aligned observations: columns ``condition`` and ``outcome``.
    difference
        For two buckets, ``mean(first) - mean(second)`` in the order of ``table`` (sorted labels,
        ``True`` before ``False``); for more buckets the spread ``max(mean) - min(mean)``.
    p_value
        Permutation-test p-value of the difference (two buckets) or of the spread (more buckets,
        buckets' labels shuffled jointly); NaN with one bucket.
    """

    name: str
    table: pd.DataFrame
    stats: dict[str, SampleStats]
    pairs: pd.DataFrame
    difference: float
    p_value: float

    def bucket(self, label: Hashable) -> SampleStats:
        """Statistics of one bucket (labels are compared as strings)."""
        key = str(label)
        if key not in self.stats:
            raise DataError(f"{self.name}: no bucket {label!r}; buckets are {sorted(self.stats)}")
        return self.stats[key]

    def summary(self) -> str:
        """Readable table in percent with the permutation p-value."""
        lines = [f"Conditional: {self.name}"]
        for label, st in self.stats.items():
            lines.append(f"  {label:>12}: {st.summary()}")
        lines.append(f"  difference={100 * self.difference:.3f}% permutation p={self.p_value:.4f}")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.summary()


def _order(labels: Sequence[Hashable]) -> list[Hashable]:
    uniq = list(dict.fromkeys(labels))
    if all(isinstance(v, bool | np.bool_) for v in uniq):
        return sorted(uniq, key=lambda v: not bool(v))
    try:
        return sorted(uniq)  # type: ignore[type-var]
    except TypeError:
        return sorted(uniq, key=str)


def _spread_pvalue(
    values: np.ndarray, labels: np.ndarray, reps: int, seed: int
) -> tuple[float, float]:
    cats = np.unique(labels)

    def spread(lab: np.ndarray) -> float:
        means = [values[lab == c].mean() for c in cats]
        return float(max(means) - min(means))

    observed = spread(labels)
    rng = np.random.default_rng(seed)
    count = 0
    for _ in range(reps):
        if spread(rng.permutation(labels)) >= observed - 1e-12:
            count += 1
    return observed, (count + 1) / (reps + 1)


def conditional_outcomes(
    condition: pd.Series,
    outcome: pd.Series,
    *,
    periods_ahead: int = 1,
    hac_lags: int | None = None,
    level: float = 0.95,
    reps: int = 1000,
    permutation_reps: int = 10_000,
    seed: int = 0,
    name: str | None = None,
) -> ConditionalTable:
    """Statistics of ``outcome`` grouped by the value of ``condition`` ``periods_ahead`` earlier.

    Parameters
    ----------
    condition
        Boolean or categorical series; NaN/None rows are dropped.
    outcome
        Numeric series (decimal fractions). It is aligned to ``condition`` on the common index,
        then shifted: the outcome paired with the condition at row ``i`` is the outcome at row
        ``i + periods_ahead`` of the aligned index (``periods_ahead=1``: next period's outcome;
        ``0``: the caller already aligned them).
    periods_ahead
        Lead of the outcome in rows of the common index, >= 0.
    hac_lags, level, reps, seed
        Per-bucket statistics (:func:`~sizeup.analytics.stats.sample_stats`).
    permutation_reps
        Permutations for the p-value (exact enumeration for tiny samples).
    name
        Label of the table.

    Notes
    -----
    The permutation test assumes exchangeable observations. Outcomes measured over overlapping
    windows (e.g. 12-month forward returns sampled daily) break that; sample at non-overlapping
    dates (see :func:`conditional_forward`).
    """
    if periods_ahead < 0:
        raise DataError(f"conditional_outcomes: periods_ahead must be >= 0, got {periods_ahead}")
    if not isinstance(condition, pd.Series) or not isinstance(outcome, pd.Series):
        raise DataError("conditional_outcomes: condition and outcome must be pandas Series")
    joined = pd.concat(
        [condition.rename("condition"), outcome.astype("float64").rename("outcome")],
        axis=1,
        join="inner",
    ).sort_index()
    if periods_ahead:
        joined["outcome"] = joined["outcome"].shift(-periods_ahead)
    joined = joined.dropna()
    if joined.empty:
        raise DataError(
            "conditional_outcomes: condition and outcome share no dated observations "
            f"(condition {len(condition)} rows, outcome {len(outcome)} rows)"
        )
    order = _order(list(joined["condition"]))
    rows: dict[str, SampleStats] = {}
    for lab in order:
        sub = joined.loc[joined["condition"] == lab, "outcome"]
        rows[str(lab)] = sample_stats(sub, hac_lags=hac_lags, level=level, reps=reps, seed=seed)
    difference = math.nan
    p = math.nan
    if len(order) == 2:
        a = joined.loc[joined["condition"] == order[0], "outcome"]
        b = joined.loc[joined["condition"] == order[1], "outcome"]
        difference = float(a.mean() - b.mean())
        p = permutation_pvalue(a, b, reps=permutation_reps, seed=seed)
    elif len(order) > 2:
        labels = np.asarray([str(v) for v in joined["condition"]])
        difference, p = _spread_pvalue(
            joined["outcome"].to_numpy(dtype=np.float64), labels, permutation_reps, seed
        )
    label = name or f"{outcome.name or 'outcome'} | {condition.name or 'condition'}"
    return ConditionalTable(label, stats_table(rows), rows, joined, difference, p)


def _levels(x: pd.Series, name: str) -> pd.Series:
    if not isinstance(x, pd.Series) or not isinstance(x.index, pd.DatetimeIndex):
        raise DataError(f"{name}: expected a level Series with a DatetimeIndex")
    lv = x.astype("float64").dropna().sort_index()
    if lv.empty:
        raise DataError(f"{name}: no levels")
    return lv


def calendar_year_returns(levels: pd.Series, *, include_partial: bool = False) -> pd.Series:
    """Calendar-year returns from daily levels: last level of year / last level of prior year - 1.

    Parameters
    ----------
    levels
        Daily closes (price or total-return index) with a DatetimeIndex.
    include_partial
        Keep the final year when the data end before December 28 (a year-to-date return).

    Returns
    -------
    pandas.Series
        Indexed by year (int). The first year of data has no prior year-end and is dropped.
    """
    lv = _levels(levels, "levels")
    didx = pd.DatetimeIndex(lv.index)
    year_end = lv.groupby(didx.year).last()
    last_date = lv.index[-1]
    out = (year_end / year_end.shift(1) - 1.0).iloc[1:]
    complete_last = last_date.month == 12 and last_date.day >= 28
    if not include_partial and not complete_last and len(out):
        out = out.iloc[:-1]
    out.index = out.index.astype("int64")
    out.index.name = "year"
    out.name = levels.name
    return out


def half_year_returns(levels: pd.Series, *, half: Literal[1, 2] = 2) -> pd.Series:
    """Half-year returns from daily levels, indexed by year.

    ``half=2`` is Jul 1 - Dec 31: last level of December / last level of June - 1 (F27's H2);
    ``half=1`` is Jan 1 - Jun 30: last level of June / last level of prior December - 1. Halves
    whose end month has no data, or whose start anchor is missing, are dropped; a half-year still
    in progress (data ending before Dec 28 / Jun 28) is dropped.
    """
    lv = _levels(levels, "levels")
    didx = pd.DatetimeIndex(lv.index)
    month_end = lv.groupby([didx.year, didx.month]).last()
    last_date = lv.index[-1]
    out: dict[int, float] = {}
    for y in sorted(set(didx.year)):
        start_key = (y, 6) if half == 2 else (y - 1, 12)
        end_key = (y, 12) if half == 2 else (y, 6)
        if start_key not in month_end.index or end_key not in month_end.index:
            continue
        if (y, end_key[1]) == (last_date.year, last_date.month) and last_date.day < 28:
            continue
        out[y] = float(month_end[end_key] / month_end[start_key] - 1.0)
    res = pd.Series(out, dtype="float64", name=levels.name)
    res.index.name = "year"
    return res


def _relative(a: pd.Series, b: pd.Series) -> pd.Series:
    """``(1 + a) / (1 + b) - 1`` on the common, non-missing index of ``a`` and ``b``."""
    both = pd.concat([a, b], axis=1, join="inner").dropna()
    return (1.0 + both.iloc[:, 0]) / (1.0 + both.iloc[:, 1]) - 1.0


def _outcome_years(a_years: pd.Series, b_years: pd.Series, outcome: Outcome) -> pd.Series:
    if outcome == "a":
        return a_years
    if outcome == "b":
        return b_years
    return _relative(a_years, b_years)


def _year_window(s: pd.Series, start_year: int | None, end_year: int | None) -> pd.Series:
    lo = s.index.min() if start_year is None else start_year
    hi = s.index.max() if end_year is None else end_year
    return s[(s.index >= lo) & (s.index <= hi)]


def next_year_given_h2(
    a_levels: pd.Series,
    b_levels: pd.Series,
    *,
    outcome: Outcome = "a",
    start_year: int | None = None,
    end_year: int | None = None,
    reps: int = 1000,
    permutation_reps: int = 10_000,
    seed: int = 0,
) -> ConditionalTable:
    """F27: next calendar-year return given the sign of H2 relative performance.

    Parameters
    ----------
    a_levels, b_levels
        Daily levels of the series compared (e.g. Russell 2000 and S&P 500).
    outcome
        Next-year return of ``"a"``, of ``"b"`` or the relative return ``"relative"``.
    start_year, end_year
        Range of *condition* years (H2 of year y conditions the outcome of y + 1).

    Returns
    -------
    ConditionalTable
        Buckets ``"True"`` (``a`` beat ``b`` in H2 of y, i.e. ``(1+r_a)/(1+r_b) - 1 > 0``) and
        ``"False"``. Ties (exactly zero) count as False.
    """
    return _next_year_given(
        half_year_returns(a_levels, half=2),
        half_year_returns(b_levels, half=2),
        calendar_year_returns(a_levels),
        calendar_year_returns(b_levels),
        cond_name="h2_outperformed",
        what="H2",
        outcome=outcome,
        start_year=start_year,
        end_year=end_year,
        reps=reps,
        permutation_reps=permutation_reps,
        seed=seed,
    )


def _next_year_given(
    a_cond: pd.Series,
    b_cond: pd.Series,
    a_years: pd.Series,
    b_years: pd.Series,
    *,
    cond_name: str,
    what: str,
    outcome: Outcome,
    start_year: int | None,
    end_year: int | None,
    reps: int,
    permutation_reps: int,
    seed: int,
) -> ConditionalTable:
    """Next-year outcome bucketed by whether ``a`` beat ``b`` in the condition returns."""
    cond = _relative(a_cond, b_cond) > 0
    cond = _year_window(cond.rename(cond_name), start_year, end_year)
    nxt = _outcome_years(a_years, b_years, outcome).copy()
    nxt.index = nxt.index - 1  # outcome of y+1 filed under y
    return conditional_outcomes(
        cond,
        nxt.rename(f"next_year_{outcome}"),
        periods_ahead=0,
        reps=reps,
        permutation_reps=permutation_reps,
        seed=seed,
        name=f"next-year return of {outcome} | {what} relative performance > 0",
    )


def next_year_given_year(
    a_years: pd.Series,
    b_years: pd.Series,
    *,
    outcome: Outcome = "a",
    start_year: int | None = None,
    end_year: int | None = None,
    reps: int = 1000,
    permutation_reps: int = 10_000,
    seed: int = 0,
) -> ConditionalTable:
    """Next calendar-year return given whether ``a`` beat ``b`` in the calendar year (§6.3).

    Parameters
    ----------
    a_years, b_years
        Calendar-year returns indexed by int year (e.g. from :func:`calendar_year_returns`, or a
        published table).
    outcome
        Next-year return of ``"a"``, ``"b"`` or ``"relative"``.
    start_year, end_year
        Range of condition years.
    """
    return _next_year_given(
        a_years,
        b_years,
        a_years,
        b_years,
        cond_name="year_outperformed",
        what="calendar-year",
        outcome=outcome,
        start_year=start_year,
        end_year=end_year,
        reps=reps,
        permutation_reps=permutation_reps,
        seed=seed,
    )


def forward_relative_returns(a_levels: pd.Series, b_levels: pd.Series, *, months: int) -> pd.Series:
    """Forward relative return over the next ``months`` calendar months, for every date.

    For a date t the value is ``(A_{t'} / A_t) / (B_{t'} / B_t) - 1`` where ``t'`` is the last
    common date on or before ``t + months``; NaN where the data end before ``t + months``.
    """
    if months < 1:
        raise DataError(f"forward_relative_returns: months must be >= 1, got {months}")
    both = pd.concat(
        [_levels(a_levels, "a_levels"), _levels(b_levels, "b_levels")], axis=1, join="inner"
    ).dropna()
    ratio = both.iloc[:, 0] / both.iloc[:, 1]
    target = pd.DatetimeIndex(ratio.index) + pd.DateOffset(months=months)
    pos = ratio.index.searchsorted(target, side="right") - 1
    values = ratio.to_numpy()
    fwd = np.full(len(ratio), np.nan)
    valid = target <= ratio.index[-1]
    fwd[valid] = values[pos[valid]] / values[valid] - 1.0
    return pd.Series(fwd, index=ratio.index, name=f"fwd_rel_{months}m")


def conditional_forward(
    condition: pd.Series,
    a_levels: pd.Series,
    b_levels: pd.Series,
    *,
    horizons: Sequence[int] = (3, 6, 12),
    sample: Literal["M", "all"] = "M",
    reps: int = 1000,
    permutation_reps: int = 10_000,
    seed: int = 0,
) -> dict[int, ConditionalTable]:
    """Next 3/6/12-month relative return of ``a`` vs ``b`` given a condition series.

    Parameters
    ----------
    condition
        Boolean/categorical series on dates (a streak, record or breadth extreme computed
        elsewhere); the outcome starts at the condition's date.
    a_levels, b_levels
        Daily levels.
    horizons
        Months ahead.
    sample
        ``"M"`` keeps the last condition date of each month (fewer overlapping outcomes, the
        default); ``"all"`` keeps every date (overlapping windows: the permutation p-value and
        the bootstrap CI are then too narrow; the HAC t is the statistic to read).

    Returns
    -------
    dict
        Horizon (months) -> :class:`ConditionalTable`.
    """
    cond = condition.dropna()
    if not isinstance(cond.index, pd.DatetimeIndex):
        raise DataError("conditional_forward: condition must have a DatetimeIndex")
    if sample == "M":
        cond = cond.groupby([cond.index.year, cond.index.month]).tail(1)
    elif sample != "all":
        raise DataError(f"conditional_forward: sample must be 'M' or 'all', got {sample!r}")
    out: dict[int, ConditionalTable] = {}
    for h in horizons:
        fwd = forward_relative_returns(a_levels, b_levels, months=h)
        out[h] = conditional_outcomes(
            cond,
            fwd,
            periods_ahead=0,
            reps=reps,
            permutation_reps=permutation_reps,
            seed=seed,
            name=f"{h}-month forward relative return | {condition.name or 'condition'}",
        )
    return out
