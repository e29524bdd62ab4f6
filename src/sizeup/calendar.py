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

Session cache
-------------
Building the XNYS calendar takes a noticeable part of a command's start (importing
:mod:`exchange_calendars` loads every exchange's rules, and the sessions are computed back to
1927). The computed session list is therefore kept in a small file in the user cache directory
(``platformdirs.user_cache_dir("sizeup")``, or ``$SIZEUP_CACHE_DIR``; an empty
``SIZEUP_CACHE_DIR`` turns the cache off), never in the data store. The file name carries the
installed :mod:`exchange_calendars` version, the modification time and size of its XNYS rules
module and the span, so a different version or span computes (and saves) afresh; a missing,
damaged or unwritable cache falls back to computing the sessions.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import importlib.util
import os
import re
import tempfile
import warnings
from collections.abc import Sequence
from pathlib import Path
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


def _computed_session_days() -> np.ndarray:
    """XNYS sessions as int64 days since 1970-01-01, computed by :mod:`exchange_calendars`."""
    idx = pd.DatetimeIndex(xnys().sessions).tz_localize(None).normalize()
    return np.asarray(idx.values.astype("datetime64[D]").astype(np.int64), dtype=np.int64)


_CACHE_FORMAT = 1
_VERSION_RE = re.compile(r"""^__version__\s*=\s*version\s*=\s*['"]([^'"]+)['"]""", re.M)


def _cache_dir() -> Path | None:
    """Folder of the session cache; ``None`` when ``$SIZEUP_CACHE_DIR`` is set but empty."""
    env = os.environ.get("SIZEUP_CACHE_DIR")
    if env is not None:
        return Path(env).expanduser() if env.strip() else None
    import platformdirs

    return Path(platformdirs.user_cache_dir("sizeup", appauthor=False))


def _cache_key() -> str | None:
    """Identify the installed calendar rules without importing :mod:`exchange_calendars`.

    The key holds the package version (read from its ``_version.py``) and the modification time
    and size of its XNYS rules module; ``None`` when the package cannot be located.
    """
    try:
        spec = importlib.util.find_spec("exchange_calendars")
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    pkg = Path(next(iter(spec.submodule_search_locations)))
    try:
        rules = (pkg / "exchange_calendar_xnys.py").stat()
        text = (pkg / "_version.py").read_text(encoding="utf-8")
    except OSError:
        return None
    found = _VERSION_RE.search(text)
    version = found.group(1) if found else "unknown"
    safe = re.sub(r"[^0-9A-Za-z.+-]", "_", version)
    return f"{safe}-{rules.st_mtime_ns}-{rules.st_size}"


def _cache_file(folder: Path, key: str) -> Path:
    span = f"{CALENDAR_START:%Y%m%d}-{CALENDAR_END:%Y%m%d}"
    return folder / f"xnys-sessions-v{_CACHE_FORMAT}-{key}-{span}.npy"


def _valid_days(days: np.ndarray) -> bool:
    """Whether a loaded array looks like a session list of the calendar span."""
    first = (CALENDAR_START - pd.Timestamp("1970-01-01")).days
    last = (CALENDAR_END - pd.Timestamp("1970-01-01")).days
    return bool(
        days.ndim == 1
        and days.dtype == np.int64
        and len(days) > 0
        and days[0] >= first
        and days[-1] <= last
        and np.all(np.diff(days) > 0)
    )


def _load_cached(path: Path) -> np.ndarray | None:
    try:
        days = np.load(path, allow_pickle=False)
    except (OSError, ValueError, EOFError):
        return None
    return days if isinstance(days, np.ndarray) and _valid_days(days) else None


def _save_cached(path: Path, days: np.ndarray) -> None:
    """Write ``days`` atomically (temporary file, then rename); silently skip when unwritable."""
    tmp_name: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=".xnys-", suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            np.save(fh, days, allow_pickle=False)
        os.replace(tmp_name, path)
        tmp_name = None
    except OSError:
        pass
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


def _session_days() -> np.ndarray:
    """Session days of the calendar span: from the cache file when valid, else computed."""
    folder = _cache_dir()
    key = _cache_key() if folder is not None else None
    if folder is None or key is None:
        return _computed_session_days()
    path = _cache_file(folder, key)
    days = _load_cached(path)
    if days is None:
        days = _computed_session_days()
        _save_cached(path, days)
    return days


@functools.lru_cache(maxsize=1)
def _all_sessions() -> pd.DatetimeIndex:
    days = _session_days()
    return pd.DatetimeIndex(days.astype("datetime64[D]").astype("datetime64[ns]"))


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
