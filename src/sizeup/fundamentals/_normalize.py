"""Normalisation of reported facts (SEC XBRL, SimFin) into standard items, point in time.

Input are ``fundamentals`` table rows (see :mod:`sizeup.data.schema`): one row per reported fact and
filing. Output is the *standard items* table: one row per (symbol, item, span, period_end,
filed) giving the value of a standard item (``revenue``, ``net_income``, ``total_debt``, ...)
for one period **as it was known from the ``filed`` date on**, until a later row replaces it.

The pipeline (SOURCES.md §6):

1. keep the concepts of the item chains (:data:`ITEMS`) in the item's unit;
2. classify each fact by its duration: instant (``I``), quarter (70–120 days), half year
   (140–229), nine months (230–329), fiscal year (330–420); others are dropped;
3. turn year-to-date facts into discrete quarters: a YTD of *k* quarters minus the YTD of
   *k − 1* quarters with the same start (so Q4 = FY − 9M, Q3 = 9M − H1, Q2 = H1 − Q1); a
   quarter the filer reported itself wins over a derived one;
4. resolve the ordered chain of each item per period: the first alternative (a tag, or a sum of
   tags) that is known wins; tags may switch over time (NVDA ``InterestExpense`` ->
   ``InterestExpenseNonoperating`` in 2024), since the chain is applied period by period;
5. all of this is done *per vintage*: every distinct filing date that changes an input yields a
   row, with the value computed from what was known at that date. Restatements therefore appear
   as later rows of the same period.

"Value known as of a date" = the row with the latest ``filed`` on or before that date
(:func:`known_as_of`); ``vintage="first"`` gives the value as first reported instead.

SimFin bulk files have no filings history: their ``filed`` is the Publish Date and the values
are the latest restated ones (see :mod:`sizeup.data.formats.simfin`).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Final, Literal

import numpy as np
import pandas as pd

from sizeup.errors import DataError
from sizeup.types import DateLike

__all__ = [
    "ITEMS",
    "ITEM_COLUMNS",
    "Item",
    "ItemKind",
    "Vintage",
    "empty_items",
    "known_as_of",
    "normalize",
]

log = logging.getLogger(__name__)

ItemKind = Literal["flow", "stock"]
"""``flow``: a duration amount summed over quarters (revenue); ``stock``: a level (debt)."""

Vintage = Literal["latest", "first"]
"""``latest``: value known at the date (restatements included); ``first``: as first reported."""

ITEM_COLUMNS: Final = (
    "symbol",
    "item",
    "span",
    "period_start",
    "period_end",
    "filed",
    "value",
    "rank",
    "concepts",
)


@dataclass(frozen=True)
class Item:
    """A standard item and its ordered chain of alternatives.

    Parameters
    ----------
    name
        Item name (snake_case), the column stem in metrics and screens.
    kind
        ``flow`` or ``stock``.
    chain
        Ordered alternatives; each is a tuple of concepts summed together. A concept prefixed
        with ``?`` is optional in its alternative (counted as 0 when absent).
    unit
        Unit of the facts used (``USD`` or ``shares``).
    """

    name: str
    kind: ItemKind
    chain: tuple[tuple[str, ...], ...]
    unit: str = "USD"

    @property
    def concepts(self) -> set[str]:
        """Every concept named in the chain."""
        return {c.lstrip("?") for alt in self.chain for c in alt}


def _g(*tags: str) -> tuple[str, ...]:
    return tuple(("?" if t.startswith("?") else "") + "us-gaap:" + t.lstrip("?") for t in tags)


_MAT = "LongTermDebtMaturitiesRepaymentsOfPrincipal"

ITEMS: Final[dict[str, Item]] = {
    i.name: i
    for i in (
        Item(
            "revenue",
            "flow",
            (
                _g("RevenueFromContractWithCustomerExcludingAssessedTax"),
                _g("Revenues"),
                _g("RevenueFromContractWithCustomerIncludingAssessedTax"),
                _g("SalesRevenueNet"),
                _g("SalesRevenueGoodsNet", "?SalesRevenueServicesNet"),
                _g("RevenuesNetOfInterestExpense"),
                _g("InterestAndDividendIncomeOperating", "NoninterestIncome"),
                ("simfin:Revenue",),
            ),
        ),
        Item(
            "operating_income",
            "flow",
            (
                _g("OperatingIncomeLoss"),
                _g(
                    "IncomeLossFromContinuingOperationsBeforeIncomeTaxesExtraordinaryItems"
                    "NoncontrollingInterest",
                    "?InterestExpense",
                ),
                ("simfin:Operating Income (Loss)",),
            ),
        ),
        Item(
            "net_income",
            "flow",
            (
                _g("NetIncomeLoss"),
                _g("ProfitLoss"),
                _g("NetIncomeLossAvailableToCommonStockholdersBasic"),
                ("simfin:Net Income",),
            ),
        ),
        Item(
            "interest_expense",
            "flow",
            (
                _g("InterestExpense"),
                _g("InterestExpenseNonoperating"),
                _g("InterestExpenseDebt"),
                _g("InterestAndDebtExpense"),
                _g("InterestExpenseOperating"),
                # SimFin reports interest expense net of interest income, negative = expense.
                ("simfin:Interest Expense, Net",),
            ),
        ),
        Item(
            "depreciation_amortization",
            "flow",
            (
                _g("DepreciationDepletionAndAmortization"),
                _g("DepreciationAndAmortization"),
                _g("DepreciationAmortizationAndAccretionNet"),
                _g("Depreciation", "?AmortizationOfIntangibleAssets"),
                ("simfin:Depreciation & Amortization",),
            ),
        ),
        Item(
            "operating_cash_flow",
            "flow",
            (
                _g("NetCashProvidedByUsedInOperatingActivities"),
                _g("NetCashProvidedByUsedInOperatingActivitiesContinuingOperations"),
                ("simfin:Net Cash from Operating Activities",),
            ),
        ),
        Item(
            "capex",
            "flow",
            (
                _g("PaymentsToAcquirePropertyPlantAndEquipment"),
                _g("PaymentsToAcquireProductiveAssets"),
                # SimFin: negative = cash spent on fixed assets and intangibles.
                ("simfin:Change in Fixed Assets & Intangibles",),
            ),
        ),
        Item(
            "cash",
            "stock",
            (
                _g("CashAndCashEquivalentsAtCarryingValue"),
                _g("CashCashEquivalentsRestrictedCashAndRestrictedCashEquivalents"),
                _g("Cash"),
                ("simfin:Cash, Cash Equivalents & Short Term Investments",),
            ),
        ),
        Item(
            "total_debt",
            "stock",
            (
                _g("LongTermDebt", "?ShortTermBorrowings", "?CommercialPaper"),
                _g("LongTermDebtNoncurrent", "DebtCurrent"),
                _g(
                    "LongTermDebtNoncurrent",
                    "?LongTermDebtCurrent",
                    "?ShortTermBorrowings",
                    "?CommercialPaper",
                ),
                _g(
                    "LongTermDebtAndCapitalLeaseObligations",
                    "?LongTermDebtAndCapitalLeaseObligationsCurrent",
                    "?ShortTermBorrowings",
                    "?CommercialPaper",
                ),
                _g(
                    "LongTermDebtAndFinanceLeaseObligationsNoncurrent",
                    "?LongTermDebtAndCapitalLeaseObligationsCurrent",
                    "?ShortTermBorrowings",
                ),
                _g("ConvertibleNotesPayable", "?LinesOfCreditCurrent"),
                _g("LongTermLineOfCredit", "?LinesOfCreditCurrent"),
                _g("NotesPayable"),
                _g("SeniorNotes"),
                ("simfin:Long Term Debt", "?simfin:Short Term Debt"),
                ("simfin:Short Term Debt",),
            ),
        ),
        Item(
            "debt_due_12m",
            "stock",
            (_g(_MAT + "InNextTwelveMonths"), _g(_MAT + "InNextRollingTwelveMonths")),
        ),
        Item("debt_due_y2", "stock", (_g(_MAT + "InYearTwo"), _g(_MAT + "InRollingYearTwo"))),
        Item("debt_due_y3", "stock", (_g(_MAT + "InYearThree"), _g(_MAT + "InRollingYearThree"))),
        Item("debt_due_y4", "stock", (_g(_MAT + "InYearFour"), _g(_MAT + "InRollingYearFour"))),
        Item("debt_due_y5", "stock", (_g(_MAT + "InYearFive"), _g(_MAT + "InRollingYearFive"))),
        Item(
            "equity",
            "stock",
            (
                _g("StockholdersEquity"),
                _g("StockholdersEquityIncludingPortionAttributableToNoncontrollingInterest"),
                ("simfin:Total Equity",),
            ),
        ),
        Item(
            "shares",
            "stock",
            (
                ("dei:EntityCommonStockSharesOutstanding",),
                _g("CommonStockSharesOutstanding"),
                _g("WeightedAverageNumberOfDilutedSharesOutstanding"),
                ("simfin:Shares (Diluted)",),
                ("simfin:Shares (Basic)",),
            ),
            unit="shares",
        ),
    )
}
"""Standard items with their ordered fallback chains (SOURCES.md §6 tag table)."""

# Sign conventions: SimFin books expenses and cash outflows as negative numbers; the standard
# items are positive amounts of expense / spending.
_NEGATE: Final = frozenset(
    {"simfin:Interest Expense, Net", "simfin:Change in Fixed Assets & Intangibles"}
)

_SHARE_JUMP: Final = 50.0

# Duration classes in days (end - start), SOURCES.md §6 / edgartools TTM calculator.
_SPANS: Final = ((70, 120, 1), (140, 229, 2), (230, 329, 3), (330, 420, 4))


# ----------------------------------------------------------------------------- as-of machinery
def _asof_join(
    frames: Sequence[pd.DataFrame], keys: list[str], names: Sequence[str]
) -> pd.DataFrame:
    """Union the vintages of several keyed series and read each one as of every vintage.

    Each frame has ``keys + ["filed", "value"]``. The result has one row per key and distinct
    ``filed`` date of any frame, with columns ``names[i]`` holding frame *i*'s latest value filed
    on or before that date (NaN if none yet).
    """
    stamps = pd.concat([f[[*keys, "filed"]] for f in frames], ignore_index=True)
    stamps = stamps.drop_duplicates().sort_values("filed", kind="mergesort")
    out = stamps.reset_index(drop=True)
    for frame, name in zip(frames, names, strict=True):
        right = frame[[*keys, "filed", "value"]].rename(columns={"value": name})
        right = right.sort_values("filed", kind="mergesort")
        out = pd.merge_asof(out, right, on="filed", by=keys, direction="backward")
    return out


def _dedupe_vintages(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Drop rows whose value and rank equal the previous vintage of the same key."""
    frame = frame.sort_values([*keys, "filed"], kind="mergesort").reset_index(drop=True)
    prev = frame.shift()
    same_key = pd.Series(True, index=frame.index)
    for k in keys:
        same_key &= frame[k] == prev[k]
    same = same_key & (frame["value"] == prev["value"]) & (frame["rank"] == prev["rank"])
    return frame[~same].reset_index(drop=True)


