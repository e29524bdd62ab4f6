"""Relative valuation of a universe, point in time by filing date (docs/methods.md §D6).

Per company at a date *d* (from :func:`sizeup.fundamentals.compute_metrics`, so only filings
with ``filed <= d`` and closes on or before *d* are used):

* market cap = close × shares (latest known share count, SimFin diluted weighted average);
* trailing P/E = market cap / TTM net income. This equals price / TTM EPS with EPS = net
  income / the same share count; it is computed from market cap because the index-style
  aggregate needs market caps and earnings anyway, and a per-share EPS from a separately
  reported share count would mix two share bases;
* P/B = market cap / equity, P/S = market cap / TTM revenue, earnings yield = TTM net
  income / market cap;
* forward P/E = close / the EPS estimate of the next fiscal period ending within 400 days
  after *d*, as estimated on or before *d* (a user-supplied file, :func:`parse_estimates`).

A universe at a date (``members``) aggregates them two ways:

* index-style (harmonic): Σ market cap / Σ earnings over the names with both, which is the
  harmonic mean of the P/Es weighted by market cap, i.e. the P/E of owning the whole universe;
* median of the company ratios.

Loss-makers are stated both ways: ``pe_agg_ex`` / ``pe_median_ex`` exclude names with TTM net
income <= 0; ``pe_agg_incl`` adds their (negative) earnings to the denominator (undefined when
the sum is <= 0) and ``pe_median_incl`` = 1 / median earnings yield over all names with data
(a loss-maker has a negative yield, so it counts as "most expensive" without a meaningless
negative P/E). P/B and P/S use names with positive book / revenue only. Names with implausible
data (a data-quality flag, P/E < 1 or P/S < 0.01: the marks of a scale slip) are left out of
every aggregate and counted in ``implausible``. Every point carries
``members``, ``with_data`` (names with a market cap and a TTM net income), ``coverage`` =
with_data / members, and the counts behind each aggregate.

The small/large ratio of a measure is small-universe value / large-universe value at the same
date; its long-run mean and percentile are taken over the history points whose coverage in both
universes is at least ``min_coverage`` (the percentile is the share of those points with a ratio
at or below the latest one, in percent).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import Mapping, Sequence
from typing import Final, Literal

import numpy as np
import pandas as pd

from sizeup.errors import DataError
from sizeup.fundamentals._metrics import compute_metrics, tidy_prices
from sizeup.fundamentals._quality import quality_report
from sizeup.types import DateLike

__all__ = [
    "ESTIMATE_COLUMNS",
    "MEASURES",
    "aggregate_valuation",
    "company_valuations",
    "history_dates",
    "parse_estimates",
    "relative_valuation",
    "valuation_history",
]

History = Literal["yearly", "monthly", "none"]

ESTIMATE_COLUMNS: Final = ("symbol", "fiscal_period_end", "eps_estimate", "as_of")
"""Columns of an estimates file, in any order (extra columns are ignored)."""

_ISO: Final = re.compile(r"\d{4}-\d{2}-\d{2}$")

FORWARD_HORIZON_DAYS: Final = 400
"""An estimate counts as forward when its fiscal period ends within this many days."""

MEASURES: Final[dict[str, str]] = {
    "pe_agg_ex": "trailing P/E, index-style (Σ cap / Σ earnings), loss-makers excluded",
    "pe_agg_incl": "trailing P/E, index-style, loss-makers included (their losses reduce Σ E)",
    "pe_median_ex": "trailing P/E, median over profitable names",
    "pe_median_incl": "trailing P/E = 1 / median earnings yield over all names with data",
    "earnings_yield_agg": "earnings yield Σ E / Σ cap, all names with data",
    "pb_agg": "P/B, index-style, positive book only",
    "pb_median": "P/B, median, positive book only",
    "ps_agg": "P/S, index-style, positive revenue only",
    "ps_median": "P/S, median, positive revenue only",
    "fwd_pe_agg": "forward P/E, index-style, positive estimates only",
    "fwd_pe_median": "forward P/E, median, positive estimates only",
}
"""Aggregate measures of a universe, by column name."""

_COMPANY_COLUMNS: Final = (
    "symbol",
    "price",
    "price_date",
    "shares",
    "market_cap",
    "net_income_ttm",
    "ttm_end",
    "equity",
    "revenue_ttm",
    "pe",
    "pb",
    "ps",
    "earnings_yield",
    "loss_maker",
    "eps_estimate",
    "estimate_period_end",
    "fwd_pe",
    "implausible",
)

MIN_PS: Final = 0.01
"""A price/sales below this (revenue over 100 x market cap) is taken as a scale slip."""


def parse_estimates(text: str, *, name: str) -> pd.DataFrame:
    """Parse a user-supplied EPS estimates CSV.

    Parameters
    ----------
    text
        CSV text with a header holding :data:`ESTIMATE_COLUMNS` (``symbol``,
        ``fiscal_period_end`` and ``as_of`` as ISO dates ``YYYY-MM-DD``, ``eps_estimate`` in
        currency per share); extra columns are ignored.
    name
        The file's name, for messages.

    Returns
    -------
    pandas.DataFrame
        symbol, fiscal_period_end, eps_estimate, as_of.

    Raises
    ------
    DataError
        Missing columns, an empty file, or a bad value; the message names the file, the line,
        the column and the value.
    """
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    rows = [r for r in rows if any(c.strip() for c in r)]
    if not rows:
        raise DataError(
            f"estimates file {name}: empty; expected a header {', '.join(ESTIMATE_COLUMNS)}",
            input=name,
            value="",
            valid=f"CSV with columns {', '.join(ESTIMATE_COLUMNS)}",
        )
    header = [h.strip().lower() for h in rows[0]]
    missing = [c for c in ESTIMATE_COLUMNS if c not in header]
    if missing:
        raise DataError(
            f"estimates file {name}: missing column(s) {', '.join(missing)}; the header is "
            f"{', '.join(rows[0])}",
            input=f"{name} column {missing[0]}",
            value=",".join(rows[0]),
            valid=f"a header with {', '.join(ESTIMATE_COLUMNS)}",
        )
    pos = {c: header.index(c) for c in ESTIMATE_COLUMNS}
    out: list[dict[str, object]] = []
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise DataError(
                f"estimates file {name} line {line}: {len(row)} fields, the header has "
                f"{len(header)}",
                input=f"{name} line {line}",
                value=",".join(row),
                valid=f"{len(header)} comma-separated fields",
            )
        rec: dict[str, object] = {}
        for col in ESTIMATE_COLUMNS:
            raw = row[pos[col]].strip()
            where = f"estimates file {name} line {line} column {col}"
            if col == "symbol":
                if not raw:
                    raise DataError(
                        f"{where}: empty symbol",
                        input=f"{name} column {col}",
                        value=raw,
                        valid="a ticker",
                    )
                rec[col] = raw.upper()
            elif col == "eps_estimate":
                try:
                    val = float(raw)
                except ValueError:
                    val = math.nan
                if not math.isfinite(val):
                    raise DataError(
                        f"{where}: {raw!r} is not a finite number",
                        input=f"{name} column {col}",
                        value=raw,
                        valid="a number (currency per share)",
                    )
                rec[col] = val
            else:
                try:
                    ts = pd.Timestamp(dt.date.fromisoformat(raw)) if _ISO.match(raw) else None
                except ValueError:
                    ts = None
                if ts is None:
                    raise DataError(
                        f"{where}: {raw!r} is not a date YYYY-MM-DD",
                        input=f"{name} column {col}",
                        value=raw,
                        valid="an ISO date YYYY-MM-DD",
                    )
                rec[col] = ts
        out.append(rec)
    frame = pd.DataFrame(out, columns=list(ESTIMATE_COLUMNS))
    frame["eps_estimate"] = frame["eps_estimate"].astype("float64")
    for col in ("fiscal_period_end", "as_of"):
        frame[col] = pd.to_datetime(frame[col]).astype("datetime64[ns]")
    return frame


def _forward_estimates(estimates: pd.DataFrame | None, when: pd.Timestamp) -> pd.DataFrame:
    """Per symbol: the next fiscal period's estimate known at ``when``."""
    cols = ["symbol", "eps_estimate", "estimate_period_end"]
    if estimates is None or estimates.empty:
        return pd.DataFrame(columns=cols)
    e = estimates[
        (estimates["as_of"] <= when)
        & (estimates["fiscal_period_end"] > when)
        & (estimates["fiscal_period_end"] <= when + pd.Timedelta(days=FORWARD_HORIZON_DAYS))
    ]
    if e.empty:
        return pd.DataFrame(columns=cols)
    e = e.sort_values(["symbol", "fiscal_period_end", "as_of"], kind="mergesort")
    nxt = e.groupby("symbol")["fiscal_period_end"].transform("min")
    e = e[e["fiscal_period_end"] == nxt].drop_duplicates("symbol", keep="last")
    return e.rename(columns={"fiscal_period_end": "estimate_period_end"})[cols]


