"""Daily price files: Yahoo CSV, yfinance CSV, Stooq CSV, close-only files, matrices, Alpha Vantage.

Variants (see SOURCES.md §1-2 and the data MANIFEST):

* Yahoo CSV with raw prices, ``Date,Open,High,Low,Close,Adj Close,Volume`` in any column order
  and letter case: ``close`` is raw, ``adj_close`` comes from ``Adj Close``.
* Auto-adjusted Yahoo CSV without ``Adj Close`` (``Date,Open,High,Low,Close,Volume``, also
  ``Date,close,high,low,open,volume``): every price is adjusted, so ``adj_close == close``.
* The yfinance 3-row header (``Price,...`` / ``Ticker,...`` / ``Date,,,``); the symbol comes from
  the ``Ticker`` row.
* Stooq CSV (``Date,Open,High,Low,Close,Volume``, CRLF, adjusted prices); Stooq's error bodies
  (``No data``, ``Exceeded the daily hits limit``, HTML pages) are recognised.
* Close-only files ``Date,Close`` (adjusted close) and ``Date,<TICKER>`` (the symbol is the
  column name).
* The wide matrix ``Date,<T1>,<T2>,...`` of adjusted closes (blank = no data).
* The Alpha Vantage long file ``ticker,timestamp,open,high,low,close,adjusted_close,volume,
  dividend_amount,split_coefficient``: raw OHLC, ``adj_close = adjusted_close``, plus
  ``actions`` rows for dividends (cash per share) and splits (ratio).

Data are kept as the file has them (partial last bars, bad ticks); :func:`ohlc_suspicious`
counts rows that break the OHLC ordering so importers can report them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import PurePosixPath
from typing import Final, Literal, ParamSpec, TypeVar

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv

from sizeup.data.schema import BARS, validate
from sizeup.errors import ImportFormatError, SizeupError

__all__ = [
    "canonical_symbol",
    "guard",
    "ohlc_suspicious",
    "parse_price_csv",
    "parse_stooq_csv",
    "split_lines",
    "stooq_error_kind",
    "symbol_from_stem",
]

_MALFORMED: Final = (
    ValueError,
    KeyError,
    IndexError,
    UnicodeError,
    OverflowError,
    pa.ArrowException,
)

P = ParamSpec("P")
R = TypeVar("R")

_BOM: Final = b"\xef\xbb\xbf"
_INDEX_ALIASES: Final = {
    "SPX": "^GSPC",
    "GSPC": "^GSPC",
    "^SPX": "^GSPC",
    "RUT": "^RUT",
    "IXIC": "^IXIC",
    "DJI": "^DJI",
    "NDX": "^NDX",
    "VIX": "^VIX",
    "TNX": "^TNX",
}
_ALWAYS_INDEX: Final = frozenset({"SPX", "GSPC", "^SPX"})
_SYMBOL_RE: Final = re.compile(r"^\^?[A-Z0-9][A-Z0-9.\-/=]{0,19}$")
_SHARE_CLASS_RE: Final = re.compile(r"^([A-Z0-9]+)[./]([A-Z0-9]{1,2})$")

# normalised header cell -> bars column
_FIELD_ALIASES: Final = {
    "date": "date",
    "timestamp": "date",
    "open": "open",
    "high": "high",
    "low": "low",
    "close": "close",
    "adjclose": "adj_close",
    "adjustedclose": "adj_close",
    "volume": "volume",
    # stooq.pl headers
    "data": "date",
    "otwarcie": "open",
    "najwyzszy": "high",
    "najnizszy": "low",
    "zamkniecie": "close",
    "wolumen": "volume",
}
_NULLS: Final = ["", "null", "NULL", "NaN", "nan", "N/A", "NA", "-", "."]

StooqError = Literal["no_data", "quota", "html", "php_warning"]


def _guard(fmt: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Turn the failures malformed input causes into :class:`ImportFormatError` naming it.

    Only the exceptions bad bytes produce are mapped (:data:`_MALFORMED`: bad numbers, dates and
    encodings, missing columns, short rows, Arrow parse errors); anything else is a bug in the
    parser and propagates as itself, so fuzz tests can find it.
    """

    def deco(func: Callable[P, R]) -> Callable[P, R]:
        @wraps(func)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            name = str(kwargs.get("name", "<bytes>"))
            try:
                return func(*args, **kwargs)
            except ImportFormatError:
                raise
            except SizeupError as exc:
                raise ImportFormatError(f"not a valid {fmt} file: {exc}", path=name) from exc
            except _MALFORMED as exc:  # the failures malformed input causes; others are bugs
                raise ImportFormatError(
                    f"not a valid {fmt} file ({type(exc).__name__}: {exc})", path=name
                ) from exc

        return wrapper

    return deco


