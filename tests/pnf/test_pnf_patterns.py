"""Golden tests for the P&F pattern detectors (METHODS.md §1.5, §9 items 4-5).

Charts are drawn by hand on a $1 box grid where box index == price, written column by column
("X 10-14" = X column filling boxes 10..14). The helper turns such a drawing into the per-bar
arrays a chart engine produces: a column's opening bar fills min(3, n) boxes at once (a
reversal; the very first column opens with one box) and every later bar adds one box.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sizeup.analytics.pnf import (
    ColumnArrays,
    Pattern,
    PatternEvent,
    detect_patterns,
    find_pattern_events,
    signal_columns,
)
from sizeup.errors import DataError

P = Pattern


def draw(*spec: str, trend: int = 0, reversal: int = 3) -> ColumnArrays:
    """Hand-drawn columns -> ColumnArrays; checks that the drawing is a legal P&F chart."""
    direction, low, high, first, last = [], [], [], [], []
    bar_column: list[int] = []
    bar_box: list[int] = []
    for c, text in enumerate(spec):
        kind, rng = text.split()
        lo, hi = (int(v) for v in rng.split("-"))
        lo, hi = min(lo, hi), max(lo, hi)
        d = 1 if kind == "X" else -1
        n = hi - lo + 1
        if c > 0:  # the drawing must be a legal chart: alternate, start one box beyond
            assert d == -direction[-1], f"column {c} does not alternate"
            assert n >= reversal, f"column {c} has fewer than {reversal} boxes"
            if d > 0:
                assert lo == low[-1] + 1, f"X column {c} must start at {low[-1] + 1}"
            else:
                assert hi == high[-1] - 1, f"O column {c} must start at {high[-1] - 1}"
        opening = 1 if c == 0 else min(reversal, n)
        first.append(len(bar_column))
        if d > 0:
            boxes = list(range(lo + opening - 1, hi + 1))
        else:
            boxes = list(range(hi - opening + 1, lo - 1, -1))
        for b in boxes:
            bar_column.append(c)
            bar_box.append(b)
        last.append(len(bar_column) - 1)
        direction.append(d)
        low.append(lo)
        high.append(hi)
    return ColumnArrays.from_arrays(
        direction, low, high, first, last, bar_column, bar_box, [trend] * len(bar_column)
    )


def bar_of(cols: ColumnArrays, column: int, box: int) -> int:
    """The bar on which ``box`` of ``column`` was filled (hand-check helper)."""
    hits = np.flatnonzero((cols.bar_column == column) & (cols.bar_box == box))
    assert hits.size == 1
    return int(hits[0])


def patterns(cols: ColumnArrays, **kw: Any) -> list[tuple[int, int, str, int]]:
    return [(e.bar, e.column, str(e.pattern), e.box) for e in find_pattern_events(cols, **kw)]


def at(cols: ColumnArrays, **kw: Any) -> dict[int, set[Pattern]]:
    """Events grouped by column."""
    out: dict[int, set[Pattern]] = {}
    for e in find_pattern_events(cols, **kw):
        out.setdefault(e.column, set()).add(e.pattern)
    return out


# ----------------------------------------------------------------------------- breakouts


def test_double_top_buy_fires_on_first_box_above() -> None:
    #  15 . . X   <- first box above the prior top 14: double-top buy here
    #  14 X . X
    #  13 X O X
    #  12 X O X
    #  11 X O
    #  10 X
    cols = draw("X 10-14", "O 11-13", "X 12-15")
    assert patterns(cols) == [(bar_of(cols, 2, 15), 2, "double_top_buy", 15)]


def test_equal_top_is_not_a_buy() -> None:
    cols = draw("X 10-14", "O 11-13", "X 12-14")
    assert patterns(cols) == []


def test_triple_top_buy_and_not_double() -> None:
    #  15 . . . . X
    #  14 X . X . X
    #  13 X O X O X
    #  12 X O X O X
    #  11 X O . O
    #  10 X
    cols = draw("X 10-14", "O 11-13", "X 12-14", "O 11-13", "X 12-15")
    assert patterns(cols) == [(bar_of(cols, 4, 15), 4, "triple_top_buy", 15)]


def test_triple_top_near_miss_not_broken() -> None:
    cols = draw("X 10-14", "O 11-13", "X 12-14", "O 11-13", "X 12-14")
    assert patterns(cols) == []


def test_quadruple_top_buy() -> None:
    cols = draw("X 10-14", "O 11-13", "X 12-14", "O 11-13", "X 12-14", "O 11-13", "X 12-15")
    assert patterns(cols) == [(bar_of(cols, 6, 15), 6, "quadruple_top_buy", 15)]


def test_double_bottom_triple_bottom_quadruple_bottom() -> None:
    # mirror images drawn out: O 20-16, X 17-19, O 16-18 ... then a break of 16 at 15
    db = draw("O 16-20", "X 17-19", "O 15-18")
    assert patterns(db) == [(bar_of(db, 2, 15), 2, "double_bottom_sell", 15)]
    tb = draw("O 16-20", "X 17-19", "O 16-18", "X 17-19", "O 15-18")
    assert patterns(tb) == [(bar_of(tb, 4, 15), 4, "triple_bottom_sell", 15)]
    qb = draw("O 16-20", "X 17-19", "O 16-18", "X 17-19", "O 16-18", "X 17-19", "O 15-18")
    assert patterns(qb) == [(bar_of(qb, 6, 15), 6, "quadruple_bottom_sell", 15)]


def test_breakout_fires_on_the_bar_of_the_breakout_box_not_the_column_end() -> None:
    cols = draw("X 10-14", "O 11-13", "X 12-18")
    (event,) = find_pattern_events(cols)
    assert event.bar == bar_of(cols, 2, 15)
    assert event.bar < int(cols.last_bar[2])


def test_reversal_bar_that_jumps_past_the_top_fires_on_that_bar() -> None:
    # X 10-12, O 9-11 ... X column opens with 3 boxes 10..12 and breaks 11 on its first bar
    cols = draw("X 9-11", "O 8-10", "X 9-12")
    # opening bar of column 2 fills 9..11 (extreme 11 = equal to prior top), next bar fills 12
    assert patterns(cols) == [(bar_of(cols, 2, 12), 2, "double_top_buy", 12)]
    jump = ColumnArrays.from_arrays(
        [1, -1, 1], [9, 8, 9], [11, 10, 13], [0, 1, 2], [0, 1, 2], [0, 1, 2], [11, 8, 13]
    )
    assert patterns(jump) == [(2, 2, "double_top_buy", 12)]


# ----------------------------------------------------------------------------- compound tops


def test_ascending_triple_top() -> None:
    #  16 . . . . X
    #  15 . . X . X
    #  14 X . X O X
    #  13 X O X O X
    #  12 X O X O
    #  11 X O
    #  10 X
    cols = draw("X 10-14", "O 11-13", "X 12-15", "O 12-14", "X 13-16")
    b = bar_of(cols, 4, 16)
    assert (b, 4, "ascending_triple_top", 16) in patterns(cols)
    assert at(cols) == {2: {P.DOUBLE_TOP_BUY}, 4: {P.DOUBLE_TOP_BUY, P.ASCENDING_TRIPLE_TOP}}


def test_ascending_near_miss_equal_first_tops_is_a_triple_top() -> None:
    cols = draw("X 10-14", "O 11-13", "X 12-14", "O 11-13", "X 12-16")
    assert at(cols) == {4: {P.TRIPLE_TOP_BUY}}


def test_descending_triple_bottom() -> None:
    cols = draw("O 16-20", "X 17-19", "O 15-18", "X 16-18", "O 14-17")
    assert at(cols) == {
        2: {P.DOUBLE_BOTTOM_SELL},
        4: {P.DOUBLE_BOTTOM_SELL, P.DESCENDING_TRIPLE_BOTTOM},
    }
    assert (bar_of(cols, 4, 14), 4, "descending_triple_bottom", 14) in patterns(cols)


def test_spread_triple_top() -> None:
    #  16 . . . . . . X
    #  15 X . . . X . X   <- tops at 15 in columns 0 and 4, lower top 14 in column 2
    #  14 X O X . X O X
    #  13 X O X O X O X
    #  12 X O X O X O
    #  11 X O . O
    #  10 X
    cols = draw("X 10-15", "O 11-14", "X 12-14", "O 11-13", "X 12-15", "O 12-14", "X 13-16")
    got = at(cols)
    assert P.SPREAD_TRIPLE_TOP in got[6]
    assert P.SPREAD_TRIPLE_TOP not in got.get(4, set())
    assert (bar_of(cols, 6, 16), 6, "spread_triple_top", 16) in patterns(cols)


def test_spread_triple_top_near_miss_first_top_higher() -> None:
    cols = draw("X 10-16", "O 11-15", "X 12-14", "O 11-13", "X 12-15", "O 12-14", "X 13-16")
    assert all(P.SPREAD_TRIPLE_TOP not in s for s in at(cols).values())


def test_spread_triple_bottom() -> None:
    cols = draw("O 15-20", "X 16-19", "O 16-18", "X 17-19", "O 15-18", "X 16-18", "O 14-17")
    assert P.SPREAD_TRIPLE_BOTTOM in at(cols)[6]


def test_bullish_catapult() -> None:
    #  16 . . . . . . X   <- catapult: the triple-top column's top (15) is exceeded
    #  15 . . . . X . X
    #  14 X . X . X O X
    #  13 X O X O X O X
    #  12 X O X O X O      <- O column holds above the prior O bottom 11
    #  11 X O . O
    #  10 X
    cols = draw("X 10-14", "O 11-13", "X 12-14", "O 11-13", "X 12-15", "O 12-14", "X 13-16")
    got = at(cols)
    assert got[4] == {P.TRIPLE_TOP_BUY}
    assert P.BULLISH_CATAPULT in got[6]
    assert (bar_of(cols, 6, 16), 6, "bullish_catapult", 16) in patterns(cols)


def test_catapult_near_miss_sell_signal_in_between() -> None:
    # the O column after the triple top breaks 11 (double-bottom sell) -> no catapult
    cols = draw("X 10-14", "O 11-13", "X 12-14", "O 11-13", "X 12-15", "O 10-14", "X 11-16")
    # (column 4 broke the triple top by one box and reversed: a bull trap; column 5 broke the
    # equal bottoms 11, 11: a triple-bottom sell)
    got = at(cols)
    assert got[5] == {P.TRIPLE_BOTTOM_SELL, P.BULL_TRAP}
    assert P.BULLISH_CATAPULT not in got[6]


def test_catapult_near_miss_plain_double_top_first() -> None:
    # tops 13, 14, 15, 16: column 4 is a double-top buy, not a triple top
    cols = draw("X 10-13", "O 10-12", "X 11-14", "O 11-13", "X 12-15", "O 12-14", "X 13-16")
    assert at(cols)[4] == {P.DOUBLE_TOP_BUY, P.ASCENDING_TRIPLE_TOP}
    assert all(P.BULLISH_CATAPULT not in s for s in at(cols).values())


def test_bearish_catapult() -> None:
    # triple bottom sell at column 4 (breaks 16 at 15), X column fails below 19 (lower top
    # 18 <= 19), then column 6 breaks 15 at 14
    cols = draw("O 16-20", "X 17-19", "O 16-18", "X 17-19", "O 15-18", "X 16-18", "O 14-17")
    got = at(cols)
    assert got[4] == {P.TRIPLE_BOTTOM_SELL}
    assert P.BEARISH_CATAPULT in got[6]


def test_signal_reversed_to_buy() -> None:
    # seven columns: X tops 30 > 27 > 24, O bottoms 18 > 15 > 12, then X 13-25 breaks 24
    cols = draw("X 20-30", "O 18-29", "X 19-27", "O 15-26", "X 16-24", "O 12-23", "X 13-25")
    got = at(cols)
    assert P.SIGNAL_REVERSED_TO_BUY in got[6]
    assert P.DOUBLE_TOP_BUY in got[6]
    assert (bar_of(cols, 6, 25), 6, "signal_reversed_to_buy", 25) in patterns(cols)
    assert P.SIGNAL_REVERSED_TO_SELL not in {p for s in got.values() for p in s}


def test_signal_reversed_near_misses() -> None:
    # equal tops (27, 27) are not strictly lower
    eq = draw("X 20-30", "O 18-29", "X 19-27", "O 15-26", "X 16-27", "O 12-26", "X 13-28")
    assert all(P.SIGNAL_REVERSED_TO_BUY not in s for s in at(eq).values())
    # only five columns of decline before the buy (needs seven columns in all)
    short = draw("O 18-29", "X 19-27", "O 15-26", "X 16-24", "O 12-23", "X 13-25")
    assert all(P.SIGNAL_REVERSED_TO_BUY not in s for s in at(short).values())
    # a higher bottom inside the sequence
    hb = draw("X 20-30", "O 18-29", "X 19-27", "O 19-26", "X 20-24", "O 12-23", "X 13-25")
    assert all(P.SIGNAL_REVERSED_TO_BUY not in s for s in at(hb).values())


def test_signal_reversed_to_sell() -> None:
    # O bottoms 20 < 23 < 26 rising, X tops 32 < 35 < 38 rising, then O breaks 26 at 25
    cols = draw("O 20-30", "X 21-32", "O 23-31", "X 24-35", "O 26-34", "X 27-38", "O 25-37")
    got = at(cols)
    assert P.SIGNAL_REVERSED_TO_SELL in got[6]
    assert P.DOUBLE_BOTTOM_SELL in got[6]


def test_bullish_triangle() -> None:
    #  20 X
    #  19 X . . . X   <- breaks the lower top 18
    #  18 X O X . X
    #  17 X O X O X
    #  16 X O X O X
    #  15 X O X O X
    #  14 X O X O X
    #  13 X O X O
    #  12 X O X
    #  11 X O
    #  10 X
    cols = draw("X 10-20", "O 11-19", "X 12-18", "O 13-17", "X 14-19")
    assert at(cols) == {4: {P.DOUBLE_TOP_BUY, P.BULLISH_TRIANGLE}}
    assert (bar_of(cols, 4, 19), 4, "bullish_triangle", 19) in patterns(cols)


def test_triangle_near_miss_equal_bottoms() -> None:
    cols = draw("X 10-20", "O 11-19", "X 12-18", "O 11-17", "X 12-19")
    assert at(cols) == {4: {P.DOUBLE_TOP_BUY}}


def test_bearish_triangle() -> None:
    cols = draw("O 10-20", "X 11-19", "O 12-18", "X 13-17", "O 11-16")
    assert at(cols) == {4: {P.DOUBLE_BOTTOM_SELL, P.BEARISH_TRIANGLE}}


# ----------------------------------------------------------------------------- poles


def test_high_pole_golden_closes_1_6_2_10_5() -> None:
    # METHODS §9 item 4, closes [1,6,2,10,5], $1 box, 3-box, close method, drawn by hand:
    # bar0 close 1: no column yet; bar1 close 6: X 2..6 (col 0); bar2 close 2: O 5..2 (col 1);
    # bar3 close 10: X 3..10 (col 2, 4 boxes above 6: the pole); bar4 close 5: O 9..5 (col 3)
    # = 5 of the pole's 8 boxes (> 50 %) -> HIGH_POLE on bar 4.
    cols = ColumnArrays.from_arrays(
        direction=[1, -1, 1, -1],
        low=[2, 2, 3, 5],
        high=[6, 5, 10, 9],
        first_bar=[1, 2, 3, 4],
        last_bar=[1, 2, 3, 4],
        bar_column=[-1, 0, 1, 2, 3],
        bar_box=[1, 6, 2, 10, 5],
    )
    events = find_pattern_events(cols)
    assert PatternEvent(4, 3, P.HIGH_POLE, 5) in events
    assert PatternEvent(3, 2, P.DOUBLE_TOP_BUY, 7) in events
    assert P.HIGH_POLE.direction == -1
    # the non-strict rule also fires, its threshold box is 6 (4 boxes down), reached on bar 4
    lax = find_pattern_events(cols, pole_retrace_strict=False)
    assert PatternEvent(4, 3, P.HIGH_POLE, 6) in lax


def test_high_pole_needs_more_than_half_when_strict() -> None:
    # same pole (8 boxes 3..10) but the O column stops at 6: 4 of 8 boxes = exactly 50 %
    cols = ColumnArrays.from_arrays(
        [1, -1, 1, -1],
        [2, 2, 3, 6],
        [6, 5, 10, 9],
        [1, 2, 3, 4],
        [1, 2, 3, 4],
        [-1, 0, 1, 2, 3],
        [1, 6, 2, 10, 6],
    )
    assert all(e.pattern != P.HIGH_POLE for e in find_pattern_events(cols))
    lax = find_pattern_events(cols, pole_retrace_strict=False)
    assert PatternEvent(4, 3, P.HIGH_POLE, 6) in lax


def test_low_pole_golden_closes_12_6_10_2_6_only_non_strict() -> None:
    # METHODS §9 item 5, closes [12,6,10,2,6] drawn by hand: bar1 O 11..6 (col 0);
    # bar2 X 7..10 (col 1); bar3 O 9..2 (col 2, 4 boxes below 6: the pole, 8 boxes);
    # bar4 X 3..6 (col 3) = 4 of 8 boxes = 50 % -> LOW_POLE only with the non-strict rule.
    cols = ColumnArrays.from_arrays(
        direction=[-1, 1, -1, 1],
        low=[6, 7, 2, 3],
        high=[11, 10, 9, 6],
        first_bar=[1, 2, 3, 4],
        last_bar=[1, 2, 3, 4],
        bar_column=[-1, 0, 1, 2, 3],
        bar_box=[12, 6, 10, 2, 6],
    )
    strict = find_pattern_events(cols)
    assert all(e.pattern != P.LOW_POLE for e in strict)
    assert PatternEvent(3, 2, P.DOUBLE_BOTTOM_SELL, 5) in strict
    lax = find_pattern_events(cols, pole_retrace_strict=False)
    assert PatternEvent(4, 3, P.LOW_POLE, 6) in lax
    assert P.LOW_POLE.direction == 1


def test_pole_near_miss_column_only_two_boxes_above_prior_top() -> None:
    # X 3..8 exceeds the prior top 6 by only 2 boxes; a full retrace is still no pole
    cols = draw("X 2-6", "O 2-5", "X 3-8", "O 2-7")
    assert all(e.pattern != P.HIGH_POLE for e in find_pattern_events(cols))


def test_high_pole_fires_on_the_bar_that_completes_the_retrace() -> None:
    # pole X 12..21 (10 boxes, 6 above prior top 15); strict needs 6 boxes down: 20..15
    cols = draw("X 10-15", "O 11-14", "X 12-21", "O 13-20")
    hits = [e for e in find_pattern_events(cols) if e.pattern == P.HIGH_POLE]
    assert hits == [PatternEvent(bar_of(cols, 3, 15), 3, P.HIGH_POLE, 15)]


# ----------------------------------------------------------------------------- shakeout, traps


def test_bullish_shakeout_in_positive_trend() -> None:
    #  15 . . . . X   <- completion: exceeds the equal tops (triple-top buy)
    #  14 X . X . X
    #  13 X O X O X
    #  12 X O X O X
    #  11 X O . O X   <- the O column breaks 11 (double-bottom sell = the shakeout)
    #  10 X . . O
    cols = draw("X 10-14", "O 11-13", "X 12-14", "O 10-13", "X 11-15", trend=1)
    got = at(cols)
    assert got[3] == {P.DOUBLE_BOTTOM_SELL}
    assert got[4] == {P.TRIPLE_TOP_BUY, P.BULLISH_SHAKEOUT}
    assert (bar_of(cols, 4, 15), 4, "bullish_shakeout", 15) in patterns(cols)


def test_shakeout_near_misses() -> None:
    spec = ("X 10-14", "O 11-13", "X 12-14", "O 10-13", "X 11-15")
    # negative trend: no shakeout
    assert P.BULLISH_SHAKEOUT not in at(draw(*spec, trend=-1))[4]
    # no trend information: no shakeout
    c = draw(*spec, trend=1)
    no_trend = ColumnArrays(
        c.direction, c.low, c.high, c.first_bar, c.last_bar, c.bar_column, c.bar_box, None
    )
    assert P.BULLISH_SHAKEOUT not in at(no_trend)[4]
    # O column does not break the prior bottom: a plain triple top
    plain = draw("X 10-14", "O 11-13", "X 12-14", "O 11-13", "X 12-15", trend=1)
    assert at(plain) == {4: {P.TRIPLE_TOP_BUY}}


def test_bull_trap() -> None:
    #  15 . . . . X .     <- triple-top breakout by exactly one box
    #  14 X . X . X O
    #  13 X O X O X O
    #  12 X O X O X O     <- 3-box reversal down: BULL_TRAP on this bar (box 12)
    #  11 X O . O
    #  10 X
    cols = draw("X 10-14", "O 11-13", "X 12-14", "O 11-13", "X 12-15", "O 12-14")
    events = find_pattern_events(cols)
    assert PatternEvent(int(cols.first_bar[5]), 5, P.BULL_TRAP, 12) in events
    assert P.BULL_TRAP.direction == -1


def test_bull_trap_near_misses() -> None:
    # breakout by two boxes
    two = draw("X 10-14", "O 11-13", "X 12-14", "O 11-13", "X 12-16", "O 13-15")
    assert all(e.pattern != P.BULL_TRAP for e in find_pattern_events(two))
    # a double top (not a multiple top) broken by one box
    dt = draw("X 10-15", "O 10-14", "X 11-13", "O 10-12", "X 11-14", "O 11-13")
    assert all(e.pattern != P.BULL_TRAP for e in find_pattern_events(dt))
    # no reversal yet
    pending = draw("X 10-14", "O 11-13", "X 12-14", "O 11-13", "X 12-15")
    assert all(e.pattern != P.BULL_TRAP for e in find_pattern_events(pending))


def test_bear_trap() -> None:
    # triple bottom at 16 broken by one box (15), then a 3-box reversal up 16..18
    cols = draw("O 16-20", "X 17-19", "O 16-18", "X 17-19", "O 15-18", "X 16-18")
    events = find_pattern_events(cols)
    assert PatternEvent(int(cols.first_bar[5]), 5, P.BEAR_TRAP, 18) in events


def test_long_tail_down() -> None:
    # O column 40..21 = 20 boxes, then a reversal up 22..24 -> LONG_TAIL_DOWN on that bar
    cols = draw("X 30-41", "O 21-40", "X 22-24")
    assert patterns(cols) == [(int(cols.first_bar[2]), 2, "long_tail_down", 24)]


def test_long_tail_near_misses() -> None:
    assert patterns(draw("X 30-41", "O 22-40", "X 23-25")) == []  # 19 boxes
    assert patterns(draw("X 30-41", "O 21-40")) == []  # no reversal yet
    assert patterns(draw("X 30-41", "O 22-40", "X 23-25"), long_tail_boxes=19) != []


# ----------------------------------------------------------------------------- properties


def test_mirror_symmetry_of_every_two_sided_rule() -> None:
    pairs = {
        P.DOUBLE_TOP_BUY: P.DOUBLE_BOTTOM_SELL,
        P.TRIPLE_TOP_BUY: P.TRIPLE_BOTTOM_SELL,
        P.ASCENDING_TRIPLE_TOP: P.DESCENDING_TRIPLE_BOTTOM,
        P.SPREAD_TRIPLE_TOP: P.SPREAD_TRIPLE_BOTTOM,
        P.BULLISH_CATAPULT: P.BEARISH_CATAPULT,
        P.SIGNAL_REVERSED_TO_BUY: P.SIGNAL_REVERSED_TO_SELL,
        P.BULLISH_TRIANGLE: P.BEARISH_TRIANGLE,
        P.HIGH_POLE: P.LOW_POLE,
        P.BULL_TRAP: P.BEAR_TRAP,
    }
    pairs.update({v: k for k, v in list(pairs.items())})
    charts = [
        draw("X 10-15", "O 11-14", "X 12-14", "O 11-13", "X 12-15", "O 12-14", "X 13-16"),
        draw("X 20-30", "O 18-29", "X 19-27", "O 15-26", "X 16-24", "O 12-23", "X 13-25"),
        draw("X 10-20", "O 11-19", "X 12-18", "O 13-17", "X 14-19"),
        draw("X 10-15", "O 11-14", "X 12-21", "O 13-20"),
        draw("X 10-14", "O 11-13", "X 12-14", "O 11-13", "X 12-15", "O 12-14", "X 13-16"),
    ]
    for cols in charts:
        up = find_pattern_events(cols)
        down = find_pattern_events(cols.mirrored())
        assert up
        assert sorted((e.bar, e.column, pairs[e.pattern], -e.box) for e in up) == sorted(
            (e.bar, e.column, e.pattern, e.box) for e in down
        )


def test_events_of_a_truncated_chart_are_a_prefix() -> None:
    cols = draw(
        "X 10-15",
        "O 11-14",
        "X 12-14",
        "O 11-13",
        "X 12-15",
        "O 12-14",
        "X 13-16",
        "O 10-15",
        "X 11-14",
        "O 9-13",
        "X 10-17",
        "O 12-16",
        trend=1,
    )
    full = find_pattern_events(cols)
    for t in range(cols.n_bars):
        part = find_pattern_events(cols.asof_bar(t))
        assert part == [e for e in full if e.bar <= t], t


def test_signal_columns() -> None:
    cols = draw("X 10-14", "O 11-13", "X 12-15", "O 10-14", "X 11-13")
    assert signal_columns(cols).tolist() == [0, 0, 1, -1, 0]


def test_column_arrays_validation() -> None:
    with pytest.raises(DataError, match="'low' has 1 entries"):
        ColumnArrays.from_arrays([1, -1], [1], [2, 3], [0, 1], [0, 1], [0, 1], [2, 1])
    with pytest.raises(DataError, match="above high"):
        ColumnArrays.from_arrays([1], [5], [4], [0], [0], [0], [4])
    with pytest.raises(DataError, match=r"\+1 \(X\)"):
        ColumnArrays.from_arrays([2], [1], [4], [0], [0], [0], [4])
    with pytest.raises(DataError, match="positive box counts"):
        find_pattern_events(draw("X 1-3"), long_tail_boxes=0)


@dataclass(frozen=True)
class FakeChart:
    """Just the attributes detect_patterns reads (the real PnfChart has more)."""

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
    bar_trend: np.ndarray


class HalfDollar:
    """Fixed 0.50 grid: box i is at i/2 dollars."""

    def level(self, i: int) -> float:
        return i * 0.5


def test_detect_patterns_frame() -> None:
    cols = draw("X 10-14", "O 11-13", "X 12-14", "O 11-13", "X 12-15", "O 12-14", trend=1)
    dates = pd.bdate_range("2024-01-01", periods=cols.n_bars)
    chart = FakeChart(
        dates,
        HalfDollar(),
        3,
        cols.direction,
        cols.low,
        cols.high,
        cols.first_bar,
        cols.last_bar,
        cols.bar_column,
        cols.bar_box,
        cols.bar_trend,
    )
    frame = detect_patterns(chart)
    assert list(frame.columns) == ["date", "bar", "column", "pattern", "direction", "level", "box"]
    tt_bar = bar_of(cols, 4, 15)
    trap_bar = int(cols.first_bar[5])
    assert frame.to_dict("records") == [
        {
            "date": dates[tt_bar],
            "bar": tt_bar,
            "column": 4,
            "pattern": "triple_top_buy",
            "direction": 1,
            "level": 7.5,
            "box": 15,
        },
        {
            "date": dates[trap_bar],
            "bar": trap_bar,
            "column": 5,
            "pattern": "bull_trap",
            "direction": -1,
            "level": 6.0,
            "box": 12,
        },
    ]
    empty = detect_patterns(
        FakeChart(
            dates[:1],
            HalfDollar(),
            3,
            *(np.zeros(0, np.int64) for _ in range(5)),
            np.array([-1]),
            np.array([3]),
            np.array([0]),
        )
    )
    assert empty.empty
    assert list(empty.columns) == list(frame.columns)


# ----------------------------------------------------------------------------- end to end


def engine(closes: list[float], box: str = "1") -> Any:
    from sizeup.analytics.pnf import pnf_chart

    series = pd.Series(closes, index=pd.bdate_range("2024-01-01", periods=len(closes)))
    return pnf_chart(series, box=box, method="close")


def rows(frame: pd.DataFrame) -> list[tuple[int, str, float]]:
    return [
        (int(b), str(p), float(v))
        for b, p, v in zip(frame["bar"], frame["pattern"], frame["level"], strict=True)
    ]


def test_end_to_end_high_pole_golden() -> None:
    # METHODS §9 item 4 through the engine: closes [1,6,2,10,5] -> HIGH_POLE on the last bar
    chart = engine([1, 6, 2, 10, 5])
    assert rows(detect_patterns(chart)) == [(3, "double_top_buy", 7.0), (4, "high_pole", 5.0)]


def test_end_to_end_low_pole_golden_strictness() -> None:
    chart = engine([12, 6, 10, 2, 6])
    assert rows(detect_patterns(chart)) == [(3, "double_bottom_sell", 5.0)]
    lax = detect_patterns(chart, pole_retrace_strict=False)
    assert rows(lax) == [(3, "double_bottom_sell", 5.0), (4, "low_pole", 6.0)]


def test_end_to_end_catapult() -> None:
    # closes 9, 14, 11, 14, 11, 15, 12, 16 draw X 10-14, O 13-11, X 12-14, O 13-11,
    # X 12-15 (triple top, bar 5), O 14-12, X 13-16 (catapult, bar 7). The triple top was
    # broken by exactly one box and then reversed 3 boxes: a bull trap on bar 6 (O at 12),
    # which the catapult then overrides.
    chart = engine([9, 14, 11, 14, 11, 15, 12, 16])
    assert rows(detect_patterns(chart)) == [
        (5, "triple_top_buy", 15.0),
        (6, "bull_trap", 12.0),
        (7, "double_top_buy", 16.0),
        (7, "ascending_triple_top", 16.0),
        (7, "bullish_catapult", 16.0),
    ]


def test_end_to_end_shakeout_uses_engine_trend() -> None:
    # closes 4, 9, 6, 14, 11, 14, 10, 15 draw X 5-9, O 8-6, X 7-14 (buy at 10 on bar 3 ->
    # trend POS, BSL from the O bottom 6: BSL(c) = 5 + (c - 1)), O 13-11, X 12-14,
    # O 13-10 (double-bottom sell at 10 on bar 6; BSL(5) = 9 not touched, trend stays POS),
    # X 11-15 (triple top over 14, 14 on bar 7 = the shakeout completes)
    chart = engine([4, 9, 6, 14, 11, 14, 10, 15])
    assert chart.bar_trend[5] == 1
    assert rows(detect_patterns(chart)) == [
        (3, "double_top_buy", 10.0),
        (6, "double_bottom_sell", 10.0),
        (7, "triple_top_buy", 15.0),
        (7, "bullish_shakeout", 15.0),
    ]


BREAKOUTS = {
    "double_top_buy": 1,
    "triple_top_buy": 1,
    "quadruple_top_buy": 1,
    "double_bottom_sell": -1,
    "triple_bottom_sell": -1,
    "quadruple_bottom_sell": -1,
}


@pytest.mark.parametrize("seed", range(6))
def test_breakouts_match_engine_signals_and_truncation_on_random_walks(seed: int) -> None:
    from sizeup.analytics.pnf import pnf_chart

    rng = np.random.default_rng(seed)
    n = 1500
    close = 50 * np.exp(np.cumsum(rng.normal(0, 0.02, n)))
    high = close * np.exp(np.abs(rng.normal(0, 0.01, n)))
    low = close * np.exp(-np.abs(rng.normal(0, 0.01, n)))
    bars = pd.DataFrame(
        {"high": high, "low": low, "close": close}, index=pd.bdate_range("2010-01-01", periods=n)
    )
    chart = pnf_chart(bars, box="traditional" if seed % 2 else "2%", method="hl")
    frame = detect_patterns(chart, pole_retrace_strict=bool(seed % 3))
    brk = frame[frame["pattern"].isin(list(BREAKOUTS))]
    got = sorted(zip(brk["bar"].tolist(), brk["pattern"].map(BREAKOUTS).tolist(), strict=True))
    fired = np.flatnonzero(chart.bar_signal_fired)
    assert got == [(int(t), int(chart.bar_signal_fired[t])) for t in fired]
    assert len(frame) > len(brk)  # compound patterns show up on 1,500 bars
    # the chart known at an earlier date yields exactly the events up to that date
    for cut in (400, 777, 1200):
        early = pnf_chart(bars, box=chart.scale, method="hl", asof=bars.index[cut])
        part = detect_patterns(early, pole_retrace_strict=bool(seed % 3))
        assert part.equals(frame[frame["bar"] <= cut].reset_index(drop=True)), cut
