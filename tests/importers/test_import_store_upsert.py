"""The store's batched upsert (one Arrow conversion, partition slices, thread pool, fast no-op
path) must give exactly what upserting each partition on its own gives."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sizeup.data.schema import validate
from sizeup.data.store import Store


def _frame(symbols: list[str], sources: list[str], n: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    dates = pd.bdate_range("2021-01-01", periods=n)
    parts = []
    for src in sources:
        for sym in symbols:
            close = rng.uniform(1, 100, n)
            parts.append(
                pd.DataFrame(
                    {
                        "symbol": sym,
                        "date": dates,
                        "close": close,
                        "adj_close": close,
                        "source": src,
                    }
                )
            )
    # interleave rows so no partition is contiguous in the input
    return pd.concat(parts, ignore_index=True).sample(frac=1.0, random_state=seed)


def test_many_partitions_match_one_by_one_and_count_rows_once(tmp_path: Path) -> None:
    frame = _frame([f"S{i:03d}" for i in range(40)], ["a/x", "b/y"], 25)
    batched = Store.open(tmp_path / "batched")
    res = batched.upsert("bars", frame)
    assert res.rows_in == len(frame) == 2000
    assert res.rows_added == 2000 and res.files_written == 2  # one file per source partition
    single = Store.open(tmp_path / "single")
    for _, part in frame.groupby(["source", "symbol"]):
        single.upsert("bars", part)
    assert single.version == 79 and batched.version == 0
    pd.testing.assert_frame_equal(batched.read("bars"), single.read("bars"))
    again = batched.upsert("bars", frame.sample(frac=1.0, random_state=3))
    assert again.rows_added == again.rows_updated == again.files_written == 0
    assert again.files_unchanged == 1 and again.rows_in == 2000
    assert Store.open(tmp_path / "batched").version == 0  # nothing committed


def test_update_counts_only_changed_rows_and_drops_nonpositive_prices(tmp_path: Path) -> None:
    frame = _frame(["A", "B", "C"], ["s"], 10)
    store = Store.open(tmp_path)
    store.upsert("bars", frame)
    change = frame[frame.symbol == "B"].copy()
    revised = change.iloc[[1]].assign(close=lambda f: f["close"] * 1.01)
    negative = change.iloc[[0]].assign(close=-1.0)
    extra = pd.DataFrame(
        {"symbol": ["C"], "date": [pd.Timestamp("2026-01-01")], "close": [5.0], "source": ["s"]}
    )
    offered = pd.concat([frame, revised, negative, extra]).drop_duplicates(
        ["symbol", "date", "source"], keep="last"
    )
    res = store.upsert("bars", offered)
    assert res.rows_added == 1 and res.rows_updated == 1 and res.rows_in == len(offered) - 1
    assert "1 rows with a price <= 0 or > 1e+09 not written" in res.note
    assert "close=-1.0" in res.note
    back = store.read("bars")
    assert len(back) == len(frame) + 1 and (back["close"] > 0).all()
    stored_b0 = back[(back.symbol == "B") & (back.date == change["date"].iloc[0])]["close"]
    assert stored_b0.iloc[0] == change["close"].iloc[0]  # the stored value is unchanged
    hist = store.history()
    assert hist["rows_added"].tolist() == [30, 1] and hist["rows_changed"].tolist() == [0, 1]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rows=st.lists(
        st.tuples(
            st.sampled_from(["A", "B", "^RUT", "BRK-B"]),
            st.sampled_from(["s1", "s2"]),
            st.integers(0, 30),
            st.floats(0.01, 1e6, allow_nan=False),
        ),
        min_size=1,
        max_size=80,
        unique_by=lambda r: (r[0], r[1], r[2]),
    ),
    split=st.integers(0, 80),
)
def test_property_batched_equals_reference(
    tmp_path_factory: pytest.TempPathFactory, rows: list[tuple[str, str, int, float]], split: int
) -> None:
    frame = pd.DataFrame(
        {
            "symbol": [r[0] for r in rows],
            "source": [r[1] for r in rows],
            "date": [pd.Timestamp("2020-01-01") + pd.Timedelta(days=r[2]) for r in rows],
            "close": [r[3] for r in rows],
        }
    )
    store = Store.open(tmp_path_factory.mktemp("p"))
    store.upsert("bars", frame.iloc[:split])
    store.upsert("bars", frame.iloc[split:])
    assert store.upsert("bars", frame).files_written == 0
    expected = validate(frame, "bars")
    got = store.read("bars")
    key = ["source", "symbol", "date"]
    pd.testing.assert_frame_equal(
        got.sort_values(key).reset_index(drop=True),
        expected.sort_values(key).reset_index(drop=True),
    )
