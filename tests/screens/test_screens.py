"""Screen parsing, validation errors, built-ins, and a hand-checked run on synthetic items."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from sizeup.errors import ConfigError, DataError
from sizeup.fundamentals import (
    ITEM_COLUMNS,
    ScreenData,
    builtin_screens,
    compile_screen,
    load_screen,
    parse_screen,
    run_screen,
)


def test_builtins_parse() -> None:
    names = set(builtin_screens())
    assert {"earnings", "quality", "value", "refinancing", "quality-value"} <= names
    for name in names:
        screen = load_screen(name)
        assert screen.name == name
        assert "SELECT" in compile_screen(screen, as_of="2021-06-30")


@pytest.mark.parametrize(
    ("text", "needles"),
    [
        (
            "name = 'x'\n[[filter]]\nfield = 'pe_ratio'\nop = '>'\nvalue = 1\n",
            ["'pe_ratio'", "valid fields", "earnings_yield"],
        ),
        ("name = 'x'\ncolour = 'red'\n", ["'colour'", "valid keys", "universe"]),
        ("name = 'x'\n[[filter]]\nfield = 'roe'\nop = '=>'\nvalue = 1\n", ["'=>'", ">="]),
        ("name = 'x'\n[[filter]]\nfield = 'roe'\nop = '>'\nvalue = 'high'\n", ["not a number"]),
        ("name = 'x'\n[[filter]]\nfield = 'roe'\n", ["lacks 'op'"]),
        ("name = 'x'\n[[rank]]\nfield = 'roe'\norder = 'up'\n", ["'up'", "asc"]),
        ("name = 'x'\n[[rank]]\nfield = 'basis'\n", ["'basis'", "valid fields"]),
        ("name = 'x'\n[[filter]\n", ["not valid TOML", "line"]),
        (
            "name = 'x'\n[[filter]]\nfield = 'roe'\nop = '>'\nvalue = 1\nsize = 3\n",
            ["'size'", "filter 1", "missing"],
        ),
        ("name = 'x'\n[score]\nmethod = 'mean'\n", ["'mean'", "zscore"]),
    ],
)
def test_errors_name_the_field_and_valid_ones(text: str, needles: list[str]) -> None:
    with pytest.raises(ConfigError) as info:
        parse_screen(text, source="my.toml")
    msg = str(info.value)
    assert "my.toml" in msg
    for n in needles:
        assert n in msg


def test_load_screen_file_and_unknown(tmp_path: Path) -> None:
    p = tmp_path / "mine.toml"
    p.write_text("universe = ['aaa', 'BBB']\n[[rank]]\nfield = 'roe'\n")
    s = load_screen(p)
    assert s.name == "mine" and s.universe == ("AAA", "BBB")
    with pytest.raises(ConfigError, match="neither a built-in"):
        load_screen(tmp_path / "nope.toml")


def _items() -> pd.DataFrame:
    """Three companies, four quarters of 2020 + FY 2020, balance sheets at 2020-12-31."""
    rows = []
    ends = pd.to_datetime(["2020-03-31", "2020-06-30", "2020-09-30", "2020-12-31"])
    ni = {"GOOD": [10, 12, 11, 13], "LOSS": [-5, -3, 2, 1], "LATEQ": [5, 5, 5, -1]}
    for sym, vals in ni.items():
        for end, v in zip(ends, vals, strict=True):
            for item, mult in (
                ("net_income", 1),
                ("operating_income", 2),
                ("interest_expense", 0.25),
                ("depreciation_amortization", 0.5),
                ("revenue", 10),
            ):
                value = v * mult if item != "interest_expense" else 1.0
                rows.append(
                    (
                        sym,
                        item,
                        "Q",
                        end - pd.Timedelta(days=89),
                        end,
                        end + pd.Timedelta(days=30),
                        float(value),
                    )
                )
        for item, v in (("total_debt", 100.0), ("cash", 20.0), ("equity", 200.0), ("shares", 10.0)):
            rows.append((sym, item, "I", pd.NaT, ends[-1], ends[-1] + pd.Timedelta(days=30), v))
    frame = pd.DataFrame(
        rows, columns=["symbol", "item", "span", "period_start", "period_end", "filed", "value"]
    )
    frame["rank"] = 0
    frame["concepts"] = "hand"
    return frame[list(ITEM_COLUMNS)]


def test_earnings_screen_hand_checked() -> None:
    prices = pd.DataFrame(
        {
            "symbol": ["GOOD", "LOSS", "LATEQ"],
            "date": pd.Timestamp("2021-02-26"),
            "close": [50.0, 10.0, 20.0],
        }
    )
    data = ScreenData.from_frames(_items(), prices=prices)
    res = run_screen(load_screen("earnings"), data, as_of="2021-03-01", universe="all")
    t = res.table.set_index("symbol")
    # GOOD: last quarter 13 > 0, TTM 46 > 0; LOSS: last quarter 1 > 0 but TTM -5 -> fail;
    # LATEQ: TTM 14 > 0 but last quarter -1 -> fail
    assert t.loc["GOOD", "passed"] and not t.loc["LOSS", "passed"]
    assert not t.loc["LATEQ", "passed"]
    assert t.loc["LOSS", "net_income_ttm"] == -5.0
    assert "sum of last four quarters > 0" in t.loc["LOSS", "reason"]
    assert "last quarter earnings > 0" in t.loc["LATEQ", "reason"]
    assert t.loc["GOOD", "position"] == 1
    # E/P of GOOD = 46 / (50 * 10)
    assert t.loc["GOOD", "earnings_yield"] == pytest.approx(46 / 500)
    # as of the day before the Q4 filings (filed 2021-01-30), LATEQ's last quarter is Q3 (+5)
    early = run_screen(load_screen("earnings"), data, as_of="2021-01-29", universe="all")
    assert early.table.set_index("symbol").loc["LATEQ", "net_income_q"] == 5.0


def test_annual_only_tests_not_applied_and_ranking() -> None:
    items = _items()
    fy = items[(items["span"] == "Q") & (items["period_end"] == pd.Timestamp("2020-12-31"))]
    annual = pd.concat([items[items["span"] == "I"], fy.assign(span="FY", value=fy["value"] * 4)])
    data = ScreenData.from_frames(annual)
    text = (
        "name='t'\nuniverse='all'\n"
        "[[filter]]\nfield='net_income_q'\nop='>'\nvalue=0\nlabel='lastq'\n"
        "[[filter]]\nfield='net_income_ttm'\nop='>'\nvalue=0\n"
        "[[rank]]\nfield='net_income_ttm'\norder='desc'\n"
    )
    res = run_screen(parse_screen(text), data, as_of="2021-03-01")
    assert res.not_applied == {"lastq": 3}
    # annual TTM = 4 x Q4: GOOD 52, LOSS 4 pass; LATEQ -4 fails
    t = res.table.set_index("symbol")
    assert t.loc["GOOD", "position"] == 1 and t.loc["LOSS", "position"] == 2
    assert t.loc["GOOD", "score"] == 1.0 and t.loc["LOSS", "score"] == 0.0
    assert not t.loc["LATEQ", "passed"]
    assert "annual data only" in t.loc["GOOD", "reason"]
    assert res.coverage["annual_only"] == 3


def test_universe_from_holdings_and_survivorship_note() -> None:
    holdings = pd.DataFrame(
        {
            "fund": "IWM",
            "as_of": pd.Timestamp("2026-05-05"),
            "symbol": ["GOOD", "NOFUND"],
            "asset_class": "Equity",
        }
    )
    data = ScreenData.from_frames(_items(), holdings=holdings)
    res = run_screen(load_screen("earnings"), data, as_of="2021-03-01")
    assert sorted(res.table["symbol"]) == ["GOOD", "NOFUND"]
    assert any("survivorship" in n for n in res.notes)
    assert res.coverage["with_fundamentals"] == 1
    with pytest.raises(DataError, match="funds present"):
        run_screen(load_screen("earnings"), data, as_of="2021-03-01", universe="IJR")


def test_refinancing_flag() -> None:
    items = _items()
    extra = pd.DataFrame(
        {
            "symbol": ["GOOD", "GOOD"],
            "item": ["debt_due_12m", "debt_due_y2"],
            "span": "I",
            "period_start": pd.NaT,
            "period_end": pd.Timestamp("2020-12-31"),
            "filed": pd.Timestamp("2021-01-30"),
            "value": [30.0, 10.0],
            "rank": 0,
            "concepts": "hand",
        }
    )
    data = ScreenData.from_frames(pd.concat([items, extra], ignore_index=True))
    res = run_screen(load_screen("refinancing"), data, as_of="2021-03-01", universe="all")
    t = res.table.set_index("symbol")
    # GOOD: due in 24 months 40 of debt 100 -> share 0.4 >= 0.3 -> flagged
    assert t.loc["GOOD", "debt_due_24m_share"] == pytest.approx(0.4)
    assert bool(t.loc["GOOD", "refinancing_risk"])
    # LOSS: EBIT TTM 2 x (-5) = -10 over interest 4 x 1 -> coverage -2.5 < 1.5 -> flagged
    assert t.loc["LOSS", "interest_coverage"] == pytest.approx(-2.5)
    assert bool(t.loc["LOSS", "refinancing_risk"])
    # LATEQ: coverage 2 x 14 / 4 = 7, no maturity schedule -> not flagged
    assert not bool(t.loc["LATEQ", "refinancing_risk"])
    assert res.not_applied["maturity schedule reported"] == 2
