"""The embedded store: Parquet files under a data directory, queried through DuckDB.

Layout::

    <data_dir>/
      bars/<source>/<symbol>.parquet           one file per partition (see schema.partition_by)
      series/<source>/<series_id>.parquet
      actions/ holdings/ fundamentals/ payloads/
      raw/<sha256[:2]>/<sha256>                raw payload bodies, content-addressed
      .lock                                    advisory lock held while writing

Partition values are percent-encoded in file names (``^RUT`` -> ``%5ERUT``).

Writes are upserts by the table key: the partition file is read, merged with the new rows (new
rows win), and replaced atomically (temporary file, fsync, rename, fsync of the folder). A file is
rewritten only if its content changes, so re-importing the same data changes nothing. A crash at
any point leaves every partition either in its old or in its new state.

Reads choose one source per symbol (never mixing sources within a series) by this documented
preference: sources with open/high/low prices first, then the one whose data end latest, then
the most rows, then the source name (for determinism). Series choose the newest vintage per id.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import logging
import os
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from sizeup.data.schema import TABLES, TableSchema, empty_frame, validate
from sizeup.errors import SchemaError, StoreError
from sizeup.types import DateLike, PriceField

__all__ = ["Store", "StoreInfo", "TableInfo", "UpsertResult"]

log = logging.getLogger(__name__)

_IO_THREADS = 8  # partition files merged/written concurrently (I/O and fsync bound)

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


@dataclass(frozen=True)
class UpsertResult:
    """What an upsert did.

    Parameters
    ----------
    table
        Table name.
    rows_in
        Rows offered.
    files_written
        Partition files that changed.
    files_unchanged
        Partition files whose content was already identical.
    rows_added
        Rows whose key was new.
    rows_updated
        Rows whose key existed with different values.
    """

    table: str
    rows_in: int
    files_written: int
    files_unchanged: int
    rows_added: int
    rows_updated: int

    def __add__(self, other: UpsertResult) -> UpsertResult:
        """Sum two results of the same table."""
        return UpsertResult(
            self.table,
            self.rows_in + other.rows_in,
            self.files_written + other.files_written,
            self.files_unchanged + other.files_unchanged,
            self.rows_added + other.rows_added,
            self.rows_updated + other.rows_updated,
        )


@dataclass(frozen=True)
class TableInfo:
    """Catalog entry of one table."""

    table: str
    files: int
    rows: int
    entities: int
    first: pd.Timestamp | None
    last: pd.Timestamp | None
    bytes: int
    sources: tuple[str, ...]


@dataclass(frozen=True)
class StoreInfo:
    """Catalog of the whole store."""

    root: Path
    tables: tuple[TableInfo, ...]
    by_source: pd.DataFrame = field(repr=False)

    @property
    def total_bytes(self) -> int:
        """Size on disk of all tables and raw payloads."""
        return sum(t.bytes for t in self.tables)

    def summary(self) -> str:
        """Plain-text catalog."""
        lines = [f"store at {self.root}"]
        for t in self.tables:
            span = f"{_fmt(t.first)} .. {_fmt(t.last)}" if t.rows else "-"
            lines.append(
                f"{t.table:<13} rows={t.rows:>10,} entities={t.entities:>6,} files={t.files:>5,} "
                f"{span}  {t.bytes / 1e6:8.1f} MB"
            )
        return "\n".join(lines)


def _fmt(ts: pd.Timestamp | None) -> str:
    return "-" if ts is None or pd.isna(ts) else str(pd.Timestamp(ts).date())


def _encode(value: Any) -> str:
    text = str(value)
    if not text:
        text = "_"
    return quote(text, safe="-_.,=+@")


class Store:
    """Parquet + DuckDB store rooted at a data directory.

    Parameters
    ----------
    root
        Data directory; created on first write.
    """

    def __init__(self, root: Path | str) -> None:
        self.root = Path(root).expanduser()

    def __repr__(self) -> str:
        return f"Store({str(self.root)!r})"

    @classmethod
    def open(cls, root: Path | str) -> Store:
        """Open (and create if needed) a store at ``root``.

        Raises
        ------
        StoreError
            The path exists and is not a folder, or cannot be created.
        """
        path = Path(root).expanduser()
        if path.exists() and not path.is_dir():
            raise StoreError(f"data directory {path} exists and is not a folder")
        try:
            path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"data directory {path}: cannot create it: {exc}") from exc
        return cls(path)

    # ------------------------------------------------------------------ paths and locking
    def _table_dir(self, table: str) -> Path:
        return self.root / table

    def partition_path(self, table: TableSchema | str, values: Sequence[Any]) -> Path:
        """Return the file that holds one partition of a table."""
        schema = TABLES[table] if isinstance(table, str) else table
        parts = [_encode(v) for v in values]
        return self._table_dir(schema.name).joinpath(*parts[:-1], parts[-1] + ".parquet")

    def files(self, table: str) -> list[Path]:
        """Return every partition file of a table, sorted."""
        schema = _schema(table)
        base = self._table_dir(schema.name)
        if not base.is_dir():
            return []
        depth = len(schema.partition_by)
        pattern = "/".join(["*"] * depth) + ".parquet"
        return sorted(p for p in base.glob(pattern) if not p.name.startswith("."))

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / ".lock", "a+b") as handle:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle.fileno(), fcntl.LOCK_UN)

    # ------------------------------------------------------------------ writing
    def upsert(self, table: str, frame: pd.DataFrame) -> UpsertResult:
        """Insert or replace rows by the table key.

        Parameters
        ----------
        table
            Table name (see :mod:`sizeup.data.schema`).
        frame
            Rows; validated against the contract before anything is written.

        Raises
        ------
        SchemaError
            The frame breaks the contract (nothing is written).
        StoreError
            A file cannot be written (files already replaced stay complete).
        """
        return self.write({table: frame})[table]

    def write(self, frames: Mapping[str, pd.DataFrame]) -> dict[str, UpsertResult]:
        """Upsert several tables; every frame is validated before the first write.

        Returns
        -------
        dict
            Table name -> :class:`UpsertResult`.
        """
        checked = {name: validate(frame, name) for name, frame in frames.items()}
        results: dict[str, UpsertResult] = {}
        with self._locked():
            for name, frame in checked.items():
                results[name] = self._upsert_checked(_schema(name), frame)
        return results

    def _upsert_checked(self, schema: TableSchema, frame: pd.DataFrame) -> UpsertResult:
        total = UpsertResult(schema.name, 0, 0, 0, 0, 0)
        if frame.empty:
            return total
        # One stable sort by partition (rows keep their sort_by order inside a partition) and
        # one Arrow conversion for the whole frame; partitions are zero-copy slices of it,
        # merged and written by a small thread pool (Parquet I/O and fsync release the GIL).
        keys = list(schema.partition_by)
        codes = np.zeros(len(frame), dtype="int64")
        for k in keys:
            col_codes, uniques = pd.factorize(frame[k], use_na_sentinel=False)
            codes = codes * max(len(uniques), 1) + col_codes
        if len(codes) > 1 and bool((codes[1:] < codes[:-1]).any()):
            order = np.argsort(codes, kind="stable")
            codes = codes[order]
            frame = frame.take(order).reset_index(drop=True)
        table = pa.Table.from_pandas(frame, preserve_index=False)
        starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
        stops = np.r_[starts[1:], len(frame)]
        jobs = [
            (
                self.partition_path(schema, tuple(frame[k].iloc[start] for k in keys)),
                table.slice(start, stop - start),
            )
            for start, stop in zip(starts.tolist(), stops.tolist(), strict=True)
        ]

        def merge(job: tuple[Path, pa.Table]) -> UpsertResult:
            return self._merge_partition(schema, job[0], job[1])

        if len(jobs) == 1:
            results = [merge(jobs[0])]
        else:
            with ThreadPoolExecutor(max_workers=_IO_THREADS) as pool:
                results = list(pool.map(merge, jobs))
        for result in results:
            total = total + result
        for folder in sorted(
            {path.parent for (path, _), r in zip(jobs, results, strict=True) if r.files_written}
        ):
            _fsync_dir(folder)
        return total

    def _merge_partition(self, schema: TableSchema, path: Path, part: pa.Table) -> UpsertResult:
        key = list(schema.key)
        rows = part.num_rows
        if path.exists():
            old_table = self._read_table(path)
            if old_table.num_rows == rows and old_table.equals(part):
                return UpsertResult(schema.name, rows, 0, 1, 0, 0)  # fast path: identical
            old = _conform(old_table.to_pandas(), schema)
            new = _conform(part.to_pandas(), schema)
            merged = pd.concat([old, new], ignore_index=True)
            merged = merged.drop_duplicates(subset=key, keep="last")
            merged = merged.sort_values(list(schema.sort_by), kind="mergesort")
            merged = merged.reset_index(drop=True)
            old_keys = pd.MultiIndex.from_frame(old[key])
            new_keys = pd.MultiIndex.from_frame(new[key])
            added = int((~new_keys.isin(old_keys)).sum())
            if len(merged) == len(old) and _frames_equal(merged, old):
                return UpsertResult(schema.name, rows, 0, 1, 0, 0)
            self._atomic_write(pa.Table.from_pandas(merged, preserve_index=False), path)
            return UpsertResult(schema.name, rows, 1, 0, added, rows - added)
        self._atomic_write(part, path)
        return UpsertResult(schema.name, rows, 1, 0, rows, 0)

    def _atomic_write(self, table: pa.Table, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=".tmp-", suffix=".parquet", dir=path.parent)
        tmp = Path(tmp_name)
        try:
            with os.fdopen(fd, "wb") as handle:
                pq.write_table(table, handle, compression="zstd")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, path)  # the caller fsyncs the folder once per upsert
        except BaseException as exc:
            with contextlib.suppress(OSError):
                tmp.unlink()
            if isinstance(exc, OSError):
                raise StoreError(f"cannot write {path}: {exc}") from exc
            raise

    def _read_file(self, schema: TableSchema, path: Path) -> pd.DataFrame:
        return _conform(self._read_table(path).to_pandas(), schema)

    def _read_table(self, path: Path) -> pa.Table:
        try:
            return pq.read_table(path, use_threads=False)  # partitions are read in parallel
        except (OSError, pa.ArrowException) as exc:
            raise StoreError(f"cannot read {path}: {exc}") from exc

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
        target = self.root / "raw" / digest[:2] / digest
        with self._locked():
            if keep_body and not target.exists():
                target.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp_name = tempfile.mkstemp(prefix=".tmp-", dir=target.parent)
                try:
                    with os.fdopen(fd, "wb") as handle:
                        handle.write(body)
                        handle.flush()
                        os.fsync(handle.fileno())
                    os.replace(tmp_name, target)
                    _fsync_dir(target.parent)
                except BaseException:
                    with contextlib.suppress(OSError):
                        os.unlink(tmp_name)
                    raise
            row = pd.DataFrame(
                {
                    "url": [url],
                    "fetched_at": [fetched_at or pd.Timestamp.now(tz="UTC")],
                    "sha256": [digest],
                    "bytes": [len(body)],
                    "source": [source],
                    "status": [status],
                }
            )
            existing = self._payload_row(url, digest, source)
            if existing is None:
                self._upsert_checked(_schema("payloads"), validate(row, "payloads"))
        return digest

    def _payload_row(self, url: str, digest: str, source: str) -> pd.DataFrame | None:
        path = self.partition_path("payloads", [source])
        if not path.exists():
            return None
        frame = self._read_file(_schema("payloads"), path)
        hit = frame[(frame["url"] == url) & (frame["sha256"] == digest)]
        return None if hit.empty else hit

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

    def latest_payload(self, url: str) -> tuple[bytes, pd.Timestamp] | None:
        """Return the newest archived body for a URL and its fetch time, if any."""
        frame = self.read("payloads")
        hit = frame[frame["url"] == url]
        if hit.empty:
            return None
        row = hit.sort_values("fetched_at").iloc[-1]
        return self.payload_body(str(row["sha256"])), pd.Timestamp(row["fetched_at"])

    # ------------------------------------------------------------------ reading
    def read(
        self,
        table: str,
        *,
        where: str | None = None,
        params: Sequence[Any] | None = None,
        files: Sequence[Path] | None = None,
    ) -> pd.DataFrame:
        """Read a table (or some of its files) as a frame with contract dtypes.

        Parameters
        ----------
        table
            Table name.
        where
            Optional SQL condition (DuckDB syntax) with ``?`` placeholders.
        params
            Values for the placeholders.
        files
            Restrict to these partition files.
        """
        schema = _schema(table)
        paths = list(files) if files is not None else self.files(schema.name)
        paths = [p for p in paths if p.exists()]
        if not paths:
            return empty_frame(schema)
        sql = "SELECT * FROM read_parquet(?, union_by_name=true)"
        args: list[Any] = [[str(p) for p in paths]]
        if where:
            sql += f" WHERE {where}"
            args.extend(params or [])
        try:
            with duckdb.connect() as con:
                frame = con.execute(sql, args).df()
        except duckdb.Error as exc:
            raise StoreError(f"cannot read table {table!r} from {self.root}: {exc}") from exc
        out = _conform(frame, schema)
        return out.sort_values(list(schema.sort_by), kind="mergesort").reset_index(drop=True)

    def query(self, sql: str, params: Sequence[Any] | None = None) -> pd.DataFrame:
        """Run SQL against views named after the tables (``bars``, ``series``, ...)."""
        try:
            with duckdb.connect() as con:
                self._register_views(con)
                return con.execute(sql, list(params or [])).df()
        except duckdb.Error as exc:
            raise StoreError(f"query failed on {self.root}: {exc}") from exc

    def connect(self) -> duckdb.DuckDBPyConnection:
        """Return an in-memory DuckDB connection with a view per table."""
        con = duckdb.connect()
        self._register_views(con)
        return con

    def _register_views(self, con: duckdb.DuckDBPyConnection) -> None:
        for name, schema in TABLES.items():
            paths = self.files(name)
            if paths:
                listing = ", ".join("'" + str(p).replace("'", "''") + "'" for p in paths)
                con.execute(
                    f"CREATE OR REPLACE VIEW {name} AS "
                    f"SELECT * FROM read_parquet([{listing}], union_by_name=true)"
                )
            else:
                con.register(f"_{name}_empty", empty_frame(schema))
                con.execute(f"CREATE OR REPLACE VIEW {name} AS SELECT * FROM _{name}_empty")

    def _symbol_files(self, table: str, symbols: Sequence[str] | None) -> list[Path]:
        if symbols is None:
            return self.files(table)
        wanted = {_encode(s) + ".parquet" for s in symbols}
        return [p for p in self.files(table) if p.name in wanted]

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
        """
        cols = ["symbol", "source", "rows", "first", "last", "has_ohlc", "has_field", "preferred"]
        files = self._symbol_files("bars", symbols)
        if not files:
            return pd.DataFrame(columns=cols)
        with ThreadPoolExecutor(max_workers=8) as pool:
            stats = list(pool.map(lambda p: _bars_file_stats(p, field), files))
        frame = pd.DataFrame(stats)
        if field in (None, "open", "high", "low"):
            order = ["symbol", "has_field", "has_ohlc", "rows", "last", "source"]
        else:
            order = ["symbol", "has_field", "last", "rows", "has_ohlc", "source"]
        frame = frame.sort_values(
            order, ascending=[True, False, False, False, False, True], kind="mergesort"
        )
        frame["preferred"] = ~frame.duplicated("symbol")
        return frame[cols].reset_index(drop=True)

    def bars(
        self,
        symbols: Sequence[str] | None = None,
        *,
        start: DateLike | None = None,
        end: DateLike | None = None,
        source: str | None = None,
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
            Read only this source.
        splice
            Without ``source``: start from the preferred source (see the module notes) and
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
        files = self._symbol_files("bars", symbols)
        if source is not None:
            files = [p for p in files if p.parent.name == _encode(source)]
        pref = self.sources(symbols, field=prefer_field) if source is None else None
        if pref is not None and not splice:
            chosen = {
                (_encode(r.source), _encode(r.symbol) + ".parquet")
                for r in pref[pref["preferred"]].itertuples()
            }
            files = [p for p in files if (p.parent.name, p.name) in chosen]
        where, params = _date_filter("date", start, end)
        if pref is None or not splice:
            return self.read("bars", where=where, params=params, files=files)
        multi = set(pref.loc[pref.duplicated("symbol", keep=False), "symbol"])
        single = {
            (_encode(r.source), _encode(r.symbol) + ".parquet")
            for r in pref[pref["preferred"] & ~pref["symbol"].isin(multi)].itertuples()
        }
        parts = [
            self.read(
                "bars",
                where=where,
                params=params,
                files=[p for p in files if (p.parent.name, p.name) in single],
            )
        ]
        for symbol in sorted(multi):
            order = pref.loc[pref["symbol"] == symbol, "source"].tolist()
            sym_files = [p for p in files if p.name == _encode(symbol) + ".parquet"]
            rows = self.read("bars", files=sym_files)
            parts.append(_restrict(_splice(rows, order), start, end))
        out = pd.concat([p for p in parts if not p.empty] or [parts[0]], ignore_index=True)
        return out.sort_values(["symbol", "date"], kind="mergesort").reset_index(drop=True)

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
        symbols' dates, missing values are NaN.
        """
        if source is not None:
            paths = [
                p for p in self._symbol_files("bars", symbols) if p.parent.name == _encode(source)
            ]
            multi: set[str] = set()
            names = [unquote(p.stem) for p in paths]
        else:
            pref = self.sources(symbols, field=field)
            if pref.empty:
                return pd.DataFrame(index=pd.DatetimeIndex([], name="date"))
            multi = set(pref.loc[pref.duplicated("symbol", keep=False), "symbol"])
            single = pref[pref["preferred"] & ~pref["symbol"].isin(multi)]
            paths = [self.partition_path("bars", [r.source, r.symbol]) for r in single.itertuples()]
            names = [str(s) for s in single["symbol"]]
        with ThreadPoolExecutor(max_workers=8) as pool:
            columns = list(pool.map(lambda p: _read_date_value(p, field), paths))
        if multi:
            ranked = pref[pref["symbol"].isin(multi)]
            cands = [
                (str(r.symbol), self.partition_path("bars", [r.source, r.symbol]))
                for r in ranked.itertuples()
            ]
            with ThreadPoolExecutor(max_workers=8) as pool:
                arrays = list(pool.map(lambda c: _read_splice_columns(c[1], field), cands))
            by_symbol: dict[str, list[tuple[np.ndarray, np.ndarray, np.ndarray]]] = {}
            for (sym, _), arr in zip(cands, arrays, strict=True):
                by_symbol.setdefault(sym, []).append(arr)
            for sym in sorted(by_symbol):
                columns.append(_splice_arrays(by_symbol[sym]))
                names.append(sym)
        wide = _assemble(columns, names)
        if start is not None:
            wide = wide[wide.index >= pd.Timestamp(start)]
        if end is not None:
            wide = wide[wide.index <= pd.Timestamp(end)]
        wide = wide.dropna(how="all")
        order = list(symbols) if symbols is not None else sorted(names)
        return wide.reindex(columns=[s for s in order if s in wide.columns])

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
        files = self._symbol_files("series", series_ids)
        where, params = _date_filter("date", start, end)
        if vintage is not None:
            where = f"({where}) AND vintage = ?" if where else "vintage = ?"
            params = [*params, vintage]
        tidy = self.read("series", where=where, params=params, files=files)
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

    def holdings(self, fund: str, *, as_of: DateLike | None = None) -> pd.DataFrame:
        """Return the fund's latest holdings snapshot on or before ``as_of`` (default: latest)."""
        frame = self.read("holdings", files=[self.partition_path("holdings", [fund])])
        if frame.empty:
            return frame
        if as_of is not None:
            frame = frame[frame["as_of"] <= pd.Timestamp(as_of)]
            if frame.empty:
                return frame
        latest = frame["as_of"].max()
        snapshot: pd.DataFrame = frame[frame["as_of"] == latest].reset_index(drop=True)
        return snapshot

    def fundamentals(
        self,
        symbols: Sequence[str] | None = None,
        *,
        concepts: Sequence[str] | None = None,
        source: str | None = None,
    ) -> pd.DataFrame:
        """Return tidy fundamentals rows (all filings; point-in-time selection is the caller's)."""
        files = self._symbol_files("fundamentals", symbols)
        if source is not None:
            files = [p for p in files if p.parent.name == _encode(source)]
        where, params = None, None
        if concepts is not None:
            where = "concept IN (SELECT unnest(?))"
            params = [list(concepts)]
        return self.read("fundamentals", where=where, params=params, files=files)

    # ------------------------------------------------------------------ catalog
    def info(self) -> StoreInfo:
        """Tables, rows, entities, date ranges, sizes, and a per-source breakdown."""
        infos: list[TableInfo] = []
        per_source: list[pd.DataFrame] = []
        with duckdb.connect() as con:
            for name in TABLES:
                files = self.files(name)
                size = sum(p.stat().st_size for p in files)
                if name == "payloads":
                    raw = self.root / "raw"
                    if raw.is_dir():
                        size += sum(p.stat().st_size for p in raw.glob("*/*") if p.is_file())
                if not files:
                    infos.append(TableInfo(name, 0, 0, 0, None, None, size, ()))
                    continue
                dcol, ecol = _DATE_COLUMN[name], _ENTITY_COLUMN[name]
                stats = con.execute(
                    f"SELECT source, count(*) AS rows, count(DISTINCT {ecol}) AS entities, "
                    f"min({dcol}) AS first, max({dcol}) AS last "
                    f"FROM read_parquet(?, union_by_name=true) GROUP BY source ORDER BY source",
                    [[str(p) for p in files]],
                ).df()
                total = con.execute(
                    f"SELECT count(DISTINCT {ecol}) FROM read_parquet(?, union_by_name=true)",
                    [[str(p) for p in files]],
                ).fetchone()
                stats.insert(0, "table", name)
                per_source.append(stats)
                infos.append(
                    TableInfo(
                        name,
                        len(files),
                        int(stats["rows"].sum()),
                        int(total[0]) if total else 0,
                        pd.Timestamp(stats["first"].min()),
                        pd.Timestamp(stats["last"].max()),
                        size,
                        tuple(str(s) for s in stats["source"]),
                    )
                )
        by_source = (
            pd.concat(per_source, ignore_index=True)
            if per_source
            else pd.DataFrame(columns=["table", "source", "rows", "entities", "first", "last"])
        )
        return StoreInfo(self.root, tuple(infos), by_source)

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
        src = self.sources()
        multi = src[src.duplicated("symbol", keep=False)]
        rows: list[dict[str, Any]] = []
        for symbol, group in multi.groupby("symbol"):
            tidy = self.read("bars", files=self._symbol_files("bars", [str(symbol)]))
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
        return pd.DataFrame(
            rows,
            columns=[
                "symbol",
                "source_a",
                "source_b",
                "overlap_days",
                "days_beyond",
                "max_abs_diff",
                "worst_date",
            ],
        )


def _schema(table: str) -> TableSchema:
    try:
        return TABLES[table]
    except KeyError:
        raise SchemaError(f"unknown table {table!r}; valid tables are {sorted(TABLES)}") from None


def _conform(frame: pd.DataFrame, schema: TableSchema) -> pd.DataFrame:
    """Give a frame read from Parquet/DuckDB the contract's column order and dtypes."""
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


def _bars_file_stats(path: Path, field: str | None = None) -> dict[str, Any]:
    """Rows, date range, OHLC and ``field`` presence of one bars file, from its Parquet footer."""
    meta = pq.ParquetFile(path).metadata
    names = [meta.schema.column(i).name for i in range(meta.num_columns)]
    first: Any = None
    last: Any = None
    watched = {"open", "high", "low"} | ({field} if field else set())
    nulls = dict.fromkeys(watched, 0)
    for g in range(meta.num_row_groups):
        group = meta.row_group(g)
        for i, name in enumerate(names):
            st = group.column(i).statistics
            if st is None:
                if name in nulls:
                    nulls[name] += group.num_rows
                continue
            if name == "date" and st.has_min_max:
                first = st.min if first is None else min(first, st.min)
                last = st.max if last is None else max(last, st.max)
            if name in nulls:
                nulls[name] += st.null_count if st.has_null_count else group.num_rows
    rows = meta.num_rows
    return {
        "symbol": unquote(path.stem),
        "source": unquote(path.parent.name),
        "rows": rows,
        "first": pd.Timestamp(first) if first is not None else pd.NaT,
        "last": pd.Timestamp(last) if last is not None else pd.NaT,
        "has_ohlc": rows > 0 and all(nulls[c] < rows for c in ("open", "high", "low")),
        "has_field": rows > 0 and (field is None or nulls[field] < rows),
    }


def _read_date_value(path: Path, field: str) -> tuple[np.ndarray, np.ndarray]:
    table = pq.read_table(path, columns=["date", field], use_threads=False)
    dates = table.column("date").to_numpy().astype("datetime64[ns]")
    values = table.column(field).to_numpy(zero_copy_only=False).astype(float)
    return dates, values


def _read_splice_columns(path: Path, field: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Dates, the field, and a (close, adj_close) check matrix of one bars file."""
    wanted = list(dict.fromkeys(["date", "close", "adj_close", field]))
    table = pq.read_table(path, columns=wanted, use_threads=False)
    dates = table.column("date").to_numpy().astype("datetime64[ns]")
    check = np.column_stack(
        [
            table.column(c).to_numpy(zero_copy_only=False).astype(float)
            for c in ("close", "adj_close")
        ]
    )
    values = table.column(field).to_numpy(zero_copy_only=False).astype(float)
    return dates, values, check


def _splice_arrays(
    parts: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray]:
    """Array version of :func:`_splice` for one field; ``parts`` in preference order."""
    dates, values, check = parts[0]
    for o_dates, o_values, o_check in parts[1:]:
        common, ia, ib = np.intersect1d(dates, o_dates, assume_unique=True, return_indices=True)
        if len(common) < _SPLICE_MIN_OVERLAP:
            continue
        a, b = check[ia], o_check[ib]
        both = ~(np.isnan(a) | np.isnan(b))
        if not both[:, 0].any() or not both[:, 1].any():
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.abs(b[both] / a[both] - 1.0)
        if np.any(~(rel <= _SPLICE_RTOL)):
            continue
        outside = (o_dates < dates.min()) | (o_dates > dates.max())
        dates = np.concatenate([dates, o_dates[outside]])
        values = np.concatenate([values, o_values[outside]])
        check = np.concatenate([check, o_check[outside]])
        order = np.argsort(dates, kind="mergesort")
        dates, values, check = dates[order], values[order], check[order]
    return dates, values


def _assemble(
    columns: Sequence[tuple[np.ndarray, np.ndarray]], names: Sequence[str]
) -> pd.DataFrame:
    """Align per-symbol (dates, values) arrays on the union of dates."""
    if not columns:
        return pd.DataFrame(index=pd.DatetimeIndex([], name="date"))
    index = np.unique(np.concatenate([d for d, _ in columns]))
    out = np.full((len(index), len(columns)), np.nan)
    for j, (dates, values) in enumerate(columns):
        out[np.searchsorted(index, dates), j] = values
    return pd.DataFrame(out, index=pd.DatetimeIndex(index, name="date"), columns=list(names))


def _pivot(tidy: pd.DataFrame, field: str, symbols: Sequence[str] | None) -> pd.DataFrame:
    if tidy.empty:
        return pd.DataFrame(index=pd.DatetimeIndex([], name="date"))
    wide = tidy.pivot(index="date", columns="symbol", values=field).sort_index()
    wide.columns.name = None
    if symbols is not None:
        wide = wide.reindex(columns=[s for s in symbols if s in wide.columns])
    return wide


_SPLICE_RTOL = 1e-6
_SPLICE_MIN_OVERLAP = 5


def _splice(rows: pd.DataFrame, order: Sequence[str]) -> pd.DataFrame:
    """Join one symbol's sources that agree exactly, preferred source first (see Store.bars)."""
    by_source = {str(k): g for k, g in rows.groupby("source", sort=False)}
    base = by_source[order[0]].set_index("date")
    for name in order[1:]:
        other = by_source[name].set_index("date")
        common = base.index.intersection(other.index)
        if len(common) < _SPLICE_MIN_OVERLAP:
            continue
        agree = True
        for col in ("close", "adj_close"):
            a = base.loc[common, col].to_numpy(dtype=float)
            b = other.loc[common, col].to_numpy(dtype=float)
            both = ~(np.isnan(a) | np.isnan(b))
            if not both.any() or np.any(np.abs(b[both] / a[both] - 1.0) > _SPLICE_RTOL):
                agree = False
                break
        if not agree:
            continue
        outside = other[(other.index < base.index.min()) | (other.index > base.index.max())]
        base = pd.concat([base, outside]).sort_index()
    return base.reset_index()


def _restrict(rows: pd.DataFrame, start: DateLike | None, end: DateLike | None) -> pd.DataFrame:
    if start is not None:
        rows = rows[rows["date"] >= pd.Timestamp(start)]
    if end is not None:
        rows = rows[rows["date"] <= pd.Timestamp(end)]
    return rows


def _frames_equal(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    try:
        pd.testing.assert_frame_equal(
            a.reset_index(drop=True), b.reset_index(drop=True), check_exact=True
        )
    except AssertionError:
        return False
    return True


def _date_filter(
    column: str, start: DateLike | None, end: DateLike | None
) -> tuple[str | None, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    if start is not None:
        clauses.append(f"{column} >= ?")
        params.append(pd.Timestamp(start).to_pydatetime())
    if end is not None:
        clauses.append(f"{column} <= ?")
        params.append(pd.Timestamp(end).to_pydatetime())
    return (" AND ".join(clauses) or None), params


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
