"""Claim kind ``fund_flow`` on hand-made shares outstanding, NAV and closes.

Interval flows (worked out by hand in tests/flows/test_flows_analytics.py): Jan 6 +505,000;
Jan 7 -251,000; Jan 12 +1,020,000 (gap from Jan 7); Jan 13 +256,000 (2-for-1 split taken out);
Jan 14 0; Jan 15 -516,000 (priced at the close, no NAV).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pytest

from sizeup.analytics.flows import NAV_SUFFIX, SHARES_SUFFIX
from sizeup.claims import evaluate_claim, parse_claims_text
from sizeup.data.formats.ishares import nav_series_id, shares_series_id
from sizeup.errors import ClaimSpecError

_DAYS = pd.to_datetime(
    ["2026-01-05", "2026-01-06", "2026-01-07", "2026-01-12", "2026-01-13", "2026-01-14",
     "2026-01-15"]
)  # fmt: skip


class FlowData:
    """Shares outstanding and NAV series of IWM, closes of IWM."""

    def __init__(self) -> None:
        shares = [1_000_000, 1_010_000, 1_005_000, 1_025_000, 2_060_000, 2_060_000, 2_040_000]
        nav = [50.0, 50.5, 50.2, 51.0, 25.6, 25.7, None]
        self.ser = pd.DataFrame(
            {"IWM.shares_outstanding": shares, "IWM.nav": nav}, index=_DAYS, dtype=float
        )
        self.px = pd.DataFrame({"IWM": [25.71, 25.80]}, index=_DAYS[-2:])

    def prices(self, symbols: Sequence[str], *, field: str) -> pd.DataFrame:
        return self.px[[s for s in symbols if s in self.px.columns]]

    def series(self, ids: Sequence[str], *, vintage: str | None = None) -> pd.DataFrame:
        return self.ser[[i for i in ids if i in self.ser.columns]]

    def snapshots(self, universe: str) -> dict[pd.Timestamp, list[str]]:
        return {}

    def fundamentals(self) -> None:
        return None


def _claim(extra: str, stated: str, tolerance: str = "1000") -> str:
    return (
        '[[claim]]\ntext = "IWM flows"\nmetric = "fund_flow"\nfund = "IWM"\n'
        f"stated = {stated}\ntolerance = {tolerance}\n{extra}\n"
    )


@pytest.mark.parametrize(
    ("extra", "measured"),
    [
        # (Jan 8, Jan 15]: the Jan 7 -> Jan 12 gap counts whole: 1,020,000 + 256,000 + 0 - 516,000
        ('window = "week"\nasof = 2026-01-15', 760_000.0),
        # the whole history: 505,000 - 251,000 + 760,000
        ('window = "month"\nasof = 2026-01-15', 1_014_000.0),
        ('window = "day"\nasof = 2026-01-15', -516_000.0),
        ('window = "day"\nasof = 2026-01-13', 256_000.0),  # only Jan 12 -> Jan 13
        # as of Jan 13: (Jan 6, Jan 13] = -251,000 + 1,020,000 + 256,000
        ('window = "week"\nasof = 2026-01-13', 1_025_000.0),
        ("start = 2026-01-06\nend = 2026-01-07", -251_000.0),
    ],
)
def test_fund_flow_measured_by_hand(extra: str, measured: float) -> None:
    (claim,) = parse_claims_text(_claim(extra, str(measured)))
    result = evaluate_claim(claim, FlowData())
    assert result.verdict == "SUPPORTED", result.summary()
    assert result.measured == pytest.approx(measured)


def test_verdicts_and_detail() -> None:
    (wrong,) = parse_claims_text(_claim('window = "week"\nasof = 2026-01-15', "2e9", "5e8"))
    result = evaluate_claim(wrong, FlowData())
    assert result.verdict == "CONTRADICTED"
    assert "IWM net flow 2026-01-07..2026-01-15: +$0.8 m" in result.detail
    assert "a gap before 2026-01-08 counts whole, from 2026-01-07" in result.detail
    assert "1 priced at the close" in result.detail and "1 split(s) taken out" in result.detail
    assert "shares outstanding x NAV" in wrong.basis
    (other,) = parse_claims_text(_claim('fund = "IJR"', "1").replace('fund = "IWM"\n', ""))
    missing = evaluate_claim(other, FlowData())
    assert missing.verdict == "NOT_CHECKABLE"
    assert missing.missing == ("series IJR.shares_outstanding",)


def test_bad_spec() -> None:
    with pytest.raises(ClaimSpecError, match="window"):
        parse_claims_text(_claim('window = "decade"', "1"))
    with pytest.raises(ClaimSpecError, match="reversed"):
        parse_claims_text(_claim("start = 2026-01-09\nend = 2026-01-07", "1"))


def test_series_ids_agree_between_layers() -> None:
    assert shares_series_id("iwm") == "IWM" + SHARES_SUFFIX
    assert nav_series_id("IWM") == "IWM" + NAV_SUFFIX


def test_claim_through_the_store(tmp_path: Path) -> None:
    """The same claim on a store filled by ``import`` (fund-history CSV + closes)."""
    from sizeup.app import StoreRef
    from sizeup.app.claims import ClaimsRequest, check_claims
    from sizeup.data.ingest import import_paths
    from sizeup.data.store import Store

    files = tmp_path / "files"
    files.mkdir()
    rows = FlowData().ser.iloc[::-1]
    lines = ["As Of,NAV per Share,Shares Outstanding"] + [
        f'"{d:%b %d, %Y}",{"--" if pd.isna(n) else n},{s:.0f}'
        for d, n, s in zip(rows.index, rows["IWM.nav"], rows["IWM.shares_outstanding"], strict=True)
    ]
    (files / "IWM_fund.csv").write_text("\n".join(lines) + "\n")
    (files / "IWM.csv").write_text("Date,Close\n2026-01-14,25.71\n2026-01-15,25.80\n")
    store = Store.open(tmp_path / "store")
    assert import_paths([files], store, workers=1).failed == 0
    text = _claim('window = "week"\nasof = 2026-01-15', "760000")
    result = check_claims(ClaimsRequest(text=text, store=StoreRef(tmp_path / "store")))
    (one,) = result.results
    assert one.verdict == "SUPPORTED", one.summary()
    assert one.measured == pytest.approx(760_000.0)
