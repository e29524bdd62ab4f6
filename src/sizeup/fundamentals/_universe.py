"""Universe-level fundamentals reports: unprofitable share, coverage, leverage, refinancing wall.

Definitions (docs/methods.md §D2–§D5, F29/F30):

* unprofitable = TTM (or fiscal-year) net income < 0; the share is count-weighted over the
  members with a known net income, and cap-weighted over those with a market cap too.
* coverage = EBIT / interest expense, leverage = net debt / EBITDA (see
  :mod:`sizeup.fundamentals._metrics`); reported as quantiles and bucket shares.
* refinancing wall = the sum over members of the latest reported principal maturities: the
  "next twelve months" bucket is assigned to the year that holds the balance-sheet date plus
  one year's midpoint, i.e. calendar year of (period_end + 6 months), and year *k* to that year
  + *k* − 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sizeup.fundamentals._metrics import compute_metrics, tidy_prices
from sizeup.fundamentals._normalize import known_as_of
from sizeup.types import DateLike

__all__ = ["UniverseReport", "universe_report", "unprofitable_by_fiscal_year"]

_MATURITY_ITEMS = ("debt_due_12m", "debt_due_y2", "debt_due_y3", "debt_due_y4", "debt_due_y5")


def _price_at(prices: pd.DataFrame, keys: pd.DataFrame, *, window_days: int = 10) -> pd.Series:
    """Close on or before each (symbol, date) row of ``keys`` within a window; NaN otherwise."""
    if prices.empty or keys.empty:
        return pd.Series(np.nan, index=keys.index)
    left = keys[["symbol", "date"]].copy()
    left["symbol"] = left["symbol"].astype(str)
    left["_row"] = np.arange(len(left))
    left = left.sort_values("date", kind="mergesort")
    right = prices.sort_values("date", kind="mergesort").rename(columns={"date": "px_date"})
    right["date"] = right["px_date"]
    right["symbol"] = right["symbol"].astype(str)
    joined = pd.merge_asof(left, right, on="date", by="symbol", direction="backward")
    stale = (joined["date"] - joined["px_date"]).dt.days > window_days
    joined.loc[stale, "close"] = np.nan
    joined = joined.sort_values("_row")
    return pd.Series(joined["close"].to_numpy(), index=keys.index)


def unprofitable_by_fiscal_year(
    items: pd.DataFrame,
    members: Sequence[str],
    *,
    prices: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """Share of members with fiscal-year net income < 0, per fiscal year.

    Parameters
    ----------
    items
        Standard items (:func:`sizeup.fundamentals.normalize`); fiscal-year (``FY``) rows of
        ``net_income`` and share counts are used, latest vintage.
    members
        The universe (e.g. current IWM members).
    prices
        Closes (tidy or wide) for the cap-weighted share: market cap at the fiscal year end =
        close within 10 days before it × shares at that date.

    Returns
    -------
    pandas.DataFrame
        fiscal_year (calendar year of the fiscal year end), members, with_data, coverage
        (with_data / members), unprofitable, share (count-weighted), with_cap, cap_share
        (cap-weighted over names with a market cap).
    """
    wanted = set(members)
    ni = items[(items["item"] == "net_income") & (items["span"] == "FY")]
    ni = (
        ni[ni["symbol"].isin(wanted)]
        .sort_values("filed")
        .drop_duplicates(["symbol", "period_end"], keep="last")
    )
    ni = ni.assign(fiscal_year=ni["period_end"].dt.year)
    # one fiscal year per symbol and calendar year (the later end if a company changed FYE)
    ni = ni.sort_values("period_end").drop_duplicates(["symbol", "fiscal_year"], keep="last")
    sh = items[(items["item"] == "shares") & (items["span"] == "I")]
    sh = sh.sort_values("filed").drop_duplicates(["symbol", "period_end"], keep="last")
    ni = ni.merge(
        sh[["symbol", "period_end", "value"]].rename(columns={"value": "shares"}),
        on=["symbol", "period_end"],
        how="left",
    )
    px = tidy_prices(prices)
    ni["close"] = _price_at(px, ni.rename(columns={"period_end": "date"}))
    ni["cap"] = ni["close"] * ni["shares"]
    ni.loc[~(ni["cap"] > 0), "cap"] = np.nan
    rows = []
    for year, g in ni.groupby("fiscal_year"):
        loss = g["value"] < 0
        capped = g["cap"].notna()
        cap_total = g.loc[capped, "cap"].sum()
        rows.append(
            {
                "fiscal_year": int(str(year)),
                "members": len(wanted),
                "with_data": len(g),
                "coverage": len(g) / len(wanted) if wanted else np.nan,
                "unprofitable": int(loss.sum()),
                "share": float(loss.mean()) if len(g) else np.nan,
                "with_cap": int(capped.sum()),
                "cap_share": float(g.loc[capped & loss, "cap"].sum() / cap_total)
                if cap_total > 0
                else np.nan,
            }
        )
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class UniverseReport:
    """Fundamentals of a universe at a date.

    Attributes
    ----------
    unprofitable
        Count- and cap-weighted share of TTM net income < 0 with the counts behind them.
    coverage
        Quantiles of EBIT / interest and the share of names below 1 and 3.
    leverage
        Quantiles of net debt / EBITDA and the share above 3 (EBITDA <= 0 counts as above).
    wall
        Aggregate principal maturities by calendar year (USD) and the number of names
        reporting a schedule.
    notes
        Coverage and survivorship notes.
    """

    as_of: pd.Timestamp
    members: int
    unprofitable: dict[str, float]
    coverage: dict[str, float]
    leverage: dict[str, float]
    wall: pd.DataFrame = field(repr=False)
    notes: tuple[str, ...] = ()

    def summary(self) -> str:
        """Plain-text report."""
        u = self.unprofitable
        lines = [
            f"universe of {self.members} names as of {self.as_of.date()}",
            f"unprofitable (TTM net income < 0): {u['share']:.1%} of {int(u['with_data'])} "
            f"names with data; cap-weighted {u['cap_share']:.1%} of {int(u['with_cap'])} "
            "with a market cap",
            "EBIT/interest: " + ", ".join(f"{k} {v:.3g}" for k, v in self.coverage.items()),
            "net debt/EBITDA: " + ", ".join(f"{k} {v:.3g}" for k, v in self.leverage.items()),
        ]
        if self.wall.empty:
            lines.append("refinancing wall: no maturity schedules in the data")
        else:
            for r in self.wall.to_dict("records"):
                amount = float(r["amount"]) / 1e9
                lines.append(f"  matures {r['year']}: {amount:,.2f} bn USD ({r['names']} names)")
        lines.extend(self.notes)
        return "\n".join(lines)


def _quantiles(values: pd.Series, prefix: str) -> dict[str, float]:
    v = values.dropna()
    finite = v[np.isfinite(v)]
    out = {"n": float(len(v))}
    for q in (0.1, 0.25, 0.5, 0.75, 0.9):
        out[f"p{int(q * 100)}"] = (
            float(v.quantile(q, interpolation="nearest")) if len(v) else np.nan
        )
    out["finite_n"] = float(len(finite))
    return {f"{prefix}{k}" if prefix else k: x for k, x in out.items()}


def universe_report(
    items: pd.DataFrame,
    members: Sequence[str],
    *,
    as_of: DateLike,
    prices: pd.DataFrame | None = None,
    notes: Sequence[str] = (),
) -> UniverseReport:
    """Unprofitable share, coverage and leverage distributions and refinancing wall.

    Parameters
    ----------
    items
        Standard items.
    members
        Universe symbols.
    as_of
        Date; only filings up to it.
    prices
        Closes for cap weights.
    notes
        Notes to carry (survivorship, provenance).
    """
    when = pd.Timestamp(as_of)
    wanted = sorted(set(members))
    m = compute_metrics(items, as_of=when, prices=prices, symbols=wanted)
    ni = m["net_income_ttm"]
    has = ni.notna()
    loss = ni < 0
    cap = m["market_cap"].where(m["market_cap"] > 0)
    capped = has & cap.notna()
    cap_total = cap[capped].sum()
    unprof = {
        "members": float(len(wanted)),
        "with_data": float(has.sum()),
        "unprofitable": float((loss & has).sum()),
        "share": float(loss[has].mean()) if has.any() else np.nan,
        "with_cap": float(capped.sum()),
        "cap_share": float(cap[capped & loss].sum() / cap_total) if cap_total > 0 else np.nan,
    }
    cov = m["interest_coverage"]
    cov_stats = _quantiles(cov, "")
    cov_stats["share_lt_1"] = float((cov.dropna() < 1).mean()) if cov.notna().any() else np.nan
    cov_stats["share_lt_3"] = float((cov.dropna() < 3).mean()) if cov.notna().any() else np.nan
    lev = m["net_debt_to_ebitda"]
    lev_stats = _quantiles(lev, "")
    lev_stats["share_gt_3"] = float((lev.dropna() > 3).mean()) if lev.notna().any() else np.nan
    # refinancing wall from the latest maturity schedule of each member
    known = known_as_of(items[items["symbol"].isin(wanted)], when)
    sched = known[known["item"].isin(_MATURITY_ITEMS) & (known["span"] == "I")]
    sched = sched[sched["period_end"] > when - pd.Timedelta(days=470)]
    latest = sched.groupby("symbol")["period_end"].transform("max")
    sched = sched[sched["period_end"] == latest]
    if sched.empty:
        wall = pd.DataFrame(columns=["year", "amount", "names"])
    else:
        k = sched["item"].map({n: i for i, n in enumerate(_MATURITY_ITEMS)})
        base = (sched["period_end"] + pd.DateOffset(months=6)).dt.year
        sched = sched.assign(year=base + k)
        wall = (
            sched.groupby("year")
            .agg(amount=("value", "sum"), names=("symbol", "nunique"))
            .reset_index()
        )
    all_notes = list(notes)
    all_notes.append(
        f"data coverage: net income known for {int(has.sum())} of {len(wanted)} members, "
        f"coverage ratio for {int(cov.notna().sum())}, leverage for {int(lev.notna().sum())}, "
        f"maturity schedules for {sched['symbol'].nunique() if not sched.empty else 0}"
    )
    return UniverseReport(when, len(wanted), unprof, cov_stats, lev_stats, wall, tuple(all_notes))
