"""Truth tests: relative returns, records, hit rates, point changes and series values of claims.

Hand-made closes with values chosen so each figure can be worked out on paper; the expected
numbers are written out below, never produced by the checker's analytics.
"""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
import pytest

from sizeup.claims import evaluate_claims, parse_claims

# Mon 2024-01-01 .. Fri 2024-01-12 (ten sessions)
DAYS = pd.bdate_range("2024-01-01", periods=10)
CLOSES = {
    "A": [100.0, 102.0, 101.0, 104.0, 110.0, 108.0, 112.0, 111.0, 115.0, 120.0],
    "B": [50.0, 50.5, 51.0, 51.0, 52.0, 51.5, 52.5, 53.0, 53.0, 55.0],
    "Z": [10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0, 10.0],
    "R": [10.0, 12.0, 11.0, 10.5, 11.5, 11.0, 11.0, 11.0, 11.0, 11.0],
}
# month-end closes 2019..2023 for the hit rates (Dec 2018 is the first base)
MONTHS = pd.date_range("2018-12-31", periods=61, freq="ME")
M_A = [100.0 + 2.0 * k + (5.0 if k % 12 == 6 else 0.0) for k in range(61)]
M_B = [100.0 + 2.5 * k for k in range(61)]


class Data:
    def __init__(self) -> None:
        daily = pd.DataFrame(CLOSES, index=DAYS)
        monthly = pd.DataFrame({"MA": M_A, "MB": M_B, "MC": M_B}, index=MONTHS)
        self.px = pd.concat([daily, monthly], axis=1, sort=True)
        self.ser = pd.DataFrame(
            {"FRED:X": [1.0, 1.5, 2.0]},
            index=pd.DatetimeIndex(["2024-01-02", "2024-01-05", "2024-01-11"]),
        )

    def prices(self, symbols: Sequence[str], *, field: str) -> pd.DataFrame:
        return self.px[[s for s in symbols if s in self.px.columns]]

    def series(self, ids: Sequence[str], *, vintage: str | None = None) -> pd.DataFrame:
        return self.ser[[i for i in ids if i in self.ser.columns]]

    def snapshots(self, universe: str) -> dict[pd.Timestamp, list[str]]:
        return {}

    def fundamentals(self) -> None:
        return None


def _run(**claim: object) -> tuple[str, float, str]:
    doc = {"claim": [{"text": "t", "stated": 0.0, "tolerance": 1e-9, **claim}]}
    (res,) = evaluate_claims(parse_claims(doc), Data())
    return (
        res.verdict,
        float(res.measured) if res.measured is not None else float("nan"),
        (res.detail if res.verdict != "NOT_CHECKABLE" else " ".join(res.missing)),
    )


def test_relative_return_diff_ratio_multiple() -> None:
    # window 01-03 .. 01-10: base = close of 01-02 (A 102, B 50.5); end 01-10 (A 111, B 53)
    ra, rb = 111.0 / 102.0 - 1, 53.0 / 50.5 - 1
    base = {"metric": "relative_return", "symbol": "A", "benchmark": "B",
            "start": "2024-01-03", "end": "2024-01-10"}  # fmt: skip
    _, diff, detail = _run(**base)
    assert diff == pytest.approx(ra - rb, abs=1e-12)
    assert detail.startswith(f"A {100 * ra:.2f}% vs B {100 * rb:.2f}% 2024-01-03..2024-01-10")
    assert detail.endswith("(diff)")
    _, ratio, detail = _run(**base, how="ratio")
    assert ratio == pytest.approx((1 + ra) / (1 + rb) - 1, abs=1e-12) and "(ratio)" in detail
    _, multiple, _ = _run(**base, how="multiple")
    assert multiple == pytest.approx(ra / rb, rel=1e-12)
    verdict, _, why = _run(**{**base, "benchmark": "Z"}, how="multiple")
    assert verdict == "NOT_CHECKABLE" and why == "Z returned 0 from 2024-01-03: no multiple"
    # the stated value is checked against the measured one
    doc = {"claim": [{"text": "t", "stated": round(ra - rb, 6), "tolerance": 1e-6, **base}]}
    assert evaluate_claims(parse_claims(doc), Data())[0].verdict == "SUPPORTED"


