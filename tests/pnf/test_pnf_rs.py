"""RS matrix and RS chart readings (METHODS.md §3) on synthetic series with a known answer.

Construction: on a 6.5 % grid, ``P_i(t) = 1.065 ** (c_i * z(t))`` with c = 3, 2, 1, 0 for
A, B, C, D and a common up-trending zigzag ``z = 0, 6, 1, 8, 3, 10`` (then 5). The chart of
``100 * P_i / P_j`` is the chart of ``x0 + d(t)`` boxes with ``d = (c_i - c_j) * z`` and
``x0 = log(100)/log(1.065) = 73.14`` (never on a level), so ``up = 73 + d`` and ``dn = 74 + d``.

Hand-drawn chart for c_i - c_j = 1 (d = 0, 6, 1, 8, 3, 10, 5):
  d=6: X 74..79; d=1: dn 75 <= 79-3 -> O 78..75; d=8: up 81 >= 78 -> X 76..81, 81 > 79 BUY;
  d=3: dn 77 <= 78 -> O 80..77 (77 >= 75, no sell); d=10: up 83 > 81 -> X, BUY  => buy/X;
  d=5: dn 79 <= 80 -> O 82..79, 79 >= 77 no sell                               => buy/O.
For c_i - c_j = -1 (d = 0, -6, -1, -8, -3, -10, -5):
  O 73..68; X 69..72; O 71..66 SELL; X 67..70 (70 <= 72); O 69..64 SELL => sell/O;
  d=-5: up 68 >= 67 -> X 65..68, no buy (68 <= 70)                    => sell/X.
Differences of 2 and 3 scale the same swings (all swings stay >= 3 boxes), with the same result.
So on the 6th bar every winner is buy/X and every loser sell/O:
  scores A 3 * 1.5 = 4.5, B 2 * 1.5 = 3.0, C 1.5, D 0;
and on the 7th bar winners are buy/O: A 3, B 2, C 1, D 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sizeup.analytics.pnf import (
    CONFIGURATION_RANK,
    relative_strength_chart,
    rs_column,
    rs_configuration,
    rs_matrix,
    rs_reading,
    rs_signal,
)
from sizeup.errors import DataError

Z = [0, 6, 1, 8, 3, 10, 5]
C = {"A": 3, "B": 2, "C": 1, "D": 0}
DATES = pd.bdate_range("2024-01-01", periods=len(Z))


def universe(order: list[str] | None = None) -> pd.DataFrame:
    order = order or list(C)
    return pd.DataFrame({s: [1.065 ** (C[s] * z) for z in Z] for s in order}, index=DATES)


def test_rs_matrix_known_ranking_buy_x() -> None:
    m = rs_matrix(universe(["C", "A", "D", "B"]), asof=DATES[5])
    assert m.asof == DATES[5]
    assert m.ranking["symbol"].tolist() == ["A", "B", "C", "D"]
    assert m.ranking["score"].tolist() == [4.5, 3.0, 1.5, 0.0]
    assert m.ranking["buys"].tolist() == [3, 2, 1, 0]
    assert m.ranking["buys_in_x"].tolist() == [3, 2, 1, 0]
    assert m.ranking["rank"].tolist() == [1, 2, 3, 4]
    assert m.ranking["defined"].tolist() == [3, 3, 3, 3]
    # the signal matrix: i beats j exactly when c_i > c_j
    for i, ci in C.items():
        for j, cj in C.items():
            want = 0 if i == j else (1 if ci > cj else -1)
            assert m.signal.loc[i, j] == want, (i, j)
            assert m.column.loc[i, j] == want, (i, j)
    assert m.scores.to_dict() == {"A": 4.5, "B": 3.0, "C": 1.5, "D": 0.0}
    assert "RS matrix of 4 symbols as of 2024-01-08" in m.summary()


def test_rs_matrix_known_ranking_buy_o_on_last_bar() -> None:
    m = rs_matrix(universe())
    assert m.asof == DATES[6]
    assert m.ranking["score"].tolist() == [3.0, 2.0, 1.0, 0.0]
    assert m.ranking["buys_in_x"].tolist() == [0, 0, 0, 0]
    # winners reversed into O's, losers into X's
    assert m.column.loc["A", "D"] == -1 and m.column.loc["D", "A"] == 1
    assert m.signal.loc["A", "D"] == 1 and m.signal.loc["D", "A"] == -1


def test_rs_matrix_ties_share_rank_and_sort_by_symbol() -> None:
    # E is a copy of B: B/E and E/B never move (no column, no signal); both beat C and D
    frame = universe()
    frame["E"] = frame["B"]
    m = rs_matrix(frame, asof=DATES[5])
    got = m.ranking.set_index("symbol")
    assert got.loc["B", "score"] == got.loc["E", "score"] == 3.0
    assert got.loc["B", "rank"] == got.loc["E", "rank"] == 2
    assert got.loc["C", "rank"] == 4
    assert m.ranking["symbol"].tolist()[:3] == ["A", "B", "E"]
    assert m.signal.loc["B", "E"] == 0 and got.loc["B", "defined"] == 3


def test_rs_matrix_agrees_with_relative_strength_chart_per_pair() -> None:
    rng = np.random.default_rng(7)
    steps = rng.normal(0, 0.03, size=(300, 4)).cumsum(axis=0)
    frame = pd.DataFrame(
        np.exp(steps), index=pd.bdate_range("2020-01-01", periods=300), columns=list("PQRS")
    )
    frame.iloc[:40, 2] = np.nan  # R lists later
    m = rs_matrix(frame, asof=frame.index[250])
    for a in frame:
        for b in frame:
            if a == b:
                continue
            chart = relative_strength_chart(frame[a], frame[b], asof=frame.index[250])
            assert m.signal.loc[a, b] == rs_signal(chart), (a, b)
            assert m.column.loc[a, b] == rs_column(chart), (a, b)


def test_rs_matrix_chunked_equals_whole() -> None:
    rng = np.random.default_rng(11)
    frame = pd.DataFrame(
        np.exp(rng.normal(0, 0.03, size=(200, 5)).cumsum(axis=0)),
        index=pd.bdate_range("2021-01-01", periods=200),
        columns=list("VWXYZ"),
    )
    whole = rs_matrix(frame)
    pieces = rs_matrix(frame, max_cells=3 * 200)  # 3 pair charts per chunk, 7 chunks
    assert pieces.signal.equals(whole.signal) and pieces.column.equals(whole.column)
    assert pieces.ranking.equals(whole.ranking) and pieces.asof == whole.asof


def test_rs_matrix_errors() -> None:
    with pytest.raises(DataError, match="at least 2 symbols"):
        rs_matrix(universe(["A"]))
    bad = universe()
    bad.iloc[2, 1] = -1.0
    with pytest.raises(DataError, match="must be > 0"):
        rs_matrix(bad)
    with pytest.raises(DataError, match="no date on or before"):
        rs_matrix(universe(), asof="2023-01-01")


def test_rs_helpers_on_one_chart() -> None:
    u = universe()
    chart = relative_strength_chart(u["A"], u["D"])  # d = 3 z: buy/X on bar 5, buy/O on bar 6
    assert rs_configuration(chart, asof=DATES[5]) == "buy/X"
    assert rs_configuration(chart) == "buy/O"
    assert rs_configuration(relative_strength_chart(u["D"], u["A"])) == "sell/X"
    assert rs_configuration(relative_strength_chart(u["D"], u["A"]), asof=DATES[5]) == "sell/O"
    assert rs_configuration(chart, asof=DATES[1]) is None  # one X column, no signal yet
    assert rs_signal(chart, asof="2020-01-01") == 0
    assert [k for k, _ in sorted(CONFIGURATION_RANK.items(), key=lambda kv: kv[1])] == [
        "buy/X",
        "buy/O",
        "sell/X",
        "sell/O",
    ]
    r = rs_reading(chart)
    # d = 3z: buys fire on d=24 (bar 3) and d=30 (bar 5); the O column opens on bar 6
    assert (r.signal, r.column, r.configuration) == (1, -1, "buy/O")
    assert (r.signal_date, r.column_date) == (DATES[5], DATES[6])
    # on bar 6 the O column's bottom is box 74 + 15 = 89: 1.065 ** 89
    assert r.ratio == pytest.approx(1.065**89)
    assert r.box_pct == 0.065 and r.reversal == 3
    assert "RS buy/O (buy since 2024-01-08, O since 2024-01-09)" in r.summary()
    with pytest.raises(DataError, match="no bar on or before"):
        rs_reading(chart, asof="2020-01-01")
