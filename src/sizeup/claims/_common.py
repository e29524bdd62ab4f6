"""Helpers shared by the metric evaluators: data access that turns gaps into NOT_CHECKABLE."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd

from sizeup.claims._model import Claim, ClaimData
from sizeup.errors import SizeupError

__all__ = ["MissingDataError", "cover", "end_of", "prices", "series", "upto"]


class MissingDataError(Exception):
    """Raised inside evaluation when data are absent; becomes NOT_CHECKABLE."""

    def __init__(self, *what: str) -> None:
        super().__init__(", ".join(what))
        self.what = what


def prices(data: ClaimData, symbols: Sequence[str], fld: str) -> pd.DataFrame:
    """Return closes of ``symbols`` (float, sorted); absent ones raise :class:`MissingDataError`."""
    try:
        frame = data.prices(list(symbols), field=fld)
    except SizeupError as exc:
        raise MissingDataError(*(f"prices {s} ({fld})" for s in symbols)) from exc
    missing = [s for s in symbols if s not in frame.columns or frame[s].dropna().empty]
    if missing:
        raise MissingDataError(*(f"prices {s} ({fld})" for s in missing))
    return frame[list(symbols)].astype("float64").sort_index()


def series(claim: Claim, data: ClaimData, ids: Sequence[str]) -> pd.DataFrame:
    """Series by id in the claim's vintage; missing ids raise :class:`MissingDataError`."""
    try:
        frame = data.series(list(ids), vintage=claim.vintage)
    except SizeupError as exc:
        raise MissingDataError(*(f"series {i}" for i in ids)) from exc
    missing = [i for i in ids if i not in frame.columns or frame[i].dropna().empty]
    if missing:
        what = f" (vintage {claim.vintage})" if claim.vintage else ""
        raise MissingDataError(*(f"series {i}{what}" for i in missing))
    return frame[list(ids)].astype("float64").sort_index()


def cover(frame: pd.DataFrame | pd.Series, date: pd.Timestamp, what: str) -> None:
    """Require data within 4 days before ``date`` (else the data end too early) and before it."""
    idx = frame.dropna(how="all").index if isinstance(frame, pd.DataFrame) else frame.dropna().index
    if len(idx) == 0 or idx[-1] < date - pd.Timedelta(days=4) or idx[0] > date:
        span = f"{idx[0]:%Y-%m-%d}..{idx[-1]:%Y-%m-%d}" if len(idx) else "none"
        raise MissingDataError(f"{what} around {date:%Y-%m-%d} (have {span})")


def end_of(claim: Claim, frame: pd.DataFrame | pd.Series) -> pd.Timestamp:
    """Return the window's end: ``end``, else ``asof``, else the last date of the data."""
    p = claim.params
    if p.get("end") is not None:
        return pd.Timestamp(p["end"])
    if claim.asof is not None:
        return claim.asof
    return pd.Timestamp(frame.dropna(how="all").index[-1])


def upto(frame: pd.DataFrame, claim: Claim) -> pd.DataFrame:
    """Rows on or before the claim's as-of date (all rows when it has none)."""
    return frame if claim.asof is None else frame.loc[: claim.asof]
