"""Kenneth French data library CSVs (SOURCES.md §4): factor files and size portfolios.

A file holds one or more tables. A table starts at a header line whose first cell is empty or
``Date``; the line right before it, when not blank, is its title (``Annual Factors: ...``,
``Equal Weight Returns -- Monthly``, ``Number of Firms in Portfolios``...). Rows run until a
blank line or a line that does not start with a date. Dates are ``YYYYMM`` (monthly, dated at
the month's last calendar day), ``YYYYMMDD`` or ``YYYY-MM-DD`` (daily) and ``YYYY`` (annual,
dated Dec 31). ``-99.99`` and ``-999`` mean missing and are dropped. Returns are converted
from percent to decimal fractions; firm counts and average firm size ($ millions) are not.

Series ids:

* factors ``FF:{MKT-RF|SMB|HML|RMW|CMA|RF|MOM}:{D|M|A}``; the five-factor files' SMB (built
  from three 2x3 sorts, not the three-factor SMB) is ``FF:SMB5:{D|M|A}``;
* size portfolios ``FF:ME_{VW|EW}_{D|M|A}:{LE0|LO30|MED40|HI30|QNT1..QNT5|DEC01..DEC10}``,
  firm counts ``FF:ME_NFIRMS_M:...`` and average firm size ``FF:ME_AVGSIZE_M:...``. An
  untitled portfolio table is value-weighted (French's first table; trimmed copies drop titles).

``vintage`` is the CRSP vintage from the line "created ... using the YYYYMM CRSP database"; when
the file has no such line the ``vintage`` argument is used (default empty string).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from sizeup.data.formats.prices import guard, split_lines
from sizeup.data.schema import SERIES, validate
from sizeup.errors import ImportFormatError

__all__ = ["french_vintage", "parse_french_csv"]

_VINTAGE_RE: Final = re.compile(r"created\b.*?\busing the (\d{6}) CRSP database", re.IGNORECASE)
_FACTORS: Final = {
    "mkt-rf": "MKT-RF",
    "smb": "SMB",
    "hml": "HML",
    "rmw": "RMW",
    "cma": "CMA",
    "rf": "RF",
    "mom": "MOM",
}
_MISSING: Final = (-99.99, -999.0)
_DATE_RE: Final = re.compile(r"^\s*(\d{4}|\d{6}|\d{8}|\d{4}-\d{2}-\d{2})\s*$")


@dataclass(frozen=True)
class _Table:
    title: str
    header: list[str]
    header_line: int
    rows: list[list[str]]
    first_line: int


def french_vintage(data: bytes) -> str:
    """Return the CRSP vintage ``YYYYMM`` stated in a French file's preamble, or ``""``."""
    for line in split_lines(data, limit=8192)[:30]:
        match = _VINTAGE_RE.search(line)
        if match:
            return match.group(1)
    return ""


def _portfolio_label(cell: str) -> str | None:
    text = re.sub(r"\s+", " ", cell.strip()).lower()
    fixed = {
        "<= 0": "LE0",
        "<=0": "LE0",
        "lo 30": "LO30",
        "med 40": "MED40",
        "hi 30": "HI30",
        "lo 20": "QNT1",
        "hi 20": "QNT5",
        "lo 10": "DEC01",
        "hi 10": "DEC10",
    }
    if text in fixed:
        return fixed[text]
    m = re.match(r"^qnt (\d)$", text)
    if m and 2 <= int(m.group(1)) <= 4:
        return f"QNT{m.group(1)}"
    m = re.match(r"^dec (\d)$", text) or re.match(r"^(\d)-dec$", text)
    if m and 2 <= int(m.group(1)) <= 9:
        return f"DEC{int(m.group(1)):02d}"
    return None


