"""Strategies as typed, composable steps, and their TOML form.

A strategy is ``universe -> signal -> select -> weigh -> schedule`` plus engine settings:

- :class:`Universe` names the tradable symbols and whether point-in-time membership (when the
  data has it) limits them;
- a signal turns the data known at each close into a score per symbol (NaN = no view);
- a selector keeps some symbols (top N, above a threshold, all with a score);
- a weigher gives the kept symbols weights (equal, inverse volatility, score-weighted, fixed,
  or a custom function);
- a :class:`Schedule` says on which closes the weights are decisions (daily, weekly, monthly,
  quarterly, or when the selection changes) and the drift band.

Every step uses only data up to the decision's close. The period-end schedules use the
trading calendar (the next session's date), which is known in advance, never later prices.

The TOML form (see ``examples/strategies``) has the tables ``[universe]``, ``[signal]``,
``[select]``, ``[weigh]``, ``[schedule]``, ``[costs]`` and ``[run]``; errors name the key, the
value and what is valid. :meth:`Strategy.with_params` overrides dotted keys
(``{"signal.lookback": 126}``) by re-reading the spec, so sweep parameters are checked the same
way.
"""

from __future__ import annotations

import copy
import math
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final, Protocol

import numpy as np
import pandas as pd

from sizeup.backtest._types import EngineConfig
from sizeup.errors import BacktestError

__all__ = [
    "SCHEDULES",
    "SELECTORS",
    "SIGNALS",
    "WEIGHERS",
    "Custom",
    "MarketData",
    "Schedule",
    "Signal",
    "Strategy",
    "Universe",
    "load_strategy",
    "parse_strategy",
    "strategy_from_dict",
    "window_targets",
]


@dataclass(frozen=True)
class MarketData:
    """What a strategy may look at.

    Attributes
    ----------
    prices
        Total-return closes, dates x symbols (tradable symbols and signal inputs).
    membership
        Point-in-time membership (dates x symbols, bool) where the store has it.
    series
        Extra inputs computed by the caller for signals that need them (``"bpi_state"``: a
        series of BPI risk-state names; ``"screen"``: dates x symbols bool panel).
    survivorship
        Label describing membership coverage (e.g. "today's members only").
    """

    prices: pd.DataFrame
    membership: pd.DataFrame | None = None
    series: Mapping[str, pd.Series | pd.DataFrame] = field(default_factory=dict)
    survivorship: str = ""


def _err(key: str, value: object, valid: str, what: str = "is not valid") -> BacktestError:
    return BacktestError(
        f"{key} = {value!r} {what}; valid: {valid}", input=key, value=value, valid=valid
    )


class _Spec:
    """Typed reader of one TOML table with messages naming the dotted key."""

    def __init__(self, table: object, where: str, allowed: tuple[str, ...]) -> None:
        if not isinstance(table, Mapping):
            raise _err(where, table, "a table")
        unknown = sorted(set(table) - set(allowed))
        if unknown:
            raise _err(
                f"{where}.{unknown[0]}", table[unknown[0]], ", ".join(allowed), "is not a known key"
            )
        self.table = table
        self.where = where

    def key(self, name: str) -> str:
        return f"{self.where}.{name}"

    def str_(self, name: str, default: str | None = None, choices: tuple[str, ...] = ()) -> str:
        value = self.table.get(name, default)
        if value is None:
            raise _err(self.key(name), None, ", ".join(choices) or "a string", "is missing")
        if not isinstance(value, str) or (choices and value not in choices):
            raise _err(self.key(name), value, ", ".join(choices) or "a string")
        return value

    def int_(self, name: str, default: int, low: int = 0, high: int = 1_000_000) -> int:
        value = self.table.get(name, default)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise _err(self.key(name), value, f"an integer in [{low}, {high}]")
        return value

    def float_(self, name: str, default: float, low: float = 0.0, high: float = 1e9) -> float:
        value = self.table.get(name, default)
        if (
            not isinstance(value, int | float)
            or isinstance(value, bool)
            or not math.isfinite(value)
            or not low <= value <= high
        ):
            raise _err(self.key(name), value, f"a number in [{low}, {high}]")
        return float(value)

    def bool_(self, name: str, default: bool) -> bool:
        value = self.table.get(name, default)
        if not isinstance(value, bool):
            raise _err(self.key(name), value, "true or false")
        return value

    def symbols(self, name: str, default: list[str] | None = None) -> tuple[str, ...]:
        value = self.table.get(name, default)
        if (
            not isinstance(value, list)
            or not value
            or not all(isinstance(v, str) and v.strip() for v in value)
        ):
            raise _err(self.key(name), value, "a non-empty list of symbols")
        return tuple(v.strip().upper() for v in value)

    def opt_symbol(self, name: str) -> str | None:
        value = self.table.get(name)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            raise _err(self.key(name), value, "a symbol")
        return value.strip().upper()


