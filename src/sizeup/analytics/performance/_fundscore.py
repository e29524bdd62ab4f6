"""OpenFundScore (OFS): sizeup's open 19-input fund score (docs/methods.md §F1–§F3, F10–F12).

This is **sizeup's open score**, built from published descriptions of what such a score
contains (trend, market RS, peer RS; 19 inputs; 0–6). It is *not* any vendor's proprietary fund
score and must never be presented as one.

Inputs ``x_i`` in [0, 1] and weights ``w_i`` (segment sums 2, 2, 2)::

    Trend      1 PF_d trend POS .60   2 PF_d buy .40   3 PF_d column X .20   4 C > SMA50 .20
               5 C > SMA150 .20       6 SMA50 > SMA200 .20                   7 PF_s trend POS .20
    Market RS  8 RSM65 buy .60        9 RSM65 X .40    10 RSM325 buy .30     11 RSM325 X .20
               12 RS_t/RS_{t-126} > 1 .25              13 RS_t/RS_{t-252} > 1 .25
    Peer RS    14 RSP65 buy .60       15 RSP65 X .40   16 RSP325 buy .30     17 RSP325 X .20
               18 pct_6m .25          19 pct_12-1m .25

``PF_d`` = traditional scale, high/low method when highs/lows are given (else close), 3-box;
``PF_s`` = 1 % percentage scale, same method; ``RSM65/RSM325`` = RS chart of fund / market
benchmark (total return) on 6.5 % / 3.25 % boxes, close method, 3-box; ``RSP*`` = the same versus
the peer benchmark, the equal-weighted total-return index of the peer group (daily rebalanced
mean of the peers' daily returns). ``pct_k`` = cross-sectional percentile of the k-month total
return within the peer group: ``(#peers below + 0.5 * #ties) / (n - 1)`` (0 = worst, 1 = best);
6 months = 126 sessions, 12-1 months = the return from t-252 to t-21.

An input that cannot be computed yet (no P&F signal, short history) contributes 0 and is counted
in ``missing``. ``OFS_dir = OFS_t - OFS_{t-126}`` (and the 21-day change); the gap between two
funds ``gap_t = OFS_B - OFS_A`` with the date it was last at most this small.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd

from sizeup.analytics.breadth._breadth import _day
from sizeup.analytics.performance._streaks import record_since_index
from sizeup.analytics.pnf import (
    RS_BOX_DEFAULT,
    RS_BOX_HALF,
    PercentScale,
    pnf_chart,
    relative_strength_chart,
)
from sizeup.errors import DataError
from sizeup.types import DateLike

__all__ = [
    "OFS_INPUTS",
    "OFS_LABEL",
    "FundScore",
    "FundScoreGap",
    "fund_score_gap",
    "open_fund_score",
    "peer_index",
    "peer_percentile",
]

OFS_LABEL: Final = "OpenFundScore (sizeup's open score; not a vendor fund score)"

OFS_INPUTS: Final[tuple[tuple[str, str, float], ...]] = (
    ("pf_trend_pos", "T", 0.60),
    ("pf_buy", "T", 0.40),
    ("pf_col_x", "T", 0.20),
    ("c_gt_sma50", "T", 0.20),
    ("c_gt_sma150", "T", 0.20),
    ("sma50_gt_sma200", "T", 0.20),
    ("pfs_trend_pos", "T", 0.20),
    ("rsm65_buy", "M", 0.60),
    ("rsm65_x", "M", 0.40),
    ("rsm325_buy", "M", 0.30),
    ("rsm325_x", "M", 0.20),
    ("rs_up_126", "M", 0.25),
    ("rs_up_252", "M", 0.25),
    ("rsp65_buy", "P", 0.60),
    ("rsp65_x", "P", 0.40),
    ("rsp325_buy", "P", 0.30),
    ("rsp325_x", "P", 0.20),
    ("pct_6m", "P", 0.25),
    ("pct_12_1m", "P", 0.25),
)
"""(name, segment, weight) of the 19 inputs, in the order of docs/methods.md §F1–§F3."""


def peer_index(prices: pd.DataFrame) -> pd.Series:
    """Equal-weighted total-return index of the columns (daily rebalanced), starting at 100.

    Each day's return is the mean of the daily returns of the columns that have a close on that
    day and the day before; days where none has both are flat.
    """
    rets = prices.where(prices > 0).pct_change(fill_method=None)
    mean = rets.mean(axis=1, skipna=True).fillna(0.0)
    return 100.0 * (1.0 + mean).cumprod()


def peer_percentile(returns: pd.DataFrame) -> pd.DataFrame:
    """Cross-sectional percentile per row: ``(#below + 0.5 * #ties) / (n - 1)`` over non-NaN.

    Rows with fewer than two values give NaN.
    """
    v = returns.to_numpy(dtype=float)
    fin = np.isfinite(v)
    n = fin.sum(axis=1)
    below = np.zeros_like(v)
    ties = np.zeros_like(v)
    for j in range(v.shape[1]):  # loop over the (few) peers, vectorised over days
        col = v[:, j : j + 1]
        with np.errstate(invalid="ignore"):
            below[:, j] = np.sum(fin & (v < col), axis=1)
            ties[:, j] = np.sum(fin & (v == col), axis=1) - 1
    with np.errstate(invalid="ignore", divide="ignore"):
        pct = (below + 0.5 * ties) / (n[:, None] - 1)
    pct[~fin | (n[:, None] < 2)] = np.nan
    return pd.DataFrame(pct, index=returns.index, columns=returns.columns)


@dataclass(frozen=True)
class FundScore:
    """OpenFundScore history of one fund.

    Attributes
    ----------
    fund, market, peers
        The fund, the market benchmark and the peer group.
    frame
        Per day: the 19 inputs, ``T``, ``M``, ``P`` (0–2 each), ``ofs`` (0–6), ``dir_126``,
        ``dir_21``, ``missing`` (inputs not computable yet).
    label
        Always :data:`OFS_LABEL`.
    """

    fund: str
    market: str
    peers: tuple[str, ...]
    frame: pd.DataFrame = field(repr=False)
    label: str = OFS_LABEL

    def latest(self, asof: DateLike | None = None) -> pd.Series:
        """Return the row of the last date on or before ``asof``."""
        f = self.frame if asof is None else self.frame.loc[: pd.Timestamp(asof)]
        if f.empty:
            raise DataError(f"no OpenFundScore for {self.fund} on or before {asof}")
        return f.iloc[-1]

    def summary(self) -> str:
        """One line with score, subtotals and direction."""
        r = self.latest()
        return (
            f"{self.fund} {self.label}: {r['ofs']:.2f} / 6 on {_day(r.name)} "
            f"(trend {r['T']:.2f}, market RS vs {self.market} {r['M']:.2f}, peer RS {r['P']:.2f}; "
            f"126-day direction {r['dir_126']:+.2f}; {int(r['missing'])} inputs missing)"
        )

    def __repr__(self) -> str:
        return self.summary()


def _chart_states(chart_dates: pd.DatetimeIndex, arr: np.ndarray, index: pd.Index) -> pd.Series:
    return pd.Series(arr, index=chart_dates).reindex(index)


def open_fund_score(
    prices: pd.DataFrame,
    fund: str,
    *,
    market: str,
    peers: Sequence[str],
    high: pd.Series | None = None,
    low: pd.Series | None = None,
    start: DateLike | None = None,
    asof: DateLike | None = None,
) -> FundScore:
    """OpenFundScore of ``fund`` per day (docs/methods.md §F1–§F3).

    Parameters
    ----------
    prices
        Dates x symbols total-return closes; must hold ``fund``, ``market`` and the peers.
    fund
        The fund to score.
    market
        Market benchmark column (RSP = S&P 500 equal weight TR, per §3).
    peers
        The peer group (the fund may be in it); at least two columns with data make the
        percentile inputs defined.
    high, low
        The fund's (adjusted) highs and lows for the high/low price charts; close method
        otherwise.
    start, asof
        Chart start and last date.

    Raises
    ------
    DataError
        A required column is missing or the fund has no data.
    """
    need = [fund, market, *peers]
    missing_cols = [c for c in need if c not in prices.columns]
    if missing_cols:
        raise DataError(
            f"open_fund_score needs columns {missing_cols}; prices has {list(prices.columns)}"
        )
    px = prices.loc[:, list(dict.fromkeys(need))]
    if start is not None:
        px = px.loc[pd.Timestamp(start) :]
    if asof is not None:
        px = px.loc[: pd.Timestamp(asof)]
    c = px[fund].where(px[fund] > 0)
    if c.dropna().empty:
        raise DataError(f"fund {fund!r} has no positive closes in the range")
    idx = c.dropna().index
    c = c.reindex(idx)
    if high is not None and low is not None:
        bars = pd.DataFrame({"high": high, "low": low, "close": c}).reindex(idx)
        src: pd.DataFrame | pd.Series = bars
    else:
        src = c
    x: dict[str, pd.Series] = {}
    pf_d = pnf_chart(src, box="traditional")
    pf_s = pnf_chart(src, box=PercentScale(0.01))
    x["pf_trend_pos"] = _chart_states(pf_d.dates, pf_d.bar_trend == 1, idx)
    x["pf_buy"] = _chart_states(pf_d.dates, pf_d.bar_signal == 1, idx)
    x["pf_col_x"] = _chart_states(pf_d.dates, pf_d.bar_direction == 1, idx)
    sma = {n: c.rolling(n, min_periods=n).mean() for n in (50, 150, 200)}
    x["c_gt_sma50"] = (c > sma[50]).where(sma[50].notna())
    x["c_gt_sma150"] = (c > sma[150]).where(sma[150].notna())
    x["sma50_gt_sma200"] = (sma[50] > sma[200]).where(sma[200].notna())
    x["pfs_trend_pos"] = _chart_states(pf_s.dates, pf_s.bar_trend == 1, idx)
    undefined = {
        "pf_trend_pos": _chart_states(pf_d.dates, pf_d.bar_trend == 0, idx),
        "pf_buy": _chart_states(pf_d.dates, pf_d.bar_signal == 0, idx),
        "pf_col_x": _chart_states(pf_d.dates, pf_d.bar_direction == 0, idx),
        "pfs_trend_pos": _chart_states(pf_s.dates, pf_s.bar_trend == 0, idx),
    }
    bench = {"m": px[market].reindex(idx), "p": peer_index(px[list(peers)]).reindex(idx)}
    for key, b in bench.items():
        for box, tag in ((RS_BOX_DEFAULT, "65"), (RS_BOX_HALF, "325")):
            name = f"rs{key}{tag}"
            try:
                rs = relative_strength_chart(c, b, box_pct=box)
            except DataError:
                x[f"{name}_buy"] = pd.Series(np.nan, index=idx)
                x[f"{name}_x"] = pd.Series(np.nan, index=idx)
                continue
            x[f"{name}_buy"] = _chart_states(rs.dates, rs.bar_signal == 1, idx)
            x[f"{name}_x"] = _chart_states(rs.dates, rs.bar_direction == 1, idx)
            undefined[f"{name}_buy"] = _chart_states(rs.dates, rs.bar_signal == 0, idx)
            undefined[f"{name}_x"] = _chart_states(rs.dates, rs.bar_direction == 0, idx)
    ratio = c / bench["m"]
    for n in (126, 252):
        prev = ratio.shift(n)
        x[f"rs_up_{n}"] = (ratio / prev > 1).where(prev.notna() & ratio.notna())
    peer_px = px[list(peers)].reindex(idx)
    pct6 = peer_percentile(peer_px / peer_px.shift(126) - 1.0)
    pct12 = peer_percentile(peer_px.shift(21) / peer_px.shift(252) - 1.0)
    x["pct_6m"] = pct6[fund] if fund in pct6.columns else pd.Series(np.nan, index=idx)
    x["pct_12_1m"] = pct12[fund] if fund in pct12.columns else pd.Series(np.nan, index=idx)
    frame = pd.DataFrame(index=idx)
    missing = np.zeros(len(idx), dtype=np.int64)
    seg = {"T": np.zeros(len(idx)), "M": np.zeros(len(idx)), "P": np.zeros(len(idx))}
    for name, segment, w in OFS_INPUTS:
        raw = x[name].astype(float)
        und = undefined.get(name)
        if und is not None:
            raw = raw.where(~und.fillna(True).astype(bool))
        frame[name] = raw
        missing += raw.isna().to_numpy()
        seg[segment] += w * raw.fillna(0.0).to_numpy()
    for s, v in seg.items():
        frame[s] = v
    frame["ofs"] = frame["T"] + frame["M"] + frame["P"]
    frame["dir_126"] = frame["ofs"] - frame["ofs"].shift(126)
    frame["dir_21"] = frame["ofs"] - frame["ofs"].shift(21)
    frame["missing"] = missing
    return FundScore(fund, market, tuple(peers), frame)


@dataclass(frozen=True)
class FundScoreGap:
    """Gap ``OFS_B - OFS_A`` between two funds and when it was last this small (F12).

    Attributes
    ----------
    a, b
        Funds (``gap = OFS_b - OFS_a``).
    frame
        Per day: ``ofs_a``, ``ofs_b``, ``gap``, ``smallest_since`` (last earlier date with
        ``gap <=`` today's; NaT if never), ``days_since`` (sessions since then).
    """

    a: str
    b: str
    frame: pd.DataFrame = field(repr=False)

    def summary(self) -> str:
        """One line, e.g. "IWM within 0.75 of IVV, smallest gap since 2023-02-02"."""
        r = self.frame.dropna(subset=["gap"]).iloc[-1]
        since = r["smallest_since"]
        when = "the smallest on record" if pd.isna(since) else f"smallest since {since.date()}"
        return f"{OFS_LABEL}: {self.b} - {self.a} = {r['gap']:.2f} on {_day(r.name)} ({when})"

    def __repr__(self) -> str:
        return self.summary()


def fund_score_gap(score_a: FundScore, score_b: FundScore) -> FundScoreGap:
    """Gap between two funds' OpenFundScores and the date it was last at most this small."""
    frame = pd.DataFrame({"ofs_a": score_a.frame["ofs"], "ofs_b": score_b.frame["ofs"]}).dropna()
    frame["gap"] = frame["ofs_b"] - frame["ofs_a"]
    prev = record_since_index(frame["gap"].to_numpy(), mode="min")
    dates = frame.index
    frame["smallest_since"] = pd.DatetimeIndex([dates[j] if j >= 0 else pd.NaT for j in prev])
    pos = np.arange(len(frame))
    frame["days_since"] = np.where(prev >= 0, pos - prev, np.nan)
    return FundScoreGap(score_a.fund, score_b.fund, frame)
