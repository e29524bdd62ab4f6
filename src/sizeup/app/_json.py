"""The one JSON encoder of sizeup: every ``to_dict()`` and every ``--json`` goes through it."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import math
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["to_jsonable"]


def to_jsonable(value: Any) -> Any:
    """Convert a value to plain JSON types (dict, list, str, int, float, bool, None).

    Dates become ISO strings (``YYYY-MM-DD`` at midnight, else full ISO); NaN, NaT and
    infinities become ``None``; numpy scalars become Python numbers; frames become a list of
    records (the index included as a column when it is named or not a plain range); series a
    mapping from index to value; dataclasses and objects with ``to_dict()`` their mapping.

    Parameters
    ----------
    value
        Anything a result holds.

    Returns
    -------
    Any
        A value :func:`json.dumps` accepts without a custom encoder.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> to_jsonable({"d": pd.Timestamp("2024-06-28"), "x": np.float64("nan"), "n": np.int64(3)})
    {'d': '2024-06-28', 'x': None, 'n': 3}
    """
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, enum.Enum):
        return to_jsonable(value.value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        f = float(value)
        return f if math.isfinite(f) else None
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, pd.Timestamp | dt.datetime | dt.date | np.datetime64):
        return _date_text(value)
    if isinstance(value, pd.Timedelta | dt.timedelta):
        return pd.Timedelta(value).isoformat()
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, pd.DataFrame):
        return _frame_records(value)
    if isinstance(value, pd.Series):
        return {str(to_jsonable(k)): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, pd.Index):
        return [to_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return [to_jsonable(v) for v in value.tolist()]
    if isinstance(value, Mapping):
        return {str(to_jsonable(k)): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=str) if isinstance(value, set | frozenset) else value
        return [to_jsonable(v) for v in items]
    to_dict = getattr(value, "to_dict", None)
    if callable(to_dict) and not isinstance(value, type):
        return to_jsonable(to_dict())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: to_jsonable(getattr(value, f.name)) for f in dataclasses.fields(value) if f.repr
        }
    if value is pd.NaT or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)


def _date_text(value: Any) -> str | None:
    ts = pd.Timestamp(value)
    if pd.isna(ts):
        return None
    if ts == ts.normalize() and ts.tzinfo is None:
        return str(ts.date())
    return ts.isoformat()


def _frame_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    plain_index = isinstance(frame.index, pd.RangeIndex) and frame.index.name is None
    data = frame if plain_index else frame.reset_index()
    columns = [str(c) for c in data.columns]
    return [
        {c: to_jsonable(v) for c, v in zip(columns, row, strict=True)}
        for row in data.itertuples(index=False, name=None)
    ]
