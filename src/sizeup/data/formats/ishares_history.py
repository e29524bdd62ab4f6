"""iShares fund history: the daily NAV per share and shares outstanding of one fund.

iShares publishes, on each fund's page, a "data download" of the fund (``.ajax?fileType=xls&
fileName=<name>&dataType=fund``). It is not a binary Excel file but an Excel 2003 XML
spreadsheet (SpreadsheetML: ``<ss:Workbook xmlns:ss="urn:schemas-microsoft-com:office:
spreadsheet">``) with several worksheets; the one named ``Historical`` has a header row and
one row per business day, newest first::

    As Of | NAV per Share | Ex-Dividends | Shares Outstanding      (some funds: Index Level,
    Jan 12, 2026 | 245.31 | -- | 281,300,000                       Non-FV NAV)

**This parser has not met a live response yet.** It follows the layout as public code that
reads these downloads describes it (the worksheet name, the column titles, ``"Jan 12, 2026"``
dates, ``--`` for missing values, numbers with or without thousands separators, cells typed
``String`` or ``Number``), and is tested on files written by hand in that layout. The same
columns saved as CSV (a spreadsheet export: ``As Of,NAV per Share,...,Shares Outstanding``)
are read too.

Rules (documented choices):

* columns are found by title (case and spacing ignored): ``As Of`` and ``Shares
  Outstanding`` are required, ``NAV per Share`` is optional (without it the flows fall back to
  closes and say so); other columns are ignored;
* the workbook is scanned with regular expressions, not an XML parser: public readers report
  that these files are not always well-formed XML; ``ss:Index`` (a cell placed at a column
  after empty ones) is honoured and entities are unescaped;
* a row whose date is empty or not a date, a bad number, a repeated date with different
  values, or a sheet without data rows is an :class:`~sizeup.errors.ImportFormatError` naming
  the row: the whole file is refused (nothing of it is written);
* ``--``, ``-`` and empty cells are missing values (no row is written for them); shares
  outstanding and NAV must be positive;
* the output is ``series`` rows ``<FUND>.shares_outstanding`` and ``<FUND>.nav`` with source
  ``ishares`` (:data:`sizeup.data.formats.ishares.SERIES_SOURCE`), the same series the
  holdings snapshots' preamble feeds;
* the fund is the ``fund`` argument, else ``fallback_fund`` (importers pass the ticker of a
  file name like ``IWM_fund.xls``), else a known iShares fund name found in the workbook.
"""

from __future__ import annotations

import csv
import html
import io
import re
from typing import Final

import numpy as np
import pandas as pd

from sizeup.data.formats.ishares import (
    FUND_NAMES,
    SERIES_SOURCE,
    nav_series_id,
    parse_ishares_date,
    shares_series_id,
)
from sizeup.data.formats.prices import canonical_symbol, guard, split_lines
from sizeup.data.schema import SERIES, validate
from sizeup.errors import ImportFormatError

__all__ = [
    "SPREADSHEET_NS",
    "is_fund_history_csv",
    "is_spreadsheet_xml",
    "parse_fund_history",
]

SPREADSHEET_NS: Final = b"urn:schemas-microsoft-com:office:spreadsheet"
"""Namespace of Excel 2003 XML spreadsheets (what the iShares ``fileType=xls`` download is)."""

_SHEET: Final = re.compile(
    r"<(?:ss:)?Worksheet\b[^>]*?\bss:Name\s*=\s*\"([^\"]*)\"[^>]*>(.*?)</(?:ss:)?Worksheet>",
    re.S | re.I,
)
_ROW: Final = re.compile(r"<(?:ss:)?Row\b[^>]*?(?:/>|>(.*?)</(?:ss:)?Row>)", re.S | re.I)
_CELL: Final = re.compile(r"<(?:ss:)?Cell\b([^>]*?)(?:/>|>(.*?)</(?:ss:)?Cell>)", re.S | re.I)
_DATA: Final = re.compile(r"<(?:ss:)?Data\b[^>]*>(.*?)</(?:ss:)?Data>", re.S | re.I)
_INDEX: Final = re.compile(r"\bss:Index\s*=\s*\"(\d+)\"", re.I)
_TAG: Final = re.compile(r"<[^>]+>")
_MISSING: Final = frozenset({"", "-", "--", "n/a", "na"})


def _key(title: str) -> str:
    return re.sub(r"[^a-z]", "", title.lower())


def is_spreadsheet_xml(head: bytes) -> bool:
    """Whether a body is an Excel 2003 XML spreadsheet (judged from its first bytes)."""
    stripped = head.lstrip(b"\xef\xbb\xbf").lstrip()
    return stripped.startswith(b"<") and SPREADSHEET_NS in head


def is_fund_history_csv(lines: list[str]) -> bool:
    """Whether the first non-empty line is a fund-history header (As Of, Shares Outstanding)."""
    for line in lines[:5]:
        if line.strip():
            keys = {_key(c) for c in next(csv.reader([line]))}
            return "asof" in keys and "sharesoutstanding" in keys
    return False


def _sheet_rows(text: str, *, name: str) -> list[list[str]]:
    """Return the ``Historical`` worksheet's rows as lists of cell texts."""
    sheets = {m.group(1).strip().lower(): m.group(2) for m in _SHEET.finditer(text)}
    body = sheets.get("historical")
    if body is None:
        found = ", ".join(repr(k) for k in sheets) or "none"
        raise ImportFormatError(
            f"the spreadsheet has no 'Historical' worksheet (worksheets: {found}); expected the "
            "iShares fund download with a Historical sheet of As Of / NAV per Share / Shares "
            "Outstanding",
            path=name,
        )
    rows: list[list[str]] = []
    for row in _ROW.finditer(body):
        cells: list[str] = []
        for cell in _CELL.finditer(row.group(1) or ""):
            at = _INDEX.search(cell.group(1))
            if at is not None:
                cells.extend([""] * max(0, int(at.group(1)) - 1 - len(cells)))
            data = _DATA.search(cell.group(2) or "")
            value = "" if data is None else _TAG.sub("", data.group(1))
            cells.append(html.unescape(value).replace("\u00a0", " ").strip())
        rows.append(cells)
    return rows


