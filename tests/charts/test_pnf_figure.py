"""P&F figure: date axis, X/O glyphs and colours, trend lines, objectives.

The chart is the worked example of docs/methods.md §P4/§P5 (close method, 1-point boxes,
3-box reversal, twelve closes); the dates are chosen by hand so that columns start in
different months and years. Expected values below are read off the hand-drawn chart:

column: 0     1     2     3     4     5     6
kind:   X     O     X     O     X     O     X
boxes:  11-14 11-13 12-17 8-16  9-15  11-14 12-18
starts: bar 2 bar 3 bar 4 bar 5 bar 9 bar 11 bar 12
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sizeup.analytics.pnf import pnf_chart, price_objective
from sizeup.charts._pnf import (
    O_COLOR,
    X_COLOR,
    column_start_dates,
    date_ticks,
    pnf_figure,
    trend_segments,
)
from sizeup.errors import ConfigError

CLOSES = [10, 14, 11, 17, 13, 12, 9, 8, 12, 15, 11, 18]
DATES = [
    "2023-11-27",
    "2023-11-28",  # column 0 starts
    "2023-12-04",  # column 1
    "2023-12-15",  # column 2 (same month as column 1: no tick)
    "2024-01-03",  # column 3 (new year)
    "2024-01-04",
    "2024-01-05",
    "2024-01-08",
    "2024-02-01",  # column 4
    "2024-02-02",
    "2024-02-05",  # column 5 (same month: no tick)
    "2024-03-12",  # column 6
]


@pytest.fixture(scope="module")
def chart():  # type: ignore[no-untyped-def]
    closes = pd.Series([float(c) for c in CLOSES], index=pd.DatetimeIndex(DATES))
    return pnf_chart(closes, box="1", reversal=3, method="close")


def test_columns_match_the_worked_example(chart) -> None:  # type: ignore[no-untyped-def]
    assert chart.n_columns == 7
    assert list(chart.col_low) == [11, 11, 12, 8, 9, 11, 12]
    assert list(chart.col_high) == [14, 13, 17, 16, 15, 14, 18]


def test_column_start_dates_and_ticks(chart) -> None:  # type: ignore[no-untyped-def]
    starts = column_start_dates(chart)
    assert [f"{d:%Y-%m-%d}" for d in starts] == [
        "2023-11-28",
        "2023-12-04",
        "2023-12-15",
        "2024-01-03",
        "2024-02-01",
        "2024-02-05",
        "2024-03-12",
    ]
    fig = pnf_figure(chart)
    assert list(fig.layout.xaxis.tickvals) == [0, 1, 3, 4, 6]
    assert list(fig.layout.xaxis.ticktext) == [
        "Nov 28<br>2023",
        "Dec 4",
        "Jan 3<br>2024",
        "Feb 1",
        "Mar 12",
    ]
    years = [s for s in fig.layout.shapes if str(s.name).startswith("year")]
    assert [(s.name, s.x0) for s in years] == [("year 2024", 2.5)]


def test_ticks_of_the_last_columns_only(chart) -> None:  # type: ignore[no-untyped-def]
    fig = pnf_figure(chart, columns=3)  # columns 4, 5, 6
    assert list(fig.layout.xaxis.tickvals) == [4, 6]
    assert list(fig.layout.xaxis.ticktext) == ["Feb 1<br>2024", "Mar 12"]
    assert not [s for s in fig.layout.shapes if str(s.name).startswith("year")]


def test_date_ticks_thin_out_but_keep_year_changes() -> None:
    starts = pd.DatetimeIndex(pd.date_range("2020-01-01", periods=36, freq="MS"))
    vals, text = date_ticks(starts, max_ticks=6)
    # every 6th month start, plus the two year changes (columns 12 and 24)
    assert vals == [0, 6, 12, 18, 24, 30]
    assert text[0] == "Jan 1<br>2020" and text[2] == "Jan 1<br>2021" and text[1] == "Jul 1"
    # with 5 ticks the three years would take more than half: year starts only
    vals, text = date_ticks(starts, max_ticks=5)
    assert vals == [0, 12, 24]
    assert text == ["Jan 1<br>2020", "Jan 1<br>2021", "Jan 1<br>2022"]
    ten_years = pd.DatetimeIndex(pd.date_range("2010-01-01", periods=120, freq="MS"))
    vals, _ = date_ticks(ten_years, max_ticks=4)
    assert vals == [0, 36, 72, 108]  # every third year start
    with pytest.raises(ConfigError):
        date_ticks(starts, max_ticks=0)


def test_x_and_o_differ_in_glyph_and_colour(chart) -> None:  # type: ignore[no-untyped-def]
    fig = pnf_figure(chart)
    by = {t.name: t for t in fig.data}
    assert set(by["X"].text) == {"X"} and set(by["O"].text) == {"O"}
    assert by["X"].textfont.color == X_COLOR and by["O"].textfont.color == O_COLOR
    assert X_COLOR != O_COLOR
    # month markers take their column's colour: months 11 (col 0, X), 12 (col 1, O),
    # 1 (col 3, O, bar 5 fills 16..13), 2 (col 4, X), 3 (col 6, X)
    assert list(by["month"].text) == ["B", "C", "1", "2", "3"]
    assert list(by["month"].x) == [0, 1, 3, 4, 6]
    assert list(by["month"].textfont.color) == [X_COLOR, O_COLOR, O_COLOR, X_COLOR, X_COLOR]
    # hover data carries the column start date
    first_x = by["X"].customdata[0]
    assert (int(first_x[2]), first_x[3]) == (0, "2023-11-28")


def test_trend_lines_follow_the_worked_example(chart) -> None:  # type: ignore[no-untyped-def]
    segs = trend_segments(chart)
    # methods §P5: BSL from column 1 (bottom 11): 10, 11, 12 in columns 1-3; broken in col 3.
    # BRL from column 2 (top 17): 18 in column 2 ... 14 in column 6, broken by the X at 18.
    # New BSL from column 3 (bottom 8): 7 in column 3 ... 10 in column 6.
    assert [(s.kind, s.columns, s.boxes) for s in segs] == [
        ("support", (1, 2, 3), (10, 11, 12)),
        ("resistance", (2, 3, 4, 5, 6), (18, 17, 16, 15, 14)),
        ("support", (3, 4, 5, 6), (7, 8, 9, 10)),
    ]
    fig = pnf_figure(chart)
    lines = [
        (s.name, s.x0, s.y0, s.x1, s.y1) for s in fig.layout.shapes if str(s.name).endswith("line")
    ]
    assert lines == [
        ("bullish support line", 1, 10, 3, 12),
        ("bearish resistance line", 2, 18, 6, 14),
        ("bullish support line", 3, 7, 6, 10),
    ]
    clipped = trend_segments(chart, first=4)
    assert [(s.columns[0], s.boxes[0]) for s in clipped] == [(4, 16), (4, 8)]
    assert not [
        s for s in pnf_figure(chart, trend_lines=False).layout.shapes if "line" in str(s.name)
    ]


def test_objectives_are_drawn_at_their_price(chart) -> None:  # type: ignore[no-untyped-def]
    # buy in effect; vertical count of the last X column 12..18 (7 boxes, provisional):
    # 12 + 7 x 3 x 1 = 33, 15 boxes above the top box 18: noted at the edge, not drawn
    fig = pnf_figure(chart)
    drawn = {s.name: s for s in fig.layout.shapes if str(s.name).endswith("objective")}
    assert "vertical objective" not in drawn
    # the horizontal count (from the analytics) is within 12 boxes: a line at its price
    horizontal = price_objective(chart, kind="horizontal")
    assert horizontal is not None and horizontal.price <= 18 + 12
    line = drawn["horizontal objective"]
    assert line.y0 == line.y1 == pytest.approx(horizontal.price)  # $1 boxes: box = price
    assert line.x1 == 6.5
    texts = [a.text for a in fig.layout.annotations]
    assert "above the chart: vertical bullish objective 33, provisional" in texts
    edge = next(a for a in fig.layout.annotations if str(a.text).startswith("above the chart"))
    assert edge.y == 19  # one box above the top
    none = pnf_figure(chart, objectives=None)
    assert not [a for a in none.layout.annotations if "objective" in str(a.text)]


def test_percent_scale_objective_between_boxes() -> None:
    from sizeup.analytics.pnf import FixedScale, PriceObjective
    from sizeup.charts._pnf import _box_position

    assert _box_position(FixedScale(2.0), 7.0) == pytest.approx(3.5)
    po = PriceObjective(7.0, "bullish", "vertical", "dwa_price", 1, 2.0, 1, 3, column=0)
    closes = pd.Series([2.0, 8.0, 2.0], index=pd.bdate_range("2024-01-01", periods=3))
    small = pnf_chart(closes, box=2.0, method="close")
    fig = pnf_figure(small, objectives={"vertical": po})
    (shape,) = [s for s in fig.layout.shapes if s.name == "vertical objective"]
    assert shape.y0 == pytest.approx(3.5)  # 7 is half-way between boxes 3 (6) and 4 (8)
    assert np.isfinite(shape.x1)
    assert any(str(a.text) == "vertical bullish objective 7" for a in fig.layout.annotations)
