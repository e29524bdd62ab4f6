"""The rotation monitor: "are small caps leading, how broad is the move, how does it compare?".

:func:`load_monitor_inputs` reads what the monitor needs from the store, :func:`build_monitor`
computes every panel with the pure functions of :mod:`sizeup.analytics`, and
:func:`monitor_section` / :func:`monitor_to_dict` turn the result into a report section or JSON.

Data the monitor uses (each panel degrades on its own and says what is missing):

=====================  ===========================================================
index levels           ``^RUT``, ``^GSPC`` closes (price returns, records, calendar
                       table before the ETFs exist)
fund total returns     ``adj_close`` of ``IWM``, ``SPY`` (scoreboard, streaks, calendar
                       table), ``IJR``, ``RSP`` (market RS benchmark, S&P 500 equal weight),
                       ``IVV`` (fund-score gap) and peers ``VB``, ``SCHA``, ``VOO``, ``IWB``
universe               holdings snapshots of the universe fund (``IWM``) and the members'
                       ``adj_close`` (breadth, bullish percent, RS breadth)
=====================  ===========================================================

Speed: P&F-based panels (BPI, % positive trend, RS breadth) are computed from
``asof - (bpi_years + burn_in_years)`` and breadth from ``asof - (breadth_years + 1.5)`` years,
so the warm run over the full 1,848-member universe stays within seconds; the burn-in keeps the
P&F states independent of the chart start (METHODS.md §1.1, ≥ 3 years).
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import Any, Final
from urllib.parse import quote

import numpy as np
import pandas as pd

from sizeup.analytics.breadth import (
    Breadth,
    BullishPercent,
    RsBreadth,
    breadth,
    bullish_percent,
    membership_mask,
    rs_breadth,
    trailing_rank,
)
from sizeup.analytics.performance import (
    DEFAULT_WINDOWS,
    OFS_LABEL,
    BestSince,
    FundScore,
    FundScoreGap,
    RecordStatus,
    Scoreboard,
    StreakResult,
    calendar_table,
    first_to_record,
    fund_score_gap,
    monthly_gap_rank,
    open_fund_score,
    outperformance_history,
    outperformance_streak,
    record_status,
    scoreboard,
    start_of_year_rank,
)
from sizeup.charts import line_chart
from sizeup.data.store import Store
from sizeup.errors import DataError, SizeupError
from sizeup.report._render import Coverage, ReportFigure, ReportSection, ReportTable
from sizeup.types import DateLike

__all__ = [
    "FUND_SYMBOLS",
    "INDEX_SYMBOLS",
    "LARGE_PEERS",
    "SMALL_PEERS",
    "Monitor",
    "MonitorInputs",
    "build_monitor",
    "load_monitor_inputs",
    "monitor_section",
    "monitor_to_dict",
]

log = logging.getLogger(__name__)

INDEX_SYMBOLS: Final = ("^RUT", "^GSPC")
SMALL_PEERS: Final = ("IWM", "IJR", "VB", "SCHA")
LARGE_PEERS: Final = ("IVV", "SPY", "VOO", "IWB")
FUND_SYMBOLS: Final = ("IWM", "SPY", "IJR", "RSP", "IVV", "VB", "SCHA", "VOO", "IWB")
MARKET: Final = "RSP"


@dataclass(frozen=True)
class MonitorInputs:
    """Everything the monitor reads, already cut at the as-of date.

    Attributes
    ----------
    asof
        As-of date (last session on or before the requested date with index or fund data).
    levels
        Index closes (columns of :data:`INDEX_SYMBOLS` present in the store).
    tr
        Fund adjusted closes (columns of :data:`FUND_SYMBOLS` present).
    members
        Member adjusted closes (dates x members) or ``None``.
    member_mask, membership_note
        Point-in-time membership mask aligned with ``members`` and its note.
    universe
        Universe fund name.
    missing
        Human-readable list of what could not be found.
    sources
        Symbol -> store source used.
    notes
        Data notes (e.g. index levels spliced from two identical sources).
    """

    asof: pd.Timestamp
    levels: pd.DataFrame
    tr: pd.DataFrame
    members: pd.DataFrame | None
    member_mask: np.ndarray | None = field(repr=False)
    membership_note: str
    universe: str
    missing: tuple[str, ...]
    sources: dict[str, str] = field(default_factory=dict, repr=False)
    notes: tuple[str, ...] = ()


def _holdings_snapshots(store: Store, fund: str) -> dict[DateLike, Collection[str]]:
    frame = store.read("holdings", files=[store.partition_path("holdings", [fund])])
    if frame.empty:
        return {}
    frame = frame[frame["asset_class"].fillna("Equity").str.lower().isin(["equity", ""])]
    return {
        pd.Timestamp(str(k)): sorted(set(g["symbol"].astype(str)))
        for k, g in frame.groupby("as_of", sort=True)
    }


def _spliced_levels(
    store: Store, symbols: Sequence[str], *, start: DateLike | None, end: DateLike | None
) -> tuple[pd.DataFrame, list[str]]:
    """Index closes; a symbol held by several sources is spliced when they agree.

    The store reads one source per symbol (the one with OHLC and the latest data), which for
    index levels can drop decades of history held by another source (e.g. ``^RUT`` 1987-2024
    from one file, 2021-2026 from another). Sources whose closes agree within 1e-6 relative on
    every overlapping day are combined (preferred source first); otherwise only the preferred
    one is used. Both cases are reported.
    """
    src = store.sources(list(symbols))
    cols: dict[str, pd.Series] = {}
    notes: list[str] = []
    for sym in symbols:
        rows = src[src["symbol"] == sym]
        if rows.empty:
            continue
        order = [str(s) for s in rows.sort_values("preferred", ascending=False)["source"]]
        series = [
            store.panel([sym], field="close", start=start, end=end, source=s)[sym] for s in order
        ]
        out = series[0]
        used = [order[0]]
        for s, other in zip(order[1:], series[1:], strict=True):
            both = pd.concat([out, other], axis=1, join="inner").dropna()
            if both.empty:
                continue
            gap = float((both.iloc[:, 0] / both.iloc[:, 1] - 1.0).abs().max())
            if gap <= 1e-6:
                out = out.combine_first(other)
                used.append(s)
            else:
                notes.append(f"{sym}: source {s} differs from {order[0]} by {gap:.2e}; not used")
        if len(used) > 1:
            notes.append(f"{sym} spliced from {' + '.join(used)} (identical on overlapping days)")
        cols[sym] = out
    frame = pd.DataFrame(cols).sort_index() if cols else pd.DataFrame()
    return frame, notes


def _members_panel(
    store: Store, names: Sequence[str], *, start: pd.Timestamp, end: pd.Timestamp
) -> pd.DataFrame:
    """Members' adjusted closes via :meth:`Store.panel`, cached as one Parquet file.

    Reading ~1,850 partition files through DuckDB and pivoting costs seconds; the wide result is
    cached under ``<data_dir>/cache/monitor/`` keyed by a fingerprint of the bar files (path,
    size, modification time) and the date range, so any write to the store invalidates it.
    """
    wanted = {quote(str(n), safe="-_.,=+@") + ".parquet" for n in names}
    files = [p for p in store.files("bars") if p.name in wanted]
    h = hashlib.sha256(f"adj_close|{start.date()}|{end.date()}|{sorted(names)}".encode())
    for p in files:
        st = p.stat()
        h.update(f"{p.relative_to(store.root)}|{st.st_size}|{st.st_mtime_ns}".encode())
    folder = store.root / "cache" / "monitor"
    path = folder / f"members_{h.hexdigest()[:24]}.parquet"
    if path.exists():
        try:
            return pd.read_parquet(path)
        except (OSError, ValueError) as exc:
            log.warning("monitor cache %s unreadable (%s); rebuilding it", path, exc)
    panel = store.panel(list(names), field="adj_close", start=start, end=end)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.glob("members_*.parquet"):
            old.unlink(missing_ok=True)
        tmp = path.with_suffix(".tmp")
        panel.to_parquet(tmp)
        os.replace(tmp, path)
    except OSError as exc:  # a read-only store still works, just slower
        log.warning("cannot write the monitor cache %s: %s", path, exc)
    return panel


def load_monitor_inputs(
    store: Store,
    *,
    asof: DateLike | None = None,
    universe: str | None = "IWM",
    history_years: int = 30,
    member_years: int = 8,
) -> MonitorInputs:
    """Read the monitor's inputs from the store (see the module docstring for the symbols).

    Parameters
    ----------
    store
        The store.
    asof
        As-of date (default: the latest date of ``IWM``/``^RUT`` data).
    universe
        Fund whose holdings define the breadth universe; ``None`` skips the universe panels.
    history_years
        Years of index/fund history to read (calendar tables, records).
    member_years
        Years of member history to read (P&F burn-in + display).

    Raises
    ------
    DataError
        Neither index levels nor fund prices are in the store.
    """
    missing: list[str] = []
    end = None if asof is None else pd.Timestamp(asof)
    start = None
    if end is not None:
        start = end - pd.DateOffset(years=history_years)
    levels, splice_notes = _spliced_levels(store, INDEX_SYMBOLS, start=start, end=end)
    tr = store.panel(list(FUND_SYMBOLS), field="adj_close", start=start, end=end)
    src = store.sources(list(INDEX_SYMBOLS) + list(FUND_SYMBOLS))
    sources = (
        {str(r.symbol): str(r.source) for r in src[src["preferred"]].itertuples()}
        if not src.empty
        else {}
    )
    for sym in INDEX_SYMBOLS:
        if sym not in levels.columns:
            missing.append(f"index levels {sym}")
    for sym in FUND_SYMBOLS:
        if sym not in tr.columns:
            missing.append(f"fund prices {sym}")
    if levels.empty and tr.empty:
        raise DataError(
            "the store has neither index levels (^RUT, ^GSPC) nor fund prices (IWM, SPY...): "
            "import them first (sizeup import ... or sizeup fetch ...)"
        )
    last_dates = [f.index.max() for f in (levels, tr) if not f.empty]
    at = pd.Timestamp(max(last_dates)) if end is None else end
    first = at - pd.DateOffset(years=history_years)
    levels, tr = levels.loc[first:], tr.loc[first:]
    members = None
    mask = None
    note = ""
    if universe:
        snaps = _holdings_snapshots(store, universe)
        if not snaps:
            missing.append(f"holdings of {universe} (breadth, bullish percent, RS breadth)")
        else:
            names = sorted({s for v in snaps.values() for s in v})
            mstart = at - pd.DateOffset(years=member_years)
            panel = _members_panel(store, names, start=mstart, end=at)
            if panel.empty:
                missing.append(f"prices of the {len(names)} {universe} members")
            else:
                absent = len(names) - panel.shape[1]
                mask, note = membership_mask(pd.DatetimeIndex(panel.index), panel.columns, snaps)
                if absent:
                    note += f"; {absent} of {len(names)} holdings have no prices in the store"
                members = panel
    return MonitorInputs(
        asof=at,
        levels=levels.loc[:at],
        tr=tr.loc[:at],
        members=None if members is None else members.loc[:at],
        member_mask=None if mask is None or members is None else mask[: len(members.loc[:at])],
        membership_note=note,
        universe=universe or "",
        missing=tuple(missing),
        sources=sources,
        notes=tuple(splice_notes),
    )


@dataclass(frozen=True)
class Monitor:
    """The computed dashboard (every panel ``None`` when its data are missing).

    Attributes
    ----------
    asof
        As-of date.
    scoreboard_tr, scoreboard_px
        Total-return scoreboard vs SPY and price scoreboard ``^RUT`` vs ``^GSPC``.
    streak_week, streak_month
        Outperformance streaks (IWM vs SPY TR, else ^RUT vs ^GSPC).
    records
        Record status of indexes and funds.
    race
        Which index got back to its record first, counted from the last day on which all
        indexes were at least 10 % below their records.
    years, halves
        Calendar-year and half-year tables of small vs large with their history summaries.
    start_rank, month_gap_rank
        "Strongest start to a year" (first N sessions, N = sessions so far this year) and the
        latest monthly gap's rank.
    breadth, pct_adv_rank, bpi, rs
        Universe panels.
    scores, score_gap
        OpenFundScores (IWM, IVV) and their gap.
    notes
        Missing data, survivorship and method notes.
    timings
        Seconds per section.
    """

    asof: pd.Timestamp
    pair: tuple[str, str]
    scoreboard_tr: Scoreboard | None
    scoreboard_px: Scoreboard | None
    streak_week: StreakResult | None
    streak_month: StreakResult | None
    records: tuple[RecordStatus, ...]
    race: pd.DataFrame | None
    years: pd.DataFrame | None
    years_history: dict[str, Any] | None
    halves: pd.DataFrame | None
    halves_history: dict[str, Any] | None
    start_rank: BestSince | None
    month_gap_rank: BestSince | None
    breadth: Breadth | None
    pct_adv_rank: pd.Series | None
    bpi: BullishPercent | None
    rs: RsBreadth | None
    scores: tuple[FundScore, ...]
    score_gap: FundScoreGap | None
    notes: tuple[str, ...]
    timings: dict[str, float] = field(default_factory=dict, repr=False)

    def summary(self) -> str:
        """Plain-text digest."""
        lines = [f"Rotation monitor as of {self.asof.date()} ({self.pair[0]} vs {self.pair[1]})"]
        if self.streak_week is not None:
            lines.append(self.streak_week.summary())
        if self.years_history is not None:
            h = self.years_history
            lines.append(
                f"calendar years led: {h['led_count']} of {h['periods']}; last led {h['last_led']}"
            )
        if self.breadth is not None:
            lines.append(self.breadth.summary().splitlines()[0])
        if self.bpi is not None:
            lines.append(self.bpi.summary())
        if self.score_gap is not None:
            lines.append(self.score_gap.summary())
        lines += [f"note: {n}" for n in self.notes]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.summary()


def _pair(inputs: MonitorInputs) -> tuple[pd.DataFrame, str, str] | None:
    tr = inputs.tr
    if {"IWM", "SPY"} <= set(tr.columns) and tr[["IWM", "SPY"]].dropna().shape[0] > 260:
        return tr, "IWM", "SPY"
    lv = inputs.levels
    if {"^RUT", "^GSPC"} <= set(lv.columns):
        return lv, "^RUT", "^GSPC"
    return None


def _timed(timings: dict[str, float], name: str, t0: float) -> float:
    t1 = time.perf_counter()
    timings[name] = timings.get(name, 0.0) + (t1 - t0)
    return t1


def _years_table(inputs: MonitorInputs, frame: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """Calendar years: index levels before the ETFs' first full year, ETF TR after."""
    t = calendar_table(frame, a, b, end=inputs.asof)
    lv = inputs.levels
    if a != "^RUT" and {"^RUT", "^GSPC"} <= set(lv.columns) and not t.empty:
        early = calendar_table(lv, "^RUT", "^GSPC", end=t.index[0] - pd.Timedelta(days=1))
        if not early.empty:
            early = early.assign(source="index levels (price return)")
            t = pd.concat([early, t.assign(source=f"{a}/{b} adjusted (total return)")])
    if "source" not in t.columns:
        t = t.assign(source=f"{a}/{b}")
    return t


