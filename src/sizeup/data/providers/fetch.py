"""Named fetch bundles: incremental, resumable batch downloads into the store.

A bundle is a list of independent *items* (one symbol's bars, one FRED series, one French
file, one fund's holdings, one company's facts). Each item

1. plans its request from what the store already has (only missing dates are asked for; an
   item that is up to date is skipped without a request),
2. sends it through the shared :class:`~sizeup.data.providers.http.HttpClient`,
3. checks the response for error bodies, archives the raw body in the store
   (:meth:`~sizeup.data.store.Store.archive_payload`, credentials scrubbed from the URL),
4. parses it with the provider's pure ``parse`` and
5. writes its tables with one :meth:`~sizeup.data.store.Store.write`, the table that marks the item
   as done last (``bars`` after ``actions``), so an interrupted run leaves every item either
   complete or absent and a re-run continues where it stopped.

A small ledger (``<data_dir>/fetch/ledger.json``) remembers up to which date each item was
checked, so that a second run on the same day asks for nothing, even for series whose source has
no newer data (holidays, monthly series, delisted symbols).

``offline=True`` rebuilds the tables from the archived bodies without any request.

Bundles
-------
core
    Benchmark ETFs and indexes (Yahoo), FRED DGS10/DFF/EFFR/FEDFUNDS, French factors (daily and
    monthly) and size portfolios.
universe
    A fund's holdings (iShares IWM or IJR), then the daily bars of every member of any stored
    snapshot of the fund (names that left the index too).
fundamentals
    SEC company tickers, then XBRL companyfacts of every member (or ``symbols``).
symbols
    Nasdaq Trader directories and the SEC ticker map.
holdings
    A fund's holdings snapshots for the dates asked (``FetchOptions.dates``; iShares
    ``asOfDate``, best effort), or the current snapshot when no date is asked. Each date is
    one item: a date whose answer is an HTTP error, an empty body, an HTML page, a truncated or
    malformed file fails with the reason and writes nothing; a file whose ``Fund Holdings as
    of`` is another date fails for the date asked, names the real date and is stored under it.
    Bodies are archived only once they parse, so a failed date leaves the store unchanged.
fund-history
    A fund's daily NAV per share and shares outstanding (the iShares fund page's data
    download, :mod:`sizeup.data.providers.ishares_history`; **not yet met a live response**).
    One item; a refused, HTML, empty or unparsable body fails with the reason and writes
    nothing (the body is archived only once it parses).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, Literal, Protocol
from urllib.parse import parse_qsl, urlencode, urlsplit
from zoneinfo import ZoneInfo

import pandas as pd

from sizeup import calendar
from sizeup.config import Settings
from sizeup.data.formats.prices import canonical_symbol
from sizeup.data.providers import (
    fred,
    french,
    ishares,
    ishares_history,
    nasdaqtrader,
    sec,
    stooq,
    yahoo,
)
from sizeup.data.providers.http import SITES, HttpClient, NetworkDownError, Request, Response
from sizeup.data.store import Store
from sizeup.errors import (
    ConfigError,
    DataError,
    ProviderError,
    RateLimitError,
    SizeupError,
)

__all__ = [
    "BUNDLES",
    "CORE_FRED",
    "CORE_FRENCH",
    "CORE_SYMBOLS",
    "Bundle",
    "FetchObserver",
    "FetchOptions",
    "FetchReport",
    "ItemResult",
    "Ledger",
    "run_fetch",
    "snapshot_dates",
]

log = logging.getLogger(__name__)

Bundle = Literal["core", "universe", "fundamentals", "symbols", "holdings", "fund-history"]
BUNDLES: Final[tuple[Bundle, ...]] = (
    "core",
    "universe",
    "fundamentals",
    "symbols",
    "holdings",
    "fund-history",
)
Every = Literal["week", "month", "quarter", "year"]
EVERY: Final[dict[str, str]] = {"week": "W", "month": "M", "quarter": "Q", "year": "Y"}
MAX_SNAPSHOT_DATES: Final = 600
PriceSource = Literal["yahoo", "stooq"]

CORE_SYMBOLS: Final = (
    "IWM",
    "IJR",
    "SPY",
    "IVV",
    "RSP",
    "QQQ",
    "DIA",
    "MDY",
    "VB",
    "IWN",
    "IWO",
    "SMLF",
    "^RUT",
    "^GSPC",
)
CORE_FRED: Final = ("DGS10", "DFF", "EFFR", "FEDFUNDS")
CORE_FRENCH: Final = (
    "F-F_Research_Data_Factors",
    "F-F_Research_Data_Factors_daily",
    "Portfolios_Formed_on_ME",
)
_NEW_YORK: Final = ZoneInfo("America/New_York")
_SETTLED: Final = dt.time(16, 30)
_MEMBER_RE: Final = re.compile(r"^[A-Z][A-Z0-9]{0,9}([.\-/][A-Z0-9]{1,3})?$")
_ADJ_TOLERANCE: Final = 1e-5

Status = Literal["ok", "failed", "skipped"]


@dataclass(frozen=True)
class ItemResult:
    """Outcome of one item.

    Parameters
    ----------
    key
        Item name, e.g. ``yahoo:IWM``, ``fred:DGS10``.
    status
        ``ok``, ``failed`` or ``skipped``.
    reason
        Why it failed or was skipped; a note for ``ok`` items.
    rows
        Rows added or changed in the store.
    requests
        HTTP requests made for the item (0 offline and when skipped).
    """

    key: str
    status: Status
    reason: str = ""
    rows: int = 0
    requests: int = 0


@dataclass(frozen=True)
class FetchReport:
    """What a fetch run did, item by item.

    Parameters
    ----------
    bundle
        Bundle name.
    results
        One result per item, in run order.
    offline
        Whether the run rebuilt from the archive only.
    interrupted
        Whether the run was stopped before all items ran.
    stopped
        Why the run stopped early on its own (the network is down), or empty.
    """

    bundle: str
    results: tuple[ItemResult, ...]
    offline: bool = False
    interrupted: bool = False
    stopped: str = ""

    def _of(self, status: Status) -> tuple[ItemResult, ...]:
        return tuple(r for r in self.results if r.status == status)

    @property
    def ok(self) -> tuple[ItemResult, ...]:
        """Items that succeeded."""
        return self._of("ok")

    @property
    def failed(self) -> tuple[ItemResult, ...]:
        """Items that failed (with the reason)."""
        return self._of("failed")

    @property
    def skipped(self) -> tuple[ItemResult, ...]:
        """Items not fetched (up to date, not archived, source refused earlier)."""
        return self._of("skipped")

    @property
    def requests(self) -> int:
        """HTTP requests made in total."""
        return sum(r.requests for r in self.results)

    @property
    def exit_code(self) -> int:
        """1 when items failed and none succeeded (nothing could be fetched), else 0."""
        return 1 if (self.failed and not self.ok) or self.stopped else 0

    def to_frame(self) -> pd.DataFrame:
        """One row per item: key, status, reason, rows, requests."""
        return pd.DataFrame(
            [vars(r) for r in self.results], columns=["key", "status", "reason", "rows", "requests"]
        )

    def summary(self) -> str:
        """Return the counts and every failure with its reason."""
        mode = "offline rebuild" if self.offline else "fetch"
        lines = [
            f"{mode} {self.bundle}: {len(self.ok)} ok, {len(self.failed)} failed, "
            f"{len(self.skipped)} skipped, {sum(r.rows for r in self.ok)} rows, "
            f"{self.requests} requests" + (" (interrupted)" if self.interrupted else "")
        ]
        if self.stopped:
            lines.append(f"  STOPPED: {self.stopped}")
            return "\n".join(lines)
        lines += [f"  FAILED {r.key}: {r.reason}" for r in self.failed]
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"FetchReport({self.bundle!r}, ok={len(self.ok)}, failed={len(self.failed)}, "
            f"skipped={len(self.skipped)})"
        )


@dataclass(frozen=True)
class FetchOptions:
    """Options of a run.

    Parameters
    ----------
    symbols
        Replace the bundle's symbols (core: the price symbols; universe/fundamentals: the
        members).
    since
        First date for items the store does not hold yet (default: the whole history).
    until
        Last date wanted (default: today in New York).
    offline
        Rebuild from the archived bodies; no request is made.
    fund
        Fund whose members form the universe (``IWM``, ``IJR``, or any fund known to
        :mod:`sizeup.data.providers.ishares`).
    prices
        Price source: ``yahoo`` (default) or ``stooq`` (needs ``stooq_api_key``).
    dates
        Holdings snapshot dates asked by the ``holdings`` bundle (empty: the current one).
    """

    symbols: tuple[str, ...] | None = None
    since: dt.date | None = None
    until: dt.date | None = None
    offline: bool = False
    fund: str = "IWM"
    prices: PriceSource = "yahoo"
    dates: tuple[dt.date, ...] = ()


class FetchObserver(Protocol):
    """Receives progress events (the CLI draws progress bars from them)."""

    def planned(self, count: int) -> None:
        """Receive the number of items just planned."""

    def started(self, key: str) -> None:
        """Receive the key of an item that starts."""

    def finished(self, result: ItemResult) -> None:
        """Receive the result of an item that ended."""


class Ledger:
    """Per item, the last date up to which the source was asked (``fetch/ledger.json``).

    Parameters
    ----------
    root
        Data directory of the store.
    """

    def __init__(self, root: Path) -> None:
        self.path = root / "fetch" / "ledger.json"
        self._data: dict[str, str] = {}
        if self.path.exists():
            try:
                raw = json.loads(self.path.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                log.warning("fetch ledger %s unreadable (%s); starting afresh", self.path, exc)
                raw = {}
            if isinstance(raw, dict):
                self._data = {str(k): str(v) for k, v in raw.items()}

    def checked(self, key: str) -> dt.date | None:
        """Date up to which an item was last checked, if ever."""
        value = self._data.get(key)
        try:
            return dt.date.fromisoformat(value) if value else None
        except ValueError:
            return None

    def mark(self, key: str, until: dt.date) -> None:
        """Record that an item is complete up to ``until`` (atomic rewrite)."""
        self._data[key] = until.isoformat()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".tmp-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(self._data, handle, indent=0, sort_keys=True)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise


# ---------------------------------------------------------------------------------- context
def _path_identity(url: str, range_params: Iterable[str]) -> str:
    """Path and non-range query of a URL: the same item under any base URL."""
    parts = urlsplit(url)
    drop = set(range_params)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in drop]
    return parts.path + ("?" + urlencode(sorted(query)) if query else "")


class _Context:
    def __init__(
        self,
        store: Store,
        client: HttpClient | None,
        settings: Settings,
        options: FetchOptions,
        *,
        until: dt.date,
        now: dt.datetime,
    ) -> None:
        self.store = store
        self.client = client
        self.settings = settings
        self.options = options
        self.until = until
        self.now = now
        self.ledger = Ledger(store.root)
        self.requests = 0
        self._payloads: pd.DataFrame | None = None

    def base(self, site: str) -> str:
        return self.client.base_url(site) if self.client else SITES[site].base_url

    def get(self, request: Request, check: Callable[[Response], None], source: str) -> bytes:
        """Send, check, archive; return the body."""
        if self.client is None:  # pragma: no cover - offline items never call get
            raise ConfigError("offline run tried to send a request")
        self.requests += 1
        response = self.client.send(request)
        check(response)
        self.store.archive_payload(
            response.body, url=response.url, source=source, status=response.status
        )
        return response.body

    def archived(self, request: Request) -> list[bytes]:
        """Return the archived bodies of the request's identity, oldest first."""
        if self._payloads is None:
            self._payloads = self.store.read("payloads").sort_values("fetched_at", kind="mergesort")
        want = _path_identity(request.scrubbed_url, request.range_params)
        frame = self._payloads
        hits = [
            str(row.sha256)
            for row in frame.itertuples()
            if _path_identity(str(row.url), request.range_params) == want
        ]
        return [self.store.payload_body(digest) for digest in dict.fromkeys(hits)]


