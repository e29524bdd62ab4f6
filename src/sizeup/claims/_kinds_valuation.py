"""Claim kind ``relative_valuation``: small- vs large-cap valuation (pure; no I/O).

"Small caps trade at 0.8 times the large-cap P/E", "the relative P/E is well below its long-run
average", measured as :mod:`sizeup.fundamentals._valuation` defines it (docs/methods.md §D6).

Parameters: ``small`` (fund whose holdings give the members, default ``IWM``), ``large``
(default ``SPY``: its holdings, else the member list the claim data offer for it, e.g. the
S&P 500 constituents), ``date``, ``measure`` (``pe``, ``pb``, ``ps``, ``earnings_yield``),
``aggregate`` (``index``: Σ market cap / Σ denominator; ``median``), ``losses`` (P/E only:
``exclude`` or ``include`` loss-makers), ``stat`` (``ratio``: small / large at ``date``;
``vs_mean``: that ratio / its long-run mean - 1, a decimal fraction, -0.2 = 20 % below;
``percentile``: share of history points with a ratio at or below it, 0-100), ``history``
(``yearly`` or ``monthly`` points from ``start``, default the first filing, to ``date``) and
``min_coverage`` (points where a universe has data for fewer of its members are left out of the
mean and percentile; the claim is not checkable when ``date`` itself is such a point).

The claim data supply fundamentals (``fundamentals()``), holdings snapshots
(``snapshots(fund)``) and, optionally, ``member_list(name)`` for universes that are a list of
members rather than a fund's holdings; without either the claim is NOT_CHECKABLE.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Final

import pandas as pd

from sizeup.calendar import asof_session
from sizeup.claims._common import MissingDataError
from sizeup.claims._model import Claim, ClaimData
from sizeup.errors import DataError
from sizeup.fundamentals._valuation import (
    MEASURES,
    history_dates,
    relative_valuation,
    valuation_history,
)

__all__ = ["COLUMNS", "relative_valuation_claim"]

COLUMNS: Final[dict[tuple[str, str, str], str]] = {
    ("pe", "index", "exclude"): "pe_agg_ex",
    ("pe", "index", "include"): "pe_agg_incl",
    ("pe", "median", "exclude"): "pe_median_ex",
    ("pe", "median", "include"): "pe_median_incl",
    ("pb", "index", "exclude"): "pb_agg",
    ("pb", "median", "exclude"): "pb_median",
    ("ps", "index", "exclude"): "ps_agg",
    ("ps", "median", "exclude"): "ps_median",
    ("earnings_yield", "index", "include"): "earnings_yield_agg",
}
"""(measure, aggregate, losses) -> the column of :data:`sizeup.fundamentals.MEASURES`."""


def _column(measure: str, aggregate: str, losses: str) -> str:
    key = (measure, aggregate, losses if measure == "pe" else "exclude")
    if measure == "earnings_yield":
        key = (measure, aggregate, "include")
    if key not in COLUMNS:
        valid = ", ".join(dict.fromkeys(f"{m}/{a}" for m, a, _ in COLUMNS))
        raise DataError(
            f"measure {measure!r} with aggregate {aggregate!r} is not computed; valid: {valid}",
            input="measure",
            value=f"{measure}/{aggregate}",
            valid=valid,
        )
    return COLUMNS[key]


def _snapshots(data: ClaimData, name: str) -> dict[pd.Timestamp, tuple[str, ...]]:
    snaps = {pd.Timestamp(k): tuple(str(s) for s in v) for k, v in data.snapshots(name).items()}
    if snaps:
        return snaps
    get = getattr(data, "member_list", None)
    listed: Sequence[str] | None = get(name) if callable(get) else None
    if listed:
        return {pd.Timestamp.min: tuple(str(s) for s in listed)}
    raise MissingDataError(f"holdings snapshots or a member list of {name!r}")


def _at(snaps: Mapping[pd.Timestamp, tuple[str, ...]], date: pd.Timestamp) -> tuple[str, ...]:
    keys = sorted(snaps)
    before = [k for k in keys if k <= date]
    return snaps[before[-1] if before else keys[0]]


def _label(name: str, snaps: Mapping[pd.Timestamp, tuple[str, ...]], first: pd.Timestamp) -> str:
    keys = sorted(snaps)
    if keys[0] == pd.Timestamp.min:
        return f"{name}: one member list without dates (survivorship-biased)"
    text = f"{name}: {len(keys)} holdings snapshot(s) {keys[0]:%Y-%m-%d}..{keys[-1]:%Y-%m-%d}"
    if first < keys[0]:
        text += f"; points before {keys[0]:%Y-%m-%d} use it (survivorship-biased)"
    return text


def relative_valuation_claim(claim: Claim, data: ClaimData) -> tuple[float, str]:
    """Measure the small/large valuation ratio, its distance from the mean, or its percentile."""
    p = claim.params
    col = _column(str(p["measure"]), str(p["aggregate"]), str(p["losses"]))
    fd = data.fundamentals()
    if fd is None or fd.items.empty:
        raise MissingDataError("fundamentals (import SimFin or SEC companyfacts)")
    date = pd.Timestamp(p["date"])
    small_name, large_name = str(p["small"]).upper(), str(p["large"]).upper()
    small, large = _snapshots(data, small_name), _snapshots(data, large_name)
    first = pd.Timestamp(p["start"]) if p.get("start") is not None else fd.items["filed"].min()
    date = asof_session(date)
    raw = history_dates(first, date, "yearly" if p["history"] == "yearly" else "monthly")
    dates = sorted({asof_session(d) for d in raw})  # XNYS sessions, as the use case
    everyone = {s for snaps in (small, large) for d in dates for s in _at(snaps, d)}
    px = fd.prices
    if not px.empty:  # only the closes the history points can use
        keep = px["symbol"].isin(everyone) & px["date"].le(date)
        near = pd.Series(False, index=px.index)
        for d in dates:
            near |= px["date"].between(d - pd.Timedelta(days=10), d)
        px = px[keep & near]
    universes = {
        "small": {d: _at(small, d) for d in dates},
        "large": {d: _at(large, d) for d in dates},
    }
    hist, _ = valuation_history(fd.items, universes, dates, prices=px)
    ratios, stats = relative_valuation(
        hist, "small", "large", min_coverage=float(p["min_coverage"]), measures=[col]
    )
    last = ratios.iloc[-1]
    rows = {str(r["universe"]): r for r in hist[hist["date"] == date].to_dict("records")}
    s_row, l_row = rows["small"], rows["large"]
    cov = (
        f"coverage {small_name} {int(s_row['with_data'])}/{int(s_row['members'])}, "
        f"{large_name} {int(l_row['with_data'])}/{int(l_row['members'])}"
    )
    if not bool(last["usable"]):
        raise MissingDataError(
            f"fundamentals covering {p['min_coverage']:.0%} of both universes at "
            f"{date:%Y-%m-%d} ({cov})"
        )
    st = stats.iloc[0]
    ratio = float(last[col])
    stat = str(p["stat"])
    measured = (
        ratio
        if stat == "ratio"
        else (ratio / float(st["mean"]) - 1 if stat == "vs_mean" else float(st["percentile"]))
    )
    losses = (
        f"; loss-makers {int(s_row['loss_makers'])} and {int(l_row['loss_makers'])}"
        f" ({p['losses']}d)"
        if col.startswith("pe_")
        else ""
    )
    detail = (
        f"{MEASURES[col]}: {small_name} {float(s_row[col]):.4g} / {large_name} "
        f"{float(l_row[col]):.4g} = {ratio:.4g} at {date:%Y-%m-%d}; long-run mean "
        f"{float(st['mean']):.4g} over {int(st['n'])} {p['history']} points from "
        f"{dates[0]:%Y-%m-%d}, percentile {float(st['percentile']):.0f}; {cov}{losses}; "
        f"{_label(small_name, small, dates[0])}; {_label(large_name, large, dates[0])}"
    )
    return measured, detail
