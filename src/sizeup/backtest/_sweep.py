"""Parameter sweeps and walk-forward splits on threads or Dask, resumable from chunk files.

A sweep is a list of parameter combinations evaluated by one function
``evaluate(context, params) -> {metric: value}``. ``context`` is small and picklable (a store
reference and a strategy spec, never frames); each worker loads the data it needs once and
keeps it for the following tasks.

Combinations are grouped in chunks (the unit of work). Each finished chunk is written to
``out_dir/chunk-NNNNN.parquet`` (atomically), next to ``manifest.json`` with the sweep's
fingerprint; running the same sweep on the same folder again skips the chunks already there,
so an interrupted sweep resumes where it stopped. A combination whose evaluation raises is a
row with ``status = "failed"`` and the reason in ``error``; the sweep goes on.

Backends: local threads (default; the numba kernel releases the GIL), a Dask
``LocalCluster`` with ``dask_workers`` processes, or an existing scheduler address.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import logging
import math
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from sizeup.backtest._engine import simulate
from sizeup.backtest._metrics import MetricMode, compute_metrics
from sizeup.backtest._strategy import MarketData, Strategy, strategy_from_dict, window_targets
from sizeup.errors import BacktestError

__all__ = [
    "Split",
    "StrategyTask",
    "SweepOutcome",
    "evaluate_strategy",
    "param_grid",
    "run_chunk",
    "run_sweep",
    "walk_forward",
    "walk_forward_grid",
    "walk_forward_summary",
]

Evaluate = Callable[[Any, Mapping[str, object]], Mapping[str, object]]
Progress = Callable[[int, int], None]

#: Columns of every sweep table besides the ``p:<key>`` parameter columns and the metrics.
BASE_COLUMNS = ("run_id", "status", "error", "seconds")


def param_grid(grid: Mapping[str, Sequence[object]]) -> list[dict[str, object]]:
    """Every combination of the listed values, in key order then value order.

    Raises
    ------
    BacktestError
        A key whose values are not a non-empty list.
    """
    keys = list(grid)
    for key in keys:
        values = grid[key]
        if isinstance(values, str | bytes) or not isinstance(values, Sequence) or not values:
            raise BacktestError(
                f"sweep parameter {key!r} = {values!r} is not a non-empty list of values",
                input=key,
                value=values,
                valid="a non-empty list of values",
            )
    return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*grid.values())]


@dataclass(frozen=True)
class Split:
    """One walk-forward split: a training window followed by a test window (inclusive)."""

    train_start: str
    train_end: str
    test_start: str
    test_end: str


def walk_forward(
    index: pd.DatetimeIndex,
    *,
    train: int,
    test: int,
    step: int | None = None,
    anchored: bool = False,
) -> list[Split]:
    """Walk-forward splits over a session index.

    Parameters
    ----------
    index
        Sessions.
    train, test
        Sessions in each training and test window.
    step
        Sessions between split starts (default ``test``).
    anchored
        Training windows all start at the first session (expanding) instead of rolling.
    """
    for name, value in (("train", train), ("test", test), ("step", step or test)):
        if not isinstance(value, int) or value < 1:
            raise BacktestError(
                f"walk-forward {name} = {value!r} is not valid; valid: an integer >= 1",
                input=name,
                value=value,
                valid="an integer >= 1",
            )
    step = step or test
    days = pd.DatetimeIndex(index)
    out: list[Split] = []
    start = 0
    while start + train + test <= len(days):
        t0 = 0 if anchored else start
        fmt = "%Y-%m-%d"
        out.append(
            Split(
                days[t0].strftime(fmt),
                days[start + train - 1].strftime(fmt),
                days[start + train].strftime(fmt),
                days[start + train + test - 1].strftime(fmt),
            )
        )
        start += step
    if not out:
        raise BacktestError(
            f"{len(days)} sessions are fewer than train + test = {train + test}",
            input="train",
            value=train,
            valid=f"train + test <= {len(days)}",
        )
    return out


def walk_forward_grid(
    combos: Sequence[Mapping[str, object]], splits: Sequence[Split]
) -> list[dict[str, object]]:
    """List the runs of a walk-forward sweep: each combination on each split's two windows."""
    runs: list[dict[str, object]] = []
    for k, sp in enumerate(splits):
        for window, (a, b) in (
            ("train", (sp.train_start, sp.train_end)),
            ("test", (sp.test_start, sp.test_end)),
        ):
            for combo in combos:
                runs.append(
                    {**combo, "wf.split": k, "wf.window": window, "run.start": a, "run.end": b}
                )
    return runs


