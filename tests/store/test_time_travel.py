"""Store versions: reading an old version or time, history, restore, optimize, vacuum, CLI."""

from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from sizeup.data.schema import validate
from sizeup.data.store import Store
from sizeup.errors import StoreError


def _bars(symbol: str, n: int, start: str = "2020-01-01", level: float = 100.0) -> pd.DataFrame:
    dates = pd.bdate_range(start, periods=n)
    close = level * (1 + 0.001 * np.arange(n))
    return pd.DataFrame(
        {
            "symbol": symbol,
            "date": dates,
            "open": close,
            "high": close * 1.01,
            "low": close * 0.99,
            "close": close,
            "adj_close": close,
            "volume": 1.0,
            "source": "test",
        }
    )


def test_versions_time_travel_and_restore(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    store.upsert("bars", _bars("IWM", 5))
    first_time = pd.Timestamp.now(tz="UTC")
    time.sleep(0.05)
    store.upsert("bars", _bars("SPY", 3))
    store.upsert("bars", _bars("IWM", 7))  # two new dates of IWM
    assert store.version == 2
    old = Store.open(tmp_path, version=0)
    assert old.version == 0 and set(old.read("bars")["symbol"]) == {"IWM"}
    assert len(old.panel(["IWM"])) == 5 and old.sources()["symbol"].tolist() == ["IWM"]
    asof = Store.open(tmp_path, timestamp=first_time)
    assert asof.version == 0
    assert len(Store.open(tmp_path, version=1).bars(["IWM"])) == 5
    assert len(Store.open(tmp_path).bars(["IWM"])) == 7
    with pytest.raises(StoreError, match="read-only"):
        old.upsert("bars", _bars("QQQ", 2))
    with pytest.raises(StoreError, match="does not exist") as err:
        Store.open(tmp_path, version=9)
    assert err.value.valid is not None and "0 .. 2" in err.value.valid
    with pytest.raises(StoreError, match="no version at or before"):
        Store.open(tmp_path, timestamp="2000-01-01")
    hist = store.history()
    assert hist["version"].tolist() == [0, 1, 2]
    assert hist["rows_added"].tolist() == [5, 3, 2]
    new = store.restore(1)
    assert new == 3
    pd.testing.assert_frame_equal(store.read("bars"), Store.open(tmp_path, version=1).read("bars"))
    assert store.history()["rows_removed"].iloc[-1] == 2
    info = store.info()
    assert info.version == 3 and next(t for t in info.tables if t.table == "bars").rows == 8


def test_restore_before_a_table_existed_empties_it(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    store.upsert("bars", _bars("IWM", 5))
    series = pd.DataFrame(
        {"series_id": "X", "date": ["2020-01-02"], "value": [1.0], "source": "s", "vintage": ""}
    )
    store.upsert("series", series)
    store.restore(0)
    assert store.read("series").empty and len(store.read("bars")) == 5


def test_optimize_compacts_sorted_and_vacuum_keeps_recent_versions(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    for i, sym in enumerate(["C", "A", "B"]):
        store.upsert("bars", _bars(sym, 4, level=10.0 + i))
    assert len(store.files("bars")) == 3
    expected = store.read("bars")
    done = store.optimize()
    assert done == {"bars": 3}
    files = store.files("bars")
    assert len(files) == 1
    raw = pd.read_parquet(files[0])
    assert raw["symbol"].tolist() == sorted(raw["symbol"].tolist())  # sorted by (symbol, date)
    pd.testing.assert_frame_equal(store.read("bars"), expected)
    assert store.optimize() == {}
    assert store.vacuum(retain_hours=1000) == 0  # every file is younger than the retention
    v2 = Store.open(tmp_path, version=2).read("bars")
    assert len(v2) == 12
    removed = store.vacuum(retain_hours=0)
    assert removed >= 3
    pd.testing.assert_frame_equal(store.refresh().read("bars"), expected)
    with pytest.raises(StoreError, match="vacuumed"):
        Store.open(tmp_path, version=1).read("bars")
    with pytest.raises(StoreError, match="negative"):
        store.vacuum(retain_hours=-1)


def test_cli_history_time_travel_restore(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from sizeup.cli._root import app

    data = tmp_path / "in"
    data.mkdir()
    (data / "IWM.csv").write_text("Date,Close\n2024-01-02,200.5\n2024-01-03,201.5\n")
    root = tmp_path / "store"
    runner = CliRunner()
    monkeypatch.setenv("COLUMNS", "200")
    res = runner.invoke(app, ["--data-dir", str(root), "import", str(data)])
    assert res.exit_code == 0, res.output
    (data / "IWM.csv").write_text("Date,Close\n2024-01-02,200.5\n2024-01-03,20.15\n")
    res = runner.invoke(app, ["--data-dir", str(root), "import", str(data)])
    assert res.exit_code == 1 and "refused" in res.output  # the table wraps the details
    assert Store.open(root).read("bars")["close"].tolist() == [200.5, 201.5]
    res = runner.invoke(app, ["--data-dir", str(root), "import", "--accept-changes", str(data)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, ["--data-dir", str(root), "store", "history", "--json"])
    versions = json.loads(res.output)["versions"]
    assert [v["operation"] for v in versions] == ["import", "import"]
    assert versions[1]["rows_changed"] == 1
    res = runner.invoke(
        app, ["--data-dir", str(root), "--store-version", "0", "store", "info", "--json"]
    )
    body = json.loads(res.output)
    assert body["version"] == 0 and body["provenance"]["store_version"] == 0
    res = runner.invoke(app, ["--data-dir", str(root), "store", "restore", "0"])
    assert res.exit_code == 0 and "now version 2" in res.output
    store = Store.open(root)
    assert store.read("bars")["close"].tolist() == [200.5, 201.5]
    res = runner.invoke(app, ["--data-dir", str(root), "--store-version", "7", "store", "info"])
    assert res.exit_code == 2 and "does not exist" in res.output
    res = runner.invoke(app, ["--data-dir", str(root), "store", "optimize"])
    assert res.exit_code == 0 and "already compact" in res.output  # restore left one file
    res = runner.invoke(app, ["--data-dir", str(root), "store", "vacuum", "--retain-hours", "0"])
    assert res.exit_code == 0 and "files removed" in res.output
    pd.testing.assert_frame_equal(
        Store.open(root).read("bars"),
        validate(
            pd.DataFrame(
                {
                    "symbol": "IWM",
                    "date": ["2024-01-02", "2024-01-03"],
                    "open": np.nan,
                    "high": np.nan,
                    "low": np.nan,
                    "close": [200.5, 201.5],
                    "adj_close": [200.5, 201.5],
                    "volume": np.nan,
                    "source": "close_csv/in",
                }
            ),
            "bars",
        ),
    )