def _csv_rows(data: bytes) -> list[list[str]]:
    text = "\n".join(split_lines(data))
    return [[c.replace("\u00a0", " ").strip() for c in r] for r in csv.reader(io.StringIO(text))]


def _fund_in(text: str) -> str | None:
    low = html.unescape(text).lower()
    # the longest name wins over one it contains ("... russell 2000 value etf" over "... 2000 etf")
    matches = sorted(
        ((k, v) for k, v in FUND_NAMES.items() if k in low), key=lambda kv: -len(kv[0])
    )
    return matches[0][1] if matches else None


def _number(raw: str, *, column: str) -> float | None:
    """Return a positive number, ``None`` for a missing cell; ``ValueError`` for a bad one."""
    if raw.strip().lower() in _MISSING:
        return None
    try:
        value = float(raw.replace(",", "").replace("$", "").strip())
    except ValueError:
        value = float("nan")
    if not np.isfinite(value) or value <= 0:
        raise ValueError(f"column {column!r}: {raw!r} is not a positive number")
    return value


@guard("iShares fund history")
def parse_fund_history(
    data: bytes,
    *,
    name: str,
    fund: str | None = None,
    fallback_fund: str | None = None,
) -> pd.DataFrame:
    """Parse an iShares fund history (SpreadsheetML download or CSV) into ``series`` rows.

    Parameters
    ----------
    data
        The body (decompressed).
    name
        Path or URL, used in messages.
    fund
        Fund ticker (overrides everything else).
    fallback_fund
        Fund ticker used when ``fund`` is not given (e.g. from the file name); a known iShares
        fund name inside the workbook is the last resort.

    Returns
    -------
    pandas.DataFrame
        ``series`` rows ``<FUND>.shares_outstanding`` and ``<FUND>.nav`` (one per date with a
        value), source ``ishares``, vintage empty.

    Raises
    ------
    ImportFormatError
        No Historical sheet / header, missing columns, a bad or missing date, a bad number, a
        date repeated with other values, no rows, or no way to tell the fund.
    """
    xml = is_spreadsheet_xml(data[:4096])
    if xml:
        text = data.decode("utf-8", errors="replace")
        rows = _sheet_rows(text, name=name)
    else:
        text = "\n".join(split_lines(data, limit=8192))
        rows = _csv_rows(data)
    header_at = next((i for i, r in enumerate(rows) if any(c.strip() for c in r)), None)
    if header_at is None:
        raise ImportFormatError("fund history without a header row", path=name)
    keys = [_key(c) for c in rows[header_at]]
    if "asof" not in keys or "sharesoutstanding" not in keys:
        raise ImportFormatError(
            f"fund history header {rows[header_at][:6]!r} lacks 'As Of' or 'Shares Outstanding'; "
            "expected As Of, NAV per Share, Shares Outstanding",
            path=name,
            line=header_at + 1,
        )
    i_date, i_shares = keys.index("asof"), keys.index("sharesoutstanding")
    i_nav = keys.index("navpershare") if "navpershare" in keys else None
    fund_id = fund or fallback_fund or _fund_in(text[:200_000])
    if not fund_id:
        raise ImportFormatError(
            "cannot tell the fund of this history (no known fund name inside); pass the fund "
            "ticker (e.g. --fund IWM) or name the file like IWM_fund.xls",
            path=name,
        )

    def error(k: int, message: str) -> ImportFormatError:
        if xml:  # a worksheet row, not a line of the file
            return ImportFormatError(f"Historical sheet row {k}: {message}", path=name)
        return ImportFormatError(message, path=name, line=k)

    seen: dict[pd.Timestamp, tuple[float | None, float | None]] = {}
    for k, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        if not any(c.strip() for c in row):
            continue
        cell = row + [""] * (len(keys) - len(row))
        raw_date = cell[i_date].strip()
        if not raw_date:
            raise error(k, "no 'As Of' date; every row needs one")
        try:
            day = parse_ishares_date(raw_date, name=name, line=k).normalize()
        except ImportFormatError as exc:
            raise error(k, f"'As Of' {raw_date!r} is not a date like 'Jan 12, 2026'") from exc
        try:
            shares = _number(cell[i_shares], column="Shares Outstanding")
            nav = None if i_nav is None else _number(cell[i_nav], column="NAV per Share")
        except ValueError as exc:
            raise error(k, str(exc)) from exc
        if day in seen and seen[day] != (shares, nav):
            raise error(k, f"date {day.date()} appears twice with different values")
        seen[day] = (shares, nav)
    if not seen:
        raise ImportFormatError("fund history has a header but no rows", path=name)
    sym = canonical_symbol(fund_id)
    records = [
        (sid, day, value)
        for day, (shares, nav) in sorted(seen.items())
        for sid, value in ((shares_series_id(sym), shares), (nav_series_id(sym), nav))
        if value is not None
    ]
    if not records:
        raise ImportFormatError(
            "fund history rows hold no shares outstanding or NAV values", path=name
        )
    frame = pd.DataFrame(records, columns=["series_id", "date", "value"])
    frame["source"] = SERIES_SOURCE
    frame["vintage"] = ""
    return validate(frame, SERIES)
