"""Point-in-time metrics per company from standard items and prices, computed in DuckDB.

The metrics are one SQL query (:func:`metrics_sql`) over two relations:

``std_items``
    Output of :func:`sizeup.fundamentals.normalize` (symbol, item, span, period_end, filed,
    value, ...).
``prices``
    symbol, date, close.

The same SQL is the first stage of every screen (:mod:`sizeup.fundamentals._screens`), so a
number in a screen is the number :func:`compute_metrics` returns.

Definitions (docs/methods.md §D2–§D5, F28–F32):

* TTM of a flow = sum of the last four discrete quarters known at the date when they are
  contiguous (first to last quarter end 250–300 days apart) and at least as recent as the latest
  fiscal year; otherwise the latest fiscal-year value (``basis = 'annual'``). Stale data (TTM or
  balance sheet ending more than ``stale_days`` before the date) is treated as missing.
* EPS = net income / shares (latest known share count: cover-page shares, else balance-sheet
  shares, else diluted weighted average).
* interest_coverage = EBIT (operating income TTM) / interest expense TTM; ``inf`` when interest
  expense is zero or negative (net interest income, SimFin's net figure).
* net_debt_to_ebitda = (total debt − cash) / EBITDA TTM, ``inf`` when EBITDA ≤ 0.
* debt_due_12m_share = debt maturing in the next 12 months / total debt; ``_24m`` adds year two;
  ``_to_liquidity`` divides by cash + operating cash flow TTM.
* quarters_positive = quarters with net income > 0 among the last ``stability_quarters``.
* value ratios use market cap = close × shares: earnings_yield (E/P), book_to_price,
  sales_to_price, fcf_yield (FCF/P, FCF = operating cash flow − capex).

All ratios are decimal fractions.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

import duckdb
import pandas as pd

from sizeup.errors import DataError
from sizeup.fundamentals._normalize import ITEMS
from sizeup.types import DateLike

__all__ = ["FIELDS", "Field", "compute_metrics", "metrics_sql"]

FieldKind = Literal["number", "text", "date"]


@dataclass(frozen=True)
class Field:
    """A metric column.

    Parameters
    ----------
    name
        Column name.
    description
        What it is, with units.
    quarterly
        Needs quarterly statements (cannot be computed from annual-only data such as SimFin).
    kind
        ``number``, ``text`` or ``date``.
    """

    name: str
    description: str
    quarterly: bool = False
    kind: FieldKind = "number"


_FLOWS: Final = tuple(n for n, i in ITEMS.items() if i.kind == "flow")
_STOCKS: Final = tuple(n for n, i in ITEMS.items() if i.kind == "stock")

FIELDS: Final[dict[str, Field]] = {
    f.name: f
    for f in (
        *(
            Field(f"{n}_ttm", f"{n.replace('_', ' ')}, trailing twelve months (USD)")
            for n in _FLOWS
        ),
        Field("net_income_q", "net income of the last reported quarter (USD)", quarterly=True),
        Field("operating_income_q", "operating income of the last quarter (USD)", quarterly=True),
        Field("last_quarter_end", "end of the last reported quarter", quarterly=True, kind="date"),
        Field("quarters_positive", "quarters with net income > 0 among the last N", quarterly=True),
        Field("quarters_reported", "quarters with net income among the last N", quarterly=True),
        Field("years_positive", "fiscal years with net income > 0 among the last N"),
        Field("years_reported", "fiscal years with net income among the last N"),
        Field(
            "quarters_positive_share",
            "quarters_positive / quarters_reported (needs >= 4 quarters)",
            quarterly=True,
        ),
        Field("years_positive_share", "years_positive / years_reported (needs >= 3 years)"),
        Field(
            "basis", "'quarterly' if TTM net income comes from quarters, else 'annual'", kind="text"
        ),
        Field("ttm_end", "period end of the TTM net income", kind="date"),
        *(Field(n, f"{n.replace('_', ' ')}, latest balance sheet") for n in _STOCKS),
        Field(
            "balance_end",
            "period end of the latest balance sheet (total debt or equity)",
            kind="date",
        ),
        Field("ebitda_ttm", "operating income + D&A, TTM (USD)"),
        Field("fcf_ttm", "operating cash flow − capex, TTM (USD)"),
        Field("net_debt", "total debt − cash (USD)"),
        Field("debt_due_24m", "debt maturing within 24 months (USD)"),
        Field("eps_ttm", "net income TTM / shares (USD per share)"),
        Field("eps_q", "net income of the last quarter / shares", quarterly=True),
        Field("interest_coverage", "EBIT TTM / interest expense TTM (inf if no interest)"),
        Field("net_debt_to_ebitda", "net debt / EBITDA TTM (inf if EBITDA <= 0)"),
        Field("debt_due_12m_share", "debt due in 12 months / total debt"),
        Field("debt_due_24m_share", "debt due in 24 months / total debt"),
        Field("debt_due_12m_to_liquidity", "debt due in 12 months / (cash + OCF TTM)"),
        Field("debt_due_24m_to_liquidity", "debt due in 24 months / (cash + OCF TTM)"),
        Field("roe", "net income TTM / equity"),
        Field("operating_margin", "operating income TTM / revenue TTM"),
        Field("price", "close on or before the date (within 10 days)"),
        Field("price_date", "date of that close", kind="date"),
        Field("market_cap", "price × shares (USD)"),
        Field("earnings_yield", "E/P = net income TTM / market cap"),
        Field("book_to_price", "B/P = equity / market cap"),
        Field("sales_to_price", "S/P = revenue TTM / market cap"),
        Field("fcf_yield", "FCF/P = FCF TTM / market cap"),
    )
}
"""Every metric column, by name (the fields a screen may use)."""


def _date_literal(value: DateLike, what: str) -> str:
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise DataError(f"{what} {value!r} is not a date: {exc}") from None
    if pd.isna(ts):
        raise DataError(f"{what} {value!r} is not a date")
    return f"DATE '{ts.date().isoformat()}'"


def _div(num: str, den: str) -> str:
    return f"CASE WHEN ({den}) IS NULL OR ({den}) = 0 THEN NULL ELSE ({num}) / ({den}) END"


def metrics_sql(
    as_of: DateLike,
    *,
    stability_quarters: int = 8,
    stability_years: int = 5,
    stale_days: int = 470,
    quarter_stale_days: int = 230,
) -> str:
    """Return the DuckDB SQL of the per-symbol metrics as of a date.

    Parameters
    ----------
    as_of
        Only facts filed on or before this date, prices on or before it.
    stability_quarters, stability_years
        N of ``quarters_positive`` / ``years_positive``.
    stale_days
        TTM figures and balance sheets ending longer ago than this are ignored.
    quarter_stale_days
        The last quarter is ignored when it ended longer ago than this.

    Returns
    -------
    str
        A ``SELECT`` over relations ``std_items`` and ``prices`` with one row per symbol and the
        columns of :data:`FIELDS` (plus ``symbol``).
    """
    for label, n in (
        ("stability_quarters", stability_quarters),
        ("stability_years", stability_years),
        ("stale_days", stale_days),
        ("quarter_stale_days", quarter_stale_days),
    ):
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise DataError(f"{label} must be a positive integer, got {n!r}")
    d = _date_literal(as_of, "as_of")
    liquidity = "coalesce(cash, 0) + operating_cash_flow_ttm"
    # history each span needs: N fiscal years / N quarters before the staleness limit
    fy_days = stability_years * 366 + stale_days
    q_days = max(stability_quarters, 4) * 92 + quarter_stale_days
    flow_cols = ",\n".join(f"  max(ttm) FILTER (WHERE item = '{n}') AS {n}_ttm" for n in _FLOWS)
    stock_cols = ",\n".join(f"  max(i_value) FILTER (WHERE item = '{n}') AS {n}" for n in _STOCKS)
    return f"""
