"""Shared statistics: t-statistics (iid and Newey-West HAC), block-bootstrap CIs, permutations.

Every function takes a 1-D sample (pandas Series or array) of decimal fractions, drops NaN and
returns plain floats or a frozen result object. The conventions are fixed here once so that every
table of :mod:`sizeup.analytics` reports the same statistics:

- ``t_stat``: classical one-sample t of the mean, ``mean / (s / sqrt(n))`` with ``ddof=1``. This is
  the statistic docs/methods.md §S4 quotes (SMB t = 1.886, January SMB t = 5.55).
- ``hac_t``: mean regressed on a constant by statsmodels OLS with Newey-West (Bartlett kernel) HAC
  covariance, statsmodels' small-sample correction on, ``maxlags`` = :func:`newey_west_lags` unless
  given: ``floor(4 * (n / 100) ** (2 / 9))`` (Newey & West 1994 rule of thumb).
- ``ci_low``/``ci_high``: percentile confidence interval of the mean from
  :class:`arch.bootstrap.StationaryBootstrap` (Politis & Romano 1994) with the expected block length
  from :func:`arch.bootstrap.optimal_block_length` (Politis & White 2004, Patton et al. 2009)
  rounded and clipped to ``[1, n // 2]``; a seed makes it reproducible.
- ``permutation_pvalue``: two-sample permutation test of a difference of means; exact enumeration
  when the number of distinct splits is at most ``reps``, Monte Carlo with the ``(b + 1) / (m + 1)``
  estimator otherwise.
"""

from __future__ import annotations

import itertools
import logging
import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from sizeup.errors import DataError

__all__ = [
    "Alternative",
    "HacResult",
    "SampleStats",
    "bootstrap_mean_ci",
    "clean_sample",
    "hac_t_stat",
    "newey_west_lags",
    "permutation_pvalue",
    "sample_stats",
    "stats_table",
    "t_stat",
]

logger = logging.getLogger(__name__)

Alternative = Literal["two-sided", "greater", "less"]
FloatArray = npt.NDArray[np.float64]


def clean_sample(
    x: pd.Series | Sequence[float] | FloatArray, *, name: str = "sample"
) -> FloatArray:
    """Return the finite values of ``x`` as a float array.

    Parameters
    ----------
    x
        1-D values; NaN and infinities are dropped.
    name
        Used in error messages.

    Raises
    ------
    DataError
        If ``x`` is not one-dimensional.
    """
    arr = np.asarray(x, dtype=np.float64)
    if arr.ndim != 1:
        raise DataError(f"{name}: expected a 1-D sample, got an array of shape {arr.shape}")
    return arr[np.isfinite(arr)]


def newey_west_lags(n: int) -> int:
    """Newey-West (1994) rule-of-thumb lag count ``floor(4 * (n / 100) ** (2 / 9))``.

    Parameters
    ----------
    n
        Number of observations.
    """
    if n <= 1:
        return 0
    return int(4.0 * (n / 100.0) ** (2.0 / 9.0))  # floor: the value is positive


def t_stat(x: pd.Series | Sequence[float] | FloatArray) -> float:
    """Classical one-sample t-statistic of the mean, ``mean / (s / sqrt(n))``, ``ddof=1``.

    Returns NaN when fewer than two finite values or zero dispersion.
    """
    arr = clean_sample(x)
    if arr.size < 2:
        return math.nan
    sd = float(arr.std(ddof=1))
    if sd == 0.0:
        return math.nan
    return float(arr.mean() / (sd / math.sqrt(arr.size)))


@dataclass(frozen=True)
class HacResult:
    """Mean of a sample with its Newey-West standard error.

    Attributes
    ----------
    mean
        Sample mean.
    se
        HAC standard error of the mean.
    t
        ``mean / se``.
    p_value
        Two-sided p-value from the normal distribution (statsmodels' HAC default).
    lags
        Bartlett-kernel truncation lag used.
    n
        Observations used.
    """

    mean: float
    se: float
    t: float
    p_value: float
    lags: int
    n: int

    def summary(self) -> str:
        """One line: mean, HAC t and lags."""
        return f"mean={self.mean:.6g} HAC t={self.t:.3f} (lags={self.lags}, n={self.n})"


def hac_t_stat(
    x: pd.Series | Sequence[float] | FloatArray, *, lags: int | None = None
) -> HacResult:
    """Newey-West t-statistic of the mean (OLS of ``x`` on a constant, HAC covariance).

    Parameters
    ----------
    x
        Sample; NaN dropped. Order matters (serial correlation is estimated in the given order).
    lags
        Bartlett truncation lag; :func:`newey_west_lags` of ``n`` when None.

    Notes
    -----
    Equivalent to ``sm.OLS(x, ones).fit(cov_type="HAC", cov_kwds={"maxlags": lags,
    "use_correction": True})``. With fewer than 3 values every field except ``n`` is NaN.
    """
    arr = clean_sample(x)
    n = int(arr.size)
    used = newey_west_lags(n) if lags is None else int(lags)
    if used < 0:
        raise DataError(f"hac_t_stat: lags must be >= 0, got {lags}")
    if n < 3 or float(arr.std()) == 0.0:
        mean = float(arr.mean()) if n else math.nan
        return HacResult(mean, math.nan, math.nan, math.nan, used, n)
    import statsmodels.api as sm  # lazy: ~5 s import

    res = sm.OLS(arr, np.ones(n)).fit(
        cov_type="HAC", cov_kwds={"maxlags": used, "use_correction": True}
    )
    mean = float(res.params[0])
    se = float(res.bse[0])
    return HacResult(mean, se, float(res.tvalues[0]), float(res.pvalues[0]), used, n)


