"""Breadth of a universe.

Advancers, new highs and lows, moving-average breadth, the bullish percent and relative-strength
breadth, with point-in-time membership masks.
"""

from __future__ import annotations

from sizeup.analytics.breadth._bpi import (
    BullishPercent,
    RsBreadth,
    bpi_chart,
    bpi_states,
    bullish_percent,
    field_position,
    present_mask,
    rs_breadth,
)
from sizeup.analytics.breadth._breadth import (
    Breadth,
    breadth,
    membership_mask,
    rolling_extreme_last_n,
    rolling_mean_last_n,
    trailing_rank,
)
from sizeup.analytics.breadth._membership import Membership, membership_intervals

__all__ = [
    "Breadth",
    "BullishPercent",
    "Membership",
    "RsBreadth",
    "bpi_chart",
    "bpi_states",
    "breadth",
    "bullish_percent",
    "field_position",
    "membership_intervals",
    "membership_mask",
    "present_mask",
    "rolling_extreme_last_n",
    "rolling_mean_last_n",
    "rs_breadth",
    "trailing_rank",
]
