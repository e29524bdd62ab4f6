"""``sizeup screen`` and ``universe-report`` end to end on a store built from SEC fixtures."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import typer
from typer.testing import CliRunner

from sizeup.cli._screen import register
from sizeup.data.formats.sec import parse_companyfacts
from sizeup.data.store import Store


@pytest.mark.shared_data
def test_screen_cli(tmp_path: Path, shared_fixtures: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = Store.open(tmp_path / "store")
    name = "sec/companyfacts_CIK0000320193_AAPL_trimmed.json"
    facts = parse_companyfacts(
        (shared_fixtures / name).read_bytes(), name=name, tickers={320193: "AAPL"}
    )
    bars = pd.DataFrame(
        {
            "symbol": "AAPL",
            "date": pd.to_datetime(["2024-11-29"]),
            "close": [237.33],
            "adj_close": [237.33],
            "source": "test",
        }
    )
    holdings = pd.DataFrame(
        {
            "fund": "IWM",
            "as_of": pd.to_datetime(["2024-11-29"] * 2),
            "symbol": ["AAPL", "ZZZZ"],
            "asset_class": "Equity",
            "source": "test",
        }
    )
    store.write({"fundamentals": facts, "bars": bars, "holdings": holdings})
    monkeypatch.setenv("SIZEUP_DATA_DIR", str(tmp_path / "store"))
    app = typer.Typer()
    register(app)
    runner = CliRunner()
    out_csv = tmp_path / "e.csv"
    res = runner.invoke(
        app,
        ["screen", "earnings", "--asof", "2024-11-30", "--export", "csv", "--output", str(out_csv)],
    )
    assert res.exit_code == 0, res.output
    assert "AAPL" in res.output and "1 of 2 names pass" in res.output
    table = pd.read_csv(out_csv)
    assert table.loc[table["symbol"] == "AAPL", "net_income_ttm"].iloc[0] == 93_736_000_000.0
    bad = tmp_path / "bad.toml"
    bad.write_text("[[filter]]\nfield = 'pe'\nop = '>'\nvalue = 1\n")
    res = runner.invoke(app, ["screen", str(bad)])
    assert res.exit_code != 0
    assert res.exit_code == 2 and "valid fields" in res.stderr  # a clear message, no traceback
    assert "Traceback" not in res.output
    top = runner.invoke(app, ["screen", "earnings", "--asof", "2024-11-30", "--top", "1"])
    assert top.exit_code == 0, top.output
    assert "1 of 2 names pass (showing the best 1)" in top.output
    res = runner.invoke(app, ["data-quality"])
    assert res.exit_code == 0, res.output
    assert "data quality" in res.output
    res = runner.invoke(app, ["universe-report", "--asof", "2024-11-30"])
    assert res.exit_code == 0, res.output
    assert "refinancing wall" in res.output or "matures" in res.output
