"""numba twins of the scale arithmetic in :mod:`sizeup.analytics.pnf._scale`, for large arrays.

Imported only when an array longer than :data:`~sizeup.analytics.pnf._scale.PURE_MAX` is mapped
(kernel level tables of fine grids, panels), so a single chart never loads numba. The
functions perform the same floating-point operations in the same order as the plain-Python
``_level_py`` / ``_up_py`` / ``_dn_py`` of ``_scale``: both give the same floats and indices (a
test checks them against each other bit for bit).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
from numba import njit

__all__ = ["jit_indices_of", "jit_levels_of"]

_INF = math.inf


@njit(cache=True, nogil=True)
def _level(kind: int, params: Any, i: int) -> float:  # pragma: no cover - numba
    if kind == 0:
        return float(i) * float(params[0])
    if kind == 1:
        return math.exp(float(i) * float(params[0]))
    if kind == 2:
        if i < 0:
            return -_INF
        nrow = int(params[0])
        s = nrow - 1
        while s > 0 and params[1 + 2 * nrow + s] > i:
            s -= 1
        return float(params[1 + s] + (float(i) - params[1 + 2 * nrow + s]) * params[1 + nrow + s])
    n = params.shape[0]
    if i < 0:
        return -_INF
    if i >= n:
        return _INF
    return float(params[i])


@njit(cache=True, nogil=True)
def _up(kind: int, params: Any, x: float) -> int:  # pragma: no cover - numba
    """max{i : L[i] <= x} (x already carries the tolerance)."""
    if kind == 3:
        lo = 0
        hi = params.shape[0]
        while lo < hi:
            mid = (lo + hi) >> 1
            if params[mid] <= x:
                lo = mid + 1
            else:
                hi = mid
        return lo - 1
    if kind == 0:
        g = math.floor(x / params[0])
    elif kind == 1:
        g = math.floor(math.log(x) / params[0])
    else:
        if x < 0.0:
            return -1
        nrow = int(params[0])
        s = nrow - 1
        while s > 0 and params[1 + s] > x:
            s -= 1
        g = params[1 + 2 * nrow + s] + math.floor((x - params[1 + s]) / params[1 + nrow + s])
    i = int(g)
    while _level(kind, params, i + 1) <= x:
        i += 1
    while _level(kind, params, i) > x:
        i -= 1
    return i


@njit(cache=True, nogil=True)
def _dn(kind: int, params: Any, x: float) -> int:  # pragma: no cover - numba
    """min{i : L[i] >= x} (x already carries the tolerance)."""
    if kind == 3:
        lo = 0
        hi = params.shape[0]
        while lo < hi:
            mid = (lo + hi) >> 1
            if params[mid] < x:
                lo = mid + 1
            else:
                hi = mid
        return lo
    if kind == 0:
        g = math.ceil(x / params[0])
    elif kind == 1:
        g = math.ceil(math.log(x) / params[0])
    else:
        if x <= 0.0:
            return 0
        nrow = int(params[0])
        s = nrow - 1
        while s > 0 and params[1 + s] > x:
            s -= 1
        g = params[1 + 2 * nrow + s] + math.ceil((x - params[1 + s]) / params[1 + nrow + s])
    i = int(g)
    while _level(kind, params, i - 1) >= x:
        i -= 1
    while _level(kind, params, i) < x:
        i += 1
    return i


@njit(cache=True, nogil=True)
def _indices_of(
    prices: Any, kind: int, params: Any, up: bool, eps: float
) -> Any:  # pragma: no cover
    out = np.empty(prices.shape[0], dtype=np.int64)
    for t in range(prices.shape[0]):
        p = prices[t]
        if up:
            out[t] = _up(kind, params, p + eps * abs(p))
        else:
            out[t] = _dn(kind, params, p - eps * abs(p))
    return out


@njit(cache=True, nogil=True)
def _levels_of(idx: Any, kind: int, params: Any) -> Any:  # pragma: no cover - numba
    out = np.empty(idx.shape[0], dtype=np.float64)
    for t in range(idx.shape[0]):
        out[t] = _level(kind, params, idx[t])
    return out


def jit_indices_of(
    prices: npt.NDArray[np.float64],
    kind: int,
    params: npt.NDArray[np.float64],
    up: bool,
    eps: float,
) -> npt.NDArray[np.int64]:
    """Box index of each price (numba; see :func:`sizeup.analytics.pnf._scale.indices_of`)."""
    out: npt.NDArray[np.int64] = _indices_of(prices, kind, params, up, eps)
    return out


def jit_levels_of(
    idx: npt.NDArray[np.int64], kind: int, params: npt.NDArray[np.float64]
) -> npt.NDArray[np.float64]:
    """Price level of each box index (numba; see :func:`sizeup.analytics.pnf._scale.levels_of`)."""
    out: npt.NDArray[np.float64] = _levels_of(idx, kind, params)
    return out