# ---------------------------------------------------------------------------------- items
def _last_date(store: Store, table: str, column: str, entity: str, source: str) -> dt.date | None:
    files = [store.partition_path(table, [source, entity])]
    frame = store.read(table, files=files)
    if frame.empty:
        return None
    return pd.Timestamp(frame["date"].max()).date()


def _has_session(after: dt.date, until: dt.date) -> bool:
    """Whether an XNYS session lies in ``(after, until]`` (weekdays outside the calendar)."""
    if until <= after:
        return False
    start = after + dt.timedelta(days=1)
    try:
        return len(calendar.sessions(pd.Timestamp(start), pd.Timestamp(until))) > 0
    except DataError:
        return bool(len(pd.bdate_range(start, until)))


class _Item:
    key: str
    site: str
    source: str
    refresh_days: int = 1

    def request(self, ctx: _Context, start: dt.date | None) -> Request:
        raise NotImplementedError

    def check(self, response: Response) -> None:
        raise NotImplementedError

    def parse(self, ctx: _Context, body: bytes) -> dict[str, pd.DataFrame]:
        raise NotImplementedError

    def plan(self, ctx: _Context) -> Request | str:
        """Return the request to send, or the reason to skip."""
        checked = ctx.ledger.checked(self.key)
        if checked is not None and (ctx.until - checked).days < self.refresh_days:
            return f"up to date (checked through {checked})"
        return self.request(ctx, None)

    def run(self, ctx: _Context) -> tuple[int, str]:
        planned = self.plan(ctx)
        if isinstance(planned, str):
            raise _Skip(planned)
        body = ctx.get(planned, self.check, self.source)
        rows = _commit(ctx.store, self.parse(ctx, body))
        ctx.ledger.mark(self.key, ctx.until)
        return rows, ""

    def rebuild(self, ctx: _Context) -> tuple[int, str]:
        bodies = ctx.archived(self.request(ctx, None))
        if not bodies:
            raise _Skip("nothing archived for this item")
        rows, errors = 0, []
        for body in bodies:
            try:
                rows += _commit(ctx.store, self.parse(ctx, body))
            except ProviderError as exc:
                errors.append(str(exc))
        if len(errors) == len(bodies):
            raise ProviderError(f"no archived body parses: {errors[-1]}")
        note = f"{len(bodies)} archived bodies" + (f", {len(errors)} unusable" if errors else "")
        return rows, note


