"""FRED fredgraph CSV (SOURCES.md §3a) and ``Date,Value`` copies of FRED series.

Layouts:

* legacy (until late 2024): ``DATE,<ID>``, missing values ``.``;
* current: ``observation_date,<ID>``, missing values empty;
* copies ``Date,Value`` (the series id is not in the file; the caller passes it, e.g. from the
  file name ``DGS10.csv``).

Values are kept as published (rates in percent). Missing observations (holidays) are dropped.
Series ids are ``FRED:<ID>``.
"""

from __future__ import annotations

import re
from typing import Final

import numpy as np
import pandas as pd

from sizeup.data.formats.prices import guard, split_lines
from sizeup.data.schema import SERIES, validate
from sizeup.errors import ImportFormatError

__all__ = ["fred_series_id", "parse_fred_csv"]

_ID_RE: Final = re.compile(r"^[A-Z0-9_]{1,40}$")
_MISSING: Final = frozenset({"", "."})


def fred_series_id(raw: str) -> str:
    """Return ``FRED:<ID>`` for a FRED id (an existing ``FRED:`` prefix is kept).

    Raises
    ------
    ImportFormatError
        The id is not upper-case letters, digits and underscores.
    """
    text = raw.strip()
    if text.upper().startswith("FRED:"):
        text = text[5:]
    text = text.upper()
    if not _ID_RE.match(text):
        raise ImportFormatError(
            f"{raw!r} is not a FRED series id (expected upper-case letters, digits, '_')"
        )
    return f"FRED:{text}"


@guard("FRED CSV")
def parse_fred_csv(
    data: bytes, *, name: str, series_id: str | None = None, source: str = "fred"
) -> pd.DataFrame:
    """Parse a fredgraph CSV or a ``Date,Value`` copy into ``series`` rows.

    Parameters
    ----------
    data
        Body as received or read.
    name
        Path or URL, used in messages.
    series_id
        FRED id (``DGS10`` or ``FRED:DGS10``). Required for ``Date,Value`` copies; for
        fredgraph files it overrides the id in the header.
    source
        Value of the ``source`` column.

    Returns
    -------
    pandas.DataFrame
        ``series`` rows (``vintage`` empty), values as published; missing rows dropped.

    Raises
    ------
    ImportFormatError
        Unknown header, a bad date or number (with its line), a repeated date, or no series id.
    """
    lines = split_lines(data)
    if not lines:
        raise ImportFormatError("empty file; expected a header DATE,<ID>", path=name)
    header = [c.strip().strip('"') for c in lines[0].split(",")]
    if len(header) != 2:
        raise ImportFormatError(
            f"header {lines[0][:80]!r}: expected two columns (DATE,<ID> / observation_date,<ID>"
            " / Date,Value)",
            path=name,
            line=1,
        )
    first, second = header
    if first.lower() not in ("date", "observation_date"):
        raise ImportFormatError(
            f"header {lines[0][:80]!r}: expected the first column DATE or observation_date",
            path=name,
            line=1,
        )
    if second.lower() == "value":
        if series_id is None:
            raise ImportFormatError(
                "Date,Value file names no series; pass the FRED id (e.g. the file name DGS10)",
                path=name,
                line=1,
            )
        sid = fred_series_id(series_id)
    else:
        sid = fred_series_id(series_id if series_id is not None else second)
    dates: list[str] = []
    values: list[str] = []
    linenos: list[int] = []
    for i, line in enumerate(lines[1:], start=2):
        if not line.strip():
            continue
        cells = line.split(",")
        if len(cells) != 2:
            raise ImportFormatError(
                f"expected 2 fields (date,value), found {len(cells)}: {line[:60]!r}",
                path=name,
                line=i,
            )
        dates.append(cells[0].strip().strip('"'))
        values.append(cells[1].strip().strip('"'))
        linenos.append(i)
    date_s = pd.to_datetime(pd.Series(dates, dtype=object), format="%Y-%m-%d", errors="coerce")
    if date_s.isna().any():
        bad = int(np.flatnonzero(date_s.isna().to_numpy())[0])
        raise ImportFormatError(
            f"{dates[bad]!r} is not a date YYYY-MM-DD", path=name, line=linenos[bad]
        )
    raw = pd.Series(values, dtype=object)
    missing = raw.isin(_MISSING).to_numpy()
    nums = pd.to_numeric(raw.where(~missing, None), errors="coerce").to_numpy(dtype="float64")
    bad_mask = ~np.isfinite(nums) & ~missing
    if bad_mask.any():
        bad = int(np.flatnonzero(bad_mask)[0])
        raise ImportFormatError(
            f"{values[bad]!r} is not a number (missing values are '.' or empty)",
            path=name,
            line=linenos[bad],
        )
    dup = date_s.duplicated().to_numpy()
    if dup.any():
        bad = int(np.flatnonzero(dup)[0])
        raise ImportFormatError(
            f"date {dates[bad]} appears twice; expected one row per date",
            path=name,
            line=linenos[bad],
        )
    keep = ~missing
    frame = pd.DataFrame(
        {
            "series_id": sid,
            "date": date_s.to_numpy()[keep],
            "value": nums[keep],
            "source": source,
            "vintage": "",
        }
    )
    return validate(frame, SERIES)
