"""Use case: backtest a strategy, or sweep its parameters, on the store's data.

Data policy: strategies trade total-return closes (``adj_close``: split- and dividend-adjusted),
so dividends are reinvested through the prices. The as-of date is the latest session every
traded symbol covers unless given; no input is read past it. Point-in-time membership comes
from a fund's holdings snapshots where the store has them; otherwise the universe is today's
list and the result says so (survivorship).

Examples
--------
>>> from sizeup.app.backtest import BacktestRequest, run_backtest   # doctest: +SKIP
>>> result = run_backtest(BacktestRequest("size-rs"))              # doctest: +SKIP
>>> print(result.summary())                                        # doctest: +SKIP
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from sizeup.analytics.breadth import bullish_percent
from sizeup.app._membership import load_membership
from sizeup.app._policy import PriceBasis, coverage_of, resolve_asof
from sizeup.app._result import ChartResult, InputCoverage, Provenance, Result
from sizeup.app._store import StoreRef, open_store
from sizeup.backtest import (
    MarketData,
    Metrics,
    Simulation,
    Strategy,
    StrategyTask,
    SweepOutcome,
    builtin_names,
    builtin_strategy,
    compute_metrics,
    evaluate_strategy,
    load_strategy,
    param_grid,
    run_sweep,
    simulate,
    walk_forward,
    walk_forward_grid,
    walk_forward_summary,
    window_targets,
)
from sizeup.backtest._metrics import MetricMode
from sizeup.errors import BacktestError

if TYPE_CHECKING:
    import plotly.graph_objects as go

    from sizeup.data.store import Store
    from sizeup.fundamentals import ScreenData

__all__ = [
    "BPI_FUND",
    "BacktestRequest",
    "BacktestResult",
    "StoreLoader",
    "SweepRequest",
    "SweepResult",
    "resolve_strategy",
    "run_backtest",
    "run_sweep_request",
]

#: Fund whose holdings form the universe of the small-cap bullish percent.
BPI_FUND = "IWM"


def resolve_strategy(name_or_path: str, params: Mapping[str, object] | None = None) -> Strategy:
    """Return a built-in strategy by name, or a TOML file by path, with optional overrides.

    Raises
    ------
    BacktestError
        Unknown name, unreadable file, or a bad key/value (naming the key and what is valid).
    """
    path = Path(name_or_path)
    if name_or_path in builtin_names():
        strategy = builtin_strategy(name_or_path)
    elif path.suffix == ".toml" or path.exists():
        strategy = load_strategy(path)
    else:
        builtin_strategy(name_or_path)  # raises with the list of built-ins
        raise AssertionError("unreachable")  # pragma: no cover
    return strategy.with_params(params) if params else strategy


# --------------------------------------------------------------------------- loading data


_STORES: dict[StoreRef, Store] = {}
_STORES_LOCK = threading.Lock()


def _store_for(ref: StoreRef) -> Store:
    with _STORES_LOCK:
        st = _STORES.get(ref)
        if st is None:
            st = open_store(ref)
            _STORES[ref] = st
        return st


@dataclass(frozen=True)
class StoreLoader:
    """Loads what a strategy needs from the store: a small, picklable sweep context.

    Attributes
    ----------
    ref
        The store reference.
    asof
        Last date read (ISO), ``None`` for all data.
    """

    ref: StoreRef = field(default_factory=StoreRef)
    asof: str | None = None

    def __call__(self, strategy: Strategy) -> MarketData:
        """Read total-return closes, membership and signal inputs for ``strategy``."""
        store = _store_for(self.ref)
        return load_market_data(store, strategy, asof=self.asof)[0]


def load_market_data(
    store: Store, strategy: Strategy, *, asof: str | pd.Timestamp | None = None
) -> tuple[MarketData, Strategy, list[str]]:
    """Read a strategy's inputs.

    Returns
    -------
    (MarketData, Strategy, list of str)
        The data, the strategy with its universe resolved (a fund's members) and notes.
    """
    notes: list[str] = []
    membership = None
    survivorship = "fixed list of symbols chosen today (survivorship not applicable)"
    fund = strategy.universe.fund
    end = None if asof is None else pd.Timestamp(asof)
    uni = None
    if fund is not None:
        uni = load_membership(store, fund, as_of=end)
        if uni.empty:
            raise BacktestError(
                f"universe.fund = {fund!r} has no holdings in the store; import or fetch them "
                f"(sizeup fetch universe --fund {fund})",
                input="universe.fund",
                value=fund,
                valid="a fund with holdings snapshots in the store",
            )
        strategy = strategy.with_universe(uni.symbols)
    screen_data = _screen_data(store, strategy) if "screen" in strategy.signal.requires else None
    symbols = list(strategy.symbols())
    prices = store.panel(symbols, field="adj_close", end=end)
    prices = prices.reindex(columns=symbols)
    if prices.dropna(how="all").empty:
        raise BacktestError(
            f"the store has no total-return closes for {', '.join(symbols[:10])}",
            input="universe.symbols",
            value=symbols[:10],
            valid="symbols imported in the store (sizeup import / sizeup fetch)",
        )
    prices = prices.set_axis(pd.DatetimeIndex(prices.index), axis=0).sort_index()
    dates = pd.DatetimeIndex(prices.index)
    if uni is not None:
        mask, survivorship = uni.mask(dates, prices.columns)
        membership = pd.DataFrame(mask, index=prices.index, columns=prices.columns)
    series: dict[str, pd.Series | pd.DataFrame] = {}
    if "bpi_state" in strategy.signal.requires:
        series["bpi_state"], note = _bpi_state(store, dates, end)
        notes.append(note)
    if screen_data is not None:
        series["screen"] = _screen_panel(screen_data, strategy, dates)
        notes.append(
            f"screen {strategy.signal.screen!r} re-run on each month's last session with "
            "fundamentals filed by then (point in time by filing date)"
        )
    data = MarketData(prices, membership, series, survivorship)
    return data, strategy, notes


def _bpi_state(
    store: Store, index: pd.DatetimeIndex, end: pd.Timestamp | None
) -> tuple[pd.Series, str]:
    uni = load_membership(store, BPI_FUND, as_of=end)
    if uni.empty:
        raise BacktestError(
            f"signal.kind = 'bpi_state' needs the {BPI_FUND} holdings and their members' "
            "prices in the store",
            input="signal.kind",
            value="bpi_state",
            valid=f"a store with {BPI_FUND} holdings (sizeup fetch universe --fund {BPI_FUND})",
        )
    closes = store.panel(list(uni.symbols), field="adj_close", end=end)
    closes = closes.set_axis(pd.DatetimeIndex(closes.index), axis=0).sort_index()
    mask, note = uni.mask(pd.DatetimeIndex(closes.index), closes.columns)
    bp = bullish_percent(closes, members=mask, note=note, universe=BPI_FUND)
    state = bp.frame["state"].reindex(index, method="ffill")
    return state, f"bullish percent of {BPI_FUND} members: {note}"


def _screen_data(store: Store, strategy: Strategy) -> ScreenData:
    from sizeup.app.screens import load_screen_data

    data = load_screen_data(store)
    if data.items.empty:
        raise BacktestError(
            f"signal.screen = {strategy.signal.screen!r} needs fundamentals, and the store has "
            "none; import SEC companyfacts or SimFin files (sizeup fetch fundamentals)",
            input="signal.screen",
            value=strategy.signal.screen,
            valid="a store with fundamentals",
        )
    return data


def _screen_panel(data: ScreenData, strategy: Strategy, index: pd.DatetimeIndex) -> pd.DataFrame:
    from sizeup.fundamentals import load_screen, run_screen

    screen = load_screen(strategy.signal.screen)
    cols = list(strategy.universe.symbols)
    out = pd.DataFrame(False, index=index, columns=cols)
    months = index.to_period("M")
    ends = [
        index[i] for i in range(len(index)) if i == len(index) - 1 or months[i] != months[i + 1]
    ]
    start = pd.Timestamp(strategy.start) if strategy.start else index[0]
    current: set[str] = set()
    last_row = 0
    end_set = set(ends)
    for row in (i for i in range(len(index)) if index[i] in end_set):
        day = index[row]
        out.iloc[last_row:row, :] = out.columns.isin(list(current))
        if day >= start:
            res = run_screen(screen, data, as_of=day, universe=strategy.universe.fund)
            table = res.table
            current = set(table.loc[table["passed"].astype(bool), "symbol"].astype(str))
        last_row = row
    out.iloc[last_row:, :] = out.columns.isin(list(current))
    return out


# --------------------------------------------------------------------------- backtest


@dataclass(frozen=True)
class BacktestRequest:
    """What to backtest.

    Attributes
    ----------
    strategy
        A built-in name (see :func:`sizeup.backtest.builtin_names`) or a TOML file path.
    params
        Overrides of the strategy's keys (``{"select.n": 5}``).
    start, end
        Override the strategy's simulated period.
    asof
        Read no data after this date (default: the latest session every symbol covers).
    mode
        Metric definitions: ``native`` or ``empyrical``.
    store
        Which store to read.
    """

    strategy: str
    params: Mapping[str, object] = field(default_factory=dict)
    start: pd.Timestamp | None = None
    end: pd.Timestamp | None = None
    asof: pd.Timestamp | None = None
    mode: MetricMode = "native"
    store: StoreRef = field(default_factory=StoreRef)


@dataclass(frozen=True)
class BacktestResult(ChartResult):
    """A simulated strategy with its metrics.

    Attributes
    ----------
    strategy
        The strategy run (universe resolved).
    simulation
        The engine's day-by-day record.
    metrics
        Metrics in the requested mode.
    benchmark
        Benchmark closes over the period (``None`` without a benchmark).
    provenance
        Inputs, as-of, notes and warnings.
    """

    strategy: Strategy
    simulation: Simulation
    metrics: Metrics
    benchmark: pd.Series | None
    provenance: Provenance

    def summary(self) -> str:
        """Return the strategy, period and key metrics as text."""
        m, sim = self.metrics, self.simulation
        first, last = sim.index[0], sim.index[-1]

        def pct(x: float) -> str:
            return "n/a" if not np.isfinite(x) else f"{x * 100:.2f}%"

        def num(x: float) -> str:
            return "n/a" if not np.isfinite(x) else f"{x:.2f}"

        lines = [
            f"{self.strategy.name}: {self.strategy.description}".rstrip(": "),
            f"period {first.date()} .. {last.date()} ({len(sim.index)} sessions); "
            f"final value {sim.value[-1]:,.0f} from {sim.config.init_cash:,.0f}",
            f"CAGR {pct(m.cagr)}, volatility {pct(m.volatility)}, Sharpe {num(m.sharpe)}, "
            f"Sortino {num(m.sortino)}",
            f"max drawdown {pct(m.max_drawdown)} ({m.max_drawdown_sessions} sessions), "
            f"Calmar {num(m.calmar)}",
            f"turnover {num(m.turnover)}x/yr, exposure {pct(m.exposure)}, hit rate "
            f"{pct(m.hit_rate)}, costs {sim.fees.sum():,.0f}",
        ]
        if self.benchmark is not None:
            lines.append(
                f"vs {self.strategy.benchmark}: alpha {pct(m.alpha)}, beta {num(m.beta)}, "
                f"information ratio {num(m.information_ratio)}, up/down capture "
                f"{num(m.up_capture)}/{num(m.down_capture)}"
            )
        lines.append(f"metrics: {m.mode} definitions; events: {len(sim.events)}")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """Return the daily record: equity, return, drawdown, cash, fees, turnover, benchmark."""
        sim = self.simulation
        eq = sim.equity()
        frame = pd.DataFrame(
            {
                "equity": eq,
                "return": sim.returns(),
                "drawdown": eq / eq.cummax() - 1.0,
                "cash": sim.cash,
                "fees": sim.fees,
                "turnover": sim.turnover(),
            },
            index=sim.index,
        )
        if self.benchmark is not None:
            b = self.benchmark.reindex(sim.index).ffill()
            frame["benchmark"] = b / b.dropna().iloc[0] * sim.config.init_cash
        frame.index.name = "date"
        return frame

    def weights(self) -> pd.DataFrame:
        """Return the weight of each held symbol at each close (exportable table)."""
        w = self.simulation.weights()
        return w.loc[:, (w != 0).any()]

    def orders(self) -> pd.DataFrame:
        """Return the executed orders: date, symbol, shares (+ buy, - sell)."""
        sim = self.simulation
        rows, cols = np.nonzero(sim.orders)
        return pd.DataFrame(
            {
                "date": sim.index[rows],
                "symbol": sim.columns[cols],
                "shares": sim.orders[rows, cols],
            }
        )

    def payload(self) -> dict[str, Any]:
        """Return the strategy, metrics, final weights and events."""
        last = self.simulation.weights().iloc[-1]
        return {
            "strategy": self.strategy.name,
            "spec": dict(self.strategy.spec),
            "start": self.simulation.index[0],
            "end": self.simulation.index[-1],
            "metrics": self.metrics.to_dict(),
            "final_value": float(self.simulation.value[-1]),
            "final_weights": {str(k): float(v) for k, v in last[last != 0].items()},
            "events": self.simulation.event_frame().to_dict("records"),
        }

    def figure(self) -> go.Figure:
        """Return equity (with the benchmark), drawdown, rolling Sharpe and weights."""
        import plotly.graph_objects as go
        from plotly.subplots import make_subplots

        frame = self.to_frame()
        fig = make_subplots(
            rows=4,
            cols=1,
            shared_xaxes=True,
            row_heights=[0.4, 0.15, 0.15, 0.3],
            subplot_titles=("equity", "drawdown", "rolling 126-session Sharpe", "weights"),
        )
        fig.add_trace(go.Scatter(x=frame.index, y=frame["equity"], name="strategy"), 1, 1)
        if "benchmark" in frame:
            name = str(self.strategy.benchmark)
            fig.add_trace(go.Scatter(x=frame.index, y=frame["benchmark"], name=name), 1, 1)
        fig.add_trace(
            go.Scatter(x=frame.index, y=frame["drawdown"], name="drawdown", fill="tozeroy"), 2, 1
        )
        r = frame["return"]
        roll = r.rolling(126).mean() / r.rolling(126).std() * np.sqrt(252)
        fig.add_trace(go.Scatter(x=frame.index, y=roll, name="rolling Sharpe"), 3, 1)
        for sym, col in self.weights().items():
            fig.add_trace(
                go.Scatter(x=col.index, y=col, name=str(sym), stackgroup="w", mode="none"), 4, 1
            )
        fig.update_layout(title=self.strategy.name, height=900, showlegend=True)
        return fig


def run_backtest(request: BacktestRequest, store: StoreRef | Store | None = None) -> BacktestResult:
    """Backtest one strategy on the store.

    Raises
    ------
    BacktestError
        Bad strategy, parameters or period; missing inputs.
    DataError
        The as-of date is after the data.
    """
    st = (
        store
        if store is not None and not isinstance(store, StoreRef)
        else open_store(store or request.store)
    )
    strategy = resolve_strategy(request.strategy, request.params)
    asof_req = request.asof
    data, strategy, notes = load_market_data(st, strategy, asof=asof_req)
    traded = list(strategy.universe.symbols)
    ends: dict[str, pd.Timestamp | None] = {}
    for s in traded:
        last_valid = data.prices[s].last_valid_index() if s in data.prices else None
        ends[s] = None if last_valid is None else pd.Timestamp(str(last_valid))
    if strategy.universe.fund is not None:  # members delist: use the panel's last date
        ends = {f"{strategy.universe.fund} members": pd.Timestamp(data.prices.index.max())}
    asof = resolve_asof(asof_req, ends)
    prices = data.prices.loc[:asof]
    data = MarketData(
        prices,
        None if data.membership is None else data.membership.loc[:asof],
        {k: v.loc[:asof] for k, v in data.series.items()},
        data.survivorship,
    )
    targets = strategy.targets(data)
    start = request.start or (pd.Timestamp(strategy.start) if strategy.start else None)
    end = request.end or (pd.Timestamp(strategy.end) if strategy.end else None)
    px = prices[traded].loc[start:end]
    first_valid = px.dropna(how="all").index
    if len(first_valid) < 2:
        raise BacktestError(
            f"the period {start} .. {end} has fewer than two sessions with prices",
            input="--start",
            value=None if start is None else str(start.date()),
            valid=f"a period within {prices.index.min().date()} .. {asof.date()}",
        )
    px = px.loc[first_valid[0] :]
    w = window_targets(targets, px.index[0], px.index[-1])
    sim = simulate(px, w, strategy.engine)
    bench = None
    if strategy.benchmark and strategy.benchmark in prices:
        bench = prices[strategy.benchmark].loc[px.index[0] : px.index[-1]]
    metrics = compute_metrics(
        sim.equity(),
        benchmark=bench,
        traded=pd.Series(sim.traded, index=sim.index),
        cash=pd.Series(sim.cash, index=sim.index),
        mode=request.mode,
    )
    inputs: list[InputCoverage] = []
    warnings: list[str] = []
    shown = strategy.symbols() if strategy.universe.fund is None else (strategy.benchmark or "",)
    for sym in shown:
        if sym and sym in prices:
            cov, warn = coverage_of(
                sym, prices[sym].dropna().index, as_of=asof, basis=PriceBasis.TOTAL_RETURN
            )
            inputs.append(cov)
            if warn:
                warnings.append(warn)
    n_missed = int((sim.events["kind"] == 1).sum())
    if n_missed:
        warnings.append(f"{n_missed} orders not executed: no price on the execution day")
    n_off = int((sim.events["kind"] == 2).sum())
    if n_off:
        warnings.append(f"{n_off} positions written off at their last price (no data since)")
    notes = [
        *notes,
        f"universe: {data.survivorship}",
        "total-return closes (dividends reinvested through adjusted prices)",
        f"decisions at a close trade {strategy.engine.lag} session(s) later at that close",
    ]
    prov = Provenance(
        as_of=asof,
        inputs=tuple(inputs),
        store_version=getattr(st, "version", None),
        notes=tuple(notes),
        warnings=tuple(warnings),
    )
    return BacktestResult(strategy, sim, metrics, bench, prov)


# --------------------------------------------------------------------------- sweeps


@dataclass(frozen=True)
class SweepRequest:
    """A parameter sweep (optionally walk-forward) of one strategy.

    Attributes
    ----------
    strategy
        Built-in name or TOML path.
    grid
        Dotted key -> list of values (``{"signal.fast": [10, 20]}``).
    out
        Folder for resumable chunk files (``None``: in memory).
    workers
        Dask LocalCluster worker processes (``None``: local threads).
    scheduler
        Dask scheduler address.
    threads
        Local threads.
    chunk_size
        Runs per chunk.
    walk_forward
        ``(train, test)`` sessions for walk-forward splits; ``None`` for a plain grid.
    metric
        Metric that ranks runs (and picks walk-forward winners).
    mode
        Metric definitions.
    asof
        Read no data after this date.
    store
        Which store.
    """

    strategy: str
    grid: Mapping[str, list[object]]
    out: Path | None = None
    workers: int | None = None
    scheduler: str | None = None
    threads: int = 2
    chunk_size: int = 16
    walk_forward: tuple[int, int] | None = None
    metric: str = "sharpe"
    mode: MetricMode = "native"
    asof: pd.Timestamp | None = None
    store: StoreRef = field(default_factory=StoreRef)


@dataclass(frozen=True)
class SweepResult(Result):
    """Every run of a sweep with its metrics, failures and (walk-forward) winners."""

    strategy: str
    outcome: SweepOutcome
    metric: str
    walk_forward: pd.DataFrame | None
    provenance: Provenance

    def summary(self) -> str:
        """Return counts, the backend and the best runs by the ranking metric."""
        t = self.outcome.table
        ok = t[t["status"] == "ok"]
        lines = [
            f"sweep of {self.strategy}: {len(t)} runs, {len(ok)} ok, "
            f"{len(t) - len(ok)} failed ({self.outcome.backend}; "
            f"{self.outcome.computed_chunks} chunks computed, {self.outcome.reused_chunks} reused)"
        ]
        if not ok.empty and self.metric in ok:
            best = ok.sort_values(self.metric, ascending=False).head(5)
            pcols = [c for c in t.columns if c.startswith("p:")]
            for _, row in best.iterrows():
                params = ", ".join(f"{c[2:]}={row[c]}" for c in pcols)
                lines.append(f"  {self.metric} {float(row[self.metric]):.3f}: {params}")
        for _, row in self.outcome.failed.head(5).iterrows():
            lines.append(f"  failed run {int(row['run_id'])}: {row['error']}")
        if self.walk_forward is not None and not self.walk_forward.empty:
            col = f"test_{self.metric}"
            lines.append(
                f"walk-forward: {len(self.walk_forward)} splits, mean out-of-sample "
                f"{self.metric} {self.walk_forward[col].mean():.3f}"
            )
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """Return the run table."""
        return self.outcome.table

    def payload(self) -> dict[str, Any]:
        """Return the runs and walk-forward winners."""
        return {
            "strategy": self.strategy,
            "backend": self.outcome.backend,
            "runs": self.outcome.table.to_dict("records"),
            "walk_forward": None
            if self.walk_forward is None
            else self.walk_forward.to_dict("records"),
        }


def run_sweep_request(
    request: SweepRequest,
    *,
    progress: Callable[[int, int], None] | None = None,
) -> SweepResult:
    """Run a sweep; tasks carry the store reference and parameters, not frames.

    Raises
    ------
    BacktestError
        Bad grid, strategy, backend options or output folder.
    """
    base = resolve_strategy(request.strategy)
    runs = param_grid(request.grid)
    base.with_params(runs[0])  # check the keys once, before starting workers
    loader = StoreLoader(request.store, None if request.asof is None else str(request.asof.date()))
    if request.walk_forward is not None:
        data = loader(base)
        cols = [s for s in base.universe.symbols if s in data.prices]
        idx = data.prices[cols].dropna(how="all").index
        if base.start:
            idx = idx[idx >= pd.Timestamp(base.start)]
        train, test = request.walk_forward
        runs = walk_forward_grid(runs, walk_forward(pd.DatetimeIndex(idx), train=train, test=test))
    task = StrategyTask(loader, dict(base.spec), request.mode)
    label = json.dumps(
        {"spec": base.spec, "store": str(request.store), "mode": request.mode},
        sort_keys=True,
        default=str,
    )
    outcome = run_sweep(
        evaluate_strategy,
        task,
        runs,
        out_dir=request.out,
        chunk_size=request.chunk_size,
        threads=request.threads,
        dask_workers=request.workers,
        scheduler=request.scheduler,
        label=label,
        progress=progress,
    )
    wf = None
    if request.walk_forward is not None:
        wf = walk_forward_summary(outcome.table, request.metric)
    prov = Provenance(
        as_of=request.asof,
        notes=(
            "each run reads total-return closes from the store through a store reference",
            f"metrics: {request.mode} definitions",
        ),
    )
    return SweepResult(base.name, outcome, request.metric, wf, prov)
