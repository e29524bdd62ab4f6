"""Opening the store: the one place a use case gets its data from."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sizeup.config import load_settings
from sizeup.data.store import Store

__all__ = ["StoreRef", "open_store"]


@dataclass(frozen=True)
class StoreRef:
    """Which store, and which version of it, a use case reads.

    A reference is small and picklable, so a sweep task or a web request carries it instead of
    data frames.

    Attributes
    ----------
    root
        Data directory or object-store URI; ``None`` uses the settings (``--data-dir``,
        ``SIZEUP_DATA_DIR``, ``sizeup.toml``, the user data folder).
    version
        Store version to read (time travel); ``None`` reads the latest.
    timestamp
        Read the version current at this ISO timestamp; exclusive with ``version``.
    """

    root: str | Path | None = None
    version: int | None = None
    timestamp: str | None = None


def open_store(ref: StoreRef | Store | None = None) -> Store:
    """Open the store a reference points at (the settings' store when ``ref`` is ``None``).

    An already open :class:`Store` (tests, a caller holding one) is returned as it is.

    Parameters
    ----------
    ref
        The store reference, or an open store.

    Returns
    -------
    Store
        The opened store, reading the requested version.
    """
    if isinstance(ref, Store):
        return ref
    ref = ref or StoreRef()
    root = ref.root if ref.root is not None else load_settings().data_dir
    travel: dict[str, Any] = {}
    if ref.version is not None:
        travel["version"] = ref.version
    if ref.timestamp is not None:
        travel["timestamp"] = ref.timestamp
    return Store.open(root, **travel)
