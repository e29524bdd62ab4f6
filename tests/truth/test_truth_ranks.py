"""Start-of-year and monthly-gap ranks, and the race to a record, on hand-built prices.

B is flat at 100; A jumps on chosen sessions, so every return of A vs B is known by design.
Sessions come straight from ``exchange_calendars`` (XNYS), not from sizeup's calendar.
"""

from __future__ import annotations

import exchange_calendars as xcals
import numpy as np
import pandas as pd
import pytest

from sizeup.analytics.performance import (
    first_to_record,
    monthly_gap_rank,
    monthly_gaps,
    start_of_year_gaps,
    start_of_year_rank,
)
from sizeup.errors import DataError

_CAL = xcals.get_calendar("XNYS", start="1998-01-01", end="2026-12-31")


def _sessions(start: str, end: str) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(_CAL.sessions_in_range(start, end)).tz_localize(None)


def _prices(jumps: dict[pd.Timestamp, float], end: str = "2025-12-31") -> pd.DataFrame:
    idx = _sessions("1999-01-04", end)
    factor = pd.Series(1.0, index=idx)
    for day, g in jumps.items():
        factor[day] *= 1.0 + g
    return pd.DataFrame({"A": 100.0 * factor.cumprod(), "B": 100.0}, index=idx)


def _year_start_gains(last: float) -> dict[int, float]:
    g = {y: 0.01 * (y % 3) - 0.01 for y in range(1999, 2026)}  # -1 %, 0 %, +1 %
    g[2013] = 0.07
    g[2020] = 0.06
    g[2008] = -0.08
    g[2025] = last
    return g


def _jumps_on_first_session(gains: dict[int, float]) -> dict[pd.Timestamp, float]:
    return {_sessions(f"{y}-01-01", f"{y}-12-31")[0]: g for y, g in gains.items()}


def test_best_start_since() -> None:
    gains = _year_start_gains(0.05)
    px = _prices(_jumps_on_first_session(gains))
    s = start_of_year_gaps(px, "A", "B", asof="2025-03-14")
    assert list(s.index) == list(range(2000, 2026))
    for y, v in s.items():
        assert v == pytest.approx(gains[int(y)], abs=1e-12), y
    r = start_of_year_rank(px, "A", "B", asof="2025-03-14")
    assert r is not None
    assert r.mode == "max"
    assert (r.at, r.since, r.periods_since) == (2025, 2020, 5)
    assert r.value == pytest.approx(0.05)
    assert (r.rank, r.n) == (3, 26)  # behind 2013 (7 %) and 2020 (6 %)
    assert not r.is_record


def test_worst_start_since() -> None:
    px = _prices(_jumps_on_first_session(_year_start_gains(-0.04)))
    r = start_of_year_rank(px, "A", "B", asof="2025-03-14")
    assert r is not None
    assert r.mode == "min"
    assert (r.since, r.periods_since, r.rank) == (2008, 17, 2)


def test_start_of_year_only_counts_the_first_n_sessions() -> None:
    """As of 2025-03-14 (N = 49), a jump on the 60th session of 2013 is not in 2013's start."""
    gains = _year_start_gains(0.05)
    jumps = _jumps_on_first_session(gains)
    n = len(_sessions("2025-01-01", "2025-03-14"))
    assert n == 49
    jumps[_sessions("2013-01-01", "2013-12-31")[59]] = 0.50
    jumps[_sessions("2014-01-01", "2014-12-31")[n - 1]] = 0.10  # the 49th session counts
    s = start_of_year_gaps(_prices(jumps), "A", "B", asof="2025-03-14")
    assert s[2013] == pytest.approx(0.07)
    assert s[2014] == pytest.approx((1 + gains[2014]) * 1.10 - 1)


