"""The claim model: a validated claim, its verdict, and what evaluation needs from outside.

:class:`Claim` and :class:`ClaimResult` are frozen dataclasses with no behaviour beyond
formatting, so other front ends (the TOML loader, an article extractor) build them the same
way: :func:`sizeup.claims.make_claim` validates a mapping of fields into a :class:`Claim`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol

import pandas as pd

if TYPE_CHECKING:
    from sizeup.fundamentals import ScreenData

__all__ = ["Claim", "ClaimData", "ClaimResult", "Compare", "Verdict"]

Verdict = Literal["SUPPORTED", "CONTRADICTED", "NOT_CHECKABLE"]
Compare = Literal["approx", "at_least", "at_most"]

_BASIS = {
    "close": "price (split-adjusted closes, dividends not reinvested)",
    "adj_close": "total return (dividend-adjusted closes)",
}


class ClaimData(Protocol):
    """What the evaluator needs from the outside world (the app layer backs it with the store)."""

    def prices(self, symbols: Sequence[str], *, field: str) -> pd.DataFrame:
        """Wide frame DatetimeIndex x symbol of ``field`` (``"close"`` or ``"adj_close"``)."""
        ...

    def series(self, ids: Sequence[str], *, vintage: str | None = None) -> pd.DataFrame:
        """Wide frame DatetimeIndex x series id (rates as published, factors decimal).

        ``vintage`` asks for one data vintage (e.g. the French CRSP vintage ``"202412"``);
        ``None`` means the newest available.
        """
        ...

    def snapshots(self, universe: str) -> Mapping[pd.Timestamp, Sequence[str]]:
        """Every holdings snapshot of ``universe`` (``{as_of: member symbols}``); empty if none."""
        ...

    def fundamentals(self) -> ScreenData | None:
        """Normalised fundamentals, closes and holdings (None when the data have none)."""
        ...


@dataclass(frozen=True)
class Claim:
    """One validated claim.

    Attributes
    ----------
    index
        0-based position in its file (or article).
    text
        The claim as written.
    metric
        Metric name (a key of :data:`sizeup.claims.METRICS`).
    params
        Metric parameters with defaults filled in (dates as :class:`pandas.Timestamp`).
    stated
        Stated figure (true/false claims as 1.0 / 0.0).
    tolerance
        Allowed distance between measured and stated (see :mod:`sizeup.claims._tolerance`).
    compare
        ``approx`` (``|measured - stated| <= tolerance``), ``at_least`` or ``at_most``.
    asof
        As-of date (None = end of the data, only where the metric allows it).
    source
        Where the stated figure comes from.
    vintage
        Data vintage the stated figure was computed on (series only; None = newest).
    tolerance_rule
        How ``tolerance`` was set: ``"stated in the claim"``, ``"rounding of 0.036"``,
        ``"exact"``.
    stated_text
        The stated figure as written (``"0.036"``, ``"true"``).
    """

    index: int
    text: str
    metric: str
    params: Mapping[str, Any]
    stated: float
    tolerance: float = 0.0
    compare: Compare = "approx"
    asof: pd.Timestamp | None = None
    source: str | None = None
    vintage: str | None = None
    tolerance_rule: str = "stated in the claim"
    stated_text: str = ""

    @property
    def label(self) -> str:
        """``claim #i ("text")`` for messages."""
        return f'claim #{self.index} ("{self.text}")'

    @property
    def basis(self) -> str:
        """The data basis: price or total return for prices, the series, or fundamentals."""
        p = self.params
        if self.metric == "screen_share":
            return "fundamentals (point in time, by filing date)"
        if self.metric == "relative_valuation":
            return "fundamentals and closes (point in time, by filing date), small / large"
        if self.metric == "fund_flow":
            return "fund flows: change in shares outstanding x NAV of the later day (USD)"
        if self.metric == "session":
            return "price (session highs and lows, closes)"
        if p.get("series"):
            vintage = f", vintage {self.vintage}" if self.vintage else ""
            return f"series {p['series']} as published{vintage}"
        fld = p.get("field")
        if isinstance(fld, str) and fld in _BASIS:
            return _BASIS[fld]
        return "series as published"


@dataclass(frozen=True)
class ClaimResult:
    """Verdict on one claim.

    Attributes
    ----------
    claim
        The claim.
    verdict
        ``SUPPORTED``, ``CONTRADICTED`` or ``NOT_CHECKABLE``.
    measured
        The measured figure (NaN when not checkable).
    detail
        How it was measured (dates, n, data used, survivorship label).
    missing
        For NOT_CHECKABLE: the data that are missing.
    """

    claim: Claim
    verdict: Verdict
    measured: float
    detail: str = ""
    missing: tuple[str, ...] = field(default_factory=tuple)

    @property
    def tolerance_text(self) -> str:
        """E.g. ``"±0.0005 (rounding of 0.036)"`` or ``">= stated"`` for bounds."""
        c = self.claim
        sign = {"approx": "±", "at_least": ">= stated -", "at_most": "<= stated +"}[c.compare]
        return f"{sign}{c.tolerance:.6g} ({c.tolerance_rule})"

    def summary(self) -> str:
        """One line: verdict, claim, stated, measured, tolerance, basis and detail."""
        m = "n/a" if not math.isfinite(self.measured) else f"{self.measured:.6g}"
        extra = f" | missing: {', '.join(self.missing)}" if self.missing else ""
        detail = f" | {self.detail}" if self.detail else ""
        stated = self.claim.stated_text or f"{self.claim.stated:.6g}"
        return (
            f"[{self.verdict}] {self.claim.text} | stated {stated}, measured {m}, tolerance "
            f"{self.tolerance_text} | basis: {self.claim.basis}{detail}{extra}"
        )

    def as_dict(self) -> dict[str, Any]:
        """JSON-friendly dict."""
        c = self.claim
        return {
            "index": c.index,
            "text": c.text,
            "metric": c.metric,
            "stated": c.stated,
            "stated_text": c.stated_text,
            "tolerance": c.tolerance,
            "tolerance_rule": c.tolerance_rule,
            "compare": c.compare,
            "measured": self.measured if math.isfinite(self.measured) else None,
            "verdict": self.verdict,
            "basis": c.basis,
            "detail": self.detail,
            "missing": list(self.missing),
            "source": c.source,
        }
