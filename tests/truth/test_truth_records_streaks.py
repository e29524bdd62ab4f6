"""Records, drawdowns, calendar history and outperformance streaks on hand-built series.

Every expected value below is worked out by hand from the listed closes (comments show how).
"""

from __future__ import annotations

import exchange_calendars as xcals
import numpy as np
import pandas as pd
import pytest

from sizeup.analytics.performance import (
    drawdown_episodes,
    longest_prior_run,
    outperformance_history,
    outperformance_streak,
    record_flags,
    record_status,
)
from sizeup.errors import DataError

#            0   1   2  3   4   5   6  7   8   9  10
A = [10.0, 12, 11, 9, 12, 13, 13, 8, 10, 14, 12]
IDX = pd.bdate_range("2020-01-01", periods=len(A))
NAN = np.nan


def test_record_flags_by_hand() -> None:
    b = [NAN, NAN, 5, 4, 6, 6, NAN, 7, 3, 3, 8]
    f = record_flags(pd.DataFrame({"A": A, "B": b}, index=IDX), window=3)
    # records are strict new highs: a close equal to the running max is not one
    assert f["is_record"]["A"].tolist() == [1, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0]
    assert f["is_record"]["B"].tolist() == [0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 1]
    assert f["running_max"]["A"].tolist() == [10, 12, 12, 12, 12, 13, 13, 13, 13, 14, 14]
    assert f["running_max"]["B"].iloc[2:].tolist() == [5, 5, 6, 6, 6, 7, 7, 7, 8]
    assert f["running_max"]["B"].iloc[:2].isna().all()
    assert f["sessions_since_record"]["A"].tolist() == [0, 0, 1, 2, 3, 0, 1, 2, 3, 0, 1]
    assert f["sessions_since_record"]["B"].iloc[2:].tolist() == [0, 1, 0, 1, 2, 0, 1, 2, 0]
    assert f["sessions_since_record"]["B"].iloc[:2].isna().all()
    assert f["drawdown"]["A"].iloc[3] == pytest.approx(9 / 12 - 1)
    assert f["drawdown"]["A"].iloc[7] == pytest.approx(8 / 13 - 1)
    assert f["drawdown"]["A"].iloc[9] == 0.0
    hi = f["high_52w"]["A"]
    assert hi.iloc[:2].isna().all()
    assert hi.iloc[2:].tolist() == [12, 12, 12, 13, 13, 13, 13, 14, 14]
    assert f["is_52w_high"]["A"].tolist() == [0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 0]
    assert f["low_52w"]["A"].iloc[2:].tolist() == [10, 9, 9, 9, 12, 8, 8, 8, 10]
    assert f["is_52w_low"]["A"].tolist() == [0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0]
    for name, frame in f.items():
        assert frame.index.equals(IDX) and list(frame.columns) == ["A", "B"], name
    one = record_flags(pd.Series(A, index=IDX, name="A"), window=3)
    assert list(one["is_record"].columns) == ["A"]


