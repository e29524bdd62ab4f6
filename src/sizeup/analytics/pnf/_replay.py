"""Replay of the packed event log: every per-bar field of a chart from its packed state.

The chart kernel (:mod:`sizeup.analytics.pnf._kernel`) writes per bar only the extreme box and
one byte of action / signal-fired / trend bits, plus the two starting boxes of each series.
Everything else is a function of these and is replayed on demand: one sequential pass that
rebuilds the columns from the box changes, counts signals and recomputes the trend-line anchors
with the same helper the chart kernel uses. This module is the Python side of the replay (field
names, dtypes and output buffers, and :func:`derive_fields` for one series); the numba replay
(``replay_series``, ``replay_range`` behind :meth:`sizeup.analytics.pnf._panel.PackedPanel.fields`)
lives in :mod:`sizeup.analytics.pnf._kernel` with every other njit function. The event-log
fields (arrays of length ``n``, in :data:`FIELD_CODES` order, the order of the replay's outputs)::

    column        int32  column id, -1 before the first column
    direction     int8   +1 X, -1 O, 0 before the first column
    box           int32  current column's extreme box (top of X, bottom of O); NO_BOX before
    action        int8   :class:`~sizeup.analytics.pnf._kernel.Action`: 0 none, 1 x
                         (start/extend X), 2 o (start/extend O), 3 reverse o->x, 4 reverse x->o
    boxes_added   int32  boxes added on the bar
    signal        int8   last signal in effect: +1 buy, -1 sell, 0 none yet
    signal_fired  int8   +1 / -1 on the bar a buy / sell fires
    consec_buys   int32  buy signals since the most recent sell signal
    consec_sells  int32  sell signals since the most recent buy signal
    trend         int8   +1 POS, -1 NEG, 0 undefined (before the first signal)
    trend_line    int32  active BSL (POS) / BRL (NEG) box index at the bar's column; NO_LINE
                         if none
    status        int8   :class:`~sizeup.analytics.pnf._kernel.Status`: 1 bull confirmed,
                         2 bull correction, 3 bear confirmed, 4 bear correction
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final, NamedTuple

import numpy as np
import numpy.typing as npt

__all__ = [
    "FIELD_CODES",
    "FIELD_DTYPES",
    "FieldBuffers",
    "alloc_fields",
    "check_field",
    "derive_fields",
]

FIELD_CODES: Final = {
    "column": 0,
    "direction": 1,
    "box": 2,
    "action": 3,
    "boxes_added": 4,
    "signal": 5,
    "signal_fired": 6,
    "consec_buys": 7,
    "consec_sells": 8,
    "trend": 9,
    "trend_line": 10,
    "status": 11,
}
"""Codes of the derivable per-bar fields (the order of ``PanelFields``, then status)."""
FIELD_DTYPES: Final = {
    "column": np.int32,
    "direction": np.int8,
    "box": np.int32,
    "action": np.int8,
    "boxes_added": np.int32,
    "signal": np.int8,
    "signal_fired": np.int8,
    "consec_buys": np.int32,
    "consec_sells": np.int32,
    "trend": np.int8,
    "trend_line": np.int32,
    "status": np.int8,
}
"""dtype of each derivable per-bar field."""


class FieldBuffers(NamedTuple):
    """Output arrays of a replay."""

    ordered: list[npt.NDArray[Any]]
    """One array per field in :data:`FIELD_CODES` order; length 0 (on the last axis) if unwanted."""
    wanted: dict[str, npt.NDArray[Any]]
    """The arrays of the wanted fields by name."""


def check_field(field: str) -> int:
    """Code of a field name (:data:`FIELD_CODES`); ``ValueError`` for an unknown name."""
    try:
        return FIELD_CODES[field]
    except KeyError:
        raise ValueError(f"unknown P&F field {field!r}; valid: {list(FIELD_CODES)}") from None


def alloc_fields(names: Sequence[str], lead: tuple[int, ...], width: int) -> FieldBuffers:
    """Allocate outputs in :data:`FIELD_CODES` order: wanted ``lead + (width,)``, others empty."""
    wanted = {name: np.empty((*lead, width), FIELD_DTYPES[name]) for name in names}
    outs = [wanted.get(f, np.empty((*lead, 0), dt)) for f, dt in FIELD_DTYPES.items()]
    return FieldBuffers(outs, wanted)


def derive_fields(
    box: npt.NDArray[np.int32],
    flag: npt.NDArray[np.uint8],
    ref_up: int,
    ref_dn: int,
    names: Sequence[str],
) -> dict[str, npt.NDArray[Any]]:
    """Event-log fields of one series from its packed state (see the module docstring).

    Parameters
    ----------
    box, flag
        Packed per-bar state of the series (from the chart kernel).
    ref_up, ref_dn
        The series' starting boxes ``up(C0)`` and ``dn(C0)``.
    names
        Names of :data:`FIELD_CODES`.

    Returns
    -------
    dict
        Name -> array of length ``n`` and dtype :data:`FIELD_DTYPES` ``[name]``.
    """
    for name in names:
        check_field(name)
    n = box.shape[0]
    buffers = alloc_fields(names, (), n)
    if n:
        from sizeup.analytics.pnf._kernel import replay_series

        m = max(n, 1)
        scratch = (np.empty(m, np.int8), np.empty(m, np.int32), np.empty(m, np.int32))
        replay_series(box, flag, ref_up, ref_dn, 0, *buffers.ordered, *scratch)  # type: ignore[call-arg]
    return buffers.wanted
