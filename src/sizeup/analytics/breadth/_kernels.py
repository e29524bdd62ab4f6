"""The numba kernels of :mod:`sizeup.analytics.breadth._breadth`.

Rolling last-N statistics and the fused breadth counts.

Kept apart so that importing :mod:`sizeup.analytics.breadth` does not load numba: the kernels load
on the first :func:`~sizeup.analytics.breadth.breadth`,
:func:`~sizeup.analytics.breadth.rolling_mean_last_n` or
:func:`~sizeup.analytics.breadth.rolling_extreme_last_n` call.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
from numba import njit, prange

__all__ = ["breadth_counts_nb", "extreme_last_n_nb", "mean_last_n_nb"]

FloatArray = npt.NDArray[np.float64]

# All kernels take the panel transposed, (cols, rows) C-contiguous, so each member's history is
# contiguous in memory; the outer loop runs over members, the inner over its valid closes.


@njit(cache=True, nogil=True)
def mean_last_n_nb(vt: FloatArray, n: int) -> FloatArray:  # pragma: no cover - compiled
    cols, rows = vt.shape
    out = np.full((cols, rows), np.nan)
    buf = np.empty(rows)
    for j in range(cols):
        k = 0
        total = 0.0
        comp = 0.0
        for t in range(rows):
            x = vt[j, t]
            if not np.isfinite(x):
                continue
            buf[k] = x
            delta = x - buf[k - n] if k >= n else x
            y = delta - comp  # Kahan-compensated running sum
            s = total + y
            comp = (s - total) - y
            total = s
            k += 1
            if k >= n:
                out[j, t] = total / n
    return out


@njit(cache=True, nogil=True)
def extreme_last_n_nb(vt: FloatArray, n: int, is_max: bool) -> FloatArray:  # pragma: no cover
    cols, rows = vt.shape
    out = np.full((cols, rows), np.nan)
    buf = np.empty(rows)
    dq = np.empty(rows, dtype=np.int64)  # monotonic deque of positions in buf
    for j in range(cols):
        k = 0
        head = 0
        tail = 0
        for t in range(rows):
            x = vt[j, t]
            if not np.isfinite(x):
                continue
            buf[k] = x
            if is_max:
                while tail > head and buf[dq[tail - 1]] <= x:
                    tail -= 1
            else:
                while tail > head and buf[dq[tail - 1]] >= x:
                    tail -= 1
            dq[tail] = k
            tail += 1
            if dq[head] <= k - n:
                head += 1
            k += 1
            if k >= n:
                out[j, t] = buf[dq[head]]
    return out


@njit(cache=True, nogil=True, parallel=True)
def breadth_counts_nb(  # pragma: no cover - compiled
    vt: FloatArray, ma: npt.NDArray[np.int64], hl: int, tie: float, n_chunks: int
) -> npt.NDArray[np.int64]:
    """Per-row counts (K, rows): members, adv, dec, unch, nh, nl, then (defined, above) per MA.

    Members are split into ``n_chunks`` contiguous chunks processed in parallel, each with its
    own count array; the chunk counts are summed at the end (no shared writes).
    """
    cols, rows = vt.shape
    n_ma = ma.shape[0]
    n_out = 6 + 2 * n_ma
    part = np.zeros((n_chunks, n_out, rows), dtype=np.int64)
    step = (cols + n_chunks - 1) // n_chunks
    for c in prange(n_chunks):
        out = part[c]
        buf = np.empty(rows)
        dqh = np.empty(rows, dtype=np.int64)
        dql = np.empty(rows, dtype=np.int64)
        total = np.zeros(n_ma)
        comp = np.zeros(n_ma)
        for j in range(c * step, min(cols, (c + 1) * step)):
            k = 0
            hh = 0
            ht = 0
            lh = 0
            lt = 0
            prev = np.nan
            total[:] = 0.0
            comp[:] = 0.0
            for t in range(rows):
                x = vt[j, t]
                if not np.isfinite(x):
                    prev = np.nan
                    continue
                out[0, t] += 1
                if x > prev:
                    out[1, t] += 1
                elif x < prev:
                    out[2, t] += 1
                elif x == prev:
                    out[3, t] += 1
                prev = x
                buf[k] = x
                while ht > hh and buf[dqh[ht - 1]] <= x:
                    ht -= 1
                dqh[ht] = k
                ht += 1
                if dqh[hh] <= k - hl:
                    hh += 1
                while lt > lh and buf[dql[lt - 1]] >= x:
                    lt -= 1
                dql[lt] = k
                lt += 1
                if dql[lh] <= k - hl:
                    lh += 1
                if k + 1 >= hl:
                    if x >= buf[dqh[hh]]:
                        out[4, t] += 1
                    if x <= buf[dql[lh]]:
                        out[5, t] += 1
                for m in range(n_ma):
                    n = ma[m]
                    delta = x - buf[k - n] if k >= n else x
                    y = delta - comp[m]
                    s = total[m] + y
                    comp[m] = (s - total[m]) - y
                    total[m] = s
                    if k + 1 >= n:
                        sma = total[m] / n
                        out[6 + 2 * m, t] += 1
                        if x > sma + tie * abs(sma):
                            out[7 + 2 * m, t] += 1
                k += 1
    return part.sum(axis=0)  # type: ignore[no-any-return]
