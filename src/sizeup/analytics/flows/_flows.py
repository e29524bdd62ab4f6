"""ETF flows from shares outstanding (pure; no I/O).

Definitions (docs/methods.md §E):

* An *interval* runs from one observation of the fund's shares outstanding to the next,
  ``(start, end]``. Its flow is ``(S_end - S_start x k) x P_end`` where ``S`` is shares
  outstanding, ``k`` the split ratio inside the interval (1 without a split) and ``P_end`` the
  end-of-day NAV per share of the later day (``end``). Without a NAV on ``end`` the close on
  ``end`` is used and the row says ``price_kind = "close"``; without either the flow is
  missing (NaN) and said so.
* **Gaps**: when observations are missing (``sessions > 1``: more than one XNYS session in
  ``(start, end]``) the interval's flow is ONE figure spanning the gap. It is never spread
  over the missing days (the creations and redemptions of each day are unknown; only their
  net over the gap is).
* **Splits**: a split multiplies the shares and divides the NAV by its ratio without any money
  moving. ``k`` comes from a known split action dated inside the interval
  (``how = "action"``), else it is *detected* (``how = "detected"``) when both the share
  ratio ``S_end / S_start`` and the price ratio ``P_start / P_end`` lie within
  ``split_tolerance`` (10 %) of one of the usual split ratios (2, 3, 4, 5, 10, 3/2 and the
  reverse splits 1/2 ... 1/10, 2/3). A daily market move of 10 % together with shares that
  double is not plausible without a split; a real split with creations on the same day is
  still caught (the share ratio tolerates 10 %). Closes that a source has already
  split-adjusted cannot show a split: with closes, only split actions are used.
* **Periods**: weekly (weeks Monday-Sunday, labelled by their Friday) and monthly sums add
  the intervals that *end* in the period. An interval that spans a period boundary (a gap)
  counts whole in the period of its end, whose ``start`` then lies in an earlier period.
"""

from __future__ import annotations

from typing import Final, Literal

import numpy as np
import pandas as pd

from sizeup.calendar import sessions as xnys_sessions
from sizeup.errors import DataError

__all__ = [
    "NAV_SUFFIX",
    "SHARES_SUFFIX",
    "SPLIT_RATIOS",
    "FlowFrequency",
    "aggregate_flows",
    "interval_flows",
    "window_flow",
]

FlowFrequency = Literal["D", "W", "M"]

SHARES_SUFFIX: Final = ".shares_outstanding"
"""Series id of a fund's shares outstanding in the store: ``<FUND>.shares_outstanding``."""
NAV_SUFFIX: Final = ".nav"
"""Series id of a fund's end-of-day NAV per share in the store: ``<FUND>.nav``."""

SPLIT_RATIOS: Final[tuple[float, ...]] = (
    2.0, 3.0, 4.0, 5.0, 10.0, 1.5, 1 / 2, 1 / 3, 1 / 4, 1 / 5, 1 / 10, 2 / 3,
)  # fmt: skip
"""Split ratios looked for when no split action is known (new shares per old share)."""

FLOW_COLUMNS: Final = (
    "start",
    "end",
    "sessions",
    "gap",
    "shares_start",
    "shares_end",
    "split_ratio",
    "split_how",
    "delta_shares",
    "price",
    "price_kind",
    "flow",
)


def _series(values: pd.Series | None, what: str) -> pd.Series:
    if values is None:
        return pd.Series(dtype=float, index=pd.DatetimeIndex([]))
    out = pd.Series(values, dtype=float).dropna()
    out.index = pd.DatetimeIndex(pd.to_datetime(out.index)).normalize()
    if out.index.has_duplicates:
        day = out.index[out.index.duplicated()][0]
        raise DataError(
            f"{what} has two values on {day.date()}",
            input=what,
            value=str(day.date()),
            valid="one value per date",
        )
    return out.sort_index()


def _detect(share_ratio: float, price_ratio: float, tolerance: float) -> float:
    """Return the split ratio both ratios agree on within ``tolerance``, else 1.0."""
    if not (np.isfinite(share_ratio) and np.isfinite(price_ratio)):
        return 1.0
    for k in SPLIT_RATIOS:
        if abs(share_ratio / k - 1) <= tolerance and abs(price_ratio / k - 1) <= tolerance:
            return k
    return 1.0


