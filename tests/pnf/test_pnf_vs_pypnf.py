"""Cross-check against pypnf (GPL, used here only as an external test oracle) on real series.

METHODS.md §5: pypnf anchors its log grid at 0.0001 and rounds the levels, so the comparison is
made on pypnf's own box levels (a :class:`LevelsScale`) with the close method and 3-box reversal.
The two engines start differently (ours: the first close sets the box and column 0 starts next to
it; pypnf's first column includes the starting box and its first down-move threshold is one box
further), so the check is: within the first bars both engines reach the same state (direction and
extreme box), and from then on every bar's state and every later column are identical.
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path
from types import ModuleType

import numpy as np
import pandas as pd
import pytest

from sizeup.analytics.pnf import LevelsScale, pnf_chart


def _import_pypnf() -> ModuleType:
    """pypnf, or a skip; under ``SIZEUP_REQUIRE_SHARED=1`` (CI) a missing pypnf is a failure."""
    try:
        return importlib.import_module("pypnf")
    except ImportError as exc:
        if os.environ.get("SIZEUP_REQUIRE_SHARED", "") not in ("", "0"):
            pytest.fail(
                f"SIZEUP_REQUIRE_SHARED=1 but the pypnf oracle cannot be imported ({exc}); "
                "install the test dependency group",
                pytrace=False,
            )
        pytest.skip(f"pypnf (test oracle) is not installed: {exc}", allow_module_level=True)


pypnf = _import_pypnf()

SERIES = [
    ("IWM", "etf_ohlcv_adjusted/IWM.csv", "Close"),
    ("SPY", "etf_ohlcv_adjusted/SPY.csv", "Close"),
    ("RUT", "indexes/RUT_1987_2024_hjyssg.csv.gz", "Close"),
    ("DGS10", "rates/DGS10.csv", "Value"),
]


def _load(root: Path, rel: str, column: str) -> pd.Series:
    frame = pd.read_csv(root / rel, index_col=0, parse_dates=True)
    values = pd.to_numeric(frame[column], errors="coerce").dropna()
    return values[values > 0]


def _pypnf_columns(matrix: np.ndarray) -> list[tuple[int, int, int]]:
    out = []
    for c in range(matrix.shape[1]):
        rows = np.flatnonzero(matrix[:, c])
        out.append((int(matrix[rows[0], c]), int(rows[0]), int(rows[-1])))
    return out


@pytest.mark.shared_data
@pytest.mark.parametrize(("name", "rel", "column"), SERIES, ids=[s[0] for s in SERIES])
@pytest.mark.parametrize("box_pct", [1, 2, 3])
def test_same_chart_as_pypnf_on_its_grid(
    shared_data: Path, name: str, rel: str, column: str, box_pct: int
) -> None:
    close = _load(shared_data, rel, column)
    assert len(close) > 5000, name
    ref = pypnf.PointFigureChart(
        {"close": close.to_numpy()}, method="cl", reversal=3, boxsize=box_pct, scaling="log"
    )
    ts = ref.pnf_timeseries
    ref_box = pd.Series(ts["box index"]).ffill().to_numpy()
    ref_dir = pd.Series(ts["trend"]).ffill().to_numpy()
    ref_col = pd.Series(ts["column index"]).ffill().to_numpy()

    ours = pnf_chart(close, box=LevelsScale.from_array(ref.boxscale), reversal=3, method="close")

    same = (ours.bar_box == ref_box) & (ours.bar_direction == ref_dir)
    assert same.any(), name
    sync = int(np.flatnonzero(same)[0])
    assert sync < 60, f"{name}: engines only agree from bar {sync}"
    mismatch = np.flatnonzero(~same[sync:])
    assert mismatch.size == 0, f"{name}: first difference at bar {sync + int(mismatch[0])}"

    # every column that starts after the synchronisation bar is identical
    ours_first = int(ours.bar_column[sync]) + 1
    ref_first = int(ref_col[sync]) + 1
    ours_cols = list(
        zip(
            ours.col_direction[ours_first:].tolist(),
            ours.col_low[ours_first:].tolist(),
            ours.col_high[ours_first:].tolist(),
            strict=False,
        )
    )
    ref_cols = _pypnf_columns(ref.matrix)[ref_first:]
    assert len(ours_cols) > 50
    assert ours_cols == ref_cols
    # and the column switches happen on the same bars
    switch_ours = np.flatnonzero(np.diff(ours.bar_column[sync:]) != 0)
    switch_ref = np.flatnonzero(np.diff(ref_col[sync:]) != 0)
    np.testing.assert_array_equal(switch_ours, switch_ref)
