"""numba kernels of :func:`sizeup.data.store._wide.wide_frame`: mark and scatter long rows.

Kept apart from :mod:`sizeup.data.store._wide` so that a small panel (a few symbols) never
loads numba: :mod:`~sizeup.data.store._wide` imports this module only for reads of at least
:data:`~sizeup.data.store._wide.KERNEL_ROWS` rows. The same two passes, written with numpy, are
the small reads' path; the tests check both against a pandas pivot.

Each kernel takes one slice ``[a, b)`` of one batch of rows so that two threads can share a
read (the kernels release the GIL). The two loops repeat their row filter on purpose: moved
into a shared inlined helper it made the panel of the 1,848-symbol matrix twice as slow
(0.16 -> 0.27-0.35 s).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit

__all__ = ["mark_nb", "scatter_nb"]

Int32Array = npt.NDArray[np.int32]
Int64Array = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]


@njit(cache=True, nogil=True)
def mark_nb(  # noqa: PLR0917  # pragma: no cover - compiled
    codes: Int32Array,
    lut: Int32Array,
    days: Int32Array,
    values: FloatArray,
    a: int,
    b: int,
    lo: int,
    hi: int,
    present: BoolArray,
    seen: BoolArray,
) -> None:
    """Mark the columns that have a row and the days that have a value, rows ``[a, b)``.

    ``lut[codes[i]]`` is row ``i``'s column (``-1``: not wanted); days outside ``[lo, hi]``
    are skipped. ``seen[column]`` becomes true for any row of the column in the window,
    ``present[day - lo]`` only for a row whose value is not NaN (a day on which every value is
    missing is left out of the frame).
    """
    for i in range(a, b):
        col = lut[codes[i]]
        if col < 0:
            continue
        day = days[i]
        if day < lo or day > hi:
            continue
        seen[col] = True
        if not np.isnan(values[i]):
            present[day - lo] = True


@njit(cache=True, nogil=True)
def scatter_nb(  # noqa: PLR0917  # pragma: no cover - compiled
    codes: Int32Array,
    lut: Int32Array,
    days: Int32Array,
    values: FloatArray,
    a: int,
    b: int,
    lo: int,
    hi: int,
    row_of: Int64Array,
    out: FloatArray,
) -> None:
    """Write rows ``[a, b)`` to ``out[column, row_of[day - lo]]`` (``-1``: not written).

    ``out`` is (columns x days): one symbol's values land in one contiguous row.
    """
    for i in range(a, b):
        col = lut[codes[i]]
        if col < 0:
            continue
        day = days[i]
        if day < lo or day > hi:
            continue
        row = row_of[day - lo]
        if row >= 0:
            out[col, row] = values[i]


@njit(cache=True, nogil=True)
def fill_nan_nb(out: FloatArray, a: int, b: int) -> None:  # pragma: no cover - compiled
    """Set rows ``[a, b)`` of ``out`` to NaN (two threads fill a fresh frame faster than one)."""
    for j in range(a, b):
        out[j, :] = np.nan
