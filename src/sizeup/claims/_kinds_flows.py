"""Claim kind ``fund_flow``: a fund's net flow over a window (pure; no I/O).

"IWM took in about $2 billion in the last month", measured as :mod:`sizeup.analytics.flows`
defines it.

Parameters: ``fund`` (ticker), ``window`` (``day``, ``week``, ``month``, ``quarter``, ``year``:
the trailing calendar window ending at ``end``; ``day`` is the last interval between two
observations), ``start`` (overrides ``window``: the window is ``(start, end]``), ``end``
(default: ``asof``, else the last observation). The stated figure is in dollars (``2e9``);
inflows are positive, outflows negative.

The flow of the window is the sum of the flows of the intervals between shares-outstanding
observations that end in the window; an interval spanning the window's start (a gap) counts
whole and the detail names the span actually measured. Each interval is priced at the NAV of
its later day, else that day's close (``prices(fund, "close")``); splits are detected from the
share and NAV ratios (the claim data carry no split actions).
"""

from __future__ import annotations

import pandas as pd

from sizeup.analytics.flows import NAV_SUFFIX, SHARES_SUFFIX, interval_flows, window_flow
from sizeup.claims._common import MissingDataError, cover, end_of, series
from sizeup.claims._model import Claim, ClaimData
from sizeup.errors import SizeupError

__all__ = ["WINDOWS", "fund_flow"]

WINDOWS: dict[str, pd.DateOffset] = {
    "week": pd.DateOffset(weeks=1),
    "month": pd.DateOffset(months=1),
    "quarter": pd.DateOffset(months=3),
    "year": pd.DateOffset(years=1),
}
"""Trailing windows of ``fund_flow`` (``day`` is the last interval)."""


def _optional(data: ClaimData, claim: Claim, sid: str) -> pd.Series | None:
    try:
        return series(claim, data, [sid])[sid].dropna()
    except MissingDataError:
        return None


def _money(value: float) -> str:
    a = abs(value)
    sign = "-" if value < 0 else "+"
    if a >= 1e9:
        return f"{sign}${a / 1e9:,.2f} bn"
    return f"{sign}${a / 1e6:,.1f} m"


def fund_flow(claim: Claim, data: ClaimData) -> tuple[float, str]:
    """Measure a fund's net flow (dollars) over the claim's window."""
    p = claim.params
    fund = str(p["fund"]).strip().upper()
    sid = f"{fund}{SHARES_SUFFIX}"
    shares = series(claim, data, [sid])[sid].dropna()
    if claim.asof is not None:
        shares = shares.loc[: claim.asof]
    end = end_of(claim, shares)
    cover(shares, end, f"series {sid}")
    shares = shares.loc[:end]
    nav = _optional(data, claim, f"{fund}{NAV_SUFFIX}")
    close = None
    if nav is None or len(shares.index[1:].difference(nav.index)):
        try:
            px = data.prices([fund], field="close")
            close = px[fund].dropna() if fund in px else None
        except SizeupError:
            close = None
    flows = interval_flows(shares, nav, close=close)
    if flows.empty:
        raise MissingDataError(f"two observations of series {sid} on or before {end:%Y-%m-%d}")
    if p["start"] is not None:
        start = pd.Timestamp(p["start"])
    elif p["window"] == "day":
        start = pd.Timestamp(flows["start"].iloc[-1])
    else:
        start = pd.Timestamp(end - WINDOWS[str(p["window"])])
    total, first, last, gaps = window_flow(flows, start, end)
    inside = flows[(flows["end"] > start) & (flows["end"] <= end)]
    if inside["flow"].isna().any():
        day = pd.Timestamp(inside.loc[inside["flow"].isna(), "end"].iloc[0])
        raise MissingDataError(f"NAV or close of {fund} on {day:%Y-%m-%d}")
    closes = int((inside["price_kind"] == "close").sum())
    splits = int((inside["split_how"] != "").sum())
    detail = (
        f"{fund} net flow {first:%Y-%m-%d}..{last:%Y-%m-%d}: {_money(total)} over "
        f"{len(inside)} interval(s) of shares outstanding x NAV of the later day"
    )
    if first < start:
        detail += f" (a gap before {start:%Y-%m-%d} counts whole, from {first:%Y-%m-%d})"
    if gaps:
        detail += f"; {gaps} gap(s), each one figure"
    if closes:
        detail += f"; {closes} priced at the close (no NAV)"
    if splits:
        detail += f"; {splits} split(s) taken out"
    return total, detail
