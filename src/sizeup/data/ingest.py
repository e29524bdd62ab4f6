"""Import local files in the sources' real formats into the store.

:func:`read_file` turns one file into store frames (format sniffed from the content, gzip
undone transparently); :func:`import_paths` imports files and folders (recursively, hidden
files skipped) and returns an :class:`ImportReport` with one :class:`FileReport` per file.

Rules
-----
* A file that is not in a recognised format, or is malformed, fails alone with an
  :class:`~sizeup.errors.ImportFormatError` naming the file, the line and what was expected;
  nothing from it is written and the other files go on.
* Files that hold no market data (the data MANIFEST, ``_provenance.json``, a holiday
  calendar) are reported as skipped with the reason.
* The ``source`` of every row is ``<format>/<parent folder name>`` (``yahoo_csv/
  etf_ohlcv_adjusted``, ``matrix_csv/xsec``) unless given, so overlapping files of one symbol
  stay separate sources.
* A file without a symbol inside takes it from the file name (``IWM.csv`` -> ``IWM``,
  ``IDX_RUT.csv`` -> ``^RUT``); ``Date,Value`` FRED copies take the series id from it
  (``DGS10.csv`` -> ``FRED:DGS10``); French files that state no CRSP vintage take a ``YYYYMM``
  in the file name (``..._full_202412.CSV``, ``..._to202511.csv``) so two trimmed vintages do
  not overwrite each other; holdings files without a fund name take ``IJR`` from
  ``IJR_holdings_....csv``.
* Price data are kept as the files have them (partial last bars, bad ticks, repeated identical
  rows are the exception: exact duplicates are dropped and counted); the report counts rows
  that break the OHLC ordering (:func:`sizeup.data.formats.prices.ohlc_suspicious`).
* Each imported file is recorded in ``payloads`` (path, SHA-256, size; body not kept).
  Re-importing the same files changes nothing.
* :func:`import_paths` parses in a thread pool and writes small files in batches (one store
  version per batch, see :meth:`sizeup.data.store.Store.write_batch`); every file is still
  checked on its own and applied whole or not at all.
"""

from __future__ import annotations

import csv
import ctypes
import functools
import hashlib
import io
import logging
import re
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal

import pandas as pd
import pyarrow as pa

from sizeup.data.formats import detect, fred, french, ishares, prices
from sizeup.data.schema import SYMBOLS
from sizeup.data.store import (
    ChangesRefusedError,
    CheckedFrames,
    Store,
    UpsertResult,
    check_frames,
    payload_row,
)
from sizeup.errors import ImportFormatError, SchemaError, SizeupError, StoreError
from sizeup.types import DateLike

__all__ = [
    "FileReport",
    "ImportReport",
    "ParsedFile",
    "expand_paths",
    "import_file",
    "import_paths",
    "read_file",
]

log = logging.getLogger(__name__)

Status = Literal["imported", "unchanged", "dry-run", "skipped", "failed"]

_PRICE_FORMATS: Final = frozenset(
    {"yahoo_csv", "yfinance_csv", "close_csv", "matrix_csv", "alphavantage_csv"}
)
_ENTITY: Final = {
    "bars": "symbol",
    "actions": "symbol",
    "series": "series_id",
    "holdings": "symbol",
    "fundamentals": "symbol",
    "symbols": "symbol",
}
_VINTAGE_IN_NAME: Final = re.compile(r"(?<!\d)((?:19|20)\d{2}(?:0[1-9]|1[0-2]))(?!\d)")
_FUND_IN_NAME: Final = re.compile(r"^([A-Za-z]{2,5})_holdings", re.IGNORECASE)
_FUND_IN_STEM: Final = re.compile(r"^([A-Za-z]{2,5})(?=[_\-.])")
_FRED_IN_NAME: Final = re.compile(r"^([A-Za-z0-9_]{2,40})$")
# files above this size count as big: few of them are in memory at once (small ones overlap)
_BIG_FILE_BYTES: Final = 4 * 1024 * 1024
# big files parsed, waiting or being written at once: 1 keeps the import of ../shared/data
# near 1.3 GB of memory (2 overlaps the next parse with the write but peaks near 1.5 GB)
_BIG_FILES_IN_FLIGHT: Final = 1
# small files parsed ahead of the file being written (their bytes on disk): the other workers
# parse them while a big file is parsed alone
_SMALL_BYTES_AHEAD: Final = 64 * 1024 * 1024


