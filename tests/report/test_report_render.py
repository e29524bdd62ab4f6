"""The section model and the self-contained HTML renderer."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import pytest

from sizeup.errors import DataError
from sizeup.report import Coverage, ReportFigure, ReportSection, ReportTable, render_report
from sizeup.report._render import _cell


def _monthly(values, start="2020-01-31"):
    return pd.Series(values, index=pd.date_range(start, periods=len(values), freq="ME"))


# ------------------------------------------------------------------ coverage
def test_coverage_counts_nan_rows_without_calendar():
    s = _monthly([0.01, np.nan, 0.02, 0.03])
    cov = Coverage.of(s, name="X", source="test")
    assert (cov.first, cov.last, cov.rows, cov.missing) == (
        pd.Timestamp("2020-01-31"),
        pd.Timestamp("2020-04-30"),
        4,
        1,
    )
    assert cov.text() == "X (test): 2020-01-31 to 2020-04-30, 4 rows, 1 missing"


def test_coverage_counts_absent_and_nan_dates_against_calendar():
    # Jan, Feb (NaN), Apr, May: March absent and February NaN -> 2 of 5 month ends missing.
    idx = pd.DatetimeIndex(["2020-01-31", "2020-02-29", "2020-04-30", "2020-05-31"])
    s = pd.Series([0.01, np.nan, 0.02, 0.03], index=idx)
    grid = pd.date_range("2019-01-31", "2021-12-31", freq="ME")
    cov = Coverage.of(s, name="X", source="t", expected=grid, calendar="month ends")
    assert cov.rows == 4
    assert cov.missing == 2
    assert cov.text().endswith("4 rows, 2 missing month ends")


def test_coverage_of_frame_row_missing_if_any_column_nan():
    f = pd.DataFrame(
        {"a": [1.0, np.nan, 3.0], "b": [1.0, 2.0, np.nan]}, index=_monthly([0] * 3).index
    )
    assert Coverage.of(f, name="F", source="t").missing == 2


def test_coverage_empty():
    cov = Coverage.of(pd.Series(dtype=float, index=pd.DatetimeIndex([])), name="E", source="t")
    assert cov.rows == 0 and cov.first is None
    assert cov.text() == "E (t): no data"


# ------------------------------------------------------------------ cells
def test_cell_formatting():
    assert _cell(0.012345, "{:.2%}") == "1.23%"
    assert _cell(float("nan"), "{:.2%}") == ""
    assert _cell(pd.Timestamp("2018-11-30"), None) == "2018-11-30"
    assert _cell(1109, None) == "1,109"
    assert _cell(np.int64(42), None) == "42"
    assert _cell("January", None) == "January"


def test_table_cells_use_column_formats():
    t = ReportTable(
        "t",
        pd.DataFrame({"period": ["All"], "mean": [0.00207], "t": [2.1634]}),
        pd.Timestamp("2018-11-30"),
        (),
        formats={"mean": "{:.3%}", "t": "{:.2f}"},
    )
    assert t.cells() == [["All", "0.207%", "2.16"]]


# ------------------------------------------------------------------ section model
def _section(title: str, last: str) -> ReportSection:
    s = _monthly([0.01, -0.02, 0.03], start="2018-01-31")
    s.index = pd.date_range(end=last, periods=3, freq="ME")
    cov = Coverage.of(s, name=f"{title}-data", source="unit")
    as_of = s.index.max()
    fig = go.Figure(go.Scatter(x=s.index, y=s.to_numpy()))
    return ReportSection(
        title,
        figures=(ReportFigure(f"{title} figure", fig, as_of, (cov,), caption="a line"),),
        tables=(ReportTable(f"{title} table", s.rename("r").reset_index(), as_of, (cov,)),),
        notes=("note <b>bold</b> & more",),
        survivorship="current members only",
    )


def test_section_as_of_and_coverage():
    sec = _section("Alpha", "2018-06-30")
    assert sec.as_of == pd.Timestamp("2018-06-30")
    assert len(sec.coverage) == 1  # the same coverage used by figure and table counts once
    assert "Alpha figure" in sec.summary()


def test_render_report_writes_self_contained_html(tmp_path):
    sections = [_section("Alpha <One>", "2018-06-30"), _section("Beta", "2019-03-31")]
    out = render_report(
        sections,
        out=tmp_path / "sub" / "r.html",
        title="Test report",
        asof="2019-03-31",
        intro=["Data from a unit test."],
    )
    assert out == (tmp_path / "sub" / "r.html").resolve()
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    # every title, as-of date, coverage line and note is there, escaped
    assert "Alpha &lt;One&gt;" in html and "Alpha <One>" not in html
    assert "Beta figure" in html and "Beta table" in html
    assert "As of 2019-03-31" in html and "As of 2018-06-30" in html
    assert "Beta-data (unit): 2019-01-31 to 2019-03-31, 3 rows, 0 missing" in html
    assert "note &lt;b&gt;bold&lt;/b&gt; &amp; more" in html
    assert "current members only" in html
    assert "Data from a unit test." in html
    # offline: plotly.js inline, no external script, stylesheet or CDN
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, flags=re.IGNORECASE)
    assert not re.search(r"<link[^>]*href\s*=\s*[\"']https?:", html, flags=re.IGNORECASE)
    # plotly.js (inline, first <script>) holds URL defaults it never fetches for these charts
    # (e.g. the geo topojson URL); outside it the page references no URL at all.
    start = html.index("<script>")
    rest = html[:start] + html[html.index("</script>", start) :]
    assert "http:" not in rest and "https:" not in rest
    assert html.count("Plotly.newPlot(") == 2
    assert 'id="fig-1-1"' in html and 'id="fig-2-1"' in html


def test_render_is_deterministic(tmp_path):
    a = render_report(
        [_section("A", "2018-06-30")], out=tmp_path / "a.html", title="T", asof="2018-06-30"
    )
    b = render_report(
        [_section("A", "2018-06-30")], out=tmp_path / "b.html", title="T", asof="2018-06-30"
    )
    assert a.read_bytes() == b.read_bytes()


def test_render_without_sections_is_an_error(tmp_path):
    with pytest.raises(DataError, match="no sections"):
        render_report([], out=tmp_path / "x.html", title="T", asof="2020-01-01")
    assert not (tmp_path / "x.html").exists()