WITH known AS (
  SELECT symbol, item, span, period_end, arg_max(value, filed) AS value
  FROM std_items
  WHERE filed <= {d} AND period_end <= {d} AND (
    (span = 'FY' AND period_end > {d} - INTERVAL {fy_days} DAY)
    OR (span = 'Q' AND period_end > {d} - INTERVAL {q_days} DAY)
    OR (span = 'I' AND period_end > {d} - INTERVAL {stale_days} DAY))
  GROUP BY symbol, item, span, period_end
),
q AS (
  SELECT *, row_number() OVER (PARTITION BY symbol, item ORDER BY period_end DESC) AS rn
  FROM known WHERE span = 'Q'
),
qagg AS (
  SELECT symbol, item,
    max(period_end) FILTER (WHERE rn = 1) AS q_end,
    max(value) FILTER (WHERE rn = 1) AS q_last,
    sum(value) FILTER (WHERE rn <= 4) AS q4_sum,
    count(*) FILTER (WHERE rn <= 4) AS q4_n,
    min(period_end) FILTER (WHERE rn <= 4) AS q4_first,
    count(*) FILTER (WHERE rn <= {stability_quarters} AND value > 0) AS q_pos,
    count(*) FILTER (WHERE rn <= {stability_quarters}) AS q_n
  FROM q GROUP BY symbol, item
),
fy AS (
  SELECT *, row_number() OVER (PARTITION BY symbol, item ORDER BY period_end DESC) AS rn
  FROM known WHERE span = 'FY'
),
fyagg AS (
  SELECT symbol, item,
    max(period_end) FILTER (WHERE rn = 1) AS fy_end,
    max(value) FILTER (WHERE rn = 1) AS fy_last,
    count(*) FILTER (WHERE rn <= {stability_years} AND value > 0) AS fy_pos,
    count(*) FILTER (WHERE rn <= {stability_years}) AS fy_n
  FROM fy GROUP BY symbol, item
),
flow AS (
  SELECT symbol, item, q_last, q_end, q_pos, q_n, fy_pos, fy_n,
    CASE WHEN q_ok THEN q4_sum WHEN fy_end IS NOT NULL THEN fy_last END AS ttm_raw,
    CASE WHEN q_ok THEN q_end ELSE fy_end END AS ttm_end,
    CASE WHEN q_ok THEN 'quarterly' WHEN fy_end IS NOT NULL THEN 'annual' END AS basis
  FROM (
    SELECT *,
      coalesce(q4_n = 4 AND date_diff('day', q4_first, q_end) BETWEEN 250 AND 300
               AND q_end >= coalesce(fy_end, DATE '1900-01-01'), false) AS q_ok
    FROM qagg FULL OUTER JOIN fyagg USING (symbol, item)
  )
),
flow_fresh AS (
  SELECT *,
    CASE WHEN ttm_end > {d} - INTERVAL {stale_days} DAY THEN ttm_raw END AS ttm,
    CASE WHEN q_end > {d} - INTERVAL {quarter_stale_days} DAY THEN q_last END AS q_fresh
  FROM flow
),
inst AS (
  SELECT symbol, item, period_end AS i_end, value AS i_value FROM known
  WHERE span = 'I' AND period_end > {d} - INTERVAL {stale_days} DAY
  QUALIFY row_number() OVER (PARTITION BY symbol, item ORDER BY period_end DESC) = 1
),
fw AS (
  SELECT symbol,
{flow_cols},
  max(q_fresh) FILTER (WHERE item = 'net_income') AS net_income_q,
  max(q_fresh) FILTER (WHERE item = 'operating_income') AS operating_income_q,
  max(q_end) FILTER (WHERE item = 'net_income' AND q_fresh IS NOT NULL) AS last_quarter_end,
  max(q_pos) FILTER (WHERE item = 'net_income' AND q_fresh IS NOT NULL) AS quarters_positive,
  max(q_n) FILTER (WHERE item = 'net_income' AND q_fresh IS NOT NULL) AS quarters_reported,
  max(fy_pos) FILTER (WHERE item = 'net_income') AS years_positive,
  max(fy_n) FILTER (WHERE item = 'net_income') AS years_reported,
  max(basis) FILTER (WHERE item = 'net_income' AND ttm IS NOT NULL) AS basis,
  max(ttm_end) FILTER (WHERE item = 'net_income' AND ttm IS NOT NULL) AS ttm_end
  FROM flow_fresh GROUP BY symbol
),
sw AS (
  SELECT symbol,
{stock_cols},
  max(i_end) FILTER (WHERE item IN ('total_debt', 'equity')) AS balance_end
  FROM inst GROUP BY symbol
),
px AS (
  SELECT symbol, arg_max(close, date) AS price, max(date) AS price_date
  FROM prices WHERE date <= {d} AND date > {d} - INTERVAL 10 DAY AND close > 0
  GROUP BY symbol
),
base AS (
  SELECT *,
    operating_income_ttm + depreciation_amortization_ttm AS ebitda_ttm,
    operating_cash_flow_ttm - capex_ttm AS fcf_ttm,
    total_debt - coalesce(cash, 0) AS net_debt,
    debt_due_12m + debt_due_y2 AS debt_due_24m,
    CASE WHEN shares > 0 THEN price * shares END AS market_cap
  FROM fw FULL OUTER JOIN sw USING (symbol) LEFT JOIN px USING (symbol)
)
SELECT *,
  CASE WHEN quarters_reported >= 4 THEN quarters_positive / quarters_reported END
    AS quarters_positive_share,
  CASE WHEN years_reported >= 3 THEN years_positive / years_reported END AS years_positive_share,
  CASE WHEN shares > 0 THEN net_income_ttm / shares END AS eps_ttm,
  CASE WHEN shares > 0 THEN net_income_q / shares END AS eps_q,
  CASE WHEN interest_expense_ttm IS NULL OR operating_income_ttm IS NULL THEN NULL
       WHEN interest_expense_ttm <= 0 THEN 'inf'::DOUBLE
       ELSE operating_income_ttm / interest_expense_ttm END AS interest_coverage,
  CASE WHEN ebitda_ttm IS NULL OR net_debt IS NULL THEN NULL
       WHEN ebitda_ttm <= 0 THEN 'inf'::DOUBLE
       ELSE net_debt / ebitda_ttm END AS net_debt_to_ebitda,
  {_div("debt_due_12m", "total_debt")} AS debt_due_12m_share,
  {_div("debt_due_24m", "total_debt")} AS debt_due_24m_share,
  {_div("debt_due_12m", liquidity)} AS debt_due_12m_to_liquidity,
  {_div("debt_due_24m", liquidity)} AS debt_due_24m_to_liquidity,
  CASE WHEN equity > 0 THEN net_income_ttm / equity END AS roe,
  CASE WHEN revenue_ttm > 0 THEN operating_income_ttm / revenue_ttm END AS operating_margin,
  {_div("net_income_ttm", "market_cap")} AS earnings_yield,
  {_div("equity", "market_cap")} AS book_to_price,
  {_div("revenue_ttm", "market_cap")} AS sales_to_price,
  {_div("fcf_ttm", "market_cap")} AS fcf_yield
