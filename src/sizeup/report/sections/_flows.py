"""Report section of a fund's net flows (creations minus redemptions) from shares outstanding.

:func:`flows_section` renders a :class:`~sizeup.app.flows.FlowsResult` (the use case of
``sizeup flows``): the flows per period (newest first, with the remarks on gaps, close pricing
and a period in progress), the interval count behind each, the bar chart, and the provenance
(as-of, sources and date coverage of shares outstanding, NAV and closes, notes and warnings).
:func:`store_flows_section` runs it on the report's store cut at the report's as-of date and
turns a store without shares outstanding into a placeholder naming the commands that bring
them. Definitions: docs/methods.md §E.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

import pandas as pd

from sizeup.report._render import Coverage, ReportFigure, ReportSection, ReportTable

if TYPE_CHECKING:
    from sizeup.analytics.flows import FlowFrequency
    from sizeup.app.flows import FlowsResult
    from sizeup.app.reports import ReportData

__all__ = [
    "FETCH_SHARES",
    "KEY_FLOWS",
    "TITLE_FLOWS",
    "flows_missing_section",
    "flows_section",
    "store_flows_section",
]

KEY_FLOWS: Final = "flows"
"""Name of the part in ``sizeup report --sections``."""
TITLE_FLOWS: Final = "Fund flows"
FETCH_SHARES: Final = (
    "`sizeup fetch fund-history {fund}` (daily NAV and shares outstanding), `sizeup fetch "
    "holdings {fund} --from YYYY-MM-DD --to YYYY-MM-DD` (holdings snapshots, whose preamble "
    "gives shares outstanding) or `sizeup import {fund}_fund.xls` / holdings CSV files"
)
_ROWS: Final = 24


def flows_missing_section(reason: str, *, fund: str = "IWM") -> ReportSection:
    """Build the placeholder shown when the store lacks the fund's shares outstanding.

    Parameters
    ----------
    reason
        What is missing (e.g. fewer than two observations).
    fund
        The fund.
    """
    return ReportSection(
        f"{TITLE_FLOWS}: {fund}",
        missing=(
            f"data missing: the net flows of {fund} need at least two shares-outstanding "
            f"observations ({reason.rstrip('.')}). Run {FETCH_SHARES.format(fund=fund)}.",
        ),
        key=KEY_FLOWS,
    )


def _period_table(result: FlowsResult, cov: tuple[Coverage, ...]) -> ReportTable:
    table = result.table
    remarks = {p: r for p, _, r in result.rows(last=len(table))}
    rows = []
    for period, row in table.iloc[::-1].head(_ROWS).iterrows():
        day = pd.Timestamp(str(period))
        rows.append(
            {
                "period ending": day,
                "net flow (USD m)": float(row["flow"]) / 1e6,
                "from": pd.Timestamp(row["start"]),
                "to": pd.Timestamp(row["end"]),
                "intervals": int(row["intervals"]),
                "remarks": remarks.get(str(day.date()), ""),
            }
        )
    frame = pd.DataFrame(rows)
    word = {"D": "interval", "W": "week", "M": "month"}[result.request.freq]
    return ReportTable(
        f"{result.fund}: net flow per {word}, newest first",
        frame,
        result.asof,
        cov,
        formats={"net flow (USD m)": "{:+,.1f}"},
        caption="Flow = (shares outstanding at the end - split ratio x shares at the start) x "
        "NAV per share of the later day (the close where no NAV is stored); a gap between "
        "observations is one figure over the gap.",
    )


def flows_section(result: FlowsResult) -> ReportSection:
    """Render a :class:`~sizeup.app.flows.FlowsResult` as a report section.

    Parameters
    ----------
    result
        The flows (:func:`sizeup.app.flows.run_flows`).

    Returns
    -------
    ReportSection
        The period table, the bar chart and the provenance as notes.
    """
    prov = result.provenance
    sources = ", ".join(prov.sources) or "store"
    ends = pd.DatetimeIndex(pd.to_datetime(result.intervals["end"]))
    flows = pd.Series(result.intervals["flow"].to_numpy(dtype=float), index=ends)
    cov = (
        Coverage.of(
            flows,
            name=f"{result.fund} flow intervals",
            source=f"store: {sources}",
        ),
    )
    figure = ReportFigure(
        result.title(),
        result.figure(),
        result.asof,
        cov,
        caption="Bars: net creations (+) and redemptions (-) per period in USD million.",
    )
    notes = [
        *(f"Data: {c.describe()}." for c in prov.inputs),
        *prov.notes,
        *(f"Warning: {w}" for w in prov.warnings),
    ]
    if result.in_progress:
        notes.append(f"The last period is not finished: {result.in_progress}.")
    priced = "NAV per share of each interval's later day"
    if "close" in set(result.intervals["price_kind"].astype(str)):
        priced += " (the close as traded where no NAV is stored)"
    return ReportSection(
        f"{TITLE_FLOWS}: {result.fund}",
        figures=(figure,),
        tables=(_period_table(result, cov),),
        notes=tuple(notes),
        basis=priced,
        key=KEY_FLOWS,
    )


def store_flows_section(
    data: ReportData, fund: str = "IWM", *, freq: FlowFrequency = "M"
) -> ReportSection:
    """Run the flows of one fund on the report's store (cut at its as-of) and render them.

    Parameters
    ----------
    data
        The report's store data (:class:`sizeup.app.reports.ReportData`). The flows' as-of date
        is the last shares-outstanding observation on or before the report's as-of date, so
        nothing after it is read.
    fund
        Fund ticker.
    freq
        ``D``, ``W`` or ``M``.

    Returns
    -------
    ReportSection
        The section, or a placeholder naming the commands that bring the missing data.
    """
    from sizeup.app.flows import FlowsRequest, run_flows
    from sizeup.errors import DataError

    ticker = fund.strip().upper()
    sid = f"{ticker}.shares_outstanding"
    wide = data.series([sid])
    shares = wide[sid].dropna() if sid in wide.columns else pd.Series(dtype=float)
    if len(shares) < 2:
        cut = f" on or before {data.asof:%Y-%m-%d}" if data.asof is not None else ""
        return flows_missing_section(f"the store has {len(shares)}{cut}", fund=ticker)
    asof = pd.Timestamp(shares.index.max())
    try:
        result = run_flows(FlowsRequest(ticker, asof=asof, freq=freq), data.store)
    except DataError as exc:
        return flows_missing_section(str(exc), fund=ticker)
    return flows_section(result)
