"""``window_extreme``, ``period_rank`` and ``records`` of ``sizeup.claims._kinds``.

Closes are written out by hand; extremes, returns, ranks, record dates and the detail texts are
worked out in the comments from them.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from _claim_data import FrameData

from sizeup.claims import ClaimResult, evaluate_claim, make_claim


def Data(close: pd.DataFrame, series: pd.DataFrame | None = None) -> FrameData:
    """Closes (the only price field) and series by id."""
    return FrameData({"close": close}, series)


def _check(data: FrameData, metric: str, **fields: Any) -> ClaimResult:
    raw: dict[str, Any] = {"text": "t", "metric": metric}
    raw.update(fields)
    return evaluate_claim(make_claim(raw), data)


# ------------------------------------------------------------------ window_extreme
DAYS = pd.bdate_range("2024-01-01", periods=10)  # 01-01 .. 01-05, 01-08 .. 01-12
A = [100.0, 104.0, 110.0, 103.0, 99.0, 101.0, 108.0, 107.0, 102.0, 105.0]
EXT = Data(pd.DataFrame({"A": A, "B": 50.0}, index=DAYS), series=pd.DataFrame({"S": A}, index=DAYS))


def test_extreme_of_a_ratio_and_the_distance_from_it() -> None:
    # A/B = A / 50: the high of 01-01..01-05 is 110 / 50 = 2.2 on 01-03; on 01-12 105 / 50 = 2.1
    # -> 2.1 / 2.2 - 1 = -1 / 22 = -454.5 bp
    r = _check(
        EXT, "window_extreme", symbol="A", benchmark="B", start="2024-01-01", end="2024-01-05",
        asof="2024-01-12", stated=-0.045,
    )  # fmt: skip
    assert r.measured == pytest.approx(-1 / 22)
    assert r.detail == (
        "A/B high 2.2 on 2024-01-03 within 2024-01-01..2024-01-05; 2024-01-12: 2.1 (-454.5 bp)"
    )


def test_low_of_a_window() -> None:
    # 01-04 .. 01-12: the lowest close is 99 on 01-05
    r = _check(
        EXT, "window_extreme", symbol="A", start="2024-01-04", end="2024-01-12", extreme="min",
        stat="value", stated=99,
    )  # fmt: skip
    assert r.measured == 99.0
    assert r.detail == "A low 99 on 2024-01-05 within 2024-01-04..2024-01-12"


def test_distance_of_a_series_in_its_own_units() -> None:
    # series S: high 110 on 01-03; on 01-12 105 -> -5
    r = _check(
        EXT, "window_extreme", series="S", start="2024-01-01", end="2024-01-05",
        asof="2024-01-12", stated=-5,
    )  # fmt: skip
    assert r.measured == -5.0
    assert r.detail == (
        "S high 110 on 2024-01-03 within 2024-01-01..2024-01-05; 2024-01-12: 105 "
        "(-5 in series units)"
    )


def test_window_without_closes() -> None:
    # a weekend window: the data cover its end (within 4 days), but nothing falls inside
    r = _check(
        EXT, "window_extreme", symbol="A", start="2024-01-06", end="2024-01-07", stat="value",
        stated=1,
    )  # fmt: skip
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("A between 2024-01-06 and 2024-01-07",)


def test_window_ending_after_the_data() -> None:
    r = _check(
        EXT, "window_extreme", symbol="A", start="2024-01-01", end="2024-02-01", stat="value",
        stated=1,
    )  # fmt: skip
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("A around 2024-02-01 (have 2024-01-01..2024-01-12)",)


def test_asof_after_the_data() -> None:
    r = _check(
        EXT, "window_extreme", symbol="A", start="2024-01-01", end="2024-01-05",
        asof="2024-02-01", stated=1,
    )  # fmt: skip
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("A around 2024-02-01 (have 2024-01-01..2024-01-12)",)


# ------------------------------------------------------------------ period_rank
# month-end closes: Dec +10 %, Jan -10 %, Feb +5 %, Mar +4 % (to 03-26, the month still running)
MONTHS = pd.DatetimeIndex(["2023-11-30", "2023-12-29", "2024-01-31", "2024-02-29", "2024-03-26"])
M = Data(pd.DataFrame({"A": [100.0, 110.0, 99.0, 103.95, 108.108], "B": 100.0}, index=MONTHS))


def test_running_month_ranked_against_earlier_months() -> None:
    # March (running at 03-28) +4 %: the last month at least as good is February (+5 %);
    # better months: December, February -> rank 3 of 4
    r = _check(M, "period_rank", symbol="A", asof="2024-03-28", stated=2024)
    assert r.measured == 2024.0
    assert r.detail == (
        "month (running at 2024-03-28): 2024-03-28: 0.04 is the best since 2024-02-29 "
        "(0.05; 1 periods earlier; rank 3 of 4)"
    )


def test_running_month_minus_a_benchmark() -> None:
    # B is flat: A minus B is A's own return
    r = _check(M, "period_rank", symbol="A", benchmark="B", asof="2024-03-28", stated=2024)
    assert r.measured == 2024.0
    assert r.detail == (
        "month (running at 2024-03-28), A minus B: 2024-03-28: 0.04 is the best since "
        "2024-02-29 (0.05; 1 periods earlier; rank 3 of 4)"
    )


def test_worst_month_since_the_data_begin() -> None:
    # January -10 % is the worst of December and January: worst since the data begin (2023)
    r = _check(M, "period_rank", symbol="A", asof="2024-01-31", mode="worst", stated=2023)
    assert r.measured == 2023.0
    assert r.detail.startswith("month (running at 2024-01-31): ")
    assert r.detail.endswith("; worst since the data begin (2023)")


def test_best_since_the_data_begin_needs_data_from_the_stated_year() -> None:
    r = _check(M, "period_rank", symbol="A", asof="2023-12-29", stated=2022)
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("A before 2023 (the best may be older)",)


def test_one_month_of_closes_has_no_complete_month() -> None:
    one = Data(M.frames["close"].iloc[:1])
    r = _check(one, "period_rank", symbol="A", benchmark="B", asof="2023-11-30", stated=2023)
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("complete month periods of A/B",)


def test_period_rank_prices_ending_before_asof() -> None:
    r = _check(M, "period_rank", symbol="A", benchmark="B", asof="2024-04-30", stated=2024)
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("prices A/B around 2024-04-30 (have 2023-11-30..2024-03-26)",)


# first sessions: 2023 from 100 (2022-12-30) to 102 on 01-03 (first session) and 104 on 01-09
# (fifth); 2024 from 100 (2023-12-29) to 101 on 01-02 (first) and 101.5 on 01-08 (fifth)
FIRST = Data(
    pd.DataFrame(
        {
            "A": [
                *(100.0, 102.0, 103.0, 103.0, 103.0, 104.0, 99.0),
                *(100.0, 101.0, 101.0, 101.0, 101.0, 101.5, 101.0),
            ]
        },
        index=pd.DatetimeIndex(
            [
                *("2022-12-30", "2023-01-03", "2023-01-04", "2023-01-05", "2023-01-06"),
                *("2023-01-09", "2023-01-10", "2023-12-29", "2024-01-02", "2024-01-03"),
                *("2024-01-04", "2024-01-05", "2024-01-08", "2024-01-09"),
            ]
        ),
    )
)


def test_first_day_of_the_year_on_the_first_session() -> None:
    # 2024 first day +1 % against 2023's +2 %: the best since 2023; rank 2 of 2
    r = _check(FIRST, "period_rank", symbol="A", period="first_day", asof="2024-01-02",
               stated=2023)  # fmt: skip
    assert r.measured == 2023.0
    assert r.detail == (
        "first 1 session(s) of the year: 2024: 0.01 is the best since 2023 "
        "(0.02; 1 periods earlier; rank 2 of 2)"
    )


def test_first_week_of_the_year_on_its_fifth_session() -> None:
    # 2024: +1.5 %; 2023: +4 % -> the best since 2023
    r = _check(FIRST, "period_rank", symbol="A", period="first_week", asof="2024-01-08",
               stat="value", stated=0.015)  # fmt: skip
    assert r.measured == pytest.approx(0.015)
    assert r.detail.startswith("first 5 session(s) of the year: 2024: 0.015 is the best since")


def test_first_week_before_its_fifth_session() -> None:
    r = _check(FIRST, "period_rank", symbol="A", period="first_week", asof="2024-01-05",
               stated=2023)  # fmt: skip
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == (
        "2024-01-05 is before the 5th session of 2024 (2024-01-08); the period is not complete",
    )


# ------------------------------------------------------------------ records
# A rises every session from 100 (01-01) to 110 (01-15): a record each day; B is flat (one
# record, on its first day)
RISE = pd.bdate_range("2024-01-01", periods=11)
REC = Data(pd.DataFrame({"A": [100.0 + i for i in range(11)], "B": 100.0}, index=RISE))


def test_nine_records_are_listed_by_the_first_and_last_three() -> None:
    # 01-03 .. 01-15: 01-03, 04, 05, 08, 09, 10, 11, 12, 15
    r = _check(REC, "records", symbol="A", others=["B"], start="2024-01-03", end="2024-01-15",
               stated=9)  # fmt: skip
    assert r.measured == 9.0
    assert r.detail == (
        "record closes 2024-01-03..2024-01-15: A 9 [2024-01-03, 2024-01-04, 2024-01-05, ..., "
        "2024-01-11, 2024-01-12, 2024-01-15] (data from 2024-01-01); "
        "B 0 (data from 2024-01-01)"
    )


def test_eight_records_are_all_listed() -> None:
    r = _check(REC, "records", symbol="A", start="2024-01-04", end="2024-01-15", stated=8)
    assert r.measured == 8.0
    assert r.detail == (
        "record closes 2024-01-04..2024-01-15: A 8 [2024-01-04, 2024-01-05, 2024-01-08, "
        "2024-01-09, 2024-01-10, 2024-01-11, 2024-01-12, 2024-01-15] (data from 2024-01-01)"
    )


# A: 100, 105 (record 01-02), 103, 104, 106 (record 01-05), 101, 102 (to 01-09)
LAST = Data(
    pd.DataFrame(
        {"A": [100.0, 105.0, 103.0, 104.0, 106.0, 101.0, 102.0]},
        index=pd.bdate_range("2024-01-01", periods=7),
    )
)


def test_sessions_and_days_since_the_last_record() -> None:
    head = (
        "A last record close 106 on 2024-01-05; 2 sessions, 4 days to 2024-01-09 "
        "(records over data from 2024-01-01)"
    )
    r = _check(LAST, "records", symbol="A", stat="sessions_since", asof="2024-01-09", stated=2)
    assert (r.measured, r.detail) == (2.0, head)
    d = _check(LAST, "records", symbol="A", stat="days_since", asof="2024-01-09", stated=4)
    assert (d.measured, d.detail) == (4.0, head)


def test_records_prices_ending_before_the_window_end() -> None:
    r = _check(LAST, "records", symbol="A", stat="days_since", asof="2024-02-01", stated=4)
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("prices A around 2024-02-01 (have 2024-01-01..2024-01-09)",)


def test_first_back_to_a_record_after_a_sell_off() -> None:
    # prior records on or before 01-03: A 110 and B 55 (both 01-02); A closes above 110 on
    # 01-05, B stays below 55
    px = pd.DataFrame(
        {"A": [100.0, 110.0, 90.0, 105.0, 111.0], "B": [50.0, 55.0, 45.0, 50.0, 52.0]},
        index=pd.bdate_range("2024-01-01", periods=5),
    )
    r = _check(Data(px), "records", symbol="A", others=["B"], stat="first", start="2024-01-03",
               end="2024-01-05", stated=1)  # fmt: skip
    assert r.measured == 1.0
    assert r.detail == (
        "back to a record after 2024-01-03: A: 2024-01-05 (prior record 110 on 2024-01-02); "
        "B: not yet (prior record 55 on 2024-01-02)"
    )


def test_best_since_the_data_begin_of_a_difference_names_both_symbols() -> None:
    r = _check(M, "period_rank", symbol="A", benchmark="B", asof="2023-12-29", stated=2022)
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("A/B before 2023 (the best may be older)",)


def test_first_week_is_five_sessions_whatever_sessions_says() -> None:
    # 'sessions' is for first_sessions only: the first week stays 5 sessions (+1.5 % in 2024,
    # not the +1 % of the first 3 sessions)
    r = _check(FIRST, "period_rank", symbol="A", period="first_week", sessions=3,
               asof="2024-01-08", stat="value", stated=0.015)  # fmt: skip
    assert r.measured == pytest.approx(0.015)
    assert r.detail.startswith("first 5 session(s) of the year: ")
