"""Report section on conditional history: what followed when a condition held (issue 6).

Two conditional tables, each with n per bucket, mean, median, hit rate, Newey-West t, a
stationary-bootstrap CI and the permutation-test p-value of the difference between the buckets
(:mod:`sizeup.analytics.stats._conditional`):

- **F27 construction** (docs/methods.md §S3): the next calendar-year return given the sign of the
  second-half (Jul 1 - Dec 31) relative return ``(1 + r_small) / (1 + r_large) - 1`` of year
  ``y``. Outcomes: the large-cap index, the small/second index and the relative return in
  ``y + 1``. F27 proper uses the Russell 2000 (``^RUT``) against the S&P 500 from 1979; on the
  offline sample the pair is NASDAQ Composite vs S&P 500 over 1999-2018, a small-sample
  illustration of the method.
- **SMB momentum**: next 12-month SMB (compounded) given the sign of the trailing 12-month SMB,
  measured at each December month end, so the 12-month windows do not overlap and the
  permutation test's exchangeability assumption is not broken by overlap.
"""

from __future__ import annotations

import logging
import math
from typing import Final

import numpy as np
import pandas as pd

from sizeup.analytics.stats import (
    ConditionalTable,
    Outcome,
    SampleStats,
    calendar_year_returns,
    conditional_outcomes,
    half_year_returns,
    next_year_given_h2,
)
from sizeup.errors import DataError
from sizeup.report._render import Coverage, ReportFigure, ReportSection, ReportTable
from sizeup.report.sections._common import (
    INDEX_SMB_SURVIVORSHIP,
    IndexBars,
    StatsOptions,
    daily_coverage,
    mean_ci_chart,
    monthly_coverage,
    stats_formats,
    stats_frame,
)

__all__ = [
    "SMB_ANCHOR_MONTH",
    "SMB_WINDOW",
    "TITLE_CONDITIONAL",
    "conditional_section",
    "h2_year_table",
    "smb_momentum",
    "smb_momentum_pairs",
]

log = logging.getLogger(__name__)

TITLE_CONDITIONAL: Final = "Conditional history: what followed"
SMB_WINDOW: Final = 12
"""Months of the trailing (condition) and forward (outcome) SMB windows."""
SMB_ANCHOR_MONTH: Final = 12
"""Calendar month whose month ends anchor the non-overlapping SMB windows (December)."""

_OUTCOMES: Final[tuple[Outcome, ...]] = ("b", "a", "relative")


def smb_momentum_pairs(
    smb: pd.Series, *, window: int = SMB_WINDOW, anchor_month: int = SMB_ANCHOR_MONTH
) -> pd.DataFrame:
    """Trailing and next ``window``-month compounded SMB at each anchor month end.

    Parameters
    ----------
    smb
        Monthly SMB (decimal fractions) indexed by month end.
    window
        Length of both windows in months.
    anchor_month
        Calendar month (1-12) of the anchor dates; one anchor a year, so with ``window=12``
        neither the trailing nor the forward windows overlap.

    Returns
    -------
    pandas.DataFrame
        Indexed by anchor month end: ``trailing`` (``prod(1 + SMB) - 1`` over the ``window``
        months ending at the anchor) and ``forward`` (the ``window`` months after it). Rows
        whose windows are not complete (a month missing from the month-end grid) have NaN.
    """
    if window < 1:
        raise DataError(f"smb_momentum_pairs: window must be >= 1, got {window}")
    if not 1 <= anchor_month <= 12:
        raise DataError(f"smb_momentum_pairs: anchor_month must be 1..12, got {anchor_month}")
    s = smb.dropna().astype("float64").sort_index()
    if s.empty:
        raise DataError("smb_momentum_pairs: SMB series is empty")
    idx = pd.DatetimeIndex(s.index)
    grid = pd.date_range(idx.min(), idx.max(), freq="ME")
    logs = pd.Series(np.log1p(s.reindex(grid).to_numpy()), index=grid)
    summed = logs.rolling(window, min_periods=window).sum()
    trailing = pd.Series(np.expm1(summed.to_numpy()), index=grid)
    forward = trailing.shift(-window)
    frame = pd.DataFrame({"trailing": trailing, "forward": forward})
    frame = frame[pd.DatetimeIndex(frame.index).month == anchor_month]
    frame.index.name = "anchor"
    return frame


