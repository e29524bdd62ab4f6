"""The docs/store.md recipe: read a store table from a 2-worker Dask cluster and from DuckDB."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sizeup.data.store import Store


def _store(root: Path) -> Store:
    store = Store.open(root)
    dates = pd.bdate_range("2015-01-01", periods=300)
    for k, source in enumerate(["yahoo_csv/etf", "close_csv/a b", "yahoo_csv/etf"]):
        close = np.linspace(10, 30, len(dates)) * (1 + k)
        store.upsert(
            "bars",
            pd.DataFrame(
                {
                    "symbol": f"S{k}",
                    "date": dates,
                    "close": close,
                    "adj_close": close,
                    "source": source,
                }
            ),
        )
    return store


# "[" and "]": dd.read_parquet would read the paths as glob patterns (fsspec) and find nothing
@pytest.mark.parametrize("folder", ["store", "st [1] *?"])
def test_dask_local_cluster_reads_the_snapshot_file_list(tmp_path: Path, folder: str) -> None:
    dd = pytest.importorskip("dask.dataframe")
    distributed = pytest.importorskip("distributed")
    store = _store(tmp_path / folder)
    files = store.snapshot_files("bars")
    assert files["rows"].sum() == 900 and set(files["source"]) == {"yahoo_csv/etf", "close_csv/a b"}
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        assert len(client.scheduler_info()["workers"]) == 2
        parts = [
            dd.from_map(
                pd.read_parquet, list(group["path"]), columns=["symbol", "date", "close"]
            ).assign(source=source)
            for source, group in files.groupby("source")
        ]
        frame = dd.concat(parts)
        means = frame.groupby(["source", "symbol"])["close"].mean().compute()
    expected = store.read("bars").groupby(["source", "symbol"])["close"].mean()
    got = {(str(a), str(b)): float(v) for (a, b), v in means.items()}
    want = {(str(a), str(b)): float(v) for (a, b), v in expected.items()}
    assert (
        got.keys()
        == want.keys()
        == {
            ("yahoo_csv/etf", "S0"),
            ("close_csv/a b", "S1"),
            ("yahoo_csv/etf", "S2"),
        }
    )
    assert got == pytest.approx(want, rel=1e-12)


@pytest.mark.parametrize("folder", ["store", "st [1] *?"])
def test_duckdb_reads_the_same_snapshot(tmp_path: Path, folder: str) -> None:
    import duckdb

    store = _store(tmp_path / folder)
    files = store.snapshot_files("bars")
    with duckdb.connect() as con:
        got = con.execute(
            "SELECT count(*) AS n, round(sum(close), 6) AS s FROM read_parquet(?)",
            [list(files["path"])],
        ).fetchone()
    frame = store.read("bars")
    assert got == (len(frame), round(float(frame["close"].sum()), 6))
    via_store = store.query("SELECT source, count(*) AS n FROM bars GROUP BY source ORDER BY 1")
    assert via_store["n"].tolist() == [300, 600]
