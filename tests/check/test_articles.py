"""Acceptance: check every article of ../shared/articles against its gold annotations.

Reports, per article and in total, extraction recall (gold claims found) and precision
(extracted claims that are gold claims), and the agreement of verdicts on the claims both found.
A gold claim is found by an extracted claim when their spans overlap, the subject is the same
store symbol (a stated proxy counts), the unit is the same and the stated figures agree (within
0.06 of a unit, so a range "4.1% to 4.2%" read as 4.15 finds a gold 4.1). The two readings of an
ambiguous phrase count as one extracted claim, and so does a claim restated later in the text
(same subject, window and figure). The articles are read in place, never copied.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from sizeup.app.check import CheckedClaim, CheckRequest, run_check
from sizeup.data.store import Store

pytestmark = [pytest.mark.shared_data, pytest.mark.slow]

# the goals are recall >= 0.80, precision >= 0.90, agreement >= 0.90; measured on
# 2026-12-04: recall 0.66, precision 0.82, agreement 0.81; on 2026-12-05: recall 0.82
# (179/219), precision 0.91 (179/197), agreement 0.96 (run with -s for the table). The floors
# sit just below the measured values so that a regression fails.
RECALL_FLOOR = 0.80
PRECISION_FLOOR = 0.89
AGREEMENT_FLOOR = 0.94


@dataclass
class Score:
    article: str
    gold: int
    found: int
    extracted: int
    correct: int
    both: int
    agree: int

    @property
    def recall(self) -> float:
        return self.found / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.extracted if self.extracted else 1.0

    @property
    def agreement(self) -> float:
        return self.agree / self.both if self.both else 1.0


def _span_of(quote: str, text: str) -> tuple[int, int] | None:
    words = [re.escape(w) for w in quote.split()]
    norm = text.translate(str.maketrans({"\u2019": "'", "\u2018": "'", "\u2011": "-"}))
    q = [w.replace("\u2019", "'").replace("\u2018", "'").replace("\u2011", "-") for w in words]
    m = re.search(r"\s+".join(q), norm)
    return m.span() if m else None


def _stated_matches(gold: dict[str, Any], c: CheckedClaim) -> bool:
    g = gold["stated"]
    if gold["unit"] == "date" and c.claim.unit == "year":
        return str(g)[:4] == str(int(c.claim.stated))
    if gold["unit"] != c.claim.unit:
        return False
    if isinstance(g, bool):
        return bool(c.claim.stated) == g
    if isinstance(g, int | float):
        return abs(float(g) - c.claim.stated) <= 0.06 + 1e-9
    return False


def score_article(txt: Path, store: Store) -> tuple[Score, list[str]]:
    gold_doc = tomllib.loads(txt.with_suffix("").with_suffix(".claims.toml").read_text())
    if not txt.with_suffix("").with_suffix(".claims.toml").exists():
        raise AssertionError(txt)
    gold = gold_doc.get("claim", [])
    result = run_check(CheckRequest(str(txt), allow_proxies=True), store)
    text = result.extraction.text
    groups: dict[str, list[CheckedClaim]] = {}
    for c in result.checked:
        # the readings of an ambiguous phrase, and restatements of a claim, count as one claim
        key = c.claim.repeat_of or c.claim.alternative_of or c.claim.id
        groups.setdefault(key, []).append(c)
    used: set[str] = set()
    found = both = agree = 0
    log: list[str] = []
    for g in gold:
        span = _span_of(g["quote"], text)
        hit: tuple[str, CheckedClaim] | None = None
        if span is not None:
            for key, readings in groups.items():
                if key in used:
                    continue
                for c in readings:
                    a, b = c.claim.span
                    overlap = a < span[1] and span[0] < b
                    ours = {x.removeprefix("FRED:") for x in c.claim.subjects}
                    if overlap and g["subjects"][0] in ours and _stated_matches(g, c):
                        hit = (key, c)
                        break
                if hit:
                    break
        if hit is None:
            log.append(f"  missed {g['id']} {g['kind']} {g['subjects']} {g['stated']!r}")
            continue
        used.add(hit[0])
        found += 1
        both += 1
        readings = groups[hit[0]]
        ok = any(c.verdict == g["verdict"] for c in readings)
        agree += ok
        if not ok:
            log.append(
                f"  verdict {g['id']}: gold {g['verdict']}, ours {hit[1].verdict} "
                f"(measured {hit[1].measured}) {hit[1].claim.reading}"
            )
    for key, readings in groups.items():
        if key not in used:
            log.append(f"  extra {key}: {readings[0].claim.reading}")
    score = Score(txt.stem, len(gold), found, len(groups), len(used), both, agree)
    return score, log


def test_articles_recall_precision_agreement(shared_dir: Path, check_store: Store) -> None:
    articles = sorted((shared_dir / "articles").glob("*.txt"))
    assert len(articles) >= 20
    scores: list[Score] = []
    lines = [f"{'article':48} gold found extr  recall  precision  agreement"]
    for txt in articles:
        score, log = score_article(txt, check_store)
        scores.append(score)
        lines.append(
            f"{score.article[:48]:48} {score.gold:4d} {score.found:5d} {score.extracted:4d} "
            f"{score.recall:7.0%} {score.precision:9.0%} {score.agreement:9.0%}"
        )
        lines += log
    total = Score(
        "TOTAL",
        sum(s.gold for s in scores),
        sum(s.found for s in scores),
        sum(s.extracted for s in scores),
        sum(s.correct for s in scores),
        sum(s.both for s in scores),
        sum(s.agree for s in scores),
    )
    lines.append(
        f"{'TOTAL':48} {total.gold:4d} {total.found:5d} {total.extracted:4d} "
        f"{total.recall:7.0%} {total.precision:9.0%} {total.agreement:9.0%}"
    )
    print("\n" + "\n".join(lines))
    assert total.recall >= RECALL_FLOOR
    assert total.precision >= PRECISION_FLOOR
    assert total.agreement >= AGREEMENT_FLOOR
