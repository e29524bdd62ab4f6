"""Checks run on rows before a store commit: row validity and changes to stored values.

Row rules (:func:`check_rows`)
------------------------------
* every float is finite (``inf``/``-inf`` refused; NULL is allowed where the contract allows);
* series values are at most ``1e9`` in absolute value and volumes lie in ``[0, 1e15]``;
* a bars row with open/high/low has a close;
* bars keep ``high >= max(open, close) >= min(open, close) >= low`` wherever the values are
  present, within a relative tolerance of ``1e-6`` (rounding of adjusted prices);
* dates lie between 1800-01-01 and the end of the trading calendar;
* keys are unique (checked by :func:`sizeup.data.schema.validate`).

A row breaking one of these makes the whole write fail with :class:`InvalidRowsError`, which
names the row (its key), the column and the value: nothing is written. Bars rows with a price
``<= 0`` or above ``1e9`` (a ``1e308`` from a damaged file; vendor matrices carry 0, negative
or absurd adjusted closes for delisted symbols) and rows without any price are not written
either: they are removed and reported (count and first example), so they never replace a
stored value.

Change rules (:func:`compare`)
------------------------------
A write that would change stored values reports how many rows and values change and the
largest changes. It is refused with :class:`ChangesRefusedError` (unless accepted) when a
stored value would turn into NULL, or a stored price would move by more than
:data:`MAX_JUMP` (50 %) relative to the stored value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date as date_type
from typing import Any, Final

import numpy as np
import pandas as pd
import pyarrow as pa

from sizeup.calendar import CALENDAR_END
from sizeup.data.schema import TableSchema
from sizeup.errors import SchemaError, StoreError

__all__ = [
    "MAX_JUMP",
    "ChangeReport",
    "ChangesRefusedError",
    "InvalidRowsError",
    "check_rows",
    "check_table",
    "compare",
]

MAX_JUMP: Final = 0.5
MAX_ABS_VALUE: Final = 1e9
MAX_VOLUME: Final = 1e15
FIRST_DATE: Final = pd.Timestamp("1800-01-01")
OHLC_RTOL: Final = 1e-6
PRICES: Final = ("open", "high", "low", "close", "adj_close")


class InvalidRowsError(SchemaError):
    """Rows break a value rule; nothing was written.

    Attributes
    ----------
    table, column
        Where the first bad value is.
    row
        The key of the first bad row (column -> value).
    value
        The bad value.
    count
        Rows breaking this rule.
    """

    def __init__(
        self,
        message: str,
        *,
        table: str,
        column: str,
        row: dict[str, Any],
        value: object,
        count: int,
        valid: str,
    ) -> None:
        super().__init__(message, input=f"{table}.{column}", value=value, valid=valid)
        self.table = table
        self.column = column
        self.row = row
        self.count = count


class ChangesRefusedError(StoreError):
    """A write would change stored values beyond the thresholds; nothing was written.

    Attributes
    ----------
    report
        The :class:`ChangeReport` (counts and the largest changes).
    """

    def __init__(self, message: str, *, report: ChangeReport) -> None:
        super().__init__(
            message,
            input=report.table,
            value=report.refused,
            valid=f"changes of at most {MAX_JUMP:.0%} and no value turning into NULL "
            "(or accept them with --accept-changes)",
        )
        self.report = report


@dataclass(frozen=True)
class ChangeReport:
    """Changes a write makes to stored rows of one table.

    Parameters
    ----------
    table
        Table name.
    rows_changed
        Stored rows whose values change.
    values_changed
        Changed values (cells).
    refused
        Changed values beyond the thresholds.
    largest
        Up to 5 largest changes: key columns, ``column``, ``old``, ``new``, ``change``
        (relative, NaN when a value appears or turns into NULL).
    """

    table: str
    rows_changed: int = 0
    values_changed: int = 0
    refused: int = 0
    largest: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    def summary(self) -> str:
        """One line with the counts and the largest change."""
        if not self.rows_changed:
            return f"{self.table}: no stored value changes"
        text = (
            f"{self.table}: {self.rows_changed:,} stored rows change "
            f"({self.values_changed:,} values, {self.refused:,} beyond the limits)"
        )
        if not self.largest.empty:
            text += "; largest: " + "; ".join(
                _describe({str(k): v for k, v in r.items()})
                for r in self.largest.to_dict("records")
            )
        return text


def _describe(rec: dict[str, Any]) -> str:
    key = " ".join(
        str(v.date()) if isinstance(v, pd.Timestamp) else str(v)
        for k, v in rec.items()
        if k not in ("column", "old", "new", "change")
    )
    change = "" if pd.isna(rec["change"]) else f" ({rec['change']:+.1%})"
    return f"{key} {rec['column']} {rec['old']!r} -> {rec['new']!r}{change}"


def _key_of(frame: pd.DataFrame, schema: TableSchema, index: int) -> dict[str, Any]:
    return {k: frame[k].iloc[index] for k in schema.key}


def _fail(  # noqa: PLR0917 - internal helper, every argument names part of the message
    frame: pd.DataFrame,
    schema: TableSchema,
    mask: np.ndarray,
    column: str,
    rule: str,
    valid: str,
) -> None:
    first = int(np.flatnonzero(mask)[0])
    row = _key_of(frame, schema, first)
    value = _plain(frame[column].iloc[first])
    where = ", ".join(
        f"{k}={v.date() if isinstance(v, pd.Timestamp) else v}" for k, v in row.items()
    )
    raise InvalidRowsError(
        f"table {schema.name!r}: {int(mask.sum()):,} rows with {rule}, e.g. row {first + 1} "
        f"({where}) {column}={value!r}; valid: {valid}; nothing was written",
        table=schema.name,
        column=column,
        row=row,
        value=value,
        count=int(mask.sum()),
        valid=valid,
    )


def check_rows(frame: pd.DataFrame, schema: TableSchema) -> tuple[pd.DataFrame, str]:
    """Apply the row rules to a validated frame.

    Returns
    -------
    tuple
        The rows to write (bars with a price ``<= 0`` removed) and a note on removed rows
        (empty when none).

    Raises
    ------
    InvalidRowsError
        A row breaks a rule (see the module notes); nothing may be written.
    """
    if frame.empty:
        return frame, ""
    for name, kind in schema.columns.items():
        if kind == "float":
            values = frame[name].to_numpy(dtype="float64")
            inf = np.isinf(values)
            if inf.any():
                _fail(frame, schema, inf, name, "non-finite values", "finite numbers or empty")
            limit = MAX_VOLUME if name == "volume" else MAX_ABS_VALUE
            big = np.abs(np.nan_to_num(values)) > limit
            ranged = name == "volume" or (schema.name, name) == ("series", "value")
            if ranged and big.any():
                _fail(frame, schema, big, name, "values out of range", f"|x| <= {limit:g}")
            if name == "volume":
                neg = np.nan_to_num(values) < 0
                if neg.any():
                    _fail(frame, schema, neg, name, "negative volumes", "volume >= 0")
        elif kind == "date":
            dates = frame[name]
            out = ((dates < FIRST_DATE) | (dates > CALENDAR_END)).to_numpy()
            if out.any():
                _fail(
                    frame,
                    schema,
                    out,
                    name,
                    "dates outside the calendar",
                    f"{FIRST_DATE.date()} .. {CALENDAR_END.date()}",
                )
    if schema.name != "bars":
        return frame, ""
    px = {c: frame[c].to_numpy(dtype="float64") for c in PRICES}
    nonpos = np.zeros(len(frame), dtype=bool)
    empty = np.ones(len(frame), dtype=bool)
    for c in PRICES:
        value = np.nan_to_num(px[c], nan=1.0)
        nonpos |= (value <= 0) | (value > MAX_ABS_VALUE)
        empty &= np.isnan(px[c])
    has_range = ~(np.isnan(px["open"]) & np.isnan(px["high"]) & np.isnan(px["low"]))
    no_close = has_range & np.isnan(px["close"]) & np.isnan(px["adj_close"])
    if no_close.any():
        _fail(frame, schema, no_close, "close", "no close but other prices", "a close price")
    keep = ~(nonpos | empty)
    notes = []
    if nonpos.any():
        first = int(np.flatnonzero(nonpos)[0])
        bad_col = next(
            c for c in PRICES if not 0 < np.nan_to_num(px[c][first], nan=1.0) <= MAX_ABS_VALUE
        )
        notes.append(
            f"{int(nonpos.sum()):,} rows with a price <= 0 or > {MAX_ABS_VALUE:g} not written, "
            f"e.g. {frame['symbol'].iloc[first]} {frame['date'].iloc[first].date()} "
            f"{bad_col}={float(px[bad_col][first])!r}"
        )
    if empty.any():
        notes.append(f"{int(empty.sum()):,} rows without any price not written")
    note = "; ".join(notes)
    o, h, low, cl = px["open"], px["high"], px["low"], px["close"]
    with np.errstate(invalid="ignore"):
        top = np.fmax(o, cl)
        bottom = np.fmin(o, cl)
        tol_h = np.abs(h) * OHLC_RTOL
        tol_l = np.abs(low) * OHLC_RTOL
        bad_high = keep & (top - h > tol_h)
        bad_low = keep & (low - bottom > tol_l)
        bad_range = keep & (low - h > tol_h)
    for mask, col, rule in (
        (bad_high, "high", "high below open or close"),
        (bad_low, "low", "low above open or close"),
        (bad_range, "low", "low above high"),
    ):
        if mask.any():
            _fail(frame, schema, mask, col, rule, "high >= max(open, close) >= min(...) >= low")
    if not keep.all():
        frame = frame[keep].reset_index(drop=True)
    return frame, note


def _fail_table(  # noqa: PLR0917 - internal helper, every argument names part of the message
    table: pa.Table,
    schema: TableSchema,
    mask: np.ndarray,
    column: str,
    rule: str,
    valid: str,
) -> None:
    """Raise :class:`InvalidRowsError` for the first row of ``mask`` (Arrow rows)."""
    first = int(np.flatnonzero(mask)[0])
    picked = table.slice(first, 1).to_pylist()[0]
    row = {k: _stamp(picked[k]) for k in schema.key}
    value = _plain(_stamp(picked[column]))
    if value is None and pa.types.is_floating(table.schema.field(column).type):
        value = float("nan")  # as the pandas rules report an empty price
    where = ", ".join(
        f"{k}={v.date() if isinstance(v, pd.Timestamp) else v}" for k, v in row.items()
    )
    raise InvalidRowsError(
        f"table {schema.name!r}: {int(mask.sum()):,} rows with {rule}, e.g. row {first + 1} "
        f"({where}) {column}={value!r}; valid: {valid}; nothing was written",
        table=schema.name,
        column=column,
        row=row,
        value=value,
        count=int(mask.sum()),
        valid=valid,
    )


def _stamp(value: Any) -> Any:
    """Return a ``datetime.date`` from Arrow as the ``pd.Timestamp`` the pandas path reports."""
    if isinstance(value, date_type):
        return pd.Timestamp(value)
    return value


def _floats(table: pa.Table, name: str) -> np.ndarray:
    """Return a float column as float64 numpy (NULL -> NaN); no copy without NULLs."""
    col = table.column(name)
    if col.num_chunks == 1 and col.null_count == 0:
        return np.asarray(col.chunk(0).to_numpy(zero_copy_only=False), dtype="float64")
    return np.asarray(col.to_numpy(), dtype="float64")


_FIRST_DAY: Final = int((FIRST_DATE - pd.Timestamp("1970-01-01")).days)


def check_table(table: pa.Table, schema: TableSchema) -> tuple[pa.Table, str]:
    """Apply the row rules of :func:`check_rows` to an Arrow table with the contract's schema.

    The same rules, messages and removed rows as :func:`check_rows`, in numpy over Arrow
    buffers (the store's write path; no pandas copy of the rows).

    Returns
    -------
    tuple
        The rows to write (bars with a price ``<= 0`` removed) and a note on removed rows.

    Raises
    ------
    InvalidRowsError
        A row breaks a rule; nothing may be written.
    """
    if table.num_rows == 0:
        return table, ""
    last_day = int((CALENDAR_END - pd.Timestamp("1970-01-01")).days)
    for name, kind in schema.columns.items():
        if kind == "float":
            if table.column(name).null_count == table.num_rows:
                continue  # no values, nothing to check
            values = _floats(table, name)
            with np.errstate(invalid="ignore"):
                inf = np.isinf(values)
                if inf.any():
                    _fail_table(
                        table, schema, inf, name, "non-finite values", "finite numbers or empty"
                    )
                limit = MAX_VOLUME if name == "volume" else MAX_ABS_VALUE
                ranged = name == "volume" or (schema.name, name) == ("series", "value")
                if ranged:
                    big = np.abs(values) > limit  # NaN compares False
                    if big.any():
                        _fail_table(
                            table, schema, big, name, "values out of range", f"|x| <= {limit:g}"
                        )
                if name == "volume":
                    neg = values < 0
                    if neg.any():
                        _fail_table(table, schema, neg, name, "negative volumes", "volume >= 0")
        elif kind == "date":
            col = table.column(name)
            days = np.asarray(col.cast(pa.int32()).to_numpy(zero_copy_only=False))
            if col.null_count:
                days = np.where(np.isnan(days.astype("float64")), _FIRST_DAY, days)
            out = (days < _FIRST_DAY) | (days > last_day)
            if out.any():
                _fail_table(
                    table,
                    schema,
                    out,
                    name,
                    "dates outside the calendar",
                    f"{FIRST_DATE.date()} .. {CALENDAR_END.date()}",
                )
    if schema.name != "bars":
        return table, ""
    n = table.num_rows
    # columns without any value (close-only files) take no memory and no work
    px = {c: _floats(table, c) for c in PRICES if table.column(c).null_count < n}
    nonpos = np.zeros(n, dtype=bool)
    empty = np.ones(n, dtype=bool)
    has_range = np.zeros(n, dtype=bool)
    with np.errstate(invalid="ignore"):
        for c, value in px.items():
            nonpos |= (value <= 0) | (value > MAX_ABS_VALUE)  # NaN compares False
            empty &= np.isnan(value)
            if c in ("open", "high", "low"):
                has_range |= ~np.isnan(value)
    no_close = has_range
    for c in ("close", "adj_close"):
        if c in px:
            no_close = no_close & np.isnan(px[c])
    if no_close.any():
        _fail_table(table, schema, no_close, "close", "no close but other prices", "a close price")
    keep = ~(nonpos | empty)
    notes = []
    if nonpos.any():
        first = int(np.flatnonzero(nonpos)[0])
        bad_col = next(
            c
            for c in PRICES
            if c in px and not 0 < np.nan_to_num(px[c][first], nan=1.0) <= MAX_ABS_VALUE
        )
        picked = table.select(["symbol", "date"]).slice(first, 1).to_pylist()[0]
        notes.append(
            f"{int(nonpos.sum()):,} rows with a price <= 0 or > {MAX_ABS_VALUE:g} not written, "
            f"e.g. {picked['symbol']} {picked['date']} {bad_col}={float(px[bad_col][first])!r}"
        )
    if empty.any():
        notes.append(f"{int(empty.sum()):,} rows without any price not written")
    note = "; ".join(notes)
    for mask, col, rule in _ohlc_breaks(px, keep):
        _fail_table(table, schema, mask, col, rule, "high >= max(open, close) >= min(...) >= low")
    if not keep.all():
        table = _filter(table, keep)
    return table, note


def _filter(table: pa.Table, keep: np.ndarray) -> pa.Table:
    """Keep rows; columns without any value stay one shared all-NULL array (no copy)."""
    n = int(keep.sum())
    empty: pa.Array | None = None
    arrays = []
    mask = pa.array(keep)
    for name in table.column_names:
        col = table.column(name)
        if pa.types.is_floating(col.type) and col.null_count == len(col):
            if empty is None:
                validity = pa.py_buffer(np.zeros((n + 7) // 8, dtype=np.uint8))
                data = pa.py_buffer(np.zeros(n, dtype=np.float64))
                empty = pa.Array.from_buffers(col.type, n, [validity, data], null_count=n)
            arrays.append(empty)
        else:
            arrays.append(col.filter(mask))
    return pa.Table.from_arrays(arrays, names=table.column_names)


def _ohlc_breaks(px: dict[str, np.ndarray], keep: np.ndarray) -> list[tuple[np.ndarray, str, str]]:
    """Masks of kept rows breaking the OHLC ordering (absent columns break nothing)."""
    h, low = px.get("high"), px.get("low")
    if h is None and low is None:
        return []
    o, cl = px.get("open"), px.get("close")
    with np.errstate(invalid="ignore"):
        top = bottom = None
        if o is not None and cl is not None:
            top, bottom = np.fmax(o, cl), np.fmin(o, cl)
        elif o is not None or cl is not None:
            top = bottom = o if o is not None else cl
        out = []
        if h is not None and top is not None:
            out.append(
                (keep & (top - h > np.abs(h) * OHLC_RTOL), "high", "high below open or close")
            )
        if low is not None and bottom is not None:
            out.append(
                (keep & (low - bottom > np.abs(low) * OHLC_RTOL), "low", "low above open or close")
            )
        if h is not None and low is not None:
            out.append((keep & (low - h > np.abs(h) * OHLC_RTOL), "low", "low above high"))
    return [(mask, col, rule) for mask, col, rule in out if mask.any()]


def compare(
    joined: pa.Table,
    schema: TableSchema,
    values: list[str],
    *,
    accept: bool,
) -> tuple[np.ndarray, np.ndarray, ChangeReport]:
    """Classify offered rows against the stored rows with the same key.

    Parameters
    ----------
    joined
        The offered rows left-joined with the stored ones: value columns ``c`` (new) and
        ``c__old`` (stored), plus ``__matched`` (bool: the key was stored).
    schema
        Table contract.
    values
        Value (non-key) columns compared.
    accept
        Accept changes beyond the thresholds.

    Returns
    -------
    tuple
        Masks ``added`` and ``changed`` over the offered rows, and the :class:`ChangeReport`.

    Raises
    ------
    ChangesRefusedError
        Changes beyond the thresholds and ``accept`` is false.
    """
    n = joined.num_rows
    matched = joined.column("__matched").to_numpy(zero_copy_only=False).astype(bool)
    added = ~matched
    changed = np.zeros(n, dtype=bool)
    refused_mask = np.zeros(n, dtype=bool)
    cells: list[tuple[str, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
    values_changed = 0
    if matched.any():
        for name in values:
            new = joined.column(name)
            old = joined.column(name + "__old")
            if pa.types.is_floating(new.type):
                a = new.to_numpy(zero_copy_only=False).astype("float64")
                b = old.to_numpy(zero_copy_only=False).astype("float64")
                diff = matched & ~((a == b) | (np.isnan(a) & np.isnan(b)))
                with np.errstate(divide="ignore", invalid="ignore"):
                    rel = np.where(diff & ~np.isnan(a) & ~np.isnan(b), a / b - 1.0, np.nan)
                to_null = diff & np.isnan(a) & ~np.isnan(b)
                jump = diff & (np.abs(np.nan_to_num(rel)) > MAX_JUMP)
                if name not in PRICES and name != "value":
                    jump = np.zeros(n, dtype=bool)
                if schema.name != "bars":
                    jump = np.zeros(n, dtype=bool)
                bad = to_null | jump
                old_vals: np.ndarray = b
                new_vals: np.ndarray = a
            else:
                a_list = new.to_pylist()
                b_list = old.to_pylist()
                eq = np.array([x == y for x, y in zip(a_list, b_list, strict=True)], dtype=bool)
                diff = matched & ~eq
                to_null = diff & np.array([x is None for x in a_list], dtype=bool)
                bad = to_null
                rel = np.full(n, np.nan)
                old_vals = np.array(b_list, dtype=object)
                new_vals = np.array(a_list, dtype=object)
            if diff.any():
                changed |= diff
                refused_mask |= bad
                values_changed += int(diff.sum())
                cells.append((name, diff, old_vals, new_vals, rel))
    largest = _largest(joined, schema, cells)
    report = ChangeReport(
        schema.name,
        rows_changed=int(changed.sum()),
        values_changed=values_changed,
        refused=int(refused_mask.sum()),
        largest=largest,
    )
    if report.refused and not accept:
        raise ChangesRefusedError(
            f"{report.summary()}; refused: {report.refused:,} rows would move by more than "
            f"{MAX_JUMP:.0%} or turn into NULL. Nothing was written; pass --accept-changes "
            "(accept_changes=True) to write them anyway",
            report=report,
        )
    return added, changed, report


def _largest(
    joined: pa.Table,
    schema: TableSchema,
    cells: list[tuple[str, np.ndarray, np.ndarray, np.ndarray, np.ndarray]],
) -> pd.DataFrame:
    records: list[dict[str, Any]] = []
    for name, diff, old, new, rel in cells:
        idx = np.flatnonzero(diff)
        score = np.where(np.isnan(rel[idx]), np.inf, np.abs(rel[idx]))
        for i in idx[np.argsort(-score, kind="stable")[:5]]:
            rec: dict[str, Any] = {
                k: joined.column(k)[int(i)].as_py() for k in schema.key if k in joined.column_names
            }
            for k, v in list(rec.items()):
                if hasattr(v, "year") and not isinstance(v, pd.Timestamp):
                    rec[k] = pd.Timestamp(v)
            rec.update(
                column=name,
                old=_py(old[i]),
                new=_py(new[i]),
                change=float(rel[i]),
            )
            records.append(rec)
    if not records:
        return pd.DataFrame()
    frame = pd.DataFrame(records)
    frame["_score"] = frame["change"].abs().fillna(np.inf)
    frame = frame.sort_values("_score", ascending=False, kind="mergesort").head(5)
    return frame.drop(columns="_score").reset_index(drop=True)


def _py(value: Any) -> Any:
    if isinstance(value, np.floating):
        return float(value)
    return value


def _plain(value: Any) -> Any:
    """Return a numpy/pandas scalar as a plain Python value (for messages)."""
    if isinstance(value, pd.Timestamp):
        return str(value.date())
    if isinstance(value, np.generic):
        return value.item()
    return value
