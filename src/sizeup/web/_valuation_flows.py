"""Valuation and fund flows in the dashboard: two JSON endpoints and one page.

``/api/valuation``, ``/api/flows/{fund}`` and the "Valuation & flows" page. Both endpoints
answer from the use cases' ``to_dict()`` (:func:`sizeup.app.valuation.run_valuation`,
:func:`sizeup.app.flows.run_flows`) on the store version the request pinned,
with their provenance (as-of, inputs with source, date coverage and basis, notes, warnings) and,
on request, the Plotly figure. Inputs are checked before anything is read: universes and funds
must be tickers (letters and digits, at most 10; no separators, no ``..``), the history and
frequency are closed lists, the as-of date a date. A fund without stored shares outstanding is
a 404 naming the funds that have them and the commands that bring the data; a universe without
holdings or fundamentals is a 404 with the use case's message. No file path is ever taken from a
request (the forward P/E estimates file is a CLI option only).
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse

from sizeup.errors import DataError
from sizeup.web._api import AsOf, Figures, _asof, _cache, _figure_json, _snapshot
from sizeup.web._inputs import NotFoundError, WebInputError, check_name

__all__ = ["FUND_RE", "PAGE_PATH", "api_router", "check_fund", "page_router"]

api_router = APIRouter(prefix="/api", tags=["api"])
page_router = APIRouter(include_in_schema=False)

PAGE_PATH: Final = "/valuation-flows"
"""Path of the dashboard page (registered in :data:`sizeup.web._pages.PAGES`)."""

FUND_RE: Final = re.compile(r"[A-Za-z][A-Za-z0-9]{0,9}")
"""A fund or universe ticker: a letter, then letters and digits, at most 10 characters."""

_SHARES_SUFFIX: Final = ".shares_outstanding"
_FETCH_SHARES: Final = (
    "sizeup fetch fund-history {fund}, sizeup fetch holdings {fund} --from YYYY-MM-DD "
    "--to YYYY-MM-DD, or sizeup import of the fund's history or holdings files"
)

History = Literal["yearly", "monthly", "none"]
Freq = Literal["D", "W", "M"]


def check_fund(value: str, *, input: str) -> str:
    """Return the upper-cased ticker when ``value`` is one, else raise :class:`WebInputError`.

    Parameters
    ----------
    value
        The ticker as given (``iwm`` is accepted as ``IWM``).
    input
        The parameter's name (for the message).

    Raises
    ------
    WebInputError
        Not a letter followed by up to nine letters or digits (separators, ``..``, ``^`` and
        spaces are refused).
    """
    check_name(value, input=input)
    if not FUND_RE.fullmatch(value):
        raise WebInputError(
            f"{input} {value!r} is not a fund ticker; use a letter then letters or digits "
            "(at most 10 characters), e.g. IWM",
            input=input,
            value=value,
            valid="a ticker such as IWM, IJR, SPY",
        )
    return value.upper()


def _not_found(exc: DataError) -> NotFoundError:
    ctx = exc.context()
    return NotFoundError(
        str(exc),
        input=str(ctx.get("input") or "store"),
        value=ctx.get("value"),
        valid=str(ctx.get("valid") or "data in the store"),
    )


@api_router.get(
    "/valuation", summary="Relative valuation: trailing P/E, P/B, P/S of small vs large caps"
)
def valuation(
    request: Request,
    *,
    small: Annotated[
        str, Query(description="Small-cap universe: a fund with stored holdings.", max_length=32)
    ] = "IWM",
    large: Annotated[
        str,
        Query(
            description="Large-cap universe: a fund with stored holdings, or SPY/SP500 for the "
            "stored S&P 500 member list.",
            max_length=32,
        ),
    ] = "SPY",
    asof: AsOf = None,
    history: Annotated[History, Query(description="History points: yearly, monthly, none.")] = (
        "yearly"
    ),
    figure: Figures = False,
) -> JSONResponse:
    """Return ``sizeup valuation --json``: P/E by date with coverage, ratio statistics, companies.

    Forward P/E needs an estimates file, which only the CLI takes; the answer says so.
    """
    from sizeup.app.valuation import ValuationRequest, run_valuation

    a = check_fund(small, input="small")
    b = check_fund(large, input="large")
    when = _asof(asof)
    req = ValuationRequest(small=a, large=b, asof=when, history=history)
    snap = _snapshot(request)

    def compute() -> dict[str, Any]:
        try:
            result = run_valuation(req, store=snap.store)
        except DataError as exc:
            raise _not_found(exc) from None
        body = result.to_dict()
        body["figure"] = _figure_json(result.figure())
        return body

    body = _cache(request).get(("valuation", snap.version, req), compute)
    if not figure:
        body = {k: v for k, v in body.items() if k != "figure"}
    return JSONResponse(body)


@api_router.get("/flows/{fund}", summary="A fund's net flows from its shares outstanding")
def flows(
    request: Request,
    *,
    fund: str,
    freq: Annotated[Freq, Query(description="D (each interval), W (weekly) or M (monthly).")] = (
        "M"
    ),
    asof: AsOf = None,
    figure: Figures = False,
) -> JSONResponse:
    """Return ``sizeup flows FUND --json``: flows per period and per interval, provenance."""
    from sizeup.app.flows import FlowsRequest, run_flows

    ticker = check_fund(fund, input="fund")
    when = _asof(asof)
    snap = _snapshot(request)
    have = sorted(
        s[: -len(_SHARES_SUFFIX)] for s in snap.series_ids() if s.endswith(_SHARES_SUFFIX)
    )
    if ticker not in have:
        raise NotFoundError(
            f"fund {ticker!r}: no shares outstanding in the store; funds with them: "
            f"{', '.join(have) or '(none)'}. Bring them with " + _FETCH_SHARES.format(fund=ticker),
            input="fund",
            value=ticker,
            valid=", ".join(have) or "no fund yet: fetch or import shares outstanding first",
        )
    req = FlowsRequest(ticker, asof=when, freq=freq)

    def compute() -> dict[str, Any]:
        result = run_flows(req, snap.store)
        body = result.to_dict()
        body["title"] = result.title()
        body["rows"] = [
            {"period": p, "flow": f, "remarks": r} for p, f, r in result.rows(last=10_000)
        ]
        body["figure"] = _figure_json(result.figure())
        return body

    body = _cache(request).get(("flows", snap.version, req), compute)
    if not figure:
        body = {k: v for k, v in body.items() if k != "figure"}
    return JSONResponse(body)


Text = Annotated[str | None, Query(max_length=64)]


@page_router.get(PAGE_PATH, response_class=HTMLResponse)
def valuation_flows_page(
    request: Request,
    *,
    small: Text = None,
    large: Text = None,
    fund: Text = None,
    freq: Text = None,
    asof: Text = None,
) -> HTMLResponse:
    """Render the page: relative P/E of small vs large caps and a fund's net flows."""
    from sizeup.web._pages import _render

    return _render(
        request,
        PAGE_PATH,
        small=small or "IWM",
        large=large or "SPY",
        fund=fund or "IWM",
        freq=freq if freq in ("D", "W", "M") else "M",
        asof=asof or "",
    )
