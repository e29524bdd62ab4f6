"""Report section on calendar seasonality (issue 6, docs/methods.md §S2, feature F24).

Shown, each with n, mean, median, hit rate, Newey-West t and a stationary-bootstrap CI
(:mod:`sizeup.analytics.stats._seasonality`, :mod:`sizeup.analytics.stats._core`):

- monthly returns of the large-cap index by calendar month (daily closes compounded into
  calendar months, the first month from the first close);
- the relative monthly return of the second index against the first,
  ``(1 + r_small) / (1 + r_large) - 1``, by calendar month;
- the turn of the year (last 5 December + first 5 January sessions) and the first 5 sessions of
  January, for the large-cap index and for the relative return: one compounded return per
  year's window, and the daily returns inside and outside the windows;
- Fama-French SMB by calendar month (the January effect) and the share of the cumulative SMB
  sum earned in Januaries.

:func:`seasonality_section` builds whatever its inputs allow and raises
:class:`~sizeup.errors.DataError` when they allow nothing.
"""

from __future__ import annotations

import logging
from typing import Final

import pandas as pd

from sizeup.analytics.stats import (
    MONTH_NAMES,
    SampleStats,
    SeasonalTable,
    by_month,
    first_sessions_of_january,
    january_share,
    returns_from_levels,
    turn_of_year,
)
from sizeup.charts import bar_chart
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
    "FIRST_JANUARY_SESSIONS",
    "TITLE_SEASONALITY",
    "TURN_OF_YEAR_SESSIONS",
    "WINDOW_BUCKETS",
    "seasonality_section",
]

log = logging.getLogger(__name__)

TITLE_SEASONALITY: Final = "Seasonality: calendar months, turn of the year, January"
TURN_OF_YEAR_SESSIONS: Final = (5, 5)
"""Last December sessions and first January sessions of the turn-of-the-year window."""
FIRST_JANUARY_SESSIONS: Final = 5
"""Sessions of the "first days of January" window (Keim 1983's first trading week)."""
WINDOW_BUCKETS: Final = {
    "window": "per year, compounded",
    "in_window": "daily, in windows",
    "out_of_window": "daily, other days",
}
"""Display labels of the rows of a window table (see ``turn_of_year``)."""

_MONTH_CAPTION: Final = (
    "Daily closes compounded into calendar-month returns (the first month runs from the first "
    "close); one observation per year in each month row, all months in the last row. Hit rate = "
    "share of months above zero; HAC t = Newey-West t of the mean with the lag shown; CI = "
    "bootstrap interval of the mean."
)


def _month_rows(table: SeasonalTable) -> dict[str, SampleStats]:
    return {("all months" if k == "all" else k): v for k, v in table.stats.items() if v.n > 0}


def _month_table(
    table: SeasonalTable, title: str, as_of: pd.Timestamp, cov: tuple[Coverage, ...], caption: str
) -> ReportTable:
    return ReportTable(
        title,
        stats_frame(_month_rows(table), label="month"),
        as_of,
        cov,
        formats=stats_formats(digits=2),
        caption=caption,
    )


def _month_figure(
    table: SeasonalTable, title: str, as_of: pd.Timestamp, cov: tuple[Coverage, ...], what: str
) -> ReportFigure:
    rows = {k: table.stats[k] for k in MONTH_NAMES if table.stats[k].n > 0}
    return ReportFigure(
        title,
        mean_ci_chart(rows, title=title, y_title=f"mean {what} per month", as_of=as_of),
        as_of,
        cov,
        caption="Bars: mean per calendar month; whiskers: bootstrap CI of the mean; n in labels.",
    )


def _window_frame(tables: list[tuple[str, SeasonalTable]]) -> pd.DataFrame:
    rows: dict[str, SampleStats] = {}
    series: list[str] = []
    for who, table in tables:
        for key in WINDOW_BUCKETS:
            rows[f"{who}: {key}"] = table.stats[key]
            series.append(who)
    frame = stats_frame(rows, label="bucket", extra={"series": series})
    frame["bucket"] = [label for _ in tables for label in WINDOW_BUCKETS.values()]
    return frame[["series", *[c for c in frame.columns if c != "series"]]]


