"""Truth tests: correlation claims on a series' changes, by week and month, and their alignment.

Closes of A and B and a rate in percent are written out by formula over 2023-07 .. 2024-03; B has
no close on the last session of each month, so "the days both have" and "each series' own
calendar-period closes" pick different closes. Every expected figure is a Pearson coefficient
of returns picked and computed here with plain loops.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable

import pandas as pd
import pytest
from _claim_data import FrameData, run_claim

DAYS = list(pd.bdate_range("2023-07-03", "2024-03-29"))
MONTH_LAST = {d for i, d in enumerate(DAYS) if i + 1 == len(DAYS) or DAYS[i + 1].month != d.month}


def _walk(step: Callable[[int], float]) -> list[float]:
    out, x = [], 100.0
    for i in range(len(DAYS)):
        x *= 1.0 + step(i)
        out.append(x)
    return out


def _a_step(i: int) -> float:
    return ((i * 7) % 11 - 5) / 300.0


A = _walk(_a_step)
A_ADJ = _walk(lambda i: ((i * 3) % 7 - 3) / 200.0)
B_FULL = _walk(lambda i: 0.5 * _a_step(i) + ((i * 5) % 9 - 4) / 400.0)
B = [math.nan if d in MONTH_LAST else v for d, v in zip(DAYS, B_FULL, strict=True)]
RATE = [4.0 + 0.01 * sum(((k * 3) % 7 - 3) for k in range(i + 1)) for i in range(len(DAYS))]


class Data(FrameData):
    """Closes per price field (any other field is an error), a rate series, and E (2023-01)."""

    def __init__(self) -> None:
        idx = pd.DatetimeIndex(DAYS)
        early = pd.bdate_range("2023-01-02", "2023-01-31")
        e = pd.Series([50.0 + k for k in range(len(early))], index=early, name="E")
        close = pd.DataFrame({"A": A, "B": B}, index=idx)
        adj = pd.DataFrame({"A": A_ADJ, "B": B}, index=idx)
        frames = {
            "close": pd.concat([close, e], axis=1, sort=True),
            "adj_close": pd.concat([adj, e], axis=1, sort=True),
        }
        ser = pd.DataFrame({"R:Y": RATE}, index=idx)
        super().__init__(frames, ser)


def _run(**claim: object) -> tuple[str, float, str, tuple[str, ...]]:
    return run_claim(Data(), **claim)


def _pearson(x: list[float], y: list[float]) -> float:
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    return sxy / math.sqrt(sxx * syy)


def _pairs(
    dates: list[pd.Timestamp], xs: list[float], ys: list[float], change: bool = False
) -> list[tuple[pd.Timestamp, float, float]]:
    """(date, return of x, return or change of y) between consecutive picked closes."""
    out = []
    for i in range(1, len(dates)):
        dy = ys[i] - ys[i - 1] if change else ys[i] / ys[i - 1] - 1.0
        out.append((dates[i], xs[i] / xs[i - 1] - 1.0, dy))
    return out


def _window(
    pairs: list[tuple[pd.Timestamp, float, float]], start: str, end: str
) -> list[tuple[pd.Timestamp, float, float]]:
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    return [p for p in pairs if lo <= p[0] <= hi]


def test_daily_correlation_on_changes_of_a_rate() -> None:
    # every session has a close of A and a rate; the first pair inside is dated 2023-10-02
    pairs = _window(_pairs(DAYS, A, RATE, change=True), "2023-10-02", "2024-02-15")
    assert pairs[0][0] == pd.Timestamp("2023-10-02")
    want = _pearson([p[1] for p in pairs], [p[2] for p in pairs])
    verdict, got, detail, _ = _run(
        metric="correlation", symbol="A", other="R:Y", start="2023-10-02", end="2024-02-15"
    )
    assert verdict == "CONTRADICTED"
    assert got == pytest.approx(want, abs=1e-12)
    assert detail == (
        f"correlation of D returns of A on changes of R:Y, aligned on days both have, "
        f"n={len(pairs)}, 2023-10-02..2024-02-15"
    )
    # the same with percentage returns of the rate would be another number
    ret_pairs = _window(_pairs(DAYS, A, RATE), "2023-10-02", "2024-02-15")
    assert abs(want - _pearson([p[1] for p in ret_pairs], [p[2] for p in ret_pairs])) > 1e-6


def _common() -> tuple[list[pd.Timestamp], list[float], list[float]]:
    keep = [i for i, d in enumerate(DAYS) if d not in MONTH_LAST]
    return [DAYS[i] for i in keep], [A[i] for i in keep], [B[i] for i in keep]


def test_daily_correlation_with_calendar_alignment_uses_the_days_both_have() -> None:
    dates, xa, xb = _common()
    pairs = _window(_pairs(dates, xa, xb), "2023-08-01", "2024-01-31")
    want = _pearson([p[1] for p in pairs], [p[2] for p in pairs])
    _, got, detail, _ = _run(
        metric="correlation", symbol="A", other="B", align="calendar",
        start="2023-08-01", end="2024-01-31",
    )  # fmt: skip
    assert got == pytest.approx(want, abs=1e-12)
    assert detail == (
        f"correlation of D returns of A on returns of B, aligned on days both have, "
        f"n={len(pairs)}, {pairs[0][0]:%Y-%m-%d}..{pairs[-1][0]:%Y-%m-%d}"
    )


def _month_end(d: pd.Timestamp) -> pd.Timestamp:
    return d + pd.offsets.MonthEnd(0)


def _last_per_period(
    dates: list[pd.Timestamp], xs: list[float], key: Callable[[pd.Timestamp], pd.Timestamp]
) -> dict[pd.Timestamp, float]:
    out: dict[pd.Timestamp, float] = {}
    for d, x in zip(dates, xs, strict=True):
        if not math.isnan(x):
            out[key(d)] = x
    return out


def test_monthly_correlation_by_own_closes_and_by_common_days() -> None:
    # calendar: A's close of the month's last session, B's of the session before it
    a_m = _last_per_period(DAYS, A, _month_end)
    b_m = _last_per_period(DAYS, B, _month_end)
    months = sorted(a_m)
    assert len(months) == 9  # 2023-07 .. 2024-03
    own = _pairs(months, [a_m[m] for m in months], [b_m[m] for m in months])
    want_own = _pearson([p[1] for p in own], [p[2] for p in own])
    _, got, detail, _ = _run(
        metric="correlation", symbol="A", other="B", freq="M", align="calendar",
        start="2023-07-01", end="2024-03-31",
    )  # fmt: skip
    assert got == pytest.approx(want_own, abs=1e-12)
    assert detail == (
        "correlation of M returns of A on returns of B, aligned on each series' own "
        "calendar-period closes, n=8, 2023-08-31..2024-03-31"
    )
    # common days: both at the last session B has in the month
    dates, xa, xb = _common()
    a_c = _last_per_period(dates, xa, _month_end)
    b_c = _last_per_period(dates, xb, _month_end)
    common = _pairs(months, [a_c[m] for m in months], [b_c[m] for m in months])
    want_common = _pearson([p[1] for p in common], [p[2] for p in common])
    assert abs(want_common - want_own) > 1e-3
    _, got, detail, _ = _run(
        metric="correlation", symbol="A", other="B", freq="M",
        start="2023-07-01", end="2024-03-31",
    )  # fmt: skip
    assert got == pytest.approx(want_common, abs=1e-12)
    assert "aligned on days both have, n=8, 2023-08-31..2024-03-31" in detail


def _friday(d: pd.Timestamp) -> pd.Timestamp:
    return d + pd.Timedelta(days=4 - d.weekday())


def test_weekly_correlation_and_beta_on_fridays() -> None:
    dates, xa, xb = _common()
    a_w = _last_per_period(dates, xa, _friday)
    b_w = _last_per_period(dates, xb, _friday)
    weeks = sorted(a_w)
    pairs = _window(_pairs(weeks, [a_w[w] for w in weeks], [b_w[w] for w in weeks]),
                    "2023-09-01", "2024-02-29")  # fmt: skip
    x, y = [p[1] for p in pairs], [p[2] for p in pairs]
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no deprecated frequency alias on the way
        _, got, detail, _ = _run(
            metric="correlation", symbol="A", other="B", freq="W",
            start="2023-09-01", end="2024-02-29",
        )  # fmt: skip
    assert got == pytest.approx(_pearson(x, y), abs=1e-12)
    assert detail.endswith(f"n={len(pairs)}, {pairs[0][0]:%Y-%m-%d}..{pairs[-1][0]:%Y-%m-%d}")
    assert pairs[0][0] == pd.Timestamp("2023-09-01")  # a Friday: the start is inclusive
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    beta = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True)) / sum(
        (b - my) ** 2 for b in y
    )
    _, got, detail, _ = _run(
        metric="correlation", symbol="A", other="B", freq="W", stat="beta",
        start="2023-09-01", end="2024-02-29",
    )  # fmt: skip
    assert got == pytest.approx(beta, abs=1e-12)
    assert detail.startswith("beta of W returns of A on returns of B")


def test_correlation_of_the_adjusted_closes() -> None:
    pairs = _window(_pairs(DAYS, A_ADJ, RATE, change=True), "2023-11-01", "2024-01-31")
    want = _pearson([p[1] for p in pairs], [p[2] for p in pairs])
    _, got, _, _ = _run(
        metric="correlation", symbol="A", other="R:Y", field="adj_close",
        start="2023-11-01", end="2024-01-31",
    )  # fmt: skip
    assert got == pytest.approx(want, abs=1e-12)


def test_three_pairs_are_enough_two_are_not() -> None:
    # Mon 2023-10-02 .. Wed 2023-10-04: three daily pairs
    pairs = _window(_pairs(DAYS, A, RATE, change=True), "2023-10-02", "2023-10-04")
    assert len(pairs) == 3
    verdict, got, detail, _ = _run(
        metric="correlation", symbol="A", other="R:Y", start="2023-10-02", end="2023-10-04"
    )
    assert verdict == "CONTRADICTED"
    assert got == pytest.approx(_pearson([p[1] for p in pairs], [p[2] for p in pairs]), abs=1e-12)
    assert "n=3, 2023-10-02..2023-10-04" in detail
    verdict, _, _, missing = _run(
        metric="correlation", symbol="A", other="B", start="2023-10-03", end="2023-10-04"
    )
    assert verdict == "NOT_CHECKABLE"
    assert missing == ("overlapping data of A and B",)


def test_no_common_dates_at_all() -> None:
    # E has closes in January 2023 only, A from July 2023
    verdict, _, _, missing = _run(
        metric="correlation", symbol="A", other="E", start="2023-01-01", end="2024-03-29"
    )
    assert verdict == "NOT_CHECKABLE"
    assert missing == ("overlapping data of A and E",)
