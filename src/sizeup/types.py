"""Literal option types and aliases shared across modules."""

from __future__ import annotations

from typing import Literal, TypeAlias

import pandas as pd

__all__ = [
    "DateLike",
    "PriceField",
    "TableName",
]

DateLike: TypeAlias = str | pd.Timestamp
"""Anything :func:`pandas.Timestamp` accepts as a calendar date."""

PriceField = Literal["open", "high", "low", "close", "adj_close", "volume"]
"""A column of the ``bars`` table."""

TableName = Literal["bars", "series", "actions", "holdings", "fundamentals", "symbols", "payloads"]
"""A table of the store."""
