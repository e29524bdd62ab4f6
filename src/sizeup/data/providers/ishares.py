"""iShares fund holdings CSV (IWM, IJR, and any fund by product id and slug).

Notes
-----
SOURCES.md §5. ``{base}/us/products/{productId}/{slug}/1467271812596.ajax?fileType=csv&
fileName={TICKER}_holdings&dataType=fund[&asOfDate=YYYYMMDD]``. The body starts with a preamble
(fund name, ``Fund Holdings as of,"May 05, 2026"``, ...) from which the as-of date is taken, and
is parsed by :func:`sizeup.data.formats.ishares.parse_holdings_csv`. History through ``asOfDate`` is
best effort (Akamai answers 503 for some dates). The files are for personal, non-commercial use
and may not be redistributed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Final

import pandas as pd

from sizeup.data.formats.ishares import parse_holdings_file
from sizeup.data.providers.http import (
    SITES,
    Request,
    Response,
    check_status,
    format_errors,
    looks_like_html,
)
from sizeup.errors import ConfigError, ProviderResponseError

__all__ = ["FUNDS", "SOURCE", "Snapshot", "build_request", "check", "parse", "parse_snapshot"]

SOURCE: Final = "ishares"
FUNDS: Final[dict[str, tuple[str, str]]] = {
    "IWM": ("239710", "ishares-russell-2000-etf"),
    "IJR": ("239774", "ishares-core-sp-smallcap-etf"),
    "IWV": ("239714", "ishares-russell-3000-etf"),
    "IJH": ("239763", "ishares-core-sp-midcap-etf"),
}
"""Ticker -> (product id, slug) of funds whose ids were seen in public code (SOURCES.md §5)."""

_FUND_RE: Final = re.compile(r"^[A-Z0-9]{1,10}$")
_ID_RE: Final = re.compile(r"^\d{1,10}$")
_SLUG_RE: Final = re.compile(r"^[a-z0-9\-]{1,120}$")


def build_request(
    fund: str,
    *,
    as_of: dt.date | None = None,
    product_id: str | None = None,
    slug: str | None = None,
    base_url: str = SITES["ishares"].base_url,
) -> Request:
    """Build the holdings CSV request of one fund.

    Parameters
    ----------
    fund
        Fund ticker (``IWM``).
    as_of
        Holdings date (best effort); default the latest.
    product_id, slug
        The fund's iShares product id and URL slug; needed for funds not in :data:`FUNDS`.
    base_url
        Scheme and host.

    Raises
    ------
    ConfigError
        Unknown fund without ``product_id`` and ``slug``, or malformed values.
    """
    ticker = fund.upper()
    if not _FUND_RE.match(ticker):
        raise ConfigError(f"iShares fund {fund!r} is not a ticker (letters and digits)")
    known = FUNDS.get(ticker)
    pid = product_id or (known[0] if known else None)
    name = slug or (known[1] if known else None)
    if pid is None or name is None:
        raise ConfigError(
            f"iShares fund {ticker!r} is unknown; known funds are {sorted(FUNDS)}, or pass its "
            "product id and slug (from its ishares.com page URL /us/products/<id>/<slug>)"
        )
    if not _ID_RE.match(pid) or not _SLUG_RE.match(name):
        raise ConfigError(
            f"iShares product id {pid!r} / slug {name!r}: need digits / lower-case-with-dashes"
        )
    params: list[tuple[str, str]] = [
        ("fileType", "csv"),
        ("fileName", f"{ticker}_holdings"),
        ("dataType", "fund"),
    ]
    if as_of is not None:
        params.append(("asOfDate", as_of.strftime("%Y%m%d")))
    return Request(
        "ishares",
        f"{base_url.rstrip('/')}/us/products/{pid}/{name}/1467271812596.ajax",
        tuple(params),
        range_params=frozenset({"asOfDate"}),
    )


def check(response: Response, *, fund: str) -> None:
    """Raise for error statuses and HTML pages served instead of the CSV."""
    what = f"iShares holdings of {fund}"
    check_status(response, what=what)
    if looks_like_html(response.body):
        raise ProviderResponseError(
            f"{what}: got an HTML page with HTTP {response.status} instead of the CSV "
            f"({response.url})"
        )


def _complete(body: bytes) -> bool:
    """Whether the body ends with the legal footer (a truncated body ends inside the rows)."""
    tail = [line.strip() for line in body[-4096:].splitlines() if line.strip()]
    return (
        bool(tail) and not tail[-1].startswith(b'"') and not tail[-1].lower().startswith(b"ticker,")
    )


def parse(
    body: bytes, *, fund: str, name: str | None = None, require_footer: bool = True
) -> dict[str, pd.DataFrame]:
    """Parse a holdings CSV into ``{"holdings": ..., "series": ...}`` (date from the preamble).

    ``series`` holds the fund's shares outstanding on that date when the preamble states it
    (see :func:`sizeup.data.formats.ishares.parse_holdings_file`).

    Parameters
    ----------
    body
        The response body.
    fund
        Fund ticker recorded in the rows.
    name
        URL or file name, used in messages.
    require_footer
        Reject a body that stops inside the holding rows (the real file always ends with a
        legal footer, so a body without one was cut off).

    Raises
    ------
    ProviderResponseError
        A truncated body, or a body the format parser rejects.
    """
    if require_footer and not _complete(body):
        raise ProviderResponseError(
            f"iShares holdings of {fund}: the body ends inside the holdings rows without the "
            "legal footer; it is truncated"
        )
    with format_errors(f"iShares holdings of {fund}"):
        # holdings, plus the preamble's shares outstanding as a series (fund flows)
        return parse_holdings_file(
            body, name=name or f"{fund}_holdings.csv", fund=fund.upper(), source=SOURCE
        )


@dataclass(frozen=True)
class Snapshot:
    """One holdings snapshot received for a date that was asked.

    Attributes
    ----------
    fund
        Fund ticker.
    asked
        The ``asOfDate`` sent.
    as_of
        The date the file says it is (``Fund Holdings as of``).
    tables
        ``{"holdings": rows}`` (every row, dated ``as_of``).
    members
        Equity rows in the file.
    """

    fund: str
    asked: dt.date
    as_of: dt.date
    tables: dict[str, pd.DataFrame]
    members: int

    @property
    def matches(self) -> bool:
        """Whether the file is the snapshot of the date asked."""
        return self.as_of == self.asked


def parse_snapshot(body: bytes, *, fund: str, asked: dt.date, name: str | None = None) -> Snapshot:
    """Parse the answer to a request for the holdings of ``fund`` on ``asked``.

    The answer is accepted as a snapshot only when it is a complete holdings file with at
    least one equity row; its real date is the one in the preamble (which may differ from the
    date asked: the caller decides what to do with it, see :attr:`Snapshot.matches`).

    Parameters
    ----------
    body
        The response body (already through :func:`check`).
    fund
        Fund ticker.
    asked
        The date asked for.
    name
        URL or file name, used in messages.

    Raises
    ------
    ProviderResponseError
        An empty body, an HTML page, a truncated or malformed file, a file without a
        ``Fund Holdings as of`` line, or one without any equity row.
    """
    what = f"iShares holdings of {fund} for {asked.isoformat()}"
    if not body.strip(b"\xef\xbb\xbf \t\r\n"):
        raise ProviderResponseError(f"{what}: the body is empty (no file for that date)")
    if looks_like_html(body):
        raise ProviderResponseError(f"{what}: got an HTML page instead of the CSV")
    if not re.search(rb"(?im)^\s*(\xef\xbb\xbf)?fund holdings as of", body[:4096]):
        raise ProviderResponseError(
            f"{what}: the file has no 'Fund Holdings as of' line, so its date cannot be checked"
        )
    try:
        tables = parse(body, fund=fund, name=name)  # holdings (+ shares outstanding series)
    except ProviderResponseError as exc:
        raise ProviderResponseError(f"{what}: {exc}") from exc
    frame = tables["holdings"]
    equity = frame["asset_class"].fillna("").astype(str).str.strip().str.lower() == "equity"
    if not bool(equity.any()):
        raise ProviderResponseError(f"{what}: the file has no equity rows")
    real = pd.Timestamp(frame["as_of"].iloc[0]).date()
    return Snapshot(fund.upper(), asked, real, tables, int(equity.sum()))
