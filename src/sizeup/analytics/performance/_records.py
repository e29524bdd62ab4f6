"""Records and breakouts: all-time and 52-week highs, drawdowns, recoveries, who got back first.

Definitions
-----------
- A **record** (all-time high) at t: ``close_t > max(close_s, s < t)`` over the available history
  (the first observation is a record). Equal to the old record is *not* a new record.
- **Drawdown** at t: ``close_t / max(close_s, s <= t) - 1`` (<= 0).
- **52-week high** at t: ``close_t >= max`` of the closes in the trailing ``window`` sessions
  (default 252, ``t`` included; needs a full window).
- **Days since record**: sessions (observations) since the last record close.
- A **recovery** ends a drawdown episode: the first close above the peak that started it; the
  episode's trough is its lowest close.
- **Years since outperformance**: from a calendar table
  (:func:`sizeup.analytics.performance.calendar_table`), periods since the last one in which A
  led.

Closes are used throughout (index levels or adjusted closes); results say which date each
figure refers to.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from sizeup.errors import DataError
from sizeup.types import DateLike

__all__ = [
    "RecordStatus",
    "drawdown_episodes",
    "first_to_record",
    "outperformance_history",
    "record_flags",
    "record_status",
]


def record_flags(prices: pd.DataFrame | pd.Series, *, window: int = 252) -> dict[str, pd.DataFrame]:
    """Per-day record features for every column (vectorised).

    Parameters
    ----------
    prices
        Closes, DatetimeIndex x symbol (a Series becomes one column). NaN = no observation;
        running maxima skip NaN.
    window
        Sessions in the "52-week" window.

    Returns
    -------
    dict of pandas.DataFrame
        ``running_max``, ``is_record`` (bool), ``drawdown``, ``sessions_since_record`` (float;
        NaN before the first observation), ``high_52w``, ``is_52w_high`` (bool), ``low_52w``,
        ``is_52w_low`` (bool). All frames share the index and columns of ``prices``.
    """
    frame = prices.to_frame() if isinstance(prices, pd.Series) else prices
    v = frame.to_numpy(dtype=float)
    n = v.shape[0]
    filled = np.where(np.isfinite(v), v, -np.inf)
    runmax = np.maximum.accumulate(filled, axis=0) if n else filled
    prevmax = np.vstack([np.full((1, v.shape[1]), -np.inf), runmax[:-1]]) if n else runmax
    is_record = np.isfinite(v) & (v > prevmax)
    rows = np.arange(n)[:, None]
    last_rec = np.maximum.accumulate(np.where(is_record, rows, -1), axis=0) if n else rows
    since = np.where(last_rec >= 0, rows - last_rec, np.nan).astype(float)
    runmax_f = np.where(np.isfinite(runmax), runmax, np.nan)
    with np.errstate(invalid="ignore", divide="ignore"):
        dd = v / runmax_f - 1.0
    hi = frame.rolling(window, min_periods=window).max()
    lo = frame.rolling(window, min_periods=window).min()
    idx, cols = frame.index, frame.columns

    def mk(a: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(a, index=idx, columns=cols)

    return {
        "running_max": mk(runmax_f),
        "is_record": mk(is_record),
        "drawdown": mk(dd),
        "sessions_since_record": mk(since),
        "high_52w": hi,
        "is_52w_high": (frame >= hi) & hi.notna(),
        "low_52w": lo,
        "is_52w_low": (frame <= lo) & lo.notna(),
    }


@dataclass(frozen=True)
class RecordStatus:
    """Record status of one symbol as of a date.

    Attributes
    ----------
    symbol, asof
        Symbol and the date of its last close on or before the as-of date.
    close
        That close.
    record, record_date
        All-time high close (over the data) and the date it was set.
    is_record
        The as-of close set a new record.
    sessions_since_record
        Sessions since ``record_date``.
    drawdown
        ``close / record - 1``.
    high_52w, is_52w_high, pct_from_52w_high
        Trailing-window high, whether the as-of close is at it, and ``close / high_52w - 1``.
    first_date
        First date of data (records are "since" then).
    """

    symbol: str
    asof: pd.Timestamp
    close: float
    record: float
    record_date: pd.Timestamp
    is_record: bool
    sessions_since_record: int
    drawdown: float
    high_52w: float
    is_52w_high: bool
    pct_from_52w_high: float
    first_date: pd.Timestamp

    def summary(self) -> str:
        """One line."""
        if self.is_record:
            rec = f"new all-time high {self.close:,.2f}"
        else:
            rec = (
                f"{-self.drawdown * 100:.1f}% below its {self.record_date.date()} record "
                f"{self.record:,.2f} ({self.sessions_since_record} sessions ago)"
            )
        hi = " at a 52-week high" if self.is_52w_high else ""
        return f"{self.symbol} {self.asof.date()}: {rec}{hi} (data since {self.first_date.date()})"

    def __repr__(self) -> str:
        return f"RecordStatus({self.summary()})"


def record_status(
    prices: pd.DataFrame, *, asof: DateLike | None = None, window: int = 252
) -> list[RecordStatus]:
    """:class:`RecordStatus` of every column as of ``asof`` (default: last date)."""
    frame = prices if asof is None else prices.loc[: pd.Timestamp(asof)]
    out: list[RecordStatus] = []
    for sym in frame.columns:
        s = frame[sym].dropna()
        if s.empty:
            continue
        v = s.to_numpy(dtype=float)
        rec_pos = int(np.argmax(v))  # first occurrence of the max = the record close
        tail = v[-window:]
        hi = float(tail.max()) if len(v) >= window else float("nan")
        out.append(
            RecordStatus(
                symbol=str(sym),
                asof=pd.Timestamp(s.index[-1]),
                close=float(v[-1]),
                record=float(v[rec_pos]),
                record_date=pd.Timestamp(s.index[rec_pos]),
                is_record=rec_pos == len(v) - 1 and (len(v) == 1 or v[-1] > v[:-1].max()),
                sessions_since_record=len(v) - 1 - rec_pos,
                drawdown=float(v[-1] / v[rec_pos] - 1.0),
                high_52w=hi,
                is_52w_high=bool(np.isfinite(hi) and v[-1] >= hi),
                pct_from_52w_high=float(v[-1] / hi - 1.0) if np.isfinite(hi) else float("nan"),
                first_date=pd.Timestamp(s.index[0]),
            )
        )
    return out


def drawdown_episodes(prices: pd.Series, *, min_depth: float = 0.0) -> pd.DataFrame:
    """Peak-to-recovery episodes of one series.

    Parameters
    ----------
    prices
        Closes (NaN dropped).
    min_depth
        Keep episodes whose trough drawdown is at least this deep (0.2 = a 20 % decline).

    Returns
    -------
    pandas.DataFrame
        One row per episode: ``peak_date``, ``peak``, ``trough_date``, ``trough``, ``depth``
        (trough/peak - 1), ``recovery_date`` (first close above the peak; NaT while still
        under water), ``sessions_to_trough``, ``sessions_to_recover`` (peak to recovery; NaN
        while open), ``recovered`` (bool).
    """
    if min_depth < 0:
        raise DataError(f"min_depth={min_depth} must be >= 0 (a positive fraction)")
    s = prices.dropna()
    v = s.to_numpy(dtype=float)
    if len(v) == 0:
        return pd.DataFrame(
            columns=[
                "peak_date",
                "peak",
                "trough_date",
                "trough",
                "depth",
                "recovery_date",
                "sessions_to_trough",
                "sessions_to_recover",
                "recovered",
            ]
        )
    prevmax = np.maximum.accumulate(np.concatenate([[-np.inf], v[:-1]]))
    is_rec = v > prevmax
    rec_pos = np.flatnonzero(is_rec)
    rows = []
    for k, p in enumerate(rec_pos):
        nxt = rec_pos[k + 1] if k + 1 < len(rec_pos) else len(v)
        if nxt == p + 1:
            continue  # next close is already a new record: no drawdown
        seg = v[p:nxt]
        t = p + int(np.argmin(seg))
        depth = v[t] / v[p] - 1.0
        if -depth < min_depth or depth == 0:
            continue
        recovered = nxt < len(v)
        rows.append(
            {
                "peak_date": s.index[int(p)],
                "peak": v[p],
                "trough_date": s.index[int(t)],
                "trough": v[t],
                "depth": depth,
                "recovery_date": s.index[nxt] if recovered else pd.NaT,
                "sessions_to_trough": t - p,
                "sessions_to_recover": float(nxt - p) if recovered else np.nan,
                "recovered": recovered,
            }
        )
    return pd.DataFrame(rows)


def first_to_record(prices: pd.DataFrame, *, since: DateLike) -> pd.DataFrame:
    """Which series returned to a record first after ``since``.

    For each column the *prior record* is its highest close on or before ``since``; the
    *return date* is the first later close above it.

    Parameters
    ----------
    prices
        Closes, one column per series (e.g. ``^RUT``, ``^GSPC``, ``^IXIC``).
    since
        Start of the race (e.g. the date of a common sell-off).

    Returns
    -------
    pandas.DataFrame
        Index = symbol; ``prior_record``, ``prior_record_date``, ``record_date`` (NaT if not yet),
        ``sessions_after`` (observations from ``since`` to ``record_date``), ``order`` (1 = first;
        NaN for series still below the prior record); sorted by order.
    """
    t0 = pd.Timestamp(since)
    rows = []
    for sym in prices.columns:
        s = prices[sym].dropna()
        before, after = s.loc[:t0], s.loc[t0 + pd.Timedelta(days=1) :]
        if before.empty:
            raise DataError(f"{sym!r} has no data on or before since={t0.date()}")
        rec = float(before.max())
        hit = after[after > rec]
        date = pd.Timestamp(hit.index[0]) if len(hit) else pd.NaT
        rows.append(
            {
                "symbol": sym,
                "prior_record": rec,
                "prior_record_date": before.idxmax(),
                "record_date": date,
                "sessions_after": float(len(after.loc[:date])) if len(hit) else np.nan,
            }
        )
    out = pd.DataFrame(rows).set_index("symbol")
    out["order"] = out["record_date"].rank(method="min")
    return out.sort_values(["order", "record_date"], na_position="last")


def outperformance_history(table: pd.DataFrame) -> dict[str, object]:
    """Summary of a calendar table: periods since A last led, and the run of outcomes.

    Parameters
    ----------
    table
        Output of :func:`sizeup.analytics.performance.calendar_table` (``a_led``, ``label``).

    Returns
    -------
    dict
        ``last_led`` (label or None), ``periods_since_led`` (0 when the latest period was led;
        the number of periods in the table when never), ``led_count``, ``periods``,
        ``current_run`` (signed: +k = k periods in a row led, -k = k periods lagged),
        ``outcomes`` (string of ``+``/``-``, oldest first).
    """
    if table.empty:
        raise DataError("calendar table is empty; nothing to summarise")
    led = table["a_led"].to_numpy(dtype=bool)
    labels = table["label"].tolist()
    pos = np.flatnonzero(led)
    last = int(pos[-1]) if len(pos) else -1
    run = 0
    sign = 1 if led[-1] else -1
    for x in led[::-1]:
        if bool(x) == (sign > 0):
            run += 1
        else:
            break
    return {
        "last_led": labels[last] if last >= 0 else None,
        "periods_since_led": len(led) - 1 - last if last >= 0 else len(led),
        "led_count": len(pos),
        "periods": len(led),
        "current_run": sign * run,
        "outcomes": "".join("+" if x else "-" for x in led),
    }
