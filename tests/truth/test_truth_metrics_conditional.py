"""Truth tests: next-year returns conditioned on the second half-year or on the calendar year.

Each year of 2010..2017 the closes of A and B jump once in March (first half) and once in
September (second half) by the gains below and stay flat otherwise, so a second-half return is
``1 + h2`` and a calendar-year return ``(1 + h1)(1 + h2) - 1``. The buckets, means and t are
counted here from those gains with plain loops.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable

import pandas as pd
import pytest
from _claim_data import FrameData, run_claim

YEARS = range(2010, 2018)
H1 = {
    "A": dict(zip(YEARS, [0.02, 0.10, -0.05, 0.08, 0.01, 0.07, -0.03, 0.04], strict=True)),
    "B": dict(zip(YEARS, [0.00, 0.03, 0.04, -0.02, 0.05, 0.00, 0.06, 0.02], strict=True)),
}
H2 = {
    "A": dict(zip(YEARS, [0.05, -0.02, 0.03, 0.00, 0.06, -0.04, 0.02, 0.01], strict=True)),
    "B": dict(zip(YEARS, [0.01, 0.01, 0.05, 0.02, 0.01, 0.02, 0.00, 0.03], strict=True)),
}
DAYS = pd.bdate_range("2009-12-01", "2017-12-29")


def _closes(sym: str) -> list[float]:
    def first_session_from(day: pd.Timestamp) -> pd.Timestamp:
        return next(d for d in DAYS if d >= day)

    jump = {}
    for y in YEARS:
        jump[first_session_from(pd.Timestamp(y, 3, 10))] = H1[sym][y]
        jump[first_session_from(pd.Timestamp(y, 9, 10))] = H2[sym][y]
    out, x = [], 100.0
    for d in DAYS:
        x *= 1.0 + jump.get(d, 0.0)
        out.append(x)
    return out


class Data(FrameData):
    """Closes; the adjusted closes have A and B swapped (any other field is an error)."""

    def __init__(self) -> None:
        a, b = _closes("A"), _closes("B")
        frames = {
            "close": pd.DataFrame({"A": a, "B": b}, index=DAYS),
            "adj_close": pd.DataFrame({"A": b, "B": a}, index=DAYS),
        }
        super().__init__(frames)


def _run(**claim: object) -> tuple[str, float, str, tuple[str, ...]]:
    return run_claim(Data(), **claim)


def _year(sym: str, y: int) -> float:
    return (1.0 + H1[sym][y]) * (1.0 + H2[sym][y]) - 1.0


def _outcome(kind: str, y: int) -> float:
    if kind == "a":
        return _year("A", y)
    if kind == "b":
        return _year("B", y)
    return (1.0 + _year("A", y)) / (1.0 + _year("B", y)) - 1.0


def _bucket(
    beat: Callable[[int], bool], outcome: str, outperform: bool, lo: int, hi: int
) -> list[float]:
    """Outcomes of year y + 1 for the condition years lo..hi (with a next year) in the bucket."""
    return [_outcome(outcome, y + 1) for y in range(lo, hi + 1) if y + 1 in YEARS
            and beat(y) == outperform]  # fmt: skip


def _h2_beat(y: int) -> bool:
    return (1.0 + H2["A"][y]) / (1.0 + H2["B"][y]) - 1.0 > 0


def _year_beat(y: int) -> bool:
    return _year("A", y) > _year("B", y)


def _t(xs: list[float]) -> float:
    return statistics.mean(xs) / (statistics.stdev(xs) / math.sqrt(len(xs)))


def test_h2_condition_with_a_year_range() -> None:
    # A beat B in the second half of 2010, 2014 and 2016 only
    assert [y for y in YEARS if _h2_beat(y)] == [2010, 2014, 2016]
    # 2012..2015, underperformed: 2012, 2013, 2015 -> A's returns of 2013, 2014, 2016
    want = _bucket(_h2_beat, "a", False, 2012, 2015)
    assert len(want) == 3
    assert want != _bucket(_h2_beat, "a", False, 2010, 2015)  # the start year matters
    verdict, got, detail, _ = _run(
        metric="conditional_mean", condition="h2", symbol="A", benchmark="B",
        bucket="underperform", start_year=2012, end_year=2015,
    )  # fmt: skip
    assert verdict == "CONTRADICTED"
    assert got == pytest.approx(statistics.mean(want), abs=1e-12)
    assert detail == f"n=3 condition years 2012..2015, t={_t(want):.2f}"


def test_h2_condition_outcome_of_the_benchmark() -> None:
    # 2010..2014, outperformed: 2010 and 2014 -> B's returns of 2011 and 2015
    want = _bucket(_h2_beat, "b", True, 2010, 2014)
    assert want == [_year("B", 2011), _year("B", 2015)]
    assert want != _bucket(_h2_beat, "b", True, 2010, 2017)  # the end year matters
    _, got, detail, _ = _run(
        metric="conditional_mean", condition="h2", symbol="A", benchmark="B",
        bucket="outperform", outcome="b", start_year=2010, end_year=2014,
    )  # fmt: skip
    assert got == pytest.approx(statistics.mean(want), abs=1e-12)
    assert detail.startswith("n=2 condition years 2010..2014, t=")


def test_calendar_year_condition_relative_outcome_in_a_year_range() -> None:
    lo, hi = 2011, 2014
    for bucket, outperform in (("outperform", True), ("underperform", False)):
        want = _bucket(_year_beat, "relative", outperform, lo, hi)
        assert want != _bucket(_year_beat, "a", outperform, lo, hi)
        _, got, detail, _ = _run(
            metric="conditional_mean", condition="calendar_year", symbol="A", benchmark="B",
            bucket=bucket, outcome="relative", start_year=lo, end_year=hi,
        )  # fmt: skip
        assert got == pytest.approx(statistics.mean(want), abs=1e-12)
        assert detail.startswith(f"n={len(want)} condition years 2011..2014")
    # A beat B in every calendar year but 2012, 2016 and 2017: the start year 2011 drops 2010 from
    # the outperform bucket, the end year 2014 drops 2016 from the underperform one
    assert [y for y in YEARS if not _year_beat(y)] == [2012, 2016, 2017]
    out = _bucket(_year_beat, "relative", True, lo, hi)
    assert out != _bucket(_year_beat, "relative", True, 2010, hi)
    under = _bucket(_year_beat, "relative", False, lo, hi)
    assert under != _bucket(_year_beat, "relative", False, lo, 2017)


def test_condition_on_the_adjusted_closes() -> None:
    # the adjusted closes swap A and B: "A beat B" becomes "B beat A", outcome B's returns
    def b_beat(y: int) -> bool:
        return not _h2_beat(y) and H2["A"][y] != H2["B"][y]

    want = _bucket(b_beat, "b", True, 2010, 2016)
    assert len(want) == 4  # 2011, 2012, 2013, 2015
    _, got, _, _ = _run(
        metric="conditional_mean", condition="h2", symbol="A", benchmark="B",
        bucket="outperform", field="adj_close",
    )  # fmt: skip
    assert got == pytest.approx(statistics.mean(want), abs=1e-12)


def test_an_empty_bucket_is_missing_data() -> None:
    # only 2010 as a condition year, and A beat B in its second half
    verdict, _, _, missing = _run(
        metric="conditional_mean", condition="h2", symbol="A", benchmark="B",
        bucket="underperform", start_year=2010, end_year=2010,
    )  # fmt: skip
    assert verdict == "NOT_CHECKABLE"
    assert missing == ("years in bucket 'underperform'",)