def walk_forward_summary(table: pd.DataFrame, metric: str = "sharpe") -> pd.DataFrame:
    """Per split, the best training combination by ``metric`` and its out-of-sample result."""
    if "p:wf.split" not in table:
        raise BacktestError(
            "the sweep table has no walk-forward columns",
            input="table",
            value=list(table.columns),
            valid="a table from walk_forward_grid runs",
        )
    ok = table[table["status"] == "ok"]
    keys = [
        c for c in table.columns if c.startswith("p:") and not c.startswith(("p:wf.", "p:run."))
    ]
    rows = []
    for split, group in ok.groupby("p:wf.split"):
        tr = group[group["p:wf.window"] == "train"]
        te = group[group["p:wf.window"] == "test"]
        if tr.empty or metric not in tr:
            continue
        score = np.nan_to_num(tr[metric].astype(float).to_numpy(), nan=-np.inf)
        best = tr.iloc[int(np.argmax(score))]
        match = te
        for k in keys:
            match = match[match[k] == best[k]]
        rows.append(
            {
                "split": split,
                **{k.removeprefix("p:"): best[k] for k in keys},
                f"train_{metric}": best[metric],
                f"test_{metric}": match[metric].iloc[0] if len(match) else math.nan,
                "test_start": best["p:run.start"] if match.empty else match["p:run.start"].iloc[0],
            }
        )
    return pd.DataFrame(rows)


# --------------------------------------------------------------------------- strategy tasks


@dataclass(frozen=True)
class StrategyTask:
    """Context of a strategy sweep: where the data comes from and the base strategy.

    Attributes
    ----------
    loader
        Picklable, hashable callable ``loader(strategy) -> MarketData`` (e.g. the app's store
        loader holding a store reference). Loaded data is cached per process and loader.
    spec
        The base strategy's TOML-shaped mapping.
    mode
        Metric definitions (``"native"`` or ``"empyrical"``).
    """

    loader: Callable[[Strategy], MarketData]
    spec: Mapping[str, Any] = field(hash=False)
    mode: MetricMode = "native"


_CACHE: dict[tuple[object, tuple[str, ...]], MarketData] = {}
_CACHE_LOCK = threading.Lock()


def _data_for(loader: Callable[[Strategy], MarketData], strategy: Strategy) -> MarketData:
    key = (loader, strategy.symbols())
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
    if hit is not None:
        return hit
    data = loader(strategy)
    with _CACHE_LOCK:
        if len(_CACHE) > 16:
            _CACHE.clear()
        _CACHE[key] = data
    return data


