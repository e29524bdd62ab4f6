"""Data providers: one module per free public source, and the fetch bundles.

Every provider splits its work in three steps::

    build_request(...)  -> Request          pure: URL and parameters
    HttpClient.send()   -> Response         shared client: timeouts, retries, rate limits, UA
    check(response)     -> None | raise     pure: error bodies served with HTTP 200, 403, 404
    parse(body)         -> {table: frame}   pure: bytes -> frames validated by sizeup.data.schema

Modules
-------
http
    The shared client, token buckets, URL scrubbing.
yahoo, stooq
    Daily bars (Yahoo chart v8; Stooq CSV with the user's API key).
fred
    FRED ``fredgraph.csv`` (no key) and the keyed observations API.
french
    Kenneth French data library zips.
ishares
    iShares fund holdings.
sec
    SEC EDGAR company tickers, submissions, companyfacts, frames.
nasdaqtrader
    Nasdaq Trader symbol directories.
fetch
    Named bundles (``core``, ``universe``, ``fundamentals``, ``symbols``), incremental and
    resumable, with a per-item report.

Terms of use of each source: ``docs/sources.md``.
"""

from __future__ import annotations

from sizeup.data.providers.fetch import (
    BUNDLES,
    FetchOptions,
    FetchReport,
    ItemResult,
    run_fetch,
)
from sizeup.data.providers.http import HttpClient, Request, Response, scrub_url

__all__ = [
    "BUNDLES",
    "FetchOptions",
    "FetchReport",
    "HttpClient",
    "ItemResult",
    "Request",
    "Response",
    "run_fetch",
    "scrub_url",
]
