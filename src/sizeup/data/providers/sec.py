"""SEC EDGAR: company tickers, submissions, XBRL companyfacts and frames.

Notes
-----
SOURCES.md §6. No key, but the **User-Agent must name you and a contact email**
(``Settings.sec_user_agent`` from ``SIZEUP_SEC_USER_AGENT`` or ``sizeup.toml``; the client
raises :class:`~sizeup.errors.ConfigError` without it). The SEC allows at most 10 requests per
second per user across its hosts; the shared client uses one token bucket of 8/s for
``www.sec.gov`` and ``data.sec.gov``. Going over the limit gives HTTP 403 "Request Rate
Threshold Exceeded" and a block of about ten minutes: :func:`check` raises
:class:`~sizeup.errors.RateLimitError` (never retried) so that a batch stops asking the SEC.

``company_tickers.json`` and companyfacts are parsed by :mod:`sizeup.data.formats.sec`;
submissions and frames are parsed here.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Final

import pandas as pd

from sizeup.data.formats.sec import parse_company_tickers, parse_companyfacts
from sizeup.data.providers.http import SITES, Request, Response, format_errors, looks_like_html
from sizeup.data.schema import validate
from sizeup.errors import (
    ProviderError,
    ProviderResponseError,
    RateLimitError,
    SchemaError,
    SymbolNotFoundError,
)

__all__ = [
    "SOURCE",
    "Submissions",
    "XbrlFrame",
    "check",
    "company_tickers_request",
    "companyfacts_request",
    "frames_request",
    "parse_company_tickers_body",
    "parse_companyfacts_body",
    "parse_frames",
    "parse_submissions",
    "submissions_request",
]

SOURCE: Final = "sec"
_DATE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_PERIOD: Final = re.compile(r"^CY\d{4}(Q[1-4]I?)?$")
_NAME: Final = re.compile(r"^[A-Za-z0-9_\-]+$")
_MAX_CIK: Final = 9_999_999_999
_FILING_COLUMNS: Final = (
    ("accessionNumber", "accession"),
    ("form", "form"),
    ("filingDate", "filing_date"),
    ("reportDate", "report_date"),
    ("acceptanceDateTime", "accepted"),
    ("primaryDocument", "primary_document"),
)


def _cik(cik: int) -> str:
    if isinstance(cik, bool) or not isinstance(cik, int) or not 0 < cik <= _MAX_CIK:
        raise ProviderResponseError(f"SEC CIK {cik!r} is not an integer in 1..{_MAX_CIK}")
    return f"CIK{cik:010d}"


def company_tickers_request(*, base_url: str = SITES["sec"].base_url) -> Request:
    """``GET {www.sec.gov}/files/company_tickers.json`` (ticker -> CIK map)."""
    return Request("sec", f"{base_url.rstrip('/')}/files/company_tickers.json")


def submissions_request(cik: int, *, base_url: str = SITES["secdata"].base_url) -> Request:
    """``GET {data.sec.gov}/submissions/CIK##########.json``."""
    return Request("secdata", f"{base_url.rstrip('/')}/submissions/{_cik(cik)}.json")


def companyfacts_request(cik: int, *, base_url: str = SITES["secdata"].base_url) -> Request:
    """``GET {data.sec.gov}/api/xbrl/companyfacts/CIK##########.json``."""
    return Request("secdata", f"{base_url.rstrip('/')}/api/xbrl/companyfacts/{_cik(cik)}.json")


def frames_request(
    tag: str,
    period: str,
    *,
    taxonomy: str = "us-gaap",
    unit: str = "USD",
    base_url: str = SITES["secdata"].base_url,
) -> Request:
    """``GET {data.sec.gov}/api/xbrl/frames/{taxonomy}/{tag}/{unit}/{period}.json``.

    Parameters
    ----------
    tag
        XBRL tag, e.g. ``Revenues``.
    period
        ``CY2023`` (annual), ``CY2023Q4`` (quarter) or ``CY2023Q4I`` (instant).
    taxonomy, unit
        ``us-gaap``/``dei``/``ifrs-full``; ``USD``, ``shares``, ``USD-per-shares``, ``pure``.
    base_url
        Scheme and host.
    """
    if not _PERIOD.match(period):
        raise ProviderResponseError(
            f"SEC frames period {period!r} is invalid; use CY2023, CY2023Q4 or CY2023Q4I"
        )
    for what, value in (("tag", tag), ("taxonomy", taxonomy), ("unit", unit)):
        if not _NAME.match(value):
            raise ProviderResponseError(f"SEC frames {what} {value!r} has invalid characters")
    return Request(
        "secdata", f"{base_url.rstrip('/')}/api/xbrl/frames/{taxonomy}/{tag}/{unit}/{period}.json"
    )