guard = _guard
"""Decorator used by the sibling format modules (same contract)."""


# ---------------------------------------------------------------------------- symbols
def canonical_symbol(raw: str) -> str:
    """Return the canonical spelling of a vendor symbol.

    ETFs and stocks are spelled as Yahoo does (``BRK.B`` and ``BRK/B`` -> ``BRK-B``), index
    levels carry a caret and S&P 500 aliases map to ``^GSPC`` (``^SPX``, ``SPX``, ``GSPC``).

    Parameters
    ----------
    raw
        Symbol as the file or source spells it.

    Returns
    -------
    str
        Canonical symbol (upper case).
    """
    text = raw.strip().upper()
    if text in _ALWAYS_INDEX:
        return "^GSPC"
    match = _SHARE_CLASS_RE.match(text)
    if match:
        return f"{match.group(1)}-{match.group(2)}"
    return text


def symbol_from_stem(filename: str) -> str | None:
    """Guess a symbol from a file name when the file itself names none.

    ``IWM.csv`` -> ``IWM``, ``IDX_RUT.csv`` -> ``^RUT``, ``RUT_1987_2024_hjyssg.csv.gz`` ->
    ``^RUT``, ``TNX_yahoo_1962_2020.csv.gz`` -> ``^TNX``, ``spy.us.csv`` -> ``SPY``.

    Returns
    -------
    str or None
        The symbol, or None when the stem does not look like one.
    """
    base = PurePosixPath(filename.replace("\\", "/")).name
    for suffix in (".gz", ".csv", ".txt", ".CSV", ".TXT"):
        if base.endswith(suffix):
            base = base[: -len(suffix)]
    upper = base.upper()
    if upper.endswith(".US"):
        upper = upper[:-3]
    index = upper.startswith("IDX_") or upper.startswith("^")
    token = upper[4:] if upper.startswith("IDX_") else upper
    token = token.lstrip("^").split("_")[0]
    if not token:
        return None
    if index or token in _INDEX_ALIASES:
        return _INDEX_ALIASES.get(token, "^" + token)
    sym = canonical_symbol(token)
    return sym if _SYMBOL_RE.match(sym) else None


# ---------------------------------------------------------------------------- text helpers
def split_lines(data: bytes, limit: int | None = None) -> list[str]:
    """Decode (UTF-8, BOM stripped; cp1252 fallback) and split into lines without endings."""
    head = data if limit is None else data[:limit]
    if head.startswith(_BOM):
        head = head[len(_BOM) :]
    try:
        text = head.decode("utf-8")
    except UnicodeDecodeError as exc:
        if limit is not None and exc.start >= len(head) - 4:
            text = head[: exc.start].decode("utf-8")
        else:
            text = head.decode("cp1252", errors="replace")
    return text.splitlines()


def _cells(line: str) -> list[str]:
    return [c.strip().strip('"').strip() for c in line.split(",")]


def _norm(cell: str) -> str:
    return re.sub(r"[\s_\-]", "", cell.strip().strip('"').lower())


