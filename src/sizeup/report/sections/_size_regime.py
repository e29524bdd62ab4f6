"""Report section on the size premium over time (docs/methods.md §S4, feature F25).

Complements the size-premium section of :mod:`sizeup.report.sections._sections` (full sample,
January vs February-December, decades, calendar months, classical t) with what it lacks
(:mod:`sizeup.analytics.stats._factors`):

- SMB over the docs/methods.md §S4 sub-periods (pre-Banz 1926-07..1980-12, post-Banz 1981-01..,
  Keim's 1963-01..1979-12), the full sample and January vs February-December, each with n,
  mean, annualised mean (x12), median, hit rate, Newey-West t and a stationary-bootstrap CI;
- the rolling 36- and 60-month mean of SMB, annualised (x12);
- the drawdown of cumulative SMB (wealth ``prod(1 + SMB)`` against its running peak) and the
  five deepest drawdowns with their peak, trough and recovery months.
"""

from __future__ import annotations

import logging
from typing import Final

import pandas as pd

from sizeup.analytics.stats import drawdowns, rolling_premium, size_premium
from sizeup.charts import line_chart
from sizeup.errors import DataError
from sizeup.report._render import ReportFigure, ReportSection, ReportTable
from sizeup.report.sections._common import (
    StatsOptions,
    monthly_coverage,
    stats_formats,
    stats_frame,
)

__all__ = ["ROLLING_WINDOWS", "TITLE_SIZE_REGIME", "size_regime_section"]

log = logging.getLogger(__name__)

TITLE_SIZE_REGIME: Final = "Size premium over time: sub-periods, rolling mean, drawdowns"
ROLLING_WINDOWS: Final = (36, 60)
"""Months of the rolling SMB means (F25)."""

_MIN_MONTHS: Final = 24
_LABELS: Final = {"january": "January", "feb_dec": "February-December"}


def size_regime_section(
    smb: pd.Series,
    *,
    name: str = "FF:SMB:M",
    source: str = "unknown",
    options: StatsOptions | None = None,
) -> ReportSection:
    """Build the size-premium-over-time section from monthly SMB.

    Parameters
    ----------
    smb
        Monthly SMB (decimal fractions) indexed by month end.
    name, source
        Labels for the coverage line.
    options
        Bootstrap settings.

    Raises
    ------
    DataError
        Fewer than 24 months of SMB.
    """
    opts = options or StatsOptions()
    s = smb.dropna().astype("float64").sort_index()
    if len(s) < _MIN_MONTHS:
        raise DataError(
            f"size premium over time: series {name!r} has {len(s)} months; "
            f"at least {_MIN_MONTHS} are needed"
        )
    cov = (monthly_coverage(smb, name, source),)
    as_of = pd.Timestamp(s.index.max())
    prem = size_premium(s, level=opts.level, reps=opts.reps, seed=opts.seed)
    rows = {
        (
            f"full sample {prem.start:%Y-%m}..{prem.end:%Y-%m}"
            if key == "full"
            else _LABELS.get(key, key)
        ): st
        for key, st in prem.stats.items()
    }
    frame = stats_frame(rows, label="period")
    frame.insert(3, "annualised", frame["mean"] * 12.0)
    formats = {**stats_formats(digits=3), "annualised": "{:.2%}"}
    table = ReportTable(
        "SMB by sub-period, January vs February-December",
        frame,
        as_of,
        cov,
        formats=formats,
        caption="Monthly SMB; annualised = 12 x monthly mean (docs/methods.md §S4 convention). "
        "Sub-periods from docs/methods.md §S4 (Banz 1981 published the size effect; Keim 1983 "
        "studied 1963-1979), clipped to the data.",
    )

    rolling = pd.DataFrame(
        {f"{w}-month mean x12": rolling_premium(s, window=w) for w in ROLLING_WINDOWS}
    )
    longest = f"{max(ROLLING_WINDOWS)}-month mean x12"
    roll_long = rolling[longest].dropna()
    wealth = (1.0 + s).cumprod()
    underwater = (wealth / wealth.cummax() - 1.0).rename("SMB drawdown")
    worst = drawdowns(s, top=5)
    worst_table = worst.rename(columns={"length": "months (peak to recovery or end)"})
    worst_table["recovery"] = [
        f"{pd.Timestamp(d):%Y-%m-%d}" if pd.notna(d) else "not recovered" for d in worst["recovery"]
    ]
    figures = (
        ReportFigure(
            "Rolling mean of SMB (annualised)",
            line_chart(
                rolling,
                title="Rolling 36- and 60-month mean SMB, annualised (x12)",
                y_title="SMB per year",
                as_of=as_of,
                percent=True,
                zero_line=True,
            ),
            as_of,
            cov,
            caption="Mean of the last 36 / 60 monthly SMB returns times 12, at each month end.",
        ),
        ReportFigure(
            "Drawdown of cumulative SMB",
            line_chart(
                underwater,
                title="Drawdown of cumulative SMB (growth of $1 in SMB vs its running peak)",
                y_title="drawdown",
                as_of=as_of,
                percent=True,
                zero_line=True,
            ),
            as_of,
            cov,
            caption="prod(1 + SMB) / running maximum - 1: how far small-minus-big stood below "
            "its best level so far.",
        ),
    )
    tables = (
        table,
        ReportTable(
            "Deepest drawdowns of cumulative SMB",
            worst_table,
            as_of,
            cov,
            formats={"depth": "{:.1%}"},
            caption="Peak = last month at the prior high; recovery = first month back at that "
            "high (or not recovered by the end of the data).",
        ),
    )
    positive = float((roll_long > 0).mean()) if len(roll_long) else float("nan")
    notes = [
        f"The {max(ROLLING_WINDOWS)}-month mean was positive in {positive:.0%} of the "
        f"{len(roll_long):,} windows; latest {roll_long.iloc[-1]:.2%}/yr "
        f"(to {roll_long.index[-1]:%Y-%m})."
        if len(roll_long)
        else f"Fewer than {max(ROLLING_WINDOWS)} months: no rolling mean.",
        f"Januaries supply {prem.january_share:.0%} of the cumulative SMB sum over the sample.",
        opts.text(),
    ]
    if len(worst):
        deepest = worst.iloc[0]
        notes.insert(
            1,
            f"Deepest drawdown of cumulative SMB: {deepest['depth']:.1%} from "
            f"{pd.Timestamp(deepest['peak']):%Y-%m} to {pd.Timestamp(deepest['trough']):%Y-%m}"
            + (
                f", recovered {pd.Timestamp(deepest['recovery']):%Y-%m}."
                if pd.notna(deepest["recovery"])
                else ", not recovered by the end of the data."
            ),
        )
    return ReportSection(
        TITLE_SIZE_REGIME,
        figures=figures,
        tables=tables,
        notes=tuple(notes),
        survivorship="French's SMB is built from all NYSE, AMEX and NASDAQ stocks in CRSP at "
        "each date, delisted firms included: no survivorship bias from current membership.",
    )
