"""Delta Lake plumbing of the store: locations, Arrow schemas, opening, writing, cleaning.

Every store table is one Delta table (``deltalake``, delta-rs) under ``<root>/tables/<name>``,
partitioned by ``source`` (never by symbol). The store adds two tables of its own:

``_catalog``
    Per (table, source, entity): rows, first and last date and the non-null count of each
    value column, rewritten in the same store commit as the data it describes, so source
    preference and ``store info`` never scan the data.
``_journal``
    One row per store commit (an import of one file, a fetch item, a restore...): when, what,
    rows added/changed and the Delta version of every table after it. The journal's own Delta
    version *is* the store version; readers open each table at the versions its row names, so
    they see one consistent snapshot even while a writer commits.
"""

from __future__ import annotations

import contextlib
import json
import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlparse

import numpy as np
import pandas as pd
import pyarrow as pa

from sizeup.data.schema import TABLES, ColumnKind, TableSchema
from sizeup.errors import StoreError

__all__ = [
    "CATALOG",
    "JOURNAL",
    "PARTITION",
    "arrow_schema",
    "is_remote",
    "orphan_files",
    "table_location",
    "to_arrow",
]

CATALOG: Final = "_catalog"
JOURNAL: Final = "_journal"
PARTITION: Final = "source"  # every data table is partitioned by source only

_ARROW: Final[dict[ColumnKind, pa.DataType]] = {
    "str": pa.string(),
    "date": pa.date32(),
    "timestamp": pa.timestamp("us", tz="UTC"),
    "float": pa.float64(),
    "int": pa.int64(),
}
# characters delta-rs 1.6 cannot take in a local path: it decodes "%41" in the path (another
# folder), and the file paths it reports for "#" read "%23". "[" and "]" break only its
# writers, which sizeup replaces for such paths (see _txn).
_BAD_PATH_CHARS: Final = "%#"

CATALOG_VALUES: Final = ("open", "high", "low", "close", "adj_close", "volume", "value")
CATALOG_SCHEMA: Final = pa.schema(
    [
        ("table", pa.string()),
        ("source", pa.string()),
        ("entity", pa.string()),
        ("rows", pa.int64()),
        ("first", pa.date32()),
        ("last", pa.date32()),
        *[(f"n_{c}", pa.int64()) for c in CATALOG_VALUES],
    ]
)
JOURNAL_SCHEMA: Final = pa.schema(
    [
        ("store_version", pa.int64()),
        ("committed_at", pa.timestamp("us", tz="UTC")),
        ("operation", pa.string()),
        ("detail", pa.string()),
        ("rows_added", pa.int64()),
        ("rows_changed", pa.int64()),
        ("rows_removed", pa.int64()),
        ("table_versions", pa.string()),  # JSON {table: delta version}
    ]
)


def is_remote(root: str) -> bool:
    """Whether a data directory is an object-store URI (``s3://``, ``gs://``, ``az://``...)."""
    scheme = urlparse(root).scheme
    return len(scheme) > 1 and scheme != "file"


def table_location(root: str, name: str) -> str:
    """Location of one Delta table (a local path or an object-store URI).

    Raises
    ------
    StoreError
        A local path holds a character delta-rs cannot open.
    """
    if is_remote(root):
        return root.rstrip("/") + f"/tables/{name}"
    bad = sorted({c for c in root if c in _BAD_PATH_CHARS})
    if bad:
        raise StoreError(
            f"data directory {root!r} contains {''.join(bad)!r}, which the Delta Lake library "
            f"cannot open; choose a folder without the characters {_BAD_PATH_CHARS!r}",
            input="--data-dir",
            value=root,
            valid=f"a path without any of {_BAD_PATH_CHARS!r}",
        )
    return str(Path(root) / "tables" / name)


def arrow_schema(schema: TableSchema) -> pa.Schema:
    """Arrow schema of a store table (dates as ``date32``, timestamps in UTC)."""
    return pa.schema([(name, _ARROW[kind]) for name, kind in schema.columns.items()])


