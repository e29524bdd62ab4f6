"""Faults: kill -9 at random points of an import, two writers, a reader during writes, odd paths.

After each fault the store is at a committed version, every read works, the next write leaves
no stray files, and finishing the import gives the same rows as a clean import.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from sizeup.data.ingest import import_paths
from sizeup.data.store import Store
from sizeup.data.store._delta import orphan_files, table_location
from sizeup.errors import StoreError

_TABLES = ("bars", "series", "payloads")


def _inputs(folder: Path, files: int = 8, rows: int = 400) -> Path:
    """Close-only price files and one FRED file, made up here (no shared data)."""
    folder.mkdir(parents=True, exist_ok=True)
    dates = pd.bdate_range("2010-01-01", periods=rows)
    rng = np.random.default_rng(7)
    for k in range(files):
        close = 50.0 * np.cumprod(1 + rng.normal(0, 0.01, rows))
        text = "Date,Close\n" + "".join(
            f"{d.date()},{c:.4f}\n" for d, c in zip(dates, close, strict=True)
        )
        (folder / f"S{k:02d}.csv").write_text(text)
    (folder / "DGS10.csv").write_text(
        "Date,Value\n" + "".join(f"{d.date()},{2 + i / 1000:.3f}\n" for i, d in enumerate(dates))
    )
    return folder


def _content(store: Store) -> dict[str, pd.DataFrame]:
    out = {name: store.read(name) for name in ("bars", "series")}
    payloads = store.read("payloads")
    out["payloads"] = payloads[["url", "sha256", "bytes"]].sort_values("url").reset_index(drop=True)
    return out


def _assert_same(a: dict[str, pd.DataFrame], b: dict[str, pd.DataFrame]) -> None:
    for name, frame in a.items():
        pd.testing.assert_frame_equal(frame, b[name], obj=name)


_CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from sizeup.data.ingest import import_paths
    from sizeup.data.store import Store
    store = Store.open(sys.argv[1])
    print("ready", flush=True)
    import_paths([Path(sys.argv[2])], store, workers=1)
    print("done", flush=True)
    """
)


def _no_strays(root: Path) -> None:
    assert not (root / ".writing").exists()
    for name in (*_TABLES, "_catalog", "_journal"):
        assert orphan_files(table_location(str(root), name)) == []


@pytest.mark.slow
def test_kill_9_at_random_points_of_an_import(tmp_path: Path) -> None:
    data = _inputs(tmp_path / "in")
    clean = Store.open(tmp_path / "clean")
    import_paths([data], clean)
    expected = _content(clean)
    rng = random.Random(11)
    killed_mid_write = 0
    for trial in range(30):  # >= 10 trials, and on until a kill lands inside a commit
        if trial >= 10 and killed_mid_write:
            break
        root = tmp_path / f"t{trial}"
        child = subprocess.Popen(
            [sys.executable, "-c", _CHILD, str(root), str(data)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        if trial < 10:
            time.sleep(rng.uniform(0.0, 3.0))
        else:  # no random kill landed inside a commit: wait for one to start, then kill
            deadline = time.monotonic() + 60
            while not (root / ".writing").exists() and time.monotonic() < deadline:
                time.sleep(0.0005)
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
        store = Store.open(root)
        version = store.version
        history = store.history()
        assert version == (history["version"].max() if len(history) else -1)
        for name in _TABLES:  # every read works at the committed version
            store.read(name)
        store.panel()
        killed_mid_write += int((root / ".writing").exists())
        report = import_paths([data], store)  # the re-run finishes the job
        assert report.failed == 0
        _no_strays(root)
        _assert_same(expected, _content(store.refresh()))
    assert killed_mid_write >= 1  # at least one kill landed inside a commit


def test_two_writers_in_two_processes(tmp_path: Path) -> None:
    a = _inputs(tmp_path / "a", files=3)
    b = tmp_path / "b"
    b.mkdir()
    for p in a.glob("S*.csv"):
        (b / p.name.replace("S", "T")).write_text(p.read_text())
    root = tmp_path / "store"
    Store.open(root)
    procs = [
        subprocess.Popen([sys.executable, "-c", _CHILD, str(root), str(folder)], text=True)
        for folder in (a, b)
    ]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    store = Store.open(root)
    symbols = set(store.read("bars")["symbol"])
    assert symbols == {f"S{k:02d}" for k in range(3)} | {f"T{k:02d}" for k in range(3)}
    # each import writes its small files as one batch: one store version per writer
    assert store.history()["operation"].tolist() == ["import"] * 2
    _no_strays(root)


def test_reader_sees_only_whole_commits_while_a_writer_commits(tmp_path: Path) -> None:
    store = Store.open(tmp_path)
    dates = pd.bdate_range("2020-01-01", periods=60)
    seen: list[tuple[int, int]] = []
    errors: list[BaseException] = []
    done = threading.Event()

    def read_loop() -> None:
        reader = Store.open(tmp_path)
        try:
            while not done.is_set():
                frame = reader.read("bars")
                seen.append((len(frame), frame["symbol"].nunique()))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    thread = threading.Thread(target=read_loop)
    thread.start()
    for k in range(8):
        close = np.linspace(10, 20, len(dates)) + k
        store.upsert(
            "bars",
            pd.DataFrame({"symbol": f"X{k}", "date": dates, "close": close, "source": "s"}),
        )
    done.set()
    thread.join(timeout=60)
    assert not errors
    assert seen and all(rows == 60 * syms for rows, syms in seen)  # never half a symbol


@pytest.mark.parametrize(
    "name", ["st*re", "st?re", "st[a]re", "my data", "dätä ünïcødé", "a*b? c", "[x] é*?"]
)
def test_odd_data_dir_names_read_only_their_own_store(tmp_path: Path, name: str) -> None:
    frame = pd.DataFrame(
        {"symbol": "IWM", "date": pd.bdate_range("2020-01-01", periods=5), "close": 1.0}
    )
    # neighbours a glob of the odd name would match ("st[a]re" matches "stare")
    for other in ("store", "stXre", "my", "a1b2 c", "stare", "x", "s"):
        Store.open(tmp_path / other).upsert("bars", frame.assign(source=other, symbol="ZZZ"))
    odd = Store.open(tmp_path / name)
    odd.upsert("bars", frame.assign(source="mine"))
    again = Store.open(tmp_path / name)
    assert set(again.read("bars")["symbol"]) == {"IWM"}
    assert set(again.query("SELECT DISTINCT source FROM bars")["source"]) == {"mine"}
    assert list(again.panel().columns) == ["IWM"]
    assert again.info().version == 0


@pytest.mark.parametrize(("name", "bad"), [("data%41", "%"), ("data#1", "#"), ("a#b%", "#%")])
def test_percent_or_hash_in_data_dir_is_a_clear_error(tmp_path: Path, name: str, bad: str) -> None:
    # delta-rs decodes "%41" in a local path (another folder) and reports "#" as "%23"
    with pytest.raises(StoreError, match=f"contains '{bad}'") as err:
        Store.open(tmp_path / name)
    assert err.value.input == "--data-dir"
    assert not (tmp_path / name).exists()
