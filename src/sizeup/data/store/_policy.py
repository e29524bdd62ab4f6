"""Source preference and splicing: one price history per symbol, never mixing disagreeing sources.

Reads choose one source per symbol (see :meth:`sizeup.data.store.Store.sources`); sources of
the same symbol that agree exactly with the preferred one (relative difference <= 1e-6 of
``close`` and ``adj_close`` on at least 5 common dates) extend it backwards and forwards.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from sizeup.types import DateLike

__all__ = [
    "SPLICE_MIN_OVERLAP",
    "SPLICE_RTOL",
    "restrict",
    "splice",
    "splice_arrays",
]


def splice_arrays(
    parts: Sequence[tuple[np.ndarray, np.ndarray, np.ndarray]],
) -> tuple[np.ndarray, np.ndarray]:
    """Array version of :func:`splice` for one field; ``parts`` in preference order."""
    dates, values, check = parts[0]
    for o_dates, o_values, o_check in parts[1:]:
        common, ia, ib = np.intersect1d(dates, o_dates, assume_unique=True, return_indices=True)
        if len(common) < SPLICE_MIN_OVERLAP:
            continue
        a, b = check[ia], o_check[ib]
        both = ~(np.isnan(a) | np.isnan(b))
        if not both[:, 0].any() or not both[:, 1].any():
            continue
        with np.errstate(divide="ignore", invalid="ignore"):
            rel = np.abs(b[both] / a[both] - 1.0)
        if np.any(~(rel <= SPLICE_RTOL)):
            continue
        outside = (o_dates < dates.min()) | (o_dates > dates.max())
        dates = np.concatenate([dates, o_dates[outside]])
        values = np.concatenate([values, o_values[outside]])
        check = np.concatenate([check, o_check[outside]])
        order = np.argsort(dates, kind="mergesort")
        dates, values, check = dates[order], values[order], check[order]
    return dates, values


SPLICE_RTOL = 1e-6
SPLICE_MIN_OVERLAP = 5


def splice(rows: pd.DataFrame, order: Sequence[str]) -> pd.DataFrame:
    """Join one symbol's sources that agree exactly, preferred source first (see Store.bars)."""
    by_source = {str(k): g for k, g in rows.groupby("source", sort=False)}
    base = by_source[order[0]].set_index("date")
    for name in order[1:]:
        other = by_source[name].set_index("date")
        common = base.index.intersection(other.index)
        if len(common) < SPLICE_MIN_OVERLAP:
            continue
        agree = True
        for col in ("close", "adj_close"):
            a = base.loc[common, col].to_numpy(dtype=float)
            b = other.loc[common, col].to_numpy(dtype=float)
            both = ~(np.isnan(a) | np.isnan(b))
            if not both.any() or np.any(np.abs(b[both] / a[both] - 1.0) > SPLICE_RTOL):
                agree = False
                break
        if not agree:
            continue
        outside = other[(other.index < base.index.min()) | (other.index > base.index.max())]
        base = pd.concat([base, outside]).sort_index()
    return base.reset_index()


def restrict(rows: pd.DataFrame, start: DateLike | None, end: DateLike | None) -> pd.DataFrame:
    if start is not None:
        rows = rows[rows["date"] >= pd.Timestamp(start)]
    if end is not None:
        rows = rows[rows["date"] <= pd.Timestamp(end)]
    return rows
