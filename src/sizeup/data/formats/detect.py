"""Content sniffing: which format a body is in, judged from its first bytes only.

:func:`detect_format` never looks at a file name (names lie: ``IWM.csv`` exists in four
layouts in the shared data). It returns one of :data:`FORMATS`; the importers map each name to
a parser, and the ``not_market_data`` names to a reason for skipping the file.
"""

from __future__ import annotations

import json
import re
from typing import Final, Literal

from sizeup.data.formats._common import gunzip
from sizeup.data.formats.ishares_history import is_fund_history_csv, is_spreadsheet_xml
from sizeup.data.formats.prices import split_lines, stooq_error_kind

__all__ = [
    "FORMATS",
    "NOT_MARKET_DATA",
    "FormatName",
    "decompress",
    "detect_format",
]

FormatName = Literal[
    "yahoo_csv",
    "yfinance_csv",
    "stooq_csv",
    "stooq_error",
    "close_csv",
    "matrix_csv",
    "alphavantage_csv",
    "fred_csv",
    "french_csv",
    "french5_csv",
    "ishares_csv",
    "ishares_fund_xml",
    "ishares_history_csv",
    "constituents_csv",
    "sec_companyfacts_json",
    "sec_company_tickers_json",
    "simfin_income_csv",
    "simfin_balance_csv",
    "simfin_cashflow_csv",
    "simfin_csv",
    "holiday_calendar_csv",
    "markdown_text",
    "provenance_json",
    "unknown",
]
FORMATS: Final[tuple[str, ...]] = FormatName.__args__  # type: ignore[attr-defined]

NOT_MARKET_DATA: Final[dict[str, str]] = {
    "holiday_calendar_csv": "not a market-data file: a holiday calendar (Date,DayOfWeek,Holiday)",
    "markdown_text": "not a market-data file: Markdown documentation",
    "provenance_json": "not a market-data file: provenance records (JSON list of file origins)",
}
"""Formats that are recognised but hold no market data, with the reason reported."""

HEAD_BYTES: Final = 1 << 16
_PRICE_KEYS: Final = frozenset(
    {"open", "high", "low", "close", "adjclose", "adjustedclose", "volume"}
)
_FRENCH_COLS: Final = frozenset(
    {"mkt-rf", "smb", "hml", "rmw", "cma", "rf", "mom", "<=0", "lo30", "med40", "hi30"}
)
_FRED_ID: Final = re.compile(r"^[A-Z0-9_]{2,30}$")


def decompress(data: bytes, *, name: str) -> bytes:
    """Return the body, gunzipped if it is gzip (magic bytes, not the file name).

    Decompression is capped (see :func:`sizeup.data.formats._common.gunzip`).

    Raises
    ------
    ImportFormatError
        The body starts like gzip but is corrupt, truncated, or expands beyond the caps.
    """
    return gunzip(data, name)


def _norm(cell: str) -> str:
    return re.sub(r"[\s_]", "", cell.strip().strip('"').lower())


