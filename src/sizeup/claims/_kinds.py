"""Evaluators of the claim kinds strategists write every week (pure; no I/O).

=================  ==========================================================================
``streak``         signed run of periods (D/W/M; ``year_streak``: calendar years) in which
                   ``symbol`` beat ``benchmark`` (or rose, without a benchmark; with
                   ``min_move``, by at least that much);
                   ``stat``: ``length`` (+3 = third straight),
                   ``is_longest`` (longer than every run that ended within ``lookback``
                   periods; 1/0), ``since_year`` (year of the last earlier run at least as long:
                   "the longest streak since 2008"), ``rank`` (of the last run of ``length``:
                   "the third longest on record"), ``longest`` / ``longest_end`` (the
                   longest run and the decimal year it ended)
``window_extreme`` the highest (lowest) close of a window and its date; ``stat``: ``distance``
                   (close at ``asof`` / extreme - 1; series: difference in their units),
                   ``value``, ``sessions_since``
``period_rank``    the return of the period containing ``asof`` (first day / first week = first
                   5 sessions / first N sessions of the year, month, quarter, year) ranked
                   against the same period of every earlier year (month, quarter); ``stat``:
                   ``since_year`` ("best start since 2019"), ``value``, ``rank``, ``is_record``
``records``        record closes (all-time highs over the data) in a window: ``count``,
                   ``first`` (1 when ``symbol`` got back to a record before ``others``),
                   ``sessions_since`` / ``days_since`` the last record at the window's end
``breadth_level``  breadth of a fund's members on a date with the monitor's membership policy
``breadth_rank``   ... and whether that value is the best (worst) since a date / in a look-back
``since_when``     date (decimal year) of the last earlier level, change or record close at least
                   as extreme as the one at ``asof`` ("highest since March 3", "worst day
                   since 2019", "the previous record, set in June 2018")
``last_beat``      when ``symbol`` last beat ``benchmark`` (a calendar year, or year to date)
``rsi``            Wilder's relative strength index of the daily closes at ``asof``
``session``        one session's range from daily highs and lows: high, low, intraday record,
                   return to the high, and values reachable during the session
``screen_share``   share of a fund's members meeting a condition (``unprofitable`` = TTM net
                   income < 0, or any built-in screen), flagged company-years excluded
=================  ==========================================================================
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Collection

import numpy as np
import pandas as pd

from sizeup.analytics.breadth import breadth, membership_mask
from sizeup.analytics.performance import (
    best_since,
    first_to_record,
    longest_prior_run,
    period_returns,
    record_flags,
    relative_return,
    resolve_window,
    signed_streak,
    total_return,
)
from sizeup.calendar import Frequency, nth_session_of_year
from sizeup.claims._common import MissingDataError, cover, end_of, prices, series, upto
from sizeup.claims._model import Claim, ClaimData
from sizeup.errors import ConfigError, DataError
from sizeup.fundamentals import load_screen, quality_report, run_screen, universe_report
from sizeup.types import DateLike

__all__ = [
    "breadth_level",
    "breadth_rank",
    "last_beat",
    "period_rank",
    "records",
    "rsi",
    "screen_share",
    "session",
    "since_when",
    "streak",
    "window_extreme",
    "year_streak",
]

_UNIT = {"D": "session", "W": "week", "M": "month", "Y": "year"}
_ADVERB = {"D": "daily", "W": "weekly", "M": "monthly", "Y": "yearly"}
_LOOKBACK = {"D": 252, "W": 52, "M": 12, "Y": 10}
_PERIOD_FREQ: dict[str, Frequency] = {"month": "M", "quarter": "Q", "year": "Y"}


# ------------------------------------------------------------------ streaks
def _period_rel(claim: Claim, data: ClaimData) -> tuple[pd.Series, str]:
    """Per-period return of ``symbol`` (over ``benchmark`` by ratio when given)."""
    p = claim.params
    syms = [p["symbol"]] + ([p["benchmark"]] if p["benchmark"] else [])
    px = upto(prices(data, syms, p["field"]), claim).dropna()
    if claim.asof is not None:
        cover(px, claim.asof, f"prices {'/'.join(syms)}")
    if p["freq"] == "D":
        rets = px.pct_change().iloc[1:]
    else:
        rets = period_returns(px, p["freq"], end=claim.asof)
    a = rets[syms[0]]
    if len(syms) == 1:
        return a, f"{syms[0]} {_ADVERB[p['freq']]} returns"
    rel = relative_return(a, rets[syms[1]], how="ratio")
    assert isinstance(rel, pd.Series)
    return rel, f"{syms[0]} over {syms[1]} per {_UNIT[p['freq']]} (ratio)"


def _run_ends(streak: pd.Series, sign: int) -> pd.Series:
    """Lengths of completed runs of ``sign``, indexed by the period each run ended in."""
    s = streak.to_numpy(dtype=float) * sign
    nxt = np.append(s[1:], 0.0)
    ends = (s > 0) & (nxt != s + 1)
    return pd.Series(s[ends].astype(int), index=streak.index[ends])


def streak(claim: Claim, data: ClaimData) -> tuple[float, str]:
    """Measure the current signed streak, whether it is the longest in a look-back, since when."""
    p = claim.params
    rel, what = _period_rel(claim, data)
    if rel.dropna().empty:
        raise MissingDataError(f"complete {_UNIT[p['freq']]}s of {what}")
    if p["min_move"]:
        return _run_of_moves(claim, rel, what)
    st = signed_streak(rel)
    cur = int(st.iloc[-1])
    unit = _UNIT[p["freq"]]
    head = f"{what}: current streak {cur:+d} {unit}s to {st.index[-1]:%Y-%m-%d}"
    if p["stat"] == "length":
        return float(cur), head
    sign = 1 if cur >= 0 else -1
    length = abs(cur)
    if p["stat"] in ("rank", "longest", "longest_end"):
        return _run_history(claim, st, head, unit)
    if p["stat"] == "is_longest":
        lookback = int(p["lookback"] or _LOOKBACK[p["freq"]])
        prior = int(longest_prior_run(st, lookback=lookback, sign=sign).iloc[-1])
        ok = length > 0 and (length > prior or (p["allow_tie"] and length == prior))
        return float(ok), (
            f"{head}; longest earlier run ending in the previous {lookback} {unit}s: {prior}"
        )
    # since_year: last earlier run of the same sign at least as long
    if length == 0:
        raise DataError(f"no current run ({what} tied or missing on {st.index[-1]:%Y-%m-%d})")
    start_pos = len(st) - length
    ends = _run_ends(st.iloc[:start_pos], sign)
    longer = ends[ends >= length]
    first = pd.Timestamp(rel.dropna().index[0])
    if longer.empty:
        if first.year > claim.stated:
            raise MissingDataError(f"{what} before {first:%Y-%m-%d} (a run as long may be older)")
        return float(first.year), f"{head}; no run as long since the data begin ({first:%Y-%m-%d})"
    when = pd.Timestamp(longer.index[-1])
    return float(when.year), (
        f"{head}; last run at least as long: {int(longer.iloc[-1])} {unit}s ending "
        f"{when:%Y-%m-%d} (data from {first:%Y-%m-%d})"
    )


def _run_history(claim: Claim, st: pd.Series, head: str, unit: str) -> tuple[float, str]:
    """Rank of a run among all runs, or the longest run and when it ended.

    ``rank``: the last run of ``length`` periods (the current run when ``length`` is not
    given) ranked by length among the runs of its sign that ended before it: 1 + the number
    of strictly longer ones. ``longest`` / ``longest_end``: the longest run of the stated
    sign before the as-of date (the current one included), its length and the decimal year
    it ended in (the latest of equal runs).
    """
    p = claim.params
    sign = -1 if claim.stated < 0 and p["stat"] != "longest_end" else 1
    ends = _run_ends(st, sign)  # the run still going counts too, as of its last period
    cur = int(st.iloc[-1]) * sign
    if ends.empty:
        raise DataError(f"no run of {'outperformance' if sign > 0 else 'underperformance'}")
    if p["stat"] == "rank":
        want = int(p["length"]) if p["length"] else cur
        same = ends[ends == want]
        if same.empty:
            raise DataError(f"no run of exactly {want} {unit}s before {st.index[-1]:%Y-%m-%d}")
        when = pd.Timestamp(same.index[-1])
        rank = 1 + int((ends.loc[: when - pd.Timedelta(days=1)] > want).sum())
        return float(rank), (
            f"{head}; the run of {want} {unit}s ending {when:%Y-%m-%d} ranks {rank} among "
            f"{int((ends.index <= when).sum())} runs (data from {st.index[0]:%Y-%m-%d})"
        )
    top = int(ends.max())
    when = pd.Timestamp(ends[ends == top].index[-1])
    tail = f"; longest run {top} {unit}s ending {when:%Y-%m-%d} (data from {st.index[0]:%Y-%m-%d})"
    if p["stat"] == "longest":  # signed like the stated length: -3 is 3 periods behind
        return float(sign * top), head + tail
    return decimal_year(when), head + tail


def year_streak(claim: Claim, data: ClaimData) -> tuple[float, str]:
    """Measure the signed run of calendar years to ``asof`` (``streak`` with years)."""
    params = {
        **claim.params,
        "freq": "Y",
        "stat": "length",
        "lookback": None,
        "allow_tie": False,
        "min_move": 0.0,
    }
    return streak(dataclasses.replace(claim, params=params), data)


def _run_of_moves(claim: Claim, rel: pd.Series, what: str) -> tuple[float, str]:
    """Measure the current run of periods that moved at least ``min_move`` in one direction."""
    p = claim.params
    if p["benchmark"] or p["stat"] != "length":
        raise DataError("'min_move' is for the length of a run of one symbol's own moves")
    sign = -1.0 if claim.stated < 0 else 1.0
    hit = (rel.dropna() * sign >= p["min_move"]).to_numpy()
    n = len(hit) - int(np.flatnonzero(~hit)[-1]) - 1 if (~hit).any() else len(hit)
    unit = _UNIT[p["freq"]]
    return sign * n, (
        f"{what}: {n} {unit}s in a row to {rel.dropna().index[-1]:%Y-%m-%d} with a move of "
        f"{'+' if sign > 0 else '-'}{100 * p['min_move']:g}% or more"
    )


# ------------------------------------------------------------------ extremes
def window_extreme(claim: Claim, data: ClaimData) -> tuple[float, str]:
    """Measure the extreme of a window with its date, and the distance from it at ``asof``."""
    p = claim.params
    if p["series"]:
        s = series(claim, data, [p["series"]])[p["series"]].dropna()
        name = str(p["series"])
    else:
        syms = [p["symbol"]] + ([p["benchmark"]] if p["benchmark"] else [])
        px = prices(data, syms, p["field"])
        s = (px[syms[0]] / px[syms[1]] if len(syms) == 2 else px[syms[0]]).dropna()
        name = "/".join(syms)
    cover(s, p["end"], name)
    win = s.loc[p["start"] : p["end"]]
    if win.empty:
        raise MissingDataError(f"{name} between {p['start']:%Y-%m-%d} and {p['end']:%Y-%m-%d}")
    when = pd.Timestamp(win.idxmax() if p["extreme"] == "max" else win.idxmin())
    ext = float(win.loc[when])
    word = "high" if p["extreme"] == "max" else "low"
    head = (
        f"{name} {word} {ext:.6g} on {when:%Y-%m-%d} within "
        f"{p['start']:%Y-%m-%d}..{p['end']:%Y-%m-%d}"
    )
    if p["stat"] == "value":
        return ext, head
    assert claim.asof is not None  # enforced by the loader
    cover(s, claim.asof, name)
    at = s.loc[: claim.asof]
    value, day = float(at.iloc[-1]), pd.Timestamp(at.index[-1])
    if p["stat"] == "sessions_since":
        n = int((at.index > when).sum())
        return float(n), f"{head}; {n} sessions to {day:%Y-%m-%d}"
    if p["series"]:
        dist = value - ext
        return dist, f"{head}; {day:%Y-%m-%d}: {value:.6g} ({dist:+.4g} in series units)"
    dist = value / ext - 1.0
    return dist, f"{head}; {day:%Y-%m-%d}: {value:.6g} ({10_000 * dist:+.1f} bp)"


def _first_sessions(px: pd.DataFrame, n: int, asof: pd.Timestamp) -> pd.DataFrame:
    """Return over the first ``n`` sessions of every year of ``px`` up to ``asof``'s year."""
    rows = {}
    for year in range(int(px.index[0].year), asof.year + 1):
        w = resolve_window(f"{year}F{n}", asof)
        rows[year] = total_return(px, w.start, w.end)
    return pd.DataFrame(rows).T