def stooq_error_kind(data: bytes) -> StooqError | None:
    """Classify a Stooq body that is an error page rather than CSV (None if it looks like CSV).

    Stooq answers HTTP 200 with ``No data`` (unknown symbol, ``Brak danych`` on stooq.pl),
    ``Exceeded the daily hits limit`` (quota), an HTML page (API key or proof-of-work
    interstitial) or PHP warnings before the header.
    """
    head = data[:4096].lstrip(_BOM).lstrip()
    low = head.lower()
    if low.startswith((b"<!doctype", b"<html", b"<?xml")) or b"<html" in low[:1024]:
        return "html"
    if low.startswith((b"no data", b"brak danych")):
        return "no_data"
    if b"exceeded the daily hits limit" in low:
        return "quota"
    if low.startswith((b"warning:", b"<br", b"notice:", b"fatal error")):
        return "php_warning"
    return None


# ---------------------------------------------------------------------------- sanity check
def ohlc_suspicious(bars: pd.DataFrame, *, rel_tol: float = 1e-6) -> int:
    """Count rows whose prices are inconsistent.

    A row is suspicious when a present price is not positive, or ``low > min(open, close)``,
    ``high < max(open, close)`` or ``low > high`` beyond a relative tolerance (float noise of
    adjusted series). Missing prices are not checked.

    Parameters
    ----------
    bars
        Rows of the ``bars`` table.
    rel_tol
        Relative tolerance of the comparisons.

    Returns
    -------
    int
        Number of suspicious rows.
    """
    if bars.empty:
        return 0
    o = bars["open"].to_numpy(dtype="float64")
    h = bars["high"].to_numpy(dtype="float64")
    lo = bars["low"].to_numpy(dtype="float64")
    c = bars["close"].to_numpy(dtype="float64")
    with np.errstate(invalid="ignore"):
        bad = np.zeros(len(bars), dtype=bool)
        for arr in (o, h, lo, c):
            bad |= arr <= 0
        tol_lo = np.abs(lo) * rel_tol
        tol_hi = np.abs(h) * rel_tol
        bad |= lo > np.fmin(o, c) + tol_lo
        bad |= h < np.fmax(o, c) - tol_hi
        bad |= lo > h + tol_hi
    return int(bad.sum())


# ---------------------------------------------------------------------------- csv reading
def _strip_bom(data: bytes) -> bytes:
    return data[len(_BOM) :] if data.startswith(_BOM) else data


def _read_columns(
    data: bytes,
    *,
    name: str,
    skip_rows: int,
    names: Sequence[str],
    date_col: str,
    floats: Sequence[str],
    categories: Sequence[str] = (),
) -> tuple[np.ndarray, dict[str, np.ndarray], dict[str, tuple[np.ndarray, np.ndarray]]]:
    """Read a comma-separated body with pyarrow; on failure find the bad line for the message.

    Columns not named in ``floats``/``categories``/``date_col`` are skipped. ISO dates are
    parsed by Arrow; other date forms (a time suffix) fall back to a slower path.

    Returns
    -------
    tuple
        Dates as ``datetime64[ns]``; float columns (NaN for blanks); category columns as
        (codes, values) with ``values[codes]`` the cell text. A value that is not a date, an
        empty date or category cell raises with its line.
    """
    body = _strip_bom(data)
    buffer = pa.py_buffer(body)
    table = None
    for date_type in (pa.date32(), pa.string()):
        types: dict[str, pa.DataType] = {date_col: date_type}
        types.update({c: pa.dictionary(pa.int32(), pa.string()) for c in categories})
        types.update({c: pa.float64() for c in floats})
        try:
            table = pacsv.read_csv(
                buffer,
                read_options=pacsv.ReadOptions(
                    skip_rows=skip_rows, column_names=list(names), block_size=1 << 24
                ),
                parse_options=pacsv.ParseOptions(delimiter=","),
                convert_options=pacsv.ConvertOptions(
                    column_types=types,
                    include_columns=[date_col, *categories, *floats],
                    null_values=_NULLS,
                    strings_can_be_null=True,
                    quoted_strings_can_be_null=True,
                ),
            )
        except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError) as exc:
            if date_type == pa.string():
                _raise_located(
                    body, name=name, skip_rows=skip_rows, names=names, floats=floats, exc=exc
                )
                raise  # unreachable: _raise_located always raises
            continue
        if date_type == pa.date32() and table.column(date_col).null_count:
            continue  # let the string path report the empty date with its line
        break
    assert table is not None
    cols: dict[str, np.ndarray] = {}
    for c in floats:
        cols[c] = np.asarray(table.column(c).to_numpy(zero_copy_only=False), dtype="float64")
        table = table.drop_columns([c])  # frees the Arrow column: one copy at a time
    cats: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for c in categories:
        chunked = table.column(c).unify_dictionaries()
        arr = chunked.combine_chunks() if chunked.num_chunks else pa.array([], chunked.type)
        if arr.null_count:
            bad = int(np.flatnonzero(arr.is_null().to_numpy(zero_copy_only=False))[0])
            raise ImportFormatError(f"empty {c!r} cell", path=name, line=skip_rows + 1 + bad)
        codes = np.asarray(arr.indices.to_numpy(zero_copy_only=False), dtype="int64")
        values = np.asarray(arr.dictionary.to_pylist(), dtype=object)
        cats[c] = (codes, values)
    column = table.column(date_col)
    if pa.types.is_date32(column.type):
        dates = np.asarray(column.cast(pa.timestamp("ns")).to_numpy(), dtype="datetime64[ns]")
    else:
        dates = _parse_dates(column, name=name, first_line=skip_rows + 1)
    del table, column
    if len(body) > _RELEASE_BYTES:
        pa.default_memory_pool().release_unused()  # hand the CSV buffers back to the OS
    return dates, cols, cats


