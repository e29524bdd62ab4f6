"""The report's layout: rotation first, then P&F, breadth, statistics, screens, backtests, claims.

:func:`report_plan` builds the parts a :class:`~sizeup.app.reports.ReportRequest` asks for, in
the order of :data:`~sizeup.app.reports.REPORT_SECTIONS`:

============  ==========================================================================
rotation      scoreboard of the small-cap fund and index vs their large-cap peers, the
              relative-strength line, streaks and records, breadth and the bullish
              percent with its own P&F chart and risk state, fund scores
pnf           P&F charts of the small-cap fund, of the small / large ratio (RS chart of the
              fund pair, then of the index pair) and of the 10-year Treasury yield
breadth       breadth indicators of the universe over time
seasonality   calendar effects (``sizeup.report.sections._seasonality``)
size-premium  SMB statistics, size regimes, small vs big portfolios
conditional   conditional history
screens       the quality-value screen of the fund's members
backtests     the size rotation backtest (small vs large by their RS signal)
claims        verdicts on a claims file (``--claims``)
============  ==========================================================================

A part whose data are missing is not dropped: it becomes a section that says which data are
missing and which ``sizeup fetch`` / ``sizeup import`` command brings them. Every input is read
once (:class:`~sizeup.app.reports.ReportData` caches its reads and the monitor).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import Final

import numpy as np
import pandas as pd

from sizeup.app.reports import DEFAULT_PAIR, REPORT_SECTIONS, ReportData, ReportRequest, SampleData
from sizeup.errors import DataError, SizeupError
from sizeup.report._plans import (
    LARGE_SYMBOL,
    StatsInputs,
    _store_index,
    full_sample_plan,
    statistics_sections,
)
from sizeup.report._render import Coverage, ReportFigure, ReportSection, ReportTable
from sizeup.report.sections import (
    SMB_ID,
    TITLE_CONDITIONAL,
    TITLE_INDEX_PRICES,
    TITLE_PNF,
    TITLE_RS,
    TITLE_SEASONALITY,
    TITLE_SIZE_PREMIUM,
    TITLE_SIZE_REGIME,
    TITLE_SMALL_BIG,
    IndexBars,
    SectionPlan,
    SkippedSection,
    StatsOptions,
    backtest_section,
    pnf_section,
    rs_section,
    store_plan,
)
from sizeup.report.sections._common import daily_coverage
from sizeup.report.sections._flows import flows_missing_section, store_flows_section
from sizeup.report.sections._monitor import (
    RsLine,
    breadth_section,
    monitor_section,
    rs_line_figure,
)
from sizeup.report.sections._valuation import (
    store_valuation_section,
    valuation_missing_section,
)

__all__ = [
    "FETCH_CORE",
    "FETCH_FUNDAMENTALS",
    "FETCH_UNIVERSE",
    "INDEX_OF_FUND",
    "PART_TITLES",
    "missing_section",
    "report_plan",
]

log = logging.getLogger(__name__)

FETCH_CORE: Final = (
    "`sizeup fetch core` (benchmark ETFs and indexes, FRED rates, French factors) or "
    "`sizeup import <folder or files>` for local CSV files"
)
FETCH_UNIVERSE: Final = "`sizeup fetch universe --fund IWM` (holdings, then every member's prices)"
FETCH_FUNDAMENTALS: Final = (
    '`SIZEUP_SEC_USER_AGENT="Name email" sizeup fetch fundamentals` (SEC company facts) or '
    "`sizeup import` of SimFin bulk CSV files"
)
CLAIMS_HINT: Final = "`sizeup report --claims examples/claims.toml` (any TOML file of claims)"

FUND_NAMES: Final = {
    "IWM": "iShares Russell 2000 ETF",
    "SPY": "SPDR S&P 500 ETF",
    "IJR": "iShares Core S&P Small-Cap ETF",
    "IVV": "iShares Core S&P 500 ETF",
}

INDEX_OF_FUND: Final = {"IWM": "^RUT", "SPY": "^GSPC", "IVV": "^GSPC", "VOO": "^GSPC"}
"""Index each fund tracks (for the index pair shown beside the fund pair)."""

PART_TITLES: Final = {
    "rotation": "Rotation: small caps vs large caps",
    "pnf": "Point and figure",
    "breadth": "Breadth",
    "seasonality": TITLE_SEASONALITY,
    "size-premium": TITLE_SIZE_PREMIUM,
    "conditional": TITLE_CONDITIONAL,
    "screens": "Screens: quality and value among small caps",
    "backtests": "Backtest: size rotation by relative strength",
    "claims": "Claims checked against the data",
}

TEN_YEAR_SERIES: Final = "FRED:DGS10"
TEN_YEAR_SYMBOL: Final = "^TNX"
_FUND_BASIS: Final = "prices as traded (split-adjusted, dividends excluded)"


def missing_section(
    key: str, needs: str, commands: Sequence[str], *, title: str | None = None
) -> ReportSection:
    """Build a placeholder section saying what is missing and which command brings it.

    Parameters
    ----------
    key
        Part name (:data:`~sizeup.app.reports.REPORT_SECTIONS`).
    needs
        What the part needs, e.g. ``"IWM and SPY prices"``.
    commands
        Commands (as text) that bring the data.
    title
        Section title (default: the part's title).
    """
    how = " or ".join(commands)
    return ReportSection(
        title or PART_TITLES.get(key, key),
        missing=(
            f"this part needs {needs}, which the data read here do not have. "
            f"Bring them with {how}.",
        ),
        key=key,
    )


def _needs(skip: SkippedSection) -> str:
    names = ", ".join(skip.missing)
    plain = skip.reason in ("data missing", "no data for", "no bars for")
    return names if plain else f"{names} ({skip.reason})"


def _skip_of(section: ReportSection) -> SkippedSection:
    return SkippedSection(section.title, tuple(section.missing), "data missing")


# ----------------------------------------------------------------------------- store parts
class _StoreParts:
    """Builds each part from the store; every read goes through the cached ReportData."""

    def __init__(self, data: ReportData, request: ReportRequest, options: StatsOptions) -> None:
        self.data = data
        self.request = request
        self.options = options
        self.small, self.large = request.pair
        self.idx_small = INDEX_OF_FUND.get(self.small)
        self.idx_large = INDEX_OF_FUND.get(self.large)
        self._index: dict[str, IndexBars | None] = {}
        self._notes: dict[str, list[str]] = {}

    def index(self, symbol: str | None) -> IndexBars | None:
        if symbol is None:
            return None
        if symbol not in self._index:
            self._index[symbol] = _store_index(self.data, symbol)
        return self._index[symbol]

    def fund(self, symbol: str) -> IndexBars | None:
        """Bars of a fund as traded (the data policy's P&F basis), read once."""
        key = f"fund:{symbol}"
        if key not in self._index:
            rows, notes = self.data.traded_bars(symbol)
            self._notes[symbol] = notes
            bars = None
            if not rows.empty and rows["close"].notna().any():
                frame = rows.set_index(pd.DatetimeIndex(rows["date"], name="date")).sort_index()
                cols = [c for c in ("open", "high", "low", "close") if c in frame.columns]
                source = ", ".join(sorted(set(map(str, frame["source"].dropna()))))
                bars = IndexBars(
                    symbol,
                    FUND_NAMES.get(symbol, symbol),
                    frame[cols].astype("float64"),
                    f"store: {source}" if source else "store",
                )
            self._index[key] = bars
        return self._index[key]

    # -- rotation -------------------------------------------------------------------------
    def _rs_lines(self) -> list[RsLine]:
        lines: list[RsLine] = []
        tr = self.data.panel([self.small, self.large], field="adj_close")
        if {self.small, self.large} <= set(tr.columns):
            both = tr[[self.small, self.large]].dropna()
            if len(both) > 1:
                src = self.data.preferred_sources([self.small, self.large])
                lines.append(
                    RsLine(
                        f"{self.small} / {self.large} (total return)",
                        both[self.small] / both[self.large],
                        tuple(
                            Coverage.of(both[s], name=f"{s} adj. close", source=src.get(s, "store"))
                            for s in (self.small, self.large)
                        ),
                    )
                )
        a, b = self.index(self.idx_small), self.index(self.idx_large)
        if a is not None and b is not None:
            both = pd.concat([a.close, b.close], axis=1, join="inner").dropna()
            if len(both) > 1:
                lines.append(
                    RsLine(
                        f"{a.symbol} / {b.symbol} (price)",
                        both.iloc[:, 0] / both.iloc[:, 1],
                        (daily_coverage(a), daily_coverage(b)),
                    )
                )
        return lines

    def _monitor_coverage(self) -> tuple[Coverage, ...]:
        m = self.data.monitor()
        if m is None:
            return ()
        out = []
        for c in m.provenance.inputs:
            out.append(
                Coverage(
                    f"{c.name} [{c.basis}]",
                    f"store: {c.source}" if c.source else "store",
                    c.first,
                    c.last,
                    -1,
                    0,
                )
            )
        return tuple(out)

    def rotation(self) -> list[ReportSection]:
        m = self.data.monitor()
        default = self.request.pair == DEFAULT_PAIR
        out: list[ReportSection] = []
        if not default:
            pair = self._pair_section()
            if pair is not None:
                out.append(pair)
        if m is None or m.streak_week is None:
            if not out:
                out.append(
                    missing_section(
                        "rotation",
                        f"prices of {self.small} and {self.large} (or ^RUT and ^GSPC levels)",
                        [FETCH_CORE],
                    )
                )
            return out
        title = f"{PART_TITLES['rotation']} ({m.pair[0]} vs {m.pair[1]}" + (
            f", {self.idx_small} vs {self.idx_large})" if self.idx_small else ")"
        )
        if not default:
            title = f"Rotation monitor ({m.pair[0]} vs {m.pair[1]}, the monitor's fixed pair)"
        section = monitor_section(
            m,
            title=title,
            rs_lines=self._rs_lines() if default else (),
            coverage=self._monitor_coverage(),
        )
        if m.bpi is None:
            section = replace(
                section,
                missing=(
                    *section.missing,
                    "breadth, the bullish percent and RS breadth need the holdings of IWM and "
                    f"their prices. Bring them with {FETCH_UNIVERSE}.",
                ),
            )
        out.append(section)
        return out

    def _pair_section(self) -> ReportSection | None:
        from sizeup.analytics.performance import outperformance_streak, scoreboard

        a, b = self.small, self.large
        tr = self.data.panel([a, b], field="adj_close")
        if not {a, b} <= set(tr.columns) or tr[[a, b]].dropna().shape[0] < 30:
            return missing_section(
                "rotation",
                f"total-return prices of {a} and {b}",
                [FETCH_CORE],
                title=f"{PART_TITLES['rotation']} ({a} vs {b})",
            )
        both = tr[[a, b]].dropna()
        at = pd.Timestamp(both.index[-1])
        src = self.data.preferred_sources([a, b])
        cov = tuple(
            Coverage.of(both[s], name=f"{s} adj. close", source=src.get(s, "store")) for s in (a, b)
        )
        sb = scoreboard(both, benchmark=b, symbols=[a], asof=at)
        tables = [
            ReportTable(
                f"Relative performance of {a} vs {b} (total return)",
                sb.table()[["window", "start", "end", "symbol", "ret", "bench_ret", "excess"]],
                at,
                cov,
                formats={"ret": "{:.2%}", "bench_ret": "{:.2%}", "excess": "{:+.2%}"},
                caption="excess = symbol return - benchmark return (x100 = percentage points)",
            )
        ]
        rows = []
        for freq in ("W", "M"):
            try:
                st = outperformance_streak(both, a, b, freq=freq, asof=at)
            except SizeupError as exc:
                rows.append({"item": f"streak ({freq})", "value": f"not computed: {exc}"})
                continue
            rows.append({"item": f"streak ({st.freq})", "value": st.summary()})
        tables.append(ReportTable("Streaks", pd.DataFrame(rows), at, cov))
        fig = _rs_line_figure(self._rs_lines(), at)
        return ReportSection(
            f"{PART_TITLES['rotation']} ({a} vs {b})",
            figures=(fig,) if fig is not None else (),
            tables=tuple(tables),
            notes=(
                f"Pair chosen with --pair {a}:{b}. The panels below it (breadth, bullish percent, "
                "fund scores) are the monitor's, for IWM vs SPY and the IWM universe.",
            ),
            basis="total return (adjusted closes)",
            key="rotation",
        )

    # -- point and figure ----------------------------------------------------------------
    def pnf(self) -> list[ReportSection]:
        out: list[ReportSection] = []
        fund = self.fund(self.small)
        if fund is None:
            out.append(
                missing_section(
                    "pnf",
                    f"daily bars of {self.small}",
                    [FETCH_CORE],
                    title=f"{TITLE_PNF}: {self.small}",
                )
            )
        else:
            section = _guard(
                lambda: pnf_section(fund, basis=_FUND_BASIS, survivorship=None),
                "pnf",
                f"{TITLE_PNF}: {self.small}",
            )
            notes = self._notes.get(self.small, [])
            out.append(replace(section, notes=(*section.notes, *notes)) if notes else section)
        large = self.fund(self.large)
        if fund is not None and large is not None:
            pair = (fund, large)
            out.append(
                _guard(
                    lambda: rs_section(*pair, survivorship=None),
                    "pnf",
                    f"{TITLE_RS}: {self.small} vs {self.large}",
                )
            )
        else:
            out.append(
                missing_section(
                    "pnf",
                    f"daily bars of {self.small} and {self.large}",
                    [FETCH_CORE],
                    title=f"{TITLE_RS}: {self.small} vs {self.large}",
                )
            )
        a, b = self.index(self.idx_small), self.index(self.idx_large)
        if self.idx_small and self.idx_large:
            if a is not None and b is not None:
                out.append(
                    _guard(lambda: rs_section(a, b), "pnf", f"{TITLE_RS}: {a.name} vs {b.name}")
                )
            else:
                out.append(
                    missing_section(
                        "pnf",
                        f"index levels {self.idx_small} and {self.idx_large}",
                        [FETCH_CORE],
                        title=f"{TITLE_RS}: {self.idx_small} vs {self.idx_large}",
                    )
                )
        out.append(self._ten_year())
        return out

    def _ten_year(self) -> ReportSection:
        title = f"{TITLE_PNF}: 10-year Treasury yield"
        wide = self.data.series([TEN_YEAR_SERIES])
        dgs = wide[TEN_YEAR_SERIES].dropna() if TEN_YEAR_SERIES in wide.columns else None
        tnx = self.index(TEN_YEAR_SYMBOL)
        candidates: list[tuple[pd.Timestamp, IndexBars, str]] = []
        if dgs is not None and len(dgs) > 1:
            src = self.data.series_sources([TEN_YEAR_SERIES]).get(TEN_YEAR_SERIES, "store")
            bars = IndexBars(
                TEN_YEAR_SERIES,
                "10-year Treasury yield",
                dgs.to_frame("close").astype("float64"),
                src,
            )
            candidates.append(
                (pd.Timestamp(dgs.index[-1]), bars, "FRED DGS10: yield in percent, daily.")
            )
        if tnx is not None and len(tnx.close) > 1:
            x10 = float(np.nanmedian(tnx.close.to_numpy())) > 20.0
            frame = tnx.bars / 10.0 if x10 else tnx.bars
            units = (
                "^TNX is quoted as 10 x the yield (42.5 = 4.25 %); divided by 10 here."
                if x10
                else "^TNX as stored is the yield in percent (no x10 quote in this source)."
            )
            bars = IndexBars(TEN_YEAR_SYMBOL, "10-year Treasury yield", frame, tnx.source)
            candidates.append((pd.Timestamp(tnx.close.index[-1]), bars, units))
        if not candidates:
            return missing_section(
                "pnf", f"{TEN_YEAR_SERIES} or {TEN_YEAR_SYMBOL}", [FETCH_CORE], title=title
            )
        # the series whose data end latest; FRED first on a tie
        _end, bars, units = max(candidates, key=lambda c: c[0])
        return _guard(
            lambda: pnf_section(
                bars,
                box="0.1",
                basis="yield in percent (a rate, not a price)",
                units=f"{units} Boxes of 0.1 percentage point, 3-box reversal.",
                survivorship=None,
                y_title="yield, %",
            ),
            "pnf",
            title,
        )

    # -- other parts ---------------------------------------------------------------------
    def breadth(self) -> list[ReportSection]:
        m = self.data.monitor()
        section = breadth_section(m) if m is not None else None
        if section is None:
            return [
                missing_section("breadth", "the holdings of IWM and their prices", [FETCH_UNIVERSE])
            ]
        return [section]

    def statistics(self, key: str) -> list[ReportSection]:
        include = {
            "seasonality": {TITLE_SEASONALITY},
            "conditional": {TITLE_CONDITIONAL},
            "size-premium": {TITLE_SIZE_REGIME},
        }[key]
        large = self.index(LARGE_SYMBOL)
        small = self.index("^RUT") or self.index("^IXIC")
        smb = None
        source = ""
        wide = self.data.series([SMB_ID])
        if SMB_ID in wide.columns and wide[SMB_ID].notna().any():
            smb = wide[SMB_ID].dropna()
            source = self.data.series_sources([SMB_ID]).get(SMB_ID, "store")
        built, skipped = statistics_sections(
            StatsInputs(large=large, small=small, smb=smb, smb_source=source),
            options=self.options,
            include=include,
        )
        out: list[ReportSection] = []
        if key == "size-premium":
            base = store_plan(self.data, index_prices=False)
            for s in base.sections:
                if s.title == TITLE_INDEX_PRICES:
                    continue  # the RS line of the rotation replaces the old index price chart
                out.append(replace(s, key=key))
                if s.title == TITLE_SIZE_PREMIUM and TITLE_SIZE_REGIME in built:
                    out.append(replace(built.pop(TITLE_SIZE_REGIME), key=key))
            out += [replace(s, key=key) for s in built.values()]
            for skip in base.skipped:
                if skip.title.startswith((TITLE_SIZE_PREMIUM, TITLE_SMALL_BIG)):
                    out.append(
                        missing_section(
                            key,
                            _needs(skip),
                            [FETCH_CORE],
                            title=skip.title,
                        )
                    )
        else:
            out += [replace(s, key=key) for s in built.values()]
        for skip in skipped:
            if skip.title.endswith("(partly)"):
                continue
            out.append(
                missing_section(
                    key,
                    _needs(skip),
                    [FETCH_CORE],
                    title=skip.title,
                )
            )
        if not out:
            out.append(missing_section(key, f"{LARGE_SYMBOL} bars or {SMB_ID}", [FETCH_CORE]))
        return out

    def screens(self) -> list[ReportSection]:
        result = self.data.screen("quality-value", top=25)
        if result is None:
            return [missing_section("screens", "SEC or SimFin fundamentals", [FETCH_FUNDAMENTALS])]
        return [_screen_section(result)]

    def backtests(self) -> list[ReportSection]:
        bt = self.data.backtest("size-rs")
        if bt is None:
            return [
                missing_section("backtests", "total-return prices of IWM and SPY", [FETCH_CORE])
            ]
        return [replace(backtest_section(bt), key="backtests")]

    def claims(self) -> list[ReportSection]:
        if self.request.claims is None:
            return [
                ReportSection(
                    PART_TITLES["claims"],
                    missing=(f"no claims file was given. Add one with {CLAIMS_HINT}.",),
                    key="claims",
                )
            ]
        return [_claims_section(self.data.claims(self.request.claims))]


def _guard(build: Callable[[], ReportSection], key: str, title: str) -> ReportSection:
    try:
        return build()
    except DataError as exc:
        log.warning("%s: %s", title, exc)
        return ReportSection(
            title,
            missing=(f"the data are too short for this chart ({exc}). {FETCH_CORE} brings more.",),
            key=key,
        )


def _rs_line_figure(lines: Sequence[RsLine], at: pd.Timestamp) -> ReportFigure | None:
    return rs_line_figure(lines, at) if lines else None


def _screen_section(result: object) -> ReportSection:
    from sizeup.app.screens import ScreenRunResult

    assert isinstance(result, ScreenRunResult)
    frame = result.to_frame()
    keep = [c for c in frame.columns if c != "sql"][:10]
    prov = result.provenance
    at = pd.Timestamp(prov.as_of if prov.as_of is not None else result.result.as_of)
    cov = tuple(Coverage(c.name, c.source or "store", c.first, c.last, -1, 0) for c in prov.inputs)
    name = result.result.screen.name
    summary = pd.DataFrame({"summary": result.summary().splitlines()})
    tables = [ReportTable(f"{name}: what was screened", summary, at, cov)]
    missing: tuple[str, ...] = ()
    if frame.empty:
        missing = (
            f"no name passes the {name} screen on {at:%Y-%m-%d}: the fundamentals known at "
            f"that date do not cover the universe (see the summary). Bring current filings "
            f"with {FETCH_FUNDAMENTALS}, or rerun an earlier date with `sizeup screen {name} "
            "--asof YYYY-MM-DD`.",
        )
    else:
        tables.insert(
            0,
            ReportTable(
                f"{name}: best {len(frame)} of {result.n_passed} passing",
                frame[keep],
                at,
                cov,
                caption="Fundamentals point in time by filing date (docs/methods.md §D).",
            ),
        )
    return ReportSection(
        PART_TITLES["screens"],
        tables=tuple(tables),
        notes=tuple(prov.notes),
        survivorship="the screen reads the members of its universe on the as-of date.",
        basis="fundamentals in USD as filed; prices as traded",
        missing=missing,
        key="screens",
    )


def _claims_section(result: object) -> ReportSection:
    from sizeup.app.claims import ClaimsResult

    assert isinstance(result, ClaimsResult)
    frame = result.to_frame()
    prov = result.provenance
    dates = [c.last for c in prov.inputs if c.last is not None]
    at = pd.Timestamp(max(dates)) if dates else pd.Timestamp.today().normalize()
    cov = tuple(Coverage(c.name, c.source or "store", c.first, c.last, -1, 0) for c in prov.inputs)
    counts = ", ".join(f"{k}: {v}" for k, v in result.counts.items())
    return ReportSection(
        PART_TITLES["claims"],
        tables=(ReportTable(f"Verdicts ({counts})", frame, at, cov),),
        notes=tuple(prov.notes),
        key="claims",
    )


# ----------------------------------------------------------------------------- plans
def _store_report(data: ReportData, request: ReportRequest, options: StatsOptions) -> SectionPlan:
    parts = _StoreParts(data, request, options)
    builders: dict[str, Callable[[], list[ReportSection]]] = {
        "rotation": parts.rotation,
        "pnf": parts.pnf,
        "breadth": parts.breadth,
        "seasonality": lambda: parts.statistics("seasonality"),
        "size-premium": lambda: parts.statistics("size-premium"),
        "conditional": lambda: parts.statistics("conditional"),
        "screens": parts.screens,
        "valuation": lambda: [store_valuation_section(data, *request.pair)],
        "flows": lambda: [store_flows_section(data, request.pair[0])],
        "backtests": parts.backtests,
        "claims": parts.claims,
    }
    sections: list[ReportSection] = []
    for key in REPORT_SECTIONS:
        if request.wants(key):
            sections += builders[key]()
    skipped = tuple(_skip_of(s) for s in sections if not s.has_data)
    intro = (
        f"Built from the local store at {data.location}. The report leads with the rotation of "
        f"small caps ({request.pair[0]}) against large caps ({request.pair[1]}); every section "
        "states its as-of date, data coverage, sources and price basis, and says when data are "
        "missing and which command brings them.",
        "Returns are computed as decimal fractions and displayed in percent.",
    )
    return SectionPlan(tuple(sections), skipped, intro, "sizeup: small vs large caps")


_SAMPLE_KEYS: Final = {
    TITLE_SIZE_PREMIUM: "size-premium",
    TITLE_SIZE_REGIME: "size-premium",
    TITLE_SMALL_BIG: "size-premium",
    TITLE_INDEX_PRICES: "size-premium",
    TITLE_SEASONALITY: "seasonality",
    TITLE_CONDITIONAL: "conditional",
    TITLE_PNF: "pnf",
    TITLE_RS: "pnf",
}


def _sample_key(title: str) -> str:
    for prefix, key in _SAMPLE_KEYS.items():
        if title.startswith(prefix):
            return key
    return "size-premium"


def _sample_report(
    sample: SampleData, request: ReportRequest, options: StatsOptions | None
) -> SectionPlan:
    base = full_sample_plan(sample, options=options)
    by_key: dict[str, list[ReportSection]] = {k: [] for k in REPORT_SECTIONS}
    for s in base.sections:
        key = _sample_key(s.title)
        by_key[key].append(replace(s, key=key))
    a, b = request.pair
    sample_note = "The offline sample has no fund prices, holdings, fundamentals or claims"
    by_key["rotation"].append(
        missing_section(
            "rotation", f"prices of {a} and {b} (or ^RUT and ^GSPC levels)", [FETCH_CORE]
        )
    )
    by_key["pnf"].insert(
        0,
        missing_section(
            "pnf",
            f"daily bars of {a}, {b} and the 10-year yield ({TEN_YEAR_SERIES})",
            [FETCH_CORE],
            title=f"{TITLE_PNF}: {a}, {a} / {b} and the 10-year yield",
        ),
    )
    by_key["breadth"].append(
        missing_section("breadth", "the holdings of IWM and their prices", [FETCH_UNIVERSE])
    )
    by_key["screens"].append(
        missing_section("screens", "SEC or SimFin fundamentals", [FETCH_FUNDAMENTALS])
    )
    by_key["backtests"].append(
        missing_section("backtests", "total-return prices of IWM and SPY", [FETCH_CORE])
    )
    by_key["valuation"].append(
        valuation_missing_section("the offline sample has none", small=a, large=b)
    )
    by_key["flows"].append(flows_missing_section("the offline sample has none", fund=a))
    by_key["claims"].append(
        ReportSection(
            PART_TITLES["claims"],
            missing=(
                f"{sample_note}; claims are checked against the store. Import data, then run "
                f"{CLAIMS_HINT}.",
            ),
            key="claims",
        )
    )
    sections = [s for k in REPORT_SECTIONS if request.wants(k) for s in by_key[k]]
    skipped = tuple(_skip_of(s) for s in sections if not s.has_data)
    intro = (
        *base.intro,
        f"{sample_note}: the rotation, breadth, screens, backtests and claims parts say which "
        "command brings their data.",
    )
    return SectionPlan(tuple(sections), skipped, intro, base.title)


def report_plan(
    data: ReportData | SampleData,
    request: ReportRequest,
    *,
    options: StatsOptions | None = None,
) -> SectionPlan:
    """Build the parts of the report a request asks for, in the report's order.

    Parameters
    ----------
    data
        The store's data cut at the as-of date, or the offline sample
        (:func:`sizeup.app.reports.open_report_data`).
    request
        Pair, parts (``sections``) and claims file.
    options
        Bootstrap and permutation settings of the statistics sections.

    Returns
    -------
    SectionPlan
        Sections in order; parts without data are placeholder sections (``missing`` set) and
        are also listed in ``skipped``.
    """
    if isinstance(data, SampleData):
        return _sample_report(data, request, options)
    return _store_report(data, request, options or StatsOptions())