def period_rank(claim: Claim, data: ClaimData) -> tuple[float, str]:
    """Rank the period containing ``asof`` against earlier periods of its kind.

    The first day, week or sessions of a year rank against the same start of earlier years; a
    month, quarter or year ranks against every earlier month, quarter or year ("the best month
    since ..." compares with all months, not only the same calendar month).
    """
    p = claim.params
    asof = claim.asof
    assert asof is not None  # enforced by the loader
    syms = [p["symbol"]] + ([p["benchmark"]] if p["benchmark"] else [])
    px = prices(data, syms, p["field"]).loc[:asof].dropna()
    cover(px, asof, f"prices {'/'.join(syms)}")
    period = p["period"]
    if period in ("first_day", "first_week", "first_sessions"):
        n = {"first_day": 1, "first_week": 5}.get(period, int(p["sessions"]))
        last = nth_session_of_year(asof.year, n)
        if asof < last:
            raise DataError(
                f"{asof:%Y-%m-%d} is before the {n}th session of {asof.year} ({last:%Y-%m-%d}); "
                "the period is not complete"
            )
        rets = _first_sessions(px, n, asof)
        label = f"first {n} session(s) of the year"
    else:
        freq = _PERIOD_FREQ[period]
        rets = period_returns(px, freq, end=asof)
        label = f"{period} (running at {asof:%Y-%m-%d})"
    a = rets[syms[0]]
    if len(syms) == 2:
        rel = relative_return(a, rets[syms[1]], how="diff")
        assert isinstance(rel, pd.Series)
        a = rel
        label += f", {syms[0]} minus {syms[1]}"
    a = a.dropna()
    if a.empty:
        raise MissingDataError(f"complete {period} periods of {'/'.join(syms)}")
    bs = best_since(a, mode="max" if p["mode"] == "best" else "min")
    word = p["mode"]
    head = f"{label}: {bs.summary()}"
    if p["stat"] == "value":
        return bs.value, head
    if p["stat"] == "rank":
        return float(bs.rank), head
    if p["stat"] == "is_record":
        return float(bs.is_record), head
    first_label = a.index[0]
    first_year = first_label if isinstance(first_label, int | np.integer) else first_label.year
    if bs.since is None:
        if int(first_year) > claim.stated:
            raise MissingDataError(
                f"{'/'.join(syms)} before {first_year} (the {word} may be older)"
            )
        return float(first_year), f"{head}; {word} since the data begin ({first_year})"
    since = bs.since
    year = since if isinstance(since, int | np.integer) else pd.Timestamp(str(since)).year
    return float(year), head