_RELEASE_BYTES: Final = 8 << 20


def _parse_dates(column: pa.ChunkedArray, *, name: str, first_line: int) -> np.ndarray:
    """ISO dates (``YYYY-MM-DD``, optionally followed by a time) -> datetime64[ns] array."""
    values = pd.Series(column.to_numpy(zero_copy_only=False), dtype=object)
    if values.isna().any():
        bad = int(np.flatnonzero(values.isna().to_numpy())[0])
        raise ImportFormatError(
            "empty date cell; expected a date YYYY-MM-DD", path=name, line=first_line + bad
        )
    text = values.astype(str).str.strip()
    lengths = text.str.len()
    if (lengths != 10).any():
        text = text.str.slice(0, 10).where(lengths >= 10, text)
    parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
    if parsed.isna().any():
        bad = int(np.flatnonzero(parsed.isna().to_numpy())[0])
        raise ImportFormatError(
            f"date {values.iloc[bad]!r} is not a date YYYY-MM-DD",
            path=name,
            line=first_line + bad,
        )
    return parsed.to_numpy(dtype="datetime64[ns]")


def _raise_located(
    body: bytes,
    *,
    name: str,
    skip_rows: int,
    names: Sequence[str],
    floats: Sequence[str],
    exc: Exception,
) -> None:
    """Find the first malformed line of a body (slow path) and raise with its number."""
    lines = split_lines(body)
    width = len(names)
    float_idx = [list(names).index(c) for c in floats]
    for offset, line in enumerate(lines[skip_rows:]):
        if not line.strip():
            continue
        cells = line.split(",")
        lineno = skip_rows + offset + 1
        if len(cells) != width:
            raise ImportFormatError(
                f"expected {width} comma-separated fields ({', '.join(names)}), found "
                f"{len(cells)}: {line[:80]!r}",
                path=name,
                line=lineno,
            ) from exc
        for i in float_idx:
            cell = cells[i].strip().strip('"')
            if cell in _NULLS:
                continue
            try:
                float(cell)
            except ValueError:
                raise ImportFormatError(
                    f"column {names[i]!r}: {cell[:40]!r} is not a number",
                    path=name,
                    line=lineno,
                ) from exc
    raise ImportFormatError(f"unreadable CSV: {exc}", path=name) from exc


