"""The backtest use case and CLI on a store built from real ETF files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _sweep_helpers import read_closes
from typer.testing import CliRunner

from sizeup.app import StoreRef
from sizeup.app.backtest import BacktestRequest, SweepRequest, run_backtest, run_sweep_request
from sizeup.backtest import MarketData, builtin_strategy, simulate, window_targets
from sizeup.cli._root import app
from sizeup.data.ingest import import_paths
from sizeup.data.store import Store
from sizeup.errors import BacktestError

SYMS = ("IWM", "SPY", "IWN", "IWO", "IJR")


@pytest.fixture(scope="module")
def store_dir(shared_data, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("bt-store")
    files = [shared_data / "etf_adjclose_dsturdy" / f"{s}.csv" for s in SYMS]
    report = import_paths(files, Store.open(root))
    assert report.failed == 0
    return root


def test_window_targets_carries_the_decision_in_force():
    idx = pd.bdate_range("2024-01-01", periods=6)
    t = pd.DataFrame(np.nan, index=idx, columns=["A", "B"])
    t.iloc[1] = [1.0, 0.0]
    t.iloc[4] = [0.0, 1.0]
    cut = window_targets(t, idx[2], None)
    assert cut.iloc[0].tolist() == [1.0, 0.0]
    assert cut.iloc[1].isna().all() and cut.iloc[2].tolist() == [0.0, 1.0]
    same = window_targets(t, idx[1], idx[3])
    assert same.iloc[0].tolist() == [1.0, 0.0] and len(same) == 3


@pytest.mark.shared_data
def test_backtest_from_the_store_equals_a_run_on_the_files(store_dir, shared_data):
    res = run_backtest(
        BacktestRequest("small-caps-nov-jan", start=pd.Timestamp("2005-01-03")),
        StoreRef(root=store_dir),
    )
    s = builtin_strategy("small-caps-nov-jan")
    px = read_closes(shared_data, ("IWM", "SPY")).dropna()
    w = window_targets(s.targets(MarketData(px)), pd.Timestamp("2005-01-03"), None)
    sim = simulate(px.loc["2005-01-03":], w, s.engine)
    np.testing.assert_allclose(res.simulation.value, sim.value, rtol=1e-12)
    frame = res.to_frame()
    assert list(frame.columns) == [
        "equity", "return", "drawdown", "cash", "fees", "turnover", "benchmark"
    ]  # fmt: skip
    assert frame.index[0] == pd.Timestamp("2005-01-03")
    body = json.dumps(res.to_dict(), allow_nan=False)
    assert '"cagr"' in body and '"provenance"' in body
    fig = res.figure()
    assert len(fig.data) >= 5
    assert "IWM" in res.summary() or "small-caps" in res.summary()
    assert res.provenance.as_of == px.index[-1]
    assert "<pre>" in res._repr_html_()


@pytest.mark.shared_data
def test_sweep_use_case_and_walk_forward(store_dir):
    req = SweepRequest(
        "small-caps-nov-jan",
        grid={"signal.months": [[11, 12, 1], [12, 1], [7]]},
        store=StoreRef(root=store_dir),
        chunk_size=2,
    )
    res = run_sweep_request(req)
    table = res.to_frame()
    assert (table["status"] == "ok").all() and len(table) == 3
    assert "sweep of small-caps-nov-jan: 3 runs" in res.summary()
    wf = run_sweep_request(
        SweepRequest(
            "small-caps-nov-jan",
            grid={"signal.months": [[11, 12, 1], [7]]},
            store=StoreRef(root=store_dir),
            walk_forward=(756, 252),
        )
    )
    assert wf.walk_forward is not None and len(wf.walk_forward) >= 10
    with pytest.raises(BacktestError) as err:
        run_sweep_request(SweepRequest("size-rs", grid={"signal.colour": [1]}))
    assert err.value.input == "signal.colour"


@pytest.mark.shared_data
def test_cli_backtest_json_and_export(store_dir, tmp_path):
    runner = CliRunner()
    args = ["--data-dir", str(store_dir), "backtest", "size-rs", "-p", "signal.box_pct=0.02"]
    result = runner.invoke(app, [*args, "--json"])
    assert result.exit_code == 0, result.output
    body = json.loads(result.stdout)
    assert body["spec"]["signal"]["box_pct"] == 0.02
    out = tmp_path / "exp"
    result = runner.invoke(app, [*args, "--export", "csv", "--out", str(out), "--html"])
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == [
        "size-rs-daily.csv", "size-rs-orders.csv", "size-rs-weights.csv", "size-rs.html"
    ]  # fmt: skip


@pytest.mark.shared_data
def test_cli_sweep_progress_and_resume(store_dir, tmp_path):
    runner = CliRunner()
    args = [
        "--data-dir", str(store_dir), "sweep", "small-caps-nov-jan",
        "-g", "signal.months=[11,12,1],[7]", "--out", str(tmp_path / "sw"), "--chunk", "1",
    ]  # fmt: skip
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "2 runs, 2 ok" in result.stdout
    again = runner.invoke(app, args)
    assert "0 chunks computed, 2 reused" in " ".join(again.stdout.split())
    args[5] = "signal.fallback=SPY,IWM"  # bare words; a different sweep in the same folder
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "different sweep" in result.output


BAD_CLI = [
    (["backtest", "size-rs", "-p", "select.n=0"], "select.n"),
    (["backtest", "size-rs", "-p", "nokey"], "--param"),
    (["backtest", "size-rs", "--mode", "pyfolio"], "--mode"),
    (["backtest", "no-such-strategy"], "not a built-in"),
    (["sweep", "size-rs", "-g", "signal.box_pct"], "--grid"),
    (["sweep", "size-rs", "-g", "signal.box_pct=0.01", "--walk-forward", "x"], "--walk-forward"),
    (["sweep", "size-rs", "-g", "signal.box_pct=0.01", "--metric", "luck"], "--metric"),
]


@pytest.mark.parametrize(("argv", "needle"), BAD_CLI)
def test_cli_bad_input_exits_2_with_a_clear_message(argv, needle, tmp_path):
    result = CliRunner().invoke(app, ["--data-dir", str(tmp_path), *argv])
    assert result.exit_code == 2, result.output
    assert needle in result.output
    assert "Traceback" not in result.output


def test_cli_bad_strategy_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text('name = "x"\n[universe]\nsymbols = ["IWM"]\n[signal]\nkind = "tea-leaves"\n')
    result = CliRunner().invoke(app, ["--data-dir", str(tmp_path), "backtest", str(bad)])
    assert result.exit_code == 2
    assert "signal.kind" in result.output and "tea-leaves" in result.output
    assert "momentum" in result.output


@pytest.mark.shared_data
@pytest.mark.slow
def test_bpi_rotation_from_the_store(shared_data, tmp_path):
    """size-bpi through the store: SPY exactly after Bear Confirmed closes of the members' BPI."""
    from sizeup.analytics.breadth import bullish_percent

    wide = pd.read_csv(shared_data / "xsec" / "iwm_members_adjclose_2000_2026.csv.gz")
    wide = wide.set_index(pd.to_datetime(wide.pop("Date"))).loc["2010":"2016"]
    holdings = pd.read_csv(
        shared_data / "holdings" / "IWM_holdings_2026-05-05.csv", skiprows=9, usecols=[0]
    )
    listed = set(holdings.iloc[:, 0].astype(str))
    members = [c for c in wide.columns if c in listed and wide[c].notna().all()][:60]
    assert len(members) == 60
    store = Store.open(tmp_path)
    import_paths([shared_data / "holdings" / "IWM_holdings_2026-05-05.csv"], store)
    etfs = read_closes(shared_data, ("IWM", "SPY")).loc["2010":"2016"]
    closes = pd.concat([wide[members], etfs], axis=1)
    tidy = closes.rename_axis("date").reset_index().melt("date", var_name="symbol")
    tidy = tidy.dropna().rename(columns={"value": "close"})
    tidy["adj_close"] = tidy["close"]
    tidy["source"] = "test"
    store.upsert("bars", tidy)
    res = run_backtest(BacktestRequest("size-bpi"), StoreRef(root=tmp_path))
    # independent: the BPI of the same closes, all 60 members in the one snapshot
    bp = bullish_percent(wide[members])
    state = bp.frame["state"].reindex(etfs.index).ffill()
    w = res.simulation.weights()
    # defensive after a Bear Confirmed close, and before the BPI has a state at all
    defensive = state.isin(["BEAR_CONFIRMED", "NONE"]) | state.isna()
    expect = defensive.shift(1, fill_value=True).to_numpy()[1:]
    assert (state == "BEAR_CONFIRMED").any() and (~expect).any()
    assert ((w["SPY"].to_numpy()[1:] > 0.99) == expect).all()
    assert ((w["IWM"].to_numpy()[1:] > 0.99) == ~expect).all()
    assert any("survivorship" in n for n in res.provenance.notes)