@pytest.mark.parametrize("asof", ["2025-12-31", "2025-12-30", "2024-12-31"])
def test_year_end_with_short_years(asof: str) -> None:
    """At a year end N exceeds the length of some years (2001: 248 sessions): they count whole.

    A jump on the last session of 2001 is inside 2001's start; a jump on the 252nd session of
    2024 is not when N = 250 (as of 2025-12-31).
    """
    gains = _year_start_gains(0.02)
    gains[2002] = 0.03  # must not leak into 2001's start
    jumps = _jumps_on_first_session(gains)
    last_2001 = _sessions("2001-01-01", "2001-12-31")
    assert len(last_2001) == 248
    jumps[last_2001[-1]] = 0.10
    s2024 = _sessions("2024-01-01", "2024-12-31")
    jumps[s2024[-1]] = 0.20
    px = _prices(jumps)
    n = len(_sessions(f"{asof[:4]}-01-01", asof))
    s = start_of_year_gaps(px, "A", "B", asof=asof)
    assert s[2001] == pytest.approx((1 + gains[2001]) * 1.10 - 1)
    want_2024 = (1 + gains[2024]) * (1.20 if n >= len(s2024) else 1.0) - 1
    assert s[2024] == pytest.approx(want_2024)
    assert start_of_year_rank(px, "A", "B", asof=asof) is not None


def test_monthly_gap_rank() -> None:
    """Monthly gaps chosen by hand; the last (+3 %) is the best since 2024-03 (+4 %)."""
    months = pd.period_range("2024-01", "2025-06", freq="M")
    gaps = [0.01, -0.02, 0.04, 0.0, 0.02, -0.05, 0.01, 0.02, -0.01, 0.025, 0.0, 0.01]
    gaps += [-0.03, 0.02, 0.015, -0.01, 0.0, 0.03]
    jumps = {}
    for m, g in zip(months, gaps, strict=True):
        mid = _sessions(str(m.start_time.date()), str(m.end_time.date()))[10]
        jumps[mid] = g
    px = _prices(jumps, end="2025-06-30").loc["2023-12-01":]
    s = monthly_gaps(px, "A", "B", end="2025-06-30")
    s = s[s.index >= "2024-01-01"]
    assert s.to_numpy() == pytest.approx(gaps, abs=1e-12)
    r = monthly_gap_rank(px, "A", "B", end="2025-06-30")
    assert r is not None
    assert r.mode == "max"
    assert pd.Timestamp(r.since) == pd.Timestamp("2024-03-28")  # last session of March 2024
    assert r.periods_since == 15
    # a negative last month ranks as "worst since"
    jumps[_sessions("2025-06-01", "2025-06-30")[10]] = -0.04
    px = _prices(jumps, end="2025-06-30").loc["2023-12-01":]
    r = monthly_gap_rank(px, "A", "B", end="2025-06-30")
    assert r is not None
    assert r.mode == "min"
    assert pd.Timestamp(r.since) == pd.Timestamp("2024-06-28")
    assert r.rank == 2


def test_race_to_record() -> None:
    idx = pd.bdate_range("2020-01-01", periods=80)
    a = np.full(80, 90.0)
    a[10] = 100.0  # A's record before the race
    a[50] = 101.0  # back above it on row 50
    b = np.full(80, 150.0)
    b[5] = 200.0
    b[40] = 200.5  # B first, on row 40
    c = np.full(80, 50.0)
    c[3] = 70.0  # C never gets back
    px = pd.DataFrame({"A": a, "B": b, "C": c}, index=idx)
    got = first_to_record(px, since=idx[20])
    assert list(got.index) == ["B", "A", "C"]
    assert got.loc["B", "record_date"] == idx[40]
    assert got.loc["A", "record_date"] == idx[50]
    assert pd.isna(got.loc["C", "record_date"])
    assert got.loc["B", "sessions_after"] == 20
    assert got.loc["A", "sessions_after"] == 30
    assert (got.loc["B", "order"], got.loc["A", "order"]) == (1.0, 2.0)
    assert np.isnan(got.loc["C", "order"])
    assert np.isnan(got.loc["C", "sessions_after"])
    assert got.loc["A", "prior_record"] == 100.0
    assert got.loc["A", "prior_record_date"] == idx[10]
    # equal to the record is not a new record
    a2 = a.copy()
    a2[50] = 100.0
    got2 = first_to_record(px.assign(A=a2), since=idx[20])
    assert pd.isna(got2.loc["A", "record_date"])


