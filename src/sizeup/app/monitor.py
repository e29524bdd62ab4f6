"""Use case: the rotation monitor ("are small caps leading, how broad is the move?").

:func:`run_monitor` takes a :class:`MonitorRequest` and returns a :class:`Monitor` result:
:func:`load_monitor_inputs` reads what the monitor needs from the store under the data policy
(:mod:`sizeup.app._policy`), :func:`build_monitor` computes every panel with the pure functions
of :mod:`sizeup.analytics`. The CLI prints the result, the report renders it
(:mod:`sizeup.report.sections`), ``to_dict()`` is the JSON of ``sizeup monitor --json``.

As-of: the default is the latest session both funds of the pair (``IWM``, ``SPY`` total
returns; ``^RUT``/``^GSPC`` levels when the funds are absent) cover; every other input that ends
earlier is reported with the number of sessions it is behind. Nothing is read after the as-of
date, and nothing is written to the store.

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
P&F states independent of the chart start (docs/methods.md §P1, ≥ 3 years).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import numpy as np
import pandas as pd

from sizeup.analytics._jit import warm_up
from sizeup.analytics.breadth import (
    Breadth,
    BullishPercent,
    RsBreadth,
    breadth,
    bullish_percent,
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
from sizeup.app._json import to_jsonable
from sizeup.app._membership import load_membership
from sizeup.app._policy import PriceBasis, coverage_of, period_in_progress, resolve_asof
from sizeup.app._prices import as_traded_closes
from sizeup.app._result import ChartResult, InputCoverage, Provenance
from sizeup.app._store import StoreRef, open_store
from sizeup.errors import ConfigError, DataError, SizeupError
from sizeup.types import DateLike

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from sizeup.data.store import Store

__all__ = [
    "FUND_SYMBOLS",
    "INDEX_SYMBOLS",
    "LARGE_PEERS",
    "SECTIONS",
    "SMALL_PEERS",
    "Monitor",
    "MonitorInputs",
    "MonitorRequest",
    "build_monitor",
    "load_monitor_inputs",
    "run_monitor",
]

log = logging.getLogger(__name__)

INDEX_SYMBOLS: Final = ("^RUT", "^GSPC")
SMALL_PEERS: Final = ("IWM", "IJR", "VB", "SCHA")
LARGE_PEERS: Final = ("IVV", "SPY", "VOO", "IWB")
FUND_SYMBOLS: Final = ("IWM", "SPY", "IJR", "RSP", "IVV", "VB", "SCHA", "VOO", "IWB")
MARKET: Final = "RSP"
RECORD_FUNDS: Final = ("IWM", "SPY")
"""Funds whose records and drawdowns the monitor shows (on prices as traded)."""


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
    coverage: tuple[InputCoverage, ...] = ()
    warnings: tuple[str, ...] = ()
    store_version: int | None = None
    traded: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)


def _preferred_sources(
    store: Store, symbols: Sequence[str], field: str
) -> tuple[dict[str, str], dict[str, pd.Timestamp]]:
    """Return the source each read of ``field`` uses, and the latest date any source holds."""
    src = store.sources(list(symbols), field=field)  # type: ignore[arg-type]
    if src.empty:
        return {}, {}
    chosen = {str(r.symbol): str(r.source) for r in src.itertuples() if bool(r.preferred)}
    with_field = src[src["has_field"].astype(bool)]
    last = {str(k): pd.Timestamp(v) for k, v in with_field.groupby("symbol")["last"].max().items()}
    return chosen, last


def load_monitor_inputs(
    store: Store,
    *,
    asof: DateLike | None = None,
    universe: str | None = "IWM",
    history_years: int = 30,
    member_years: int = 8,
) -> MonitorInputs:
    """Read the monitor's inputs from the store under the data policy.

    Parameters
    ----------
    store
        The store.
    asof
        Requested as-of date (default: the latest session both funds of the pair cover; see
        :func:`~sizeup.app.resolve_asof`).
    universe
        Fund whose holdings define the breadth universe; ``None`` skips the universe panels.
    history_years
        Years of index/fund history to read (calendar tables, records).
    member_years
        Years of member history to read (P&F burn-in + display).

    Raises
    ------
    DataError
        Neither index levels nor fund prices are in the store, or ``asof`` is after the data.
    """
    missing: list[str] = []
    req = None if asof is None else pd.Timestamp(asof)
    # Index levels are price indexes: their closes are as traded. One splice rule: the store's.
    levels = store.panel(list(INDEX_SYMBOLS), field="close", end=req)
    tr = store.panel(list(FUND_SYMBOLS), field="adj_close", end=req)
    lv_src, lv_last = _preferred_sources(store, INDEX_SYMBOLS, "close")
    tr_src, tr_last = _preferred_sources(store, FUND_SYMBOLS, "adj_close")
    for sym in INDEX_SYMBOLS:
        if sym not in levels.columns:
            missing.append(f"index levels {sym}")
    for sym in FUND_SYMBOLS:
        if sym not in tr.columns:
            missing.append(f"fund prices {sym}")
    if levels.empty and tr.empty:
        raise DataError(
            "the store has neither index levels (^RUT, ^GSPC) nor fund prices (IWM, SPY...): "
            "import them first (sizeup import ... or sizeup fetch ...)",
            input="store",
            value="no ^RUT, ^GSPC, IWM or SPY",
            valid="a store with index levels or fund prices",
        )

    def _last(frame: pd.DataFrame, sym: str) -> pd.Timestamp | None:
        if sym not in frame.columns:
            return None
        col = frame[sym].dropna()
        return None if col.empty else pd.Timestamp(col.index.max())

    if {"IWM", "SPY"} <= set(tr.columns):
        required = {"IWM": _last(tr, "IWM"), "SPY": _last(tr, "SPY")}
    else:
        required = {"^RUT": _last(levels, "^RUT"), "^GSPC": _last(levels, "^GSPC")}
    if req is not None:
        # a request past the pair's data is refused, naming the latest date that works
        ends = tr_last if "IWM" in required else lv_last
        required = {k: ends.get(k) for k in required}
    at = resolve_asof(req, required)
    first = at - pd.DateOffset(years=history_years)
    levels = levels.loc[first:at].dropna(how="all")
    tr = tr.loc[first:at].dropna(how="all")
    coverage: list[InputCoverage] = []
    warnings: list[str] = []
    for frame, srcs, basis in (
        (levels, lv_src, PriceBasis.AS_TRADED),
        (tr, tr_src, PriceBasis.TOTAL_RETURN),
    ):
        for sym in frame.columns:
            cov, warn = coverage_of(
                str(sym),
                frame[sym].dropna().index,
                as_of=at,
                basis=basis,
                source=srcs.get(str(sym), ""),
            )
            coverage.append(cov)
            if warn:
                warnings.append(warn)
    # Records and drawdowns of the funds use prices as traded (the data policy).
    traded, traded_src, traded_notes = as_traded_closes(store, RECORD_FUNDS, end=at)
    traded = traded.loc[first:at].dropna(how="all") if not traded.empty else traded
    for sym in traded.columns:
        cov, warn = coverage_of(
            str(sym),
            traded[sym].dropna().index,
            as_of=at,
            basis=PriceBasis.AS_TRADED,
            source=traded_src.get(str(sym), ""),
        )
        coverage.append(cov)
        if warn:
            warnings.append(f"{warn} (as traded: records and drawdowns)")
    members = None
    mask = None
    note = ""
    if universe:
        uni = load_membership(store, universe, as_of=at)
        if uni.empty:
            missing.append(f"holdings of {universe} (breadth, bullish percent, RS breadth)")
        else:
            coverage.append(uni.coverage())
            names = list(uni.symbols)
            mstart = at - pd.DateOffset(years=member_years)
            panel = store.panel(names, field="adj_close", start=mstart, end=at)
            if panel.empty:
                missing.append(f"prices of the {len(names)} {universe} members")
            else:
                absent = len(names) - panel.shape[1]
                mask, note = uni.mask(pd.DatetimeIndex(panel.index), panel.columns)
                if absent:
                    note += f"; {absent} of {len(names)} holdings have no prices in the store"
                members = panel
                per_day = panel.notna().sum(axis=1)
                cov, warn = coverage_of(
                    f"{universe} members ({panel.shape[1]} of {len(names)})",
                    per_day[per_day > 0].index,
                    as_of=at,
                    basis=PriceBasis.TOTAL_RETURN,
                    source="store",
                )
                coverage.append(cov)
                if warn:
                    warnings.append(warn)
    return MonitorInputs(
        asof=at,
        levels=levels,
        tr=tr,
        members=None if members is None else members.loc[:at],
        member_mask=None if mask is None or members is None else mask[: len(members.loc[:at])],
        membership_note=note,
        universe=universe or "",
        missing=tuple(missing),
        sources={**lv_src, **tr_src},
        notes=tuple(traded_notes),
        coverage=tuple(coverage),
        warnings=tuple(warnings),
        store_version=getattr(store, "version", None),
        traded=traded,
    )


@dataclass(frozen=True)
class Monitor(ChartResult):
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
    relative_line: pd.Series | None = field(default=None, repr=False)
    timings: dict[str, float] = field(default_factory=dict, repr=False)
    provenance: Provenance = field(default_factory=lambda: Provenance(as_of=None))

    def summary(self) -> str:
        """Return a plain-text digest with the provenance (as-of, inputs, warnings)."""
        lines = [f"Rotation monitor as of {self.asof.date()} ({self.pair[0]} vs {self.pair[1]})"]
        for label in (period_in_progress(self.asof, "W"), period_in_progress(self.asof, "M")):
            if label is not None:
                lines.append(f"current {label}: in progress, not counted as a finished period")
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
        lines += self.provenance.lines()
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.summary()

    def to_frame(self) -> pd.DataFrame:
        """Return the scoreboard: window, symbol, return, benchmark return, excess."""
        parts = [sb.table() for sb in (self.scoreboard_tr, self.scoreboard_px) if sb is not None]
        if not parts:
            return pd.DataFrame(columns=["window", "symbol", "ret", "bench_ret", "excess"])
        return pd.concat(parts, ignore_index=True)

    def payload(self) -> dict[str, Any]:
        """Return every panel as plain data (the body of ``sizeup monitor --json``)."""
        return _payload(self)

    def figure(self) -> go.Figure:
        """Return the relative-strength line of the pair (small / large, rebased to 100)."""
        import plotly.graph_objects as go

        from sizeup.charts import line_chart

        a, b = self.pair
        ratio = self.relative_line
        if ratio is None or ratio.empty:
            return go.Figure(layout={"title": f"{a} / {b}: no data"})
        frame = ratio.iloc[-756:].to_frame(f"{a} / {b}")
        return line_chart(
            frame / float(ratio.iloc[-756:].iloc[0]) * 100.0,
            title=f"Relative strength {a} / {b} (rebased to 100)",
            y_title="ratio x 100",
            as_of=self.asof,
        )


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
        frames = [inputs.levels, inputs.traded]
        allpx = pd.concat([f for f in frames if not f.empty] or [pd.DataFrame()], axis=1, sort=True)
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
            try:
                bp = bullish_percent(
                    members.loc[prow],
                    members=None if mask is None else mask[prow],
                    note=inputs.membership_note,
                    universe=inputs.universe,
                )
            except DataError as exc:  # e.g. no member has a P&F signal yet
                notes.append(f"bullish percent not shown: {exc}")
            t0 = _timed(timings, "bpi", t0)
        if "rs" in want:
            if MARKET in inputs.tr.columns:
                try:
                    rs = rs_breadth(
                        members.loc[prow],
                        inputs.tr[MARKET],
                        members=None if mask is None else mask[prow],
                    )
                except DataError as exc:
                    notes.append(f"RS breadth not shown: {exc}")
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
        relative_line=None if pair is None else (pair[0][a] / pair[0][b]).dropna(),
        timings=timings,
        provenance=Provenance(
            as_of=at,
            inputs=inputs.coverage,
            store_version=inputs.store_version,
            notes=(
                "scoreboard, streaks and calendar tables of funds: total return (adjusted "
                "closes); index levels and fund records/drawdowns: prices as traded",
                *([inputs.membership_note] if inputs.membership_note else []),
            ),
            warnings=inputs.warnings,
        ),
    )


# ------------------------------------------------------------------ JSON
def _frame_records(frame: pd.DataFrame | None, index_name: str) -> list[dict[str, Any]] | None:
    if frame is None:
        return None
    out = frame.reset_index().rename(columns={frame.index.name or "index": index_name})
    return [to_jsonable(r) for r in out.to_dict(orient="records")]


def _best(b: BestSince | None) -> Any:
    if b is None:
        return None
    return to_jsonable(
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


def _payload(m: Monitor) -> dict[str, Any]:
    """JSON-ready dict of the dashboard (dates ISO, NaN -> null, returns as decimals)."""
    out: dict[str, Any] = {"asof": m.asof.date().isoformat(), "pair": list(m.pair)}
    for key, sb in (("scoreboard_tr", m.scoreboard_tr), ("scoreboard_price", m.scoreboard_px)):
        out[key] = (
            None
            if sb is None
            else {
                "benchmark": sb.benchmark,
                "rows": [to_jsonable(r) for r in sb.table().to_dict(orient="records")],
            }
        )
    for key, st in (("streak_week", m.streak_week), ("streak_month", m.streak_month)):
        out[key] = (
            None
            if st is None
            else to_jsonable(
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
    out["records"] = [
        to_jsonable({k: getattr(r, k) for k in r.__dataclass_fields__}) for r in m.records
    ]
    out["race_to_record"] = _frame_records(m.race, "symbol")
    out["calendar_years"] = _frame_records(m.years, "period_end")
    out["calendar_years_history"] = to_jsonable(m.years_history)
    out["half_years"] = _frame_records(m.halves, "period_end")
    out["half_years_history"] = to_jsonable(m.halves_history)
    out["start_of_year_rank"] = _best(m.start_rank)
    out["monthly_gap_rank"] = _best(m.month_gap_rank)
    if m.breadth is not None:
        last = m.breadth.latest()
        out["breadth"] = to_jsonable(
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
        out["bpi"] = to_jsonable({"date": last.name, **last.to_dict(), "method": m.bpi.method})
    else:
        out["bpi"] = None
    out["rs_breadth"] = (
        None
        if m.rs is None
        else to_jsonable(
            {"date": m.rs.frame.index[-1], **m.rs.frame.iloc[-1].to_dict(), "box_pct": m.rs.box_pct}
        )
    )
    out["fund_scores"] = [
        to_jsonable(
            {"fund": s.fund, "label": s.label, "peers": list(s.peers), **s.latest().to_dict()}
        )
        for s in m.scores
    ]
    out["fund_score_gap"] = (
        None
        if m.score_gap is None
        else to_jsonable({"text": m.score_gap.summary(), **m.score_gap.frame.iloc[-1].to_dict()})
    )
    out["notes"] = list(m.notes)
    out["timings"] = to_jsonable(m.timings)
    return out


@dataclass(frozen=True)
class MonitorRequest:
    """What the monitor computes.

    Attributes
    ----------
    asof
        As-of date (default: the data policy's latest covered session).
    universe
        Fund whose holdings are the breadth universe (``None``: skip breadth, BPI, RS breadth).
    sections
        Subset of ``scoreboard, streaks, records, calendar, breadth, bpi, rs, fundscore``.
    windows
        Scoreboard windows (default: 1D .. YTD, 1Y and the last calendar year).
    """

    asof: pd.Timestamp | None = None
    universe: str | None = "IWM"
    sections: tuple[str, ...] | None = None
    windows: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        bad = sorted(set(self.sections or ()) - set(SECTIONS))
        if bad:
            raise ConfigError(
                f"--sections: unknown section(s) {', '.join(bad)}; valid: {', '.join(SECTIONS)}",
                input="--sections",
                value=",".join(bad),
                valid=", ".join(SECTIONS),
            )


SECTIONS: Final = (
    "scoreboard", "streaks", "records", "calendar", "breadth", "bpi", "rs", "fundscore"
)  # fmt: skip


def run_monitor(request: MonitorRequest, store: StoreRef | Store | None = None) -> Monitor:
    """Read the inputs and compute the monitor (the ``sizeup monitor`` use case).

    Parameters
    ----------
    request
        As-of, universe and sections.
    store
        A :class:`~sizeup.app.StoreRef` (default: the settings' store) or an open store.

    Returns
    -------
    Monitor
    """
    st = open_store(store)
    warm_up()  # numba's start-up runs on the other core while the store is read
    inputs = load_monitor_inputs(st, asof=request.asof, universe=request.universe)
    return build_monitor(inputs, sections=request.sections, windows=request.windows)
