"""Stooq daily CSV (split- and dividend-adjusted OHLCV), with the user's API key.

Notes
-----
SOURCES.md §1: since about March 2026 ``/q/d/l/`` wants an ``apikey`` (obtained by hand through
a CAPTCHA) and non-browser clients may get an HTML proof-of-work page. Every error comes back
with **HTTP 200**: ``No data`` (unknown symbol), ``Exceeded the daily hits limit`` (quota), an
HTML page, or PHP warnings before the header. :func:`check` turns those into
:class:`~sizeup.errors.SymbolNotFoundError`, :class:`~sizeup.errors.RateLimitError` and
:class:`~sizeup.errors.ProviderResponseError`; the CSV itself is parsed by
:func:`sizeup.data.formats.prices.parse_stooq_csv`. The key is never archived or logged (the
``apikey`` parameter is scrubbed). Stooq is optional: the fetch commands use it only when a key
is configured and it is asked for.
"""

from __future__ import annotations

import datetime as dt
from typing import Final

import pandas as pd

from sizeup.data.formats.prices import parse_stooq_csv, stooq_error_kind
from sizeup.data.providers.http import SITES, Request, Response, check_status, format_errors
from sizeup.errors import ProviderResponseError, RateLimitError, SymbolNotFoundError

__all__ = ["SOURCE", "build_request", "check", "parse", "stooq_symbol"]

SOURCE: Final = "stooq"
_INDEXES: Final = {"^GSPC": "^spx", "^DJI": "^dji", "^NDX": "^ndx", "^IXIC": "^ndq"}


def stooq_symbol(symbol: str) -> str:
    """Stooq spelling of a canonical symbol: ``IWM`` -> ``iwm.us``, ``^GSPC`` -> ``^spx``."""
    if symbol.startswith("^"):
        return _INDEXES.get(symbol.upper(), symbol.lower())
    return symbol.lower() + ".us"


def build_request(
    symbol: str,
    *,
    api_key: str | None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    base_url: str = SITES["stooq"].base_url,
) -> Request:
    """Build ``GET {base}/q/d/l/?s=<sym>&i=d[&d1=YYYYMMDD&d2=YYYYMMDD][&apikey=KEY]``.

    Parameters
    ----------
    symbol
        Canonical symbol (``IWM``, ``^GSPC``).
    api_key
        The user's Stooq key (``Settings.stooq_api_key``); without it Stooq answers with an
        HTML page.
    start, end
        Inclusive date range; default the whole history.
    base_url
        Scheme and host.
    """
    params: list[tuple[str, str]] = [("s", stooq_symbol(symbol)), ("i", "d")]
    if start is not None:
        params.append(("d1", start.strftime("%Y%m%d")))
        params.append(("d2", (end or dt.datetime.now(dt.UTC).date()).strftime("%Y%m%d")))
    if api_key:
        params.append(("apikey", api_key))
    return Request(
        "stooq",
        f"{base_url.rstrip('/')}/q/d/l/",
        tuple(params),
        range_params=frozenset({"d1", "d2"}),
    )


def check(response: Response, *, symbol: str) -> None:
    """Raise for error statuses and for Stooq's error bodies served with HTTP 200.

    Raises
    ------
    SymbolNotFoundError
        ``No data`` / ``Brak danych``.
    RateLimitError
        ``Exceeded the daily hits limit`` (daily quota of the key; not retried).
    ProviderResponseError
        HTML (API key missing or browser check) or PHP warnings instead of CSV.
    """
    what = f"Stooq CSV for {symbol}"
    check_status(response, what=what)
    kind = stooq_error_kind(response.body)
    if kind == "no_data":
        raise SymbolNotFoundError(f"{what}: Stooq has no data ({response.url})")
    if kind == "quota":
        raise RateLimitError(
            f"{what}: 'Exceeded the daily hits limit' with HTTP {response.status}; the key's "
            "daily quota is used up, try tomorrow"
        )
    if kind == "html":
        raise ProviderResponseError(
            f"{what}: got an HTML page with HTTP {response.status} instead of CSV "
            f"({response.url}); Stooq needs an API key (SIZEUP_STOOQ_API_KEY) or blocks "
            "non-browser clients"
        )
    if kind is not None:
        raise ProviderResponseError(f"{what}: body is a server warning ({kind}), not CSV")


def parse(body: bytes, *, symbol: str, name: str = "stooq") -> dict[str, pd.DataFrame]:
    """Parse a Stooq CSV body into ``{"bars": frame}`` (adjusted, ``adj_close == close``).

    Raises
    ------
    ProviderResponseError
        Error bodies and malformed CSV.
    """
    with format_errors(f"Stooq CSV for {symbol} ({name})"):
        bars = parse_stooq_csv(body, name=name, symbol=symbol, source=SOURCE)
    if not bars.empty and set(bars["symbol"]) != {symbol}:
        bars = bars.assign(symbol=symbol)
    return {"bars": bars}