def build_monitor(
    inputs: MonitorInputs,
    *,
    windows: Sequence[str] | None = None,
    lookback_weeks: int = 104,
    breadth_years: int = 3,
    bpi_years: int = 3,
    burn_in_years: int = 5,
    rank_days: int = 756,
    sections: Sequence[str] | None = None,
) -> Monitor:
    """Compute every monitor panel from :class:`MonitorInputs` (pure computation).

    Parameters
    ----------
    inputs
        From :func:`load_monitor_inputs` (or built by hand in tests).
    windows
        Scoreboard windows (default :data:`~sizeup.analytics.performance.DEFAULT_WINDOWS` plus the
        last completed calendar year).
    lookback_weeks
        Look-back of the longest-streak comparison.
    breadth_years, bpi_years, burn_in_years
        History shown, and P&F burn-in before it.
    rank_days
        Window of the % advancing rank (756 sessions = three years).
    sections
        Subset of ``scoreboard, streaks, records, calendar, breadth, bpi, rs, fundscore`` to
        compute (default all).
    """
    want = set(
        sections
        or ("scoreboard", "streaks", "records", "calendar", "breadth", "bpi", "rs", "fundscore")
    )
    at = inputs.asof
    windows = [*DEFAULT_WINDOWS, str(at.year - 1)] if windows is None else list(windows)
    notes: list[str] = [f"missing: {m}" for m in inputs.missing] + list(inputs.notes)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    pair = _pair(inputs)
    a, b = ("IWM", "SPY") if pair is None else (pair[1], pair[2])
    sb_tr = sb_px = None
    if "scoreboard" in want:
        tr = inputs.tr
        if "SPY" in tr.columns:
            syms = [s for s in ("IWM", "IJR", "RSP", "IVV") if s in tr.columns]
            if syms:
                sb_tr = scoreboard(tr, benchmark="SPY", symbols=syms, windows=windows, asof=at)
        if {"^RUT", "^GSPC"} <= set(inputs.levels.columns):
            sb_px = scoreboard(
                inputs.levels, benchmark="^GSPC", symbols=["^RUT"], windows=windows, asof=at
            )
        t0 = _timed(timings, "scoreboard", t0)
    sw = sm = None
    if "streaks" in want and pair is not None:
        sw = outperformance_streak(pair[0], a, b, freq="W", lookback=lookback_weeks, asof=at)
        sm = outperformance_streak(pair[0], a, b, freq="M", lookback=24, asof=at)
        t0 = _timed(timings, "streaks", t0)
    recs: tuple[RecordStatus, ...] = ()
    race = None
    if "records" in want:
        frames = [inputs.levels, inputs.tr[[s for s in ("IWM", "SPY") if s in inputs.tr]]]
        allpx = pd.concat([f for f in frames if not f.empty], axis=1, sort=True)
        recs = tuple(record_status(allpx, asof=at))
        lv = inputs.levels.dropna()
        if lv.shape[1] >= 2 and not lv.empty:
            # the race starts on the last day all indexes were >= 10 % below their records
            dd = lv / lv.cummax() - 1.0
            joint = dd.index[(dd <= -0.10).all(axis=1)]
            if len(joint):
                race = first_to_record(lv, since=joint[-1])
        t0 = _timed(timings, "records", t0)
    years = halves = None
    yh = hh = None
    start_rank = gap_rank = None
    if "calendar" in want and pair is not None:
        years = _years_table(inputs, pair[0], a, b)
        if not years.empty:
            yh = outperformance_history(years)
        halves = calendar_table(pair[0], a, b, freq="H", end=at)
        if not halves.empty:
            hh = outperformance_history(halves)
        start_rank = start_of_year_rank(pair[0], a, b, asof=at)
        gap_rank = monthly_gap_rank(pair[0], a, b, end=at)
        t0 = _timed(timings, "calendar", t0)
    br = rank = bp = rs = None
    members = inputs.members
    if members is not None and members.shape[1] > 0:
        if inputs.membership_note:
            notes.append(inputs.membership_note)
        mask = inputs.member_mask
        if "breadth" in want:
            bstart = at - pd.DateOffset(years=breadth_years) - pd.DateOffset(months=18)
            rows = members.index >= bstart
            br = breadth(
                members.loc[rows],
                members=None if mask is None else mask[rows],
                note=inputs.membership_note,
                universe=inputs.universe,
            )
            rank = trailing_rank(br.frame["pct_adv"], window=rank_days).iloc[-1]
            t0 = _timed(timings, "breadth", t0)
        pstart = at - pd.DateOffset(years=bpi_years + burn_in_years)
        prow = members.index >= pstart
        if "bpi" in want:
            bp = bullish_percent(
                members.loc[prow],
                members=None if mask is None else mask[prow],
                note=inputs.membership_note,
                universe=inputs.universe,
            )
            t0 = _timed(timings, "bpi", t0)
        if "rs" in want:
            if MARKET in inputs.tr.columns:
                rs = rs_breadth(
                    members.loc[prow],
                    inputs.tr[MARKET],
                    members=None if mask is None else mask[prow],
                )
            else:
                notes.append(f"RS breadth needs {MARKET} (S&P 500 equal weight) prices")
            t0 = _timed(timings, "rs", t0)
    scores: list[FundScore] = []
    gap_res = None
    if "fundscore" in want:
        tr = inputs.tr
        fstart = at - pd.DateOffset(years=bpi_years + burn_in_years)
        for fund, peers in (("IWM", SMALL_PEERS), ("IVV", LARGE_PEERS)):
            have = [p for p in peers if p in tr.columns]
            if fund not in tr.columns or MARKET not in tr.columns:
                notes.append(f"{OFS_LABEL} of {fund} needs {fund} and {MARKET} prices")
                continue
            try:
                scores.append(
                    open_fund_score(tr, fund, market=MARKET, peers=have, start=fstart, asof=at)
                )
            except SizeupError as exc:
                notes.append(f"{OFS_LABEL} of {fund}: {exc}")
        if len(scores) == 2:
            gap_res = fund_score_gap(scores[0], scores[1])
        t0 = _timed(timings, "fundscore", t0)
    return Monitor(
        asof=at,
        pair=(a, b),
        scoreboard_tr=sb_tr,
        scoreboard_px=sb_px,
        streak_week=sw,
        streak_month=sm,
        records=recs,
        race=race,
        years=years,
        years_history=yh,
        halves=halves,
        halves_history=hh,
        start_rank=start_rank,
        month_gap_rank=gap_rank,
        breadth=br,
        pct_adv_rank=rank,
        bpi=bp,
        rs=rs,
        scores=tuple(scores),
        score_gap=gap_res,
        notes=tuple(notes),
        timings=timings,
    )


