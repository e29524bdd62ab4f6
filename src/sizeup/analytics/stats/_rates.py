"""Rate sensitivity of small and large caps (commentary on the 10-year yield and Fed cuts).

Yields come as published (FRED ``DGS10`` in percent, 3.88 = 3.88 %) and are converted to decimal
fractions (0.0388) on input; every change returned is decimal (0.0010 = 10 bp).

- :func:`yield_changes`: daily or weekly (Friday) changes.
- :func:`rate_sensitivity`: full-sample and rolling correlation and beta of asset returns to yield
  changes, measured on the dates both the prices and the yield exist.
- :func:`rate_regimes`: asset returns in periods of rising vs falling yields.
- :func:`cutting_cycles`: easing cycles identified from a fed funds series (rule below).
- :func:`cumulative_change`: change of a rate since a date.

Cutting-cycle rule **[PROP]** (a zig-zag filter on the effective rate): walking forward in time,
track the running peak; once the rate is ``reversal`` (default 0.50 pp) below the peak a down leg
starts at that peak; track the running trough until the rate is ``reversal`` above it, which ends
the leg at the trough. Down legs whose decline ``peak - trough`` is at least ``min_decline``
(default 0.75 pp) are cutting cycles; ``first_cut`` is the first date after the peak at which the
rate is at least ``cut_step`` (default 0.15 pp) below the peak, which skips the few-basis-point
noise of an average effective rate. With the default 0.50 pp reversal, cuts separated by a pause
with less than a 0.50 pp rise belong to one cycle (the 1995-96 and 1998 cuts form one leg). Use
the monthly ``FRED:FEDFUNDS``; the daily ``FRED:DFF`` has month-end and crisis spikes that split
legs. Because the monthly effective rate averages daily rates and can trade below target before an
FOMC decision (e.g. August 2007), ``first_cut`` may lead the first announced cut by a month; a cut
late in a month (31 July 2019) shows in the next month's average.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

from sizeup.analytics.stats._core import SampleStats, sample_stats, stats_table
from sizeup.errors import DataError

__all__ = [
    "ChangeFreq",
    "RateSensitivity",
    "YieldUnits",
    "cumulative_change",
    "cutting_cycles",
    "rate_regimes",
    "rate_sensitivity",
    "yield_changes",
]

logger = logging.getLogger(__name__)

ChangeFreq = Literal["D", "W"]
YieldUnits = Literal["percent", "decimal"]


def _to_decimal(yields: pd.Series, units: YieldUnits, name: str) -> pd.Series:
    if not isinstance(yields, pd.Series) or not isinstance(yields.index, pd.DatetimeIndex):
        raise DataError(f"{name}: expected a Series with a DatetimeIndex")
    if units not in ("percent", "decimal"):
        raise DataError(f"{name}: units must be 'percent' or 'decimal', got {units!r}")
    y = yields.astype("float64").dropna().sort_index()
    y = y[~y.index.duplicated(keep="last")]
    return y / 100.0 if units == "percent" else y


def _levels_frame(prices: pd.DataFrame | pd.Series) -> pd.DataFrame:
    frame = prices.to_frame() if isinstance(prices, pd.Series) else prices
    if not isinstance(frame.index, pd.DatetimeIndex):
        raise DataError("prices: expected a DatetimeIndex")
    return frame.astype("float64").sort_index()


def yield_changes(
    yields: pd.Series, *, freq: ChangeFreq = "D", units: YieldUnits = "percent"
) -> pd.Series:
    """Compute changes of a yield series in decimal (0.0010 = 10 bp).

    Parameters
    ----------
    yields
        Yield levels with a DatetimeIndex; NaN dropped.
    freq
        ``"D"``: change between consecutive observations; ``"W"``: change between the last
        observations of consecutive weeks ending Friday.
    units
        Units of ``yields``: ``"percent"`` as FRED publishes, or ``"decimal"``.
    """
    y = _to_decimal(yields, units, "yields")
    if freq == "W":
        y = y.resample("W-FRI").last().dropna()
    elif freq != "D":
        raise DataError(f"yield_changes: freq must be 'D' or 'W', got {freq!r}")
    return y.diff().iloc[1:]


def _aligned(
    prices: pd.DataFrame | pd.Series, yields: pd.Series, freq: ChangeFreq, units: YieldUnits
) -> tuple[pd.DataFrame, pd.Series]:
    px = _levels_frame(prices)
    y = _to_decimal(yields, units, "yields")
    both = px.join(y.rename("__yield__"), how="inner")
    both = both.dropna(subset=["__yield__"])
    if freq == "W":
        both = both.resample("W-FRI").last().dropna(how="all")
    elif freq != "D":
        raise DataError(f"rate_sensitivity: freq must be 'D' or 'W', got {freq!r}")
    rets = both.drop(columns="__yield__").pct_change(fill_method=None).iloc[1:]
    dy = both["__yield__"].diff().iloc[1:]
    return rets, dy


@dataclass(frozen=True)
class RateSensitivity:
    """Correlation and beta of asset returns to yield changes.

    Attributes
    ----------
    table
        One row per asset: ``n``, ``correlation``, ``beta`` (return per 1.00 decimal change of
        the yield), ``beta_per_100bp`` (``beta * 0.01``: return for a 100 bp rise), ``start``,
        ``end``.
    rolling_correlation, rolling_beta
        Rolling ``window`` statistics, one column per asset.
    freq, window
        Sampling frequency and rolling window (observations).
    """

    table: pd.DataFrame
    rolling_correlation: pd.DataFrame
    rolling_beta: pd.DataFrame
    freq: str
    window: int

    def summary(self) -> str:
        """One line per asset."""
        lines = [f"Rate sensitivity ({self.freq}, rolling window {self.window})"]
        for name, row in self.table.iterrows():
            lines.append(
                f"  {name!s:>8}: corr={row['correlation']:+.3f} "
                f"return per +100bp={100 * row['beta_per_100bp']:+.2f}% (n={int(row['n'])})"
            )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.summary()


def rate_sensitivity(
    prices: pd.DataFrame | pd.Series,
    yields: pd.Series,
    *,
    freq: ChangeFreq = "D",
    window: int | None = None,
    units: YieldUnits = "percent",
    start: str | None = None,
    end: str | None = None,
) -> RateSensitivity:
    """Correlation and beta of asset returns with yield changes, full sample and rolling.

    Parameters
    ----------
    prices
        Asset levels (columns = assets); returns are formed on the dates where the yield exists
        too, so a missing yield day lengthens both the return and the change alike.
    yields
        Yield levels (e.g. ``FRED:DGS10``).
    freq
        ``"D"`` daily or ``"W"`` weekly (Friday to Friday).
    window
        Rolling window in observations; 252 daily / 52 weekly when None.
    units
        Units of ``yields``.
    start, end
        Date window applied to the returns.
    """
    rets, dy = _aligned(prices, yields, freq, units)
    if start is not None:
        rets, dy = rets[rets.index >= pd.Timestamp(start)], dy[dy.index >= pd.Timestamp(start)]
    if end is not None:
        rets, dy = rets[rets.index <= pd.Timestamp(end)], dy[dy.index <= pd.Timestamp(end)]
    win = window if window is not None else (252 if freq == "D" else 52)
    rows = {}
    rc: dict[str, pd.Series] = {}
    rb: dict[str, pd.Series] = {}
    for col in rets.columns:
        pair = pd.concat([rets[col], dy], axis=1).dropna()
        r, d = pair.iloc[:, 0], pair.iloc[:, 1]
        var = float(d.var())
        beta = float(r.cov(d) / var) if var > 0 else float("nan")
        rows[str(col)] = {
            "n": len(pair),
            "correlation": float(r.corr(d)) if len(pair) > 2 else float("nan"),
            "beta": beta,
            "beta_per_100bp": beta * 0.01,
            "start": pair.index[0] if len(pair) else pd.NaT,
            "end": pair.index[-1] if len(pair) else pd.NaT,
        }
        rc[str(col)] = r.rolling(win).corr(d)
        rb[str(col)] = r.rolling(win).cov(d) / d.rolling(win).var()
    table = pd.DataFrame(rows).T
    table["n"] = table["n"].astype("int64")
    for c in ("correlation", "beta", "beta_per_100bp"):
        table[c] = table[c].astype("float64")
    table.index.name = "asset"
    return RateSensitivity(
        table,
        pd.DataFrame(rc).dropna(how="all"),
        pd.DataFrame(rb).dropna(how="all"),
        freq,
        win,
    )


def rate_regimes(
    prices: pd.DataFrame | pd.Series,
    yields: pd.Series,
    *,
    freq: Literal["W", "M", "Q"] = "M",
    threshold: float = 0.0,
    units: YieldUnits = "percent",
    relative: tuple[str, str] | None = None,
    reps: int = 1000,
    seed: int = 0,
) -> pd.DataFrame:
    """Asset returns per period, split by whether the yield rose or fell over the period.

    Parameters
    ----------
    prices
        Asset levels (columns = assets).
    yields
        Yield levels.
    freq
        Period: weeks ending Friday, months or quarters (last common observation of each period).
    threshold
        Decimal change separating ``rising`` (> threshold) and ``falling`` (< -threshold);
        anything in between is ``flat``.
    relative
        ``(a, b)``: add the relative return ``(1 + r_a) / (1 + r_b) - 1`` as an asset ``a/b``.

    Returns
    -------
    pandas.DataFrame
        Index (asset, regime); columns of :func:`~sizeup.analytics.stats.stats_table`.
    """
    px = _levels_frame(prices)
    y = _to_decimal(yields, units, "yields")
    both = px.join(y.rename("__yield__"), how="inner").dropna(subset=["__yield__"])
    rule = {"W": "W-FRI", "M": "ME", "Q": "QE"}.get(freq)
    if rule is None:
        raise DataError(f"rate_regimes: freq must be 'W', 'M' or 'Q', got {freq!r}")
    per = both.resample(rule).last().dropna(how="all")
    rets = per.drop(columns="__yield__").pct_change(fill_method=None).iloc[1:]
    dy = per["__yield__"].diff().iloc[1:]
    if relative is not None:
        a, b = relative
        if a not in rets.columns or b not in rets.columns:
            raise DataError(
                f"rate_regimes: relative pair {relative} not among assets {list(rets.columns)}"
            )
        rets[f"{a}/{b}"] = (1.0 + rets[a]) / (1.0 + rets[b]) - 1.0
    regime = pd.Series(
        np.where(dy > threshold, "rising", np.where(dy < -threshold, "falling", "flat")),
        index=dy.index,
    )
    frames = []
    for col in rets.columns:
        rows: dict[str, SampleStats] = {}
        for reg in ("rising", "falling", "flat"):
            sub = rets.loc[regime == reg, col].dropna()
            if len(sub):
                rows[reg] = sample_stats(sub, reps=reps, seed=seed)
        t = stats_table(rows)
        t.index = pd.MultiIndex.from_product([[str(col)], t.index], names=["asset", "regime"])
        frames.append(t)
    return pd.concat(frames)


def cutting_cycles(
    fed_funds: pd.Series,
    *,
    reversal: float = 0.005,
    min_decline: float = 0.0075,
    cut_step: float = 0.0015,
    units: YieldUnits = "percent",
) -> pd.DataFrame:
    """Easing cycles of a policy-rate series by the zig-zag rule in the module notes.

    Parameters
    ----------
    fed_funds
        Effective fed funds rate (``FRED:FEDFUNDS`` monthly or ``FRED:DFF`` daily).
    reversal
        Decimal move off the running extreme that confirms a turn (0.005 = 50 bp).
    min_decline
        Minimum peak-to-trough decline (decimal) of a cutting cycle.
    cut_step
        Decline below the peak (decimal) that dates ``first_cut``.
    units
        Units of ``fed_funds``.

    Returns
    -------
    pandas.DataFrame
        One row per cycle: ``peak_date``, ``first_cut``, ``trough_date``, ``peak``, ``trough``,
        ``decline`` (decimal, positive) and ``ongoing`` (True when the series ends before the
        rate has risen ``reversal`` off the trough).
    """
    if reversal <= 0 or min_decline <= 0:
        raise DataError(
            f"cutting_cycles: reversal and min_decline must be > 0, got {reversal}, {min_decline}"
        )
    r = _to_decimal(fed_funds, units, "fed_funds")
    values = r.to_numpy()
    dates = r.index
    legs: list[dict[str, object]] = []
    going_down = False
    peak_i = 0
    trough_i = 0
    tol = 1e-12
    for i in range(1, len(values)):
        v = values[i]
        if not going_down:
            if v >= values[peak_i] - tol:
                peak_i = i  # the last date at (or above) the running peak
            elif v <= values[peak_i] - reversal + tol:
                going_down, trough_i = True, i
        elif v < values[trough_i] - tol:
            trough_i = i
        elif v >= values[trough_i] + reversal - tol:
            legs.append({"peak_i": peak_i, "trough_i": trough_i, "ongoing": False})
            going_down, peak_i = False, i
    if going_down:
        legs.append({"peak_i": peak_i, "trough_i": trough_i, "ongoing": True})
    rows = []
    for leg in legs:
        p_i = int(leg["peak_i"])  # type: ignore[call-overload]
        t_i = int(leg["trough_i"])  # type: ignore[call-overload]
        decline = float(values[p_i] - values[t_i])
        if decline < min_decline - tol:
            continue
        below = np.nonzero(values[p_i + 1 : t_i + 1] <= values[p_i] - cut_step + tol)[0]
        cut_i = p_i + 1 + int(below[0]) if below.size else t_i
        rows.append(
            {
                "peak_date": dates[p_i],
                "first_cut": dates[cut_i],
                "trough_date": dates[t_i],
                "peak": float(values[p_i]),
                "trough": float(values[t_i]),
                "decline": decline,
                "ongoing": bool(leg["ongoing"]),
            }
        )
    return pd.DataFrame(
        rows,
        columns=["peak_date", "first_cut", "trough_date", "peak", "trough", "decline", "ongoing"],
    )


def cumulative_change(
    series: pd.Series,
    since: str | pd.Timestamp,
    *,
    asof: str | pd.Timestamp | None = None,
    units: YieldUnits = "percent",
) -> float:
    """Change of a rate from ``since`` to ``asof`` (decimal; 0.01 = 100 bp).

    Each end uses the last observation on or before its date.

    Raises
    ------
    DataError
        If the series has no observation on or before ``since`` or ``asof``.
    """
    s = _to_decimal(series, units, "series")
    t0 = pd.Timestamp(since)
    t1 = s.index[-1] if asof is None else pd.Timestamp(asof)
    before0 = s[s.index <= t0]
    before1 = s[s.index <= t1]
    if before0.empty or before1.empty:
        raise DataError(
            f"cumulative_change: series {series.name!r} starts {s.index[0]:%Y-%m-%d}, "
            f"after the requested date {min(t0, t1):%Y-%m-%d}"
        )
    return float(before1.iloc[-1] - before0.iloc[-1])
