"""Truth tests: record flags, calendar-year returns and hit rates of claims.

The closes are hand-written (records) or compounded here from month returns chosen in the test
(years and hit rates); the expected figures are counted with plain loops over those choices,
never with the analytics the checker uses.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd
import pytest
from _claim_data import FrameData, run_claim

NAN = float("nan")

# ---------------------------------------------------------------- records (ten sessions)
DAYS = pd.bdate_range("2024-01-01", periods=10)  # Mon 2024-01-01 .. Fri 2024-01-12
A = [100.0, 102.0, 101.0, 104.0, 110.0, 108.0, 112.0, 111.0, 115.0, 120.0]
# B flat at 50, then 70 on the last day: A/B is 2.3 on 01-11 but 120/70 = 1.71 on 01-12
B = [50.0] * 9 + [70.0]
# the adjusted closes of A peak on 01-09 (130) and end below it
A_ADJ = [100.0, 104.0, 103.0, 110.0, 118.0, 121.0, 130.0, 126.0, 127.0, 129.0]

# ---------------------------------------------------------------- years (month-end closes)
MONTHS = pd.date_range("2017-12-31", "2021-12-31", freq="ME")  # 49 month ends
# A gains 3 % in the chosen months of each year, else nothing; B gains 0.5 % every month
BUMPS = {2018: (3, 7), 2019: (2, 5), 2020: (1, 4, 8), 2021: (1, 3, 6, 9, 11)}


def _a_return(month: pd.Timestamp) -> float:
    return 0.03 if month.month in BUMPS[month.year] else 0.0


def _b_return(month: pd.Timestamp) -> float:
    return 0.005


def _closes(ret: Callable[[pd.Timestamp], float]) -> list[float]:
    out = [100.0]
    for m in MONTHS[1:]:
        out.append(out[-1] * (1.0 + ret(m)))
    return out


def _year(ret: Callable[[pd.Timestamp], float], year: int) -> float:
    g = 1.0
    for m in MONTHS:
        if m.year == year:
            g *= 1.0 + ret(m)
    return g - 1.0


class Data(FrameData):
    """Per-field frames (any other field is an error)."""

    def __init__(self) -> None:
        ya, yb = _closes(_a_return), _closes(_b_return)
        # C is B without its closes before mid-2019: no year-end 2018, so no 2019 return
        yc = [NAN if m < pd.Timestamp("2019-06-30") else v for m, v in zip(MONTHS, yb, strict=True)]
        close = pd.concat(
            [
                pd.DataFrame({"A": A, "B": B}, index=DAYS),
                pd.DataFrame({"YA": ya, "YB": yb, "YC": yc}, index=MONTHS),
            ],
            axis=1,
            sort=True,
        )
        adj = close.copy()
        adj.loc[DAYS, "A"] = A_ADJ
        # the adjusted closes of YA and YB are swapped: every win becomes a loss
        adj["YA"], adj["YB"] = close["YB"], close["YA"]
        frames = {"close": close, "adj_close": adj}
        super().__init__(frames)


def _run(**claim: object) -> tuple[str, float, str, tuple[str, ...]]:
    return run_claim(Data(), **claim)


# ------------------------------------------------------------------ record
def test_record_of_the_price_and_of_the_ratio_without_an_asof() -> None:
    # without asof the last close counts: A's 120 on 01-12 tops every earlier close
    _, flag, detail, _ = _run(metric="record", symbol="A")
    assert flag == 1.0 and detail.startswith("A ")
    # A/B on 01-12 is 120/70 = 1.714, below 115/50 = 2.3 of 01-11: no record of the ratio
    _, flag, detail, _ = _run(metric="record", symbol="A", benchmark="B")
    assert flag == 0.0
    assert detail.startswith("A/B ")
    # a day earlier the ratio (2.3) is its own record
    _, flag, detail, _ = _run(metric="record", symbol="A", benchmark="B", asof="2024-01-11")
    assert flag == 1.0 and detail.startswith("A/B ")


def test_record_of_the_adjusted_closes() -> None:
    # adjusted: 129 on 01-12 is below the 130 of 01-09
    assert _run(metric="record", symbol="A", field="adj_close")[1] == 0.0
    assert _run(metric="record", symbol="A", field="adj_close", asof="2024-01-09")[1] == 1.0


def test_record_needs_closes_up_to_the_asof() -> None:
    verdict, _, _, missing = _run(metric="record", symbol="A", benchmark="B", asof="2024-01-31")
    assert verdict == "NOT_CHECKABLE"
    assert missing == ("prices A/B around 2024-01-31 (have 2024-01-01..2024-01-12)",)


# ------------------------------------------------------------------ calendar_year_return
def test_calendar_year_return_detail_in_percent() -> None:
    ra, rb = _year(_a_return, 2020), _year(_b_return, 2020)
    assert ra == pytest.approx(1.03**3 - 1.0) and rb == pytest.approx(1.005**12 - 1.0)
    _, r, detail, _ = _run(metric="calendar_year_return", symbol="YA", year=2020)
    assert r == pytest.approx(ra, abs=1e-12)
    assert detail == f"YA 2020: {100 * ra:.2f}%" == "YA 2020: 9.27%"
    _, r, detail, _ = _run(metric="calendar_year_return", symbol="YA", benchmark="YB", year=2020)
    assert r == pytest.approx(ra - rb, abs=1e-12)
    assert detail == "YA 9.27% - YB 6.17%"
    # the adjusted closes swap the two
    _, r, detail, _ = _run(
        metric="calendar_year_return", symbol="YA", benchmark="YB", year=2020, field="adj_close"
    )
    assert r == pytest.approx(rb - ra, abs=1e-12)
    assert detail == "YA 6.17% - YB 9.27%"


# ------------------------------------------------------------------ hit_rate
def test_hit_rate_by_year_counts_the_end_year() -> None:
    wins = [y for y in (2019, 2020, 2021) if _year(_a_return, y) > _year(_b_return, y)]
    # 2019: 1.03^2 < 1.005^12; 2020 and 2021: three and five bumps beat it
    assert wins == [2020, 2021]
    verdict, rate, detail, _ = _run(
        metric="hit_rate", symbol="YA", benchmark="YB", freq="Y",
        start="2019-01-01", end="2021-12-31",
    )  # fmt: skip
    assert verdict == "CONTRADICTED"
    assert rate == pytest.approx(2 / 3, abs=1e-12)
    assert detail == "YA beat YB in 2 of 3 periods"
    # the adjusted closes are swapped: YA wins only 2019
    _, rate, detail, _ = _run(
        metric="hit_rate", symbol="YA", benchmark="YB", freq="Y",
        start="2019-01-01", end="2021-12-31", field="adj_close",
    )  # fmt: skip
    assert rate == pytest.approx(1 / 3, abs=1e-12)
    assert detail == "YA beat YB in 1 of 3 periods"


def test_hit_rate_by_year_needs_every_year_of_both() -> None:
    # YA has 2018..2021; YC has no 2019 return (no year-end 2018)
    verdict, _, _, missing = _run(
        metric="hit_rate", symbol="YA", benchmark="YC", freq="Y",
        start="2019-01-01", end="2021-12-31",
    )  # fmt: skip
    assert verdict == "NOT_CHECKABLE"
    assert missing == ("calendar-year prices of YA/YC for [2019]",)


def test_hit_rate_by_month_from_a_month_end_start() -> None:
    # months are dated by their last day: a start on 2021-01-31 keeps January
    months_2021 = [m for m in MONTHS if m.year == 2021]
    wins = sum(1 for m in months_2021 if _a_return(m) > _b_return(m))
    assert wins == 5  # the bump months 1, 3, 6, 9, 11
    _, rate, detail, _ = _run(
        metric="hit_rate", symbol="YA", benchmark="YB", freq="M",
        start="2021-01-31", end="2021-12-31",
    )  # fmt: skip
    assert rate == pytest.approx(5 / 12, abs=1e-12)
    assert detail == "YA beat YB in 5 of 12 periods"
