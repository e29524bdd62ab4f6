"""The numba kernel of :func:`sizeup.analytics.performance.record_since_index`.

Kept apart from :mod:`sizeup.analytics.performance._streaks` so that importing the performance
package (and a single "best since" on a small series) does not load numba; the kernel loads on the
first :func:`~sizeup.analytics.performance.record_since_index` call.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit

__all__ = ["record_since_nb"]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]


@njit(cache=True, nogil=True)
def record_since_nb(values: FloatArray) -> IntArray:  # pragma: no cover - compiled
    n = values.shape[0]
    out = np.full(n, -1, dtype=np.int64)
    stack = np.empty(n, dtype=np.int64)
    top = 0
    for i in range(n):
        v = values[i]
        if not np.isfinite(v):
            continue
        while top > 0 and values[stack[top - 1]] < v:
            top -= 1
        if top > 0:
            out[i] = stack[top - 1]
        stack[top] = i
        top += 1
    return out
