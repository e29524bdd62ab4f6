"""Truth tests: window returns, point changes, rate changes and series values of claims.

Ten hand-written sessions (Mon 2024-01-01 .. Fri 2024-01-12) and three rate observations. Every
expected figure is worked out in the comments from the closes below; the missing-data messages
are written out in full, as a reader of a NOT_CHECKABLE verdict sees them.
"""

from __future__ import annotations

import pandas as pd
import pytest
from _claim_data import FrameData, run_claim

NAN = float("nan")
DAYS = pd.bdate_range("2024-01-01", periods=10)
CLOSE = {
    "A": [100.0, 102.0, 101.0, 104.0, 110.0, 108.0, 112.0, 111.0, 115.0, 120.0],
    # B has no close before Wednesday 01-03
    "B": [NAN, NAN, 40.0, 41.0, 42.0, 40.0, 44.0, 45.0, 44.0, 46.0],
    # D doubles between the close of 01-02 (50) and the close of 01-12 (100)
    "D": [50.0, 50.0, 55.0, 60.0, 70.0, 80.0, 90.0, 95.0, 98.0, 100.0],
}
ADJ_CLOSE = {
    "A": [200.0, 201.0, 205.0, 204.0, 208.0, 210.0, 209.0, 212.0, 214.0, 213.0],
    "B": [NAN, NAN, 80.0, 80.0, 81.0, 82.0, 84.0, 85.0, 86.0, 88.0],
    "D": [50.0, 50.0, 55.0, 60.0, 70.0, 80.0, 90.0, 95.0, 98.0, 100.0],
}
# a rate in percent and the same rate in decimal, observed on three days
RATE_DAYS = pd.DatetimeIndex(["2024-01-02", "2024-01-05", "2024-01-10"])
RATE_PCT = [4.00, 4.25, 3.90]


class Data(FrameData):
    """Closes per price field (any other field is an error) and two rate series."""

    def __init__(self) -> None:
        frames = {
            "close": pd.DataFrame(CLOSE, index=DAYS),
            "adj_close": pd.DataFrame(ADJ_CLOSE, index=DAYS),
        }
        ser = pd.DataFrame(
            {"R:PCT": RATE_PCT, "R:DEC": [v / 100.0 for v in RATE_PCT]}, index=RATE_DAYS
        )
        super().__init__(frames, ser)


def _run(**claim: object) -> tuple[str, float, str, tuple[str, ...]]:
    return run_claim(Data(), **claim)


# ------------------------------------------------------------------ window_return
def test_window_return_of_the_adjusted_closes() -> None:
    # window 01-03 .. 01-10: base is the adjusted close of 01-02 (201), end 01-10 (212)
    verdict, r, detail, _ = _run(
        metric="window_return", symbol="A", start="2024-01-03", end="2024-01-10", field="adj_close"
    )
    assert verdict == "CONTRADICTED"
    assert r == pytest.approx(212.0 / 201.0 - 1.0, abs=1e-12)
    assert detail == "A adj_close 2024-01-03..2024-01-10"


def test_window_return_needs_a_close_before_the_start() -> None:
    # a window starting on the first session has no close the day before (2023-12-31)
    verdict, _, _, missing = _run(
        metric="window_return", symbol="A", start="2024-01-01", end="2024-01-05"
    )
    assert verdict == "NOT_CHECKABLE"
    assert missing == ("prices A around 2023-12-31 (have 2024-01-01..2024-01-12)",)


def test_window_return_needs_closes_up_to_the_end() -> None:
    # the closes stop on 01-12, more than 4 days before the end 01-31
    verdict, _, _, missing = _run(
        metric="window_return", symbol="A", start="2024-01-03", end="2024-01-31"
    )
    assert verdict == "NOT_CHECKABLE"
    assert missing == ("prices A around 2024-01-31 (have 2024-01-01..2024-01-12)",)


# ------------------------------------------------------------------ relative_return
def test_relative_return_needs_the_benchmark_before_the_start() -> None:
    # A has the close of 01-02; B starts on 01-03, so it has none before the window
    verdict, _, _, missing = _run(
        metric="relative_return", symbol="A", benchmark="B", start="2024-01-03", end="2024-01-10"
    )
    assert verdict == "NOT_CHECKABLE"
    assert missing == ("prices B around 2024-01-02 (have 2024-01-03..2024-01-12)",)
    # from 01-04 on both have a base close (01-03): A 101 -> 115, B 40 -> 44 by 01-11
    _, rel, _, _ = _run(
        metric="relative_return", symbol="A", benchmark="B", start="2024-01-04", end="2024-01-11"
    )
    assert rel == pytest.approx((115.0 / 101.0 - 1.0) - (44.0 / 40.0 - 1.0), abs=1e-12)