def _ratio(num: pd.Series, den: pd.Series) -> pd.Series:
    out = num / den.where(den > 0)
    return out.where(num > 0)


def company_valuations(
    items: pd.DataFrame,
    members: Sequence[str],
    *,
    as_of: DateLike,
    prices: pd.DataFrame | None,
    estimates: pd.DataFrame | None = None,
    excluded: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Per-company valuation of ``members`` at a date, point in time.

    Parameters
    ----------
    items
        Standard items (:func:`sizeup.fundamentals.normalize`).
    members
        The universe's symbols.
    as_of
        The date; no filing after it and no close after it is used.
    prices
        Closes, tidy (symbol, date, close) or wide.
    estimates
        Parsed estimates (:func:`parse_estimates`) or None.
    excluded
        Symbol -> reason for names to mark implausible (e.g.
        :meth:`sizeup.fundamentals.QualityReport.excluded_at`).

    Returns
    -------
    pandas.DataFrame
        One row per member that has any fundamentals or a close (columns listed in
        ``_COMPANY_COLUMNS``): ``pe`` is NaN for loss-makers (``loss_maker`` True),
        ``pb``/``ps`` NaN for non-positive book/revenue, ``fwd_pe`` NaN without a positive
        estimate. ``implausible`` holds the reason a name is left out of the aggregates
        (empty when it is kept): a flag from ``excluded``, positive TTM earnings above the
        market cap (P/E < 1), or revenue above 100 x the market cap (P/S < 0.01); both are
        the marks of a scale slip in the statements (SimFin IIIN FY2021 reports revenue and
        net income 1,000 times their 10-K values).
    """
    when = pd.Timestamp(as_of)
    wanted = sorted({str(s) for s in members})
    m = compute_metrics(items, as_of=when, prices=prices, symbols=wanted)
    cap = m["market_cap"].where(m["market_cap"] > 0)
    ni = m["net_income_ttm"]
    out = pd.DataFrame(
        {
            "symbol": m["symbol"].astype(str),
            "price": m["price"].astype("float64"),
            "price_date": pd.to_datetime(m["price_date"]),
            "shares": m["shares"].astype("float64"),
            "market_cap": cap.astype("float64"),
            "net_income_ttm": ni.astype("float64"),
            "ttm_end": pd.to_datetime(m["ttm_end"]),
            "equity": m["equity"].astype("float64"),
            "revenue_ttm": m["revenue_ttm"].astype("float64"),
        }
    )
    out["pe"] = _ratio(out["market_cap"], out["net_income_ttm"])
    out["pb"] = _ratio(out["market_cap"], out["equity"])
    out["ps"] = _ratio(out["market_cap"], out["revenue_ttm"])
    out["earnings_yield"] = out["net_income_ttm"] / out["market_cap"]
    out["loss_maker"] = (out["net_income_ttm"] <= 0) & out["market_cap"].notna()
    fwd = _forward_estimates(estimates, when)
    out = out.merge(fwd, on="symbol", how="left")
    out["eps_estimate"] = out["eps_estimate"].astype("float64")
    out["estimate_period_end"] = pd.to_datetime(out["estimate_period_end"])
    out["fwd_pe"] = _ratio(out["price"], out["eps_estimate"])
    why = pd.Series("", index=out.index, dtype=object)
    why[out["pe"] < 1] = "TTM net income above the market cap (P/E < 1)"
    slip = out["ps"] < MIN_PS
    ps_text = f"revenue above {1 / MIN_PS:.0f} x the market cap (P/S < {MIN_PS})"
    why[slip] = (why[slip] + "; " + ps_text).str.lstrip("; ")
    if excluded:
        flagged = out["symbol"].map(dict(excluded))
        why = why.where(flagged.isna(), flagged.fillna(""))
    out["implausible"] = why.astype(str)
    return out[list(_COMPANY_COLUMNS)].sort_values("symbol").reset_index(drop=True)


def _agg(cap: pd.Series, den: pd.Series) -> float:
    """Σ cap / Σ den over rows with both, or NaN when the denominator sum is <= 0."""
    ok = cap.notna() & den.notna()
    total = float(den[ok].sum())
    return float(cap[ok].sum()) / total if ok.any() and total > 0 else math.nan


def _median(values: pd.Series) -> float:
    v = values.dropna()
    return float(v.median()) if len(v) else math.nan


def aggregate_valuation(companies: pd.DataFrame, members: int) -> dict[str, float]:
    """Aggregate the per-company table of one universe at one date.

    Parameters
    ----------
    companies
        Output of :func:`company_valuations`.
    members
        Size of the universe (the coverage denominator).

    Returns
    -------
    dict
        ``members``, ``priced`` (names with a market cap), ``with_data`` (market cap and TTM
        net income, implausible names left out), ``coverage``, ``implausible`` (names left
        out), ``profitable``, ``loss_makers``, ``pb_n``, ``ps_n``,
        ``with_estimate``, ``fwd_n`` and every key of :data:`MEASURES`.
    """
    bad = companies["implausible"].astype(str) != ""
    c = companies[~bad]
    cap = c["market_cap"]
    ni = c["net_income_ttm"]
    has = cap.notna() & ni.notna()
    prof = has & (ni > 0)
    pos_book = cap.notna() & (c["equity"] > 0)
    pos_rev = cap.notna() & (c["revenue_ttm"] > 0)
    has_est = cap.notna() & c["eps_estimate"].notna() & c["shares"].notna()
    pos_est = has_est & (c["eps_estimate"] > 0)
    ey = c.loc[has, "earnings_yield"]
    med_ey = _median(ey)
    out: dict[str, float] = {
        "members": float(members),
        "priced": float(cap.notna().sum()),
        "with_data": float(has.sum()),
        "coverage": float(has.sum()) / members if members else math.nan,
        "implausible": float(bad.sum()),
        "profitable": float(prof.sum()),
        "loss_makers": float((has & ~prof).sum()),
        "loss_share": float((has & ~prof).sum()) / float(has.sum()) if has.any() else math.nan,
        "pe_agg_ex": _agg(cap[prof], ni[prof]),
        "pe_agg_incl": _agg(cap[has], ni[has]),
        "pe_median_ex": _median(c.loc[prof, "pe"]),
        "pe_median_incl": 1.0 / med_ey if med_ey > 0 else math.nan,
        "earnings_yield_agg": float(ni[has].sum() / cap[has].sum()) if has.any() else math.nan,
        "pb_n": float(pos_book.sum()),
        "pb_agg": _agg(cap[pos_book], c.loc[pos_book, "equity"]),
        "pb_median": _median(c.loc[pos_book, "pb"]),
        "ps_n": float(pos_rev.sum()),
        "ps_agg": _agg(cap[pos_rev], c.loc[pos_rev, "revenue_ttm"]),
        "ps_median": _median(c.loc[pos_rev, "ps"]),
        "with_estimate": float(has_est.sum()),
        "fwd_n": float(pos_est.sum()),
        "fwd_pe_agg": _agg(cap[pos_est], (c["eps_estimate"] * c["shares"])[pos_est]),
        "fwd_pe_median": _median(c.loc[pos_est, "fwd_pe"]),
    }
    return out


def history_dates(start: DateLike, end: DateLike, history: History) -> list[pd.Timestamp]:
    """Points of a valuation history: year or month ends in ``[start, end]``, then ``end``.

    Parameters
    ----------
    start, end
        First and last date (``end`` is the as-of date and always the last point).
    history
        ``yearly`` (31 December), ``monthly`` (last calendar day) or ``none`` (``end`` only).
    """
    s, e = pd.Timestamp(start).normalize(), pd.Timestamp(end).normalize()
    if history not in ("yearly", "monthly", "none"):
        raise DataError(
            f"history {history!r} is not valid; use yearly, monthly or none",
            input="--history",
            value=history,
            valid="yearly, monthly, none",
        )
    if history == "none" or s > e:
        return [e]
    freq = "YE" if history == "yearly" else "ME"
    points = [pd.Timestamp(d) for d in pd.date_range(s, e, freq=freq)]
    if not points or points[-1] != e:
        points.append(e)
    return points


Members = Sequence[str] | Mapping[pd.Timestamp, Sequence[str]]
"""A universe's members: the same at every date, or per history date."""


def _members_at(members: Members, when: pd.Timestamp) -> set[str]:
    if isinstance(members, Mapping):
        return {str(s) for s in members[when]}
    return {str(s) for s in members}


def valuation_history(
    items: pd.DataFrame,
    universes: Mapping[str, Members],
    dates: Sequence[DateLike],
    *,
    prices: pd.DataFrame | None,
    estimates: pd.DataFrame | None = None,
    check_quality: bool = True,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Aggregate valuation of each universe at each date.

    Parameters
    ----------
    items
        Standard items.
    universes
        Universe label -> member symbols: a sequence (the same members at every date) or a
        mapping from each of ``dates`` (as :class:`pandas.Timestamp`) to that date's members.
    dates
        Dates of the history (each computed from what was known on it).
    prices
        Closes, tidy or wide.
    estimates
        Parsed estimates or None.
    check_quality
        Leave out names whose current fiscal year is flagged by
        :func:`sizeup.fundamentals.quality_report` at each date (as screens do).

    Returns
    -------
    tuple of pandas.DataFrame
        The history (one row per date and universe: ``date``, ``universe`` and the keys of
        :func:`aggregate_valuation`) and the per-company table at the last date (with a
        ``universe`` column).
    """
    px = tidy_prices(prices)
    stamps = [pd.Timestamp(d) for d in dates]
    everyone = sorted(
        set().union(*(_members_at(ms, d) for ms in universes.values() for d in stamps))
    )
    quality = quality_report(items) if check_quality else None
    rows: list[dict[str, object]] = []
    last = pd.DataFrame()
    for i, d in enumerate(dates):
        when = pd.Timestamp(d)
        flagged = quality.excluded_at(when, everyone) if quality is not None else None
        comp = company_valuations(
            items, everyone, as_of=when, prices=px, estimates=estimates, excluded=flagged
        )
        for label, ms in universes.items():
            wanted = _members_at(ms, when)
            sub = comp[comp["symbol"].isin(wanted)]
            rows.append({"date": when, "universe": label, **aggregate_valuation(sub, len(wanted))})
            if i == len(dates) - 1:
                last = pd.concat([last, sub.assign(universe=label)], ignore_index=True)
    return pd.DataFrame(rows), last


def relative_valuation(
    history: pd.DataFrame,
    small: str,
    large: str,
    *,
    min_coverage: float = 0.2,
    measures: Sequence[str] = tuple(MEASURES),
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Small/large ratio of each measure by date, with its long-run mean and percentile.

    Parameters
    ----------
    history
        Output of :func:`valuation_history` holding both universes.
    small, large
        Universe labels.
    min_coverage
        Points where either universe's coverage is below this are shown but left out of the
        mean and percentile (``usable`` False).
    measures
        Measures to compare (keys of :data:`MEASURES`).

    Returns
    -------
    tuple of pandas.DataFrame
        Ratios by date (``date``, ``small_coverage``, ``large_coverage``, ``usable`` and one
        column per measure) and the statistics per measure (``measure``, ``latest``, ``mean``,
        ``percentile``, ``n``).
    """
    if not 0 <= min_coverage <= 1:
        raise DataError(
            f"min_coverage {min_coverage!r} must be between 0 and 1",
            input="min_coverage",
            value=min_coverage,
            valid="0..1",
        )
    s = history[history["universe"] == small].set_index("date")
    g = history[history["universe"] == large].set_index("date")
    dates = s.index.intersection(g.index)
    s, g = s.loc[dates], g.loc[dates]
    ratios = pd.DataFrame(
        {
            "date": dates,
            "small_coverage": s["coverage"].to_numpy(),
            "large_coverage": g["coverage"].to_numpy(),
        }
    )
    ratios["usable"] = (ratios["small_coverage"] >= min_coverage) & (
        ratios["large_coverage"] >= min_coverage
    )
    for m in measures:
        ratios[m] = (s[m] / g[m]).to_numpy()
    stats = []
    for m in measures:
        col = ratios.loc[ratios["usable"], m].replace([np.inf, -np.inf], np.nan).dropna()
        latest = float(ratios[m].iloc[-1]) if len(ratios) else math.nan
        latest_ok = bool(len(ratios)) and bool(ratios["usable"].iloc[-1]) and math.isfinite(latest)
        stats.append(
            {
                "measure": m,
                "latest": latest,
                "mean": float(col.mean()) if len(col) else math.nan,
                "percentile": float((col <= latest).mean() * 100) if latest_ok else math.nan,
                "n": len(col),
            }
        )
    return ratios.reset_index(drop=True), pd.DataFrame(stats)
