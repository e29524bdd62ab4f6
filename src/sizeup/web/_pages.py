"""Dashboard pages: Jinja2 shells filled by ``static/dashboard.js`` from the JSON API."""

from __future__ import annotations

from importlib import resources
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

__all__ = ["PAGES", "router"]

router = APIRouter(include_in_schema=False)

#: Path -> (template, navigation label).
PAGES: dict[str, tuple[str, str]] = {
    "/": ("rotation.html", "Rotation"),
    "/pnf": ("pnf.html", "Point & figure"),
    "/screens": ("screens.html", "Screens"),
    "/claims": ("claims.html", "Claims"),
    "/backtests": ("backtests.html", "Backtests"),
    "/valuation-flows": ("valuation_flows.html", "Valuation & flows"),
}

_templates = Jinja2Templates(directory=str(resources.files("sizeup.web") / "templates"))
_templates.env.autoescape = True

Text = Annotated[str | None, Query(max_length=64)]


def _render(request: Request, path: str, **context: Any) -> HTMLResponse:
    template, title = PAGES[path]
    from sizeup import __version__

    nav = [{"href": p, "label": label, "current": p == path} for p, (_, label) in PAGES.items()]
    return _templates.TemplateResponse(
        request,
        template,
        {"title": title, "nav": nav, "version": __version__, "page": template[:-5], **context},
    )


@router.get("/", response_class=HTMLResponse)
def rotation_page(request: Request, asof: Text = None, universe: Text = None) -> HTMLResponse:
    """Render the rotation page: scoreboard, RS line, streaks, records, breadth, BPI."""
    return _render(request, "/", asof=asof or "", universe=universe or "IWM")


@router.get("/pnf", response_class=HTMLResponse)
def pnf_page(
    request: Request,
    *,
    symbol: Text = None,
    box: Text = None,
    reversal: Text = None,
    method: Text = None,
    basis: Text = None,
    asof: Text = None,
    vs: Text = None,
) -> HTMLResponse:
    """Render the P&F page: pick symbol, box, reversal, method, basis, as-of; RS chart beside it."""
    return _render(
        request,
        "/pnf",
        symbol=symbol or "IWM",
        box=box or "traditional",
        reversal=reversal or "3",
        method=method or "hl",
        basis=basis or "as-traded",
        asof=asof or "",
        vs=vs or "SPY",
    )


@router.get("/screens", response_class=HTMLResponse)
def screens_page(request: Request, name: Text = None, asof: Text = None) -> HTMLResponse:
    """Render the screens page: pick a built-in screen, see the ranked names and reasons."""
    return _render(request, "/screens", name=name or "", asof=asof or "")


@router.get("/claims", response_class=HTMLResponse)
def claims_page(request: Request) -> HTMLResponse:
    """Render the claims page: paste or upload a claims file, see each verdict."""
    return _render(request, "/claims")


@router.get("/backtests", response_class=HTMLResponse)
def backtests_page(request: Request, name: Text = None) -> HTMLResponse:
    """Render the backtests page: pick a strategy, change parameters, see equity and drawdown."""
    return _render(request, "/backtests", name=name or "")
