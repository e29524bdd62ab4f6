"""Report sections on the size effect, built from the offline sample or from the store.

Sections
--------
- **Size premium (SMB)**: mean monthly SMB, annualised (x12, arithmetic), t-statistic
  ``mean / (sd / sqrt(n))`` with the sample standard deviation (``ddof=1``), January versus
  February-December, by decade, by calendar month. Method and published reference values:
  docs/methods.md §S4.
- **Small vs big portfolios**: from French's size x book-to-market portfolios, *small* is the
  equal-weighted average of the smallest size quintile's portfolios ``S1V1``, ``S1V3``,
  ``S1V5`` and *big* the same for the largest quintile (``S5V1``, ``S5V3``, ``S5V5``), rebalanced
  monthly. Shown: growth of $1, relative wealth small / big, and the rolling 36-month relative
  return ``prod(1 + small) / prod(1 + big) - 1`` over the trailing 36 months. From the store,
  when those portfolios are absent, the smallest and largest value-weighted size deciles
  (``FF:ME_VW_M:DEC01`` / ``DEC10``) are used instead.
- **Index prices**: S&P 500 (``^GSPC``) and NASDAQ Composite (``^IXIC``) daily closes, with total
  and annualised price return and the largest drawdown.

:func:`sample_plan` builds all three from the data shipped in the arch and linearmodels wheels;
:func:`store_plan` builds those whose inputs exist in the store
(:class:`~sizeup.app.reports.ReportData`) and names the missing series or symbols of the others.
"""

from __future__ import annotations

import functools
import logging
import math
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

import exchange_calendars as xcals
import numpy as np
import pandas as pd

from sizeup.analytics.stats import sample_stats
from sizeup.app.reports import ReportData, SampleData
from sizeup.charts import bar_chart, line_chart
from sizeup.errors import DataError
from sizeup.report._render import Coverage, ReportFigure, ReportSection, ReportTable

__all__ = [
    "BIG_IDS",
    "DECILE_BIG_ID",
    "DECILE_LEGS",
    "DECILE_SMALL_ID",
    "INDEX_SYMBOLS",
    "SIZE_VALUE_LEGS",
    "SMALL_IDS",
    "SMB_ID",
    "TITLE_INDEX_PRICES",
    "TITLE_SIZE_PREMIUM",
    "TITLE_SMALL_BIG",
    "PremiumStats",
    "SectionPlan",
    "SkippedSection",
    "SmallBigLegs",
    "index_prices_section",
    "index_summary",
    "premium_stats",
    "sample_plan",
    "size_premium_section",
    "size_premium_table",
    "small_big_frame",
    "small_big_section",
    "store_plan",
]

log = logging.getLogger(__name__)

SMB_ID: Final = "FF:SMB:M"
SMALL_IDS: Final = ("FF:25P:S1V1:M", "FF:25P:S1V3:M", "FF:25P:S1V5:M")
BIG_IDS: Final = ("FF:25P:S5V1:M", "FF:25P:S5V3:M", "FF:25P:S5V5:M")
DECILE_SMALL_ID: Final = "FF:ME_VW_M:DEC01"
DECILE_BIG_ID: Final = "FF:ME_VW_M:DEC10"
INDEX_SYMBOLS: Final = {"^GSPC": "S&P 500", "^IXIC": "NASDAQ Composite"}

TITLE_SIZE_PREMIUM: Final = "Size premium (SMB)"
TITLE_SMALL_BIG: Final = "Small vs big portfolios"
TITLE_INDEX_PRICES: Final = "S&P 500 and NASDAQ Composite prices (daily)"

_WINDOW: Final = 36
_MONTH_ENDS: Final = "month ends"
_SESSIONS: Final = "XNYS sessions"
_FRENCH_SURVIVORSHIP: Final = (
    "French's portfolios and factors are formed each June from all NYSE, AMEX and NASDAQ "
    "stocks in CRSP at that date, including firms that later delisted, so they carry no "
    "survivorship bias from current membership."
)


# ---------------------------------------------------------------------------------- calendars
def _month_end_grid(first: pd.Timestamp, last: pd.Timestamp) -> pd.DatetimeIndex:
    return pd.date_range(first, last, freq="ME")


