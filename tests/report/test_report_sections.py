"""Size-effect sections: numbers against independent recomputation, sample and store plans."""

from __future__ import annotations

import csv
import gzip
import importlib.util
import math
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sizeup.app.reports import ReportData, load_sample
from sizeup.data.datasets import import_sample
from sizeup.data.store import Store
from sizeup.errors import DataError
from sizeup.report import render_report, sample_plan, store_plan
from sizeup.report.sections import (
    BIG_IDS,
    SMALL_IDS,
    TITLE_INDEX_PRICES,
    TITLE_SIZE_PREMIUM,
    TITLE_SMALL_BIG,
    index_summary,
    premium_stats,
    size_premium_table,
    small_big_frame,
)


def _raw_smb() -> tuple[list[str], np.ndarray]:
    """SMB straight from arch's bundled CSV with the csv module (percent -> decimal)."""
    spec = importlib.util.find_spec("arch")
    assert spec is not None and spec.submodule_search_locations
    path = Path(next(iter(spec.submodule_search_locations))) / "data/frenchdata/frenchdata.csv.gz"
    with gzip.open(path, "rt", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    return [r[0] for r in rows], np.array([float(r[2]) for r in rows]) / 100.0


def _t(x: np.ndarray) -> float:
    return float(x.mean() / (x.std(ddof=1) / math.sqrt(len(x))))


# ------------------------------------------------------------------ SMB statistics
def test_smb_table_equals_independent_numpy_recomputation():
    yyyymm, smb = _raw_smb()
    months = np.array([int(d[4:]) for d in yyyymm])
    years = np.array([int(d[:4]) for d in yyyymm])
    from sizeup.data.datasets import load_ff_factors

    table = size_premium_table(load_ff_factors()["smb"]).set_index("period")

    everything = table.loc["All months"]
    assert everything["n"] == len(smb) == 1109
    assert everything["mean"] == pytest.approx(smb.mean(), rel=1e-12)
    assert everything["annualised"] == pytest.approx(12 * smb.mean(), rel=1e-12)
    assert everything["sd"] == pytest.approx(smb.std(ddof=1), rel=1e-12)
    assert everything["t"] == pytest.approx(_t(smb), rel=1e-10)
    assert everything["first"] == pd.Timestamp("1926-07-31")
    assert everything["last"] == pd.Timestamp("2018-11-30")

    jan = smb[months == 1]
    assert table.loc["January", "n"] == len(jan) == 92  # Januaries 1927..2018
    assert table.loc["January", "mean"] == pytest.approx(jan.mean(), rel=1e-12)
    assert table.loc["January", "t"] == pytest.approx(_t(jan), rel=1e-10)
    rest = smb[months != 1]
    assert table.loc["February-December", "n"] == len(rest) == 1017
    assert table.loc["February-December", "t"] == pytest.approx(_t(rest), rel=1e-10)

    for decade in (1920, 1950, 1990, 2010):
        x = smb[(years >= decade) & (years < decade + 10)]
        row = table.loc[f"{decade}s"]
        assert row["n"] == len(x)
        assert row["mean"] == pytest.approx(x.mean(), rel=1e-12)
        assert row["t"] == pytest.approx(_t(x), rel=1e-10)
    assert table.loc["1920s", "n"] == 42  # 1926-07 .. 1929-12
    assert table.loc["2010s", "n"] == 107  # 2010-01 .. 2018-11
    # decades partition the sample
    assert table.iloc[3:]["n"].sum() == 1109


def test_premium_stats_hand_computed():
    # returns 1 %, 3 %, 2 %: mean 2 %, sd 1 %, t = 0.02 / (0.01 / sqrt 3) = 2 * sqrt 3
    s = pd.Series([0.01, 0.03, 0.02], index=pd.date_range("2000-01-31", periods=3, freq="ME"))
    st = premium_stats(s, label="x")
    assert st.n == 3
    assert st.mean == pytest.approx(0.02)
    assert st.sd == pytest.approx(0.01)
    assert st.t == pytest.approx(2 * math.sqrt(3))
    assert st.annualised == pytest.approx(0.24)
    assert "t=3.46" in st.summary()
    one = premium_stats(s.iloc[:1], label="one")
    assert one.n == 1 and math.isnan(one.t)


# ------------------------------------------------------------------ small vs big
def test_small_big_frame_hand_computed():
    idx = pd.date_range("2000-01-31", periods=3, freq="ME")
    pf = pd.DataFrame(
        {"s1": [0.10, 0.00, -0.10], "s2": [0.30, 0.20, 0.10], "b1": [0.05, 0.05, 0.05]}, index=idx
    )
    out = small_big_frame(pf, small=["s1", "s2"], big=["b1"], window=2)
    # small = 0.20, 0.10, 0.00 ; big = 0.05 each month
    assert out["small"].tolist() == pytest.approx([0.20, 0.10, 0.00])
    assert out["small_growth"].tolist() == pytest.approx([1.2, 1.32, 1.32])
    assert out["big_growth"].tolist() == pytest.approx([1.05, 1.1025, 1.157625])
    assert out["relative"].iloc[-1] == pytest.approx(1.32 / 1.157625)
    assert math.isnan(out["rolling"].iloc[0])
    assert out["rolling"].iloc[1] == pytest.approx(1.2 * 1.1 / 1.05**2 - 1)
    assert out["rolling"].iloc[2] == pytest.approx(1.1 * 1.0 / 1.05**2 - 1)


def test_small_big_drops_months_with_a_missing_leg_and_checks_columns():
    idx = pd.date_range("2000-01-31", periods=3, freq="ME")
    pf = pd.DataFrame({"s": [0.1, np.nan, 0.1], "b": [0.0, 0.0, 0.0]}, index=idx)
    out = small_big_frame(pf, small=["s"], big=["b"], window=2)
    assert list(out.index) == [idx[0], idx[2]]
    with pytest.raises(DataError, match="'zz'"):
        small_big_frame(pf, small=["zz"], big=["b"])


def test_index_summary_hand_computed():
    idx = pd.to_datetime(["2000-01-03", "2000-07-03", "2001-01-02", "2002-01-02"])
    closes = pd.DataFrame({"^X": [100.0, 120.0, 90.0, 130.0]}, index=idx)
    row = index_summary(closes).iloc[0]
    assert row["price return"] == pytest.approx(0.30)
    years = (idx[-1] - idx[0]).days / 365.25
    assert row["annualised"] == pytest.approx(1.3 ** (1 / years) - 1)
    assert row["max drawdown"] == pytest.approx(90 / 120 - 1)
    assert row["peak"] == idx[1] and row["trough"] == idx[2]
    assert row["rows"] == 4


# ------------------------------------------------------------------ sample plan and report
@pytest.fixture(scope="module")
def sample_report(tmp_path_factory):
    start = time.perf_counter()
    plan = sample_plan(load_sample())
    out = render_report(
        plan.sections,
        out=tmp_path_factory.mktemp("rep") / "sample.html",
        title=plan.title,
        asof=plan.as_of,
        intro=plan.intro,
    )
    seconds = time.perf_counter() - start
    return plan, out.read_text(encoding="utf-8"), seconds


def test_sample_plan_sections_and_as_of(sample_report):
    plan, _, seconds = sample_report
    assert [s.title for s in plan.sections] == [
        TITLE_SIZE_PREMIUM,
        TITLE_SMALL_BIG,
        TITLE_INDEX_PRICES,
    ]
    assert plan.skipped == ()
    assert plan.as_of == pd.Timestamp("2018-12-31")
    assert [s.as_of for s in plan.sections] == [
        pd.Timestamp("2018-11-30"),
        pd.Timestamp("2017-03-31"),
        pd.Timestamp("2018-12-31"),
    ]
    for section in plan.sections:
        for item in (*section.tables, *section.figures):
            assert item.coverage, item.title
            assert item.as_of <= max(c.last for c in item.coverage)
    print(f"sample plan + render: {seconds:.2f} s")


def test_sample_report_html(sample_report):
    plan, html, _ = sample_report
    for title in (
        TITLE_SIZE_PREMIUM,
        TITLE_SMALL_BIG,
        "S&amp;P 500 and NASDAQ Composite prices (daily)",
    ):
        assert title in html
    for section in plan.sections:
        for item in (*section.tables, *section.figures):
            assert item.title.replace("&", "&amp;") in html
    assert "As of 2018-12-31" in html  # report header
    assert "As of 2018-11-30" in html and "As of 2017-03-31" in html
    assert (
        "FF:SMB:M (sample/arch): 1926-07-31 to 2018-11-30, 1,109 rows, 0 missing month ends" in html
    )
    assert "FF:25P:S1V1:M (sample/linearmodels): 1949-01-31 to 2017-03-31, 819 rows" in html
    assert (
        "^GSPC (sample/arch): 1999-01-04 to 2018-12-31, 5,031 rows, 0 missing XNYS sessions" in html
    )
    assert "^IXIC (sample/arch): 1999-01-04 to 2018-12-31, 5,031 rows" in html
    assert "Offline sample" in html and "arch" in html and "linearmodels" in html
    assert "Kenneth R. French Data Library" in html
    assert "Survivorship:" in html
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, flags=re.IGNORECASE)
    assert not re.search(r"<script[^>]*src\s*=\s*[\"']?https?:", html, flags=re.IGNORECASE)
    start = html.index("<script>")  # the inline plotly.js library
    rest = html[:start] + html[html.index("</script>", start) :]
    assert "http:" not in rest and "https:" not in rest
    assert html.count("Plotly.newPlot(") == 8