# ------------------------------------------------------------------ records
def records(claim: Claim, data: ClaimData) -> tuple[float, str]:
    """Record closes in a window, who got back first, and time since the last record."""
    p = claim.params
    syms = [p["symbol"], *p["others"]]
    px = prices(data, syms, p["field"])
    end = end_of(claim, px)
    px = px.loc[:end]
    for s in syms:
        cover(px[s], end, f"prices {s}")
    start = p["start"]
    if p["stat"] == "first":
        race = first_to_record(px, since=start)
        order = race["order"]
        lines = "; ".join(
            f"{s}: {'not yet' if pd.isna(r.record_date) else f'{r.record_date:%Y-%m-%d}'}"
            f" (prior record {r.prior_record:.6g} on {r.prior_record_date:%Y-%m-%d})"
            for s, r in race.iterrows()
        )
        won = bool(order.loc[p["symbol"]] == 1)
        return float(won), f"back to a record after {start:%Y-%m-%d}: {lines}"
    flags = record_flags(px)
    is_rec = flags["is_record"].loc[start:end]
    first = {s: px[s].first_valid_index() for s in syms}
    if p["stat"] == "count":
        parts = []
        for s in syms:
            dates = [f"{d:%Y-%m-%d}" for d in is_rec.index[is_rec[s].to_numpy()]]
            shown = dates if len(dates) <= 8 else [*dates[:3], "...", *dates[-3:]]
            listed = f" [{', '.join(shown)}]" if dates else ""
            parts.append(f"{s} {len(dates)}{listed} (data from {first[s]:%Y-%m-%d})")
        n = int(is_rec[p["symbol"]].sum())
        return float(n), f"record closes {start:%Y-%m-%d}..{end:%Y-%m-%d}: {'; '.join(parts)}"
    col = px[p["symbol"]].dropna()
    rec = flags["is_record"][p["symbol"]].loc[col.index]
    last_rec = pd.Timestamp(col.index[rec.to_numpy()][-1])
    day = pd.Timestamp(col.index[-1])
    sessions = int((col.index > last_rec).sum())
    head = (
        f"{p['symbol']} last record close {col.loc[last_rec]:.6g} on {last_rec:%Y-%m-%d}; "
        f"{sessions} sessions, {(day - last_rec).days} days to {day:%Y-%m-%d} "
        f"(records over data from {first[p['symbol']]:%Y-%m-%d})"
    )
    if p["stat"] == "sessions_since":
        return float(sessions), head
    return float((day - last_rec).days), head


