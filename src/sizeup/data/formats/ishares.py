"""iShares fund holdings CSV (SOURCES.md §5).

Two layouts:

* current (2023-): UTF-8 with BOM; a preamble (fund name, ``Fund Holdings as of,"May 05,
  2026"``, inception date, shares outstanding, ...), a line holding one NBSP, the header
  (``Ticker,Name,Sector,Asset Class,Market Value,Weight (%),Notional Value,Quantity,Price,...``;
  older files say ``Shares`` instead of ``Quantity``), quoted rows with thousands separators
  and ``"-"`` for missing, then an NBSP line and a legal footer;
* older (about 2021): no preamble, the header on line 1 with ``Type``, ``Shares``, ``CUSIP``,
  ``ISIN`` and ``SEDOL`` columns, the same footer. Some tickers repeat (an ``Equity`` row and a
  ``Swap`` row of the same stock).

Rules (documented choices):

* every row is kept with its ``asset_class`` (``Equity``, ``Cash``, ``Money Market``,
  ``Futures``, ``Cash Collateral and Margins``); filter on it downstream;
* private or unlisted holdings have the ticker ``-``; they get the deterministic symbol
  ``-:<NAME>`` so the key (fund, as_of, symbol) stays unique;
* a ticker that repeats with another name (a CVR next to the stock: ``ADRO`` "CHINOOK
  THERAPEUTICS INC" and "... INC CVR") keeps the ticker for its first name in file order and
  becomes ``<TICKER>:<NAME>`` for the others;
* rows that repeat ticker and name (the same stock held as ``Equity`` and as ``Swap`` in the
  older IJR file) are aggregated: market value, weight and shares are summed; sector, asset
  class and price come from the first such row in file order;
* ``weight`` is a decimal fraction (the file's percent / 100);
* the fund id is the ``fund`` argument, else the fund named on line 1 (known iShares names
  map to their tickers, e.g. "iShares Russell 2000 ETF" -> ``IWM``), else ``fallback_fund``;
  ``as_of`` is the ``as_of`` argument, else the preamble date, else an error;
* the preamble's ``Shares Outstanding`` (fund shares, not a holding) is read by
  :func:`parse_holdings_preamble`; :func:`parse_holdings_file` returns it as one row of the
  ``series`` table (``<FUND>.shares_outstanding``, source ``ishares``, dated like the holdings
  rows), next to the holdings. The older layout has no preamble and so no such row.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from sizeup.data.formats.prices import canonical_symbol, guard, split_lines
from sizeup.data.schema import HOLDINGS, SERIES, validate
from sizeup.errors import ImportFormatError
from sizeup.types import DateLike

__all__ = [
    "FUND_NAMES",
    "SERIES_SOURCE",
    "HoldingsPreamble",
    "nav_series_id",
    "parse_holdings_csv",
    "parse_holdings_file",
    "parse_holdings_preamble",
    "parse_ishares_date",
    "shares_series_id",
]

FUND_NAMES: Final[dict[str, str]] = {
    "ishares russell 2000 etf": "IWM",
    "ishares russell 2000 value etf": "IWN",
    "ishares russell 2000 growth etf": "IWO",
    "ishares micro-cap etf": "IWC",
    "ishares russell 3000 etf": "IWV",
    "ishares russell 1000 etf": "IWB",
    "ishares russell 1000 value etf": "IWD",
    "ishares russell 1000 growth etf": "IWF",
    "ishares core s&p small-cap etf": "IJR",
    "ishares s&p small-cap 600 value etf": "IJS",
    "ishares s&p small-cap 600 growth etf": "IJT",
    "ishares core s&p mid-cap etf": "IJH",
    "ishares core s&p 500 etf": "IVV",
    "ishares core s&p total u.s. stock market etf": "ITOT",
}
"""Fund names on line 1 of iShares files -> fund ticker (lower-case keys)."""

SERIES_SOURCE: Final = "ishares"
"""Source of the fund-level series (shares outstanding, NAV) from any iShares file or fetch.