# --------------------------------------------------------------------------- universe


@dataclass(frozen=True)
class Universe:
    """Tradable symbols; with ``point_in_time`` only members on each day are eligible."""

    symbols: tuple[str, ...]
    point_in_time: bool = True
    fund: str | None = None
    """Members come from this fund's holdings (resolved by the caller, see
    :meth:`Strategy.with_universe`); ``symbols`` may then start empty."""

    def eligible(self, data: MarketData) -> pd.DataFrame:
        """Dates x symbols: has a close that day and (when known) is a member."""
        px = data.prices.reindex(columns=list(self.symbols))
        ok = px.notna() & (px > 0)
        if self.point_in_time and data.membership is not None:
            mem = data.membership.reindex(index=px.index, columns=px.columns)
            ok &= mem.fillna(False).astype(bool)
        return ok


# --------------------------------------------------------------------------- signals


class Signal(Protocol):
    """A step that scores symbols on each close from data known at that close."""

    kind: str
    requires: tuple[str, ...]

    def scores(self, data: MarketData, symbols: tuple[str, ...]) -> pd.DataFrame:
        """Dates x ``symbols`` scores (NaN = no view)."""
        ...

    def inputs(self) -> tuple[str, ...]:
        """Symbols the signal reads besides the universe."""
        ...


def _panel(data: MarketData, symbols: tuple[str, ...]) -> pd.DataFrame:
    return data.prices.reindex(columns=list(symbols)).where(lambda x: x > 0)


def _with_fallback(
    scores: pd.DataFrame, symbols: tuple[str, ...], fallback: str | None
) -> pd.DataFrame:
    out = scores.reindex(columns=list(symbols))
    if fallback is not None and fallback in symbols:
        out[fallback] = 0.0
    return out


@dataclass(frozen=True)
class Momentum:
    """Total return from ``lookback`` to ``skip`` sessions ago (12-1 momentum by default)."""

    lookback: int = 252
    skip: int = 21
    kind: str = "momentum"
    requires: tuple[str, ...] = ()

    def scores(self, data: MarketData, symbols: tuple[str, ...]) -> pd.DataFrame:
        px = _panel(data, symbols).ffill()
        return px.shift(self.skip) / px.shift(self.lookback) - 1.0

    def inputs(self) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True)
class MovingAverageCross:
    """``fast``-session mean over ``slow``-session mean minus 1 (positive = fast above slow)."""

    fast: int = 50
    slow: int = 200
    kind: str = "ma_cross"
    requires: tuple[str, ...] = ()

    def scores(self, data: MarketData, symbols: tuple[str, ...]) -> pd.DataFrame:
        px = _panel(data, symbols).ffill()
        fast = px.rolling(self.fast, min_periods=self.fast).mean()
        slow = px.rolling(self.slow, min_periods=self.slow).mean()
        return fast / slow - 1.0

    def inputs(self) -> tuple[str, ...]:
        return ()