def test_record_status_by_hand() -> None:
    px = pd.DataFrame({"E": NAN, "A": A}, index=IDX)
    (r8,) = record_status(px, asof=IDX[8], window=3)  # the all-NaN column E is skipped
    assert r8.symbol == "A" and r8.asof == IDX[8] and r8.close == 10.0
    assert (r8.record, r8.record_date) == (13.0, IDX[5])  # first close at the maximum
    assert not r8.is_record and r8.sessions_since_record == 3
    assert r8.drawdown == pytest.approx(10 / 13 - 1)
    assert r8.high_52w == 13.0 and not r8.is_52w_high
    assert r8.pct_from_52w_high == pytest.approx(10 / 13 - 1)
    assert r8.first_date == IDX[0]
    assert r8.summary() == (
        f"A {IDX[8].date()}: 23.1% below its {IDX[5].date()} record 13.00 (3 sessions ago) "
        f"(data since {IDX[0].date()})"
    )
    (r9,) = record_status(px[["A"]], asof=IDX[9], window=3)
    assert r9.is_record and r9.sessions_since_record == 0 and r9.drawdown == 0.0
    assert r9.is_52w_high and r9.pct_from_52w_high == 0.0
    assert r9.summary() == f"A {IDX[9].date()}: new all-time high 14.00 at a 52-week high " + (
        f"(data since {IDX[0].date()})"
    )
    (r6,) = record_status(px[["A"]], asof=IDX[6], window=3)  # 13 equals the record: not new
    assert not r6.is_record and r6.record_date == IDX[5] and r6.sessions_since_record == 1
    assert r6.is_52w_high
    (short,) = record_status(px[["A"]], asof=IDX[1], window=3)  # fewer closes than the window
    assert np.isnan(short.high_52w) and not short.is_52w_high
    assert np.isnan(short.pct_from_52w_high)
    (r3,) = record_status(px[["A"]], asof=IDX[3], window=3)  # window = the last 3 closes
    assert r3.high_52w == 12.0 and r3.pct_from_52w_high == pytest.approx(9 / 12 - 1)
    (r2,) = record_status(px[["A"]], asof=IDX[2], window=3)  # exactly one window of closes
    assert r2.high_52w == 12.0 and not r2.is_52w_high
    (first,) = record_status(px[["A"]], asof=IDX[0])
    assert first.is_record and first.sessions_since_record == 0
    (last,) = record_status(px[["A"]])
    assert last.asof == IDX[10] and last.close == 12.0


def test_drawdown_episodes_by_hand() -> None:
    ep = drawdown_episodes(pd.Series(A, index=IDX))
    # peaks 12 (pos 1) -> trough 9 (pos 3) -> back above on pos 5; 13 (pos 5) -> 8 (pos 7) ->
    # above on pos 9; 14 (pos 9) -> 12, still under water
    assert ep["peak_date"].tolist() == [IDX[1], IDX[5], IDX[9]]
    assert ep["peak"].tolist() == [12, 13, 14]
    assert ep["trough_date"].tolist() == [IDX[3], IDX[7], IDX[10]]
    assert ep["trough"].tolist() == [9, 8, 12]
    assert ep["depth"].to_numpy() == pytest.approx([9 / 12 - 1, 8 / 13 - 1, 12 / 14 - 1])
    assert ep["recovery_date"].iloc[:2].tolist() == [IDX[5], IDX[9]]
    assert pd.isna(ep["recovery_date"].iloc[2])
    assert ep["sessions_to_trough"].tolist() == [2, 2, 1]
    assert ep["sessions_to_recover"].iloc[:2].tolist() == [4, 4]
    assert np.isnan(ep["sessions_to_recover"].iloc[2])
    assert ep["recovered"].tolist() == [True, True, False]
    deep = drawdown_episodes(pd.Series(A, index=IDX), min_depth=0.2)
    assert deep["peak"].tolist() == [12, 13]  # -14.3 % is shallower than 20 %
    deeper = drawdown_episodes(pd.Series(A, index=IDX), min_depth=0.3)
    assert deeper["peak"].tolist() == [13]  # the shallower first episode is skipped, not the end
    exact = drawdown_episodes(pd.Series(A, index=IDX), min_depth=0.25)
    assert exact["peak"].tolist() == [12, 13]  # -25 % counts at min_depth 0.25
    assert drawdown_episodes(pd.Series([5.0, 5.0, 6.0], index=IDX[:3])).empty  # flat: no dip
    empty = drawdown_episodes(pd.Series([], dtype=float))
    assert empty.empty
    assert list(empty.columns) == [
        "peak_date", "peak", "trough_date", "trough", "depth", "recovery_date",
        "sessions_to_trough", "sessions_to_recover", "recovered",
    ]  # fmt: skip
    with pytest.raises(DataError, match="min_depth"):
        drawdown_episodes(pd.Series(A, index=IDX), min_depth=-0.1)