def evaluate_strategy(task: StrategyTask, params: Mapping[str, object]) -> dict[str, object]:
    """Build the strategy with ``params``, simulate it and return its metrics.

    ``run.start`` / ``run.end`` limit the simulated period; signals still see the history
    before ``run.start`` (they only use data up to each decision).
    """
    clean = {k: v for k, v in params.items() if not str(k).startswith("wf.")}
    strategy = strategy_from_dict(task.spec, source="sweep").with_params(clean)
    data = _data_for(task.loader, strategy)
    targets = strategy.targets(data)
    px = data.prices.reindex(columns=list(strategy.universe.symbols))
    lo = pd.Timestamp(strategy.start) if strategy.start else None
    hi = pd.Timestamp(strategy.end) if strategy.end else None
    px, targets = px.loc[lo:hi], window_targets(targets, lo, hi)
    if len(px) < 2:
        raise BacktestError(
            f"the period {strategy.start}..{strategy.end} has {len(px)} sessions",
            input="run.start",
            value=strategy.start,
            valid="a period with at least two sessions of data",
        )
    sim = simulate(px, targets, strategy.engine)
    bench = None
    if strategy.benchmark and strategy.benchmark in data.prices:
        bench = data.prices[strategy.benchmark].loc[lo:hi]
    m = compute_metrics(
        sim.equity(),
        benchmark=bench,
        traded=pd.Series(sim.traded, index=sim.index),
        cash=pd.Series(sim.cash, index=sim.index),
        mode=task.mode,
    )
    out: dict[str, object] = dict(m.to_dict())
    out.pop("mode", None)
    out["final_value"] = float(sim.value[-1])
    out["fees"] = float(sim.fees.sum())
    out["events"] = len(sim.events)
    return out


# --------------------------------------------------------------------------- chunks on disk


def _cell(value: object) -> object:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, np.generic):
        return value.item()
    return json.dumps(value, sort_keys=True, default=str)


def run_chunk(
    evaluate: Evaluate, context: object, runs: Sequence[tuple[int, Mapping[str, object]]]
) -> pd.DataFrame:
    """Evaluate a chunk of runs; a run that raises becomes a ``failed`` row with its reason."""
    rows = []
    for run_id, params in runs:
        started = time.perf_counter()
        row: dict[str, object] = {"run_id": run_id}
        row.update({f"p:{k}": _cell(v) for k, v in params.items()})
        try:
            result = evaluate(context, params)
        except Exception as exc:  # a failing combination is recorded, the sweep goes on
            row.update(status="failed", error=f"{type(exc).__name__}: {exc}")
        else:
            row.update(status="ok", error="")
            row.update({str(k): _cell(v) for k, v in result.items()})
        row["seconds"] = time.perf_counter() - started
        rows.append(row)
    return pd.DataFrame(rows)


@dataclass(frozen=True)
class SweepOutcome:
    """A finished sweep.

    Attributes
    ----------
    table
        One row per run, sorted by ``run_id``: ``p:<param>`` columns, ``status``, ``error``,
        metrics, ``seconds``.
    computed_chunks, reused_chunks
        Chunks evaluated in this call and chunks read back from ``out_dir``.
    backend
        ``"threads"``, ``"dask-local"`` or ``"dask:<address>"``.
    """

    table: pd.DataFrame
    computed_chunks: int
    reused_chunks: int
    backend: str

    @property
    def failed(self) -> pd.DataFrame:
        """The failed runs with their reasons."""
        return self.table[self.table["status"] == "failed"]