def _chart_series(chart: Any, values: np.ndarray, index: pd.Index) -> pd.Series:
    s = pd.Series(values.astype(np.float64), index=chart.dates)
    return s.reindex(index, method="ffill") if len(s) else pd.Series(np.nan, index=index)


@dataclass(frozen=True)
class RsSignal:
    """P&F relative-strength signal of each symbol vs ``versus``: +1 buy, -1 sell (methods §P8).

    ``versus`` itself (when in the universe) scores 0, so "top 1" holds it on a sell signal.
    """

    versus: str
    box_pct: float = 0.065
    reversal: int = 3
    kind: str = "rs"
    requires: tuple[str, ...] = ()

    def scores(self, data: MarketData, symbols: tuple[str, ...]) -> pd.DataFrame:
        from sizeup.analytics.pnf import relative_strength_chart

        px = data.prices
        out = pd.DataFrame(np.nan, index=px.index, columns=list(symbols))
        for sym in symbols:
            if sym == self.versus or sym not in px:
                continue
            a, b = px[sym].dropna(), px[self.versus].dropna()
            if a.index.intersection(b.index).empty:
                continue
            chart = relative_strength_chart(a, b, box_pct=self.box_pct, reversal=self.reversal)
            sig = _chart_series(chart, chart.bar_signal, px.index)
            out[sym] = sig.where(sig != 0)
        return _with_fallback(out, symbols, self.versus)

    def inputs(self) -> tuple[str, ...]:
        return (self.versus,)


@dataclass(frozen=True)
class PnfTrend:
    """P&F trend of each symbol's own chart: +1 positive, -1 negative; ``fallback`` scores 0."""

    box: str = "traditional"
    reversal: int = 3
    fallback: str | None = None
    kind: str = "pnf_trend"
    requires: tuple[str, ...] = ()

    def scores(self, data: MarketData, symbols: tuple[str, ...]) -> pd.DataFrame:
        from sizeup.analytics.pnf import pnf_chart

        px = data.prices
        out = pd.DataFrame(np.nan, index=px.index, columns=list(symbols))
        for sym in symbols:
            if sym == self.fallback or sym not in px or px[sym].dropna().empty:
                continue
            chart = pnf_chart(px[sym].dropna(), box=self.box, reversal=self.reversal)
            trend = _chart_series(chart, chart.bar_trend, px.index)
            out[sym] = trend.where(trend != 0)
        return _with_fallback(out, symbols, self.fallback)

    def inputs(self) -> tuple[str, ...]:
        return ()


BPI_STATES: Final = (
    "BULL_CONFIRMED",
    "BULL_CORRECTION",
    "BULL_ALERT",
    "BEAR_CONFIRMED",
    "BEAR_CORRECTION",
    "BEAR_ALERT",
)


@dataclass(frozen=True)
class BpiState:
    """Bullish-percent risk state: +1 for every symbol but ``fallback`` in ``risk_on`` states.

    Needs ``data.series["bpi_state"]`` (risk-state names per date, from the BPI's own chart).
    """

    fallback: str
    risk_on: tuple[str, ...] = tuple(s for s in BPI_STATES if s != "BEAR_CONFIRMED")
    kind: str = "bpi_state"
    requires: tuple[str, ...] = ("bpi_state",)

    def scores(self, data: MarketData, symbols: tuple[str, ...]) -> pd.DataFrame:
        state = data.series.get("bpi_state")
        if not isinstance(state, pd.Series):
            raise _err("signal.kind", self.kind, "data with a 'bpi_state' series", "has no input")
        st = state.reindex(data.prices.index, method="ffill")
        on = st.isin(self.risk_on).to_numpy()
        known = st.isin(BPI_STATES).to_numpy()
        val = np.where(known, np.where(on, 1.0, -1.0), np.nan)
        out = pd.DataFrame({s: val for s in symbols}, index=data.prices.index)
        return _with_fallback(out, symbols, self.fallback)

    def inputs(self) -> tuple[str, ...]:
        return (self.fallback,)


