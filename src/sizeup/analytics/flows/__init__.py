"""ETF flows from shares outstanding: interval flows, split handling, weekly/monthly sums.

See :mod:`sizeup.analytics.flows._flows` for the definitions (docs/methods.md §E).
"""

from __future__ import annotations

from sizeup.analytics.flows._flows import (
    NAV_SUFFIX,
    SHARES_SUFFIX,
    SPLIT_RATIOS,
    FlowFrequency,
    aggregate_flows,
    interval_flows,
    window_flow,
)

__all__ = [
    "NAV_SUFFIX",
    "SHARES_SUFFIX",
    "SPLIT_RATIOS",
    "FlowFrequency",
    "aggregate_flows",
    "interval_flows",
    "window_flow",
]