def test_start_of_year_edges() -> None:
    """Before the year's first session there is no start yet; on it, N = 1; the first data year
    (one close, 1998-12-31) is the base of the next; B's own moves are subtracted."""
    gains = _year_start_gains(0.05)
    px = _prices(_jumps_on_first_session(gains))
    empty = start_of_year_gaps(px, "A", "B", asof="2025-01-01")
    assert empty.empty and empty.dtype == float
    assert start_of_year_rank(px, "A", "B", asof="2025-01-01") is None
    first = start_of_year_gaps(px, "A", "B", asof="2025-01-02")
    assert first[2025] == pytest.approx(0.05)
    assert first[2013] == pytest.approx(0.07)
    # one close in 1998, and B moving too: gap = A's start minus B's start
    base = pd.DataFrame({"A": [100.0], "B": [100.0]}, index=[pd.Timestamp("1998-12-31")])
    b_jumps = {_sessions("1999-01-01", "1999-12-31")[0]: 0.02}
    px2 = pd.concat([base, px.assign(B=_prices(b_jumps)["A"])])
    s = start_of_year_gaps(px2, "A", "B", asof="2025-03-14")
    assert s.index[0] == 1999
    assert s[1999] == pytest.approx(gains[1999] - 0.02)


def test_monthly_gaps_stop_at_end_and_subtract_b() -> None:
    jumps_a = {_sessions("2025-01-01", "2025-01-31")[5]: 0.03}
    jumps_a[_sessions("2025-05-01", "2025-05-31")[5]] = 0.05
    jumps_b = {_sessions("2025-01-01", "2025-01-31")[7]: 0.01}
    a = _prices(jumps_a, end="2025-06-30")["A"]
    b = _prices(jumps_b, end="2025-06-30")["A"]
    px = pd.DataFrame({"A": a, "B": b}).loc["2024-11-01":]
    s = monthly_gaps(px, "A", "B", end="2025-03-31")
    assert s.index[-1] == pd.Timestamp("2025-03-31")
    assert s.loc["2025-01-31"] == pytest.approx(0.02)
    r = monthly_gap_rank(px, "A", "B", end="2025-03-31")
    assert r is not None and r.at == pd.Timestamp("2025-03-31")
    # a last gap of exactly 0 ranks as "best since" (mode max), not "worst since"
    assert r.value == 0.0 and r.mode == "max"


@pytest.mark.parametrize("asof", ["2023-12-29", "2024-02-29", "2025-07-03", "2025-12-31"])
def test_start_of_year_gaps_match_a_slow_loop_with_gaps_in_the_data(asof: str) -> None:
    """Random prices with missing days and a late-starting B, against a per-year loop."""
    from sizeup.analytics.performance import total_return

    idx = _sessions("2005-06-01", "2025-12-31")
    rng = np.random.default_rng(11)
    a = pd.Series(100 * np.cumprod(1 + rng.normal(0, 0.01, len(idx))), index=idx)
    b = pd.Series(100 * np.cumprod(1 + rng.normal(0, 0.01, len(idx))), index=idx)
    a[rng.random(len(idx)) < 0.05] = np.nan
    b[b.index < "2008-03-10"] = np.nan
    px = pd.DataFrame({"A": a, "B": b})
    at = pd.Timestamp(asof)
    n = len(_sessions(f"{at.year}-01-01", asof))
    want = {}
    for y in range(2006, at.year + 1):
        sess = _sessions(f"{y}-01-01", f"{y}-12-31")
        end = min(sess[min(n, len(sess)) - 1], at)
        r = total_return(px, f"{y}-01-01", end)
        want[y] = r["A"] - r["B"]
    want_s = pd.Series(want, dtype=float).dropna()
    got = start_of_year_gaps(px, "A", "B", asof=asof)
    assert list(got.index) == list(want_s.index)
    assert got.to_numpy() == pytest.approx(want_s.to_numpy(), rel=1e-12)
    assert got.index[0] == 2009  # B's first full year start: base needs a close before Jan 1


def test_start_of_year_gap_needs_a_close_inside_the_window() -> None:
    gains = _year_start_gains(0.05)
    px = _prices(_jumps_on_first_session(gains))
    px.loc["2015-01-01":"2015-03-14", "A"] = np.nan  # A has no close in 2015's first N sessions
    s = start_of_year_gaps(px, "A", "B", asof="2025-03-14")
    assert 2015 not in s.index and 2014 in s.index and 2016 in s.index
    assert s.name == "A-B"
    assert start_of_year_gaps(px, "A", "B", asof="2025-01-01").name == "A-B"
    with pytest.raises(DataError, match=r"columns \['C'\] are not in prices \(have \['A', 'B'\]\)"):
        start_of_year_gaps(px, "A", "C", asof="2025-03-14")