def smb_momentum(
    smb: pd.Series,
    *,
    window: int = SMB_WINDOW,
    anchor_month: int = SMB_ANCHOR_MONTH,
    options: StatsOptions | None = None,
) -> ConditionalTable:
    """Next ``window``-month SMB given the sign of the trailing ``window``-month SMB.

    Buckets ``"True"`` (trailing SMB > 0) and ``"False"`` (<= 0), from
    :func:`smb_momentum_pairs` at the anchor month ends with both windows complete.
    """
    opts = options or StatsOptions()
    pairs = smb_momentum_pairs(smb, window=window, anchor_month=anchor_month).dropna()
    if len(pairs) < 2:
        raise DataError(
            f"smb_momentum: {len(pairs)} complete non-overlapping {window}-month pairs; "
            "at least 2 are needed"
        )
    return conditional_outcomes(
        (pairs["trailing"] > 0).rename("trailing_positive"),
        pairs["forward"].rename(f"next_{window}m_smb"),
        periods_ahead=0,
        level=opts.level,
        reps=opts.reps,
        permutation_reps=opts.permutation_reps,
        seed=opts.seed,
        name=f"next {window}-month SMB | trailing {window}-month SMB > 0",
    )


def h2_year_table(small: IndexBars, large: IndexBars) -> pd.DataFrame:
    """Year-by-year inputs of the F27 construction.

    Returns
    -------
    pandas.DataFrame
        One row per condition year ``y`` with both H2 returns: ``year``, ``H2 <small>``,
        ``H2 <large>``, ``H2 relative`` (``(1 + a) / (1 + b) - 1``), ``next year <large>``,
        ``next year <small>``, ``next year relative`` (calendar year ``y + 1``, NaN when not in
        the data).
    """
    ha = half_year_returns(small.close, half=2)
    hb = half_year_returns(large.close, half=2)
    ya = calendar_year_returns(small.close)
    yb = calendar_year_returns(large.close)
    h = pd.concat([ha, hb], axis=1, join="inner").dropna()
    years = h.index.astype("int64")
    rel_h2 = (1.0 + h.iloc[:, 0]) / (1.0 + h.iloc[:, 1]) - 1.0
    na = ya.reindex(years + 1).to_numpy()
    nb = yb.reindex(years + 1).to_numpy()
    return pd.DataFrame(
        {
            "year": years,
            f"H2 {small.name}": h.iloc[:, 0].to_numpy(),
            f"H2 {large.name}": h.iloc[:, 1].to_numpy(),
            "H2 relative": rel_h2.to_numpy(),
            f"next year {large.name}": nb,
            f"next year {small.name}": na,
            "next year relative": (1.0 + na) / (1.0 + nb) - 1.0,
        }
    )


def _outcome_label(outcome: Outcome, small: IndexBars, large: IndexBars) -> str:
    if outcome == "a":
        return small.name
    if outcome == "b":
        return large.name
    return f"{small.name} vs {large.name}"


def _pair_rows(
    table: ConditionalTable, labels: dict[str, str], outcome: str
) -> tuple[dict[str, SampleStats], list[str], list[float], list[float]]:
    rows: dict[str, SampleStats] = {}
    outcomes: list[str] = []
    diffs: list[float] = []
    pvals: list[float] = []
    for i, key in enumerate(("True", "False")):
        if key not in table.stats:
            continue
        rows[f"{outcome} | {labels[key]}"] = table.stats[key]
        outcomes.append(outcome)
        diffs.append(table.difference if i == 0 else math.nan)
        pvals.append(table.p_value if i == 0 else math.nan)
    return rows, outcomes, diffs, pvals