@dataclass(frozen=True)
class FundScoreSignal:
    """OpenFundScore (0-6, docs/methods.md §F1) of each symbol vs ``market``; peers: universe."""

    market: str = "RSP"
    kind: str = "fund_score"
    requires: tuple[str, ...] = ()

    def scores(self, data: MarketData, symbols: tuple[str, ...]) -> pd.DataFrame:
        from sizeup.analytics.performance import open_fund_score

        px = data.prices
        peers = [s for s in symbols if s in px and px[s].notna().any()]
        out = pd.DataFrame(np.nan, index=px.index, columns=list(symbols))
        for sym in peers:
            score = open_fund_score(px, sym, market=self.market, peers=peers)
            out[sym] = score.frame["ofs"].reindex(px.index)
        return out

    def inputs(self) -> tuple[str, ...]:
        return (self.market,)


@dataclass(frozen=True)
class Seasonality:
    """+1 for every symbol but ``fallback`` for the listed calendar months, -1 otherwise.

    The score on a close is that of the next session's month, so with the default one-session
    lag the position is held exactly over the months' sessions.
    """

    months: tuple[int, ...] = (11, 12, 1)
    fallback: str | None = None
    kind: str = "seasonality"
    requires: tuple[str, ...] = ()

    def scores(self, data: MarketData, symbols: tuple[str, ...]) -> pd.DataFrame:
        idx = pd.DatetimeIndex(data.prices.index)
        # the month of the next session (a calendar fact): a decision on the last session
        # before the window trades on its first session; the last row uses its own month
        month = np.asarray(idx.month)
        if len(month) > 1:
            month = np.concatenate([month[1:], month[-1:]])
        on = np.isin(month, self.months)
        val = np.where(on, 1.0, -1.0)
        out = pd.DataFrame({s: val for s in symbols}, index=idx)
        return _with_fallback(out, symbols, self.fallback)

    def inputs(self) -> tuple[str, ...]:
        return ()


@dataclass(frozen=True)
class ScreenSignal:
    """1 where a symbol passes a fundamentals screen on that date (point in time), else NaN.

    Needs ``data.series["screen"]`` (dates x symbols bool, by filing date).
    """

    screen: str = "quality-value"
    kind: str = "screen"
    requires: tuple[str, ...] = ("screen",)

    def scores(self, data: MarketData, symbols: tuple[str, ...]) -> pd.DataFrame:
        panel = data.series.get("screen")
        if not isinstance(panel, pd.DataFrame):
            raise _err("signal.screen", self.screen, "data with a 'screen' panel", "has no input")
        passed = panel.reindex(index=data.prices.index, columns=list(symbols))
        passed = passed.astype("boolean").fillna(False).astype(bool)
        return pd.DataFrame(np.where(passed, 1.0, np.nan), index=passed.index, columns=symbols)

    def inputs(self) -> tuple[str, ...]:
        return ()


# --------------------------------------------------------------------------- select / weigh


def _select(kind: str, params: Mapping[str, Any], scores: np.ndarray) -> np.ndarray:
    ok: np.ndarray = ~np.isnan(scores)
    if kind == "all":
        return ok
    if kind == "threshold":
        above: np.ndarray = ok & (scores > float(params["min"]))
        return above
    n = int(params["n"])
    filled = np.where(ok, scores, -np.inf)
    # rank by score, ties by column order: stable sort of the negated scores
    order = np.argsort(-filled, axis=1, kind="stable")[:, :n]
    keep = np.zeros_like(ok)
    np.put_along_axis(keep, order, True, axis=1)
    kept: np.ndarray = keep & ok
    return kept