# ---------------------------------------------------------------------------- results
@dataclass(frozen=True)
class ParsedFile:
    """One file read into store frames (nothing written yet).

    Parameters
    ----------
    path
        The file.
    format
        Detected format (see :data:`sizeup.data.formats.detect.FORMATS`).
    source
        Source label written in the rows.
    frames
        Table name -> rows (empty when the file was skipped).
    skipped
        Why the file holds no market data, or empty.
    suspicious
        Bars rows breaking the OHLC ordering or with non-positive prices.
    duplicates_dropped
        Exact duplicate rows dropped.
    body
        The raw bytes as read (before decompression), for the payload record.
    """

    path: Path
    format: str
    source: str
    frames: Mapping[str, pd.DataFrame]
    skipped: str = ""
    suspicious: int = 0
    duplicates_dropped: int = 0
    body: bytes = field(default=b"", repr=False)

    @property
    def rows(self) -> int:
        """Rows over all tables."""
        return sum(len(f) for f in self.frames.values())

    @property
    def symbols(self) -> int:
        """Distinct symbols / series ids / holdings over all tables."""
        names: set[str] = set()
        for table, frame in self.frames.items():
            col = _ENTITY.get(table)
            if col and col in frame.columns:
                names.update(str(v) for v in pd.unique(frame[col]))
        return len(names)


@dataclass(frozen=True)
class FileReport:
    """What happened to one file."""

    path: str
    format: str
    status: Status
    tables: tuple[str, ...] = ()
    rows: int = 0
    symbols: int = 0
    files_written: int = 0
    suspicious: int = 0
    duplicates_dropped: int = 0
    message: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        """True when the file was imported, already present, or parsed in a dry run."""
        return self.status in ("imported", "unchanged", "dry-run")


@dataclass(frozen=True)
class ImportReport:
    """Result of :func:`import_paths`."""

    files: tuple[FileReport, ...]
    results: Mapping[str, UpsertResult]
    seconds: float

    @property
    def imported(self) -> int:
        """Files whose data are in the store (written now or already identical)."""
        return sum(1 for f in self.files if f.ok)

    @property
    def failed(self) -> int:
        """Files that could not be imported."""
        return sum(1 for f in self.files if f.status == "failed")

    @property
    def rows(self) -> int:
        """Rows read from the imported files."""
        return sum(f.rows for f in self.files if f.ok)

    @property
    def files_written(self) -> int:
        """Store data files written (0 when re-importing the same data)."""
        return sum(r.files_written for r in self.results.values())

    @property
    def rows_added(self) -> int:
        """Rows whose key was new to the store."""
        return sum(r.rows_added for r in self.results.values())

    @property
    def rows_changed(self) -> int:
        """Stored rows whose values were replaced."""
        return sum(r.rows_updated for r in self.results.values())

    def to_frame(self) -> pd.DataFrame:
        """One row per file."""
        return pd.DataFrame(
            [
                {
                    "path": f.path,
                    "format": f.format,
                    "status": f.status,
                    "tables": ",".join(f.tables),
                    "rows": f.rows,
                    "symbols": f.symbols,
                    "files_written": f.files_written,
                    "suspicious": f.suspicious,
                    "duplicates_dropped": f.duplicates_dropped,
                    "message": f.message,
                    "seconds": f.seconds,
                }
                for f in self.files
            ]
        )

    def summary(self) -> str:
        """One line: files imported / skipped / failed, rows, partition files written, time."""
        skipped = sum(1 for f in self.files if f.status == "skipped")
        return (
            f"{self.imported} files imported, {skipped} skipped, {self.failed} failed; "
            f"{self.rows:,} rows read, {self.rows_added:,} added, {self.rows_changed:,} changed; "
            f"{self.seconds:.1f} s"
        )


