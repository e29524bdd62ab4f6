"""Golden table: every claim of ``examples/claims.toml`` checked on the shared-data store.

``golden/examples_claims.csv`` holds a verdict and a measured value per claim, computed
independently of sizeup by ``golden/generate_examples.py`` (plain pandas and loops on the raw
files of ``../shared/data``; regenerate it with that script after changing a claim). Here the real
checker (the claims use case on a store with ``../shared/data`` imported) must reproduce every
verdict, every measured value within 1e-9 relative, and every NOT_CHECKABLE with the same reason.
"""

from __future__ import annotations

import csv
import hashlib
import json
import math
import tomllib
from pathlib import Path
from typing import Any

import pytest

from sizeup.app import StoreRef
from sizeup.app.claims import ClaimsRequest, check_claims
from sizeup.claims import ClaimResult
from sizeup.data.ingest import import_paths
from sizeup.data.store import Store

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "claims.toml"
GOLDEN = Path(__file__).resolve().parent / "golden" / "examples_claims.csv"
REL = 1e-9  # the generator and the checker differ only by floating-point summation order


def _claim_id(table: dict[str, Any]) -> str:
    """Same id as ``generate_examples.claim_id``: hash of the table as written."""
    canon = json.dumps(table, sort_keys=True, default=str)
    return hashlib.sha1(canon.encode("utf-8")).hexdigest()[:12]


def _tables() -> list[dict[str, Any]]:
    doc = tomllib.loads(EXAMPLES.read_text(encoding="utf-8"), parse_float=str)
    return list(doc["claim"])


def _golden() -> dict[str, dict[str, str]]:
    with GOLDEN.open(encoding="utf-8", newline="") as fh:
        return {row["id"]: row for row in csv.DictReader(fh)}


GOLDEN_ROWS = _golden()


def test_golden_table_covers_every_claim_of_the_examples_file() -> None:
    """A claim added or edited without regenerating the golden CSV fails here."""
    ids = [_claim_id(t) for t in _tables()]
    assert len(set(ids)) == len(ids), "two identical claims in examples/claims.toml"
    missing = [
        f"#{i} {t['text']!r}"
        for i, (t, cid) in enumerate(zip(_tables(), ids, strict=True))
        if cid not in GOLDEN_ROWS
    ]
    assert not missing, (
        "claims without a golden row (run tests/claims/golden/generate_examples.py): "
        + "; ".join(missing)
    )
    stale = sorted(set(GOLDEN_ROWS) - set(ids))
    assert not stale, f"golden rows of claims no longer in the file: {stale}"
    for i, cid in enumerate(ids):
        row = GOLDEN_ROWS[cid]
        assert int(row["index"]) == i, (cid, row["index"], i)
        assert row["compare_on"] in ("value", "verdict")
        assert row["verdict"] in ("SUPPORTED", "CONTRADICTED", "NOT_CHECKABLE")
        if row["verdict"] == "NOT_CHECKABLE":
            assert row["reason"] and row["compare_on"] == "verdict"
        if row["compare_on"] == "value":
            assert math.isfinite(float(row["measured"])), row
        assert row["note"], row


@pytest.fixture(scope="module")
def results(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, ClaimResult]:
    """The checker's result per claim id, on a store with the whole of ../shared/data (~15 s)."""
    store = Store.open(tmp_path_factory.mktemp("golden_claims_store"))
    import_paths([shared_data], store)
    res = check_claims(ClaimsRequest(file=EXAMPLES, store=StoreRef(store.root)))
    ids = [_claim_id(t) for t in _tables()]
    assert len(res.results) == len(ids)
    return dict(zip(ids, res.results, strict=True))


@pytest.mark.shared_data
@pytest.mark.slow
@pytest.mark.parametrize(
    "cid", list(GOLDEN_ROWS), ids=[f"{r['index']}-{r['metric']}" for r in GOLDEN_ROWS.values()]
)
def test_checker_reproduces_golden_verdict_and_value(
    cid: str, results: dict[str, ClaimResult]
) -> None:
    gold = GOLDEN_ROWS[cid]
    got = results[cid]
    shown = (
        f"{gold['text']!r}: checker {got.summary()} | golden {gold['measured']} ({gold['note']})"
    )
    assert got.verdict == gold["verdict"], shown
    if gold["verdict"] == "NOT_CHECKABLE":
        assert got.missing, shown
        assert gold["reason"] in got.missing[0], shown
    if gold["compare_on"] == "value":
        assert got.measured == pytest.approx(float(gold["measured"]), rel=REL, abs=1e-12), shown