def to_arrow(frame: pd.DataFrame, schema: TableSchema) -> pa.Table:
    """Convert a validated frame (contract dtypes) to the table's Arrow schema."""
    arrays: list[pa.Array] = []
    for name, kind in schema.columns.items():
        col = frame[name]
        if kind == "date":
            values = col.to_numpy(dtype="datetime64[ns]").astype("datetime64[D]")
            arrays.append(pa.array(values, type=pa.date32(), mask=np.isnat(values)))
        elif kind == "timestamp":
            values = col.to_numpy(dtype="datetime64[ns]").astype("datetime64[us]")
            arrays.append(pa.array(values, mask=np.isnat(values)).cast(_ARROW[kind]))
        elif kind == "int":
            arrays.append(pa.array(col, type=pa.int64(), from_pandas=True))
        elif kind == "float":
            values = col.to_numpy(dtype="float64")
            arrays.append(pa.array(values, type=pa.float64(), from_pandas=True))
        else:
            arrays.append(pa.array(col, type=pa.string(), from_pandas=True))
    return pa.Table.from_arrays(arrays, schema=arrow_schema(schema))


def frame_to_arrow(frame: pd.DataFrame, schema: TableSchema) -> pa.Table | None:
    """Convert a frame whose columns already have contract dtypes straight to Arrow.

    The fast path of a write: no pandas copy per column. String columns may be ``object``,
    pandas ``str`` or ``category``; dates ``datetime64`` without a time zone; floats any numpy
    float or integer dtype; integers ``int64``/``Int64``. Missing optional columns become
    NULL. NaN in a float column becomes NULL, as in :func:`to_arrow`.

    To keep big imports small in memory, a categorical column stays dictionary-encoded
    (``dictionary<string>``: one code per row) and float columns without any value share one
    zero-filled buffer that is never written to. :func:`plain` gives the contract's types.

    Returns
    -------
    pyarrow.Table or None
        ``None`` when a column needs coercion, a column is unknown, or a required column holds
        NULLs: the caller then takes the slow path (:func:`sizeup.data.schema.validate` and
        :func:`to_arrow`), which coerces or raises the contract's error.
    """
    if any(c not in schema.columns for c in frame.columns):
        return None
    n = len(frame)
    arrays: list[pa.Array] = []
    empty = _NullFloats(n)
    try:
        for name, kind in schema.columns.items():
            if name not in frame.columns:
                if name in schema.required:
                    return None
                arrays.append(empty.get() if kind == "float" else pa.nulls(n, _ARROW[kind]))
                continue
            arr = _column_to_arrow(frame[name], kind)
            if arr is None or (name in schema.required and arr.null_count):
                return None
            if kind == "float" and n and arr.null_count == n:
                arr = empty.get()
            arrays.append(arr)
    except (pa.ArrowException, ValueError, TypeError, OverflowError):
        return None
    return pa.Table.from_arrays(arrays, names=list(schema.columns))


