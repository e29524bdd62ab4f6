"""Serving many requests from one store: each request reads one committed store version.

A long-running front end (the web dashboard) must not see a half-written import, and must not
pay for opening the store on every request. :class:`StorePool` keeps one live handle that only
looks up the latest committed version, and a few read-only handles pinned at a version (Delta
Lake reads that version's snapshot however many commits follow). A request asks the pool for a
:class:`Snapshot` once and hands its store, or its pinned :class:`~sizeup.app.StoreRef`, to the
use cases.

Examples
--------
>>> pool = StorePool(StoreRef("./data"))        # doctest: +SKIP
>>> snap = pool.snapshot()                     # doctest: +SKIP
>>> run_monitor(MonitorRequest(), snap.store)  # doctest: +SKIP
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from sizeup.app._store import StoreRef, open_store
from sizeup.config import load_settings
from sizeup.data.store import Store

__all__ = ["Snapshot", "StorePool"]


@dataclass(frozen=True)
class Snapshot:
    """One committed store version, open for reading.

    Attributes
    ----------
    store
        The store, pinned at ``version`` (the live handle when the store is still empty).
    ref
        A reference to the same version (for use cases whose request carries a ``StoreRef``).
    version
        Store version (-1 for an empty store).
    root
        Data directory.
    """

    store: Store
    ref: StoreRef
    version: int
    root: Path

    def symbols(self) -> list[str]:
        """Symbols with price bars in this version, sorted."""
        return list(_entities(self.store, self.version, "bars"))

    def series_ids(self) -> list[str]:
        """Series ids (rates, factors) in this version, sorted."""
        return list(_entities(self.store, self.version, "series"))

    def value_range(self, name: str) -> tuple[float, float] | None:
        """Lowest and highest stored value of a symbol's prices or of a series (cached).

        Used to refuse chart options that would draw an unreasonable number of boxes.
        """
        return _value_range(self.store, self.version, name)

    def preferred_sources(self, symbols: list[str], *, field: str = "adj_close") -> dict[str, str]:
        """Return the store source a read of ``field`` uses for each symbol (when it has one)."""
        known = set(self.symbols())
        wanted = [s for s in symbols if s in known]
        if not wanted:
            return {}
        frame = self.store.sources(wanted, field=field)  # type: ignore[arg-type]
        rows = frame[frame["preferred"]]
        return {str(s): str(src) for s, src in zip(rows["symbol"], rows["source"], strict=True)}

    def last_date(self) -> pd.Timestamp | None:
        """Latest date of any price bar in this version (``None`` when there are none)."""
        cat = self.store.catalog()
        if cat.empty or "last" not in cat.columns:
            return None
        rows = cat[cat["table"] == "bars"] if "table" in cat.columns else cat
        last = rows["last"].max()
        return None if pd.isna(last) else pd.Timestamp(last)


@functools.lru_cache(maxsize=16)
def _entities(store: Store, version: int, table: str) -> tuple[str, ...]:
    """Entities of ``table`` in the store's catalog at ``version`` (cached per version)."""
    cat = store.catalog()
    if cat.empty or "table" not in cat.columns:
        return ()
    rows = cat[cat["table"] == table]
    return tuple(sorted({str(s) for s in rows["entity"].dropna()}))


@functools.lru_cache(maxsize=256)
def _value_range(store: Store, version: int, name: str) -> tuple[float, float] | None:
    if name in _entities(store, version, "bars"):
        frame = store.bars([name])
        cols = [c for c in ("high", "low", "close", "adj_close") if c in frame.columns]
        values = frame[cols].to_numpy(dtype=float).ravel()
    elif name in _entities(store, version, "series"):
        values = store.series([name]).to_numpy(dtype=float).ravel()
    else:
        return None
    values = values[np.isfinite(values)]
    if values.size == 0:
        return None
    return float(values.min()), float(values.max())


class StorePool:
    """Hands out snapshots of the latest committed store version, reusing open handles.

    Parameters
    ----------
    ref
        Which store (default: the settings' data directory). A ``version`` or ``timestamp`` in
        the reference pins every snapshot to that version.
    keep
        How many pinned versions to keep open (older ones are dropped first).
    """

    def __init__(self, ref: StoreRef | None = None, *, keep: int = 3) -> None:
        ref = ref or StoreRef()
        root = ref.root if ref.root is not None else load_settings().data_dir
        self.root = Path(str(root)).expanduser().absolute()
        self._fixed = ref.version is not None or ref.timestamp is not None
        self._ref = StoreRef(self.root, version=ref.version, timestamp=ref.timestamp)
        self._keep = max(1, keep)
        self._lock = threading.Lock()
        self._live: Store | None = None
        self._pinned: OrderedDict[int, Store] = OrderedDict()

    def latest_version(self) -> int:
        """Return the latest committed store version (-1 for an empty store)."""
        with self._lock:
            if self._live is None:
                self._live = open_store(self._ref)
            live = self._live
        return int(live.version)

    def snapshot(self) -> Snapshot:
        """Return the latest committed version, open and pinned.

        Returns
        -------
        Snapshot
            Reads only that version, whatever is written to the store afterwards.
        """
        version = self.latest_version()
        if self._fixed or version < 0:
            assert self._live is not None
            return Snapshot(self._live, self._ref, version, self.root)
        with self._lock:
            store = self._pinned.get(version)
            if store is None:
                store = open_store(StoreRef(self.root, version=version))
                self._pinned[version] = store
                while len(self._pinned) > self._keep:
                    self._pinned.popitem(last=False)
            else:
                self._pinned.move_to_end(version)
        return Snapshot(store, StoreRef(self.root, version=version), version, self.root)


def strategy_catalog() -> dict[str, dict[str, object]]:
    """Built-in backtest strategies: name -> description and spec (the parameters one can set).

    Returns
    -------
    dict
        ``{"size-rs": {"description": ..., "spec": {...}}, ...}`` sorted by name.
    """
    from sizeup.backtest import builtin_names, builtin_strategy

    out: dict[str, dict[str, object]] = {}
    for name in builtin_names():
        strategy = builtin_strategy(name)
        out[name] = {"description": strategy.description, "spec": dict(strategy.spec)}
    return out


def screen_catalog() -> dict[str, str]:
    """Built-in screens: name -> first line of their description (or the name)."""
    import tomllib

    from sizeup.fundamentals import builtin_screens

    out: dict[str, str] = {}
    for name, text in builtin_screens().items():
        try:
            spec = tomllib.loads(text)
        except tomllib.TOMLDecodeError:  # pragma: no cover - built-ins are tested elsewhere
            spec = {}
        desc = spec.get("description") or spec.get("screen", {}).get("description") or name
        out[name] = str(desc).strip().splitlines()[0] if str(desc).strip() else name
    return out
