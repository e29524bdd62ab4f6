"""``screen_share`` of ``sizeup.claims._kinds``: cap weights, screens from a file, legacy data.

Expected shares are counted by hand from the fundamentals below (one fiscal year 2020, filed
2021-03-01; shares outstanding as instants at 2020-12-31; closes on 2021-06-29).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from sizeup.claims import ClaimResult, evaluate_claim, make_claim
from sizeup.fundamentals import ScreenData
from sizeup.fundamentals._normalize import empty_items

DATE = "2021-06-30"
SNAP = pd.Timestamp("2021-01-15")
SIX = ["S1", "S2", "S3", "S4", "S5", "S6"]


def _fund(
    rows: list[tuple[str, str, float]],
    later: Sequence[tuple[str, str, float]] = (),
    prices: pd.DataFrame | None = None,
) -> ScreenData:
    """Fiscal year 2020 rows (filed 2021-03-01) and fiscal year 2021 rows (filed 2022-03-01)."""
    base = empty_items()
    frames = []
    for year, part in ((2020, rows), (2021, list(later))):
        if not part:
            continue
        end = pd.Timestamp(f"{year}-12-31")
        frames.append(
            pd.DataFrame(
                {
                    "symbol": [r[0] for r in part],
                    "item": [r[1] for r in part],
                    "span": ["I" if r[1] == "shares" else "FY" for r in part],
                    "period_start": pd.Timestamp(f"{year}-01-01"),
                    "period_end": end,
                    "filed": end + pd.Timedelta(days=60),
                    "value": [r[2] for r in part],
                    "rank": 0,
                    "concepts": "test",
                }
            )
        )
    items = pd.concat([base, *frames], ignore_index=True).astype(base.dtypes.to_dict())
    return ScreenData.from_frames(items, prices=prices)


class Data:
    """Prices, snapshots of universe U and fundamentals."""

    def __init__(
        self, snaps: Mapping[pd.Timestamp, list[str]], fund: ScreenData | None = None
    ) -> None:
        self.snaps = dict(snaps)
        self.fund = fund

    def prices(self, symbols: Sequence[str], *, field: str) -> pd.DataFrame:
        return pd.DataFrame()

    def series(self, ids: Sequence[str], *, vintage: str | None = None) -> pd.DataFrame:
        return pd.DataFrame()

    def snapshots(self, universe: str) -> dict[pd.Timestamp, list[str]]:
        return self.snaps if universe == "U" else {}

    def fundamentals(self) -> ScreenData | None:
        return self.fund


class LegacyData:
    """An older data object: one member list per (universe, date), no ``snapshots``."""

    def __init__(self, members: Mapping[pd.Timestamp, list[str]], fund: ScreenData) -> None:
        self.by_date = dict(members)
        self.fund = fund
        self.asked: list[tuple[str, Any]] = []

    def prices(self, symbols: Sequence[str], *, field: str) -> pd.DataFrame:
        return pd.DataFrame()

    def series(self, ids: Sequence[str], *, vintage: str | None = None) -> pd.DataFrame:
        return pd.DataFrame()

    def members(self, universe: str, asof: pd.Timestamp) -> list[str]:
        self.asked.append((universe, asof))
        return list(self.by_date.get(asof, [])) if universe == "U" else []

    def fundamentals(self) -> ScreenData | None:
        return self.fund


class NoFundamentals:
    """Snapshots but no ``fundamentals`` method at all."""

    def prices(self, symbols: Sequence[str], *, field: str) -> pd.DataFrame:
        return pd.DataFrame()

    def series(self, ids: Sequence[str], *, vintage: str | None = None) -> pd.DataFrame:
        return pd.DataFrame()

    def snapshots(self, universe: str) -> dict[pd.Timestamp, list[str]]:
        return {SNAP: SIX}


def _check(data: object, **fields: Any) -> ClaimResult:
    raw: dict[str, Any] = {"text": "t", "metric": "screen_share", "universe": "U", "date": DATE}
    raw.update(fields)
    # ``data`` may be LegacyData, an older data object with ``members()`` instead of
    # ``snapshots()``: not a ClaimData by type, but the checker's fallback for it is under test
    return evaluate_claim(make_claim(raw), data)  # type: ignore[arg-type]


# S1 +10, S2 -5, S3 -1, S4 +3 (no shares), S6 +80 on revenue 10 (implausible: flagged),
# S7 +50 (not a member of U); S5 has nothing. FY2021 (filed 2022-03-01): S2 earns +7.
CLOSES = pd.DataFrame(
    {"S1": [10.0], "S2": [20.0], "S3": [5.0], "S4": [1.0]}, index=[pd.Timestamp("2021-06-29")]
)
FUND = _fund(
    [
        ("S1", "net_income", 10.0),
        ("S1", "shares", 100.0),
        ("S2", "net_income", -5.0),
        ("S2", "shares", 100.0),
        ("S3", "net_income", -1.0),
        ("S3", "shares", 100.0),
        ("S4", "net_income", 3.0),
        ("S6", "net_income", 80.0),
        ("S6", "revenue", 10.0),
        ("S7", "net_income", 50.0),
    ],
    later=[("S2", "net_income", 7.0)],
    prices=CLOSES,
)
PROFITABLE = (
    'name = "profitable"\ndescription = "TTM net income above zero"\nuniverse = "all"\n\n'
    '[[filter]]\nfield = "net_income_ttm"\nop = ">"\nvalue = 0\n'
)


@pytest.fixture
def screen_file(tmp_path: Path) -> str:
    path = tmp_path / "profitable.toml"
    path.write_text(PROFITABLE)
    return str(path)


def test_cap_weighted_unprofitable_share() -> None:
    # caps on 2021-06-29: S1 10 x 100 = 1000, S2 20 x 100 = 2000, S3 5 x 100 = 500 (S4 has no
    # share count); losers S2 and S3: 2500 / 3500
    r = _check(Data({SNAP: SIX[:5]}, FUND), screen="unprofitable", weight="cap", stated=0.71)
    assert r.measured == pytest.approx(2500 / 3500)
    assert r.verdict == "SUPPORTED"
    assert r.detail == (
        "TTM net income < 0: 2 of 3 names with data (cap-weighted) as of 2021-06-30; "
        "U members of the 2021-01-15 snapshot (5 names); coverage 4 of 5"
    )


def test_cap_weighted_share_under_its_other_name() -> None:
    r = _check(
        Data({SNAP: SIX[:5]}, FUND), screen="ttm_net_income_negative", weight="cap", stated=0.7
    )
    assert r.measured == pytest.approx(5 / 7)


def test_a_flagged_company_outside_the_universe_is_not_counted_as_excluded() -> None:
    # S6 (flagged) is not among the members S1..S4: nothing is excluded
    r = _check(Data({SNAP: SIX[:4]}, FUND), screen="unprofitable", stated=0.5)
    assert r.measured == pytest.approx(0.5)
    assert r.detail == (
        "TTM net income < 0: 2 of 4 names with data (count-weighted) as of 2021-06-30; "
        "U members of the 2021-01-15 snapshot (4 names); coverage 4 of 4"
    )


def test_screen_from_a_file_counts_names_that_pass(screen_file: str) -> None:
    # members S1..S6, S6 excluded (flagged): with fundamentals S1..S4, passing S1 and S4
    r = _check(Data({SNAP: SIX}, FUND), screen=screen_file, stated=0.5)
    assert r.measured == pytest.approx(0.5)
    assert r.verdict == "SUPPORTED"
    assert r.detail == (
        "screen 'profitable': 2 of 4 names with fundamentals pass as of 2021-06-30; "
        "U members of the 2021-01-15 snapshot (6 names); 1 excluded for implausible data"
    )


def test_screen_from_a_file_with_flagged_companies_kept(screen_file: str) -> None:
    # S6 kept: with fundamentals S1..S4 and S6, passing S1, S4 and S6; S7 is no member and
    # S2's FY2021 profit is filed after the date
    r = _check(Data({SNAP: SIX}, FUND), screen=screen_file, include_flagged=True, stated=0.6)
    assert r.measured == pytest.approx(0.6)
    assert r.detail == (
        "screen 'profitable': 3 of 5 names with fundamentals pass as of 2021-06-30; "
        "U members of the 2021-01-15 snapshot (6 names)"
    )


def test_screen_from_a_file_before_any_filing(screen_file: str) -> None:
    r = _check(Data({SNAP: SIX}, FUND), screen=screen_file, date="2021-02-01", stated=0.5)
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("fundamentals of U members at 2021-02-01",)


def test_cap_weight_is_only_for_the_unprofitable_share(screen_file: str) -> None:
    r = _check(Data({SNAP: SIX}, FUND), screen=screen_file, weight="cap", stated=0.5)
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("weight 'cap' is only available for 'unprofitable'",)


def test_unknown_screen_names_the_screen() -> None:
    r = _check(Data({SNAP: SIX}, FUND), screen="no-such-screen", stated=0.5)
    assert r.verdict == "NOT_CHECKABLE"
    (msg,) = r.missing
    assert msg.startswith("screen 'no-such-screen': screen 'no-such-screen' is neither")
    assert msg.endswith("nor a file")


def test_data_without_fundamentals() -> None:
    r = _check(NoFundamentals(), screen="unprofitable", stated=0.5)
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("fundamentals (import SimFin or SEC companyfacts)",)


def test_legacy_member_list_as_of_the_date() -> None:
    # members(U, 2021-06-30) = S1..S4: the label names the date as the snapshot
    data = LegacyData({pd.Timestamp(DATE): ["S4", "S3", "S2", "S1"]}, FUND)
    r = _check(data, screen="unprofitable", stated=0.5)
    assert data.asked == [("U", pd.Timestamp(DATE))]
    assert r.measured == pytest.approx(0.5)
    assert r.detail == (
        "TTM net income < 0: 2 of 4 names with data (count-weighted) as of 2021-06-30; "
        "U members of the 2021-06-30 snapshot (4 names); coverage 4 of 4"
    )


def test_legacy_data_without_members_of_the_universe() -> None:
    data = LegacyData({pd.Timestamp(DATE): ["S1"]}, FUND)
    r = _check(data, universe="V", screen="unprofitable", stated=0.5)
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("holdings snapshots of 'V'",)


def test_members_of_the_first_snapshot_when_all_are_after_the_date() -> None:
    # snapshots 2021-07-15 (S2, S3: both lose) and 2021-09-30 (S1: earns): the first is used
    snaps = {pd.Timestamp("2021-09-30"): ["S1"], pd.Timestamp("2021-07-15"): ["S3", "S2"]}
    r = _check(Data(snaps, FUND), screen="unprofitable", stated=1.0)
    assert r.measured == 1.0
    assert r.detail == (
        "TTM net income < 0: 2 of 2 names with data (count-weighted) as of 2021-06-30; "
        "U members of the 2021-07-15 snapshot (2 names); the snapshot is after 2021-06-30, "
        "so names that left the index before then are missing (survivorship-biased); "
        "coverage 2 of 2"
    )


def test_snapshot_on_the_date_is_not_labelled_biased() -> None:
    snaps = {pd.Timestamp("2021-01-15"): ["S1"], pd.Timestamp(DATE): ["S2", "S4"]}
    r = _check(Data(snaps, FUND), screen="unprofitable", stated=0.5)
    assert r.measured == pytest.approx(0.5)
    assert r.detail == (
        "TTM net income < 0: 1 of 2 names with data (count-weighted) as of 2021-06-30; "
        "U members of the 2021-06-30 snapshot (2 names); coverage 2 of 2"
    )


class NoHoldings:
    """Neither ``snapshots`` nor a legacy ``members``: no holdings at all."""

    def prices(self, symbols: Sequence[str], *, field: str) -> pd.DataFrame:
        return pd.DataFrame()

    def series(self, ids: Sequence[str], *, vintage: str | None = None) -> pd.DataFrame:
        return pd.DataFrame()

    def fundamentals(self) -> ScreenData | None:
        return FUND


def test_data_without_any_holdings() -> None:
    r = _check(NoHoldings(), screen="unprofitable", stated=0.5)
    assert r.verdict == "NOT_CHECKABLE"
    assert r.missing == ("holdings snapshots of 'U'",)