# ---------------------------------------------------------------------------- reading
def expand_paths(paths: Iterable[Path | str]) -> list[Path]:
    """Files named, plus every file under the folders named (recursively, hidden ones skipped).

    Raises
    ------
    ImportFormatError
        A path does not exist.
    """
    out: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for sub in sorted(path.rglob("*")):
                rel = sub.relative_to(path)
                if sub.is_file() and not any(part.startswith(".") for part in rel.parts):
                    out.append(sub)
        elif path.is_file():
            out.append(path)
        else:
            raise ImportFormatError("no such file or folder", path=str(path))
    return out


def read_file(
    path: Path | str,
    *,
    source: str | None = None,
    symbol: str | None = None,
    fund: str | None = None,
    as_of: DateLike | None = None,
    tickers: Mapping[int, str] | None = None,
) -> ParsedFile:
    """Read one file into store frames; the format is sniffed from the content.

    Parameters
    ----------
    path
        The file (``.gz`` is decompressed whatever its name).
    source
        Source label for the rows (default ``<format>/<parent folder name>``).
    symbol
        Symbol of a single-symbol price file, or series id of a FRED file (overrides the file).
    fund, as_of
        Holdings files: fund id and snapshot date (override the file's preamble).
    tickers
        CIK -> symbol map used for SEC companyfacts files.

    Returns
    -------
    ParsedFile
        Frames ready for :meth:`sizeup.data.store.Store.write` (validated there), or a skip reason.

    Raises
    ------
    ImportFormatError
        Unreadable, unknown or malformed file.
    """
    path = Path(path)
    name = str(path)
    try:
        body = path.read_bytes()
    except OSError as exc:
        raise ImportFormatError(f"cannot read the file: {exc}", path=name) from exc
    data = detect.decompress(body, name=name)
    fmt = detect.detect_format(data[: detect.HEAD_BYTES])
    label = source or f"{fmt}/{path.parent.name or '.'}"
    if fmt in detect.NOT_MARKET_DATA:
        return ParsedFile(path, fmt, label, {}, skipped=detect.NOT_MARKET_DATA[fmt], body=body)
    frames = _parse(
        data, fmt, path=path, label=label, symbol=symbol, fund=fund, as_of=as_of, tickers=tickers
    )
    bars = frames.get("bars")
    suspicious = prices.ohlc_suspicious(bars) if bars is not None else 0
    dups = sum(int(f.attrs.get("duplicate_rows_dropped", 0)) for f in frames.values())
    return ParsedFile(
        path, fmt, label, frames, suspicious=suspicious, duplicates_dropped=dups, body=body
    )


def _parse(
    data: bytes,
    fmt: str,
    *,
    path: Path,
    label: str,
    symbol: str | None,
    fund: str | None,
    as_of: DateLike | None,
    tickers: Mapping[int, str] | None,
) -> dict[str, pd.DataFrame]:
    name = str(path)
    if fmt in _PRICE_FORMATS:
        return prices.parse_price_csv(
            data,
            name=name,
            symbol=symbol,
            source=label,
            fallback_symbol=prices.symbol_from_stem(path.name),
            check=False,
        )
    if fmt in ("stooq_csv", "stooq_error"):
        sym = symbol or prices.symbol_from_stem(path.name)
        if sym is None:
            raise ImportFormatError("Stooq file names no symbol; pass --symbol", path=name)
        return {
            "bars": prices.parse_stooq_csv(data, name=name, symbol=sym, source=label, check=False)
        }
    if fmt == "fred_csv":
        series = symbol
        head = data[:200].decode("utf-8", errors="replace").lower()
        if series is None and head.lstrip("\ufeff").startswith("date,value"):
            stem = path.name.split(".")[0]
            series = stem.upper() if _FRED_IN_NAME.match(stem) else None
        return {"series": fred.parse_fred_csv(data, name=name, series_id=series, source=label)}
    if fmt in ("french_csv", "french5_csv"):
        found = _VINTAGE_IN_NAME.findall(path.name)
        return {
            "series": french.parse_french_csv(
                data, name=name, source=label, vintage=found[-1] if found else None
            )
        }
    if fmt == "ishares_csv":  # holdings, plus the preamble's shares outstanding as a series
        match = _FUND_IN_NAME.match(path.name)
        return ishares.parse_holdings_file(
            data,
            name=name,
            fund=fund,
            as_of=as_of,
            source=label,
            fallback_fund=match.group(1).upper() if match else None,
        )
    if fmt in ("ishares_fund_xml", "ishares_history_csv"):  # daily NAV and shares outstanding
        from sizeup.data.formats.ishares_history import parse_fund_history

        match = _FUND_IN_STEM.match(path.name)
        return {
            "series": parse_fund_history(
                data, name=name, fund=fund, fallback_fund=match.group(1).upper() if match else None
            )
        }
    if fmt == "constituents_csv":
        return {"symbols": _parse_constituents(data, name=name, source=label)}
    if fmt in _FUNDAMENTAL_TABLE:
        return {
            _FUNDAMENTAL_TABLE[fmt]: _parse_fundamentals(
                data, fmt, name=name, label=label, tickers=tickers
            )
        }
    raise ImportFormatError(
        "unrecognised format; expected a Yahoo/yfinance/Stooq/Alpha Vantage price CSV, a "
        "date x ticker matrix, a FRED CSV, a Ken French CSV, an iShares holdings CSV, an SEC "
        "companyfacts/company_tickers JSON or a SimFin CSV",
        path=name,
        line=1,
    )