# ------------------------------------------------------------------ breadth
def _snapshots(data: ClaimData, universe: str, asof: pd.Timestamp) -> dict[pd.Timestamp, list[str]]:
    """Return holdings snapshots (a data object with only ``members(universe, asof)``: one)."""
    get = getattr(data, "snapshots", None)
    if get is not None:
        raw = get(universe)
    else:  # older data objects: one member list as of the date
        legacy = getattr(data, "members", None)
        members = legacy(universe, asof) if legacy is not None else None
        raw = {asof: members} if members else {}
    return {pd.Timestamp(k): [str(s) for s in v] for k, v in raw.items()}


_BREADTH_COLUMN = {"pct_advancing": "pct_adv", "net_new_highs": "nh_nl"}


def _breadth_series(
    claim: Claim, data: ClaimData, extra: int, since: pd.Timestamp | None = None
) -> tuple[pd.Series, str]:
    """Breadth per session ending at ``asof`` with the monitor's membership policy.

    ``extra`` rows of values are kept before ``asof`` (plus warm-up), or, with ``since``, every
    price row after ``since`` and 5 more (the rows of the data, not weekdays of the calendar).

    Members on day t are those of the latest holdings snapshot on or before t; before the first
    snapshot the first snapshot is used (survivorship-biased, and the label says so), exactly as
    :func:`sizeup.analytics.breadth.membership_mask` does for the monitor.
    """
    p = claim.params
    asof = claim.asof
    assert asof is not None  # enforced by the loader
    snaps = _snapshots(data, p["universe"], asof)
    if not snaps:
        raise MissingDataError(f"holdings snapshots of {p['universe']!r}")
    names = sorted({str(s) for v in snaps.values() for s in v})
    try:
        frame = data.prices(names, field=p["field"])
    except DataError as exc:
        raise MissingDataError(f"member prices of {p['universe']!r}") from exc
    frame = frame.loc[:asof].astype("float64")
    if since is not None:
        extra = int((frame.index > since).sum()) + 5
    need = {"pct_above_ma": int(p["ma"]), "net_new_highs": 252}.get(p["measure"], 1)
    frame = frame.iloc[-(extra + int(p["change"]) + 2 * need + 2) :]
    if frame.empty or frame.index[-1] < asof - pd.Timedelta(days=4):
        raise MissingDataError(f"member prices of {p['universe']!r} on {asof:%Y-%m-%d}")
    by_date: dict[DateLike, Collection[str]] = dict(snaps.items())
    mask, note = membership_mask(pd.DatetimeIndex(frame.index), frame.columns, by_date)
    b = breadth(frame, members=mask, note=note, universe=p["universe"], ma_windows=(int(p["ma"]),))
    col = _BREADTH_COLUMN.get(p["measure"], f"pct_above_{int(p['ma'])}")
    s = b.frame[col].astype(float)
    if p["measure"] != "net_new_highs":
        s = s / 100.0
    if need > 1:  # rows before every member could have a full window are warm-up
        s = s.iloc[need:]
    if p["change"]:
        s = s.diff(int(p["change"]))
    s = s.dropna()
    if s.empty:
        raise MissingDataError(f"enough member history of {p['universe']!r} before {asof:%Y-%m-%d}")
    absent = len(names) - int(frame.notna().any().sum())
    if absent:
        note += f"; {absent} of {len(names)} holdings have no prices in this range"
    return s, note


