"""Fundamentals.

SEC/SimFin normalisation, point-in-time metrics, data-quality flags, declarative screens,
universe reports and relative valuation.
"""

from __future__ import annotations

from sizeup.fundamentals._metrics import (
    compute_metrics,
)
from sizeup.fundamentals._normalize import (
    ITEM_COLUMNS,
    ITEMS,
    known_as_of,
    normalize,
)
from sizeup.fundamentals._quality import (
    MAX_INCOME_TO_REVENUE,
    MAX_SHARES_JUMP,
    QualityReport,
    quality_report,
)
from sizeup.fundamentals._screens import (
    ScreenData,
    ScreenResult,
    builtin_screens,
    compile_screen,
    load_screen,
    parse_screen,
    run_screen,
)
from sizeup.fundamentals._universe import (
    universe_report,
    unprofitable_by_fiscal_year,
)
from sizeup.fundamentals._valuation import (
    MEASURES,
    aggregate_valuation,
    company_valuations,
    parse_estimates,
    relative_valuation,
    valuation_history,
)

__all__ = [
    "ITEMS",
    "ITEM_COLUMNS",
    "MAX_INCOME_TO_REVENUE",
    "MAX_SHARES_JUMP",
    "MEASURES",
    "QualityReport",
    "ScreenData",
    "ScreenResult",
    "aggregate_valuation",
    "builtin_screens",
    "company_valuations",
    "compile_screen",
    "compute_metrics",
    "known_as_of",
    "load_screen",
    "normalize",
    "parse_estimates",
    "parse_screen",
    "quality_report",
    "relative_valuation",
    "run_screen",
    "universe_report",
    "unprofitable_by_fiscal_year",
    "valuation_history",
]
