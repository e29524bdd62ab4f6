"""Start numba on a background thread while the caller reads its inputs.

The first call of a numba kernel in a process loads numba's CPU target: hundreds of typing and
lowering registrations (numpy's array functions, random generators, linear algebra and its BLAS
probe), about 0.4 s of CPU before any cached kernel is read from disk. A use case that reads the
store first and computes afterwards can do that start-up on a second core while the store's
Parquet reads (which release the GIL) are running: :func:`warm_up` starts it and returns at once.

The warm-up only loads code. It holds numba's global compiler lock while loading, the same lock
every kernel dispatch takes to compile or load a kernel, so a kernel called before the warm-up
has finished waits for it and then finds the target ready; the results are the same with or
without a warm-up.
"""

from __future__ import annotations

import importlib
import logging
import threading
from collections.abc import Sequence
from typing import Final

_log = logging.getLogger(__name__)

KERNEL_MODULES: Final = (
    "sizeup.analytics.breadth._kernels",
    "sizeup.analytics.pnf._kernel",
    "sizeup.analytics.performance._streaks_kernel",
)
"""Modules holding the njit kernels of the monitor's panels (breadth, bullish percent, RS)."""


def warm_up(modules: Sequence[str] = KERNEL_MODULES) -> threading.Thread:
    """Load numba's CPU target and the kernel ``modules`` on a daemon thread.

    Parameters
    ----------
    modules
        Modules to import once numba's target is loaded (their ``@njit`` decorators).

    Returns
    -------
    threading.Thread
        The started thread (``join()`` it to wait; nothing needs to).

    Examples
    --------
    >>> from sizeup.analytics._jit import warm_up
    >>> warm_up().join()
    """
    thread = threading.Thread(
        target=_warm, args=(tuple(modules),), name="sizeup-numba-warm-up", daemon=True
    )
    thread.start()
    return thread


def _warm(modules: tuple[str, ...]) -> None:
    try:
        from numba.core.compiler_lock import global_compiler_lock
        from numba.core.registry import cpu_target

        with global_compiler_lock:
            cpu_target.target_context.refresh()
        for name in modules:
            importlib.import_module(name)
    except Exception:  # the first kernel call meets the same failure and reports it
        _log.debug("numba warm-up failed", exc_info=True)
