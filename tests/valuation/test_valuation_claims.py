"""Claim kind ``relative_valuation`` through the claims use case on the hand-made store.

By hand (conftest.py rows): small/large index-style P/E ex losses is
6 / (2500 / 150) = 0.36 at 2021-12-31 and 5.4 / (2100 / 130) = 0.33429 at 2022-06-30.
"""

from __future__ import annotations

import pytest

from sizeup.app.claims import ClaimsRequest, StoreClaimData, check_claims
from sizeup.claims import parse_claims_text
from sizeup.data.store import Store
from sizeup.errors import ClaimSpecError

_R1 = 6 / (2500 / 150)
_R2 = 5.4 / (2100 / 130)

_CLAIMS = """
[[claim]]
text = "small caps trade at 0.33 times the large-cap P/E"
metric = "relative_valuation"
date = 2022-06-30
stated = 0.33

[[claim]]
text = "small caps trade at 0.8 times the large-cap P/E"
metric = "relative_valuation"
date = 2022-06-30
stated = 0.8

[[claim]]
text = "relative P/E below its long-run average"
metric = "relative_valuation"
date = 2022-06-30
stat = "vs_mean"
compare = "at_most"
stated = 0.0

[[claim]]
text = "relative P/E at the 50th percentile of its history"
metric = "relative_valuation"
date = 2022-06-30
stat = "percentile"
stated = 50

[[claim]]
text = "small caps at 0.33 times the Nasdaq-100 P/E"
metric = "relative_valuation"
large = "QQQ"
date = 2022-06-30
stated = 0.33

[[claim]]
text = "median earnings yield ratio"
metric = "relative_valuation"
measure = "earnings_yield"
aggregate = "median"
date = 2022-06-30
stated = 1.0
"""


def test_relative_valuation_claims(store: Store) -> None:
    data = StoreClaimData(store)
    res = check_claims(ClaimsRequest(text=_CLAIMS), data=data)
    r = res.results
    assert [x.verdict for x in r] == [
        "SUPPORTED",
        "CONTRADICTED",
        "SUPPORTED",
        "SUPPORTED",
        "NOT_CHECKABLE",
        "NOT_CHECKABLE",
    ]
    assert r[0].measured == pytest.approx(_R2)
    assert r[1].measured == pytest.approx(_R2)
    assert r[2].measured == pytest.approx(_R2 / ((_R1 + _R2) / 2) - 1)
    assert r[3].measured == pytest.approx(50.0)
    assert "coverage IWM 2/3, SPY 2/2" in r[0].detail
    assert "SPY: one member list" in r[0].detail and "survivorship" in r[0].detail
    assert "loss-makers 0 and 0 (excluded)" in r[0].detail
    assert any("QQQ" in m for m in r[4].missing)
    assert "'earnings_yield' with aggregate 'median'" in r[5].detail
    assert "earnings_yield/index" in r[5].detail
    assert "fundamentals and closes" in r[0].claim.basis
    prov = "\n".join(res.provenance.lines())
    assert "fundamentals" in prov and "holdings IWM" in prov


def test_coverage_floor_makes_the_claim_not_checkable(store: Store) -> None:
    text = _CLAIMS.split("[[claim]]")[1]
    res = check_claims(
        ClaimsRequest(text="[[claim]]" + text + "min_coverage = 0.9\n"), data=StoreClaimData(store)
    )
    (one,) = res.results
    assert one.verdict == "NOT_CHECKABLE"
    assert "90%" in one.missing[0] and "IWM 2/3" in one.missing[0]


def test_bad_fields_are_spec_errors() -> None:
    bad = (
        '[[claim]]\ntext = "x"\nmetric = "relative_valuation"\ndate = 2022-06-30\n'
        'stat = "zscore"\nstated = 1\n'
    )
    with pytest.raises(ClaimSpecError) as info:
        parse_claims_text(bad, name="c.toml")
    assert "stat" in str(info.value) and "vs_mean" in str(info.value)
    with pytest.raises(ClaimSpecError, match="date"):
        parse_claims_text(
            '[[claim]]\ntext = "x"\nmetric = "relative_valuation"\nstated = 1\n', name="c.toml"
        )
