"""``sizeup import`` command (registered on a bare Typer app, as cli.py does)."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from sizeup.cli._import import register
from sizeup.data.store import Store


def _app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def _root() -> None:
        """Test root."""

    register(app)
    return app


def test_import_command_table_and_exit_codes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store_dir = tmp_path / "store"
    monkeypatch.setenv("SIZEUP_DATA_DIR", str(store_dir))
    monkeypatch.setenv("COLUMNS", "250")
    data = tmp_path / "data"
    data.mkdir()
    (data / "IWM.csv").write_text("Date,Close\n2024-01-02,200.5\n2024-01-03,201.0\n")
    (data / "bad.csv").write_text("Date,Close\n2024-01-02,x\n")
    (data / "MANIFEST.md").write_text("# manifest\n")
    runner = CliRunner()

    dry = runner.invoke(_app(), ["import", str(data), "--dry-run"], terminal_width=200)
    assert dry.exit_code == 0, dry.output
    assert "dry-run" in dry.output and not Store(store_dir).files("bars")

    res = runner.invoke(_app(), ["import", str(data), "--source", "mine"], terminal_width=200)
    assert res.exit_code == 0, res.output
    assert "close_csv" in res.output and "imported" in res.output
    assert "not a number" in res.output and "not a market-data file" in res.output
    assert set(Store(store_dir).sources()["source"]) == {"mine"}

    only_bad = runner.invoke(_app(), ["import", str(data / "bad.csv")], terminal_width=200)
    assert only_bad.exit_code == 1
    assert "failed" in only_bad.output