_FUNDAMENTAL_TABLE: Final = {
    "sec_companyfacts_json": "fundamentals",
    "sec_company_tickers_json": "symbols",
    "simfin_csv": "fundamentals",
    "simfin_income_csv": "fundamentals",
    "simfin_balance_csv": "fundamentals",
    "simfin_cashflow_csv": "fundamentals",
}


def _parse_fundamentals(
    data: bytes, fmt: str, *, name: str, label: str, tickers: Mapping[int, str] | None
) -> pd.DataFrame:
    """Call the SEC / SimFin parsers (imported lazily) and relabel the source."""
    try:
        if fmt.startswith("simfin_"):
            from sizeup.data.formats.simfin import parse_simfin_csv

            frame = parse_simfin_csv(data, name=name)
        else:
            from sizeup.data.formats import sec

            if fmt == "sec_company_tickers_json":
                frame = sec.parse_company_tickers(data, name=name)
            else:
                frame = sec.parse_companyfacts(data, name=name, tickers=tickers)
    except ImportError as exc:
        raise ImportFormatError(
            f"the {fmt} parser is not available in this installation ({exc})", path=name
        ) from exc
    return frame.assign(source=label)


def _parse_constituents(data: bytes, *, name: str, source: str) -> pd.DataFrame:
    """Index-member lists (``Symbol,Security,...,CIK`` / ``Ticker,Name,...,Exchange``)."""
    text = "\n".join(prices.split_lines(data))
    rows = list(csv.reader(io.StringIO(text)))
    if len(rows) < 2:
        raise ImportFormatError("member list without rows", path=name, line=2)
    header = [h.strip().lower() for h in rows[0]]
    sym_col = header.index("symbol") if "symbol" in header else header.index("ticker")
    name_col = header.index("security") if "security" in header else header.index("name")
    cik_col = header.index("cik") if "cik" in header else None
    exch_col = header.index("exchange") if "exchange" in header else None
    out: list[dict[str, object]] = []
    first_name: dict[str, str] = {}
    for k, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row):
            continue
        if len(row) != len(header):
            raise ImportFormatError(
                f"expected {len(header)} fields like the header, found {len(row)}",
                path=name,
                line=k,
            )
        ticker = row[sym_col].strip()
        if ticker in ("", "-"):
            continue  # private / unlisted holdings have no symbol
        title = row[name_col].strip()
        symbol = prices.canonical_symbol(ticker)
        if first_name.setdefault(symbol, title) != title:
            symbol = f"{symbol}:{title}"  # same ticker, another security (as in holdings)
        cik: object = None
        if cik_col is not None and row[cik_col].strip():
            try:
                cik = int(row[cik_col].strip())
            except ValueError as exc:
                raise ImportFormatError(
                    f"CIK {row[cik_col]!r} is not an integer", path=name, line=k
                ) from exc
        out.append(
            {
                "symbol": symbol,
                "name": title,
                "cik": cik,
                "exchange": row[exch_col].strip() if exch_col is not None else None,
                "asset_type": "equity",
                "source": source,
            }
        )
    frame = pd.DataFrame(out, columns=[*SYMBOLS.column_names])
    dup = frame.duplicated("symbol")
    if dup.any():
        raise ImportFormatError(
            f"symbol {frame.loc[dup, 'symbol'].iloc[0]!r} is listed twice", path=name
        )
    return frame


