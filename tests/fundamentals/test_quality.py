"""Data-quality flags on hand-built company-years, and their exclusion from screens."""

from __future__ import annotations

import pandas as pd

from sizeup.fundamentals import (
    ITEM_COLUMNS,
    MAX_INCOME_TO_REVENUE,
    MAX_SHARES_JUMP,
    ScreenData,
    parse_screen,
    quality_report,
    run_screen,
)


def _rows(rows: list[tuple[str, str, str, str, float, str]]) -> pd.DataFrame:
    """(symbol, item, span, period_end, value, filed) -> normalised items."""
    out = pd.DataFrame(
        {
            "symbol": [r[0] for r in rows],
            "item": [r[1] for r in rows],
            "span": [r[2] for r in rows],
            "period_start": [
                pd.Timestamp(r[3]) - pd.DateOffset(years=1) + pd.Timedelta(days=1)
                if r[2] == "FY"
                else pd.NaT
                for r in rows
            ],
            "period_end": [pd.Timestamp(r[3]) for r in rows],
            "filed": [pd.Timestamp(r[5]) for r in rows],
            "value": [r[4] for r in rows],
            "rank": 0,
            "concepts": "hand",
        }
    )
    return out[list(ITEM_COLUMNS)]


def _items() -> pd.DataFrame:
    return _rows(
        [
            # OK: a loss 50x revenue is normal for an early-stage company (not flagged)
            ("OK", "revenue", "FY", "2020-12-31", 2.0, "2021-02-20"),
            ("OK", "net_income", "FY", "2020-12-31", -100.0, "2021-02-20"),
            ("OK", "shares", "I", "2019-12-31", 1e6, "2020-02-20"),
            ("OK", "shares", "I", "2020-12-31", 1e5, "2021-02-20"),  # 1:10 reverse split
            # RICH: net income 8x revenue
            ("RICH", "revenue", "FY", "2020-12-31", 10.0, "2021-03-01"),
            ("RICH", "net_income", "FY", "2020-12-31", 80.0, "2021-03-01"),
            ("RICH", "net_income", "FY", "2019-12-31", 5.0, "2020-03-01"),
            ("RICH", "revenue", "FY", "2019-12-31", 10.0, "2020-03-01"),
            ("RICH", "net_income", "FY", "2021-12-31", 5.0, "2022-03-01"),
            ("RICH", "revenue", "FY", "2021-12-31", 10.0, "2022-03-01"),
            # JUMP: shares 1e6 -> 5e7 (50x)
            ("JUMP", "shares", "I", "2019-12-31", 1e6, "2020-02-15"),
            ("JUMP", "shares", "I", "2020-12-31", 5e7, "2021-02-15"),
            ("JUMP", "net_income", "FY", "2020-12-31", 3.0, "2021-02-15"),
            # DROP: shares 5e7 -> 1e6 (1/50)
            ("DROP", "shares", "I", "2019-12-31", 5e7, "2020-02-15"),
            ("DROP", "shares", "I", "2020-12-31", 1e6, "2021-02-15"),
        ]
    )


def test_flags_implausible_company_years_only() -> None:
    assert MAX_INCOME_TO_REVENUE == 5.0 and MAX_SHARES_JUMP == 20.0
    q = quality_report(_items())
    flags = q.flags.set_index("symbol")
    assert sorted(flags.index) == ["DROP", "JUMP", "RICH"]
    assert "0.02x" in flags.loc["DROP", "detail"]
    assert flags.loc["RICH", "check"] == "income_vs_revenue"
    assert "8.0x revenue" in flags.loc["RICH", "detail"]
    assert flags.loc["JUMP", "check"] == "shares_jump"
    assert "50x" in flags.loc["JUMP", "detail"]
    assert flags.loc["JUMP", "filed"] == pd.Timestamp("2021-02-15")
    assert "3 flagged value(s) in 3 companies" in q.summary()


def test_exclusions_are_point_in_time() -> None:
    q = quality_report(_items())
    # before the flagged filings were made nothing is excluded
    assert q.excluded_at("2021-01-31") == {}
    # JUMP's filing (02-15) is known at 02-20, RICH's (03-01) not yet
    assert sorted(q.excluded_at("2021-02-20")) == ["DROP", "JUMP"]
    later = q.excluded_at("2021-06-30")
    assert sorted(later) == ["DROP", "JUMP", "RICH"]
    assert later["RICH"].startswith("income_vs_revenue: net income 8.0x revenue")
    assert q.excluded_at("2021-06-30", symbols=["OK", "RICH"]).keys() == {"RICH"}
    # once FY2021 is filed, RICH's flagged FY2020 is the previous year: no longer excluded
    assert "RICH" not in q.excluded_at("2022-06-30")


def test_screen_excludes_flagged_names_and_reports_the_true_pass_count() -> None:
    items = _items()
    data = ScreenData.from_frames(items)
    text_filter = "name = 'profit'\n[[filter]]\nfield = 'net_income_ttm'\nop = '>'\nvalue = 0\n"
    text_filter += "[[rank]]\nfield = 'net_income_ttm'\n"
    screen = parse_screen(text_filter, source="profit.toml")
    res = run_screen(screen, data, as_of="2021-06-30", universe="all")
    assert sorted(res.excluded) == ["DROP", "JUMP", "RICH"]
    assert list(res.table["symbol"]) == ["OK"] and res.n_passed == 0
    assert "excluded 3 names with implausible data" in res.summary()
    kept = run_screen(screen, data, as_of="2021-06-30", universe="all", include_flagged=True)
    # RICH (80) and JUMP (3) pass; OK (-100) fails
    assert kept.n_passed == 2 and not kept.excluded
    top = run_screen(screen, data, as_of="2021-06-30", universe="all", include_flagged=True, top=1)
    assert len(top.table) == 1 and top.table["symbol"].iloc[0] == "RICH"
    assert top.n_passed == 2
    assert "2 of 4 names pass (showing the best 1)" in top.summary()
