"""FRED: keyless ``fredgraph.csv`` and the keyed ``series/observations`` API.

Notes
-----
SOURCES.md §3. ``fredgraph.csv?id=DGS10[&cosd=&coed=]`` needs no key; its header changed in
late 2024 from ``DATE,<ID>`` with ``.`` for missing values to ``observation_date,<ID>`` with an
empty field; both are parsed by :func:`sizeup.data.formats.fred.parse_fred_csv`. The API
(``api.stlouisfed.org/fred/series/observations?series_id=&api_key=&file_type=json``) allows
120 requests per minute per key; values are strings and ``"."`` means missing. The key is
scrubbed from archived and logged URLs. Series ids are stored as ``FRED:<ID>``; rates stay in
percent as published.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from typing import Any, Final

import pandas as pd

from sizeup.data.formats.fred import parse_fred_csv
from sizeup.data.providers.http import (
    SITES,
    Request,
    Response,
    check_status,
    format_errors,
    looks_like_html,
)
from sizeup.data.schema import empty_frame, validate
from sizeup.errors import (
    ProviderError,
    ProviderResponseError,
    SchemaError,
    SymbolNotFoundError,
)

__all__ = [
    "SOURCE",
    "build_api_request",
    "build_graph_request",
    "check",
    "parse_api",
    "parse_graph",
    "series_key",
]

SOURCE: Final = "fred"
_ID_RE: Final = re.compile(r"^[A-Za-z0-9_]{1,40}$")
_DATE_RE: Final = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_HEADER_RE: Final = re.compile(r"^\ufeff?(DATE|observation_date),[A-Za-z0-9_.]+$", re.IGNORECASE)


def series_key(series_id: str) -> str:
    """Return the store id of a FRED series: ``DGS10`` -> ``FRED:DGS10``."""
    return f"FRED:{_check_id(series_id)}"


def _check_id(series_id: str) -> str:
    if not _ID_RE.match(series_id):
        raise ProviderResponseError(
            f"FRED series id {series_id!r} is invalid; ids are letters, digits and '_'"
        )
    return series_id.upper()


def build_graph_request(
    series_id: str,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
    base_url: str = SITES["fred"].base_url,
) -> Request:
    """Build ``GET {base}/graph/fredgraph.csv?id=<ID>[&cosd=YYYY-MM-DD&coed=YYYY-MM-DD]``."""
    params: list[tuple[str, str]] = [("id", _check_id(series_id))]
    if start is not None:
        params.append(("cosd", start.isoformat()))
    if end is not None:
        params.append(("coed", end.isoformat()))
    return Request(
        "fred",
        f"{base_url.rstrip('/')}/graph/fredgraph.csv",
        tuple(params),
        range_params=frozenset({"cosd", "coed"}),
    )


def build_api_request(
    series_id: str,
    *,
    api_key: str,
    start: dt.date | None = None,
    end: dt.date | None = None,
    base_url: str = SITES["fredapi"].base_url,
) -> Request:
    """Build the keyed ``series/observations`` request (JSON)."""
    params: list[tuple[str, str]] = [
        ("series_id", _check_id(series_id)),
        ("api_key", api_key),
        ("file_type", "json"),
    ]
    if start is not None:
        params.append(("observation_start", start.isoformat()))
    if end is not None:
        params.append(("observation_end", end.isoformat()))
    return Request(
        "fredapi",
        f"{base_url.rstrip('/')}/fred/series/observations",
        tuple(params),
        range_params=frozenset({"observation_start", "observation_end"}),
    )


def check(response: Response, *, series_id: str) -> None:
    """Raise for FRED error bodies (API error JSON, HTML pages with HTTP 200).

    Raises
    ------
    SymbolNotFoundError
        Unknown series (API 400 "series does not exist", or 404).
    ProviderError
        The API refused the key.
    ProviderResponseError
        Other errors and HTML pages.
    """
    what = f"FRED series {series_id}"
    body = response.body
    if body.lstrip().startswith(b"{") and b"error_message" in body[:2048]:
        try:
            doc = json.loads(body)
        except (ValueError, RecursionError):
            doc = {}
        message = str(doc.get("error_message", "")) if isinstance(doc, dict) else ""
        if "does not exist" in message.lower():
            raise SymbolNotFoundError(f"{what}: {message} ({response.url})")
        if "api_key" in message.lower():
            raise ProviderError(f"{what}: FRED refused the API key: {message}")
        raise ProviderResponseError(f"{what}: FRED API error (HTTP {response.status}): {message}")
    check_status(response, what=what)
    if looks_like_html(body):
        raise ProviderResponseError(
            f"{what}: got an HTML page with HTTP {response.status} instead of data "
            f"({response.url}); the series id may be wrong"
        )


def parse_graph(
    body: bytes, *, series_id: str, name: str = "fredgraph.csv"
) -> dict[str, pd.DataFrame]:
    """Parse a ``fredgraph.csv`` body into ``{"series": frame}`` (both header generations).

    Raises
    ------
    ProviderResponseError
        Not a fredgraph CSV (HTML, truncated header, bad values).
    """
    lines = body.strip().splitlines()
    if len(lines) == 1 and _HEADER_RE.match(lines[0].strip().decode("latin-1")):
        # no observation in the requested range (an incremental request with nothing new)
        return {"series": empty_frame("series")}
    with format_errors(f"FRED fredgraph.csv for {series_id} ({name})"):
        frame = parse_fred_csv(body, name=name, series_id=series_id.upper(), source=SOURCE)
    return {"series": frame}


def _fail(series_id: str, message: str) -> ProviderResponseError:
    return ProviderResponseError(f"FRED API observations for {series_id}: {message}")


def parse_api(body: bytes, *, series_id: str, source: str = SOURCE) -> dict[str, pd.DataFrame]:
    """Parse a ``series/observations`` JSON body into ``{"series": frame}``.

    Values are strings in the API; ``"."`` (missing) rows are dropped, as
    :func:`sizeup.data.formats.fred.parse_fred_csv` does for the CSV. ``count`` must equal the
    number of observations when ``offset`` is 0 and the limit was not reached (else the body
    is truncated).

    Raises
    ------
    ProviderResponseError
        Not the documented JSON, a bad date or value, a repeated date, or a truncated list.
    """
    try:
        doc: Any = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise _fail(series_id, f"body is not JSON ({type(exc).__name__})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("observations"), list):
        raise _fail(series_id, "no 'observations' list")
    observations = doc["observations"]
    count, limit = doc.get("count"), doc.get("limit")
    if (
        isinstance(count, int)
        and not isinstance(count, bool)
        and doc.get("offset", 0) == 0
        and (not isinstance(limit, int) or count <= limit)
        and count != len(observations)
    ):
        raise _fail(series_id, f"'count' is {count} but {len(observations)} observations came")
    dates: list[str] = []
    values: list[float] = []
    missing = 0
    for i, obs in enumerate(observations):
        if not isinstance(obs, dict):
            raise _fail(series_id, f"observation {i} is not an object")
        day, raw = obs.get("date"), obs.get("value")
        if not isinstance(day, str) or not _DATE_RE.match(day):
            raise _fail(series_id, f"observation {i}: date {day!r} is not YYYY-MM-DD")
        try:
            dt.date.fromisoformat(day)
        except ValueError:
            raise _fail(series_id, f"observation {i}: {day!r} is not a date") from None
        if not isinstance(raw, str):
            raise _fail(series_id, f"observation {i}: value {raw!r} is not a string")
        if raw.strip() in (".", ""):
            number = math.nan
            missing += 1
        else:
            try:
                number = float(raw)
            except ValueError:
                raise _fail(series_id, f"observation {i}: value {raw!r} is not a number") from None
            if math.isinf(number):
                raise _fail(series_id, f"observation {i}: value {raw!r} is not finite")
        dates.append(day)
        values.append(number)
    frame = pd.DataFrame(
        {
            "series_id": series_key(series_id),
            "date": pd.to_datetime(pd.Series(dates, dtype=object)),
            "value": values,
            "source": source,
            "vintage": "",
        }
    )
    if frame["date"].duplicated().any():
        raise _fail(series_id, "a date appears twice")
    if missing:
        frame = frame[frame["value"].notna()].reset_index(drop=True)
    try:
        return {"series": validate(frame, "series")}
    except SchemaError as exc:
        raise _fail(series_id, f"rows break the table contract: {exc}") from None