class _Skip(Exception):  # noqa: N818 - control flow inside this module
    pass


def _commit(store: Store, tables: Mapping[str, pd.DataFrame]) -> int:
    """Write the item's tables in order (the last one marks the item complete)."""
    frames = {name: frame for name, frame in tables.items() if not frame.empty}
    if not frames:
        return 0
    results = store.write(frames)
    return sum(r.rows_added + r.rows_updated for r in results.values())


def _drop_unsettled(bars: pd.DataFrame, now: dt.datetime) -> pd.DataFrame:
    """Drop today's bar while the New York session is not settled, and future bars."""
    local = now.astimezone(_NEW_YORK)
    today = pd.Timestamp(local.date())
    cut = today if local.time() < _SETTLED else today + pd.Timedelta(days=1)
    return bars[bars["date"] < cut].reset_index(drop=True)


@dataclass
class _BarsItem(_Item):
    symbol: str
    provider: PriceSource = "yahoo"
    refresh_days: int = 1

    def __post_init__(self) -> None:
        self.key = f"{self.provider}:{self.symbol}"
        self.site = self.provider
        self.source = self.provider

    def request(self, ctx: _Context, start: dt.date | None) -> Request:
        if self.provider == "yahoo":
            return yahoo.build_request(
                self.symbol, start=start, end=ctx.until, base_url=ctx.base("yahoo")
            )
        return stooq.build_request(
            self.symbol,
            api_key=ctx.settings.stooq_api_key,
            start=start,
            end=ctx.until,
            base_url=ctx.base("stooq"),
        )

    def check(self, response: Response) -> None:
        if self.provider == "yahoo":
            yahoo.check(response, symbol=self.symbol)
        else:
            stooq.check(response, symbol=self.symbol)

    def parse(self, ctx: _Context, body: bytes) -> dict[str, pd.DataFrame]:
        if self.provider == "yahoo":
            return yahoo.parse_chart(body, symbol=self.symbol)
        return stooq.parse(body, symbol=self.symbol, name=self.key)

    def _stored(self, ctx: _Context) -> pd.DataFrame:
        files = [ctx.store.partition_path("bars", [self.source, self.symbol])]
        return ctx.store.read("bars", files=files)

    def run(self, ctx: _Context) -> tuple[int, str]:
        stored = self._stored(ctx)
        last = pd.Timestamp(stored["date"].max()).date() if len(stored) else None
        checked = ctx.ledger.checked(self.key)
        covered = max(d for d in (last, checked) if d is not None) if (last or checked) else None
        if covered is not None and not _has_session(covered, ctx.until):
            raise _Skip(f"up to date through {covered}")
        # Overlap with the stored data from its second-to-last bar (a settled one) so that a
        # change of adjustment (new dividend or split) is detected.
        anchor: pd.Series | None = None
        start = ctx.options.since
        if len(stored):
            anchor = stored.iloc[-2] if len(stored) > 1 else stored.iloc[-1]
            start = pd.Timestamp(anchor["date"]).date()
        body = ctx.get(self.request(ctx, start), self.check, self.source)
        tables = self.parse(ctx, body)
        tables["bars"] = _drop_unsettled(tables["bars"], ctx.now)
        note = ""
        if anchor is not None and self._adjustment_changed(anchor, tables["bars"]):
            note = "adjustment changed: full history re-fetched"
            full = ctx.get(self.request(ctx, ctx.options.since), self.check, self.source)
            tables = self.parse(ctx, full)
            tables["bars"] = _drop_unsettled(tables["bars"], ctx.now)
        rows = _commit(ctx.store, tables)
        ctx.ledger.mark(self.key, ctx.until)
        return rows, note

    @staticmethod
    def _adjustment_changed(anchor: pd.Series, bars: pd.DataFrame) -> bool:
        hit = bars[bars["date"] == anchor["date"]]
        if hit.empty:
            return False
        old, new = float(anchor["adj_close"]), float(hit["adj_close"].iloc[0])
        if pd.isna(old) or pd.isna(new):
            old, new = float(anchor["close"]), float(hit["close"].iloc[0])
        if pd.isna(old) or pd.isna(new) or old == 0:
            return False
        return abs(new / old - 1.0) > _ADJ_TOLERANCE


