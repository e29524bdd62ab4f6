"""Data-quality checks on normalised fundamentals: implausible company-years are flagged.

Filings and bulk files carry errors a screen must not rank: a scale slip (a value reported in
thousands read as units), a share count in the wrong unit, a sign error. A company-year is
*flagged* when

=====================  ====================================================================
``income_vs_revenue``  fiscal-year net income > :data:`MAX_INCOME_TO_REVENUE` x revenue with
                       both positive (losses many times revenue are normal for early-stage
                       companies and are not flagged)
``shares_jump``        a share count (instant) differs from the previous one of the same
                       company by more than a factor :data:`MAX_SHARES_JUMP` either way
                       (splits are at most 1:20 / 20:1 in practice)
=====================  ====================================================================

A flag is point in time: it is known from the filing date of the later of the values involved.
:meth:`QualityReport.excluded_at` names the companies whose *current* fiscal year (the latest
period known at a date, and the year before its end) is flagged; screens and universe shares
drop them unless asked to keep them, and say how many and why.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import pandas as pd

from sizeup.types import DateLike

__all__ = ["MAX_INCOME_TO_REVENUE", "MAX_SHARES_JUMP", "QualityReport", "quality_report"]

MAX_INCOME_TO_REVENUE: Final = 5.0
"""Net income above this multiple of (positive) revenue is implausible."""

MAX_SHARES_JUMP: Final = 20.0
"""A share count changing by more than this factor between two reports is implausible."""

_COLUMNS: Final = ("symbol", "period_end", "filed", "check", "detail")
_CURRENT_YEAR_DAYS: Final = 330  # the previous fiscal year end (~365 days back) is not current


def _latest(items: pd.DataFrame, item: str, span: str) -> pd.DataFrame:
    rows = items[(items["item"] == item) & (items["span"] == span)]
    rows = rows.sort_values("filed", kind="mergesort")
    return rows.drop_duplicates(["symbol", "period_end"], keep="last")


def _income_vs_revenue(items: pd.DataFrame) -> pd.DataFrame:
    ni = _latest(items, "net_income", "FY")[["symbol", "period_end", "filed", "value"]]
    rev = _latest(items, "revenue", "FY")[["symbol", "period_end", "filed", "value"]]
    both = ni.merge(rev, on=["symbol", "period_end"], suffixes=("_ni", "_rev"))
    # revenue > 0 and net income above a positive multiple of it: both positive
    bad = both[
        (both["value_rev"] > 0) & (both["value_ni"] > MAX_INCOME_TO_REVENUE * both["value_rev"])
    ]
    return pd.DataFrame(
        {
            "symbol": bad["symbol"].astype(str),
            "period_end": bad["period_end"],
            "filed": np.maximum(bad["filed_ni"], bad["filed_rev"]),
            "check": "income_vs_revenue",
            "detail": [
                f"net income {n / r:.1f}x revenue ({n:,.0f} vs {r:,.0f})"
                for n, r in zip(bad["value_ni"], bad["value_rev"], strict=True)
            ],
        }
    )


def _shares_jump(items: pd.DataFrame) -> pd.DataFrame:
    sh = _latest(items, "shares", "I")
    sh = sh[sh["value"] > 0].sort_values(["symbol", "period_end"], kind="mergesort")
    prev = sh.groupby("symbol")["value"].shift(1)
    prev_end = sh.groupby("symbol")["period_end"].shift(1)
    prev_filed = sh.groupby("symbol")["filed"].shift(1)
    ratio = sh["value"] / prev
    bad = (ratio > MAX_SHARES_JUMP) | (ratio < 1.0 / MAX_SHARES_JUMP)
    rows = sh[bad.fillna(False)]
    r, p, pe = ratio[rows.index], prev[rows.index], prev_end[rows.index]
    return pd.DataFrame(
        {
            "symbol": rows["symbol"].astype(str),
            "period_end": rows["period_end"],
            "filed": np.maximum(rows["filed"], prev_filed[rows.index]),
            "check": "shares_jump",
            "detail": [
                f"shares outstanding changed {x:.3g}x ({a:,.0f} on {d:%Y-%m-%d} -> {b:,.0f})"
                for x, a, d, b in zip(r, p, pe, rows["value"], strict=True)
            ],
        }
    )


@dataclass(frozen=True)
class QualityReport:
    """Flagged company-years of a set of normalised fundamentals.

    Attributes
    ----------
    flags
        One row per flag: ``symbol``, ``period_end`` (of the implausible value), ``filed``
        (when the flag became knowable), ``check`` and ``detail`` (the values).
    last_known
        Per symbol, the ``(filed, period_end)`` of every fiscal-year or instant row, used to
        decide which fiscal year is current at a date.
    """

    flags: pd.DataFrame
    last_known: pd.DataFrame = field(repr=False)

    def excluded_at(
        self, as_of: DateLike, symbols: Collection[str] | None = None
    ) -> dict[str, str]:
        """Companies whose current fiscal year at ``as_of`` is flagged -> the reason.

        A flag counts when it was knowable at ``as_of`` (``filed`` on or before it) and its
        period ends in the company's current fiscal year: within the 330 days up to the latest
        period end known then (the previous fiscal year end, ~365 days back, is not current).
        """
        when = pd.Timestamp(as_of)
        fl = self.flags[self.flags["filed"] <= when]
        if symbols is not None:
            fl = fl[fl["symbol"].isin(set(symbols))]
        if fl.empty:
            return {}
        known = self.last_known[self.last_known["filed"] <= when]
        latest = known.groupby("symbol")["period_end"].max()
        cur = fl["symbol"].map(latest)
        fl = fl[fl["period_end"] > cur - pd.Timedelta(days=_CURRENT_YEAR_DAYS)]
        out: dict[str, str] = {}
        for rec in fl.sort_values(["symbol", "period_end"]).itertuples():
            text = f"{rec.check}: {rec.detail} (period ending {rec.period_end:%Y-%m-%d})"
            sym = str(rec.symbol)
            out[sym] = f"{out[sym]}; {text}" if sym in out else text
        return out

    def summary(self) -> str:
        """Return the counts by check and the flagged company-years."""
        if self.flags.empty:
            return "data quality: no implausible company-years found"
        counts = self.flags["check"].value_counts()
        lines = [
            f"data quality: {len(self.flags)} flagged value(s) in "
            f"{self.flags['symbol'].nunique()} companies ("
            + ", ".join(f"{k} {v}" for k, v in counts.items())
            + ")"
        ]
        for rec in self.flags.itertuples():
            lines.append(f"  {rec.symbol} {rec.period_end:%Y-%m-%d} {rec.check}: {rec.detail}")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """Return the flags table."""
        return self.flags.copy()


def quality_report(items: pd.DataFrame) -> QualityReport:
    """Flag implausible company-years in normalised fundamentals (see the module docstring).

    Parameters
    ----------
    items
        Output of :func:`sizeup.fundamentals.normalize`.

    Returns
    -------
    QualityReport
    """
    if items.empty:
        empty = pd.DataFrame({c: pd.Series(dtype=object) for c in _COLUMNS})
        known = pd.DataFrame({"symbol": [], "period_end": [], "filed": []})
        return QualityReport(empty, known)
    parts = [f for f in (_income_vs_revenue(items), _shares_jump(items)) if not f.empty]
    if parts:
        flags = pd.concat(parts, ignore_index=True)
        flags = flags.sort_values(["symbol", "period_end", "check"], kind="mergesort")
        flags = flags.reset_index(drop=True)
    else:
        flags = pd.DataFrame({c: pd.Series(dtype=object) for c in _COLUMNS})
        flags["period_end"] = pd.to_datetime(flags["period_end"])
        flags["filed"] = pd.to_datetime(flags["filed"])
    known = items.loc[items["span"].isin(["FY", "I"]), ["symbol", "period_end", "filed"]]
    return QualityReport(flags, known.astype({"symbol": str}).reset_index(drop=True))
