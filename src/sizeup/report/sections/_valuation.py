"""Report section of the relative valuation of small caps against large caps.

:func:`valuation_section` renders a :class:`~sizeup.app.valuation.ValuationResult` (the use
case of ``sizeup valuation``): the small/large ratio statistics of every measure (latest, long-run
mean over the usable points, percentile), the trailing P/E of both universes by date with the
coverage (names with data / members) and the loss-makers, the P/E and ratio chart, and the
provenance (as-of, sources and date coverage of the fundamentals, closes and holdings, price
basis, survivorship, warnings). :func:`store_valuation_section` runs the use case on the
report's store, cut at the report's as-of date, and turns missing fundamentals or holdings into a
placeholder section that names the commands bringing them. Definitions: docs/methods.md §D6.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Final

import pandas as pd

from sizeup.report._render import Coverage, ReportFigure, ReportSection, ReportTable

if TYPE_CHECKING:
    from sizeup.app.reports import ReportData
    from sizeup.app.valuation import ValuationResult

__all__ = [
    "IMPORT_FUNDAMENTALS",
    "KEY_VALUATION",
    "TITLE_VALUATION",
    "store_valuation_section",
    "valuation_missing_section",
    "valuation_section",
]

KEY_VALUATION: Final = "valuation"
"""Name of the part in ``sizeup report --sections``."""
TITLE_VALUATION: Final = "Valuation: small caps vs large caps"
IMPORT_FUNDAMENTALS: Final = (
    "`sizeup import <SimFin bulk CSV files>` or "
    '`SIZEUP_SEC_USER_AGENT="Name email" sizeup fetch fundamentals` for the members\' '
    "fundamentals, and `sizeup fetch universe --fund {small}` (holdings, then every member's "
    "prices) for the members and their closes"
)
_SHOWN: Final = ("pe_agg_ex", "pe_agg_incl", "pe_median_ex", "pb_agg", "ps_agg")


def _day(value: object) -> str:
    if value is None:
        return "-"
    ts = pd.Timestamp(str(value)) if not isinstance(value, pd.Timestamp) else value
    return "-" if pd.isna(ts) else ts.strftime("%Y-%m-%d")


def _finite(value: object) -> float:
    try:
        x = float(str(value))
    except ValueError:
        return math.nan
    return x if math.isfinite(x) else math.nan


def _coverage_text(row: pd.Series) -> str:
    return f"{int(row['with_data'])}/{int(row['members'])} ({float(row['coverage']):.0%})"


def _price_basis(result: ValuationResult) -> str:
    bases = sorted({c.basis for c in result.provenance.inputs if c.name.startswith("closes")})
    return "; ".join(bases)


def valuation_missing_section(
    reason: str, *, small: str = "IWM", large: str = "SPY"
) -> ReportSection:
    """Build the placeholder shown when the store lacks fundamentals, holdings or closes.

    Parameters
    ----------
    reason
        What the use case reported (e.g. no fundamentals of the members).
    small, large
        The universes of the report's pair.
    """
    how = IMPORT_FUNDAMENTALS.format(small=small)
    return ReportSection(
        TITLE_VALUATION,
        missing=(
            f"data missing: the relative valuation of {small} against {large} needs the members' "
            f"fundamentals, holdings and closes ({reason.rstrip('.')}). Run {how}.",
        ),
        key=KEY_VALUATION,
    )


def _ratio_table(
    result: ValuationResult, at: pd.Timestamp, cov: tuple[Coverage, ...]
) -> ReportTable:
    from sizeup.fundamentals._valuation import MEASURES

    rows = []
    for rec in result.stats.to_dict("records"):
        measure = str(rec["measure"])
        if measure.startswith("fwd_") and not result.forward:
            continue
        rows.append(
            {
                "measure": MEASURES.get(measure, measure),
                "latest ratio": _finite(rec["latest"]),
                "long-run mean": _finite(rec["mean"]),
                "percentile": _finite(rec["percentile"]),
                "usable points": int(rec["n"]),
            }
        )
    frame = pd.DataFrame(
        rows, columns=["measure", "latest ratio", "long-run mean", "percentile", "usable points"]
    )
    return ReportTable(
        f"{result.small} / {result.large}: ratio of each measure",
        frame,
        at,
        cov,
        formats={"latest ratio": "{:.3f}", "long-run mean": "{:.3f}", "percentile": "{:.0f}"},
        caption="Ratio = small-cap measure / large-cap measure on the same date; the mean and "
        "percentile use only points whose coverage reaches the floor on both sides.",
    )


def _history_table(
    result: ValuationResult, at: pd.Timestamp, cov: tuple[Coverage, ...]
) -> ReportTable:
    hist = result.history
    small = hist[hist["universe"] == "small"].set_index("date")
    large = hist[hist["universe"] == "large"].set_index("date")
    ratios = result.ratios.set_index("date")
    rows = []
    for d in ratios.index:
        a, b, r = small.loc[d], large.loc[d], ratios.loc[d]
        rows.append(
            {
                "date": pd.Timestamp(d),
                f"{result.small} P/E": _finite(a["pe_agg_ex"]),
                f"{result.large} P/E": _finite(b["pe_agg_ex"]),
                "ratio": _finite(r["pe_agg_ex"]),
                f"{result.small} coverage": _coverage_text(a),
                f"{result.large} coverage": _coverage_text(b),
                "loss-makers small / large": f"{int(a['loss_makers'])} / {int(b['loss_makers'])}",
                "usable": "yes" if bool(r["usable"]) else "no (coverage below the floor)",
            }
        )
    frame = pd.DataFrame(rows)
    return ReportTable(
        "Trailing P/E by date (index-style, loss-makers excluded)",
        frame,
        at,
        cov,
        formats={
            f"{result.small} P/E": "{:.1f}",
            f"{result.large} P/E": "{:.1f}",
            "ratio": "{:.3f}",
        },
        caption="P/E = sum of market caps / sum of trailing-twelve-month net income of the "
        "members with both, point in time by filing date; coverage = names with data / members.",
    )


def valuation_section(result: ValuationResult) -> ReportSection:
    """Render a :class:`~sizeup.app.valuation.ValuationResult` as a report section.

    Parameters
    ----------
    result
        The relative valuation (:func:`sizeup.app.valuation.run_valuation`).

    Returns
    -------
    ReportSection
        Ratio statistics and P/E history tables, the chart, and the provenance as notes.
    """
    prov = result.provenance
    dates = pd.DatetimeIndex(pd.to_datetime(result.ratios["date"]))
    at = pd.Timestamp(prov.as_of) if prov.as_of is not None else dates.max()
    sources = ", ".join(prov.sources) or "store"
    shown = result.ratios.set_index(dates)[["pe_agg_ex"]]
    cov = (
        Coverage.of(
            shown.rename(columns={"pe_agg_ex": "ratio"}),
            name=f"{result.small} / {result.large} P/E points",
            source=f"store: {sources}",
        ),
    )
    figure = ReportFigure(
        f"{result.small} vs {result.large}: trailing P/E and their ratio",
        result.figure(),
        at,
        cov,
        caption="Dashed line: long-run mean of the ratio over the usable points.",
    )
    survivorship = "; ".join(n for n in prov.notes if "survivorship" in n.lower()) or None
    notes = [
        f"Small caps: {result.small} ({result.small_label}); large caps: {result.large} "
        f"({result.large_label}).",
        *(f"Data: {c.describe()}." for c in prov.inputs),
        *(n for n in prov.notes if "survivorship" not in n.lower()),  # shown in its own box
        *(f"Warning: {w}" for w in prov.warnings),
        "Definitions and limits: docs/methods.md §D6.",
    ]
    if not result.forward:
        from sizeup.app.valuation import NO_ESTIMATES

        notes.append(NO_ESTIMATES[0].upper() + NO_ESTIMATES[1:] + ".")
    return ReportSection(
        TITLE_VALUATION,
        figures=(figure,),
        tables=(_ratio_table(result, at, cov), _history_table(result, at, cov)),
        notes=tuple(notes),
        survivorship=survivorship,
        basis=_price_basis(result) or "fundamentals in USD as filed",
        key=KEY_VALUATION,
    )


def store_valuation_section(
    data: ReportData, small: str = "IWM", large: str = "SPY", *, history: str = "yearly"
) -> ReportSection:
    """Run the relative valuation on the report's store (cut at its as-of) and render it.

    Parameters
    ----------
    data
        The report's store data (:class:`sizeup.app.reports.ReportData`); its as-of date is the
        valuation's as-of date (no filing or close after it is read).
    small, large
        The universes (a fund with stored holdings, or ``SPY``/``SP500`` for the S&P 500 member
        list).
    history
        ``yearly``, ``monthly`` or ``none``.

    Returns
    -------
    ReportSection
        The section, or a placeholder naming the commands that bring the missing data.
    """
    from sizeup.app.valuation import ValuationRequest, run_valuation
    from sizeup.errors import DataError

    try:
        result = run_valuation(
            ValuationRequest(small=small, large=large, asof=data.asof, history=history),
            store=data.store,
            fundamentals=data.fundamentals(),
        )
    except DataError as exc:
        return valuation_missing_section(str(exc), small=small, large=large)
    if result.ratios.empty:
        return valuation_missing_section("no valuation date has data", small=small, large=large)
    return valuation_section(result)
