"""Use cases of the data layer: import, fetch, and the store's catalog and time travel.

Each function takes a frozen request and returns a :class:`~sizeup.app.Result`:

==========================  =============================  =====================================
request                     function                       result
==========================  =============================  =====================================
:class:`ImportRequest`      :func:`run_import`             :class:`ImportResult`
:class:`FetchRequest`       :func:`run_fetch_request`      :class:`FetchResult`
:class:`StoreInfoRequest`   :func:`store_info`             :class:`StoreInfoResult`
:class:`StoreRef`           :func:`store_history`          :class:`StoreHistoryResult`
:class:`RestoreRequest`     :func:`restore_store`          :class:`StoreActionResult`
:class:`StoreRef`           :func:`optimize_store`         :class:`StoreActionResult`
:class:`VacuumRequest`      :func:`vacuum_store`           :class:`StoreActionResult`
==========================  =============================  =====================================

The front ends (CLI, report) call these and never open the store themselves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sizeup.app._result import Provenance, Result
from sizeup.app._store import StoreRef, open_store
from sizeup.config import load_settings
from sizeup.data.ingest import FileReport, ImportReport, expand_paths, import_paths
from sizeup.data.providers.fetch import (
    BUNDLES,
    FetchObserver,
    FetchOptions,
    FetchReport,
    ItemResult,
    PriceSource,
    describe_bundle,
    parse_base_urls,
    run_fetch,
    snapshot_dates,
)
from sizeup.data.providers.http import HttpClient
from sizeup.data.providers.ishares_history import build_request as fund_history_request
from sizeup.data.store import Store, StoreInfo
from sizeup.errors import ConfigError

__all__ = [
    "BUNDLES",
    "FetchReport",
    "FetchRequest",
    "FetchResult",
    "FileReport",
    "ImportRequest",
    "ImportResult",
    "ItemResult",
    "RestoreRequest",
    "StoreActionResult",
    "StoreHistoryResult",
    "StoreInfoRequest",
    "StoreInfoResult",
    "VacuumRequest",
    "describe_bundle",
    "expand_paths",
    "optimize_store",
    "restore_store",
    "run_fetch_request",
    "run_import",
    "snapshot_line",
    "store_history",
    "store_info",
    "vacuum_store",
]


def _provenance(version: int, notes: Sequence[str] = ()) -> Provenance:
    return Provenance(as_of=None, store_version=version, notes=tuple(notes))


# ---------------------------------------------------------------------------- import
@dataclass(frozen=True)
class ImportRequest:
    """Import local files.

    Attributes
    ----------
    paths
        Files and folders (walked recursively; ``.gz`` read).
    store
        The store written (a time-travel reference is refused).
    source, symbol, fund, as_of
        Overrides for every file (see :func:`sizeup.data.ingest.read_file`).
    dry_run
        Parse and report; write nothing.
    force
        Parse files whose content was already imported.
    accept_changes
        Write changes to stored values beyond the thresholds (a price moving by more than
        50 %, a value turning into NULL).
    """

    paths: tuple[Path, ...]
    store: StoreRef = field(default_factory=StoreRef)
    source: str | None = None
    symbol: str | None = None
    fund: str | None = None
    as_of: str | None = None
    dry_run: bool = False
    force: bool = False
    accept_changes: bool = False


@dataclass(frozen=True)
class ImportResult(Result):
    """What an import did, file by file, and the store version it left."""

    report: ImportReport
    root: str
    provenance: Provenance

    def summary(self) -> str:
        """Return the one-line import summary."""
        return self.report.summary()

    def to_frame(self) -> pd.DataFrame:
        """Return one row per file."""
        return self.report.to_frame()

    def payload(self) -> dict[str, Any]:
        """Return the counts and per-file rows."""
        return {
            "root": self.root,
            "imported": self.report.imported,
            "failed": self.report.failed,
            "rows": self.report.rows,
            "rows_added": self.report.rows_added,
            "rows_changed": self.report.rows_changed,
            "files": self.to_frame().to_dict("records"),
        }


def run_import(
    request: ImportRequest, *, progress: Callable[[FileReport], None] | None = None
) -> ImportResult:
    """Import files into the store, one store commit per file.

    Raises
    ------
    ImportFormatError
        A path does not exist.
    StoreError
        The store cannot be opened or written.
    """
    files = expand_paths(request.paths)
    store = open_store(request.store)
    report = import_paths(
        files,
        store,
        source=request.source,
        symbol=request.symbol,
        fund=request.fund,
        as_of=request.as_of,
        dry_run=request.dry_run,
        progress=progress,
        force=request.force,
        accept_changes=request.accept_changes,
    )
    store.refresh()
    return ImportResult(report, store.uri, _provenance(store.version))


# ---------------------------------------------------------------------------- fetch
@dataclass(frozen=True)
class FetchRequest:
    """Fetch a bundle from the public sources.

    Attributes
    ----------
    bundle
        ``core``, ``universe``, ``fundamentals``, ``symbols``, ``holdings`` or
        ``fund-history``.
    store
        The store written.
    symbols
        Symbols instead of the bundle's own.
    offline
        Rebuild from archived bodies only.
    base_urls
        ``URL`` or ``SITE=URL`` overrides (a local fake server in tests).
    since, until
        Date range (ISO dates).
    fund
        Universe fund (``holdings``: the fund whose snapshots are fetched; ``fund-history``:
        the fund whose daily NAV and shares outstanding are fetched).
    prices
        ``yahoo`` or ``stooq``.
    asof
        ``holdings`` only: one snapshot date (ISO).
    start, end, every
        ``holdings`` only: the snapshots at the end of every ``week``, ``month``, ``quarter``
        or ``year`` (last exchange session) from ``start`` to ``end``.
    """

    bundle: str
    store: StoreRef = field(default_factory=StoreRef)
    symbols: tuple[str, ...] = ()
    offline: bool = False
    base_urls: tuple[str, ...] = ()
    since: str | None = None
    until: str | None = None
    fund: str = "IWM"
    prices: str = "yahoo"
    asof: str | None = None
    start: str | None = None
    end: str | None = None
    every: str = "month"


@dataclass(frozen=True)
class FetchResult(Result):
    """What a fetch run did, item by item."""

    report: FetchReport
    provenance: Provenance

    def summary(self) -> str:
        """Return the fetch summary."""
        return self.report.summary()

    def to_frame(self) -> pd.DataFrame:
        """Return one row per item."""
        return pd.DataFrame(
            [
                {
                    "item": r.key,
                    "status": r.status,
                    "rows": r.rows,
                    "requests": r.requests,
                    "reason": r.reason,
                }
                for r in self.report.results
            ],
            columns=["item", "status", "rows", "requests", "reason"],
        )

    def payload(self) -> dict[str, Any]:
        """Return the bundle and the items."""
        return {"bundle": self.report.bundle, "items": self.to_frame().to_dict("records")}


_PRICES: dict[str, PriceSource] = {"yahoo": "yahoo", "stooq": "stooq"}


def _date(value: str | None, option: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise ConfigError(
            f"{option} {value!r} is not a date; use YYYY-MM-DD",
            input=option,
            value=value,
            valid="YYYY-MM-DD",
        ) from None


def run_fetch_request(
    request: FetchRequest, *, observer: FetchObserver | None = None
) -> FetchResult:
    """Fetch a bundle into the store.

    Raises
    ------
    ConfigError
        Unknown bundle or price source, a bad date or base URL.
    """
    if request.bundle not in BUNDLES:
        raise ConfigError(
            f"{request.bundle!r} is not a bundle; choose one of: "
            + "; ".join(f"{b} ({describe_bundle(b)})" for b in BUNDLES),
            input="BUNDLE",
            value=request.bundle,
            valid=", ".join(BUNDLES),
        )
    source = _PRICES.get(request.prices)
    if source is None:
        raise ConfigError(
            f"--prices {request.prices!r}: use yahoo or stooq",
            input="--prices",
            value=request.prices,
            valid="yahoo, stooq",
        )
    asked = {"--asof": request.asof, "--from": request.start, "--to": request.end}
    dates: tuple[dt.date, ...] = ()
    if request.bundle == "holdings":
        dates = snapshot_dates(
            asof=_date(request.asof, "--asof"),
            start=_date(request.start, "--from"),
            end=_date(request.end, "--to"),
            every=request.every,
        )
    else:
        given = [k for k, v in asked.items() if v is not None]
        if given:
            raise ConfigError(
                f"{given[0]} is for the holdings bundle only (sizeup fetch holdings IWM "
                f"{given[0]} ...), not {request.bundle!r}",
                input=given[0],
                value=asked[given[0]],
                valid="the holdings bundle",
            )
    if request.bundle == "fund-history":
        fund_history_request(request.fund)  # an unknown fund or bad ticker: ConfigError now
    settings = load_settings()
    options = FetchOptions(
        symbols=tuple(request.symbols) or None,
        since=_date(request.since, "--since"),
        until=_date(request.until, "--until"),
        offline=request.offline,
        fund=request.fund.upper(),
        prices=source,
        dates=dates,
    )
    bases = parse_base_urls(list(request.base_urls))
    store = open_store(request.store)
    client = None if request.offline else HttpClient(settings, base_urls=bases)
    try:
        report = run_fetch(
            request.bundle,
            store=store,
            settings=settings,
            options=options,
            client=client,
            observer=observer,
        )
    finally:
        if client is not None:
            client.close()
    store.refresh()
    return FetchResult(report, _provenance(store.version))


# ---------------------------------------------------------------------------- store
@dataclass(frozen=True)
class StoreInfoRequest:
    """Describe the store.

    Attributes
    ----------
    store
        Store and version read.
    disagreements
        Compare overlapping sources of the same symbol.
    tolerance
        Daily-return difference that counts as a disagreement.
    """

    store: StoreRef = field(default_factory=StoreRef)
    disagreements: bool = True
    tolerance: float = 0.005


@dataclass(frozen=True)
class StoreInfoResult(Result):
    """Tables, sources and disagreeing sources of one store version."""

    info: StoreInfo
    disagreements: pd.DataFrame
    tolerance: float
    provenance: Provenance
    snapshots: dict[str, tuple[pd.Timestamp, ...]] = field(default_factory=dict)

    def summary(self) -> str:
        """Return the plain-text catalog, then the holdings snapshot dates per fund."""
        lines = [self.info.summary()]
        for fund, dates in self.snapshots.items():
            lines.append(snapshot_line(fund, dates))
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """Return one row per table."""
        return pd.DataFrame(
            [
                {
                    "table": t.table,
                    "rows": t.rows,
                    "entities": t.entities,
                    "files": t.files,
                    "first": t.first,
                    "last": t.last,
                    "bytes": t.bytes,
                    "delta_version": t.version,
                }
                for t in self.info.tables
            ]
        )

    def payload(self) -> dict[str, Any]:
        """Return tables, per-source rows and disagreements."""
        return {
            "root": str(self.info.root),
            "version": self.info.version,
            "tables": self.to_frame().to_dict("records"),
            "by_source": self.info.by_source.to_dict("records"),
            "disagreements": self.disagreements.to_dict("records"),
            "holdings_snapshots": {
                fund: [d.date().isoformat() for d in dates]
                for fund, dates in self.snapshots.items()
            },
        }


def snapshot_line(fund: str, dates: Sequence[pd.Timestamp]) -> str:
    """Return ``holdings IWM: 3 snapshots: 2024-10-31, 2024-11-29, 2024-12-31``."""
    days = ", ".join(d.date().isoformat() for d in dates)
    return f"holdings {fund}: {len(dates)} snapshot{'s' if len(dates) != 1 else ''}: {days}"


def _holdings_snapshots(store: Store) -> dict[str, tuple[pd.Timestamp, ...]]:
    """Every fund's holdings snapshot dates, ascending (empty without holdings)."""
    frame = store.read("holdings")
    if frame.empty:
        return {}
    pairs = frame[["fund", "as_of"]].drop_duplicates()
    return {
        str(fund): tuple(sorted(pd.Timestamp(d) for d in group["as_of"]))
        for fund, group in pairs.groupby("fund", sort=True)
    }


