"""A data directory with ``[`` or ``]`` works like any other (sizeup's own Delta writer).

delta-rs 1.6 cannot write there (delta-io/delta-rs#4099), so those writes go through
``sizeup.data.store._txn``: Parquet files by pyarrow, commits by delta-rs's transaction API.
The same operations run on a plain folder (delta-rs's own writer) and on a bracketed one, and
every read, the history and the file statistics must agree.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from deltalake import DeltaTable

from sizeup.data.store import Store
from sizeup.data.store._delta import orphan_files, table_location
from sizeup.data.store._txn import needs_own_writer


def _bars(symbols: list[str], days: int, source: str, scale: float = 1.0) -> pd.DataFrame:
    rng = np.random.default_rng(5)
    dates = pd.bdate_range("2015-01-01", periods=days)
    parts = []
    for k, sym in enumerate(symbols):
        close = (20.0 + k) * np.cumprod(1 + rng.normal(0, 0.01, days)) * scale
        parts.append(
            pd.DataFrame(
                {
                    "symbol": sym,
                    "date": dates,
                    "close": close,
                    "adj_close": close * 0.98,
                    "volume": 1000.0 + k,
                    "source": source,
                }
            )
        )
    return pd.concat(parts, ignore_index=True)


def _series(days: int) -> pd.DataFrame:
    dates = pd.bdate_range("2015-01-01", periods=days)
    return pd.DataFrame(
        {
            "series_id": "DGS10",
            "date": dates,
            "value": np.linspace(2.0, 3.0, days),
            "source": "fred/rates",
            "vintage": "",
        }
    )


def _run(root: Path) -> tuple[Store, dict[str, object]]:
    """One store's life: writes, a merge, a bad import undone, optimize, vacuum."""
    store = Store.open(root)
    seen: dict[str, object] = {}
    store.write({"bars": _bars(["AAA", "BBB"], 300, "csv/a b"), "series": _series(300)})
    store.upsert("bars", _bars(["CCC"], 200, "csv/other"))
    seen["panel_1"] = store.panel(field="close")
    # a re-import that changes stored closes: a Delta MERGE (strings rewritten as plain)
    changed = _bars(["AAA"], 300, "csv/a b").assign(close=lambda f: f["close"] * 1.01)
    changed["adj_close"] = changed["close"] * 0.98
    store.upsert("bars", changed, accept_changes=True)
    seen["merged"] = store.bars(["AAA"])
    seen["after_merge"] = store.read("bars")  # the partition rewrite kept the other source
    store.restore(1)  # undo the merge
    seen["restored"] = store.bars(["AAA", "BBB", "CCC"])
    store.restore(0)  # before "csv/other" existed
    # a source written in two commits (two files): optimize rewrites that partition only
    store.upsert("bars", _bars(["DDD"], 100, "csv/third"))
    store.upsert("bars", _bars(["EEE"], 100, "csv/third"))
    store.optimize()
    store.vacuum(retain_hours=0)
    seen["final"] = store.read("bars")
    seen["series"] = store.series()
    seen["panel"] = store.panel(field="adj_close")
    seen["history"] = store.history()[["version", "operation", "rows_added", "rows_removed"]]
    return store, seen


@pytest.fixture(scope="module")
def both(
    tmp_path_factory: pytest.TempPathFactory,
) -> tuple[dict[str, object], dict[str, object], Path]:
    base = tmp_path_factory.mktemp("brackets")
    _, plain = _run(base / "plain")
    odd = base / "data [v2] *?é"
    assert needs_own_writer(str(odd))
    _, bracketed = _run(odd)
    return plain, bracketed, odd


def test_every_read_and_the_history_agree(
    both: tuple[dict[str, object], dict[str, object], Path],
) -> None:
    plain, bracketed, _ = both
    assert plain.keys() == bracketed.keys()
    for key, want in plain.items():
        assert isinstance(want, pd.DataFrame)
        got = bracketed[key]
        assert isinstance(got, pd.DataFrame)
        pd.testing.assert_frame_equal(got, want, obj=key)
    # the merge changed AAA, the restores took it and CCC back out
    merged, restored = plain["merged"], plain["restored"]
    assert isinstance(merged, pd.DataFrame) and isinstance(restored, pd.DataFrame)
    assert not np.allclose(merged["close"], restored.loc[restored["symbol"] == "AAA", "close"])
    final = plain["final"]
    assert isinstance(final, pd.DataFrame)
    assert set(final["symbol"]) == {"AAA", "BBB", "DDD", "EEE"}
    after_merge = plain["after_merge"]
    assert isinstance(after_merge, pd.DataFrame)
    assert set(after_merge["symbol"]) == {"AAA", "BBB", "CCC"}


