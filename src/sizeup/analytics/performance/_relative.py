"""Relative performance of symbols against a benchmark: scoreboard and calendar tables.

Two measures of "A beat B" are used (docs/methods.md §R3, §7 F21):

- the **difference** ``r_A - r_B`` (shown in percentage points; the scoreboard and the
  calendar-year table of §6.3 use it),
- the **ratio** ``(1 + r_A) / (1 + r_B) - 1`` (the return of the ratio series A/B; used for
  weekly outperformance streaks).

Both have the same sign, so "who led" never depends on the choice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from sizeup.analytics.performance._returns import (
    DEFAULT_WINDOWS,
    Window,
    period_returns,
    window_returns,
)
from sizeup.calendar import Frequency
from sizeup.errors import DataError
from sizeup.types import DateLike

__all__ = [
    "RelativeHow",
    "Scoreboard",
    "calendar_table",
    "relative_return",
    "scoreboard",
]

RelativeHow = Literal["diff", "ratio"]
"""``diff`` = r_A - r_B; ``ratio`` = (1 + r_A) / (1 + r_B) - 1."""


def relative_return(
    a: pd.Series | pd.DataFrame | float,
    b: pd.Series | float,
    *,
    how: RelativeHow = "diff",
) -> pd.Series | pd.DataFrame | float:
    """Relative return of ``a`` over ``b`` (aligned like pandas arithmetic).

    A frame ``a`` is compared column by column with a Series ``b`` on the same index.
    """
    if how == "diff":
        if isinstance(a, pd.DataFrame):
            return a.sub(b, axis=0)
        return a - b
    if how == "ratio":
        if isinstance(a, pd.DataFrame):
            return (1.0 + a).div(1.0 + b, axis=0) - 1.0
        return (1.0 + a) / (1.0 + b) - 1.0
    raise DataError(f"how={how!r} is not a relative measure; valid: 'diff', 'ratio'")


@dataclass(frozen=True)
class Scoreboard:
    """Relative-performance scoreboard as of one date.

    Attributes
    ----------
    asof
        The as-of date.
    benchmark
        The benchmark column.
    returns
        Total returns, rows = window labels, columns = symbols (benchmark included).
    excess
        ``r_symbol - r_benchmark`` (decimal; ×100 = percentage points), benchmark excluded.
    windows
        The resolved windows (start and end dates of each row).
    last_dates
        Last observation on or before ``asof`` per symbol (stale data show here).
    """

    asof: pd.Timestamp
    benchmark: str
    returns: pd.DataFrame
    excess: pd.DataFrame
    windows: tuple[Window, ...] = field(repr=False)
    last_dates: pd.Series = field(repr=False)

    @staticmethod
    def _value(frame: pd.DataFrame, row: str, col: object) -> float:
        return float(
            frame.to_numpy(dtype=float)[frame.index.get_loc(row), frame.columns.get_loc(col)]
        )

    def value(self, window: str, symbol: str, *, excess: bool = False) -> float:
        """Return (or excess return) of ``symbol`` over ``window``."""
        return self._value(self.excess if excess else self.returns, window, symbol)

    def table(self) -> pd.DataFrame:
        """Long table: window, start, end, symbol, ret, bench_ret, excess, led."""
        rows = []
        for w in self.windows:
            for sym in self.excess.columns:
                r = self._value(self.returns, w.label, sym)
                rb = self._value(self.returns, w.label, self.benchmark)
                ex = self._value(self.excess, w.label, sym)
                rows.append(
                    {
                        "window": w.label,
                        "start": w.start,
                        "end": w.end,
                        "symbol": sym,
                        "ret": r,
                        "bench_ret": rb,
                        "excess": ex,
                        "led": bool(ex > 0) if np.isfinite(ex) else None,
                    }
                )
        return pd.DataFrame(rows)

    def summary(self) -> str:
        """Plain-text table in percent and percentage points."""
        lines = [f"Relative performance vs {self.benchmark} as of {self.asof.date()}"]
        syms = list(self.excess.columns)
        head = f"{'window':<14}{self.benchmark:>10}" + "".join(f"{s:>10}{'pp':>8}" for s in syms)
        lines.append(head)
        for w in self.windows:
            rb = self._value(self.returns, w.label, self.benchmark)
            row = f"{w.label:<14}{rb * 100:>9.2f}%"
            for s in syms:
                r = self._value(self.returns, w.label, s)
                ex = self._value(self.excess, w.label, s)
                row += f"{r * 100:>9.2f}%{ex * 100:>+8.2f}"
            lines.append(row)
        return "\n".join(lines)

    def __repr__(self) -> str:
        return self.summary()


def scoreboard(
    prices: pd.DataFrame,
    *,
    benchmark: str,
    symbols: Sequence[str] | None = None,
    windows: Sequence[str | tuple[DateLike, DateLike]] = DEFAULT_WINDOWS,
    asof: DateLike | None = None,
) -> Scoreboard:
    """Total return of each symbol and its excess over a benchmark for several windows.

    Parameters
    ----------
    prices
        Wide frame of closes (adjusted closes for total return), one column per symbol.
    benchmark
        Column of ``prices`` to compare with.
    symbols
        Columns to score (default: every column except the benchmark).
    windows
        Window specs (:func:`sizeup.analytics.performance.resolve_window`): 1D, 1W, 1M, QTD, YTD,
        first-N sessions, H1/H2, 1Y, calendar years, custom ``(start, end)`` tuples...
    asof
        As-of date (default: last date of ``prices``); later data are ignored.

    Raises
    ------
    DataError
        The benchmark or a symbol is not a column of ``prices``.
    """
    if benchmark not in prices.columns:
        raise DataError(
            f"benchmark {benchmark!r} is not a column of prices; columns: {list(prices.columns)}"
        )
    syms = [c for c in prices.columns if c != benchmark] if symbols is None else list(symbols)
    missing = [s for s in syms if s not in prices.columns]
    if missing:
        raise DataError(f"symbols {missing} are not columns of prices: {list(prices.columns)}")
    frame = prices[[*syms, benchmark]]
    rets, resolved = window_returns(frame, windows, asof=asof)
    at = pd.Timestamp(asof).normalize() if asof is not None else pd.Timestamp(prices.index[-1])
    sub = frame.loc[:at]
    last_dates = sub.apply(lambda c: c.last_valid_index())
    excess = rets[syms].sub(rets[benchmark], axis=0)
    return Scoreboard(at, benchmark, rets, excess, tuple(resolved), last_dates)


def calendar_table(
    prices: pd.DataFrame,
    a: str,
    b: str,
    *,
    freq: Frequency = "Y",
    start: DateLike | None = None,
    end: DateLike | None = None,
    complete_only: bool = True,
) -> pd.DataFrame:
    """Calendar-period returns of ``a`` and ``b`` and who led (docs/methods.md §R3).

    Parameters
    ----------
    prices
        Wide frame holding columns ``a`` and ``b``.
    a, b
        The two symbols (e.g. ``"^RUT"`` and ``"^GSPC"``, or ``"IWM"`` and ``"SPY"``).
    freq
        ``"Y"`` (calendar years), ``"H"`` (half-years), ``"Q"``, ``"M"`` or ``"W"``.
    start, end
        Range of period ends.
    complete_only
        Leave out a period still running at ``end`` (default).

    Returns
    -------
    pandas.DataFrame
        Index = period-end session; columns ``ret_a``, ``ret_b``, ``diff`` (``ret_a - ret_b``),
        ``ratio`` ((1+ret_a)/(1+ret_b) - 1), ``a_led`` (bool; NaN rows dropped), ``label``
        (``"2024"``, ``"2024H2"``, ``"2024Q3"``, ``"2024-03"`` or the week's end date).
    """
    for sym in (a, b):
        if sym not in prices.columns:
            raise DataError(f"symbol {sym!r} is not a column of prices: {list(prices.columns)}")
    rets = period_returns(
        prices[[a, b]], freq, start=start, end=end, complete_only=complete_only
    ).dropna()
    out = pd.DataFrame(
        {
            "ret_a": rets[a],
            "ret_b": rets[b],
            "diff": rets[a] - rets[b],
            "ratio": (1.0 + rets[a]) / (1.0 + rets[b]) - 1.0,
        }
    )
    out["a_led"] = out["diff"] > 0
    out["label"] = [_label(ts, freq) for ts in out.index]
    return out


def _label(ts: pd.Timestamp, freq: Frequency) -> str:
    if freq == "Y":
        return f"{ts.year}"
    if freq == "H":
        return f"{ts.year}H{1 if ts.month <= 6 else 2}"
    if freq == "Q":
        return f"{ts.year}Q{(ts.month - 1) // 3 + 1}"
    if freq == "M":
        return f"{ts.year}-{ts.month:02d}"
    return f"{ts.date()}"
