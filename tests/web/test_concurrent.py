"""The server keeps answering, from committed store versions, while ``sizeup import`` writes.

A real uvicorn server on 127.0.0.1 serves the small store; ``sizeup import`` (a separate
process) commits several files to the same store meanwhile. Every answer must be a 200, read
from one committed version (the symbols listed for a version never change), and versions only
move forward.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import numpy as np
import pandas as pd
import pytest
import web_support

from sizeup.app import StoreRef
from sizeup.web import create_app

pytestmark = [pytest.mark.web, pytest.mark.slow]

NEW = [f"NEW{i:02d}" for i in range(12)]


BATCHES = [NEW[0:4], NEW[4:8], NEW[8:12]]


def _write_files(folder: Path) -> list[Path]:
    """Write one folder of ``Date,Close`` files per batch; return the folders."""
    idx = pd.bdate_range("2012-01-02", "2024-06-28")
    rng = np.random.default_rng(5)
    folders = []
    for k, batch in enumerate(BATCHES):
        sub = folder / f"batch{k}"
        sub.mkdir(parents=True)
        for sym in batch:
            close = 20 * np.exp(np.cumsum(rng.normal(0, 0.01, len(idx))))
            frame = pd.DataFrame({"Date": idx.strftime("%Y-%m-%d"), "Close": close.round(4)})
            frame.to_csv(sub / f"{sym}.csv", index=False)
        folders.append(sub)
    return folders


def test_server_answers_from_committed_versions_during_an_import(tmp_path: Path) -> None:
    root = web_support.build_store(tmp_path / "store")
    folders = _write_files(tmp_path / "incoming")
    with web_support.ServerThread(create_app(StoreRef(root))) as server:
        client = httpx.Client(base_url=server.url, timeout=60)
        v0 = client.get("/api/health").json()["store_version"]
        client.get("/api/pnf/IWM")  # warm
        sizeup = Path(sys.executable).parent / "sizeup"
        # three imports, one after the other: three commits while the server answers
        script = " && ".join(
            f'"{sizeup}" --data-dir "{root}" import "{folder}"' for folder in folders
        )
        proc = subprocess.Popen(
            ["sh", "-c", script],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env={**os.environ, "SIZEUP_DATA_DIR": str(root)},
        )
        statuses: list[int] = []
        seen: dict[int, tuple[str, ...]] = {}
        versions: list[int] = []
        pnf_asof: set[str] = set()
        try:
            deadline = time.monotonic() + 300
            while proc.poll() is None and time.monotonic() < deadline:
                sym = client.get("/api/symbols")
                statuses.append(sym.status_code)
                body = sym.json()
                listed = tuple(body["symbols"])
                versions.append(body["store_version"])
                assert seen.setdefault(body["store_version"], listed) == listed
                if len(versions) % 5 == 1:
                    pnf = client.get("/api/pnf/IWM", params={"box": "2%"})
                    statuses.append(pnf.status_code)
                    pnf_asof.add(pnf.json()["asof"])
                    mon = client.get("/api/monitor", params={"sections": "scoreboard"})
                    statuses.append(mon.status_code)
        finally:
            out = proc.communicate(timeout=300)[0].decode(errors="replace")
        assert proc.returncode == 0, out
        after = client.get("/api/symbols").json()
    print(f"answers: {len(statuses)}, versions seen: {sorted(seen)}")
    assert statuses and set(statuses) == {200}, statuses
    assert len(statuses) >= 6  # the server answered while the import ran
    assert versions == sorted(versions)
    assert pnf_asof == {web_support.LAST_DAY}
    # every version lists whole batches only (a commit is seen entirely or not at all)
    for version, listed in seen.items():
        new = [s for s in NEW if s in listed]
        assert len(new) % 4 == 0 and new == NEW[: len(new)], (version, new)
    assert len(seen) >= 2, seen  # versions changed while the server was answering
    assert after["store_version"] > v0
    assert set(NEW) <= set(after["symbols"])
