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
    "QualityRequest",
    "QualityResult",
    "ScreenRequest",
    "ScreenRunResult",
    "UniverseRequest",
    "UniverseResult",
    "load_screen_data",
    "run_quality",
    "run_screen_request",
    "run_universe_report",
]


def load_screen_data(store: Store, *, source: str | None = None) -> ScreenData:
    """Read fundamentals (normalised), preferred closes and holdings from a store.

    Parameters
    ----------
    store
        The opened store.
    source
        Restrict fundamentals to one source (``"sec"``, ``"simfin"``); default all.
    """
    facts = store.fundamentals(source=source)
    items = normalize(facts)
    with store.connect() as con:
        pref = store.sources()
        if pref.empty:
            prices = tidy_prices(None)
        else:
            chosen = pref.loc[pref["preferred"], ["symbol", "source"]]
            con.register("_pref", chosen)
            prices = con.execute(
                "SELECT b.symbol, b.date, b.close FROM bars b "
                "JOIN _pref p ON b.symbol = p.symbol AND b.source = p.source "
                "WHERE b.close IS NOT NULL"
            ).df()
        holdings = con.execute("SELECT * FROM holdings").df()
    srcs = sorted(facts["source"].unique().tolist()) if not facts.empty else []
    notes = [
        f"fundamentals: {facts['symbol'].nunique() if not facts.empty else 0} symbols from "
        f"sources {srcs} in {store.root}"
    ]
    return ScreenData.from_frames(items, prices=prices, holdings=holdings, notes=notes)


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
    request: ScreenRequest, *, data: ScreenData | None = None
) -> ScreenRunResult:
    """Run a screen on the store (or on ``data`` when given).

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
    store: Store | None = None
    if data is None:
        store = open_store(request.store)
        data = load_screen_data(store)
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
