"""The result of a check renders as text, JSON and re-runnable TOML (no store needed here)."""

from __future__ import annotations

import json

import pandas as pd

from sizeup.app import Provenance, to_jsonable
from sizeup.app.check import CheckedClaim, CheckResult
from sizeup.claims import parse_claims_text
from sizeup.claims.extract import extract_claims

TEXT = (
    "The Russell 2000 rose 1.2% on Friday while the Dow slipped 0.3%. "
    "Small caps beat the S&P 500 for a fourth straight week. "
    'The 10-year yield fell 6 basis points on Thursday, a "record" week for bonds. '
    "Analysts expect 3 cuts."
)


def _result() -> CheckResult:
    ex = extract_claims(TEXT, "2025-03-14")
    checked = tuple(
        CheckedClaim(c, "NOT_CHECKABLE", None, "±0", "-", "", c.not_checkable or "no store")
        for c in ex.claims
    )
    return CheckResult(
        "memo.txt",
        pd.Timestamp("2025-03-14"),
        "--published",
        ex,
        checked,
        Provenance(pd.Timestamp("2025-03-14")),
    )


def test_toml_output_is_a_valid_claims_file() -> None:
    result = _result()
    toml = result.to_toml()
    claims = parse_claims_text(toml, name="from check")
    expressible = [c for c in result.checked if c.claim.spec is not None]
    assert len(claims) == len(expressible) >= 3
    assert {c.metric for c in claims} >= {"window_return", "streak", "rate_change"}
    # the Dow without --allow-proxies is listed as a comment with the reason
    assert "# c" in toml and "--allow-proxies" in toml


def test_json_and_summary() -> None:
    result = _result()
    body = json.loads(json.dumps(to_jsonable(result.to_dict())))
    assert body["published"].startswith("2025-03-14")
    assert [n["text"] for n in body["not_understood"]] == ["3"]
    first = body["claims"][0]
    assert first["span"] == [4, 26] and TEXT[4:26] == "Russell 2000 rose 1.2%"
    text = result.summary()
    assert "not understood: '3'" in text and "NOT_CHECKABLE: " in text
    assert list(result.to_frame().columns[:3]) == ["id", "sentence", "start"]