def check(response: Response, *, what: str) -> None:
    """Raise the project's error for SEC refusals, missing documents and HTML pages.

    Raises
    ------
    RateLimitError
        HTTP 403 "Request Rate Threshold Exceeded" (``retry_after`` 600 s).
    ProviderError
        Any other 403 (usually "Undeclared Automated Tool": the User-Agent lacks a contact).
    SymbolNotFoundError
        HTTP 404 (unknown CIK, or a tag the filer never used).
    ProviderResponseError
        Other non-2xx statuses, or an HTML page with HTTP 200.
    """
    status, body = response.status, response.body
    low = body[:4096].lower()
    if status == 403:
        if b"threshold" in low or b"rate" in low:
            raise RateLimitError(
                f"{what}: SEC answered 403 Request Rate Threshold Exceeded ({response.url}); "
                "the SEC blocks for about 10 minutes, stop and retry later",
                retry_after=600.0,
            )
        raise ProviderError(
            f"{what}: SEC refused the request with 403 ({response.url}); the User-Agent must "
            "name you and a contact email (SIZEUP_SEC_USER_AGENT)"
        )
    if status in (404, 410):
        raise SymbolNotFoundError(
            f"{what}: SEC has no such document (HTTP {status}, {response.url})"
        )
    if not 200 <= status < 300:
        raise ProviderResponseError(f"{what}: HTTP {status} from {response.url}")
    if looks_like_html(body):
        raise ProviderResponseError(
            f"{what}: got an HTML page with HTTP {status} instead of JSON ({response.url})"
        )


def parse_company_tickers_body(
    body: bytes, *, name: str = "company_tickers.json"
) -> dict[str, pd.DataFrame]:
    """Parse ``company_tickers.json`` into ``{"symbols": frame}`` (source ``"sec"``)."""
    with format_errors(f"SEC company tickers ({name})"):
        return {"symbols": parse_company_tickers(body, name=name)}


def parse_companyfacts_body(
    body: bytes, *, name: str, tickers: Mapping[int, str] | None = None
) -> dict[str, pd.DataFrame]:
    """Parse a companyfacts body into ``{"fundamentals": frame}``.

    Parameters
    ----------
    body
        The response body.
    name
        URL, used in messages.
    tickers
        CIK -> canonical symbol of the rows.
    """
    with format_errors(f"SEC companyfacts ({name})"):
        return {"fundamentals": parse_companyfacts(body, name=name, tickers=tickers)}


def _load(body: bytes, what: str) -> dict[str, Any]:
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise ProviderResponseError(f"{what}: body is not JSON ({type(exc).__name__})") from None
    if not isinstance(doc, dict):
        raise ProviderResponseError(f"{what}: expected a JSON object, got {type(doc).__name__}")
    return doc


def _int(value: Any, what: str, where: str) -> int:
    if isinstance(value, bool):
        raise ProviderResponseError(f"{what}: {where} {value!r} is not an integer")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and value.isdigit() and len(value) <= 10:
        number = int(value)
    else:
        raise ProviderResponseError(f"{what}: {where} {value!r} is not an integer")
    if not 0 < number <= _MAX_CIK:
        raise ProviderResponseError(f"{what}: {where} {number} outside 1..{_MAX_CIK}")
    return number


def _date_or_none(value: Any, what: str, where: str) -> str | None:
    if value in (None, ""):
        return None
    if not isinstance(value, str) or not _DATE.match(value):
        raise ProviderResponseError(f"{what}: {where} {value!r} is not YYYY-MM-DD")
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise ProviderResponseError(f"{what}: {where} {value!r} is not a date") from None
    return value