def _what(claim: Claim) -> str:
    p = claim.params
    what = {"pct_above_ma": f"share above {p['ma']}-day average"}.get(
        p["measure"], str(p["measure"])
    )
    return what + (f", change over {p['change']} sessions" if p["change"] else "")


def breadth_level(claim: Claim, data: ClaimData) -> tuple[float, str]:
    """Breadth of a universe on a date (shares as decimals, net new highs as a count)."""
    s, note = _breadth_series(claim, data, 0)
    return float(s.iloc[-1]), f"{_what(claim)} on {s.index[-1]:%Y-%m-%d}; membership: {note}"


def breadth_rank(claim: Claim, data: ClaimData) -> tuple[float, str]:
    """1 when the breadth value on ``asof`` is the best (worst) since ``since`` / in a look-back."""
    p = claim.params
    asof = claim.asof
    assert asof is not None
    extra = 0 if p["since"] is not None else int(p["lookback"])
    s, note = _breadth_series(claim, data, extra, since=p["since"])
    if p["since"] is not None:
        if s.index[0] > p["since"]:
            raise MissingDataError(f"member prices of {p['universe']!r} from {p['since']:%Y-%m-%d}")
        s = s[s.index > p["since"]]
    else:
        s = s.iloc[-(int(p["lookback"]) + 1) :]
    bs = best_since(s, mode="max" if p["mode"] == "best" else "min")
    return float(bs.is_record), (
        f"{_what(claim)}: {bs.summary()} (window from {s.index[0]:%Y-%m-%d}); membership: {note}"
    )


# ------------------------------------------------------------------ shares of a universe
_UNPROFITABLE = ("unprofitable", "ttm_net_income_negative")


def _members_at(
    snaps: dict[pd.Timestamp, list[str]], universe: str, date: pd.Timestamp
) -> tuple[list[str], str]:
    keys = sorted(snaps)
    before = [k for k in keys if k <= date]
    key = before[-1] if before else keys[0]
    label = f"{universe} members of the {key:%Y-%m-%d} snapshot ({len(snaps[key])} names)"
    if key > date:
        label += (
            f"; the snapshot is after {date:%Y-%m-%d}, so names that left the index before then "
            "are missing (survivorship-biased)"
        )
    return sorted({str(s) for s in snaps[key]}), label