def interval_flows(
    shares: pd.Series,
    nav: pd.Series | None = None,
    *,
    close: pd.Series | None = None,
    splits: pd.Series | None = None,
    split_tolerance: float = 0.10,
    calendar: pd.DatetimeIndex | None = None,
) -> pd.DataFrame:
    """Flow of every interval between consecutive shares-outstanding observations.

    Parameters
    ----------
    shares
        Shares outstanding by date (positive; NaN rows are dropped).
    nav
        End-of-day NAV per share by date (optional).
    close
        Closing price by date, used where the NAV of an interval's end day is missing.
    splits
        Known split ratios by date (``2.0`` = 2-for-1, ``0.5`` = 1-for-2 reverse split).
    split_tolerance
        Relative tolerance of split detection (see the module notes).
    calendar
        Sessions used to count the sessions of each interval (default: XNYS).

    Returns
    -------
    pandas.DataFrame
        One row per interval, indexed by its end date, with the columns ``start``, ``end``,
        ``sessions``, ``gap``, ``shares_start``, ``shares_end``, ``split_ratio``, ``split_how``
        (``""``, ``"action"``, ``"detected"``), ``delta_shares``, ``price``, ``price_kind``
        (``"nav"``, ``"close"``, ``"missing"``) and ``flow`` (currency units of the price).

    Raises
    ------
    DataError
        Shares that are not positive, a date with two values, or ``split_tolerance`` outside
        (0, 0.5).

    Examples
    --------
    >>> days = pd.to_datetime(["2026-01-05", "2026-01-06"])
    >>> out = interval_flows(pd.Series([100.0, 110.0], days), pd.Series([20.0, 21.0], days))
    >>> float(out["flow"].iloc[0])  # (110 - 100) x 21
    210.0
    """
    if not 0 < split_tolerance < 0.5:
        raise DataError(
            f"split tolerance {split_tolerance} is outside (0, 0.5)",
            input="split_tolerance",
            value=split_tolerance,
            valid="a fraction between 0 and 0.5",
        )
    s = _series(shares, "shares outstanding")
    if (s <= 0).any():
        day = s.index[s.to_numpy() <= 0][0]
        raise DataError(
            f"shares outstanding on {day.date()} is {s[day]:g}; it must be positive",
            input="shares outstanding",
            value=float(s[day]),
            valid="a positive number of shares",
        )
    n = _series(nav, "NAV")
    c = _series(close, "close")
    sp = _series(splits, "splits")
    if len(s) < 2:
        return pd.DataFrame(columns=list(FLOW_COLUMNS), index=pd.DatetimeIndex([], name="end"))
    cal = (
        pd.DatetimeIndex(calendar)
        if calendar is not None
        else xnys_sessions(s.index[0], s.index[-1])
    )
    pos = cal.searchsorted(s.index, side="right")  # sessions on or before each date
    rows: list[dict[str, object]] = []
    for i in range(1, len(s)):
        t0, t1 = s.index[i - 1], s.index[i]
        s0, s1 = float(s.iloc[i - 1]), float(s.iloc[i])
        if t1 in n.index:
            price, kind = float(n[t1]), "nav"
        elif t1 in c.index:
            price, kind = float(c[t1]), "close"
        else:
            price, kind = float("nan"), "missing"
        known = sp[(sp.index > t0) & (sp.index <= t1)]
        if not known.empty:
            ratio, how = float(np.prod(known.to_numpy())), "action"
        else:
            before = n.get(t0, np.nan) if kind == "nav" else np.nan
            ratio = _detect(s1 / s0, float(before) / price, split_tolerance)
            how = "detected" if ratio != 1.0 else ""
        delta = s1 - s0 * ratio
        rows.append(
            {
                "start": t0,
                "end": t1,
                "sessions": int(pos[i] - pos[i - 1]),
                "gap": bool(pos[i] - pos[i - 1] > 1),
                "shares_start": s0,
                "shares_end": s1,
                "split_ratio": ratio,
                "split_how": how,
                "delta_shares": delta,
                "price": price,
                "price_kind": kind,
                "flow": delta * price,
            }
        )
    out = pd.DataFrame(rows, columns=list(FLOW_COLUMNS))
    out.index = pd.DatetimeIndex(out["end"], name="end")
    return out


