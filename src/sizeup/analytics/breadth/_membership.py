"""Point-in-time index membership from holdings snapshots (docs/methods.md §B6).

A fund's holdings snapshots (``{as_of: symbols}``) are turned into a tidy table of membership
intervals, one row per unbroken run of snapshots that contain a symbol:

=================  ==========================================================================
``symbol``         the member
``start``          date of the first snapshot of the run (inclusive)
``end``            date of the first later snapshot that does not contain the symbol
                   (exclusive); ``NaT`` when the symbol is in the last snapshot (open)
``first_snapshot`` same as ``start``: the snapshot the run is read from
``last_snapshot``  the last snapshot of the run that contains the symbol
``n_snapshots``    snapshots in the run
``backfilled``     the run starts at the first snapshot, so the symbol also counts as a
                   member before it (the labelled survivorship fallback below)
=================  ==========================================================================

Rules (documented choices):

* a symbol is a member from a snapshot that contains it until the next snapshot that does not;
  between two snapshots the earlier one rules (a snapshot says nothing about days after the
  next one, and nothing is read from a later snapshot);
* a symbol dropped and re-added has one interval per run;
* before the first snapshot there is no information: the first snapshot is used for those days
  (survivorship policy: it counts only names that survived into that snapshot, and the note
  says so with the number of days affected).

:func:`sizeup.analytics.breadth.membership_mask` answers the same question with a different
algorithm (search of the latest snapshot per day); the tests check the two agree.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt
import pandas as pd

from sizeup.errors import DataError
from sizeup.types import DateLike

__all__ = ["INTERVAL_COLUMNS", "Membership", "membership_intervals"]

BoolArray = npt.NDArray[np.bool_]
Snapshots = (
    Mapping[str, Collection[str]]
    | Mapping[pd.Timestamp, Collection[str]]
    | Mapping[DateLike, Collection[str]]
)
"""``{as_of: symbols}`` keyed by dates or ISO strings."""

INTERVAL_COLUMNS: tuple[str, ...] = (
    "symbol",
    "start",
    "end",
    "first_snapshot",
    "last_snapshot",
    "n_snapshots",
    "backfilled",
)
"""Columns of :attr:`Membership.intervals`."""

_LIST_DATES = 6


def _date_list(dates: pd.DatetimeIndex) -> str:
    if len(dates) <= _LIST_DATES:
        return ", ".join(str(d.date()) for d in dates)
    return f"{dates[0].date()} .. {dates[-1].date()}"


@dataclass(frozen=True)
class Membership:
    """Membership intervals of one universe and the policy that built them.

    Attributes
    ----------
    intervals
        One row per run of snapshots containing a symbol (:data:`INTERVAL_COLUMNS`), sorted
        by symbol and start.
    snapshot_dates
        Dates of the snapshots, ascending.
    universe
        Name of the universe (e.g. ``"IWM"``), used in notes.
    """

    intervals: pd.DataFrame
    snapshot_dates: pd.DatetimeIndex
    universe: str = ""
    _sets: tuple[frozenset[str], ...] = field(default=(), repr=False)

    @property
    def empty(self) -> bool:
        """Whether there is no snapshot at all."""
        return len(self.snapshot_dates) == 0

    @property
    def symbols(self) -> tuple[str, ...]:
        """Every symbol that is a member in any snapshot, sorted."""
        return tuple(sorted(set(self.intervals["symbol"].astype(str))))

    @property
    def first(self) -> pd.Timestamp | None:
        """Date of the first snapshot (``None`` without snapshots)."""
        return None if self.empty else pd.Timestamp(self.snapshot_dates[0])

    def snapshot_for(self, date: DateLike) -> tuple[pd.Timestamp, bool]:
        """Return the snapshot that rules on ``date`` and whether it is the fallback.

        The latest snapshot on or before ``date``; before the first snapshot, the first one
        (``True``: the survivorship fallback).

        Raises
        ------
        DataError
            There is no snapshot.
        """
        if self.empty:
            raise DataError(
                f"no holdings snapshots of {self.universe or 'the universe'}",
                input="holdings",
                value=self.universe,
                valid="at least one holdings snapshot",
            )
        when = pd.Timestamp(date)
        k = int(self.snapshot_dates.searchsorted(when, side="right")) - 1
        if k < 0:
            return pd.Timestamp(self.snapshot_dates[0]), True
        return pd.Timestamp(self.snapshot_dates[k]), False

    def members_on(self, date: DateLike) -> tuple[tuple[str, ...], str]:
        """Return the members on ``date`` (read from the intervals) and a label saying why.

        Raises
        ------
        DataError
            There is no snapshot.
        """
        snap, fallback = self.snapshot_for(date)
        when = pd.Timestamp(date)
        iv = self.intervals
        ends = iv["end"]
        live = (iv["start"] <= when) & (ends.isna() | (ends > when))
        if fallback:
            live = iv["backfilled"].astype(bool)
        names = tuple(sorted(set(iv.loc[live, "symbol"].astype(str))))
        label = (
            f"{self.universe + ' ' if self.universe else ''}members of the {snap.date()} "
            f"snapshot ({len(names)} names)"
        )
        if fallback:
            label += (
                f"; {when.date()} is before the first snapshot, so the first one is used "
                "(survivorship-biased: names that left before it are missing)"
            )
        return names, label

    def note(self, dates: pd.DatetimeIndex | None = None) -> str:
        """Return the coverage and survivorship note for the given days (or in general)."""
        if self.empty:
            return (
                "no holdings snapshots: every symbol of the panel counts as a member on every day "
                "(today's members only; survivorship-biased)"
            )
        text = (
            f"point-in-time membership from {len(self.snapshot_dates)} holdings snapshot(s) "
            f"({_date_list(self.snapshot_dates)}); between two snapshots the earlier one rules"
        )
        first = self.snapshot_dates[0]
        if dates is None:
            return (
                text + f"; days before {first.date()} use the first snapshot (survivorship "
                "fallback: names that left before it are missing)"
            )
        before = int((dates < first).sum())
        if before:
            text += (
                f"; the {before} days before {first.date()} use the first snapshot, so they count "
                "only names that survived into it (survivorship-biased: delisted and removed "
                "members are missing)"
            )
        return text

    def mask(
        self, dates: pd.DatetimeIndex, symbols: pd.Index | Collection[str]
    ) -> tuple[BoolArray, str]:
        """Return the ``(len(dates), len(symbols))`` membership mask and its note.

        Without snapshots every symbol is a member on every day (and the note says so).
        """
        idx = pd.DatetimeIndex(dates)
        cols = pd.Index(list(symbols))
        if self.empty:
            return np.ones((len(idx), len(cols)), dtype=bool), self.note(idx)
        out = np.zeros((len(idx), len(cols)), dtype=bool)
        if not idx.is_monotonic_increasing:
            raise DataError(
                "membership dates must be ascending",
                input="dates",
                value=f"{idx[:3].tolist()}...",
                valid="an ascending DatetimeIndex",
            )
        iv = self.intervals
        position = {str(c): j for j, c in enumerate(cols)}
        day = idx.to_numpy(dtype="datetime64[ns]")
        starts = iv["start"].to_numpy(dtype="datetime64[ns]")
        ends = iv["end"].to_numpy(dtype="datetime64[ns]")
        open_end = np.isnat(ends)
        lows = np.where(iv["backfilled"].to_numpy(dtype=bool), 0, np.searchsorted(day, starts))
        highs = np.where(open_end, len(day), np.searchsorted(day, np.where(open_end, starts, ends)))
        for sym, lo, hi in zip(iv["symbol"].astype(str), lows, highs, strict=True):
            j = position.get(sym)
            if j is not None:
                out[int(lo) : int(hi), j] = True
        return out, self.note(idx)

    def as_snapshots(self) -> dict[pd.Timestamp, tuple[str, ...]]:
        """Return the snapshots the table was built from (``{as_of: sorted symbols}``)."""
        return {
            pd.Timestamp(d): tuple(sorted(s))
            for d, s in zip(self.snapshot_dates, self._sets, strict=True)
        }


def membership_intervals(snapshots: Snapshots | None, *, universe: str = "") -> Membership:
    """Build membership intervals from holdings snapshots.

    Parameters
    ----------
    snapshots
        ``{as_of: symbols}``; ``None`` or empty gives an empty :class:`Membership` (whose mask
        counts every symbol, labelled as survivorship-biased).
    universe
        Name used in notes and labels.

    Returns
    -------
    Membership
        The interval table, the snapshot dates and the policy.

    Raises
    ------
    DataError
        Two keys are the same date, or a snapshot holds no symbol (an empty file is not
        evidence that the index was empty).
    """
    if not snapshots:
        frame = pd.DataFrame({c: pd.Series(dtype=object) for c in INTERVAL_COLUMNS})
        return Membership(_typed(frame), pd.DatetimeIndex([]), universe)
    pairs: list[tuple[pd.Timestamp, frozenset[str]]] = []
    for key, values in snapshots.items():
        when = pd.Timestamp(key).normalize()
        names = frozenset(str(v) for v in values if v is not None and str(v))
        if not names:
            raise DataError(
                f"holdings snapshot {when.date()} of {universe or 'the universe'} has no members",
                input="holdings snapshot",
                value=str(when.date()),
                valid="a snapshot with at least one member",
            )
        pairs.append((when, names))
    pairs.sort(key=lambda p: p[0])
    dates = pd.DatetimeIndex([p[0] for p in pairs])
    if dates.has_duplicates:
        dup = dates[dates.duplicated()][0]
        raise DataError(
            f"two holdings snapshots of {universe or 'the universe'} are dated {dup.date()}",
            input="holdings snapshot",
            value=str(dup.date()),
            valid="one snapshot per date",
        )
    sets = [p[1] for p in pairs]
    # the same Timestamps as ``dates[i]``, indexed as a list (a DatetimeIndex element costs ~µs)
    day = [p[0] for p in pairs]
    rows: list[tuple[str, pd.Timestamp, pd.Timestamp | None, pd.Timestamp, int, bool]] = []
    for symbol in sorted(set().union(*sets)):
        run_start: int | None = None
        for i, members in enumerate(sets):
            if symbol in members:
                if run_start is None:
                    run_start = i
                continue
            if run_start is not None:
                rows.append(
                    (symbol, day[run_start], day[i], day[i - 1], i - run_start, run_start == 0)
                )
                run_start = None
        if run_start is not None:
            n = len(sets)
            rows.append((symbol, day[run_start], None, day[n - 1], n - run_start, run_start == 0))
    frame = pd.DataFrame(
        {
            "symbol": [r[0] for r in rows],
            "start": [r[1] for r in rows],
            "end": [r[2] if r[2] is not None else pd.NaT for r in rows],
            "first_snapshot": [r[1] for r in rows],
            "last_snapshot": [r[3] for r in rows],
            "n_snapshots": [r[4] for r in rows],
            "backfilled": [r[5] for r in rows],
        }
    )
    return Membership(_typed(frame), dates, universe, tuple(sets))


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    out = pd.DataFrame(
        {
            "symbol": frame["symbol"].astype(object),
            "start": pd.to_datetime(frame["start"]),
            "end": pd.to_datetime(frame["end"]),
            "first_snapshot": pd.to_datetime(frame["first_snapshot"]),
            "last_snapshot": pd.to_datetime(frame["last_snapshot"]),
            "n_snapshots": frame["n_snapshots"].astype("int64"),
            "backfilled": frame["backfilled"].astype(bool),
        }
    )
    return out.sort_values(["symbol", "start"], kind="mergesort").reset_index(drop=True)
