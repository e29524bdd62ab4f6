"""The embedded store: Delta Lake tables of bars, series, actions, holdings, fundamentals..."""

from __future__ import annotations

from sizeup.data.store._checks import (
    MAX_JUMP,
    ChangeReport,
    ChangesRefusedError,
    InvalidRowsError,
)
from sizeup.data.store._store import (
    CheckedFrames,
    Store,
    StoreInfo,
    TableInfo,
    UpsertResult,
    check_frames,
    payload_row,
)

__all__ = [
    "MAX_JUMP",
    "ChangeReport",
    "ChangesRefusedError",
    "CheckedFrames",
    "InvalidRowsError",
    "Store",
    "StoreInfo",
    "TableInfo",
    "UpsertResult",
    "check_frames",
    "payload_row",
]