# ----------------------------------------------------------------------------- per-concept steps
def _prepare(facts: pd.DataFrame, items: Mapping[str, Item]) -> pd.DataFrame:
    """Relevant facts with a span class; one row per (symbol, concept, start, end, filed)."""
    units = {c: it.unit for it in items.values() for c in it.concepts}
    kinds = {c: it.kind for it in items.values() for c in it.concepts}
    want = facts["concept"].isin(list(units))
    f = facts.loc[
        want, ["symbol", "concept", "unit", "period_start", "period_end", "filed", "value"]
    ]
    f = f[f["unit"] == f["concept"].map(units)].copy()
    if f.empty:
        return f.assign(span=pd.Series(dtype=object), n=pd.Series(dtype=int))
    for col in ("period_start", "period_end", "filed"):
        f[col] = pd.to_datetime(f[col]).astype("datetime64[ns]")
    neg = f["concept"].isin(list(_NEGATE)).to_numpy()
    f.loc[neg, "value"] = -f.loc[neg, "value"]
    days = (f["period_end"] - f["period_start"]).dt.days
    n = pd.Series(0, index=f.index, dtype="int64")
    for lo, hi, k in _SPANS:
        n[(days >= lo) & (days <= hi)] = k
    instant = f["period_start"].isna()
    stock = f["concept"].map(kinds) == "stock"
    f["n"] = n
    f["span"] = np.where(instant, "I", "D")
    # Stock items read from duration facts (weighted-average shares): a level at period end,
    # taken from the shortest duration of that end.
    as_level = stock & ~instant & (n > 0)
    lvl = f[as_level].sort_values("n", kind="mergesort")
    lvl = lvl.drop_duplicates(["symbol", "concept", "period_end", "filed"], keep="first")
    lvl = lvl.assign(span="I")
    lvl["period_start"] = pd.NaT
    keep = f[(instant & stock) | (~instant & ~stock & (n > 0))]
    f = pd.concat([keep, lvl], ignore_index=True)
    f = f.drop_duplicates(["symbol", "concept", "period_start", "period_end", "filed"], keep="last")
    return f.reset_index(drop=True)


