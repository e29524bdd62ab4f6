"""Golden tests of the P&F core: scales, columns, signals, status and trend (METHODS.md §1, §3, §9).

Every expected chart below is written out by hand from the rules quoted in METHODS.md; none is
produced by the code under test.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sizeup.analytics.pnf import (
    NO_BOX,
    NO_LINE,
    RS_BOX_DEFAULT,
    RS_BOX_HALF,
    AtrSpec,
    FixedScale,
    LevelsScale,
    PercentScale,
    PnfChart,
    TraditionalScale,
    parse_box_spec,
    pnf_chart,
    pnf_charts,
    relative_strength_chart,
)
from sizeup.errors import ConfigError, DataError


def _dates(n: int) -> pd.DatetimeIndex:
    return pd.bdate_range("2024-01-01", periods=n)


def _close(values: list[float]) -> pd.Series:
    return pd.Series(values, index=_dates(len(values)), dtype=float)


def _bars(rows: list[tuple[float, float, float]]) -> pd.DataFrame:
    """Rows of (high, low, close)."""
    return pd.DataFrame(rows, columns=["high", "low", "close"], index=_dates(len(rows)))


def _columns(ch: PnfChart) -> list[tuple[str, float, float]]:
    f = ch.columns_frame()
    return [
        (d, float(lo), float(hi))
        for d, lo, hi in zip(f["direction"], f["low"], f["high"], strict=True)
    ]


# ------------------------------------------------------------------------------- scales


def test_traditional_stockcharts_table_levels() -> None:
    s = TraditionalScale("stockcharts")
    # index 0 is the price 0; each range steps by its own box (METHODS §1.2(a))
    assert [s.level(i) for i in range(6)] == [0.0, 0.0625, 0.125, 0.1875, 0.25, 0.375]
    i20 = int(s.index_up(20.0))
    assert s.level(i20) == 20.0
    assert [s.level(i20 + k) for k in (-2, -1, 0, 1, 2)] == [19.0, 19.5, 20.0, 21.0, 22.0]
    i100 = int(s.index_up(100.0))
    assert [s.level(i100 + k) for k in (-1, 0, 1)] == [99.0, 100.0, 102.0]
    i200 = int(s.index_up(200.0))
    assert [s.level(i200 + k) for k in (-1, 0, 1)] == [198.0, 200.0, 204.0]
    i500 = int(s.index_up(500.0))
    assert [s.level(i500 + k) for k in (-1, 0, 1)] == [496.0, 500.0, 505.0]
    # the 2022 row: 1,000-2,500 in 10s, then 50s, then 500s from 25,000
    i1000 = int(s.index_up(1000.0))
    assert [s.level(i1000 + k) for k in (-1, 0, 1)] == [995.0, 1000.0, 1010.0]
    i2500 = int(s.index_up(2500.0))
    assert [s.level(i2500 + k) for k in (-1, 0, 1)] == [2490.0, 2500.0, 2550.0]
    i25k = int(s.index_up(25000.0))
    assert [s.level(i25k + k) for k in (-1, 0, 1)] == [24950.0, 25000.0, 25500.0]


def test_traditional_older_tables() -> None:
    old = TraditionalScale("stockcharts-2009")
    i1000 = int(old.index_up(1000.0))
    assert [old.level(i1000 + k) for k in (0, 1)] == [1000.0, 1050.0]
    dwa = TraditionalScale("dwa")
    # DWA 1999 manual: 0-5 -> 1/4, 5-20 -> 1/2, 20-100 -> 1, 100+ -> 2
    assert [dwa.level(i) for i in (0, 1, 20)] == [0.0, 0.25, 5.0]
    assert [dwa.level(i) for i in (21, 50, 51, 130, 131)] == [5.5, 20.0, 21.0, 100.0, 102.0]


def test_box_mapping_drops_fractions() -> None:
    # "if the box size is $1 and a stock rises to $15.99, the X is recorded at $15"
    s = FixedScale(1.0)
    assert int(s.index_up(15.99)) == 15
    assert int(s.index_dn(15.01)) == 16
    assert int(s.index_up(15.0)) == int(s.index_dn(15.0)) == 15
    t = TraditionalScale()
    assert t.level(int(t.index_up(15.99))) == 15.5
    assert t.level(int(t.index_dn(15.99))) == 16.0


def test_percent_grid_anchor_and_tolerance() -> None:
    s = PercentScale(0.01)
    assert s.level(0) == 1.0
    assert s.level(-1) == pytest.approx(1 / 1.01)
    assert s.level(5) == pytest.approx(1.01**5)
    # 1.01**5 computed by the caller differs from exp(5*log1p(.01)) in the last bits: on the level
    assert int(s.index_up(1.01**5)) == 5
    assert int(s.index_dn(1.01**5)) == 5
    assert int(s.index_up(1.01**-3)) == -3
    assert int(s.index_up(1.01**5 * (1 - 1e-6))) == 4  # a real shortfall stays below
    assert list(s.index_up([1.0, 1.015, 0.999])) == [0, 1, -1]


def test_levels_scale_is_exactly_the_list() -> None:
    s = LevelsScale.from_array([1.0, 1.5, 2.25, 4.0])
    assert [s.level(i) for i in range(4)] == [1.0, 1.5, 2.25, 4.0]
    assert s.level(-1) == -math.inf
    assert s.level(4) == math.inf
    assert list(s.index_up([1.0, 1.6, 4.0])) == [0, 1, 3]
    assert list(s.index_dn([1.0, 1.6, 4.0])) == [0, 2, 3]


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("1", FixedScale(1.0)),
        ("0.5", FixedScale(0.5)),
        (2, FixedScale(2.0)),
        ("1%", PercentScale(0.01)),
        ("6.5%", PercentScale(0.065)),
        ("traditional", TraditionalScale("stockcharts")),
        ("traditional-dwa", TraditionalScale("dwa")),
        ("traditional-2009", TraditionalScale("stockcharts-2009")),
        ("atr", AtrSpec(20)),
        ("atr:14", AtrSpec(14)),
    ],
)
def test_parse_box_spec(spec: str | int, expected: object) -> None:
    assert parse_box_spec(spec) == expected


@pytest.mark.parametrize("bad", ["", "abc", "-1", "0", "1%%", "atr:x", "0%", "traditional-xyz"])
def test_parse_box_spec_errors_name_value_and_forms(bad: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_box_spec(bad)
    assert repr(bad) in str(info.value)
    assert "traditional" in str(info.value)


def test_rs_presets() -> None:
    assert RS_BOX_DEFAULT == 0.065
    assert RS_BOX_HALF == 0.0325


# ------------------------------------------------------------------------------- §9 goldens


def test_golden_dwa_reversal_thresholds_x_top_45() -> None:
    # METHODS §9.1 (DWA manual): $1 boxes, X top 45 -> an O column only when the low is <= 42
    rows = [
        (40.0, 40.0, 40.0),  # first close sets box 40
        (45.3, 40.5, 45.0),  # X 41..45
        (45.9, 42.01, 43.0),  # low 42.01 fills only down to 43: no reversal
        (45.5, 42.0, 42.5),  # low 42: O column 44, 43, 42
    ]
    ch = pnf_chart(_bars(rows), box=1, method="hl")
    assert _columns(ch) == [("X", 41.0, 45.0), ("O", 42.0, 44.0)]
    assert list(ch.bar_action) == [0, 1, 0, 4]
    assert list(ch.bar_boxes_added) == [0, 5, 0, 3]


def test_golden_dwa_reversal_thresholds_o_bottom_45() -> None:
    # ... and an O column with a low at 45 needs a rally to 48
    rows = [
        (50.0, 50.0, 50.0),
        (49.5, 44.6, 45.0),  # O 49..45
        (47.99, 45.5, 47.0),  # 47.99: no reversal
        (48.0, 45.2, 47.5),  # 48: X 46, 47, 48
    ]
    ch = pnf_chart(_bars(rows), box=1)
    assert ch.method == "hl"
    assert _columns(ch) == [("O", 45.0, 49.0), ("X", 46.0, 48.0)]
    assert list(ch.bar_action) == [0, 2, 0, 3]


def test_continuation_has_priority_inside_a_bar() -> None:
    rows = [
        (40.0, 40.0, 40.0),
        (45.0, 40.5, 45.0),  # X 41..45
        (46.2, 38.0, 39.0),  # new high 46 and a low that would reverse: extend, ignore the low
        (46.5, 43.1, 43.5),  # low fills down to 44 > 46-3: nothing
        (46.0, 43.0, 43.0),  # 43 <= 46-3: O 45..43
    ]
    ch = pnf_chart(_bars(rows), box=1)
    assert _columns(ch) == [("X", 41.0, 46.0), ("O", 43.0, 45.0)]
    assert list(ch.bar_action) == [0, 1, 1, 0, 4]


def test_golden_bpi_chart_two_point_boxes() -> None:
    # METHODS §9.6: BPI on a fixed 2-point grid, 3-box reversal = 6 points
    bpi = [50.0, 62.0, 57.0, 56.0]
    ch = pnf_chart(_close(bpi), box=FixedScale(2.0))
    # X 52..62; 57 fills down only to 58 (> 56): nothing; 56: O 60..56
    assert _columns(ch) == [("X", 52.0, 62.0), ("O", 56.0, 60.0)]
    assert list(ch.bar_action) == [0, 1, 0, 4]
    bpi = [40.0, 22.0, 27.0, 28.0]
    ch = pnf_chart(_close(bpi), box=FixedScale(2.0))
    # O 38..22; 27 fills up only to 26 (< 28); 28: X 24..28
    assert _columns(ch) == [("O", 22.0, 38.0), ("X", 24.0, 28.0)]


def test_golden_rs_chart_reversal_is_20_8_percent_on_the_log_grid() -> None:
    # METHODS §9.7: on a 6.5 % log grid a 3-box reversal from an O bottom needs a rise of
    # 1.065**3 - 1 = 20.8 %, not DWA's additive 19.5 %. (From an X top the reversal level sits
    # 1.065**3 below the top, i.e. a fall of 1 - 1.065**-3 = 17.2 %.)
    assert pytest.approx(0.208, abs=5e-4) == 1.065**3 - 1
    top = 1.065**60
    bottom = 1.065**57
    ratio = [
        top,  # first value sets box 60
        bottom,  # O 59..57 (initial column)
        bottom * 1.195,  # +19.5 %: fills up to 59 only, no reversal
        bottom * 1.065**3,  # +20.8 %: X 58..60
        top / 1.195,  # -16.3 %: fills down to 58 only, no reversal
        top / 1.065**3,  # O 59..57
    ]
    idx = _dates(len(ratio))
    a = pd.Series(ratio, index=idx)
    b = pd.Series(100.0, index=idx)
    ch = relative_strength_chart(a, b, box_pct=RS_BOX_DEFAULT)
    assert ch.method == "close"
    assert isinstance(ch.scale, PercentScale)
    assert list(ch.bar_action) == [0, 2, 0, 3, 0, 4]
    assert list(zip(ch.col_low, ch.col_high, strict=True)) == [(57, 59), (58, 60), (57, 59)]


def test_golden_high_pole_example_columns() -> None:
    # METHODS §9.4 chart (P2 detects the pole): closes [1,6,2,10,5], $1, 3-box, close method
    ch = pnf_chart(_close([1, 6, 2, 10, 5]), box=1, method="close")
    assert _columns(ch) == [("X", 2.0, 6.0), ("O", 2.0, 5.0), ("X", 3.0, 10.0), ("O", 5.0, 9.0)]
    assert list(ch.col_initial) == [True, False, False, False]
    assert list(ch.col_first_bar) == [1, 2, 3, 4]


def test_first_column_waits_for_a_one_box_move() -> None:
    # close 10.5 sits in box [10, 11): a rise fills 11, a fall fills 10 (METHODS §1.3 [PROP])
    ch = pnf_chart(_close([10.5, 10.9, 10.2, 10.0, 8.0]), box=1)
    assert list(ch.bar_column) == [-1, -1, -1, 0, 0]
    assert list(ch.bar_box[:3]) == [NO_BOX] * 3
    assert _columns(ch) == [("O", 8.0, 10.0)]
    ch = pnf_chart(_close([10.5, 11.0]), box=1)
    assert _columns(ch) == [("X", 11.0, 11.0)]


# ------------------------------------------------------------------------------- signals, trend

# Close method, $1 boxes, 3-box reversal. Written out by hand:
#  bar close  chart                                     signal          trend
#  0   10     start box 10
#  1   15     X col0 11..15 (initial)
#  2   12     O col1 14..12
#  3   17     X col2 13..17   17 > 15: BUY #1           POS, BSL from col1 (bottom 12): 11+(c-1)
#  4   14     O col3 16..14   14 > 12: no sell          BSL(3)=13 < 14: holds
#  5   19     X col4 15..19   19 > 17: BUY #2 ("second consecutive buy")
#  6   18     nothing
#  7   13     O col5 18..13   13 < 14: SELL             BSL(5)=15 >= 13: NEG;
#                                                       BRL from col4 (top 19): 20-(c-4)
#  8   16     X col6 14..16   16 < 19: no buy           BRL(6)=18 > 16: holds
#  9   17     X to 17
#  10  18     X to 18         still no buy              18 >= BRL(6)=18: POS (no signal!);
#                                                       BSL from col5 (bottom 13): 12+(c-5)
#  11  20     X to 20         20 > 19: BUY (1 since the sell)
#  12  17     O col7 19..17                             BSL(7)=14 < 17
SIGNAL_CLOSES = [10, 15, 12, 17, 14, 19, 18, 13, 16, 17, 18, 20, 17]


def test_golden_signals_consecutive_buys_status_and_trend() -> None:
    ch = pnf_chart(_close(SIGNAL_CLOSES), box=1)
    assert _columns(ch) == [
        ("X", 11.0, 15.0),
        ("O", 12.0, 14.0),
        ("X", 13.0, 17.0),
        ("O", 14.0, 16.0),
        ("X", 15.0, 19.0),
        ("O", 13.0, 18.0),
        ("X", 14.0, 20.0),
        ("O", 17.0, 19.0),
    ]
    assert list(ch.bar_column) == [-1, 0, 1, 2, 3, 4, 4, 5, 6, 6, 6, 6, 7]
    assert list(ch.bar_direction) == [0, 1, -1, 1, -1, 1, 1, -1, 1, 1, 1, 1, -1]
    assert list(ch.bar_box) == [NO_BOX, 15, 12, 17, 14, 19, 19, 13, 16, 17, 18, 20, 17]
    assert list(ch.bar_action) == [0, 1, 4, 3, 4, 3, 0, 4, 3, 1, 1, 1, 4]
    assert list(ch.bar_boxes_added) == [0, 5, 3, 5, 3, 5, 0, 6, 3, 1, 1, 2, 3]
    assert list(ch.bar_signal_fired) == [0, 0, 0, 1, 0, 1, 0, -1, 0, 0, 0, 1, 0]
    assert list(ch.bar_signal) == [0, 0, 0, 1, 1, 1, 1, -1, -1, -1, -1, 1, 1]
    assert list(ch.bar_consec_buys) == [0, 0, 0, 1, 1, 2, 2, 0, 0, 0, 0, 1, 1]
    assert list(ch.bar_consec_sells) == [0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 0, 0]
    assert list(ch.bar_trend) == [0, 0, 0, 1, 1, 1, 1, -1, -1, -1, 1, 1, 1]
    assert list(ch.bar_trend_line) == [NO_LINE] * 3 + [12, 13, 14, 14, 19, 18, 18, 13, 13, 14]
    ev = ch.events()
    assert list(ev["status"]) == [
        "",
        "",
        "",
        "bull confirmed",
        "bull correction",
        "bull confirmed",
        "bull confirmed",
        "bear confirmed",
        "bear correction",
        "bear correction",
        "bear correction",
        "bull confirmed",
        "bull correction",
    ]
    assert list(ev["signal_fired"])[3:8] == ["buy", "", "buy", "", "sell"]
    assert list(ev["trend"])[6:11] == ["POS", "NEG", "NEG", "NEG", "POS"]
    assert list(ev["action"])[:4] == ["none", "x", "reverse x->o", "reverse o->x"]
    # the trend flip on bar 10 comes without a signal: both exposed separately
    assert ch.bar_signal_fired[10] == 0 and ch.bar_trend[9] == -1 and ch.bar_trend[10] == 1
    # prior-X top / prior-O bottom as of bar 8 (X col6): col4 top 19, col5 bottom 13
    assert ev["prior_x_top"].iloc[8] == 19.0
    assert ev["prior_o_bottom"].iloc[8] == 13.0
    assert ev["trend_line_level"].iloc[10] == 13.0
    text = ch.summary()
    assert "last signal: buy" in text and "trend: POS" in text and "8 columns" in text


def test_first_signal_sell_starts_negative_trend_from_highest_x_column() -> None:
    # 20 (start), 15 (O col0 19..15), 18 (X col1 16..18), 13 (O col2 17..13 < 15: SELL),
    # 15 (fills up to 15 < 13+3: nothing), 16 (X col3 14..16)
    ch = pnf_chart(_close([20, 15, 18, 13, 15, 16]), box=1)
    assert list(ch.bar_signal_fired) == [0, 0, 0, -1, 0, 0]
    # first sell -> NEG with a BRL from the highest X column so far (col1, top 18): 19-(c-1)
    assert list(ch.bar_trend) == [0, 0, 0, -1, -1, -1]
    # BRL(2) = 18 on bars 3-4 (column 2), BRL(3) = 17 on bar 5; 16 < 17 so NEG holds
    assert list(ch.bar_trend_line) == [NO_LINE] * 3 + [18, 18, 17]
    assert _columns(ch)[-1] == ("X", 14.0, 16.0)


def test_signal_fires_once_per_column_on_the_breakout_bar() -> None:
    ch = pnf_chart(_close([10, 15, 12, 16, 17, 18]), box=1)
    assert list(ch.bar_signal_fired) == [0, 0, 0, 1, 0, 0]
    assert list(ch.bar_consec_buys) == [0, 0, 0, 1, 1, 1]


def test_nan_bars_change_nothing() -> None:
    with_nan = pnf_chart(_close([10, np.nan, 15, np.nan, 12, 17]), box=1)
    without = pnf_chart(_close([10, 15, 12, 17]), box=1)
    assert _columns(with_nan) == _columns(without)
    assert list(with_nan.bar_action) == [0, 0, 1, 0, 4, 3]
    assert list(with_nan.bar_column) == [-1, -1, 0, 0, 1, 2]


# ------------------------------------------------------------------------------- front door


def test_start_and_asof_slice_the_chart() -> None:
    s = _close(SIGNAL_CLOSES)
    full = pnf_chart(s, box=1)
    cut = pnf_chart(s, box=1, asof=s.index[7])
    assert len(cut.dates) == 8
    np.testing.assert_array_equal(cut.bar_signal, full.bar_signal[:8])
    later = pnf_chart(s, box=1, start=s.index[2])
    assert later.dates[0] == s.index[2]
    # the chart restarts: close 12 is the first close
    assert _columns(later)[0] == ("X", 13.0, 17.0)


def test_atr_box_uses_only_data_up_to_the_chart_start() -> None:
    closes = [10.0, 11.0, 10.5, 11.5, 12.5, 13.0, 14.0, 15.0, 30.0, 5.0]
    s = _close(closes)
    # ATR(3) of closes: mean(|11.5-10.5|, |12.5-11.5|... ) ending at bar 3 (no start: bar n=3)
    ch = pnf_chart(s, box=AtrSpec(3))
    expected = np.mean([abs(11.0 - 10.0), abs(10.5 - 11.0), abs(11.5 - 10.5)])
    assert isinstance(ch.scale, FixedScale)
    assert ch.scale.box == pytest.approx(expected)
    assert ch.start_bar == 3
    assert list(ch.bar_column[:4]) == [-1, -1, -1, -1]
    # later (wild) data do not change the box
    ch2 = pnf_chart(s.iloc[:5], box="atr:3")
    assert ch2.scale == ch.scale
    # with a start date the ATR window ends there
    ch3 = pnf_chart(s, box=AtrSpec(3), start=s.index[6])
    exp3 = np.mean([abs(12.5 - 11.5), abs(13.0 - 12.5), abs(14.0 - 13.0)])
    assert ch3.scale.box == pytest.approx(exp3)
    assert ch3.start_bar == 0 and ch3.dates[0] == s.index[6]


def test_atr_box_high_low_true_range() -> None:
    rows = [(11.0, 9.0, 10.0), (12.0, 10.0, 11.0), (11.5, 8.0, 9.0), (10.0, 9.5, 9.8)]
    ch = pnf_chart(_bars(rows), box=AtrSpec(2))
    # TR1 = max(2, |12-10|, |10-10|) = 2; TR2 = max(3.5, |11.5-11|, |8-11|) = 3.5
    assert ch.scale.box == pytest.approx(2.75)


def test_input_errors() -> None:
    with pytest.raises(ConfigError, match="reversal"):
        pnf_chart(_close([1, 2, 3]), box=1, reversal=0)
    with pytest.raises(ConfigError, match="hl"):
        pnf_chart(_close([1, 2, 3]), box=1, method="hl")
    with pytest.raises(DataError, match="increasing"):
        pnf_chart(pd.Series([1.0, 2.0], index=pd.to_datetime(["2024-01-02", "2024-01-01"])))
    with pytest.raises(DataError, match="> 0"):
        pnf_chart(_close([1.0, -2.0, 3.0]), box="1%")
    with pytest.raises(DataError, match="infinite"):
        pnf_chart(_close([1.0, np.inf]), box=1)
    with pytest.raises(DataError, match="high < low"):
        pnf_chart(_bars([(1.0, 2.0, 1.5)]), box=1)
    with pytest.raises(DataError, match="outside"):
        pnf_chart(_close([1.0, 9.0]), box=LevelsScale.from_array([1, 2, 3]))
    with pytest.raises(ConfigError):
        PercentScale(0.0)
    with pytest.raises(ConfigError):
        FixedScale(-1.0)


def test_frame_columns_any_case_and_default_method() -> None:
    df = _bars([(10.0, 10.0, 10.0), (12.2, 10.5, 12.0)]).rename(columns=str.title)
    ch = pnf_chart(df, box=1)
    assert ch.method == "hl"
    assert _columns(ch) == [("X", 11.0, 12.0)]
    only_close = df[["Close"]]
    assert pnf_chart(only_close, box=1).method == "close"


# ------------------------------------------------------------------------------- panel


def _random_panel(m: int, n: int, seed: int) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    c = 50 * np.exp(np.cumsum(rng.normal(0, 0.02, (n, m)), axis=0))
    h = c * np.exp(np.abs(rng.normal(0, 0.01, (n, m))))
    lo = c * np.exp(-np.abs(rng.normal(0, 0.01, (n, m))))
    # NaN padding: late listings, early delistings, a gap
    for s in range(m):
        a, b = sorted(rng.integers(0, n, 2))
        c[:a, s] = h[:a, s] = lo[:a, s] = np.nan
        if s % 3 == 0:
            c[b:, s] = h[b:, s] = lo[b:, s] = np.nan
    c[n // 2, 0] = h[n // 2, 0] = lo[n // 2, 0] = np.nan
    cols = [f"S{i}" for i in range(m)]
    idx = _dates(n)
    return (
        pd.DataFrame(c, index=idx, columns=cols),
        pd.DataFrame(h, index=idx, columns=cols),
        pd.DataFrame(lo, index=idx, columns=cols),
    )


@pytest.mark.parametrize("box", ["1%", "traditional", "0.5", "atr:10"])
@pytest.mark.parametrize("method", ["hl", "close"])
def test_panel_equals_single_charts(box: str, method: str) -> None:
    close, high, low = _random_panel(7, 300, seed=3)
    kw = {"high": high, "low": low} if method == "hl" else {}
    panel = pnf_charts(close, box=box, method=method, threads=2, **kw)
    assert panel.signal.shape == (300, 7)
    for j, sym in enumerate(close.columns):
        frame = pd.DataFrame({"high": high[sym], "low": low[sym], "close": close[sym]})
        if box.startswith("atr"):
            first = int(np.flatnonzero(close[sym].notna().to_numpy())[0])
            try:
                ch = pnf_chart(frame.iloc[first:], box=box, method=method)
            except DataError:
                assert (panel.column[:, j] == -1).all()
                continue
            pad = first
        else:
            ch = pnf_chart(frame, box=box, method=method)
            pad = 0
        for field, arr in [
            ("column", ch.bar_column),
            ("direction", ch.bar_direction),
            ("box", ch.bar_box),
            ("action", ch.bar_action),
            ("signal", ch.bar_signal),
            ("signal_fired", ch.bar_signal_fired),
            ("consec_buys", ch.bar_consec_buys),
            ("trend", ch.bar_trend),
            ("trend_line", ch.bar_trend_line),
        ]:
            np.testing.assert_array_equal(getattr(panel, field)[pad:, j], arr, err_msg=field)
    assert "symbols" in panel.summary()
    assert panel.frame("status").shape == (300, 7)
    assert list(panel.latest().index) == list(close.columns)


def test_panel_lazy_fields_equal_single_charts_with_start_and_asof() -> None:
    # PnfPanel keeps only the packed kernel state; every field (and status) is replayed on
    # first access. Each must equal the directly built single chart with the same window,
    # with the old dtypes and (bars, symbols) Fortran layout; latest() is a one-pass replay
    # that must equal the last row.
    close, high, low = _random_panel(6, 260, seed=11)
    start, asof = close.index[40], close.index[230]
    panel = pnf_charts(close, high=high, low=low, box="2%", start=start, asof=asof, threads=2)
    n = 191
    assert len(panel.dates) == n
    dtypes = {
        "column": np.int32,
        "direction": np.int8,
        "box": np.int32,
        "action": np.int8,
        "boxes_added": np.int32,
        "signal": np.int8,
        "signal_fired": np.int8,
        "consec_buys": np.int32,
        "consec_sells": np.int32,
        "trend": np.int8,
        "trend_line": np.int32,
        "status": np.int8,
    }
    latest = panel.latest()
    for field, dt in dtypes.items():
        arr = getattr(panel, field)
        assert arr.dtype == dt, field
        assert arr.shape == (n, 6), field
        assert arr.strides[0] == arr.itemsize, field  # each symbol contiguous
        assert getattr(panel, field) is arr, field  # derived once, then kept
        np.testing.assert_array_equal(latest[field].to_numpy(), arr[-1], err_msg=field)
    for j, sym in enumerate(close.columns):
        frame = pd.DataFrame({"high": high[sym], "low": low[sym], "close": close[sym]})
        ch = pnf_chart(frame, box="2%", start=start, asof=asof)
        for field in dtypes:
            want = ch.bar_status if field == "status" else getattr(ch, f"bar_{field}")
            np.testing.assert_array_equal(getattr(panel, field)[:, j], want, err_msg=field)
    assert panel.frame("boxes_added").shape == (n, 6)


def test_panel_backends_and_threads_agree() -> None:
    from sizeup.analytics.pnf import REL_EPS, build_panel

    close, high, low = _random_panel(9, 200, seed=5)
    h, lo, c = (np.ascontiguousarray(f.to_numpy().T) for f in (high, low, close))
    sc = PercentScale(0.02)
    kw = {"kind": sc.kind, "params": sc.params(), "reversal": 3, "eps": REL_EPS}
    starts = np.zeros(9, np.int64)
    base = build_panel(h, lo, c, starts, threads=1, **kw)
    for backend, threads in [("pool", 2), ("prange", 2), ("prange", 1), ("pool", 4)]:
        got = build_panel(h, lo, c, starts, threads=threads, backend=backend, **kw)
        for a, b in zip(base, got, strict=True):
            np.testing.assert_array_equal(a, b)


@pytest.mark.benchmark
def test_benchmark_minimal_builder_draws_the_same_columns() -> None:
    # the benchmark's "speed of light" builder must build the same chart (close method)
    import importlib.util
    from pathlib import Path

    from sizeup.analytics.pnf import kernel_grid

    path = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_pnf.py"
    spec = importlib.util.spec_from_file_location("bench_pnf", path)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    _, _, close = bench._walks(6, 1500, seed=7)
    sc = bench.BOX
    tab, off, _, _ = kernel_grid(sc.kind, sc.params(), bench.REVERSAL)
    col = np.empty(close.shape, np.int32)
    box = np.empty(close.shape, np.int32)
    bench._minimal_close_builder(close, tab, off, bench.REVERSAL, 0, 6, col, box)
    for s in range(6):
        ch = pnf_chart(_close_n(close[s]), box=sc, reversal=bench.REVERSAL, method="close")
        has = ch.bar_column >= 0
        assert has.sum() > 1000
        np.testing.assert_array_equal(col[s], ch.bar_column)
        np.testing.assert_array_equal(box[s][has], ch.bar_box[has])


def _close_n(values: np.ndarray) -> pd.Series:
    return pd.Series(values, index=_dates(len(values)))