def _check_dup_dates(dates: np.ndarray, *, name: str, first_line: int) -> None:
    dup = pd.Index(dates).duplicated()
    if dup.any():
        bad = int(np.flatnonzero(dup)[0])
        raise ImportFormatError(
            f"date {pd.Timestamp(dates[bad]).date()} appears twice; expected one row per date",
            path=name,
            line=first_line + bad,
        )


def _bars(
    symbol: str | pd.Categorical,
    dates: np.ndarray,
    cols: dict[str, np.ndarray],
    *,
    source: str,
    adjusted_only: bool,
) -> pd.DataFrame:
    """Assemble bars; ``symbol`` and ``source`` are categoricals (no Python object per row)."""
    n = len(dates)
    nan = np.full(n, np.nan)
    out: dict[str, object] = {
        "symbol": symbol if isinstance(symbol, pd.Categorical) else _constant(symbol, n),
        "date": dates,
    }
    for c in ("open", "high", "low", "close", "volume"):
        out[c] = cols.get(c, nan)
    if adjusted_only:
        close = cols.get("close", cols.get("adj_close", nan))
        out["close"] = close
        out["adj_close"] = close
    else:
        out["adj_close"] = cols.get("adj_close", nan)
    out["source"] = _constant(source, n)
    # copy=False: one block per column, the empty price columns share one NaN array
    return pd.DataFrame(out, columns=BARS.column_names, copy=False)


def _constant(text: str, n: int) -> pd.Categorical:
    """Return ``n`` copies of one string as a categorical (one code array, one string)."""
    out: pd.Categorical = pd.Categorical.from_codes(
        np.zeros(n, dtype=np.int8), categories=pd.Index([text], dtype=object)
    )
    return out


# ---------------------------------------------------------------------------- public parsers
@_guard("price CSV")
def parse_price_csv(
    data: bytes,
    *,
    name: str,
    symbol: str | None = None,
    source: str,
    fallback_symbol: str | None = None,
    check: bool = True,
) -> dict[str, pd.DataFrame]:
    """Parse a daily price CSV in any of the Yahoo-family layouts.

    Parameters
    ----------
    data
        The file's bytes (already decompressed).
    name
        Path or URL, used in messages.
    symbol
        Force this symbol (single-symbol layouts only); overrides a symbol in the file.
    source
        Value of the ``source`` column.
    fallback_symbol
        Symbol to use when the file names none (usually from the file name).
    check
        Validate the frames against their table contracts (default). Callers that hand the
        frames straight to :meth:`sizeup.data.store.Store.write`, which validates again, may pass
        False to do it once. Unvalidated frames have the contract's columns but not
        necessarily its dtypes or sort order.

    Returns
    -------
    dict
        ``{"bars": frame}``, plus ``"actions"`` for the Alpha Vantage layout; frames validated
        against :data:`sizeup.data.schema.BARS` / :data:`~sizeup.data.schema.ACTIONS`.

    Raises
    ------
    ImportFormatError
        The header is not a known price layout, a line is malformed, a date or number cannot
        be read, a date repeats, or no symbol is known.
    """
    frames = _price_frames(
        data, name=name, symbol=symbol, source=source, fallback_symbol=fallback_symbol
    )
    if not check:
        return frames
    out = {}
    for table, frame in frames.items():
        checked = validate(frame, table)
        checked.attrs.update(frame.attrs)
        out[table] = checked
    return out


