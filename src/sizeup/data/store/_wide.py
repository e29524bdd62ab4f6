"""Wide (date x symbol) frames from long (symbol, date, value) rows, in one scatter.

:meth:`sizeup.data.store.Store.panel` reads long rows: the symbol column dictionary-encoded, the
dates as day numbers, one price field. Rows need no sorting: two passes over them place every
value directly.

1. **mark**: which columns have a row inside the window, and which days have a value;
2. **scatter**: write each value to its (column, day) cell of a NaN-filled matrix.

The matrix is (columns x days), so one symbol's values land in one contiguous row and its
transpose is the column-major block pandas keeps (no copy). Days on which every value is
missing are left out (as ``dropna(how="all")`` would). Each (symbol, day) must come from one row
only: the store's keys guarantee it within a source, and a panel takes each symbol from one
source (or one spliced history).

Reads of at least :data:`KERNEL_ROWS` rows run the passes as numba kernels on two threads
(:mod:`sizeup.data.store._wide_kernel`); smaller ones run the same passes with numpy, so that a
panel of a few symbols never pays numba's start-up.
"""

from __future__ import annotations

import functools
import itertools
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from sizeup.types import DateLike

__all__ = ["KERNEL_ROWS", "Rows", "histories", "rows_of", "wide_frame"]

KERNEL_ROWS: Final = 500_000
"""Reads of at least this many rows use the numba kernels; numba's start-up (about 0.4 s of
CPU in a process that has not loaded it) is worth it only for large reads."""

_SLICE: Final = 262_144
"""Rows per kernel task: batches are cut into slices this long and shared among the threads."""

_THREADS: Final = max(1, min(2, os.cpu_count() or 1))

Int32Array = npt.NDArray[np.int32]
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True)
class Rows:
    """One batch of long rows: ``names[codes[i]]``, ``days[i]``, ``values[i]``.

    Attributes
    ----------
    codes
        Index of each row's symbol in ``names`` (int32).
    names
        The symbols the codes refer to (an Arrow string array, e.g. a Parquet dictionary).
    days
        Day numbers since 1970-01-01 (int32).
    values
        The price field (float64; NaN where missing).
    keep
        The symbols wanted from this batch (``None``: all).
    """

    codes: Int32Array
    names: pa.Array
    days: Int32Array
    values: FloatArray
    keep: frozenset[str] | None = None


def rows_of(
    table: pa.Table, field: str, *, keep: frozenset[str] | set[str] | None = None
) -> list[Rows]:
    """Batches of a (symbol, date, ``field``) table as :class:`Rows` (no copy where possible).

    Parameters
    ----------
    table
        The rows; ``symbol`` plain or dictionary-encoded, ``date`` as date32 or timestamps.
    field
        The value column.
    keep
        The symbols wanted (``None``: all).
    """
    wanted = None if keep is None else frozenset(keep)
    out = []
    for batch in table.select(["symbol", "date", field]).to_batches():
        if batch.num_rows == 0:
            continue
        sym = batch.column(0)
        if not pa.types.is_dictionary(sym.type):
            sym = pc.dictionary_encode(sym)
        codes = sym.indices.to_numpy(zero_copy_only=False).astype(np.int32, copy=False)
        values = batch.column(2).to_numpy(zero_copy_only=False).astype(np.float64, copy=False)
        out.append(Rows(codes, sym.dictionary, _day_numbers(batch.column(1)), values, wanted))
    return out


def histories(columns: Sequence[tuple[str, np.ndarray, np.ndarray]]) -> Rows:
    """Pack whole histories, ``(name, dates, values)`` each (e.g. spliced), as one batch."""
    sizes = [len(d) for _, d, _ in columns]
    days = [np.asarray(d).astype("datetime64[D]") for _, d, _ in columns]
    dates = np.concatenate(days) if days else np.empty(0, dtype="datetime64[D]")
    values = [np.asarray(v, dtype=np.float64) for _, _, v in columns]
    return Rows(
        np.repeat(np.arange(len(columns), dtype=np.int32), sizes),
        pa.array([name for name, _, _ in columns], pa.string()),
        _day_numbers(pa.array(dates)),
        np.concatenate(values) if values else np.empty(0),
    )


def _day_numbers(column: pa.Array) -> Int32Array:
    if pa.types.is_date32(column.type):
        days: Int32Array = column.view(pa.int32()).to_numpy(zero_copy_only=False)
        return days
    as_days = column.to_numpy(zero_copy_only=False).astype("datetime64[D]")
    numbers: Int32Array = as_days.astype(np.int64).astype(np.int32)
    return numbers


