"""Parser of SimFin bulk CSV files (``us-income-annual.csv``, ``us-balance-quarterly.csv``, ...).

The files are semicolon-separated with a header line::

    Ticker;SimFinId;Currency;"Fiscal Year";"Fiscal Period";"Report Date";"Publish Date";
    "Restated Date";"Shares (Basic)";...;Revenue;...

Every value column becomes the concept ``"simfin:<Column Name>"``; one ``fundamentals`` row per
non-empty cell. ``period_end`` is the Report Date, ``filed`` the Publish Date (the date the figure
became public). ``period_start`` is null for balance-sheet files (instants) and the start of the
fiscal period for income and cash-flow files (FY = 12 months, Q1..Q4 = 3, H1/H2 = 6, 9M = 9,
counted back from the Report Date, to the day after the month end when the report date is a
month end).

Notes
-----
SimFin publishes restated values in place (the ``Restated Date`` column): the file holds one
version per period, the latest, so "value known at the Publish Date" can carry a later
restatement. Point-in-time use is therefore approximate for restated periods.
"""

from __future__ import annotations

import csv
import io
import logging
import re
from typing import Any, Final

import numpy as np
import pandas as pd

from sizeup.data.formats._common import gunzip, gunzip_head
from sizeup.data.schema import FUNDAMENTALS, empty_frame, validate
from sizeup.errors import ImportFormatError, SchemaError

__all__ = ["looks_like_simfin", "parse_simfin_csv"]

log = logging.getLogger(__name__)

SOURCE: Final = "simfin"
_META: Final = frozenset(
    {
        "Ticker",
        "SimFinId",
        "Currency",
        "Fiscal Year",
        "Fiscal Period",
        "Report Date",
        "Publish Date",
        "Restated Date",
    }
)
_REQUIRED: Final = ("Ticker", "Fiscal Year", "Fiscal Period", "Report Date", "Publish Date")
_BALANCE_MARKERS: Final = frozenset(
    {"Total Assets", "Total Liabilities & Equity", "Total Equity", "Total Current Assets"}
)
_PERIOD_MONTHS: Final = {"FY": 12, "Q1": 3, "Q2": 3, "Q3": 3, "Q4": 3, "H1": 6, "H2": 6, "9M": 9}
_DATE_RE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")


def looks_like_simfin(head: bytes) -> bool:
    """Whether a body starts like a SimFin bulk CSV (``Ticker;SimFinId;...`` header)."""
    text = gunzip_head(head)
    if text is None:
        return False
    first = text.split(b"\n", 1)[0].lstrip(b"\xef\xbb\xbf").strip()
    names = {f.strip().strip('"') for f in first.decode("utf-8", "replace").split(";")}
    return {"Ticker", "Report Date"} <= names and ("SimFinId" in names or "Fiscal Year" in names)


