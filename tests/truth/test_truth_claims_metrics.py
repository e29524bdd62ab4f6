"""hit_rate, correlation and conditional_mean claims against values computed by hand.

Prices are built so that every period return is chosen in the test (B flat, A jumping on one
session per period); the expected figures are recomputed here with plain loops.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
import pytest

from sizeup.claims import evaluate_claim, parse_claims_text


class FrameData:
    """ClaimData backed by one wide price frame (no series, holdings or fundamentals)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame

    def prices(self, symbols: Sequence[str], *, field: str) -> pd.DataFrame:
        return self.frame[[s for s in symbols if s in self.frame.columns]]

    def series(self, ids: Sequence[str], *, vintage: str | None = None) -> pd.DataFrame:
        return pd.DataFrame()

    def snapshots(self, universe: str) -> Mapping[pd.Timestamp, Sequence[str]]:
        return {}

    def fundamentals(self) -> None:
        return None


def _measure(toml: str, frame: pd.DataFrame) -> float:
    (claim,) = parse_claims_text(toml)
    result = evaluate_claim(claim, FrameData(frame))
    assert result.verdict in ("SUPPORTED", "CONTRADICTED"), result
    return float(result.measured)


def _with_jumps(idx: pd.DatetimeIndex, jumps: Mapping[pd.Timestamp, float]) -> np.ndarray:
    factor = np.ones(len(idx))
    for day, g in jumps.items():
        factor[idx.get_loc(day)] *= 1.0 + g
    return 100.0 * np.cumprod(factor)


# ------------------------------------------------------------------ hit_rate
MONTH_GAPS = [0.02, -0.01, 0.0001, 0.0, 0.03, -0.02, 0.01, 0.004, -0.03, 0.02, 0.0, -0.005]


def _monthly_frame() -> pd.DataFrame:
    idx = pd.bdate_range("2019-12-02", "2020-12-31")
    months = pd.period_range("2020-01", "2020-12", freq="M")
    jumps = {}
    for m, g in zip(months, MONTH_GAPS, strict=True):
        days = idx[(idx >= m.start_time) & (idx <= m.end_time)]
        jumps[days[8]] = g
    return pd.DataFrame({"A": _with_jumps(idx, jumps), "B": 100.0}, index=idx)


def test_hit_rate_monthly() -> None:
    want = sum(1 for g in MONTH_GAPS if g > 0) / len(MONTH_GAPS)  # 6 of 12 (0 is no win)
    toml = """
[[claim]]
text = "A beat B in half the months of 2020"
metric = "hit_rate"
symbol = "A"
benchmark = "B"
freq = "M"
start = 2020-01-01
end = 2020-12-31
stated = 0.5
tolerance = 0.0
"""
    assert _measure(toml, _monthly_frame()) == pytest.approx(want)
    assert want == 0.5


YEAR_GAPS = {2011: 0.05, 2012: -0.02, 2013: 0.0005, 2014: 0.0, 2015: -0.1, 2016: 0.03}


def _yearly_frame(a_gains: Mapping[int, float], b_gains: Mapping[int, float]) -> pd.DataFrame:
    idx = pd.bdate_range("2009-12-01", "2016-12-30")
    out = {}
    for name, gains in (("A", a_gains), ("B", b_gains)):
        jumps = {idx[idx.year == y][20]: g for y, g in gains.items()}
        out[name] = _with_jumps(idx, jumps)
    return pd.DataFrame(out, index=idx)


def test_hit_rate_yearly() -> None:
    frame = _yearly_frame(YEAR_GAPS, {})
    toml = """
[[claim]]
text = "A beat B in 3 of 6 years"
metric = "hit_rate"
symbol = "A"
benchmark = "B"
freq = "Y"
start = 2011-01-01
end = 2016-12-31
stated = 0.5
tolerance = 0.0
"""
    assert _measure(toml, frame) == pytest.approx(3 / 6)


# ------------------------------------------------------------------ correlation
def _pearson(x: list[float], y: list[float]) -> float:
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    return sxy / math.sqrt(sxx * syy)


def _corr_frame() -> tuple[pd.DataFrame, list[float], list[float]]:
    rng = np.random.default_rng(3)
    n = 120
    rb = rng.normal(0, 0.01, n)
    ra = 0.5 * rb + rng.normal(0, 0.01, n)
    ra[60] = 0.25  # one outlier: Pearson and Spearman disagree clearly
    rb[60] = 0.05
    idx = pd.bdate_range("2021-01-04", periods=n + 1)
    a = 100.0 * np.concatenate([[1.0], np.cumprod(1 + ra)])
    b = 50.0 * np.concatenate([[1.0], np.cumprod(1 + rb)])
    return pd.DataFrame({"A": a, "B": b}, index=idx), ra.tolist(), rb.tolist()


def test_correlation_is_pearson_of_daily_returns() -> None:
    frame, ra, rb = _corr_frame()
    want = _pearson(ra, rb)
    x, y = pd.Series(ra), pd.Series(rb)
    assert abs(want - x.corr(y, method="spearman")) > 0.1  # the check can tell them apart
    toml = f"""
[[claim]]
text = "A and B correlate"
metric = "correlation"
symbol = "A"
other = "B"
start = 2021-01-01
end = 2021-12-31
stated = {want:.6f}
tolerance = 0.001
"""
    assert _measure(toml, frame) == pytest.approx(want, abs=1e-9)


def test_beta_is_cov_over_var() -> None:
    frame, ra, rb = _corr_frame()
    n = len(ra)
    ma, mb = sum(ra) / n, sum(rb) / n
    want = sum((a - ma) * (b - mb) for a, b in zip(ra, rb, strict=True)) / sum(
        (b - mb) ** 2 for b in rb
    )
    toml = f"""
[[claim]]
text = "A has a beta to B"
metric = "correlation"
stat = "beta"
symbol = "A"
other = "B"
start = 2021-01-01
end = 2021-12-31
stated = {want:.6f}
tolerance = 0.001
"""
    assert _measure(toml, frame) == pytest.approx(want, abs=1e-9)


# ------------------------------------------------------------------ conditional_mean
A_YEARS = {2010: 0.10, 2011: -0.05, 2012: 0.20, 2013: 0.07, 2014: -0.12, 2015: 0.30, 2016: 0.01}
B_YEARS = {2010: 0.05, 2011: 0.02, 2012: 0.10, 2013: 0.09, 2014: -0.20, 2015: 0.10, 2016: 0.00}


@pytest.mark.parametrize("bucket", ["outperform", "underperform"])
def test_conditional_mean_next_year(bucket: str) -> None:
    frame = _yearly_frame(A_YEARS, B_YEARS)
    beat = bucket == "outperform"
    nxt = [A_YEARS[y + 1] for y in range(2010, 2016) if (A_YEARS[y] > B_YEARS[y]) == beat]
    want = sum(nxt) / len(nxt)
    # by hand: A beat B in 2010, 2012, 2014, 2015 -> next years 2011, 2013, 2015, 2016
    assert len(nxt) == (4 if beat else 2)
    toml = f"""
[[claim]]
text = "A's next year after it {bucket}s"
metric = "conditional_mean"
condition = "calendar_year"
symbol = "A"
benchmark = "B"
bucket = "{bucket}"
start_year = 2010
end_year = 2015
stated = {want:.6f}
tolerance = 0.001
"""
    assert _measure(toml, frame) == pytest.approx(want, abs=1e-12)
