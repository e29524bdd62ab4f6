"""Nasdaq Trader symbol directories: ``nasdaqlisted.txt`` and ``otherlisted.txt``.

Notes
-----
Format (SOURCES.md §7): pipe-delimited, LF or CRLF, a fixed header line, and a last line
``File Creation Time: MMDDYYYYHH:MM`` followed by empty pipe fields. The footer is required:
a body without it is truncated. The wrong URL returns an HTML "Page Not Available" page with
HTTP 200, so the header is checked exactly.

Symbols become the Yahoo/SEC style: ``BRK.A`` -> ``BRK-A``, preferred ``ABR$D`` -> ``ABR-PD``.
``asset_type`` is one of ``stock``, ``etf``, ``test``, ``unit``, ``warrant``, ``right``,
``preferred``, ``adr``, ``note`` (from the Test Issue and ETF flags, the symbol's suffix and the
security name).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Final, Literal

import pandas as pd

from sizeup.data.providers.http import SITES, Request, Response, check_status, looks_like_html
from sizeup.data.schema import validate
from sizeup.errors import ProviderResponseError, SchemaError

__all__ = ["HEADERS", "SOURCE", "Directory", "build_request", "check", "parse_directory"]

SOURCE: Final = "nasdaqtrader"
Directory = Literal["nasdaqlisted", "otherlisted"]

HEADERS: Final[dict[str, tuple[str, ...]]] = {
    "nasdaqlisted": (
        "Symbol",
        "Security Name",
        "Market Category",
        "Test Issue",
        "Financial Status",
        "Round Lot Size",
        "ETF",
        "NextShares",
    ),
    "otherlisted": (
        "ACT Symbol",
        "Security Name",
        "Exchange",
        "CQS Symbol",
        "ETF",
        "Round Lot Size",
        "Test Issue",
        "NASDAQ Symbol",
    ),
}
_NASDAQ_TIERS: Final = {"Q": "NASDAQ-GS", "G": "NASDAQ-GM", "S": "NASDAQ-CM"}
_EXCHANGES: Final = {
    "N": "NYSE",
    "P": "NYSE ARCA",
    "Z": "CBOE BZX",
    "A": "NYSE AMERICAN",
    "V": "IEX",
    "M": "NYSE CHICAGO",
}
_FOOTER: Final = re.compile(r"^File Creation Time: (\d{2})(\d{2})(\d{4})(\d{2}):(\d{2})\|*$")
_NAME_KINDS: Final = (
    ("unit", re.compile(r"\bunits?\b", re.IGNORECASE)),
    ("warrant", re.compile(r"\bwarrants?\b", re.IGNORECASE)),
    ("right", re.compile(r"\brights?\b", re.IGNORECASE)),
    ("preferred", re.compile(r"\bpreferred\b", re.IGNORECASE)),
    ("adr", re.compile(r"\bdepositary\b", re.IGNORECASE)),
    ("note", re.compile(r"\bnotes?\b", re.IGNORECASE)),
)


def build_request(
    directory: Directory, *, base_url: str = SITES["nasdaqtrader"].base_url
) -> Request:
    """Build the request for one directory file (``/dynamic/SymDir/<name>.txt``)."""
    if directory not in HEADERS:
        raise ProviderResponseError(
            f"Nasdaq Trader directory {directory!r} is unknown; valid: {sorted(HEADERS)}"
        )
    return Request("nasdaqtrader", f"{base_url.rstrip('/')}/dynamic/SymDir/{directory}.txt")


def check(response: Response, *, directory: Directory) -> None:
    """Raise on error statuses and on the HTML "Page Not Available" page served with HTTP 200."""
    what = f"Nasdaq Trader {directory}"
    check_status(response, what=what)
    if looks_like_html(response.body):
        raise ProviderResponseError(
            f"{what}: got an HTML page with HTTP {response.status} instead of the pipe file "
            f"({response.url}); use /dynamic/SymDir/{directory}.txt"
        )


def canonical_symbol(raw: str) -> str:
    """Map a Nasdaq Trader / CQS symbol to the Yahoo/SEC style (``BRK.A`` -> ``BRK-A``)."""
    return raw.replace("$", "-P").replace(".", "-")


def _kind(symbol: str, name: str, *, test: bool, etf: bool) -> str:
    if test:
        return "test"
    if etf:
        return "etf"
    if "$" in symbol:
        return "preferred"
    for suffix, kind in ((".U", "unit"), (".W", "warrant"), (".R", "right")):
        if symbol.endswith(suffix) or f"{suffix}S" == symbol[-3:]:
            return kind
    for kind, pattern in _NAME_KINDS:
        if pattern.search(name):
            return kind
    return "stock"


def _fail(directory: str, message: str) -> ProviderResponseError:
    return ProviderResponseError(f"Nasdaq Trader {directory}: {message}")


def parse_directory(
    body: bytes, *, directory: Directory, source: str = SOURCE
) -> dict[str, pd.DataFrame]:
    """Parse a directory file into a ``symbols`` frame.

    Parameters
    ----------
    body
        The file's bytes.
    directory
        Which file it is (the header differs).
    source
        Source name of the rows.

    Returns
    -------
    dict
        ``{"symbols": frame}``: one row per symbol, ``as_of`` = the file creation date.

    Raises
    ------
    ProviderResponseError
        Wrong header (e.g. HTML), a row with the wrong number of fields, a bad flag, a repeated
        symbol, or no ``File Creation Time`` footer (truncated body).
    """
    if directory not in HEADERS:
        raise _fail(directory, f"unknown directory; valid: {sorted(HEADERS)}")
    header = HEADERS[directory]
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        text = body.decode("latin-1")
    lines = text.lstrip("\ufeff").splitlines()
    if not lines or tuple(lines[0].split("|")) != header:
        first = lines[0][:80] if lines else ""
        raise _fail(directory, f"first line {first!r} is not the header {'|'.join(header)!r}")
    as_of: dt.date | None = None
    rows: list[dict[str, Any]] = []
    for number, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        footer = _FOOTER.match(line)
        if footer:
            month, day, year, hour, minute = (int(g) for g in footer.groups())
            try:
                as_of = dt.datetime(year, month, day, hour, minute).date()
            except ValueError:
                raise _fail(directory, f"line {number}: bad creation time {line!r}") from None
            if any(rest.strip() for rest in lines[number:]):
                raise _fail(directory, f"line {number}: data after the footer")
            break
        fields = line.split("|")
        if len(fields) != len(header):
            raise _fail(
                directory, f"line {number}: {len(fields)} fields, {len(header)} expected: {line!r}"
            )
        rec = dict(zip(header, fields, strict=True))
        if directory == "nasdaqlisted":
            raw, market = rec["Symbol"], rec["Market Category"]
            exchange = _NASDAQ_TIERS.get(market, f"NASDAQ-{market}" if market else "NASDAQ")
        else:
            raw, market = rec["ACT Symbol"], rec["Exchange"]
            exchange = _EXCHANGES.get(market, market)
        test, etf = rec["Test Issue"], rec["ETF"]
        if not raw or raw != raw.strip() or test not in ("Y", "N") or etf not in ("Y", "N", ""):
            raise _fail(
                directory,
                f"line {number}: symbol {raw!r}, Test Issue {test!r}, ETF {etf!r}; need a "
                "symbol, Y/N and Y/N/empty",
            )
        name = rec["Security Name"].strip()
        rows.append(
            {
                "symbol": canonical_symbol(raw),
                "name": name,
                "exchange": exchange,
                "asset_type": _kind(raw, name, test=test == "Y", etf=etf == "Y"),
                "source": source,
            }
        )
    if as_of is None:
        raise _fail(directory, "no 'File Creation Time' footer: the body is truncated")
    frame = pd.DataFrame(
        rows, columns=["symbol", "name", "exchange", "asset_type", "source"]
    ).assign(as_of=as_of)
    if frame["symbol"].duplicated().any():
        dup = frame.loc[frame["symbol"].duplicated(), "symbol"].iloc[0]
        raise _fail(directory, f"symbol {dup!r} appears twice")
    try:
        return {"symbols": validate(frame, "symbols")}
    except SchemaError as exc:
        raise _fail(directory, f"rows break the table contract: {exc}") from None
