"""Benchmark: import ../shared/data into a Delta Lake store, side by side with its floors.

Measured in one run (issue 11):

- the pyarrow-only floor: read, gunzip and ``pyarrow.csv.read_csv`` every CSV file;
- ``import`` of the whole folder into a fresh store (in a child process: wall and CPU time,
  user + system, and peak resident memory), then the re-import of unchanged files;
- ``store info`` in a fresh process (Delta logs and the catalog only);
- ``Store.panel`` of the 1,848-symbol cross-section against reading the same columns of the
  same Parquet files with pyarrow (medians of 3; again after ``store optimize``);
- a 1 MB gzip bomb (1 GiB inflated) read by the importer: time to the error and memory.

Run ``python benchmarks/bench_import.py`` (``--quick`` imports only the cross-section file).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq

T = TypeVar("T")
SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
MATRIX = SHARED / "xsec" / "iwm_members_adjclose_2000_2026.csv.gz"
MATRIX_SOURCE = "matrix_csv/xsec"

_HWM = """
def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")
"""

_CPU = """
import resource
def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime
"""

_CHILD_IMPORT = (
    _HWM
    + _CPU
    + """
import json, sys, time
from pathlib import Path
from sizeup.data.ingest import import_paths
from sizeup.data.store import Store
store = Store.open(sys.argv[1])
paths = [Path(p) for p in sys.argv[2:]]
c0 = cpu(); t0 = time.perf_counter(); first = import_paths(paths, store)
t1 = time.perf_counter(); c1 = cpu()
rss = hwm()
t2 = time.perf_counter(); second = import_paths(paths, store); t3 = time.perf_counter(); c3 = cpu()
print(json.dumps({"import_s": t1 - t0, "import_cpu_s": c1 - c0, "rows": first.rows,
                  "files": len(first.files), "failed": first.failed, "peak_mb": rss,
                  "reimport_s": t3 - t2, "reimport_cpu_s": c3 - c1,
                  "reimport_changed": second.rows_added + second.rows_changed,
                  "version": store.refresh().version}))
"""
)

_CHILD_INFO = """
import json, sys, time
t0 = time.perf_counter()
from sizeup.data.store import Store
t1 = time.perf_counter()
info = Store.open(sys.argv[1]).info()
t2 = time.perf_counter()
print(json.dumps({"info_s": t2 - t1, "with_imports_s": t2 - t0,
                  "rows": sum(t.rows for t in info.tables)}))
"""

_CHILD_BOMB = (
    _HWM
    + """
import json, sys, time
from sizeup.data.ingest import read_file
from sizeup.errors import ImportFormatError
base = hwm()
t0 = time.perf_counter()
try:
    read_file(sys.argv[1]); msg = "no error"
except ImportFormatError as exc:
    msg = str(exc)
t1 = time.perf_counter()
peak = hwm()
print(json.dumps({"bomb_s": t1 - t0, "bomb_peak_mb": peak, "bomb_growth_mb": peak - base,
                  "bomb_error": msg[-120:]}))