def _quarterize(dur: pd.DataFrame) -> pd.DataFrame:
    """Discrete quarters (reported or derived from YTD differences) and fiscal years.

    Returns rows symbol, concept, span (``Q``/``FY``), period_start, period_end, filed, value.
    """
    cols = ["symbol", "concept", "span", "period_start", "period_end", "filed", "value"]
    if dur.empty:
        return pd.DataFrame(columns=cols)
    fy = dur[dur["n"] == 4].assign(span="FY")[cols]
    reported = dur[dur["n"] == 1].assign(span="Q")[cols]
    # YTD differences: fact with k quarters minus the fact with k-1 quarters and the same start.
    left = dur[dur["n"] >= 2]
    right = dur[dur["n"] <= 3]
    pairs = (
        left[["symbol", "concept", "period_start", "period_end", "n"]]
        .drop_duplicates()
        .assign(n_prev=lambda x: x["n"] - 1)
        .merge(
            right[["symbol", "concept", "period_start", "period_end", "n"]]
            .drop_duplicates()
            .rename(columns={"period_end": "prev_end", "n": "n_prev"}),
            on=["symbol", "concept", "period_start", "n_prev"],
        )
    )
    pairs = pairs[pairs["prev_end"] < pairs["period_end"]]
    derived = pd.DataFrame(columns=cols)
    if not pairs.empty:
        keys = ["symbol", "concept", "period_start", "period_end", "prev_end"]
        big = left.merge(pairs[keys], on=["symbol", "concept", "period_start", "period_end"])
        small = right.rename(columns={"period_end": "prev_end"}).merge(
            pairs[keys], on=["symbol", "concept", "period_start", "prev_end"]
        )
        joined = _asof_join([big, small], keys, ["ytd", "prev"]).dropna(subset=["ytd", "prev"])
        derived = pd.DataFrame(
            {
                "symbol": joined["symbol"],
                "concept": joined["concept"],
                "span": "Q",
                "period_start": joined["prev_end"] + pd.Timedelta(days=1),
                "period_end": joined["period_end"],
                "filed": joined["filed"],
                "value": joined["ytd"] - joined["prev"],
            }
        )
    # A reported quarter wins over a derived one of the same end (as of each vintage).
    if derived.empty:
        quarters = reported
    else:
        quarters = _resolve(
            [reported.assign(rank=0), derived.assign(rank=1)],
            ["symbol", "concept", "span", "period_end"],
        ).drop(columns="rank")
    return pd.concat([quarters[cols], fy], ignore_index=True)


