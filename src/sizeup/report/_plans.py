"""The full report plans: size effect, seasonality, conditional history, point and figure.

:func:`full_sample_plan` is what ``sizeup report --sample`` renders (offline sample, no network);
:func:`full_store_plan` is the store version. Both start from the size-effect plans of
:mod:`sizeup.report.sections._sections` (:func:`~sizeup.report.sections.sample_plan`,
:func:`~sizeup.report.sections.store_plan`), insert the size-premium-over-time section after the
size-premium section and append the others in this order: seasonality, conditional history,
point and figure, relative strength. From the store a section is built when its inputs exist and
is otherwise listed as skipped with the missing series or symbols named; a section that can use
only part of its inputs is built and the missing part is listed as ``(partly)``.

Inputs from the store
---------------------
- ``^GSPC`` bars (large-cap index; high/low used by the P&F chart when present);
- the second index: ``^RUT`` (Russell 2000) when the store has it, else ``^IXIC`` (NASDAQ
  Composite, the only second index of the offline sample);
- ``FF:SMB:M`` (monthly SMB).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Final

import pandas as pd

from sizeup.app.reports import ReportData, SampleData
from sizeup.errors import DataError
from sizeup.report._render import ReportSection
from sizeup.report.sections import (
    SMB_ID,
    TITLE_CONDITIONAL,
    TITLE_PNF,
    TITLE_RS,
    TITLE_SEASONALITY,
    TITLE_SIZE_PREMIUM,
    TITLE_SIZE_REGIME,
    IndexBars,
    SectionPlan,
    SkippedSection,
    StatsOptions,
    backtest_section,
    conditional_section,
    monitor_section,
    pnf_section,
    rs_section,
    sample_plan,
    seasonality_section,
    size_regime_section,
    store_plan,
)

__all__ = [
    "INDEX_NAMES",
    "LARGE_SYMBOL",
    "SMALL_CANDIDATES",
    "StatsInputs",
    "full_sample_plan",
    "full_store_plan",
    "statistics_sections",
]

log = logging.getLogger(__name__)

LARGE_SYMBOL: Final = "^GSPC"
SMALL_CANDIDATES: Final = ("^RUT", "^IXIC")
"""Second index of the relative sections, first one present in the store wins."""
TITLE_MONITOR: Final = "Rotation monitor"
INDEX_NAMES: Final = {"^GSPC": "S&P 500", "^IXIC": "NASDAQ Composite", "^RUT": "Russell 2000"}

_SAMPLE_INTRO_EXTRA: Final = (
    "Seasonality, conditional history and the point-and-figure sections use the S&P 500 and "
    "NASDAQ Composite daily closes (1999-2018) and the SMB factor of the same files. The NASDAQ "
    "Composite is not a small-cap index (it is weighted towards large technology and growth "
    "firms); it stands in for the second index because the Russell 2000 is not in the sample, "
    "so its relative numbers illustrate the methods rather than measure the small-cap effect. "
    "With about 20 years of daily data the calendar and conditional buckets hold about 20 or "
    "fewer observations: read their n and confidence intervals first."
)


@dataclass(frozen=True)
class StatsInputs:
    """Inputs of the statistics and P&F sections.

    Parameters
    ----------
    large
        Large-cap index bars (``^GSPC``) or ``None``.
    small
        Second index bars (``^RUT`` / ``^IXIC``) or ``None``.
    smb
        Monthly SMB or ``None``.
    smb_source
        Source label of ``smb``.
    """

    large: IndexBars | None
    small: IndexBars | None
    smb: pd.Series | None
    smb_source: str = "unknown"


def _try(
    build: Callable[[], ReportSection], title: str, missing: Sequence[str]
) -> tuple[ReportSection | None, SkippedSection | None]:
    try:
        return build(), None
    except DataError as exc:
        log.warning("%s skipped: %s", title, exc)
        return None, SkippedSection(title, tuple(missing), f"data too short ({exc})")


def statistics_sections(
    inputs: StatsInputs,
    *,
    options: StatsOptions | None = None,
    include: Collection[str] | None = None,
) -> tuple[dict[str, ReportSection], tuple[SkippedSection, ...]]:
    """Build the seasonality, conditional, size-regime, P&F and RS sections that the inputs allow.

    Parameters
    ----------
    inputs
        Index bars and SMB; any may be ``None``.
    options
        Bootstrap and permutation settings.
    include
        Base titles to build (default: all); the others are neither built nor listed.

    Returns
    -------
    tuple
        ``(sections, skipped)``: sections keyed by their base title (:data:`TITLE_SIZE_REGIME`,
        :data:`TITLE_SEASONALITY`, :data:`TITLE_CONDITIONAL`, :data:`TITLE_PNF`,
        :data:`TITLE_RS`) in display order, and the skipped ones naming the missing inputs.
    """
    opts = options or StatsOptions()
    large, small, smb = inputs.large, inputs.small, inputs.smb
    small_names = " or ".join(SMALL_CANDIDATES)
    large_name = large.symbol if large else LARGE_SYMBOL
    built: dict[str, ReportSection] = {}
    skipped: list[SkippedSection] = []

    def wanted(title: str) -> bool:
        return include is None or title in include

    def keep(title: str, result: tuple[ReportSection | None, SkippedSection | None]) -> None:
        section, skip = result
        if section is not None:
            built[title] = section
        if skip is not None:
            skipped.append(skip)

    if not wanted(TITLE_SIZE_REGIME):
        pass
    elif smb is not None:
        series = smb
        keep(
            TITLE_SIZE_REGIME,
            _try(
                lambda: size_regime_section(series, source=inputs.smb_source, options=opts),
                TITLE_SIZE_REGIME,
                (SMB_ID,),
            ),
        )
    else:
        skipped.append(SkippedSection(TITLE_SIZE_REGIME, (SMB_ID,)))

    builders: tuple[tuple[str, Callable[..., ReportSection]], ...] = (
        (TITLE_SEASONALITY, seasonality_section),
        (TITLE_CONDITIONAL, conditional_section),
    )
    for title, builder in builders:
        if not wanted(title):
            continue
        if large is None and smb is None:
            skipped.append(SkippedSection(title, (large_name, SMB_ID)))
            continue

        def run(b: Callable[..., ReportSection] = builder) -> ReportSection:
            return b(large, small, smb, smb_source=inputs.smb_source, options=opts)

        keep(title, _try(run, title, (large_name, SMB_ID)))
        if title in built:
            absent = [n for n, v in ((small_names, small), (SMB_ID, smb)) if v is None]
            if large is None:
                absent.insert(0, large_name)
            if absent:
                skipped.append(SkippedSection(f"{title} (partly)", tuple(absent), "no data for"))

    if not wanted(TITLE_PNF):
        pass
    elif large is not None:
        big = large
        keep(TITLE_PNF, _try(lambda: pnf_section(big), TITLE_PNF, (big.symbol,)))
    else:
        skipped.append(SkippedSection(TITLE_PNF, (LARGE_SYMBOL,), "no bars for"))
    if not wanted(TITLE_RS):
        pass
    elif large is not None and small is not None:
        pair = (small, large)
        keep(
            TITLE_RS,
            _try(lambda: rs_section(*pair), TITLE_RS, (pair[0].symbol, pair[1].symbol)),
        )
    else:
        absent_rs = ((small_names,) if small is None else ()) + (
            (LARGE_SYMBOL,) if large is None else ()
        )
        skipped.append(SkippedSection(TITLE_RS, absent_rs, "no bars for"))
    return built, tuple(skipped)


def _merge(
    base: SectionPlan,
    extra: dict[str, ReportSection],
    skipped: tuple[SkippedSection, ...],
    intro: Sequence[str],
) -> SectionPlan:
    sections: list[ReportSection] = []
    regime = extra.get(TITLE_SIZE_REGIME)
    for section in base.sections:
        sections.append(section)
        if section.title == TITLE_SIZE_PREMIUM and regime is not None:
            sections.append(regime)
    if regime is not None and regime not in sections:
        sections.append(regime)
    sections += [s for t, s in extra.items() if t != TITLE_SIZE_REGIME]
    return SectionPlan(
        tuple(sections),
        (*base.skipped, *skipped),
        (*base.intro, *intro, *[f"Skipped: {s.text()}." for s in skipped]),
        base.title,
    )


def full_sample_plan(sample: SampleData, *, options: StatsOptions | None = None) -> SectionPlan:
    """Every section from the offline sample (arch and linearmodels wheels); no network.

    Parameters
    ----------
    sample
        The sample (:func:`sizeup.app.reports.load_sample`).
    options
        Bootstrap and permutation settings of the statistics sections.
    """
    base = sample_plan(sample)
    src = sample.source_arch
    inputs = StatsInputs(
        large=IndexBars(LARGE_SYMBOL, INDEX_NAMES[LARGE_SYMBOL], sample.sp500, src),
        small=IndexBars("^IXIC", INDEX_NAMES["^IXIC"], sample.nasdaq, src),
        smb=sample.factors["smb"],
        smb_source=src,
    )
    extra, skipped = statistics_sections(inputs, options=options)
    return _merge(base, extra, skipped, (_SAMPLE_INTRO_EXTRA,))


def _store_index(store: ReportData, symbol: str) -> IndexBars | None:
    tidy = store.bars(symbol)
    if tidy.empty or tidy["close"].notna().sum() == 0:
        return None
    frame = tidy.set_index(pd.DatetimeIndex(tidy["date"], name="date")).sort_index()
    cols = [c for c in ("open", "high", "low", "close") if c in frame.columns]
    source = ", ".join(sorted(set(map(str, frame["source"].dropna()))))
    return IndexBars(
        symbol,
        INDEX_NAMES.get(symbol, symbol),
        frame[cols].astype("float64"),
        f"store: {source}" if source else "store",
    )


def full_store_plan(store: ReportData, *, options: StatsOptions | None = None) -> SectionPlan:
    """Every section whose inputs exist in the store; the others are listed as skipped.

    The rotation monitor leads when its inputs exist (see :mod:`sizeup.app.monitor`).

    Parameters
    ----------
    store
        The store's data cut at the as-of date (:class:`sizeup.app.reports.ReportData`).
    options
        Bootstrap and permutation settings of the statistics sections.
    """
    base = store_plan(store)
    large = _store_index(store, LARGE_SYMBOL)
    small = None
    for symbol in SMALL_CANDIDATES:
        small = _store_index(store, symbol)
        if small is not None:
            break
    wide = store.series([SMB_ID])
    smb = wide[SMB_ID].dropna() if SMB_ID in wide.columns else None
    if smb is not None and smb.empty:
        smb = None
    source = store.series_sources([SMB_ID]).get(SMB_ID, "store") if smb is not None else ""
    inputs = StatsInputs(large=large, small=small, smb=smb, smb_source=source)
    extra, skipped = statistics_sections(inputs, options=options)
    plan = _merge(base, extra, skipped, ())
    monitor = store.monitor()
    if monitor is None or monitor.streak_week is None:
        skip = SkippedSection(
            TITLE_MONITOR, ("IWM and SPY prices", "or ^RUT and ^GSPC levels"), "needs"
        )
        return SectionPlan(
            plan.sections,
            (skip, *plan.skipped),
            (*plan.intro, f"Skipped: {skip.text()}."),
            plan.title,
        )
    lead = [monitor_section(monitor)]
    bt = store.backtest("size-rs")  # small caps vs large caps by their RS signal
    if bt is not None:
        lead.append(backtest_section(bt))
    return SectionPlan((*lead, *plan.sections), plan.skipped, plan.intro, plan.title)
