"""The embedded store: Delta Lake tables under a data directory, read through Arrow and DuckDB.

Layout::

    <data_dir>/
      tables/<table>/                 one Delta table per store table, partitioned by source
      tables/_catalog/                per (table, source, entity) rows, dates, non-null counts
      tables/_journal/                one row per store commit; its Delta version = store version
      raw/<sha256[:2]>/<sha256>       raw payload bodies, content-addressed
      .lock                           advisory lock held while writing (local folders)

Writes (:meth:`Store.write`) validate every frame (contract, then the value rules of
:mod:`sizeup.data.store._checks`), compare the rows with the stored rows of the same keys
(changes beyond the thresholds are refused unless accepted) and only then commit: new keys are
appended, changed keys are merged (``MERGE`` by the table key). Then the catalog and the
journal are committed. A reader opens the journal's latest row (or the one asked for with
``version``/``timestamp``) and reads each table at the Delta version it names, so a write that
was interrupted half-way is invisible to readers; the next write rolls its commits back and
deletes the files it left behind.

Reads choose one source per symbol (never mixing sources within a series) by the documented
preference of :meth:`Store.sources`. Series choose the newest vintage per id.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import hashlib
import itertools
import logging
import os
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar
from urllib.parse import quote, unquote

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.dataset as pds
import pyarrow.parquet as pq
from deltalake import (
    ColumnProperties,
    CommitProperties,
    DeltaTable,
    WriterProperties,
    write_deltalake,
)
from deltalake.exceptions import DeltaError, TableNotFoundError

from sizeup.data.schema import TABLES, TableSchema, empty_frame, validate
from sizeup.data.store import _delta, _txn, _wide
from sizeup.data.store._checks import ChangeReport, ChangesRefusedError, check_table, compare
from sizeup.data.store._delta import CATALOG, CATALOG_SCHEMA, JOURNAL, JOURNAL_SCHEMA, PARTITION
from sizeup.data.store._policy import restrict, splice, splice_arrays
from sizeup.errors import SchemaError, SizeupError, StoreError
from sizeup.types import DateLike, PriceField

if TYPE_CHECKING:
    import duckdb

__all__ = [
    "CheckedFrames",
    "Store",
    "StoreInfo",
    "TableInfo",
    "UpsertResult",
    "check_frames",
    "payload_row",
]

log = logging.getLogger(__name__)

_DATE_COLUMN = {
    "bars": "date",
    "series": "date",
    "actions": "date",
    "holdings": "as_of",
    "fundamentals": "period_end",
    "payloads": "fetched_at",
    "symbols": "as_of",
}
_ENTITY_COLUMN = {
    "bars": "symbol",
    "series": "series_id",
    "actions": "symbol",
    "holdings": "fund",
    "fundamentals": "symbol",
    "payloads": "url",
    "symbols": "symbol",
}
# the columns a ``partition_path`` selector names (the old one-file-per-partition layout)
_SELECTOR = {
    "bars": ("source", "symbol"),
    "series": ("source", "series_id"),
    "actions": ("source", "symbol"),
    "holdings": ("fund",),
    "fundamentals": ("source", "symbol"),
    "symbols": ("source",),
    "payloads": ("source",),
}
_TARGET_FILE_BYTES = 64 * 1024 * 1024
# Rows per Parquet row group. Files are sorted by (symbol, date), so a read of a few symbols
# decodes only the row groups whose symbol statistics match: with delta-rs's default (about a
# million rows) two symbols of the cross-section cost a whole million-row group (85 ms); at 128k
# rows, 10 ms, while a read of the whole partition is as fast as before.
ROW_GROUP_ROWS = 131_072
_WRITE_BATCH_ROWS = 262_144  # rows per slice streamed to the Delta writer
# checkpoints keep opening a table fast after many small commits (one per imported file)
_CONFIG: dict[str, str | None] = {"delta.checkpointInterval": "10"}


@dataclass(frozen=True)
class UpsertResult:
    """What a write did to one table.

    Parameters
    ----------
    table
        Table name.
    rows_in
        Rows offered (after removing rows that break a value rule, see ``note``).
    files_written
        Data files the commit added (0 when nothing changed).
    files_unchanged
        1 when the table was left as it was (every offered row already stored), else 0.
    rows_added
        Rows whose key was new.
    rows_updated
        Rows whose key existed with different values.
    version
        Delta version of the table after the write (``None`` when nothing was committed).
    changes
        Counts and largest changes to stored values.
    note
        Rows removed before writing (e.g. prices <= 0), or empty.
    """

    table: str
    rows_in: int
    files_written: int
    files_unchanged: int
    rows_added: int
    rows_updated: int
    version: int | None = None
    changes: ChangeReport | None = field(default=None, repr=False, compare=False)
    note: str = ""

    def __add__(self, other: UpsertResult) -> UpsertResult:
        """Sum two results of the same table."""
        return UpsertResult(
            self.table,
            self.rows_in + other.rows_in,
            self.files_written + other.files_written,
            self.files_unchanged + other.files_unchanged,
            self.rows_added + other.rows_added,
            self.rows_updated + other.rows_updated,
            other.version if other.version is not None else self.version,
            other.changes or self.changes,
            "; ".join(n for n in (self.note, other.note) if n),
        )


@dataclass(frozen=True)
class TableInfo:
    """Catalog entry of one table (from the Delta log and the store catalog, not the data)."""

    table: str
    files: int
    rows: int
    entities: int
    first: pd.Timestamp | None
    last: pd.Timestamp | None
    bytes: int
    sources: tuple[str, ...]
    version: int = -1


@dataclass(frozen=True)
class StoreInfo:
    """Catalog of the whole store at one store version."""

    root: Path
    tables: tuple[TableInfo, ...]
    by_source: pd.DataFrame = field(repr=False)
    version: int = -1

    @property
    def total_bytes(self) -> int:
        """Size on disk of all tables and raw payloads."""
        return sum(t.bytes for t in self.tables)

    def summary(self) -> str:
        """Plain-text catalog."""
        lines = [f"store at {self.root}, version {self.version}"]
        for t in self.tables:
            span = f"{_fmt(t.first)} .. {_fmt(t.last)}" if t.rows else "-"
            lines.append(
                f"{t.table:<13} rows={t.rows:>10,} entities={t.entities:>6,} files={t.files:>5,} "
                f"{span}  {t.bytes / 1e6:8.1f} MB"
            )
        return "\n".join(lines)


@dataclass(frozen=True)
class _Snapshot:
    version: int  # store version (-1: empty store)
    committed_at: pd.Timestamp | None
    tables: Mapping[str, int]  # Delta version per table (absent: not created yet)


def _fmt(ts: pd.Timestamp | None) -> str:
    return "-" if ts is None or pd.isna(ts) else str(pd.Timestamp(ts).date())


def _encode(value: Any) -> str:
    text = str(value)
    if not text:
        text = "_"
    return quote(text, safe="-_.,=+@")


_PROCESS_LOCK = threading.RLock()

_F = TypeVar("_F", bound=Callable[..., Any])


def _reads(func: _F) -> _F:
    """Give a read method one snapshot: the latest committed version when the call starts.

    A store opened at a version or time always reads that version; otherwise each outermost
    read call moves to the latest committed version, and nested calls share it.
    """

    @functools.wraps(func)
    def wrapper(self: Store, *args: Any, **kwargs: Any) -> Any:
        outer = self._depth == 0
        if outer and not self.read_only:
            self._follow_latest()
        self._depth += 1
        try:
            return func(self, *args, **kwargs)
        finally:
            self._depth -= 1

    return wrapper  # type: ignore[return-value]


class Store:
    """Delta Lake store rooted at a data directory.

    Parameters
    ----------
    root
        Data directory (a local folder or an ``s3://``/``gs://``/``az://`` URI; credentials
        come from the environment); created on first write.
    version, timestamp
        Read the store as it was at this store version, or at the last version committed at or
        before this time. A store opened so is read-only.
    """

    def __init__(
        self,
        root: Path | str,
        *,
        version: int | None = None,
        timestamp: DateLike | None = None,
    ) -> None:
        text = str(root)
        self.uri = text if _delta.is_remote(text) else str(Path(text).expanduser().absolute())
        self.root = Path(self.uri) if not _delta.is_remote(text) else Path(text)
        self._want_version = version
        self._want_time = None if timestamp is None else _utc(timestamp)
        self._snap: _Snapshot | None = None
        self._tables: dict[tuple[str, int], DeltaTable] = {}
        self._datasets: dict[str, tuple[DeltaTable, int, pds.Dataset]] = {}
        self._handles: dict[str, DeltaTable] = {}
        self._journal_cache: tuple[int, pd.DataFrame] | None = None
        self._catalog_cache: tuple[int, pa.Table] | None = None
        self._depth = 0
        self._mutex = threading.RLock()
        if version is not None and timestamp is not None:
            raise StoreError(
                "give a store version or a timestamp, not both",
                input="--store-version/--store-asof",
                value=f"{version} / {timestamp}",
                valid="one of them",
            )

    def __repr__(self) -> str:
        return f"Store({self.uri!r})"

    @classmethod
    def open(
        cls,
        root: Path | str,
        *,
        version: int | None = None,
        timestamp: DateLike | None = None,
    ) -> Store:
        """Open (and create the folder if needed) a store at ``root``.

        Parameters
        ----------
        root
            Data directory or object-store URI.
        version, timestamp
            Time travel: read the store at this store version, or as it was at this time (see
            :meth:`history`). The store is then read-only.

        Raises
        ------
        StoreError
            The path exists and is not a folder, cannot be created or cannot be used by Delta
            Lake; the version or time is not in the store's history.
        """
        text = str(root)
        if not _delta.is_remote(text):
            path = Path(text).expanduser()
            if path.exists() and not path.is_dir():
                raise StoreError(
                    f"data directory {path} exists and is not a folder",
                    input="--data-dir",
                    value=str(path),
                    valid="a folder",
                )
            _delta.table_location(str(path.absolute()), "bars")  # refuses unusable paths
            try:
                path.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"data directory {path}: cannot create it: {exc}") from exc
        store = cls(root, version=version, timestamp=timestamp)
        if version is not None or timestamp is not None:
            store._snapshot()  # fail now on an unknown version
        return store

    # ------------------------------------------------------------------ snapshots
    @property
    def version(self) -> int:
        """The store version this object reads (-1 for an empty store)."""
        if self._depth == 0 and not self.read_only:
            self._follow_latest()
        return self._snapshot().version

    @property
    def read_only(self) -> bool:
        """True when opened at a past version or time."""
        return self._want_version is not None or self._want_time is not None

    def refresh(self) -> Store:
        """Move to the latest committed version (no-op for a time-travel store)."""
        with self._mutex:
            self._snap = None
        return self

    def _follow_latest(self) -> None:
        """Drop the cached snapshot when another writer committed since it was read."""
        with self._mutex:
            if self._snap is None:
                return
            live = self._live(JOURNAL)
            latest = -1 if live is None else live.version()
            if latest != self._snap.version:
                self._snap = None

    def _location(self, table: str) -> str:
        return _delta.table_location(self.uri, table)

    def _journal(self) -> pd.DataFrame:
        try:
            dt = self._live(JOURNAL)
        except (DeltaError, OSError) as exc:
            raise StoreError(f"cannot read the store journal in {self.uri}: {exc}") from exc
        if dt is None:
            return pd.DataFrame(columns=JOURNAL_SCHEMA.names)
        version = dt.version()
        cached = self._journal_cache
        if cached is not None and cached[0] == version:
            return cached[1]
        frame: pd.DataFrame = dt.to_pyarrow_table().to_pandas()
        frame = frame.sort_values("store_version").reset_index(drop=True)
        self._journal_cache = (version, frame)
        return frame

    def _snapshot(self) -> _Snapshot:
        with self._mutex:
            if self._snap is None:
                latest = None if self.read_only else self._latest_entry()
                self._snap = self._resolve(latest if latest is not None else self._journal())
            return self._snap

    def _latest_entry(self) -> pd.DataFrame | None:
        """Read the journal rows of the one file holding the newest store version, or None.

        Reading the latest version needs only the journal's last row; the journal keeps one
        small file per commit, and opening all of them costs ~0.08 s of CPU per command. The
        file is picked by its ``store_version`` statistics in the Delta log. ``None`` (read
        the whole journal) when the whole journal is cached, the store is remote or empty, or
        the statistics are missing.
        """
        if self._journal_cache is not None or _delta.is_remote(self.uri):
            return None
        try:
            dt = self._live(JOURNAL)
            if dt is None:
                return None
            adds = pa.table(dt.get_add_actions(flatten=True))
        except (DeltaError, OSError):
            return None  # the full read reports it
        if adds.num_rows == 0 or "max.store_version" not in adds.schema.names:
            return None
        top = adds.column("max.store_version")
        if top.null_count:
            return None
        pick = int(pc.index(top, pc.max(top)).as_py())
        name = unquote(str(adds.column("path")[pick].as_py()))
        try:
            table = pq.read_table(Path(self._location(JOURNAL)) / name)
        except (pa.ArrowException, OSError):
            return None
        frame: pd.DataFrame = table.to_pandas()
        return frame.sort_values("store_version").reset_index(drop=True)

    def _resolve(self, journal: pd.DataFrame) -> _Snapshot:
        if journal.empty:
            if self._want_version is not None and self._want_version >= 0:
                raise StoreError(
                    f"store version {self._want_version} does not exist: {self.uri} is empty",
                    input="--store-version",
                    value=self._want_version,
                    valid="no version (the store is empty)",
                )
            return _Snapshot(-1, None, {})
        rows = journal
        last = int(journal["store_version"].iloc[-1])
        if self._want_version is not None:
            rows = journal[journal["store_version"] == self._want_version]
            if rows.empty:
                raise StoreError(
                    f"store version {self._want_version} does not exist in {self.uri}",
                    input="--store-version",
                    value=self._want_version,
                    valid=f"0 .. {last} (see `sizeup store history`)",
                )
        elif self._want_time is not None:
            stamps = pd.to_datetime(journal["committed_at"], utc=True)
            rows = journal[stamps <= self._want_time]
            if rows.empty:
                first = stamps.iloc[0]
                raise StoreError(
                    f"the store in {self.uri} has no version at or before {self._want_time}",
                    input="--store-asof",
                    value=str(self._want_time),
                    valid=f"{first} or later",
                )
        row = rows.iloc[-1]
        return _Snapshot(
            int(row["store_version"]),
            pd.Timestamp(row["committed_at"]),
            _delta.parse_versions(row["table_versions"]),
        )

    def _table(self, name: str, snap: _Snapshot | None = None) -> DeltaTable | None:
        snap = snap or self._snapshot()
        version = snap.tables.get(name)
        if version is None or version < 0:
            return None
        key = (name, version)
        with self._mutex:
            dt = self._tables.get(key)
            live = self._handles.get(name)
            if dt is None and live is not None and live.version() == version:
                return live
            if dt is None:
                try:
                    dt = DeltaTable(self._location(name), version=version)
                except (DeltaError, OSError) as exc:
                    raise StoreError(
                        f"cannot open table {name!r} at Delta version {version} in {self.uri} "
                        f"(store version {snap.version}); was it vacuumed? {exc}"
                    ) from exc
                self._tables[key] = dt
            return dt

    def _live(self, name: str) -> DeltaTable | None:
        """Return the latest version of a table (a cached handle brought up to date), or None."""
        with self._mutex:
            dt = self._handles.get(name)
            try:
                if dt is None:
                    dt = DeltaTable(self._location(name))
                    self._handles[name] = dt
                else:
                    dt.update_incremental()
            except TableNotFoundError:
                return None
            return dt

    def _dataset(self, name: str, *, dictionary: bool = False) -> pds.Dataset | None:
        """Return the table's Arrow dataset at the version read (once per handle and version).

        Building one lists and parses every file's partition values (~30 ms on the bars
        table); a command reads the same table several times. ``dictionary`` reads the
        ``symbol`` column dictionary-encoded, as Parquet stores it (no string per row).
        """
        dt = self._table(name)
        if dt is None:
            return None
        version = dt.version()
        key = f"{name}:dict" if dictionary else name
        with self._mutex:
            cached = self._datasets.get(key)
            if cached is not None and cached[0] is dt and cached[1] == version:
                return cached[2]
        options = pds.ParquetReadOptions(dictionary_columns={"symbol"}) if dictionary else None
        try:
            ds = dt.to_pyarrow_dataset(parquet_read_options=options)
        except (DeltaError, OSError) as exc:
            raise StoreError(f"cannot read table {name!r} in {self.uri}: {exc}") from exc
        with self._mutex:
            self._datasets[key] = (dt, version, ds)
        return ds

    def _arrow(
        self,
        name: str,
        *,
        columns: Sequence[str] | None = None,
        filter: pds.Expression | None = None,
        dictionary: bool = False,
    ) -> pa.Table:
        ds = self._dataset(name, dictionary=dictionary)
        schema = _table_schema(name)
        if ds is None:
            empty = schema.empty_table()
            return empty.select(list(columns)) if columns is not None else empty
        try:
            return ds.to_table(columns=list(columns) if columns else None, filter=filter)
        except (pa.ArrowException, OSError) as exc:
            text = str(exc).splitlines()[0]
            hint = " (its files were vacuumed)" if "not found" in text else ""
            raise StoreError(
                f"cannot read table {name!r} in {self.uri} at store version "
                f"{self.version}{hint}: {text}",
                input="--store-version",
                value=self.version,
                valid="a version younger than the last vacuum's retention",
            ) from exc

    def _source_rows(
        self,
        source: str,
        symbols: Sequence[str],
        columns: Sequence[str],
        dates: pds.Expression | None,
    ) -> pa.Table:
        """Rows of some symbols of one source (``columns`` only; the partition prunes files).

        When the symbols are most of the source's, the symbol filter is left to the caller
        (the panel's ``keep`` drops the others per dictionary entry, far cheaper than testing
        every row against a set of strings) and the symbol column is read dictionary-encoded;
        otherwise the filter is pushed down to the row groups.
        """
        filt = pds.field("source") == source
        if dates is not None:
            filt = filt & dates
        if 2 * len(symbols) < self._entity_count("bars", source):
            # string statistics prune row groups (files are sorted by symbol); a dictionary
            # read would lose that pruning
            filt = filt & pds.field("symbol").isin(list(symbols))
            return self._arrow("bars", columns=list(columns), filter=filt)
        return self._arrow("bars", columns=list(columns), filter=filt, dictionary=True)

    def _entity_count(self, table: str, source: str) -> int:
        """Entities (symbols) the catalog lists for one source of a table."""
        cat = self._catalog()
        if cat.num_rows == 0:
            return 0
        mask = pc.and_(pc.equal(cat.column("table"), table), pc.equal(cat.column("source"), source))
        return int(pc.sum(mask).as_py() or 0)

    # ------------------------------------------------------------------ paths (compatibility)
    def partition_path(self, table: TableSchema | str, values: Sequence[Any]) -> Path:
        """Return a selector for one (source, entity) slice of a table, for ``read(files=...)``.

        The store no longer keeps one file per partition; the returned path names the slice
        the old layout had (``<root>/<table>/<source>/<symbol>.parquet``) and :meth:`read`
        turns it into a filter.
        """
        schema = TABLES[table] if isinstance(table, str) else table
        parts = [_encode(v) for v in values]
        return (self.root / schema.name).joinpath(*parts[:-1], parts[-1] + ".parquet")

    @_reads
    def files(self, table: str) -> list[Path]:
        """Return the Parquet data files of a table at the version read, sorted."""
        _schema(table)
        dt = self._table(table)
        if dt is None:
            return []
        base = Path(self._location(table))
        return sorted(base / unquote(p) for p in _paths(dt))

    @_reads
    def snapshot_files(self, table: str) -> pd.DataFrame:
        """List the Parquet files of a table at the version read, for other engines.

        Dask, Spark or DuckDB read the same data from this list (see ``docs/store.md``).
        The partition column ``source`` lives in the folder names, not in the files.

        Returns
        -------
        pandas.DataFrame
            ``path`` (absolute path or URI), ``source``, ``rows``, ``bytes``; one row per file.
        """
        _schema(table)
        cols = ["path", "source", "rows", "bytes"]
        dt = self._table(table)
        if dt is None:
            return pd.DataFrame(columns=cols)
        actions = _actions(dt)
        part = _partition_column(actions)
        base = self._location(table)
        sep = "/" if _delta.is_remote(self.uri) else os.sep
        return pd.DataFrame(
            {
                "path": [base + sep + unquote(str(p)) for p in actions.column("path").to_pylist()],
                "source": actions.column(part).to_pylist() if part else None,
                "rows": actions.column("num_records").to_pylist(),
                "bytes": actions.column("size_bytes").to_pylist(),
            },
            columns=cols,
        )

    def _selector_filter(self, table: str, files: Sequence[Path]) -> pds.Expression | None:
        cols = _SELECTOR[table]
        base = self.root / table
        exprs: list[pds.Expression] = []
        for path in files:
            try:
                rel = Path(path).relative_to(base)
            except ValueError:
                continue
            parts = [unquote(p) for p in rel.parts]
            if not parts or not parts[-1].endswith(".parquet") or len(parts) != len(cols):
                continue
            parts[-1] = parts[-1][: -len(".parquet")]
            expr: pds.Expression | None = None
            for col, value in zip(cols, parts, strict=True):
                term = pds.field(col) == value
                expr = term if expr is None else expr & term
            if expr is not None:
                exprs.append(expr)
        if not exprs:
            return None
        out = exprs[0]
        for e in exprs[1:]:
            out = out | e
        return out

    # ------------------------------------------------------------------ locking
    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        if self.read_only:
            raise StoreError(
                f"the store {self.uri} was opened at a past version and is read-only",
                input="--store-version/--store-asof",
                valid="no time travel option when writing",
            )
        with _PROCESS_LOCK:
            if _delta.is_remote(self.uri):
                yield
                return
            self.root.mkdir(parents=True, exist_ok=True)
            with open(self.root / ".lock", "a+b") as handle:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
                try:
                    yield
                finally:
                    fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    # ------------------------------------------------------------------ writing
    def upsert(
        self, table: str, frame: pd.DataFrame, *, accept_changes: bool = False
    ) -> UpsertResult:
        """Insert or replace rows by the table key (one store commit).

        Raises
        ------
        SchemaError
            The frame breaks the contract or a value rule (nothing is written).
        ChangesRefusedError
            Stored values would change beyond the thresholds (nothing is written).
        StoreError
            The store cannot be written.
        """
        return self.write({table: frame}, accept_changes=accept_changes)[table]

    def write(
        self,
        frames: Mapping[str, pd.DataFrame],
        *,
        accept_changes: bool = False,
        operation: str = "write",
        detail: str = "",
    ) -> dict[str, UpsertResult]:
        """Upsert several tables as one store commit.

        Every frame is validated and compared with the stored rows before the first Delta
        commit, so a refused frame writes nothing at all.

        Parameters
        ----------
        frames
            Table name -> rows.
        accept_changes
            Write changes to stored values even beyond the thresholds of
            :mod:`sizeup.data.store._checks`.
        operation, detail
            What the commit was (recorded in :meth:`history`), e.g. ``"import"`` and the file.

        Returns
        -------
        dict
            Table name -> :class:`UpsertResult`.
        """
        checked = {name: _checked(frame, _schema(name)) for name, frame in frames.items()}
        with self._locked():
            snap = self._recover()
            plans = {
                name: self._plan(_schema(name), frame, note, snap, accept_changes)
                for name, (frame, note) in checked.items()
            }
            return self._commit(snap, plans, operation, detail)

    def write_batch(
        self,
        items: Sequence[tuple[str, Mapping[str, pd.DataFrame] | CheckedFrames]],
        *,
        accept_changes: bool = False,
        operation: str = "import",
    ) -> list[dict[str, UpsertResult] | SizeupError]:
        """Write several inputs (e.g. imported files) as few store commits.

        Each input is checked and compared on its own, exactly as :meth:`write` would: an
        input that breaks a rule or would change stored values beyond the thresholds writes
        nothing, and its outcome is the error. The other inputs are committed together, one
        store version (and one Delta commit per table) for the whole group, so an input is
        always applied whole or not at all. Inputs touching the same (table, source, entity)
        slice as an earlier input of the group go to the next commit, after it.

        Parameters
        ----------
        items
            ``(detail, frames)`` per input: what it is (recorded in :meth:`history`, e.g. the
            file path) and its table name -> rows, or the same already checked by
            :func:`check_frames` (e.g. in the thread that parsed them).
        accept_changes
            Write changes to stored values even beyond the thresholds.
        operation
            What the commits were (recorded in :meth:`history`).

        Returns
        -------
        list
            Per input, in order: table name -> :class:`UpsertResult`, or the
            :class:`~sizeup.errors.SchemaError` / :class:`ChangesRefusedError` that refused it.

        Raises
        ------
        StoreError
            The store cannot be written (the commits before the failing one stay).
        """
        outcomes: list[dict[str, UpsertResult] | SizeupError | None] = [None] * len(items)
        checked: dict[int, dict[str, tuple[pa.Table, str]]] = {}
        for i, (_, frames) in enumerate(items):
            if isinstance(frames, CheckedFrames):
                checked[i] = dict(frames.tables)
                continue
            try:
                checked[i] = dict(check_frames(frames).tables)
            except SchemaError as exc:
                outcomes[i] = exc
        pending = list(checked)
        while pending:
            group, pending = _disjoint_prefix(pending, checked)
            with self._locked():
                snap = self._recover()
                plans: dict[int, dict[str, _Plan]] = {}
                for i in group:
                    try:
                        plans[i] = {
                            name: self._plan(_schema(name), table, note, snap, accept_changes)
                            for name, (table, note) in checked[i].items()
                        }
                    except ChangesRefusedError as exc:
                        outcomes[i] = exc
                    del checked[i]
                ids = list(plans)
                if not ids:
                    continue
                detail = _batch_detail([items[i][0] for i in ids])
                results = self._commit_many(snap, [plans[i] for i in ids], operation, detail)
                for i, res in zip(ids, results, strict=True):
                    outcomes[i] = res
        out: list[dict[str, UpsertResult] | SizeupError] = []
        for outcome in outcomes:
            assert outcome is not None
            out.append(outcome)
        return out

    def _commit_many(
        self,
        snap: _Snapshot,
        items: Sequence[Mapping[str, _Plan]],
        operation: str,
        detail: str,
    ) -> list[dict[str, UpsertResult]]:
        """Commit the plans of several inputs (disjoint slices) as one store version."""
        if len(items) == 1:
            return [self._commit(snap, items[0], operation, detail)]
        combined: dict[str, _Plan] = {}
        for name in dict.fromkeys(n for item in items for n in item):
            parts = [item[name] for item in items if name in item]
            schema = parts[0].schema
            total = parts[0].result
            for part in parts[1:]:
                total = total + part.result
            olds = [p.old for p in parts if p.old is not None and p.old.num_rows]
            rows = _stack([p.rows for p in parts if p.rows.num_rows], schema)
            combined[name] = _Plan(
                schema,
                _stack([p.offered for p in parts], schema),
                _unique_sorted(rows, schema) if rows.num_rows else rows,
                any(p.merge for p in parts),
                total,
                old=_stack(olds, schema) if olds else None,
            )
        done = self._commit(snap, combined, operation, detail)
        out: list[dict[str, UpsertResult]] = []
        counted: set[str] = set()
        for item in items:
            res: dict[str, UpsertResult] = {}
            for name, plan in item.items():
                wrote = plan.rows.num_rows > 0
                first = wrote and name not in counted
                if first:
                    counted.add(name)
                res[name] = _replace(
                    plan.result,
                    files_written=done[name].files_written if first else 0,
                    version=done[name].version if wrote else None,
                )
            out.append(res)
        return out

    def _plan(
        self,
        schema: TableSchema,
        new: pa.Table,
        note: str,
        snap: _Snapshot,
        accept: bool,
    ) -> _Plan:
        if new.num_rows == 0:
            return _Plan(schema, new, new, False, UpsertResult(schema.name, 0, 0, 1, 0, 0, None))
        entity = _ENTITY_COLUMN[schema.name]
        sources = pc.unique(new.column(PARTITION)).to_pylist()
        entities = pc.unique(new.column(entity))
        if pa.types.is_dictionary(entities.type):
            entities = entities.cast(entities.type.value_type)
        if self._catalog_has(snap, schema.name, sources, entities):
            filt = pds.field(PARTITION).isin(sources) & pds.field(entity).isin(entities)
            old = self._arrow_at(schema.name, snap, filt)
        else:  # the catalog lists every stored slice: nothing stored, nothing to read
            old = _delta.arrow_schema(schema).empty_table()
        if old.num_rows == 0:
            res = UpsertResult(schema.name, new.num_rows, 0, 0, new.num_rows, 0, note=note)
            return _Plan(schema, new, new, False, res, old=old)
        new = _delta.plain(new, schema)
        values = [c for c in schema.column_names if c not in schema.key]
        if schema.name == "payloads":
            values = [c for c in values if c != "fetched_at"]  # first record of a body stays
        joined = _left_join(new, old, schema, values)
        added, changed, report = compare(joined, schema, values, accept=accept)
        write_mask = added | changed
        rows = joined.filter(pa.array(write_mask)).select(schema.column_names)
        rows = rows.sort_by([(c, "ascending") for c in schema.sort_by])
        res = UpsertResult(
            schema.name,
            new.num_rows,
            0,
            0 if write_mask.any() else 1,
            int(added.sum()),
            int(changed.sum()),
            changes=report,
            note=note,
        )
        return _Plan(schema, new, rows, bool(changed.any()), res, old=old)

    def _catalog_has(
        self, snap: _Snapshot, table: str, sources: list[Any], entities: pa.Array
    ) -> bool:
        cat = self._catalog(snap)
        if cat.num_rows == 0:
            return False
        mask = pc.and_(
            pc.and_(
                pc.equal(cat.column("table"), table),
                pc.is_in(cat.column("source"), pa.array(sources, pa.string())),
            ),
            pc.is_in(cat.column("entity"), pc.cast(entities, pa.string())),
        )
        return bool(pc.any(mask).as_py())

    def _arrow_at(self, name: str, snap: _Snapshot, filt: pds.Expression) -> pa.Table:
        dt = self._table(name, snap)
        if dt is None:
            return _table_schema(name).empty_table()
        return dt.to_pyarrow_dataset().to_table(filter=filt)

    def _commit(
        self, snap: _Snapshot, plans: Mapping[str, _Plan], operation: str, detail: str
    ) -> dict[str, UpsertResult]:
        results = {name: plan.result for name, plan in plans.items()}
        todo = {name: plan for name, plan in plans.items() if plan.rows.num_rows}
        if not todo:
            return results
        versions = dict(snap.tables)
        marker = self._intent(True)
        props = CommitProperties(custom_metadata={"sizeup.operation": operation})
        catalog_rows: list[pa.Table] = []
        try:
            for name, plan in todo.items():
                before = self._latest_files(name)
                live = self._live(name)
                if plan.merge and live is not None:
                    dt = live
                    keys = _merge_predicate(plan.schema, plan.rows)
                    (
                        dt.merge(
                            plan.rows,
                            predicate=keys,
                            source_alias="s",
                            target_alias="t",
                            writer_properties=_writer(name),
                            commit_properties=props,
                        )
                        .when_matched_update_all()
                        .when_not_matched_insert_all()
                        .execute()
                    )
                    self._unview(name, before, props)
                else:
                    self._write(
                        name, live, _batches(plan.rows, plan.schema), mode="append", props=props
                    )
                done = self._live(name)
                assert done is not None
                dt = done
                versions[name] = dt.version()
                written = len(_paths(dt) - before)
                results[name] = _replace(results[name], files_written=written, version=dt.version())
                catalog_rows.append(_catalog_stats(plan))
            versions[CATALOG] = self._write_catalog(snap, catalog_rows, props)
            added = sum(r.rows_added for r in results.values())
            changed = sum(r.rows_updated for r in results.values())
            new_snap = self._append_journal(snap, versions, operation, detail, added, changed, 0)
        except (DeltaError, OSError, pa.ArrowException) as exc:
            raise StoreError(f"cannot write to {self.uri}: {exc}") from exc
        self._intent(False, marker)
        with self._mutex:
            self._snap = new_snap if not self.read_only else self._snap
        return results

    def _rewrite_partition(
        self, name: str, value: str, rows: pa.Table, props: CommitProperties
    ) -> None:
        """Replace one partition of a table by ``rows``, sorted by the table's key."""
        order = [(c, "ascending") for c in _schema(name).sort_by]
        schema = _table_schema(name)
        rows = rows.select(schema.names).cast(schema).sort_by(order)
        self._write(name, self._live(name), rows, mode="overwrite", props=props, only=value)

    def _write(
        self,
        name: str,
        live: DeltaTable | None,
        data: pa.Table | pa.RecordBatchReader,
        *,
        mode: Literal["append", "overwrite"],
        props: CommitProperties | None,
        only: str | None = None,
    ) -> None:
        """Append rows to a table, or overwrite it or one partition: one commit (creating it).

        ``live`` is the table's latest handle (``None``: the table does not exist yet); ``only``
        names the one partition an overwrite replaces. A local path that delta-rs's writers
        cannot open (``[`` or ``]``) is written through :mod:`sizeup.data.store._txn`.
        """
        location = self._location(name)
        partitioned = name not in (CATALOG, JOURNAL)
        if not _delta.is_remote(self.uri) and _txn.needs_own_writer(location):
            _txn.write(
                location,
                data,
                mode=mode,
                partition_by=PARTITION if partitioned else None,
                only_partition=only,
                row_group_rows=ROW_GROUP_ROWS,
                commit_properties=props,
                configuration=_CONFIG,
            )
            return
        extra: dict[str, Any] = {}
        if partitioned:
            extra = {
                "partition_by": [PARTITION],
                "target_file_size": _TARGET_FILE_BYTES,
                "writer_properties": _writer(name),
            }
        if only is not None:
            extra["predicate"] = f"{PARTITION} = {_sql_literal(only)}"
        write_deltalake(
            live if live is not None else location,
            data,
            mode=mode,
            commit_properties=props,
            configuration=None if live is not None else _CONFIG,
            **extra,
        )

    def _delete_all(self, name: str, dt: DeltaTable, props: CommitProperties | None) -> None:
        """Remove every row of a table: an overwrite with no rows (one commit, any path)."""
        self._write(name, dt, _table_schema(name).empty_table(), mode="overwrite", props=props)

    def _unview(self, name: str, before: set[str], props: CommitProperties) -> None:
        """Rewrite the partitions in which a merge wrote strings as Arrow ``string_view``.

        delta-rs's merge (DataFusion) writes string columns as ``string_view`` into the files it
        rewrites. pyarrow has no comparison kernels for that type, so the next read of such a
        file with a symbol filter fails ("no kernel matching input types (string,
        string_view)"). The partitions are rewritten with plain strings, as every other write
        stores them; a remote table is always rewritten (its files are not inspected).
        """
        dt = self._live(name)
        assert dt is not None
        location = self._location(name)
        actions = _actions(dt)
        column = _partition_column(actions)
        assert column is not None  # data tables are partitioned
        # the partition value from the log, not from the folder name (percent-encoded there,
        # twice in the log's paths: "csv/a" is in "source=csv%252Fa")
        parts = {
            str(value)
            for path, value in zip(
                actions.column("path").to_pylist(), actions.column(column).to_pylist(), strict=True
            )
            if path not in before and _has_views(location, path)
        }
        for value in sorted(parts):
            rows = dt.to_pyarrow_dataset().to_table(filter=pds.field(PARTITION) == value)
            self._rewrite_partition(name, value, rows, props)

    def _latest_files(self, name: str) -> set[str]:
        try:
            dt = self._live(name)
        except TableNotFoundError:
            return set()
        return set() if dt is None else _paths(dt)

    def _write_catalog(
        self, snap: _Snapshot, updates: Sequence[pa.Table], props: CommitProperties
    ) -> int:
        old = self._catalog(snap)
        new = pa.concat_tables(list(updates)) if updates else CATALOG_SCHEMA.empty_table()
        ids = ["table", "source", "entity"]
        if old.num_rows:
            keep = old.join(new.select(ids), keys=ids, join_type="left anti")
            new = pa.concat_tables([keep.select(CATALOG_SCHEMA.names), new])
        new = new.sort_by([(c, "ascending") for c in ids])
        self._write(CATALOG, self._live(CATALOG), new, mode="overwrite", props=props)
        dt = self._live(CATALOG)
        assert dt is not None
        self._catalog_cache = (dt.version(), new)
        return dt.version()

    def _catalog(self, snap: _Snapshot | None = None) -> pa.Table:
        snap = snap or self._snapshot()
        version = snap.tables.get(CATALOG, -1)
        cached = self._catalog_cache
        if cached is not None and cached[0] == version:
            return cached[1]
        dt = self._table(CATALOG, snap)
        if dt is None:
            return CATALOG_SCHEMA.empty_table()
        table = dt.to_pyarrow_table()
        self._catalog_cache = (version, table)
        return table

    def _append_journal(  # noqa: PLR0917 - one journal row, one argument per column
        self,
        snap: _Snapshot,
        versions: Mapping[str, int],
        operation: str,
        detail: str,
        added: int,
        changed: int,
        removed: int,
    ) -> _Snapshot:
        live = self._live(JOURNAL)
        next_version = 0 if live is None else live.version() + 1
        now = pd.Timestamp.now(tz="UTC")
        row = pa.Table.from_pylist(
            [
                {
                    "store_version": next_version,
                    "committed_at": now.to_pydatetime(),
                    "operation": operation,
                    "detail": detail,
                    "rows_added": added,
                    "rows_changed": changed,
                    "rows_removed": removed,
                    "table_versions": _delta.versions_json(versions),
                }
            ],
            schema=JOURNAL_SCHEMA,
        )
        before = self._journal() if live is not None else None
        self._write(JOURNAL, live, row, mode="append", props=None)
        fresh = row.to_pandas()
        frame = fresh if before is None or before.empty else pd.concat([before, fresh])
        self._journal_cache = (next_version, frame.reset_index(drop=True))
        return _Snapshot(next_version, now, dict(versions))

    def _intent(self, start: bool, marker: Path | None = None) -> Path | None:
        if _delta.is_remote(self.uri):
            return None
        path = marker or self.root / ".writing"
        if start:
            path.write_text(str(os.getpid()), encoding="utf-8")
            return path
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        return None

    def _recover(self) -> _Snapshot:
        """Load the latest snapshot; undo the commits and files of an interrupted write."""
        with self._mutex:
            self._snap = None
            self._tables.clear()
        snap = self._snapshot()
        remote = _delta.is_remote(self.uri)
        crashed = not remote and (self.root / ".writing").exists()
        if not remote and not crashed:
            return snap  # every local write leaves the marker until its journal row is in
        stray: dict[str, int] = {}
        for name in _delta.known_tables():
            handle = self._live(name)
            if handle is None:
                continue
            latest = handle.version()
            if latest != snap.tables.get(name, -1):
                stray[name] = latest
        if not stray and not crashed:
            return snap
        log.warning("store %s: rolling back an interrupted write (%s)", self.uri, sorted(stray))
        versions = dict(snap.tables)
        for name in stray:
            dt = self._live(name)
            assert dt is not None
            target = snap.tables.get(name, -1)
            if target < 0:
                self._delete_all(name, dt, None)
            else:
                dt.restore(target)
            dt.update_incremental()
            versions[name] = dt.version()
        if not _delta.is_remote(self.uri):
            for name in [*_delta.known_tables(), JOURNAL]:
                _delta.remove_files(_delta.orphan_files(self._location(name)))
        if stray:
            snap = self._append_journal(
                snap, versions, "recover", "rolled back an interrupted write", 0, 0, 0
            )
        self._intent(False)
        with self._mutex:
            self._snap = snap
        return snap

    # ------------------------------------------------------------------ time travel
    @_reads
    def history(self) -> pd.DataFrame:
        """Every store version: when, what, rows added/changed/removed, table versions."""
        journal = self._journal()
        cols = [
            "version",
            "committed_at",
            "operation",
            "detail",
            "rows_added",
            "rows_changed",
            "rows_removed",
        ]
        if journal.empty:
            return pd.DataFrame(columns=cols)
        out = journal.rename(columns={"store_version": "version"})
        return out[cols].reset_index(drop=True)

    def restore(self, version: int) -> int:
        """Make the tables what they were at store ``version`` (a new version); return it.

        Raises
        ------
        StoreError
            Unknown version, or its files were vacuumed.
        """
        with self._locked():
            snap = self._recover()
            target = Store(self.uri, version=version)._snapshot()
            rows_before = self._row_total(snap)
            versions = dict(snap.tables)
            props = CommitProperties(custom_metadata={"sizeup.operation": f"restore {version}"})
            marker = self._intent(True)
            try:
                for name in _delta.known_tables():
                    want = target.tables.get(name, -1)
                    have = snap.tables.get(name, -1)
                    if want == have:
                        continue
                    dt = self._live(name)
                    if dt is None:
                        continue
                    if want < 0:
                        self._delete_all(name, dt, props)
                    else:
                        dt.restore(want, commit_properties=props)
                    dt.update_incremental()
                    versions[name] = dt.version()
                self._tables.clear()
                after = _Snapshot(snap.version, snap.committed_at, versions)
                rows_after = self._row_total(after)
                new_snap = self._append_journal(
                    snap,
                    versions,
                    "restore",
                    f"to version {version}",
                    max(rows_after - rows_before, 0),
                    0,
                    max(rows_before - rows_after, 0),
                )
            except (DeltaError, OSError) as exc:
                raise StoreError(
                    f"cannot restore {self.uri} to version {version}: {exc}",
                    input="store restore",
                    value=version,
                ) from exc
            self._intent(False, marker)
            with self._mutex:
                self._snap = new_snap
            return new_snap.version

    def _row_total(self, snap: _Snapshot) -> int:
        cat = self._catalog(snap)
        return int(pc.sum(cat.column("rows")).as_py() or 0) if cat.num_rows else 0

    def optimize(self) -> dict[str, int]:
        """Rewrite each table's partitions as few files sorted by (entity, date).

        A table already in one file per partition is rewritten too when a file has row groups
        larger than :data:`ROW_GROUP_ROWS` (written before that limit).

        Returns
        -------
        dict
            Table -> data files before the rewrite (0 when already compact).
        """
        out: dict[str, int] = {}
        with self._locked():
            snap = self._recover()
            versions = dict(snap.tables)
            props = CommitProperties(custom_metadata={"sizeup.operation": "optimize"})
            marker = self._intent(True)
            for name in TABLES:
                dt = self._table(name, snap)
                if dt is None:
                    continue
                files = sorted(_paths(dt))
                by_part: dict[str, int] = {}
                for f in files:
                    by_part[f.split("/", 1)[0]] = by_part.get(f.split("/", 1)[0], 0) + 1
                compact = all(n <= 1 for n in by_part.values())
                if compact and not _big_row_groups(self._location(name), files):
                    continue
                out[name] = len(files)
                for source in pc.unique(dt.to_pyarrow_table(columns=[PARTITION]).column(0)):
                    value = source.as_py()
                    part = self._arrow_at(name, snap, pds.field(PARTITION) == value)
                    self._rewrite_partition(name, value, part, props)
                live = self._live(name)
                assert live is not None
                versions[name] = live.version()
            if out:
                new_snap = self._append_journal(snap, versions, "optimize", "", 0, 0, 0)
                with self._mutex:
                    self._snap = new_snap
            self._intent(False, marker)
        return out

    def vacuum(self, retain_hours: float = 168.0) -> int:
        """Delete files no version younger than ``retain_hours`` needs; return how many.

        Versions older than the retention can no longer be read (``--store-version``).
        """
        if retain_hours < 0:
            raise StoreError(
                f"retention {retain_hours} h is negative",
                input="--retain-hours",
                value=retain_hours,
                valid=">= 0",
            )
        removed = 0
        with self._locked():
            self._recover()
            for name in [*_delta.known_tables(), JOURNAL]:
                dt = self._live(name)
                if dt is None:
                    continue
                removed += len(
                    dt.vacuum(
                        retention_hours=int(retain_hours),
                        dry_run=False,
                        enforce_retention_duration=False,
                    )
                )
        return removed

    # ------------------------------------------------------------------ raw payloads
    def archive_payload(
        self,
        body: bytes,
        *,
        url: str,
        source: str,
        status: int = 200,
        fetched_at: pd.Timestamp | None = None,
        keep_body: bool = True,
    ) -> str:
        """Store a raw body content-addressed and record it in ``payloads``.

        Parameters
        ----------
        body
            The bytes exactly as received or read.
        url
            Request URL (credentials already scrubbed) or local path.
        source
            Provider or importer name.
        status
            HTTP status (200 for files).
        fetched_at
            Time of the fetch, default now (UTC).
        keep_body
            Store the body under ``raw/`` (default). Imports of local files record only the
            path, digest and size.

        Returns
        -------
        str
            The body's SHA-256 hex digest.
        """
        digest = hashlib.sha256(body).hexdigest()
        if keep_body:
            self._write_body(digest, body)
        if self._payload_row(url, digest, source) is None:
            row = payload_row(body, url=url, source=source, status=status, fetched_at=fetched_at)
            self.write({"payloads": row}, operation="archive", detail=url)
        return digest

    def _write_body(self, digest: str, body: bytes) -> None:
        target = self.root / "raw" / digest[:2] / digest
        if target.exists():
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(body)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp_name, target)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)
            raise

    def _payload_row(self, url: str, digest: str, source: str) -> pd.DataFrame | None:
        filt = (
            (pds.field("source") == source)
            & (pds.field("url") == url)
            & (pds.field("sha256") == digest)
        )
        hit = self._arrow("payloads", filter=filt)
        return None if hit.num_rows == 0 else _conform(hit, _schema("payloads"))

    def payload_body(self, sha256: str) -> bytes:
        """Return an archived body by digest.

        Raises
        ------
        StoreError
            No such body, or its content no longer matches the digest.
        """
        path = self.root / "raw" / sha256[:2] / sha256
        try:
            body = path.read_bytes()
        except OSError as exc:
            raise StoreError(f"no archived payload with sha256 {sha256!r} in {self.root}") from exc
        if hashlib.sha256(body).hexdigest() != sha256:
            raise StoreError(f"archived payload {path} is corrupt (digest mismatch)")
        return body

    @_reads
    def latest_payload(self, url: str) -> tuple[bytes, pd.Timestamp] | None:
        """Return the newest archived body for a URL and its fetch time, if any."""
        hit = _conform(self._arrow("payloads", filter=pds.field("url") == url), _PAYLOADS)
        if hit.empty:
            return None
        row = hit.sort_values("fetched_at").iloc[-1]
        return self.payload_body(str(row["sha256"])), pd.Timestamp(row["fetched_at"])

    # ------------------------------------------------------------------ reading
    @_reads
    def read(
        self,
        table: str,
        *,
        where: str | None = None,
        params: Sequence[Any] | None = None,
        files: Sequence[Path] | None = None,
        filter: pds.Expression | None = None,
    ) -> pd.DataFrame:
        """Read a table (or a slice of it) as a frame with contract dtypes.

        Parameters
        ----------
        table
            Table name.
        where
            Optional SQL condition (DuckDB syntax) with ``?`` placeholders.
        params
            Values for the placeholders.
        files
            Restrict to these slices (see :meth:`partition_path`).
        filter
            A :mod:`pyarrow.dataset` filter expression (pushed down to the Parquet files).
        """
        schema = _schema(table)
        if files is not None:
            sel = self._selector_filter(schema.name, files)
            if sel is None:
                return empty_frame(schema)
            filter = sel if filter is None else filter & sel
        data: pa.Table | pd.DataFrame = self._arrow(schema.name, filter=filter)
        if where and len(data):
            import duckdb  # only SQL reads need it (~50 ms to import)

            try:
                with duckdb.connect() as con:
                    con.register("_t", data)
                    view = _typed_select(schema, "_t")
                    data = con.execute(
                        f"SELECT * FROM ({view}) WHERE {where}", list(params or [])
                    ).df()
            except duckdb.Error as exc:
                raise StoreError(f"cannot read table {table!r} from {self.uri}: {exc}") from exc
        out = _conform(data, schema)
        order = list(dict.fromkeys([*schema.sort_by, *schema.key]))
        return out.sort_values(order, kind="mergesort").reset_index(drop=True)

    @_reads
    def query(self, sql: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
        """Run SQL against views named after the tables (``bars``, ``series``, ...)."""
        import duckdb

        try:
            with self.connect() as con:
                return con.execute(sql, list(params or [])).df()
        except duckdb.Error as exc:
            raise StoreError(f"query failed on {self.uri}: {exc}") from exc

    @_reads
    def connect(self) -> duckdb.DuckDBPyConnection:
        """Return an in-memory DuckDB connection with a view per table (this store version).

        The views scan the Delta tables' Arrow datasets (no file globbing); date columns are
        exposed as ``TIMESTAMP``.
        """
        import duckdb

        con = duckdb.connect()
        for name, schema in TABLES.items():
            ds = self._dataset(name)
            source: Any = ds if ds is not None else _delta.arrow_schema(schema).empty_table()
            con.register(f"_{name}_arrow", source)
            con.execute(
                f"CREATE OR REPLACE VIEW {name} AS {_typed_select(schema, f'_{name}_arrow')}"
            )
        return con

    @_reads
    def catalog(self) -> pd.DataFrame:
        """Per (table, source, entity): rows, first and last date, non-null counts."""
        cat = self._catalog()
        frame = cat.to_pandas(date_as_object=False)
        for c in ("first", "last"):
            frame[c] = pd.to_datetime(frame[c]).astype("datetime64[ns]")
        out: pd.DataFrame = frame
        return out

    @_reads
    def sources(
        self, symbols: Sequence[str] | None = None, *, field: PriceField | None = None
    ) -> pd.DataFrame:
        """Per (symbol, source): rows, first/last date, OHLC presence, and the preferred source.

        Parameters
        ----------
        symbols
            Symbols to describe (default: all).
        field
            The field the caller needs. For full bars (``None``) and for ``open``/``high``/
            ``low`` the preference is: sources with OHLC prices, then the longest history (most
            rows), then the latest end. For ``close``/``adj_close``/``volume`` it is: sources
            that have the field, then the latest end, then the longest history (a close-only
            adjusted file that runs to today beats an OHLC file that stopped earlier). Ties go
            to the source name, so the choice is deterministic.

        Returns
        -------
        pandas.DataFrame
            Columns symbol, source, rows, first, last, has_ohlc, has_field, preferred (bool).
            Read from the store catalog, not from the data.
        """
        cols = ["symbol", "source", "rows", "first", "last", "has_ohlc", "has_field", "preferred"]
        cat = self._catalog()
        mask = pc.equal(cat.column("table"), "bars")
        if symbols is not None:
            mask = pc.and_(
                mask, pc.is_in(cat.column("entity"), pa.array(list(symbols), pa.string()))
            )
        cat = cat.filter(mask)
        if cat.num_rows == 0:
            return pd.DataFrame(columns=cols)
        frame = cat.to_pandas(date_as_object=False).rename(columns={"entity": "symbol"})
        frame["first"] = pd.to_datetime(frame["first"]).astype("datetime64[ns]")
        frame["last"] = pd.to_datetime(frame["last"]).astype("datetime64[ns]")
        frame["has_ohlc"] = (frame["n_open"] > 0) & (frame["n_high"] > 0) & (frame["n_low"] > 0)
        if field is None:
            frame["has_field"] = frame["rows"] > 0
        else:
            frame["has_field"] = frame[f"n_{field}"] > 0
        if field in (None, "open", "high", "low"):
            order = ["symbol", "has_field", "has_ohlc", "rows", "last", "source"]
        else:
            order = ["symbol", "has_field", "last", "rows", "has_ohlc", "source"]
        frame = frame.sort_values(
            order, ascending=[True, False, False, False, False, True], kind="mergesort"
        )
        frame["preferred"] = ~frame.duplicated("symbol")
        result: pd.DataFrame = frame[cols].reset_index(drop=True)
        return result

    @_reads
    def bars(
        self,
        symbols: Sequence[str] | None = None,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
        source: str | Sequence[str] | None = None,
        splice: bool = True,
        prefer_field: PriceField | None = None,
    ) -> pd.DataFrame:
        """Daily bars of one price history per symbol.

        Parameters
        ----------
        symbols
            Symbols to read (default: all).
        start, end
            Inclusive date bounds.
        source
            Read only this source; several sources: every row of each (one history per
            (symbol, source), not spliced; what reading them one by one gives, in one read).
        splice
            Without ``source``: start from the preferred source (see :meth:`sources`) and
            extend it backwards and forwards with other sources of the same symbol that agree
            with it exactly (relative difference <= 1e-6 of ``close`` and ``adj_close`` on at
            least 5 overlapping days, so they are the same price basis). Disagreeing sources are
            never mixed in.
        prefer_field
            Choose the preferred source for this field (see :meth:`sources`); default: full
            bars.

        Returns
        -------
        pandas.DataFrame
            Tidy ``bars`` rows sorted by symbol and date; the ``source`` column says which
            source each row comes from.
        """
        dates = _date_expr("date", start, end)
        if source is not None:
            if isinstance(source, str):
                filt = pds.field("source") == source
            else:
                filt = pds.field("source").isin([str(s) for s in source])
            if symbols is not None:
                filt = filt & pds.field("symbol").isin(list(symbols))
            if dates is not None:
                filt = filt & dates
            return self.read("bars", filter=filt)
        pref = self.sources(symbols, field=prefer_field)
        if pref.empty:
            return empty_frame("bars")
        multi = set(pref.loc[pref.duplicated("symbol", keep=False), "symbol"])
        chosen = pref[pref["preferred"] & (~pref["symbol"].isin(multi) | (not splice))]
        parts = []
        pairs = _pairs_filter(chosen)
        if pairs is not None:
            parts.append(self.read("bars", filter=pairs if dates is None else pairs & dates))
        if splice and multi:
            ranked = pref[pref["symbol"].isin(multi)]
            rows = self.read("bars", filter=_pairs_filter(ranked))
            for symbol, group in rows.groupby("symbol", sort=True):
                order = ranked.loc[ranked["symbol"] == symbol, "source"].tolist()
                order = [s for s in order if s in set(group["source"])]
                parts.append(restrict(splice_rows(group, order), start, end))
        parts = [p for p in parts if not p.empty]
        if not parts:
            return empty_frame("bars")
        out = pd.concat(parts, ignore_index=True)
        return out.sort_values(["symbol", "date"], kind="mergesort").reset_index(drop=True)

    @_reads
    def panel(
        self,
        symbols: Sequence[str] | None = None,
        *,
        field: PriceField = "adj_close",
        start: DateLike | None = None,
        end: DateLike | None = None,
        source: str | None = None,
    ) -> pd.DataFrame:
        """Wide frame (DatetimeIndex x symbol) of one price field.

        Each column comes from a single source (see :meth:`bars`); dates are the union of the
        symbols' dates, missing values are NaN. Only the needed columns are read, and the
        (source, symbol, date) filter is pushed down to the Parquet row groups.
        """
        dates = _date_expr("date", start, end)
        if source is not None:
            filt = pds.field("source") == source
            if symbols is not None:
                filt = filt & pds.field("symbol").isin(list(symbols))
            singles = self._arrow(
                "bars",
                columns=["symbol", "date", field],
                filter=filt if dates is None else filt & dates,
                dictionary=True,  # symbols as codes from the files: no per-row strings
            )
            parts = _wide.rows_of(singles, field)
        else:
            pref = self.sources(symbols, field=field)
            if pref.empty:
                return pd.DataFrame(index=pd.DatetimeIndex([], name="date"))
            multi = set(pref.loc[pref.duplicated("symbol", keep=False), "symbol"])
            # a symbol whose other sources cannot add a date inside the window reads as single
            multi -= _splice_outside_window(pref[pref["symbol"].isin(multi)], start, end)
            single = pref[pref["preferred"] & ~pref["symbol"].isin(multi)]
            parts = []
            for src, syms in _symbols_by_source(single):
                rows = self._source_rows(src, syms, ["symbol", "date", field], dates)
                parts += _wide.rows_of(rows, field, keep=set(syms))
            if multi:
                # Splicing compares whole histories, so these reads carry no date bound.
                ranked = pref[pref["symbol"].isin(multi)]
                wanted = list(dict.fromkeys(["symbol", "date", "close", "adj_close", field]))
                pieces: dict[tuple[str, str], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
                for src, syms in _symbols_by_source(ranked):
                    rows = self._source_rows(src, syms, wanted, None)
                    for sym, piece in _split_spliceable(rows, field, keep=set(syms)):
                        pieces[(sym, src)] = piece
                ranks = ranked.groupby("symbol", sort=False)["source"].agg(list).to_dict()
                spliced = []
                for sym in sorted(multi):
                    pieces_of = [
                        pieces[(str(sym), str(src))]
                        for src in ranks.get(sym, [])
                        if (str(sym), str(src)) in pieces
                    ]
                    if pieces_of:
                        spliced.append((str(sym), *splice_arrays(pieces_of)))
                parts.append(_wide.histories(spliced))
        return _wide.wide_frame(parts, order=symbols, start=start, end=end)

    @_reads
    def series(
        self,
        series_ids: Sequence[str] | None = None,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
        vintage: str | None = None,
    ) -> pd.DataFrame:
        """Wide frame (DatetimeIndex x series id).

        The newest vintage (then the source with the latest data) is used per id unless
        ``vintage`` is given.
        """
        filt = _date_expr("date", start, end)
        if series_ids is not None:
            ids = pds.field("series_id").isin(list(series_ids))
            filt = ids if filt is None else filt & ids
        if vintage is not None:
            vin = pds.field("vintage") == vintage
            filt = vin if filt is None else filt & vin
        tidy = self.read("series", filter=filt)
        if tidy.empty:
            return pd.DataFrame(index=pd.DatetimeIndex([], name="date"))
        ident = ["series_id", "vintage", "source"]
        spans: pd.DataFrame = tidy.groupby(ident, as_index=False).agg(last=("date", "max"))
        spans = spans.sort_values(
            ["series_id", "vintage", "last", "source"], ascending=[True, False, False, True]
        )
        best = spans.drop_duplicates("series_id")
        tidy = tidy.merge(best[ident], on=ident)
        wide = tidy.pivot(index="date", columns="series_id", values="value").sort_index()
        wide.columns.name = None
        if series_ids is not None:
            wide = wide.reindex(columns=[s for s in series_ids if s in wide.columns])
        return wide

    @_reads
    def holdings(self, fund: str, *, as_of: DateLike | None = None) -> pd.DataFrame:
        """Return the fund's latest holdings snapshot on or before ``as_of`` (default: latest)."""
        frame = self.read("holdings", filter=pds.field("fund") == fund)
        if frame.empty:
            return frame
        if as_of is not None:
            frame = frame[frame["as_of"] <= pd.Timestamp(as_of)]
            if frame.empty:
                return frame
        latest = frame["as_of"].max()
        snapshot: pd.DataFrame = frame[frame["as_of"] == latest].reset_index(drop=True)
        return snapshot

    @_reads
    def fundamentals(
        self,
        symbols: Sequence[str] | None = None,
        *,
        concepts: Sequence[str] | None = None,
        source: str | None = None,
    ) -> pd.DataFrame:
        """Return tidy fundamentals rows (all filings; point-in-time selection is the caller's)."""
        terms = []
        if symbols is not None:
            terms.append(pds.field("symbol").isin(list(symbols)))
        if source is not None:
            terms.append(pds.field("source") == source)
        if concepts is not None:
            terms.append(pds.field("concept").isin(list(concepts)))
        filt = None
        for t in terms:
            filt = t if filt is None else filt & t
        return self.read("fundamentals", filter=filt)

    # ------------------------------------------------------------------ catalog
    @_reads
    def info(self) -> StoreInfo:
        """Tables, rows, entities, date ranges, sizes, and a per-source breakdown.

        Read from the Delta logs (files, sizes) and the store catalog, never from the data.
        """
        cat = self.catalog()
        infos: list[TableInfo] = []
        per_source: list[pd.DataFrame] = []
        snap = self._snapshot()
        for name in TABLES:
            dt = self._table(name, snap)
            files, size = 0, 0
            if dt is not None:
                actions = _actions(dt)
                files = actions.num_rows
                size = int(pc.sum(actions.column("size_bytes")).as_py() or 0) if files else 0
            if name == "payloads" and not _delta.is_remote(self.uri):
                raw = self.root / "raw"
                if raw.is_dir():
                    size += sum(p.stat().st_size for p in raw.glob("*/*") if p.is_file())
            rows = cat[cat["table"] == name]
            if rows.empty:
                infos.append(
                    TableInfo(name, files, 0, 0, None, None, size, (), snap.tables.get(name, -1))
                )
                continue
            stats = (
                rows.groupby("source", as_index=False)
                .agg(
                    rows=("rows", "sum"),
                    entities=("entity", "nunique"),
                    first=("first", "min"),
                    last=("last", "max"),
                )
                .sort_values("source")
            )
            stats.insert(0, "table", name)
            per_source.append(stats)
            infos.append(
                TableInfo(
                    name,
                    files,
                    int(stats["rows"].sum()),
                    int(rows["entity"].nunique()),
                    pd.Timestamp(stats["first"].min()),
                    pd.Timestamp(stats["last"].max()),
                    size,
                    tuple(str(s) for s in stats["source"]),
                    snap.tables.get(name, -1),
                )
            )
        by_source = (
            pd.concat(per_source, ignore_index=True)
            if per_source
            else pd.DataFrame(columns=["table", "source", "rows", "entities", "first", "last"])
        )
        return StoreInfo(self.root, tuple(infos), by_source, snap.version)

    @_reads
    def disagreements(self, *, tolerance: float = 0.005, min_overlap: int = 20) -> pd.DataFrame:
        """Symbols held by several sources whose daily adjusted returns differ beyond a tolerance.

        Parameters
        ----------
        tolerance
            Absolute difference of daily returns (decimal) that counts as a disagreement.
        min_overlap
            Minimum common dates for a pair to be compared.

        Returns
        -------
        pandas.DataFrame
            symbol, source_a, source_b, overlap_days, days_beyond, max_abs_diff, worst_date.
        """
        cols = [
            "symbol",
            "source_a",
            "source_b",
            "overlap_days",
            "days_beyond",
            "max_abs_diff",
            "worst_date",
        ]
        src = self.sources()
        multi = src[src.duplicated("symbol", keep=False)]
        if multi.empty:
            return pd.DataFrame(columns=cols)
        tidy_all = self.read("bars", filter=_pairs_filter(multi))
        rows: list[dict[str, Any]] = []
        by_symbol = {str(k): g for k, g in tidy_all.groupby("symbol", sort=False)}
        for symbol, group in multi.groupby("symbol"):
            tidy = by_symbol.get(str(symbol))
            if tidy is None:
                continue
            wide = tidy.pivot(index="date", columns="source", values="adj_close").sort_index()
            names = list(group["source"])
            for i, a in enumerate(names):
                for b in names[i + 1 :]:
                    pair = wide[[a, b]].dropna()
                    if len(pair) < min_overlap:
                        continue
                    diff = (pair[a].pct_change() - pair[b].pct_change()).abs().dropna()
                    if diff.empty:
                        continue
                    rows.append(
                        {
                            "symbol": symbol,
                            "source_a": a,
                            "source_b": b,
                            "overlap_days": len(pair),
                            "days_beyond": int((diff > tolerance).sum()),
                            "max_abs_diff": float(diff.max()),
                            "worst_date": diff.idxmax(),
                        }
                    )
        return pd.DataFrame(rows, columns=cols)


# ---------------------------------------------------------------------------- helpers
@dataclass(frozen=True)
class _Plan:
    schema: TableSchema
    offered: pa.Table
    rows: pa.Table  # rows to commit (new or changed keys)
    merge: bool  # some keys exist: MERGE; else append
    result: UpsertResult
    old: pa.Table | None = None


def payload_row(
    body: bytes,
    *,
    url: str,
    source: str,
    status: int = 200,
    fetched_at: pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Return the ``payloads`` row recording a body (path or URL, SHA-256, size)."""
    return pd.DataFrame(
        {
            "url": [url],
            "fetched_at": [fetched_at or pd.Timestamp.now(tz="UTC")],
            "sha256": [hashlib.sha256(body).hexdigest()],
            "bytes": [len(body)],
            "source": [source],
            "status": [status],
        }
    )


def splice_rows(rows: pd.DataFrame, order: Sequence[str]) -> pd.DataFrame:
    """Splice one symbol's tidy rows (see :func:`sizeup.data.store._policy.splice`)."""
    return splice(rows, order)


def _actions(dt: DeltaTable) -> pa.Table:
    """Return a table version's add actions (path, size_bytes, stats) as an Arrow table."""
    return pa.table(dt.get_add_actions(flatten=True))


def _partition_column(actions: pa.Table) -> str | None:
    """Name the add actions' partition-value column (``None``: an unpartitioned table)."""
    return next((c for c in actions.column_names if c.endswith(PARTITION) and c != "path"), None)


def _paths(dt: DeltaTable) -> set[str]:
    """Relative paths of a table version's data files."""
    return {str(p) for p in _actions(dt).column("path").to_pylist()}


def _replace(res: UpsertResult, **changes: Any) -> UpsertResult:
    from dataclasses import replace

    return replace(res, **changes)


def _schema(table: str) -> TableSchema:
    try:
        return TABLES[table]
    except KeyError:
        raise SchemaError(
            f"unknown table {table!r}; valid tables are {sorted(TABLES)}",
            input="table",
            value=table,
            valid=", ".join(sorted(TABLES)),
        ) from None


_PAYLOADS = TABLES["payloads"]


def _table_schema(name: str) -> pa.Schema:
    if name == CATALOG:
        return CATALOG_SCHEMA
    if name == JOURNAL:
        return JOURNAL_SCHEMA
    return _delta.arrow_schema(_schema(name))


@functools.cache
def _writer(name: str) -> WriterProperties:
    """Parquet writer settings of a table's data files.

    Row groups of :data:`ROW_GROUP_ROWS`; no compression (delta-rs's default); dictionary
    encoding for every column except the floating-point ones. Prices and values rarely repeat
    within a row group, so their dictionary is given up after it fills and only costs time:
    without it the writer is about 3x faster on the member price matrix (7.4 M rows, 1.2 ->
    0.4 s) and a read of its closes 30 % faster, for files about 25 % bigger.
    """
    plain = ColumnProperties(dictionary_enabled=False)
    floats = {f.name: plain for f in _table_schema(name) if pa.types.is_floating(f.type)}
    return WriterProperties(max_row_group_size=ROW_GROUP_ROWS, column_properties=floats)


def _typed_select(schema: TableSchema, relation: str) -> str:
    """SELECT exposing date columns as TIMESTAMP (as the Parquet store did)."""
    cols = []
    for name, kind in schema.columns.items():
        if kind == "date":
            cols.append(f'CAST("{name}" AS TIMESTAMP) AS "{name}"')
        elif kind == "timestamp":
            cols.append(f'CAST("{name}" AT TIME ZONE \'UTC\' AS TIMESTAMP) AS "{name}"')
        else:
            cols.append(f'"{name}"')
    return f"SELECT {', '.join(cols)} FROM {relation}"


def _conform(data: pa.Table | pd.DataFrame, schema: TableSchema) -> pd.DataFrame:
    """Give rows read from Delta/DuckDB the contract's column order and dtypes."""
    frame = data.to_pandas(date_as_object=False) if isinstance(data, pa.Table) else data
    out = pd.DataFrame(index=range(len(frame)))
    for name, kind in schema.columns.items():
        col = frame[name].reset_index(drop=True) if name in frame.columns else None
        if col is None:
            col = pd.Series([None] * len(frame), dtype=object)
        if kind == "str":
            out[name] = col.astype(object).where(col.notna(), None)
        elif kind in ("date", "timestamp"):
            dt = pd.to_datetime(col)
            if getattr(dt.dt, "tz", None) is not None:
                dt = dt.dt.tz_convert("UTC").dt.tz_localize(None)
            out[name] = dt.astype("datetime64[ns]")
        elif kind == "float":
            out[name] = pd.to_numeric(col).astype("float64")
        else:
            out[name] = pd.to_numeric(col).astype("Int64")
    return out


def _unique_sorted(table: pa.Table, schema: TableSchema) -> pa.Table:
    """Check key uniqueness and sort by ``sort_by``, in Arrow.

    Raises
    ------
    SchemaError
        Two rows share a key (NULL key values count as equal).
    """
    if table.num_rows == 0:
        return table
    columns = list(dict.fromkeys([*schema.sort_by, *schema.key]))
    fast = _sorted_by_ranks(table, schema, columns)
    if fast is not None:
        return fast
    table = _delta.plain(table, schema)
    order = [(c, "ascending") for c in columns]
    table = table.sort_by(order)
    if table.num_rows < 2:
        return table
    same: np.ndarray | None = None
    for col in _key_columns(table, schema):  # equal keys are adjacent once sorted
        arr = col.combine_chunks() if isinstance(col, pa.ChunkedArray) else col
        eq = pc.equal(arr.slice(1), arr.slice(0, len(arr) - 1))
        eq_np = pc.fill_null(eq, True).to_numpy(zero_copy_only=False)
        same = eq_np if same is None else same & eq_np
    if same is not None and same.any():
        first = int(np.flatnonzero(same)[0])
        example = table.select(list(schema.key)).slice(first, 1).to_pylist()
        rows = int(same.sum()) + 1
        raise SchemaError(
            f"table {schema.name!r}: duplicate key {schema.key} in {rows} rows, e.g. {example}; "
            "nothing was written",
            input=f"{schema.name} key",
            value=example,
            valid="one row per key",
        )
    return table


def _ranks(col: pa.ChunkedArray) -> np.ndarray | None:
    """Integer codes ordered like the column's values (``None``: NULLs or floats)."""
    if col.null_count:
        return None
    typ = col.type
    if pa.types.is_dictionary(typ) or pa.types.is_string(typ) or pa.types.is_large_string(typ):
        enc = (
            col.unify_dictionaries().combine_chunks()
            if pa.types.is_dictionary(typ)
            else pc.dictionary_encode(col).combine_chunks()
        )
        if not isinstance(enc, pa.DictionaryArray):  # pragma: no cover - pyarrow contract
            return None
        dictionary = enc.dictionary
        rank = np.empty(len(dictionary), dtype=np.int64)
        rank[pc.sort_indices(dictionary).to_numpy()] = np.arange(len(dictionary))
        codes = enc.indices.to_numpy(zero_copy_only=False)
        out: np.ndarray = rank[codes]
        return out
    if pa.types.is_date32(typ):
        return np.asarray(col.cast(pa.int32()).to_numpy(), dtype=np.int64)
    if pa.types.is_timestamp(typ) or pa.types.is_integer(typ):
        return np.asarray(col.cast(pa.int64()).to_numpy(), dtype=np.int64)
    return None


def _sorted_by_ranks(table: pa.Table, schema: TableSchema, columns: list[str]) -> pa.Table | None:
    """Sort and key-check with numpy on integer ranks; ``None`` when a column has no ranks.

    Most writes arrive sorted (parsers emit rows by symbol and date), so the sort is skipped
    after an O(n) check; otherwise one ``lexsort`` of integers replaces a string sort.
    """
    ranks: dict[str, np.ndarray] = {}
    for c in columns:
        r = _ranks(table.column(c))
        if r is None:
            return None
        ranks[c] = r
    n = table.num_rows
    if n > 1:
        ahead = np.zeros(n - 1, dtype=bool)  # row i+1 sorts after row i (decided)
        behind = np.zeros(n - 1, dtype=bool)
        for c in columns:
            r = ranks[c]
            undecided = ~(ahead | behind)
            ahead |= undecided & (r[1:] > r[:-1])
            behind |= undecided & (r[1:] < r[:-1])
        if behind.any():
            order = np.lexsort([ranks[c] for c in reversed(columns)])
            table = table.take(pa.array(order))
            ranks = {c: r[order] for c, r in ranks.items()}
        same = np.ones(n - 1, dtype=bool)
        for k in schema.key:
            r = ranks[k]
            same &= r[1:] == r[:-1]
        if same.any():
            first = int(np.flatnonzero(same)[0])
            example = table.select(list(schema.key)).slice(first, 1).to_pylist()
            raise SchemaError(
                f"table {schema.name!r}: duplicate key {schema.key} in {int(same.sum()) + 1} "
                f"rows, e.g. {example}; nothing was written",
                input=f"{schema.name} key",
                value=example,
                valid="one row per key",
            )
    return table


def _batches(table: pa.Table, schema: TableSchema) -> pa.RecordBatchReader:
    """Stream a table to the Delta writer in slices with the contract's types.

    A whole table costs the writer about twice its size; dictionary columns are decoded one
    slice at a time.
    """
    target = _delta.arrow_schema(schema)
    table = table.select(target.names)
    return pa.RecordBatchReader.from_batches(
        target,
        (b.cast(target) for b in table.to_batches(max_chunksize=_WRITE_BATCH_ROWS)),
    )


@dataclass(frozen=True)
class CheckedFrames:
    """Frames checked for a write by :func:`check_frames`, ready for ``write_batch``."""

    tables: Mapping[str, tuple[pa.Table, str]]
    """Table name -> (rows as one sorted Arrow table, note on rows left out)."""


def check_frames(frames: Mapping[str, pd.DataFrame]) -> CheckedFrames:
    """Check frames as a write does before it takes the store lock.

    Contract, value rules, key uniqueness and sort, as in :meth:`Store.write`; no store is
    read. Importers call it in their parse threads, so the writing thread only compares and
    commits, and the pandas frames can be dropped before the commit.

    Raises
    ------
    SchemaError
        A frame breaks the contract or a value rule (nothing may be written).
    """
    return CheckedFrames({name: _checked(frame, _schema(name)) for name, frame in frames.items()})


def _batch_detail(details: Sequence[str]) -> str:
    """History detail of one store version: its input, or how many and which.

    Paths in one folder are listed relative to it (``3 files in /data: a.csv, b/c.csv, ...``).
    """
    if len(details) == 1:
        return details[0]
    try:
        common = os.path.commonpath(details) if all(os.path.isabs(d) for d in details) else ""
    except ValueError:
        common = ""
    if common and all(d != common for d in details):
        names = ", ".join(os.path.relpath(d, common) for d in details)
        return f"{len(details)} files in {common}: {names}"
    return f"{len(details)} inputs: " + "; ".join(details)


def _stack(tables: Sequence[pa.Table], schema: TableSchema) -> pa.Table:
    """Concatenate tables of one store table in the contract's column order and types."""
    if not tables:
        return _delta.arrow_schema(schema).empty_table()
    return pa.concat_tables([_delta.plain(t, schema) for t in tables])


def _slices(tables: Mapping[str, tuple[pa.Table, str]]) -> set[tuple[str, Any, Any]]:
    """Return the (table, source, entity) slices some checked frames touch."""
    out: set[tuple[str, Any, Any]] = set()
    for name, (table, _) in tables.items():
        if table.num_rows == 0:
            continue
        entity = _ENTITY_COLUMN[name]
        pairs = table.select([PARTITION, entity]).group_by([PARTITION, entity]).aggregate([])
        out.update(
            (name, s, e)
            for s, e in zip(
                pairs.column(PARTITION).to_pylist(), pairs.column(entity).to_pylist(), strict=True
            )
        )
    return out


def _disjoint_prefix(
    pending: list[int], checked: Mapping[int, Mapping[str, tuple[pa.Table, str]]]
) -> tuple[list[int], list[int]]:
    """Split inputs into the longest prefix touching disjoint slices, and the rest."""
    if len(pending) == 1:
        return pending, []
    seen: set[tuple[str, Any, Any]] = set()
    for pos, i in enumerate(pending):
        mine = _slices(checked[i])
        if seen & mine:
            return pending[:pos], pending[pos:]
        seen |= mine
    return pending, []


def _checked(frame: pd.DataFrame, schema: TableSchema) -> tuple[pa.Table, str]:
    """Contract check, value rules, key uniqueness and sort of one frame, as one Arrow table.

    Frames with contract dtypes go straight to Arrow (:func:`_delta.frame_to_arrow`); others
    are coerced by :func:`sizeup.data.schema.validate` first (which raises the contract's
    errors). The value rules then run on the Arrow buffers.
    """
    table = _delta.frame_to_arrow(frame, schema)
    if table is None:
        valid = validate(frame, schema, keys_and_order=False)
        table = _delta.to_arrow(valid, schema)
        del valid
    table, note = check_table(table, schema)
    return _unique_sorted(table, schema), note


def _key_columns(table: pa.Table, schema: TableSchema) -> list[pa.Array]:
    """Key columns with NULLs replaced by a sentinel, so NULL keys match in a hash join."""
    out = []
    for k in schema.key:
        col = table.column(k)
        if pa.types.is_date32(col.type):
            out.append(pc.fill_null(col.cast(pa.int32()), pa.scalar(-(2**31), pa.int32())))
        elif pa.types.is_string(col.type):
            out.append(pc.fill_null(col, "\x00<null>"))
        else:
            out.append(col)
    return out


def _left_join(new: pa.Table, old: pa.Table, schema: TableSchema, values: list[str]) -> pa.Table:
    """Offered rows with the stored values of their keys (``c__old``) and ``__matched``."""
    knames = [f"__k{i}" for i in range(len(schema.key))]
    left = new
    for name, col in zip(knames, _key_columns(new, schema), strict=True):
        left = left.append_column(name, col)
    right = pa.table(
        {
            **dict(zip(knames, _key_columns(old, schema), strict=True)),
            **{f"{v}__old": old.column(v) for v in values},
            "__matched": pa.array(np.ones(old.num_rows, dtype=bool)),
        }
    )
    joined = left.join(right, keys=knames, join_type="left outer", use_threads=True)
    matched = pc.fill_null(joined.column("__matched"), False)
    return joined.set_column(joined.schema.get_field_index("__matched"), "__matched", matched)


def _merge_predicate(schema: TableSchema, rows: pa.Table) -> str:
    terms = []
    for k in schema.key:
        nullable = k not in schema.required or rows.column(k).null_count > 0
        op = "IS NOT DISTINCT FROM" if nullable else "="
        terms.append(f"t.{k} {op} s.{k}")
    sources = pc.unique(rows.column(PARTITION)).to_pylist()
    terms.append(f"t.{PARTITION} IN ({', '.join(_sql_literal(s) for s in sources)})")
    return " AND ".join(terms)


def _sql_literal(value: object) -> str:
    return "'" + str(value).replace("'", "''") + "'"


def _catalog_stats(plan: _Plan) -> pa.Table:
    """Catalog rows of the (source, entity) slices a write touches, as they are after it."""
    schema = plan.schema
    entity = _ENTITY_COLUMN[schema.name]
    datecol = _DATE_COLUMN[schema.name]
    old = plan.old
    new = plan.offered
    if old is not None and old.num_rows:
        knames = [f"__k{i}" for i in range(len(schema.key))]
        left = old
        for name, col in zip(knames, _key_columns(old, schema), strict=True):
            left = left.append_column(name, col)
        right = pa.table(dict(zip(knames, _key_columns(new, schema), strict=True)))
        kept = left.join(right, keys=knames, join_type="left anti").select(schema.column_names)
        final = pa.concat_tables([kept, new.select(schema.column_names)])
    else:
        final = new
    dates = final.column(datecol)
    if pa.types.is_timestamp(dates.type):
        dates = pc.cast(pc.cast(dates, pa.timestamp("us")), pa.date32())
    ent = final.column(entity)
    if not (pa.types.is_dictionary(ent.type) or pa.types.is_string(ent.type)):
        ent = pc.cast(ent, pa.string())
    work = pa.table(
        {
            "source": final.column(PARTITION),
            "entity": ent,
            "date": dates,
            **{f"n_{c}": final.column(c) for c in _delta.CATALOG_VALUES if c in final.column_names},
        }
    )
    aggs: list[tuple[Any, str]] = [("date", "min"), ("date", "max"), ([], "count_all")]
    present = [c for c in _delta.CATALOG_VALUES if c in final.column_names]
    aggs += [(f"n_{c}", "count") for c in present]
    grouped = work.group_by(["source", "entity"]).aggregate(aggs)
    n = grouped.num_rows
    columns: dict[str, Any] = {
        "table": pa.array([schema.name] * n, pa.string()),
        "source": grouped.column("source").cast(pa.string()),
        "entity": grouped.column("entity").cast(pa.string()),
        "rows": grouped.column("count_all"),
        "first": grouped.column("date_min"),
        "last": grouped.column("date_max"),
    }
    for c in _delta.CATALOG_VALUES:
        if c in present:
            columns[f"n_{c}"] = grouped.column(f"n_{c}_count")
        else:
            columns[f"n_{c}"] = pa.nulls(n, pa.int64())
    return pa.table(columns, schema=CATALOG_SCHEMA)


def _pairs_filter(pref: pd.DataFrame) -> pds.Expression | None:
    """Filter selecting the listed (source, symbol) pairs."""
    if pref.empty:
        return None
    out: pds.Expression | None = None
    for source, group in pref.groupby("source", sort=True):
        term = (pds.field("source") == str(source)) & pds.field("symbol").isin(
            [str(s) for s in group["symbol"]]
        )
        out = term if out is None else out | term
    return out


def _date_expr(column: str, start: DateLike | None, end: DateLike | None) -> pds.Expression | None:
    out: pds.Expression | None = None
    if start is not None:
        out = pds.field(column) >= pa.scalar(pd.Timestamp(start).date(), pa.date32())
    if end is not None:
        term = pds.field(column) <= pa.scalar(pd.Timestamp(end).date(), pa.date32())
        out = term if out is None else out & term
    return out


def _symbols_by_source(pairs: pd.DataFrame) -> list[tuple[str, list[str]]]:
    """Group the listed (source, symbol) pairs by source (sources sorted)."""
    return [
        (str(src), [str(s) for s in group["symbol"]])
        for src, group in pairs.groupby("source", sort=True)
    ]


def _splice_outside_window(
    ranked: pd.DataFrame, start: DateLike | None, end: DateLike | None
) -> set[str]:
    """Symbols whose splice adds nothing inside ``[start, end]`` (``ranked``: from sources()).

    Splicing only adds another source's rows dated before the preferred source's first date
    or after its last (then before/after the grown history's). When no other source has a
    date range reaching such a day inside the window, the window holds the preferred source's
    rows alone, whatever the splice decides. Judged from the catalog's first/last dates.
    """
    if ranked.empty:
        return set()
    day = np.timedelta64(1, "D")
    lo = np.datetime64("NaT") if start is None else np.datetime64(pd.Timestamp(start), "ns")
    hi = np.datetime64("NaT") if end is None else np.datetime64(pd.Timestamp(end), "ns")
    sym = ranked["symbol"].astype(str).to_numpy()
    first = ranked["first"].to_numpy(dtype="datetime64[ns]")
    last = ranked["last"].to_numpy(dtype="datetime64[ns]")
    pref = ranked["preferred"].to_numpy(dtype=bool)
    base = pd.DataFrame({"s": sym[pref], "f": first[pref], "l": last[pref]}).drop_duplicates("s")
    at = base.set_index("s").reindex(sym)
    b_first, b_last = at["f"].to_numpy(), at["l"].to_numpy()
    o_lo = first if start is None else np.maximum(first, lo)
    o_hi = last if end is None else np.minimum(last, hi)
    before = o_lo <= np.minimum(o_hi, b_first - day)
    after = np.maximum(o_lo, b_last + day) <= o_hi
    unknown = np.isnat(first) | np.isnat(last) | np.isnat(b_first) | np.isnat(b_last)
    reach = pd.Series((~pref) & (before | after | unknown)).groupby(sym).any()
    return {str(k) for k, v in reach.items() if not v}


def _symbol_runs(
    table: pa.Table, keep: set[str] | None
) -> tuple[np.ndarray | None, list[tuple[str, int, int]], np.ndarray]:
    """Sort order, per-symbol row runs ``(symbol, a, b)`` and sorted days of a (symbol, date) table.

    The order is ``None`` when the rows are already sorted by (symbol, date) (files are
    written sorted); symbols not in ``keep`` are left out. The days (``datetime64[D]``) are
    in sorted order, read once from the date column's day numbers.
    """
    if pa.types.is_dictionary(table.schema.field("symbol").type):
        # read dictionary-encoded: one dictionary for all chunks, codes in first-seen order
        enc = table.select(["symbol"]).unify_dictionaries().column("symbol").combine_chunks()
    else:
        enc = pc.dictionary_encode(table.column("symbol")).combine_chunks()
    codes = enc.indices.to_numpy(zero_copy_only=False)
    names = enc.dictionary.to_pylist()
    dates = _days(table.column("date"))
    step_code, step_date = np.diff(codes), np.diff(dates)
    order = None
    if not bool(np.all((step_code > 0) | ((step_code == 0) & (step_date > 0)))):
        # one int64 key (code, day): a stable sort of it is the (code, date) lexsort, and
        # timsort takes the few sorted runs a multi-file read gives in linear time (4x faster)
        key = (codes.astype(np.int64) << 32) | (dates - dates.min())
        order = np.argsort(key, kind="stable")
        codes = codes[order]
        dates = dates[order]
    bounds = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1], True])
    runs = []
    for a, b in itertools.pairwise(bounds):
        name = str(names[codes[a]])
        if keep is None or name in keep:
            runs.append((name, int(a), int(b)))
    return order, runs, dates.view("datetime64[D]")