def test_window_change_in_points() -> None:
    # start Saturday 01-06: the close before it is Friday 01-05 (110); end 01-11 (115)
    verdict, change, detail = _run(
        metric="window_change", symbol="A", start="2024-01-06", end="2024-01-11"
    )
    assert change == pytest.approx(5.0) and verdict == "CONTRADICTED"
    assert "110 (2024-01-05) -> 115 (2024-01-11): +5.00 points" in detail
    # start on the first day: no close before it
    verdict, _, why = _run(metric="window_change", symbol="A", start="2024-01-01", end="2024-01-05")
    assert verdict == "NOT_CHECKABLE" and "A" in why


def test_record_of_a_price_and_of_a_ratio() -> None:
    # sessions: 01-01 .. 01-05, then 01-08 .. 01-12 (A: ... 110, 108, 112, 111, 115, 120)
    assert _run(metric="record", symbol="A", asof="2024-01-12")[1] == 1.0
    assert _run(metric="record", symbol="A", asof="2024-01-10")[1] == 0.0  # 111 < 112 (01-09)
    # A/B: 01-09 112/52.5 = 2.1333 is the high until 01-11 (115/53 = 2.1698); 01-10 2.0943
    assert _run(metric="record", symbol="A", benchmark="B", asof="2024-01-11")[1] == 1.0
    assert _run(metric="record", symbol="A", benchmark="B", asof="2024-01-10")[1] == 0.0
    # a look-back of L sessions compares the as-of close with the L closes before it
    assert _run(metric="record", symbol="A", asof="2024-01-10", lookback=2)[1] == 0.0
    assert _run(metric="record", symbol="A", asof="2024-01-11", lookback=1)[1] == 1.0
    # R on 01-05 (11.5) tops 11 and 10.5 (two sessions back) but not 12 (three back)
    assert _run(metric="record", symbol="R", asof="2024-01-05", lookback=2)[1] == 1.0
    assert _run(metric="record", symbol="R", asof="2024-01-05", lookback=3)[1] == 0.0


def test_hit_rate_by_calendar_year_and_by_month() -> None:
    # yearly: A grows 24 a year with a +5 bump every June (k % 12 == 6), gone by December;
    # B grows 30 a year. Each year's return is December over the previous December.
    wins = 0
    for y in range(2019, 2024):
        ka, kb = 12 * (y - 2018), 12 * (y - 2019)
        a = M_A[ka] / M_A[kb] - 1
        b = M_B[ka] / M_B[kb] - 1
        wins += a > b
    got = _run(metric="hit_rate", symbol="MA", benchmark="MB", freq="Y",
               start="2019-01-01", end="2023-12-31")[1]  # fmt: skip
    assert got == pytest.approx(wins / 5)
    # monthly, 2021: A beats B only in June (the bump month) -> 1 of 12
    monthly = [(M_A[k] / M_A[k - 1] - 1) > (M_B[k] / M_B[k - 1] - 1) for k in range(25, 37)]
    assert sum(monthly) == 1
    got = _run(metric="hit_rate", symbol="MA", benchmark="MB", freq="M",
               start="2021-01-01", end="2021-12-31")[1]  # fmt: skip
    assert got == pytest.approx(1 / 12)
    # equal returns are not wins
    got = _run(metric="hit_rate", symbol="MC", benchmark="MB", freq="M",
               start="2021-01-01", end="2021-12-31")[1]  # fmt: skip
    assert got == 0.0
    verdict, _, why = _run(metric="hit_rate", symbol="MA", benchmark="MB", freq="Y",
                           start="2017-01-01", end="2019-12-31")  # fmt: skip
    assert verdict == "NOT_CHECKABLE" and "2017" in why


def test_series_value_within_four_days() -> None:
    # last observation on or before the date, at most 4 days old
    assert _run(metric="series_value", series="FRED:X", date="2024-01-09")[1] == 1.5  # 4 days
    verdict, _, why = _run(metric="series_value", series="FRED:X", date="2024-01-10")
    assert verdict == "NOT_CHECKABLE" and "2024-01-10" in why  # 5 days after 01-05
    assert _run(metric="series_value", series="FRED:X", date="2024-01-11")[1] == 2.0
    verdict, _, _ = _run(metric="series_value", series="FRED:X", date="2024-01-01")
    assert verdict == "NOT_CHECKABLE"  # before the first observation