@dataclass
class _FredItem(_Item):
    series: str

    def __post_init__(self) -> None:
        self.key = f"fred:{self.series}"
        self.source = fred.SOURCE
        self.site = "fred"

    def request(self, ctx: _Context, start: dt.date | None) -> Request:
        key = ctx.settings.fred_api_key
        if key:
            return fred.build_api_request(
                self.series, api_key=key, start=start, end=ctx.until, base_url=ctx.base("fredapi")
            )
        return fred.build_graph_request(
            self.series, start=start, end=ctx.until, base_url=ctx.base("fred")
        )

    def check(self, response: Response) -> None:
        fred.check(response, series_id=self.series)

    def parse(self, ctx: _Context, body: bytes) -> dict[str, pd.DataFrame]:
        if body.lstrip().startswith(b"{"):
            return fred.parse_api(body, series_id=self.series)
        return fred.parse_graph(body, series_id=self.series, name=self.key)

    def run(self, ctx: _Context) -> tuple[int, str]:
        last = _last_date(ctx.store, "series", "date", fred.series_key(self.series), self.source)
        checked = ctx.ledger.checked(self.key)
        known = [d for d in (last, checked) if d is not None]
        if known and not _has_session(max(known), ctx.until):
            raise _Skip(f"up to date through {max(known)}")
        start = last if last is not None else ctx.options.since
        request = self.request(ctx, start)
        self.site = request.site
        body = ctx.get(request, self.check, self.source)
        rows = _commit(ctx.store, self.parse(ctx, body))
        ctx.ledger.mark(self.key, ctx.until)
        return rows, ""

    def rebuild(self, ctx: _Context) -> tuple[int, str]:
        graph = fred.build_graph_request(self.series, base_url=ctx.base("fred"))
        bodies = ctx.archived(graph)
        if ctx.settings.fred_api_key:
            bodies += ctx.archived(
                fred.build_api_request(self.series, api_key="x", base_url=ctx.base("fredapi"))
            )
        if not bodies:
            raise _Skip("nothing archived for this item")
        rows = 0
        for body in bodies:
            rows += _commit(ctx.store, self.parse(ctx, body))
        return rows, f"{len(bodies)} archived bodies"