def wide_frame(
    parts: Sequence[Rows],
    *,
    order: Sequence[str] | None = None,
    start: DateLike | None = None,
    end: DateLike | None = None,
    kernels: bool | None = None,
) -> pd.DataFrame:
    """Pivot long rows to a (DatetimeIndex ``date`` x symbol) frame of float64.

    Parameters
    ----------
    parts
        Batches of rows; each (symbol, day) in at most one row.
    order
        Column order (symbols not read are left out); default: symbols sorted.
    start, end
        Inclusive window; rows outside it are skipped.
    kernels
        Use the numba kernels (default: for reads of at least :data:`KERNEL_ROWS` rows).

    Returns
    -------
    pandas.DataFrame
        One column per symbol with a row in the window (all-NaN if all its values are
        missing), one row per day on which some symbol has a value.

    Examples
    --------
    >>> import numpy as np, pyarrow as pa
    >>> t = pa.table({"symbol": ["B", "A", "B"],
    ...               "date": pa.array([1, 1, 2], pa.int32()).cast(pa.date32()),
    ...               "close": [2.0, 1.0, 3.0]})
    >>> wide_frame(rows_of(t, "close"))
                  A    B
    date
    1970-01-02  1.0  2.0
    1970-01-03  NaN  3.0
    """
    parts = [p for p in parts if len(p.codes)]
    total = sum(len(p.codes) for p in parts)
    lo, hi = _window(parts, start, end)
    if not parts or lo > hi:
        return _frame(np.empty((0, 0)), np.empty(0, dtype=np.int64), [])
    names = _names(parts)
    by_dict: dict[tuple[int, int, int, frozenset[str] | None], Int32Array] = {}
    luts = []
    for p in parts:
        key = _dict_key(p)
        if key not in by_dict:
            by_dict[key] = _lut(p, names)
        luts.append(by_dict[key])
    use_kernels = total >= KERNEL_ROWS if kernels is None else kernels
    present = np.zeros(hi - lo + 1, dtype=np.bool_)
    seen = np.zeros(len(names), dtype=np.bool_)
    if use_kernels:
        _mark_kernels(parts, luts, (lo, hi), present, seen)
    else:
        for p, lut in zip(parts, luts, strict=True):
            _mark_numpy(p, lut, (lo, hi), present, seen)
    # columns: the symbols seen, in the requested order
    have = names.filter(pa.array(seen)).to_pylist()
    wanted = list(dict.fromkeys(order)) if order is not None else sorted(have)
    have_set = set(have)
    columns = [s for s in wanted if s in have_set]
    col_of = np.full(len(names) + 1, -1, dtype=np.int32)  # index -1 (not wanted) stays -1
    col_of[pc.index_in(pa.array(columns, pa.string()), value_set=names).to_numpy()] = np.arange(
        len(columns), dtype=np.int32
    )
    luts = [col_of[lut] for lut in luts]
    slots = np.flatnonzero(present)
    row_of = np.full(len(present), -1, dtype=np.int64)
    row_of[slots] = np.arange(len(slots))
    if use_kernels:
        out = _scatter_kernels(parts, luts, (lo, hi), row_of, (len(columns), len(slots)))
    else:
        out = np.full((len(columns), len(slots)), np.nan)
        for p, lut in zip(parts, luts, strict=True):
            _scatter_numpy(p, lut, (lo, hi), row_of, out)
    return _frame(out, slots + lo, columns)


def _frame(out: np.ndarray, days: np.ndarray, columns: list[str]) -> pd.DataFrame:
    index = pd.DatetimeIndex(days.astype("datetime64[D]").astype("datetime64[ns]"), name="date")
    return pd.DataFrame(out.T, index=index, columns=columns, copy=False)


def _window(parts: Sequence[Rows], start: DateLike | None, end: DateLike | None) -> tuple[int, int]:
    """Inclusive day-number bounds: the rows' span cut to ``[start, end]``."""
    if not parts:
        return 0, -1
    lo = min(int(p.days.min()) for p in parts)
    hi = max(int(p.days.max()) for p in parts)
    epoch = pd.Timestamp("1970-01-01")
    if start is not None:
        first = pd.Timestamp(start)
        day = (first.normalize() - epoch).days
        lo = max(lo, day + (1 if first != first.normalize() else 0))
    if end is not None:
        hi = min(hi, (pd.Timestamp(end).normalize() - epoch).days)
    return lo, hi


def _names(parts: Sequence[Rows]) -> pa.Array:
    """Collect the distinct wanted symbols of all batches (batches often share one dictionary)."""
    pools: list[pa.Array] = []
    done: set[tuple[int, int, int, frozenset[str] | None]] = set()
    for p in parts:
        key = _dict_key(p)
        if key in done:
            continue
        done.add(key)
        names = p.names
        if p.keep is not None:
            names = names.filter(pc.is_in(names, value_set=pa.array(sorted(p.keep), pa.string())))
        pools.append(names.cast(pa.string()))
    if not pools:
        return pa.array([], pa.string())
    return pc.unique(pa.chunked_array(pools, pa.string()).combine_chunks())