def parse_simfin_csv(data: bytes, *, name: str) -> pd.DataFrame:
    """Parse a SimFin bulk CSV into ``fundamentals`` rows.

    Parameters
    ----------
    data
        The file's bytes (plain or gzipped).
    name
        File name, used in error messages.

    Returns
    -------
    pandas.DataFrame
        ``fundamentals`` rows: symbol (Ticker, upper case), cik null, concept
        ``"simfin:<Column Name>"``, unit (``"shares"`` for share counts, else the Currency
        column, default ``"USD"``), period_start/period_end, fiscal_year, fiscal_period,
        filed (Publish Date), value, source ``"simfin"``.

    Raises
    ------
    ImportFormatError
        Not a SimFin header, a row with the wrong number of fields, a date that is not
        YYYY-MM-DD, a non-numeric value, an unknown fiscal period, or a duplicate row.
    """
    raw = gunzip(data, name)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFormatError(
            f"not UTF-8 text (bad byte at offset {exc.start}); expected a SimFin CSV", path=name
        ) from None
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=";", quotechar='"')
    try:
        header = next(reader, None)
    except csv.Error as exc:
        raise ImportFormatError(f"unreadable header: {exc}", path=name, line=1) from None
    if header is None:
        raise ImportFormatError("empty file; expected a SimFin header line", path=name, line=1)
    header = [h.strip() for h in header]
    missing = [c for c in _REQUIRED if c not in header]
    if missing:
        raise ImportFormatError(
            f"header lacks column(s) {missing}; a SimFin file has {list(_REQUIRED)} "
            f"(found {header[:8]!r})",
            path=name,
            line=1,
        )
    if any(not h for h in header):
        raise ImportFormatError(
            f"header has an empty column name at position {header.index('') + 1}",
            path=name,
            line=1,
        )
    if len(set(header)) != len(header):
        dup = sorted({h for h in header if header.count(h) > 1})
        raise ImportFormatError(f"header repeats column(s) {dup}", path=name, line=1)
    instant = bool(_BALANCE_MARKERS & set(header))
    fast = _fast_wide(raw, header)
    if fast is not None:
        wide, lines_arr = fast
        if wide.empty:
            return empty_frame(FUNDAMENTALS)
        return _finish(wide, lines_arr, instant, name)
    records: list[list[str]] = []
    lines: list[int] = []
    line = 1
    try:
        for record in reader:
            line = reader.line_num
            if not record or all(not f.strip() for f in record):
                continue
            if len(record) != len(header):
                raise ImportFormatError(
                    f"row has {len(record)} fields, the header has {len(header)}",
                    path=name,
                    line=line,
                )
            records.append(record)
            lines.append(line)
    except csv.Error as exc:
        raise ImportFormatError(f"malformed CSV: {exc}", path=name, line=line) from None
    if not records:
        return empty_frame(FUNDAMENTALS)
    wide = pd.DataFrame(records, columns=header, dtype=object)
    for col in header:
        wide[col] = wide[col].str.strip()
    return _finish(wide, np.asarray(lines), instant, name)


def _finish(
    wide: pd.DataFrame, lines: np.ndarray[Any, Any], instant: bool, name: str
) -> pd.DataFrame:
    frame = _long_rows(wide, lines, instant, name)
    if frame.empty:
        return empty_frame(FUNDAMENTALS)
    try:
        return validate(frame, FUNDAMENTALS)
    except SchemaError as exc:  # defensive: every value was checked above
        raise ImportFormatError(f"rows break the table contract: {exc}", path=name) from None