def _resolve(alternatives: Sequence[pd.DataFrame], keys: list[str]) -> pd.DataFrame:
    """At every vintage, take the lowest-ranked alternative known for each key.

    Each frame has ``keys + [period_start, filed, value, rank]`` with one rank per frame.
    """
    frames = [a for a in alternatives if not a.empty]
    if not frames:
        return pd.DataFrame(columns=[*keys, "period_start", "filed", "value", "rank"])
    names = [f"v{i}" for i in range(len(frames))]
    joined = _asof_join(frames, keys, names)
    values = joined[names].to_numpy(dtype="float64")
    has = ~np.isnan(values)
    first = np.argmax(has, axis=1)
    ok = has.any(axis=1)
    ranks = np.array([int(f["rank"].iloc[0]) for f in frames])
    out = joined.loc[ok, [*keys, "filed"]].copy()
    out["value"] = values[np.flatnonzero(ok), first[ok]]
    out["rank"] = ranks[first[ok]]
    # period_start of the winning alternative's period (starts may differ by a day or two).
    starts = pd.concat(
        [f[[*keys, "period_start"]].assign(rank=int(f["rank"].iloc[0])) for f in frames]
    ).drop_duplicates([*keys, "rank"])
    merged: pd.DataFrame = out.merge(starts, on=[*keys, "rank"], how="left")
    return merged