def screen_share(claim: Claim, data: ClaimData) -> tuple[float, str]:
    """Share of a fund's members that are unprofitable or pass a built-in screen."""
    p = claim.params
    get = getattr(data, "fundamentals", None)
    fd = get() if get is not None else None
    if fd is None or fd.items.empty:
        raise MissingDataError("fundamentals (import SimFin or SEC companyfacts)")
    date = pd.Timestamp(p["date"])
    snaps = _snapshots(data, p["universe"], date)
    if not snaps:
        raise MissingDataError(f"holdings snapshots of {p['universe']!r}")
    members, label = _members_at(snaps, p["universe"], date)
    excluded: dict[str, str] = {}
    if not p["include_flagged"]:
        excluded = quality_report(fd.items).excluded_at(date, members)
    kept = [m for m in members if m not in excluded]
    dropped = f"; {len(excluded)} excluded for implausible data" if excluded else ""
    if p["screen"] in _UNPROFITABLE:
        rep = universe_report(fd.items, kept, as_of=date, prices=fd.prices)
        u = rep.unprofitable
        if not u["with_data"]:
            raise MissingDataError(
                f"net income of {p['universe']} members known at {date:%Y-%m-%d}"
            )
        key = "share" if p["weight"] == "count" else "cap_share"
        base = "with_data" if p["weight"] == "count" else "with_cap"
        return float(u[key]), (
            f"TTM net income < 0: {int(u['unprofitable'])} of {int(u[base])} names with data "
            f"({p['weight']}-weighted) as of {date:%Y-%m-%d}; {label}{dropped}; coverage "
            f"{int(u['with_data'])} of {len(kept)}"
        )
    if p["weight"] != "count":
        raise DataError(f"weight {p['weight']!r} is only available for 'unprofitable'")
    try:
        screen = load_screen(p["screen"])
    except ConfigError as exc:
        raise DataError(f"screen {p['screen']!r}: {exc}") from exc
    res = run_screen(screen, fd, as_of=date, universe=kept, include_flagged=True)
    n_pass = res.n_passed
    with_f = res.coverage["with_fundamentals"]
    if not with_f:
        raise MissingDataError(f"fundamentals of {p['universe']} members at {date:%Y-%m-%d}")
    return n_pass / with_f, (
        f"screen {screen.name!r}: {n_pass} of {with_f} names with fundamentals pass as of "
        f"{date:%Y-%m-%d}; {label}{dropped}"
    )


# ------------------------------------------------------------------ since when / intraday
def decimal_year(day: pd.Timestamp) -> float:
    """Return ``day`` as a decimal year at the middle of the day (2024-07-02 -> 2024.5)."""
    days = 366 if day.is_leap_year else 365
    return float(day.year + (day.day_of_year - 0.5) / days)


def _since_values(claim: Claim, data: ClaimData) -> tuple[pd.Series, str]:
    """Return the values ``since_when`` compares: levels, per-period changes or the closes."""
    p = claim.params
    if p["series"]:
        s = series(claim, data, [p["series"]])[p["series"]].dropna()
        name = str(p["series"])
    else:
        s = prices(data, [p["symbol"]], p["field"])[p["symbol"]].dropna()
        name = str(p["symbol"])
    assert claim.asof is not None  # enforced by the loader
    s = s.loc[: claim.asof]
    cover(s, claim.asof, name)
    if p["measure"] != "change":
        return s, f"{name} {'value' if p['series'] else p['field']}"
    if p["freq"] == "M":
        ends = s.groupby(s.index.to_period("M")).tail(1)
        base = ends.shift(1)
        # the running month is compared with complete months (return to date)
        chg = ends - base if p["series"] else ends / base - 1.0
        return chg.dropna(), f"{name} monthly change"
    chg = s.diff() if p["series"] else s.pct_change()
    return chg.dropna(), f"{name} daily change"


