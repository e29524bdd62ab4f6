"""`sizeup report` through a local Typer app (the lead wires register() into sizeup.cli._root)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from sizeup.cli._report import DEFAULT_REPORT_NAME, register
from sizeup.data.datasets import import_sample
from sizeup.data.store import Store


@pytest.fixture
def app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.command("noop")
    def _noop() -> None:  # a second command keeps Typer from collapsing to a single command
        """Do nothing."""

    return app


def test_report_sample_writes_html_and_prints_path(app, tmp_path):
    out = tmp_path / "demo.html"
    result = CliRunner().invoke(app, ["report", "--sample", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == str(out.resolve())
    html = out.read_text(encoding="utf-8")
    assert "Size premium (SMB)" in html and "Offline sample" in html
    assert not re.search(r"<script[^>]*\bsrc\s*=", html, flags=re.IGNORECASE)


def test_report_sample_default_path_is_cwd(app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(app, ["report", "--sample"])
    assert result.exit_code == 0, result.output
    assert Path(result.stdout.strip()) == (tmp_path / DEFAULT_REPORT_NAME).resolve()
    assert (tmp_path / DEFAULT_REPORT_NAME).is_file()


def test_report_from_empty_store_names_missing_data(app, tmp_path):
    out = tmp_path / "r.html"
    result = CliRunner().invoke(
        app, ["report", "--out", str(out)], env={"SIZEUP_DATA_DIR": str(tmp_path / "store")}
    )
    assert result.exit_code == 1
    err = " ".join(result.stderr.split())  # Rich wraps lines
    assert "FF:SMB:M" in err
    assert "FF:25P:S1V1:M" in err
    assert "^GSPC" in err and "IWM" in err
    assert "sizeup fetch core" in err and "sizeup fetch universe --fund IWM" in err
    assert "sizeup report --sample" in err
    assert not out.exists()


def test_report_from_store_uses_settings_data_dir(app, tmp_path, monkeypatch):
    store = Store.open(tmp_path / "store")
    import_sample(store)
    monkeypatch.setenv("SIZEUP_DATA_DIR", str(store.root))
    monkeypatch.chdir(tmp_path)  # no sizeup.toml here
    out = tmp_path / "from-store.html"
    result = CliRunner().invoke(app, ["report", "--out", str(out)])
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "store: sample/arch" in html
    assert f"local store at {store.root}" in html
    # the sample has no small/large fund pair: the rotation leads, saying what is missing
    first = html.index('<section class="report-section"')
    assert html.index("Rotation: small caps vs large caps", first) < html.index(
        "Size premium (SMB)", first
    )
    assert "Data missing:</strong> this part needs prices of IWM and SPY" in html
    assert "Skipped: " not in html
