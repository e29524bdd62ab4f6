"""``streak`` of ``sizeup.claims._kinds``: ranks, longest runs, since-year, min-move runs.

Runs are read off hand-written sign sequences; every expected length, date and detail text is
worked out in the comments from those sequences (the benchmark B is flat, so A over B per
session has the sign of A's own move).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from _claim_data import FrameData

from sizeup.claims import ClaimResult, evaluate_claim, make_claim


def Data(px: pd.DataFrame) -> FrameData:
    """The same closes as traded and adjusted (the streak kinds read either)."""
    return FrameData({"close": px, "adj_close": px})


def _daily(moves: str) -> FrameData:
    """A from 100 with +1 % for '+', -1 % for '-', unchanged for '0'; B flat at 100.

    The first close is on Monday 2024-01-01; move k is on the k-th business day after it.
    """
    a = [100.0]
    for m in moves:
        a.append(a[-1] * {"+": 1.01, "-": 0.99, "0": 1.0}[m])
    idx = pd.bdate_range("2024-01-01", periods=len(a))
    return Data(pd.DataFrame({"A": a, "B": 100.0}, index=idx))


def _check(data: FrameData, **fields: Any) -> ClaimResult:
    raw: dict[str, Any] = {"text": "t", "metric": "streak", "symbol": "A"}
    raw.update(fields)
    return evaluate_claim(make_claim(raw), data)


# moves on 01-02 .. 01-17: + + - + + + - + - - - +
# streak:                  1 2 -1 1 2 3 -1 1 -1 -2 -3 1
# runs of outperformance: 2 ending 01-03, 3 ending 01-09, 1 ending 01-11, 1 now (01-17)
# runs of underperformance: 1 ending 01-04, 1 ending 01-10, 3 ending 01-16
P = _daily("++-+++-+---+")
DAILY = {"benchmark": "B", "freq": "D", "asof": "2024-01-17"}
HEAD = "A over B per session (ratio): current streak +1 sessions to 2024-01-17"


def test_rank_of_the_current_run() -> None:
    # the current run of 1: longer runs that ended before it: 2 and 3 -> rank 3, among the 4
    # runs of outperformance to 01-17 (2, 3, 1 and the current 1; it was once counted twice)
    r = _check(P, **DAILY, stat="rank", stated=3)
    assert r.measured == 3.0
    assert r.detail == (
        f"{HEAD}; the run of 1 sessions ending 2024-01-17 ranks 3 among 4 runs "
        "(data from 2024-01-02)"
    )


def test_rank_of_a_run_of_a_given_length() -> None:
    # the run of 3 ending 01-09: no longer run before it; runs up to 01-09: 2 and 3
    r = _check(P, **DAILY, stat="rank", length=3, stated=1)
    assert r.measured == 1.0
    assert r.detail.endswith(
        "; the run of 3 sessions ending 2024-01-09 ranks 1 among 2 runs (data from 2024-01-02)"
    )


def test_rank_of_a_length_that_never_ran() -> None:
    r = _check(P, **DAILY, stat="rank", length=5, stated=1)
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("no run of exactly 5 sessions before 2024-01-17",)


def test_longest_run_and_when_it_ended() -> None:
    r = _check(P, **DAILY, stat="longest", stated=3)
    assert r.measured == 3.0
    assert r.detail == (f"{HEAD}; longest run 3 sessions ending 2024-01-09 (data from 2024-01-02)")
    end = _check(P, **DAILY, stat="longest_end", stated=2024.0, tolerance=1)
    # 2024-01-09 is day 9 of a leap year
    assert end.measured == pytest.approx(2024 + 8.5 / 366)


def test_longest_run_of_a_stated_zero_is_of_outperformance() -> None:
    r = _check(P, **DAILY, stat="longest", stated=0, tolerance=5)
    assert r.measured == 3.0
    assert r.detail.endswith("; longest run 3 sessions ending 2024-01-09 (data from 2024-01-02)")


def test_longest_run_of_underperformance_for_a_negative_stated_length() -> None:
    # runs of underperformance 1, 1, 3: the longest ended on 01-16
    r = _check(P, **DAILY, stat="longest", stated=-3)
    assert r.detail.endswith("; longest run 3 sessions ending 2024-01-16 (data from 2024-01-02)")
    # measured with the stated sign, so "three sessions behind in a row" can be supported
    assert r.measured == -3.0
    assert r.verdict == "SUPPORTED"


def test_longest_end_ignores_the_sign_of_the_stated_year() -> None:
    r = _check(P, **DAILY, stat="longest_end", stated=-1.0)
    assert r.measured == pytest.approx(2024 + 8.5 / 366)
    assert r.detail.endswith("; longest run 3 sessions ending 2024-01-09 (data from 2024-01-02)")


def test_longest_current_run_counts() -> None:
    # moves + + - + + +: the current run of 3 (to 01-09) is the longest
    r = _check(_daily("++-+++"), benchmark="B", freq="D", asof="2024-01-09", stat="longest",
               stated=3)  # fmt: skip
    assert r.measured == 3.0
    assert r.detail.endswith("; longest run 3 sessions ending 2024-01-09 (data from 2024-01-02)")


def test_no_run_of_outperformance() -> None:
    # moves - - 0: no run of outperformance, none going on
    r = _check(_daily("--0"), benchmark="B", freq="D", asof="2024-01-04", stat="longest",
               stated=1)  # fmt: skip
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("no run of outperformance",)


def test_no_run_of_underperformance() -> None:
    r = _check(_daily("++"), benchmark="B", freq="D", asof="2024-01-03", stat="longest",
               stated=-2)  # fmt: skip
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("no run of underperformance",)


def test_since_year_of_the_last_run_as_long() -> None:
    # current run 1; earlier runs of outperformance 2 (01-03), 3 (01-09), 1 (01-11): the last
    # at least as long is the run of 1 ending 01-11
    r = _check(P, **DAILY, stat="since_year", stated=2024)
    assert r.measured == 2024.0
    assert r.detail == (
        f"{HEAD}; last run at least as long: 1 sessions ending 2024-01-11 (data from 2024-01-02)"
    )


def test_since_year_picks_the_latest_of_several_longer_runs() -> None:
    # to 01-16 the current run is -3 (underperformance); earlier runs of underperformance
    # 1 (01-04) and 1 (01-10) are shorter -> none as long since the data begin (2024-01-02)
    r = _check(P, benchmark="B", freq="D", asof="2024-01-16", stat="since_year", stated=2024)
    assert r.measured == 2024.0
    assert r.detail == (
        "A over B per session (ratio): current streak -3 sessions to 2024-01-16; "
        "no run as long since the data begin (2024-01-02)"
    )


def test_since_year_when_the_data_begin_after_the_stated_year() -> None:
    r = _check(P, benchmark="B", freq="D", asof="2024-01-16", stat="since_year", stated=2023)
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == (
        "A over B per session (ratio) before 2024-01-02 (a run as long may be older)",
    )


def test_since_year_without_a_current_run() -> None:
    r = _check(_daily("++0"), benchmark="B", freq="D", asof="2024-01-04", stat="since_year",
               stated=2024)  # fmt: skip
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == (
        "no current run (A over B per session (ratio) tied or missing on 2024-01-04)",
    )


def test_is_longest_for_a_run_of_underperformance() -> None:
    # to 01-16: current -3; earlier runs of underperformance 1 and 1 -> the longest
    r = _check(P, benchmark="B", freq="D", asof="2024-01-16", stat="is_longest", stated=1)
    assert r.measured == 1.0
    assert r.detail == (
        "A over B per session (ratio): current streak -3 sessions to 2024-01-16; "
        "longest earlier run ending in the previous 252 sessions: 1"
    )


def test_is_longest_on_a_tie_compares_with_runs_of_outperformance() -> None:
    # moves + + + - 0: no current run; the longest earlier run of outperformance is 3
    r = _check(_daily("+++-0"), benchmark="B", freq="D", asof="2024-01-08", stat="is_longest",
               stated=0)  # fmt: skip
    assert r.measured == 0.0
    assert r.detail.endswith("; longest earlier run ending in the previous 252 sessions: 3")


def test_is_longest_on_a_tie_is_never_a_tied_longest_run() -> None:
    # moves - - 0: no run of outperformance at all (prior 0) and no current run (0)
    r = _check(_daily("--0"), benchmark="B", freq="D", asof="2024-01-04", stat="is_longest",
               allow_tie=True, stated=0)  # fmt: skip
    assert r.measured == 0.0
    assert r.detail.endswith("; longest earlier run ending in the previous 252 sessions: 0")


def test_is_longest_for_a_first_run_of_one_period() -> None:
    # moves - +: the run of 1 now; no earlier run of outperformance in the last 3 sessions
    r = _check(_daily("-+"), benchmark="B", freq="D", asof="2024-01-03", stat="is_longest",
               lookback=3, stated=1)  # fmt: skip
    assert r.measured == 1.0
    assert r.detail == (
        "A over B per session (ratio): current streak +1 sessions to 2024-01-03; "
        "longest earlier run ending in the previous 3 sessions: 0"
    )


# weekly closes (Fridays) with exact binary moves: +25 %, +12.5 %, -25 %, +25 %, +25 %
WEEKS = pd.DatetimeIndex(
    ["2024-01-05", "2024-01-12", "2024-01-19", "2024-01-26", "2024-02-02", "2024-02-09"]
)
W = Data(pd.DataFrame({"A": [64.0, 80.0, 90.0, 67.5, 84.375, 105.46875]}, index=WEEKS))


def test_run_of_weekly_moves_of_at_least_a_quarter() -> None:
    # weekly returns .25, .125, -.25, .25, .25: the last two reach +25 % (exactly)
    r = _check(W, freq="W", asof="2024-02-09", min_move=0.25, stated=2)
    assert r.measured == 2.0
    assert r.detail == (
        "A weekly returns: 2 weeks in a row to 2024-02-09 with a move of +25% or more"
    )


def test_run_of_weekly_falls_of_at_least_a_quarter() -> None:
    # to 01-26: returns .25, .125, -.25: one fall of 25 % (exactly)
    r = _check(W, freq="W", asof="2024-01-26", min_move=0.25, stated=-1)
    assert r.measured == -1.0
    assert r.detail == (
        "A weekly returns: 1 weeks in a row to 2024-01-26 with a move of -25% or more"
    )


def test_run_of_moves_for_a_stated_zero_counts_rises() -> None:
    # to 01-26 the last week fell: no rise of 25 % at the end
    r = _check(W, freq="W", asof="2024-01-26", min_move=0.25, stated=0, tolerance=0.5)
    assert r.measured == 0.0
    assert r.detail.endswith("0 weeks in a row to 2024-01-26 with a move of +25% or more")


def test_run_of_moves_when_every_period_moved_enough() -> None:
    r = _check(W, freq="W", asof="2024-01-12", min_move=0.25, stated=1)
    assert r.measured == 1.0
    assert r.detail.endswith("1 weeks in a row to 2024-01-12 with a move of +25% or more")


@pytest.mark.parametrize(
    "extra", [{"benchmark": "B"}, {"stat": "is_longest"}], ids=["benchmark", "stat"]
)
def test_min_move_is_only_for_the_length_of_own_moves(extra: dict[str, Any]) -> None:
    data = Data(W.frames["close"].assign(B=100.0))
    r = _check(data, freq="W", asof="2024-02-09", min_move=0.25, stated=2, **extra)
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("'min_move' is for the length of a run of one symbol's own moves",)


def test_weekly_streak_is_dated_at_the_week_of_asof() -> None:
    # closes to Wednesday 01-24 (-25 % in the week); asof Friday 01-26 ends that week
    px = pd.DataFrame(
        {"A": [64.0, 80.0, 90.0, 67.5]},
        index=pd.DatetimeIndex(["2024-01-05", "2024-01-12", "2024-01-19", "2024-01-24"]),
    )
    r = _check(Data(px), freq="W", asof="2024-01-26", stated=-1)
    assert r.measured == -1.0
    assert r.detail == "A weekly returns: current streak -1 weeks to 2024-01-26"


def test_a_single_week_has_no_complete_week() -> None:
    px = pd.DataFrame({"A": [64.0]}, index=pd.DatetimeIndex(["2024-01-05"]))
    r = _check(Data(px), freq="W", asof="2024-01-05", stated=1)
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("complete weeks of A weekly returns",)


def test_prices_ending_before_asof_name_both_symbols() -> None:
    data = Data(W.frames["close"].assign(B=100.0))
    r = _check(data, benchmark="B", freq="W", asof="2024-03-01", stated=1)
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("prices A/B around 2024-03-01 (have 2024-01-05..2024-02-09)",)


def test_a_daily_streak_of_one_symbol_reads_daily_returns() -> None:
    # moves + + -: the current run is one session down
    r = _check(_daily("++-"), freq="D", asof="2024-01-04", stat="length", stated=-1)
    assert r.measured == -1.0
    assert r.detail == "A daily returns: current streak -1 sessions to 2024-01-04"