@dataclass(frozen=True)
class Submissions:
    """A company's submissions document.

    Parameters
    ----------
    cik
        Central Index Key.
    name
        Registrant name.
    category
        Filer status, e.g. ``"Large accelerated filer"``, ``"Non-accelerated filer"``.
    fiscal_year_end
        ``MMDD``.
    sic, sic_description
        Industry code and its description.
    symbols
        ``symbols`` rows (one per ticker, with its exchange), source ``"sec"``.
    filings
        The recent filings (up to 1000): accession, form, filing_date, report_date, accepted,
        primary_document; sorted by filing date then accession.
    """

    cik: int
    name: str
    category: str
    fiscal_year_end: str
    sic: str
    sic_description: str
    symbols: pd.DataFrame = field(repr=False)
    filings: pd.DataFrame = field(repr=False)

    def summary(self) -> str:
        """One line about the company and its filings."""
        return (
            f"CIK {self.cik} {self.name} ({self.category or 'category unknown'}), "
            f"{len(self.filings)} recent filings"
        )


def _str(doc: Mapping[str, Any], key: str, what: str) -> str:
    value = doc.get(key)
    if value is None:
        return ""
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise ProviderResponseError(f"{what}: {key!r} is {value!r}, a string was expected")
    return str(value)


def parse_submissions(body: bytes, *, name: str = "submissions") -> Submissions:
    """Parse ``submissions/CIK##########.json``.

    Raises
    ------
    ProviderResponseError
        Not JSON, a missing or malformed key, or ``filings.recent`` arrays of unequal length.
    """
    what = f"SEC submissions ({name})"
    doc = _load(body, what)
    cik = _int(doc.get("cik"), what, "'cik'")
    tickers, exchanges = doc.get("tickers", []), doc.get("exchanges", [])
    if (
        not isinstance(tickers, list)
        or not isinstance(exchanges, list)
        or not all(isinstance(t, str) and t.strip() for t in tickers)
        or not all(e is None or isinstance(e, str) for e in exchanges)
    ):
        raise ProviderResponseError(f"{what}: 'tickers'/'exchanges' must be lists of strings")
    filings = doc.get("filings")
    recent = filings.get("recent") if isinstance(filings, dict) else None
    if not isinstance(recent, dict):
        raise ProviderResponseError(f"{what}: 'filings.recent' is missing")
    columns: dict[str, list[Any]] = {}
    for key, column in _FILING_COLUMNS:
        values = recent.get(key)
        if not isinstance(values, list) or not all(v is None or isinstance(v, str) for v in values):
            raise ProviderResponseError(f"{what}: filings.recent.{key} is not a list of strings")
        columns[column] = values
    sizes = {len(v) for v in columns.values()}
    if len(sizes) > 1:
        raise ProviderResponseError(
            f"{what}: filings.recent arrays have different lengths {sorted(sizes)} (truncated?)"
        )
    filing_frame = pd.DataFrame(columns)
    for column in ("filing_date", "report_date"):
        checked = [_date_or_none(v, what, column) for v in filing_frame[column]]
        filing_frame[column] = pd.to_datetime(pd.Series(checked, dtype=object))
    if filing_frame["filing_date"].isna().any():
        raise ProviderResponseError(f"{what}: a filing has no filingDate")
    try:
        filing_frame["accepted"] = pd.to_datetime(
            filing_frame["accepted"], utc=True, errors="raise", format="ISO8601"
        ).dt.tz_localize(None)
    except (ValueError, TypeError, OverflowError):
        raise ProviderResponseError(f"{what}: acceptanceDateTime is not ISO 8601") from None
    if filing_frame["accession"].isna().any() or filing_frame["accession"].duplicated().any():
        raise ProviderResponseError(f"{what}: accession numbers are missing or repeated")
    filing_frame = filing_frame.sort_values(
        ["filing_date", "accession"], kind="mergesort"
    ).reset_index(drop=True)
    company = _str(doc, "name", what)
    last_filed = filing_frame["filing_date"].max() if len(filing_frame) else None
    rows = [
        {
            "symbol": ticker.strip().upper(),
            "name": company,
            "cik": cik,
            "exchange": exchanges[i] if i < len(exchanges) else None,
            "asset_type": "stock",
            "as_of": last_filed,
            "source": SOURCE,
        }
        for i, ticker in enumerate(tickers)
    ]
    try:
        symbols = validate(
            pd.DataFrame(
                rows, columns=["symbol", "name", "cik", "exchange", "asset_type", "as_of", "source"]
            ).drop_duplicates("symbol"),
            "symbols",
        )
    except SchemaError as exc:
        raise ProviderResponseError(f"{what}: {exc}") from None
    return Submissions(
        cik=cik,
        name=company,
        category=_str(doc, "category", what),
        fiscal_year_end=_str(doc, "fiscalYearEnd", what),
        sic=_str(doc, "sic", what),
        sic_description=_str(doc, "sicDescription", what),
        symbols=symbols,
        filings=filing_frame,
    )