One fixed label, whatever file or folder they came from, so holdings snapshots and fund
histories form one series per fund (the publisher's numbers for a date do not depend on the
file they were read from)."""

_NBSP: Final = "\u00a0"
_REQUIRED: Final = ("ticker", "name", "asset class", "market value", "weight (%)", "price")


def _clean(cell: str) -> str:
    return cell.replace(_NBSP, " ").strip()


def _number(values: list[str], column: str, *, name: str, first_line: int) -> np.ndarray:
    raw = pd.Series([v.replace(",", "").strip() for v in values], dtype=object)
    missing = raw.isin(["-", "", "--"]).to_numpy()
    nums = pd.to_numeric(raw.where(~missing, None), errors="coerce").to_numpy(dtype="float64")
    bad = ~np.isfinite(nums) & ~missing
    if bad.any():
        k = int(np.flatnonzero(bad)[0])
        raise ImportFormatError(
            f"column {column!r}: {values[k]!r} is not a number", path=name, line=first_line + k
        )
    return nums


def _as_of(text: str, *, name: str, line: int) -> pd.Timestamp:
    value = _clean(text).strip('"')
    for fmt in ("%b %d, %Y", "%B %d, %Y", "%m/%d/%Y", "%Y-%m-%d", "%d-%b-%Y"):
        try:
            return pd.Timestamp(pd.to_datetime(value, format=fmt))
        except (ValueError, TypeError):
            continue
    raise ImportFormatError(
        f"holdings date {value!r} is not a date like 'May 05, 2026'", path=name, line=line
    )


@guard("iShares holdings CSV")
def parse_holdings_csv(
    data: bytes,
    *,
    name: str,
    fund: str | None = None,
    as_of: DateLike | None = None,
    source: str = "ishares",
    fallback_fund: str | None = None,
) -> pd.DataFrame:
    """Parse an iShares holdings CSV into ``holdings`` rows.

    Parameters
    ----------
    data
        The file's bytes.
    name
        Path or URL, used in messages.
    fund
        Fund id to record (overrides the fund named in the file).
    as_of
        Snapshot date (overrides the ``Fund Holdings as of`` line; required when it is absent).
    source
        Value of the ``source`` column.
    fallback_fund
        Fund id used when neither ``fund`` nor a known fund name is available (importers pass
        the ticker in a file name like ``IJR_holdings_2021-03.csv``).

    Returns
    -------
    pandas.DataFrame
        One row per distinct symbol (see the module notes for cash, private and repeated rows).

    Raises
    ------
    ImportFormatError
        No header, missing columns, a row of the wrong width, a bad number, or no fund / as-of.
    """
    lines = split_lines(data)
    header_idx = None
    fund_name = ""
    stated: pd.Timestamp | None = None
    for i, line in enumerate(lines[:40]):
        clean = _clean(line)
        low = clean.lower()
        if i == 0 and clean and not low.startswith("ticker,"):
            fund_name = clean.strip('"').strip(",")
        if low.startswith("fund holdings as of"):
            parts = next(csv.reader([clean]))
            if len(parts) < 2:
                raise ImportFormatError(
                    "'Fund Holdings as of' line has no date", path=name, line=i + 1
                )
            stated = _as_of(parts[1], name=name, line=i + 1)
        if low.startswith("ticker,"):
            header_idx = i
            break
    if header_idx is None:
        raise ImportFormatError(
            "no holdings header; expected a line starting 'Ticker,Name,' within the first 40",
            path=name,
        )
    header = [_clean(c).lower() for c in next(csv.reader([lines[header_idx]]))]
    missing = [c for c in _REQUIRED if c not in header]
    shares_col = "quantity" if "quantity" in header else "shares" if "shares" in header else None
    if missing or shares_col is None:
        raise ImportFormatError(
            f"holdings header lacks {missing or ['Quantity or Shares']}; expected Ticker, Name, "
            "Asset Class, Market Value, Weight (%), Quantity (or Shares), Price",
            path=name,
            line=header_idx + 1,
        )
    body: list[str] = []
    for line in lines[header_idx + 1 :]:
        if not _clean(line) or not line.startswith('"'):
            break
        body.append(line)
    first_line = header_idx + 2
    rows = list(csv.reader(body))
    for k, row in enumerate(rows):
        if len(row) != len(header):
            raise ImportFormatError(
                f"expected {len(header)} fields like the header, found {len(row)}",
                path=name,
                line=first_line + k,
            )
    if not rows:
        raise ImportFormatError("holdings file has a header but no rows", path=name)
    cols = {h: [r[j].strip() for r in rows] for j, h in enumerate(header)}

    fund_id = fund or FUND_NAMES.get(fund_name.lower()) or fallback_fund
    if not fund_id:
        raise ImportFormatError(
            f"cannot tell the fund (line 1 is {fund_name[:60]!r}); pass the fund ticker "
            "(e.g. --fund IWM)",
            path=name,
        )
    when = pd.Timestamp(as_of) if as_of is not None else stated
    if when is None:
        raise ImportFormatError(
            "the file has no 'Fund Holdings as of' line; pass the snapshot date "
            "(e.g. --as-of 2021-03-12)",
            path=name,
        )
    symbols: list[str] = []
    first_name: dict[str, str] = {}
    for ticker, holding in zip(cols["ticker"], cols["name"], strict=True):
        label = _clean(holding)
        sym = f"-:{label}" if ticker in ("-", "") else canonical_symbol(ticker)
        seen = first_name.setdefault(sym, label)
        if seen != label:  # same ticker, another security (e.g. a CVR next to the stock)
            sym = f"{sym}:{label}"
        symbols.append(sym)
    frame = pd.DataFrame(
        {
            "symbol": pd.Series(symbols, dtype=object),
            "name": pd.Series(cols["name"], dtype=object),
            "sector": pd.Series(cols.get("sector", [None] * len(rows)), dtype=object),
            "asset_class": pd.Series(cols["asset class"], dtype=object),
            "weight": _number(cols["weight (%)"], "Weight (%)", name=name, first_line=first_line)
            / 100.0,
            "shares": _number(cols[shares_col], shares_col, name=name, first_line=first_line),
            "price": _number(cols["price"], "Price", name=name, first_line=first_line),
            "market_value": _number(
                cols["market value"], "Market Value", name=name, first_line=first_line
            ),
        }
    )
    frame["sector"] = frame["sector"].where(frame["sector"] != "-", None)
    if frame["symbol"].duplicated().any():
        grouped = frame.groupby("symbol", sort=False)
        frame = grouped.agg(
            name=("name", "first"),
            sector=("sector", "first"),
            asset_class=("asset_class", "first"),
            weight=("weight", lambda s: s.sum(min_count=1)),
            shares=("shares", lambda s: s.sum(min_count=1)),
            price=("price", "first"),
            market_value=("market_value", lambda s: s.sum(min_count=1)),
        ).reset_index()
    frame.insert(0, "fund", canonical_symbol(fund_id))
    frame.insert(1, "as_of", when.normalize())
    frame["source"] = source
    return validate(frame, HOLDINGS)


def parse_ishares_date(text: str, *, name: str, line: int | None = None) -> pd.Timestamp:
    """Parse an iShares date cell (``"May 05, 2026"``; also ``05/05/2026``, ISO, ``05-May-2026``).

    Raises
    ------
    ImportFormatError
        The text is not such a date.
    """
    return _as_of(text, name=name, line=line or 0)


def shares_series_id(fund: str) -> str:
    """Series id of a fund's shares outstanding (``IWM`` -> ``IWM.shares_outstanding``)."""
    return f"{canonical_symbol(fund)}.shares_outstanding"


