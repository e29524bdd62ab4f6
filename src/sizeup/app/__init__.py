"""Use cases: typed request in, result object out.

``sizeup.app`` is the only layer that opens the store. Each use case lives in its own module
(:mod:`sizeup.app.monitor`, :mod:`sizeup.app.pnf`, :mod:`sizeup.app.claims`,
:mod:`sizeup.app.screens`, :mod:`sizeup.app.reports`, :mod:`sizeup.app.data`, ...), takes a
frozen request dataclass and returns a :class:`Result`: ``summary()``, ``to_frame()``,
``to_dict()``, ``_repr_html_()`` and, for charts, ``figure()``. The data policy (as-of,
freshness, price basis, incomplete periods, splicing) is decided once in
:mod:`sizeup.app._policy`.
"""

from __future__ import annotations

from sizeup.app._json import to_jsonable
from sizeup.app._policy import (
    PriceBasis,
    coverage_of,
    period_in_progress,
    resolve_asof,
    sessions_between,
)
from sizeup.app._result import ChartResult, InputCoverage, Provenance, Result
from sizeup.app._store import StoreRef, open_store

__all__ = [
    "ChartResult",
    "InputCoverage",
    "PriceBasis",
    "Provenance",
    "Result",
    "StoreRef",
    "coverage_of",
    "open_store",
    "period_in_progress",
    "resolve_asof",
    "sessions_between",
    "to_jsonable",
]