def since_when(claim: Claim, data: ClaimData) -> tuple[float, str]:
    """Date (as a decimal year) of the last earlier value at least as extreme as the one at asof.

    ``measure``: ``level`` ("highest level since March 3"), ``change`` ("the worst day since
    2019", "the biggest one-day drop since May 9", with ``freq`` ``D`` or ``M``),
    ``record`` (the last record close before the as-of session: "its previous record, set in
    June 2018") or ``first_negative`` (the first session of the as-of year below the prior
    year's close: "turned negative for the first time this year"). ``mode`` ``best`` looks
    for values at least as high, ``worst`` at least as low.
    """
    p = claim.params
    vals, what = _since_values(claim, data)
    if vals.empty:
        raise MissingDataError(what)
    if p["measure"] == "first_negative":
        # the first session of the as-of year that closed below the prior year's last close
        year = vals.index[-1].year
        base = vals.loc[: pd.Timestamp(year - 1, 12, 31)]
        if base.empty:
            raise MissingDataError(f"{what} before {year}")
        this = vals.loc[pd.Timestamp(year, 1, 1) :]
        below = this < float(base.iloc[-1])
        if not below.any():
            raise DataError(f"{what} never closed below its {year - 1} close in {year}")
        when = pd.Timestamp(this.index[below.to_numpy()][0])
        return decimal_year(when), (
            f"{what}: first close of {year} below the {base.index[-1]:%Y-%m-%d} close "
            f"{float(base.iloc[-1]):.6g}: {when:%Y-%m-%d} ({float(this.loc[when]):.6g})"
        )
    if p["measure"] == "record":
        before = vals.iloc[:-1]
        if before.empty:
            raise MissingDataError(f"{what} before {vals.index[-1]:%Y-%m-%d}")
        rec = before > before.cummax().shift(1).fillna(-np.inf)
        when = pd.Timestamp(before.index[rec.to_numpy()][-1])
        return decimal_year(when), (
            f"{what}: last record close before {vals.index[-1]:%Y-%m-%d} was "
            f"{before.loc[when]:.6g} on {when:%Y-%m-%d} (data from {vals.index[0]:%Y-%m-%d})"
        )
    now, day = float(vals.iloc[-1]), pd.Timestamp(vals.index[-1])
    earlier = vals.iloc[:-1]
    hit = earlier >= now if p["mode"] == "best" else earlier <= now
    word = "high" if p["mode"] == "best" else "low"
    if not hit.any():
        raise MissingDataError(
            f"{what} before {vals.index[0]:%Y-%m-%d} (no earlier value as {word} as "
            f"{now:.6g} on {day:%Y-%m-%d})"
        )
    when = pd.Timestamp(earlier.index[hit.to_numpy()][-1])
    return decimal_year(when), (
        f"{what} {now:.6g} on {day:%Y-%m-%d}; last earlier value at least as {word}: "
        f"{float(earlier.loc[when]):.6g} on {when:%Y-%m-%d}"
    )


def session(claim: Claim, data: ClaimData) -> tuple[float, str]:
    """Statistics of one session's range (daily highs and lows).

    ``stat``: ``high`` / ``low`` (the session's extreme), ``record_high`` (1 when the session
    high is above every earlier session high), ``high_return`` / ``low_return`` (the extreme
    over the close before ``start``), and ``within_level`` / ``within_return`` for statements
    made during the session: the value reachable during the session closest to the stated one
    (a level between the low and the high, or a return from the close before ``start`` -- or
    with ``base`` ``max_close`` from the highest close between ``start`` and the session
    before -- to a price in that range), so the stated value is supported when it was reached
    at some moment.
    """
    p = claim.params
    sym = p["symbol"]
    day = pd.Timestamp(p["date"])
    hi = prices(data, [sym], "high")[sym].dropna().loc[:day]
    lo = prices(data, [sym], "low")[sym].dropna().loc[:day]
    if hi.empty or pd.Timestamp(hi.index[-1]) != day or lo.empty:
        raise MissingDataError(f"session high/low of {sym} on {day:%Y-%m-%d}")
    h, low_ = float(hi.iloc[-1]), float(lo.loc[day])
    head = f"{sym} session {day:%Y-%m-%d}: low {low_:.6g}, high {h:.6g}"
    stat = p["stat"]
    if stat == "high":
        return h, head
    if stat == "low":
        return low_, head
    if stat == "record_high":
        prior = float(hi.iloc[:-1].max()) if len(hi) > 1 else math.inf
        return float(h > prior), f"{head}; highest earlier session high {prior:.6g}"
    if stat == "within_level":
        v = min(max(claim.stated, low_), h)
        return v, f"{head}; stated level reachable: {low_ <= claim.stated <= h}"
    if p["start"] is None:
        raise MissingDataError(f"the start of the window of {sym} (a return needs its base)")
    if p["base"] == "max_close":
        # the highest close from ``start`` to the session before ``date``
        closes = prices(data, [sym], "close")[sym].dropna()
        before = closes.loc[pd.Timestamp(p["start"]) : day - pd.Timedelta(days=1)]
        if before.empty:
            raise MissingDataError(f"closes of {sym} before {day:%Y-%m-%d}")
        when = pd.Timestamp(before.idxmax())
        base = float(before.loc[when])
        head += f"; highest earlier close {base:.6g} on {when:%Y-%m-%d}"
    else:
        base_day = pd.Timestamp(p["start"]) - pd.Timedelta(days=1)
        closes = prices(data, [sym], "close")[sym].dropna().loc[:base_day]
        cover(closes, base_day, f"prices {sym}")
        base = float(closes.iloc[-1])
        head += f"; base close {base:.6g} on {closes.index[-1]:%Y-%m-%d}"
    if stat == "high_return":
        return h / base - 1.0, head
    if stat == "low_return":
        return low_ / base - 1.0, head
    r_lo, r_hi = low_ / base - 1.0, h / base - 1.0
    v = min(max(claim.stated, r_lo), r_hi)
    return v, f"{head}; returns reachable in the session {100 * r_lo:+.2f}%..{100 * r_hi:+.2f}%"