def _tables(lines: list[str], name: str) -> list[_Table]:
    tables: list[_Table] = []
    i = 0
    n = len(lines)
    while i < n:
        line = lines[i]
        cells = line.split(",")
        first = cells[0].strip().lower()
        if len(cells) > 1 and first in ("", "date") and any(c.strip() for c in cells[1:]):
            nxt = i + 1
            if nxt < n and _DATE_RE.match(lines[nxt].split(",")[0]):
                prev = lines[i - 1].strip() if i > 0 else ""
                title = prev if prev and not _DATE_RE.match(prev.split(",")[0]) else ""
                rows: list[list[str]] = []
                j = nxt
                while j < n and lines[j].strip() and _DATE_RE.match(lines[j].split(",")[0]):
                    rows.append(lines[j].split(","))
                    j += 1
                if j < n and re.match(r"^\s*[\d-]+\s*$", lines[j].split(",")[0]):
                    raise ImportFormatError(
                        f"{lines[j].split(',')[0].strip()!r} is not a date like the rows above "
                        "(YYYYMM, YYYYMMDD, YYYY-MM-DD or YYYY)",
                        path=name,
                        line=j + 1,
                    )
                tables.append(_Table(title, [c.strip() for c in cells], i + 1, rows, nxt + 1))
                i = j
                continue
        i += 1
    if not tables:
        raise ImportFormatError(
            "no table found; expected a header line starting with ',' or 'Date,' followed by "
            "rows starting with a date (YYYYMM, YYYYMMDD, YYYY-MM-DD or YYYY)",
            path=name,
        )
    return tables


def _dates(raw: list[str], *, name: str, first_line: int) -> tuple[np.ndarray, str]:
    text = pd.Series([r.strip() for r in raw], dtype=object)
    width = text.str.len()
    kinds = set(width.unique().tolist())
    if len(kinds) != 1:
        bad = int(np.flatnonzero((width != width.iloc[0]).to_numpy())[0])
        raise ImportFormatError(
            f"date {raw[bad].strip()!r} differs in form from the table's first date "
            f"{raw[0].strip()!r}",
            path=name,
            line=first_line + bad,
        )
    kind = kinds.pop()
    if kind == 6:
        parsed = pd.to_datetime(text, format="%Y%m", errors="coerce") + pd.offsets.MonthEnd(0)
        freq = "M"
    elif kind == 8:
        parsed = pd.to_datetime(text, format="%Y%m%d", errors="coerce")
        freq = "D"
    elif kind == 10:
        parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
        freq = "D"
    else:
        parsed = pd.to_datetime(text + "-12-31", format="%Y-%m-%d", errors="coerce")
        freq = "A"
    if parsed.isna().any():
        bad = int(np.flatnonzero(parsed.isna().to_numpy())[0])
        raise ImportFormatError(
            f"{raw[bad].strip()!r} is not a valid date", path=name, line=first_line + bad
        )
    dup = parsed.duplicated().to_numpy()
    if dup.any():
        bad = int(np.flatnonzero(dup)[0])
        raise ImportFormatError(
            f"date {raw[bad].strip()!r} appears twice in one table",
            path=name,
            line=first_line + bad,
        )
    return parsed.to_numpy(dtype="datetime64[ns]"), freq


