"""Grammar forms added for issue 15, each on sentences written for the test (no article text)."""

from __future__ import annotations

import pandas as pd
import pytest

from sizeup.claims._kinds import decimal_year
from sizeup.claims.extract import extract_claims
from sizeup.claims.extract._periods import when_range

WED = pd.Timestamp("2025-03-12")  # a Wednesday


@pytest.mark.parametrize(
    ("text", "lo", "hi"),
    [
        ("June 5", "2024-06-05", "2024-06-05"),  # June 5 of the last year before March 2025
        ("Feb. 3", "2025-02-03", "2025-02-03"),
        ("October 2022", "2022-10-01", "2022-10-31"),
        ("April of 2019", "2019-04-01", "2019-04-30"),
        ("November", "2024-11-01", "2024-11-30"),  # the last November before March 2025
        ("2018", "2018-01-01", "2018-12-31"),
        ("late 2021", "2021-09-01", "2021-12-31"),
        ("last week", "2025-03-03", "2025-03-09"),
        ("7/15/2020", "2020-07-15", "2020-07-15"),
    ],
)
def test_written_points_in_the_past(text: str, lo: str, hi: str) -> None:
    rng = when_range(text, WED)
    assert rng is not None
    assert (f"{rng[0]:%Y-%m-%d}", f"{rng[1]:%Y-%m-%d}") == (lo, hi)


def test_future_points_are_not_read() -> None:
    assert when_range("2031", WED) is None


def _since(text: str, **kw: bool) -> list[tuple[str, dict[str, object]]]:
    ex = extract_claims(text, WED, **kw)
    return [(c.names[0], dict(c.spec or {})) for c in ex.claims if c.kind == "since"]


def test_highest_level_since_a_day() -> None:
    (got,) = _since("On Tuesday the Russell 2000 closed at its highest level since June 5.")
    name, spec = got
    assert name == "Russell 2000"
    assert (spec["metric"], spec["measure"], spec["mode"]) == ("since_when", "level", "best")
    assert spec["asof"].isoformat() == "2025-03-11"  # Tuesday
    # the stated day as a decimal year, half a day either side
    mid = decimal_year(pd.Timestamp("2024-06-05"))
    assert spec["stated"] == pytest.approx(mid, abs=1e-6)
    assert spec["tolerance"] == pytest.approx(0.5 / 365, abs=1e-5)


def test_lowest_close_and_worst_day_for_two_indexes() -> None:
    got = _since(
        "The drop made Monday the worst day for the S&P 500 and the Russell 2000 since 2020.",
    )
    assert [n for n, _ in got] == ["S&P 500", "Russell 2000"]
    for _, spec in got:
        assert (spec["measure"], spec["mode"], spec["freq"]) == ("change", "worst", "D")
        assert spec["asof"].isoformat() == "2025-03-10"  # Monday
        # the year 2020 as a range: its middle, half a year wide
        assert 2020.0 < spec["stated"] < 2021.0  # type: ignore[operator]
        assert spec["tolerance"] == pytest.approx(0.5, abs=0.01)
    (low,) = _since("Small caps ended at their lowest close since October 2022.")
    assert (low[1]["measure"], low[1]["mode"]) == ("level", "worst")


def test_one_day_and_monthly_moves_since() -> None:
    (y,) = _since(
        "The 10-year yield fell 12 basis points on Monday, its largest one-day decline since "
        "November."
    )
    assert y[0] == "10-year Treasury yield" and y[1]["series"] == "FRED:DGS10"
    assert (y[1]["measure"], y[1]["mode"]) == ("change", "worst")
    (m,) = _since("The Russell 2000 is on track for its biggest monthly gain since December 2023.")
    assert (m[1]["freq"], m[1]["mode"]) == ("M", "best")


def test_hypothetical_since_is_not_a_claim() -> None:
    assert _since("The rally would be the highest since 2019 for small caps.") == []


def test_since_with_a_proxy_reads_changes_not_levels() -> None:
    (chg,) = _since("It was the worst session for the Nasdaq since April.", allow_proxies=True)
    assert chg[1]["symbol"] == "QQQ"
    ex = extract_claims("The Nasdaq hit its highest level since April.", WED, allow_proxies=True)
    (lvl,) = [c for c in ex.claims if c.kind == "since"]
    assert lvl.spec is None and "proxy" in (lvl.not_checkable or "")
