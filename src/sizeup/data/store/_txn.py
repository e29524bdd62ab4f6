"""Delta writes where delta-rs's writers cannot open the path: pyarrow files, delta-rs commits.

delta-rs 1.6 names each table it writes with DataFusion by a URL whose host is made of the
table's path (``logstore::object_store_url``). A path holding ``[`` or ``]`` makes that host
invalid, and ``write_deltalake`` and ``DeltaTable.delete`` panic (delta-io/delta-rs#4099). Its
readers, ``merge``, ``optimize``, ``vacuum``, ``restore`` and its transaction API do not build
that URL. For such a path sizeup writes the Parquet files itself, with the same layout and
settings (one folder per partition value, row groups of the store's size, no dictionary for
floating-point columns, per-file statistics), and commits them with
``DeltaTable.create_write_transaction``: one commit per write, as a ``write_deltalake`` makes.
"""

from __future__ import annotations

import contextlib
import json
import math
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal
from urllib.parse import quote

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from deltalake import DeltaTable
from deltalake import Schema as DeltaSchema
from deltalake.transaction import AddAction, CommitProperties, create_table_with_add_actions

__all__ = ["needs_own_writer", "write"]

_URL_BREAKERS = "[]"


def needs_own_writer(location: str) -> bool:
    """Whether delta-rs's writers cannot open a local table ``location`` (``[`` or ``]``)."""
    return any(c in location for c in _URL_BREAKERS)


@dataclass
class _File:
    """One data file being written: its writer and running statistics."""

    rel: str
    writer: pq.ParquetWriter
    partition: dict[str, str | None]
    row_group_rows: int
    rows: int = 0
    lo: dict[str, Any] = field(default_factory=dict)
    hi: dict[str, Any] = field(default_factory=dict)
    nulls: dict[str, int] = field(default_factory=dict)

    def add(self, batch: pa.RecordBatch) -> None:
        self.writer.write_batch(batch, row_group_size=self.row_group_rows)
        self.rows += batch.num_rows
        for name, column in zip(batch.schema.names, batch.columns, strict=True):
            self.nulls[name] = self.nulls.get(name, 0) + column.null_count
            if column.null_count == len(column) or not _has_range(column.type):
                continue
            got = pc.min_max(column)
            lo, hi = got["min"].as_py(), got["max"].as_py()
            if _finite(lo) and _finite(hi):
                self.lo[name] = lo if name not in self.lo else min(self.lo[name], lo)
                self.hi[name] = hi if name not in self.hi else max(self.hi[name], hi)

    def action(self, root: Path) -> AddAction:
        self.writer.close()
        stat = (root / self.rel).stat()
        stats = {
            "numRecords": self.rows,
            "minValues": {k: _stat_value(v) for k, v in self.lo.items()},
            "maxValues": {k: _stat_value(v) for k, v in self.hi.items()},
            "nullCount": self.nulls,
        }
        return AddAction(
            self.rel,
            stat.st_size,
            self.partition,
            int(stat.st_mtime * 1000),
            True,
            json.dumps(stats),
        )


def _has_range(kind: pa.DataType) -> bool:
    """Columns given min/max statistics: numbers, strings and dates.

    Timestamps are left out: the log keeps them in milliseconds, and a maximum cut to
    milliseconds would be below the file's true maximum (a reader could skip the file wrongly).
    """
    return bool(
        pa.types.is_integer(kind)
        or pa.types.is_floating(kind)
        or pa.types.is_string(kind)
        or pa.types.is_large_string(kind)
        or pa.types.is_date32(kind)
    )


def _finite(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and not math.isfinite(value))


def _stat_value(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


def write(
    location: str,
    data: pa.Table | pa.RecordBatchReader,
    *,
    mode: Literal["append", "overwrite"],
    partition_by: str | None = None,
    only_partition: str | None = None,
    row_group_rows: int,
    commit_properties: CommitProperties | None = None,
    configuration: Mapping[str, str | None] | None = None,
) -> None:
    """Write ``data`` to the Delta table at ``location`` as one commit (creating the table).

    Parameters
    ----------
    location
        Local folder of the table.
    data
        Rows in the table's schema (partition column included).
    mode
        ``"append"`` adds files; ``"overwrite"`` also removes the files it replaces: the
        table's, or only those of partition ``only_partition``.
    partition_by
        The partition column (``None``: unpartitioned).
    only_partition
        With ``mode="overwrite"``: the one partition value replaced.
    row_group_rows
        Rows per Parquet row group.
    commit_properties, configuration
        As for ``write_deltalake`` (``configuration`` only when the table is created).
    """
    root = Path(location)
    schema = data.schema
    file_schema = (
        schema if partition_by is None else schema.remove(schema.get_field_index(partition_by))
    )
    files: dict[str | None, _File] = {}
    written: list[Path] = []
    try:
        for batch in _batches(data):
            for value, part in _split(batch, partition_by):
                if value not in files:
                    files[value] = _open(root, file_schema, partition_by, value, row_group_rows)
                    written.append(root / files[value].rel)
                files[value].add(part)
        actions = [f.action(root) for f in files.values()]
    except BaseException:
        for f in files.values():
            with contextlib.suppress(Exception):
                f.writer.close()
        for path in written:
            path.unlink(missing_ok=True)
        raise
    parts = [partition_by] if partition_by else None
    if not (root / "_delta_log").is_dir():
        create_table_with_add_actions(
            str(root),
            DeltaSchema.from_arrow(schema),
            actions,
            mode="error",
            partition_by=parts,
            configuration=configuration,
            commit_properties=commit_properties,
        )
        return
    filters = None
    if mode == "overwrite" and only_partition is not None and partition_by is not None:
        filters = [(partition_by, "=", only_partition)]
    DeltaTable(str(root)).create_write_transaction(
        list(actions),
        mode=mode,
        schema=schema,
        partition_by=parts,
        partition_filters=filters,
        commit_properties=commit_properties,
    )


def _batches(data: pa.Table | pa.RecordBatchReader) -> Iterator[pa.RecordBatch]:
    yield from (data.to_batches() if isinstance(data, pa.Table) else data)


def _split(
    batch: pa.RecordBatch, partition_by: str | None
) -> Iterable[tuple[str | None, pa.RecordBatch]]:
    """Split a batch by partition value (the parts lose the partition column)."""
    if partition_by is None:
        yield None, batch
        return
    col = batch.column(partition_by)
    rest = batch.drop_columns([partition_by])
    for value in pc.unique(col).to_pylist():
        mask = pc.is_null(col) if value is None else pc.equal(col, value)
        yield value, rest.filter(mask)


def _open(
    root: Path, schema: pa.Schema, partition_by: str | None, value: str | None, rows: int
) -> _File:
    name = f"part-00000-{uuid.uuid4()}-c000.parquet"
    if partition_by is None:
        folder, partition = "", {}
    else:
        shown = "__HIVE_DEFAULT_PARTITION__" if value is None else quote(value, safe="")
        folder = f"{partition_by}={shown}/"
        partition = {partition_by: value}
    (root / folder).mkdir(parents=True, exist_ok=True)
    plain = [f.name for f in schema if not pa.types.is_floating(f.type)]
    writer = pq.ParquetWriter(
        str(root / folder / name),
        schema,
        compression="none",
        use_dictionary=plain,
        write_statistics=True,
    )
    return _File(folder + name, writer, partition, rows)
