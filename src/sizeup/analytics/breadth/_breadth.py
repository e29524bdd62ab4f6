"""Breadth over a universe of members (docs/methods.md §B3–§B5).

Input is a wide close panel (dates x members; adjusted closes) and, optionally, a point-in-time
membership mask of the same shape. A member counts on day t when it is a member on t and has a
close on t (and on its previous row for advance/decline).

Percentages are index levels on the 0–100 scale, as published (% advancing, % above MA,
Record High Percent, High-Low Index, % positive trend, % on RS buy); they are not returns.

=========================  ==================================================================
``members``                members with a close on t
``adv``, ``dec``, ``unch`` ``C_t >`` / ``<`` / ``== C_{t-1}`` (previous row; both present)
``pct_adv``                ``100 * adv / (adv + dec + unch)`` (unchanged in the denominator)
``net_adv``, ``adl``       ``adv - dec`` and its cumulative sum (level arbitrary)
``ad_pct``                 ``100 * (adv - dec) / (adv + dec + unch)``
``pct_above_50/200``       ``100 * #(C > SMA_N) / #(SMA_N defined)``; SMA over the member's last
                           N closes (gaps skipped); ties within 1e-12 relative are "not above"
``new_highs/new_lows``     close is the highest / lowest of the member's last ``window`` closes
                           (close-based; needs ``window`` closes of history)
``nh_nl``                  ``new_highs - new_lows``
``rhp``                    Record High Percent ``100 * NH / (NH + NL)``; NaN when both are 0
``hli``                    High-Low Index, 10-day SMA of ``rhp`` (NaN days skipped)
``hli_ema``                10-day EMA of ``rhp`` (DWA's exponentially weighted variant)
=========================  ==================================================================

Hot loops (rolling means and extremes over the last N valid closes of 1,848 members x 6,685
days) are numba kernels iterating rows in the outer loop (in :mod:`._kernels`, loaded on first
use, so importing this module does not load numba); slow pure-Python references are kept for the
tests.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from sizeup.errors import DataError
from sizeup.types import DateLike

__all__ = [
    "Breadth",
    "breadth",
    "membership_mask",
    "pct_true",
    "rolling_extreme_last_n",
    "rolling_mean_last_n",
    "trailing_rank",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]

_TIE_REL = 1e-12


# ------------------------------------------------------------------ slow references


def _last_n_py(values: FloatArray, n: int, stat: Callable[[list[float]], float]) -> FloatArray:
    """Slow reference: ``stat`` of the last ``n`` finite values of each column, at finite rows."""
    rows, cols = values.shape
    out = np.full((rows, cols), np.nan)
    for j in range(cols):
        seen: list[float] = []
        for t in range(rows):
            x = values[t, j]
            if not np.isfinite(x):
                continue
            seen.append(float(x))
            if len(seen) >= n:
                out[t, j] = stat(seen[-n:])
    return out


def _mean_last_n_py(values: FloatArray, n: int) -> FloatArray:
    """Slow reference: mean of the last ``n`` finite values of each column, at finite rows."""
    return _last_n_py(values, n, lambda window: sum(window) / n)


def _extreme_last_n_py(values: FloatArray, n: int, is_max: bool) -> FloatArray:
    """Slow reference: max/min of the last ``n`` finite values of each column."""
    return _last_n_py(values, n, max if is_max else min)


def _day(label: object) -> str:
    """ISO date of an index label (for summaries)."""
    return str(pd.Timestamp(str(label)).date())


def _check_window(n: int, name: str) -> None:
    if n < 1:
        raise DataError(f"{name}={n} must be >= 1")


def rolling_mean_last_n(values: npt.ArrayLike, n: int) -> FloatArray:
    """Mean of each column's last ``n`` finite values, at rows where the column is finite.

    Parameters
    ----------
    values
        ``(rows, cols)`` array; NaN/inf = no observation (skipped, not counted).
    n
        Number of observations.

    Returns
    -------
    numpy.ndarray
        Same shape; NaN until a column has ``n`` observations and on rows without one.
    """
    _check_window(n, "n")
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 2:
        raise DataError(f"values must be 2-D (rows, cols); got shape {arr.shape}")
    from sizeup.analytics.breadth._kernels import mean_last_n_nb

    return np.asarray(mean_last_n_nb(np.ascontiguousarray(arr.T), int(n))).T


def rolling_extreme_last_n(values: npt.ArrayLike, n: int, *, kind: str = "max") -> FloatArray:
    """Max (``kind="max"``) or min of each column's last ``n`` finite values (see above)."""
    _check_window(n, "n")
    if kind not in ("max", "min"):
        raise DataError(f"kind={kind!r}; valid: 'max', 'min'")
    arr = np.asarray(values, dtype=np.float64)
    if arr.ndim != 2:
        raise DataError(f"values must be 2-D (rows, cols); got shape {arr.shape}")
    from sizeup.analytics.breadth._kernels import extreme_last_n_nb

    return np.asarray(extreme_last_n_nb(np.ascontiguousarray(arr.T), int(n), kind == "max")).T


