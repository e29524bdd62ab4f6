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
    if path in ("/", "/pnf", "/backtests", "/screens"):
        assert status.strip() == "", status
        prov = _provenance_text(page)
        assert "as of 20" in prov and "synthetic" in prov, prov  # as-of date and source
        assert "data through" in prov and "price basis" in prov, prov
        first = "2020-01-02" if path == "/screens" else "2016-01-04"  # holdings / prices
        assert first in prov, prov  # coverage: first date of the data
    screenshot(page, "dashboard" + (path.replace("/", "_") if path != "/" else "_rotation"))
    assert_page_clean(page)


def _title(page: Any, chart: str) -> str:
    return str(page.text_content(f"#chart-{chart} .gtitle"))


def _wait_title(page: Any, chart: str, text: str) -> None:
    page.wait_for_function(
        "([id, text]) => { const t = document.querySelector(`#chart-${id} .gtitle`);"
        " return t !== null && t.textContent.includes(text); }",
        arg=[chart, text],
        timeout=60_000,
    )


def test_pnf_chart_follows_symbol_box_and_asof(
    page: Any, web_server: Any, screenshot: Any, assert_page_clean: Any
) -> None:
    page.goto(web_server.url + "/pnf")
    _wait_ready(page)
    _wait_title(page, "pnf", "IWM")
    first = _title(page, "pnf")
    assert "as of 2024-06-28" in first and _rendered(page, "pnf") > 0
    screenshot(page, "pnf_0_initial")

    page.fill("input[name=symbol]", "^RUT")
    page.press("input[name=symbol]", "Enter")
    _wait_title(page, "pnf", "^RUT")
    assert _rendered(page, "pnf") > 0
    screenshot(page, "pnf_1_symbol_rut")

    before = page.inner_text("#state")
    page.fill("input[name=box]", "5%")
    page.press("input[name=box]", "Enter")
    _wait_title(page, "pnf", "5%")
    assert page.inner_text("#state") != before  # the columns were redrawn on the new box
    screenshot(page, "pnf_2_box_5pct")

    page.fill("input[name=asof]", "2020-03-31")
    page.press("input[name=asof]", "Enter")
    _wait_title(page, "pnf", "as of 2020-03-31")
    _wait_title(page, "rs", "2020-03-31")
    assert "as of 2020-03-31" in page.inner_text("#provenance")
    assert "^RUT" in _title(page, "pnf") and _rendered(page, "pnf") > 0
    screenshot(page, "pnf_3_asof_2020")

    # a series (a yield): charted in its own units, no RS chart
    page.fill("input[name=asof]", "")
    page.fill("input[name=box]", "0.1")
    page.fill("input[name=symbol]", "DGS10")
    page.press("input[name=symbol]", "Enter")
    _wait_title(page, "pnf", "DGS10")
    assert "own units" in _title(page, "pnf") and _rendered(page, "pnf") > 0
    assert "own units" in page.inner_text("#provenance")
    screenshot(page, "pnf_4_series_dgs10")

    page.fill("input[name=symbol]", "../../etc/passwd")
    page.press("input[name=symbol]", "Enter")
    page.wait_for_function(
        "document.querySelector('#status').textContent.includes('not a valid name')"
    )
    page.console_errors[:] = [e for e in page.console_errors if "422" not in e]
    assert_page_clean(page)


_CLAIM = """[[claim]]
text = "IWM rose on 28 June 2024"
metric = "window_return"
symbol = "IWM"
field = "adj_close"
start = 2024-06-28
end = 2024-06-28
stated = 0.5
tolerance = 0.0001
"""


def test_claims_page_checks_a_pasted_file(
    page: Any, web_server: Any, screenshot: Any, assert_page_clean: Any
) -> None:
    page.goto(web_server.url + "/claims")
    _wait_ready(page)
    page.fill("#claims-text", _CLAIM)
    page.click("#claims-form button[type=submit]")
    page.wait_for_selector("#verdicts table", timeout=60_000)
    text = page.inner_text("#verdicts")
    assert "CONTRADICTED" in text  # a 50 % one-day return is not what the store holds
    assert "as of" in page.inner_text("#provenance")
    screenshot(page, "claims_checked")

    # the same file uploaded instead of pasted
    page.fill("#claims-text", "")
    page.set_input_files(
        "#claims-file",
        files=[{"name": "claims.toml", "mimeType": "text/plain", "buffer": _CLAIM.encode()}],
    )
    page.evaluate("document.querySelector('#verdicts').textContent = ''")
    page.click("#claims-form button[type=submit]")
    page.wait_for_selector("#verdicts table", timeout=60_000)
    assert "CONTRADICTED" in page.inner_text("#verdicts")
    assert_page_clean(page)


def test_backtest_page_reruns_on_a_parameter_change(
    page: Any, web_server: Any, screenshot: Any, assert_page_clean: Any
) -> None:
    page.goto(web_server.url + "/backtests")
    _wait_ready(page)
    assert _rendered(page, "equity") > 0 and _rendered(page, "drawdown") > 0
    metrics = page.inner_text("#metrics")
    box = page.locator("input[name='param:signal.box_pct']")
    box.fill("0.1")
    box.dispatch_event("change")
    page.wait_for_function(
        "(old) => document.querySelector('#metrics').innerText !== old", arg=metrics
    )
    assert _rendered(page, "equity") > 0
    screenshot(page, "backtest_box_0.1")
    assert_page_clean(page)
