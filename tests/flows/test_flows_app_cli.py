"""``run_flows`` and ``sizeup flows`` on a store filled from hand-made files.

The store holds a fund history (CSV in the iShares download's columns) with a gap (Jan 8-9
missing), a 2-for-1 split on Jan 13 and no NAV on Jan 15, a holdings snapshot on Jan 16 (its
preamble gives shares outstanding, no NAV) and closes for Jan 15-16. Expected figures are worked
out by hand below.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from sizeup.app.flows import FlowsRequest, format_money, run_flows
from sizeup.cli import app
from sizeup.data.ingest import import_paths
from sizeup.data.store import Store
from sizeup.errors import ConfigError, DataError

_HISTORY = """As Of,NAV per Share,Ex-Dividends,Shares Outstanding
"Jan 15, 2026",--,--,"2,040,000"
"Jan 14, 2026",25.70,--,"2,060,000"
"Jan 13, 2026",25.60,--,"2,060,000"
"Jan 12, 2026",51.00,--,"1,025,000"
"Jan 07, 2026",50.20,--,"1,005,000"
"Jan 06, 2026",50.50,0.10,"1,010,000"
"Jan 05, 2026",50.00,--,"1,000,000"
"""
_HOLDINGS = (
    "\ufeffiShares Russell 2000 ETF\n"
    'Fund Holdings as of,"Jan 16, 2026"\n'
    'Shares Outstanding,"2,050,000.00"\n'
    "\u00a0\n"
    "Ticker,Name,Sector,Asset Class,Market Value,Weight (%),Quantity,Price\n"
    '"AAA","ALPHA","Industrials","Equity","10.00","100.00","1.00","10.00"\n'
    "\u00a0\n"
    '"legal footer"\n'
)
_CLOSES = "Date,Close\n2026-01-15,25.80\n2026-01-16,26.00\n"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("flows")
    files = root / "files"
    files.mkdir()
    (files / "IWM_history.csv").write_text(_HISTORY)
    (files / "IWM_holdings_2026-01-16.csv").write_text(_HOLDINGS)
    (files / "IWM.csv").write_text(_CLOSES)
    store = Store.open(root / "store")
    report = import_paths([files], store, workers=1)
    assert report.failed == 0, report.to_frame()["message"].tolist()
    return root / "store"


def test_monthly_weekly_daily_by_hand(store_dir: Path) -> None:
    store = Store.open(store_dir)
    # intervals: Jan 6 +505,000; Jan 7 -251,000; Jan 12 +1,020,000 (gap, 3 sessions);
    # Jan 13 +256,000 (split 2 detected); Jan 14 0; Jan 15 -516,000 (close 25.80);
    # Jan 16 (2,050,000 - 2,040,000) x 26.00 (close, holdings give no NAV) = +260,000
    month = run_flows(FlowsRequest("IWM", freq="M"), store)
    assert month.asof == pd.Timestamp("2026-01-16")
    assert month.table["flow"].tolist() == pytest.approx([1_274_000.0])
    assert month.in_progress == "month to date, 11 sessions"
    week = run_flows(FlowsRequest("IWM", freq="W"), store)
    assert week.table["flow"].tolist() == pytest.approx([254_000.0, 1_020_000.0])
    day = run_flows(FlowsRequest("iwm", freq="D"), store)
    assert day.table["flow"].tolist() == pytest.approx(
        [505_000.0, -251_000.0, 1_020_000.0, 256_000.0, 0.0, -516_000.0, 260_000.0]
    )
    assert day.intervals["price_kind"].tolist() == ["nav"] * 5 + ["close", "close"]
    notes = "\n".join(day.provenance.notes)
    assert "split 2-for-1 between 2026-01-12 and 2026-01-13 (detected)" in notes
    assert "1 interval(s) span missing days" in notes
    assert "2 of 7 intervals have no stored NAV" in notes
    names = [c.name for c in day.provenance.inputs]
    assert names == ["IWM shares outstanding", "IWM NAV", "IWM close"]


def test_asof_cuts_the_data(store_dir: Path) -> None:
    res = run_flows(
        FlowsRequest("IWM", freq="D", asof=pd.Timestamp("2026-01-11")), Store.open(store_dir)
    )
    # Jan 11 is a Sunday: as of Fri Jan 9; the last observation is Jan 7
    assert res.asof == pd.Timestamp("2026-01-09")
    assert res.table["flow"].tolist() == pytest.approx([505_000.0, -251_000.0])
    assert any("ends 2026-01-07, 2 sessions before" in w for w in res.provenance.warnings)


def test_result_protocol(store_dir: Path) -> None:
    res = run_flows(FlowsRequest("IWM", freq="W"), Store.open(store_dir))
    body = json.loads(json.dumps(res.to_dict(), allow_nan=False))
    assert [p["flow"] for p in body["periods"]] == pytest.approx([254_000.0, 1_020_000.0])
    assert body["provenance"]["as_of"].startswith("2026-01-16")
    gap_remark = "covers 2026-01-07 .. 2026-01-16 (7 sessions) with 1 gap(s), each one figure"
    assert gap_remark in res.summary()
    assert "<table" in res._repr_html_()
    fig = res.figure()
    assert "as of 2026-01-16" in fig.layout.title.text
    foot = fig.layout.annotations[0].text
    assert "IWM shares outstanding (ishares, shares): 2026-01-05 .. 2026-01-16" in foot
    assert "NAV of the later day" in foot
    assert list(fig.data[0].y) == pytest.approx([0.254, 1.02])


def test_errors(store_dir: Path) -> None:
    store = Store.open(store_dir)
    with pytest.raises(DataError, match="no shares outstanding for IJR"):
        run_flows(FlowsRequest("IJR"), store)
    with pytest.raises(DataError, match="after the latest data"):
        run_flows(FlowsRequest("IWM", asof=pd.Timestamp("2026-02-02")), store)
    with pytest.raises(DataError, match="two shares-outstanding observations on or before"):
        run_flows(FlowsRequest("IWM", asof=pd.Timestamp("2026-01-05")), store)
    with pytest.raises(ConfigError, match="--freq 'Q'"):
        FlowsRequest("IWM", freq="Q")


def test_format_money() -> None:
    assert format_money(1_274_000.0) == "+$1.3 m"
    assert format_money(-2_345_678_901.0) == "-$2.35 bn"
    assert format_money(float("nan")) == "n/a"


def test_cli(store_dir: Path) -> None:
    runner = CliRunner()
    base = ["--data-dir", str(store_dir), "flows", "IWM"]
    res = runner.invoke(app, [*base, "--freq", "w"], env={"COLUMNS": "200"})
    assert res.exit_code == 0, res.output
    assert "+$1.0 m" in res.output and "1 gap(s)" in res.output
    assert "as of 2026-01-16" in res.output
    js = runner.invoke(app, [*base, "--freq", "M", "--json"])
    assert js.exit_code == 0, js.output
    assert json.loads(js.stdout)["periods"][0]["flow"] == pytest.approx(1_274_000.0)
    bad = runner.invoke(app, [*base, "--freq", "Q"])
    assert bad.exit_code == 2 and "--freq 'Q' is not valid" in bad.output
    late = runner.invoke(app, [*base, "--asof", "2026-03-02"])
    assert late.exit_code == 2 and "after the latest data" in late.output
    assert "Traceback" not in late.output
    markup = runner.invoke(app, ["--data-dir", str(store_dir), "flows", "[bold]x"])
    assert markup.exit_code == 2 and "[BOLD]X" in markup.output


def test_closes_as_traded_first_then_the_latest_source(tmp_path: Path) -> None:
    files = tmp_path / "files"
    (files / "yahoo").mkdir(parents=True)
    (files / "plain").mkdir()
    (files / "IWM_history.csv").write_text(
        'As Of,NAV per Share,Shares Outstanding\n"Jan 16, 2026",--,1050\n'
        '"Jan 15, 2026",--,1100\n"Jan 14, 2026",--,1000\n'
    )
    # raw + adjusted closes (as traded), ending Jan 15
    (files / "yahoo" / "IWM.csv").write_text(
        "Date,Open,High,Low,Close,Adj Close,Volume\n"
        "2026-01-14,19,19,19,19.0,18.8,100\n2026-01-15,20,20,20,20.0,19.8,100\n"
    )
    # close-only file reaching Jan 16
    (files / "plain" / "IWM.csv").write_text("Date,Close\n2026-01-15,19.5\n2026-01-16,21.0\n")
    store = Store.open(tmp_path / "store")
    assert import_paths([files], store, workers=1).failed == 0
    res = run_flows(FlowsRequest("IWM"), store)
    # Jan 15: (1,100 - 1,000) x 20.0 (as traded) = 2,000; Jan 16: (1,050 - 1,100) x 21.0 = -1,050
    assert res.intervals["price"].tolist() == [20.0, 21.0]
    assert res.table["flow"].tolist() == pytest.approx([2_000.0, -1_050.0])
    assert any("closes of 1 day(s) the as-traded source lacks" in n for n in res.provenance.notes)
    names = [c.name for c in res.provenance.inputs]
    assert names == ["IWM shares outstanding", "IWM close", "IWM close (latest source)"]