# ------------------------------------------------------------------ momentum
def wilder_rsi(closes: pd.Series, n: int = 14) -> pd.Series:
    """Relative strength index with Wilder's smoothing (Wilder 1978).

    The first average gain and loss are the simple means of the first ``n`` changes; each later
    average is ``(previous * (n - 1) + current) / n``. RSI = 100 - 100 / (1 + gain / loss)
    (100 when there was no loss). NaN for the first ``n`` closes.
    """
    chg = closes.dropna().diff().to_numpy(dtype=float)[1:]
    out = np.full(len(chg) + 1, np.nan)
    if len(chg) < n:
        return pd.Series(out, index=closes.dropna().index)
    gain, loss = np.clip(chg, 0, None), np.clip(-chg, 0, None)
    avg_g, avg_l = gain[:n].mean(), loss[:n].mean()
    for i in range(n, len(chg) + 1):
        if i > n:
            avg_g = (avg_g * (n - 1) + gain[i - 1]) / n
            avg_l = (avg_l * (n - 1) + loss[i - 1]) / n
        out[i] = 100.0 if avg_l == 0 else 100.0 - 100.0 / (1.0 + avg_g / avg_l)
    return pd.Series(out, index=closes.dropna().index)


def rsi(claim: Claim, data: ClaimData) -> tuple[float, str]:
    """Wilder RSI of the daily closes at ``asof`` over the whole history before it."""
    p = claim.params
    assert claim.asof is not None  # enforced by the loader
    px = prices(data, [p["symbol"]], p["field"])[p["symbol"]].dropna().loc[: claim.asof]
    cover(px, claim.asof, f"prices {p['symbol']}")
    n = int(p["n"])
    if n < 2:
        raise DataError(f"RSI period n={n} must be >= 2")
    r = wilder_rsi(px, n)
    value = float(r.iloc[-1])
    return value, (
        f"{p['symbol']} RSI({n}, Wilder) on {px.index[-1]:%Y-%m-%d}: {value:.2f} "
        f"(smoothed over {len(px)} closes from {px.index[0]:%Y-%m-%d})"
    )


def last_beat(claim: Claim, data: ClaimData) -> tuple[float, str]:
    """Date (decimal year) of the last time ``symbol`` beat ``benchmark`` before ``asof``.

    ``basis`` ``calendar_year``: the last complete calendar year before the as-of year whose
    return beat the benchmark's (measured at mid-year, so a stated year matches with a
    tolerance of half a year); ``ytd``: the last session of the as-of year on which the
    return from the prior year end beat the benchmark's.
    """
    p = claim.params
    asof = claim.asof
    assert asof is not None  # enforced by the loader
    syms = [p["symbol"], p["benchmark"]]
    px = prices(data, syms, p["field"]).loc[:asof].dropna()
    cover(px, asof, f"prices {'/'.join(syms)}")
    if p["basis"] == "calendar_year":
        idx = pd.DatetimeIndex(px.index)
        ends = px.groupby(idx.year).tail(1)
        years = pd.DatetimeIndex(ends.index).year
        rets = ends.pct_change().iloc[1:]
        done = rets[years[1:] < asof.year]
        won = done[syms[0]] > done[syms[1]]
        if not won.any():
            raise MissingDataError(f"a calendar year in which {syms[0]} beat {syms[1]}")
        year = int(won.index[won.to_numpy()][-1].year)
        return year + 0.5, (
            f"calendar-year returns {syms[0]} vs {syms[1]} to {done.index[-1].year}: last year "
            f"{syms[0]} beat: {year} (data from {px.index[0]:%Y-%m-%d})"
        )
    base = px.loc[: pd.Timestamp(asof.year - 1, 12, 31)]
    if base.empty:
        raise MissingDataError(f"a close of {'/'.join(syms)} before {asof.year}")
    ytd = px.loc[pd.Timestamp(asof.year, 1, 1) :] / base.iloc[-1] - 1.0
    ahead = ytd[syms[0]] > ytd[syms[1]]
    if not ahead.any():
        raise DataError(f"{syms[0]} was not ahead of {syms[1]} year to date in {asof.year}")
    when = pd.Timestamp(ahead.index[ahead.to_numpy()][-1])
    return decimal_year(when), (
        f"returns from {base.index[-1]:%Y-%m-%d}: last session with {syms[0]} ahead of "
        f"{syms[1]}: {when:%Y-%m-%d} (to {ytd.index[-1]:%Y-%m-%d})"
    )