# ------------------------------------------------------------------ JSON
def _json(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _json(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json(v) for v in value]
    if isinstance(value, pd.Timestamp):
        return None if pd.isna(value) else value.date().isoformat()
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        f = float(value)
        return None if math.isnan(f) or math.isinf(f) else f
    if value is None or isinstance(value, str | int):
        return value
    if value is pd.NaT:
        return None
    return str(value)


def _frame_records(frame: pd.DataFrame | None, index_name: str) -> list[dict[str, Any]] | None:
    if frame is None:
        return None
    out = frame.reset_index().rename(columns={frame.index.name or "index": index_name})
    return [_json(r) for r in out.to_dict(orient="records")]


def _best(b: BestSince | None) -> Any:
    if b is None:
        return None
    return _json(
        {
            "at": b.at,
            "value": b.value,
            "mode": b.mode,
            "since": b.since,
            "periods_since": b.periods_since,
            "rank": b.rank,
            "n": b.n,
            "text": b.summary(),
        }
    )


def monitor_to_dict(m: Monitor) -> dict[str, Any]:
    """JSON-ready dict of the dashboard (dates ISO, NaN -> null, returns as decimals)."""
    out: dict[str, Any] = {"asof": m.asof.date().isoformat(), "pair": list(m.pair)}
    for key, sb in (("scoreboard_tr", m.scoreboard_tr), ("scoreboard_price", m.scoreboard_px)):
        out[key] = (
            None
            if sb is None
            else {
                "benchmark": sb.benchmark,
                "rows": [_json(r) for r in sb.table().to_dict(orient="records")],
            }
        )
    for key, st in (("streak_week", m.streak_week), ("streak_month", m.streak_month)):
        out[key] = (
            None
            if st is None
            else _json(
                {
                    "current": st.current,
                    "longest_prior": st.longest_prior,
                    "lookback": st.lookback,
                    "status": st.status,
                    "asof": st.asof,
                    "text": st.summary(),
                }
            )
        )
    out["records"] = [_json({k: getattr(r, k) for k in r.__dataclass_fields__}) for r in m.records]
    out["race_to_record"] = _frame_records(m.race, "symbol")
    out["calendar_years"] = _frame_records(m.years, "period_end")
    out["calendar_years_history"] = _json(m.years_history)
    out["half_years"] = _frame_records(m.halves, "period_end")
    out["half_years_history"] = _json(m.halves_history)
    out["start_of_year_rank"] = _best(m.start_rank)
    out["monthly_gap_rank"] = _best(m.month_gap_rank)
    if m.breadth is not None:
        last = m.breadth.latest()
        out["breadth"] = _json(
            {
                "date": last.name,
                **last.to_dict(),
                "pct_adv_rank_3y": None if m.pct_adv_rank is None else m.pct_adv_rank.to_dict(),
                "note": m.breadth.note,
            }
        )
    else:
        out["breadth"] = None
    if m.bpi is not None:
        last = m.bpi.latest()
        out["bpi"] = _json({"date": last.name, **last.to_dict(), "method": m.bpi.method})
    else:
        out["bpi"] = None
    out["rs_breadth"] = (
        None
        if m.rs is None
        else _json(
            {"date": m.rs.frame.index[-1], **m.rs.frame.iloc[-1].to_dict(), "box_pct": m.rs.box_pct}
        )
    )
    out["fund_scores"] = [
        _json({"fund": s.fund, "label": s.label, "peers": list(s.peers), **s.latest().to_dict()})
        for s in m.scores
    ]
    out["fund_score_gap"] = (
        None
        if m.score_gap is None
        else _json({"text": m.score_gap.summary(), **m.score_gap.frame.iloc[-1].to_dict()})
    )
    out["notes"] = list(m.notes)
    out["timings"] = _json(m.timings)
    return out


# ------------------------------------------------------------------ report section
def monitor_section(m: Monitor) -> ReportSection:
    """Report section with the same panels as ``sizeup monitor``."""
    tables: list[ReportTable] = []
    figures: list[ReportFigure] = []
    at = m.asof
    for sb in (m.scoreboard_tr, m.scoreboard_px):
        if sb is None:
            continue
        t = sb.table()
        tables.append(
            ReportTable(
                f"Relative performance vs {sb.benchmark}",
                t[["window", "start", "end", "symbol", "ret", "bench_ret", "excess"]],
                at,
                (),
                formats={"ret": "{:.2%}", "bench_ret": "{:.2%}", "excess": "{:+.2%}"},
                caption="excess = symbol return - benchmark return (x100 = percentage points)",
            )
        )
    rows: list[dict[str, Any]] = []
    for st in (m.streak_week, m.streak_month):
        if st is not None:
            rows.append({"item": f"streak ({st.freq})", "value": st.summary()})
    for r in m.records:
        rows.append({"item": f"record {r.symbol}", "value": r.summary()})
    for key, h in (("calendar years", m.years_history), ("half years", m.halves_history)):
        if h is not None:
            rows.append(
                {
                    "item": key,
                    "value": f"{m.pair[0]} led {h['led_count']} of {h['periods']}; last led "
                    f"{h['last_led']} ({h['periods_since_led']} periods ago); {h['outcomes']}",
                }
            )
    for key, bs in (("start of year", m.start_rank), ("monthly gap", m.month_gap_rank)):
        if bs is not None:
            rows.append({"item": key, "value": bs.summary()})
    if rows:
        tables.append(ReportTable("Streaks, records and history", pd.DataFrame(rows), at, ()))
    if m.years is not None and not m.years.empty:
        y = m.years[["label", "ret_a", "ret_b", "diff", "a_led", "source"]]
        tables.append(
            ReportTable(
                f"Calendar years: {m.pair[0]} vs {m.pair[1]}",
                y,
                at,
                (),
                formats={"ret_a": "{:.2%}", "ret_b": "{:.2%}", "diff": "{:+.2%}"},
            )
        )
    surv = None
    if m.breadth is not None:
        f = m.breadth.frame
        surv = m.breadth.note or None
        cols = ["pct_adv", "pct_above_50", "pct_above_200", "hli"]
        figures.append(
            ReportFigure(
                f"Breadth of {m.breadth.universe}",
                line_chart(f[cols].iloc[-756:], title="Breadth", y_title="% of members", as_of=at),
                at,
                (Coverage.of(f["members"], name=f"{m.breadth.universe} members", source="store"),),
            )
        )
    if m.bpi is not None:
        f = m.bpi.frame
        last = m.bpi.latest()
        tables.append(
            ReportTable(
                "Bullish percent",
                pd.DataFrame(
                    [
                        {
                            "date": last.name,
                            "bpi": last["bpi"],
                            "column": last["bpi_column"],
                            "state": last["state"],
                            "field": last["field"],
                            "coverage": last["coverage"],
                            "pct_pos_trend": last["pct_pos_trend"],
                        }
                    ]
                ),
                at,
                (),
                formats={"bpi": "{:.1f}", "coverage": "{:.0%}", "pct_pos_trend": "{:.1f}"},
                caption=f"member charts: {m.bpi.method}",
            )
        )
        figures.append(
            ReportFigure(
                "Bullish percent index",
                line_chart(
                    f[["bpi", "pct_pos_trend"]].iloc[-756:], title="BPI", y_title="%", as_of=at
                ),
                at,
                (Coverage.of(f["bpi"], name="BPI", source="computed"),),
            )
        )
    if m.scores:
        tables.append(
            ReportTable(
                OFS_LABEL,
                pd.DataFrame(
                    [
                        {
                            "fund": s.fund,
                            "ofs": s.latest()["ofs"],
                            "trend": s.latest()["T"],
                            "market_rs": s.latest()["M"],
                            "peer_rs": s.latest()["P"],
                            "dir_126": s.latest()["dir_126"],
                        }
                        for s in m.scores
                    ]
                ),
                at,
                (),
                formats={k: "{:.2f}" for k in ("ofs", "trend", "market_rs", "peer_rs", "dir_126")},
                caption=m.score_gap.summary() if m.score_gap is not None else "",
            )
        )
    notes = [
        "Returns are total returns from adjusted closes for funds and price returns for index "
        "levels; excess is in percentage points.",
        f"{OFS_LABEL}: METHODS.md §4.2.",
        *m.notes,
    ]
    return ReportSection(
        "Rotation monitor",
        figures=tuple(figures),
        tables=tuple(tables),
        notes=tuple(notes),
        survivorship=surv,
    )