def test_sample_report_numbers_match_recomputation(sample_report):
    plan, html, _ = sample_report
    _, smb = _raw_smb()
    mean, t = smb.mean(), _t(smb)
    # the displayed strings equal the independently recomputed values, formatted
    assert f"{mean:.3%}" in html and f"{12 * mean:.2%}" in html
    assert f"t = {t:.2f}" in html
    table = plan.sections[0].tables[0].frame.set_index("period")
    assert table.loc["All months", "t-stat"] == pytest.approx(t, rel=1e-10)


def test_sample_index_summary_from_raw_values(sample_report):
    plan, _, _ = sample_report
    table = plan.sections[2].tables[0].frame.set_index("symbol")
    # sp500.csv.gz line 2 close 1228.099976, line 5032 close 2506.850098
    assert table.loc["^GSPC", "price return"] == pytest.approx(2506.850098 / 1228.099976 - 1)
    # peak 2007-10-09 close 1565.150024 (line 2206), trough 2009-03-09 close 676.530029 (line 2561)
    assert table.loc["^GSPC", "max drawdown"] == pytest.approx(676.530029 / 1565.150024 - 1)
    assert table.loc["^GSPC", "trough"] == pd.Timestamp("2009-03-09")
    # nasdaq.csv.gz line 301: 2000-03-10 close 5048.620117 is the peak before the 2002 trough
    assert table.loc["^IXIC", "peak"] == pd.Timestamp("2000-03-10")


