"""``--png`` / ``--svg`` on ``sizeup pnf``: files written with the chart and its provenance."""

from __future__ import annotations

import os
import struct
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from sizeup.charts import _export
from sizeup.cli import app
from sizeup.errors import ConfigError

pytestmark = pytest.mark.web


def _store(tmp_path: Path) -> Path:
    from sizeup.data.store import Store

    closes = [9.0, 14.0, 11.0, 14.0, 11.0, 15.0, 12.0, 16.0]
    dates = pd.bdate_range("2024-01-01", periods=len(closes))
    frame = pd.DataFrame(
        {
            "symbol": "AAA",
            "date": dates,
            "open": closes,
            "high": closes,
            "low": closes,
            "close": closes,
            "adj_close": closes,
            "volume": 1000.0,
            "source": "handmade",
        }
    )
    root = tmp_path / "data"
    Store.open(root).upsert("bars", frame)
    return root


def _need_browser() -> None:
    try:
        _export.browser_path()
    except ConfigError as exc:
        if os.environ.get("SIZEUP_REQUIRE_BROWSER", "") not in ("", "0"):
            pytest.fail(f"SIZEUP_REQUIRE_BROWSER=1 but {exc}")
        pytest.skip(str(exc))


def test_pnf_png_and_svg(tmp_path: Path) -> None:
    _need_browser()
    root = _store(tmp_path)
    png, svg = tmp_path / "out" / "aaa.png", tmp_path / "aaa.svg"
    res = CliRunner().invoke(
        app,
        ["--data-dir", str(root), "pnf", "AAA", "--box", "1", "--png", str(png), "--svg", str(svg)],
    )
    assert res.exit_code == 0, res.output
    data = png.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    # default size 1100 x 600 CSS px at scale 2
    assert struct.unpack(">II", data[16:24]) == (2200, 1200)
    root_el = ET.fromstring(svg.read_text(encoding="utf-8"))
    text = " ".join("".join(t.itertext()) for t in root_el.iter("{http://www.w3.org/2000/svg}text"))
    # glyphs, the date axis and the provenance footnote are in the image
    assert "X" in text and "O" in text
    assert "Jan 2" in text and "2024" in text  # column 0 starts on the second bar
    assert "as of 2024-01-10" in text
    assert "AAA (handmade, as traded): 2024-01-01 .. 2024-01-10" in text


def test_no_browser_exits_2_with_the_install_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = _store(tmp_path)
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setattr(_export, "DEBIAN_CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setattr(_export.shutil, "which", lambda name: None)
    res = CliRunner().invoke(
        app, ["--data-dir", str(root), "pnf", "AAA", "--png", str(tmp_path / "x.png")]
    )
    assert res.exit_code == 2
    assert "apt-get install chromium" in res.output
    assert "Traceback" not in res.output
    assert not (tmp_path / "x.png").exists()
