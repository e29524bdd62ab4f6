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


def test_report_png_dir_writes_one_png_per_chart(tmp_path: Path) -> None:
    _need_browser()
    import numpy as np

    from sizeup.data.store import Store

    root = tmp_path / "data"
    idx = pd.bdate_range("2021-01-04", "2024-06-28")
    rng = np.random.default_rng(5)
    frames = []
    for sym, start in (("IWM", 200.0), ("SPY", 370.0)):
        px = start * np.exp(np.cumsum(rng.normal(0.0003, 0.012, len(idx))))
        frames.append(
            pd.DataFrame(
                {
                    "symbol": sym,
                    "date": idx,
                    "open": px,
                    "high": px * 1.01,
                    "low": px * 0.99,
                    "close": px,
                    "adj_close": px,
                    "volume": np.nan,
                    "source": "handmade",
                }
            )
        )
    Store.open(root).write({"bars": pd.concat(frames, ignore_index=True)})
    out, images = tmp_path / "r.html", tmp_path / "png"
    res = CliRunner().invoke(
        app,
        [
            "--data-dir",
            str(root),
            "report",
            "--sections",
            "pnf",
            "--out",
            str(out),
            "--png-dir",
            str(images),
        ],
    )
    assert res.exit_code == 0, res.output
    # P&F of IWM (1 chart) and the IWM/SPY RS section (P&F + ratio line): 3 charts
    html = out.read_text(encoding="utf-8")
    n_charts = html.count('class="plotly-graph-div"')
    files = sorted(images.glob("*.png"))
    assert n_charts == 3 and len(files) == n_charts
    assert files[0].name.startswith("01-01-point-and-figure-ishares-russell-2000-etf-iwm")
    for f in files:
        data = f.read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n"
        width, height = struct.unpack(">II", data[16:24])
        assert width == 1100 and height >= 460


def _pair_store(tmp_path: Path) -> Path:
    import numpy as np

    from sizeup.data.store import Store

    root = tmp_path / "pair"
    idx = pd.bdate_range("2019-01-02", "2024-06-28")
    rng = np.random.default_rng(9)
    frames = []
    for sym, start in (("IWM", 150.0), ("SPY", 250.0), ("^RUT", 1500.0), ("^GSPC", 2500.0)):
        px = start * np.exp(np.cumsum(rng.normal(0.0003, 0.012, len(idx))))
        frames.append(
            pd.DataFrame(
                {
                    "symbol": sym,
                    "date": idx,
                    "open": px,
                    "high": px * 1.01,
                    "low": px * 0.99,
                    "close": px,
                    "adj_close": px,
                    "volume": np.nan,
                    "source": "handmade",
                }
            )
        )
    Store.open(root).write({"bars": pd.concat(frames, ignore_index=True)})
    return root


@pytest.mark.parametrize(
    ("command", "footnote"),
    [
        (["monitor", "--no-universe"], "IWM (handmade, total return): 2019-01-02 .. 2024-06-28"),
        (["backtest", "size-rs"], "IWM (total return): 2019-01-02 .. 2024-06-28"),
    ],
    ids=["monitor", "backtest"],
)
def test_monitor_and_backtest_svg(tmp_path: Path, command: list[str], footnote: str) -> None:
    _need_browser()
    root = _pair_store(tmp_path)
    svg = tmp_path / f"{command[0]}.svg"
    res = CliRunner().invoke(app, ["--data-dir", str(root), *command, "--svg", str(svg)])
    assert res.exit_code == 0, res.output
    tree = ET.fromstring(svg.read_text(encoding="utf-8"))
    ns = "{http://www.w3.org/2000/svg}"
    traces = [g for g in tree.iter(f"{ns}g") if "trace" in g.get("class", "")]
    assert traces, "no plot elements in the SVG"
    text = " ".join("".join(t.itertext()) for t in tree.iter(f"{ns}text"))
    assert "as of 2024-06-28" in text and footnote in text  # provenance footnote