def _alternative(
    series: pd.DataFrame, alt: tuple[str, ...], rank: int, keys: list[str]
) -> pd.DataFrame:
    """Values of one alternative (a sum of concepts) per key and vintage."""
    required = [c for c in alt if not c.startswith("?")]
    optional = [c.lstrip("?") for c in alt if c.startswith("?")]
    parts = [series[series["concept"] == c] for c in (*required, *optional)]
    if any(p.empty for p in parts[: len(required)]) or not required:
        return pd.DataFrame()
    if len(parts) == 1 or all(p.empty for p in parts[1:]):
        base = parts[0]
        return base[[*keys, "period_start", "filed", "value"]].assign(rank=rank)
    names = [f"c{i}" for i in range(len(parts))]
    present = [(p, n) for p, n in zip(parts, names, strict=True) if not p.empty]
    joined = _asof_join([p for p, _ in present], keys, [n for _, n in present])
    req = [n for n in names[: len(required)]]
    joined = joined.dropna(subset=req)
    value = joined[req].sum(axis=1)
    for _, n in present[len(required) :]:
        value = value + joined[n].fillna(0.0)
    start = parts[0].drop_duplicates(keys)[[*keys, "period_start"]]
    out = joined[[*keys, "filed"]].assign(value=value.to_numpy())
    return out.merge(start, on=keys, how="left").assign(rank=rank)


def _drop_share_outliers(frame: pd.DataFrame) -> pd.DataFrame:
    """Drop share counts off by a factor > 50 from the symbol's median (unit slips in vendor data).

    Real example: SimFin PAHC FY2020 diluted shares 40,504 against about 40.5 million in every
    other year.
    """
    med = frame.groupby("symbol")["value"].transform("median")
    ratio = frame["value"] / med
    bad = (frame["value"] <= 0) | (ratio > _SHARE_JUMP) | (ratio < 1 / _SHARE_JUMP)
    if bad.any():
        log.info(
            "dropped %d share counts off by more than %gx from the median", bad.sum(), _SHARE_JUMP
        )
    return frame[~bad]


