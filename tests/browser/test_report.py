"""The HTML report in headless chromium, served from 127.0.0.1.

Two reports are built: the offline sample (``make demo``) and a store report from a small
hand-made store (IWM, SPY, ^RUT, ^GSPC, FRED:DGS10) that has the rotation and P&F parts. Each is
loaded over HTTP from 127.0.0.1; every chart must render (plot elements present), the page
must log no console error and ask for nothing outside 127.0.0.1 (the conftest's ``page``
fixture aborts and records such requests). Screenshots go to ``test-artifacts/browser/``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sizeup.app.reports import ReportData, ReportRequest, load_sample
from sizeup.report import render_report
from sizeup.report._layout import report_plan
from sizeup.report.sections import StatsOptions

pytestmark = pytest.mark.web

FAST = StatsOptions(reps=20, permutation_reps=50)


def _write(plan: Any, folder: Path) -> tuple[Path, int]:
    path = render_report(
        plan.sections,
        out=folder / "report.html",
        title=plan.title,
        asof=plan.as_of,
        intro=plan.intro,
    )
    return path, sum(len(s.figures) for s in plan.sections)


@pytest.fixture(scope="module")
def sample_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    plan = report_plan(load_sample(), ReportRequest(sample=True), options=FAST)
    return _write(plan, tmp_path_factory.mktemp("sample_report"))


@pytest.fixture(scope="module")
def store_report(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    from sizeup.data.store import Store

    st = Store.open(tmp_path_factory.mktemp("report_store"))
    rng = np.random.default_rng(3)
    idx = pd.bdate_range("2018-01-02", "2024-06-28")
    frames = []
    for sym, start in (("IWM", 150.0), ("SPY", 260.0), ("^RUT", 1500.0), ("^GSPC", 2700.0)):
        px = start * np.exp(np.cumsum(rng.normal(0.0003, 0.012, len(idx))))
        frames.append(
            pd.DataFrame(
                {
                    "symbol": sym,
                    "date": idx,
                    "open": px,
                    "high": px * 1.01,
                    "low": px * 0.99,
                    "close": px,
                    "adj_close": px * np.linspace(0.85, 1.0, len(px)),
                    "volume": np.nan,
                    "source": "handmade",
                }
            )
        )
    st.write({"bars": pd.concat(frames, ignore_index=True)})
    st.upsert(
        "series",
        pd.DataFrame(
            {
                "series_id": "FRED:DGS10",
                "date": idx,
                "value": 2.0 + np.cumsum(rng.normal(0.0, 0.04, len(idx))),
                "source": "handmade_fred",
                "vintage": "",
            }
        ),
    )
    request = ReportRequest(sections=("rotation", "pnf", "breadth", "backtests"))
    plan = report_plan(ReportData(st), request, options=FAST)
    return _write(plan, st.root.parent / "store_report")


def _load(page: Any, url: str, expected: int) -> None:
    page.goto(url, wait_until="load")
    page.wait_for_function(
        "(n) => document.querySelectorAll('.plotly-graph-div').length === n && "
        "[...document.querySelectorAll('.plotly-graph-div')].every("
        "d => d.classList.contains('js-plotly-plot') && d.querySelector('.main-svg'))",
        arg=expected,
        timeout=120_000,
    )


def _plot_elements(page: Any) -> list[tuple[str, int]]:
    """(div id, number of drawn traces) for every chart of the page."""
    return [
        (str(i), int(n))
        for i, n in page.evaluate(
            "() => [...document.querySelectorAll('.plotly-graph-div')].map("
            "d => [d.id, d.querySelectorAll('.main-svg .trace').length])"
        )
    ]


@pytest.mark.parametrize("which", ["sample_report", "store_report"])
def test_report_renders_every_chart_offline(
    which: str,
    request: pytest.FixtureRequest,
    page: Any,
    serve_directory: Any,
    screenshot: Any,
    assert_page_clean: Any,
) -> None:
    path, n_figures = request.getfixturevalue(which)
    assert n_figures > 0
    base = serve_directory(path.parent)
    assert base.startswith("http://127.0.0.1:")
    _load(page, f"{base}/{path.name}", n_figures)
    drawn = _plot_elements(page)
    assert len(drawn) == n_figures
    empty = [div for div, n in drawn if n == 0]
    assert empty == [], f"charts without plot elements: {empty}"
    # every section states its as-of date and data coverage
    metas = page.locator("section.report-section > div.meta").all_inner_texts()
    assert metas and all(m.startswith("As of") for m in metas)
    assert not any("): no data" in m for m in metas)
    screenshot(page, f"report_{which}")
    assert_page_clean(page)


def test_store_report_pnf_chart_has_dates_and_glyphs(
    store_report: tuple[Path, int], page: Any, serve_directory: Any, assert_page_clean: Any
) -> None:
    path, n_figures = store_report
    base = serve_directory(path.parent)
    _load(page, f"{base}/{path.name}", n_figures)
    # the first P&F chart of the report: the fund's, after the rotation's charts
    ticks = page.evaluate(
        "() => [...document.querySelectorAll('.plotly-graph-div')]"
        ".filter(d => d.layout && d.layout.xaxis && d.layout.xaxis.title"
        " && d.layout.xaxis.title.text === 'column start date')"
        ".map(d => [...d.querySelectorAll('.xtick text')].map(t => t.textContent))"
    )
    assert ticks, "no P&F chart with a date axis"
    assert all(len(t) > 0 for t in ticks)
    glyphs = page.evaluate(
        "() => [...document.querySelectorAll('.plotly-graph-div .textpoint text')]"
        ".map(t => t.textContent)"
    )
    assert "X" in glyphs and "O" in glyphs
    assert_page_clean(page)
