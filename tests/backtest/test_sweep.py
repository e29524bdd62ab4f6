"""Sweeps: grids, walk-forward, failures recorded, Dask == threads, kill and resume."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from _sweep_helpers import CsvLoader, slow_evaluate

from sizeup.backtest import compute_metrics, simulate, strategy_from_dict
from sizeup.backtest._sweep import (
    StrategyTask,
    evaluate_strategy,
    param_grid,
    run_sweep,
    walk_forward,
    walk_forward_grid,
    walk_forward_summary,
)
from sizeup.errors import BacktestError

SPEC = {
    "name": "ma",
    "universe": {"symbols": ["IWM", "IWN", "IWO"]},
    "signal": {"kind": "ma_cross", "fast": 20, "slow": 100},
    "select": {"kind": "threshold", "min": 0.0},
    "weigh": {"kind": "equal"},
    "schedule": {"every": "week"},
    "costs": {"fee_bps": 2.0, "slippage_bps": 1.0},
    "run": {"benchmark": "IWM", "start": "2004-01-02", "end": "2012-12-31"},
}
GRID = {"signal.fast": [10, 20, 200], "signal.slow": [50, 100]}


def _comparable(table: pd.DataFrame) -> pd.DataFrame:
    return table.drop(columns=["seconds"]).reset_index(drop=True)


@pytest.fixture(scope="module")
def task(shared_data) -> StrategyTask:
    return StrategyTask(CsvLoader(str(shared_data / "etf_adjclose_dsturdy")), SPEC)


def test_param_grid_and_errors():
    runs = param_grid({"a": [1, 2], "b": ["x", "y", "z"]})
    assert runs[:4] == [
        {"a": 1, "b": "x"},
        {"a": 1, "b": "y"},
        {"a": 1, "b": "z"},
        {"a": 2, "b": "x"},
    ]
    assert len(runs) == 6
    with pytest.raises(BacktestError) as err:
        param_grid({"a": []})
    assert err.value.input == "a"
    with pytest.raises(BacktestError):
        param_grid({"a": "12"})


def test_walk_forward_splits_by_hand():
    idx = pd.bdate_range("2020-01-01", periods=10)
    splits = walk_forward(idx, train=4, test=2)
    assert [(s.train_start, s.train_end, s.test_start, s.test_end) for s in splits] == [
        ("2020-01-01", "2020-01-06", "2020-01-07", "2020-01-08"),
        ("2020-01-03", "2020-01-08", "2020-01-09", "2020-01-10"),
        ("2020-01-07", "2020-01-10", "2020-01-13", "2020-01-14"),
    ]
    anchored = walk_forward(idx, train=4, test=2, anchored=True)
    assert anchored[1].train_start == "2020-01-01"
    with pytest.raises(BacktestError, match="fewer than"):
        walk_forward(idx, train=9, test=2)
    runs = walk_forward_grid([{"x": 1}, {"x": 2}], splits)
    assert len(runs) == 12
    assert runs[0] == {
        "x": 1,
        "wf.split": 0,
        "wf.window": "train",
        "run.start": "2020-01-01",
        "run.end": "2020-01-06",
    }


@pytest.mark.shared_data
def test_threaded_sweep_records_failures_and_matches_direct_runs(task, shared_data):
    runs = param_grid(GRID)
    out = run_sweep(evaluate_strategy, task, runs, chunk_size=2, threads=2)
    table = out.table
    assert list(table["run_id"]) == list(range(6))
    failed = table[table["status"] == "failed"]
    # fast = 200 is not below slow (50 or 100): recorded with the reason, the sweep finished
    assert sorted(failed["p:signal.fast"]) == [200, 200]
    assert all("signal.fast" in e and "fewer sessions than slow" in e for e in failed["error"])
    ok = table[table["status"] == "ok"]
    assert len(ok) == 4 and ok["sharpe"].notna().all()
    # one run recomputed directly, step by step
    s = strategy_from_dict(SPEC).with_params({"signal.fast": 10, "signal.slow": 50})
    data = CsvLoader(str(shared_data / "etf_adjclose_dsturdy"))(s)
    w = s.targets(data).loc["2004-01-02":"2012-12-31"]
    px = data.prices[list(s.universe.symbols)].loc["2004-01-02":"2012-12-31"]
    sim = simulate(px, w, s.engine)
    m = compute_metrics(sim.equity(), benchmark=data.prices["IWM"].loc[px.index[0] :])
    row = ok[(ok["p:signal.fast"] == 10) & (ok["p:signal.slow"] == 50)].iloc[0]
    assert row["sharpe"] == pytest.approx(m.sharpe, rel=1e-12)
    assert row["final_value"] == pytest.approx(sim.value[-1], rel=1e-12)
    assert row["beta"] == pytest.approx(m.beta, rel=1e-12)


@pytest.mark.shared_data
def test_walk_forward_summary_picks_best_train(task):
    data = CsvLoader(task.loader.folder)(strategy_from_dict(SPEC))
    idx = data.prices.loc["2004":"2010"].index
    splits = walk_forward(idx, train=504, test=252, step=252)
    runs = walk_forward_grid(param_grid({"signal.fast": [10, 30]}), splits)
    out = run_sweep(evaluate_strategy, task, runs, chunk_size=4)
    summary = walk_forward_summary(out.table, "sharpe")
    assert len(summary) == len(splits)
    tab = out.table
    for _, row in summary.iterrows():
        train = tab[(tab["p:wf.split"] == row["split"]) & (tab["p:wf.window"] == "train")]
        assert row["train_sharpe"] == train["sharpe"].max()


@pytest.mark.shared_data
@pytest.mark.slow
def test_dask_local_cluster_equals_threads(task):
    runs = param_grid(GRID)
    threaded = run_sweep(evaluate_strategy, task, runs, chunk_size=2, threads=2)
    dask = run_sweep(evaluate_strategy, task, runs, chunk_size=2, dask_workers=2)
    assert dask.backend == "dask-local"
    pd.testing.assert_frame_equal(_comparable(threaded.table), _comparable(dask.table))


_CHILD = """
import sys
sys.path.insert(0, {helpers!r})
from _sweep_helpers import CsvLoader, slow_evaluate
from sizeup.backtest._sweep import StrategyTask, param_grid, run_sweep
import json
spec = json.loads({spec!r})
task = StrategyTask(CsvLoader({folder!r}), spec)
run_sweep(slow_evaluate, task, param_grid(json.loads({grid!r})), out_dir={out!r},
          chunk_size=1, threads=1, label="resume-test")
