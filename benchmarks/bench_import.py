"""Benchmark: import ../shared/data into a temporary store, then read the cross-section back.

Reports import throughput (rows/s), the time of a second, no-op import, and the time to read the
1,848-symbol adjusted-close panel through ``Store.panel`` against reading the same Parquet files
directly with pyarrow (ratio = overhead of source selection, DuckDB and pivoting).

Run ``python benchmarks/bench_import.py`` (``--quick`` imports only the cross-section file).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from sizeup.data.ingest import import_paths
from sizeup.data.store import Store

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
MATRIX = SHARED / "xsec" / "iwm_members_adjclose_2000_2026.csv.gz"
MATRIX_SOURCE = "matrix_csv/xsec"


def run(quick: bool) -> dict[str, Any]:
    """Import, re-import and read back; return the measured figures.

    Parameters
    ----------
    quick
        Import only the 1,848-ticker matrix instead of the whole data folder.
    """
    if not SHARED.is_dir():
        raise SystemExit(f"{SHARED} not found: the benchmark needs ../shared/data")
    paths = [MATRIX] if quick else [SHARED]
    with tempfile.TemporaryDirectory(prefix="sizeup-bench-") as tmp:
        store = Store.open(tmp)
        t0 = time.perf_counter()
        first = import_paths(paths, store)
        t_import = time.perf_counter() - t0
        t0 = time.perf_counter()
        second = import_paths(paths, store)
        t_again = time.perf_counter() - t0

        folder = store.partition_path("bars", [MATRIX_SOURCE, "X"]).parent
        files = [p for p in store.files("bars") if p.parent == folder]
        t0 = time.perf_counter()
        panel = store.panel(source=MATRIX_SOURCE)
        t_panel = time.perf_counter() - t0
        t0 = time.perf_counter()
        tables = [pq.read_table(p, columns=["symbol", "date", "adj_close"]) for p in files]
        direct = pa.concat_tables(tables)
        t_direct = time.perf_counter() - t0
        return {
            "mode": "quick" if quick else "full",
            "files": len(first.files),
            "rows": first.rows,
            "import_s": t_import,
            "rows_per_s": first.rows / t_import if t_import else float("nan"),
            "reimport_s": t_again,
            "reimport_files_written": second.files_written,
            "panel_shape": panel.shape,
            "panel_s": t_panel,
            "pyarrow_rows": direct.num_rows,
            "pyarrow_s": t_direct,
            "panel_vs_pyarrow": t_panel / t_direct if t_direct else float("nan"),
        }


def _markdown(res: dict[str, Any]) -> str:
    rows = [
        ("mode", res["mode"]),
        ("files", f"{res['files']}"),
        ("rows imported", f"{res['rows']:,}"),
        ("import time", f"{res['import_s']:.1f} s"),
        ("throughput", f"{res['rows_per_s']:,.0f} rows/s"),
        (
            "re-import (no change)",
            f"{res['reimport_s']:.1f} s, {res['reimport_files_written']} files written",
        ),
        ("Store.panel (1,848 symbols)", f"{res['panel_s']:.2f} s, shape {res['panel_shape']}"),
        (
            "pyarrow read of the same files",
            f"{res['pyarrow_s']:.2f} s, {res['pyarrow_rows']:,} rows",
        ),
        ("panel / pyarrow", f"{res['panel_vs_pyarrow']:.1f}x"),
    ]
    out = ["| measure | value |", "|---|---|"]
    out += [f"| {k} | {v} |" for k, v in rows]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="import only the matrix file")
    args = parser.parse_args(argv)
    print(_markdown(run(args.quick)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
