"""Normalisation and metrics on the real SEC fixtures; expected numbers read from the JSON."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sizeup.data.formats.sec import parse_companyfacts
from sizeup.errors import DataError
from sizeup.fundamentals import ITEMS, compute_metrics, known_as_of, normalize

pytestmark = pytest.mark.shared_data

FILES = {
    "AAPL": ("sec/companyfacts_CIK0000320193_AAPL_trimmed.json", 320193),
    "NVDA": ("sec/companyfacts_CIK0001045810_NVDA_trimmed.json", 1045810),
}


@pytest.fixture(scope="module")
def items(shared_fixtures: Path) -> pd.DataFrame:
    facts = pd.concat(
        [
            parse_companyfacts((shared_fixtures / f).read_bytes(), name=f, tickers={cik: sym})
            for sym, (f, cik) in FILES.items()
        ],
        ignore_index=True,
    )
    return normalize(facts)


def _value(frame: pd.DataFrame, symbol: str, item: str, span: str, end: str) -> pd.DataFrame:
    sel = (frame["symbol"] == symbol) & (frame["item"] == item) & (frame["span"] == span)
    return frame[sel & (frame["period_end"] == pd.Timestamp(end))].sort_values("filed")


def test_q4_derived_as_fy_minus_9m(items: pd.DataFrame) -> None:
    # NVDA us-gaap:InterestExpense FY 2023-01-30..2024-01-28 = 257,000,000 (10-K 2024-02-21);
    # 9M YTD 2023-01-30..2023-10-29 = 194,000,000 -> Q4 = 63,000,000.
    q4 = _value(items, "NVDA", "interest_expense", "Q", "2024-01-28")
    assert q4["value"].tolist() == [63_000_000.0]
    assert q4["period_start"].tolist() == [pd.Timestamp("2023-10-30")]
    assert q4["filed"].tolist() == [pd.Timestamp("2024-02-21")]
    # AAPL us-gaap:NetIncomeLoss FY 2023-10-01..2024-09-28 = 93,736M; 9M YTD to 2024-06-29
    # = 79,000M -> Q4 = 14,736M
    aapl = _value(items, "AAPL", "net_income", "Q", "2024-09-28")
    assert aapl["value"].tolist() == [14_736_000_000.0]


def test_tag_switch_interest_expense(items: pd.DataFrame) -> None:
    # Q1 FY2025 (to 2024-04-28) only under InterestExpense (64M); Q2 (to 2024-07-28) only under
    # InterestExpenseNonoperating (61M, 10-Q filed 2024-08-28).
    q1 = _value(items, "NVDA", "interest_expense", "Q", "2024-04-28")
    assert q1["value"].tolist() == [64_000_000.0]
    assert q1["concepts"].tolist() == ["us-gaap:InterestExpense"]
    q2 = _value(items, "NVDA", "interest_expense", "Q", "2024-07-28")
    assert q2["value"].tolist() == [61_000_000.0]
    assert q2["concepts"].tolist() == ["us-gaap:InterestExpenseNonoperating"]
    # TTM interest as of 2024-11-30: 63 (derived Q4) + 64 + 61 + 61 = 249M
    m = compute_metrics(items, as_of="2024-11-30").set_index("symbol")
    assert m.loc["NVDA", "interest_expense_ttm"] == 249_000_000.0


def test_restatement_and_point_in_time(items: pd.DataFrame) -> None:
    # AAPL FY2007 (2006-10-01..2007-09-29) NetIncomeLoss: 3,496M in the 10-K filed
    # 2009-10-27, 3,495M in the 10-K/A filed 2010-01-25.
    rows = _value(items, "AAPL", "net_income", "FY", "2007-09-29")
    assert rows["value"].tolist() == [3_496_000_000.0, 3_495_000_000.0]
    before = known_as_of(items, "2010-01-24")
    after = known_as_of(items, "2010-01-25")
    first = known_as_of(items, "2024-12-31", vintage="first")
    for frame, expected in ((before, 3_496e6), (after, 3_495e6), (first, 3_496e6)):
        got = _value(frame, "AAPL", "net_income", "FY", "2007-09-29")
        assert got["value"].tolist() == [expected]
    # nothing filed after the date leaks in: as of 2009-10-26 the FY2007 figure is unknown
    assert _value(known_as_of(items, "2009-10-26"), "AAPL", "net_income", "FY", "2007-09-29").empty
    # SalesRevenueNet FY2007: 24,006M (10-K) restated to 24,578M (10-K/A)
    rev = _value(items, "AAPL", "revenue", "FY", "2007-09-29")
    assert rev["value"].tolist() == [24_006_000_000.0, 24_578_000_000.0]
    with pytest.raises(DataError, match="vintage"):
        known_as_of(items, "2020-01-01", vintage="middle")


def test_total_debt_and_restated_component(items: pd.DataFrame) -> None:
    # AAPL 2024-09-28: LongTermDebt 96,662M + CommercialPaper 9,967M = 106,629M
    debt = _value(items, "AAPL", "total_debt", "I", "2024-09-28")
    assert debt["value"].tolist() == [106_629_000_000.0]
    # AAPL 2023-09-30: LongTermDebt 105,100M (10-Q 2024-02-02) then 105,103M (10-K 2024-11-01),
    # plus CommercialPaper 5,985M
    d23 = _value(items, "AAPL", "total_debt", "I", "2023-09-30")
    assert d23["value"].tolist() == [111_085_000_000.0, 111_088_000_000.0]
    assert d23["filed"].tolist() == [pd.Timestamp("2024-02-02"), pd.Timestamp("2024-11-01")]
    # NVDA 2024-10-27: LongTermDebt 8,462M + CommercialPaper none that date
    nv = _value(items, "NVDA", "total_debt", "I", "2024-10-27")
    assert nv["value"].tolist() == [8_462_000_000.0]


def test_metrics_hand_computed(items: pd.DataFrame) -> None:
    prices = pd.DataFrame(
        {"symbol": ["AAPL"], "date": [pd.Timestamp("2024-11-29")], "close": [200.0]}
    )
    m = compute_metrics(items, as_of="2024-11-30", prices=prices).set_index("symbol")
    a = m.loc["AAPL"]
    # TTM net income = quarters 33,916 + 23,636 + 21,448 + 14,736 (derived) = 93,736M
    assert a["net_income_ttm"] == 93_736_000_000.0 and a["basis"] == "quarterly"
    assert a["net_income_q"] == 14_736_000_000.0
    assert a["quarters_positive"] == 4 and a["quarters_reported"] == 4
    # shares = dei cover 15,115,823,000 (2024-10-18)
    assert a["shares"] == 15_115_823_000.0
    assert a["eps_ttm"] == pytest.approx(93_736e6 / 15_115_823_000)
    # EBIT TTM: OperatingIncomeLoss FY2024 123,216M; interest: FY2023 InterestExpense 3,933M
    assert a["interest_coverage"] == pytest.approx(123_216 / 3_933)
    # EBITDA = 123,216 + D&A FY2024 11,445 = 134,661M; net debt = 106,629 - cash 29,943
    assert a["net_debt_to_ebitda"] == pytest.approx((106_629 - 29_943) / 134_661)
    # maturities 2024-09-28: next 12 months 10,930M; year two 12,342M
    assert a["debt_due_12m_share"] == pytest.approx(10_930 / 106_629)
    assert a["debt_due_24m_share"] == pytest.approx((10_930 + 12_342) / 106_629)
    # liquidity = cash 29,943 + OCF TTM 118,254
    assert a["debt_due_12m_to_liquidity"] == pytest.approx(10_930 / (29_943 + 118_254))
    # value ratios at close 200
    cap = 200.0 * 15_115_823_000
    assert a["market_cap"] == cap
    assert a["earnings_yield"] == pytest.approx(93_736e6 / cap)
    assert a["book_to_price"] == pytest.approx(56_950e6 / cap)
    assert a["sales_to_price"] == pytest.approx(391_035e6 / cap)
    assert pd.isna(m.loc["NVDA", "market_cap"])  # no price given


def test_point_in_time_metrics_before_filing(items: pd.DataFrame) -> None:
    # The day before the FY2024 10-K (filed 2024-11-01) the last known quarter is Q3 (to
    # 2024-06-29, 21,448M) and TTM uses Q4 FY2023 (derived 96,995 - ... unknown in the
    # trimmed file) -> the quarterly TTM is incomplete and the FY2023 figure 96,995M is used.
    m = compute_metrics(items, as_of="2024-10-31").set_index("symbol")
    assert m.loc["AAPL", "net_income_q"] == 21_448_000_000.0
    assert m.loc["AAPL", "net_income_ttm"] == 96_995_000_000.0
    assert m.loc["AAPL", "basis"] == "annual"
    after = compute_metrics(items, as_of="2024-11-01").set_index("symbol")
    assert after.loc["AAPL", "net_income_ttm"] == 93_736_000_000.0


def test_unknown_item() -> None:
    with pytest.raises(DataError, match="valid items"):
        normalize(pd.DataFrame({"concept": []}), items=["profit"])
    assert "net_income" in ITEMS
