"""NYSE (XNYS) session calendar: sessions, period boundaries and as-of alignment.

The calendar comes from :mod:`exchange_calendars` (``XNYS``) and is built once per process for a
fixed range (1927-01-03 to the end of next year). Everything here works on *sessions*
(midnight-normalised, timezone-naive :class:`pandas.Timestamp`), which is how daily bars are
indexed in the store.

Period boundaries
-----------------
A *period end* is the last session of a calendar period. Weeks are Monday-to-Sunday calendar
weeks, so the last session of a week is the Friday close unless Friday is a holiday (the
Thursday before Good Friday, the Thursday before a Friday Independence Day, ...). Months,
quarters, half-years (H1 = January-June, H2 = July-December) and years are calendar periods.

As-of alignment
---------------
``asof_session(date)`` is the last session on or before ``date``: a Saturday maps to the Friday
before it, a holiday to the session before it.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import warnings
from collections.abc import Sequence
from typing import TYPE_CHECKING, Literal, TypeAlias

import numpy as np
import pandas as pd

from sizeup.errors import ConfigError, DataError

if TYPE_CHECKING:
    from exchange_calendars import ExchangeCalendar

DateLike: TypeAlias = str | pd.Timestamp
"""Anything :func:`pandas.Timestamp` accepts as a date (same as :data:`sizeup.types.DateLike`;
repeated because calendar and types are independent modules of one layer)."""

__all__ = [
    "CALENDAR_END",
    "CALENDAR_START",
    "Frequency",
    "asof_session",
    "asof_values",
    "next_session",
    "nth_session_of_year",
    "parse_date",
    "period_ends",
    "period_key",
    "period_starts",
    "previous_session",
    "sessions",
    "xnys",
]

Frequency = Literal["W", "M", "Q", "H", "Y"]
"""Calendar period: week, month, quarter, half-year, year."""

CALENDAR_START = pd.Timestamp("1927-01-03")
"""First session the calendar covers."""

CALENDAR_END = pd.Timestamp(pd.Timestamp.today().year + 1, 12, 31)
"""Last date the calendar covers (end of next year)."""

_FREQS: tuple[str, ...] = ("W", "M", "Q", "H", "Y")


@functools.lru_cache(maxsize=1)
def xnys() -> ExchangeCalendar:
    """Return the cached XNYS calendar covering :data:`CALENDAR_START` .. :data:`CALENDAR_END`."""
    import exchange_calendars as xcals

    with warnings.catch_warnings():
        # exchange_calendars uses pandas APIs that pandas 3 deprecates; not ours to fix
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        return xcals.get_calendar("XNYS", start=CALENDAR_START, end=CALENDAR_END)


@functools.lru_cache(maxsize=1)
def _all_sessions() -> pd.DatetimeIndex:
    idx = pd.DatetimeIndex(xnys().sessions).tz_localize(None).normalize()
    return pd.DatetimeIndex(idx.values.astype("datetime64[ns]"))


def _ts(date: DateLike, name: str = "date") -> pd.Timestamp:
    try:
        ts = pd.Timestamp(date)
    except (TypeError, ValueError) as exc:
        raise DataError(f"{name}={date!r} is not a date; give e.g. '2024-06-28'") from exc
    if ts.tzinfo is not None:
        ts = ts.tz_localize(None)
    return ts.normalize()


def _check_range(ts: pd.Timestamp, name: str) -> None:
    if ts < CALENDAR_START or ts > CALENDAR_END:
        raise DataError(
            f"{name}={ts.date()} is outside the XNYS calendar range "
            f"{CALENDAR_START.date()} .. {CALENDAR_END.date()}"
        )


def sessions(start: DateLike | None = None, end: DateLike | None = None) -> pd.DatetimeIndex:
    """XNYS sessions in ``[start, end]`` (both optional, inclusive).

    Raises
    ------
    DataError
        A bound is not a date or lies outside the calendar range.
    """
    allsess = _all_sessions()
    lo, hi = 0, len(allsess)
    if start is not None:
        s = _ts(start, "start")
        _check_range(s, "start")
        lo = int(allsess.searchsorted(s, side="left"))
    if end is not None:
        e = _ts(end, "end")
        _check_range(e, "end")
        hi = int(allsess.searchsorted(e, side="right"))
    return allsess[lo:hi]


def asof_session(date: DateLike) -> pd.Timestamp:
    """Last XNYS session on or before ``date``.

    Raises
    ------
    DataError
        ``date`` is before the first session of the calendar or after its end.
    """
    ts = _ts(date)
    _check_range(ts, "date")
    allsess = _all_sessions()
    pos = int(allsess.searchsorted(ts, side="right")) - 1
    return pd.Timestamp(allsess[pos])


def previous_session(date: DateLike) -> pd.Timestamp:
    """Last XNYS session strictly before ``date``."""
    ts = _ts(date)
    _check_range(ts, "date")
    allsess = _all_sessions()
    pos = int(allsess.searchsorted(ts, side="left")) - 1
    if pos < 0:
        raise DataError(f"date={ts.date()} has no session before it in the calendar")
    return pd.Timestamp(allsess[pos])


def next_session(date: DateLike) -> pd.Timestamp:
    """First XNYS session strictly after ``date``."""
    ts = _ts(date)
    _check_range(ts, "date")
    allsess = _all_sessions()
    pos = int(allsess.searchsorted(ts, side="right"))
    if pos >= len(allsess):
        raise DataError(f"date={ts.date()} has no session after it in the calendar")
    return pd.Timestamp(allsess[pos])


def period_key(dates: pd.DatetimeIndex | Sequence[pd.Timestamp], freq: Frequency) -> np.ndarray:
    """Integer label of the calendar period each date falls in.

    Weeks are labelled by the Monday that starts them (days since 1970-01-05 // 7), months by
    ``12*year + month - 1``, quarters by ``4*year + quarter - 1``, halves by ``2*year + half``
    (0 for H1), years by the year. Labels increase with time, and consecutive periods differ by 1.

    Raises
    ------
    DataError
        ``freq`` is not one of W, M, Q, H, Y.
    """
    idx = pd.DatetimeIndex(list(dates) if not isinstance(dates, pd.DatetimeIndex) else dates)
    if freq == "W":
        days = (idx.values.astype("datetime64[D]") - np.datetime64("1970-01-05", "D")).astype(
            np.int64
        )
        return np.floor_divide(days, 7)
    year = idx.year.to_numpy().astype(np.int64)
    month = idx.month.to_numpy().astype(np.int64)
    if freq == "M":
        return 12 * year + month - 1
    if freq == "Q":
        return 4 * year + (month - 1) // 3
    if freq == "H":
        return 2 * year + (month - 1) // 6
    if freq == "Y":
        return year
    raise DataError(f"freq={freq!r} is not a calendar period; valid: {list(_FREQS)}")


def _boundaries(index: pd.DatetimeIndex, freq: Frequency, last: bool) -> pd.DatetimeIndex:
    if len(index) == 0:
        return pd.DatetimeIndex([])
    key = period_key(index, freq)
    change = key[1:] != key[:-1]
    mask = np.append(change, True) if last else np.insert(change, 0, True)
    return pd.DatetimeIndex(index[mask])


def period_ends(
    start: DateLike,
    end: DateLike,
    freq: Frequency,
    *,
    complete_only: bool = False,
) -> pd.DatetimeIndex:
    """Last XNYS session of every calendar period that has a session in ``[start, end]``.

    Parameters
    ----------
    start, end
        Date range (inclusive).
    freq
        ``"W"`` (week), ``"M"``, ``"Q"``, ``"H"`` (half-year) or ``"Y"``.
    complete_only
        Drop the last period when it is still running at ``end`` (its last session is after
        ``end``). By default the last period ends at the last session ``<= end``.

    Returns
    -------
    pandas.DatetimeIndex
        One session per period, ascending.
    """
    e = _ts(end, "end")
    s = max(_ts(start, "start"), CALENDAR_START)
    allsess = sessions(s, min(e + pd.Timedelta(days=400), CALENDAR_END))
    ends = _boundaries(allsess, freq, last=True)
    done = ends[ends <= e]
    upto = allsess[allsess <= e]
    if len(upto) == 0 or complete_only:
        return done
    if len(done) and done[-1] == upto[-1]:
        return done
    return pd.DatetimeIndex(done.append(pd.DatetimeIndex([upto[-1]])))


def period_starts(start: DateLike, end: DateLike, freq: Frequency) -> pd.DatetimeIndex:
    """First XNYS session of every calendar period that has a session in ``[start, end]``."""
    return _boundaries(sessions(start, end), freq, last=False)


def nth_session_of_year(year: int, n: int) -> pd.Timestamp:
    """Return the ``n``-th (1-based) XNYS session of ``year``.

    Raises
    ------
    DataError
        ``n`` is below 1 or beyond the number of sessions in that year.
    """
    sess = sessions(f"{year}-01-01", f"{year}-12-31")
    if n < 1 or n > len(sess):
        raise DataError(f"n={n} is not a session number of {year}; valid: 1..{len(sess)}")
    return pd.Timestamp(sess[n - 1])


def asof_values(
    data: pd.Series | pd.DataFrame,
    dates: pd.DatetimeIndex | Sequence[pd.Timestamp],
    *,
    same_period: Frequency | None = None,
) -> pd.DataFrame:
    """Values of ``data`` at the last observation on or before each date (per column).

    Parameters
    ----------
    data
        Series or wide frame on a sorted DatetimeIndex; NaN counts as "no observation".
    dates
        Target dates (sorted ascending).
    same_period
        When given, an observation is used only if it falls in the same calendar period as the
        target date; otherwise the result is NaN (e.g. a week without any data stays missing
        instead of repeating last week's close).

    Returns
    -------
    pandas.DataFrame
        Index ``dates``, the columns of ``data`` (a Series becomes one column).
    """
    frame = data.to_frame() if isinstance(data, pd.Series) else data
    target = pd.DatetimeIndex(list(dates) if not isinstance(dates, pd.DatetimeIndex) else dates)
    values = frame.to_numpy(dtype=float)
    idx = pd.DatetimeIndex(frame.index)
    n, m = values.shape
    # last valid position <= each row, per column (vectorised forward fill of positions)
    pos = np.where(np.isfinite(values), np.arange(n)[:, None], -1)
    pos = np.maximum.accumulate(pos, axis=0) if n else pos
    row = idx.searchsorted(target, side="right") - 1
    out = np.full((len(target), m), np.nan)
    ok = row >= 0
    if n and ok.any():
        p = pos[row[ok]]
        got = p >= 0
        vals = np.where(got, values[np.clip(p, 0, None), np.arange(m)[None, :]], np.nan)
        if same_period is not None:
            tkey = period_key(target[ok], same_period)[:, None]
            okey = period_key(idx, same_period)[np.clip(p, 0, None)]
            vals = np.where(got & (okey == tkey), vals, np.nan)
        out[ok] = vals
    return pd.DataFrame(out, index=target, columns=frame.columns)


_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def parse_date(value: str | None, *, option: str = "--asof") -> pd.Timestamp | None:
    """Read a calendar date given as ISO text (``YYYY-MM-DD`` only); ``None`` stays ``None``.

    Other spellings are refused rather than guessed: ``21-06-30`` could be 2021-06-30 or
    2030-06-21, ``06/30/2021`` depends on the locale.

    Raises
    ------
    ConfigError
        The text is not an ISO date; the error names the option and the value
        (``input``/``value``/``valid`` attributes).

    Examples
    --------
    >>> parse_date("2024-06-28")
    Timestamp('2024-06-28 00:00:00')
    """
    if value is None:
        return None
    text = value.strip()
    try:
        if not _ISO_DATE.fullmatch(text):
            raise ValueError(text)
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise ConfigError(
            f"{option} {value!r} is not a date; give it as YYYY-MM-DD, e.g. 2024-06-28",
            input=option,
            value=value,
            valid="an ISO date YYYY-MM-DD",
        ) from None
    return pd.Timestamp(day)
