"""Performance metrics of a backtest; formulas in ``docs/backtest.md``.

Two modes:

``"native"``
    sizeup's definitions: CAGR on calendar time, arithmetic (annualised) alpha from an OLS
    beta with sample moments, annualised information ratio, arithmetic up/down capture.
``"empyrical"``
    empyrical's definitions (CAGR on a 252-period year counted in returns, geometric alpha
    from a population beta, non-annualised excess Sharpe as the information ratio, capture as
    a ratio of annualised compounded returns on up/down benchmark periods), for comparison with
    tools built on it.

Everything else (volatility, Sharpe, Sortino, maximum drawdown, Calmar's form) is shared.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from sizeup.errors import BacktestError

__all__ = ["METRIC_MODES", "Metrics", "compute_metrics", "return_metrics"]

FloatArray = npt.NDArray[np.float64]
MetricMode = Literal["native", "empyrical"]
METRIC_MODES: tuple[str, ...] = ("native", "empyrical")


@dataclass(frozen=True)
class Metrics:
    """Summary statistics of one equity curve (NaN where undefined).

    Attributes are fractions (0.1 = 10 %) except the ratios, ``beta`` and the durations
    (``max_drawdown_sessions`` in sessions, ``max_drawdown_days`` in calendar days).
    """

    mode: str
    total_return: float
    cagr: float
    volatility: float
    sharpe: float
    sortino: float
    max_drawdown: float
    max_drawdown_sessions: int
    max_drawdown_days: int
    calmar: float
    turnover: float
    exposure: float
    hit_rate: float
    alpha: float
    beta: float
    information_ratio: float
    up_capture: float
    down_capture: float

    def to_dict(self) -> dict[str, float | int | str | None]:
        """JSON-safe mapping (NaN becomes None)."""
        out: dict[str, float | int | str | None] = {}
        for key, value in asdict(self).items():
            if isinstance(value, float) and not math.isfinite(value):
                out[key] = None
            else:
                out[key] = value
        return out


def _std(x: FloatArray) -> float:
    return float(np.std(x, ddof=1)) if len(x) > 1 else math.nan


def _ratio(num: float, den: float) -> float:
    if not math.isfinite(num) or not math.isfinite(den) or den == 0.0:
        return math.nan
    return num / den


def _drawdown(equity: FloatArray) -> tuple[float, int, int, int]:
    """Deepest drawdown and the longest spell below a peak: (depth, sessions, start, end).

    A spell runs from the peak's session to the first session back at or above the peak, or
    to the last session when it has not recovered.
    """
    peak = np.maximum.accumulate(equity)
    depth = float((equity / peak - 1.0).min())
    longest, best_start = 0, 0
    peak_i = 0
    for i in range(1, len(equity)):
        if equity[i] >= equity[peak_i]:
            if i - peak_i > 1 and i - peak_i > longest:
                longest, best_start = i - peak_i, peak_i
            peak_i = i
    last = len(equity) - 1
    if last > peak_i and last - peak_i > longest:
        longest, best_start = last - peak_i, peak_i
    return depth, longest, best_start, best_start + longest


def _annual_return_geo(r: FloatArray, periods: int) -> float:
    if len(r) < 1:
        return math.nan
    return float(np.prod(1.0 + r) ** (periods / len(r)) - 1.0)


def return_metrics(
    returns: npt.ArrayLike,
    benchmark: npt.ArrayLike | None = None,
    *,
    calendar_days: float | None = None,
    risk_free: float = 0.0,
    periods_per_year: int = 252,
    mode: MetricMode = "native",
    traded: npt.ArrayLike | None = None,
    invested: npt.ArrayLike | None = None,
    equity_drawdown_days: npt.ArrayLike | None = None,
) -> Metrics:
    """Metrics of a series of simple period returns.

    Parameters
    ----------
    returns
        Simple returns per period (the first period starts at the initial value).
    benchmark
        Benchmark simple returns on the same periods (alpha, beta, IR, capture); optional.
    calendar_days
        Calendar days spanned (first to last valuation date) for the native CAGR; without it
        the native CAGR falls back to ``periods_per_year`` periods per year.
    risk_free
        Risk-free rate per period (subtracted in Sharpe, Sortino, alpha, beta).
    periods_per_year
        252 for daily returns.
    mode
        ``"native"`` or ``"empyrical"`` (see the module docstring).
    traded
        Traded value per period divided by the previous value (turnover); optional.
    invested
        Invested fraction of the portfolio per period (exposure); optional.
    equity_drawdown_days
        Ordinal day numbers of the valuation dates (length ``len(returns) + 1``) for the
        drawdown duration in calendar days; optional.

    Returns
    -------
    Metrics
    """
    if mode not in METRIC_MODES:
        raise BacktestError(
            f"metrics mode {mode!r} is not known; valid: {', '.join(METRIC_MODES)}",
            input="mode",
            value=mode,
            valid=", ".join(METRIC_MODES),
        )
    r = np.asarray(returns, dtype=np.float64)
    if np.isnan(r).any():
        raise BacktestError(
            "returns contain NaN; valid: finite returns on every period",
            input="returns",
            value="NaN",
            valid="finite returns",
        )
    n = len(r)
    ppy = periods_per_year
    equity = np.concatenate([[1.0], np.cumprod(1.0 + r)])
    total = float(equity[-1] - 1.0)
    if mode == "empyrical" or calendar_days is None or calendar_days <= 0:
        cagr = _annual_return_geo(r, ppy)
    else:
        cagr = float(equity[-1] ** (365.25 / calendar_days) - 1.0)
    ex = r - risk_free
    vol = _std(r) * math.sqrt(ppy)
    sharpe = _ratio(float(np.mean(ex)), _std(ex)) * math.sqrt(ppy) if n > 1 else math.nan
    downside = math.sqrt(float(np.mean(np.minimum(ex, 0.0) ** 2))) * math.sqrt(ppy) if n else 0.0
    sortino = _ratio(float(np.mean(ex)) * ppy, downside) if n > 1 else math.nan
    mdd, dd_len, dd_start, dd_end = _drawdown(equity)
    dd_days = 0
    if equity_drawdown_days is not None and dd_len > 0:
        ords = np.asarray(equity_drawdown_days)
        dd_days = int(ords[dd_end] - ords[dd_start])
    calmar = _ratio(cagr, abs(mdd)) if mdd < 0 else math.nan
    turnover = math.nan
    if traded is not None:
        years = (calendar_days / 365.25) if calendar_days else n / ppy
        turnover = _ratio(float(np.sum(np.asarray(traded, dtype=np.float64))) / 2.0, years)
    exposure = float(np.mean(np.asarray(invested))) if invested is not None and n else math.nan
    active = r[r != 0.0]
    hit = float(np.mean(active > 0.0)) if len(active) else math.nan
    alpha = beta = ir = up = down = math.nan
    if benchmark is not None:
        b = np.asarray(benchmark, dtype=np.float64)
        if b.shape != r.shape:
            raise BacktestError(
                f"benchmark has {b.shape[0]} periods, returns have {n}; valid: aligned series",
                input="benchmark",
                value=b.shape[0],
                valid=f"{n} periods",
            )
        ok = ~np.isnan(b)
        rr, bb = r[ok], b[ok]
        er, eb = rr - risk_free, bb - risk_free
        if mode == "empyrical":
            resid = eb - np.mean(eb)
            var = float(np.mean(resid**2))
            beta = float(np.mean(resid * er)) / var if var >= 1e-30 else math.nan
            alpha = float((np.mean(er - beta * eb) + 1.0) ** ppy - 1.0)
            act = rr - bb
            ir = _ratio(float(np.mean(act)), _std(act))
            upm, dnm = bb > 0, bb < 0
            up = _ratio(_annual_return_geo(rr[upm], ppy), _annual_return_geo(bb[upm], ppy))
            down = _ratio(_annual_return_geo(rr[dnm], ppy), _annual_return_geo(bb[dnm], ppy))
        else:
            if len(eb) > 1:
                var = float(np.var(eb, ddof=1))
                beta = float(np.cov(er, eb, ddof=1)[0, 1]) / var if var > 0 else math.nan
                alpha = float(np.mean(er) - beta * np.mean(eb)) * ppy
            act = rr - bb
            ir = _ratio(float(np.mean(act)), _std(act)) * math.sqrt(ppy)
            upm, dnm = bb > 0, bb < 0
            if upm.any():
                up = _ratio(float(np.mean(rr[upm])), float(np.mean(bb[upm])))
            if dnm.any():
                down = _ratio(float(np.mean(rr[dnm])), float(np.mean(bb[dnm])))
    return Metrics(
        mode=mode,
        total_return=total,
        cagr=cagr,
        volatility=vol,
        sharpe=sharpe,
        sortino=sortino,
        max_drawdown=mdd,
        max_drawdown_sessions=dd_len,
        max_drawdown_days=dd_days,
        calmar=calmar,
        turnover=turnover,
        exposure=exposure,
        hit_rate=hit,
        alpha=alpha,
        beta=beta,
        information_ratio=ir,
        up_capture=up,
        down_capture=down,
    )


def compute_metrics(
    equity: pd.Series,
    *,
    benchmark: pd.Series | None = None,
    traded: pd.Series | None = None,
    cash: pd.Series | None = None,
    risk_free: float = 0.0,
    periods_per_year: int = 252,
    mode: MetricMode = "native",
) -> Metrics:
    """Metrics of an equity curve indexed by date.

    Parameters
    ----------
    equity
        Portfolio value at each close (the first value is the start).
    benchmark
        Benchmark closes (total return) on the same dates; forward-filled over gaps.
    traded
        Traded value per day (turnover = traded / previous value, annualised, one way).
    cash
        Cash per day (exposure = 1 - cash / value, averaged over the return periods).
    risk_free, periods_per_year, mode
        As in :func:`return_metrics`.

    Returns
    -------
    Metrics
    """
    v = equity.to_numpy(dtype=np.float64)
    if len(v) < 2 or not np.isfinite(v).all() or (v <= 0).any():
        raise BacktestError(
            "equity must have at least two positive, finite values",
            input="equity",
            value=len(v),
            valid="two or more positive values",
        )
    r = v[1:] / v[:-1] - 1.0
    idx = pd.DatetimeIndex(equity.index)
    days = float((idx[-1] - idx[0]).days)
    b = None
    if benchmark is not None:
        bv = benchmark.reindex(equity.index).ffill().to_numpy(dtype=np.float64)
        b = bv[1:] / bv[:-1] - 1.0
    tr = None
    if traded is not None:
        tr = traded.to_numpy(dtype=np.float64)[1:] / v[:-1]
    inv = None
    if cash is not None:
        inv = 1.0 - cash.to_numpy(dtype=np.float64)[1:] / v[1:]
    ords = np.asarray(idx.to_numpy().astype("datetime64[D]").astype(np.int64))
    return return_metrics(
        r,
        b,
        calendar_days=days,
        risk_free=risk_free,
        periods_per_year=periods_per_year,
        mode=mode,
        traded=tr,
        invested=inv,
        equity_drawdown_days=ords,
    )
