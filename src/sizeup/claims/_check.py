"""Claims checker: measure each claim and compare it with the stated figure (pure; no I/O).

Evaluation needs a :class:`~sizeup.claims._model.ClaimData` object (prices by symbol, series by
id, holdings snapshots, fundamentals) and returns a :class:`~sizeup.claims._model.ClaimResult`
with the verdict SUPPORTED / CONTRADICTED / NOT_CHECKABLE, the measured figure, the tolerance
and the data basis, and for NOT_CHECKABLE the missing data.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import pandas as pd

from sizeup.claims import _kinds, _kinds_flows, _kinds_valuation, _metrics
from sizeup.claims._common import MissingDataError
from sizeup.claims._model import Claim, ClaimData, ClaimResult, Verdict
from sizeup.errors import DataError

__all__ = ["EVALUATORS", "compare", "evaluate_claim", "evaluate_claims", "results_table"]

EVALUATORS: dict[str, Callable[[Claim, ClaimData], tuple[float, str]]] = {
    "window_return": _metrics.window_return,
    "relative_return": _metrics.relative_return,
    "streak": _kinds.streak,
    "record": _metrics.record,
    "records": _kinds.records,
    "window_extreme": _kinds.window_extreme,
    "period_rank": _kinds.period_rank,
    "breadth_level": _kinds.breadth_level,
    "breadth_rank": _kinds.breadth_rank,
    "conditional_mean": _metrics.conditional_mean,
    "seasonal_mean": _metrics.seasonal_mean,
    "factor_premium": _metrics.factor_premium,
    "rate_change": _metrics.rate_change,
    "series_value": _metrics.series_value,
    "calendar_year_return": _metrics.calendar_year_return,
    "hit_rate": _metrics.hit_rate,
    "correlation": _metrics.correlation,
    "screen_share": _kinds.screen_share,
    "since_when": _kinds.since_when,
    "session": _kinds.session,
    "rsi": _kinds.rsi,
    "year_streak": _kinds.year_streak,
    "last_beat": _kinds.last_beat,
    "window_change": _metrics.window_change,
    "fund_flow": _kinds_flows.fund_flow,
    "relative_valuation": _kinds_valuation.relative_valuation_claim,
}
"""Metric name -> evaluator ``(claim, data) -> (measured, detail)``."""


def compare(claim: Claim, measured: float) -> bool:
    """Return True when ``measured`` supports the claim (its ``compare`` and ``tolerance``).

    A relative epsilon of 1e-12 absorbs binary floating-point noise at the boundary.
    """
    eps = 1e-12 * max(1.0, abs(claim.stated))
    if claim.compare == "at_least":
        return measured >= claim.stated - claim.tolerance - eps
    if claim.compare == "at_most":
        return measured <= claim.stated + claim.tolerance + eps
    return abs(measured - claim.stated) <= claim.tolerance + eps


def evaluate_claim(claim: Claim, data: ClaimData) -> ClaimResult:
    """Measure one claim and give the verdict.

    Missing data (a symbol or series absent, data ending before the date, no holdings, no
    fundamentals) give NOT_CHECKABLE naming what is missing; data errors raised by the
    computations themselves (e.g. too few observations) also give NOT_CHECKABLE with the message.
    """
    fn = EVALUATORS[claim.metric]
    try:
        measured, detail = fn(claim, data)
    except MissingDataError as miss:
        return ClaimResult(claim, "NOT_CHECKABLE", math.nan, "", tuple(miss.what))
    except DataError as exc:
        return ClaimResult(claim, "NOT_CHECKABLE", math.nan, str(exc), (str(exc),))
    if not math.isfinite(measured):
        return ClaimResult(claim, "NOT_CHECKABLE", math.nan, detail, ("a finite measurement",))
    verdict: Verdict = "SUPPORTED" if compare(claim, measured) else "CONTRADICTED"
    return ClaimResult(claim, verdict, measured, detail)


def evaluate_claims(claims: Sequence[Claim], data: ClaimData) -> list[ClaimResult]:
    """Evaluate every claim in order (:func:`evaluate_claim`)."""
    return [evaluate_claim(c, data) for c in claims]


def results_table(results: Sequence[ClaimResult]) -> pd.DataFrame:
    """One row per claim: text, metric, stated, measured, tolerance, basis, verdict, detail."""
    return pd.DataFrame([r.as_dict() for r in results]).set_index("index")