def test_outperformance_history_by_hand() -> None:
    t = pd.DataFrame(
        {"a_led": [True, False, True, True, False, False, False], "label": list("ABCDEFG")}
    )
    h = outperformance_history(t)
    assert h == {
        "last_led": "D",
        "periods_since_led": 3,
        "led_count": 3,
        "periods": 7,
        "current_run": -3,
        "outcomes": "+-++---",
    }
    h2 = outperformance_history(pd.DataFrame({"a_led": [False, True, True], "label": list("XYZ")}))
    assert (h2["last_led"], h2["periods_since_led"], h2["current_run"]) == ("Z", 0, 2)
    never = outperformance_history(pd.DataFrame({"a_led": [False, False], "label": ["p", "q"]}))
    assert (never["last_led"], never["periods_since_led"], never["current_run"]) == (None, 2, -2)
    flip = outperformance_history(pd.DataFrame({"a_led": [True, False], "label": ["p", "q"]}))
    assert (flip["current_run"], flip["periods_since_led"]) == (-1, 1)
    with pytest.raises(DataError, match="calendar table is empty"):
        outperformance_history(pd.DataFrame({"a_led": [], "label": []}))


def test_longest_prior_run_by_hand() -> None:
    streak = pd.Series([1, 2, 3, 0, 1, 2, -1, 1, 2, 3, 4, 0])
    got = longest_prior_run(streak, lookback=5).tolist()
    # runs end at pos 2 (3), pos 5 (2), pos 10 (4); value at t = max of run ends in t-5..t-1
    assert got == [0, 0, 0, 3, 3, 3, 3, 3, 2, 2, 2, 4]
    neg = longest_prior_run(pd.Series([-1, -2, 0, -1, 1]), lookback=3, sign=-1).tolist()
    assert neg == [0, 0, 2, 2, 2]
    with pytest.raises(DataError):
        longest_prior_run(streak, lookback=0)


def _weekly_prices(rel_weeks: list[float]) -> tuple[pd.DataFrame, list[pd.Timestamp]]:
    """B flat; A moves on the first session of each week so week k's relative return is set."""
    cal = xcals.get_calendar("XNYS", start="2022-12-01", end="2025-12-31")
    sess = pd.DatetimeIndex(cal.sessions_in_range("2022-12-01", "2025-12-31")).tz_localize(None)
    weeks = sess.to_period("W-SUN")
    firsts = [sess[weeks == w][0] for w in weeks.unique()]
    lasts = [sess[weeks == w][-1] for w in weeks.unique()]
    factor = pd.Series(1.0, index=sess)
    start = 4  # leave a few weeks of history before the designed ones
    for k, r in enumerate(rel_weeks):
        factor[firsts[start + k]] *= 1.0 + r
    px = pd.DataFrame({"A": 100.0 * factor.cumprod(), "B": 100.0}, index=sess)
    return px, lasts[start : start + len(rel_weeks)]


def test_outperformance_streak_by_hand() -> None:
    rel = [0.01, 0.02, -0.01, 0.01, 0.01, 0.01, 0.0, 0.02, 0.01, 0.03, 0.01]
    px, ends = _weekly_prices(rel)
    # streaks: 1 2 -1 1 2 3 0 1 2 3 4 -> the last run (4) beats the prior best (3)
    res = outperformance_streak(px, "A", "B", freq="W", lookback=8, asof=ends[-1])
    assert (res.current, res.longest_prior, res.status) == (4, 3, "beats")
    assert res.asof == ends[-1]
    assert res.periods["streak"].loc[ends[0] :].tolist() == [1, 2, -1, 1, 2, 3, 0, 1, 2, 3, 4]
    assert res.summary() == (
        f"A outperformed B for a 4th straight week as of {ends[-1].date()}; "
        "longest run in 8 weeks (prior best 3)"
    )
    tie = outperformance_streak(px, "A", "B", freq="W", lookback=8, asof=ends[-2])
    assert (tie.current, tie.longest_prior, tie.status) == (3, 3, "ties")
    assert "3rd straight week" in tie.summary() and "ties the longest run in 8 weeks (3)" in (
        tie.summary()
    )
    below = outperformance_streak(px, "A", "B", freq="W", lookback=8, asof=ends[-3])
    assert (below.current, below.status) == (2, "below")
    assert "a 2nd straight week" in below.summary()
    assert below.summary().endswith("longest run in 8 weeks: 3")
    first = outperformance_streak(px, "A", "B", freq="W", lookback=8, asof=ends[-4])
    assert "a 1st straight week" in first.summary()
    flat = outperformance_streak(px, "A", "B", freq="W", lookback=8, asof=ends[6])
    assert (flat.current, flat.status) == (0, "none")
    assert "A and B tied or data missing in the last week" in flat.summary()
    under = outperformance_streak(px, "A", "B", freq="W", lookback=8, asof=ends[2])
    assert under.current == -1 and "A underperformed B for a 1st straight week" in (under.summary())
    # a short look-back forgets the earlier run of 3
    short = outperformance_streak(px, "A", "B", freq="W", lookback=2, asof=ends[-1])
    assert short.longest_prior == 0 and short.status == "beats"
    with pytest.raises(DataError, match="'C'"):
        outperformance_streak(px, "A", "C")