# ---------------------------------------------------------------------------- importing
def import_file(
    path: Path | str,
    store: Store,
    *,
    source: str | None = None,
    symbol: str | None = None,
    fund: str | None = None,
    as_of: DateLike | None = None,
    dry_run: bool = False,
    known: frozenset[tuple[str, str]] = frozenset(),
    accept_changes: bool = False,
) -> tuple[FileReport, dict[str, UpsertResult]]:
    """Import one file as one store commit; never raises for a bad file (the report says why).

    The file's rows and its ``payloads`` record are written together, or nothing is written:
    rows breaking a value rule and changes to stored values beyond the thresholds (unless
    ``accept_changes``) make the file fail (see :mod:`sizeup.data.store`).

    ``known`` holds (resolved path, SHA-256) pairs already imported (see
    :func:`imported_files`); a file whose content is among them is reported ``unchanged``
    without being parsed again.
    """
    started = time.perf_counter()
    ready = _prepare(
        Path(path),
        store,
        _Options(source, symbol, fund, as_of, known, check=not dry_run),
        started=started,
    )
    if isinstance(ready, FileReport):
        return ready, {}
    if ready.checked is None:
        return _file_report(ready, {}, "dry-run", started), {}
    outcome = store.write_batch([(ready.name, ready.checked)], accept_changes=accept_changes)[0]
    return _outcome(ready, outcome, started)


@dataclass(frozen=True)
class _Options:
    """Overrides for every file, (path, digest) pairs already imported, check for a write."""

    source: str | None
    symbol: str | None
    fund: str | None
    as_of: DateLike | None
    known: frozenset[tuple[str, str]]
    check: bool = True


@dataclass(frozen=True)
class _Ready:
    """A parsed file reduced to what its report needs, plus its rows checked for the store.

    The pandas frames are gone: only the Arrow tables of :func:`check_frames` stay until the
    write (``None`` in a dry run).
    """

    name: str
    format: str
    tables: tuple[str, ...]
    rows: int
    symbols: int
    suspicious: int
    duplicates_dropped: int
    checked: CheckedFrames | None


def _prepare(path: Path, store: Store, opts: _Options, *, started: float) -> _Ready | FileReport:
    """Parse and check one file, or report why it is unchanged, skipped or failed.

    Runs in the parse threads: the checks (contract, value rules, sort) happen here, so the
    writing thread only compares with the stored rows and commits.
    """
    name = str(path)
    if opts.known:
        try:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            digest = ""
        if (str(path.resolve()), digest) in opts.known:
            return FileReport(
                name,
                "-",
                "unchanged",
                message="same content as an earlier import (use --force to parse it again)",
                seconds=time.perf_counter() - started,
            )
    try:
        parsed = read_file(
            path,
            source=opts.source,
            symbol=opts.symbol,
            fund=opts.fund,
            as_of=opts.as_of,
            tickers=_StoreTickers(store),
        )
    except ImportFormatError as exc:
        log.info("%s", exc)
        return FileReport(
            name,
            _sniff(path),
            "failed",
            message=_without_name(str(exc), name),
            seconds=time.perf_counter() - started,
        )
    if parsed.skipped:
        return FileReport(
            name,
            parsed.format,
            "skipped",
            message=parsed.skipped,
            seconds=time.perf_counter() - started,
        )
    checked: CheckedFrames | None = None
    if opts.check:
        frames = dict(parsed.frames)
        frames["payloads"] = payload_row(parsed.body, url=name, source=parsed.source)
        try:
            checked = check_frames(frames)
        except SchemaError as exc:
            return _failed(name, parsed.format, exc, started)
    return _Ready(
        name,
        parsed.format,
        tuple(parsed.frames),
        parsed.rows,
        parsed.symbols,
        parsed.suspicious,
        parsed.duplicates_dropped,
        checked,
    )


