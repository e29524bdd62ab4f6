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
    assert res.files_written == 80 and res.rows_added == 2000
    single = Store.open(tmp_path / "single")
    for _, part in frame.groupby(["source", "symbol"]):
        single.upsert("bars", part)
    pd.testing.assert_frame_equal(batched.read("bars"), single.read("bars"))
    for a, b in zip(batched.files("bars"), single.files("bars"), strict=True):
        assert a.relative_to(batched.root) == b.relative_to(single.root)
        pd.testing.assert_frame_equal(
            pd.read_parquet(a).reset_index(drop=True), pd.read_parquet(b).reset_index(drop=True)
        )
    again = batched.upsert("bars", frame.sample(frac=1.0, random_state=3))
    assert again.files_written == 0 and again.files_unchanged == 80 and again.rows_in == 2000


def test_update_touches_only_changed_partitions(tmp_path: Path) -> None:
    frame = _frame(["A", "B", "C"], ["s"], 10)
    store = Store.open(tmp_path)
    store.upsert("bars", frame)
    stamps = {p.name: p.stat().st_mtime_ns for p in store.files("bars")}
    change = frame[frame.symbol == "B"].copy()
    change.loc[change.index[0], "close"] = -1.0
    extra = pd.DataFrame(
        {"symbol": ["C"], "date": [pd.Timestamp("2030-01-01")], "close": [5.0], "source": ["s"]}
    )
    res = store.upsert(
        "bars",
        pd.concat([frame, change.iloc[[0]], extra]).drop_duplicates(
            ["symbol", "date", "source"], keep="last"
        ),
    )
    assert res.files_written == 2 and res.files_unchanged == 1
    # B: 10 existing keys offered again (one value changed); C: 10 existing + 1 new key
    assert res.rows_added == 1 and res.rows_updated == 20
    after = {p.name: p.stat().st_mtime_ns for p in store.files("bars")}
    assert after["A.parquet"] == stamps["A.parquet"]
    back = store.read("bars")
    assert (back[(back.symbol == "B")]["close"] == -1.0).sum() == 1
    assert len(back) == len(frame) + 1


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
