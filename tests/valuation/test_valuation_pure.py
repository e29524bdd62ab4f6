"""Relative valuation on hand-made annual items: P/E, P/B, P/S, loss-makers, point in time.

Every expected number below is worked out by hand in the comments from the rows built here.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest

from sizeup.errors import DataError
from sizeup.fundamentals import ITEM_COLUMNS
from sizeup.fundamentals._valuation import (
    aggregate_valuation,
    company_valuations,
    history_dates,
    parse_estimates,
    relative_valuation,
    valuation_history,
)

# symbol -> (FY2020 net income, equity, revenue, shares), FY end 2020-12-31 filed 2021-02-15
_FY2020 = {
    "AAA": (10.0, 50.0, 100.0, 4.0),
    "BBB": (-6.0, 40.0, 30.0, 2.0),
    "CCC": (5.0, -8.0, 60.0, 5.0),
    "DDD": (2.0, 20.0, 0.0, 1.0),
}
_CLOSE = {"AAA": 30.0, "BBB": 20.0, "CCC": 4.0, "DDD": 10.0}  # on 2021-03-31


def _items(fy: dict[str, tuple[float, float, float, float]] = _FY2020) -> pd.DataFrame:
    rows = []
    end = pd.Timestamp("2020-12-31")
    filed = pd.Timestamp("2021-02-15")
    for sym, (ni, eq, rev, sh) in fy.items():
        for item, span, v in (
            ("net_income", "FY", ni),
            ("revenue", "FY", rev),
            ("equity", "I", eq),
            ("shares", "I", sh),
        ):
            start = pd.Timestamp("2020-01-01") if span == "FY" else pd.NaT
            rows.append((sym, item, span, start, end, filed, v))
    frame = pd.DataFrame(
        rows, columns=["symbol", "item", "span", "period_start", "period_end", "filed", "value"]
    )
    frame["rank"] = 0
    frame["concepts"] = "hand"
    return frame[list(ITEM_COLUMNS)]


def _prices(date: str = "2021-03-31", closes: dict[str, float] = _CLOSE) -> pd.DataFrame:
    return pd.DataFrame(
        {"symbol": list(closes), "date": pd.Timestamp(date), "close": list(closes.values())}
    )


def test_company_ratios_by_hand() -> None:
    c = company_valuations(
        _items(), ["AAA", "BBB", "CCC", "DDD", "EEE"], as_of="2021-03-31", prices=_prices()
    ).set_index("symbol")
    # caps: AAA 30*4=120, BBB 20*2=40, CCC 4*5=20, DDD 10*1=10; EEE has nothing
    assert c.loc["AAA", "market_cap"] == 120.0
    assert c.loc["AAA", "pe"] == pytest.approx(12.0)  # 120 / 10 = 30 / (10/4)
    assert math.isnan(c.loc["BBB", "pe"]) and c.loc["BBB", "loss_maker"]
    assert c.loc["CCC", "pe"] == pytest.approx(4.0)  # 20 / 5
    assert math.isnan(c.loc["CCC", "pb"])  # negative book
    assert c.loc["AAA", "pb"] == pytest.approx(2.4)  # 120 / 50
    assert math.isnan(c.loc["DDD", "ps"])  # zero revenue
    assert c.loc["BBB", "earnings_yield"] == pytest.approx(-6 / 40)
    assert "EEE" not in c.index


def test_aggregates_and_loss_makers_by_hand() -> None:
    members = ["AAA", "BBB", "CCC", "DDD", "EEE"]
    c = company_valuations(_items(), members, as_of="2021-03-31", prices=_prices())
    a = aggregate_valuation(c, len(members))
    assert a["members"] == 5 and a["with_data"] == 4 and a["coverage"] == pytest.approx(0.8)
    assert a["profitable"] == 3 and a["loss_makers"] == 1
    # excluded: (120 + 20 + 10) / (10 + 5 + 2) = 150 / 17
    assert a["pe_agg_ex"] == pytest.approx(150 / 17)
    # included: (120 + 40 + 20 + 10) / (10 - 6 + 5 + 2) = 190 / 11
    assert a["pe_agg_incl"] == pytest.approx(190 / 11)
    # median P/E of the profitable: 12, 4, 5 -> 5
    assert a["pe_median_ex"] == pytest.approx(5.0)
    # yields 10/120, -6/40, 5/20, 2/10 -> sorted -0.15, 0.0833, 0.2, 0.25 -> median 0.14167
    assert a["pe_median_incl"] == pytest.approx(1 / ((10 / 120 + 2 / 10) / 2))
    assert a["earnings_yield_agg"] == pytest.approx(11 / 190)
    # P/B over positive book AAA, BBB, DDD: (120 + 40 + 10) / (50 + 40 + 20)
    assert a["pb_n"] == 3 and a["pb_agg"] == pytest.approx(170 / 110)
    assert a["pb_median"] == pytest.approx(1.0)  # 2.4, 1.0, 0.5 -> middle 1.0
    # P/S over positive revenue AAA, BBB, CCC: 180 / 190
    assert a["ps_agg"] == pytest.approx(180 / 190)
    assert a["ps_n"] == 3
    assert a["fwd_n"] == 0 and math.isnan(a["fwd_pe_agg"])


def test_all_loss_makers_make_included_pe_undefined() -> None:
    fy = {"XXX": (-1.0, 5.0, 10.0, 1.0), "YYY": (-2.0, 5.0, 10.0, 1.0)}
    c = company_valuations(
        _items(fy),
        ["XXX", "YYY"],
        as_of="2021-03-31",
        prices=_prices(closes={"XXX": 1.0, "YYY": 2.0}),
    )
    a = aggregate_valuation(c, 2)
    assert a["loss_makers"] == 2 and a["loss_share"] == 1.0
    assert math.isnan(a["pe_agg_ex"]) and math.isnan(a["pe_agg_incl"])
    assert math.isnan(a["pe_median_incl"])


def test_point_in_time_by_filing_date() -> None:
    # the day before the filing nothing is known; a close after the date is never used
    before = company_valuations(_items(), ["AAA"], as_of="2021-02-14", prices=_prices("2021-02-12"))
    assert before.empty or before["net_income_ttm"].isna().all()
    late = company_valuations(_items(), ["AAA"], as_of="2021-03-30", prices=_prices("2021-03-31"))
    assert late["market_cap"].isna().all()


def test_forward_pe_uses_next_period_estimate_known_at_the_date() -> None:
    text = (
        "symbol,fiscal_period_end,eps_estimate,as_of,analyst\n"
        "AAA,2021-12-31,3.0,2021-01-10,x\n"
        "AAA,2021-12-31,2.5,2021-03-01,x\n"  # newer estimate of the same period wins
        "AAA,2021-12-31,9.0,2021-04-30,x\n"  # made after the date: ignored
        "AAA,2022-12-31,5.0,2021-03-01,x\n"  # a later period: ignored
        "BBB,2021-12-31,-1.0,2021-03-01,x\n"  # negative estimate: no forward P/E
        "CCC,2020-12-31,1.0,2020-06-01,x\n"  # period already ended: ignored
    )
    est = parse_estimates(text, name="est.csv")
    c = company_valuations(
        _items(), ["AAA", "BBB", "CCC"], as_of="2021-03-31", prices=_prices(), estimates=est
    ).set_index("symbol")
    assert c.loc["AAA", "fwd_pe"] == pytest.approx(30 / 2.5)
    assert math.isnan(c.loc["BBB", "fwd_pe"]) and math.isnan(c.loc["CCC", "eps_estimate"])
    a = aggregate_valuation(c.reset_index(), 3)
    assert a["with_estimate"] == 2 and a["fwd_n"] == 1
    assert a["fwd_pe_agg"] == pytest.approx(120 / (2.5 * 4))


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        ("", ["est.csv", "empty"]),
        (
            "symbol,fiscal_period_end,as_of\nAAA,2021-12-31,2021-01-01\n",
            ["eps_estimate", "missing"],
        ),
        (
            "symbol,fiscal_period_end,eps_estimate,as_of\nAAA,2021-12-31,abc,2021-01-01\n",
            ["line 2", "column eps_estimate", "'abc'"],
        ),
        (
            "symbol,fiscal_period_end,eps_estimate,as_of\nAAA,2021-12-31,1.0,2021-01-01\n"
            "BBB,31/12/2021,1.0,2021-01-01\n",
            ["line 3", "column fiscal_period_end", "31/12/2021"],
        ),
        ("symbol,fiscal_period_end,eps_estimate,as_of\nAAA,2021-12-31,1.0\n", ["line 2", "fields"]),
    ],
)
def test_bad_estimates_name_file_line_and_column(text: str, needles: list[str]) -> None:
    with pytest.raises(DataError) as info:
        parse_estimates(text, name="est.csv")
    msg = str(info.value)
    for n in needles:
        assert n in msg
    assert info.value.input is not None and "est.csv" in info.value.input


def test_history_dates() -> None:
    pts = history_dates("2018-06-30", "2021-03-31", "yearly")
    assert pts == [
        pd.Timestamp(x) for x in ("2018-12-31", "2019-12-31", "2020-12-31", "2021-03-31")
    ]
    assert history_dates("2020-01-15", "2020-03-31", "monthly") == [
        pd.Timestamp(x) for x in ("2020-01-31", "2020-02-29", "2020-03-31")
    ]
    assert history_dates("2020-01-01", "2020-03-31", "none") == [pd.Timestamp("2020-03-31")]
    with pytest.raises(DataError, match="weekly"):
        history_dates("2020-01-01", "2020-03-31", "weekly")  # type: ignore[arg-type]


def test_relative_ratio_mean_and_percentile_by_hand() -> None:
    # two universes over three year ends; the small one's price doubles by the third
    items = _items()
    px = pd.concat(
        [
            _prices("2021-03-31"),
            _prices("2021-06-30", {"AAA": 30.0, "BBB": 20.0, "CCC": 8.0, "DDD": 20.0}),
            _prices("2021-09-30", {"AAA": 60.0, "BBB": 20.0, "CCC": 8.0, "DDD": 20.0}),
        ]
    )
    dates = ["2021-03-31", "2021-06-30", "2021-09-30"]
    hist, last = valuation_history(
        items, {"small": ["CCC", "DDD"], "large": ["AAA"]}, dates, prices=px
    )
    assert len(hist) == 6 and set(last["universe"]) == {"small", "large"}
    ratios, stats = relative_valuation(hist, "small", "large", measures=["pe_agg_ex"])
    # small P/E: (20+10)/7, (40+20)/7, (40+20)/7; large: 12, 12, 24
    expected = [30 / 7 / 12, 60 / 7 / 12, 60 / 7 / 24]
    assert ratios["pe_agg_ex"].tolist() == pytest.approx(expected)
    st = stats.set_index("measure").loc["pe_agg_ex"]
    assert st["mean"] == pytest.approx(sum(expected) / 3)
    # latest 60/168 = 0.357 equals the first (30/84); both <= latest -> 2 of 3
    assert st["percentile"] == pytest.approx(200 / 3)
    assert st["n"] == 3
    # a member without data lowers the small universe's coverage to 2/3: below a 0.9 floor
    # every point is shown but none enters the mean or percentile
    hist3, _ = valuation_history(
        items, {"small": ["CCC", "DDD", "ZZZ"], "large": ["AAA"]}, dates, prices=px
    )
    r3, s3 = relative_valuation(hist3, "small", "large", min_coverage=0.9, measures=["pe_agg_ex"])
    assert r3["small_coverage"].tolist() == pytest.approx([2 / 3] * 3)
    assert not r3["usable"].any() and r3["pe_agg_ex"].tolist() == pytest.approx(expected)
    st3 = s3.set_index("measure").loc["pe_agg_ex"]
    assert st3["n"] == 0 and math.isnan(st3["mean"]) and math.isnan(st3["percentile"])
    with pytest.raises(DataError, match="min_coverage"):
        relative_valuation(hist, "small", "large", min_coverage=2.0)


def test_implausible_names_are_left_out_and_counted() -> None:
    fy = dict(_FY2020)
    fy["SLIP"] = (5000.0, 10.0, 9000.0, 1.0)  # cap 10: E/P 500, revenue 900 x cap
    fy["BIGREV"] = (1.0, 10.0, 2000.0, 1.0)  # cap 10: P/E 10 but P/S 0.005
    closes = {**_CLOSE, "SLIP": 10.0, "BIGREV": 10.0}
    members = ["AAA", "BBB", "CCC", "DDD", "SLIP", "BIGREV"]
    c = company_valuations(
        _items(fy),
        members,
        as_of="2021-03-31",
        prices=_prices(closes=closes),
        excluded={"DDD": "shares_jump: hand-made flag"},
    ).set_index("symbol")
    assert "P/E < 1" in c.loc["SLIP", "implausible"]
    assert "P/S < 0.01" in c.loc["BIGREV", "implausible"]
    assert c.loc["DDD", "implausible"] == "shares_jump: hand-made flag"
    assert c.loc["AAA", "implausible"] == ""
    a = aggregate_valuation(c.reset_index(), len(members))
    # left: AAA, BBB, CCC -> ex-loss (120 + 20) / (10 + 5); 3 of 6 with data
    assert a["implausible"] == 3 and a["with_data"] == 3 and a["coverage"] == 0.5
    assert a["pe_agg_ex"] == pytest.approx(140 / 15)
