"""The embedded store: tables of bars, series, actions, holdings, fundamentals and payloads."""

from __future__ import annotations

from sizeup.data.store._store import (
    Store,
    UpsertResult,
)

__all__ = [
    "Store",
    "UpsertResult",
]