def _days(column: pa.ChunkedArray) -> np.ndarray:
    """Day numbers (int64) of a date column, without going through datetime objects."""
    if pa.types.is_date32(column.type):
        days: np.ndarray = pc.cast(column, pa.int32()).to_numpy().astype(np.int64)
    else:
        days = column.to_numpy().astype("datetime64[D]").astype(np.int64)
    return days


def _column(table: pa.Table, name: str, order: np.ndarray | None) -> np.ndarray:
    """One column as numpy (dates as day numbers, prices as float64), in ``order``."""
    values: np.ndarray = table.column(name).to_numpy()
    if name == "date":
        values = values.astype("datetime64[D]")
    else:
        values = values.astype("float64", copy=False)
    return values if order is None else values[order]


def _split_spliceable(
    table: pa.Table, field: str, *, keep: set[str] | None = None
) -> list[tuple[str, tuple[np.ndarray, np.ndarray, np.ndarray]]]:
    """Per symbol of one source: sorted dates, ``field`` and the (close, adj_close) check pair.

    The pieces :func:`~sizeup.data.store._policy.splice_arrays` joins.
    """
    if table.num_rows == 0:
        return []
    order, runs, days = _symbol_runs(table, keep)
    values = _column(table, field, order)
    check = np.column_stack([_column(table, "close", order), _column(table, "adj_close", order)])
    return [(name, (days[a:b], values[a:b], check[a:b])) for name, a, b in runs]


def _utc(value: DateLike) -> pd.Timestamp:
    ts = pd.Timestamp(value)
    return ts.tz_localize("UTC") if ts.tzinfo is None else ts.tz_convert("UTC")


def _big_row_groups(location: str, files: Sequence[str]) -> bool:
    """Whether a local data file of a table has a row group over :data:`ROW_GROUP_ROWS`.

    Reads the files' footers only; a remote table answers ``False`` (not checked).
    """
    if _delta.is_remote(location):
        return False
    for name in files:
        meta = pq.read_metadata(Path(location) / unquote(name))
        if any(meta.row_group(i).num_rows > ROW_GROUP_ROWS for i in range(meta.num_row_groups)):
            return True
    return False


def _has_views(location: str, path: str) -> bool:
    """Whether a data file stores a column as an Arrow view type (remote files: assumed)."""
    if _delta.is_remote(location):
        return True
    schema = pq.read_schema(Path(location) / unquote(path))
    return any(pa.types.is_string_view(f.type) or pa.types.is_binary_view(f.type) for f in schema)
