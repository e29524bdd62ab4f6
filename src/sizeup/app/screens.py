"""Use case: run a fundamentals screen, or a universe report, on the store.

The store access that used to live in :mod:`sizeup.fundamentals._screens` is here:
:func:`load_screen_data` reads the fundamentals (normalised), the preferred closes and the
holdings once; :func:`run_screen_request` runs a :class:`ScreenRequest` and returns a
:class:`ScreenRunResult` that carries the :class:`~sizeup.fundamentals.ScreenResult`, the true
number of names that passed (also with ``top``), the names excluded for implausible data with
their reasons, and the provenance.

Examples
--------
>>> from sizeup.app.screens import ScreenRequest, run_screen_request   # doctest: +SKIP
>>> res = run_screen_request(ScreenRequest("quality-value", as_of="2021-06-30", top=10))
>>> print(res.summary())                                               # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

import pandas as pd

from sizeup.app._membership import UniverseMembership, load_membership
from sizeup.app._result import InputCoverage, Provenance, Result
from sizeup.app._store import StoreRef, open_store
from sizeup.errors import ConfigError, DataError
from sizeup.fundamentals import (
    QualityReport,
    ScreenData,
    ScreenResult,
    load_screen,
    normalize,
    run_screen,
    universe_report,
)
from sizeup.fundamentals._metrics import tidy_prices

if TYPE_CHECKING:
    from sizeup.data.store import Store
    from sizeup.fundamentals._universe import UniverseReport

__all__ = [
    "PRICE_WINDOW_DAYS",
    "QualityRequest",
    "QualityResult",
    "ScreenRequest",
    "ScreenRunResult",
    "StoreFundamentals",
    "UniverseRequest",
    "UniverseResult",
    "load_screen_data",
    "read_fundamentals",
    "run_quality",
    "run_screen_request",
    "run_universe_report",
]


PRICE_WINDOW_DAYS = 10
"""Days before a screen date in which a close counts as the price on that date.