def test_files_carry_statistics_and_nothing_is_left_over(
    both: tuple[dict[str, object], dict[str, object], Path],
) -> None:
    _, _, odd = both
    location = table_location(str(odd), "bars")
    actions = DeltaTable(location).get_add_actions(flatten=True)
    names = set(actions.schema.names)
    assert {"num_records", "min.symbol", "max.symbol", "min.date", "max.date"} <= names
    rows = [r.as_py() for r in actions.column("num_records")]
    assert sum(rows) == 800
    assert sorted(m.as_py() for m in actions.column("min.symbol")) == ["AAA", "DDD"]
    last = pd.bdate_range("2015-01-01", periods=300)[-1].date()
    assert str(max(d.as_py() for d in actions.column("max.date"))) == str(last)
    for name in ("bars", "series", "_catalog", "_journal"):
        assert orphan_files(table_location(str(odd), name)) == []


def test_a_crashed_write_is_rolled_back_on_a_bracketed_path(tmp_path: Path) -> None:
    from sizeup.data.schema import TABLES
    from sizeup.data.store import _txn
    from sizeup.data.store._delta import arrow_schema, to_arrow

    root = tmp_path / "st[0]"
    store = Store.open(root)
    store.upsert("bars", _bars(["AAA"], 50, "csv/a"))
    before = store.read("bars")
    # a writer that died after its Delta commits, before its journal row: a commit to a table
    # the journal never saw (series) and the intent marker
    rows = to_arrow(_series(20), TABLES["series"])
    _txn.write(
        table_location(str(root), "series"),
        rows.cast(arrow_schema(TABLES["series"])),
        mode="append",
        partition_by="source",
        row_group_rows=1000,
    )
    (root / ".writing").write_text("12345")
    again = Store.open(root)
    again.upsert("bars", _bars(["BBB"], 10, "csv/a"))  # the next write rolls the crash back
    assert again.read("series").empty
    got = again.read("bars")
    assert set(got["symbol"]) == {"AAA", "BBB"}
    pd.testing.assert_frame_equal(
        got[got["symbol"] == "AAA"].reset_index(drop=True), before, check_like=True
    )
    assert "recover" in set(again.history()["operation"])


def test_own_writer_partitions_statistics_and_partial_overwrite(tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.compute as pc

    from sizeup.data.store import _txn

    rng = np.random.default_rng(9)
    n = 3_000
    table = pa.table(
        {
            "symbol": pa.array([f"S{k % 37:02d}" for k in rng.permutation(n)]),
            "date": pa.array(rng.integers(10_000, 20_000, n).astype("int32")).cast(pa.date32()),
            "close": rng.uniform(1.0, 500.0, n),
            "source": pa.array(rng.choice(["x/one", "y two", "z"], n)),
        }
    )
    location = str(tmp_path / "t[1]")
    # many small batches in random order: each column's extremes sit in some middle batch
    batches = pa.Table.from_batches(table.to_batches(max_chunksize=97))
    _txn.write(location, batches, mode="append", partition_by="source", row_group_rows=500)
    dt = DeltaTable(location)
    back = dt.to_pyarrow_table()
    key = [("source", "ascending"), ("symbol", "ascending"), ("date", "ascending")]
    assert back.select(table.column_names).sort_by(key).equals(table.sort_by(key))
    actions = pa.table(dt.get_add_actions(flatten=True))
    assert actions.num_rows == 3  # one file per partition
    for row in actions.to_pylist():
        part = table.filter(pc.equal(table["source"], row["partition.source"]))
        assert row["num_records"] == part.num_rows
        for col in ("symbol", "date", "close"):
            extremes = pc.min_max(part[col]).as_py()
            assert row[f"min.{col}"] == extremes["min"], col
            assert row[f"max.{col}"] == extremes["max"], col
    # an overwrite of one partition leaves the others as they were
    z_rows = table.filter(pc.equal(table["source"], "z")).slice(0, 5)
    _txn.write(
        location,
        z_rows,
        mode="overwrite",
        partition_by="source",
        only_partition="z",
        row_group_rows=500,
    )
    after = DeltaTable(location).to_pyarrow_table()
    counts = dict(zip(*pc.value_counts(after["source"]).flatten(), strict=True))
    want = dict(zip(*pc.value_counts(table["source"]).flatten(), strict=True))
    assert {str(k): v.as_py() for k, v in counts.items()} == {
        **{str(k): v.as_py() for k, v in want.items()},
        "z": 5,
    }
