"""``sizeup claims`` against a real store filled with the offline sample (no network)."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from sizeup.cli._claims import register
from sizeup.data import datasets
from sizeup.data.store import Store

# Claims with stated values from published sources about the sample's own data:
# - S&P 500 2008 price return -38.49 % (S&P Dow Jones Indices; widely reported "-38.5 %").
# - NASDAQ Composite 2008 price return -40.54 % (Nasdaq; widely reported "-40.5 %").
CLAIMS = """
[[claim]]
text = "The S&P 500 fell 38.5 % in 2008"
metric = "calendar_year_return"
symbol = "^GSPC"
year = 2008
stated = -0.385
tolerance = 0.0005
source = "S&P Dow Jones Indices (2008 price return -38.49 %)"

[[claim]]
text = "The Nasdaq Composite fell 40.5 % in 2008"
metric = "calendar_year_return"
symbol = "^IXIC"
year = 2008
stated = -0.405
tolerance = 0.001
source = "Nasdaq (2008 price return -40.54 %)"

[[claim]]
text = "Unprofitable share of the Russell 2000 was 43 %"
metric = "screen_share"
universe = "IWM"
screen = "ttm_net_income_negative"
date = 2021-06-30
stated = 0.43
source = "METHODS.md §6.4"

[[claim]]
text = "The Russell 2000 rose in 2008"
metric = "calendar_year_return"
symbol = "^RUT"
year = 2008
stated = 0.0
compare = "at_least"
source = "deliberately absent from the sample: must be NOT_CHECKABLE"
"""


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """Test root."""

    register(app)
    return app


def test_claims_cli_on_sample_store(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "store")
    datasets.import_sample(store)
    claims = tmp_path / "claims.toml"
    claims.write_text(CLAIMS, encoding="utf-8")
    runner = CliRunner()
    env = {"SIZEUP_DATA_DIR": str(tmp_path / "store")}
    res = runner.invoke(_app(), ["claims", str(claims), "--json"], env=env)
    assert res.exit_code == 0, res.output
    body = json.loads(res.stdout)
    assert body["counts"] == {"SUPPORTED": 2, "NOT_CHECKABLE": 2}
    assert "as_of" in body["provenance"]
    out = body["claims"]
    assert [r["verdict"] for r in out] == [
        "SUPPORTED",
        "SUPPORTED",
        "NOT_CHECKABLE",
        "NOT_CHECKABLE",
    ]
    assert abs(out[0]["measured"] - (-0.3849)) < 0.0005
    assert "prices ^RUT" in out[3]["missing"][0]
    table = runner.invoke(_app(), ["claims", str(claims)], env=env)
    assert table.exit_code == 0 and "SUPPORTED" in table.output


def test_claims_cli_reports_malformed_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text('[[claim]]\ntext = "x"\nmetric = "nope"\nstated = 1\n', encoding="utf-8")
    res = CliRunner().invoke(
        _app(), ["claims", str(bad)], env={"SIZEUP_DATA_DIR": str(tmp_path / "s")}
    )
    assert res.exit_code == 2
    assert "claim #0" in res.output and "metric" in res.output
    assert "Traceback" not in res.output
