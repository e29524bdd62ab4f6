"""``since_when``, ``session``, ``rsi`` and ``last_beat`` of ``sizeup.claims._kinds``.

Closes, highs and lows are written out by hand; the dates found, the values and the detail
texts are worked out in the comments. Decimal years are day-of-year - 0.5 over the days of the
year (365 in 2023, 366 in 2024), compared to 1e-9.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
import pytest
from _claim_data import FrameData as Data

from sizeup.claims import ClaimResult, evaluate_claim, make_claim
from sizeup.claims._kinds import wilder_rsi


def _close(values: Sequence[float], dates: Sequence[str], name: str = "A") -> Data:
    frame = pd.DataFrame({name: list(values)}, index=pd.DatetimeIndex(list(dates)))
    return Data({"close": frame}, series=frame.rename(columns={name: "S"}))


def _check(data: Data, metric: str, **fields: Any) -> ClaimResult:
    raw: dict[str, Any] = {"text": "t", "metric": metric}
    raw.update(fields)
    return evaluate_claim(make_claim(raw), data)


def _dy(day: str) -> float:
    t = pd.Timestamp(day)
    return t.year + (t.day_of_year - 0.5) / (366 if t.year % 4 == 0 else 365)


# ------------------------------------------------------------------ since_when: levels, changes
D6 = ["2023-01-02", "2023-01-03", "2023-01-04", "2023-01-05", "2023-01-06", "2023-01-09"]
LVL = _close([100.0, 106.0, 105.0, 104.0, 103.0, 106.0], D6)


def test_highest_close_since_an_equal_one() -> None:
    # 106 on 01-09; the last earlier close at least as high: 106 on 01-03 (day 3 of 2023)
    r = _check(LVL, "since_when", symbol="A", asof="2023-01-09", stated=2023)
    assert r.measured == pytest.approx(2023 + 2.5 / 365, abs=1e-9)
    assert r.detail == (
        "A close 106 on 2023-01-09; last earlier value at least as high: 106 on 2023-01-03"
    )


def test_highest_series_value_since() -> None:
    r = _check(LVL, "since_when", series="S", asof="2023-01-09", stated=2023)
    assert r.measured == pytest.approx(_dy("2023-01-03"), abs=1e-9)
    assert r.detail == (
        "S value 106 on 2023-01-09; last earlier value at least as high: 106 on 2023-01-03"
    )


def test_lowest_close_since_an_equal_one() -> None:
    # 103, 106, 105, 104, 103: the 103 of 01-06 equals the first close (01-02)
    low = _close([103.0, 106.0, 105.0, 104.0, 103.0], D6[:5])
    r = _check(low, "since_when", symbol="A", asof="2023-01-06", mode="worst", stated=2023)
    assert r.measured == pytest.approx(2023 + 1.5 / 365, abs=1e-9)
    assert r.detail == (
        "A close 103 on 2023-01-06; last earlier value at least as low: 103 on 2023-01-02"
    )


def test_no_earlier_value_as_high() -> None:
    r = _check(LVL, "since_when", symbol="A", asof="2023-01-03", stated=2023)
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == (
        "A close before 2023-01-02 (no earlier value as high as 106 on 2023-01-03)",
    )


def test_no_earlier_value_as_low() -> None:
    r = _check(LVL, "since_when", symbol="A", asof="2023-01-02", mode="worst", stated=2023)
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == (
        "A close before 2023-01-02 (no earlier value as low as 100 on 2023-01-02)",
    )


def test_closes_ending_before_asof() -> None:
    r = _check(LVL, "since_when", symbol="A", asof="2023-03-01", stated=2023)
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("A around 2023-03-01 (have 2023-01-02..2023-01-09)",)


def test_best_daily_change_of_a_series_in_its_units() -> None:
    # changes +6, -1, -1, -1, +3: the +3 of 01-09 is beaten last by the +6 of 01-03
    r = _check(LVL, "since_when", series="S", measure="change", asof="2023-01-09", stated=2023)
    assert r.measured == pytest.approx(_dy("2023-01-03"), abs=1e-9)
    assert r.detail == (
        "S daily change 3 on 2023-01-09; last earlier value at least as high: 6 on 2023-01-03"
    )


def test_best_daily_return_of_a_symbol() -> None:
    # 106 / 103 - 1 = 0.0291262 on 01-09; earlier: +6 % on 01-03
    r = _check(LVL, "since_when", symbol="A", measure="change", asof="2023-01-09", stated=2023)
    assert r.measured == pytest.approx(_dy("2023-01-03"), abs=1e-9)
    assert r.detail == (
        "A daily change 0.0291262 on 2023-01-09; last earlier value at least as high: "
        "0.06 on 2023-01-03"
    )


# month ends Jan 100, Feb 110, Mar 99, April running at 104.5 (04-14); mid-month closes between
MONTHLY = _close(
    [95.0, 100.0, 120.0, 110.0, 90.0, 99.0, 104.5],
    [
        *("2023-01-16", "2023-01-31", "2023-02-15", "2023-02-28", "2023-03-15"),
        *("2023-03-31", "2023-04-14"),
    ],
)


def test_best_monthly_return_since() -> None:
    # Feb +10 %, Mar -10 %, Apr 104.5 / 99 - 1 = +5.5556 %: beaten last by February (02-28)
    r = _check(MONTHLY, "since_when", symbol="A", measure="change", freq="M", asof="2023-04-14",
               stated=2023)  # fmt: skip
    assert r.measured == pytest.approx(2023 + 58.5 / 365, abs=1e-9)
    assert r.detail == (
        "A monthly change 0.0555556 on 2023-04-14; last earlier value at least as high: "
        "0.1 on 2023-02-28"
    )


def test_best_monthly_change_of_a_series() -> None:
    # Feb +10, Mar -11, Apr +5.5: beaten last by February
    r = _check(MONTHLY, "since_when", series="S", measure="change", freq="M", asof="2023-04-14",
               stated=2023)  # fmt: skip
    assert r.measured == pytest.approx(_dy("2023-02-28"), abs=1e-9)
    assert r.detail == (
        "S monthly change 5.5 on 2023-04-14; last earlier value at least as high: 10 on 2023-02-28"
    )


def test_one_month_has_no_monthly_change() -> None:
    r = _check(MONTHLY, "since_when", symbol="A", measure="change", freq="M", asof="2023-01-31",
               stated=2023)  # fmt: skip
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("A monthly change",)


# ------------------------------------------------------------------ since_when: first_negative
def test_first_close_of_the_year_below_the_prior_year_end() -> None:
    # 2022 ends at 100 (12-30); 2023: 101, 100 (equal: not below), 99.5 (01-04), 98
    data = _close(
        [100.5, 100.0, 101.0, 100.0, 99.5, 98.0],
        ["2022-12-29", "2022-12-30", "2023-01-02", "2023-01-03", "2023-01-04", "2023-01-05"],
    )
    r = _check(data, "since_when", symbol="A", measure="first_negative", asof="2023-01-05",
               stated=2023)  # fmt: skip
    assert r.measured == pytest.approx(2023 + 3.5 / 365, abs=1e-9)
    assert r.detail == (
        "A close: first close of 2023 below the 2022-12-30 close 100: 2023-01-04 (99.5)"
    )


def test_first_negative_on_new_years_day() -> None:
    # one close in 2023, on 01-01 (99 < 100)
    data = _close([100.5, 100.0, 99.0], ["2022-12-29", "2022-12-30", "2023-01-01"])
    r = _check(data, "since_when", symbol="A", measure="first_negative", asof="2023-01-01",
               stated=2023)  # fmt: skip
    assert r.measured == pytest.approx(2023 + 0.5 / 365, abs=1e-9)
    assert r.detail.endswith(": 2023-01-01 (99)")


def test_first_negative_without_a_prior_year() -> None:
    data = _close([100.0, 99.0], ["2023-01-03", "2023-01-04"])
    r = _check(data, "since_when", symbol="A", measure="first_negative", asof="2023-01-04",
               stated=2023)  # fmt: skip
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("A close before 2023",)


def test_never_below_the_prior_year_end() -> None:
    data = _close([100.0, 101.0, 100.0], ["2022-12-30", "2023-01-03", "2023-01-04"])
    r = _check(data, "since_when", symbol="A", measure="first_negative", asof="2023-01-04",
               stated=2023)  # fmt: skip
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("A close never closed below its 2022 close in 2023",)


# ------------------------------------------------------------------ since_when: record
REC = _close([100.0, 105.0, 105.0, 103.0, 108.0, 104.0, 107.0], [*D6, "2023-01-10"])


def test_previous_record_close() -> None:
    # before 01-09: records 100 (01-02), 105 (01-03; the 105 of 01-04 only equals it), 108
    # (01-06)
    r = _check(REC, "since_when", symbol="A", measure="record", asof="2023-01-09", stated=2023)
    assert r.measured == pytest.approx(2023 + 5.5 / 365, abs=1e-9)
    assert r.detail == (
        "A close: last record close before 2023-01-09 was 108 on 2023-01-06 (data from 2023-01-02)"
    )


def test_a_close_equal_to_the_record_is_no_record() -> None:
    # before 01-06: 100, 105 (record, 01-03), 105 (equal), 103, 105 (equal)
    data = _close([100.0, 105.0, 105.0, 103.0, 105.0, 102.0], D6)
    r = _check(data, "since_when", symbol="A", measure="record", asof="2023-01-09", stated=2023)
    assert r.measured == pytest.approx(_dy("2023-01-03"), abs=1e-9)
    assert r.detail == (
        "A close: last record close before 2023-01-09 was 105 on 2023-01-03 (data from 2023-01-02)"
    )


def test_a_first_close_is_a_record() -> None:
    data = _close([110.0, 100.0, 105.0], D6[:3])
    r = _check(data, "since_when", symbol="A", measure="record", asof="2023-01-04", stated=2023)
    assert r.measured == pytest.approx(_dy("2023-01-02"), abs=1e-9)


def test_no_close_before_the_asof_session() -> None:
    r = _check(REC, "since_when", symbol="A", measure="record", asof="2023-01-02", stated=2023)
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("A close before 2023-01-02",)


# ------------------------------------------------------------------ session
S_DAYS = pd.bdate_range("2024-01-01", periods=5)  # 01-01 .. 01-05
SESSION = Data(
    {
        "close": pd.DataFrame({"A": [100.0, 102.0, 101.0, 104.0, 103.0]}, index=S_DAYS),
        "high": pd.DataFrame({"A": [101.0, 103.0, 102.0, 105.0, 105.0]}, index=S_DAYS),
        "low": pd.DataFrame({"A": [99.0, 100.0, 100.0, 102.0, 101.0]}, index=S_DAYS),
    }
)
HEAD5 = "A session 2024-01-05: low 101, high 105"


def _session(**fields: Any) -> ClaimResult:
    return _check(SESSION, "session", symbol="A", **fields)


def test_session_low() -> None:
    r = _session(date="2024-01-05", stat="low", stated=101)
    assert (r.measured, r.detail) == (101.0, HEAD5)


def test_equal_session_high_is_no_record() -> None:
    # 01-05 high 105 equals the 105 of 01-04
    r = _session(date="2024-01-05", stat="record_high", stated=0)
    assert (r.measured, r.detail) == (0.0, f"{HEAD5}; highest earlier session high 105")


def test_record_high_over_one_earlier_session() -> None:
    r = _session(date="2024-01-02", stat="record_high", stated=1)
    assert (r.measured, r.detail) == (
        1.0,
        "A session 2024-01-02: low 100, high 103; highest earlier session high 101",
    )


def test_first_session_has_no_earlier_high() -> None:
    r = _session(date="2024-01-01", stat="record_high", stated=0)
    assert (r.measured, r.detail) == (
        0.0,
        "A session 2024-01-01: low 99, high 101; highest earlier session high inf",
    )


@pytest.mark.parametrize("level", [101.0, 105.0])
def test_levels_at_the_session_range_are_reachable(level: float) -> None:
    r = _session(date="2024-01-05", stat="within_level", stated=level)
    assert (r.measured, r.detail) == (level, f"{HEAD5}; stated level reachable: True")


def test_high_and_low_returns_from_the_close_before_start() -> None:
    # start 01-03: base close 102 (01-02): high 105 / 102 - 1, low 101 / 102 - 1
    head = f"{HEAD5}; base close 102 on 2024-01-02"
    hi = _session(date="2024-01-05", start="2024-01-03", stat="high_return", stated=0.03)
    assert hi.measured == pytest.approx(3 / 102)
    assert hi.detail == head
    lo = _session(date="2024-01-05", start="2024-01-03", stat="low_return", stated=-0.01)
    assert lo.measured == pytest.approx(-1 / 102)
    assert lo.detail == head


def test_returns_reachable_during_the_session() -> None:
    # -0.98 % .. +2.94 % from 102: a stated +1 % was reached
    r = _session(date="2024-01-05", start="2024-01-03", stat="within_return", stated=0.01)
    assert r.measured == pytest.approx(0.01)
    assert r.detail == (
        f"{HEAD5}; base close 102 on 2024-01-02; returns reachable in the session -0.98%..+2.94%"
    )


def test_return_from_the_highest_close_up_to_the_session_before() -> None:
    # closes 01-01 .. 01-04: the highest is 104 on 01-04 (the day before)
    r = _session(date="2024-01-05", start="2024-01-01", base="max_close", stat="high_return",
                 stated=0.01)  # fmt: skip
    assert r.measured == pytest.approx(1 / 104)
    assert r.detail == f"{HEAD5}; highest earlier close 104 on 2024-01-04"


def test_no_close_between_start_and_the_session() -> None:
    r = _session(date="2024-01-05", start="2024-01-05", base="max_close", stat="high_return",
                 stated=0.01)  # fmt: skip
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("closes of A before 2024-01-05",)


def test_a_return_needs_its_start() -> None:
    r = _session(date="2024-01-05", stat="high_return", stated=0.01)
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("the start of the window of A (a return needs its base)",)


def test_base_close_too_old() -> None:
    data = Data({**SESSION.frames, "close": pd.DataFrame({"A": [90.0]}, index=[S_DAYS[0]])})
    data.frames["close"].index = pd.DatetimeIndex(["2023-12-20"])
    r = _check(data, "session", symbol="A", date="2024-01-05", start="2024-01-03",
               stat="high_return", stated=0.01)  # fmt: skip
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("prices A around 2024-01-02 (have 2023-12-20..2023-12-20)",)


# ------------------------------------------------------------------ rsi
def _rsi_by_hand(closes: list[float], n: int) -> float:
    gains = [max(b - a, 0.0) for a, b in itertools.pairwise(closes)]
    losses = [max(a - b, 0.0) for a, b in itertools.pairwise(closes)]
    g, lo = sum(gains[:n]) / n, sum(losses[:n]) / n
    for x, y in zip(gains[n:], losses[n:], strict=True):
        g, lo = (g * (n - 1) + x) / n, (lo * (n - 1) + y) / n
    return 100.0 if lo == 0 else 100.0 - 100.0 / (1.0 + g / lo)


def test_rsi_of_period_two_with_an_average_loss_of_one() -> None:
    # changes +2, -2: average gain 1, average loss 1 -> RSI 50
    data = _close([100.0, 102.0, 100.0], D6[:3])
    r = _check(data, "rsi", symbol="A", n=2, asof="2023-01-04", stated=50)
    assert r.measured == pytest.approx(50.0)
    assert (
        r.detail == "A RSI(2, Wilder) on 2023-01-04: 50.00 (smoothed over 3 closes from 2023-01-02)"
    )


def test_rsi_of_period_one_is_refused() -> None:
    data = _close([100.0, 102.0, 100.0], D6[:3])
    r = _check(data, "rsi", symbol="A", n=1, asof="2023-01-04", stated=50)
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("RSI period n=1 must be >= 2",)


def test_rsi_closes_ending_before_asof() -> None:
    data = _close([100.0, 102.0, 100.0], D6[:3])
    r = _check(data, "rsi", symbol="A", n=2, asof="2023-02-01", stated=50)
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("prices A around 2023-02-01 (have 2023-01-02..2023-01-04)",)


def test_wilder_rsi_series() -> None:
    closes = [100.0, 102.0, 101.0, 104.0, 103.0, 103.5, 101.0, 102.0]
    idx = pd.bdate_range("2024-01-01", periods=len(closes))
    got = wilder_rsi(pd.Series(closes, index=idx), 3)
    assert got.dtype == np.float64
    assert list(got.index) == list(idx)
    assert got.iloc[:3].isna().all()
    for k in range(3, len(closes)):
        assert got.iloc[k] == pytest.approx(_rsi_by_hand(closes[: k + 1], 3))


def test_wilder_rsi_default_period_is_fourteen() -> None:
    closes = [100.0 + (i % 3) - (i % 5) for i in range(17)]
    got = wilder_rsi(pd.Series(closes, index=pd.bdate_range("2024-01-01", periods=17)))
    assert got.iloc[:14].isna().all()
    assert got.iloc[14] == pytest.approx(_rsi_by_hand(closes[:15], 14))
    assert got.iloc[16] == pytest.approx(_rsi_by_hand(closes, 14))


def test_wilder_rsi_of_too_few_closes_is_nan() -> None:
    idx = pd.bdate_range("2024-01-01", periods=3)
    got = wilder_rsi(pd.Series([100.0, 101.0, 99.0], index=idx), 5)
    assert got.dtype == np.float64
    assert list(got.index) == list(idx)
    assert got.isna().all()


def test_wilder_rsi_without_losses_or_moves_is_100() -> None:
    idx = pd.bdate_range("2024-01-01", periods=4)
    up = wilder_rsi(pd.Series([100.0, 101.0, 102.0, 103.0], index=idx), 2)
    assert list(up.iloc[2:]) == [100.0, 100.0]
    flat = wilder_rsi(pd.Series([100.0, 100.0, 100.0, 100.0], index=idx), 2)
    assert list(flat.iloc[2:]) == [100.0, 100.0]


# ------------------------------------------------------------------ last_beat
# calendar years (exact binary returns): 2021 A +25 % vs B +12.5 % (A beat), 2022 both +25 %
# (a tie is no win), 2023 A -25 % vs B +25 %; mid-year closes between
YEARS = Data(
    {
        "close": pd.DataFrame(
            {
                "A": [100.0, 90.0, 125.0, 100.0, 156.25, 150.0, 117.1875, 110.0],
                "B": [100.0, 120.0, 112.5, 100.0, 140.625, 150.0, 175.78125, 120.0],
            },
            index=pd.DatetimeIndex(
                [
                    *("2020-12-31", "2021-06-30", "2021-12-31", "2022-06-30", "2022-12-30"),
                    *("2023-03-31", "2023-12-29", "2024-03-28"),
                ]
            ),
        )
    }
)


def test_last_calendar_year_beaten() -> None:
    r = _check(YEARS, "last_beat", symbol="A", benchmark="B", asof="2024-03-28", stated=2021.5)
    assert r.measured == 2021.5
    assert r.detail == (
        "calendar-year returns A vs B to 2023: last year A beat: 2021 (data from 2020-12-31)"
    )


def test_no_calendar_year_beaten() -> None:
    # to 2023-03-31 the complete years are 2021 (B behind) and 2022 (tie)
    r = _check(YEARS, "last_beat", symbol="B", benchmark="A", asof="2023-03-31", stated=2021.5)
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("a calendar year in which B beat A",)


def test_last_beat_prices_ending_before_asof() -> None:
    r = _check(YEARS, "last_beat", symbol="A", benchmark="B", asof="2024-06-28", stated=2021.5)
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("prices A/B around 2024-06-28 (have 2020-12-31..2024-03-28)",)


# year to date from 100 / 100 (2023-12-29): 01-01 A 101 (ahead), 01-02 100 (tie), 01-03 99
YTD = Data(
    {
        "close": pd.DataFrame(
            {"A": [100.0, 100.0, 101.0, 100.0, 99.0], "B": 100.0},
            index=pd.DatetimeIndex(
                ["2023-12-28", "2023-12-29", "2024-01-01", "2024-01-02", "2024-01-03"]
            ),
        )
    }
)


def test_last_session_ahead_year_to_date() -> None:
    r = _check(YTD, "last_beat", symbol="A", benchmark="B", basis="ytd", asof="2024-01-03",
               stated=2024)  # fmt: skip
    assert r.measured == pytest.approx(2024 + 0.5 / 366, abs=1e-9)
    assert r.detail == (
        "returns from 2023-12-29: last session with A ahead of B: 2024-01-01 (to 2024-01-03)"
    )


def test_never_ahead_year_to_date() -> None:
    r = _check(YTD, "last_beat", symbol="B", benchmark="A", basis="ytd", asof="2024-01-02",
               stated=2024)  # fmt: skip
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("B was not ahead of A year to date in 2024",)


def test_year_to_date_without_a_prior_year_close() -> None:
    data = Data({"close": YTD.frames["close"].iloc[2:]})
    r = _check(data, "last_beat", symbol="A", benchmark="B", basis="ytd", asof="2024-01-03",
               stated=2024)  # fmt: skip
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("a close of A/B before 2024",)


def test_base_close_is_the_last_one_before_start() -> None:
    # start 01-04: closes before it 100, 102, 101 -> base 101 on 01-03
    r = _session(date="2024-01-05", start="2024-01-04", stat="high_return", stated=0.04)
    assert r.measured == pytest.approx(4 / 101)
    assert r.detail == f"{HEAD5}; base close 101 on 2024-01-03"


def test_year_to_date_base_is_the_last_close_of_the_prior_year() -> None:
    # 2023 closes 12-27, 12-28, 12-29 (100 / 100 last); 2024 as in YTD
    frame = YTD.frames["close"]
    early = pd.DataFrame({"A": [97.0], "B": 100.0}, index=pd.DatetimeIndex(["2023-12-27"]))
    data = Data({"close": pd.concat([early, frame])})
    r = _check(data, "last_beat", symbol="A", benchmark="B", basis="ytd", asof="2024-01-03",
               stated=2024)  # fmt: skip
    assert r.detail == (
        "returns from 2023-12-29: last session with A ahead of B: 2024-01-01 (to 2024-01-03)"
    )