def _price_frames(
    data: bytes, *, name: str, symbol: str | None, source: str, fallback_symbol: str | None
) -> dict[str, pd.DataFrame]:
    lines = split_lines(data, limit=1 << 16)
    if not lines:
        raise ImportFormatError("empty file; expected a header line starting with Date", path=name)
    header = _cells(lines[0])
    keys = [_norm(c) for c in header]
    if keys[:1] == ["price"] and len(lines) >= 3 and _norm(_cells(lines[1])[0]) == "ticker":
        return {"bars": _parse_multiheader(data, lines, name=name, symbol=symbol, source=source)}
    if "ticker" in keys and "timestamp" in keys and "adjustedclose" in keys:
        return _parse_alphavantage(data, header, name=name, source=source)
    if not keys or keys[0] not in ("date", "timestamp", "data"):
        raise ImportFormatError(
            f"header {lines[0][:80]!r}: expected a first column 'Date' (Yahoo/Stooq layout), "
            "'Price' (yfinance 3-row header) or the Alpha Vantage columns "
            "'ticker,timestamp,open,high,low,close,adjusted_close,...'",
            path=name,
            line=1,
        )
    rest = keys[1:]
    if not rest:
        raise ImportFormatError("header has only a date column", path=name, line=1)
    fields = [_FIELD_ALIASES.get(k) for k in rest]
    if all(f is not None and f != "date" for f in fields):
        return {
            "bars": _parse_ohlc(
                data,
                header,
                [str(f) for f in fields],
                name=name,
                symbol=symbol or fallback_symbol,
                source=source,
                skip_rows=1,
            )
        }
    if len(rest) == 1:
        sym = symbol or canonical_symbol(header[1])
        if not _SYMBOL_RE.match(sym):
            raise ImportFormatError(
                f"column {header[1]!r} is neither a price field nor a ticker", path=name, line=1
            )
        return {
            "bars": _parse_ohlc(
                data, header, ["close"], name=name, symbol=sym, source=source, skip_rows=1
            )
        }
    # Date + several columns that are not all price fields: a date x ticker matrix (tickers
    # such as LOW or OPEN are legitimate column names there)
    return {"bars": _parse_matrix(data, header, name=name, source=source)}


@_guard("Stooq CSV")
def parse_stooq_csv(
    data: bytes, *, name: str, symbol: str, source: str = "stooq", check: bool = True
) -> pd.DataFrame:
    """Parse a Stooq daily CSV (split- and dividend-adjusted prices).

    Parameters
    ----------
    data
        Body as received.
    name
        URL or path, used in messages.
    symbol
        Symbol of the series (Stooq's ``spy.us`` spelling is mapped to ``SPY``).
    source
        Value of the ``source`` column.
    check
        Validate against :data:`sizeup.data.schema.BARS` (see :func:`parse_price_csv`).

    Returns
    -------
    pandas.DataFrame
        ``bars`` rows with ``adj_close == close``.

    Raises
    ------
    ImportFormatError
        An error body (``No data``, quota exceeded, HTML, PHP warning) or a malformed CSV.
    """
    kind = stooq_error_kind(data)
    if kind is not None:
        snippet = data[:60].decode("utf-8", errors="replace").strip()
        what = {
            "no_data": "Stooq has no data for this symbol",
            "quota": "Stooq daily hits limit exceeded (quota)",
            "html": "Stooq returned an HTML page (API key or browser check required)",
            "php_warning": "Stooq returned a PHP warning before the CSV",
        }[kind]
        raise ImportFormatError(
            f"{what}: body starts {snippet!r}; expected the header Date,Open,High,Low,Close,Volume",
            path=name,
            line=1,
        )
    lines = split_lines(data, limit=4096)
    first = lines[0] if lines else ""
    header = _cells(first)
    fields = [_FIELD_ALIASES.get(_norm(c)) for c in header]
    if not fields or fields[0] != "date" or "close" not in fields or None in fields:
        raise ImportFormatError(
            f"header {first[:80]!r}: expected Date,Open,High,Low,Close,Volume",
            path=name,
            line=1,
        )
    sym = symbol.strip()
    if sym.lower().endswith(".us"):
        sym = sym[:-3]
    if sym.startswith("^"):
        sym = _INDEX_ALIASES.get(sym[1:].upper(), sym.upper())
    bars = _parse_ohlc(
        data,
        header,
        [str(f) for f in fields[1:]],
        name=name,
        symbol=canonical_symbol(sym),
        source=source,
        skip_rows=1,
    )
    return validate(bars, BARS) if check else bars