def store_info(request: StoreInfoRequest) -> StoreInfoResult:
    """Describe the store from its Delta logs and catalog (and compare overlapping sources).

    The holdings snapshot dates of every fund are listed too (they say where point-in-time
    membership is known; see :func:`sizeup.app._membership.load_membership`).
    """
    store = open_store(request.store)
    info = store.info()
    diff = (
        store.disagreements(tolerance=request.tolerance)
        if request.disagreements
        else pd.DataFrame()
    )
    return StoreInfoResult(
        info, diff, request.tolerance, _provenance(store.version), _holdings_snapshots(store)
    )


@dataclass(frozen=True)
class StoreHistoryResult(Result):
    """The store's versions: when, what, rows added/changed/removed."""

    history: pd.DataFrame
    provenance: Provenance

    def summary(self) -> str:
        """Return one line per version."""
        if self.history.empty:
            return "the store has no versions yet"
        lines = []
        for r in self.history.itertuples(index=False):
            lines.append(
                f"{r.version:>5}  {r.committed_at:%Y-%m-%d %H:%M:%S}  "
                f"{r.operation:<9} +{r.rows_added:,} ~{r.rows_changed:,} -{r.rows_removed:,}  "
                f"{r.detail}"
            )
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """Return the versions."""
        return self.history

    def payload(self) -> dict[str, Any]:
        """Return the versions."""
        return {"versions": self.history.to_dict("records")}