FROM base
"""


def _empty_prices() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "symbol": pd.Series(dtype=object),
            "date": pd.Series(dtype="datetime64[ns]"),
            "close": pd.Series(dtype="float64"),
        }
    )


def tidy_prices(prices: pd.DataFrame | None) -> pd.DataFrame:
    """Accept tidy (symbol, date, close) or wide (DatetimeIndex x symbol) prices.

    Returns
    -------
    pandas.DataFrame
        Tidy symbol, date, close without NaN closes.
    """
    if prices is None or prices.empty:
        return _empty_prices()
    if {"symbol", "date", "close"} <= set(prices.columns):
        out = prices[["symbol", "date", "close"]].copy()
    else:
        if not isinstance(prices.index, pd.DatetimeIndex):
            raise DataError(
                "prices must be tidy (columns symbol, date, close) or wide with a DatetimeIndex; "
                f"got columns {list(prices.columns)[:5]} and index {type(prices.index).__name__}"
            )
        wide = prices.copy()
        wide.index = wide.index.rename("date")
        out = wide.reset_index().melt(id_vars="date", var_name="symbol", value_name="close")
    out = out.dropna(subset=["close"])
    out["date"] = pd.to_datetime(out["date"]).astype("datetime64[ns]")
    out["close"] = out["close"].astype("float64")
    out["symbol"] = out["symbol"].astype(str)
    return out.reset_index(drop=True)


def compute_metrics(
    items: pd.DataFrame,
    *,
    as_of: DateLike,
    prices: pd.DataFrame | None = None,
    symbols: list[str] | None = None,
    stability_quarters: int = 8,
    stability_years: int = 5,
) -> pd.DataFrame:
    """Metrics of every symbol as of a date (see module docstring for the definitions).

    Parameters
    ----------
    items
        Standard items from :func:`sizeup.fundamentals.normalize`.
    as_of
        The date; nothing filed or priced after it is used.
    prices
        Closes, tidy (symbol, date, close) or wide (DatetimeIndex x symbol); value ratios are
        NaN without them.
    symbols
        Restrict the result to these symbols.
    stability_quarters, stability_years
        N of ``quarters_positive`` / ``years_positive``.

    Returns
    -------
    pandas.DataFrame
        One row per symbol, columns ``symbol`` + :data:`FIELDS`, sorted by symbol.
    """
    sql = metrics_sql(as_of, stability_quarters=stability_quarters, stability_years=stability_years)
    with duckdb.connect() as con:
        con.register("std_items", items)
        con.register("prices", tidy_prices(prices))
        out = con.execute(sql).df()
    if symbols is not None:
        out = out[out["symbol"].isin(symbols)]
    cols = ["symbol", *FIELDS]
    return out[cols].sort_values("symbol").reset_index(drop=True)
