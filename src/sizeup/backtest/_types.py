"""Named configuration, enums and result containers of the backtest engine."""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from sizeup.errors import BacktestError

__all__ = [
    "EVENT_DTYPE",
    "EngineConfig",
    "EventKind",
    "Simulation",
]

FloatArray = npt.NDArray[np.float64]


class EventKind(enum.IntEnum):
    """What happened to an instruction that could not be carried out as asked."""

    NONE = 0
    """Nothing to report."""
    NO_PRICE = 1
    """An order was due but the symbol had no price on the execution day; not executed."""
    WRITTEN_OFF = 2
    """A held symbol had no price for ``delist_after`` sessions; closed at its last price."""


#: Structured dtype of the event table (one row per reported event).
EVENT_DTYPE: Final = np.dtype(
    [("row", np.int64), ("col", np.int64), ("kind", np.int8), ("shares", np.float64)]
)


def _check_number(name: str, value: float, low: float, high: float = math.inf) -> None:
    if not isinstance(value, int | float) or isinstance(value, bool) or not math.isfinite(value):
        raise BacktestError(
            f"{name} = {value!r} is not a finite number; valid: a number in [{low}, {high}]",
            input=name,
            value=value,
            valid=f"a number in [{low}, {high}]",
        )
    if not low <= value <= high:
        raise BacktestError(
            f"{name} = {value!r} is out of range; valid: [{low}, {high}]",
            input=name,
            value=value,
            valid=f"[{low}, {high}]",
        )


@dataclass(frozen=True)
class EngineConfig:
    """Simulation settings.

    Parameters
    ----------
    init_cash
        Starting cash.
    fee_bps
        Proportional cost in basis points of the traded value (both sides).
    per_share
        Cost per share traded (currency units).
    slippage_bps
        Execution price is worse than the close by this many basis points (buys pay more,
        sells receive less).
    lot
        Share lot size; 0 trades fractional shares. Order sizes are rounded toward zero.
    band
        Drift band (absolute weight): on a rebalance a symbol whose current weight is within
        ``band`` of its target is not traded. 0 trades every symbol.
    lag
        Sessions between a decision (at the close of t) and its execution (at the close of
        ``t + lag``). 1 by default; 0 trades at the decision's own close.
    delist_after
        A held symbol with no price for this many consecutive sessions is closed at its last
        price (and reported); 0 never writes positions off.
    """

    init_cash: float = 1_000_000.0
    fee_bps: float = 0.0
    per_share: float = 0.0
    slippage_bps: float = 0.0
    lot: float = 0.0
    band: float = 0.0
    lag: int = 1
    delist_after: int = 0

    def __post_init__(self) -> None:
        _check_number("init_cash", self.init_cash, 1e-6, 1e15)
        _check_number("fee_bps", self.fee_bps, 0.0, 10_000.0)
        _check_number("per_share", self.per_share, 0.0, 1e6)
        _check_number("slippage_bps", self.slippage_bps, 0.0, 10_000.0)
        _check_number("lot", self.lot, 0.0, 1e9)
        _check_number("band", self.band, 0.0, 1.0)
        for name in ("lag", "delist_after"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                raise BacktestError(
                    f"{name} = {value!r} is not valid; valid: an integer >= 0",
                    input=name,
                    value=value,
                    valid="an integer >= 0",
                )


@dataclass(frozen=True)
class Simulation:
    """What the engine did, day by day.

    Attributes
    ----------
    index, columns
        Dates and symbols of the input panel.
    shares
        Holdings (T, N) after the day's trades.
    cash, value
        Cash and portfolio value (T,) at each close, after trades.
    fees
        Costs paid each day (fees and per-share costs; slippage is in the execution price).
    traded
        Absolute traded value each day (at execution prices).
    orders
        Shares bought (+) or sold (-) per day and symbol.
    events
        Structured array (:data:`EVENT_DTYPE`) of missed orders and write-offs.
    config
        The settings used.
    """

    index: pd.Index
    columns: pd.Index
    shares: FloatArray
    cash: FloatArray
    value: FloatArray
    fees: FloatArray
    traded: FloatArray
    orders: FloatArray
    events: npt.NDArray[np.void]
    config: EngineConfig
    prices: FloatArray = field(repr=False)

    def equity(self) -> pd.Series:
        """Portfolio value at each close."""
        return pd.Series(self.value, index=self.index, name="equity")

    def returns(self) -> pd.Series:
        """Daily simple returns of the portfolio (first day 0)."""
        v = self.value
        r = np.zeros_like(v)
        r[1:] = v[1:] / v[:-1] - 1.0
        return pd.Series(r, index=self.index, name="return")

    def weights(self) -> pd.DataFrame:
        """Weight of each symbol at each close (holdings at the last known price / value)."""
        last = pd.DataFrame(self.prices).ffill().to_numpy()
        held = np.where(self.shares != 0.0, self.shares * np.nan_to_num(last), 0.0)
        return pd.DataFrame(held / self.value[:, None], index=self.index, columns=self.columns)

    def turnover(self) -> pd.Series:
        """Traded value each day divided by the previous close's value (one-way x2)."""
        prev = np.concatenate([[self.config.init_cash], self.value[:-1]])
        return pd.Series(self.traded / prev, index=self.index, name="turnover")

    def event_frame(self) -> pd.DataFrame:
        """Missed orders and write-offs as a table: date, symbol, kind, shares."""
        ev = self.events
        return pd.DataFrame(
            {
                "date": self.index[ev["row"]] if len(ev) else pd.Index([]),
                "symbol": self.columns[ev["col"]] if len(ev) else pd.Index([]),
                "kind": [EventKind(int(k)).name for k in ev["kind"]],
                "shares": ev["shares"],
            }
        )
