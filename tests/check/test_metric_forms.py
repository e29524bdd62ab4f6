"""The claim metrics the article checker added (``since_when``, ``session``) on hand-built frames.

Every expected value is worked out in the comments from the small frames below.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
import pytest

from sizeup.claims import ClaimResult, evaluate_claim, make_claim
from sizeup.claims._kinds import decimal_year

DAYS = pd.bdate_range("2024-03-04", periods=6)  # Mon 03-04 .. Mon 03-11


class FieldData:
    """In-memory ClaimData whose prices depend on the field asked for."""

    def __init__(self, fields: dict[str, pd.DataFrame], ser: pd.DataFrame | None = None) -> None:
        self.fields = fields
        self.ser = ser if ser is not None else pd.DataFrame()

    def prices(self, symbols: Sequence[str], *, field: str) -> pd.DataFrame:
        frame = self.fields.get(field, pd.DataFrame())
        return frame[[s for s in symbols if s in frame.columns]]

    def series(self, ids: Sequence[str], *, vintage: str | None = None) -> pd.DataFrame:
        return self.ser[[i for i in ids if i in self.ser.columns]]

    def snapshots(self, universe: str) -> dict[pd.Timestamp, list[str]]:
        return {}

    def fundamentals(self) -> None:
        return None


def _check(data: FieldData, **fields: Any) -> ClaimResult:
    raw: dict[str, Any] = {"text": "t"}
    raw.update(fields)
    return evaluate_claim(make_claim(raw), data)


def test_decimal_year_is_the_middle_of_the_day() -> None:
    # 2023-01-01 is day 1 of 365: 2023 + 0.5/365; 2024-12-31 is day 366 of 366
    assert decimal_year(pd.Timestamp("2023-01-01")) == pytest.approx(2023 + 0.5 / 365)
    assert decimal_year(pd.Timestamp("2024-12-31")) == pytest.approx(2024 + 365.5 / 366)


def test_since_when_level_change_and_record() -> None:
    # closes 10, 12, 11, 9, 11.5, 12.6 on 03-04..03-11
    px = pd.DataFrame({"A": [10, 12, 11, 9, 11.5, 12.6]}, index=DAYS, dtype=float)
    data = FieldData({"close": px})
    # as of 03-08 (11.5): the last earlier close >= 11.5 is 12 on 03-05
    res = _check(
        data, metric="since_when", symbol="A", asof="2024-03-08", stated=2024.0, tolerance=1
    )
    assert res.measured == pytest.approx(decimal_year(pd.Timestamp("2024-03-05")))
    # lowest since: as of 03-07 (9) no earlier close is as low -> not checkable (history)
    low = _check(
        data,
        metric="since_when",
        symbol="A",
        mode="worst",
        asof="2024-03-07",
        stated=2024.0,
        tolerance=1,
    )
    assert low.verdict == "NOT_CHECKABLE"
    # daily changes: +20%, -8.33%, -18.18%, +27.78%, +9.57%; as of 03-11 (+9.57%) the last
    # earlier change at least as high is +27.78% on 03-08
    chg = _check(
        data,
        metric="since_when",
        symbol="A",
        measure="change",
        asof="2024-03-11",
        stated=2024.0,
        tolerance=1,
    )
    assert chg.measured == pytest.approx(decimal_year(pd.Timestamp("2024-03-08")))
    # worst day as of 03-06 (-8.33%): no earlier day as bad (only +20%)
    worst = _check(
        data,
        metric="since_when",
        symbol="A",
        measure="change",
        mode="worst",
        asof="2024-03-06",
        stated=2024.0,
        tolerance=1,
    )
    assert worst.verdict == "NOT_CHECKABLE"
    # records: 03-04 (first close), 03-05 (12), 03-11 (12.6); before 03-11 the last is 03-05
    rec = _check(
        data,
        metric="since_when",
        symbol="A",
        measure="record",
        asof="2024-03-11",
        stated=decimal_year(pd.Timestamp("2024-03-05")),
        tolerance=0.5 / 366,
    )
    assert rec.verdict == "SUPPORTED"


def test_since_when_series_changes_and_months() -> None:
    # a yield: changes -0.10, +0.05, -0.20, +0.02, -0.12 (03-05..03-11)
    y = pd.DataFrame({"Y": [4.0, 3.9, 3.95, 3.75, 3.77, 3.65]}, index=DAYS)
    data = FieldData({}, ser=y)
    # as of 03-11 (-0.12): the last earlier change <= -0.12 is -0.20 on 03-07
    res = _check(
        data,
        metric="since_when",
        series="Y",
        measure="change",
        mode="worst",
        asof="2024-03-11",
        stated=2024.0,
        tolerance=1,
    )
    assert res.measured == pytest.approx(decimal_year(pd.Timestamp("2024-03-07")))
    # monthly: month-end closes Jan 100, Feb 110 (+10%), Mar 104.5 (-5%), Apr 113.9 (+9%)
    idx = pd.DatetimeIndex(["2024-01-31", "2024-02-29", "2024-03-28", "2024-04-30"])
    m = FieldData({"close": pd.DataFrame({"A": [100, 110, 104.5, 113.905]}, index=idx)})
    best = _check(
        m,
        metric="since_when",
        symbol="A",
        measure="change",
        freq="M",
        asof="2024-04-30",
        stated=2024.0,
        tolerance=1,
    )
    # April's +9% is beaten last by February's +10%
    assert best.measured == pytest.approx(decimal_year(pd.Timestamp("2024-02-29")))


def test_session_high_record_and_ranges() -> None:
    close = pd.DataFrame({"A": [100, 101, 102, 101, 103, 104]}, index=DAYS, dtype=float)
    high = pd.DataFrame({"A": [101, 102, 105, 102, 104, 106]}, index=DAYS, dtype=float)
    low = pd.DataFrame({"A": [99, 100, 101, 99, 100, 102]}, index=DAYS, dtype=float)
    data = FieldData({"close": close, "high": high, "low": low})
    day = "2024-03-08"  # high 104, low 100, previous close (03-07) 101
    assert _check(data, metric="session", symbol="A", date=day, stated=104).measured == 104
    # 104 is below the 03-06 high of 105: no intraday record; 03-11's 106 is one
    rec = _check(data, metric="session", symbol="A", date=day, stat="record_high", stated=1)
    assert rec.verdict == "CONTRADICTED"
    rec2 = _check(
        data, metric="session", symbol="A", date="2024-03-11", stat="record_high", stated=1
    )
    assert rec2.verdict == "SUPPORTED"
    # high over the previous close: 104 / 101 - 1 = 2.97%
    up = _check(
        data,
        metric="session",
        symbol="A",
        date=day,
        start=day,
        stat="high_return",
        stated=0.03,
        tolerance=0.0005,
    )
    assert up.measured == pytest.approx(104 / 101 - 1) and up.verdict == "SUPPORTED"
    # returns reachable on 03-08 from 101: -0.99%..+2.97%; -0.5% is inside, +3.5% is not
    inside = _check(
        data,
        metric="session",
        symbol="A",
        date=day,
        start=day,
        stat="within_return",
        stated=-0.005,
        tolerance=0.0003,
    )
    assert inside.verdict == "SUPPORTED" and inside.measured == pytest.approx(-0.005)
    outside = _check(
        data,
        metric="session",
        symbol="A",
        date=day,
        start=day,
        stat="within_return",
        stated=0.035,
        tolerance=0.0003,
    )
    assert outside.verdict == "CONTRADICTED"
    assert outside.measured == pytest.approx(104 / 101 - 1)
    # levels reachable: 100..104
    lvl = _check(
        data, metric="session", symbol="A", date=day, stat="within_level", stated=99, tolerance=0.5
    )
    assert lvl.verdict == "CONTRADICTED" and lvl.measured == 100
    # no session on the day asked for -> not checkable
    gone = _check(data, metric="session", symbol="A", date="2024-03-09", stated=1)
    assert gone.verdict == "NOT_CHECKABLE"


def test_session_distance_from_the_highest_earlier_close() -> None:
    close = pd.DataFrame({"A": [100, 101, 102, 101, 103, 104]}, index=DAYS, dtype=float)
    high = pd.DataFrame({"A": [101, 102, 105, 102, 104, 106]}, index=DAYS, dtype=float)
    low = pd.DataFrame({"A": [99, 100, 101, 99, 100, 102]}, index=DAYS, dtype=float)
    data = FieldData({"close": close, "high": high, "low": low})
    # 03-08: low 100, high 104; the highest close 03-04..03-07 is 102 (03-06), so the
    # distances reachable are 100/102 - 1 = -1.96% .. 104/102 - 1 = +1.96%
    kw: dict[str, Any] = {
        "metric": "session",
        "symbol": "A",
        "date": "2024-03-08",
        "start": "2024-03-04",
        "base": "max_close",
        "stat": "within_return",
        "tolerance": 0.0005,
    }
    near = _check(data, stated=-0.0199, **kw)
    assert near.verdict == "SUPPORTED"
    far = _check(data, stated=-0.03, **kw)
    assert far.verdict == "CONTRADICTED" and far.measured == pytest.approx(100 / 102 - 1)


def test_wilder_rsi_by_hand() -> None:
    # changes +1, -0.5, +1, -0.5, +1 with n = 3:
    # first averages gain (1 + 0 + 1)/3 = 2/3, loss 0.5/3 = 1/6 -> RS 4 -> RSI 80
    # then gain (2/3*2 + 0)/3 = 4/9, loss (1/6*2 + 0.5)/3 = 5/18 -> RS 1.6 -> RSI 61.538
    # then gain (4/9*2 + 1)/3 = 17/27, loss (5/18*2)/3 = 5/27 -> RS 3.4 -> RSI 77.273
    idx = pd.bdate_range("2024-03-04", periods=6)
    px = pd.DataFrame({"A": [10, 11, 10.5, 11.5, 11, 12]}, index=idx, dtype=float)
    data = FieldData({"close": px})
    r = _check(data, metric="rsi", symbol="A", n=3, asof="2024-03-11", stated=77, tolerance=0.5)
    assert r.measured == pytest.approx(100 - 100 / 4.4) and r.verdict == "SUPPORTED"
    mid = _check(data, metric="rsi", symbol="A", n=3, asof="2024-03-08", stated=80, tolerance=0.1)
    assert mid.measured == pytest.approx(100 - 100 / 2.6)
    first = _check(data, metric="rsi", symbol="A", n=3, asof="2024-03-07", stated=80, tolerance=0.1)
    assert first.measured == pytest.approx(80.0)


def test_runs_of_moves_of_at_least_a_threshold_and_of_years() -> None:
    # daily returns: +2%, +0.5%, +1.2%, +1.5%, +1.1% -> the last three are >= 1%
    closes = [100.0]
    for r in (0.02, 0.005, 0.012, 0.015, 0.011):
        closes.append(closes[-1] * (1 + r))
    px = pd.DataFrame({"A": closes}, index=DAYS)
    data = FieldData({"close": px})
    kw: dict[str, Any] = {"metric": "streak", "symbol": "A", "freq": "D", "asof": "2024-03-11"}
    run = _check(data, min_move=0.01, stated=3, **kw)
    assert run.measured == 3 and run.verdict == "SUPPORTED"
    # without the threshold every day rose: a run of 5
    assert _check(data, stated=5, **kw).measured == 5
    # a run of declines of at least 1%: none at the end
    assert _check(data, min_move=0.01, stated=-2, **kw).measured == 0
    # calendar years: A beats B in 2021, 2022 and 2023 after losing in 2020
    idx = pd.DatetimeIndex(["2019-12-31", "2020-12-31", "2021-12-31", "2022-12-30", "2023-12-29"])
    yearly = FieldData(
        {
            "close": pd.DataFrame(
                {"A": [100, 101, 112, 120, 130], "B": [100, 110, 111, 112, 113.0]}, index=idx
            )
        }
    )
    yr = _check(
        yearly, metric="year_streak", symbol="A", benchmark="B", asof="2023-12-31", stated=3
    )
    assert yr.measured == 3


def test_last_beat_calendar_year_and_year_to_date() -> None:
    # year ends: A 100, 110 (+10%), 115.5 (+5%), 115.5 (0%); B 100, 105 (+5%), 115.5 (+10%),
    # 127.05 (+10%): A beat B in 2021 only; 2024 (running, A ahead) does not count
    idx = pd.DatetimeIndex(
        ["2020-12-31", "2021-12-31", "2022-12-30", "2023-12-29", "2024-01-03", "2024-01-04"]
    )
    a = [100, 110, 115.5, 115.5, 115.5, 116.655]
    b = [100, 105, 115.5, 127.05, 128.32, 127.05]
    data = FieldData({"close": pd.DataFrame({"A": a, "B": b}, index=idx)})
    kw: dict[str, Any] = {"metric": "last_beat", "symbol": "A", "benchmark": "B"}
    yr = _check(data, asof="2024-01-04", stated=2021.5, tolerance=0.5, **kw)
    assert yr.measured == 2021.5 and yr.verdict == "SUPPORTED"
    # year to date from 2023-12-29: 01-03 A 0% vs B +1% (behind), 01-04 A +1% vs B 0% (ahead)
    ytd = _check(data, asof="2024-01-04", basis="ytd", stated=2024.0, tolerance=1, **kw)
    assert ytd.measured == pytest.approx(decimal_year(pd.Timestamp("2024-01-04")))
    # as of 01-03 A was never ahead in 2024: not checkable
    assert _check(data, asof="2024-01-03", basis="ytd", stated=2024.0, **kw).verdict == (
        "NOT_CHECKABLE"
    )


def test_streak_rank_and_longest_run() -> None:
    # relative daily moves of A over B: + + + - + + - + + + + - + + (runs 3, 2, 4 and 2 now)
    signs = [1, 1, 1, -1, 1, 1, -1, 1, 1, 1, 1, -1, 1, 1]
    a, b = [100.0], [100.0]
    for sg in signs:
        a.append(a[-1] * (1.01 if sg > 0 else 0.99))
        b.append(b[-1])
    idx = pd.bdate_range("2024-01-01", periods=len(a))
    data = FieldData({"close": pd.DataFrame({"A": a, "B": b}, index=idx)})
    kw: dict[str, Any] = {
        "metric": "streak",
        "symbol": "A",
        "benchmark": "B",
        "freq": "D",
        "asof": f"{idx[-1]:%Y-%m-%d}",
    }
    # the run of 2 ending now: one earlier run (4) and one (3) are longer -> rank 3
    assert _check(data, stat="rank", stated=3, **kw).measured == 3
    # the run of 4 (ending on the 12th session): longer earlier runs: none -> rank 1
    assert _check(data, stat="rank", length=4, stated=1, **kw).measured == 1
    # the run of 3 ranks 1 among the runs before it
    assert _check(data, stat="rank", length=3, stated=1, **kw).measured == 1
    longest = _check(data, stat="longest", stated=4, **kw)
    assert longest.measured == 4
    end = _check(data, stat="longest_end", stated=2024.0, tolerance=1, **kw)
    assert end.measured == pytest.approx(decimal_year(pd.Timestamp(idx[11])))


def test_first_negative_close_of_the_year() -> None:
    # prior year end 100; 2024: 101, 99.5 (first below, 01-03), 102, 98
    idx = pd.DatetimeIndex(["2023-12-29", "2024-01-02", "2024-01-03", "2024-01-04", "2024-01-05"])
    px = pd.DataFrame({"A": [100, 101, 99.5, 102, 98.0]}, index=idx)
    data = FieldData({"close": px})
    r = _check(
        data,
        metric="since_when",
        symbol="A",
        measure="first_negative",
        asof="2024-01-05",
        stated=decimal_year(pd.Timestamp("2024-01-05")),
        tolerance=0.5 / 366,
    )
    assert r.measured == pytest.approx(decimal_year(pd.Timestamp("2024-01-03")))
    assert r.verdict == "CONTRADICTED"


def test_relative_return_as_a_multiple() -> None:
    # A 100 -> 109 (+9%), B 100 -> 104 (+4%): 9 / 4 = 2.25 times
    idx = pd.DatetimeIndex(["2024-01-31", "2024-02-29"])
    data = FieldData({"close": pd.DataFrame({"A": [100.0, 109], "B": [100.0, 104]}, index=idx)})
    r = _check(
        data,
        metric="relative_return",
        symbol="A",
        benchmark="B",
        start="2024-02-01",
        end="2024-02-29",
        how="multiple",
        stated=2,
        tolerance=0.5,
    )
    assert r.measured == pytest.approx(2.25) and r.verdict == "SUPPORTED"


def test_window_change_in_points() -> None:
    # closes 03-04..03-11: 100, 101, 102, 101, 103, 104; 03-06..03-08 from the 03-05 close
    close = pd.DataFrame({"A": [100, 101, 102, 101, 103, 104]}, index=DAYS, dtype=float)
    r = _check(
        FieldData({"close": close}),
        metric="window_change",
        symbol="A",
        start="2024-03-06",
        end="2024-03-08",
        stated=2,
        tolerance=0.02,
    )
    assert r.measured == pytest.approx(103 - 101) and r.verdict == "SUPPORTED"
