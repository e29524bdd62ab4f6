"""Claim kinds of ``sizeup.claims._kinds``: the detail text users read, traced by hand.

Each expected detail is written from the inputs (members, snapshot dates, counts), not from the
checker's output.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import pytest

from sizeup.claims import ClaimResult, evaluate_claim, make_claim
from sizeup.fundamentals import ScreenData
from sizeup.fundamentals._normalize import empty_items


class Data:
    """In-memory ClaimData: prices, snapshots of universe U and fundamentals."""

    def __init__(
        self,
        px: pd.DataFrame | None = None,
        snaps: Mapping[pd.Timestamp, list[str]] | None = None,
        fund: ScreenData | None = None,
    ) -> None:
        self.px = px if px is not None else pd.DataFrame()
        self.snaps = dict(snaps or {})
        self.fund = fund

    def prices(self, symbols: Sequence[str], *, field: str) -> pd.DataFrame:
        return self.px[[s for s in symbols if s in self.px.columns]]

    def series(self, ids: Sequence[str], *, vintage: str | None = None) -> pd.DataFrame:
        return pd.DataFrame()

    def snapshots(self, universe: str) -> dict[pd.Timestamp, list[str]]:
        return self.snaps if universe == "U" else {}

    def fundamentals(self) -> ScreenData | None:
        return self.fund


def _check(data: Data, **fields: Any) -> ClaimResult:
    raw: dict[str, Any] = {"text": "t"}
    raw.update(fields)
    return evaluate_claim(make_claim(raw), data)


def _net_income(rows: list[tuple[str, str, float]]) -> ScreenData:
    """Fiscal years ending 2020-12-31, filed 60 days later (2021-03-01)."""
    base = empty_items()
    end = pd.Timestamp("2020-12-31")
    frame = pd.DataFrame(
        {
            "symbol": [r[0] for r in rows],
            "item": [r[1] for r in rows],
            "span": "FY",
            "period_start": pd.Timestamp("2020-01-01"),
            "period_end": end,
            "filed": end + pd.Timedelta(days=60),
            "value": [r[2] for r in rows],
            "rank": 0,
            "concepts": "test",
        }
    )
    items = pd.concat([base, frame], ignore_index=True).astype(base.dtypes.to_dict())
    return ScreenData.from_frames(items)


FUND = _net_income(
    [
        ("S1", "net_income", 10.0),
        ("S2", "net_income", -5.0),
        ("S3", "net_income", -1.0),
        ("S4", "net_income", 3.0),
        ("S6", "net_income", 80.0),  # 8x its revenue: implausible, excluded unless asked
        ("S6", "revenue", 10.0),
    ]
)
SIX = ["S1", "S2", "S3", "S4", "S5", "S6"]
BASE = {"metric": "screen_share", "universe": "U", "screen": "unprofitable", "date": "2021-06-30"}


def test_unprofitable_share_detail() -> None:
    data = Data(snaps={pd.Timestamp("2021-01-15"): SIX}, fund=FUND)
    # S6 excluded, S5 without data: S2 and S3 lose money among S1..S4
    r = _check(data, **BASE, stated=0.5)
    assert r.measured == pytest.approx(0.5)
    assert r.detail == (
        "TTM net income < 0: 2 of 4 names with data (count-weighted) as of 2021-06-30; "
        "U members of the 2021-01-15 snapshot (6 names); 1 excluded for implausible data; "
        "coverage 4 of 5"
    )
    # S6 kept on request: 2 of 5 with data, 6 kept
    kept = _check(data, **BASE, include_flagged=True, stated=0.4)
    assert kept.measured == pytest.approx(0.4)
    assert kept.detail == (
        "TTM net income < 0: 2 of 5 names with data (count-weighted) as of 2021-06-30; "
        "U members of the 2021-01-15 snapshot (6 names); coverage 5 of 6"
    )


def test_members_of_the_latest_snapshot_on_or_before_the_date() -> None:
    # snapshots 2021-01-15 (S1, S2) and 2021-06-30 (S2, S3): on 2021-06-30 the second one
    # holds; S2 and S3 both lose money
    snaps = {pd.Timestamp("2021-01-15"): ["S1", "S2"], pd.Timestamp("2021-06-30"): ["S3", "S2"]}
    r = _check(Data(snaps=snaps, fund=FUND), **BASE, stated=1.0)
    assert r.measured == 1.0
    assert r.detail == (
        "TTM net income < 0: 2 of 2 names with data (count-weighted) as of 2021-06-30; "
        "U members of the 2021-06-30 snapshot (2 names); coverage 2 of 2"
    )


def test_snapshot_after_the_date_is_labelled_survivorship_biased() -> None:
    snaps = {pd.Timestamp("2021-07-15"): ["S1", "S2"], pd.Timestamp("2021-09-30"): ["S3"]}
    r = _check(Data(snaps=snaps, fund=FUND), **BASE, stated=0.5)
    assert r.measured == pytest.approx(0.5)  # S1 earns, S2 loses
    assert r.detail == (
        "TTM net income < 0: 1 of 2 names with data (count-weighted) as of 2021-06-30; "
        "U members of the 2021-07-15 snapshot (2 names); the snapshot is after 2021-06-30, "
        "so names that left the index before then are missing (survivorship-biased); "
        "coverage 2 of 2"
    )


def test_unprofitable_share_without_data_or_holdings_is_not_checkable() -> None:
    # the fiscal year is filed on 2021-03-01: nothing is known on 2021-02-01
    early = _check(
        Data(snaps={pd.Timestamp("2021-01-15"): SIX}, fund=FUND),
        **{**BASE, "date": "2021-02-01"},
        stated=0.5,
    )
    assert early.verdict == "NOT_CHECKABLE"
    assert early.missing == ("net income of U members known at 2021-02-01",)
    none = _check(Data(snaps={}, fund=FUND), **BASE, stated=0.5)
    assert none.verdict == "NOT_CHECKABLE"
    assert none.missing == ("holdings snapshots of 'U'",)
