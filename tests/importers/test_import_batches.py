"""Batched imports: small files share one store version, each file lands whole or not at all.

All inputs are small hand-made files; expected rows and counts are written out by hand.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

import pandas as pd
import pytest

from sizeup.data import ingest
from sizeup.data.ingest import FileReport, import_paths
from sizeup.data.store import CheckedFrames, Store, UpsertResult
from sizeup.errors import SizeupError

_HEADER = "Date,Open,High,Low,Close,Adj Close,Volume\n"
_ROWS = [
    "2024-01-02,10.00,11.00,9.50,10.50,10.50,100",
    "2024-01-03,10.50,11.20,10.10,11.00,11.00,110",
    "2024-01-04,11.00,11.50,10.80,11.40,11.40,120",
]


def _write(folder: Path, name: str, rows: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(_HEADER + "\n".join(rows) + "\n")
    return path


def _record(
    monkeypatch: pytest.MonkeyPatch,
    events: list[str],
    before_parse: Callable[[Path], None] | None = None,
) -> None:
    """Append "parse NAME" / "write NAME,NAME" to ``events`` as the import goes."""
    real_prepare = ingest._prepare
    real_write = Store.write_batch

    def prepare(
        path: Path, store: Store, opts: ingest._Options, *, started: float
    ) -> ingest._Ready | FileReport:
        events.append(f"parse {path.name}")
        if before_parse is not None:
            before_parse(path)
        return real_prepare(path, store, opts, started=started)

    def write(
        self: Store,
        items: Sequence[tuple[str, Mapping[str, pd.DataFrame] | CheckedFrames]],
        *,
        accept_changes: bool = False,
        operation: str = "import",
    ) -> list[dict[str, UpsertResult] | SizeupError]:
        events.append("write " + ",".join(Path(d).name for d, _ in items))
        return real_write(self, items, accept_changes=accept_changes, operation=operation)

    monkeypatch.setattr(ingest, "_prepare", prepare)
    monkeypatch.setattr(Store, "write_batch", write)


def test_bad_file_in_a_batch_writes_nothing_and_the_others_land(tmp_path: Path) -> None:
    folder = tmp_path / "etf"
    for sym in ("AAA", "BBB", "DDD"):
        _write(folder, f"{sym}.csv", _ROWS)
    # CCC: the second bar's high (9.0) is below its close (11.0)
    bad = [*_ROWS[:1], "2024-01-03,10.50,9.00,10.10,11.00,11.00,110", *_ROWS[2:]]
    _write(folder, "CCC.csv", bad)
    store = Store.open(tmp_path / "store")
    report = import_paths([folder], store)
    status = {Path(f.path).name: f.status for f in report.files}
    assert status == {
        "AAA.csv": "imported",
        "BBB.csv": "imported",
        "CCC.csv": "failed",
        "DDD.csv": "imported",
    }
    failed = next(f for f in report.files if f.status == "failed")
    assert "high below open or close" in failed.message
    assert "2024-01-03" in failed.message and "high=9.0" in failed.message
    bars = store.read("bars")
    assert sorted(set(bars["symbol"])) == ["AAA", "BBB", "DDD"]
    assert len(bars) == 9  # 3 files x 3 rows
    urls = {Path(u).name for u in store.read("payloads")["url"]}
    assert urls == {"AAA.csv", "BBB.csv", "DDD.csv"}  # the bad file is not recorded either
    history = store.history()
    assert len(history) == 1  # one store version for the batch
    assert history["rows_added"].tolist() == [9 + 3]  # bars + one payload row per file
    assert history["detail"].iloc[0] == f"3 files in {folder}: AAA.csv, BBB.csv, DDD.csv"


def test_refused_change_in_a_batch_keeps_the_stored_rows(tmp_path: Path) -> None:
    folder = tmp_path / "etf"
    first = _write(folder, "AAA.csv", _ROWS)
    store = Store.open(tmp_path / "store")
    assert import_paths([first], store).files[0].status == "imported"
    # AAA's last close cut from 11.40 to 1.14 (-90 %), and a new file BBB in the same batch
    damaged = [*_ROWS[:2], "2024-01-04,1.10,1.15,1.05,1.14,1.14,120"]
    _write(folder, "AAA.csv", damaged)
    _write(folder, "BBB.csv", _ROWS)
    report = import_paths([folder], store)
    by_name = {Path(f.path).name: f for f in report.files}
    assert by_name["AAA.csv"].status == "failed"
    assert "refused" in by_name["AAA.csv"].message
    assert by_name["BBB.csv"].status == "imported"
    bars = store.read("bars")
    aaa = bars[bars["symbol"] == "AAA"]
    assert aaa["close"].tolist() == [10.50, 11.00, 11.40]  # unchanged
    assert len(bars[bars["symbol"] == "BBB"]) == 3
    assert len(store.history()) == 2  # the first import, then the batch holding only BBB


def test_files_of_the_same_slice_commit_in_order(tmp_path: Path) -> None:
    # same folder, same symbol: both files are source yahoo_csv/etf, symbol AAA
    folder = tmp_path / "etf"
    _write(folder, "AAA.csv", _ROWS)
    later = [r.replace("11.40,11.40", "11.45,11.45") for r in _ROWS]  # last close revised
    _write(folder, "aaa.csv", [*later, "2024-01-05,11.50,11.90,11.30,11.80,11.80,130"])
    batched = Store.open(tmp_path / "batched")
    report = import_paths([folder], batched, workers=2)
    assert report.failed == 0
    one_by_one = Store.open(tmp_path / "single")
    for name in ("aaa.csv", "AAA.csv"):  # the order import_paths uses: biggest file first
        import_paths([folder / name], one_by_one)
    pd.testing.assert_frame_equal(batched.read("bars"), one_by_one.read("bars"))
    closes = batched.read("bars")["close"].tolist()
    assert closes == [10.50, 11.00, 11.40, 11.80]  # AAA.csv came second: its 11.40 wins
    # the second file overlaps the first: it goes to the next commit, after it
    assert len(batched.history()) == 2


def test_big_files_are_written_alone_before_the_next_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest, "BATCH_ROWS", 4)
    monkeypatch.setattr(ingest, "_BIG_FILE_BYTES", 0)  # every file holds the one slot
    monkeypatch.setattr(ingest, "_BIG_FILES_IN_FLIGHT", 1)
    folder = tmp_path / "etf"
    _write(folder, "BIG.csv", [*_ROWS, "2024-01-05,11.50,11.90,11.30,11.80,11.80,130"])  # 4 rows
    for sym in ("AAA", "BBB"):
        _write(folder, f"{sym}.csv", _ROWS[:1])  # 1 row each
    events: list[str] = []
    _record(monkeypatch, events)
    store = Store.open(tmp_path / "store")
    report = import_paths([folder], store, workers=2)
    assert report.failed == 0 and report.rows == 6
    # the biggest file first, written alone before the next file is even parsed
    assert events[:3] == ["parse BIG.csv", "write BIG.csv", "parse AAA.csv"]
    assert events[-1] == "write AAA.csv,BBB.csv"  # the small files share one version
    details = store.history()["detail"].tolist()
    assert len(details) == 2 and details[0].endswith("BIG.csv")


def test_big_files_in_flight_stay_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ingest, "_BIG_FILE_BYTES", 0)  # every file counts as big
    monkeypatch.setattr(ingest, "_BIG_FILES_IN_FLIGHT", 1)
    folder = tmp_path / "etf"
    for k in range(6):
        _write(folder, f"S{k}.csv", _ROWS)
    real = ingest._prepare
    lock = threading.Lock()
    busy = 0
    most = 0

    def counting(
        path: Path, store: Store, opts: ingest._Options, *, started: float
    ) -> ingest._Ready | FileReport:
        nonlocal busy, most
        with lock:
            busy += 1
            most = max(most, busy)
        try:
            time.sleep(0.05)
            return real(path, store, opts, started=started)
        finally:
            with lock:
                busy -= 1

    monkeypatch.setattr(ingest, "_prepare", counting)
    store = Store.open(tmp_path / "store")
    report = import_paths([folder], store, workers=4)
    assert report.failed == 0 and report.rows == 18
    assert most == 1  # four workers, but one big file at a time


def test_small_files_are_parsed_while_the_biggest_file_is_and_written_before_the_next_big(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "etf"
    big1 = _write(folder, "BIG1.csv", _ROWS)  # 3 rows
    big2 = _write(folder, "BIG2.csv", _ROWS[:2])  # 2 rows: smaller than BIG1, bigger than both
    for sym in ("AAA", "BBB"):
        _write(folder, f"{sym}.csv", _ROWS[:1])
    monkeypatch.setattr(ingest, "BATCH_ROWS", 3)  # BIG1 alone; AAA + BBB, then BIG2 (2 + 2 > 3)
    # BIG1 and BIG2 are big, AAA and BBB (one row each) small
    monkeypatch.setattr(ingest, "_BIG_FILE_BYTES", (folder / "AAA.csv").stat().st_size)
    assert big1.stat().st_size > big2.stat().st_size > ingest._BIG_FILE_BYTES
    small_started = threading.Event()
    events: list[str] = []

    def stall(path: Path) -> None:
        if path.name == "BIG1.csv":  # the biggest file waits until a small one is being parsed
            assert small_started.wait(timeout=30), "no small file was parsed beside BIG1.csv"
        else:
            small_started.set()

    _record(monkeypatch, events, before_parse=stall)
    store = Store.open(tmp_path / "store")
    report = import_paths([folder], store, workers=2)
    assert report.failed == 0 and report.rows == 3 + 2 + 1 + 1
    writes = [e for e in events if e.startswith("write")]
    # biggest file, then the small files (one version), then the other big file
    assert writes == ["write BIG1.csv", "write AAA.csv,BBB.csv", "write BIG2.csv"]
    assert events.index("parse AAA.csv") < events.index("write BIG1.csv")