"""


@pytest.mark.shared_data
def test_killed_sweep_resumes_with_same_results(task, tmp_path):
    import json

    grid = {"signal.fast": [5, 10, 20, 30, 200], "signal.slow": [60, 120]}
    runs = param_grid(grid)
    out = tmp_path / "sweep"
    code = _CHILD.format(
        helpers=str(Path(__file__).parent),
        spec=json.dumps(SPEC),
        folder=task.loader.folder,
        grid=json.dumps(grid),
        out=str(out),
    )
    child = subprocess.Popen([sys.executable, "-c", code])
    try:
        deadline = time.time() + 120
        while time.time() < deadline and len(list(out.glob("chunk-*.parquet"))) < 3:
            time.sleep(0.05)
            assert child.poll() is None, "the child finished before it could be killed"
        os.kill(child.pid, signal.SIGKILL)
    finally:
        child.wait()
    written = len(list(out.glob("chunk-*.parquet")))
    assert 3 <= written < len(runs)
    resumed = run_sweep(
        slow_evaluate, task, runs, out_dir=out, chunk_size=1, threads=2, label="resume-test"
    )
    assert resumed.reused_chunks == written
    assert resumed.computed_chunks == len(runs) - written
    fresh = run_sweep(evaluate_strategy, task, runs, chunk_size=1, threads=2)
    pd.testing.assert_frame_equal(_comparable(resumed.table), _comparable(fresh.table))
    assert (resumed.table["status"] == "failed").sum() == 2
    # running it again computes nothing
    again = run_sweep(
        slow_evaluate, task, runs, out_dir=out, chunk_size=1, threads=2, label="resume-test"
    )
    assert again.computed_chunks == 0
    # a different sweep is refused in the same folder
    with pytest.raises(BacktestError, match="different sweep"):
        run_sweep(slow_evaluate, task, runs[:3], out_dir=out, chunk_size=1, label="other")


def test_crash_outside_a_run_is_recorded():
    def boom(context, params):
        if params["x"] == 2:
            raise ValueError("bad x")
        return {"v": float(params["x"])}

    out = run_sweep(boom, None, param_grid({"x": [1, 2, 3]}), chunk_size=1)
    assert out.table["status"].tolist() == ["ok", "failed", "ok"]
    assert out.table["error"].iloc[1] == "ValueError: bad x"
    assert np.isnan(out.table["v"].iloc[1])


def test_bad_backend_options():
    with pytest.raises(BacktestError, match="either"):
        run_sweep(lambda c, p: {}, None, [{}], dask_workers=2, scheduler="tcp://127.0.0.1:1")
    with pytest.raises(BacktestError) as err:
        run_sweep(lambda c, p: {}, None, [{}], dask_workers=0)
    assert err.value.input == "--workers"