def _without_name(message: str, name: str) -> str:
    if message.startswith(name + ": ") or message.startswith(name + ", line"):
        return message[len(name) :].lstrip(",: ")
    return message


def _failed(name: str, fmt: str, exc: SizeupError, started: float) -> FileReport:
    """Report a file whose rows were refused (nothing of it was written)."""
    what = "rows break the store contract" if isinstance(exc, SchemaError) else "refused"
    err = ImportFormatError(f"{what}: {exc}", path=name)
    log.info("%s", err)
    return FileReport(
        name,
        fmt,
        "failed",
        message=str(err)[len(name) + 2 :],
        seconds=time.perf_counter() - started,
    )


def _outcome(
    ready: _Ready,
    outcome: dict[str, UpsertResult] | SizeupError,
    started: float,
) -> tuple[FileReport, dict[str, UpsertResult]]:
    """Turn a file's write outcome into its report and its per-table results."""
    if isinstance(outcome, SizeupError):
        if not isinstance(outcome, (SchemaError, ChangesRefusedError)):
            raise outcome
        return _failed(ready.name, ready.format, outcome, started), {}
    results = dict(outcome)
    results.pop("payloads", None)
    written = sum(r.rows_added + r.rows_updated for r in results.values())
    return _file_report(ready, results, "imported" if written else "unchanged", started), results


def _file_report(
    ready: _Ready, results: Mapping[str, UpsertResult], status: Status, started: float
) -> FileReport:
    notes = []
    if ready.suspicious:
        notes.append(f"{ready.suspicious} rows break OHLC ordering or have prices <= 0")
    if ready.duplicates_dropped:
        notes.append(f"{ready.duplicates_dropped} exact duplicate rows dropped")
    for res in results.values():
        if res.note:
            notes.append(res.note)
        if res.changes is not None and res.changes.rows_changed:
            notes.append(res.changes.summary())
    return FileReport(
        ready.name,
        ready.format,
        status,
        tables=ready.tables,
        rows=ready.rows,
        symbols=ready.symbols,
        files_written=sum(r.files_written for r in results.values()),
        suspicious=ready.suspicious,
        duplicates_dropped=ready.duplicates_dropped,
        message="; ".join(notes),
        seconds=time.perf_counter() - started,
    )


def import_paths(
    paths: Sequence[Path | str],
    store: Store,
    *,
    source: str | None = None,
    symbol: str | None = None,
    fund: str | None = None,
    as_of: DateLike | None = None,
    dry_run: bool = False,
    progress: Callable[[FileReport], None] | None = None,
    workers: int = 2,
    force: bool = False,
    accept_changes: bool = False,
) -> ImportReport:
    """Import files and folders into the store.

    Files are parsed in a thread pool and written in batches: small files go to the store
    together (one store version per batch, see :meth:`Store.write_batch`), a file of at least
    :data:`BATCH_ROWS` rows alone. Each file is still applied whole or not at all, and a file
    that fails writes nothing of itself while the other files of its batch land.

    Parameters
    ----------
    paths
        Files and folders (folders are walked recursively; hidden files are skipped).
    store
        Target store.
    source
        Source label for every file (default ``<format>/<parent folder name>`` per file).
    symbol, fund, as_of
        Overrides passed to every file (see :func:`read_file`).
    dry_run
        Parse and report, write nothing.
    progress
        Called with each file's report, in processing order.
    workers
        Files parsed concurrently (parsing overlaps with the writes, which one thread does in
        order). 1 parses strictly one file at a time.
    force
        Parse every file again. By default a file whose path and content (SHA-256) were
        already imported without overrides is reported ``unchanged`` without being parsed.
    accept_changes
        Write changes to stored values beyond the thresholds (a price moving by more than
        50 %, a value turning into NULL) instead of failing the file.

    Returns
    -------
    ImportReport
        Per-file reports (sorted by path) and the summed upsert results per table.
    """
    started = time.perf_counter()
    first, rest = _ordered(expand_paths(paths))
    reports: list[FileReport] = []
    totals: dict[str, UpsertResult] = {}

    overrides = (source, symbol, fund, as_of)
    known = frozenset() if force or any(o is not None for o in overrides) else imported_files(store)
    opts = _Options(source, symbol, fund, as_of, known, check=not dry_run)

    def collect(report: FileReport, results: Mapping[str, UpsertResult]) -> None:
        for table, res in results.items():
            totals[table] = totals[table] + res if table in totals else res
        reports.append(report)
        if progress is not None:
            progress(report)

    for path in first:  # symbol directories before the files that need them
        collect(
            *import_file(
                path,
                store,
                source=source,
                symbol=symbol,
                fund=fund,
                as_of=as_of,
                dry_run=dry_run,
                known=known,
                accept_changes=accept_changes,
            )
        )
    batch = _Batch(store, accept_changes, collect)
    for _path, prepared, t0 in _parsed(rest, store, opts, workers):
        if isinstance(prepared, FileReport):
            collect(prepared, {})
        elif prepared.checked is None:
            collect(_file_report(prepared, {}, "dry-run", t0), {})
        else:
            batch.add(prepared, t0)
        del prepared
    batch.flush()
    reports.sort(key=lambda r: r.path)
    return ImportReport(tuple(reports), totals, time.perf_counter() - started)