def _windows(
    returns: pd.Series, benchmark: pd.Series | None, who: str, opts: StatsOptions
) -> list[tuple[str, SeasonalTable]]:
    n_dec, n_jan = TURN_OF_YEAR_SESSIONS
    return [
        (
            who,
            turn_of_year(
                returns,
                benchmark=benchmark,
                n_dec=n_dec,
                n_jan=n_jan,
                level=opts.level,
                reps=opts.reps,
                seed=opts.seed,
            ),
        ),
        (
            who,
            first_sessions_of_january(
                returns,
                benchmark=benchmark,
                n=FIRST_JANUARY_SESSIONS,
                level=opts.level,
                reps=opts.reps,
                seed=opts.seed,
            ),
        ),
    ]


def seasonality_section(
    large: IndexBars | None,
    small: IndexBars | None = None,
    smb: pd.Series | None = None,
    *,
    smb_name: str = "FF:SMB:M",
    smb_source: str = "unknown",
    options: StatsOptions | None = None,
) -> ReportSection:
    """Build the seasonality section.

    Parameters
    ----------
    large
        Large-cap index (``^GSPC``); its month table and window table. ``None`` leaves those
        out.
    small
        Second index (``^IXIC`` on the sample, ``^RUT`` when the store has it); with ``large``
        it adds the relative-return month and window tables.
    smb
        Monthly SMB (decimal fractions) indexed by month end; adds the January-effect table.
    smb_name, smb_source
        Labels of ``smb`` for the coverage line.
    options
        Bootstrap settings (:class:`~sizeup.report.sections.StatsOptions`).

    Raises
    ------
    DataError
        No input with enough data (``large`` with two closes, or ``smb`` with 12 months).
    """
    opts = options or StatsOptions()
    tables: list[ReportTable] = []
    figures: list[ReportFigure] = []
    notes: list[str] = []
    window_tables: list[tuple[str, SeasonalTable]] = []
    window_cov: list[Coverage] = []
    window_as_of: list[pd.Timestamp] = []

    if large is not None and len(large.close) >= 2:
        r_large = returns_from_levels(large.close)
        cov_l = (daily_coverage(large),)
        as_of = pd.Timestamp(large.close.index.max())
        months = by_month(r_large, level=opts.level, reps=opts.reps, seed=opts.seed)
        title = f"Monthly returns by calendar month: {large.label}"
        tables.append(_month_table(months, title, as_of, cov_l, _MONTH_CAPTION))
        figures.append(
            _month_figure(months, f"{large.name}: mean return by month", as_of, cov_l, "return")
        )
        try:
            window_tables += _windows(r_large, None, large.name, opts)
        except DataError as exc:
            notes.append(f"Turn-of-the-year and January windows left out: {exc}.")
        else:
            window_cov += list(cov_l)
            window_as_of.append(as_of)
        jan = months.stats["Jan"]
        if jan.n:
            notes.append(
                f"{large.name}: {jan.n} Januaries, mean {jan.mean:.2%} (CI {jan.ci_low:.2%} to "
                f"{jan.ci_high:.2%}) against {months.stats['all'].mean:.2%} over all "
                f"{months.stats['all'].n} months."
            )
        notes.append(f"{large.name} is a price index: dividends are not included.")
        if small is not None and len(small.close) >= 2:
            r_small = returns_from_levels(small.close)
            cov_r = (daily_coverage(small), *cov_l)
            as_of_r = min(as_of, pd.Timestamp(small.close.index.max()))
            rel = by_month(
                r_small, benchmark=r_large, level=opts.level, reps=opts.reps, seed=opts.seed
            )
            title = f"{small.name} relative to {large.name} by calendar month"
            tables.append(
                _month_table(
                    rel,
                    title,
                    as_of_r,
                    cov_r,
                    f"Relative monthly return (1 + r_{small.symbol}) / (1 + r_{large.symbol}) - 1 "
                    f"of the compounded monthly returns; above zero = {small.name} ahead. "
                    + _MONTH_CAPTION,
                )
            )
            figures.append(
                _month_figure(
                    rel,
                    f"{small.name} vs {large.name}: mean relative return by month",
                    as_of_r,
                    cov_r,
                    "relative return",
                )
            )
            who = f"{small.name} vs {large.name}"
            try:
                rel_windows = _windows(r_small, r_large, who, opts)
            except DataError:
                rel_windows = []  # the same gap as for the large-cap index, noted above
            window_tables += rel_windows
            if rel_windows:
                window_cov.append(cov_r[0])
                window_as_of.append(as_of_r)
            turn = rel_windows[0][1] if rel_windows else None
            if turn is not None and turn.windows is not None and len(turn.windows):
                years = turn.windows
                figures.append(
                    ReportFigure(
                        f"Turn-of-the-year window by year: {who}",
                        bar_chart(
                            years.set_axis([str(y) for y in years.index]),
                            title=f"Turn-of-the-year relative return by year: {who}",
                            y_title="relative return over the window",
                            as_of=as_of_r,
                            percent=True,
                        ),
                        as_of_r,
                        cov_r,
                        caption=f"Compounded daily relative return over the last "
                        f"{TURN_OF_YEAR_SESSIONS[0]} December and first {TURN_OF_YEAR_SESSIONS[1]}"
                        " January sessions, labelled by the January's year.",
                    )
                )

    n_dec, n_jan = TURN_OF_YEAR_SESSIONS
    window_titles = (
        (
            f"Turn of the year: last {n_dec} December and first {n_jan} January sessions",
            "turn of year",
        ),
        (f"First {FIRST_JANUARY_SESSIONS} sessions of January", "January"),
    )
    for i, (title, what) in enumerate(window_titles):
        chosen = window_tables[i::2]
        if not chosen:
            continue
        tables.append(
            ReportTable(
                title,
                _window_frame(chosen),
                max(window_as_of),
                tuple(dict.fromkeys(window_cov)),
                formats=stats_formats(digits=3),
                caption=f"Per-year rows: one compounded return per complete {what} window "
                f"({chosen[0][1].notes[0] if chosen[0][1].notes else ''}); daily rows compare "
                "the sessions inside all windows with the other sessions.",
            )
        )

    if smb is not None and smb.dropna().size >= 12:
        s = smb.dropna().astype("float64")
        cov_s = (monthly_coverage(smb, smb_name, smb_source),)
        as_of_s = pd.Timestamp(s.index.max())
        smb_months = by_month(s, level=opts.level, reps=opts.reps, seed=opts.seed)
        tables.append(
            _month_table(
                smb_months,
                "SMB by calendar month (the January effect)",
                as_of_s,
                cov_s,
                "Fama-French SMB (small minus big) monthly returns grouped by calendar month. "
                "Hit rate = share of months in which small beat big.",
            )
        )
        figures.append(
            _month_figure(smb_months, "SMB: mean by calendar month", as_of_s, cov_s, "SMB")
        )
        jan = smb_months.stats["Jan"]
        rest = s[pd.DatetimeIndex(s.index).month != 1]
        notes.append(
            f"January effect: SMB averaged {jan.mean:.2%} in {jan.n} Januaries (HAC t "
            f"{jan.hac_t:.2f}) against {float(rest.mean()):.3%} in the other {len(rest)} months; "
            f"Januaries supply {january_share(s):.0%} of the cumulative SMB sum "
            f"{s.index.min():%Y-%m} to {s.index.max():%Y-%m} (docs/methods.md §S2)."
        )

    if not tables:
        raise DataError(
            "seasonality: no input with data (large-cap closes need 2 rows, SMB 12 months); "
            f"got large={large.symbol if large else None}, smb rows="
            f"{0 if smb is None else int(smb.notna().sum())}"
        )
    notes.append(opts.text())
    if large is not None:
        n_years = len(set(pd.DatetimeIndex(large.close.index).year))
        if n_years < 40:
            notes.append(
                f"Small sample: about {n_years} years of daily data, so each calendar-month row "
                "holds about that many observations and the intervals are wide; read the "
                "month rows as description, not as evidence of a reliable pattern."
            )
    return ReportSection(
        TITLE_SEASONALITY,
        figures=tuple(figures),
        tables=tuple(tables),
        notes=tuple(notes),
        survivorship=INDEX_SMB_SURVIVORSHIP,
    )