class _NullFloats:
    """All-NULL float64 arrays of one length sharing one lazily zeroed buffer."""

    def __init__(self, n: int) -> None:
        self.n = n
        self._array: pa.Array | None = None

    def get(self) -> pa.Array:
        if self._array is None:
            # np.zeros takes fresh zero pages from the OS: no memory is touched until read
            validity = pa.py_buffer(np.zeros((self.n + 7) // 8, dtype=np.uint8))
            data = pa.py_buffer(np.zeros(self.n, dtype=np.float64))
            self._array = pa.Array.from_buffers(
                pa.float64(), self.n, [validity, data], null_count=self.n
            )
        return self._array


def plain(table: pa.Table, schema: TableSchema) -> pa.Table:
    """Return ``table`` with the contract's Arrow types (dictionary columns decoded)."""
    target = arrow_schema(schema)
    if table.schema.equals(target):
        return table
    return table.select(target.names).cast(target)


def _column_to_arrow(col: pd.Series, kind: ColumnKind) -> pa.Array | None:
    """One column with a contract dtype as an Arrow array, or ``None`` when it needs coercion."""
    dtype = col.dtype
    if kind == "str":
        if isinstance(dtype, pd.CategoricalDtype):
            cats = dtype.categories
            if len(cats) and pd.api.types.infer_dtype(cats, skipna=False) != "string":
                return None
            arr = pa.array(col, from_pandas=True)
            values = arr.dictionary.cast(pa.string())
            return pa.DictionaryArray.from_arrays(arr.indices, values)
        if pd.api.types.is_string_dtype(dtype):  # object columns included
            # raises ArrowTypeError on a non-string value (the slow path turns it into text)
            return pa.array(col, type=pa.string(), from_pandas=True)
        return None
    if kind in ("date", "timestamp"):
        if not (isinstance(dtype, np.dtype) and dtype.kind == "M"):
            return None  # strings, objects, tz-aware: let validate() coerce
        values = col.to_numpy()
        if kind == "date":
            days = values.astype("datetime64[D]")  # floors a time of day, like normalize()
            return pa.array(days, type=pa.date32(), mask=np.isnat(days))
        micros = values.astype("datetime64[us]")
        return pa.array(micros, mask=np.isnat(micros)).cast(_ARROW[kind])
    if kind == "float":
        if not (isinstance(dtype, np.dtype) and dtype.kind in "fiu"):
            return None
        return pa.array(col.to_numpy(dtype="float64"), type=pa.float64(), from_pandas=True)
    if isinstance(dtype, np.dtype) and dtype.kind in "iu":
        return pa.array(col.to_numpy(), type=pa.int64())
    if isinstance(dtype, pd.Int64Dtype):
        return pa.array(col, type=pa.int64(), from_pandas=True)
    return None


def known_tables() -> Iterable[str]:
    """Return the data tables, then the catalog (the journal is always written last)."""
    return [*TABLES, CATALOG]


def referenced_files(location: str) -> set[str]:
    """Relative paths of every data file any version of a local table ever added.

    Reads the JSON commits and checkpoints in ``_delta_log``; used after a crash to tell the
    files of an interrupted write from files that older versions still need.
    """
    log_dir = Path(location) / "_delta_log"
    seen: set[str] = set()
    if not log_dir.is_dir():
        return seen
    for entry in log_dir.iterdir():
        if entry.name.endswith(".json") and not entry.name.startswith("_"):
            with entry.open("r", encoding="utf-8") as handle:
                for line in handle:
                    action = json.loads(line)
                    for kind in ("add", "remove"):
                        if kind in action:
                            seen.add(_unquote_path(action[kind]["path"]))
        elif ".checkpoint" in entry.name and entry.name.endswith(".parquet"):
            import pyarrow.parquet as pq

            table = pq.read_table(entry, columns=["add", "remove"])
            for kind in ("add", "remove"):
                for item in table.column(kind).to_pylist():
                    if item and item.get("path"):
                        seen.add(_unquote_path(item["path"]))
    return seen


def _unquote_path(path: str) -> str:
    from urllib.parse import unquote

    return unquote(path)


def orphan_files(location: str) -> list[Path]:
    """Files of a local table that no committed version references (left by a crash)."""
    base = Path(location)
    if not base.is_dir():
        return []
    keep = referenced_files(location)
    out: list[Path] = []
    for path in base.rglob("*"):
        if not path.is_file():
            continue
        rel = path.relative_to(base).as_posix()
        if rel.startswith("_delta_log/"):
            if rel.endswith(".tmp") or "/_commit_" in rel or rel.startswith("_delta_log/_commit"):
                out.append(path)
            continue
        if rel not in keep and _unquote_path(rel) not in keep:
            out.append(path)
    return out


def remove_files(paths: Iterable[Path]) -> int:
    """Delete files, ignoring those already gone; return how many were removed."""
    removed = 0
    for path in paths:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(path)
            removed += 1
    return removed


def versions_json(versions: Mapping[str, int]) -> str:
    """Serialise table versions for the journal."""
    return json.dumps(dict(sorted(versions.items())), separators=(",", ":"))


def parse_versions(text: str | None) -> dict[str, int]:
    """Inverse of :func:`versions_json`."""
    if not text:
        return {}
    raw: Any = json.loads(text)
    return {str(k): int(v) for k, v in raw.items()}
