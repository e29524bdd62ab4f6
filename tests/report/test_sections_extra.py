"""Seasonality, conditional-history, size-regime and P&F report sections (issues 4 and 6).

Every section is built from the offline sample; one statistic per section is checked against an
independent recomputation from the raw bundled CSV files (csv module + numpy), never against
the code under test.
"""

from __future__ import annotations

import csv
import gzip
import importlib.util
import math
import time
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sizeup.app.reports import ReportData, load_sample
from sizeup.data.datasets import import_sample
from sizeup.data.store import Store
from sizeup.errors import DataError
from sizeup.report import render_report
from sizeup.report._plans import full_sample_plan, full_store_plan
from sizeup.report.sections import (
    TITLE_CONDITIONAL,
    TITLE_INDEX_PRICES,
    TITLE_PNF,
    TITLE_RS,
    TITLE_SEASONALITY,
    TITLE_SIZE_PREMIUM,
    TITLE_SIZE_REGIME,
    TITLE_SMALL_BIG,
    StatsOptions,
    smb_momentum_pairs,
)

TITLE_PNF_SP = f"{TITLE_PNF}: S&P 500 (^GSPC)"
TITLE_RS_NQ = f"{TITLE_RS}: NASDAQ Composite vs S&P 500"
STATS_COLUMNS = ["n", "mean", "median", "hit rate", "HAC t (lag)", "CI low", "CI high"]


# ------------------------------------------------------------------ raw files (independent)
def _arch_file(*parts: str) -> Path:
    spec = importlib.util.find_spec("arch")
    assert spec is not None and spec.submodule_search_locations
    return Path(next(iter(spec.submodule_search_locations)), "data", *parts)


