"""Many point-and-figure charts at once: the chart kernel over the rows of a panel on threads.

:func:`build_panel_packed` builds every series' packed state (see
:mod:`sizeup.analytics.pnf._kernel`) into a :class:`PackedPanel`, whose
:meth:`~PackedPanel.fields` replays event-log fields on demand
(:mod:`sizeup.analytics.pnf._replay`); :func:`build_panel` expands the 11 per-bar fields at
once into a :class:`PanelFields`. Both run a thread pool over chunks of symbols (each a nogil
kernel call) or numba ``prange``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Final, NamedTuple

import numba as nb
import numpy as np
import numpy.typing as npt

from sizeup.analytics.pnf._kernel import data_grid, panel_prange, panel_range, replay_range
from sizeup.analytics.pnf._replay import FIELD_CODES, FIELD_DTYPES, alloc_fields, check_field
from sizeup.analytics.pnf._scale import Grid, kernel_grid

__all__ = [
    "PANEL_DTYPES",
    "PackedPanel",
    "PanelFields",
    "build_panel",
    "build_panel_packed",
    "packed_outputs",
    "panel_outputs",
]

_MAX_THREADS: Final = int(nb.config.NUMBA_NUM_THREADS)  # type: ignore[attr-defined]
_TASKS_PER_THREAD: Final = 8  # symbol chunks per thread (load balance on a shared machine)


def _threads(threads: int | None, m: int) -> int:
    nthreads = int(threads) if threads else _MAX_THREADS
    return max(1, min(nthreads, max(m, 1)))


def _run_chunks(run: Callable[[int, int], None], m: int, nthreads: int) -> None:
    """Call ``run(s0, s1)`` over chunks of the ``m`` symbols on ``nthreads`` threads.

    With more than one thread the symbols are cut into ``_TASKS_PER_THREAD`` chunks per thread
    that the pool hands out as threads free up, so a thread that the OS slows down does not
    hold up the rest.
    """
    if nthreads <= 1 or m <= 1:
        run(0, m)
        return
    nchunks = min(m, nthreads * _TASKS_PER_THREAD)
    bounds = [(m * c) // nchunks for c in range(nchunks + 1)]
    with ThreadPoolExecutor(max_workers=nthreads) as pool:
        futures = [pool.submit(run, bounds[c], bounds[c + 1]) for c in range(nchunks)]
        for f in futures:
            f.result()


@dataclass(frozen=True, eq=False)
class PackedPanel:
    """Packed per-bar state of many charts (see :mod:`sizeup.analytics.pnf._kernel`).

    Attributes
    ----------
    box
        ``(symbols, bars)`` int32: current column's extreme box, :data:`NO_BOX` before.
    flag
        ``(symbols, bars)`` uint8: action, signal fired and trend bits.
    ref
        ``(symbols, 2)`` int32: starting boxes ``up(C0)``, ``dn(C0)`` of each series.
    """

    box: npt.NDArray[np.int32]
    flag: npt.NDArray[np.uint8]
    ref: npt.NDArray[np.int32]

    @property
    def shape(self) -> tuple[int, int]:
        """``(symbols, bars)``."""
        m, n = self.box.shape
        return int(m), int(n)

    def fields(
        self,
        names: Sequence[str],
        *,
        start: int = 0,
        threads: int | None = None,
        out: dict[str, npt.NDArray[Any]] | None = None,
    ) -> dict[str, npt.NDArray[Any]]:
        """Derive event-log fields for bars ``start..`` of every symbol in one replay.

        Parameters
        ----------
        names
            Names of :data:`FIELD_CODES`.
        start
            First bar position written (earlier bars are replayed, not written).
        threads
            Threads to use (default: numba's thread count).
        out
            Name -> C-contiguous ``(symbols, bars - start)`` array of dtype
            :data:`FIELD_DTYPES` ``[name]`` to fill instead of allocating (for some or all of
            ``names``).

        Returns
        -------
        dict
            Name -> ``(symbols, bars - start)`` C-contiguous array.
        """
        for name in names:
            check_field(name)
        m, n = self.shape
        w0 = min(max(int(start), 0), n)
        buffers = alloc_fields([f for f in names if f not in (out or {})], (m,), n - w0)
        for name, arr in (out or {}).items():
            check_field(name)
            shape, dtype = (m, n - w0), FIELD_DTYPES[name]
            if arr.shape != shape or arr.dtype != dtype or not arr.flags.c_contiguous:
                raise ValueError(
                    f"out[{name!r}] must be a C-contiguous {shape} {np.dtype(dtype)} array, "
                    f"got {arr.shape} {arr.dtype}"
                )
            buffers.ordered[FIELD_CODES[name]] = arr
            buffers.wanted[name] = arr
        if m and n - w0:
            box, flag, ref = self.box, self.flag, self.ref
            _run_chunks(
                lambda s0, s1: replay_range(box, flag, ref, s0, s1, w0, *buffers.ordered),
                m,
                _threads(threads, m),
            )
        return {name: buffers.wanted[name] for name in names}

    def field(self, name: str, *, start: int = 0, threads: int | None = None) -> Any:
        """Derive one event-log field (see :meth:`fields`); ``(symbols, bars - start)``."""
        return self.fields([name], start=start, threads=threads)[name]

    def last(self, *, threads: int | None = None) -> dict[str, npt.NDArray[Any]]:
        """Every field's value on the last bar, per symbol (one replay, nothing per bar kept).

        Returns
        -------
        dict
            Field name -> ``(symbols,)`` array of the field's dtype (empty without bars).
        """
        m, n = self.shape
        if n == 0:
            return {f: np.empty(m, dt) for f, dt in FIELD_DTYPES.items()}
        got = self.fields(list(FIELD_CODES), start=n - 1, threads=threads)
        return {f: a[:, 0] for f, a in got.items()}


def packed_outputs(m: int, n: int) -> PackedPanel:
    """Allocate the packed outputs of ``m`` series of ``n`` bars (reusable through ``out=``)."""
    return PackedPanel(
        np.empty((m, n), np.int32), np.empty((m, n), np.uint8), np.zeros((m, 2), np.int32)
    )


class PanelFields(NamedTuple):
    """The 11 expanded per-bar fields of :func:`build_panel`, each ``(symbols, bars)``.

    Names and dtypes as in :data:`~sizeup.analytics.pnf._replay.FIELD_DTYPES` (all but
    ``status``).
    """

    column: npt.NDArray[np.int32]
    direction: npt.NDArray[np.int8]
    box: npt.NDArray[np.int32]
    action: npt.NDArray[np.int8]
    boxes_added: npt.NDArray[np.int32]
    signal: npt.NDArray[np.int8]
    signal_fired: npt.NDArray[np.int8]
    consec_buys: npt.NDArray[np.int32]
    consec_sells: npt.NDArray[np.int32]
    trend: npt.NDArray[np.int8]
    trend_line: npt.NDArray[np.int32]


PANEL_DTYPES: Final = tuple(FIELD_DTYPES[f] for f in PanelFields._fields)
"""dtypes of the 11 per-bar outputs of :func:`build_panel`, in :class:`PanelFields` order."""


def panel_outputs(m: int, n: int) -> PanelFields:
    """Allocate the 11 ``(symbols, bars)`` output arrays (reusable through ``out=``)."""
    return PanelFields(*(np.empty((m, n), dt) for dt in PANEL_DTYPES))


def build_panel_packed(
    high: npt.NDArray[np.float64],
    low: npt.NDArray[np.float64],
    ref: npt.NDArray[np.float64],
    starts: npt.NDArray[np.int64],
    *,
    kind: int,
    params: npt.NDArray[np.float64],
    reversal: int,
    eps: float,
    threads: int | None = None,
    backend: str = "pool",
    grids: Sequence[Grid] | None = None,
    out: PackedPanel | None = None,
) -> PackedPanel:
    """Build many charts at once into their packed per-bar state.

    Parameters
    ----------
    high, low, ref
        ``(symbols, bars)`` C-contiguous float arrays (one row per symbol; NaN = no bar).
        Pass the transpose of a ``(bars, symbols)`` Fortran-ordered array (what a pandas wide
        frame's ``to_numpy()`` returns) to avoid a copy.
    starts
        Per-symbol first bar position.
    kind, params
        Scale shared by all symbols (ignored when ``grids`` is given).
    reversal, eps
        As in :func:`build_series`.
    threads
        Number of threads (default: numba's thread count).
    backend
        ``"pool"`` (a thread pool over chunks of symbols, each a nogil kernel call) or
        ``"prange"`` (numba ``parallel=True``).
    grids
        One :func:`kernel_grid` per symbol (e.g. per-symbol ATR boxes).
    out
        Preallocated outputs from :func:`packed_outputs` to fill instead of allocating.

    Returns
    -------
    PackedPanel
        The packed state; :meth:`PackedPanel.field` derives any event-log field.
    """
    hi = np.ascontiguousarray(high, dtype=np.float64)
    lo = np.ascontiguousarray(low, dtype=np.float64)
    rf = np.ascontiguousarray(ref, dtype=np.float64)
    m, n = hi.shape
    if grids is None:
        if kind == 0:
            shared = data_grid(kind, params, reversal, hi=hi, lo=lo, rf=rf)
        else:
            shared = kernel_grid(kind, params, reversal)
        tabs = shared[0]
        tab_lo = np.zeros(m, np.int64)
        tab_hi = np.full(m, tabs.shape[0], np.int64)
        offs = np.full(m, shared[1], np.int64)
        pmins = np.full(m, shared[2])
        pmaxs = np.full(m, shared[3])
    else:
        if len(grids) != m:
            raise ValueError(f"need one grid per symbol ({m}), got {len(grids)}")
        tabs = np.concatenate([g[0] for g in grids]) if m else np.empty(0)
        ends = np.cumsum([g[0].shape[0] for g in grids]).astype(np.int64)
        tab_hi = ends
        tab_lo = ends - np.array([g[0].shape[0] for g in grids], np.int64)
        offs = np.array([g[1] for g in grids], np.int64)
        pmins = np.array([g[2] for g in grids], np.float64)
        pmaxs = np.array([g[3] for g in grids], np.float64)
    st = np.ascontiguousarray(starts, dtype=np.int64)
    res = out if out is not None else packed_outputs(m, n)
    if (
        res.box.shape != (m, n)
        or res.box.dtype != np.int32
        or res.flag.shape != (m, n)
        or res.flag.dtype != np.uint8
        or res.ref.shape != (m, 2)
        or res.ref.dtype != np.int32
        or not (res.box.flags.c_contiguous and res.flag.flags.c_contiguous)
    ):
        raise ValueError("out must be packed_outputs(symbols, bars)")
    if m == 0 or n == 0:
        return res
    nthreads = _threads(threads, m)
    args = (hi, lo, rf, st, tabs, tab_lo, tab_hi, offs, pmins, pmaxs, reversal, eps)
    o_box, o_flag, o_ref = res.box, res.flag, res.ref
    if backend == "prange":
        previous = nb.get_num_threads()
        nb.set_num_threads(min(nthreads, _MAX_THREADS))
        try:
            panel_prange(*args, nthreads, o_box, o_flag, o_ref)
        finally:
            nb.set_num_threads(previous)
        return res
    _run_chunks(
        lambda s0, s1: panel_range(*args, s0, s1, o_box, o_flag, o_ref),
        m,
        nthreads,
    )
    return res


def build_panel(
    high: npt.NDArray[np.float64],
    low: npt.NDArray[np.float64],
    ref: npt.NDArray[np.float64],
    starts: npt.NDArray[np.int64],
    *,
    kind: int,
    params: npt.NDArray[np.float64],
    reversal: int,
    eps: float,
    threads: int | None = None,
    backend: str = "pool",
    grids: Sequence[Grid] | None = None,
    out: Sequence[npt.NDArray[Any]] | None = None,
) -> PanelFields:
    """Build many charts at once and expand all 11 event-log fields.

    :func:`build_panel_packed` followed by :meth:`PackedPanel.field` for every field; prefer
    the packed form when only some fields are needed.

    Parameters
    ----------
    high, low, ref, starts, kind, params, reversal, eps, threads, backend, grids
        As in :func:`build_panel_packed`.
    out
        Preallocated outputs from :func:`panel_outputs` (or its 11 arrays in order) to fill
        instead of allocating.

    Returns
    -------
    PanelFields
        The 11 per-bar arrays by name, each ``(symbols, bars)`` C-contiguous.
    """
    m, n = np.shape(high)
    if out is None:
        outs = panel_outputs(m, n)
    elif len(out) != len(PANEL_DTYPES) or any(
        o.shape != (m, n) or o.dtype != dt or not o.flags.c_contiguous
        for o, dt in zip(out, PANEL_DTYPES, strict=True)
    ):
        raise ValueError("out must be the arrays of panel_outputs(symbols, bars)")
    else:
        outs = PanelFields._make(out)
    packed = build_panel_packed(
        high,
        low,
        ref,
        starts,
        kind=kind,
        params=params,
        reversal=reversal,
        eps=eps,
        threads=threads,
        backend=backend,
        grids=grids,
        out=PackedPanel(outs.box, np.empty((m, n), np.uint8), np.zeros((m, 2), np.int32)),
    )
    derived = {f: a for f, a in outs._asdict().items() if f != "box"}
    packed.fields(list(derived), threads=threads, out=derived)
    return outs