# ---------------------------------------------------------------------------- layouts
def _parse_ohlc(
    data: bytes,
    header: list[str],
    fields: list[str],
    *,
    name: str,
    symbol: str | None,
    source: str,
    skip_rows: int,
) -> pd.DataFrame:
    if symbol is None:
        raise ImportFormatError(
            "the file names no symbol; pass one (e.g. --symbol IWM) or name the file <SYMBOL>.csv",
            path=name,
        )
    if len(set(fields)) != len(fields):
        raise ImportFormatError(f"header {header}: a price field repeats", path=name, line=1)
    if "close" not in fields and "adj_close" not in fields:
        raise ImportFormatError(
            f"header {header}: expected a Close or Adj Close column", path=name, line=1
        )
    names = ["date", *fields]
    dates, cols, _ = _read_columns(
        data, name=name, skip_rows=skip_rows, names=names, date_col="date", floats=fields
    )
    _check_dup_dates(dates, name=name, first_line=skip_rows + 1)
    adjusted_only = "adj_close" not in fields or "close" not in fields
    return _bars(canonical_symbol(symbol), dates, cols, source=source, adjusted_only=adjusted_only)


def _parse_multiheader(
    data: bytes, lines: list[str], *, name: str, symbol: str | None, source: str
) -> pd.DataFrame:
    prices = _cells(lines[0])[1:]
    tickers = [t for t in _cells(lines[1])[1:] if t]
    if len(lines) < 3 or _norm(_cells(lines[2])[0]) != "date":
        raise ImportFormatError(
            "yfinance layout: expected the third line to start with 'Date'", path=name, line=3
        )
    if len(set(tickers)) > 1:
        raise ImportFormatError(
            f"yfinance layout with several tickers {sorted(set(tickers))}; expected one",
            path=name,
            line=2,
        )
    fields = [_FIELD_ALIASES.get(_norm(p)) for p in prices]
    if any(f is None or f == "date" for f in fields):
        raise ImportFormatError(
            f"yfinance layout: unknown price field in {prices}", path=name, line=1
        )
    sym = symbol or (tickers[0] if tickers else None)
    return _parse_ohlc(
        data,
        ["Date", *prices],
        [str(f) for f in fields],
        name=name,
        symbol=sym,
        source=source,
        skip_rows=3,
    )


def _parse_matrix(data: bytes, header: list[str], *, name: str, source: str) -> pd.DataFrame:
    tickers = [canonical_symbol(t) for t in header[1:]]
    for pos, t in enumerate(tickers):
        if not _SYMBOL_RE.match(t):
            raise ImportFormatError(
                f"matrix column {pos + 2} {header[pos + 1]!r} is not a ticker", path=name, line=1
            )
    if len(set(tickers)) != len(tickers):
        dup = pd.Index(tickers)[pd.Index(tickers).duplicated()][0]
        raise ImportFormatError(f"matrix ticker {dup!r} appears twice", path=name, line=1)
    col_names = [f"c{i}" for i in range(len(tickers))]
    dates, cols, _ = _read_columns(
        data, name=name, skip_rows=1, names=["date", *col_names], date_col="date", floats=col_names
    )
    _check_dup_dates(dates, name=name, first_line=2)
    order = np.argsort(np.asarray(tickers, dtype=object), kind="stable")
    # one row per ticker (sorted), one column per date: row-major order is (symbol, date)
    block = np.stack([cols.pop(col_names[i]) for i in order])
    date_order = np.argsort(dates, kind="stable")
    if np.any(date_order != np.arange(len(dates))):
        block = block[:, date_order]
    mask = ~np.isnan(block)
    close = block[mask]
    del block
    sym_idx, date_idx = np.nonzero(mask)
    del mask
    sym_names = pd.Index(np.asarray(tickers, dtype=object)[order])
    symbols = pd.Categorical.from_codes(sym_idx, categories=sym_names)
    del sym_idx
    bars = _bars(
        symbols,
        dates[date_order][date_idx],
        {"close": close},
        source=source,
        adjusted_only=True,
    )
    return bars


