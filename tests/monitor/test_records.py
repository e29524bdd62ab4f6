"""Records, drawdown episodes, first-to-record, outperformance history on hand-made series."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sizeup.analytics.performance import (
    drawdown_episodes,
    first_to_record,
    outperformance_history,
    record_flags,
    record_status,
)
from sizeup.errors import DataError

IDX = pd.bdate_range("2024-01-01", periods=7)
PX = pd.Series([10.0, 12.0, 11.0, 9.0, 12.0, 13.0, 12.0], index=IDX, name="X")


def test_record_flags_hand_computed():
    f = record_flags(PX, window=3)
    # records: first close, 12 (index 1), 13 (index 5); the second 12 only equals the record
    assert f["is_record"]["X"].tolist() == [True, True, False, False, False, True, False]
    assert f["drawdown"]["X"].iloc[3] == pytest.approx(9 / 12 - 1)
    assert f["sessions_since_record"]["X"].tolist() == [0, 0, 1, 2, 3, 0, 1]
    # 3-session windows: index 2 (10, 12, 11) -> high 12, low 10; index 4 (11, 9, 12) -> high
    # 12 = close; index 6 (12, 13, 12) -> low 12 = close (a tie counts)
    assert f["is_52w_high"]["X"].tolist() == [False, False, False, False, True, True, False]
    assert f["is_52w_low"]["X"].tolist() == [False, False, False, True, False, False, True]


def test_record_flags_skip_nan():
    s = PX.copy()
    s.iloc[2] = np.nan
    f = record_flags(s, window=3)
    assert f["sessions_since_record"]["X"].iloc[3] == 2  # counted in rows since index 1
    assert not f["is_record"]["X"].iloc[2]


def test_record_status():
    st = record_status(PX.to_frame(), window=3)[0]
    assert st.record == 13.0 and st.record_date == IDX[5]
    assert st.sessions_since_record == 1 and not st.is_record
    assert st.drawdown == pytest.approx(12 / 13 - 1)
    assert st.high_52w == 13.0 and not st.is_52w_high
    at5 = record_status(PX.to_frame(), asof=IDX[5], window=3)[0]
    assert at5.is_record and at5.is_52w_high and "new all-time high" in at5.summary()


def test_drawdown_episodes():
    ep = drawdown_episodes(PX)
    assert len(ep) == 2
    first = ep.iloc[0]
    assert first["peak_date"] == IDX[1] and first["trough_date"] == IDX[3]
    assert first["depth"] == pytest.approx(-0.25)
    assert first["recovery_date"] == IDX[5] and first["sessions_to_recover"] == 4
    last = ep.iloc[1]
    assert not last["recovered"] and pd.isna(last["recovery_date"])
    assert len(drawdown_episodes(PX, min_depth=0.2)) == 1
    with pytest.raises(DataError):
        drawdown_episodes(PX, min_depth=-0.1)


def test_first_to_record():
    idx = pd.bdate_range("2024-01-01", periods=6)
    px = pd.DataFrame(
        {
            "A": [100.0, 90.0, 95.0, 101.0, 99.0, 102.0],  # back above 100 on day 3
            "B": [50.0, 40.0, 45.0, 49.0, 51.0, 52.0],  # back above 50 on day 4
            "C": [10.0, 8.0, 8.0, 9.0, 9.0, 9.5],  # not yet
        },
        index=idx,
    )
    out = first_to_record(px, since=idx[1])
    assert list(out.index) == ["A", "B", "C"]
    assert out.loc["A", "record_date"] == idx[3] and out.loc["A", "sessions_after"] == 2
    assert out.loc["B", "order"] == 2 and np.isnan(out.loc["C", "order"])
    assert out.loc["C", "prior_record"] == 10.0
    with pytest.raises(DataError, match="no data on or before"):
        first_to_record(px, since="2023-01-01")


def test_outperformance_history():
    t = pd.DataFrame(
        {
            "a_led": [True, False, False, True, True],
            "label": ["2020", "2021", "2022", "2023", "2024"],
        }
    )
    h = outperformance_history(t)
    assert h["last_led"] == "2024" and h["periods_since_led"] == 0
    assert h["current_run"] == 2 and h["outcomes"] == "+--++" and h["led_count"] == 3
    t2 = pd.DataFrame({"a_led": [True, False, False], "label": ["H1", "H2", "H3"]})
    h2 = outperformance_history(t2)
    assert h2["last_led"] == "H1" and h2["periods_since_led"] == 2 and h2["current_run"] == -2
