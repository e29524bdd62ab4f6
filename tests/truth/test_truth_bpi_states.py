"""BPI chart states, field positions, presence and texts, traced by hand on the 2-point grid.

Box index = level / 2 on the BPI chart; a reversal needs 3 boxes (6 points).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sizeup.analytics.breadth import (
    bpi_chart,
    bpi_states,
    bullish_percent,
    field_position,
    present_mask,
    rs_breadth,
)
from sizeup.analytics.breadth._bpi import RISK_STATES
from sizeup.errors import DataError

NAN = np.nan


def _series(levels: list[float]) -> pd.Series:
    return pd.Series(levels, index=pd.bdate_range("2024-01-01", periods=len(levels)), dtype=float)


def test_states_with_previous_extremes_and_box_levels() -> None:
    # columns: X 42..50 | O 48..44 | X 46..72 (buy) | O 70..40 (sell) | X 42..48 | O 46..28 |
    # X 30..50 (buy) | O 48..44
    st = bpi_states(bpi_chart(_series([40, 50, 44, 72, 64, 40, 48, 28, 36, 50, 44])))
    assert st["column"].tolist() == ["", "X", "O", "X", "O", "O", "X", "O", "X", "X", "O"]
    assert st["signal"].tolist() == [0, 0, 0, 1, 1, -1, -1, -1, -1, 1, 1]
    np.testing.assert_allclose(
        st["box_level"].to_numpy(), [NAN, 50, 44, 72, 64, 40, 48, 28, 36, 50, 44]
    )
    # O column: the previous X column's top; X column: the previous O column's bottom
    np.testing.assert_allclose(
        st["prev_extreme"].to_numpy(), [NAN, NAN, 50, 44, 72, 72, 40, 48, 28, 28, 50]
    )
    assert st["state_code"].tolist() == [0, 0, 0, 1, 6, 4, 5, 4, 3, 1, 2]
    assert [RISK_STATES[c] for c in st["state_code"]] == st["state"].tolist()
    assert list(st.index) == list(pd.bdate_range("2024-01-01", periods=11))


def test_alerts_start_at_70_and_30_inclusive() -> None:
    # X 46..70 breaks the 50 top (buy), then O 68..64: the previous top is exactly 70
    st = bpi_states(bpi_chart(_series([40, 50, 44, 70, 64])))
    assert st["state"].tolist()[-2:] == ["BULL_CONFIRMED", "BEAR_ALERT"]
    # top 68 < 70: a correction, not an alert
    st = bpi_states(bpi_chart(_series([40, 50, 44, 68, 62])))
    assert st["state"].iloc[-1] == "BULL_CORRECTION"
    # O 58..50, X 52..56, O 54..30 (sell), X 32..36: the previous bottom is exactly 30
    st = bpi_states(bpi_chart(_series([60, 50, 56, 30, 36])))
    assert st["state"].tolist()[-2:] == ["BEAR_CONFIRMED", "BULL_ALERT"]
    st = bpi_states(bpi_chart(_series([60, 50, 56, 32, 38])))
    assert st["state"].iloc[-1] == "BEAR_CORRECTION"


def test_bpi_chart_errors_and_box() -> None:
    with pytest.raises(DataError, match=r"^BPI series has no values; cannot chart it$"):
        bpi_chart(_series([NAN, NAN]))
    with pytest.raises(DataError, match=r"^BPI values must lie in \[0, 100\]$"):
        bpi_chart(_series([50.0, -1.0]))
    with pytest.raises(DataError, match=r"^BPI values must lie in \[0, 100\]$"):
        bpi_chart(_series([50.0, 100.5]))
    # 5-point boxes, 2-box reversal: 40 -> 50 is X 45..50; a reversal needs 40 (2 x 5 points)
    assert bpi_chart(_series([40, 50, 40]), box=5.0, reversal=2).bar_direction.tolist() == [
        0,
        1,
        -1,
    ]
    assert bpi_chart(_series([40, 50, 41]), box=5.0, reversal=2).bar_direction.tolist() == [0, 1, 1]
    # default 2-point boxes, 3-box reversal: from 50 a reversal needs 44
    assert bpi_chart(_series([40, 50, 44])).bar_direction.tolist() == [0, 1, -1]
    assert bpi_chart(_series([40, 50, 45])).bar_direction.tolist() == [0, 1, 1]
    # 2-box reversal on 2-point boxes: 46 is enough
    assert bpi_chart(_series([40, 50, 46]), reversal=2).bar_direction.tolist() == [0, 1, -1]


def test_field_position_edges() -> None:
    out = field_position([29.9, 30.0, 49.9, 50.0, 70.0, 70.1, 40.0], [1, 1, -1, -1, 1, -1, 0])
    assert out.tolist() == ["<30 X", "30-50 X", "30-50 O", "50-70 O", "50-70 X", ">70 O", ""]


def test_present_mask_by_hand() -> None:
    close = np.array(
        [[10.0, 5.0], [NAN, 5.0], [NAN, -1.0], [NAN, 0.0], [NAN, NAN], [NAN, 6.0], [NAN, NAN]]
    )
    pres = present_mask(close)  # default: fewer than 5 rows old
    assert pres[:, 0].tolist() == [True, True, True, True, True, False, False]
    # non-positive closes are no observation: B's last close before row 5 is on row 1
    assert pres[:, 1].tolist() == [True, True, True, True, True, True, True]
    pres = present_mask(close, stale_rows=3)  # row 3 is 2 rows after row 1, row 4 is 3
    assert pres[:, 1].tolist() == [True, True, True, True, False, True, True]
    assert present_mask(np.empty((0, 2))).shape == (0, 2)
    # membership narrows presence, it does not replace it
    both = present_mask(close, members=np.ones((7, 2), dtype=bool))
    assert both[:, 0].tolist() == [True, True, True, True, True, False, False]
    # closes below 1 are real closes; before the first close nothing is present, however
    # long the staleness allowance
    cents = np.array([[np.nan, 0.5], [0.5, np.nan], [np.nan, np.nan]])
    assert present_mask(cents, stale_rows=500).tolist() == [
        [False, True],
        [True, True],
        [True, True],
    ]
    with pytest.raises(DataError, match=r"^stale_rows=0 must be >= 1$"):
        present_mask(close, stale_rows=0)
    with pytest.raises(DataError, match=r"^members mask shape \(1, 2\) != close shape \(7, 2\)$"):
        present_mask(close, members=np.ones((1, 2), dtype=bool))


def _toy() -> pd.DataFrame:
    # A: X 31..35, O 34..32, X 33..36 (buy on day 3); B: O 29..25, X 26..28, O 27..24 (sell);
    # C moves less than a box
    idx = pd.bdate_range("2024-01-01", periods=4)
    return pd.DataFrame(
        {"A": [30.0, 35.0, 32.0, 36.0], "B": [30.0, 25.0, 28.0, 24.0], "C": [30, 30.5, 30.2, 30.8]},
        index=idx,
    )


def test_bullish_percent_texts_notes_and_errors() -> None:
    res = bullish_percent(_toy(), universe="toy", note="pit")
    assert res.method == "traditional boxes, 3-box reversal, close method"
    assert res.note == "pit"
    s = res.summary()
    assert s.startswith(
        "Bullish percent of toy on 2024-01-04: 50.0% (1 of 2 on buy; coverage 67% of 3); "
        "BPI chart  NONE, field ; "
    )
    assert s.endswith("in positive P&F trend. Member charts: " + res.method + ".")
    assert repr(res) == s
    assert res.latest("2024-01-02").name == pd.Timestamp("2024-01-02")
    with pytest.raises(DataError, match=r"^BPI of toy has no value on or before 2023-12-29$"):
        res.latest("2023-12-29")
    big = _toy()
    big.loc[big.index[0], "C"] = 2e6
    assert bullish_percent(big, note="pit").note == "pit; 1 closes above 1e+06 treated as missing"
    assert bullish_percent(big).note == "1 closes above 1e+06 treated as missing"
    flat = _toy()[["C"]]
    with pytest.raises(
        DataError, match=r"^no member of toy has a P&F signal in the charted range$"
    ):
        bullish_percent(flat, universe="toy")


def test_rs_breadth_summary_and_benchmark_name() -> None:
    idx = pd.bdate_range("2024-01-01", periods=6)
    close = pd.DataFrame(
        {
            "W": [100.0, 80.0, 100.0, 80.0, 130.0, 140.0],
            "L": [100.0, 80.0, 100.0, 60.0, 55.0, 50.0],
        },
        index=idx,
    )
    rb = rs_breadth(close, pd.Series(100.0, index=idx, name="BENCH"))
    assert rb.summary() == (
        "50.0% of members on an RS buy signal vs BENCH (6.5% boxes), 50.0% in RS X columns, "
        "2 with a signal"
    )
    assert repr(rb) == rb.summary()
    assert rb.frame["present"].tolist() == [2] * 6
    assert rs_breadth(close, pd.Series(100.0, index=idx)).benchmark == "benchmark"