def detect_format(head: bytes) -> FormatName:
    """Name the format of a body from its first bytes (64 KB are plenty).

    Parameters
    ----------
    head
        The first bytes of the (decompressed) body.

    Returns
    -------
    str
        One of :data:`FORMATS`; ``"unknown"`` when nothing matches.
    """
    head = head[:HEAD_BYTES]
    stripped = head.lstrip(b"\xef\xbb\xbf").lstrip()
    if not stripped:
        return "unknown"
    if is_spreadsheet_xml(head):  # the iShares fund download (Excel 2003 XML)
        return "ishares_fund_xml"
    if stooq_error_kind(head) is not None:
        return "stooq_error"
    if stripped[:1] in (b"{", b"["):
        return _detect_json(stripped)
    lines = split_lines(head)
    if not lines:
        return "unknown"
    first = lines[0].strip()
    if first.startswith("#") or first.startswith("---"):
        return "markdown_text"
    if ";" in first and "simfinid" in first.lower().replace('"', ""):
        return _simfin_kind(first)
    if _is_french(lines):
        return _french_kind(lines)
    if _is_ishares(lines):
        return "ishares_csv"
    if is_fund_history_csv(lines):
        return "ishares_history_csv"
    cells = [_norm(c) for c in first.split(",")]
    if not cells:
        return "unknown"
    c0 = cells[0]
    rest = cells[1:]
    if c0 == "price" and len(lines) > 2 and _norm(lines[1].split(",")[0]) == "ticker":
        return "yfinance_csv"
    if {"ticker", "timestamp", "adjustedclose", "dividendamount"} <= set(cells):
        return "alphavantage_csv"
    if c0 in ("observationdate",) and len(rest) == 1:
        return "fred_csv"
    if (
        first.split(",")[0].strip() == "DATE"
        and len(rest) == 1
        and _FRED_ID.match(first.split(",")[1].strip())
    ):
        return "fred_csv"
    if c0 == "date" and rest == ["value"]:
        return "fred_csv"
    if c0 == "date" and rest == ["dayofweek", "holiday"]:
        return "holiday_calendar_csv"
    if c0 in ("symbol", "ticker") and ({"name", "security"} & set(rest)):
        return "constituents_csv"
    if c0 in ("date", "timestamp") and rest:
        if all(c in _PRICE_KEYS for c in rest):
            if set(rest) <= {"close", "adjclose"}:
                return "close_csv"
            if b"\r\n" in head[:200] and first == "Date,Open,High,Low,Close,Volume":
                return "stooq_csv"
            return "yahoo_csv"
        if len(rest) == 1:
            return "close_csv"
        return "matrix_csv"
    if c0 == "data" and "zamkniecie" in rest:
        return "stooq_csv"
    return "unknown"


def _simfin_kind(header: str) -> FormatName:
    """Name the SimFin statement from its columns.

    Each statement is its own source: the share counts repeat in every statement, with
    slightly different values.
    """
    cols = {c.strip().strip('"').lower() for c in header.split(";")}
    if "revenue" in cols or "gross profit" in cols:
        return "simfin_income_csv"
    if "total assets" in cols:
        return "simfin_balance_csv"
    if "net cash from operating activities" in cols:
        return "simfin_cashflow_csv"
    return "simfin_csv"


def _detect_json(stripped: bytes) -> FormatName:
    text = stripped[:4096].decode("utf-8", errors="replace")
    if text.startswith("["):
        if '"dest"' in text and '"repo"' in text:
            return "provenance_json"
        return "unknown"
    if '"facts"' in text and '"cik"' in text:
        return "sec_companyfacts_json"
    if re.match(r'^\{\s*"0"\s*:\s*\{\s*"cik_str"', text):
        return "sec_company_tickers_json"
    try:
        obj = json.loads(stripped)
    except (ValueError, RecursionError):
        return "unknown"
    if isinstance(obj, dict) and "facts" in obj and "cik" in obj:
        return "sec_companyfacts_json"
    return "unknown"


def _is_french(lines: list[str]) -> bool:
    for line in lines[:40]:
        low = line.lower()
        if "crsp database" in low or ("fama" in low and "french" in low):
            return True
        cells = [_norm(c).replace(" ", "") for c in line.split(",")]
        if cells and cells[0] in ("", "date") and len(cells) > 1:
            named = [c for c in cells[1:] if c]
            if named and all(c in _FRENCH_COLS or _french_port(c) for c in named):
                return True
    return False


def _french_port(cell: str) -> bool:
    return bool(re.match(r"^(lo|hi|qnt|dec)\d+$|^\d+-dec$", cell))


def _french_kind(lines: list[str]) -> FormatName:
    for line in lines[:60]:
        cells = {_norm(c) for c in line.split(",")}
        if "rmw" in cells and "cma" in cells:
            return "french5_csv"
    return "french_csv"


def _is_ishares(lines: list[str]) -> bool:
    for line in lines[:15]:
        low = line.lower()
        if low.startswith("fund holdings as of"):
            return True
        cells = [_norm(c) for c in line.split(",")]
        if cells[:2] == ["ticker", "name"] and ("weight(%)" in cells or "assetclass" in cells):
            return True
    return False