def _raw_index(folder: str) -> dict[str, np.ndarray]:
    """Dates, highs and closes of arch's bundled daily CSV, read with the csv module."""
    with gzip.open(_arch_file(folder, f"{folder}.csv.gz"), "rt", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    return {
        "date": np.array([datetime.strptime(r[0], "%m/%d/%Y") for r in rows], dtype="M8[D]"),
        "high": np.array([float(r[2]) for r in rows]),
        "close": np.array([float(r[4]) for r in rows]),
    }


def _raw_smb() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    with gzip.open(_arch_file("frenchdata", "frenchdata.csv.gz"), "rt", newline="") as handle:
        rows = list(csv.reader(handle))[1:]
    years = np.array([int(r[0][:4]) for r in rows])
    months = np.array([int(r[0][4:]) for r in rows])
    return years, months, np.array([float(r[2]) for r in rows]) / 100.0


def _year_month(dates: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    years = dates.astype("M8[Y]").astype(int) + 1970
    months = dates.astype("M8[M]").astype(int) % 12 + 1
    return years, months


def _last_close_by(keys: np.ndarray, close: np.ndarray) -> dict[int, float]:
    out: dict[int, float] = {}
    for k, c in zip(keys.tolist(), close.tolist(), strict=True):
        out[k] = c  # rows are in date order, so the last assignment is the last close
    return out


def _row(frame: pd.DataFrame, column: str, value: object) -> pd.Series:
    hit = frame[frame[column] == value]
    assert len(hit) == 1, f"{value!r} in {column}: {len(hit)} rows"
    return hit.iloc[0]


def _table(section, title_start: str):
    found = [t for t in section.tables if t.title.startswith(title_start)]
    assert len(found) == 1, [t.title for t in section.tables]
    return found[0]


# ------------------------------------------------------------------ the full sample plan
@pytest.fixture(scope="module")
def plan_and_html(tmp_path_factory):
    start = time.perf_counter()
    plan = full_sample_plan(load_sample())
    built = time.perf_counter() - start
    out = render_report(
        plan.sections,
        out=tmp_path_factory.mktemp("extra") / "full.html",
        title=plan.title,
        asof=plan.as_of,
        intro=plan.intro,
    )
    print(f"full sample plan {built:.2f} s, with render {time.perf_counter() - start:.2f} s")
    return plan, out.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def sections(plan_and_html):
    plan, _ = plan_and_html
    return {s.title: s for s in plan.sections}


def test_full_sample_plan_order_coverage_and_as_of(plan_and_html):
    plan, _ = plan_and_html
    assert [s.title for s in plan.sections] == [
        TITLE_SIZE_PREMIUM,
        TITLE_SIZE_REGIME,
        TITLE_SMALL_BIG,
        TITLE_INDEX_PRICES,
        TITLE_SEASONALITY,
        TITLE_CONDITIONAL,
        TITLE_PNF_SP,
        TITLE_RS_NQ,
    ]
    assert plan.skipped == ()
    assert plan.as_of == pd.Timestamp("2018-12-31")
    for section in (*plan.sections[4:], plan.sections[1]):
        assert section.notes, section.title
        assert section.survivorship, section.title
        for item in (*section.tables, *section.figures):
            assert item.coverage, item.title
            assert item.as_of <= max(c.last for c in item.coverage), item.title
            assert all(c.missing == 0 for c in item.coverage), item.title
    assert any("NASDAQ Composite is not a small-cap index" in p for p in plan.intro)


def test_statistical_tables_show_n_and_ci(sections):
    for title in (TITLE_SEASONALITY, TITLE_CONDITIONAL, TITLE_SIZE_REGIME):
        stats_tables = [t for t in sections[title].tables if "CI low" in t.frame.columns]
        assert stats_tables, title
        for table in stats_tables:
            frame = table.frame
            assert set(STATS_COLUMNS) <= set(frame.columns), table.title
            assert (frame["n"] > 0).all(), table.title
            ok = frame["n"] >= 3
            assert (frame.loc[ok, "CI low"] <= frame.loc[ok, "CI high"]).all(), table.title
            assert (frame.loc[ok, "CI low"] < frame.loc[ok, "mean"]).all(), table.title
            assert (frame.loc[ok, "mean"] < frame.loc[ok, "CI high"]).all(), table.title
    assert any("Seed 20240601" in n for n in sections[TITLE_SEASONALITY].notes)


def test_rendered_html_titles_as_of_and_n(plan_and_html):
    plan, html = plan_and_html
    for section in plan.sections:
        assert section.title.replace("&", "&amp;") in html
        for item in (*section.tables, *section.figures):
            assert item.title.replace("&", "&amp;") in html, item.title
    assert html.count("Plotly.newPlot(") == sum(len(s.figures) for s in plan.sections)
    assert "As of 2018-12-31" in html and "As of 2018-11-30" in html
    # n in the CI charts' labels and in the tables: 20 Januaries of S&P 500, 92 of SMB
    assert '"Jan (n=20)"' in html and '"Jan (n=92)"' in html
    assert "<td>13</td>" in html and "<td>6</td>" in html  # F27 buckets on the sample
    assert "as of 2018-12-31" in html  # chart subtitles


# ------------------------------------------------------------------ seasonality
def test_seasonality_january_matches_raw_closes(sections):
    raw = _raw_index("sp500")
    years, months = _year_month(raw["date"])
    last = _last_close_by(years * 100 + months, raw["close"])
    keys = sorted(last)
    # monthly return = last close of the month / last close of the previous month - 1; the
    # first month (January 1999) runs from the first close in the data
    jan = []
    for i, k in enumerate(keys):
        prev = last[keys[i - 1]] if i else raw["close"][0]
        if k % 100 == 1:
            jan.append(last[k] / prev - 1.0)
    jan_arr = np.array(jan)
    assert len(jan_arr) == 20

    table = _table(sections[TITLE_SEASONALITY], "Monthly returns by calendar month").frame
    row = _row(table, "month", "Jan")
    assert row["n"] == 20
    assert row["mean"] == pytest.approx(jan_arr.mean(), rel=1e-9)
    assert row["median"] == pytest.approx(np.median(jan_arr), rel=1e-9)
    assert row["hit rate"] == pytest.approx((jan_arr > 0).mean())
    assert _row(table, "month", "all months")["n"] == 240


def test_seasonality_smb_january_and_turn_of_year_counts(sections):
    _, months, smb = _raw_smb()
    table = _table(sections[TITLE_SEASONALITY], "SMB by calendar month").frame
    row = _row(table, "month", "Jan")
    assert row["n"] == 92
    assert row["mean"] == pytest.approx(smb[months == 1].mean(), rel=1e-9)
    assert row["median"] == pytest.approx(np.median(smb[months == 1]), rel=1e-9)
    # December 1998 is not in the data: 19 complete turn-of-year windows (2000..2018) and
    # 20 first weeks of January (1999..2018), for S&P 500 and for NASDAQ vs S&P 500
    for start, years, days in (("Turn of the year", 19, 190), ("First 5 sessions", 20, 100)):
        windows = _table(sections[TITLE_SEASONALITY], start).frame
        assert windows["series"].tolist() == ["S&P 500"] * 3 + ["NASDAQ Composite vs S&P 500"] * 3
        assert windows["n"].tolist()[:2] == [years, days]
        assert windows["n"].tolist()[3:5] == [years, days]
        assert windows["bucket"].tolist()[:3] == [
            "per year, compounded",
            "daily, in windows",
            "daily, other days",
        ]


def test_seasonality_first_week_of_january_matches_raw_closes(sections):
    raw = _raw_index("sp500")
    years, months = _year_month(raw["date"])
    week = []
    for y in range(1999, 2019):
        jan = np.flatnonzero((years == y) & (months == 1))[:5]
        # compounded daily returns of the first five sessions = close(5th) / close(before 1st)
        before = raw["close"][jan[0] - 1] if jan[0] > 0 else np.nan
        week.append(raw["close"][jan[-1]] / before - 1)
    # 1999: the first session (Jan 4) has no earlier close and so no return; the window is the
    # first five daily returns, Jan 5 to Jan 11, i.e. close(6th session) / close(1st) - 1
    week[0] = raw["close"][5] / raw["close"][0] - 1
    frame = _table(sections[TITLE_SEASONALITY], "First 5 sessions").frame
    row = frame.iloc[0]
    assert row["mean"] == pytest.approx(np.mean(week), rel=1e-9)
    assert row["hit rate"] == pytest.approx(np.mean(np.array(week) > 0))


# ------------------------------------------------------------------ conditional history
def test_conditional_h2_buckets_match_raw_closes(sections):
    sp, nq = _raw_index("sp500"), _raw_index("nasdaq")
    years, months = _year_month(sp["date"])
    assert (sp["date"] == nq["date"]).all()
    key = years * 100 + months
    sp_last, nq_last = _last_close_by(key, sp["close"]), _last_close_by(key, nq["close"])
    ahead, behind = [], []
    for y in range(1999, 2018):  # H2 of 2018 has no next year in the data
        h2_sp = sp_last[y * 100 + 12] / sp_last[y * 100 + 6] - 1
        h2_nq = nq_last[y * 100 + 12] / nq_last[y * 100 + 6] - 1
        next_sp = sp_last[(y + 1) * 100 + 12] / sp_last[y * 100 + 12] - 1
        if (1 + h2_nq) / (1 + h2_sp) - 1 > 0:
            ahead.append(next_sp)
        else:
            behind.append(next_sp)
    assert (len(ahead), len(behind)) == (13, 6)

    table = _table(sections[TITLE_CONDITIONAL], "Next calendar-year return").frame
    sp_rows = table[table["next-year return of"] == "S&P 500"]
    assert sp_rows["condition"].tolist() == ["ahead", "behind or level"]
    assert sp_rows["n"].tolist() == [13, 6]
    assert sp_rows["mean"].tolist() == pytest.approx([np.mean(ahead), np.mean(behind)])
    assert sp_rows["median"].tolist() == pytest.approx([np.median(ahead), np.median(behind)])
    first = sp_rows.iloc[0]
    assert first["difference"] == pytest.approx(np.mean(ahead) - np.mean(behind))
    assert 0 < first["permutation p"] <= 1
    assert math.isnan(sp_rows.iloc[1]["permutation p"])
    assert any("Small-sample illustration" in n for n in sections[TITLE_CONDITIONAL].notes)


def test_conditional_smb_momentum_matches_raw_factor_file(sections):
    years, _, smb = _raw_smb()
    calendar = {
        int(y): float(np.prod(1 + smb[years == y]) - 1)
        for y in np.unique(years)
        if (years == y).sum() == 12
    }
    pos, neg = [], []
    for y, value in calendar.items():
        if y + 1 in calendar:
            (pos if value > 0 else neg).append(calendar[y + 1])
    table = _table(sections[TITLE_CONDITIONAL], "Next 12-month SMB").frame
    assert table["n"].tolist() == [len(pos), len(neg)]
    assert len(pos) + len(neg) == 90  # years 1927..2016 have a complete next year
    assert table["mean"].tolist() == pytest.approx([np.mean(pos), np.mean(neg)], rel=1e-9)


def test_smb_momentum_pairs_hand_computed():
    idx = pd.date_range("2000-01-31", periods=36, freq="ME")
    smb = pd.Series(0.01, index=idx)
    smb.iloc[12:24] = -0.01  # 2001 negative
    pairs = smb_momentum_pairs(smb)
    assert list(pairs.index) == list(pd.to_datetime(["2000-12-31", "2001-12-31", "2002-12-31"]))
    assert pairs["trailing"].tolist()[:2] == pytest.approx([1.01**12 - 1, 0.99**12 - 1])
    assert pairs["forward"].iloc[0] == pytest.approx(0.99**12 - 1)
    assert math.isnan(pairs["forward"].iloc[2])  # no 2003 in the data
    gap = smb.drop(idx[5])
    assert math.isnan(smb_momentum_pairs(gap)["trailing"].iloc[0])  # incomplete window
    with pytest.raises(DataError, match="anchor_month"):
        smb_momentum_pairs(smb, anchor_month=13)


# ------------------------------------------------------------------ size premium over time
def test_size_regime_rolling_drawdown_and_subperiod_match_numpy(sections):
    years, _, smb = _raw_smb()
    section = sections[TITLE_SIZE_REGIME]
    rolling = section.figures[0].figure.data
    last_60 = next(t for t in rolling if t.name == "60-month mean x12")
    assert last_60.y[-1] == pytest.approx(12 * smb[-60:].mean(), rel=1e-9)
    wealth = np.cumprod(1 + smb)
    depth = (wealth / np.maximum.accumulate(wealth) - 1).min()
    worst = _table(section, "Deepest drawdowns").frame
    assert worst["depth"].iloc[0] == pytest.approx(depth, rel=1e-9)
    sub = _table(section, "SMB by sub-period").frame
    post = _row(sub, "period", "1981-01.. (post-Banz)")
    assert post["n"] == int((years >= 1981).sum()) == 455
    assert post["mean"] == pytest.approx(smb[years >= 1981].mean(), rel=1e-9)
    assert post["annualised"] == pytest.approx(12 * smb[years >= 1981].mean(), rel=1e-9)


# ------------------------------------------------------------------ point and figure
def _traditional_floor(price: float) -> float:
    """Highest level of the StockCharts traditional grid at or below ``price`` (1,000+ only)."""
    assert price >= 1000
    step = 10.0 if price < 2500 else 50.0
    return math.floor(price / step + 1e-9) * step


def _traditional_below(level: float) -> float:
    """The grid level just below ``level`` (1,000+ only)."""
    return level - (10.0 if level <= 2500 else 50.0)


def test_pnf_state_and_objective_match_raw_highs(sections):
    section = sections[TITLE_PNF_SP]
    state = dict(_table(section, "Current state").frame.itertuples(index=False, name=None))
    assert state["as of"] == "2018-12-31"
    assert state["last close"] == "2,506.85"
    assert "high/low method" in state["chart"] and "3-box reversal" in state["chart"]
    column = state["current column"]
    assert column.startswith("X (rising)")
    since = np.datetime64(column.rsplit("since ", 1)[1], "D")
    raw = _raw_index("sp500")
    top = _traditional_floor(float(raw["high"][raw["date"] >= since].max()))
    assert f"to {top:,.0f}," in column
    assert state["signal in effect"].startswith(("buy since", "sell since"))

    po = _table(section, "Price objectives").frame
    vertical = _row(po, "count", "vertical")
    assert vertical["side"] == "bearish"  # the signal in effect is a sell
    # DWA bearish vertical count: top - 2 x (sum of the label box sizes of the column), the
    # sizes summed by walking the traditional grid down from the top, written out here
    level, total = float(vertical["from"]), 0.0
    for _ in range(int(vertical["boxes or columns"])):
        below = _traditional_below(level)
        total += level - below
        level = below
    assert vertical["objective"] == pytest.approx(float(vertical["from"]) - 2 * total)
    assert vertical["vs last close"] == pytest.approx(vertical["objective"] / 2506.850098 - 1)
    patterns = _table(section, "Latest").frame
    assert len(patterns) == 12
    assert patterns["date"].is_monotonic_decreasing


def test_rs_column_top_matches_raw_ratio(sections):
    section = sections[TITLE_RS_NQ]
    reading = _table(section, "RS reading").frame
    row = _row(reading, "box", "6.5%")
    assert row["configuration"] in ("buy/X", "buy/O", "sell/X", "sell/O")
    sp, nq = _raw_index("sp500"), _raw_index("nasdaq")
    ratio = 100 * nq["close"] / sp["close"]
    since = np.datetime64(pd.Timestamp(row["column since"]).date(), "D")
    extreme = ratio[sp["date"] >= since]
    # percentage grid L[i] = 1.065 ** i anchored at 1: an X column's top is the highest level at
    # or below the highest ratio since the column started, an O column's bottom the lowest level
    # at or above the lowest ratio
    if row["column"] == "X":
        k = math.floor(math.log(extreme.max()) / math.log(1.065) + 1e-9)
    else:
        k = math.ceil(math.log(extreme.min()) / math.log(1.065) - 1e-9)
    assert row["ratio box"] == pytest.approx(1.065**k, rel=1e-9)
    assert _row(reading, "box", "3.25%")["columns"] > row["columns"]


# ------------------------------------------------------------------ store plans
def test_full_store_plan_from_imported_sample_equals_sample(tmp_path, plan_and_html):
    sample, _ = plan_and_html
    store = Store.open(tmp_path / "s")
    import_sample(store)
    plan = full_store_plan(ReportData(store))
    assert [s.title for s in plan.skipped] == ["Rotation monitor"]  # no small/large pair
    assert [s.title for s in plan.sections] == [s.title for s in sample.sections]
    for a, b in zip(plan.sections[4:], sample.sections[4:], strict=True):
        for ta, tb in zip(a.tables, b.tables, strict=True):
            pd.testing.assert_frame_equal(ta.frame, tb.frame)
    by_title = {s.title: s for s in plan.sections}
    assert by_title[TITLE_PNF_SP].coverage[0].source == "store: sample/arch"
    assert by_title[TITLE_SEASONALITY].coverage[-1].source == "store: sample/arch"


def test_full_store_plan_partial_store_names_missing_inputs(tmp_path):
    store = Store.open(tmp_path / "p")
    days = pd.bdate_range("2015-01-02", "2017-12-29")
    rng = np.random.default_rng(7)
    close = 1000 * np.exp(np.cumsum(rng.normal(0.0003, 0.01, len(days))))
    store.upsert(
        "bars",
        pd.DataFrame({"symbol": "^GSPC", "date": days, "close": close, "source": "yahoo"}),
    )
    plan = full_store_plan(ReportData(store), options=StatsOptions(reps=50, permutation_reps=200))
    titles = [s.title for s in plan.sections]
    assert TITLE_SEASONALITY in titles and TITLE_PNF_SP in titles
    assert TITLE_CONDITIONAL not in titles and TITLE_SIZE_REGIME not in titles
    skipped = {s.title: s for s in plan.skipped}
    assert skipped[TITLE_SIZE_REGIME].missing == ("FF:SMB:M",)
    assert skipped[f"{TITLE_SEASONALITY} (partly)"].missing == ("^RUT or ^IXIC", "FF:SMB:M")
    assert skipped[TITLE_RS].missing == ("^RUT or ^IXIC",)
    assert "nothing to show" in skipped[TITLE_CONDITIONAL].reason
    pnf = {s.title: s for s in plan.sections}[TITLE_PNF_SP]
    assert any("close method" in n for n in pnf.notes)  # no highs and lows in these bars
    assert pnf.coverage[0].source == "store: yahoo"
    assert any("^RUT or ^IXIC" in line for line in plan.intro)


def test_full_store_plan_empty_store_lists_every_section(tmp_path):
    plan = full_store_plan(ReportData(Store.open(tmp_path / "empty")))
    assert plan.sections == ()
    skipped = {s.title: s.missing for s in plan.skipped}
    assert skipped[TITLE_SEASONALITY] == ("^GSPC", "FF:SMB:M")
    assert skipped[TITLE_CONDITIONAL] == ("^GSPC", "FF:SMB:M")
    assert skipped[TITLE_PNF] == ("^GSPC",)
    assert skipped[TITLE_RS] == ("^RUT or ^IXIC", "^GSPC")
    assert skipped[TITLE_SIZE_REGIME] == ("FF:SMB:M",)


def test_full_store_plan_prefers_russell_2000_as_second_index(tmp_path):
    store = Store.open(tmp_path / "rut")
    days = pd.bdate_range("2010-01-04", "2016-12-30")
    rng = np.random.default_rng(11)
    frames = []
    for symbol, drift in (("^GSPC", 0.0003), ("^RUT", 0.0002), ("^IXIC", 0.0004)):
        close = 1000 * np.exp(np.cumsum(rng.normal(drift, 0.012, len(days))))
        frames.append(
            pd.DataFrame(
                {
                    "symbol": symbol,
                    "date": days,
                    "high": close * 1.005,
                    "low": close * 0.995,
                    "close": close,
                    "source": "yahoo",
                }
            )
        )
    store.upsert("bars", pd.concat(frames, ignore_index=True))
    plan = full_store_plan(ReportData(store), options=StatsOptions(reps=50, permutation_reps=200))
    titles = [s.title for s in plan.sections]
    assert f"{TITLE_RS}: Russell 2000 vs S&P 500" in titles
    assert TITLE_PNF_SP in titles
    conditional = {s.title: s for s in plan.sections}[TITLE_CONDITIONAL]
    assert any(n.startswith("This is F27") for n in conditional.notes)
    h2 = _table(conditional, "Next calendar-year return").frame
    assert set(h2["next-year return of"]) == {"S&P 500", "Russell 2000", "Russell 2000 vs S&P 500"}
    assert h2.groupby("next-year return of")["n"].sum().tolist() == [6, 6, 6]  # 2010..2015
    pnf = {s.title: s for s in plan.sections}[TITLE_PNF_SP]
    state = dict(_table(pnf, "Current state").frame.itertuples(index=False, name=None))
    assert "high/low method" in state["chart"]
    skipped = {s.title: s.missing for s in plan.skipped}
    assert skipped[TITLE_SIZE_REGIME] == ("FF:SMB:M",)
    assert skipped[f"{TITLE_CONDITIONAL} (partly)"] == ("FF:SMB:M",)