def _fast_wide(raw: bytes, header: list[str]) -> tuple[pd.DataFrame, np.ndarray[Any, Any]] | None:
    """Read the wide frame and line numbers with pyarrow's CSV reader, or return None.

    ``None`` sends the file to the line-by-line reader, which names the line of any problem:
    a row pyarrow cannot read (wrong field count, bad quoting), or a file whose lines are not
    one record each (blank lines, quoted line breaks), where row positions would not give
    line numbers. Otherwise the result is the reader's: every field a stripped string.
    """
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pacsv

    body = raw[3:] if raw.startswith(b"\xef\xbb\xbf") else raw
    try:
        table = pacsv.read_csv(
            pa.py_buffer(body),
            read_options=pacsv.ReadOptions(column_names=header, skip_rows=1),
            parse_options=pacsv.ParseOptions(
                delimiter=";", quote_char='"', newlines_in_values=False
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(header, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowException):
        return None
    # one record per line after the header: the line count must match exactly
    newlines = body.count(b"\n")
    ends_open = not body.endswith(b"\n")
    if table.num_rows != newlines - 1 + int(ends_open) or b"\r" in body:
        return None
    cols = {}
    for h in header:
        col = pc.utf8_trim_whitespace(table.column(h))
        cols[h] = pd.Series(col.to_numpy(zero_copy_only=False), dtype=object)
    wide = pd.DataFrame(cols, columns=header)
    empty = np.ones(len(wide), dtype=bool)
    for h in header:
        empty &= (wide[h] == "").to_numpy()
    if empty.any():
        return None  # rows of empty fields are skipped by the line reader
    return wide, np.arange(2, len(wide) + 2)


def _first_bad(mask: Any, lines: np.ndarray[Any, Any]) -> int | None:
    hits = np.flatnonzero(np.asarray(mask, dtype=bool))
    return int(lines[hits[0]]) if hits.size else None


def _dates(col: pd.Series, column: str, lines: np.ndarray[Any, Any], name: str) -> pd.Series:
    ok = col.str.fullmatch(_DATE_RE.pattern).fillna(False).astype(bool)
    parsed = pd.to_datetime(col.where(ok), format="%Y-%m-%d", errors="coerce")
    year = col.str.slice(0, 4).where(ok).astype(float)
    bad = ~ok | parsed.isna() | (year < 1900) | (year > 2200)
    line = _first_bad(bad, lines)
    if line is not None:
        text = col[bad.to_numpy()].iloc[0]
        raise ImportFormatError(
            f"{column!r} {text!r:.40} is not a YYYY-MM-DD date in 1900..2200", path=name, line=line
        )
    return parsed.astype("datetime64[ns]")


def _period_starts(end: pd.Series, months: pd.Series) -> pd.Series:
    out = pd.Series(pd.NaT, index=end.index, dtype="datetime64[ns]")
    month_end = end.dt.is_month_end
    for n in sorted(set(months.tolist())):
        sel = months == n
        me, other = sel & month_end, sel & ~month_end
        out[me] = end[me] - pd.offsets.MonthEnd(int(n))
        out[other] = end[other] - pd.DateOffset(months=int(n))
    return out + pd.Timedelta(days=1)


def _long_rows(
    wide: pd.DataFrame, lines: np.ndarray[Any, Any], instant: bool, name: str
) -> pd.DataFrame:
    symbol = wide["Ticker"].str.upper()
    line = _first_bad(symbol == "", lines)
    if line is not None:
        raise ImportFormatError("empty 'Ticker'", path=name, line=line)
    fy = wide["Fiscal Year"]
    bad_fy = ~fy.str.fullmatch(r"[0-9]{4}").fillna(False).astype(bool)
    line = _first_bad(bad_fy, lines)
    if line is not None:
        text = fy[bad_fy.to_numpy()].iloc[0]
        raise ImportFormatError(f"'Fiscal Year' {text!r:.40} is not a year", path=name, line=line)
    fp = wide["Fiscal Period"].str.upper()
    bad_fp = ~fp.isin(list(_PERIOD_MONTHS))
    line = _first_bad(bad_fp, lines)
    if line is not None:
        text = fp[bad_fp.to_numpy()].iloc[0]
        raise ImportFormatError(
            f"'Fiscal Period' {text!r:.40} is not one of {sorted(_PERIOD_MONTHS)}",
            path=name,
            line=line,
        )
    end = _dates(wide["Report Date"], "Report Date", lines, name)
    filed = _dates(wide["Publish Date"], "Publish Date", lines, name)
    keys = pd.DataFrame({"s": symbol, "e": end, "f": filed})
    dup = keys.duplicated()
    line = _first_bad(dup, lines)
    if line is not None:
        row = keys[dup.to_numpy()].iloc[0]
        raise ImportFormatError(
            f"second row for ticker {row['s']} report date {row['e'].date()} publish date "
            f"{row['f'].date()}",
            path=name,
            line=line,
        )
    if instant:
        start = pd.Series(pd.NaT, index=end.index, dtype="datetime64[ns]")
    else:
        start = _period_starts(end, fp.map(_PERIOD_MONTHS))
    currency = (
        wide["Currency"].str.upper().replace("", "USD")
        if "Currency" in wide.columns
        else pd.Series("USD", index=wide.index)
    )
    value_cols = [c for c in wide.columns if c not in _META]
    parts: list[pd.DataFrame] = []
    for column in value_cols:
        cell = wide[column]
        present = (cell != "").to_numpy()
        if not present.any():
            continue
        number = pd.to_numeric(cell.where(present), errors="coerce").astype("float64")
        bad = present & ~np.isfinite(number.to_numpy())
        line = _first_bad(bad, lines)
        if line is not None:
            text = cell[bad].iloc[0]
            raise ImportFormatError(
                f"column {column!r}: {text!r:.40} is not a finite number", path=name, line=line
            )
        unit = "shares" if column.startswith("Shares") else None
        parts.append(
            pd.DataFrame(
                {
                    "symbol": symbol[present],
                    "concept": f"simfin:{column}",
                    "unit": unit if unit is not None else currency[present],
                    "period_start": start[present],
                    "period_end": end[present],
                    "fiscal_year": fy[present].astype(int),
                    "fiscal_period": fp[present],
                    "filed": filed[present],
                    "value": number[present],
                    "source": SOURCE,
                }
            )
        )
    if not parts:
        return pd.DataFrame()
    return pd.concat(parts, ignore_index=True)