_XNYS_SPAN: Final = ("1960-01-01", "2035-12-31")
"""One XNYS calendar of this span serves every coverage line inside it (built once)."""


@functools.lru_cache(maxsize=1)
def _xnys_span() -> pd.DatetimeIndex | None:
    return _xnys_range(*_XNYS_SPAN)


@functools.lru_cache(maxsize=16)
def _xnys_sessions(first: str, last: str) -> pd.DatetimeIndex | None:
    """XNYS sessions from ``first`` to ``last``; ``None`` when the calendar cannot say.

    Cut from one calendar of :data:`_XNYS_SPAN` when both ends are distinct sessions inside it
    (what a calendar of just that range gives, without building one per input); otherwise a
    calendar of the range itself.
    """
    span = _xnys_span()
    lo, hi = pd.Timestamp(first), pd.Timestamp(last)
    if span is not None and lo < hi and lo in span and hi in span:
        return span[(span >= lo) & (span <= hi)]
    return _xnys_range(first, last)


def _xnys_range(first: str, last: str) -> pd.DatetimeIndex | None:
    try:
        with warnings.catch_warnings():
            # exchange_calendars trips a pandas-3 deprecation inside its own code
            warnings.filterwarnings(
                "ignore", message="Series.values returning an ndarray", category=DeprecationWarning
            )
            cal = xcals.get_calendar("XNYS", start=first, end=last)
            sessions = cal.sessions_in_range(first, last)
    except (ValueError, xcals.errors.CalendarError) as exc:
        log.warning("XNYS calendar unavailable for %s..%s: %s", first, last, exc)
        return None
    return pd.DatetimeIndex(pd.DatetimeIndex(sessions).tz_localize(None).astype("datetime64[ns]"))


def _monthly_coverage(data: pd.Series | pd.DataFrame, name: str, source: str) -> Coverage:
    index = pd.DatetimeIndex(data.index)
    grid = _month_end_grid(index.min(), index.max()) if len(index) else None
    return Coverage.of(data, name=name, source=source, expected=grid, calendar=_MONTH_ENDS)


def _daily_coverage(data: pd.Series, name: str, source: str) -> Coverage:
    clean = data.dropna()
    if clean.empty:
        return Coverage.of(data, name=name, source=source)
    first, last = clean.index.min(), clean.index.max()
    sessions = _xnys_sessions(f"{first:%Y-%m-%d}", f"{last:%Y-%m-%d}")
    if sessions is None:
        return Coverage.of(data, name=name, source=source)
    return Coverage.of(data, name=name, source=source, expected=sessions, calendar=_SESSIONS)


# ---------------------------------------------------------------------------------- size premium
@dataclass(frozen=True)
class PremiumStats:
    """Mean and t-statistic of a monthly return series over one period.

    Parameters
    ----------
    label
        Period label.
    first, last
        First and last month used.
    n
        Months with a value.
    mean
        Arithmetic mean, decimal fraction per month.
    sd
        Sample standard deviation (``ddof=1``) per month.
    t
        ``mean / (sd / sqrt(n))``; NaN when ``n < 2`` or ``sd == 0``.
    """

    label: str
    first: pd.Timestamp | None
    last: pd.Timestamp | None
    n: int
    mean: float
    sd: float
    t: float

    @property
    def annualised(self) -> float:
        """Arithmetic annualisation ``12 * mean`` (docs/methods.md §S4 convention)."""
        return 12.0 * self.mean

    def summary(self) -> str:
        """One line: period, n, mean %/month, annualised %/yr and t."""
        return (
            f"{self.label}: n={self.n}, mean={self.mean:.3%}/month "
            f"({self.annualised:.2%}/yr), t={self.t:.2f}"
        )


def premium_stats(returns: pd.Series, *, label: str) -> PremiumStats:
    """Summarise a monthly return series.

    Parameters
    ----------
    returns
        Monthly returns as decimal fractions, indexed by date; NaN values are dropped.
    label
        Period label stored in the result.

    Returns
    -------
    PremiumStats
    """
    r = returns.dropna().astype("float64")
    if r.empty:
        return PremiumStats(label, None, None, 0, math.nan, math.nan, math.nan)
    st = sample_stats(r, bootstrap=False)  # the one implementation of n, mean, sd and t
    return PremiumStats(label, r.index.min(), r.index.max(), st.n, st.mean, st.std, st.t_stat)


