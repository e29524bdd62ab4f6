"""Use case: relative valuation of a small-cap universe against a large-cap one.

:class:`ValuationRequest` names the two universes (a fund whose holdings are in the store, or a
member list such as the S&P 500 constituents file: ``SPY``, ``IVV``, ``VOO`` and ``SP500`` use
the store's ``sp500`` member list when the store has no holdings of that fund), the as-of date,
the history (``yearly``, ``monthly``, ``none``) and an optional estimates file for forward P/E.
:func:`run_valuation` reads the members' fundamentals and closes, computes
:mod:`sizeup.fundamentals._valuation` at each history point from what was known on it, and
returns a :class:`ValuationResult` (table, ratio statistics, per-company table, chart,
provenance with coverage and the survivorship note).

Examples
--------
>>> from sizeup.app.valuation import ValuationRequest, run_valuation   # doctest: +SKIP
>>> res = run_valuation(ValuationRequest(small="IWM", large="SPY", history="yearly"))
>>> print(res.summary())                                               # doctest: +SKIP
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

import pandas as pd

from sizeup.app._membership import load_membership
from sizeup.app._result import ChartResult, InputCoverage, Provenance
from sizeup.app._store import StoreRef, open_store
from sizeup.calendar import asof_session
from sizeup.errors import ConfigError, DataError
from sizeup.fundamentals import normalize
from sizeup.fundamentals._valuation import (
    ESTIMATE_COLUMNS,
    MEASURES,
    History,
    history_dates,
    parse_estimates,
    relative_valuation,
    valuation_history,
)

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from sizeup.app.screens import StoreFundamentals
    from sizeup.data.store import Store

__all__ = [
    "Universe",
    "ValuationRequest",
    "ValuationResult",
    "load_estimates",
    "member_list",
    "resolve_universe",
    "run_valuation",
]

_SP500_ALIASES: Final = frozenset({"SPY", "IVV", "VOO", "SP500", "S&P500", "^GSPC", "^SPX"})
_HISTORIES: Final = ("yearly", "monthly", "none")
_SHOWN: Final = ("pe_agg_ex", "pe_agg_incl", "pe_median_ex", "pe_median_incl", "pb_agg", "ps_agg")
_STALE_DAYS: Final = 470
NO_ESTIMATES: Final = (
    "forward P/E needs analyst EPS estimates, which no free source publishes: pass an estimates "
    f"file (--estimates, CSV with columns {', '.join(ESTIMATE_COLUMNS)})"
)


@dataclass(frozen=True)
class ValuationRequest:
    """Relative valuation of two universes.

    Attributes
    ----------
    small, large
        A fund whose holdings are in the store (``IWM``), or a member list (``SPY``/``SP500``:
        the store's S&P 500 constituents when no holdings of that fund are stored).
    asof
        As-of date (default: the latest filing date of the members' fundamentals).
    history
        ``yearly`` (year ends), ``monthly`` (month ends) or ``none`` (the as-of date only).
    estimates
        CSV of EPS estimates for forward P/E (columns :data:`ESTIMATE_COLUMNS`), or None.
    min_coverage
        History points where either universe has data for fewer than this share of its members
        are shown but left out of the long-run mean and percentile.
    store
        Which store.
    """

    small: str = "IWM"
    large: str = "SPY"
    asof: pd.Timestamp | str | None = None
    history: str = "yearly"
    estimates: Path | str | None = None
    min_coverage: float = 0.2
    store: StoreRef = field(default_factory=StoreRef)

    def __post_init__(self) -> None:
        """Validate the options (ConfigError naming the option, value and valid ones)."""
        if self.history not in _HISTORIES:
            raise ConfigError(
                f"--history {self.history!r} is not valid; use one of {', '.join(_HISTORIES)}",
                input="--history",
                value=self.history,
                valid=", ".join(_HISTORIES),
            )
        if not (isinstance(self.min_coverage, int | float) and 0 <= self.min_coverage <= 1):
            raise ConfigError(
                f"--min-coverage {self.min_coverage!r} must be between 0 and 1",
                input="--min-coverage",
                value=self.min_coverage,
                valid="0..1",
            )
        for opt, val in (("--small", self.small), ("--large", self.large)):
            if not isinstance(val, str) or not val.strip():
                raise ConfigError(
                    f"{opt} must name a fund or member list, got {val!r}",
                    input=opt,
                    value=val,
                    valid="a fund in the holdings (IWM) or SPY/SP500",
                )
        if self.small.strip().upper() == self.large.strip().upper():
            raise ConfigError(
                f"--small and --large are both {self.small!r}; compare two universes",
                input="--large",
                value=self.large,
                valid=f"a universe other than {self.small!r}",
            )


@dataclass(frozen=True)
class Universe:
    """A universe's membership: holdings snapshots of a fund, or one stored member list.

    Attributes
    ----------
    name
        As requested, upper case (``IWM``, ``SPY``).
    label
        What the members are (snapshot dates or list source, size).
    snapshots
        ``{date: members}``; a member list without a date is keyed by ``pandas.Timestamp.min``.
    notes
        Membership and survivorship notes.
    coverage
        The holdings input line for the provenance (None for a member list).
    """

    name: str
    label: str
    snapshots: dict[pd.Timestamp, tuple[str, ...]]
    notes: tuple[str, ...] = ()
    coverage: InputCoverage | None = None

    @property
    def symbols(self) -> list[str]:
        """Every member of any snapshot, sorted."""
        return sorted({s for names in self.snapshots.values() for s in names})

    def at(self, date: pd.Timestamp) -> tuple[str, ...]:
        """Members on ``date``: the latest snapshot on or before it, else the first one."""
        keys = sorted(self.snapshots)
        before = [k for k in keys if k <= date]
        return self.snapshots[before[-1] if before else keys[0]]

    def survivorship(self, dates: list[pd.Timestamp]) -> str | None:
        """Return the note for history points before the first snapshot (None if none)."""
        first = min(self.snapshots)
        early = [d for d in dates if d < first]
        if first == pd.Timestamp.min or not early:
            return None
        return (
            f"survivorship: {len(early)} of {len(dates)} points ({_day(early[0])} .. "
            f"{_day(early[-1])}) are before the first {self.name} snapshot ({first.date()}) and "
            "use its members; names that left the index before then are missing"
        )


def member_list(store: Store, name: str) -> tuple[tuple[str, ...], str] | None:
    """Members of a stored member list (``symbols`` rows of one list source), or None.

    ``SPY``, ``IVV``, ``VOO``, ``SP500`` (any case) name the ``sp500`` list (e.g. source
    ``constituents_csv/sp500`` from the S&P 500 constituents file); another name matches a
    list whose source ends with ``/<name>``.

    Returns
    -------
    (members, sources) or None
        Sorted symbols and the list's source(s) joined by ``+``.
    """
    key = name.strip().upper()
    want = "sp500" if key in _SP500_ALIASES else key.lower()
    syms = store.read("symbols")
    if syms.empty:
        return None
    src = syms["source"].astype(str)
    pick = syms[src.str.lower().str.rsplit("/", n=1).str[-1] == want]
    if pick.empty:
        return None
    sources = "+".join(sorted(pick["source"].astype(str).unique()))
    return tuple(sorted(set(pick["symbol"].astype(str)))), sources


def resolve_universe(
    store: Store, spec: str, when: pd.Timestamp, *, option: str = "--small"
) -> Universe:
    """Membership of a universe up to a date: holdings snapshots, else a stored member list.

    Parameters
    ----------
    store
        The opened store.
    spec
        Fund ticker (holdings, through :func:`sizeup.app._membership.load_membership`) or
        member list (``SPY``/``IVV``/``VOO``/``SP500`` -> the ``sp500`` list).
    when
        The as-of date: snapshots after it are not read unless none is on or before it.
    option
        Option name for errors.

    Returns
    -------
    Universe
        Snapshots, label and notes.

    Raises
    ------
    DataError
        The store has neither holdings nor a member list of that name.
    """
    name = spec.strip().upper()
    uni = load_membership(store, name, as_of=when)
    if not uni.empty:
        snaps = {pd.Timestamp(k): tuple(v) for k, v in uni.snapshots.items()}
        dates = sorted(snaps)
        last = snaps[dates[-1]]
        shown = ", ".join(str(d.date()) for d in dates[-3:])
        label = (
            f"{name} members from {len(dates)} holdings snapshot(s) ({shown}); "
            f"{len(last)} names in the latest"
        )
        return Universe(name, label, snaps, (uni.note,), uni.coverage())
    listed = member_list(store, name)
    if listed is not None:
        members, sources = listed
        want = "sp500" if name in _SP500_ALIASES else name.lower()
        label = f"{name}: member list {sources} ({len(members)} names)"
        if name != want.upper():
            label += f", standing in for {name}'s holdings"
        note = (
            f"survivorship: {name} membership is one member list ({sources}) without "
            "dates; names removed before the list was made are missing and every point "
            "uses the same members"
        )
        return Universe(name, label, {pd.Timestamp.min: members}, (note,))
    syms = store.read("symbols")
    held = store.read("holdings")
    funds = sorted(held["fund"].astype(str).unique()) if not held.empty else []
    lists = (
        sorted({s.rsplit("/", 1)[-1] for s in syms["source"].astype(str)}) if not syms.empty else []
    )
    raise DataError(
        f"{option} {spec!r}: no holdings of that fund and no member list of that name in "
        f"{store.root}; funds with holdings: {funds or 'none'}; member lists: {lists or 'none'}",
        input=option,
        value=spec,
        valid=f"a fund with holdings ({', '.join(funds) or 'none'}) or a member list "
        f"({', '.join(lists) or 'none'}; SPY/IVV/VOO use sp500)",
    )


def load_estimates(path: Path | str) -> pd.DataFrame:
    """Read and parse an estimates CSV (see :func:`sizeup.fundamentals.parse_estimates`).

    Raises
    ------
    DataError
        The file cannot be read, is not UTF-8, or has a bad header or value (named).
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DataError(
            f"estimates file {p}: cannot read it: {exc}",
            input="--estimates",
            value=str(p),
            valid="a readable UTF-8 CSV file",
        ) from exc
    return parse_estimates(text, name=str(p))


CLOSE_WINDOW_DAYS: Final = 10
"""A close within this many days before a valuation date is the price on that date."""


def _window_bars(store: Store, chosen: pd.DataFrame, dates: list[pd.Timestamp]) -> pd.DataFrame:
    """Bars of the chosen (symbol, source) pairs in ``(d - 10 days, d]`` of any date ``d``.

    The calendar days of the windows and the symbols are pushed down to the Parquet files
    (a filter on the dataset, not a range join over every bar); positive closes only.
    """
    import pyarrow as pa
    import pyarrow.dataset as pds

    days = sorted(
        {
            (pd.Timestamp(d).normalize() - pd.Timedelta(days=k)).date()
            for d in dates
            for k in range(CLOSE_WINDOW_DAYS)
        }
    )
    names = sorted({str(s) for s in chosen["symbol"]})
    cols = ["symbol", "date", "close", "adj_close", "source"]
    if not days or not names:
        return pd.DataFrame(columns=cols)
    flt = (
        pds.field("date").isin(pa.array(days, type=pa.date32()))
        & pds.field("symbol").isin(names)
        & (pds.field("close") > 0)
    )
    rows = store.read("bars", filter=flt)[cols]
    pairs = chosen.assign(symbol=chosen["symbol"].astype(str), source=chosen["source"].astype(str))
    rows = rows.assign(symbol=rows["symbol"].astype(str), source=rows["source"].astype(str))
    out = rows.merge(pairs, on=["symbol", "source"], how="inner")
    return out.drop_duplicates().reset_index(drop=True)


def _closes(
    store: Store, symbols: list[str], dates: list[pd.Timestamp]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Preferred closes of ``symbols`` within 10 days before each date, and source stats."""
    pref = store.sources(symbols, field="close")
    empty = pd.DataFrame({"symbol": [], "date": pd.Series(dtype="datetime64[ns]"), "close": []})
    if pref.empty:
        return empty, pd.DataFrame(columns=["source", "names", "adjusted_only"])
    chosen = pref.loc[pref["preferred"], ["symbol", "source"]]
    px = _window_bars(store, chosen, dates)
    if px.empty:
        return empty, pd.DataFrame(columns=["source", "names", "adjusted_only"])
    same = px["adj_close"].isna() | (px["adj_close"] == px["close"])
    stats = (
        px.assign(same=same)
        .groupby("source")
        .agg(
            names=("symbol", "nunique"),
            adjusted_only=("same", "all"),
            first=("date", "min"),
            last=("date", "max"),
        )
        .reset_index()
    )
    px["date"] = pd.to_datetime(px["date"]).astype("datetime64[ns]")
    return px[["symbol", "date", "close"]], stats


@dataclass(frozen=True)
class ValuationResult(ChartResult):
    """Relative valuation of two universes over a history.

    Attributes
    ----------
    small, large
        The universes as requested.
    small_label, large_label
        Their membership (snapshot date, size).
    history
        One row per date and universe (``universe`` = ``small``/``large``): counts, coverage
        and every measure of :data:`sizeup.fundamentals.MEASURES`.
    ratios
        Small/large ratio of each measure by date, with both coverages and ``usable``.
    stats
        Per measure: latest ratio, long-run mean, percentile, number of usable points.
    companies
        Per-company values at the as-of date (``universe`` column).
    forward
        True when an estimates file was given.
    provenance
        As-of, inputs, notes (survivorship, price basis, coverage) and warnings.
    """

    small: str
    large: str
    small_label: str
    large_label: str
    history: pd.DataFrame = field(repr=False)
    ratios: pd.DataFrame = field(repr=False)
    stats: pd.DataFrame = field(repr=False)
    companies: pd.DataFrame = field(repr=False)
    forward: bool
    provenance: Provenance

    def _side(self, side: str) -> pd.DataFrame:
        return self.history[self.history["universe"] == side].set_index("date")

    def summary(self) -> str:
        """Return the P/E table by date with coverage, the ratio statistics and the notes."""
        s, g = self._side("small"), self._side("large")
        lines = [
            f"relative valuation: {self.small} vs {self.large} as of {_day(self.provenance.as_of)}",
            f"  small: {self.small_label}",
            f"  large: {self.large_label}",
            "trailing P/E, index-style (sum of caps / sum of earnings), loss-makers excluded;",
            "coverage = names with a market cap and TTM net income / members",
            f"{'date':<10}  {'small P/E':>9}  {'large P/E':>9}  {'ratio':>6}  "
            f"{'small coverage':<22}  {'large coverage':<22}  losses s/l",
        ]
        for d in self.ratios["date"]:
            a, b = s.loc[d], g.loc[d]
            r = self.ratios.set_index("date").loc[d]
            flag = "" if bool(r["usable"]) else "  (below coverage floor)"
            lines.append(
                f"{_day(d):<10}  {_num(a['pe_agg_ex']):>9}  {_num(b['pe_agg_ex']):>9}  "
                f"{_num(r['pe_agg_ex'], 3):>6}  {_cov(a):<22}  {_cov(b):<22}  "
                f"{int(a['loss_makers'])}/{int(b['loss_makers'])}{flag}"
            )
        lines.append("small/large ratio (latest, long-run mean over usable points, percentile):")
        for rec in self.stats.to_dict("records"):
            m = str(rec["measure"])
            if m.startswith("fwd_") and not self.forward:
                continue
            lines.append(
                f"  {m:<20} {_num(rec['latest'], 3):>6}  mean {_num(rec['mean'], 3):>6}  "
                f"percentile {_num(rec['percentile'], 0):>4}  (n={int(rec['n'])})  "
                f"{MEASURES[m]}"
            )
        if not self.forward:
            lines.append(NO_ESTIMATES)
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """Return one row per date: both universes' counts and measures, and the ratios."""
        s = self._side("small").drop(columns="universe").add_prefix("small_")
        g = self._side("large").drop(columns="universe").add_prefix("large_")
        r = self.ratios.set_index("date")
        r = r[[c for c in r.columns if c in MEASURES or c == "usable"]].add_prefix("ratio_")
        out = s.join(g).join(r)
        out.index.name = "date"
        return out.reset_index()

    def payload(self) -> dict[str, Any]:
        """Return the universes, the table by date, the ratio statistics and the companies."""
        return {
            "small": self.small,
            "large": self.large,
            "small_members": self.small_label,
            "large_members": self.large_label,
            "measures": dict(MEASURES),
            "history": self.to_frame(),
            "ratio_stats": self.stats,
            "forward": self.forward
            if self.forward
            else {"available": False, "reason": NO_ESTIMATES},
            "companies": self.companies,
        }

    def figure(self) -> go.Figure:
        """Return P/E of both universes and their ratio with its long-run mean (Plotly)."""
        import plotly.graph_objects as go
        from plotly.subplots import make_subplots

        s, g = self._side("small"), self._side("large")
        fig = make_subplots(
            rows=2,
            cols=1,
            shared_xaxes=True,
            subplot_titles=(
                "trailing P/E, index-style, loss-makers excluded",
                f"{self.small} / {self.large} ratio",
            ),
        )
        for side, frame, name in (("small", s, self.small), ("large", g, self.large)):
            fig.add_trace(
                go.Scatter(
                    x=frame.index,
                    y=frame["pe_agg_ex"],
                    mode="lines+markers",
                    name=f"{name} P/E",
                    customdata=frame[["with_data", "members"]].to_numpy(),
                    hovertemplate="%{x|%Y-%m-%d}: %{y:.1f} (%{customdata[0]:.0f} of "
                    "%{customdata[1]:.0f} names)<extra>" + side + "</extra>",
                ),
                row=1,
                col=1,
            )
        r = self.ratios
        fig.add_trace(
            go.Scatter(x=r["date"], y=r["pe_agg_ex"], mode="lines+markers", name="ratio"),
            row=2,
            col=1,
        )
        st = self.stats.set_index("measure")
        mean = float(st["mean"].get("pe_agg_ex", math.nan))
        if math.isfinite(mean):
            fig.add_hline(y=mean, line_dash="dash", annotation_text=f"mean {mean:.2f}", row=2)
        p = self.provenance
        cov = (
            f"coverage at {_day(p.as_of)}: {self.small} {_cov(s.iloc[-1])}, "
            f"{self.large} {_cov(g.iloc[-1])}"
            if not s.empty and not g.empty
            else ""
        )
        fig.update_layout(
            title=f"Relative valuation {self.small} vs {self.large}, as of {_day(p.as_of)}<br>"
            f"<sup>{cov}; sources: {', '.join(p.sources)}; prices: {_basis_note(p)}</sup>",
            height=620,
        )
        return fig


def _day(value: object) -> str:
    if value is None:
        return "-"
    ts = pd.Timestamp(str(value)) if not isinstance(value, pd.Timestamp) else value
    return "-" if pd.isna(ts) else str(ts.date())


def _num(value: object, digits: int = 1) -> str:
    try:
        x = float(str(value))
    except ValueError:
        return "-"
    return f"{x:.{digits}f}" if math.isfinite(x) else "-"


def _cov(row: pd.Series) -> str:
    return f"{int(row['with_data'])}/{int(row['members'])} ({float(row['coverage']):.0%})"


def _basis_note(p: Provenance) -> str:
    bases = {c.basis for c in p.inputs if c.name.startswith("closes")}
    return ", ".join(sorted(bases)) or "-"


def run_valuation(
    request: ValuationRequest,
    *,
    store: Store | None = None,
    fundamentals: StoreFundamentals | None = None,
) -> ValuationResult:
    """Relative valuation of the request's universes on the store.

    Parameters
    ----------
    request
        Universes, as-of date, history, estimates file.
    store
        An open store to use instead of ``request.store``.
    fundamentals
        The store's fundamentals already read and normalised
        (:func:`sizeup.app.screens.read_fundamentals`, all sources) to use instead of reading
        the members' rows and normalising them again (a report shares one with its screen).

    Raises
    ------
    DataError
        An unknown universe, no fundamentals for the members, an as-of date before the first
        filing, or a bad estimates file (read before the store, so nothing else runs).
    """
    estimates = load_estimates(request.estimates) if request.estimates is not None else None
    st = store or open_store(request.store)
    probe = pd.Timestamp(request.asof) if request.asof is not None else pd.Timestamp.max
    small = resolve_universe(st, request.small, probe, option="--small")
    large = resolve_universe(st, request.large, probe, option="--large")
    everyone = sorted(set(small.symbols) | set(large.symbols))
    items: pd.DataFrame | None = None
    if fundamentals is not None:
        fund = fundamentals.of(everyone)
        facts, items = fund.facts, fund.items
    else:
        facts = st.fundamentals(everyone)
    if facts.empty:
        raise DataError(
            f"no fundamentals of the {request.small} or {request.large} members in {st.root}; "
            "import SimFin files or run `sizeup fetch fundamentals`",
            input="fundamentals",
            value=st.root,
            valid="a store with fundamentals of the members",
        )
    if items is None:
        items = normalize(facts)
    first_filed = pd.Timestamp(items["filed"].min())
    last_filed = pd.Timestamp(items["filed"].max())
    when = pd.Timestamp(request.asof) if request.asof is not None else last_filed
    if when < first_filed:
        raise DataError(
            f"--asof {when.date()} is before the first filing of the members' fundamentals "
            f"({first_filed.date()})",
            input="--asof",
            value=str(when.date()),
            valid=f"on or after {first_filed.date()}",
        )
    # every point is an XNYS session: the last one on or before the year/month end or as-of
    when = asof_session(when)
    dates = sorted(
        {asof_session(d) for d in history_dates(first_filed, when, _history(request.history))}
    )
    if request.asof is None:  # snapshots up to the as-of date only
        small = resolve_universe(st, request.small, when, option="--small")
        large = resolve_universe(st, request.large, when, option="--large")
    prices, px_stats = _closes(st, sorted(set(small.symbols) | set(large.symbols)), dates)
    universes = {
        "small": {d: small.at(d) for d in dates},
        "large": {d: large.at(d) for d in dates},
    }
    hist, companies = valuation_history(items, universes, dates, prices=prices, estimates=estimates)
    ratios, stats = relative_valuation(hist, "small", "large", min_coverage=request.min_coverage)
    inputs = [
        InputCoverage(
            "fundamentals",
            ",".join(sorted(facts["source"].astype(str).unique())),
            first_filed,
            min(last_filed, when),
            "USD as filed (point in time by filing date)",
        )
    ]
    for rec in px_stats.to_dict("records"):
        basis = (
            "adjusted closes (splits and dividends; the source has no separate raw close)"
            if bool(rec["adjusted_only"])
            else "closes as traded"
        )
        inputs.append(
            InputCoverage(
                f"closes of {int(rec['names'])} members",
                str(rec["source"]),
                pd.Timestamp(rec["first"]),
                pd.Timestamp(rec["last"]),
                basis,
            )
        )
    if estimates is not None:
        inputs.append(
            InputCoverage(
                f"EPS estimates ({Path(str(request.estimates)).name})",
                "user file",
                pd.Timestamp(estimates["as_of"].min()) if not estimates.empty else None,
                pd.Timestamp(estimates["as_of"].max()) if not estimates.empty else None,
                "EPS per share as estimated",
            )
        )
    notes = [*small.notes, *large.notes]
    notes += [n for n in (small.survivorship(dates), large.survivorship(dates)) if n]
    inputs += [u.coverage for u in (small, large) if u.coverage is not None]
    notes.append(
        "market cap = close x shares (latest known count; SimFin: diluted weighted average); "
        "P/E = market cap / TTM net income (= price / TTM EPS on that share count)"
    )
    if any(bool(r["adjusted_only"]) for r in px_stats.to_dict("records")):
        notes.append(
            "price basis: adjusted closes understate past prices by the dividends paid since "
            "(more for higher-yielding large caps) and by splits after the share counts were "
            "restated (SimFin restates in place), so past P/E levels read low"
        )
    if "simfin" in set(facts["source"].astype(str)):
        notes.append(
            "SimFin values are the latest restated ones, shown from their first publish date "
            "(approximate point in time)"
        )
    last = hist[hist["date"] == dates[-1]]
    for rec in last.to_dict("records"):
        name = request.small if rec["universe"] == "small" else request.large
        notes.append(
            f"coverage {name} at {when.date()}: {int(rec['with_data'])} of "
            f"{int(rec['members'])} members have a market cap and TTM net income; "
            f"{int(rec['loss_makers'])} loss-makers (excluded from the ex-loss P/E, included "
            f"in the incl-loss P/E); {int(rec['implausible'])} left out for implausible data"
        )
    warnings: list[str] = []
    below = ratios.loc[~ratios["usable"], "date"]
    if len(below):
        warnings.append(
            f"{len(below)} of {len(ratios)} points have coverage below "
            f"{request.min_coverage:.0%} and are left out of the mean and percentile: "
            + ", ".join(_day(d) for d in below)
        )
    if when > last_filed + pd.Timedelta(days=_STALE_DAYS):
        warnings.append(
            f"the members' fundamentals end with filings of {last_filed.date()}; statements "
            f"older than {_STALE_DAYS} days count as missing, so {when.date()} has little or "
            "no coverage"
        )
    prov = Provenance(
        as_of=when,
        inputs=tuple(inputs),
        store_version=_version(st),
        notes=tuple(notes),
        warnings=tuple(warnings),
    )
    return ValuationResult(
        small.name,
        large.name,
        small.label,
        large.label,
        hist,
        ratios,
        stats,
        companies,
        estimates is not None,
        prov,
    )


def _history(value: str) -> History:
    if value == "yearly":
        return "yearly"
    if value == "monthly":
        return "monthly"
    return "none"


def _version(store: Store) -> int | None:
    try:
        return int(store.version)
    except (AttributeError, TypeError, ValueError):
        return None