# ------------------------------------------------------------------ store plan
def test_store_plan_empty_store_names_everything_missing(tmp_path):
    plan = store_plan(ReportData(Store.open(tmp_path / "empty")))
    assert plan.sections == ()
    missing = {s.title: s.missing for s in plan.skipped}
    assert missing[TITLE_SIZE_PREMIUM] == ("FF:SMB:M",)
    assert missing[TITLE_SMALL_BIG] == (
        *SMALL_IDS,
        *BIG_IDS,
        "or FF:ME_VW_M:DEC01 and FF:ME_VW_M:DEC10",
    )
    assert missing[TITLE_INDEX_PRICES] == ("^GSPC", "^IXIC")
    assert plan.as_of is None


def test_store_plan_partial_store(tmp_path):
    store = Store.open(tmp_path / "d")
    idx = pd.date_range("2000-01-31", periods=24, freq="ME")
    store.upsert(
        "series",
        pd.DataFrame(
            {
                "series_id": "FF:SMB:M",
                "date": idx,
                "value": np.linspace(-0.02, 0.03, 24),
                "source": "french",
                "vintage": "202412",
            }
        ),
    )
    days = pd.bdate_range("2020-01-02", periods=30)
    store.upsert(
        "bars",
        pd.DataFrame(
            {"symbol": "^GSPC", "date": days, "close": np.arange(30.0) + 100, "source": "yahoo"}
        ),
    )
    plan = store_plan(ReportData(store))
    assert [s.title for s in plan.sections] == [TITLE_SIZE_PREMIUM, TITLE_INDEX_PRICES]
    skipped = {s.title: s for s in plan.skipped}
    assert skipped[TITLE_SMALL_BIG].missing[:6] == (*SMALL_IDS, *BIG_IDS)
    assert skipped[f"{TITLE_INDEX_PRICES} (partly)"].missing == ("^IXIC",)
    cov = plan.sections[0].coverage[0]
    assert cov.source == "store: french" and cov.rows == 24
    assert plan.sections[1].coverage[0].source == "store: yahoo"
    assert any("^IXIC" in line for line in plan.intro)


def test_store_plan_from_imported_sample_equals_sample_plan(tmp_path, sample_report):
    sample, _, _ = sample_report
    store = Store.open(tmp_path / "s")
    import_sample(store)
    plan = store_plan(ReportData(store))
    assert plan.skipped == ()
    assert [s.title for s in plan.sections] == [s.title for s in sample.sections]
    for a, b in zip(plan.sections, sample.sections, strict=True):
        for ta, tb in zip(a.tables, b.tables, strict=True):
            pd.testing.assert_frame_equal(ta.frame, tb.frame)
    assert plan.sections[0].coverage[0].source == "store: sample/arch"


def test_store_plan_falls_back_to_size_deciles(tmp_path):
    store = Store.open(tmp_path / "dec")
    idx = pd.date_range("2000-01-31", periods=40, freq="ME")
    rows = []
    for sid, r in (("FF:ME_VW_M:DEC01", 0.02), ("FF:ME_VW_M:DEC10", 0.01)):
        rows.append(
            pd.DataFrame(
                {"series_id": sid, "date": idx, "value": r, "source": "french", "vintage": "202412"}
            )
        )
    store.upsert("series", pd.concat(rows, ignore_index=True))
    plan = store_plan(ReportData(store))
    assert [s.title for s in plan.sections] == [TITLE_SMALL_BIG]
    section = plan.sections[0]
    table = section.tables[0].frame.set_index("portfolio")
    # constant 2 % vs 1 % a month: growth 1.02^40 vs 1.01^40, hand computed
    assert table.loc["Small (smallest size decile, VW)", "growth of $1"] == pytest.approx(1.02**40)
    assert table.loc["Big (largest size decile, VW)", "growth of $1"] == pytest.approx(1.01**40)
    assert table.loc["Small relative to big", "growth of $1"] == pytest.approx((1.02 / 1.01) ** 40)
    assert any("smallest size decile" in n for n in section.notes)
    assert [c.name for c in section.coverage] == ["FF:ME_VW_M:DEC01", "FF:ME_VW_M:DEC10"]
    assert section.coverage[0].source == "store: french"
