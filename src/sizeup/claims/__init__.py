"""Written market claims: the claim model, its TOML loader and the checker.

Build claims with :func:`parse_claims_text` (a TOML file of ``[[claim]]`` tables) or
:func:`make_claim` (one mapping of fields), evaluate them with :func:`evaluate_claims` against a
:class:`ClaimData` and read the verdicts from :class:`ClaimResult`. :data:`METRICS` lists every
metric and its fields; :func:`implied_tolerance` is the one tolerance policy (the stated
number's own rounding).
"""

from __future__ import annotations

from sizeup.claims._check import EVALUATORS, compare, evaluate_claim, evaluate_claims, results_table
from sizeup.claims._load import COMMON_FIELDS, METRICS, make_claim, parse_claims, parse_claims_text
from sizeup.claims._model import Claim, ClaimData, ClaimResult, Compare, Verdict
from sizeup.claims._tolerance import WrittenNumber, implied_tolerance
from sizeup.errors import ClaimSpecError

__all__ = [
    "COMMON_FIELDS",
    "EVALUATORS",
    "METRICS",
    "Claim",
    "ClaimData",
    "ClaimResult",
    "ClaimSpecError",
    "Compare",
    "Verdict",
    "WrittenNumber",
    "compare",
    "evaluate_claim",
    "evaluate_claims",
    "implied_tolerance",
    "make_claim",
    "parse_claims",
    "parse_claims_text",
    "results_table",
]