def _fingerprint(runs: Sequence[Mapping[str, object]], label: str, chunk_size: int) -> str:
    text = json.dumps(
        {
            "runs": [{k: _cell(v) for k, v in r.items()} for r in runs],
            "label": label,
            "chunk": chunk_size,
        },
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(text.encode()).hexdigest()


class _ChunkDir:
    def __init__(self, root: Path, fingerprint: str, n_runs: int, chunk_size: int) -> None:
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        manifest = root / "manifest.json"
        meta = {"fingerprint": fingerprint, "runs": n_runs, "chunk_size": chunk_size}
        if manifest.exists():
            old = json.loads(manifest.read_text(encoding="utf-8"))
            if old.get("fingerprint") != fingerprint:
                raise BacktestError(
                    f"{root} holds results of a different sweep; use another --out folder or "
                    "delete it",
                    input="out_dir",
                    value=str(root),
                    valid="an empty folder or one from the same sweep",
                )
        else:
            tmp = manifest.with_suffix(".tmp")
            tmp.write_text(json.dumps(meta, indent=1), encoding="utf-8")
            os.replace(tmp, manifest)

    def path(self, k: int) -> Path:
        return self.root / f"chunk-{k:05d}.parquet"

    def done(self) -> set[int]:
        return {int(p.stem.split("-")[1]) for p in self.root.glob("chunk-*.parquet")}

    def write(self, k: int, frame: pd.DataFrame) -> None:
        tmp = self.root / f".chunk-{k:05d}.{os.getpid()}.{threading.get_ident()}.tmp"
        frame.to_parquet(tmp, index=False)
        os.replace(tmp, self.path(k))

    def read(self, k: int) -> pd.DataFrame:
        return pd.read_parquet(self.path(k))


def _chunks(
    runs: Sequence[Mapping[str, object]], size: int
) -> Iterator[tuple[int, list[tuple[int, Mapping[str, object]]]]]:
    for k, start in enumerate(range(0, len(runs), size)):
        yield k, [(i, runs[i]) for i in range(start, min(start + size, len(runs)))]


def _failed_chunk(runs: Sequence[tuple[int, Mapping[str, object]]], reason: str) -> pd.DataFrame:
    rows = []
    for run_id, params in runs:
        row: dict[str, object] = {"run_id": run_id}
        row.update({f"p:{k}": _cell(v) for k, v in params.items()})
        row.update(status="failed", error=reason, seconds=math.nan)
        rows.append(row)
    return pd.DataFrame(rows)


def run_sweep(
    evaluate: Evaluate,
    context: object,
    runs: Sequence[Mapping[str, object]],
    *,
    out_dir: str | Path | None = None,
    chunk_size: int = 16,
    threads: int = 2,
    dask_workers: int | None = None,
    scheduler: str | None = None,
    label: str = "",
    progress: Progress | None = None,
) -> SweepOutcome:
    """Evaluate every run, resuming from ``out_dir`` when it holds chunks of the same sweep.

    Parameters
    ----------
    evaluate
        ``evaluate(context, params) -> {metric: value}``; must be importable by Dask workers
        (a module-level function).
    context
        Small picklable context (store reference, strategy spec).
    runs
        Parameter mappings, one per run (see :func:`param_grid`, :func:`walk_forward_grid`).
    out_dir
        Folder for the chunk files; ``None`` keeps results in memory only (no resume).
    chunk_size
        Runs per chunk (unit of work and of resumption).
    threads
        Local threads when no Dask option is given.
    dask_workers
        Start a Dask ``LocalCluster`` with this many single-threaded worker processes.
    scheduler
        Address of a running Dask scheduler (``tcp://host:port``); exclusive with
        ``dask_workers``.
    label
        Text identifying the evaluated thing (strategy spec, store); part of the fingerprint.
    progress
        Called with ``(runs done, runs total)`` after each chunk.
    """
    if not isinstance(chunk_size, int) or chunk_size < 1:
        raise BacktestError(
            f"chunk_size = {chunk_size!r} is not valid; valid: an integer >= 1",
            input="chunk_size",
            value=chunk_size,
            valid="an integer >= 1",
        )
    if scheduler is not None and dask_workers is not None:
        raise BacktestError(
            "give either --scheduler or --workers, not both",
            input="--scheduler",
            value=scheduler,
            valid="one of --scheduler, --workers",
        )
    if dask_workers is not None and (not isinstance(dask_workers, int) or dask_workers < 1):
        raise BacktestError(
            f"--workers {dask_workers!r} is not valid; valid: an integer >= 1",
            input="--workers",
            value=dask_workers,
            valid="an integer >= 1",
        )
    runs = list(runs)
    store = (
        _ChunkDir(Path(out_dir), _fingerprint(runs, label, chunk_size), len(runs), chunk_size)
        if out_dir is not None
        else None
    )
    done = store.done() if store is not None else set()
    results: dict[int, pd.DataFrame] = {}
    todo = []
    for k, chunk in _chunks(runs, chunk_size):
        if k in done and store is not None:
            results[k] = store.read(k)
        else:
            todo.append((k, chunk))
    reused = len(results)
    total = len(runs)
    finished = sum(len(f) for f in results.values())

    def accept(k: int, frame: pd.DataFrame) -> None:
        nonlocal finished
        if store is not None:
            store.write(k, frame)
        results[k] = frame
        finished += len(frame)
        if progress is not None:
            progress(finished, total)

    if progress is not None:
        progress(finished, total)
    if (scheduler is not None or dask_workers is not None) and not todo:
        backend = "dask-local" if scheduler is None else f"dask:{scheduler}"  # nothing to run
    elif scheduler is not None or dask_workers is not None:
        backend = _run_dask(evaluate, context, todo, accept, dask_workers, scheduler)
    else:
        backend = "threads"
        with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
            pending: dict[Future[pd.DataFrame], tuple[int, list[Any]]] = {
                pool.submit(run_chunk, evaluate, context, chunk): (k, chunk) for k, chunk in todo
            }
            while pending:
                ready, _ = wait(pending, return_when=FIRST_COMPLETED)
                for fut in ready:
                    k, chunk = pending.pop(fut)
                    try:
                        frame = fut.result()
                    except Exception as exc:  # run_chunk catches per run; this is a crash
                        frame = _failed_chunk(chunk, f"{type(exc).__name__}: {exc}")
                    accept(k, frame)
    frames = [results[k] for k in sorted(results)]
    table = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=BASE_COLUMNS)
    table = table.sort_values("run_id", kind="stable").reset_index(drop=True)
    return SweepOutcome(table, len(todo), reused, backend)