def _table_ids(table: _Table, freq: str, *, name: str) -> tuple[list[str], bool]:
    """Series ids of a table's columns and whether its values are percent returns."""
    cols = table.header[1:]
    keys = [re.sub(r"\s+", "", c).lower() for c in cols]
    if all(k in _FACTORS for k in keys):
        five = "rmw" in keys or "cma" in keys
        ids = [
            # the five-factor model's SMB averages three 2x3 sorts: a different factor than the
            # three-factor SMB (they differ by up to 3.4 pp a month), so it gets its own id
            f"FF:SMB5:{freq}" if five and k == "smb" else f"FF:{_FACTORS[k]}:{freq}"
            for k in keys
        ]
        return ids, True
    labels = [_portfolio_label(c) for c in cols]
    if all(lab is not None for lab in labels):
        title = table.title.lower()
        if "number of firms" in title:
            prefix, percent = f"ME_NFIRMS_{freq}", False
        elif "average firm size" in title:
            prefix, percent = f"ME_AVGSIZE_{freq}", False
        elif "equal weight" in title:
            prefix, percent = f"ME_EW_{freq}", True
        elif "value weight" in title or not title:
            prefix, percent = f"ME_VW_{freq}", True
        else:
            raise ImportFormatError(
                f"size-portfolio table titled {table.title.strip()!r}: expected a title naming "
                "Value/Equal Weight Returns, Number of Firms or Average Firm Size",
                path=name,
                line=table.header_line,
            )
        return [f"FF:{prefix}:{lab}" for lab in labels], percent
    unknown = [
        c for c, k, lab in zip(cols, keys, labels, strict=True) if k not in _FACTORS and lab is None
    ]
    raise ImportFormatError(
        f"unsupported columns {unknown}; expected factor columns (Mkt-RF, SMB, HML, RMW, CMA, "
        "RF, Mom) or size-portfolio columns (<= 0, Lo 30, ..., Hi 10)",
        path=name,
        line=table.header_line,
    )


@guard("Ken French CSV")
def parse_french_csv(
    data: bytes,
    *,
    name: str,
    dataset: str | None = None,
    source: str = "french",
    vintage: str | None = None,
) -> pd.DataFrame:
    """Parse a Ken French data-library CSV into ``series`` rows.

    Parameters
    ----------
    data
        The CSV's bytes (the file inside French's zip), decoded as UTF-8 or cp1252.
    name
        Path or URL, used in messages.
    dataset
        French's dataset name, used in messages only.
    source
        Value of the ``source`` column.
    vintage
        Vintage to record when the file states none (the file's own line wins).

    Returns
    -------
    pandas.DataFrame
        ``series`` rows; returns as decimal fractions, missing values dropped.

    Raises
    ------
    ImportFormatError
        No table, unknown columns, a row with the wrong number of fields, a bad date or number.
    """
    label = f"{name} ({dataset})" if dataset else name
    lines = split_lines(data)
    stated = french_vintage(data)
    vint = stated or (vintage or "")
    if vint and not re.fullmatch(r"\d{6}", vint):
        raise ImportFormatError(f"vintage {vint!r} is not YYYYMM", path=label)
    frames: list[pd.DataFrame] = []
    for table in _tables(lines, label):
        width = len(table.header)
        for k, row in enumerate(table.rows):
            if len(row) != width:
                raise ImportFormatError(
                    f"expected {width} fields like the header, found {len(row)}",
                    path=label,
                    line=table.first_line + k,
                )
        dates, freq = _dates([r[0] for r in table.rows], name=label, first_line=table.first_line)
        ids, percent = _table_ids(table, freq, name=label)
        cells = np.array([r[1:] for r in table.rows], dtype=object)
        for c, sid in enumerate(ids):
            raw = pd.Series(cells[:, c], dtype=object).str.strip()
            empty = (raw == "").to_numpy()
            nums = pd.to_numeric(raw.where(~empty, None), errors="coerce").to_numpy(dtype="float64")
            bad = ~np.isfinite(nums) & ~empty
            if bad.any():
                k = int(np.flatnonzero(bad)[0])
                raise ImportFormatError(
                    f"column {table.header[c + 1]!r}: {raw.iloc[k]!r} is not a number",
                    path=label,
                    line=table.first_line + k,
                )
            keep = ~empty & ~np.isin(nums, _MISSING)
            values = nums[keep] / 100.0 if percent else nums[keep]
            frames.append(pd.DataFrame({"series_id": sid, "date": dates[keep], "value": values}))
    out = pd.concat(frames, ignore_index=True)
    out["source"] = source
    out["vintage"] = vint
    dup = out.duplicated(["series_id", "date"])
    if dup.any():
        sid = out.loc[dup, "series_id"].iloc[0]
        raise ImportFormatError(
            f"series {sid} appears in two tables of the file; expected each table once",
            path=label,
        )
    return validate(out, SERIES)