def store_history(ref: StoreRef | None = None) -> StoreHistoryResult:
    """List the store's versions."""
    store = open_store(StoreRef(root=(ref or StoreRef()).root))
    return StoreHistoryResult(store.history(), _provenance(store.version))


@dataclass(frozen=True)
class RestoreRequest:
    """Make the store what it was at ``version`` (recorded as a new version)."""

    version: int
    store: StoreRef = field(default_factory=StoreRef)


@dataclass(frozen=True)
class VacuumRequest:
    """Delete files that no version younger than ``retain_hours`` needs."""

    retain_hours: float = 168.0
    store: StoreRef = field(default_factory=StoreRef)


@dataclass(frozen=True)
class StoreActionResult(Result):
    """Outcome of a restore, optimize or vacuum."""

    action: str
    message: str
    provenance: Provenance
    details: dict[str, Any] = field(default_factory=dict)

    def summary(self) -> str:
        """Return the message."""
        return self.message

    def to_frame(self) -> pd.DataFrame:
        """Return the details as one row."""
        return pd.DataFrame([{"action": self.action, **self.details}])

    def payload(self) -> dict[str, Any]:
        """Return the action and its details."""
        return {"action": self.action, "message": self.message, **self.details}


def restore_store(request: RestoreRequest) -> StoreActionResult:
    """Restore the store to an earlier version (undo a bad import)."""
    store = open_store(StoreRef(root=request.store.root))
    new = store.restore(request.version)
    return StoreActionResult(
        "restore",
        f"store restored to version {request.version}; that state is now version {new}",
        _provenance(new),
        {"restored": request.version, "version": new},
    )


def optimize_store(ref: StoreRef | None = None) -> StoreActionResult:
    """Rewrite each table's partitions as few files sorted by (entity, date)."""
    store = open_store(StoreRef(root=(ref or StoreRef()).root))
    done = store.optimize()
    text = (
        "tables rewritten: " + ", ".join(f"{k} ({v} files before)" for k, v in done.items())
        if done
        else "every table is already compact"
    )
    return StoreActionResult("optimize", text, _provenance(store.version), {"files_before": done})


def vacuum_store(request: VacuumRequest) -> StoreActionResult:
    """Delete files of versions older than the retention (they can no longer be read)."""
    store = open_store(StoreRef(root=request.store.root))
    removed = store.vacuum(request.retain_hours)
    return StoreActionResult(
        "vacuum",
        f"{removed} files removed; versions older than {request.retain_hours:g} h may no "
        "longer be readable",
        _provenance(store.version),
        {"removed": removed, "retain_hours": request.retain_hours},
    )
