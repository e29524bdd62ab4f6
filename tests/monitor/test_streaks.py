"""Outperformance streaks, longest prior run, best/worst-since ranks."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sizeup.analytics.performance import (
    best_since,
    longest_prior_run,
    outperformance_streak,
    record_since_index,
    signed_streak,
)
from sizeup.analytics.performance._streaks import _record_since_py
from sizeup.errors import DataError


def test_signed_streak_ties_and_missing_break_runs():
    rel = pd.Series([0.01, 0.02, 0.0, -0.01, -0.02, np.nan, 0.03, 0.01])
    assert signed_streak(rel).tolist() == [1, 2, 0, -1, -2, 0, 1, 2]


def test_signed_streak_threshold():
    rel = pd.Series([0.01, 0.0005, 0.02])
    assert signed_streak(rel, threshold=0.001).tolist() == [1, 0, 1]


def test_signed_streak_skip_missing():
    rel = pd.Series([0.01, np.nan, 0.02, -0.01])
    out = signed_streak(rel, on_missing="skip").tolist()
    assert out[0] == 1 and np.isnan(out[1]) and out[2:] == [2, -1]


def test_longest_prior_run_counts_completed_runs_only():
    s = pd.Series([1, 2, 3, 0, 1, 2, 3, 4])
    lp = longest_prior_run(s, lookback=10).tolist()
    # the first run (3) completes at index 2 and is visible from index 3 on
    assert lp == [0, 0, 0, 3, 3, 3, 3, 3]
    # with a 3-period look-back the run ending at index 2 drops out at index 6
    assert longest_prior_run(s, lookback=3).tolist()[6] == 0
    neg = pd.Series([-1, -2, 0, 1])
    assert longest_prior_run(neg, lookback=5, sign=-1).tolist() == [0, 0, 2, 2]


def _weekly_frame(
    a_levels: list[float], b_levels: list[float], weeks: pd.DatetimeIndex
) -> pd.DataFrame:
    """Daily closes constant within each week at the given weekly level."""
    days = pd.bdate_range(weeks[0] - pd.Timedelta(days=4), weeks[-1])
    days = days[days != pd.Timestamp("2024-03-29")]  # Good Friday: no session
    key = np.searchsorted(weeks.values, days.values)
    return pd.DataFrame(
        {"A": np.asarray(a_levels)[key], "B": np.asarray(b_levels)[key]}, index=days
    )


def test_outperformance_streak_over_good_friday_with_tie():
    # week ends (Fridays; 2024-03-28 is the Thursday before Good Friday)
    weeks = pd.DatetimeIndex(
        ["2024-03-08", "2024-03-15", "2024-03-22", "2024-03-28", "2024-04-05", "2024-04-12"]
    )
    a = [100.0, 101.0, 102.0, 103.0, 104.0, 105.04]
    b = [100.0, 100.0, 100.0, 100.0, 100.0, 101.0]
    px = _weekly_frame(a, b, weeks)
    res = outperformance_streak(px, "A", "B", freq="W", lookback=104)
    p = res.periods.dropna(subset=["rel"])
    assert list(p.index) == list(weeks[1:])
    # weeks 2-5: A up, B flat -> 4 straight; week 6: A +1 %, B +1 % -> tie, streak resets
    assert p["streak"].tolist() == [1, 2, 3, 4, 0]
    assert res.current == 0 and res.status == "none"
    at4 = outperformance_streak(px, "A", "B", asof="2024-04-05")
    assert at4.current == 4 and at4.status == "beats" and at4.longest_prior == 0
    assert "4th straight week" in at4.summary()


def test_outperformance_streak_ties_longest_and_missing_week():
    weeks = pd.bdate_range("2024-01-05", periods=12, freq="W-FRI")
    # rel pattern: + + - + + (missing week) (no base) + + - +
    b = [100.0] * 12
    a = [100, 101, 102, 101, 102, 103, 104, 104, 105, 106, 105, 106]
    px = _weekly_frame([float(x) for x in a], b, weeks)
    px = px.drop(px.loc["2024-02-12":"2024-02-16"].index)  # week ending 02-16 has no data
    res = outperformance_streak(px, "A", "B", asof="2024-02-09")
    assert res.current == 2 and res.longest_prior == 2 and res.status == "ties"
    res2 = outperformance_streak(px, "A", "B", asof="2024-03-08")
    streak = res2.periods["streak"]
    assert streak.loc["2024-02-16"] == 0 and streak.loc["2024-02-23"] == 0  # gap breaks the run
    assert streak.loc["2024-03-01"] == 1
    with pytest.raises(DataError, match="not a column"):
        outperformance_streak(px, "A", "Z")


def test_outperformance_streak_tie_with_longest():
    weeks = pd.bdate_range("2024-01-05", periods=8, freq="W-FRI")
    a = [100, 101, 102, 101, 102, 103, 100, 100]  # + + - + + -  : runs of 2 and 2
    px = _weekly_frame([float(x) for x in a], [100.0] * 8, weeks)
    res = outperformance_streak(px, "A", "B", asof=str(weeks[5].date()))
    assert res.current == 2 and res.longest_prior == 2 and res.status == "ties"


def test_best_since_max_min_and_record():
    s = pd.Series([5.0, 3.0, 4.0, 2.0, 4.5], index=[2019, 2020, 2021, 2022, 2023])
    b = best_since(s)
    assert b.since == 2019 and b.periods_since == 4 and b.rank == 2 and b.n == 5
    w = best_since(pd.Series([1.0, 3.0, 2.0, 5.0, 2.5]), mode="min")
    assert w.since == 2 and w.since_value == 2.0
    r = best_since(pd.Series([1.0, 2.0, 3.0]))
    assert r.is_record and r.rank == 1 and "on record" in r.summary()
    # ties count as "at least as good"
    assert best_since(pd.Series([3.0, 1.0, 3.0])).since == 0
    assert best_since(s, at=2021).since == 2019
    with pytest.raises(DataError):
        best_since(pd.Series([np.nan]))


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(st.integers(-5, 5).map(float), st.just(float("nan"))), min_size=0, max_size=40
    ),
    st.sampled_from(["max", "min"]),
)
def test_record_since_kernel_matches_reference(values, mode):
    v = np.asarray(values, dtype=float)
    ref = _record_since_py(-v if mode == "min" else v)
    assert record_since_index(v, mode=mode).tolist() == ref.tolist()
