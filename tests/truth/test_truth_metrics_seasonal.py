"""Truth tests: seasonal means of a series and of adjusted closes, and factor-premium details.

A monthly series and two daily close paths are written out by formula; month returns are
compounded here from the day returns with a plain loop, the sample statistics come from
``statistics`` and the Newey-West t from a hand-written Bartlett sum, never from the analytics
the checker uses.
"""

from __future__ import annotations

import math
import statistics

import pandas as pd
import pytest
from _claim_data import FrameData, run_claim

MONTHS = pd.date_range("2019-01-31", periods=36, freq="ME")  # 2019-01 .. 2021-12
FF = [((k * 5) % 11 - 5) / 200.0 + (0.02 if m.month == 1 else 0.0) for k, m in enumerate(MONTHS)]
DAYS = pd.bdate_range("2021-01-04", "2022-12-30")


def _path(step: int, drift: float) -> list[float]:
    out, x = [], 100.0
    for i in range(len(DAYS)):
        x *= 1.0 + ((i * step) % 13 - 6) / 500.0 + drift
        out.append(x)
    return out


CLOSE = {"A": _path(5, 0.0004), "B": _path(3, 0.0)}
ADJ_CLOSE = {"A": _path(7, 0.0010), "B": _path(3, 0.0)}


class Data(FrameData):
    """Closes per price field (any other field is an error) and one monthly series."""

    def __init__(self) -> None:
        frames = {
            "close": pd.DataFrame(CLOSE, index=DAYS),
            "adj_close": pd.DataFrame(ADJ_CLOSE, index=DAYS),
        }
        ser = pd.DataFrame({"FF:X": FF}, index=MONTHS)
        super().__init__(frames, ser)


def _run(**claim: object) -> tuple[str, float, str, tuple[str, ...]]:
    return run_claim(Data(), **claim)


def _t(xs: list[float]) -> float:
    return statistics.mean(xs) / (statistics.stdev(xs) / math.sqrt(len(xs)))


def _month_returns(closes: list[float]) -> dict[tuple[int, int], float]:
    """Compound the day returns of each calendar month (the first day has no return)."""
    out: dict[tuple[int, int], float] = {}
    for i in range(1, len(DAYS)):
        key = (DAYS[i].year, DAYS[i].month)
        out[key] = (1.0 + out.get(key, 0.0)) * (closes[i] / closes[i - 1]) - 1.0
    return out


# ------------------------------------------------------------------ seasonal_mean of a series
def test_seasonal_month_of_a_series_uses_its_values() -> None:
    marches = [v for m, v in zip(MONTHS, FF, strict=True) if m.month == 3]
    assert len(marches) == 3
    mean, t = statistics.mean(marches), _t(marches)
    verdict, got, detail, _ = _run(metric="seasonal_mean", series="FF:X", window="month", month=3)
    assert verdict != "NOT_CHECKABLE"
    assert got == pytest.approx(mean, abs=1e-15)
    assert detail.startswith("FF:X ")
    assert detail.endswith(f": n=3, mean={100 * mean:.3f}%, t={t:.2f}")
    assert _run(metric="seasonal_mean", series="FF:X", window="month", month=3, stat="n")[1] == 3
    got = _run(metric="seasonal_mean", series="FF:X", window="month", month=3, stat="median")[1]
    assert got == pytest.approx(statistics.median(marches), abs=1e-15)
    # an as-of date in 2021-02 leaves the Marches of 2019 and 2020
    got = _run(metric="seasonal_mean", series="FF:X", window="month", month=3, asof="2021-02-28")[1]
    assert got == pytest.approx(statistics.mean(marches[:2]), abs=1e-15)


# ------------------------------------------------------------------ seasonal_mean of closes
def test_seasonal_month_of_the_adjusted_closes() -> None:
    months = _month_returns(ADJ_CLOSE["A"])
    junes = [v for (y, m), v in sorted(months.items()) if m == 6]
    assert len(junes) == 2
    _, got, detail, _ = _run(
        metric="seasonal_mean", symbol="A", window="month", month=6, field="adj_close"
    )
    assert got == pytest.approx(statistics.mean(junes), abs=1e-12)
    assert detail.startswith("A ")


def test_seasonal_month_of_a_pair_names_both() -> None:
    ma, mb = _month_returns(CLOSE["A"]), _month_returns(CLOSE["B"])
    rel = [(1 + ma[k]) / (1 + mb[k]) - 1 for k in sorted(ma) if k[1] == 9]
    _, got, detail, _ = _run(
        metric="seasonal_mean", symbol="A", benchmark="B", window="month", month=9
    )
    assert got == pytest.approx(statistics.mean(rel), abs=1e-12)
    assert detail.startswith("A/B ")
    assert f"n=2, mean={100 * statistics.mean(rel):.3f}%" in detail


# ------------------------------------------------------------------ factor_premium
def _newey_west_t(xs: list[float]) -> float:
    """t of the mean with a Bartlett-weighted long-run variance and an n/(n-1) correction."""
    n = len(xs)
    lags = int(4.0 * (n / 100.0) ** (2.0 / 9.0))
    m = sum(xs) / n
    e = [x - m for x in xs]
    s = sum(v * v for v in e)
    for lag in range(1, lags + 1):
        w = 1.0 - lag / (lags + 1.0)
        s += 2.0 * w * sum(e[i] * e[i - lag] for i in range(lag, n))
    var_mean = s / n**2 * n / (n - 1)
    return m / math.sqrt(var_mean)


def test_factor_premium_hac_t() -> None:
    want = _newey_west_t(FF)
    assert int(4.0 * (36 / 100.0) ** (2.0 / 9.0)) == 3  # three lags for 36 months
    _, got, _, _ = _run(metric="factor_premium", series="FF:X", stat="hac_t")
    assert got == pytest.approx(want, rel=1e-9)
    # not the classical t
    assert abs(want - _t(FF)) > 1e-3


def test_factor_premium_details_name_the_months_used() -> None:
    _, got, detail, _ = _run(metric="factor_premium", series="FF:X")
    mean = sum(FF) / 36
    assert got == pytest.approx(mean, abs=1e-15)
    assert detail == f"FF:X 2019-01..2021-12, n=36, mean={100 * mean:.4f}%/month"
    # 2019-03 .. 2020-02: twelve months, one January
    clipped = FF[2:14]
    _, got, detail, _ = _run(
        metric="factor_premium", series="FF:X", start="2019-03", end="2020-02", stat="january_share"
    )
    assert got == pytest.approx(FF[12] / sum(clipped), rel=1e-12)
    assert detail == "FF:X 2019-03..2020-02"
    _, _, detail, _ = _run(
        metric="factor_premium", series="FF:X", start="2019-03", end="2020-02", stat="n"
    )
    assert detail == f"FF:X 2019-03..2020-02, n=12, mean={100 * sum(clipped) / 12:.4f}%/month"


def test_factor_premium_of_an_empty_window() -> None:
    verdict, _, _, missing = _run(
        metric="factor_premium", series="FF:X", start="2023-01", end="2023-06"
    )
    assert verdict == "NOT_CHECKABLE"
    # month fields are read as the month's last day and shown as the month
    assert missing == ("series FF:X between 2023-01 and 2023-06",)
    _, _, _, missing = _run(metric="factor_premium", series="FF:X", start="2023-01")
    assert missing == ("series FF:X between 2023-01 and its last month",)
    _, _, _, missing = _run(metric="factor_premium", series="FF:X", end="1990-12")
    assert missing == ("series FF:X between its first month and 1990-12",)