BATCH_ROWS: Final = 500_000
"""Rows of small files written in one store version; a file this big is written alone."""
BATCH_FILES: Final = 200
"""Files written in one store version at most."""


class _Batch:
    """Parsed files waiting to be written together (bounded by rows and files)."""

    def __init__(
        self,
        store: Store,
        accept_changes: bool,
        collect: Callable[[FileReport, Mapping[str, UpsertResult]], None],
    ) -> None:
        self.store = store
        self.accept_changes = accept_changes
        self.collect = collect
        self.files: list[tuple[_Ready, float]] = []
        self.rows = 0

    def add(self, parsed: _Ready, started: float) -> None:
        if parsed.rows >= BATCH_ROWS:
            self.flush()  # the files before it first: the order of the files is kept
            self._write([(parsed, started)])  # big files alone: memory stays bounded
            return
        if self.rows + parsed.rows > BATCH_ROWS or len(self.files) >= BATCH_FILES:
            self.flush()
        self.files.append((parsed, started))
        self.rows += parsed.rows

    def flush(self) -> None:
        files, self.files, self.rows = self.files, [], 0
        if files:
            self._write(files)

    def _write(self, files: list[tuple[_Ready, float]]) -> None:
        outcomes = self.store.write_batch(
            [(p.name, p.checked) for p, _ in files if p.checked is not None],
            accept_changes=self.accept_changes,
        )
        for (parsed, t0), outcome in zip(files, outcomes, strict=True):
            self.collect(*_outcome(parsed, outcome, t0))
        if sum(p.rows for p, _ in files) >= BATCH_ROWS:
            _give_back_memory()


def _give_back_memory() -> None:
    """Return freed memory to the OS after a big write (Arrow's pool, then glibc's heap).

    Without it the freed buffers of one big file stay in the process (allocator caches and
    per-thread arenas) while the next one is parsed, and the peak adds up.
    """
    pa.default_memory_pool().release_unused()
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    try:
        libc = ctypes.CDLL("libc.so.6")
        func: Callable[[int], int] = libc.malloc_trim
    except (OSError, AttributeError):  # not glibc: nothing to trim
        return None
    return func