def _dict_key(p: Rows) -> tuple[int, int, int, frozenset[str] | None]:
    """Identity of a batch's dictionary (its buffers stay alive while the rows are read)."""
    data = p.names.buffers()[-1]
    return (0 if data is None else data.address, p.names.offset, len(p.names), p.keep)


def _lut(p: Rows, names: pa.Array) -> Int32Array:
    """Each code's index in ``names`` (``-1``: a symbol not wanted)."""
    where = pc.index_in(p.names.cast(pa.string()), value_set=names)
    lut: Int32Array = where.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int32)
    if p.keep is not None:
        drop = pc.invert(pc.is_in(p.names, value_set=pa.array(sorted(p.keep), pa.string())))
        lut[drop.to_numpy(zero_copy_only=False)] = -1
    return lut


def _wanted(p: Rows, lut: Int32Array, span: tuple[int, int]) -> tuple[Int32Array, np.ndarray]:
    """Each row's column and whether it is wanted (a wanted symbol, a day inside ``span``)."""
    col = lut[p.codes]
    return col, (col >= 0) & (p.days >= span[0]) & (p.days <= span[1])


def _mark_numpy(
    p: Rows, lut: Int32Array, span: tuple[int, int], present: np.ndarray, seen: np.ndarray
) -> None:
    col, ok = _wanted(p, lut, span)
    seen[col[ok]] = True
    present[p.days[ok & ~np.isnan(p.values)] - span[0]] = True


def _scatter_numpy(
    p: Rows, lut: Int32Array, span: tuple[int, int], row_of: np.ndarray, out: np.ndarray
) -> None:
    col, ok = _wanted(p, lut, span)
    row = np.full(len(col), -1, dtype=np.int64)
    row[ok] = row_of[p.days[ok] - span[0]]
    ok &= row >= 0
    out[col[ok], row[ok]] = p.values[ok]


def _slices(parts: Sequence[Rows]) -> list[tuple[int, int, int]]:
    """(part, a, b) tasks of at most :data:`_SLICE` rows."""
    return [
        (k, a, min(a + _SLICE, len(p.codes)))
        for k, p in enumerate(parts)
        for a in range(0, len(p.codes), _SLICE)
    ]


def _run(tasks: Sequence[Callable[[], None]]) -> None:
    if _THREADS == 1 or len(tasks) == 1:
        for task in tasks:
            task()
        return
    with ThreadPoolExecutor(_THREADS, thread_name_prefix="sizeup-wide") as pool:
        for done in [pool.submit(task) for task in tasks]:
            done.result()


def _mark_kernels(
    parts: Sequence[Rows],
    luts: Sequence[Int32Array],
    span: tuple[int, int],
    present: np.ndarray,
    seen: np.ndarray,
) -> None:
    from sizeup.data.store._wide_kernel import mark_nb

    lo, hi = span
    slices = _slices(parts)
    # one set of flags per thread, or-ed afterwards: no two threads write the same array
    flags = [(np.zeros_like(present), np.zeros_like(seen)) for _ in range(_THREADS)]

    def work(t: int) -> None:
        pres, sn = flags[t]
        for k, a, b in slices[t::_THREADS]:
            p = parts[k]
            mark_nb(p.codes, luts[k], p.days, p.values, a, b, lo, hi, pres, sn)

    _run([functools.partial(work, t) for t in range(_THREADS)])
    for pres, sn in flags:
        present |= pres
        seen |= sn


def _scatter_kernels(
    parts: Sequence[Rows],
    luts: Sequence[Int32Array],
    span: tuple[int, int],
    row_of: np.ndarray,
    shape: tuple[int, int],
) -> FloatArray:
    from sizeup.data.store._wide_kernel import fill_nan_nb, scatter_nb

    lo, hi = span
    out: FloatArray = np.empty(shape, dtype=np.float64)
    cuts = np.linspace(0, shape[0], _THREADS + 1).astype(int)
    _run([functools.partial(fill_nan_nb, out, int(a), int(b)) for a, b in itertools.pairwise(cuts)])
    slices = _slices(parts)

    # each cell is written by one row only, so the threads never write the same cell
    def work(t: int) -> None:
        for k, a, b in slices[t::_THREADS]:
            p = parts[k]
            scatter_nb(p.codes, luts[k], p.days, p.values, a, b, lo, hi, row_of, out)

    _run([functools.partial(work, t) for t in range(_THREADS)])
    return out