def test_relative_return_needs_closes_up_to_the_end() -> None:
    verdict, _, _, missing = _run(
        metric="relative_return", symbol="A", benchmark="D", start="2024-01-03", end="2024-01-31"
    )
    assert verdict == "NOT_CHECKABLE"
    assert missing == ("prices A around 2024-01-31 (have 2024-01-01..2024-01-12)",)


def test_multiple_of_a_benchmark_that_doubled() -> None:
    # 01-03 .. 01-12: D 50 -> 100 (+100 %), A 102 -> 120; the multiple is A's return / 1
    verdict, m, detail, _ = _run(
        metric="relative_return",
        symbol="A",
        benchmark="D",
        start="2024-01-03",
        end="2024-01-12",
        how="multiple",
    )
    assert verdict == "CONTRADICTED"
    assert m == pytest.approx(120.0 / 102.0 - 1.0, abs=1e-12)
    assert detail == "A 17.65% vs D 100.00% 2024-01-03..2024-01-12 (multiple)"


# ------------------------------------------------------------------ window_change
def test_window_change_from_a_weekday_start() -> None:
    # start Wednesday 01-03: the close before it is Tuesday 01-02 (102); end 01-10 (111)
    verdict, ch, detail, _ = _run(
        metric="window_change", symbol="A", start="2024-01-03", end="2024-01-10"
    )
    assert ch == pytest.approx(9.0, abs=1e-12) and verdict == "CONTRADICTED"
    assert detail == "A close 102 (2024-01-02) -> 111 (2024-01-10): +9.00 points"
    # the adjusted closes: 201 (01-02) -> 212 (01-10)
    _, ch, detail, _ = _run(
        metric="window_change", symbol="A", start="2024-01-03", end="2024-01-10", field="adj_close"
    )
    assert ch == pytest.approx(11.0, abs=1e-12)
    assert detail == "A adj_close 201 (2024-01-02) -> 212 (2024-01-10): +11.00 points"


def test_window_change_needs_closes_around_both_ends() -> None:
    verdict, _, _, missing = _run(
        metric="window_change", symbol="A", start="2024-01-01", end="2024-01-05"
    )
    assert verdict == "NOT_CHECKABLE"
    assert missing == ("prices A around 2023-12-31 (have 2024-01-01..2024-01-12)",)
    verdict, _, _, missing = _run(
        metric="window_change", symbol="A", start="2024-01-03", end="2024-01-31"
    )
    assert verdict == "NOT_CHECKABLE"
    assert missing == ("prices A around 2024-01-31 (have 2024-01-01..2024-01-12)",)


# ------------------------------------------------------------------ rate_change
def test_rate_change_in_percent_and_in_decimal_units() -> None:
    # 4.00 % on 01-02 -> 3.90 % on 01-10: -0.10 percentage points = -0.001 as a decimal
    verdict, ch, detail, _ = _run(
        metric="rate_change", series="R:PCT", start="2024-01-02", end="2024-01-10"
    )
    assert verdict == "CONTRADICTED"
    assert ch == pytest.approx(-0.001, abs=1e-12)
    assert detail == "R:PCT 2024-01-02..2024-01-10"
    # the same rate published as a decimal (0.0400 -> 0.0390) is not divided by 100 again
    _, ch, detail, _ = _run(
        metric="rate_change", series="R:DEC", start="2024-01-02", end="2024-01-10", units="decimal"
    )
    assert ch == pytest.approx(-0.001, abs=1e-12)
    assert detail == "R:DEC 2024-01-02..2024-01-10"
    # to a Saturday: the last observation on or before it (01-05, 4.25 %)
    _, ch, _, _ = _run(metric="rate_change", series="R:PCT", start="2024-01-02", end="2024-01-06")
    assert ch == pytest.approx(0.0025, abs=1e-12)


def test_rate_change_needs_observations_around_both_ends() -> None:
    verdict, _, _, missing = _run(
        metric="rate_change", series="R:PCT", start="2024-01-01", end="2024-01-10"
    )
    assert verdict == "NOT_CHECKABLE"
    assert missing == ("series R:PCT around 2024-01-01 (have 2024-01-02..2024-01-10)",)
    verdict, _, _, missing = _run(
        metric="rate_change", series="R:PCT", start="2024-01-02", end="2024-01-31"
    )
    assert verdict == "NOT_CHECKABLE"
    assert missing == ("series R:PCT around 2024-01-31 (have 2024-01-02..2024-01-10)",)


# ------------------------------------------------------------------ series_value
def test_series_value_names_the_observation_used() -> None:
    # on 01-12 the last observation is the one of 01-10 (3.90), two days old
    verdict, v, detail, _ = _run(metric="series_value", series="R:PCT", date="2024-01-12")
    assert v == 3.90 and verdict == "CONTRADICTED"
    assert detail == "R:PCT on 2024-01-10"
    _, v, detail, _ = _run(metric="series_value", series="R:PCT", date="2024-01-08")
    assert v == 4.25 and detail == "R:PCT on 2024-01-05"