def _conditional_frame(
    tables: list[tuple[str, ConditionalTable]], labels: dict[str, str], *, header: str
) -> pd.DataFrame:
    rows: dict[str, SampleStats] = {}
    outcomes: list[str] = []
    conditions: list[str] = []
    diffs: list[float] = []
    pvals: list[float] = []
    for outcome, table in tables:
        r, o, d, p = _pair_rows(table, labels, outcome)
        rows.update(r)
        outcomes += o
        conditions += [k.split(" | ", 1)[1] for k in r]
        diffs += d
        pvals += p
    frame = stats_frame(rows, label=header, extra={"condition": conditions})
    frame[header] = outcomes
    frame["difference"] = diffs
    frame["permutation p"] = pvals
    return frame


def _h2_part(
    small: IndexBars, large: IndexBars, opts: StatsOptions
) -> tuple[list[ReportTable], list[ReportFigure], list[str]]:
    cov = (daily_coverage(small), daily_coverage(large))
    as_of = min(pd.Timestamp(small.close.index.max()), pd.Timestamp(large.close.index.max()))
    tables_by_outcome = [
        (
            _outcome_label(outcome, small, large),
            next_year_given_h2(
                small.close,
                large.close,
                outcome=outcome,
                reps=opts.reps,
                permutation_reps=opts.permutation_reps,
                seed=opts.seed,
            ),
        )
        for outcome in _OUTCOMES
    ]
    labels = {"True": "ahead", "False": "behind or level"}
    frame = _conditional_frame(tables_by_outcome, labels, header="next-year return of")
    years = h2_year_table(small, large)
    first, last = int(years["year"].min()), int(years["year"].max())
    pairs = tables_by_outcome[0][1].pairs
    n_true = int(pairs["condition"].astype(bool).sum())
    n_false = len(pairs) - n_true
    f27_proper = small.symbol == "^RUT" and large.symbol == "^GSPC"
    what = (
        "This is F27 (docs/methods.md §S3) on price levels (dividends excluded)."
        if f27_proper
        else f"Small-sample illustration: F27 (docs/methods.md §S3) conditions the Russell 2000's "
        f"next-year total return on its H2 performance against the S&P 500 since 1979; here the "
        f"same construction is applied to {small.name} vs {large.name} price levels, "
        f"{len(pairs)} condition years ({n_true} with {small.name} ahead in H2, {n_false} "
        "behind). It shows the method, not evidence for or against the commentary's "
        "8.1 % / 12.2 % figures."
    )
    table = ReportTable(
        f"Next calendar-year return given the H2 sign of {small.name} vs {large.name}",
        frame,
        as_of,
        cov,
        formats=stats_formats(digits=1),
        caption=f"Condition: {small.name} ahead of {large.name} in H2 of year y, i.e. "
        "(1 + r_small) / (1 + r_large) - 1 over Jul 1 - Dec 31 "
        "(last close of December / last close of June) above zero. Outcome: calendar-year "
        "return in y + 1 (last close of December / last close of the prior December). "
        "Difference = mean(ahead) - mean(behind); permutation p: two-sided, labels shuffled "
        "between the buckets.",
    )
    year_table = ReportTable(
        f"Year by year: H2 {first}-{last} and the following calendar year",
        years,
        as_of,
        cov,
        formats={"year": "{:d}", **{c: "{:.1%}" for c in years.columns if c != "year"}},
        caption="Price returns from daily closes; the last condition year has no next year in "
        "the data (empty cells) and is not in the buckets.",
    )
    short = {"True": "ahead", "False": "behind"}
    chart_rows = {
        f"{outcome}: {short[key]}": ct.stats[key]
        for outcome, ct in tables_by_outcome
        for key in ("True", "False")
        if key in ct.stats
    }
    figure = ReportFigure(
        "Next-year return by H2 bucket",
        mean_ci_chart(
            chart_rows,
            title=f"Next calendar-year return after {small.name} was ahead / behind "
            f"{large.name} in H2",
            y_title="mean next-year return",
            as_of=as_of,
        ),
        as_of,
        cov,
        caption="Bars: mean next-year return per bucket; whiskers: bootstrap CI; n in the labels.",
    )
    return [table, year_table], [figure], [what]


