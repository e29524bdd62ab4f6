"""Text chart and Plotly figure of a P&F chart; expected text is written out by hand."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sizeup.analytics.pnf import (
    ColumnArrays,
    FixedScale,
    PercentScale,
    box_fills,
    detect_patterns,
    month_marker,
    pnf_chart,
    price_labels,
    render_columns,
    render_text,
)
from sizeup.charts import pnf_figure
from sizeup.errors import ConfigError

# Tiny chart on a $1 grid (box index == price):
#   bar 0 2024-01-30: column 0 (X) opens at 10
#   bar 1 2024-01-31: X fills 11, 12
#   bar 2 2024-02-01: X fills 13          <- first box of February: '2'
#   bar 3 2024-02-02: reversal, O fills 12, 11, 10
#   bar 4 2024-03-01: reversal, X fills 11, 12, 13   <- first box of March (11): '3'
#   bar 5 2024-03-04: X fills 14
TINY = ColumnArrays.from_arrays(
    direction=[1, -1, 1],
    low=[10, 10, 11],
    high=[13, 12, 14],
    first_bar=[0, 3, 4],
    last_bar=[2, 3, 5],
    bar_column=[0, 0, 0, 1, 2, 2],
    bar_box=[10, 12, 13, 10, 13, 14],
)
TINY_DATES = pd.DatetimeIndex(
    ["2024-01-30", "2024-01-31", "2024-02-01", "2024-02-02", "2024-03-01", "2024-03-04"]
)


def unit(i: int) -> float:
    return float(i)


def test_text_chart_with_month_markers() -> None:
    expected = "\n".join(
        [
            "14 | . . X",
            "13 | 2 . X",
            "12 | X O X",
            "11 | X O 3",
            "10 | 1 O .",
        ]
    )
    assert render_columns(TINY, unit, dates=TINY_DATES) == expected


def test_text_chart_plain_and_width_limited() -> None:
    plain = "\n".join(
        [
            "14 | . . X",
            "13 | X . X",
            "12 | X O X",
            "11 | X O X",
            "10 | X O .",
        ]
    )
    assert render_columns(TINY, unit) == plain
    last_two = "\n".join(
        [
            "14 | . X",
            "13 | . X",
            "12 | O X",
            "11 | O 3",
            "10 | O .",
        ]
    )
    assert render_columns(TINY, unit, dates=TINY_DATES, columns=2) == last_two
    # the window's own price range: last column only spans 11..14
    assert render_columns(TINY, unit, columns=1, empty=" ") == "14 | X\n13 | X\n12 | X\n11 | X"


def test_text_chart_price_labels_half_dollar() -> None:
    text = render_columns(TINY, FixedScale(0.5).level)
    assert text.splitlines()[0] == "7.0 | . . X"
    assert text.splitlines()[-1] == "5.0 | X O ."


def test_price_labels() -> None:
    assert price_labels([102.0, 100.0, 99.0]) == ["102", "100", "99"]
    assert price_labels([19.5, 19.0]) == ["19.5", "19.0"]
    assert price_labels([0.1875, 0.125]) == ["0.1875", "0.1250"]
    pct = PercentScale(0.01)
    assert price_labels([pct.level(1), pct.level(0)]) == ["1.01", "1.00"]
    assert price_labels([pct.level(1), pct.level(0)]) == ["1.01", "1.00"]
    tight = PercentScale(0.001)
    assert price_labels([tight.level(1), tight.level(0)]) == ["1.001", "1.000"]


def test_month_markers_oct_dec() -> None:
    assert [month_marker(m) for m in range(1, 13)] == list("123456789ABC")
    with pytest.raises(ConfigError):
        month_marker(13)
    dates = pd.DatetimeIndex(
        ["2023-10-02", "2023-10-03", "2023-11-01", "2023-12-01", "2024-01-02", "2024-01-03"]
    )
    # Oct: X opens at 10 ('A'), 11-12; Nov: 13 ('B'); Dec: O 12..10 ('C' at 12); Jan: X 11..13
    # ('1' at 11), then 14
    assert render_columns(TINY, unit, dates=dates) == "\n".join(
        ["14 | . . X", "13 | B . X", "12 | X C X", "11 | X O 1", "10 | A O ."]
    )


def test_box_fills() -> None:
    fills = box_fills(TINY)
    assert fills.column.tolist() == [0, 0, 0, 0, 1, 1, 1, 2, 2, 2, 2]
    assert fills.box.tolist() == [10, 11, 12, 13, 12, 11, 10, 11, 12, 13, 14]
    assert fills.bar.tolist() == [0, 1, 1, 2, 3, 3, 3, 4, 4, 4, 5]
    assert fills.first_of_bar.tolist() == [1, 1, 0, 1, 1, 0, 0, 1, 0, 0, 1]
    assert len(fills) == int(TINY.n_boxes.sum())


def test_render_errors_and_empty() -> None:
    with pytest.raises(ConfigError, match="at least 1 column"):
        render_columns(TINY, unit, columns=0)
    with pytest.raises(ConfigError, match="one character"):
        render_columns(TINY, unit, empty="..")
    none = ColumnArrays.from_arrays([], [], [], [], [], [-1], [5])
    assert render_columns(none, unit) == ""


# ----------------------------------------------------------------------------- with the engine


def engine_chart() -> Any:
    # closes 10, 13, 10, 14 on a $1 grid, close method, drawn by hand:
    #   2024-01-31 close 10: start, no column
    #   2024-02-01 close 13: X 11..13 (first box 11 in February: '2')
    #   2024-03-01 close 10: dn(10) = 10 <= 13 - 3 -> O 12..10 (first box 12 in March: '3')
    #   2024-10-02 close 14: up(14) = 14 >= 10 + 3 -> X 11..14 (first box 11 in October: 'A');
    #                        14 > 13: double-top buy
    closes = pd.Series(
        [10.0, 13.0, 10.0, 14.0],
        index=pd.DatetimeIndex(["2024-01-31", "2024-02-01", "2024-03-01", "2024-10-02"]),
    )
    return pnf_chart(closes, box="1", method="close")


def test_text_chart_of_an_engine_chart() -> None:
    chart = engine_chart()
    assert render_text(chart) == "\n".join(
        ["14 | . . X", "13 | X . X", "12 | X 3 X", "11 | 2 O A", "10 | . O ."]
    )
    assert render_text(chart, months=False).splitlines()[3] == "11 | X O X"


def test_plotly_figure() -> None:
    chart = engine_chart()
    events = detect_patterns(chart)
    fig = pnf_figure(chart, patterns=events, title="T")
    by_name = {t.name: t for t in fig.data}
    assert set(by_name) == {"X", "O", "month", "patterns"}
    # 10 boxes in all: X 11..13 (3), O 12..10 (3), X 11..14 (4); 3 of them month markers
    assert len(by_name["X"].x) + len(by_name["O"].x) + len(by_name["month"].x) == 10
    assert list(by_name["month"].text) == ["2", "3", "A"]
    assert list(by_name["month"].y) == [11, 12, 11]
    assert list(by_name["O"].y) == [11, 10]
    first_o = by_name["O"].customdata[0]
    assert (float(first_o[0]), first_o[1], int(first_o[2])) == (11.0, "2024-03-01", 1)
    assert list(by_name["patterns"].text) == ["double_top_buy at 14 on 2024-10-02"]
    assert fig.layout.title.text == "T"
    assert list(fig.layout.yaxis.ticktext)[:2] == ["10", "11"]
    only_last = pnf_figure(chart, columns=1)
    names = {t.name: t for t in only_last.data}
    assert set(np.asarray(names["X"].x).tolist()) == {2}
    with pytest.raises(ConfigError):
        pnf_figure(chart, columns=0)


@dataclass(frozen=True)
class Empty:
    dates: pd.DatetimeIndex
    scale: Any
    reversal: int
    col_direction: np.ndarray
    col_low: np.ndarray
    col_high: np.ndarray
    col_first_bar: np.ndarray
    col_last_bar: np.ndarray
    bar_column: np.ndarray
    bar_box: np.ndarray


def test_plotly_figure_of_a_chart_without_columns() -> None:
    z = np.zeros(0, np.int64)
    chart = Empty(
        pd.DatetimeIndex(["2024-01-02"]),
        FixedScale(1.0),
        3,
        z,
        z,
        z,
        z,
        z,
        np.array([-1]),
        np.array([-1]),
    )
    fig = pnf_figure(chart)
    assert sum(len(t.x) for t in fig.data) == 0


# ----------------------------------------------------------------------------- CLI


def store_with_bars(tmp_path: Any) -> Any:
    from sizeup.data.store import Store

    closes = [9.0, 14.0, 11.0, 14.0, 11.0, 15.0, 12.0, 16.0]
    dates = pd.bdate_range("2024-01-01", periods=len(closes))
    frames = []
    for sym, values in (("AAA", closes), ("BBB", [10.0] * len(closes))):
        frames.append(
            pd.DataFrame(
                {
                    "symbol": sym,
                    "date": dates,
                    "open": values,
                    "high": values,
                    "low": values,
                    "close": values,
                    "adj_close": values,
                    "volume": 1000.0,
                    "source": "test",
                }
            )
        )
    store = Store.open(tmp_path)
    store.upsert("bars", pd.concat(frames, ignore_index=True))
    return store


CATAPULT_TEXT = "\n".join(
    [
        # closes 9, 14, 11, 14, 11, 15, 12, 16 (all in January 2024) on $1 boxes:
        "16 | . . . . . . X",
        "15 | . . . . X . X",
        "14 | X . X . X O X",
        "13 | X O X O X O X",
        "12 | X O X O X O .",
        "11 | X O . O . . .",
        "10 | 1 . . . . . .",
    ]
)


def test_pnf_use_case_and_cli_rendering(tmp_path: Any) -> None:
    from rich.console import Console

    from sizeup.app.pnf import PnfRequest, run_pnf
    from sizeup.cli._pnf import render_pnf

    store = store_with_bars(tmp_path)
    result = run_pnf(PnfRequest("AAA", box="1", vs="BBB"), store)
    console = Console(record=True, width=200)
    render_pnf(result, console)
    out = console.export_text()
    assert CATAPULT_TEXT in out
    assert (
        "AAA  P&F fixed 1 boxes, 3-box reversal, high/low method, as traded — as of 2024-01-10"
        in out
    )
    assert "AAA (test, as traded): 2024-01-01 .. 2024-01-10" in out
    assert "BBB (test, total return): 2024-01-01 .. 2024-01-10" in out
    assert "buy since 2024-01-10" in out
    assert "bull confirmed" in out
    assert "2 buys / 0 sells" in out
    # first buy after the last sell: column 4 = X 12..15 -> 12 + 4*3*1 = 24
    assert "bullish vertical count 24 (from 12, 4 boxes x 3, dwa_price)" in out
    assert "bullish_catapult" in out and "RS vs BBB" in out and "[total return]" in out
    assert result.vertical is not None and result.vertical.price == 24.0
    assert result.rs is not None
    # one row per column, with the levels of the hand-drawn chart above
    frame = result.to_frame()
    assert frame["kind"].tolist() == ["X", "O", "X", "O", "X", "O", "X"]
    assert frame["low"].tolist() == [10.0, 11.0, 12.0, 11.0, 12.0, 12.0, 13.0]
    assert frame["high"].tolist() == [14.0, 13.0, 14.0, 13.0, 15.0, 14.0, 16.0]


def test_pnf_use_case_asof_and_columns(tmp_path: Any) -> None:
    from sizeup.app.pnf import PnfRequest, run_pnf

    store = store_with_bars(tmp_path)
    result = run_pnf(
        PnfRequest("AAA", box="1", method="close", asof=pd.Timestamp("2024-01-08"), columns=2),
        store,
    )
    # as of 2024-01-08 (bar 5): columns 3 (O 11-13) and 4 (X 12-15) are the last two
    text = result.text_chart()
    assert "\n".join(["15 | . X", "14 | . X", "13 | O X", "12 | O X", "11 | O ."]) in text
    assert result.asof == pd.Timestamp("2024-01-08")
    assert result.provenance.as_of == pd.Timestamp("2024-01-08")
    assert "bullish_catapult" not in set(result.patterns["pattern"])
    d = result.to_dict()
    assert d["asof"] == "2024-01-08" and d["provenance"]["as_of"] == "2024-01-08"
    assert d["state"]["signal"] == "buy" and d["basis"] == "as traded"
    fig = result.figure()
    assert {t.name for t in fig.data} >= {"X", "O"}
    html = result._repr_html_()
    assert "as of 2024-01-08" in html and "<table" in html


def test_pnf_cli_registration_and_errors(tmp_path: Any) -> None:
    import typer
    from typer.testing import CliRunner

    from sizeup.cli._pnf import register

    store_with_bars(tmp_path)
    app = typer.Typer()
    register(app)

    @app.callback()
    def _root() -> None:
        """Root."""

    runner = CliRunner()
    env = {"SIZEUP_DATA_DIR": str(tmp_path)}
    ok = runner.invoke(app, ["pnf", "AAA", "--box", "1", "--columns", "10"], env=env)
    assert ok.exit_code == 0, ok.output
    assert "10 | 1 . . . . . ." in ok.output
    missing = runner.invoke(app, ["pnf", "ZZZ"], env=env)
    assert missing.exit_code == 2, missing.output
    assert "no bars for symbol 'ZZZ'" in missing.output
    bad = runner.invoke(app, ["pnf", "AAA", "--box", "huge"], env=env)
    assert bad.exit_code == 2 and "box spec 'huge' is not valid" in bad.output
    bad_method = runner.invoke(app, ["pnf", "AAA", "--method", "ohlc"], env=env)
    assert bad_method.exit_code == 2 and "--method 'ohlc' is not valid" in bad_method.output