def nav_series_id(fund: str) -> str:
    """Series id of a fund's end-of-day NAV per share (``IWM`` -> ``IWM.nav``)."""
    return f"{canonical_symbol(fund)}.nav"


@dataclass(frozen=True)
class HoldingsPreamble:
    """The fund-level lines above the holdings header.

    Attributes
    ----------
    fund_name
        Line 1 (``"iShares Russell 2000 ETF"``), empty in the older layout.
    as_of
        The ``Fund Holdings as of`` date, ``None`` when absent.
    shares_outstanding
        The fund's ``Shares Outstanding``, ``None`` when absent or ``"-"``.
    """

    fund_name: str
    as_of: pd.Timestamp | None
    shares_outstanding: float | None


@guard("iShares holdings CSV")
def parse_holdings_preamble(data: bytes, *, name: str) -> HoldingsPreamble:
    """Read the preamble of an iShares holdings CSV (the lines before ``Ticker,Name,...``).

    Parameters
    ----------
    data
        The file's bytes.
    name
        Path or URL, used in messages.

    Returns
    -------
    HoldingsPreamble

    Raises
    ------
    ImportFormatError
        A ``Fund Holdings as of`` line without a date, or a ``Shares Outstanding`` value that is
        not a positive number.
    """
    lines = split_lines(data)
    fund_name = ""
    stated: pd.Timestamp | None = None
    shares: float | None = None
    for i, line in enumerate(lines[:40]):
        clean = _clean(line)
        low = clean.lower()
        if low.startswith("ticker,"):
            break
        if i == 0 and clean:
            fund_name = clean.strip('"').strip(",")
        parts = next(csv.reader([clean])) if clean else []
        if low.startswith("fund holdings as of"):
            if len(parts) < 2:
                raise ImportFormatError(
                    "'Fund Holdings as of' line has no date", path=name, line=i + 1
                )
            stated = _as_of(parts[1], name=name, line=i + 1)
        elif low.startswith("shares outstanding"):
            raw = _clean(parts[1]) if len(parts) > 1 else ""
            if raw in ("", "-", "--"):
                continue
            try:
                value = float(raw.replace(",", ""))
            except ValueError:
                value = float("nan")
            if not np.isfinite(value) or value <= 0:
                raise ImportFormatError(
                    f"'Shares Outstanding' {raw!r} is not a positive number like '278,750,000.00'",
                    path=name,
                    line=i + 1,
                )
            shares = value
    return HoldingsPreamble(fund_name=fund_name, as_of=stated, shares_outstanding=shares)