The metrics SQL (:func:`sizeup.fundamentals._metrics.metrics_sql`) takes the latest close in
``(date - 10 days, date]``; a screen on one date needs no other close.
"""


@dataclass(frozen=True)
class StoreFundamentals:
    """The store's fundamentals rows and their normalised standard items, read once.

    Attributes
    ----------
    facts
        Rows of the ``fundamentals`` table (:meth:`Store.fundamentals`).
    items
        ``normalize(facts)``.
    """

    facts: pd.DataFrame
    items: pd.DataFrame

    def of(self, symbols: Sequence[str]) -> StoreFundamentals:
        """Return the rows and items of ``symbols`` only.

        :func:`~sizeup.fundamentals.normalize` works symbol by symbol, so the items of a
        subset equal ``normalize`` of the subset's facts.
        """
        names = {str(s) for s in symbols}
        facts = self.facts[self.facts["symbol"].astype(str).isin(names)].reset_index(drop=True)
        items = self.items[self.items["symbol"].astype(str).isin(names)].reset_index(drop=True)
        return StoreFundamentals(facts, items)


def read_fundamentals(store: Store, *, source: str | None = None) -> StoreFundamentals:
    """Read the store's fundamentals and normalise them.

    Parameters
    ----------
    store
        The opened store.
    source
        Restrict fundamentals to one source (``"sec"``, ``"simfin"``); default all.
    """
    facts = store.fundamentals(source=source)
    return StoreFundamentals(facts, normalize(facts))


def load_screen_data(
    store: Store,
    *,
    source: str | None = None,
    as_of: pd.Timestamp | str | None = None,
    fundamentals: StoreFundamentals | None = None,
) -> ScreenData:
    """Read fundamentals (normalised), preferred closes and holdings from a store.

    Parameters
    ----------
    store
        The opened store.
    source
        Restrict fundamentals to one source (``"sec"``, ``"simfin"``); default all.
    as_of
        The one date a screen will run on: read only the closes a screen on that date uses
        (names with fundamentals, :data:`PRICE_WINDOW_DAYS` before the date through the date).
        ``None`` (default) reads every preferred close, for callers that look at several dates
        (universe report, backtests, claims).
    fundamentals
        The store's fundamentals already read (:func:`read_fundamentals`, same ``source``),
        used instead of reading and normalising them again.
    """
    fund = fundamentals if fundamentals is not None else read_fundamentals(store, source=source)
    facts, items = fund.facts, fund.items
    pref = store.sources()
    if pref.empty:
        prices = tidy_prices(None)
    else:
        chosen = pref.loc[pref["preferred"], ["symbol", "source"]]
        if as_of is None:
            prices = _preferred_closes(store, chosen)
        else:
            prices = _window_closes(store, chosen, set(items["symbol"].astype(str)), as_of)
    holdings = store.query("SELECT * FROM holdings")
    srcs = sorted(facts["source"].unique().tolist()) if not facts.empty else []
    notes = [
        f"fundamentals: {facts['symbol'].nunique() if not facts.empty else 0} symbols from "
        f"sources {srcs} in {store.root}"
    ]
    return ScreenData.from_frames(items, prices=prices, holdings=holdings, notes=notes)


def _preferred_closes(store: Store, chosen: pd.DataFrame) -> pd.DataFrame:
    """Every close of the chosen (symbol, source) pairs."""
    with store.connect() as con:
        con.execute("SET enable_progress_bar = false")  # no terminal output from a library
        con.register("_pref", chosen)
        out: pd.DataFrame = con.execute(
            "SELECT b.symbol, b.date, b.close FROM bars b "
            "JOIN _pref p ON b.symbol = p.symbol AND b.source = p.source "
            "WHERE b.close IS NOT NULL"
        ).df()
    return out


def _window_closes(
    store: Store, chosen: pd.DataFrame, names: set[str], as_of: pd.Timestamp | str
) -> pd.DataFrame:
    """Read the chosen pairs' closes of ``names`` in the price window of a screen on ``as_of``.

    The days and symbols are pushed down to the files (a dataset filter), so the read does
    not scan every bar of the store.
    """
    import pyarrow.dataset as pds

    when = pd.Timestamp(as_of)
    pairs = chosen.assign(symbol=chosen["symbol"].astype(str), source=chosen["source"].astype(str))
    pairs = pairs[pairs["symbol"].isin(names)]
    if pairs.empty:
        return tidy_prices(None)
    lo = (when - pd.Timedelta(days=PRICE_WINDOW_DAYS + 1)).date()
    flt = (
        (pds.field("date") >= lo)
        & (pds.field("date") <= when.date())
        & pds.field("symbol").isin(sorted(set(pairs["symbol"])))
        & pds.field("close").is_valid()
    )
    rows = store.read("bars", filter=flt)[["symbol", "date", "close", "source"]]
    rows = rows.assign(symbol=rows["symbol"].astype(str), source=rows["source"].astype(str))
    rows = rows[pd.DatetimeIndex(rows["date"]) <= when]
    out = rows.merge(pairs, on=["symbol", "source"], how="inner")
    return out[["symbol", "date", "close"]].reset_index(drop=True)


def _provenance(
    data: ScreenData,
    as_of: pd.Timestamp | None,
    notes: tuple[str, ...],
    membership: UniverseMembership | None = None,
) -> Provenance:
    items = data.items
    inputs: tuple[InputCoverage, ...] = (
        InputCoverage(
            "fundamentals",
            ",".join(sorted(items["source"].astype(str).unique()))
            if "source" in items.columns and not items.empty
            else "",
            None if items.empty else pd.Timestamp(items["filed"].min()),
            None if items.empty else pd.Timestamp(items["filed"].max()),
            "USD as filed (point in time by filing date)",
        ),
    )
    if membership is not None:
        inputs = (*inputs, membership.coverage())
    return Provenance(as_of=as_of, inputs=inputs, notes=notes)


@dataclass(frozen=True)
class ScreenRequest:
    """Run one screen.

    Attributes
    ----------
    screen
        Built-in screen name or a TOML file path.
    as_of
        Date (default: the screen's, else the latest filing date).
    top
        Keep the best N passing names in the table (the pass count stays the true one).
    universe
        Fund in the holdings, ``"all"``, or None for the screen's own universe.
    include_flagged
        Keep companies whose current fiscal year is flagged as implausible.
    store
        Which store.
    """

    screen: str
    as_of: pd.Timestamp | str | None = None
    top: int | None = None
    universe: str | None = None
    include_flagged: bool = False
    store: StoreRef = field(default_factory=StoreRef)


@dataclass(frozen=True)
class ScreenRunResult(Result):
    """A screen run: the screen result and its provenance.

    Attributes
    ----------
    result
        The :class:`~sizeup.fundamentals.ScreenResult` (``table``, ``n_passed``, ``excluded``).
    provenance
        What it was computed from.
    """

    result: ScreenResult
    provenance: Provenance

    @property
    def n_passed(self) -> int:
        """Names that passed, before the ``top`` cut."""
        return self.result.n_passed

    @property
    def excluded(self) -> dict[str, str]:
        """Names left out for implausible data -> reason."""
        return self.result.excluded

    def summary(self) -> str:
        """Return the counts, coverage, exclusions and notes."""
        return self.result.summary()

    def to_frame(self) -> pd.DataFrame:
        """Return the ranked table (best ``top`` when a cut was asked)."""
        return self.result.table

    def payload(self) -> dict[str, Any]:
        """Return the screen name, counts, exclusions and rows."""
        r = self.result
        return {
            "screen": r.screen.name,
            "as_of": r.as_of,
            "universe": r.universe,
            "n_passed": r.n_passed,
            "top": r.top,
            "coverage": r.coverage,
            "not_applied": r.not_applied,
            "excluded": r.excluded,
            "rows": r.table.drop(columns=[c for c in ("sql",) if c in r.table.columns]),
        }


def run_screen_request(
    request: ScreenRequest,
    *,
    data: ScreenData | None = None,
    store: Store | None = None,
    fundamentals: StoreFundamentals | None = None,
) -> ScreenRunResult:
    """Run a screen on the store (or on ``data`` when given).

    Without ``data`` only the closes the screen's date needs are read (see
    :func:`load_screen_data`).

    Parameters
    ----------
    request
        The screen, date, universe and store.
    data
        Items, prices and holdings to screen instead of the store's (no fund membership is
        looked up then).
    store
        An open store to use instead of ``request.store`` (without ``data``).
    fundamentals
        The store's fundamentals already read and normalised (:func:`read_fundamentals`).

    Raises
    ------
    ConfigError
        Unknown screen, or a bad ``top``.
    DataError
        The universe is unknown or the data are missing.
    """
    if request.top is not None and request.top < 1:
        raise ConfigError(
            f"--top {request.top} must be a positive integer",
            input="--top",
            value=request.top,
            valid=">= 1",
        )
    screen = load_screen(request.screen)
    if data is None:
        store = store if store is not None else open_store(request.store)
        fund = fundamentals if fundamentals is not None else read_fundamentals(store)
        on = request.as_of if request.as_of is not None else screen.as_of
        if on is None and not fund.items.empty:
            on = pd.Timestamp(fund.items["filed"].max())
        data = load_screen_data(store, as_of=on, fundamentals=fund)
    else:
        store = None
    spec = request.universe if request.universe is not None else screen.universe
    uni = None
    members: str | tuple[str, ...] | None = request.universe
    label = ""
    if store is not None and isinstance(spec, str) and spec.lower() != "all":
        # a fund's members on the date, through the one membership helper
        when = request.as_of if request.as_of is not None else screen.as_of
        if when is None and not data.items.empty:
            when = pd.Timestamp(data.items["filed"].max())
        if when is not None:
            uni = _fund_membership(store, spec, when)
            names, label = uni.members_on(when)
            members = names
    res = run_screen(
        screen,
        data,
        as_of=request.as_of,
        top=request.top,
        universe=members,
        include_flagged=request.include_flagged,
    )
    if uni is None:
        return ScreenRunResult(res, _provenance(data, res.as_of, res.notes))
    res = replace(res, universe=label, notes=(*res.notes, uni.note))
    return ScreenRunResult(res, _provenance(data, res.as_of, res.notes, uni))


def _fund_membership(store: Store, fund: str, when: pd.Timestamp | str) -> UniverseMembership:
    uni = load_membership(store, fund, as_of=when)
    if uni.empty:
        raise DataError(
            f"no holdings of fund {fund!r} in {store.root}; import or fetch them first "
            f"(sizeup fetch holdings {fund.upper()})",
            input="--fund",
            value=fund,
            valid="a fund whose holdings are in the store",
        )
    return uni


@dataclass(frozen=True)
class UniverseRequest:
    """Unprofitable share, coverage/leverage and refinancing wall of a fund's members."""

    fund: str = "IWM"
    as_of: pd.Timestamp | str | None = None
    include_flagged: bool = False
    store: StoreRef = field(default_factory=StoreRef)


