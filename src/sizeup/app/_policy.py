"""The data policy, decided here once for every use case.

* **as-of** – a requested date is snapped to the last XNYS session on or before it; a date after
  the latest data of the command's required inputs is refused, naming that latest date; with no
  request the as-of is the latest session that *every* required input covers
  (:func:`resolve_asof`).
* **freshness** – every input is described by an :class:`~sizeup.app.InputCoverage` (source,
  first date, data through, basis, sessions behind the as-of); an input that ends before the
  as-of produces a warning naming it and the number of sessions (:func:`coverage_of`).
* **price basis** – point-and-figure charts, records and breakouts use prices as traded
  (split-adjusted, not dividend-adjusted), as chart services draw them; total-return comparisons
  use adjusted closes; rates and other series keep their own units (:class:`PriceBasis`).
* **incomplete periods** – a week or month still in progress at the as-of date is labelled
  "week to date, N sessions", never reported as finished (:func:`period_in_progress`).
* **splicing** – one symbol held by several sources is read with the store's single rule (one
  source per symbol; sources that agree exactly on their overlap are spliced); the sources used
  are named in the coverage.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from typing import Literal

import numpy as np
import pandas as pd

from sizeup.app._result import InputCoverage
from sizeup.calendar import asof_session, sessions
from sizeup.errors import DataError

__all__ = [
    "PriceBasis",
    "coverage_of",
    "period_in_progress",
    "resolve_asof",
    "sessions_between",
]


class PriceBasis(enum.StrEnum):
    """Which prices a computation uses; printed with every figure.

    ``AS_TRADED`` reads the store field ``close`` (split-adjusted, not dividend-adjusted),
    ``TOTAL_RETURN`` reads ``adj_close`` (dividends reinvested), ``UNITS`` reads a series in its
    own units (a yield in percent, an index level).
    """

    AS_TRADED = "as traded"
    TOTAL_RETURN = "total return"
    UNITS = "own units"

    @property
    def field(self) -> Literal["close", "adj_close", "value"]:
        """Store field read for this basis."""
        if self is PriceBasis.AS_TRADED:
            return "close"
        if self is PriceBasis.TOTAL_RETURN:
            return "adj_close"
        return "value"

    @property
    def label(self) -> str:
        """Long description printed beside figures."""
        return {
            PriceBasis.AS_TRADED: "prices as traded (split-adjusted, not dividend-adjusted)",
            PriceBasis.TOTAL_RETURN: "total return (adjusted closes, dividends reinvested)",
            PriceBasis.UNITS: "the series' own units",
        }[self]


def sessions_between(last: pd.Timestamp | None, as_of: pd.Timestamp) -> int:
    """Count XNYS sessions after ``last`` up to and including ``as_of`` (0 when current).

    Examples
    --------
    >>> sessions_between(pd.Timestamp("2024-06-27"), pd.Timestamp("2024-07-01"))
    2
    """
    if last is None or pd.isna(last) or last >= as_of:
        return 0
    return len(sessions(last + pd.Timedelta(days=1), as_of))


def resolve_asof(
    requested: pd.Timestamp | None,
    ends: Mapping[str, pd.Timestamp | None],
    *,
    option: str = "--asof",
) -> pd.Timestamp:
    """Decide the as-of session of a command from its required inputs' last dates.

    Parameters
    ----------
    requested
        The date the user asked for, or ``None`` for the default.
    ends
        Required input name -> last date of its data (``None`` when the input is absent).
    option
        Name of the option, for messages.

    Returns
    -------
    pandas.Timestamp
        With a request: the last XNYS session on or before it. Without: the latest session every
        present required input covers (the minimum of their last dates).

    Raises
    ------
    DataError
        No required input has data, or the request is after the latest data (the error's
        ``valid`` attribute names the latest date that works).

    Examples
    --------
    >>> ends = {"IWM": pd.Timestamp("2026-08-03"), "SPY": pd.Timestamp("2026-07-31")}
    >>> resolve_asof(None, ends)
    Timestamp('2026-07-31 00:00:00')
    >>> resolve_asof(pd.Timestamp("2026-08-01"), ends)  # a Saturday
    Timestamp('2026-07-31 00:00:00')
    """
    present = {k: pd.Timestamp(v) for k, v in ends.items() if v is not None and not pd.isna(v)}
    if not present:
        names = ", ".join(ends) or "(none)"
        raise DataError(
            f"no data for the required inputs {names}: import or fetch them first",
            input="store",
            value=names,
            valid="a store holding these symbols (sizeup import ... or sizeup fetch ...)",
        )
    latest = max(present.values())
    if requested is None:
        return asof_session(min(present.values()))
    req = pd.Timestamp(requested).normalize()
    if req > latest and asof_session(req) > latest:  # a weekend after the last session is fine
        last_name = max(present, key=lambda k: present[k])
        raise DataError(
            f"{option} {req.date()} is after the latest data ({latest.date()}, {last_name}); "
            f"give a date on or before {latest.date()}",
            input=option,
            value=str(req.date()),
            valid=f"on or before {latest.date()}",
        )
    return asof_session(min(req, asof_session(req)))


def coverage_of(
    name: str,
    dates: pd.Index | pd.Series | np.ndarray | None,
    *,
    as_of: pd.Timestamp,
    basis: PriceBasis | str,
    source: str = "",
) -> tuple[InputCoverage, str | None]:
    """Describe one input's coverage and return a staleness warning when it ends early.

    Parameters
    ----------
    name
        Input name (symbol, series, table).
    dates
        Dates of the input's non-missing data already cut at ``as_of`` (any order).
    as_of
        The as-of session.
    basis
        Price basis or a unit text.
    source
        Store source(s) used.

    Returns
    -------
    (InputCoverage, str or None)
        The coverage and a warning text when the input ends before ``as_of``.
    """
    idx = pd.DatetimeIndex([] if dates is None else pd.to_datetime(np.asarray(dates)))
    idx = idx[idx <= as_of]
    first = None if idx.empty else idx.min()
    last = None if idx.empty else idx.max()
    label = basis.value if isinstance(basis, PriceBasis) else str(basis)
    behind = sessions_between(last, as_of) if last is not None else 0
    cov = InputCoverage(
        name=name, source=source, first=first, last=last, basis=label, sessions_behind=behind
    )
    warning = None
    if last is None:
        warning = f"{name}: no data on or before {as_of.date()}"
    elif behind > 0:
        warning = (
            f"{name} ends {last.date()}, {behind} session{'s' if behind != 1 else ''} "
            f"before the as-of date {as_of.date()}"
        )
    return cov, warning


def period_in_progress(as_of: pd.Timestamp, freq: Literal["W", "M", "Q", "Y"]) -> str | None:
    """Label the period containing ``as_of`` when it is not finished at that session.

    Returns ``None`` when ``as_of`` is the last XNYS session of its week/month/quarter/year,
    else e.g. ``"week to date, 1 session"``.

    Examples
    --------
    >>> period_in_progress(pd.Timestamp("2024-06-24"), "W")  # a Monday
    'week to date, 1 session'
    >>> period_in_progress(pd.Timestamp("2024-06-28"), "W") is None  # a Friday
    True
    """
    ts = pd.Timestamp(as_of).normalize()
    period = ts.to_period(freq if freq != "W" else "W-SUN")
    start, end = period.start_time.normalize(), period.end_time.normalize()
    inside = sessions(start, end)
    if len(inside) == 0 or ts >= inside[-1]:
        return None
    done = int((inside <= ts).sum())
    word = {"W": "week", "M": "month", "Q": "quarter", "Y": "year"}[freq]
    return f"{word} to date, {done} session{'s' if done != 1 else ''}"