"""
)


def _child(code: str, *args: str) -> dict[str, Any]:
    out = subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True
    )
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _pyarrow_floor(paths: list[Path]) -> dict[str, Any]:
    files = [p for root in paths for p in ([root] if root.is_file() else sorted(root.rglob("*")))]
    rows = 0
    parsed = 0
    t0 = time.perf_counter()
    c0 = time.process_time()
    for path in files:
        if not path.is_file() or path.name.startswith(".") or ".csv" not in path.name.lower():
            continue
        data = path.read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = zlib.decompress(data, 16 + zlib.MAX_WBITS)
        try:
            table = pacsv.read_csv(pa.py_buffer(data))
        except pa.ArrowInvalid:
            continue  # preambles (French, iShares) need the format parsers
        rows += table.num_rows
        parsed += 1
    return {
        "floor_s": time.perf_counter() - t0,
        "floor_cpu_s": time.process_time() - c0,
        "floor_files": parsed,
        "floor_rows": rows,
    }


def _bomb(path: Path) -> None:
    engine = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    block = b"\0" * (16 << 20)
    path.write_bytes(b"".join([*(engine.compress(block) for _ in range(64)), engine.flush()]))


def run(quick: bool) -> dict[str, Any]:
    """Measure the floor, import, re-import, info, panel and the gzip bomb.

    Parameters
    ----------
    quick
        Import only the 1,848-ticker matrix instead of the whole data folder.
    """
    if not SHARED.is_dir():
        raise SystemExit(f"{SHARED} not found: the benchmark needs ../shared/data")
    paths = [MATRIX] if quick else [SHARED]
    res: dict[str, Any] = {
        "title": "Delta Lake store: import, re-import, info, panel, gzip bomb (issue 11)",
        "mode": "quick" if quick else "full",
        "cpus": os.cpu_count(),
    }
    res.update(_pyarrow_floor(paths))
    with tempfile.TemporaryDirectory(prefix="sizeup-bench-") as tmp:
        root = Path(tmp) / "store"
        res.update(_child(_CHILD_IMPORT, str(root), *map(str, paths)))
        res.update(_child(_CHILD_INFO, str(root)))
        from sizeup.data.store import Store

        store = Store.open(root)
        files = store.snapshot_files("bars")
        mine = list(files.loc[files["source"] == MATRIX_SOURCE, "path"])
        t0 = time.perf_counter()
        store.panel(source=MATRIX_SOURCE)  # the first in the process also loads numba
        res["panel_first_s"] = time.perf_counter() - t0
        res["panel_s"], panel = _median3(lambda: store.panel(source=MATRIX_SOURCE))
        res["panel_shape"] = list(panel.shape)
        res["pyarrow_s"], direct = _median3(
            lambda: pq.read_table(mine, columns=["symbol", "date", "adj_close"])
        )
        res["pyarrow_rows"] = direct.num_rows
        res["panel_vs_pyarrow"] = res["panel_s"] / res["pyarrow_s"]
        # the import leaves a partition in several files, sorted within each file only;
        # `sizeup store optimize` rewrites it as files sorted by (symbol, date)
        store.optimize()
        files = store.snapshot_files("bars")
        mine = list(files.loc[files["source"] == MATRIX_SOURCE, "path"])
        res["opt_panel_s"], _ = _median3(lambda: store.panel(source=MATRIX_SOURCE))
        res["opt_pyarrow_s"], _ = _median3(
            lambda: pq.read_table(mine, columns=["symbol", "date", "adj_close"])
        )
        symbols = list(panel.columns)
        t0 = time.perf_counter()
        preferred = store.panel(symbols)
        res["panel_preferred_s"] = time.perf_counter() - t0
        res["panel_preferred_shape"] = list(preferred.shape)
        # a data directory with "[" and "]": sizeup's own Delta writer (delta-rs's panics)
        odd = _child(_CHILD_IMPORT, str(Path(tmp) / "store [2]"), *map(str, paths))
        res["bracket_import_s"], res["bracket_rows"] = odd["import_s"], odd["rows"]
        res["bracket_import_cpu_s"], res["bracket_peak_mb"] = odd["import_cpu_s"], odd["peak_mb"]
        bomb = Path(tmp) / "bomb.csv.gz"
        _bomb(bomb)
        res["bomb_bytes"] = bomb.stat().st_size
        res.update(_child(_CHILD_BOMB, str(bomb)))
    return res


def _median3(fn: Callable[[], T]) -> tuple[float, T]:
    """Median wall time of three calls, and the last result."""
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t0)
    return sorted(times)[1], out


def _markdown(res: dict[str, Any]) -> str:
    rows = [
        ("mode / CPUs", f"{res['mode']} / {res['cpus']}"),
        (
            "floor: pyarrow read_csv of the same files",
            f"{res['floor_s']:.1f} s wall, {res['floor_cpu_s']:.1f} s CPU "
            f"({res['floor_files']} CSV files, {res['floor_rows']:,} rows)",
        ),
        (
            "sizeup import (batched commits, 2 parse workers)",
            f"{res['import_s']:.1f} s wall, {res['import_cpu_s']:.1f} s CPU, {res['rows']:,} "
            f"rows, {res['files']} files ({res['failed']} failed), store version "
            f"{res['version']}",
        ),
        ("import peak memory (RSS)", f"{res['peak_mb']:,.0f} MB"),
        (
            "re-import, unchanged files",
            f"{res['reimport_s']:.2f} s wall, {res['reimport_cpu_s']:.2f} s CPU, "
            f"{res['reimport_changed']} rows changed",
        ),
        (
            "store info (fresh process)",
            f"{res['info_s']:.2f} s ({res['with_imports_s']:.2f} s with imports)",
        ),
        (
            "Store.panel, one source (cross-section)",
            f"{res['panel_s']:.2f} s, shape {tuple(res['panel_shape'])}",
        ),
        (
            "pyarrow read of the same columns/files",
            f"{res['pyarrow_s']:.2f} s, {res['pyarrow_rows']:,} rows",
        ),
        ("panel / pyarrow", f"{res['panel_vs_pyarrow']:.2f}x"),
        ("Store.panel, first call in the process (loads numba)", f"{res['panel_first_s']:.2f} s"),
        (
            "after `store optimize`: Store.panel / pyarrow read",
            f"{res['opt_panel_s']:.2f} s / {res['opt_pyarrow_s']:.2f} s = "
            f"{res['opt_panel_s'] / res['opt_pyarrow_s']:.2f}x",
        ),
        (
            "Store.panel, preferred source per symbol",
            f"{res['panel_preferred_s']:.2f} s, shape {tuple(res['panel_preferred_shape'])}",
        ),
        (
            "import into a folder named `store [2]` (sizeup's own Delta writer)",
            f"{res['bracket_import_s']:.1f} s wall, {res['bracket_import_cpu_s']:.1f} s CPU, "
            f"{res['bracket_rows']:,} rows, peak {res['bracket_peak_mb']:,.0f} MB",
        ),
        (
            "gzip bomb (1 GiB inflated)",
            f"{res['bomb_bytes']:,} bytes: error after {res['bomb_s']:.2f} s, "
            f"peak {res['bomb_peak_mb']:,.0f} MB (+{res['bomb_growth_mb']:,.0f} MB)",
        ),
    ]
    out = ["| measure | value |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in rows]
    out += [
        "",
        "Wall times move with the machine's speed: compare them with the floor row of the same "
        "run (pyarrow's parse alone), and the panel with the pyarrow read beside it.",
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark and print a Markdown table."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="import only the matrix file")
    args = parser.parse_args(argv)
    res = run(args.quick)
    print(_markdown(res))
    print(json.dumps(res, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