def _parsed(
    paths: Sequence[Path], store: Store, opts: _Options, workers: int
) -> Iterator[tuple[Path, _Ready | FileReport, float]]:
    """Parse files in a thread pool; yield them in order.

    At most :data:`_BIG_FILES_IN_FLIGHT` files above :data:`_BIG_FILE_BYTES` are parsed,
    waiting or being written at once (a big file counts until the consumer asks for the
    next file, i.e. after writing it), so memory stays bounded whatever the number of
    workers. Small files are submitted ahead of the consumer (at most ``workers`` files, or
    more up to :data:`_SMALL_BYTES_AHEAD` bytes on disk), so the other workers parse them
    while a big file is parsed or written. Only this generator's thread hands out the slots,
    so no worker ever waits for one.
    """

    def one(path: Path) -> tuple[Path, _Ready | FileReport, float]:
        t0 = time.perf_counter()
        return path, _prepare(path, store, opts, started=t0), t0

    if workers <= 1 or len(paths) <= 1:
        for path in paths:
            yield one(path)
        return

    pending = deque(paths)
    window: deque[tuple[Future[tuple[Path, _Ready | FileReport, float]], bool, int]] = deque()
    big_in_flight = 0
    small_ahead = 0  # bytes of small files submitted and not yet handed to the consumer
    with ThreadPoolExecutor(max_workers=workers) as pool:

        def fill() -> None:
            nonlocal big_in_flight, small_ahead
            while pending:
                size = _size(pending[0])
                big = size > _BIG_FILE_BYTES
                if big and (big_in_flight >= _BIG_FILES_IN_FLIGHT or len(window) >= workers):
                    return  # submitted once the consumer has written a big file
                if not big and len(window) >= workers and small_ahead + size > _SMALL_BYTES_AHEAD:
                    return  # enough small files parsed ahead of the writer
                big_in_flight += int(big)
                small_ahead += 0 if big else size
                window.append((pool.submit(one, pending.popleft()), big, size))

        fill()
        while window:
            future, big, size = window.popleft()
            result = future.result()
            small_ahead -= 0 if big else size
            fill()
            try:
                yield result
            finally:
                big_in_flight -= int(big)
            fill()


def imported_files(store: Store) -> frozenset[tuple[str, str]]:
    """Return (resolved path, SHA-256) of every local file in the payload archive."""
    rows = store.read("payloads")
    local = rows[~rows["url"].str.contains("://", regex=False, na=False)]
    return frozenset(
        (str(Path(u).resolve()), str(h)) for u, h in zip(local["url"], local["sha256"], strict=True)
    )


def _sniff(path: Path) -> str:
    """Format of a file for a failure report ("?" when unreadable)."""
    try:
        body = path.read_bytes()
        return detect.detect_format(detect.decompress(body, name=str(path))[: detect.HEAD_BYTES])
    except (OSError, ImportFormatError):
        return "?"


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


def _ordered(files: list[Path]) -> tuple[list[Path], list[Path]]:
    """Split the files into symbol directories and the others, in the order they are written.

    SEC company-ticker files go first so companyfacts files find their tickers. Of the other
    files the biggest goes first, then the small ones (at most :data:`_BIG_FILE_BYTES`, biggest
    first: the other workers parse them while the big file is parsed, and their writes overlap
    the parse of the next big file), then the other big files, biggest first. The order only
    depends on the files' sizes and paths, so a key held by two files always ends with the
    value of the same one.
    """

    def is_directory(path: Path) -> bool:
        try:
            with path.open("rb") as handle:
                return b'"cik_str"' in handle.read(256)
        except OSError:
            return False

    first = sorted(p for p in files if is_directory(p))
    rest = [p for p in files if p not in set(first)]
    rest.sort(key=lambda p: (-_size(p), str(p)))
    small = [p for p in rest if _size(p) <= _BIG_FILE_BYTES]
    big = [p for p in rest if _size(p) > _BIG_FILE_BYTES]
    return first, big[:1] + small + big[1:]


class _StoreTickers(Mapping[int, str]):
    """CIK -> symbol from the store's symbol directory, loaded on first use."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._map: dict[int, str] | None = None

    def _load(self) -> dict[int, str]:
        if self._map is None:
            try:
                frame = self._store.read("symbols")
            except StoreError:
                frame = pd.DataFrame(columns=["cik", "symbol"])
            frame = frame.dropna(subset=["cik"]).sort_values(["cik", "symbol"])
            frame = frame.drop_duplicates("cik")
            self._map = {int(c): str(s) for c, s in zip(frame["cik"], frame["symbol"], strict=True)}
        return self._map

    def __getitem__(self, key: int) -> str:
        return self._load()[key]

    def __iter__(self) -> Iterator[int]:
        return iter(self._load())

    def __len__(self) -> int:
        return len(self._load())
