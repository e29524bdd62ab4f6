"""The screen benchmark workload runs and gives consistent results (timing is not tested)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_screens.py"


@pytest.mark.benchmark
def test_bench_quick_runs() -> None:
    spec = importlib.util.spec_from_file_location("bench_screens", BENCH)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    out = mod.run(quick=True)
    assert out["companies"] == 600 and out["quarters"] == 40
    assert 0 < out["passed"] < 600
    assert out["screen_s_best"] > 0
