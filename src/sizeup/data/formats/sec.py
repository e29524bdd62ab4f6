"""Parsers of SEC EDGAR files: ``company_tickers.json`` and XBRL ``companyfacts`` JSON.

Both parsers are pure: bytes in, a frame of a store table out (see :mod:`sizeup.data.schema`).
Gzipped bodies (as saved by some tools, ``*.json.gz``) are accepted and decompressed.

Notes
-----
Formats as documented in SOURCES.md §6:

* ``company_tickers.json``: ``{"0": {"cik_str": 789019, "ticker": "MSFT", "title": ...}}``;
  the columnar ``company_tickers_exchange.json`` (``{"fields": [...], "data": [[...]]}``) is
  read too.
* companyfacts: ``{"cik": 320193, "entityName": "...", "facts": {"us-gaap": {Tag: {"units":
  {"USD": [fact, ...]}}}}}`` with fact ``{"start"?, "end", "val", "accn", "fy", "fp", "form",
  "filed", "frame"?}``. ``fy``/``fp``/``form`` describe the *filing*, not the period; the same
  period repeats once per filing that contains it, which is how restatements show up (a later
  ``filed`` date). Every fact becomes one ``fundamentals`` row; instants have a null
  ``period_start``.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Mapping
from typing import Any, Final

import pandas as pd

from sizeup.data.formats._common import gunzip, gunzip_head
from sizeup.data.schema import FUNDAMENTALS, SYMBOLS, empty_frame, validate
from sizeup.errors import ImportFormatError, SchemaError

__all__ = [
    "looks_like_company_tickers",
    "looks_like_companyfacts",
    "parse_company_tickers",
    "parse_companyfacts",
]

log = logging.getLogger(__name__)

SOURCE: Final = "sec"
_DATE_RE: Final = re.compile(r"\d{4}-\d{2}-\d{2}")
_MAX_CIK: Final = 9_999_999_999
_MIN_YEAR: Final = 1900
_MAX_YEAR: Final = 2200


# ---------------------------------------------------------------------------- shared helpers
def _head_text(head: bytes) -> bytes:
    """Return the (partially decompressed) start of a body, without BOM and leading blanks."""
    text = gunzip_head(head)
    if text is None:
        return b""
    if text.startswith(b"\xef\xbb\xbf"):
        text = text[3:]
    return text.lstrip()


def _load_json(data: bytes, name: str) -> Any:
    raw = gunzip(data, name)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFormatError(
            f"not UTF-8 text (bad byte at offset {exc.start}); expected a SEC JSON file", path=name
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(f"invalid JSON: {exc.msg}", path=name, line=exc.lineno) from None
    except (RecursionError, ValueError) as exc:
        raise ImportFormatError(f"invalid JSON: {exc}", path=name) from None


def _as_cik(value: Any, name: str, where: str) -> int:
    if isinstance(value, bool):
        raise ImportFormatError(f"{where}: CIK {value!r} is not an integer", path=name)
    if isinstance(value, int):
        cik = value
    elif isinstance(value, str) and value.strip().isdigit() and value.strip().isascii():
        cik = int(value.strip())
    else:
        raise ImportFormatError(
            f"{where}: CIK {value!r} is not an integer or a string of digits", path=name
        )
    if not 0 <= cik <= _MAX_CIK:
        raise ImportFormatError(
            f"{where}: CIK {cik} is outside 0..{_MAX_CIK} (at most 10 digits)", path=name
        )
    return cik


def _validated(frame: pd.DataFrame, table: Any, name: str) -> pd.DataFrame:
    try:
        return validate(frame, table)
    except SchemaError as exc:  # defensive: every value was checked above
        raise ImportFormatError(f"rows break the table contract: {exc}", path=name) from None


# ---------------------------------------------------------------------------- company_tickers
def looks_like_company_tickers(head: bytes) -> bool:
    """Whether a body starts like SEC ``company_tickers.json`` (or its ``_exchange`` variant)."""
    text = _head_text(head)
    if not text.startswith(b"{"):
        return False
    if re.match(rb'\{\s*"\d+"\s*:\s*\{', text) and b'"cik_str"' in text:
        return True
    return b'"fields"' in text and b'"cik"' in text and b'"ticker"' in text


def parse_company_tickers(data: bytes, *, name: str) -> pd.DataFrame:
    """Parse SEC ``company_tickers.json`` into ``symbols`` rows.

    Parameters
    ----------
    data
        The file's bytes (plain or gzipped JSON).
    name
        File name or URL, used in error messages.

    Returns
    -------
    pandas.DataFrame
        ``symbols`` rows: symbol (upper case, as SEC spells it, e.g. ``BRK-B``), name, cik,
        exchange (columnar variant only), source ``"sec"``. A ticker listed twice keeps its first
        entry (SEC lists by size).

    Raises
    ------
    ImportFormatError
        Not JSON, or not the documented shape.
    """
    doc = _load_json(data, name)
    records: list[tuple[Any, Any, Any, Any]] = []
    if isinstance(doc, dict) and "fields" in doc and "data" in doc:
        fields, rows = doc["fields"], doc["data"]
        if not isinstance(fields, list) or not isinstance(rows, list):
            raise ImportFormatError("'fields' and 'data' must be lists", path=name)
        needed = ("cik", "name", "ticker")
        missing = [f for f in needed if f not in fields]
        if missing:
            raise ImportFormatError(
                f"columnar tickers file lacks field(s) {missing}; has {fields!r}", path=name
            )
        pos = {f: fields.index(f) for f in (*needed, "exchange") if f in fields}
        for i, row in enumerate(rows):
            if not isinstance(row, list) or len(row) != len(fields):
                raise ImportFormatError(
                    f"data[{i}] is not a list of {len(fields)} values: {row!r:.80}", path=name
                )
            exch = row[pos["exchange"]] if "exchange" in pos else None
            records.append((row[pos["cik"]], row[pos["ticker"]], row[pos["name"]], exch))
    elif isinstance(doc, dict):
        for key, entry in doc.items():
            if not isinstance(entry, dict) or "cik_str" not in entry or "ticker" not in entry:
                raise ImportFormatError(
                    f"entry {key!r} is not an object with 'cik_str' and 'ticker' "
                    f"(expected {{'cik_str': int, 'ticker': str, 'title': str}}): {entry!r:.80}",
                    path=name,
                )
            records.append((entry["cik_str"], entry["ticker"], entry.get("title"), None))
    else:
        raise ImportFormatError(
            f"expected a JSON object keyed by index, found {type(doc).__name__}", path=name
        )
    out: dict[str, dict[str, Any]] = {}
    for i, (cik_raw, ticker, title, exch) in enumerate(records):
        where = f"entry {i}"
        cik = _as_cik(cik_raw, name, where)
        if not isinstance(ticker, str) or not ticker.strip():
            raise ImportFormatError(
                f"{where}: ticker {ticker!r} is not a non-empty string", path=name
            )
        if title is not None and not isinstance(title, str):
            raise ImportFormatError(f"{where}: title {title!r} is not a string", path=name)
        if exch is not None and not isinstance(exch, str):
            raise ImportFormatError(f"{where}: exchange {exch!r} is not a string", path=name)
        symbol = ticker.strip().upper()
        if symbol in out:
            log.debug("%s: ticker %s listed twice; keeping the first entry", name, symbol)
            continue
        out[symbol] = {
            "symbol": symbol,
            "name": title,
            "cik": cik,
            "exchange": exch,
            "source": SOURCE,
        }
    if not out:
        return empty_frame(SYMBOLS)
    return _validated(pd.DataFrame(list(out.values())), SYMBOLS, name)


# ---------------------------------------------------------------------------- companyfacts
def looks_like_companyfacts(head: bytes) -> bool:
    """Whether a body starts like an SEC XBRL ``companyfacts`` JSON document."""
    text = _head_text(head)
    if not text.startswith(b"{"):
        return False
    return b'"facts"' in text or (b'"cik"' in text and b'"entityName"' in text)


def _date(value: Any, name: str, where: str, *, required: bool) -> str | None:
    if value is None and not required:
        return None
    if not isinstance(value, str) or not _DATE_RE.fullmatch(value):
        raise ImportFormatError(f"{where}: date {value!r} is not YYYY-MM-DD", path=name)
    return value


def parse_companyfacts(
    data: bytes, *, name: str, tickers: Mapping[int, str] | None = None
) -> pd.DataFrame:
    """Parse an SEC XBRL ``companyfacts`` document into ``fundamentals`` rows.

    Parameters
    ----------
    data
        The document's bytes (plain or gzipped JSON).
    name
        File name or URL, used in error messages.
    tickers
        CIK -> symbol map (e.g. from :func:`parse_company_tickers`); without a hit the symbol
        is ``CIK##########``.

    Returns
    -------
    pandas.DataFrame
        One row per fact: concept ``"<taxonomy>:<Tag>"`` (``us-gaap:NetIncomeLoss``,
        ``dei:EntityCommonStockSharesOutstanding``), unit as SEC names it (``USD``, ``shares``,
        ``USD/shares``, ``pure``), period_start (null for instants), period_end, fiscal_year,
        fiscal_period and form of the filing, filed, value, source ``"sec"``. A fact repeated
        with the same key (same period, same filing date, two accession numbers) keeps the one
        with the highest accession number.

    Raises
    ------
    ImportFormatError
        Not JSON, or not the documented shape (the message names the taxonomy, tag, unit and
        fact index).
    """
    doc = _load_json(data, name)
    if not isinstance(doc, dict) or "facts" not in doc or "cik" not in doc:
        found = sorted(doc)[:8] if isinstance(doc, dict) else type(doc).__name__
        raise ImportFormatError(
            f"expected a companyfacts object with keys 'cik' and 'facts', found {found!r}",
            path=name,
        )
    cik = _as_cik(doc["cik"], name, "'cik'")
    symbol = (tickers or {}).get(cik) or f"CIK{cik:010d}"
    facts = doc["facts"]
    if isinstance(facts, list) and not facts:
        facts = {}
    if not isinstance(facts, dict):
        raise ImportFormatError(
            f"'facts' must be an object keyed by taxonomy, found {type(facts).__name__}", path=name
        )
    cols: dict[str, list[Any]] = {
        k: []
        for k in (
            "concept",
            "unit",
            "period_start",
            "period_end",
            "fiscal_year",
            "fiscal_period",
            "form",
            "filed",
            "value",
            "accn",
        )
    }
    for taxonomy, tags in facts.items():
        if not isinstance(tags, dict):
            raise ImportFormatError(f"facts[{taxonomy!r}] is not an object of tags", path=name)
        for tag, body in tags.items():
            units = body.get("units") if isinstance(body, dict) else None
            if not isinstance(units, dict):
                raise ImportFormatError(
                    f"{taxonomy}:{tag} has no 'units' object (expected {{unit: [fact, ...]}})",
                    path=name,
                )
            concept = f"{taxonomy}:{tag}"
            for unit, items in units.items():
                if not isinstance(items, list):
                    raise ImportFormatError(f"{concept} [{unit}] is not a list of facts", path=name)
                for i, fact in enumerate(items):
                    _append_fact(
                        cols,
                        fact,
                        concept=concept,
                        unit=unit,
                        name=name,
                        where=f"{concept} [{unit}] fact {i}",
                    )
    if not cols["concept"]:
        return empty_frame(FUNDAMENTALS)
    frame = pd.DataFrame(cols)
    _check_dates(frame, name)
    frame["symbol"] = symbol
    frame["cik"] = cik
    frame["source"] = SOURCE
    key = ["concept", "unit", "period_start", "period_end", "filed"]
    frame = frame.sort_values("accn", kind="mergesort", na_position="first")
    frame = frame.drop_duplicates(subset=key, keep="last").drop(columns="accn")
    return _validated(frame, FUNDAMENTALS, name)


def _append_fact(
    cols: dict[str, list[Any]], fact: Any, *, concept: str, unit: str, name: str, where: str
) -> None:
    if not isinstance(fact, dict):
        raise ImportFormatError(f"{where} is not an object: {fact!r:.80}", path=name)
    val = fact.get("val")
    if isinstance(val, bool) or not isinstance(val, int | float):
        raise ImportFormatError(f"{where}: 'val' {val!r:.40} is not a number", path=name)
    fval = float(val) if abs(val) < 1e300 else math.inf
    if not math.isfinite(fval):
        raise ImportFormatError(f"{where}: 'val' {val!r:.40} is not a finite number", path=name)
    end = _date(fact.get("end"), name, where + " 'end'", required=True)
    start = _date(fact.get("start"), name, where + " 'start'", required=False)
    filed = _date(fact.get("filed"), name, where + " 'filed'", required=True)
    fy = fact.get("fy")
    if fy is not None and (isinstance(fy, bool) or not isinstance(fy, int) or abs(fy) > 9999):
        raise ImportFormatError(f"{where}: 'fy' {fy!r:.40} is not a year", path=name)
    fp, form, accn = fact.get("fp"), fact.get("form"), fact.get("accn")
    for label, text in (("fp", fp), ("form", form), ("accn", accn)):
        if text is not None and not isinstance(text, str):
            raise ImportFormatError(f"{where}: {label!r} {text!r:.40} is not a string", path=name)
    cols["concept"].append(concept)
    cols["unit"].append(unit)
    cols["period_start"].append(start)
    cols["period_end"].append(end)
    cols["fiscal_year"].append(fy)
    cols["fiscal_period"].append(fp)
    cols["form"].append(form)
    cols["filed"].append(filed)
    cols["value"].append(fval)
    cols["accn"].append(accn or "")


def _check_dates(frame: pd.DataFrame, name: str) -> None:
    for col in ("period_start", "period_end", "filed"):
        text = frame[col]
        parsed = pd.to_datetime(text, format="%Y-%m-%d", errors="coerce")
        year = text.str.slice(0, 4).astype(float)
        bad = (parsed.isna() | (year < _MIN_YEAR) | (year > _MAX_YEAR)) & text.notna()
        if bad.any():
            raise ImportFormatError(
                f"{col!r} {text[bad].iloc[0]!r} is not a calendar date in {_MIN_YEAR}..{_MAX_YEAR}",
                path=name,
            )