@dataclass(frozen=True)
class UniverseResult(Result):
    """A universe report with the names excluded for implausible data."""

    report: UniverseReport
    excluded: dict[str, str]
    provenance: Provenance

    def summary(self) -> str:
        """Return the report text, then the exclusions."""
        lines = [self.report.summary()]
        if self.excluded:
            lines.append(f"excluded {len(self.excluded)} names with implausible data:")
            lines += [f"  {s}: {why}" for s, why in sorted(self.excluded.items())]
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """Return the refinancing wall by year."""
        return self.report.wall

    def payload(self) -> dict[str, Any]:
        """Return shares, distributions, wall and exclusions."""
        r = self.report
        return {
            "as_of": r.as_of,
            "members": r.members,
            "unprofitable": r.unprofitable,
            "coverage": r.coverage,
            "leverage": r.leverage,
            "wall": r.wall,
            "excluded": self.excluded,
            "notes": list(r.notes),
        }


def run_universe_report(
    request: UniverseRequest, *, data: ScreenData | None = None, store: Store | None = None
) -> UniverseResult:
    """Universe report of a fund's members on the date (:func:`load_membership` policy).

    Raises
    ------
    DataError
        No holdings of the fund.
    """
    if data is None or store is None:
        store = store or open_store(request.store)
        data = data or load_screen_data(store)
    when = (
        pd.Timestamp(request.as_of)
        if request.as_of is not None
        else pd.Timestamp(data.items["filed"].max())
    )
    uni = _fund_membership(store, request.fund, when)
    names, label = uni.members_on(when)
    notes = [*data.notes, label, uni.note]
    members = list(names)
    excluded = {} if request.include_flagged else data.quality.excluded_at(when, members)
    kept = [m for m in members if m not in excluded]
    report = universe_report(data.items, kept, as_of=when, prices=data.prices, notes=notes)
    return UniverseResult(report, excluded, _provenance(data, when, tuple(notes), uni))


@dataclass(frozen=True)
class QualityRequest:
    """The data-quality report of the store's fundamentals."""

    store: StoreRef = field(default_factory=StoreRef)


@dataclass(frozen=True)
class QualityResult(Result):
    """Flagged company-years."""

    report: QualityReport
    provenance: Provenance

    def summary(self) -> str:
        """Return the counts by check and every flagged company-year."""
        return self.report.summary()

    def to_frame(self) -> pd.DataFrame:
        """Return the flags table."""
        return self.report.to_frame()

    def payload(self) -> dict[str, Any]:
        """Return the flags."""
        return {"flags": self.report.to_frame()}


def run_quality(request: QualityRequest, *, data: ScreenData | None = None) -> QualityResult:
    """Flag implausible company-years in the store's fundamentals."""
    if data is None:
        data = load_screen_data(open_store(request.store))
    last = None if data.items.empty else pd.Timestamp(data.items["filed"].max())
    return QualityResult(data.quality, _provenance(data, last, data.notes))
