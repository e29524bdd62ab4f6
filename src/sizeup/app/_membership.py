"""The one place a use case gets a fund's point-in-time membership from the store.

:func:`load_membership` reads the fund's holdings snapshots (equity rows) dated on or before the
as-of date and builds :class:`~sizeup.analytics.breadth.Membership` intervals from them. Every
use case that needs "the members of IWM" (monitor breadth, bullish percent and RS breadth,
claims, screens and universe reports, backtest universes) calls it and carries
:attr:`UniverseMembership.note` into its provenance.

Policy (docs/methods.md §B6):

* a snapshot dated after the as-of date is never read, except when the store has no snapshot on
  or before it: then the earliest snapshot is used for every day, and the note says it is dated
  after the as-of date (survivorship-biased);
* between two snapshots the earlier one rules; before the first snapshot the first one is used
  (the labelled survivorship fallback).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt
import pandas as pd

from sizeup.analytics.breadth import Membership, membership_intervals
from sizeup.app._result import InputCoverage
from sizeup.types import DateLike

if TYPE_CHECKING:
    from sizeup.data.store import Store

__all__ = ["UniverseMembership", "equity_snapshots", "load_membership"]

_EQUITY = ("equity", "", "none", "nan")


def equity_snapshots(holdings: pd.DataFrame) -> dict[pd.Timestamp, tuple[str, ...]]:
    """Group ``holdings`` rows of one fund into ``{as_of: sorted equity symbols}``.

    Rows whose ``asset_class`` is missing or ``Equity`` are members; cash, money market,
    futures and collateral rows are not.
    """
    if holdings.empty:
        return {}
    frame = holdings
    if "asset_class" in frame.columns:
        ac = frame["asset_class"]
        keep = ac.isna() | ac.astype(str).str.strip().str.lower().isin(_EQUITY)
        frame = frame[keep]
    out: dict[pd.Timestamp, tuple[str, ...]] = {}
    for key, group in frame.groupby("as_of", sort=True):
        names = tuple(sorted(set(group["symbol"].dropna().astype(str))))
        if names:
            out[pd.Timestamp(str(key)).normalize()] = names
    return out


@dataclass(frozen=True)
class UniverseMembership:
    """A fund's membership as of a date, with what was read and the note to show.

    Attributes
    ----------
    fund
        Fund ticker (``IWM``).
    as_of
        As-of date (``None``: every snapshot).
    membership
        Intervals built from the snapshots used.
    stored
        Dates of every snapshot of the fund in the store (also those not used).
    after_asof
        The only snapshots are dated after ``as_of`` and the earliest is used (fallback).
    sources
        Store sources of the holdings rows (``ishares``, ``file``...).
    """

    fund: str
    as_of: pd.Timestamp | None
    membership: Membership
    stored: pd.DatetimeIndex
    after_asof: bool = False
    sources: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """Whether the store holds no snapshot of the fund."""
        return self.membership.empty

    @property
    def symbols(self) -> tuple[str, ...]:
        """Every symbol that is a member in a snapshot used, sorted."""
        return self.membership.symbols

    @property
    def snapshots(self) -> dict[pd.Timestamp, tuple[str, ...]]:
        """The snapshots used (``{as_of: symbols}``)."""
        return self.membership.as_snapshots()

    @property
    def note(self) -> str:
        """Which snapshots were used, the between-snapshot rule and the survivorship fallback."""
        if self.empty:
            return f"no holdings snapshots of {self.fund} in the store"
        dates = self.membership.snapshot_dates
        shown = (
            ", ".join(str(d.date()) for d in dates)
            if len(dates) <= 6
            else f"{dates[0].date()} .. {dates[-1].date()}"
        )
        text = f"{self.fund} membership from {len(dates)} holdings snapshot(s) ({shown})"
        if self.after_asof and self.as_of is not None:
            return text + (
                f": no snapshot on or before {self.as_of.date()}, so the first one, dated "
                "after it, is used for every day (survivorship-biased: names that left the "
                "index before it are missing)"
            )
        text += (
            f"; between two snapshots the earlier one rules; days before {dates[0].date()} use "
            "that first snapshot (survivorship fallback: names that left before it are missing)"
        )
        later = int((self.stored > dates[-1]).sum())
        if later and self.as_of is not None:
            text += f"; {later} later snapshot(s) not read (after {self.as_of.date()})"
        return text

    def coverage(self) -> InputCoverage:
        """Return the holdings input line of a provenance (first and last snapshot used)."""
        dates = self.membership.snapshot_dates
        return InputCoverage(
            f"holdings {self.fund} ({len(dates)} snapshot{'' if len(dates) == 1 else 's'})",
            "+".join(self.sources),
            None if self.empty else pd.Timestamp(dates[0]),
            None if self.empty else pd.Timestamp(dates[-1]),
            "snapshots",
        )

    def mask(
        self, dates: pd.DatetimeIndex, symbols: pd.Index | Sequence[str]
    ) -> tuple[npt.NDArray[np.bool_], str]:
        """Return the ``(dates x symbols)`` membership mask and the note for those days."""
        mask, _ = self.membership.mask(dates, symbols)
        note = self.note
        first = self.membership.first
        if first is not None and not self.after_asof:
            before = int((pd.DatetimeIndex(dates) < first).sum())
            if before:
                note += f" ({before} of the {len(dates)} days are before it)"
        return mask, note

    def members_on(self, date: DateLike) -> tuple[tuple[str, ...], str]:
        """Return the members on ``date`` and a label naming the snapshot used."""
        return self.membership.members_on(date)


def load_membership(
    store: Store, fund: str, *, as_of: DateLike | None = None
) -> UniverseMembership:
    """Read a fund's holdings snapshots and build its point-in-time membership.

    Parameters
    ----------
    store
        The opened store.
    fund
        Fund ticker whose holdings define the universe.
    as_of
        No snapshot after this date is read (unless none is on or before it; see the module
        notes). ``None`` reads every snapshot.

    Returns
    -------
    UniverseMembership
        Empty when the store has no holdings of the fund (the caller decides what that means).
    """
    import pyarrow.dataset as pds  # loaded by the store already

    name = fund.upper()
    # a filter pushed to the files (no SQL engine: importing duckdb costs ~0.1 s per command)
    frame = store.read("holdings", filter=pds.field("fund") == name)
    snaps = equity_snapshots(frame)
    stored = pd.DatetimeIndex(sorted(snaps))
    when = None if as_of is None else pd.Timestamp(as_of).normalize()
    after = False
    if when is not None and snaps:
        used = {k: v for k, v in snaps.items() if k <= when}
        if not used:
            first = min(snaps)
            used = {first: snaps[first]}
            after = True
        snaps = used
    sources = (
        tuple(sorted(set(frame["source"].dropna().astype(str))))
        if "source" in frame.columns
        else ()
    )
    return UniverseMembership(
        name, when, membership_intervals(snaps, universe=name), stored, after, sources
    )