@guard("iShares holdings CSV")
def parse_holdings_file(
    data: bytes,
    *,
    name: str,
    fund: str | None = None,
    as_of: DateLike | None = None,
    source: str = "ishares",
    fallback_fund: str | None = None,
) -> dict[str, pd.DataFrame]:
    """Parse an iShares holdings CSV into ``holdings`` rows and the fund's shares outstanding.

    Parameters are those of :func:`parse_holdings_csv`.

    Returns
    -------
    dict of str to pandas.DataFrame
        ``{"holdings": ...}`` plus ``{"series": ...}`` (one row ``<FUND>.shares_outstanding``
        on the holdings date, source :data:`SERIES_SOURCE`) when the preamble states the fund's
        shares outstanding.
    """
    holdings = parse_holdings_csv(
        data, name=name, fund=fund, as_of=as_of, source=source, fallback_fund=fallback_fund
    )
    out = {"holdings": holdings}
    pre = parse_holdings_preamble(data, name=name)
    if pre.shares_outstanding is not None:
        fund_id = str(holdings["fund"].iloc[0])
        out["series"] = validate(
            pd.DataFrame(
                {
                    "series_id": [shares_series_id(fund_id)],
                    "date": [pd.Timestamp(holdings["as_of"].iloc[0])],
                    "value": [pre.shares_outstanding],
                    "source": [SERIES_SOURCE],
                    "vintage": [""],
                }
            ),
            SERIES,
        )
    return out
