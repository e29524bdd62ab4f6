"""Report sections ``valuation`` and ``flows`` on a small hand-made store.

The store (written below, no shared data):

- fundamentals in SimFin's bulk layout: FY2020 published 2021-02-20, FY2021 published
  2022-02-20, for A and B (IWM members, holdings snapshot 2022-05-31) and L (the only name of
  the S&P 500 member list, which ``SPY`` resolves to);
- closes on 2021-12-31 and 2022-06-30;
- IWM shares outstanding and NAV in the iShares fund-history columns (CSV), with a gap between
  Jan 12 and Feb 2.

Every expected figure is worked out by hand in the comments.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sizeup.app.reports import ReportData
from sizeup.data.formats.ishares_history import parse_fund_history
from sizeup.data.formats.simfin import parse_simfin_csv
from sizeup.data.store import Store
from sizeup.report.sections._flows import KEY_FLOWS, flows_section, store_flows_section
from sizeup.report.sections._valuation import (
    KEY_VALUATION,
    TITLE_VALUATION,
    store_valuation_section,
)

_HEAD = "Ticker;SimFinId;Currency;Fiscal Year;Fiscal Period;Report Date;Publish Date;Restated Date"
# ticker -> (FY2020 net income, FY2021 net income), shares (constant)
_NI = {"A": ((20, 25), 4), "B": ((10, -5), 2), "L": ((100, 120), 10)}
_CLOSES = {
    "2021-12-31": {"A": 50.0, "B": 40.0, "L": 300.0},
    "2022-06-30": {"A": 60.0, "B": 30.0, "L": 240.0},
}
_HISTORY = """As Of,NAV per Share,Ex-Dividends,Shares Outstanding
"Feb 02, 2026",52.00,--,"1,030,000"
"Jan 12, 2026",51.00,--,"1,025,000"
"Jan 07, 2026",50.20,--,"1,005,000"
"Jan 06, 2026",50.50,--,"1,010,000"
"Jan 05, 2026",50.00,--,"1,000,000"
"""

# valuation by hand (index-style P/E = sum of caps / sum of earnings, loss-makers excluded):
# 2021-12-31, FY2020 known: small = (50*4 + 40*2) / (20 + 10) = 280 / 30; large = 300*10 / 100
# 2022-06-30, FY2021 known: B loses 5 -> small = 60*4 / 25 = 9.6; large = 240*10 / 120 = 20
_SMALL = [280 / 30, 9.6]
_LARGE = [30.0, 20.0]
_RATIO = [s / g for s, g in zip(_SMALL, _LARGE, strict=True)]


def hand_store(root: Path) -> Store:
    """Write the hand-made store described in the module docstring."""
    st = Store.open(root)
    inc = [_HEAD + ";Shares (Basic);Shares (Diluted);Revenue;Net Income"]
    bal = [_HEAD + ";Shares (Basic);Shares (Diluted);Total Equity"]
    for k, (sym, (years, sh)) in enumerate(_NI.items()):
        for year, ni in zip((2020, 2021), years, strict=True):
            lead = f"{sym};{k + 1};USD;{year};FY;{year}-12-31;{year + 1}-02-20;{year + 1}-02-20"
            inc.append(f"{lead};{sh};{sh};{4 * abs(ni) + 20};{ni}")
            bal.append(f"{lead};{sh};{sh};{3 * abs(ni)}")
    facts = pd.concat(
        [
            parse_simfin_csv(("\n".join(inc) + "\n").encode(), name="income.csv"),
            parse_simfin_csv(("\n".join(bal) + "\n").encode(), name="balance.csv"),
        ],
        ignore_index=True,
    )
    bars = pd.DataFrame(
        [
            (sym, pd.Timestamp(day), px, px, "hand")
            for day, closes in _CLOSES.items()
            for sym, px in closes.items()
        ],
        columns=["symbol", "date", "close", "adj_close", "source"],
    )
    holdings = pd.DataFrame(
        {
            "fund": "IWM",
            "as_of": pd.Timestamp("2022-05-31"),
            "symbol": ["A", "B"],
            "asset_class": "Equity",
            "source": "hand",
        }
    )
    symbols = pd.DataFrame(
        {"symbol": ["L"], "name": ["L corp"], "source": "constituents_csv/sp500"}
    )
    series = parse_fund_history(_HISTORY.encode(), name="IWM_fund.csv", fund="IWM")
    st.write(
        {
            "fundamentals": facts,
            "bars": bars,
            "holdings": holdings,
            "symbols": symbols,
            "series": series,
        }
    )
    return st


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    return hand_store(tmp_path_factory.mktemp("valflows") / "store")


def test_valuation_section_by_hand(store: Store) -> None:
    section = store_valuation_section(ReportData(store, pd.Timestamp("2022-06-30")), "IWM", "SPY")
    assert section.key == KEY_VALUATION and section.title == TITLE_VALUATION
    assert not section.missing
    ratio_table, history = section.tables
    frame = history.frame
    assert frame["date"].tolist() == [pd.Timestamp("2021-12-31"), pd.Timestamp("2022-06-30")]
    assert frame["IWM P/E"].tolist() == pytest.approx(_SMALL)
    assert frame["SPY P/E"].tolist() == pytest.approx(_LARGE)
    assert frame["ratio"].tolist() == pytest.approx(_RATIO)
    assert frame["IWM coverage"].tolist() == ["2/2 (100%)", "2/2 (100%)"]
    assert frame["loss-makers small / large"].tolist() == ["0 / 0", "1 / 0"]
    pe = ratio_table.frame.iloc[0]
    assert pe["measure"].startswith("trailing P/E, index-style")
    assert pe["latest ratio"] == pytest.approx(_RATIO[1])
    assert pe["long-run mean"] == pytest.approx(sum(_RATIO) / 2)
    assert pe["percentile"] == pytest.approx(100.0)  # 0.48 is the higher of the two points
    # provenance: as-of, coverage of the points, sources, basis
    assert history.as_of == pd.Timestamp("2022-06-30")
    (cov,) = section.figures[0].coverage
    assert cov.first == pd.Timestamp("2021-12-31") and cov.rows == 2
    assert "hand" in cov.source and "simfin" in cov.source
    assert section.basis.startswith("adjusted closes")  # close == adj_close in the hand bars
    notes = "\n".join(section.notes)
    assert "fundamentals (simfin" in notes and "2021-02-20" in notes
    assert "Forward P/E needs analyst EPS estimates" in notes
    assert section.survivorship and "2022-05-31" in section.survivorship
    assert "survivorship" not in notes.lower()  # said once, in the survivorship box
    title = section.figures[0].figure.layout.title.text
    assert "as of 2022-06-30" in title and "hand" in title


def test_valuation_section_reads_nothing_after_the_report_asof(store: Store) -> None:
    # cut at 2022-01-31: FY2021 (published 2022-02-20) unknown, only the 2021-12-31 point
    section = store_valuation_section(ReportData(store, pd.Timestamp("2022-01-31")), "IWM", "SPY")
    frame = section.tables[1].frame
    assert frame["date"].max() <= pd.Timestamp("2022-01-31")
    assert frame["IWM P/E"].iloc[0] == pytest.approx(_SMALL[0])


def test_flows_section_by_hand(store: Store) -> None:
    section = store_flows_section(ReportData(store, None), "iwm")
    assert section.key == KEY_FLOWS and section.title == "Fund flows: IWM"
    table = section.tables[0].frame
    # newest first. Jan: +10,000 x 50.50 - 5,000 x 50.20 + 20,000 x 51.00 = 1,274,000;
    # Feb: +5,000 x 52.00 = 260,000 (one figure over the Jan 13 .. Feb 2 gap)
    assert table["period ending"].tolist() == [
        pd.Timestamp("2026-02-28"),
        pd.Timestamp("2026-01-31"),
    ]
    assert table["net flow (USD m)"].tolist() == pytest.approx([0.26, 1.274])
    assert table["intervals"].tolist() == [1, 3]
    assert "gap" in table["remarks"].iloc[0] and "month to date" in table["remarks"].iloc[0]
    assert section.tables[0].as_of == pd.Timestamp("2026-02-02")
    (cov,) = section.figures[0].coverage
    assert (cov.first, cov.last, cov.rows) == (
        pd.Timestamp("2026-01-06"),
        pd.Timestamp("2026-02-02"),
        4,
    )
    assert cov.source == "store: ishares"
    assert section.basis == "NAV per share of each interval's later day"
    notes = "\n".join(section.notes)
    assert "IWM shares outstanding (ishares" in notes and "2026-01-05 .. 2026-02-02" in notes


def test_flows_section_cut_at_the_report_asof(store: Store) -> None:
    # cut at Jan 9 (a Friday): Jan 5, 6, 7 only -> +505,000 - 251,000
    section = store_flows_section(ReportData(store, pd.Timestamp("2026-01-09")), "IWM")
    table = section.tables[0].frame
    assert table["net flow (USD m)"].tolist() == pytest.approx([0.254])
    assert section.tables[0].as_of == pd.Timestamp("2026-01-07")


def test_weekly_flows_render_from_a_result(store: Store) -> None:
    from sizeup.app.flows import FlowsRequest, run_flows

    section = flows_section(run_flows(FlowsRequest("IWM", freq="W"), store))
    table = section.tables[0].frame
    # weeks ending Sun Jan 11 (+254,000), Jan 18 (+1,020,000), Feb 8 (+260,000)
    assert table["net flow (USD m)"].tolist() == pytest.approx([0.26, 1.02, 0.254])
    assert section.tables[0].title == "IWM: net flow per week, newest first"


def test_missing_data_sections_name_the_commands(tmp_path: Path, store: Store) -> None:
    empty = ReportData(Store.open(tmp_path / "empty"), None)
    val = store_valuation_section(empty, "IWM", "SPY")
    assert not val.figures and not val.tables
    (text,) = val.missing
    assert text.startswith("data missing:")
    assert "sizeup import" in text and "sizeup fetch fundamentals" in text
    assert "sizeup fetch universe --fund IWM" in text
    flows = store_flows_section(empty, "IJR")
    assert not flows.figures and not flows.tables
    (text,) = flows.missing
    assert "sizeup fetch fund-history IJR" in text and "sizeup import IJR_fund.xls" in text
    assert "the store has 0" in text
    # one observation on or before the cut is not enough either
    one = store_flows_section(ReportData(store, pd.Timestamp("2026-01-05")), "IWM")
    assert not one.tables and "the store has 1 on or before 2026-01-05" in one.missing[0]


def test_sections_render_with_provenance_and_missing_text(tmp_path: Path, store: Store) -> None:
    from sizeup.report import render_report

    data = ReportData(store, None)
    empty = ReportData(Store.open(tmp_path / "empty"), None)
    sections = [
        store_valuation_section(ReportData(store, pd.Timestamp("2022-06-30")), "IWM", "SPY"),
        store_flows_section(data, "IWM"),
        store_flows_section(empty, "IJR"),
    ]
    out = render_report(
        sections, out=tmp_path / "r.html", title="t", asof=pd.Timestamp("2026-02-02")
    )
    text = out.read_text(encoding="utf-8")
    assert TITLE_VALUATION in text and "Fund flows: IWM" in text
    assert "As of 2026-02-02" in text and "As of 2022-06-30" in text
    assert "NAV per share of each interval" in text  # the flows' basis
    assert "sizeup fetch fund-history IJR" in text and "Data missing" in text
    assert "+1,274.0" not in text and "+1.3" in text  # USD million, one decimal


def test_report_plan_has_the_valuation_and_flows_parts(store: Store) -> None:
    from sizeup.app.reports import ReportRequest, load_sample, parse_sections
    from sizeup.report._layout import report_plan

    wanted = parse_sections("flows,valuation")
    assert wanted == ("valuation", "flows")  # the report's order
    plan = report_plan(
        ReportData(store, pd.Timestamp("2026-02-02")),
        ReportRequest(asof=pd.Timestamp("2026-02-02"), sections=wanted),
    )
    assert [s.key for s in plan.sections] == ["valuation", "flows"]
    flows = plan.sections[1]
    assert flows.tables[0].frame["net flow (USD m)"].tolist() == pytest.approx([0.26, 1.274])
    sample = report_plan(load_sample(), ReportRequest(sample=True, sections=wanted))
    assert [s.key for s in sample.sections] == ["valuation", "flows"]
    assert all(s.missing and not s.has_data for s in sample.sections)
    assert "sizeup fetch fund-history IWM" in sample.sections[1].missing[0]
