"""Written market claims: the claim model, its TOML loader and the checker."""

from __future__ import annotations

from sizeup.claims._check import (
    METRICS,
    Claim,
    ClaimResult,
    ClaimSpecError,
    evaluate_claim,
    evaluate_claims,
    parse_claims,
    parse_claims_text,
    results_table,
)

__all__ = [
    "METRICS",
    "Claim",
    "ClaimResult",
    "ClaimSpecError",
    "evaluate_claim",
    "evaluate_claims",
    "parse_claims",
    "parse_claims_text",
    "results_table",
]