@dataclass
class _FrenchItem(_Item):
    dataset: str
    refresh_days: int = 7

    def __post_init__(self) -> None:
        self.key = f"french:{self.dataset}"
        self.source = french.SOURCE
        self.site = "french"

    def request(self, ctx: _Context, start: dt.date | None) -> Request:
        return french.build_request(self.dataset, base_url=ctx.base("french"))

    def check(self, response: Response) -> None:
        french.check(response, dataset=self.dataset)

    def parse(self, ctx: _Context, body: bytes) -> dict[str, pd.DataFrame]:
        return french.parse(body, dataset=self.dataset)


@dataclass
class _HoldingsItem(_Item):
    fund: str

    def __post_init__(self) -> None:
        self.key = f"ishares:{self.fund}"
        self.source = ishares.SOURCE
        self.site = "ishares"

    def request(self, ctx: _Context, start: dt.date | None) -> Request:
        today = ctx.now.astimezone(_NEW_YORK).date()
        as_of = ctx.until if ctx.until < today else None
        return ishares.build_request(self.fund, as_of=as_of, base_url=ctx.base("ishares"))

    def check(self, response: Response) -> None:
        ishares.check(response, fund=self.fund)

    def parse(self, ctx: _Context, body: bytes) -> dict[str, pd.DataFrame]:
        return ishares.parse(body, fund=self.fund, name=self.key)


@dataclass
class _SnapshotItem(_Item):
    """The holdings of one fund on one date asked (``asOfDate``), best effort."""

    fund: str
    date: dt.date

    def __post_init__(self) -> None:
        self.key = f"ishares:{self.fund}@{self.date.isoformat()}"
        self.source = ishares.SOURCE
        self.site = "ishares"

    def request(self, ctx: _Context, start: dt.date | None) -> Request:
        return ishares.build_request(self.fund, as_of=self.date, base_url=ctx.base("ishares"))

    def check(self, response: Response) -> None:
        ishares.check(response, fund=self.fund)

    def run(self, ctx: _Context) -> tuple[int, str]:
        stored = _snapshot_dates(ctx.store, self.fund)
        if pd.Timestamp(self.date) in stored:
            raise _Skip(f"snapshot {self.date} already stored")
        if ctx.client is None:  # pragma: no cover - offline runs rebuild instead
            raise ConfigError("offline run tried to send a request")
        request = self.request(ctx, None)
        ctx.requests += 1
        response = ctx.client.send(request)
        self.check(response)
        snap = ishares.parse_snapshot(
            response.body, fund=self.fund, asked=self.date, name=response.url
        )
        real = pd.Timestamp(snap.as_of)
        if not snap.matches and real in stored:
            raise ProviderError(
                f"asked for {self.date}, iShares answered with the holdings as of {snap.as_of} "
                "(already stored under that date)"
            )
        ctx.store.archive_payload(
            response.body, url=response.url, source=self.source, status=response.status
        )
        rows = _commit(ctx.store, snap.tables)
        if not snap.matches:
            raise _SubstitutedError(
                f"asked for {self.date}, iShares answered with the holdings as of {snap.as_of} "
                f"({snap.members} equity rows, stored under {snap.as_of})",
                rows,
            )
        return rows, f"{snap.members} equity rows"

    def rebuild(self, ctx: _Context) -> tuple[int, str]:  # pragma: no cover - see bundle
        raise _Skip("offline: the fund's archived snapshots are rebuilt by one item")


@dataclass
class _FundHistoryItem(_Item):
    """One fund's daily NAV and shares outstanding (iShares data download)."""

    fund: str

    def __post_init__(self) -> None:
        self.key = f"ishares:{self.fund}:fund-history"
        self.source = ishares_history.SOURCE
        self.site = "ishares"

    def request(self, ctx: _Context, start: dt.date | None) -> Request:
        return ishares_history.build_request(self.fund, base_url=ctx.base("ishares"))

    def check(self, response: Response) -> None:
        ishares_history.check(response, fund=self.fund)

    def parse(self, ctx: _Context, body: bytes) -> dict[str, pd.DataFrame]:
        return ishares_history.parse(body, fund=self.fund, name=self.key)

    def run(self, ctx: _Context) -> tuple[int, str]:
        planned = self.plan(ctx)
        if isinstance(planned, str):
            raise _Skip(planned)
        if ctx.client is None:  # pragma: no cover - offline runs rebuild instead
            raise ConfigError("offline run tried to send a request")
        ctx.requests += 1
        rows = ishares_history.fetch_fund_history(ctx.store, self.fund, ctx.client)
        ctx.ledger.mark(self.key, ctx.until)
        return rows, _history_note(ctx.store, self.fund)


def _history_note(store: Store, fund: str) -> str:
    """``shares outstanding stored 2026-01-05..2026-01-07 (3 days)`` (history and snapshots)."""
    files = [store.partition_path("series", [ishares_history.SOURCE, f"{fund}.shares_outstanding"])]
    frame = store.read("series", files=files)
    if frame.empty:
        return ""
    days = pd.to_datetime(frame["date"]).drop_duplicates().sort_values()
    first, last = days.iloc[0].date(), days.iloc[-1].date()
    return f"shares outstanding stored {first}..{last} ({len(days)} days)"