# ------------------------------------------------------------------ membership
def membership_mask(
    dates: pd.DatetimeIndex,
    symbols: pd.Index | Collection[str],
    snapshots: Mapping[DateLike, Collection[str]] | None,
) -> tuple[BoolArray, str]:
    """Point-in-time membership from holdings snapshots.

    A symbol is a member on day t when it is in the latest snapshot dated on or before t.
    Before the first snapshot the first snapshot is used (the only information there is), which
    is survivorship-biased; the returned note says so.

    Parameters
    ----------
    dates
        Row dates.
    symbols
        Column labels.
    snapshots
        ``{as_of: symbols}``; ``None`` or empty = every column is a member on every day.

    Returns
    -------
    (numpy.ndarray, str)
        ``(len(dates), len(symbols))`` bool mask and a coverage / survivorship note.
    """
    cols = pd.Index(list(symbols))
    n_t, n_s = len(dates), len(cols)
    if not snapshots:
        note = (
            "no holdings snapshots: every symbol of the panel counts as a member on every day "
            "(today's members only; survivorship-biased)"
        )
        return np.ones((n_t, n_s), dtype=bool), note
    snaps = sorted((pd.Timestamp(k), set(v)) for k, v in snapshots.items())
    keys = pd.DatetimeIndex([k for k, _ in snaps])
    member_rows = np.vstack([cols.isin(list(v)) for _, v in snaps])
    which = np.clip(keys.searchsorted(pd.DatetimeIndex(dates), side="right") - 1, 0, None)
    mask = member_rows[which]
    first = keys[0]
    before = int((pd.DatetimeIndex(dates) < first).sum())
    note = (
        f"point-in-time membership from {len(snaps)} holdings snapshot(s) "
        f"({', '.join(str(k.date()) for k in keys)})"
    )
    if before:
        note += (
            f"; the {before} days before {first.date()} use the first snapshot, so they count "
            "only names that survived into it (survivorship-biased: delisted and removed "
            "members are missing)"
        )
    return mask, note


# ------------------------------------------------------------------ breadth
def pct_true(flags: BoolArray, defined: BoolArray) -> FloatArray:
    """``100 * #(flags & defined) / #defined`` per row; NaN where nothing is defined."""
    num = np.count_nonzero(flags & defined, axis=1).astype(float)
    den = np.count_nonzero(defined, axis=1).astype(float)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(den > 0, 100.0 * num / den, np.nan)


@dataclass(frozen=True)
class Breadth:
    """Daily breadth of a universe.

    Attributes
    ----------
    frame
        One row per date; columns listed in the module docstring.
    universe
        Name of the universe (e.g. ``"IWM"``).
    n_symbols
        Columns of the panel.
    note
        Membership / survivorship note.
    """

    frame: pd.DataFrame
    universe: str
    n_symbols: int
    note: str = field(repr=False)

    def latest(self, asof: DateLike | None = None) -> pd.Series:
        """Return the row of the last date on or before ``asof``."""
        f = self.frame if asof is None else self.frame.loc[: pd.Timestamp(asof)]
        if f.empty:
            raise DataError(f"breadth of {self.universe} has no date on or before {asof}")
        return f.iloc[-1]

    def summary(self) -> str:
        """Describe the last day in a few lines."""
        last = self.latest()
        return (
            f"Breadth of {self.universe} on {_day(last.name)}: "
            f"{int(last['members'])} members with data; {last['pct_adv']:.1f}% advancing; "
            f"{last['pct_above_50']:.1f}% above 50-d, {last['pct_above_200']:.1f}% above 200-d; "
            f"NH-NL {int(last['nh_nl'])}; HLI {last['hli']:.1f}\n{self.note}"
        )

    def __repr__(self) -> str:
        return self.summary()


