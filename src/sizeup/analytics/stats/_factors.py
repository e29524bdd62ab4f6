"""Size premium and factor regressions (docs/methods.md §S4, features F24/F25).

Inputs are Ken French factor and portfolio returns as decimal fractions (the store's
``FF:{MKT-RF|SMB|HML|RMW|CMA|RF|MOM}:{D|M|A}`` and ``FF:ME_VW_M:DEC01`` series). Column names are
normalised by :func:`canonical_factor_columns`, so frames keyed by store ids or by French's own
headers (``Mkt-RF``, ``Mom``) both work.

- :func:`size_premium`: SMB (or any long-short premium) over the full sample, sub-periods,
  January vs February-December, with classical and Newey-West t, bootstrap CIs and the January
  share of the cumulative sum.
- :func:`decile_spread`: smallest vs largest size portfolio (geometric and arithmetic means,
  January vs other months).
- :func:`rolling_premium`, :func:`drawdowns`: regime views (F25).
- :func:`factor_regression`, :func:`rolling_betas`: CAPM / FF3 / Carhart / FF5 (+ momentum)
  regressions with HAC errors, shaped like Portfolio Visualizer's factor regression.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from sizeup.analytics.stats._core import SampleStats, newey_west_lags, sample_stats, stats_table
from sizeup.analytics.stats._seasonality import january_share
from sizeup.errors import DataError

__all__ = [
    "DEFAULT_SUBPERIODS",
    "FACTOR_MODELS",
    "DecileSpread",
    "FactorModel",
    "FactorRegression",
    "SizePremium",
    "canonical_factor_columns",
    "decile_spread",
    "drawdowns",
    "factor_regression",
    "infer_periods_per_year",
    "rolling_betas",
    "rolling_premium",
    "size_premium",
]

logger = logging.getLogger(__name__)

FactorModel = Literal["capm", "ff3", "ff3_mom", "ff5", "ff5_mom"]
FACTOR_MODELS: dict[str, tuple[str, ...]] = {
    "capm": ("MKT-RF",),
    "ff3": ("MKT-RF", "SMB", "HML"),
    "ff3_mom": ("MKT-RF", "SMB", "HML", "MOM"),
    "ff5": ("MKT-RF", "SMB", "HML", "RMW", "CMA"),
    "ff5_mom": ("MKT-RF", "SMB", "HML", "RMW", "CMA", "MOM"),
}

DEFAULT_SUBPERIODS: dict[str, tuple[str | None, str | None]] = {
    "1926-07..1980-12 (pre-Banz)": ("1926-07", "1980-12"),
    "1981-01.. (post-Banz)": ("1981-01", None),
    "1963-01..1979-12 (Keim)": ("1963-01", "1979-12"),
}
"""Sub-periods of docs/methods.md §S4 (end None = end of the data given)."""

_ALIASES = {
    "MKT-RF": "MKT-RF",
    "MKT_RF": "MKT-RF",
    "MKTRF": "MKT-RF",
    "MKT": "MKT-RF",
    "SMB": "SMB",
    "SMB5": "SMB",
    "HML": "HML",
    "RMW": "RMW",
    "CMA": "CMA",
    "RF": "RF",
    "MOM": "MOM",
    "UMD": "MOM",
    "WML": "MOM",
}


def canonical_factor_columns(factors: pd.DataFrame) -> pd.DataFrame:
    """Rename factor columns to ``MKT-RF, SMB, HML, RMW, CMA, RF, MOM``.

    Accepts store ids (``FF:SMB:M``; the five-factor ``FF:SMB5:M`` becomes ``SMB``), French
    headers (``Mkt-RF``, ``Mom``) and common aliases (``UMD``, ``WML``). Unknown columns are
    kept unchanged.
    """
    mapping: dict[str, str] = {}
    for col in factors.columns:
        key = str(col).strip()
        if key.upper().startswith("FF:"):
            parts = key.split(":")
            key = parts[1] if len(parts) >= 2 else key
        canon = _ALIASES.get(key.upper().replace(" ", ""))
        if canon is not None:
            if canon in mapping.values():
                raise DataError(
                    f"factors: two columns map to {canon!r} ({list(factors.columns)}); keep one"
                )
            mapping[str(col)] = canon
    return factors.rename(columns=mapping)


def _series(x: pd.Series, name: str) -> pd.Series:
    if not isinstance(x, pd.Series):
        raise DataError(f"{name}: expected a pandas Series, got {type(x).__name__}")
    out = x.astype("float64")
    if isinstance(out.index, pd.PeriodIndex):
        out = out.copy()
        out.index = pd.PeriodIndex(out.index).to_timestamp(how="end").normalize()
    if not isinstance(out.index, pd.DatetimeIndex):
        raise DataError(f"{name}: expected a DatetimeIndex or PeriodIndex")
    return out.sort_index().dropna()


def _slice(x: pd.Series, start: str | None, end: str | None) -> pd.Series:
    lo = pd.Timestamp(start) if start else None
    hi = (
        (pd.Period(end, freq="M").end_time if len(end) <= 7 else pd.Timestamp(end)) if end else None
    )
    if lo is not None:
        x = x[x.index >= lo]
    if hi is not None:
        x = x[x.index <= hi]
    return x


@dataclass(frozen=True)
class SizePremium:
    """Size-premium statistics.

    Attributes
    ----------
    table
        Rows ``full``, each sub-period, ``january``, ``feb_dec``; columns n, mean (per period),
        annualised (``mean * periods_per_year``), median, std, hit_rate, t_stat, p_value, hac_t,
        hac_lags, ci_low, ci_high.
    stats
        Rows as :class:`SampleStats`.
    january_share
        Share of the full sample's arithmetic sum earned in Januaries.
    periods_per_year
        12 for monthly input.
    start, end
        First and last observation of the full sample.
    """

    table: pd.DataFrame
    stats: dict[str, SampleStats]
    january_share: float
    periods_per_year: int
    start: pd.Timestamp
    end: pd.Timestamp

    def summary(self) -> str:
        """Readable table: means per month and annualised, t and HAC t."""
        lines = [f"Size premium {self.start:%Y-%m} .. {self.end:%Y-%m}"]
        for label, row in self.table.iterrows():
            lines.append(
                f"  {label!s:>30}: n={int(row['n']):5d} mean={100 * row['mean']:.4f}%/period "
                f"({100 * row['annualised']:.2f}%/yr) t={row['t_stat']:.3f} "
                f"HAC t={row['hac_t']:.3f}"
            )
        lines.append(f"  January share of cumulative sum: {100 * self.january_share:.1f}%")
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.summary()


def size_premium(
    premium: pd.Series,
    *,
    start: str | None = None,
    end: str | None = None,
    subperiods: Mapping[str, tuple[str | None, str | None]] | None = None,
    hac_lags: int | None = None,
    level: float = 0.95,
    reps: int = 1000,
    seed: int = 0,
) -> SizePremium:
    """Statistics of a monthly long-short premium (SMB by default use), docs/methods.md §S4.

    Parameters
    ----------
    premium
        Monthly returns (decimal) indexed by month (DatetimeIndex at month end or PeriodIndex).
    start, end
        Full-sample window (``"1926-07"``, ``"2024-06"``; a month end is inclusive).
    subperiods
        Named ``(start, end)`` windows inside the data; :data:`DEFAULT_SUBPERIODS` when None.
        A window's open end is clipped to ``end``.
    hac_lags, level, reps, seed
        See :func:`~sizeup.analytics.stats.sample_stats`.
    """
    x = _slice(_series(premium, "premium"), start, end)
    if x.empty:
        raise DataError(f"premium: no observations between {start} and {end}")
    periods = DEFAULT_SUBPERIODS if subperiods is None else subperiods
    rows: dict[str, SampleStats] = {
        "full": sample_stats(x, hac_lags=hac_lags, level=level, reps=reps, seed=seed)
    }
    for label, (a, b) in periods.items():
        sub = _slice(x, a, b)
        if sub.empty:
            logger.info("size_premium: sub-period %s has no data; skipped", label)
            continue
        rows[label] = sample_stats(sub, hac_lags=hac_lags, level=level, reps=reps, seed=seed)
    rows["january"] = sample_stats(
        x[pd.DatetimeIndex(x.index).month == 1],
        hac_lags=hac_lags,
        level=level,
        reps=reps,
        seed=seed,
    )
    rows["feb_dec"] = sample_stats(
        x[pd.DatetimeIndex(x.index).month != 1],
        hac_lags=hac_lags,
        level=level,
        reps=reps,
        seed=seed,
    )
    table = stats_table(rows)
    table.insert(2, "annualised", table["mean"] * 12)
    return SizePremium(table, rows, january_share(x), 12, x.index[0], x.index[-1])


@dataclass(frozen=True)
class DecileSpread:
    """Smallest vs largest size portfolio.

    Attributes
    ----------
    geometric_small, geometric_large
        Annualised geometric returns ``prod(1 + r) ** (12 / n) - 1``.
    mean_small, mean_large
        Arithmetic monthly means.
    spread
        Statistics of the monthly difference small - large (all months).
    january, other_months
        Statistics of the difference in Januaries and in February-December.
    january_small, january_large
        Arithmetic January means of each leg.
    """

    geometric_small: float
    geometric_large: float
    mean_small: float
    mean_large: float
    spread: SampleStats
    january: SampleStats
    other_months: SampleStats
    january_small: float
    january_large: float
    n: int

    def summary(self) -> str:
        """Readable comparison in percent."""
        return (
            f"small {100 * self.geometric_small:.2f}%/yr vs "
            f"large {100 * self.geometric_large:.2f}%/yr "
            f"(geometric, n={self.n}); spread mean {100 * self.spread.mean:.3f}%/month; January "
            f"{100 * self.january.mean:+.2f}%/month ({100 * self.january_small:.2f} vs "
            f"{100 * self.january_large:.2f}), Feb-Dec {100 * self.other_months.mean:+.3f}%/month"
        )

    def __repr__(self) -> str:
        return self.summary()


def decile_spread(
    small: pd.Series,
    large: pd.Series,
    *,
    start: str | None = None,
    end: str | None = None,
    reps: int = 1000,
    seed: int = 0,
) -> DecileSpread:
    """Compare monthly returns of the smallest and largest size portfolios (§6.1-6.2).

    Parameters
    ----------
    small, large
        Monthly returns (decimal), e.g. ``FF:ME_VW_M:DEC01`` and ``FF:ME_VW_M:DEC10``.
    start, end
        Window (months inclusive).
    """
    both = pd.concat(
        [_series(small, "small"), _series(large, "large")], axis=1, join="inner"
    ).dropna()
    s = _slice(both.iloc[:, 0], start, end)
    lg = _slice(both.iloc[:, 1], start, end)
    n = len(s)
    if n == 0:
        raise DataError(f"decile_spread: no common months between {start} and {end}")
    diff = s - lg
    jan = pd.DatetimeIndex(diff.index).month == 1

    def geo(r: pd.Series) -> float:
        return float(np.prod(1.0 + r.to_numpy()) ** (12.0 / len(r)) - 1.0)

    return DecileSpread(
        geometric_small=geo(s),
        geometric_large=geo(lg),
        mean_small=float(s.mean()),
        mean_large=float(lg.mean()),
        spread=sample_stats(diff, reps=reps, seed=seed),
        january=sample_stats(diff[jan], reps=reps, seed=seed),
        other_months=sample_stats(diff[~jan], reps=reps, seed=seed),
        january_small=float(s[jan].mean()),
        january_large=float(lg[jan].mean()),
        n=n,
    )


def rolling_premium(premium: pd.Series, *, window: int = 60, annualise: int = 12) -> pd.Series:
    """Compute the rolling mean of a premium times ``annualise`` (F25: 36 or 60 months)."""
    if window < 2:
        raise DataError(f"rolling_premium: window must be >= 2, got {window}")
    x = _series(premium, "premium")
    return x.rolling(window).mean().dropna() * annualise


def drawdowns(returns: pd.Series, *, top: int = 5) -> pd.DataFrame:
    """Worst drawdowns of the compounded wealth ``prod(1 + r)`` of a return series.

    Returns
    -------
    pandas.DataFrame
        Up to ``top`` episodes sorted by depth: ``peak`` (date of the prior high), ``trough``,
        ``recovery`` (first date back at the peak, NaT if not yet), ``depth`` (negative decimal),
        ``length`` (observations from peak to recovery or to the end).
    """
    x = _series(returns, "returns")
    wealth = (1.0 + x).cumprod()
    peak = wealth.cummax()
    dd = wealth / peak - 1.0
    episodes: list[dict[str, object]] = []
    in_dd = False
    start_i = 0
    values = dd.to_numpy()
    idx = dd.index
    for i, v in enumerate(values):
        if v < 0 and not in_dd:
            in_dd, start_i = True, i
        elif v >= 0 and in_dd:
            seg = values[start_i:i]
            t = start_i + int(np.argmin(seg))
            episodes.append(
                {
                    "peak": idx[start_i - 1] if start_i > 0 else idx[0],
                    "trough": idx[t],
                    "recovery": idx[i],
                    "depth": float(values[t]),
                    "length": i - start_i + 1,
                }
            )
            in_dd = False
    if in_dd:
        seg = values[start_i:]
        t = start_i + int(np.argmin(seg))
        episodes.append(
            {
                "peak": idx[start_i - 1] if start_i > 0 else idx[0],
                "trough": idx[t],
                "recovery": pd.NaT,
                "depth": float(values[t]),
                "length": len(values) - start_i + 1,
            }
        )
    frame = pd.DataFrame(episodes, columns=["peak", "trough", "recovery", "depth", "length"])
    return frame.sort_values("depth").head(top).reset_index(drop=True)


def infer_periods_per_year(index: pd.DatetimeIndex) -> int:
    """Infer 252 (daily), 52, 12, 4 or 1 periods per year from the median date spacing."""
    if len(index) < 3:
        raise DataError("infer_periods_per_year: need at least 3 dates")
    secs = index.values.astype("datetime64[s]").astype(np.int64)
    gap = float(np.median(np.diff(secs)) / 86_400.0)
    if gap <= 4.5:
        return 252
    if gap <= 10:
        return 52
    if gap <= 45:
        return 12
    if gap <= 135:
        return 4
    return 1


@dataclass(frozen=True)
class FactorRegression:
    """Result of a factor regression, shaped like Portfolio Visualizer's.

    Attributes
    ----------
    model
        ``capm``, ``ff3``, ``ff3_mom``, ``ff5`` or ``ff5_mom``.
    table
        Rows ``alpha`` and each factor; columns ``coefficient``, ``std_error``, ``t_stat``,
        ``p_value`` (HAC).
    r_squared, adj_r_squared
        Of the OLS fit.
    alpha, alpha_annualised
        Intercept per period and ``alpha * periods_per_year``.
    n, periods_per_year, hac_lags
        Observations, frequency and Newey-West lag.
    start, end
        Sample dates.
    """

    model: str
    table: pd.DataFrame
    r_squared: float
    adj_r_squared: float
    alpha: float
    alpha_annualised: float
    n: int
    periods_per_year: int
    hac_lags: int
    start: pd.Timestamp
    end: pd.Timestamp

    def beta(self, factor: str) -> float:
        """Coefficient of ``factor`` (canonical name, e.g. ``"SMB"``)."""
        if factor not in self.table.index:
            raise DataError(
                f"factor regression ({self.model}): no factor {factor!r}; "
                f"have {list(self.table.index)}"
            )
        return float(self.table["coefficient"].to_numpy()[self.table.index.get_loc(factor)])

    def summary(self) -> str:
        """Portfolio-Visualizer-style block."""
        lines = [
            f"Factor regression ({self.model}), {self.start:%Y-%m-%d} .. {self.end:%Y-%m-%d}, "
            f"n={self.n}, {self.periods_per_year}/yr, HAC lags={self.hac_lags}",
            f"  {'':>8} {'coef':>10} {'std err':>10} {'t-stat':>8} {'p-value':>8}",
        ]
        for name, row in self.table.iterrows():
            lines.append(
                f"  {name!s:>8} {row['coefficient']:10.5f} {row['std_error']:10.5f} "
                f"{row['t_stat']:8.2f} {row['p_value']:8.4f}"
            )
        lines.append(
            f"  annualised alpha {100 * self.alpha_annualised:.2f}%  R² {self.r_squared:.3f}  "
            f"adj. R² {self.adj_r_squared:.3f}"
        )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.summary()


def _design(
    returns: pd.Series, factors: pd.DataFrame, model: str, excess: bool
) -> tuple[pd.Series, pd.DataFrame]:
    if model not in FACTOR_MODELS:
        raise DataError(f"factor model {model!r} unknown; valid: {sorted(FACTOR_MODELS)}")
    fac = canonical_factor_columns(factors)
    if isinstance(fac.index, pd.PeriodIndex):
        fac = fac.copy()
        fac.index = pd.PeriodIndex(fac.index).to_timestamp(how="end").normalize()
    needed = list(FACTOR_MODELS[model]) + (["RF"] if excess else [])
    missing = [c for c in needed if c not in fac.columns]
    if missing:
        raise DataError(
            f"factors: model {model!r} needs columns {needed}; missing {missing}; "
            f"have {list(fac.columns)}"
        )
    y = _series(returns, "returns")
    joined = pd.concat([y.rename("__y__"), fac[needed].astype("float64")], axis=1, join="inner")
    joined = joined.dropna()
    if len(joined) < len(FACTOR_MODELS[model]) + 3:
        raise DataError(
            f"factor regression: only {len(joined)} dates common to returns and factors; "
            "check that both use the same frequency and date convention (month end)"
        )
    dep = joined["__y__"] - (joined["RF"] if excess else 0.0)
    return dep, joined[list(FACTOR_MODELS[model])]


def factor_regression(
    returns: pd.Series,
    factors: pd.DataFrame,
    *,
    model: FactorModel = "ff3",
    excess: bool = True,
    hac_lags: int | None = None,
    periods_per_year: int | None = None,
) -> FactorRegression:
    """Regress a return series on factor returns with Newey-West (HAC) standard errors.

    Parameters
    ----------
    returns
        Simple returns (decimal) of the asset, at the frequency of ``factors``.
    factors
        Factor returns (decimal) with columns normalisable by :func:`canonical_factor_columns`.
    model
        Factor set (:data:`FACTOR_MODELS`).
    excess
        Subtract ``RF`` from ``returns`` first (the asset's excess return is regressed).
    hac_lags
        Newey-West lag; rule of thumb of ``n`` when None.
    periods_per_year
        Annualisation factor of alpha; inferred from the dates when None.

    Notes
    -----
    ``alpha_annualised = alpha * periods_per_year`` (arithmetic, as Portfolio Visualizer reports).
    """
    y, x = _design(returns, factors, model, excess)
    n = len(y)
    lags = newey_west_lags(n) if hac_lags is None else int(hac_lags)
    import statsmodels.api as sm  # lazy: ~5 s import

    res = sm.OLS(y.to_numpy(), sm.add_constant(x.to_numpy(), has_constant="add")).fit(
        cov_type="HAC", cov_kwds={"maxlags": lags, "use_correction": True}
    )
    names = ["alpha", *x.columns]
    table = pd.DataFrame(
        {
            "coefficient": np.asarray(res.params, dtype=float),
            "std_error": np.asarray(res.bse, dtype=float),
            "t_stat": np.asarray(res.tvalues, dtype=float),
            "p_value": np.asarray(res.pvalues, dtype=float),
        },
        index=pd.Index(names, name="term"),
    )
    ppy = (
        infer_periods_per_year(pd.DatetimeIndex(y.index))
        if periods_per_year is None
        else periods_per_year
    )
    alpha = float(table["coefficient"].iloc[0])
    return FactorRegression(
        model=model,
        table=table,
        r_squared=float(res.rsquared),
        adj_r_squared=float(res.rsquared_adj),
        alpha=alpha,
        alpha_annualised=alpha * ppy,
        n=n,
        periods_per_year=ppy,
        hac_lags=lags,
        start=pd.Timestamp(y.index[0]),
        end=pd.Timestamp(y.index[-1]),
    )


def rolling_betas(
    returns: pd.Series,
    factors: pd.DataFrame,
    *,
    model: FactorModel = "ff3",
    window: int = 252,
    excess: bool = True,
) -> pd.DataFrame:
    """Estimate rolling OLS coefficients (``alpha`` and each factor) over ``window`` rows.

    Uses :class:`statsmodels.regression.rolling.RollingOLS`; rows before the first full window
    are dropped.
    """
    y, x = _design(returns, factors, model, excess)
    if window < x.shape[1] + 2:
        raise DataError(f"rolling_betas: window {window} too short for model {model!r}")
    import statsmodels.api as sm
    from statsmodels.regression.rolling import RollingOLS

    exog = sm.add_constant(x.to_numpy(), has_constant="add")
    res = RollingOLS(y.to_numpy(), exog, window=window).fit()
    frame = pd.DataFrame(np.asarray(res.params), index=y.index, columns=["alpha", *x.columns])
    return frame.iloc[window - 1 :]
