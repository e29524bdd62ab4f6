"""iShares fund history download: daily NAV per share and shares outstanding of one fund.

Notes
-----
Build request -> polite client -> pure parser, like every provider. The download is the fund
page's "data download" (``{base}/us/products/{productId}/{slug}/1521942788811.ajax?fileType=xls&
fileName={TICKER}_fund&dataType=fund``), an Excel 2003 XML workbook whose ``Historical`` sheet
lists As Of, NAV per Share, Ex-Dividends and Shares Outstanding per business day (see
:mod:`sizeup.data.formats.ishares_history`). The ajax id and the layout are as public code that
reads these downloads uses them; **no live response has been seen yet**, so the parser is
tested on hand-written files only. Like the holdings files, the download is for personal,
non-commercial use and may not be redistributed. The product ids and slugs are those of
:data:`sizeup.data.providers.ishares.FUNDS`.

:func:`fetch_fund_history` sends the request through :class:`~sizeup.data.providers.http.
HttpClient` (the ``ishares`` site's rate limit, retries, browser User-Agent), parses the body,
then archives it in the store's payload archive and writes the ``series`` rows (source
``ishares``); a body that is refused or does not parse writes nothing (as the dated holdings
fetch does, bodies are archived only once they parse).
"""

from __future__ import annotations

import re
from typing import Final

import pandas as pd

from sizeup.data.formats.ishares_history import is_spreadsheet_xml, parse_fund_history
from sizeup.data.providers.http import (
    SITES,
    HttpClient,
    Request,
    Response,
    check_status,
    format_errors,
    looks_like_html,
)
from sizeup.data.providers.ishares import FUNDS
from sizeup.data.store import Store
from sizeup.errors import ConfigError, ProviderResponseError

__all__ = ["DOWNLOAD_ID", "SOURCE", "build_request", "check", "fetch_fund_history", "parse"]

SOURCE: Final = "ishares"
DOWNLOAD_ID: Final = "1521942788811"
"""The ajax id of the fund "data download" in public code (the holdings CSV uses another)."""

_FUND_RE: Final = re.compile(r"^[A-Z0-9]{1,10}$")
_ID_RE: Final = re.compile(r"^\d{1,10}$")
_SLUG_RE: Final = re.compile(r"^[a-z0-9\-]{1,120}$")


def build_request(
    fund: str,
    *,
    product_id: str | None = None,
    slug: str | None = None,
    base_url: str = SITES["ishares"].base_url,
) -> Request:
    """Build the fund-history download request of one fund.

    Parameters
    ----------
    fund
        Fund ticker (``IWM``).
    product_id, slug
        The fund's iShares product id and URL slug; needed for funds not in
        :data:`~sizeup.data.providers.ishares.FUNDS`.
    base_url
        Scheme and host.

    Raises
    ------
    ConfigError
        An unknown fund without ``product_id`` and ``slug``, or malformed values.
    """
    ticker = fund.strip().upper()
    if not _FUND_RE.match(ticker):
        raise ConfigError(
            f"iShares fund {fund!r} is not a ticker (letters and digits)",
            input="fund",
            value=fund,
            valid="a ticker such as IWM",
        )
    known = FUNDS.get(ticker)
    pid = product_id or (known[0] if known else None)
    name = slug or (known[1] if known else None)
    if pid is None or name is None:
        raise ConfigError(
            f"iShares fund {ticker!r} is unknown; known funds are {sorted(FUNDS)}, or pass its "
            "product id and slug (from its ishares.com page URL /us/products/<id>/<slug>)",
            input="fund",
            value=ticker,
            valid=", ".join(sorted(FUNDS)),
        )
    if not _ID_RE.match(pid) or not _SLUG_RE.match(name):
        raise ConfigError(
            f"iShares product id {pid!r} / slug {name!r}: need digits / lower-case-with-dashes",
            input="product_id/slug",
            value=f"{pid}/{name}",
            valid="digits / lower-case letters, digits and dashes",
        )
    params = (("fileType", "xls"), ("fileName", f"{ticker}_fund"), ("dataType", "fund"))
    return Request(
        "ishares", f"{base_url.rstrip('/')}/us/products/{pid}/{name}/{DOWNLOAD_ID}.ajax", params
    )


def check(response: Response, *, fund: str) -> None:
    """Raise for error statuses, and for an HTML page or empty body served instead of the file."""
    what = f"iShares fund history of {fund}"
    check_status(response, what=what)
    body = response.body
    if not body.strip(b"\xef\xbb\xbf \t\r\n"):
        raise ProviderResponseError(f"{what}: the body is empty ({response.url})")
    if not is_spreadsheet_xml(body[:4096]) and looks_like_html(body):
        raise ProviderResponseError(
            f"{what}: got an HTML page with HTTP {response.status} instead of the spreadsheet "
            f"({response.url})"
        )


def parse(body: bytes, *, fund: str, name: str | None = None) -> dict[str, pd.DataFrame]:
    """Parse the download into ``{"series": rows}`` (shares outstanding and NAV per date).

    Raises
    ------
    ProviderResponseError
        A body the format parser rejects (no Historical sheet, bad rows, no rows).
    """
    with format_errors(f"iShares fund history of {fund}"):
        frame = parse_fund_history(body, name=name or f"{fund}_fund.xls", fund=fund.upper())
    return {"series": frame}


def fetch_fund_history(
    store: Store,
    fund: str,
    client: HttpClient,
    *,
    product_id: str | None = None,
    slug: str | None = None,
) -> int:
    """Fetch, archive, parse and store one fund's history.

    Parameters
    ----------
    store
        Target store (the raw body goes to its payload archive once it parses).
    fund
        Fund ticker.
    client
        The polite HTTP client.
    product_id, slug
        For funds not in :data:`~sizeup.data.providers.ishares.FUNDS`.

    Returns
    -------
    int
        Series rows added or changed.

    Raises
    ------
    ProviderError
        The request failed, the answer is not the spreadsheet, or it does not parse (nothing
        is written).
    """
    request = build_request(
        fund, product_id=product_id, slug=slug, base_url=client.base_url("ishares")
    )
    response = client.send(request)
    check(response, fund=fund.upper())
    tables = parse(response.body, fund=fund, name=response.url)
    store.archive_payload(response.body, url=response.url, source=SOURCE, status=response.status)
    results = store.write(tables)
    return sum(r.rows_added + r.rows_updated for r in results.values())
