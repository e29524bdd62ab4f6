"""Truth tests: seasonal means, factor premiums and calendar-year returns of the claims checker.

The claims ``seasonal_mean``, ``factor_premium`` and ``calendar_year_return`` are evaluated on
hand-made prices and series; every expected value is recomputed here with plain Python loops
(month returns by compounding the day returns of each calendar month, the sample statistics
with ``statistics``), never with the analytics the checker uses.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Sequence

import pandas as pd
import pytest

from sizeup.claims import evaluate_claims, parse_claims

DAYS = pd.bdate_range("2021-01-04", "2023-12-29")


def _path(seed: int) -> list[float]:
    """A deterministic close path with ups and downs (no randomness)."""
    out, x = [], 100.0
    for i in range(len(DAYS)):
        step = ((i * seed) % 17 - 8) / 400.0 + (0.004 if (i // 23) % 3 == 0 else -0.002)
        x *= 1.0 + step
        out.append(round(x, 6))
    return out


class Data:
    """Two price paths and a monthly factor series."""

    def __init__(self) -> None:
        self.px = pd.DataFrame({"A": _path(7), "B": _path(11)}, index=DAYS)
        months = pd.date_range("2019-01-31", periods=36, freq="ME")
        values = [((k * 5) % 9 - 4) / 100.0 + (0.03 if m.month == 1 else 0.0)
                  for k, m in enumerate(months)]  # fmt: skip
        self.ser = pd.DataFrame({"FF:SMB": values}, index=months)

    def prices(self, symbols: Sequence[str], *, field: str) -> pd.DataFrame:
        return self.px[[s for s in symbols if s in self.px.columns]]

    def series(self, ids: Sequence[str], *, vintage: str | None = None) -> pd.DataFrame:
        return self.ser[[i for i in ids if i in self.ser.columns]]

    def snapshots(self, universe: str) -> dict[pd.Timestamp, list[str]]:
        return {}

    def fundamentals(self) -> None:
        return None


def _day_returns(sym: str, data: Data) -> list[tuple[pd.Timestamp, float]]:
    closes = data.px[sym].tolist()
    return [(DAYS[i], closes[i] / closes[i - 1] - 1.0) for i in range(1, len(DAYS))]


def _month_returns(rets: list[tuple[pd.Timestamp, float]]) -> dict[tuple[int, int], float]:
    out: dict[tuple[int, int], float] = {}
    for day, r in rets:
        key = (day.year, day.month)
        out[key] = (1.0 + out.get(key, 0.0)) * (1.0 + r) - 1.0
    return out


def _measure(**claim: object) -> float:
    doc = {"claim": [{"text": "t", "stated": 0.0, "tolerance": 1.0, **claim}]}
    (res,) = evaluate_claims(parse_claims(doc), Data())
    assert res.verdict != "NOT_CHECKABLE", res.missing
    return float(res.measured)


def _t(xs: list[float]) -> float:
    return statistics.mean(xs) / (statistics.stdev(xs) / math.sqrt(len(xs)))


def test_seasonal_month_statistics() -> None:
    months = _month_returns(_day_returns("A", Data()))
    febs = [v for (y, m), v in sorted(months.items()) if m == 2]
    assert len(febs) == 3
    base = {"metric": "seasonal_mean", "symbol": "A", "window": "month", "month": 2}
    assert _measure(**base) == pytest.approx(statistics.mean(febs), abs=1e-12)
    assert _measure(**base, stat="median") == pytest.approx(statistics.median(febs), abs=1e-12)
    assert _measure(**base, stat="n") == 3
    assert _measure(**base, stat="hit_rate") == pytest.approx(sum(v > 0 for v in febs) / 3)
    assert _measure(**base, stat="t_stat") == pytest.approx(_t(febs), rel=1e-9)
    # a start month clips to that month's first day; the end month is inclusive
    later = [v for (y, m), v in sorted(months.items()) if m == 2 and y >= 2022]
    assert _measure(**base, start="2022-02", stat="n") == 2
    assert _measure(**base, start="2022-02") == pytest.approx(statistics.mean(later), abs=1e-12)
    assert _measure(**base, end="2022-02", stat="n") == 2


def test_seasonal_month_of_a_pair_is_the_relative_month_return() -> None:
    data = Data()
    ma = _month_returns(_day_returns("A", data))
    mb = _month_returns(_day_returns("B", data))
    rel = [(1 + ma[k]) / (1 + mb[k]) - 1 for k in sorted(ma) if k[1] == 7]
    got = _measure(metric="seasonal_mean", symbol="A", benchmark="B", window="month", month=7)
    assert got == pytest.approx(statistics.mean(rel), abs=1e-12)


def test_turn_of_year_and_first_sessions_of_january() -> None:
    rets = dict(_day_returns("A", Data()))
    days = sorted(rets)
    windows, firsts = [], []
    for year in (2022, 2023):
        dec = [d for d in days if d.year == year - 1 and d.month == 12][-2:]
        jan = [d for d in days if d.year == year and d.month == 1][:2]
        windows.append(math.prod(1 + rets[d] for d in dec + jan) - 1)
    for year in (2021, 2022, 2023):
        jan3 = [d for d in days if d.year == year and d.month == 1][:3]
        firsts.append(math.prod(1 + rets[d] for d in jan3) - 1)
    toy = _measure(metric="seasonal_mean", symbol="A", window="turn_of_year", sessions=2)
    assert toy == pytest.approx(statistics.mean(windows), abs=1e-12)
    n = _measure(metric="seasonal_mean", symbol="A", window="turn_of_year", sessions=2, stat="n")
    assert n == 2  # 2021 has no December 2020 sessions in the data
    jan = _measure(metric="seasonal_mean", symbol="A", window="first_days_january", sessions=3)
    # the first session of 2021 has no return (no earlier close): its window starts a day later
    first_2021 = [d for d in days if d.year == 2021 and d.month == 1][:3]
    firsts[0] = math.prod(1 + rets[d] for d in first_2021) - 1
    assert jan == pytest.approx(statistics.mean(firsts), abs=1e-12)


def test_factor_premium_statistics() -> None:
    data = Data()
    s = data.ser["FF:SMB"]
    vals = s.tolist()
    base = {"metric": "factor_premium", "series": "FF:SMB"}
    assert _measure(**base) == pytest.approx(sum(vals) / 36, abs=1e-15)
    assert _measure(**base, stat="annualised") == pytest.approx(12 * sum(vals) / 36, abs=1e-14)
    assert _measure(**base, stat="n") == 36
    assert _measure(**base, stat="t_stat") == pytest.approx(_t(vals), rel=1e-9)
    jan_sum = sum(v for d, v in s.items() if d.month == 1)
    assert _measure(**base, stat="january_share") == pytest.approx(jan_sum / sum(vals), rel=1e-12)
    geo = math.prod(1 + v for v in vals) ** (12 / 36) - 1
    assert _measure(**base, stat="geometric_annual") == pytest.approx(geo, rel=1e-12)
    winter = [v for d, v in s.items() if d.month in (1, 2)]
    assert _measure(**base, months=[1, 2]) == pytest.approx(statistics.mean(winter), abs=1e-15)
    assert _measure(**base, months=[1, 2], stat="n") == 6
    clipped = [
        v for d, v in s.items() if pd.Timestamp("2020-03-01") <= d <= pd.Timestamp("2021-02-28")
    ]
    got = _measure(**base, start="2020-03", end="2021-02")
    assert got == pytest.approx(statistics.mean(clipped), abs=1e-15)
    assert _measure(**base, start="2020-03", end="2021-02", stat="n") == 12


def test_calendar_year_return_and_its_difference() -> None:
    data = Data()

    def year_end(sym: str, year: int) -> float:
        closes = data.px[sym]
        return float(closes[closes.index.year == year].iloc[-1])

    ra = year_end("A", 2022) / year_end("A", 2021) - 1
    rb = year_end("B", 2022) / year_end("B", 2021) - 1
    assert _measure(metric="calendar_year_return", symbol="A", year=2022) == pytest.approx(ra)
    got = _measure(metric="calendar_year_return", symbol="A", benchmark="B", year=2022)
    assert got == pytest.approx(ra - rb, abs=1e-12)
    doc = {"claim": [{"text": "t", "stated": 0.0, "metric": "calendar_year_return",
                      "symbol": "A", "year": 2021}]}  # fmt: skip
    (res,) = evaluate_claims(parse_claims(doc), Data())
    assert res.verdict == "NOT_CHECKABLE"  # no close at the end of 2020