@dataclass(frozen=True)
class XbrlFrame:
    """One XBRL frame: a tag's value for every filer in one calendar period.

    Parameters
    ----------
    taxonomy, tag, unit, period
        What the frame holds (``us-gaap``, ``Revenues``, ``USD``, ``CY2023Q4``).
    label
        SEC's label of the tag.
    data
        Columns cik, entity_name, loc, period_start (null for instants), period_end, value,
        accn; one row per filer, sorted by cik.
    """

    taxonomy: str
    tag: str
    unit: str
    period: str
    label: str
    data: pd.DataFrame = field(repr=False)

    def summary(self) -> str:
        """One line naming the frame and its size."""
        return f"{self.taxonomy}:{self.tag} [{self.unit}] {self.period}: {len(self.data)} filers"


def parse_frames(body: bytes, *, name: str = "frames") -> XbrlFrame:
    """Parse an XBRL frames response.

    Notes
    -----
    Shape (SOURCES.md §6): ``{"taxonomy", "tag", "ccp", "uom", "label", "description", "pts",
    "data": [{"accn", "cik", "entityName", "loc", "start"?, "end", "val"}]}``. ``pts`` must equal
    the number of data points (a shorter list means a truncated body).

    Raises
    ------
    ProviderResponseError
        Not JSON, a missing key, a malformed point, a repeated CIK, or ``pts`` != len(data).
    """
    what = f"SEC frames ({name})"
    doc = _load(body, what)
    for key in ("taxonomy", "tag", "ccp", "uom"):
        if not isinstance(doc.get(key), str):
            raise ProviderResponseError(f"{what}: {key!r} is missing or not a string")
    points = doc.get("data")
    if not isinstance(points, list):
        raise ProviderResponseError(f"{what}: 'data' is not a list")
    pts = doc.get("pts")
    if pts is not None and (isinstance(pts, bool) or pts != len(points)):
        raise ProviderResponseError(
            f"{what}: 'pts' says {pts!r} points but 'data' has {len(points)} (truncated?)"
        )
    rows: list[dict[str, Any]] = []
    for i, point in enumerate(points):
        where = f"data[{i}]"
        if not isinstance(point, dict):
            raise ProviderResponseError(f"{what}: {where} is not an object")
        value = point.get("val")
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ProviderResponseError(f"{what}: {where}.val {value!r} is not a number")
        try:
            number = float(value)
        except OverflowError:
            raise ProviderResponseError(f"{what}: {where}.val {value!r} overflows") from None
        end = _date_or_none(point.get("end"), what, f"{where}.end")
        if end is None:
            raise ProviderResponseError(f"{what}: {where} has no 'end' date")
        rows.append(
            {
                "cik": _int(point.get("cik"), what, f"{where}.cik"),
                "entity_name": str(point.get("entityName") or ""),
                "loc": str(point.get("loc") or ""),
                "period_start": _date_or_none(point.get("start"), what, f"{where}.start"),
                "period_end": end,
                "value": number,
                "accn": str(point.get("accn") or ""),
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=["cik", "entity_name", "loc", "period_start", "period_end", "value", "accn"],
    )
    if frame["cik"].duplicated().any():
        dup = frame.loc[frame["cik"].duplicated(), "cik"].iloc[0]
        raise ProviderResponseError(f"{what}: CIK {dup} appears twice")
    frame["cik"] = frame["cik"].astype("int64")
    frame["value"] = frame["value"].astype("float64")
    for column in ("period_start", "period_end"):
        frame[column] = pd.to_datetime(frame[column])
    frame = frame.sort_values("cik", kind="mergesort").reset_index(drop=True)
    return XbrlFrame(
        taxonomy=doc["taxonomy"],
        tag=doc["tag"],
        unit=doc["uom"],
        period=doc["ccp"],
        label=str(doc.get("label") or ""),
        data=frame,
    )