def _block_size(arr: FloatArray) -> int:
    n = arr.size
    try:
        with np.errstate(divide="ignore", invalid="ignore"):
            from arch.bootstrap import optimal_block_length

            opt = float(optimal_block_length(arr)["stationary"].iloc[0])
    except (ValueError, np.linalg.LinAlgError):  # pragma: no cover - degenerate samples
        opt = n ** (1.0 / 3.0)
    if not math.isfinite(opt):
        opt = n ** (1.0 / 3.0)
    return int(min(max(round(opt), 1), max(n // 2, 1)))


def bootstrap_mean_ci(
    x: pd.Series | Sequence[float] | FloatArray,
    *,
    level: float = 0.95,
    reps: int = 1000,
    block_size: int | None = None,
    seed: int = 0,
) -> tuple[float, float]:
    """Percentile confidence interval of the mean from the stationary bootstrap.

    Parameters
    ----------
    x
        Sample in time order; NaN dropped.
    level
        Coverage, in (0, 1).
    reps
        Bootstrap replications.
    block_size
        Expected block length; Politis-White optimal length when None (see module notes).
    seed
        Seed of the bootstrap's generator, for reproducible intervals.

    Returns
    -------
    tuple of float
        ``(low, high)``; ``(nan, nan)`` with fewer than 3 values.
    """
    if not 0.0 < level < 1.0:
        raise DataError(f"bootstrap_mean_ci: level must be in (0, 1), got {level}")
    if reps < 10:
        raise DataError(f"bootstrap_mean_ci: reps must be >= 10, got {reps}")
    arr = clean_sample(x)
    if arr.size < 3:
        return (math.nan, math.nan)
    if float(arr.std()) == 0.0:
        value = float(arr[0])
        return (value, value)
    bsize = _block_size(arr) if block_size is None else int(block_size)
    from arch.bootstrap import StationaryBootstrap

    bs = StationaryBootstrap(bsize, arr, seed=np.random.default_rng(seed))
    ci = bs.conf_int(_mean, reps=reps, method="percentile", size=level)
    return (float(ci[0, 0]), float(ci[1, 0]))


def _mean(a: FloatArray) -> FloatArray:
    return np.asarray([a.mean()], dtype=np.float64)


def _diff_stat(pooled: FloatArray, idx_a: FloatArray | npt.NDArray[np.bool_], n_a: int) -> float:
    total = pooled.sum()
    sa = pooled[idx_a].sum()
    n_b = pooled.size - n_a
    return float(sa / n_a - (total - sa) / n_b)


def permutation_pvalue(
    a: pd.Series | Sequence[float] | FloatArray,
    b: pd.Series | Sequence[float] | FloatArray,
    *,
    reps: int = 10_000,
    seed: int = 0,
    alternative: Alternative = "two-sided",
) -> float:
    """Permutation-test p-value of ``mean(a) - mean(b)``.

    Labels are shuffled between the two samples (exchangeability under the null of equal
    distributions). When the number of distinct splits ``C(n_a + n_b, n_a)`` is at most ``reps``
    every split is enumerated and the exact p-value is returned; otherwise ``reps`` random splits
    are drawn and ``(count + 1) / (reps + 1)`` is returned (never zero).

    Parameters
    ----------
    a, b
        The two samples; NaN dropped.
    reps
        Monte Carlo splits (and the enumeration limit).
    seed
        Seed of the generator.
    alternative
        ``"two-sided"`` compares ``|d|``, ``"greater"`` tests ``mean(a) > mean(b)``, ``"less"`` the
        opposite.

    Notes
    -----
    The test assumes exchangeable observations; with overlapping windows (forward returns measured
    every day) the p-value is too small. Sample such outcomes at non-overlapping dates.
    """
    xa = clean_sample(a, name="a")
    xb = clean_sample(b, name="b")
    n_a, n_b = int(xa.size), int(xb.size)
    if n_a == 0 or n_b == 0:
        return math.nan
    pooled = np.concatenate([xa, xb])
    n = pooled.size
    observed = float(xa.mean() - xb.mean())
    tol = 1e-12 * max(1.0, abs(observed))

    def extreme(d: FloatArray) -> npt.NDArray[np.bool_]:
        if alternative == "two-sided":
            return np.abs(d) >= abs(observed) - tol
        if alternative == "greater":
            return d >= observed - tol
        return d <= observed + tol

    n_splits = math.comb(n, n_a)
    if n_splits <= reps:
        diffs = np.fromiter(
            (_diff_stat(pooled, np.asarray(c), n_a) for c in itertools.combinations(range(n), n_a)),
            dtype=np.float64,
            count=n_splits,
        )
        return float(extreme(diffs).mean())
    rng = np.random.default_rng(seed)
    total = pooled.sum()
    # Vectorised in chunks: each row a random permutation; the first n_a items form sample a.
    count = 0
    done = 0
    chunk = max(1, min(reps, 2_000_000 // max(n, 1)))
    while done < reps:
        m = min(chunk, reps - done)
        perm = rng.permuted(np.tile(pooled, (m, 1)), axis=1)
        sa = perm[:, :n_a].sum(axis=1)
        d = sa / n_a - (total - sa) / n_b
        count += int(extreme(d).sum())
        done += m
    return (count + 1) / (reps + 1)


@dataclass(frozen=True)
class SampleStats:
    """Descriptive and inferential statistics of one sample (one bucket of a table).

    Attributes
    ----------
    n
        Finite observations.
    mean, median, std
        Of the sample (``std`` with ``ddof=1``).
    hit_rate
        Share of observations strictly above zero.
    t_stat
        Classical t of the mean (:func:`t_stat`).
    hac_t, hac_lags
        Newey-West t of the mean and the lag used (:func:`hac_t_stat`).
    p_value
        Two-sided p-value of the classical t (Student t, ``n - 1`` df).
    ci_low, ci_high, ci_level
        Stationary-bootstrap percentile interval of the mean (:func:`bootstrap_mean_ci`).
    """

    n: int
    mean: float
    median: float
    std: float
    hit_rate: float
    t_stat: float
    hac_t: float
    hac_lags: int
    p_value: float
    ci_low: float
    ci_high: float
    ci_level: float

    def summary(self) -> str:
        """One line with n, mean, t and the CI (values in percent for reading)."""
        return (
            f"n={self.n} mean={100 * self.mean:.3f}% median={100 * self.median:.3f}% "
            f"hit={100 * self.hit_rate:.1f}% t={self.t_stat:.2f} HAC t={self.hac_t:.2f} "
            f"(lags {self.hac_lags}) {100 * self.ci_level:.0f}% CI "
            f"[{100 * self.ci_low:.3f}%, {100 * self.ci_high:.3f}%]"
        )

    def as_dict(self) -> dict[str, float | int]:
        """Fields as a plain dict (one table row)."""
        return {
            "n": self.n,
            "mean": self.mean,
            "median": self.median,
            "std": self.std,
            "hit_rate": self.hit_rate,
            "t_stat": self.t_stat,
            "p_value": self.p_value,
            "hac_t": self.hac_t,
            "hac_lags": self.hac_lags,
            "ci_low": self.ci_low,
            "ci_high": self.ci_high,
        }


def sample_stats(
    x: pd.Series | Sequence[float] | FloatArray,
    *,
    hac_lags: int | None = None,
    level: float = 0.95,
    reps: int = 1000,
    seed: int = 0,
    bootstrap: bool = True,
) -> SampleStats:
    """All statistics of one sample: n, mean, median, hit rate, t, HAC t and bootstrap CI.

    Parameters
    ----------
    x
        Sample in time order (decimal fractions); NaN dropped.
    hac_lags
        Newey-West lag; rule of thumb when None.
    level, reps, seed
        Bootstrap CI settings (:func:`bootstrap_mean_ci`).
    bootstrap
        Skip the bootstrap (CI fields NaN) when False, e.g. for quick tables.
    """
    arr = clean_sample(x)
    n = int(arr.size)
    if n == 0:
        nan = math.nan
        return SampleStats(0, nan, nan, nan, nan, nan, nan, 0, nan, nan, nan, level)
    hac = hac_t_stat(arr, lags=hac_lags)
    t = t_stat(arr)
    from scipy import stats as sps

    p = float(2.0 * sps.t.sf(abs(t), df=n - 1)) if math.isfinite(t) else math.nan
    lo, hi = (
        bootstrap_mean_ci(arr, level=level, reps=reps, seed=seed)
        if bootstrap
        else (math.nan, math.nan)
    )
    return SampleStats(
        n=n,
        mean=float(arr.mean()),
        median=float(np.median(arr)),
        std=float(arr.std(ddof=1)) if n > 1 else math.nan,
        hit_rate=float((arr > 0).mean()),
        t_stat=t,
        hac_t=hac.t,
        hac_lags=hac.lags,
        p_value=p,
        ci_low=lo,
        ci_high=hi,
        ci_level=level,
    )


def stats_table(rows: dict[str, SampleStats]) -> pd.DataFrame:
    """Stack named :class:`SampleStats` into a table (index = bucket label)."""
    frame = pd.DataFrame({k: v.as_dict() for k, v in rows.items()}).T
    frame.index.name = "bucket"
    frame["n"] = frame["n"].astype("int64")
    frame["hac_lags"] = frame["hac_lags"].astype("int64")
    return frame