class _SubstitutedError(ProviderError):
    """A date asked was answered with another date's file (stored under its own date)."""

    def __init__(self, message: str, rows: int) -> None:
        super().__init__(message)
        self.rows = rows


def _snapshot_dates(store: Store, fund: str) -> set[pd.Timestamp]:
    frame = store.read("holdings", where="fund = ?", params=[fund])
    if frame.empty:
        return set()
    return {pd.Timestamp(d).normalize() for d in frame["as_of"].unique()}


def snapshot_dates(
    *,
    asof: dt.date | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    every: str = "month",
) -> tuple[dt.date, ...]:
    """Return the holdings dates to ask for: one date, or the period ends of a range.

    Parameters
    ----------
    asof
        One date (exclusive with ``start``/``end``).
    start, end
        Range (inclusive); the last XNYS session of every complete period in it.
    every
        ``week``, ``month`` (default), ``quarter`` or ``year``.

    Raises
    ------
    ConfigError
        Both a date and a range, half a range, ``start`` after ``end``, an unknown ``every``,
        a range without any period end, or more than :data:`MAX_SNAPSHOT_DATES` dates.
    """
    if asof is not None:
        if start is not None or end is not None:
            raise ConfigError(
                "give either --asof DATE or --from/--to, not both",
                input="--asof",
                value=asof.isoformat(),
                valid="--asof alone, or --from and --to",
            )
        return (asof,)
    if start is None and end is None:
        return ()
    if start is None or end is None:
        missing = "--from" if start is None else "--to"
        raise ConfigError(
            f"a range of holdings dates needs both --from and --to ({missing} is missing)",
            input=missing,
            value=None,
            valid="YYYY-MM-DD",
        )
    if start > end:
        raise ConfigError(
            f"--from {start} is after --to {end}",
            input="--from",
            value=start.isoformat(),
            valid=f"a date on or before {end}",
        )
    freq = EVERY.get(every)
    if freq is None:
        raise ConfigError(
            f"--every {every!r} is not a period; valid: {', '.join(EVERY)}",
            input="--every",
            value=every,
            valid=", ".join(EVERY),
        )
    try:
        ends = calendar.period_ends(start, end, freq, complete_only=True)  # type: ignore[arg-type]
    except DataError as exc:
        raise ConfigError(
            f"--from/--to {start} .. {end}: {exc}",
            input="--from",
            value=start.isoformat(),
            valid="dates inside the exchange calendar",
        ) from exc
    dates = tuple(d.date() for d in ends if d.date() >= start)
    if not dates:
        raise ConfigError(
            f"no {every} ends on the exchange calendar in {start} .. {end}",
            input="--from",
            value=f"{start} .. {end}",
            valid=f"a range holding at least one complete {every}",
        )
    if len(dates) > MAX_SNAPSHOT_DATES:
        raise ConfigError(
            f"{len(dates)} holdings dates asked; at most {MAX_SNAPSHOT_DATES} per run",
            input="--every",
            value=every,
            valid=f"a range with at most {MAX_SNAPSHOT_DATES} period ends",
        )
    return dates


@dataclass
class _SecTickersItem(_Item):
    refresh_days: int = 7

    def __post_init__(self) -> None:
        self.key = "sec:company_tickers"
        self.source = sec.SOURCE
        self.site = "sec"

    def request(self, ctx: _Context, start: dt.date | None) -> Request:
        return sec.company_tickers_request(base_url=ctx.base("sec"))

    def check(self, response: Response) -> None:
        sec.check(response, what="SEC company tickers")

    def parse(self, ctx: _Context, body: bytes) -> dict[str, pd.DataFrame]:
        return sec.parse_company_tickers_body(body)


@dataclass
class _CompanyFactsItem(_Item):
    symbol: str
    cik: int
    refresh_days: int = 7

    def __post_init__(self) -> None:
        self.key = f"sec:companyfacts:{self.symbol}"
        self.source = sec.SOURCE
        self.site = "secdata"

    def request(self, ctx: _Context, start: dt.date | None) -> Request:
        return sec.companyfacts_request(self.cik, base_url=ctx.base("secdata"))

    def check(self, response: Response) -> None:
        sec.check(response, what=f"SEC companyfacts for {self.symbol}")

    def parse(self, ctx: _Context, body: bytes) -> dict[str, pd.DataFrame]:
        return sec.parse_companyfacts_body(body, name=self.key, tickers={self.cik: self.symbol})


@dataclass
class _NasdaqItem(_Item):
    directory: nasdaqtrader.Directory

    def __post_init__(self) -> None:
        self.key = f"nasdaqtrader:{self.directory}"
        self.source = nasdaqtrader.SOURCE
        self.site = "nasdaqtrader"

    def request(self, ctx: _Context, start: dt.date | None) -> Request:
        return nasdaqtrader.build_request(self.directory, base_url=ctx.base("nasdaqtrader"))

    def check(self, response: Response) -> None:
        nasdaqtrader.check(response, directory=self.directory)

    def parse(self, ctx: _Context, body: bytes) -> dict[str, pd.DataFrame]:
        return nasdaqtrader.parse_directory(body, directory=self.directory)