def _run_dask(  # noqa: PLR0917
    evaluate: Evaluate,
    context: object,
    todo: list[tuple[int, list[tuple[int, Mapping[str, object]]]]],
    accept: Callable[[int, pd.DataFrame], None],
    dask_workers: int | None,
    scheduler: str | None,
) -> str:
    import importlib

    dist: Any = importlib.import_module("distributed")  # untyped package

    quiet = logging.getLogger("distributed")
    level = quiet.level
    if not quiet.isEnabledFor(logging.DEBUG):  # keep Dask's start/stop chatter out of the CLI
        quiet.setLevel(logging.WARNING)
    try:
        return _run_dask_client(dist, evaluate, context, todo, accept, dask_workers, scheduler)
    finally:
        quiet.setLevel(level)


def _run_dask_client(  # noqa: PLR0917
    dist: Any,
    evaluate: Evaluate,
    context: object,
    todo: list[tuple[int, list[tuple[int, Mapping[str, object]]]]],
    accept: Callable[[int, pd.DataFrame], None],
    dask_workers: int | None,
    scheduler: str | None,
) -> str:
    Client, LocalCluster, as_completed = dist.Client, dist.LocalCluster, dist.as_completed  # noqa: N806
    cluster = None
    if scheduler is not None:
        try:
            client = Client(scheduler, timeout="10s")
        except (OSError, TimeoutError, ValueError) as exc:
            raise BacktestError(
                f"cannot reach the Dask scheduler {scheduler}: {exc}",
                input="--scheduler",
                value=scheduler,
                valid="the address of a running scheduler, e.g. tcp://127.0.0.1:8786",
            ) from None
        backend = f"dask:{scheduler}"
    else:
        cluster = LocalCluster(
            n_workers=dask_workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
        )
        client = Client(cluster)
        backend = "dask-local"
    try:
        futures = {
            client.submit(run_chunk, evaluate, context, chunk, pure=False): (k, chunk)
            for k, chunk in todo
        }
        for fut in as_completed(list(futures)):
            k, chunk = futures[fut]
            try:
                frame = fut.result()
            except Exception as exc:  # a lost worker: the chunk's runs are recorded as failed
                frame = _failed_chunk(chunk, f"{type(exc).__name__}: {exc}")
            accept(k, frame)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
    return backend
