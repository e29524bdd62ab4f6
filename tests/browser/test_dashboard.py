"""The dashboard in headless chromium: every page loads, every chart renders, nothing leaves
127.0.0.1, no console error; the P&F chart follows symbol, box size and as-of changes."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.web

PAGES = {
    "/": ["relative", "breadth", "bpi", "bpi_pnf", "rs_breadth", "fund_scores"],
    "/pnf": ["pnf", "rs"],
    "/backtests": ["equity", "drawdown"],
    "/screens": [],
    "/claims": [],
}


def _wait_ready(page: Any) -> None:
    page.wait_for_selector("body[data-ready='1']", timeout=120_000)


def _rendered(page: Any, chart: str) -> int:
    """Plot elements drawn in the chart's div (traces of a Plotly SVG)."""
    sel = f"#chart-{chart} .plotly .main-svg"
    if page.locator(sel).count() == 0:
        return 0
    return int(
        page.evaluate(
            "(id) => document.querySelectorAll(`#chart-${id} .plotly .main-svg .trace,"
            " #chart-${id} .plotly .main-svg .scatterlayer path,"
            " #chart-${id} .plotly .main-svg .shapelayer path`).length",
            chart,
        )
    )


def _provenance_text(page: Any) -> str:
    return str(page.inner_text("#provenance"))


@pytest.mark.parametrize("path", list(PAGES))
def test_page_loads_and_every_chart_renders(
    page: Any, web_server: Any, screenshot: Any, assert_page_clean: Any, path: str
) -> None:
    page.goto(web_server.url + path)
    _wait_ready(page)
    for chart in PAGES[path]:
        assert _rendered(page, chart) > 0, f"{path}: chart {chart} has no plot elements"
    status = page.inner_text("#status")
    if path in ("/", "/pnf", "/backtests"):
        assert status.strip() == "", status
        prov = _provenance_text(page)
        assert "as of 20" in prov and "synthetic" in prov, prov  # as-of date and source
        assert "data through" in prov and "price basis" in prov, prov
        assert "2016-01-04" in prov  # coverage: first date of the data
    screenshot(page, "dashboard" + (path.replace("/", "_") if path != "/" else "_rotation"))
    assert_page_clean(page)