@pytest.mark.parametrize(
    ("n", "word"),
    [(1, "1st"), (2, "2nd"), (3, "3rd"), (4, "4th"), (11, "11th"), (12, "12th"), (13, "13th"),
     (20, "20th"), (21, "21st"), (22, "22nd"), (23, "23rd"), (101, "101st"), (111, "111th")],
)  # fmt: skip
def test_ordinals_in_streak_text(n: int, word: str) -> None:
    px, ends = _weekly_prices([0.01] * n)
    res = outperformance_streak(px, "A", "B", freq="W", lookback=200, asof=ends[-1])
    assert f"for a {word} straight week" in res.summary()


def test_best_since_text_by_hand() -> None:
    from sizeup.analytics.performance import best_since

    s = pd.Series([0.05, 0.01, 0.03, -0.02, 0.04], index=[2019, 2020, 2021, 2022, 2023])
    b = best_since(s)
    # 0.04 is beaten only by 2019's 0.05: best since 2019, 4 periods earlier, rank 2 of 5
    assert (b.since, b.since_value, b.periods_since, b.rank, b.n) == (2019, 0.05, 4, 2, 5)
    assert b.summary() == "2023: 0.04 is the best since 2019 (0.05; 4 periods earlier; rank 2 of 5)"
    w = best_since(s.iloc[:4], mode="min")
    assert w.is_record and w.summary() == "2022: -0.02 is the worst on record (4 observations)"
    dated = best_since(pd.Series([3.0, 1.0, 2.0], index=IDX[:3]))
    assert dated.summary() == (
        f"{IDX[2].date()}: 2 is the best since {IDX[0].date()} (3; 2 periods earlier; rank 2 of 3)"
    )
    assert repr(dated) == f"BestSince({dated.summary()})"
    mid = best_since(s, at=2021)
    assert (mid.since, mid.periods_since, mid.n) == (2019, 2, 3)
    with pytest.raises(DataError):
        best_since(s, at=1999)
    with pytest.raises(DataError):
        best_since(pd.Series([np.nan]))


def test_signed_streak_and_longest_prior_details() -> None:
    from sizeup.analytics.performance import signed_streak

    idx = pd.date_range("2024-01-05", periods=6, freq="W-FRI")
    rel = pd.Series([0.01, np.nan, 0.02, 0.005, -0.01, 0.0], index=idx)
    brk = signed_streak(rel)
    assert brk.name == "streak" and brk.index.equals(idx) and brk.dtype == np.int64
    assert brk.tolist() == [1, 0, 1, 2, -1, 0]
    skip = signed_streak(rel, on_missing="skip")
    assert skip.name == "streak" and skip.index.equals(idx)
    assert skip.iloc[[0, 2, 3, 4, 5]].tolist() == [1, 2, 3, -1, 0] and np.isnan(skip.iloc[1])
    assert signed_streak(rel, threshold=0.01).tolist() == [0, 0, 1, 0, 0, 0]
    with pytest.raises(DataError, match="on_missing='stop'"):
        signed_streak(rel, on_missing="stop")
    lp = longest_prior_run(pd.Series([1, 0, 1, 2, 0], index=idx[:5]), lookback=1)
    assert lp.name == "longest_prior" and lp.dtype == np.int64 and lp.index.equals(idx[:5])
    assert lp.tolist() == [0, 1, 0, 0, 2]  # lookback 1: only the period just before
    assert longest_prior_run(pd.Series([1.0, np.nan, 1.0]), lookback=3).tolist() == [0, 1, 1]