# ----------------------------------------------------------------------------- public API
def normalize(facts: pd.DataFrame, *, items: Iterable[str] | None = None) -> pd.DataFrame:
    """Turn ``fundamentals`` rows into standard items, one row per period and vintage.

    Parameters
    ----------
    facts
        Rows of the ``fundamentals`` table (any mix of symbols and sources).
    items
        Names of :data:`ITEMS` to build (default: all).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ITEM_COLUMNS`: symbol, item, span (``Q`` discrete quarter, ``FY``
        fiscal year, ``I`` instant), period_start (null for instants), period_end, filed (the
        date this value became known), value (USD or shares; expenses and capex positive),
        rank (index of the chain alternative used, 0 = first) and concepts (the alternative's
        concepts joined by ``+``). A period with several rows was restated or re-derived; the
        row with the latest ``filed`` on or before a date is the value known then.

    Raises
    ------
    DataError
        An unknown item name.

    Notes
    -----
    SOURCES.md §6 (tag chains, duration classes, Q4 = FY − 9M, point in time by ``filed``).
    """
    chosen = dict(ITEMS) if items is None else {n: _item(n) for n in items}
    empty = empty_items()
    if facts.empty:
        return empty
    prepared = _prepare(facts, chosen)
    if prepared.empty:
        return empty
    flows = _quarterize(prepared[prepared["span"] == "D"])
    stocks = prepared[prepared["span"] == "I"][
        ["symbol", "concept", "span", "period_start", "period_end", "filed", "value"]
    ]
    series = pd.concat([flows, stocks], ignore_index=True)
    keys = ["symbol", "span", "period_end"]
    pieces: list[pd.DataFrame] = []
    for item in chosen.values():
        wanted = series[series["concept"].isin(list(item.concepts))]
        if wanted.empty:
            continue
        alts = [_alternative(wanted, alt, r, keys) for r, alt in enumerate(item.chain)]
        resolved = _resolve(alts, keys)
        if resolved.empty:
            continue
        labels = {r: "+".join(c.lstrip("?") for c in alt) for r, alt in enumerate(item.chain)}
        resolved = resolved.assign(item=item.name, concepts=resolved["rank"].map(labels))
        if item.unit == "shares":
            resolved = _drop_share_outliers(resolved)
        pieces.append(_dedupe_vintages(resolved, ["symbol", "item", "span", "period_end"]))
    if not pieces:
        return empty
    out = pd.concat(pieces, ignore_index=True)[list(ITEM_COLUMNS)]
    out["rank"] = out["rank"].astype("int64")
    for col in ("period_start", "period_end", "filed"):
        out[col] = pd.to_datetime(out[col]).astype("datetime64[ns]")
    out["value"] = out["value"].astype("float64")
    return out.sort_values(
        ["symbol", "item", "span", "period_end", "filed"], kind="mergesort"
    ).reset_index(drop=True)


def empty_items() -> pd.DataFrame:
    """Return an empty standard-items frame with the column dtypes of :func:`normalize`."""
    dtypes = {
        "period_start": "datetime64[ns]",
        "period_end": "datetime64[ns]",
        "filed": "datetime64[ns]",
        "value": "float64",
        "rank": "int64",
    }
    return pd.DataFrame({c: pd.Series(dtype=dtypes.get(c, object)) for c in ITEM_COLUMNS})


def known_as_of(
    items: pd.DataFrame, as_of: DateLike, *, vintage: Vintage = "latest"
) -> pd.DataFrame:
    """Return the standard items known on a date, one row per (symbol, item, span, period_end).

    Parameters
    ----------
    items
        Output of :func:`normalize`.
    as_of
        Only rows filed on or before this date are used.
    vintage
        ``latest`` (default): the newest value filed by then, restatements included;
        ``first``: the value as first reported.

    Returns
    -------
    pandas.DataFrame
        Same columns as ``items``.
    """
    if vintage not in ("latest", "first"):
        raise DataError(f"vintage {vintage!r} is not valid; use 'latest' or 'first'")
    cut = items[items["filed"] <= pd.Timestamp(as_of)]
    cut = cut.sort_values("filed", kind="mergesort")
    keep: Literal["first", "last"] = "last" if vintage == "latest" else "first"
    cut = cut.drop_duplicates(["symbol", "item", "span", "period_end"], keep=keep)
    return cut.sort_values(["symbol", "item", "span", "period_end"], kind="mergesort").reset_index(
        drop=True
    )


def _item(name: str) -> Item:
    try:
        return ITEMS[name]
    except KeyError:
        raise DataError(
            f"unknown standard item {name!r}; valid items are {sorted(ITEMS)}"
        ) from None