@dataclass
class _Failed(_Item):
    """An item that cannot even be planned (e.g. a symbol without a CIK)."""

    name: str
    message: str
    site_name: str

    def __post_init__(self) -> None:
        self.key = self.name
        self.site = self.site_name
        self.source = ""

    def run(self, ctx: _Context) -> tuple[int, str]:
        raise ProviderError(self.message)

    rebuild = run


# ---------------------------------------------------------------------------------- bundles
Stage = Callable[[_Context], list[_Item]]


def _members(store: Store, fund: str) -> list[str]:
    """Return every equity member of any stored snapshot of the fund.

    Point-in-time breadth needs the prices of names that left the index too.
    """
    holdings = store.read("holdings", where="fund = ?", params=[fund])
    if holdings.empty:
        return []
    equity = holdings[holdings["asset_class"].fillna("").str.lower() == "equity"]
    out: list[str] = []
    for raw in equity["symbol"].astype(str):
        if _MEMBER_RE.match(raw.upper()):
            out.append(canonical_symbol(raw))
    return sorted(dict.fromkeys(out))


def _universe(ctx: _Context) -> list[str]:
    if ctx.options.symbols:
        return list(ctx.options.symbols)
    return _members(ctx.store, ctx.options.fund)


def _bundle_stages(bundle: Bundle, options: FetchOptions, store: Store) -> list[Stage]:
    prices = options.prices
    if bundle == "core":
        symbols = options.symbols or CORE_SYMBOLS

        def core(ctx: _Context) -> list[_Item]:
            items: list[_Item] = [_BarsItem(s, prices) for s in symbols]
            items += [_FredItem(s) for s in CORE_FRED]
            items += [_FrenchItem(d) for d in CORE_FRENCH]
            return items

        return [core]
    if bundle == "universe":

        def holdings(ctx: _Context) -> list[_Item]:
            return [] if options.symbols else [_HoldingsItem(options.fund)]

        def member_bars(ctx: _Context) -> list[_Item]:
            return [_BarsItem(s, prices) for s in _universe(ctx)]

        return [holdings, member_bars]
    if bundle == "fundamentals":

        def tickers(ctx: _Context) -> list[_Item]:
            items: list[_Item] = [_SecTickersItem()]
            if not options.symbols and store.holdings(options.fund).empty:
                items.append(_HoldingsItem(options.fund))
            return items

        def facts(ctx: _Context) -> list[_Item]:
            known = ctx.store.read("symbols", where="source = ?", params=[sec.SOURCE])
            cik_of = {
                str(s): int(c)
                for s, c in zip(known["symbol"], known["cik"], strict=True)
                if pd.notna(c)
            }
            items: list[_Item] = []
            for symbol in _universe(ctx):
                cik = cik_of.get(symbol) or cik_of.get(symbol.replace(".", "-"))
                if cik is None:
                    items.append(
                        _Failed(
                            f"sec:companyfacts:{symbol}",
                            f"{symbol} is not in SEC company_tickers (no CIK)",
                            "secdata",
                        )
                    )
                else:
                    items.append(_CompanyFactsItem(symbol, cik))
            return items

        return [tickers, facts]
    if bundle == "symbols":

        def directories(ctx: _Context) -> list[_Item]:
            return [
                _NasdaqItem("nasdaqlisted"),
                _NasdaqItem("otherlisted"),
                _SecTickersItem(),
            ]

        return [directories]
    if bundle == "holdings":

        def snapshots(ctx: _Context) -> list[_Item]:
            if options.offline or not options.dates:
                return [_HoldingsItem(options.fund)]
            return [_SnapshotItem(options.fund, d) for d in options.dates]

        return [snapshots]
    if bundle == "fund-history":

        def history(ctx: _Context) -> list[_Item]:
            return [_FundHistoryItem(options.fund)]

        return [history]
    raise ConfigError(f"unknown fetch bundle {bundle!r}; valid bundles are {list(BUNDLES)}")


def _preflight(bundle: Bundle, options: FetchOptions, settings: Settings) -> None:
    if options.offline:
        return
    if options.prices == "stooq" and bundle in ("core", "universe") and not settings.stooq_api_key:
        raise ConfigError(
            "Stooq needs an API key since March 2026: set SIZEUP_STOOQ_API_KEY or "
            "stooq_api_key in sizeup.toml, or use --prices yahoo"
        )
    if bundle in ("fundamentals", "symbols"):
        ua = settings.sec_user_agent
        if not ua or "@" not in ua:
            raise ConfigError(
                "SEC EDGAR needs a User-Agent naming you and a contact email, e.g. "
                "'Jane Doe jane@example.org'; set SIZEUP_SEC_USER_AGENT or sec_user_agent in "
                f"sizeup.toml (got {ua!r})"
            )


