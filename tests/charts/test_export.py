"""Chart export: PNG and SVG bytes through kaleido and the system Chromium (never downloaded).

Tests that render need a browser; they skip with a reason when none is installed and fail
instead under ``SIZEUP_REQUIRE_BROWSER=1`` (CI sets it).
"""

from __future__ import annotations

import os
import struct
import xml.etree.ElementTree as ET

import plotly.graph_objects as go
import pytest

from sizeup.charts import _export
from sizeup.charts._export import browser_path, export_figure, export_figures, format_of
from sizeup.errors import ConfigError

pytestmark = pytest.mark.web


@pytest.fixture(scope="module")
def browser() -> str:
    try:
        return browser_path()
    except ConfigError as exc:
        if os.environ.get("SIZEUP_REQUIRE_BROWSER", "") not in ("", "0"):
            pytest.fail(f"SIZEUP_REQUIRE_BROWSER=1 but {exc}")
        pytest.skip(str(exc))


def _fig() -> go.Figure:
    return go.Figure(
        go.Scatter(x=[1, 2, 3, 4], y=[3, 1, 4, 1], mode="lines+markers", name="demo"),
        layout={"title": "demo<br><sup>as of 2024-01-02</sup>"},
    )


def _png_size(data: bytes) -> tuple[int, int]:
    # PNG: 8-byte signature, then the IHDR chunk: length(4) type(4) width(4) height(4)
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


def test_png_signature_and_pixel_size(browser: str) -> None:
    png, scaled = export_figures(
        [_fig(), _fig()], "png", width=400, height=300, footnotes=["as of 2024-01-02", None]
    )
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert _png_size(png) == (400, 300)
    bigger = export_figure(_fig(), "png", width=320, height=200, scale=2.0)
    assert _png_size(bigger) == (640, 400)
    assert _png_size(scaled) == (400, 300)


def test_svg_parses_with_plot_elements(browser: str) -> None:
    svg = export_figure(_fig(), "svg", width=500, height=350, footnote="source: test<br>as of")
    root = ET.fromstring(svg.decode("utf-8"))
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    assert root.get("width") == "500" and root.get("height") == "350"
    groups = [g.get("class", "") for g in root.iter(f"{ns}g")]
    assert any("scatterlayer" in c for c in groups)
    assert any("trace" in c for c in groups)
    texts = " ".join("".join(t.itertext()) for t in root.iter(f"{ns}text"))
    assert "source: test" in texts  # the footnote is in the image


def test_default_size_comes_from_the_layout(browser: str) -> None:
    fig = _fig()
    fig.update_layout(width=300, height=220)
    assert _png_size(export_figure(fig, "png")) == (300, 220)


def test_no_browser_names_apt_get(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    monkeypatch.setattr(_export, "DEBIAN_CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setattr(_export.shutil, "which", lambda name: None)
    with pytest.raises(ConfigError, match="apt-get install chromium"):
        browser_path()
    with pytest.raises(ConfigError, match="apt-get install chromium"):
        export_figure(_fig(), "png")


def test_bad_browser_path(monkeypatch: pytest.MonkeyPatch, tmp_path: object) -> None:
    monkeypatch.setenv("BROWSER_PATH", "/nonexistent/browser")
    with pytest.raises(ConfigError, match="BROWSER_PATH"):
        browser_path()


def test_bad_options() -> None:
    with pytest.raises(ConfigError, match="png, svg"):
        export_figure(_fig(), "jpg")  # type: ignore[arg-type]
    with pytest.raises(ConfigError, match="width"):
        export_figure(_fig(), "png", width=5)
    assert format_of("a/b.PNG") == "png" and format_of("x.svg") == "svg"
    with pytest.raises(ConfigError, match=r"\.png or \.svg"):
        format_of("x.jpg")
    assert export_figures([], "png") == []