def size_premium_table(smb: pd.Series) -> pd.DataFrame:
    """Size-premium statistics: all months, January, February-December, and each decade.

    Parameters
    ----------
    smb
        Monthly SMB returns (decimal fractions) indexed by month end.

    Returns
    -------
    pandas.DataFrame
        Columns ``period``, ``first``, ``last``, ``n``, ``mean`` (per month), ``annualised``
        (x12), ``sd`` (per month), ``t``. Decades are labelled ``1920s`` etc. and use only the
        months inside the data.
    """
    r = smb.dropna()
    month = pd.DatetimeIndex(r.index).month
    parts = [
        premium_stats(r, label="All months"),
        premium_stats(r[month == 1], label="January"),
        premium_stats(r[month != 1], label="February-December"),
    ]
    decade = (pd.DatetimeIndex(r.index).year // 10) * 10
    for start in sorted(set(decade)):
        parts.append(premium_stats(r[decade == start], label=f"{start}s"))
    return pd.DataFrame(
        [
            {
                "period": p.label,
                "first": p.first,
                "last": p.last,
                "n": p.n,
                "mean": p.mean,
                "annualised": p.annualised,
                "sd": p.sd,
                "t": p.t,
            }
            for p in parts
        ]
    )


def _january_share(smb: pd.Series) -> float:
    r = smb.dropna()
    total = float(r.sum())
    jan = float(r[pd.DatetimeIndex(r.index).month == 1].sum())
    return jan / total if total != 0 else math.nan


_PREMIUM_FORMATS: Final = {
    "mean %/month": "{:.3%}",
    "annualised %/yr": "{:.2%}",
    "sd %/month": "{:.2%}",
    "t-stat": "{:.2f}",
}


def _premium_display(table: pd.DataFrame) -> pd.DataFrame:
    return table.rename(
        columns={
            "n": "months",
            "mean": "mean %/month",
            "annualised": "annualised %/yr",
            "sd": "sd %/month",
            "t": "t-stat",
        }
    )


def size_premium_section(smb: pd.Series, *, source: str, name: str = SMB_ID) -> ReportSection:
    """Build the size-premium section from monthly SMB returns.

    Parameters
    ----------
    smb
        Monthly SMB (decimal fractions) indexed by month end.
    source
        Where the series comes from (shown in the coverage line).
    name
        Series label for the coverage line.

    Raises
    ------
    DataError
        ``smb`` has fewer than 2 values.
    """
    r = smb.dropna().astype("float64")
    if len(r) < 2:
        raise DataError(f"size premium: series {name!r} has {len(r)} values; at least 2 needed")
    cov = (_monthly_coverage(smb, name, source),)
    as_of = pd.Timestamp(r.index.max())
    table = size_premium_table(r)
    overall, jan, rest = (premium_stats(r, label="all"), *_month_split(r))
    share = _january_share(r)

    by_month = r.groupby(pd.DatetimeIndex(r.index).month)
    month_stats = [premium_stats(g, label=str(m)) for m, g in by_month]
    month_means = pd.Series(
        [s.mean for s in month_stats],
        index=[pd.Timestamp(2000, int(s.label), 1).strftime("%b") for s in month_stats],
    )
    month_labels = [f"t={s.t:.1f}" for s in month_stats]
    decades = table.iloc[3:]
    decade_means = pd.Series(decades["annualised"].to_numpy(), index=decades["period"])
    decade_labels = [f"t={t:.1f}, n={n}" for t, n in zip(decades["t"], decades["n"], strict=True)]
    growth = (1.0 + r).cumprod()

    figures = (
        ReportFigure(
            "Mean SMB by calendar month",
            bar_chart(
                month_means,
                title="Mean SMB by calendar month (%/month)",
                y_title="mean SMB per month",
                as_of=as_of,
                percent=True,
                labels=month_labels,
            ),
            as_of,
            cov,
            caption="Arithmetic mean of SMB in each calendar month; labels give the t-statistic.",
        ),
        ReportFigure(
            "Annualised SMB by decade",
            bar_chart(
                decade_means,
                title="Annualised SMB by decade (12 x monthly mean)",
                y_title="SMB per year",
                as_of=as_of,
                percent=True,
                labels=decade_labels,
            ),
            as_of,
            cov,
            caption="12 times the decade's mean monthly SMB; first and last decades are partial.",
        ),
        ReportFigure(
            "Growth of $1 in the SMB long-short portfolio",
            line_chart(
                growth.rename("SMB growth of $1"),
                title="Growth of $1 in SMB (small minus big), compounded monthly",
                y_title="growth of $1 (log scale)",
                as_of=as_of,
                log_y=True,
            ),
            as_of,
            cov,
            caption="Cumulative product of (1 + SMB); SMB is a zero-cost long-short return.",
        ),
    )
    notes = (
        f"Sample {r.index.min():%Y-%m} to {r.index.max():%Y-%m}, n = {len(r):,} months: "
        f"mean SMB {overall.mean:.3%} per month ({overall.annualised:.2%} per year, x12), "
        f"t = {overall.t:.2f}.",
        f"January: {jan.mean:.3%} per month (t = {jan.t:.2f}, n = {jan.n}); "
        f"February-December: {rest.mean:.3%} per month (t = {rest.t:.2f}, n = {rest.n}). "
        f"Januaries supply {share:.0%} of the cumulative SMB sum.",
        "t = mean / (sd / sqrt(n)) with the sample standard deviation, no autocorrelation "
        "correction. Reference (docs/methods.md §S4, French December-2024 vintage, 1926-07 to "
        "2024-06): 0.175 % per month, t = 1.89; January 1.94 % per month, t = 5.54. French "
        "revises history between vintages, so other vintages differ slightly.",
    )
    return ReportSection(
        TITLE_SIZE_PREMIUM,
        figures=figures,
        tables=(
            ReportTable(
                "SMB summary: all months, January effect, decades",
                _premium_display(table),
                as_of,
                cov,
                formats=_PREMIUM_FORMATS,
                caption="Mean monthly SMB, 12 x mean, sample standard deviation and t-statistic "
                "per period; first/last are the months used.",
            ),
        ),
        notes=notes,
        survivorship=_FRENCH_SURVIVORSHIP,
    )


def _month_split(r: pd.Series) -> tuple[PremiumStats, PremiumStats]:
    month = pd.DatetimeIndex(r.index).month
    return (
        premium_stats(r[month == 1], label="January"),
        premium_stats(r[month != 1], label="February-December"),
    )


# ---------------------------------------------------------------------------------- small vs big
@dataclass(frozen=True)
class SmallBigLegs:
    """Which portfolios form the small and the big leg, and how to describe them.

    Parameters
    ----------
    small, big
        Columns averaged with equal weights into each leg.
    small_label, big_label
        Row labels of the summary table.
    description
        Sentence describing the construction (shown as a note).
    """

    small: tuple[str, ...]
    big: tuple[str, ...]
    small_label: str
    big_label: str
    description: str


SIZE_VALUE_LEGS: Final = SmallBigLegs(
    SMALL_IDS,
    BIG_IDS,
    "Small (S1: V1, V3, V5)",
    "Big (S5: V1, V3, V5)",
    "Small = equal-weighted average of French's three smallest-quintile size x book-to-market "
    "portfolios (S1V1 low, S1V3 middle, S1V5 high book-to-market); big = the same for the "
    "largest quintile (S5V1, S5V3, S5V5); rebalanced monthly.",
)
DECILE_LEGS: Final = SmallBigLegs(
    (DECILE_SMALL_ID,),
    (DECILE_BIG_ID,),
    "Small (smallest size decile, VW)",
    "Big (largest size decile, VW)",
    "Small = French's value-weighted smallest size decile, big = the largest decile "
    "(Portfolios Formed on ME).",
)


def small_big_frame(
    portfolios: pd.DataFrame,
    *,
    small: Sequence[str] = SMALL_IDS,
    big: Sequence[str] = BIG_IDS,
    window: int = _WINDOW,
) -> pd.DataFrame:
    """Small and big returns, their growth of $1, relative wealth and rolling relative return.

    Parameters
    ----------
    portfolios
        Monthly portfolio returns (decimal fractions) indexed by month end.
    small, big
        Columns averaged (equal weights) into the small and the big leg. A month where any of
        them is NaN is left out.
    window
        Months of the rolling relative return.

    Returns
    -------
    pandas.DataFrame
        Columns ``small``, ``big`` (monthly returns), ``small_growth``, ``big_growth``
        (cumulative product of 1 + r), ``relative`` (``small_growth / big_growth``) and
        ``rolling`` (``prod(1 + small) / prod(1 + big) - 1`` over the last ``window`` months,
        NaN for the first ``window - 1`` months).

    Raises
    ------
    DataError
        A requested column is missing.
    """
    absent = [c for c in (*small, *big) if c not in portfolios.columns]
    if absent:
        raise DataError(
            f"small vs big: columns {absent} are missing; found {list(portfolios.columns)}"
        )
    legs = pd.DataFrame(
        {
            "small": portfolios[list(small)].mean(axis=1, skipna=False),
            "big": portfolios[list(big)].mean(axis=1, skipna=False),
        }
    ).dropna()
    out = legs.copy()
    out["small_growth"] = (1.0 + legs["small"]).cumprod()
    out["big_growth"] = (1.0 + legs["big"]).cumprod()
    out["relative"] = out["small_growth"] / out["big_growth"]
    log_rel = np.log1p(legs["small"]) - np.log1p(legs["big"])
    out["rolling"] = np.expm1(log_rel.rolling(window, min_periods=window).sum())
    return out


def small_big_section(
    portfolios: pd.DataFrame,
    *,
    sources: Mapping[str, str],
    legs: SmallBigLegs = SIZE_VALUE_LEGS,
    window: int = _WINDOW,
) -> ReportSection:
    """Build the small-vs-big section from size x book-to-market portfolio returns.

    Parameters
    ----------
    portfolios
        Monthly returns (decimal fractions), columns include the legs' columns.
    sources
        Column -> source label for the coverage lines.
    legs
        Leg construction (default: size x book-to-market quintiles 1 and 5).
    window
        See :func:`small_big_frame`.

    Raises
    ------
    DataError
        Columns missing or fewer than ``window`` complete months.
    """
    small, big = legs.small, legs.big
    frame = small_big_frame(portfolios, small=small, big=big, window=window)
    if len(frame) < window:
        raise DataError(f"small vs big: {len(frame)} complete months; at least {window} are needed")
    cov = tuple(
        _monthly_coverage(portfolios[c], c, sources.get(c, "unknown")) for c in (*small, *big)
    )
    as_of = pd.Timestamp(frame.index.max())
    n = len(frame)
    rows = []
    for label, col in ((legs.small_label, "small"), (legs.big_label, "big")):
        r = frame[col]
        wealth = float(frame[f"{col}_growth"].iloc[-1])
        rows.append(
            {
                "portfolio": label,
                "first": frame.index.min(),
                "last": frame.index.max(),
                "months": n,
                "mean %/month": float(r.mean()),
                "geometric %/yr": wealth ** (12.0 / n) - 1.0,
                "volatility %/yr": float(r.std(ddof=1)) * math.sqrt(12.0),
                "growth of $1": wealth,
            }
        )
    rel_end = float(frame["relative"].iloc[-1])
    diff = frame["small"] - frame["big"]
    rows.append(
        {
            "portfolio": "Small relative to big",
            "first": frame.index.min(),
            "last": frame.index.max(),
            "months": n,
            "mean %/month": float(diff.mean()),
            "geometric %/yr": rel_end ** (12.0 / n) - 1.0,
            "volatility %/yr": float(diff.std(ddof=1)) * math.sqrt(12.0),
            "growth of $1": rel_end,
        }
    )
    table = pd.DataFrame(rows)
    rolling = frame["rolling"].dropna()
    ahead = float((rolling > 0).mean())
    figures = (
        ReportFigure(
            "Growth of $1: small vs big",
            line_chart(
                frame[["small_growth", "big_growth"]].rename(
                    columns={"small_growth": "small", "big_growth": "big"}
                ),
                title="Growth of $1, small vs big size quintile",
                y_title="growth of $1 (log scale)",
                as_of=as_of,
                log_y=True,
            ),
            as_of,
            cov,
            caption="Cumulative product of (1 + monthly return) of each leg.",
        ),
        ReportFigure(
            "Relative wealth small / big",
            line_chart(
                frame["relative"].rename("small / big"),
                title="Relative wealth: small growth / big growth (rising = small ahead)",
                y_title="ratio (log scale)",
                as_of=as_of,
                log_y=True,
            ),
            as_of,
            cov,
            caption="Growth of $1 in small divided by growth of $1 in big.",
        ),
        ReportFigure(
            f"Rolling {window}-month relative return",
            line_chart(
                frame["rolling"].rename(f"{window}-month small vs big"),
                title=f"Rolling {window}-month return of small relative to big",
                y_title=f"{window}-month relative return",
                as_of=as_of,
                percent=True,
                zero_line=True,
            ),
            as_of,
            cov,
            caption=f"prod(1 + small) / prod(1 + big) - 1 over the trailing {window} months.",
        ),
    )
    notes = (
        f"{legs.description} Months with a missing portfolio return are left out.",
        f"Small was ahead over {ahead:.0%} of the {len(rolling):,} rolling {window}-month "
        f"windows; latest {window}-month relative return "
        f"{float(rolling.iloc[-1]):.1%} (to {rolling.index[-1]:%Y-%m}).",
    )
    return ReportSection(
        TITLE_SMALL_BIG,
        figures=figures,
        tables=(
            ReportTable(
                "Small vs big: returns over the sample",
                table,
                as_of,
                cov,
                formats={
                    "mean %/month": "{:.3%}",
                    "geometric %/yr": "{:.2%}",
                    "volatility %/yr": "{:.2%}",
                    "growth of $1": "{:,.2f}",
                },
                caption="Geometric %/yr = growth^(12/months) - 1; the last row uses the "
                "relative wealth small / big and the monthly difference small - big.",
            ),
        ),
        notes=notes,
        survivorship=_FRENCH_SURVIVORSHIP,
    )


# ---------------------------------------------------------------------------------- index prices
def index_summary(closes: pd.DataFrame) -> pd.DataFrame:
    """Price-return summary of daily index closes.

    Parameters
    ----------
    closes
        Daily closes indexed by date, one column per symbol; NaN values are dropped per symbol.

    Returns
    -------
    pandas.DataFrame
        One row per symbol: ``symbol``, ``first``, ``last``, ``rows``, ``first close``,
        ``last close``, ``price return`` (last / first - 1), ``annualised`` (over calendar
        time, 365.25-day years), ``max drawdown`` (most negative close / running peak - 1),
        ``peak`` and ``trough`` dates of that drawdown.
    """
    rows = []
    for symbol in closes.columns:
        c = closes[symbol].dropna()
        if c.empty:
            continue
        first, last = c.index.min(), c.index.max()
        years = (last - first).days / 365.25
        total = float(c.iloc[-1] / c.iloc[0] - 1.0)
        drawdown = c / c.cummax() - 1.0
        trough = drawdown.idxmin()
        peak = c.loc[:trough].idxmax()
        rows.append(
            {
                "symbol": symbol,
                "first": first,
                "last": last,
                "rows": len(c),
                "first close": float(c.iloc[0]),
                "last close": float(c.iloc[-1]),
                "price return": total,
                "annualised": (1.0 + total) ** (1.0 / years) - 1.0 if years > 0 else math.nan,
                "max drawdown": float(drawdown.min()),
                "peak": peak,
                "trough": trough,
            }
        )
    return pd.DataFrame(rows)


def index_prices_section(closes: pd.DataFrame, *, sources: Mapping[str, str]) -> ReportSection:
    """Build the daily index price section.

    Parameters
    ----------
    closes
        Daily closes indexed by date, columns are symbols (``^GSPC``, ``^IXIC``, ...).
    sources
        Symbol -> source label for the coverage lines.

    Raises
    ------
    DataError
        No column has data.
    """
    columns = [c for c in closes.columns if closes[c].notna().any()]
    if not columns:
        raise DataError(
            f"index prices: no closes in columns {list(closes.columns)}; nothing to chart"
        )
    figures = []
    covs = []
    for symbol in columns:
        c = closes[symbol].dropna()
        cov = _daily_coverage(c, str(symbol), sources.get(symbol, "unknown"))
        covs.append(cov)
        name = INDEX_SYMBOLS.get(str(symbol), str(symbol))
        as_of = pd.Timestamp(c.index.max())
        figures.append(
            ReportFigure(
                f"{name} ({symbol}) daily close",
                line_chart(
                    c.rename(f"{symbol} close"),
                    title=f"{name} ({symbol}) daily close",
                    y_title="index points (log scale)",
                    as_of=as_of,
                    log_y=True,
                ),
                as_of,
                (cov,),
                caption="Daily closing level, price index (dividends not included).",
            )
        )
    summary = index_summary(closes[columns])
    table = ReportTable(
        "Price return and largest drawdown",
        summary,
        pd.Timestamp(summary["last"].max()),
        tuple(covs),
        formats={
            "first close": "{:,.2f}",
            "last close": "{:,.2f}",
            "price return": "{:.1%}",
            "annualised": "{:.2%}",
            "max drawdown": "{:.1%}",
        },
        caption="Price return = last close / first close - 1 (no dividends); annualised over "
        "calendar time; max drawdown = lowest close relative to its running peak.",
    )
    return ReportSection(
        TITLE_INDEX_PRICES,
        figures=tuple(figures),
        tables=(table,),
        notes=(
            "Index levels as published (price indices, dividends excluded). Missing days are "
            "counted against the NYSE (XNYS) trading calendar.",
        ),
        survivorship="index levels are as published at each date, so they include the "
        "constituents of that date; they are not rebuilt from today's members.",
    )


# ---------------------------------------------------------------------------------- plans
@dataclass(frozen=True)
class SkippedSection:
    """A section that could not be built.

    Parameters
    ----------
    title
        Section title.
    missing
        Series ids or symbols that are absent (or too short).
    reason
        Short explanation.
    """

    title: str
    missing: tuple[str, ...]
    reason: str = "data missing"

    def text(self) -> str:
        """One line naming the section and the missing inputs."""
        return f"{self.title}: skipped, {self.reason}: {', '.join(self.missing)}"


@dataclass(frozen=True)
class SectionPlan:
    """Sections ready to render, with the skipped ones and the header text.

    Parameters
    ----------
    sections
        Built sections in display order.
    skipped
        Sections left out and why.
    intro
        Header paragraphs (data sources, sample statement, skipped sections).
    title
        Report title.
    """

    sections: tuple[ReportSection, ...]
    skipped: tuple[SkippedSection, ...]
    intro: tuple[str, ...]
    title: str

    @property
    def as_of(self) -> pd.Timestamp | None:
        """Latest as-of date over the sections."""
        dates = [s.as_of for s in self.sections if s.as_of is not None]
        return max(dates) if dates else None

    def summary(self) -> str:
        """Plain-text outline of the plan."""
        lines = [f"{self.title}: {len(self.sections)} sections"]
        lines += [s.summary() for s in self.sections]
        lines += [s.text() for s in self.skipped]
        return "\n".join(lines)


SAMPLE_TITLE: Final = "sizeup: small vs large caps (offline sample)"
SAMPLE_INTRO: Final = (
    "Offline sample: every number in this report comes from data files bundled inside the "
    "installed Python packages arch (S&P 500 and NASDAQ Composite daily prices 1999-2018, "
    "Fama-French factors 1926-2018, Moody's AAA/BAA yields) and linearmodels (French size x "
    "book-to-market, size x momentum and industry portfolios 1949-2017). No network was used.",
    "Original providers: Yahoo Finance (index levels), the Kenneth R. French Data Library, "
    "built from CRSP (factors and portfolios), Moody's via FRED (bond yields). The bundled "
    "files are older snapshots, so the data end in 2017-2018, and French revises history "
    "between vintages; current downloads (sizeup fetch) differ slightly.",
    "Returns are computed as decimal fractions and displayed in percent.",
)


def sample_plan(sample: SampleData) -> SectionPlan:
    """All sections from the offline sample (arch and linearmodels wheels); no network.

    Parameters
    ----------
    sample
        The sample (:func:`sizeup.app.reports.load_sample`).
    """
    smb = sample.factors["smb"]
    pv = sample.size_value
    portfolios = pv.rename(columns={c: f"FF:25P:{c.upper()}:M" for c in pv.columns})
    closes = pd.DataFrame({"^GSPC": sample.sp500["close"], "^IXIC": sample.nasdaq["close"]})
    sections = (
        size_premium_section(smb, source=sample.source_arch),
        small_big_section(
            portfolios, sources=dict.fromkeys(portfolios.columns, sample.source_linearmodels)
        ),
        index_prices_section(closes, sources=dict.fromkeys(closes.columns, sample.source_arch)),
    )
    return SectionPlan(sections, (), SAMPLE_INTRO, SAMPLE_TITLE)


def store_plan(store: ReportData, *, index_prices: bool = True) -> SectionPlan:
    """Sections whose inputs exist in the store; the others are listed as skipped.

    Needs ``FF:SMB:M`` for the size premium; for small vs big the six ``FF:25P:S1V*:M`` /
    ``FF:25P:S5V*:M`` series (written by :func:`sizeup.data.datasets.import_sample`) or, failing
    those, the size deciles ``FF:ME_VW_M:DEC01`` and ``FF:ME_VW_M:DEC10``; bars of ``^GSPC``
    and/or ``^IXIC`` for the price charts.

    Parameters
    ----------
    store
        The store's data, cut at the report's as-of date (:class:`sizeup.app.reports.ReportData`).
    index_prices
        Build the index price section (``False``: neither read nor listed).
    """
    sections: list[ReportSection] = []
    skipped: list[SkippedSection] = []
    ids = [SMB_ID, *SMALL_IDS, *BIG_IDS]
    wide = store.series(ids)
    sources = store.series_sources(ids)

    smb = wide[SMB_ID].dropna() if SMB_ID in wide.columns else pd.Series(dtype="float64")
    if len(smb) >= 2:
        sections.append(size_premium_section(smb, source=sources.get(SMB_ID, "store")))
    else:
        skipped.append(SkippedSection(TITLE_SIZE_PREMIUM, (SMB_ID,)))

    legs = SIZE_VALUE_LEGS
    pf_ids = [*legs.small, *legs.big]
    absent = tuple(i for i in pf_ids if i not in wide.columns or wide[i].notna().sum() == 0)
    if absent:
        deciles = store.series([DECILE_SMALL_ID, DECILE_BIG_ID])
        if deciles.shape[1] == 2 and deciles.notna().any().all():
            legs = DECILE_LEGS
            pf_ids = [*legs.small, *legs.big]
            wide = deciles
            sources.update(store.series_sources(pf_ids))
            absent = ()
    if absent:
        skipped.append(
            SkippedSection(
                TITLE_SMALL_BIG,
                (*absent, f"or {DECILE_SMALL_ID} and {DECILE_BIG_ID}"),
            )
        )
    else:
        portfolios = wide[pf_ids]
        complete = portfolios.dropna()
        if len(complete) < _WINDOW:
            skipped.append(
                SkippedSection(
                    TITLE_SMALL_BIG,
                    tuple(pf_ids),
                    f"only {len(complete)} complete months, {_WINDOW} needed",
                )
            )
        else:
            sections.append(
                small_big_section(
                    portfolios,
                    sources={i: sources.get(i, "store") for i in pf_ids},
                    legs=legs,
                )
            )

    symbols = list(INDEX_SYMBOLS) if index_prices else []
    closes = store.panel(symbols, field="close") if symbols else pd.DataFrame()
    present = [s for s in symbols if s in closes.columns and closes[s].notna().any()]
    missing_symbols = tuple(s for s in symbols if s not in present)
    if present:
        bar_sources = store.preferred_sources(present)
        sections.append(index_prices_section(closes[present], sources=bar_sources))
        if missing_symbols:
            skipped.append(
                SkippedSection(f"{TITLE_INDEX_PRICES} (partly)", missing_symbols, "no bars for")
            )
    elif symbols:
        skipped.append(SkippedSection(TITLE_INDEX_PRICES, missing_symbols, "no bars for"))

    intro = [
        f"Built from the local store at {store.location}. Each section names the store source of "
        "its data in the coverage lines.",
        "Returns are computed as decimal fractions and displayed in percent.",
    ]
    intro += [f"Skipped: {s.text()}." for s in skipped]
    return SectionPlan(tuple(sections), tuple(skipped), tuple(intro), "sizeup: small vs large caps")