def run_fetch(
    bundle: Bundle,
    *,
    store: Store,
    settings: Settings,
    options: FetchOptions | None = None,
    client: HttpClient | None = None,
    observer: FetchObserver | None = None,
    now: dt.datetime | None = None,
) -> FetchReport:
    """Fetch (or rebuild offline) every item of a bundle into the store.

    Parameters
    ----------
    bundle
        ``core``, ``universe``, ``fundamentals`` or ``symbols``.
    store
        Target store (bodies are archived there too).
    settings
        User-Agents, keys, timeouts.
    options
        Symbols, date range, offline mode, fund, price source.
    client
        The shared client (built from ``settings`` when omitted; tests pass one with a mock
        transport or a local base URL). Not used offline.
    observer
        Progress receiver; an exception it raises (e.g. ``KeyboardInterrupt``) stops the run
        between items, leaving every finished item complete.
    now
        Current time (tests); default the clock.

    Returns
    -------
    FetchReport
        Successes, failures with their reasons, and skipped items.

    Raises
    ------
    ConfigError
        Unknown bundle, or a credential/contact the bundle needs is missing.
    """
    options = options or FetchOptions()
    if bundle not in BUNDLES:
        raise ConfigError(f"unknown fetch bundle {bundle!r}; valid bundles are {list(BUNDLES)}")
    _preflight(bundle, options, settings)
    moment = now or dt.datetime.now(dt.UTC)
    until = options.until or moment.astimezone(_NEW_YORK).date()
    own_client = client is None and not options.offline
    if own_client:
        client = HttpClient(settings)
    ctx = _Context(
        store, None if options.offline else client, settings, options, until=until, now=moment
    )
    results: list[ItemResult] = []
    blocked: dict[str, str] = {}
    stopped = ""
    try:
        for stage in _bundle_stages(bundle, options, store):
            items = stage(ctx)
            if observer:
                observer.planned(len(items))
            for item in items:
                if observer:
                    observer.started(item.key)
                try:
                    result = _run_one(item, ctx, blocked)
                except NetworkDownError as exc:
                    stopped = str(exc)
                    result = ItemResult(item.key, "failed", stopped, 0, 0)
                results.append(result)
                if observer:
                    observer.finished(result)
                if stopped:
                    break
            if stopped:
                log.warning("fetch %s stopped: %s", bundle, stopped)
                break
    except KeyboardInterrupt:
        log.warning("fetch %s interrupted after %d items", bundle, len(results))
        raise
    finally:
        if own_client and client is not None:
            client.close()
    return FetchReport(bundle, tuple(results), offline=options.offline, stopped=stopped)


def _run_one(item: _Item, ctx: _Context, blocked: dict[str, str]) -> ItemResult:
    bucket = SITES[item.site].bucket if item.site in SITES else item.site
    if bucket in blocked and not ctx.options.offline:
        return ItemResult(item.key, "skipped", f"not tried: {blocked[bucket]}")
    before = ctx.requests
    try:
        rows, note = item.rebuild(ctx) if ctx.options.offline else item.run(ctx)
    except _Skip as skip:
        return ItemResult(item.key, "skipped", str(skip), 0, ctx.requests - before)
    except (ConfigError, NetworkDownError):
        raise
    except RateLimitError as exc:
        blocked[bucket] = f"{item.site} refused with a rate limit earlier in this run"
        return ItemResult(item.key, "failed", str(exc), 0, ctx.requests - before)
    except _SubstitutedError as exc:
        return ItemResult(item.key, "failed", str(exc), exc.rows, ctx.requests - before)
    except SizeupError as exc:
        if isinstance(exc, ProviderError) and "refused" in str(exc) and bucket == "sec":
            blocked[bucket] = "SEC refused the User-Agent earlier in this run"
        return ItemResult(item.key, "failed", str(exc), 0, ctx.requests - before)
    except Exception as exc:
        log.exception("unexpected error in fetch item %s", item.key)
        return ItemResult(
            item.key,
            "failed",
            f"internal error {type(exc).__name__}: {exc}",
            0,
            ctx.requests - before,
        )
    return ItemResult(item.key, "ok", note, rows, ctx.requests - before)


def parse_base_urls(values: Sequence[str]) -> dict[str, str]:
    """Turn ``--base-url`` values into a site -> URL map.

    ``http://127.0.0.1:8000`` sets one base for every site (key ``"*"``);
    ``yahoo=http://...`` sets one site's base.

    Raises
    ------
    ConfigError
        An unknown site name or a value that is not an http(s) URL.
    """
    out: dict[str, str] = {}
    for value in values:
        name, sep, url = value.partition("=")
        if not sep or "://" in name:
            name, url = "*", value
        name = name.strip().lower()
        if name != "*" and name not in SITES:
            raise ConfigError(
                f"--base-url {value!r}: unknown site {name!r}; valid sites are {sorted(SITES)}"
            )
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"--base-url {value!r}: {url!r} is not an http(s) URL")
        out[name] = url.rstrip("/")
    return out


def describe_bundle(bundle: Bundle) -> str:
    """One-line description of a bundle (CLI help)."""
    return {
        "core": f"{len(CORE_SYMBOLS)} benchmark ETFs/indexes, FRED {', '.join(CORE_FRED)}, "
        "French factors (daily, monthly) and size portfolios",
        "universe": "fund holdings (iShares IWM or IJR), then every member's daily bars",
        "fundamentals": "SEC company tickers, then XBRL companyfacts of every member",
        "symbols": "Nasdaq Trader symbol directories and the SEC ticker map",
        "holdings": "a fund's holdings snapshots (current, --asof DATE, or --from/--to "
        "--every month; iShares, best effort)",
        "fund-history": "a fund's daily NAV and shares outstanding (iShares data download; "
        "not yet met a live response)",
    }[bundle]