def _parse_alphavantage(
    data: bytes, header: list[str], *, name: str, source: str
) -> dict[str, pd.DataFrame]:
    keys = [_norm(c) for c in header]
    expected = [
        "ticker",
        "timestamp",
        "open",
        "high",
        "low",
        "close",
        "adjustedclose",
        "volume",
        "dividendamount",
        "splitcoefficient",
    ]
    missing = [k for k in expected if k not in keys]
    if missing or len(set(keys)) != len(keys):
        raise ImportFormatError(
            f"Alpha Vantage layout: missing or repeated columns {missing}; expected "
            "ticker,timestamp,open,high,low,close,adjusted_close,volume,dividend_amount,"
            "split_coefficient",
            path=name,
            line=1,
        )
    floats = list(expected[2:])
    dates, cols, cats = _read_columns(
        data,
        name=name,
        skip_rows=1,
        names=keys,
        date_col="timestamp",
        floats=floats,
        categories=["ticker"],
    )
    raw_codes, raw_values = cats["ticker"]
    # sorted, canonical ticker codes without a Python object per row
    canon_raw = np.asarray([canonical_symbol(str(v)) for v in raw_values], dtype=object)
    canon, remap = np.unique(canon_raw, return_inverse=True)
    codes = remap.reshape(-1)[raw_codes] if len(raw_codes) else raw_codes
    step_code, step_date = np.diff(codes), np.diff(dates)
    if bool(np.all((step_code > 0) | ((step_code == 0) & (step_date > np.timedelta64(0))))):
        order = np.arange(len(dates))  # the usual case: the file is sorted, nothing to copy
        values = cols
    else:
        order = np.lexsort((dates, codes))
        codes, dates = codes[order], dates[order]
        values = {k: cols[k][order] for k in floats}
    del step_code, step_date
    # repeated (ticker, date) rows: identical copies are dropped (counted), conflicts fail
    same_key = np.zeros(len(dates), dtype=bool)
    same_key[1:] = (codes[1:] == codes[:-1]) & (dates[1:] == dates[:-1])
    if same_key.any():
        idx = np.flatnonzero(same_key)
        for k in floats:
            a, b = values[k][idx], values[k][idx - 1]
            differs = ~((a == b) | (np.isnan(a) & np.isnan(b)))
            if differs.any():
                bad = int(idx[np.flatnonzero(differs)[0]])
                raise ImportFormatError(
                    f"ticker {canon[codes[bad]]!r} date {pd.Timestamp(dates[bad]).date()} "
                    f"appears twice with different {k!r} values; expected one row per "
                    "ticker and date",
                    path=name,
                    line=int(order[bad]) + 2,
                )
        keep = ~same_key
        codes, dates = codes[keep], dates[keep]
        values = {k: v[keep] for k, v in values.items()}
    bars = _bars(
        pd.Categorical.from_codes(codes, categories=pd.Index(canon)),
        dates,
        {
            "open": values["open"],
            "high": values["high"],
            "low": values["low"],
            "close": values["close"],
            "adj_close": values["adjustedclose"],
            "volume": values["volume"],
        },
        source=source,
        adjusted_only=False,
    )
    bars.attrs["duplicate_rows_dropped"] = int(same_key.sum())
    div = values["dividendamount"]
    split = values["splitcoefficient"]
    split_filled = np.nan_to_num(split, nan=1.0)
    is_div = np.nan_to_num(div) != 0
    is_split = (split_filled != 1) & (split_filled > 0)
    actions = pd.DataFrame(
        {
            "symbol": pd.Series(
                np.concatenate([canon[codes[is_div]], canon[codes[is_split]]]), dtype=object
            ),
            "date": np.concatenate([dates[is_div], dates[is_split]]),
            "kind": pd.Series(
                ["dividend"] * int(is_div.sum()) + ["split"] * int(is_split.sum()), dtype=object
            ),
            "value": np.concatenate([div[is_div], split[is_split]]),
            "source": pd.Series([source] * int(is_div.sum() + is_split.sum()), dtype=object),
        }
    )
    return {"bars": bars, "actions": actions}