def aggregate_flows(flows: pd.DataFrame, freq: FlowFrequency) -> pd.DataFrame:
    """Sum interval flows by the week or month their interval ends in (``D``: the intervals).

    Parameters
    ----------
    flows
        The output of :func:`interval_flows`.
    freq
        ``D`` (each interval, as it is), ``W`` (weeks Monday-Sunday) or ``M`` (months).

    Returns
    -------
    pandas.DataFrame
        Indexed by the period's last calendar day (``D``: the interval end), with ``start``
        (the observation the first interval starts from, earlier than the period when a gap
        spans its boundary), ``end`` (last observation), ``sessions``, ``intervals``, ``gaps``
        (intervals spanning more than one session), ``flow`` (NaN when an interval has no
        price) and ``price_kinds``.
    """
    if freq not in ("D", "W", "M"):
        raise DataError(
            f"frequency {freq!r} is not D, W or M",
            input="--freq",
            value=freq,
            valid="D, W or M",
        )
    cols = ["start", "end", "sessions", "intervals", "gaps", "flow", "price_kinds"]
    if flows.empty:
        return pd.DataFrame(columns=cols, index=pd.DatetimeIndex([], name="period"))
    if freq == "D":
        out = flows.assign(
            intervals=1, gaps=flows["gap"].astype(int), price_kinds=flows["price_kind"]
        )
        return out[cols].rename_axis("period")
    rule = "W-SUN" if freq == "W" else "M"
    label = pd.PeriodIndex(pd.DatetimeIndex(flows["end"]), freq=rule).end_time.normalize()
    grouped = flows.assign(_p=label).groupby("_p", sort=True)
    out = pd.DataFrame(
        {
            "start": grouped["start"].min(),
            "end": grouped["end"].max(),
            "sessions": grouped["sessions"].sum(),
            "intervals": grouped.size(),
            "gaps": grouped["gap"].sum().astype(int),
            "flow": grouped["flow"]
            .sum(min_count=1)
            .where(~grouped["flow"].apply(lambda f: bool(f.isna().any()))),
            "price_kinds": grouped["price_kind"].agg(lambda k: "+".join(sorted(set(k)))),
        }
    )
    if freq == "W":  # label weeks by their Friday (the last session of a normal week)
        out.index = pd.DatetimeIndex(out.index) - pd.Timedelta(days=2)
    out.index.name = "period"
    return out[cols]


def window_flow(
    flows: pd.DataFrame, start: pd.Timestamp, end: pd.Timestamp
) -> tuple[float, pd.Timestamp, pd.Timestamp, int]:
    """Net flow of the intervals ending in ``(start, end]``.

    An interval ending inside the window but starting before ``start`` (a gap over the window's
    start) counts whole; the span actually measured is returned.

    Returns
    -------
    (float, pandas.Timestamp, pandas.Timestamp, int)
        The flow (NaN when an interval has no price), the first interval's start, the last
        interval's end, and the number of gap intervals.

    Raises
    ------
    DataError
        No interval ends in the window.
    """
    lo, hi = pd.Timestamp(start), pd.Timestamp(end)
    inside = flows[(flows["end"] > lo) & (flows["end"] <= hi)]
    if inside.empty:
        raise DataError(
            f"no shares-outstanding change is observed between {lo.date()} and {hi.date()}",
            input="window",
            value=f"{lo.date()}..{hi.date()}",
            valid="a window holding at least two shares-outstanding observations",
        )
    total = float(inside["flow"].sum()) if inside["flow"].notna().all() else float("nan")
    return (
        total,
        pd.Timestamp(inside["start"].min()),
        pd.Timestamp(inside["end"].max()),
        int(inside["gap"].sum()),
    )