def test_outperformance_streak_options() -> None:
    rel = [0.01, 0.02, -0.01, 0.01, 0.01, 0.01, 0.0, 0.02, 0.01, 0.03, 0.005]
    px, ends = _weekly_prices(rel)
    px = px.loc[: ends[-1]]
    res = outperformance_streak(px, "A", "B", freq="W", lookback=8)  # as of the data's end
    assert res.asof == ends[-1] and res.current == 4
    assert list(res.periods.columns) == ["ret_a", "ret_b", "rel", "streak", "longest_prior"]
    assert res.periods["ret_a"].loc[ends[0]] == pytest.approx(0.01)
    assert res.periods["ret_b"].loc[ends[0]] == 0.0
    # a threshold of 1 %: the last week's +0.5 % is a tie
    thr = outperformance_streak(px, "A", "B", freq="W", lookback=8, threshold=0.01)
    assert (thr.current, thr.status) == (0, "none")
    # A and B both up 10 % on the first session of the last week: ratio 1.0 vs diff 0
    px2 = px.copy()
    px2.loc[px2.index >= ends[-1] - pd.Timedelta(days=4), ["A", "B"]] *= 1.10
    px2.loc[px2.index >= ends[-1] - pd.Timedelta(days=4), "A"] *= 1.0005
    # last week: A 1.005 * 1.10 * 1.0005 - 1 = 10.605 %, B 10 %: ratio 0.550 %, diff 0.605 pp
    ratio = outperformance_streak(px2, "A", "B", freq="W", lookback=8, threshold=0.0058)
    diff = outperformance_streak(px2, "A", "B", freq="W", lookback=8, how="diff", threshold=0.0058)
    assert ratio.current == 0 and diff.current == 4
    with pytest.raises(DataError, match="empty"):
        outperformance_streak(px.iloc[:0], "A", "B")


def test_outperformance_streak_skips_a_missing_week() -> None:
    rel = [0.01, 0.02, 0.01, 0.01, 0.01, 0.01]
    px, ends = _weekly_prices(rel)
    px = px.loc[: ends[-1]]
    gap = px.drop(px.loc[ends[1] + pd.Timedelta(days=1) : ends[2]].index)  # week 3 has no data
    brk = outperformance_streak(gap, "A", "B", freq="W", lookback=8)
    # weeks 1, 2 up; 3 missing; 4 has no base; 5, 6 up
    assert (brk.current, brk.longest_prior) == (2, 2)
    skip = outperformance_streak(gap, "A", "B", freq="W", lookback=8, on_missing="skip")
    assert skip.current == 4


@pytest.mark.parametrize(
    ("freq", "unit"),
    [("W", "week"), ("M", "month"), ("Q", "quarter"), ("H", "half-year"), ("Y", "year"),
     ("D", "D")],
)  # fmt: skip
def test_streak_text_units(freq: str, unit: str) -> None:
    from sizeup.analytics.performance import StreakResult

    r = StreakResult("A", "B", freq, pd.Timestamp("2024-06-28"), 2, 5, 24, "below", pd.DataFrame())
    assert r.summary() == (
        f"A outperformed B for a 2nd straight {unit} as of 2024-06-28; longest run in 24 {unit}s: 5"
    )
    assert repr(r) == f"StreakResult({r.summary()})"


def test_ordinal_hundreds() -> None:
    from sizeup.analytics.performance._streaks import _ordinal

    assert [_ordinal(n) for n in (121, 212, 213, 10, 100)] == [
        "a 121st", "a 212th", "a 213th", "a 10th", "a 100th",
    ]  # fmt: skip
