"""The latest store version is read from the one journal file holding it (issue 10).

The journal keeps one small file per commit; a command at the latest version needs only the
newest row. The old read opened every file (``_resolve(_journal())``); on hand-made stores
(several commits, a compacted journal, time travel) the new snapshot is the old one.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from deltalake import DeltaTable

from sizeup.data.store import Store
from sizeup.data.store._delta import JOURNAL


def _bars(day: str, close: float) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "symbol": ["AAA", "BBB"],
            "date": [pd.Timestamp(day)] * 2,
            "close": [close, 2 * close],
            "adj_close": [close, 2 * close],
            "source": "hand",
        }
    )


def _old_snapshot(path: Path) -> object:
    st = Store(path)
    return st._resolve(st._journal())


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    path = tmp_path / "store"
    st = Store.open(path)
    for i, day in enumerate(["2024-01-02", "2024-01-03", "2024-01-04"]):
        st.write({"bars": _bars(day, 10.0 + i)}, detail=f"commit {i}")
    return path


def test_latest_snapshot_is_the_old_one_after_each_commit(store_path: Path) -> None:
    versions = []
    for i, day in enumerate(["2024-01-05", "2024-01-08"]):
        fresh = Store(store_path)
        assert fresh._snapshot() == _old_snapshot(store_path)
        versions.append(fresh.version)
        Store(store_path).write({"bars": _bars(day, 20.0 + i)})
    fresh = Store(store_path)
    assert fresh._snapshot() == _old_snapshot(store_path)
    # each commit adds one store version; the last one is the fifth write's
    assert [*versions, fresh.version] == [versions[0], versions[0] + 1, versions[0] + 2]
    assert fresh.history()["version"].max() == fresh.version
    closes = fresh.panel(["AAA", "BBB"], field="close")
    assert closes["AAA"].tolist() == [10.0, 11.0, 12.0, 20.0, 21.0]
    assert closes["BBB"].tolist() == [20.0, 22.0, 24.0, 40.0, 42.0]


def test_latest_read_does_not_open_the_whole_journal(
    store_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = _old_snapshot(store_path)

    def refuse(self: Store) -> pd.DataFrame:
        raise AssertionError("the whole journal was read")

    monkeypatch.setattr(Store, "_journal", refuse)
    fresh = Store(store_path)
    assert fresh._snapshot() == expected
    assert fresh.panel(["AAA"], field="close")["AAA"].tolist() == [10.0, 11.0, 12.0]


def test_compacted_journal_gives_the_newest_row(store_path: Path) -> None:
    expected = _old_snapshot(store_path)
    journal = DeltaTable(Store(store_path)._location(JOURNAL))
    journal.optimize.compact()  # every row in one file
    assert len(DeltaTable(Store(store_path)._location(JOURNAL)).file_uris()) == 1
    assert Store(store_path)._snapshot() == expected


def test_time_travel_still_reads_the_named_version(store_path: Path) -> None:
    latest = Store(store_path).version
    old = Store(store_path, version=latest - 1)
    assert old.version == latest - 1
    assert old.panel(["AAA"], field="close")["AAA"].tolist() == [10.0, 11.0]
    first = Store(store_path, version=latest - 2).panel(["AAA"], field="close")
    assert first["AAA"].tolist() == [10.0]


def test_empty_store_has_no_version(tmp_path: Path) -> None:
    st = Store.open(tmp_path / "empty")
    assert st.version == -1
    assert Store(tmp_path / "empty")._snapshot() == _old_snapshot(tmp_path / "empty")
