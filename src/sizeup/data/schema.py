"""Table contracts of the store: columns, dtypes, keys, partitioning.

Every frame written to the store passes :func:`validate`, which returns a copy with the
contract's column order and dtypes, or raises :class:`~sizeup.errors.SchemaError` naming the
table, the column and what was expected.

Tables
------
bars
    Daily prices, one row per (symbol, date, source). ``close`` is the close as the source
    gives it; ``adj_close`` is the split- and dividend-adjusted close. Sources that only
    publish adjusted prices (auto-adjusted Yahoo, Stooq, ``Date,Close`` dumps) carry adjusted
    values in ``open``/``high``/``low``/``close`` as well, and ``adj_close == close``.
    A series read from the store always comes from one source (see :mod:`sizeup.data.store._store`).
series
    Dated values of rates, spreads and factors: ``FRED:DGS10``, ``FF:SMB``, ``FF:ME_DEC01``.
    Rates are in percent as published; French returns are decimal fractions. ``vintage`` is the
    data vintage (e.g. the French CRSP vintage ``"202412"``), empty when the source has none.
actions
    Corporate actions: ``kind`` is ``"dividend"`` (cash per share) or ``"split"`` (ratio, 4.0 for
    a 4-for-1 split).
holdings
    Fund holdings snapshots. ``weight`` is a decimal fraction of the fund.
fundamentals
    Reported facts, one row per (symbol, concept, unit, period, filed, source); restatements are
    kept as separate rows with a later ``filed`` date.
symbols
    Symbol directory rows (SEC ticker -> CIK map, Nasdaq Trader listings).
payloads
    The raw-payload archive: one row per fetched or imported body; the body itself is stored
    content-addressed under ``raw/`` by its SHA-256.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import pandas as pd

from sizeup.errors import SchemaError

__all__ = [
    "ACTIONS",
    "BARS",
    "FUNDAMENTALS",
    "HOLDINGS",
    "PAYLOADS",
    "SERIES",
    "SYMBOLS",
    "TABLES",
    "ColumnKind",
    "TableSchema",
    "empty_frame",
    "validate",
]

ColumnKind = Literal["str", "date", "timestamp", "float", "int"]


@dataclass(frozen=True)
class TableSchema:
    """Contract of one store table.

    Parameters
    ----------
    name
        Table name, also the folder name under the data directory.
    columns
        Column name -> kind, in storage order.
    key
        Columns that identify a row; upserts replace rows with equal keys.
    required
        Columns that may not hold nulls (always includes the key).
    partition_by
        Columns whose values select the Parquet file a row lives in.
    sort_by
        Row order inside a file.
    """

    name: str
    columns: Mapping[str, ColumnKind]
    key: tuple[str, ...]
    required: tuple[str, ...]
    partition_by: tuple[str, ...]
    sort_by: tuple[str, ...]

    @property
    def column_names(self) -> list[str]:
        """Column names in storage order."""
        return list(self.columns)


BARS: Final = TableSchema(
    name="bars",
    columns={
        "symbol": "str",
        "date": "date",
        "open": "float",
        "high": "float",
        "low": "float",
        "close": "float",
        "adj_close": "float",
        "volume": "float",
        "source": "str",
    },
    key=("symbol", "date", "source"),
    required=("symbol", "date", "source"),
    partition_by=("source", "symbol"),
    sort_by=("symbol", "date"),
)

SERIES: Final = TableSchema(
    name="series",
    columns={
        "series_id": "str",
        "date": "date",
        "value": "float",
        "source": "str",
        "vintage": "str",
    },
    key=("series_id", "date", "source", "vintage"),
    required=("series_id", "date", "source", "vintage"),
    partition_by=("source", "series_id"),
    sort_by=("series_id", "vintage", "date"),
)

ACTIONS: Final = TableSchema(
    name="actions",
    columns={
        "symbol": "str",
        "date": "date",
        "kind": "str",
        "value": "float",
        "source": "str",
    },
    key=("symbol", "date", "kind", "source"),
    required=("symbol", "date", "kind", "value", "source"),
    partition_by=("source", "symbol"),
    sort_by=("symbol", "date", "kind"),
)

HOLDINGS: Final = TableSchema(
    name="holdings",
    columns={
        "fund": "str",
        "as_of": "date",
        "symbol": "str",
        "name": "str",
        "sector": "str",
        "asset_class": "str",
        "weight": "float",
        "shares": "float",
        "price": "float",
        "market_value": "float",
        "source": "str",
    },
    key=("fund", "as_of", "symbol"),
    required=("fund", "as_of", "symbol", "source"),
    partition_by=("fund",),
    sort_by=("fund", "as_of", "symbol"),
)

FUNDAMENTALS: Final = TableSchema(
    name="fundamentals",
    columns={
        "symbol": "str",
        "cik": "int",
        "concept": "str",
        "period_start": "date",
        "period_end": "date",
        "fiscal_year": "int",
        "fiscal_period": "str",
        "form": "str",
        "filed": "date",
        "value": "float",
        "unit": "str",
        "source": "str",
    },
    key=("symbol", "concept", "unit", "period_start", "period_end", "filed", "source"),
    required=("symbol", "concept", "unit", "period_end", "filed", "source"),
    partition_by=("source", "symbol"),
    sort_by=("symbol", "concept", "period_end", "filed"),
)

SYMBOLS: Final = TableSchema(
    name="symbols",
    columns={
        "symbol": "str",
        "name": "str",
        "cik": "int",
        "exchange": "str",
        "asset_type": "str",
        "as_of": "date",
        "source": "str",
    },
    key=("symbol", "source"),
    required=("symbol", "source"),
    partition_by=("source",),
    sort_by=("symbol",),
)

PAYLOADS: Final = TableSchema(
    name="payloads",
    columns={
        "url": "str",
        "fetched_at": "timestamp",
        "sha256": "str",
        "bytes": "int",
        "source": "str",
        "status": "int",
    },
    key=("url", "sha256"),
    required=("url", "fetched_at", "sha256", "bytes", "source"),
    partition_by=("source",),
    sort_by=("url", "fetched_at"),
)

TABLES: Final[dict[str, TableSchema]] = {
    t.name: t for t in (BARS, SERIES, ACTIONS, HOLDINGS, FUNDAMENTALS, SYMBOLS, PAYLOADS)
}

_NULLABLE_KEY_OK: Final = {("fundamentals", "period_start")}


def _coerce(col: pd.Series, kind: ColumnKind, table: str, name: str) -> pd.Series:
    try:
        if kind == "str":
            notna = col.notna().to_numpy()
            values = np.asarray(col.astype(object).to_numpy(), dtype=object)
            if pd.api.types.infer_dtype(values, skipna=True) in ("string", "empty"):
                values = values.copy()
                values[~notna] = None
                return pd.Series(values, dtype=object)
            if notna.all():
                return pd.Series(values.astype(str).astype(object), dtype=object)
            out = values.copy()
            out[notna] = values[notna].astype(str)
            out[~notna] = None
            return pd.Series(out, dtype=object)
        if kind == "date":
            dt = pd.to_datetime(col, errors="raise")
            if getattr(dt.dt, "tz", None) is not None:
                dt = dt.dt.tz_localize(None)
            return dt.dt.normalize().astype("datetime64[ns]")
        if kind == "timestamp":
            dt = pd.to_datetime(col, errors="raise", utc=True)
            return dt.dt.tz_localize(None).astype("datetime64[ns]")
        if kind == "float":
            return pd.to_numeric(col, errors="raise").astype("float64")
        num = pd.to_numeric(col, errors="raise")
        if num.notna().all() and np.all(np.mod(num.to_numpy(dtype="float64"), 1) == 0):
            return num.astype("Int64")
        if num.isna().all():
            return num.astype("Int64")
        raise ValueError("non-integer values")
    except (ValueError, TypeError, OverflowError) as exc:
        sample = col.head(3).tolist()
        raise SchemaError(
            f"table {table!r}, column {name!r}: cannot read values as {kind} "
            f"(first values {sample!r}): {exc}"
        ) from exc


def validate(
    frame: pd.DataFrame, table: TableSchema | str, *, keys_and_order: bool = True
) -> pd.DataFrame:
    """Check a frame against a table contract and return a coerced, sorted copy.

    Parameters
    ----------
    frame
        Rows for the table. Missing optional columns are added as nulls; unknown columns are an
        error.
    table
        The contract, or its name.
    keys_and_order
        Check key uniqueness and sort by ``sort_by`` (the store does both in Arrow and passes
        ``False``).

    Returns
    -------
    pandas.DataFrame
        Columns in contract order with contract dtypes, sorted by ``sort_by``, index reset.

    Raises
    ------
    SchemaError
        Unknown table or column, a value of the wrong kind, a null in a required column, or a
        duplicate key.
    """
    schema = _schema(table)
    unknown = [c for c in frame.columns if c not in schema.columns]
    if unknown:
        raise SchemaError(
            f"table {schema.name!r}: unknown column(s) {unknown}; valid columns are "
            f"{schema.column_names}"
        )
    out = pd.DataFrame(index=range(len(frame)))
    for name, kind in schema.columns.items():
        if name in frame.columns:
            col = frame[name].reset_index(drop=True)
        else:
            col = pd.Series([None] * len(frame), dtype=object)
        out[name] = _coerce(col, kind, schema.name, name)
    for name in schema.required:
        nulls = out[name].isna()
        if nulls.any() and (schema.name, name) not in _NULLABLE_KEY_OK:
            first = int(np.flatnonzero(nulls.to_numpy())[0])
            raise SchemaError(
                f"table {schema.name!r}: column {name!r} is required but row {first} is null"
            )
    if not keys_and_order:
        return out
    dup = out.duplicated(subset=list(schema.key), keep=False)
    if dup.any():
        example = out.loc[dup, list(schema.key)].head(2).to_dict("records")
        raise SchemaError(
            f"table {schema.name!r}: duplicate key {schema.key} in {int(dup.sum())} rows, "
            f"e.g. {example}"
        )
    return out.sort_values(list(schema.sort_by), kind="mergesort").reset_index(drop=True)


def empty_frame(table: TableSchema | str) -> pd.DataFrame:
    """Return an empty frame with the table's columns and dtypes."""
    return validate(pd.DataFrame(columns=_schema(table).column_names), table)


def _schema(table: TableSchema | str) -> TableSchema:
    if isinstance(table, TableSchema):
        return table
    try:
        return TABLES[table]
    except KeyError:
        raise SchemaError(f"unknown table {table!r}; valid tables are {sorted(TABLES)}") from None