def _smb_part(
    smb: pd.Series, name: str, source: str, opts: StatsOptions
) -> tuple[list[ReportTable], list[ReportFigure], list[str]]:
    cov: tuple[Coverage, ...] = (monthly_coverage(smb, name, source),)
    table = smb_momentum(smb, options=opts)
    pairs = table.pairs
    as_of = pd.Timestamp(smb.dropna().index.max())
    labels = {"True": "trailing 12-month SMB > 0", "False": "trailing 12-month SMB <= 0"}
    frame = _conditional_frame([("SMB", table)], labels, header="next 12-month return of")
    anchors = pd.DatetimeIndex(pairs.index)
    report_table = ReportTable(
        "Next 12-month SMB given the sign of the trailing 12-month SMB",
        frame,
        as_of,
        cov,
        formats=stats_formats(digits=2),
        caption=f"Measured at each December month end {anchors.min():%Y-%m} to "
        f"{anchors.max():%Y-%m} ({len(pairs)} non-overlapping years): trailing = prod(1 + SMB) - 1 "
        "over the 12 months to the anchor, outcome = the same over the next 12 months.",
    )
    figure = ReportFigure(
        "Next 12-month SMB by trailing sign",
        mean_ci_chart(
            {labels[k]: table.stats[k] for k in ("True", "False") if k in table.stats},
            title="Next 12-month SMB after a positive / non-positive trailing year",
            y_title="mean next 12-month SMB",
            as_of=as_of,
        ),
        as_of,
        cov,
        caption="Bars: mean per bucket; whiskers: bootstrap CI; n in the labels.",
    )
    note = (
        f"SMB momentum: after a positive trailing year SMB averaged "
        f"{table.stats['True'].mean:.2%} over the next 12 months (n={table.stats['True'].n}), "
        f"after a non-positive one {table.stats['False'].mean:.2%} "
        f"(n={table.stats['False'].n}); permutation p = {table.p_value:.3f}."
        if {"True", "False"} <= set(table.stats)
        else "SMB momentum: only one bucket has observations."
    )
    return [report_table], [figure], [note]


def conditional_section(
    large: IndexBars | None,
    small: IndexBars | None = None,
    smb: pd.Series | None = None,
    *,
    smb_name: str = "FF:SMB:M",
    smb_source: str = "unknown",
    options: StatsOptions | None = None,
) -> ReportSection:
    """Build the conditional-history section.

    Parameters
    ----------
    large, small
        Large-cap index and the second index; both needed for the F27 part.
    smb
        Monthly SMB (decimal fractions) indexed by month end; needed for the SMB part.
    smb_name, smb_source
        Labels of ``smb`` for the coverage line.
    options
        Bootstrap and permutation settings.

    Raises
    ------
    DataError
        Neither part has enough data.
    """
    opts = options or StatsOptions()
    tables: list[ReportTable] = []
    figures: list[ReportFigure] = []
    notes: list[str] = []
    problems: list[str] = []
    if large is not None and small is not None:
        try:
            t, f, n = _h2_part(small, large, opts)
        except DataError as exc:
            problems.append(f"H2 part: {exc}")
        else:
            tables += t
            figures += f
            notes += n
    if smb is not None:
        try:
            t, f, n = _smb_part(smb, smb_name, smb_source, opts)
        except DataError as exc:
            problems.append(f"SMB part: {exc}")
        else:
            tables += t
            figures += f
            notes += n
    if not tables:
        detail = "; ".join(problems) or "needs two index close series or monthly SMB"
        raise DataError(f"conditional history: nothing to show ({detail})")
    notes.append(opts.text())
    notes.append(
        "Permutation p-values assume exchangeable observations; the calendar-year and "
        "December-anchored windows do not overlap, which is why they are used here."
    )
    notes += [f"Left out: {p}" for p in problems]
    return ReportSection(
        TITLE_CONDITIONAL,
        figures=tuple(figures),
        tables=tuple(tables),
        notes=tuple(notes),
        survivorship=INDEX_SMB_SURVIVORSHIP,
    )