def breadth(
    close: pd.DataFrame,
    *,
    members: BoolArray | None = None,
    note: str = "",
    universe: str = "universe",
    ma_windows: tuple[int, ...] = (50, 200),
    hl_window: int = 252,
    hli_window: int = 10,
) -> Breadth:
    """Daily breadth measures over a panel of member closes (vectorised).

    Parameters
    ----------
    close
        Dates x members adjusted closes (NaN = no data; non-positive values are treated as
        missing, they are data errors).
    members
        Optional bool mask of the same shape (point-in-time membership, see
        :func:`membership_mask`); default every column on every day.
    note
        Membership / survivorship note carried into the result.
    universe
        Name used in summaries.
    ma_windows
        Moving-average lengths for ``pct_above_<N>`` (observations).
    hl_window
        Look-back for new highs / lows (observations; 252 = 52 weeks).
    hli_window
        Span of the High-Low Index SMA and EMA.

    Returns
    -------
    Breadth
    """
    for n in (*ma_windows, hl_window, hli_window):
        _check_window(int(n), "window")
    v = close.to_numpy(dtype=np.float64)
    if members is not None and members.shape != v.shape:
        raise DataError(f"members mask has shape {members.shape}; the close panel has {v.shape}")
    vt = np.array(v.T, order="C")  # (members, dates): one member's history contiguous
    vt[~(vt > 0)] = np.nan
    if members is not None:
        vt[~np.ascontiguousarray(members.T)] = np.nan
    import numba

    from sizeup.analytics.breadth._kernels import breadth_counts_nb

    counts = breadth_counts_nb(
        vt,
        np.asarray(ma_windows, dtype=np.int64),
        int(hl_window),
        _TIE_REL,
        max(1, min(int(numba.get_num_threads()), vt.shape[0])),
    ).T
    present, adv, dec, unch, nh, nl = (counts[:, i] for i in range(6))
    tot = (adv + dec + unch).astype(float)
    data: dict[str, npt.NDArray[np.float64] | npt.NDArray[np.int64]] = {
        "members": present,
        "adv": adv,
        "dec": dec,
        "unch": unch,
    }
    with np.errstate(invalid="ignore", divide="ignore"):
        data["pct_adv"] = np.where(tot > 0, 100.0 * adv / tot, np.nan)
        data["net_adv"] = adv - dec
        data["adl"] = np.cumsum(adv - dec)
        data["ad_pct"] = np.where(tot > 0, 100.0 * (adv - dec) / tot, np.nan)
        for m, n in enumerate(ma_windows):
            den = counts[:, 6 + 2 * m].astype(float)
            data[f"pct_above_{n}"] = np.where(den > 0, 100.0 * counts[:, 7 + 2 * m] / den, np.nan)
        data["new_highs"] = nh
        data["new_lows"] = nl
        data["nh_nl"] = nh - nl
        data["rhp"] = np.where(nh + nl > 0, 100.0 * nh / (nh + nl), np.nan)
    frame = pd.DataFrame(data, index=close.index)
    frame["hli"] = frame["rhp"].rolling(hli_window, min_periods=1).mean()
    frame["hli_ema"] = frame["rhp"].ewm(span=hli_window, ignore_na=True).mean()
    frame.index.name = "date"
    return Breadth(frame, universe, close.shape[1], note)


def trailing_rank(series: pd.Series, *, window: int) -> pd.DataFrame:
    """How today's value ranks against the previous ``window`` observations (F16).

    Returns
    -------
    pandas.DataFrame
        ``prior_max`` (max of the previous ``window`` values), ``is_max`` (value >= prior_max,
        needs a full window), ``pct_rank`` (share of the previous ``window`` values strictly
        below today's, 0..1).
    """
    _check_window(window, "window")
    s = series.astype(float)
    prior = s.shift(1)
    prior_max = prior.rolling(window, min_periods=window).max()
    vals = s.to_numpy()
    if len(vals) == 0:  # no observation yet (e.g. an as-of before the universe's first price)
        empty = np.empty(0)
        return pd.DataFrame(
            {"prior_max": empty, "is_max": empty.astype(bool), "pct_rank": empty},
            index=series.index,
        )
    pv = np.lib.stride_tricks.sliding_window_view(
        np.concatenate([np.full(window, np.nan), vals])[:-1], window
    )
    with np.errstate(invalid="ignore"):
        below = np.sum(pv < vals[:, None], axis=1).astype(float)
    full = np.sum(np.isfinite(pv), axis=1) == window
    pct = np.where(full & np.isfinite(vals), below / window, np.nan)
    return pd.DataFrame(
        {
            "prior_max": prior_max,
            "is_max": (s >= prior_max) & prior_max.notna(),
            "pct_rank": pct,
        },
        index=series.index,
    )
