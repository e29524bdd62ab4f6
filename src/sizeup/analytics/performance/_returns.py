"""Total returns over named windows and calendar periods.

One convention everywhere (docs/methods.md §R1 "t = daily close"): the return of a window
``[start, end]`` is the return earned over the sessions ``start .. end`` inclusive::

    r = P(last observation <= end) / P(last observation < start) - 1

so a window that starts on a weekend or holiday simply starts at the next session, the base
being the close before it. When the series has no observation before ``start`` (it begins inside
the window) or none inside the window, the return is NaN: a partial window is never passed off
as a full one.

Prices are a Series or a wide frame (DatetimeIndex x symbol). Use adjusted closes for total
returns and index levels for price returns. Returns are decimal fractions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sizeup.calendar import Frequency, asof_values, period_ends, period_key, sessions
from sizeup.errors import DataError
from sizeup.types import DateLike

__all__ = [
    "DEFAULT_WINDOWS",
    "Window",
    "period_returns",
    "resolve_window",
    "total_return",
    "window_returns",
]

DEFAULT_WINDOWS: tuple[str, ...] = ("1D", "1W", "1M", "QTD", "YTD", "F20", "H1", "H2", "1Y")
"""Windows of the relative-performance scoreboard (see :func:`resolve_window`)."""

_DAY = pd.Timedelta(days=1)


@dataclass(frozen=True)
class Window:
    """A return window: sessions ``start .. end`` inclusive.

    Attributes
    ----------
    label
        The spec it came from (``"YTD"``, ``"2024H1"``, ``"2024-01-02..2024-03-01"``).
    start
        First calendar day of the window (may be a non-session; the base is the close before).
    end
        Last calendar day of the window.
    """

    label: str
    start: pd.Timestamp
    end: pd.Timestamp

    def __repr__(self) -> str:
        return f"Window({self.label}: {self.start.date()} .. {self.end.date()})"


_TRAILING = re.compile(r"^(\d+)([DWMY])$")
_TO_DATE = {"WTD": "W", "MTD": "M", "QTD": "Q", "HTD": "H", "YTD": "Y"}
_YEAR_PART = re.compile(r"^(\d{4})(?:(H[12])|Q([1-4])|-(\d{2})|F(\d+))?$")


def _ts(value: DateLike, name: str) -> pd.Timestamp:
    try:
        return pd.Timestamp(value).normalize()
    except (TypeError, ValueError) as exc:
        raise DataError(f"{name}={value!r} is not a date; give e.g. '2024-06-28'") from exc


def _period_start(asof: pd.Timestamp, freq: str) -> pd.Timestamp:
    if freq == "W":
        return asof - pd.Timedelta(days=asof.day_of_week)
    if freq == "M":
        return pd.Timestamp(asof.year, asof.month, 1)
    if freq == "Q":
        return pd.Timestamp(asof.year, 3 * ((asof.month - 1) // 3) + 1, 1)
    if freq == "H":
        return pd.Timestamp(asof.year, 1 if asof.month <= 6 else 7, 1)
    return pd.Timestamp(asof.year, 1, 1)


def _first_n_end(year: int, n: int) -> pd.Timestamp:
    sess = sessions(f"{year}-01-01", f"{year}-12-31")
    if n < 1 or n > len(sess):
        raise DataError(f"window F{n}: n must be in 1..{len(sess)} for {year}")
    return pd.Timestamp(sess[n - 1])


def resolve_window(spec: str | tuple[DateLike, DateLike], asof: DateLike) -> Window:
    """Turn a window spec into dates, as of ``asof``.

    Parameters
    ----------
    spec
        - ``"nD"``: the last n XNYS sessions up to ``asof`` (``"1D"`` = the as-of session).
        - ``"nW"``, ``"nM"``, ``"nY"``: trailing calendar offsets; the base is the close on or
          before ``asof`` minus the offset (``"1M"`` on 2024-03-15 starts from the 2024-02-15
          close).
        - ``"WTD"``, ``"MTD"``, ``"QTD"``, ``"HTD"``, ``"YTD"``: since the last close of the
          previous calendar period.
        - ``"H1"``, ``"H2"``: that half of the as-of year (to date when running; an H2 that has
          not started yet resolves to the previous year's H2).
        - ``"Fn"``: the first n sessions of the as-of year (capped at ``asof``).
        - ``"2024"``, ``"2024H1"``, ``"2024Q3"``, ``"2024-03"``, ``"2024F20"``: fixed periods.
        - ``(start, end)``: a custom window, sessions ``start .. end`` inclusive.
    asof
        The as-of date; no window ends after it.

    Raises
    ------
    DataError
        Unknown spec, or a custom window whose start is after its end.
    """
    at = _ts(asof, "asof")
    if isinstance(spec, tuple):
        start, end = _ts(spec[0], "window start"), _ts(spec[1], "window end")
        if start > end:
            raise DataError(f"window start {start.date()} is after its end {end.date()}")
        end = min(end, at)
        return Window(f"{start.date()}..{end.date()}", start, end)
    key = spec.strip().upper()
    m = _TRAILING.match(key)
    if m:
        n, unit = int(m.group(1)), m.group(2)
        if n < 1:
            raise DataError(f"window {spec!r}: the count must be >= 1")
        if unit == "D":
            sess = sessions(at - pd.Timedelta(days=7 * n + 30), at)
            if len(sess) < n:
                raise DataError(f"window {spec!r}: not enough sessions before {at.date()}")
            return Window(spec, pd.Timestamp(sess[-n]), at)
        offset = {
            "W": pd.DateOffset(weeks=n),
            "M": pd.DateOffset(months=n),
            "Y": pd.DateOffset(years=n),
        }[unit]
        return Window(spec, pd.Timestamp(at - offset) + _DAY, at)
    if key in _TO_DATE:
        return Window(spec, _period_start(at, _TO_DATE[key]), at)
    if key in ("H1", "H2"):
        year = at.year if (key == "H1" or at.month >= 7) else at.year - 1
        start = pd.Timestamp(year, 1 if key == "H1" else 7, 1)
        end = pd.Timestamp(year, 6, 30) if key == "H1" else pd.Timestamp(year, 12, 31)
        return Window(spec, start, min(end, at))
    if key.startswith("F") and key[1:].isdigit():
        end = _first_n_end(at.year, int(key[1:]))
        return Window(spec, pd.Timestamp(at.year, 1, 1), min(end, at))
    m = _YEAR_PART.match(key)
    if m:
        year = int(m.group(1))
        if m.group(2):
            h1 = m.group(2) == "H1"
            start = pd.Timestamp(year, 1 if h1 else 7, 1)
            end = pd.Timestamp(year, 6, 30) if h1 else pd.Timestamp(year, 12, 31)
        elif m.group(3):
            q = int(m.group(3))
            start = pd.Timestamp(year, 3 * q - 2, 1)
            end = start + pd.offsets.QuarterEnd(0)
        elif m.group(4):
            month = int(m.group(4))
            if not 1 <= month <= 12:
                raise DataError(f"window {spec!r}: month {month} is not in 1..12")
            start = pd.Timestamp(year, month, 1)
            end = start + pd.offsets.MonthEnd(0)
        elif m.group(5):
            start = pd.Timestamp(year, 1, 1)
            end = _first_n_end(year, int(m.group(5)))
        else:
            start, end = pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
        return Window(spec, start, min(pd.Timestamp(end), at))
    raise DataError(
        f"window {spec!r} is not understood; valid: nD, nW, nM, nY, WTD, MTD, QTD, HTD, YTD, "
        "H1, H2, Fn, YYYY, YYYYH1, YYYYQ1, YYYY-MM, YYYYFn or a (start, end) tuple"
    )


def _as_frame(prices: pd.Series | pd.DataFrame) -> pd.DataFrame:
    if isinstance(prices, pd.Series):
        return prices.to_frame(prices.name if prices.name is not None else "value")
    return prices


def total_return(prices: pd.Series | pd.DataFrame, start: DateLike, end: DateLike) -> pd.Series:
    """Total return over the sessions ``start .. end`` inclusive, per column.

    Parameters
    ----------
    prices
        Series or wide frame of closes on a sorted DatetimeIndex (NaN = no observation).
    start, end
        The window; non-sessions are fine (see the module docstring).

    Returns
    -------
    pandas.Series
        One decimal return per column; NaN where the series has no close before ``start`` or
        none in the window.
    """
    frame = _as_frame(prices)
    s, e = _ts(start, "start"), _ts(end, "end")
    if s > e:
        raise DataError(f"start {s.date()} is after end {e.date()}")
    vals = asof_values(frame, [s - _DAY, e])
    # the end observation must lie inside the window
    inside = asof_values(frame.notna().cumsum().where(frame.notna()), [s - _DAY, e])
    moved = (inside.iloc[1] > inside.iloc[0].fillna(0)).to_numpy()
    out = np.where(moved, vals.iloc[1].to_numpy() / vals.iloc[0].to_numpy() - 1.0, np.nan)
    return pd.Series(out, index=frame.columns, dtype=float)


def window_returns(
    prices: pd.Series | pd.DataFrame,
    windows: Sequence[str | tuple[DateLike, DateLike]] = DEFAULT_WINDOWS,
    *,
    asof: DateLike | None = None,
) -> tuple[pd.DataFrame, list[Window]]:
    """Total returns of every column over several windows as of one date.

    Parameters
    ----------
    prices
        Closes (Series or wide frame).
    windows
        Window specs (see :func:`resolve_window`).
    asof
        As-of date; default the last date of ``prices``. Data after it are ignored.

    Returns
    -------
    (pandas.DataFrame, list of Window)
        Returns (rows = window labels, columns = symbols) and the resolved windows.
    """
    frame = _as_frame(prices)
    if frame.empty:
        raise DataError("prices are empty; nothing to compute returns from")
    at = _ts(asof, "asof") if asof is not None else pd.Timestamp(frame.index[-1])
    frame = frame.loc[:at]
    resolved = [resolve_window(w, at) for w in windows]
    rows = [total_return(frame, w.start, w.end) for w in resolved]
    out = pd.DataFrame(rows, index=[w.label for w in resolved], columns=frame.columns)
    return out, resolved


def period_returns(
    prices: pd.Series | pd.DataFrame,
    freq: Frequency,
    *,
    start: DateLike | None = None,
    end: DateLike | None = None,
    complete_only: bool = False,
) -> pd.DataFrame:
    """Compute returns per calendar period (week, month, quarter, half-year, year), per column.

    Period ``k`` runs from the last XNYS session of period ``k-1`` to the last session of
    period ``k`` (Friday-to-Friday weeks, or Thursday when Friday is a holiday). Prices are
    taken as of each period end but only if the series has an observation *inside* that
    period: a period without data is NaN, and so is the period after it (its base is missing),
    so gaps never masquerade as flat or two-period returns.

    Parameters
    ----------
    prices
        Closes (Series or wide frame).
    freq
        ``"W"``, ``"M"``, ``"Q"``, ``"H"`` or ``"Y"``.
    start, end
        Range of period ends to report (default: the data's range).
    complete_only
        Drop a last period that is still running at ``end``.

    Returns
    -------
    pandas.DataFrame
        Index = period-end sessions (name ``period_end``), columns = symbols. The first period
        in range is NaN unless data exist in the period before it.
    """
    frame = _as_frame(prices).sort_index()
    if frame.empty:
        raise DataError("prices are empty; nothing to compute returns from")
    first = pd.Timestamp(frame.index[0])
    last = pd.Timestamp(frame.index[-1]) if end is None else _ts(end, "end")
    lo = first if start is None else min(_ts(start, "start"), last)
    ends = period_ends(lo - pd.Timedelta(days=370), last, freq, complete_only=complete_only)
    vals = asof_values(frame, ends, same_period=freq)
    keys = period_key(ends, freq)
    prev = vals.shift(1)
    # the base must be the immediately preceding calendar period
    contiguous = np.insert(np.diff(keys) == 1, 0, False)
    rets = (vals / prev - 1.0).where(np.broadcast_to(contiguous[:, None], vals.shape))
    rets = rets[ends >= lo]
    rets.index.name = "period_end"
    return rets
