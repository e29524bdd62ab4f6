"""Shared statistics helpers vs independent computations (statsmodels, scipy, brute force)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
import statsmodels.api as sm
from scipy import stats as sps

from sizeup.analytics.stats import (
    bootstrap_mean_ci,
    hac_t_stat,
    newey_west_lags,
    permutation_pvalue,
    sample_stats,
    stats_table,
    t_stat,
)
from sizeup.errors import DataError


def _ar1(n: int, phi: float, mu: float, rng: np.random.Generator) -> np.ndarray:
    e = rng.normal(0, 1, n)
    x = np.empty(n)
    x[0] = e[0]
    for i in range(1, n):
        x[i] = phi * x[i - 1] + e[i]
    return mu + x


def test_newey_west_lags_by_hand() -> None:
    # floor(4 * (n/100)^(2/9)): n=100 -> 4; n=1176 -> 4 * 11.76^(2/9) = 6.92 -> 6; n=98 -> 3.98 -> 3
    assert newey_west_lags(100) == 4
    assert newey_west_lags(1176) == 6
    assert newey_west_lags(98) == 3
    assert newey_west_lags(1) == 0


def test_t_stat_matches_scipy() -> None:
    x = np.random.default_rng(3).normal(0.1, 1.0, 57)
    assert t_stat(x) == pytest.approx(sps.ttest_1samp(x, 0.0).statistic, rel=1e-12)


@pytest.mark.parametrize("lags", [None, 0, 3, 12])
def test_hac_t_matches_statsmodels_directly(lags: int | None) -> None:
    x = _ar1(400, 0.4, 0.05, np.random.default_rng(7))
    used = 4 * (400 / 100) ** (2 / 9) if lags is None else lags
    used = math.floor(used)
    res = sm.OLS(x, np.ones_like(x)).fit(
        cov_type="HAC", cov_kwds={"maxlags": used, "use_correction": True}
    )
    got = hac_t_stat(x, lags=lags)
    assert got.lags == used
    assert got.t == pytest.approx(float(res.tvalues[0]), rel=1e-10)
    assert got.se == pytest.approx(float(res.bse[0]), rel=1e-10)
    assert got.mean == pytest.approx(x.mean(), rel=1e-12)


def test_hac_t_drops_nan_and_rejects_negative_lags() -> None:
    x = np.array([0.1, np.nan, 0.2, -0.1, 0.3, 0.05])
    assert hac_t_stat(x).n == 5
    with pytest.raises(DataError, match="lags"):
        hac_t_stat(x, lags=-1)


def test_bootstrap_ci_is_reproducible_with_seed() -> None:
    x = _ar1(300, 0.3, 0.0, np.random.default_rng(1))
    assert bootstrap_mean_ci(x, seed=5) == bootstrap_mean_ci(x, seed=5)
    assert bootstrap_mean_ci(x, seed=5) != bootstrap_mean_ci(x, seed=6)


def test_bootstrap_ci_coverage_on_simulated_ar1() -> None:
    """200 AR(1) samples with known mean 0.5: the 90 % CI should cover it ~90 % of the time.

    Binomial sd of coverage with 200 draws is ~2.1 pp; block bootstraps under-cover somewhat in
    small samples, so the accepted band is 0.78..0.97.
    """
    rng = np.random.default_rng(2024)
    mu = 0.5
    hits = 0
    for i in range(200):
        x = _ar1(250, 0.3, mu, rng)
        lo, hi = bootstrap_mean_ci(x, level=0.90, reps=300, seed=i)
        hits += lo <= mu <= hi
    coverage = hits / 200
    assert 0.78 <= coverage <= 0.97, coverage


def _brute_force_pvalue(a: list[float], b: list[float]) -> float:
    pooled = a + b
    obs = abs(np.mean(a) - np.mean(b))
    count = total = 0
    for idx in itertools.combinations(range(len(pooled)), len(a)):
        xa = [pooled[i] for i in idx]
        xb = [pooled[i] for i in range(len(pooled)) if i not in idx]
        total += 1
        count += abs(np.mean(xa) - np.mean(xb)) >= obs - 1e-12
    return count / total


def test_permutation_exact_matches_brute_force() -> None:
    a = [0.12, 0.05, 0.30, -0.02]
    b = [0.01, -0.04, 0.02, 0.00, 0.07]
    assert permutation_pvalue(a, b) == pytest.approx(_brute_force_pvalue(a, b), abs=1e-12)
    # hand case: a=[1,2,3], b=[4,5,6,7]: only the two extreme splits reach |d| >= 3.5 -> 2/35
    assert permutation_pvalue([1, 2, 3], [4, 5, 6, 7]) == pytest.approx(2 / 35)


def test_permutation_monte_carlo_matches_scipy() -> None:
    rng = np.random.default_rng(11)
    a = rng.normal(0.3, 1, 40)
    b = rng.normal(0.0, 1, 45)
    ours = permutation_pvalue(a, b, reps=20_000, seed=1)
    ref = sps.permutation_test(
        (a, b),
        lambda x, y: np.mean(x) - np.mean(y),
        permutation_type="independent",
        n_resamples=20_000,
        alternative="two-sided",
        random_state=2,
    ).pvalue
    assert ours == pytest.approx(ref, abs=0.02)
    greater = permutation_pvalue(a, b, reps=20_000, seed=1, alternative="greater")
    assert greater == pytest.approx(ours / 2, abs=0.02)


def test_sample_stats_by_hand() -> None:
    x = [0.01, -0.02, 0.03, 0.04]
    st = sample_stats(x, reps=200)
    assert st.n == 4
    assert st.mean == pytest.approx(0.015)
    assert st.median == pytest.approx(0.02)
    assert st.hit_rate == pytest.approx(0.75)
    sd = math.sqrt(sum((v - 0.015) ** 2 for v in x) / 3)
    assert st.t_stat == pytest.approx(0.015 / (sd / 2))
    assert st.ci_low <= st.mean <= st.ci_high
    table = stats_table({"a": st, "b": sample_stats([], reps=200)})
    assert list(table.index) == ["a", "b"]
    assert table.loc["b", "n"] == 0 and math.isnan(table.loc["b", "mean"])
    assert "n=4" in st.summary()


def test_rejects_2d_and_bad_level() -> None:
    with pytest.raises(DataError, match="1-D"):
        t_stat(np.zeros((3, 2)))
    with pytest.raises(DataError, match="level"):
        bootstrap_mean_ci([1.0, 2.0, 3.0], level=1.5)
