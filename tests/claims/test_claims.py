"""Claims checker: strict validation and evaluation on a hand-made in-memory data object."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pytest

from sizeup.claims import (
    METRICS,
    ClaimSpecError,
    evaluate_claim,
    evaluate_claims,
    parse_claims,
    parse_claims_text,
    results_table,
)
from sizeup.errors import DataError

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "claims.toml"


class FakeData:
    """Tiny hand-made data: two price series, a yield series, a 3-member universe."""

    def __init__(self) -> None:
        idx = pd.bdate_range("2024-01-01", periods=8)
        self.px = pd.DataFrame(
            {
                "A": [100, 101, 102, 103, 102, 104, 105, 106.0],
                "B": [100, 100, 100, 100, 100, 100, 100, 100.0],
                "M1": [10, 11, 12, 11, 12, 13, 14, 15.0],
                "M2": [10, 9, 8, 9, 10, 9, 8, 9.0],
                "M3": [5, 5, 6, 6, 5, 6, 7, 6.0],
            },
            index=idx,
        )
        self.ser = pd.DataFrame(
            {"FRED:DGS10": [4.0, 4.1, 4.2, 4.0, 3.9, 3.8, 3.85, 3.9]}, index=idx
        )

    def prices(self, symbols: Sequence[str], *, field: str) -> pd.DataFrame:
        return self.px[[s for s in symbols if s in self.px.columns]]

    def series(self, ids: Sequence[str], *, vintage: str | None = None) -> pd.DataFrame:
        return self.ser[[i for i in ids if i in self.ser.columns]]

    def snapshots(self, universe: str) -> dict[pd.Timestamp, list[str]]:
        return {pd.Timestamp("2024-01-01"): ["M1", "M2", "M3"]} if universe == "U" else {}

    def fundamentals(self) -> None:
        return None


def _one(**fields: object) -> dict[str, object]:
    base: dict[str, object] = {"text": "t", "stated": 0.0}
    base.update(fields)
    return {"claim": [base]}


def test_window_relative_streak_record_rates_by_hand() -> None:
    doc = {
        "claim": [
            {"text": "w", "metric": "window_return", "symbol": "A", "start": "2024-01-03",
             "end": "2024-01-10", "stated": 0.05, "tolerance": 0.0001},
            {"text": "r", "metric": "relative_return", "symbol": "A", "benchmark": "B",
             "start": "2024-01-03", "end": "2024-01-10", "stated": 0.05},
            {"text": "s", "metric": "streak", "symbol": "A", "benchmark": "B", "freq": "D",
             "asof": "2024-01-10", "stated": 3},
            {"text": "rec", "metric": "record", "symbol": "A", "asof": "2024-01-10",
             "stated": True},
            {"text": "rec2", "metric": "record", "symbol": "A", "asof": "2024-01-05",
             "stated": False},
            {"text": "dy", "metric": "rate_change", "series": "FRED:DGS10", "start": "2024-01-03",
             "end": "2024-01-08", "stated": -0.003, "tolerance": 1e-9},
            {"text": "v", "metric": "series_value", "series": "FRED:DGS10", "date": "2024-01-06",
             "stated": 3.9},
            {"text": "b", "metric": "breadth_level", "universe": "U", "asof": "2024-01-10",
             "stated": 2 / 3, "tolerance": 1e-9},
            {"text": "u", "metric": "screen_share", "universe": "U", "screen": "unprofitable",
             "date": "2024-01-10", "stated": 0.4},
            {"text": "m", "metric": "window_return", "symbol": "ZZZ", "start": "2024-01-03",
             "end": "2024-01-05", "stated": 0.0},
        ]
    }  # fmt: skip
    res = evaluate_claims(parse_claims(doc), FakeData())
    verdicts = [r.verdict for r in res]
    # window 2024-01-03..2024-01-10: base = close of 2024-01-02 (101) -> 106/101 - 1 = 4.95 %
    assert res[0].measured == pytest.approx(106 / 101 - 1)
    assert verdicts[0] == "CONTRADICTED"
    assert res[1].measured == pytest.approx(106 / 101 - 1)  # B flat
    # no tolerance given: "0.05" is rounded to 2 decimals, so 4.95 % (|diff| 0.0005 <= 0.005) fits
    assert res[1].claim.tolerance == pytest.approx(0.005)
    assert verdicts[1] == "SUPPORTED"
    # daily rel: +,+,+,-,+,+,+ -> streak 3 on 2024-01-10
    assert res[2].measured == 3 and verdicts[2] == "SUPPORTED"
    assert verdicts[3] == "SUPPORTED" and verdicts[4] == "SUPPORTED"
    # DGS10 4.20 (01-03) -> 3.80 (01-08 is Mon; last obs on or before) = -0.40 pp
    assert res[5].measured == pytest.approx(-0.004)
    assert verdicts[5] == "CONTRADICTED"
    assert res[6].measured == pytest.approx(3.9) and verdicts[6] == "SUPPORTED"  # Fri 01-05
    # 2024-01-10 vs 01-09: M1 up, M2 up, M3 down -> 2/3
    assert res[7].measured == pytest.approx(2 / 3) and verdicts[7] == "SUPPORTED"
    assert verdicts[8] == "NOT_CHECKABLE" and "fundamentals" in res[8].missing[0]
    assert verdicts[9] == "NOT_CHECKABLE" and "ZZZ" in res[9].missing[0]
    table = results_table(res)
    assert list(table["verdict"]) == verdicts


def test_compare_modes() -> None:
    data = FakeData()
    base = {"metric": "series_value", "series": "FRED:DGS10", "date": "2024-01-10"}
    at_least = parse_claims(_one(**base, stated=3.5, compare="at_least"))[0]
    at_most = parse_claims(_one(**base, stated=3.5, compare="at_most"))[0]
    assert evaluate_claim(at_least, data).verdict == "SUPPORTED"
    assert evaluate_claim(at_most, data).verdict == "CONTRADICTED"


@pytest.mark.parametrize(
    ("fields", "pattern"),
    [
        ({"metric": "vibes"}, r"claim #0 \(\"t\"\).*'metric'.*unknown.*valid: \['breadth_level'"),
        ({"metric": "window_return", "start": "2024-01-01"}, r"claim #0.*missing.*'symbol'"),
        ({"metric": "window_return", "symbol": "A", "start": "2024-01-01", "colour": "red"},
         r"claim #0.*unknown field.*'colour'.*valid:"),
        ({"metric": "window_return", "symbol": 5, "start": "2024-01-01"},
         r"claim #0.*'symbol' must be a string"),
        ({"metric": "window_return", "symbol": "A", "start": "someday"},
         r"claim #0.*'start' must be a date"),
        ({"metric": "streak", "symbol": "A", "benchmark": "B", "freq": "Y"},
         r"claim #0.*'freq' = 'Y' is not valid; valid: \['D', 'W', 'M'\]"),
        ({"metric": "series_value", "series": "X", "date": "2024-01-01", "stated": "high"},
         r"'stated' must be a number"),
        ({"metric": "series_value", "series": "X", "date": "2024-01-01", "tolerance": -1},
         r"'tolerance' must be >= 0"),
        ({"metric": "seasonal_mean", "window": "month", "month": 13, "series": "S"},
         r"'month' must be 1..12"),
    ],
)  # fmt: skip
def test_malformed_claims_name_claim_and_field(fields: dict[str, object], pattern: str) -> None:
    with pytest.raises(ClaimSpecError, match=pattern):
        parse_claims(_one(**fields))


def test_malformed_file_level_errors() -> None:
    with pytest.raises(ClaimSpecError, match="not valid TOML"):
        parse_claims_text("[[claim]\ntext=1", name="bad.toml")
    with pytest.raises(ClaimSpecError, match="non-empty array"):
        parse_claims({"claim": []})
    with pytest.raises(ClaimSpecError, match="top-level"):
        parse_claims({"claims": []})
    text = '[[claim]]\ntext = "ok"\nmetric = "series_value"\nseries = "X"\n'
    text += "date = 2024-01-01\nstated = 1\n"
    text += '[[claim]]\ntext = "second one"\nmetric = "record"\nstated = true\n'
    with pytest.raises(ClaimSpecError, match=r'claim #1 \("second one"\).*\'symbol\''):
        parse_claims_text(text)
    assert issubclass(ClaimSpecError, DataError)


def test_example_file_is_valid_and_broad() -> None:
    claims = parse_claims_text(EXAMPLES.read_text(encoding="utf-8"))
    assert len(claims) >= 20
    kinds = {c.metric for c in claims}
    assert len(kinds) >= 10
    assert kinds <= set(METRICS)
    assert all(c.source for c in claims)
