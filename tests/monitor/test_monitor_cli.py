"""``sizeup monitor`` end to end on a small synthetic store; graceful degradation."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

from sizeup.app.monitor import MonitorRequest, build_monitor, load_monitor_inputs, run_monitor
from sizeup.cli._monitor import register, render_monitor, sparkline
from sizeup.data.store import Store
from sizeup.report.sections import monitor_section

FUNDS = ["IWM", "SPY", "RSP", "IVV", "IJR", "VOO"]
MEMBERS = [f"M{i:02d}" for i in range(30)]


def _bars(sym: str, close: np.ndarray, idx: pd.DatetimeIndex, *, ohlc: bool) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "symbol": sym,
            "date": idx,
            "open": close if ohlc else np.nan,
            "high": close * 1.01 if ohlc else np.nan,
            "low": close * 0.99 if ohlc else np.nan,
            "close": close,
            "adj_close": close,
            "volume": np.nan,
            "source": "synthetic",
        }
    )


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    root = tmp_path_factory.mktemp("monitor_store")
    st = Store.open(root)
    rng = np.random.default_rng(11)
    idx = pd.bdate_range("2016-01-04", "2024-06-28")
    frames = []
    for sym in ["^RUT", "^GSPC", *FUNDS, *MEMBERS]:
        px = 50 * np.exp(np.cumsum(rng.normal(0.0003, 0.012, len(idx))))
        frames.append(_bars(sym, px, idx, ohlc=sym.startswith("^")))
    st.write({"bars": pd.concat(frames, ignore_index=True)})
    hold = pd.DataFrame(
        {
            "fund": "IWM",
            "as_of": pd.Timestamp("2020-01-02"),
            "symbol": MEMBERS,
            "name": MEMBERS,
            "sector": "x",
            "asset_class": "Equity",
            "weight": 1 / 30,
            "shares": 1.0,
            "price": 1.0,
            "market_value": 1.0,
            "source": "synthetic",
        }
    )
    st.write({"holdings": hold})
    return st


def test_monitor_builds_every_panel(store):
    inputs = load_monitor_inputs(store, asof="2024-06-28")
    assert inputs.members is not None and inputs.members.shape[1] == 30
    assert "survivorship" in inputs.membership_note  # days before the one snapshot
    assert any("VB" in m for m in inputs.missing)
    m = build_monitor(inputs)
    assert m.asof == pd.Timestamp("2024-06-28")
    assert m.pair == ("IWM", "SPY")
    assert m.scoreboard_tr is not None and m.scoreboard_px is not None
    assert m.streak_week is not None and m.years_history is not None
    assert m.breadth is not None and m.bpi is not None and m.rs is not None
    assert [s.fund for s in m.scores] == ["IWM", "IVV"] and m.score_gap is not None
    assert set(m.timings) >= {"scoreboard", "streaks", "breadth", "bpi", "rs", "fundscore"}
    # calendar table: synthetic data start 2016 -> first full year 2017
    assert m.years is not None and m.years["label"].iloc[0] == "2017"
    d = m.to_dict()
    text = json.dumps(d)  # must be JSON-serialisable (no NaN, no Timestamps)
    assert "NaN" not in text and d["asof"] == "2024-06-28"
    assert d["bpi"]["bpi"] is None or 0 <= d["bpi"]["bpi"] <= 100
    assert "not a vendor" in d["fund_scores"][0]["label"]
    sec = monitor_section(m)
    assert sec.title == "Rotation monitor" and sec.tables and sec.figures
    assert sec.survivorship is not None
    con = Console(record=True, width=160)
    render_monitor(m, con)
    out = con.export_text()
    assert "Relative performance vs SPY" in out and "bullish percent" in out


def test_monitor_asof_cuts_data(store):
    m = build_monitor(load_monitor_inputs(store, asof="2023-03-15"), sections=["scoreboard"])
    assert m.asof == pd.Timestamp("2023-03-15")
    assert m.scoreboard_tr is not None
    assert m.scoreboard_tr.windows[-1].end <= pd.Timestamp("2023-03-15")
    assert m.breadth is None and m.bpi is None  # not asked for


def test_monitor_without_universe_degrades(tmp_path):
    st = Store.open(tmp_path / "s")
    idx = pd.bdate_range("2020-01-01", "2022-12-30")
    px = np.linspace(100, 150, len(idx))
    st.write(
        {
            "bars": pd.concat(
                [
                    _bars(s, px * (1 + i / 10), idx, ohlc=False)
                    for i, s in enumerate(["^RUT", "^GSPC"])
                ]
            )
        }
    )
    inputs = load_monitor_inputs(st)
    assert any("holdings of IWM" in x for x in inputs.missing)
    m = build_monitor(inputs)
    assert m.pair == ("^RUT", "^GSPC")  # falls back to index levels
    assert m.breadth is None and m.scoreboard_tr is None and not m.scores
    assert any("holdings of IWM" in n for n in m.notes)


def test_monitor_empty_store_is_a_clean_error(tmp_path, monkeypatch):
    monkeypatch.setenv("SIZEUP_DATA_DIR", str(tmp_path / "empty"))
    app = typer.Typer()
    register(app)
    res = CliRunner().invoke(app, ["--json"])
    assert res.exit_code == 2


def test_cli_json(store, monkeypatch):
    monkeypatch.setenv("SIZEUP_DATA_DIR", str(store.root))
    app = typer.Typer()
    register(app)
    res = CliRunner().invoke(app, ["--asof", "2024-06-28", "--json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)
    assert d["asof"] == "2024-06-28" and d["streak_week"]["lookback"] == 104


def test_sparkline():
    assert sparkline([1, 2, 3, 4, 5, 6, 7, 8]) == "▁▂▃▄▅▆▇█"
    assert sparkline([np.nan]) == ""
    assert sparkline([2.0, 2.0]) == "▄▄"


def test_index_levels_spliced_only_when_sources_agree(tmp_path):
    st = Store.open(tmp_path / "s")
    old = pd.bdate_range("2019-01-01", "2021-06-30")
    new = pd.bdate_range("2021-01-04", "2022-12-30")
    full = pd.bdate_range("2019-01-01", "2022-12-30")
    level = pd.Series(np.linspace(100, 200, len(full)), index=full)
    a = _bars("^RUT", level[old].to_numpy(), old, ohlc=False).assign(source="old")
    b = _bars("^RUT", level[new].to_numpy(), new, ohlc=True).assign(source="new")
    off = _bars("^GSPC", level[old].to_numpy() * 1.01, old, ohlc=False).assign(source="old")
    g = _bars("^GSPC", level[new].to_numpy(), new, ohlc=True).assign(source="new")
    st.write({"bars": pd.concat([a, b, off, g], ignore_index=True)})
    inputs = load_monitor_inputs(st, universe=None)
    assert inputs.levels["^RUT"].first_valid_index() == pd.Timestamp("2019-01-01")  # spliced
    assert inputs.levels["^GSPC"].first_valid_index() == pd.Timestamp("2021-01-04")  # 1 % off
    cov = {c.name: c for c in inputs.coverage}
    assert cov["^RUT"].first == pd.Timestamp("2019-01-01")
    assert cov["^GSPC"].first == pd.Timestamp("2021-01-04")


def test_monitor_provenance_asof_and_stale_warning(store):
    m = run_monitor(MonitorRequest(asof=pd.Timestamp("2024-06-29")), store)  # a Saturday
    assert m.asof == pd.Timestamp("2024-06-28") == m.provenance.as_of
    names = {c.name for c in m.provenance.inputs}
    assert {"IWM", "SPY", "^RUT", "^GSPC"} <= names
    assert all(c.sessions_behind == 0 for c in m.provenance.inputs)
    d = m.to_dict()
    assert d["provenance"]["as_of"] == "2024-06-28"
    assert "<table" in m._repr_html_() and "as of 2024-06-28" in m._repr_html_()
    assert {t.name for t in m.figure().data} == {"IWM / SPY"}


def test_monitor_refuses_future_asof(store):
    from sizeup.errors import DataError

    with pytest.raises(DataError) as err:
        run_monitor(MonitorRequest(asof=pd.Timestamp("2024-07-10")), store)
    assert err.value.valid == "on or before 2024-06-28"


def test_monitor_warns_about_stale_input(tmp_path):
    st = Store.open(tmp_path / "s")
    idx = pd.bdate_range("2020-01-01", "2022-12-30")
    px = np.linspace(100, 150, len(idx))
    st.write(
        {
            "bars": pd.concat(
                [
                    _bars("IWM", px, idx, ohlc=False),
                    _bars("SPY", px * 1.1, idx, ohlc=False),
                    _bars("^RUT", px[:-3], idx[:-3], ohlc=False),  # ends 3 sessions early
                ]
            )
        }
    )
    m = run_monitor(MonitorRequest(universe=None), st)
    assert m.asof == pd.Timestamp("2022-12-30")
    assert m.provenance.warnings == (
        "^RUT ends 2022-12-27, 3 sessions before the as-of date 2022-12-30",
    )
    assert "warning: ^RUT ends 2022-12-27" in m.summary()


def test_store_report_leads_with_the_rotation_monitor(store):
    from sizeup.app.reports import ReportData
    from sizeup.report._plans import full_store_plan
    from sizeup.report.sections import StatsOptions

    plan = full_store_plan(
        ReportData(store, pd.Timestamp("2024-06-28")),
        options=StatsOptions(reps=50, permutation_reps=200),
    )
    assert plan.sections[0].title == "Rotation monitor"
    assert "Rotation monitor" not in [s.title for s in plan.skipped]
    # then the size-rotation backtest on the same data: equity chart and metrics table
    bt = plan.sections[1]
    assert bt.title == "Backtest: size-rs"
    assert bt.figures and bt.figures[0].as_of <= pd.Timestamp("2024-06-28")
    metrics = dict(bt.tables[0].frame.itertuples(index=False, name=None))
    assert metrics["CAGR"].endswith("%") and "alpha vs SPY" in metrics


@pytest.mark.parametrize("width", [80, 200])
def test_monitor_fits_the_terminal_without_cutting_numbers(store, width):
    m = run_monitor(MonitorRequest(asof=pd.Timestamp("2024-06-28")), store)
    con = Console(record=True, width=width)
    render_monitor(m, con)
    out = con.export_text()
    assert "…" not in out  # Rich's ellipsis: a cell was cut
    assert max(len(line) for line in out.splitlines()) <= width
    assert "Relative performance vs SPY" in out and "%" in out


def test_monitor_before_any_member_signal_drops_the_bpi_with_a_note(store):
    m = run_monitor(MonitorRequest(asof=pd.Timestamp("2016-01-06")), store)
    assert m.asof == pd.Timestamp("2016-01-06")
    assert m.bpi is None
    assert any(n.startswith("bullish percent not shown: ") for n in m.notes)