@dataclass(frozen=True)
class Custom:
    """Weigh with a Python function ``fn(selected, scores, prices_so_far) -> weights row``.

    Called once per decision row with the selected mask and scores (1-D arrays) and the price
    panel up to and including that row, so it cannot look ahead. Not available from TOML.
    """

    fn: Callable[[np.ndarray, np.ndarray, pd.DataFrame], np.ndarray]


def _inverse_vol(px: pd.DataFrame, lookback: int) -> np.ndarray:
    rets = px.ffill().pct_change(fill_method=None)
    vol = rets.rolling(lookback, min_periods=max(2, lookback // 2)).std().to_numpy()
    with np.errstate(divide="ignore", invalid="ignore"):
        inv = 1.0 / vol
    inv[~np.isfinite(inv)] = np.nan
    return inv


def _weigh(  # noqa: PLR0917
    kind: str,
    params: Mapping[str, Any],
    keep: np.ndarray,
    scores: np.ndarray,
    px: pd.DataFrame,
    rows: np.ndarray,
) -> np.ndarray:
    gross = float(params.get("gross", 1.0))
    if kind == "equal":
        raw = keep.astype(np.float64)
    elif kind == "score":
        raw = np.where(keep, np.clip(np.nan_to_num(scores), 0.0, None), 0.0)
    elif kind == "inverse_vol":
        inv = _inverse_vol(px, int(params["lookback"]))[rows]
        raw = np.where(keep, np.nan_to_num(inv), 0.0)
    elif kind == "fixed":
        fixed = np.array([float(params["weights"].get(c, 0.0)) for c in px.columns])
        return np.where(keep, fixed[None, :], 0.0)
    else:
        raise _err("weigh.kind", kind, ", ".join(WEIGHERS))
    total = raw.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        w = np.where(total > 0, raw / total * gross, 0.0)
    return w


# --------------------------------------------------------------------------- schedule


@dataclass(frozen=True)
class Schedule:
    """When weights are decisions: ``every`` day/week/month/quarter (last session) or change."""

    every: str = "month"
    band: float = 0.0

    def mask(self, index: pd.DatetimeIndex) -> np.ndarray:
        """Decision rows for period schedules (the last session of each period)."""
        n = len(index)
        if self.every == "day":
            return np.ones(n, dtype=bool)
        if n == 0:
            return np.zeros(0, dtype=bool)
        if self.every == "week":
            key = np.asarray(index.to_period("W").asi8)
        elif self.every == "month":
            key = np.asarray(index.year * 12 + index.month)
        elif self.every == "quarter":
            key = np.asarray(index.year * 4 + (index.month - 1) // 3)
        else:
            raise _err("schedule.every", self.every, ", ".join(SCHEDULES))
        out = np.zeros(n, dtype=bool)
        out[:-1] = key[1:] != key[:-1]
        return out


SIGNALS: Final = (
    "momentum",
    "ma_cross",
    "rs",
    "pnf_trend",
    "bpi_state",
    "fund_score",
    "seasonality",
    "screen",
)
SELECTORS: Final = ("top", "threshold", "all")
WEIGHERS: Final = ("equal", "inverse_vol", "score", "fixed")
SCHEDULES: Final = ("day", "week", "month", "quarter", "change")


# --------------------------------------------------------------------------- strategy


@dataclass(frozen=True)
class Strategy:
    """A complete strategy: steps, engine settings and run options.

    Build one with :func:`strategy_from_dict` / :func:`load_strategy` (TOML) or directly.
    """

    name: str
    universe: Universe
    signal: Any
    select: tuple[str, Mapping[str, Any]]
    weigh: tuple[str, Mapping[str, Any]] | Custom
    schedule: Schedule
    engine: EngineConfig
    benchmark: str | None = None
    start: str | None = None
    end: str | None = None
    description: str = ""
    spec: Mapping[str, Any] = field(default_factory=dict, repr=False, compare=False)

    def symbols(self) -> tuple[str, ...]:
        """Every symbol the strategy reads: universe, signal inputs, benchmark."""
        extra = tuple(self.signal.inputs()) + ((self.benchmark,) if self.benchmark else ())
        return tuple(dict.fromkeys(self.universe.symbols + extra))

    def with_params(self, params: Mapping[str, object]) -> Strategy:
        """Return a copy with dotted keys overridden (``{"select.n": 10}``), re-validated."""
        if not self.spec:
            raise _err("params", dict(params), "a strategy built from a spec (TOML or dict)")
        spec = copy.deepcopy(dict(self.spec))
        for dotted, value in params.items():
            parts = str(dotted).split(".")
            node: dict[str, Any] = spec
            for part in parts[:-1]:
                child = node.setdefault(part, {})
                if not isinstance(child, dict):
                    raise _err(str(dotted), value, "a key inside a table")
                node = child
            node[parts[-1]] = value
        return strategy_from_dict(spec, source=f"{self.name} with {dict(params)}")

    def with_universe(self, symbols: tuple[str, ...]) -> Strategy:
        """Return a copy whose universe is ``symbols`` (e.g. a fund's resolved members)."""
        uni = Universe(tuple(symbols), self.universe.point_in_time, self.universe.fund)
        return replace(self, universe=uni)

    def targets(self, data: MarketData) -> pd.DataFrame:
        """Target weights (dates x universe symbols) on decision rows; NaN rows elsewhere.

        Row t uses only data up to t (see the module docstring).
        """
        syms = self.universe.symbols
        if not syms:
            raise _err(
                "universe.symbols", [], "symbols, or a fund whose members the caller resolves"
            )
        idx = pd.DatetimeIndex(data.prices.index)
        px = _panel(data, syms)
        eligible = self.universe.eligible(data).to_numpy()
        scores = self.signal.scores(data, syms).reindex(index=idx, columns=list(syms))
        sc = np.where(eligible, scores.to_numpy(dtype=np.float64), np.nan)
        change = self.schedule.every == "change"
        rows = np.arange(len(idx)) if change else np.flatnonzero(self.schedule.mask(idx))
        out = np.full((len(idx), len(syms)), np.nan)
        if len(rows) == 0:
            return pd.DataFrame(out, index=idx, columns=list(syms))
        kind, params = self.select
        keep = _select(kind, params, sc[rows])
        if isinstance(self.weigh, Custom):
            w = np.zeros((len(rows), len(syms)))
            for i, t in enumerate(rows):
                w[i] = self.weigh.fn(keep[i], sc[t], px.iloc[: t + 1])
        else:
            w = _weigh(self.weigh[0], self.weigh[1], keep, sc[rows], px, rows)
        if change:
            same = np.zeros(len(rows), dtype=bool)
            same[1:] = (keep[1:] == keep[:-1]).all(axis=1)
            w[same] = np.nan
        out[rows] = w
        return pd.DataFrame(out, index=idx, columns=list(syms))


def window_targets(
    targets: pd.DataFrame, start: pd.Timestamp | None, end: pd.Timestamp | None
) -> pd.DataFrame:
    """Cut a target panel to ``start .. end``, carrying the decision in force at ``start``.

    When the first row of the window is not a decision, the latest decision before it (made
    with data known then) becomes the first row's decision, so a window that starts between
    two rebalances still holds what the strategy held.
    """
    cut = targets.loc[start:end].copy()
    if cut.empty or start is None or cut.iloc[0].notna().any():
        return cut
    before = targets.loc[: cut.index[0]].iloc[:-1]
    decided = before.notna().any(axis=1).to_numpy()
    if decided.any():
        cut.iloc[0] = before.iloc[int(np.flatnonzero(decided)[-1])].to_numpy()
    return cut


def _signal_from(spec: _Spec) -> Any:
    kind = spec.str_("kind", None, SIGNALS)
    if kind == "momentum":
        sig: Any = Momentum(spec.int_("lookback", 252, 2, 5000), spec.int_("skip", 21, 0, 5000))
        if sig.skip >= sig.lookback:
            raise _err("signal.skip", sig.skip, f"fewer sessions than lookback ({sig.lookback})")
        return sig
    if kind == "ma_cross":
        fast, slow = spec.int_("fast", 50, 1, 5000), spec.int_("slow", 200, 2, 5000)
        if fast >= slow:
            raise _err("signal.fast", fast, f"fewer sessions than slow ({slow})")
        return MovingAverageCross(fast, slow)
    if kind == "rs":
        versus = spec.opt_symbol("versus")
        if versus is None:
            raise _err("signal.versus", None, "the benchmark symbol", "is missing")
        return RsSignal(
            versus, spec.float_("box_pct", 0.065, 0.001, 0.5), spec.int_("reversal", 3, 1, 10)
        )
    if kind == "pnf_trend":
        return PnfTrend(
            spec.str_("box", "traditional"),
            spec.int_("reversal", 3, 1, 10),
            spec.opt_symbol("fallback"),
        )
    if kind == "bpi_state":
        fallback = spec.opt_symbol("fallback")
        if fallback is None:
            raise _err("signal.fallback", None, "the defensive symbol", "is missing")
        on = spec.table.get("risk_on", [s for s in BPI_STATES if s != "BEAR_CONFIRMED"])
        if not isinstance(on, list) or not on or any(s not in BPI_STATES for s in on):
            raise _err("signal.risk_on", on, "a list of " + ", ".join(BPI_STATES))
        return BpiState(fallback, tuple(on))
    if kind == "fund_score":
        return FundScoreSignal(spec.opt_symbol("market") or "RSP")
    if kind == "seasonality":
        months = spec.table.get("months", [11, 12, 1])
        if (
            not isinstance(months, list)
            or not months
            or not all(isinstance(m, int) and 1 <= m <= 12 for m in months)
        ):
            raise _err("signal.months", months, "a list of month numbers 1-12")
        return Seasonality(tuple(months), spec.opt_symbol("fallback"))
    return ScreenSignal(spec.str_("screen", "quality-value"))


_SIGNAL_KEYS: Final = (
    "kind",
    "lookback",
    "skip",
    "fast",
    "slow",
    "versus",
    "box_pct",
    "reversal",
    "box",
    "fallback",
    "risk_on",
    "market",
    "months",
    "screen",
)


def strategy_from_dict(spec: Mapping[str, Any], *, source: str = "<dict>") -> Strategy:
    """Build and validate a strategy from its TOML-shaped mapping.

    Raises
    ------
    BacktestError
        Naming the dotted key, the value and what is valid.
    """
    top = _Spec(
        spec,
        "strategy",
        (
            "name",
            "description",
            "universe",
            "signal",
            "select",
            "weigh",
            "schedule",
            "costs",
            "run",
        ),
    )
    name = top.str_("name", Path(source).stem if source != "<dict>" else "strategy")
    uni = _Spec(spec.get("universe"), "universe", ("symbols", "point_in_time", "fund"))
    fund = uni.opt_symbol("fund")
    symbols = uni.symbols("symbols") if fund is None or "symbols" in uni.table else ()
    universe = Universe(symbols, uni.bool_("point_in_time", True), fund)
    signal = _signal_from(_Spec(spec.get("signal"), "signal", _SIGNAL_KEYS))
    sel = _Spec(spec.get("select", {"kind": "all"}), "select", ("kind", "n", "min"))
    sel_kind = sel.str_("kind", "all", SELECTORS)
    sel_params: dict[str, Any] = {}
    if sel_kind == "top":
        sel_params["n"] = sel.int_("n", 1, 1, len(universe.symbols) or 100_000)
    elif sel_kind == "threshold":
        sel_params["min"] = sel.float_("min", 0.0, -1e9, 1e9)
    wt = _Spec(
        spec.get("weigh", {"kind": "equal"}), "weigh", ("kind", "lookback", "weights", "gross")
    )
    wt_kind = wt.str_("kind", "equal", WEIGHERS)
    wt_params: dict[str, Any] = {"gross": wt.float_("gross", 1.0, 0.0, 1.0)}
    if wt_kind == "inverse_vol":
        wt_params["lookback"] = wt.int_("lookback", 63, 2, 5000)
    if wt_kind == "fixed":
        raw = wt.table.get("weights")
        if not isinstance(raw, Mapping) or not raw:
            raise _err("weigh.weights", raw, "a table symbol = weight")
        weights = {}
        for sym, value in raw.items():
            if universe.symbols and str(sym).upper() not in universe.symbols:
                raise _err(f"weigh.weights.{sym}", value, "symbols of universe.symbols")
            if not isinstance(value, int | float) or isinstance(value, bool) or not 0 <= value <= 1:
                raise _err(f"weigh.weights.{sym}", value, "a weight in [0, 1]")
            weights[str(sym).upper()] = float(value)
        if sum(weights.values()) > 1 + 1e-9:
            raise _err("weigh.weights", raw, "weights summing to at most 1")
        wt_params["weights"] = weights
    sch = _Spec(spec.get("schedule", {}), "schedule", ("every", "band"))
    schedule = Schedule(sch.str_("every", "month", SCHEDULES), sch.float_("band", 0.0, 0.0, 1.0))
    costs = _Spec(
        spec.get("costs", {}),
        "costs",
        ("init_cash", "fee_bps", "per_share", "slippage_bps", "lot", "lag", "delist_after"),
    )
    engine = EngineConfig(
        init_cash=costs.float_("init_cash", 1_000_000.0, 1e-6, 1e15),
        fee_bps=costs.float_("fee_bps", 0.0, 0.0, 10_000.0),
        per_share=costs.float_("per_share", 0.0, 0.0, 1e6),
        slippage_bps=costs.float_("slippage_bps", 0.0, 0.0, 10_000.0),
        lot=costs.float_("lot", 0.0, 0.0, 1e9),
        band=schedule.band,
        lag=costs.int_("lag", 1, 0, 250),
        delist_after=costs.int_("delist_after", 0, 0, 10_000),
    )
    run = _Spec(spec.get("run", {}), "run", ("benchmark", "start", "end"))
    dates = {}
    for key in ("start", "end"):
        value = run.table.get(key)
        if value is not None:
            try:
                dates[key] = pd.Timestamp(str(value)).strftime("%Y-%m-%d")
            except (ValueError, TypeError):
                raise _err(f"run.{key}", value, "a date YYYY-MM-DD") from None
    return Strategy(
        name=name,
        universe=universe,
        signal=signal,
        select=(sel_kind, sel_params),
        weigh=(wt_kind, wt_params),
        schedule=schedule,
        engine=engine,
        benchmark=run.opt_symbol("benchmark"),
        start=dates.get("start"),
        end=dates.get("end"),
        description=str(spec.get("description", "")),
        spec=copy.deepcopy(dict(spec)),
    )


def parse_strategy(text: str, *, source: str = "<string>") -> Strategy:
    """Read a strategy from TOML text (errors name the key, value and what is valid)."""
    try:
        spec = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise BacktestError(
            f"{source} is not valid TOML: {exc}", input=source, value=str(exc), valid="TOML"
        ) from None
    return strategy_from_dict(spec, source=source)


def load_strategy(path: str | Path) -> Strategy:
    """Read a strategy TOML file."""
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise BacktestError(
            f"cannot read strategy file {p}: {exc.strerror}",
            input=str(p),
            value=str(p),
            valid="a readable TOML file",
        ) from None
    return parse_strategy(text, source=str(p))
