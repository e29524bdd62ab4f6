"""Unit tests of the extraction grammar, one form at a time, on sentences written for them."""

from __future__ import annotations

import pandas as pd
import pytest

from sizeup.claims.extract import (
    extract_claims,
    find_periods,
    parse_quantity,
    parse_streak,
    split_sentences,
    to_document,
)

FRI = pd.Timestamp("2025-03-14")  # a Friday


# ------------------------------------------------------------------ quantities
@pytest.mark.parametrize(
    ("phrase", "value", "unit", "qualifier"),
    [
        ("3%", 3.0, "pct", "approx"),
        ("more than 6%", 6.0, "pct", "gt"),
        ("north of 5%", 5.0, "pct", "gt"),
        ("sub-2%", 2.0, "pct", "lt"),
        ("nearly 1.4%", 1.4, "pct", "nearly"),
        ("about 0.6%", 0.6, "pct", "about"),
        ("-0.05%", -0.05, "pct", "approx"),
        ("12.5 basis points", 12.5, "bp", "approx"),
        ("30 bp", 30.0, "bp", "approx"),
        ("25-basis-point", 25.0, "bp", "approx"),
        ("21.37 points", 21.37, "points", "approx"),
    ],
)
def test_quantity_forms(phrase: str, value: float, unit: str, qualifier: str) -> None:
    q = parse_quantity(phrase)
    assert q is not None
    assert (q.value, q.unit, q.qualifier) == (value, unit, qualifier)


def test_quantity_range_and_percentage_points() -> None:
    q = parse_quantity("4.1% to 4.3%")
    assert q is not None and q.value == 4.1 and q.high == 4.3 and q.decimals == 1
    pp = parse_quantity("7-percentage-point")
    assert pp is not None and pp.percentage_points and pp.form == "pp_compound"
    assert parse_quantity("growth") is None


@pytest.mark.parametrize(
    ("phrase", "count", "freq", "form"),
    [
        ("fourth straight week", 4, "W", "straight"),
        ("third straight week", 3, "W", "straight"),
        ("11 consecutive sessions", 11, "D", "straight"),
        ("9 straight trading days", 9, "D", "straight"),
        ("12th straight day", 12, "D", "straight"),
        ("each of the last seven days", 7, "D", "each_of"),
        ("second consecutive month", 2, "M", "straight"),
    ],
)
def test_streak_forms(phrase: str, count: int, freq: str, form: str) -> None:
    st = parse_streak(phrase)
    assert st is not None and (st.count, st.freq, st.form) == (count, freq, form)


# ------------------------------------------------------------------ entities
@pytest.mark.parametrize(
    ("name", "symbol"),
    [
        ("the Russell 2000", "^RUT"),
        ("small caps", "^RUT"),
        ("RUT", "^RUT"),
        ("IWM", "IWM"),
        ("the S&P 500", "^GSPC"),
        ("large caps", "^GSPC"),
    ],
)
def test_entities_resolve_to_store_symbols(name: str, symbol: str) -> None:
    ex = extract_claims(f"On Friday {name} rose 1.2%.", FRI)
    assert [c.subjects for c in ex.claims] == [(symbol,)]
    assert ex.claims[0].spec is not None and ex.claims[0].spec["symbol"] == symbol


@pytest.mark.parametrize(("name", "proxy"), [("the Dow", "DIA"), ("the Nasdaq", "QQQ")])
def test_index_without_data_uses_its_proxy_only_when_allowed(name: str, proxy: str) -> None:
    text = f"On Friday {name} slipped 0.4%."
    strict = extract_claims(text, FRI).claims[0]
    assert strict.spec is None and "--allow-proxies" in (strict.not_checkable or "")
    loose = extract_claims(text, FRI, allow_proxies=True).claims[0]
    assert loose.proxy == proxy and loose.subjects == (proxy,)
    assert loose.spec is not None and loose.spec["field"] == "adj_close"
    assert loose.stated == -0.4 and loose.tolerance > 0.03  # widened for the proxy


def test_smallcap_600_has_no_data_and_no_proxy() -> None:
    c = extract_claims("On Friday the S&P SmallCap 600 fell 2.5%.", FRI).claims[0]
    assert c.spec is None and "no stated proxy" in (c.not_checkable or "")


def test_yield_and_fed_funds() -> None:
    ex = extract_claims(
        "On Friday the 10-year yield fell 7 basis points to 4.31%. "
        "The fed funds rate was cut by 25 basis points on Wednesday.",
        FRI,
    )
    kinds = {(c.kind, c.subjects[0]) for c in ex.claims}
    assert ("rate_change", "FRED:DGS10") in kinds
    assert ("rate_level", "FRED:DGS10") in kinds
    assert ("rate_change", "FRED:EFFR") in kinds
    change = next(c for c in ex.claims if c.kind == "rate_change" and "DGS10" in c.subjects[0])
    assert change.stated == -7 and change.unit == "bp"
    assert change.spec is not None and change.spec["stated"] == pytest.approx(-0.0007)


# ------------------------------------------------------------------ periods
def _period(phrase: str, pub: pd.Timestamp = FRI) -> tuple[str, str]:
    found = find_periods(phrase, pub)
    assert found, phrase
    r = found[0].readings[0]
    return f"{r.start:%Y-%m-%d}", f"{r.end:%Y-%m-%d}"


@pytest.mark.parametrize(
    ("phrase", "start", "end"),
    [
        ("for the week", "2025-03-10", "2025-03-14"),
        ("last week", "2025-03-03", "2025-03-07"),
        ("on Friday", "2025-03-14", "2025-03-14"),
        ("on Tuesday", "2025-03-11", "2025-03-11"),
        ("last month", "2025-02-01", "2025-02-28"),
        ("year to date", "2025-01-01", "2025-03-14"),
        ("so far this year", "2025-01-01", "2025-03-14"),
        ("in the second half", "2024-07-01", "2024-12-31"),
        ("since September 2024", "2024-09-01", "2025-03-14"),
        ("the first trading day of 2026", "2026-01-02", "2026-01-02"),
        ("since Dec. 31, 2023", "2024-01-01", "2025-03-14"),
        ("over the past three months", "2024-12-15", "2025-03-14"),
        ("in January 2021", "2021-01-01", "2021-01-31"),
        ("in 3Q24", "2024-07-01", "2024-09-30"),
    ],
)
def test_period_forms(phrase: str, start: str, end: str) -> None:
    assert _period(phrase) == (start, end)


def test_since_a_month_is_read_both_ways() -> None:
    (mention,) = find_periods("since September 2024", FRI)
    starts = [f"{r.start:%Y-%m-%d}" for r in mention.readings]
    assert starts == ["2024-09-01", "2024-10-01"]


def test_since_a_peak_is_unresolved_not_guessed() -> None:
    (mention,) = find_periods("since its May peak", FRI)
    assert mention.readings == () and "peak" in (mention.unresolved or "")


# ------------------------------------------------------------------ assembly
def test_two_subjects_two_periods_and_signs() -> None:
    text = "The Russell 2000 jumped 3% for the week while the Dow slipped 0.5%."
    ex = extract_claims(text, FRI, allow_proxies=True)
    got = [(c.id, c.names[0], c.stated, f"{c.window.end:%m-%d}") for c in ex.claims if c.window]
    # publication time unknown: each week is read through Friday's and through Thursday's close
    assert got == [
        ("c1a", "Russell 2000", 3.0, "03-14"),
        ("c1b", "Russell 2000", 3.0, "03-13"),
        ("c2a", "Dow Jones Industrial Average", -0.5, "03-14"),
        ("c2b", "Dow Jones Industrial Average", -0.5, "03-13"),
    ]
    first = ex.claims[0]
    assert text[first.span[0] : first.span[1]] == "Russell 2000 jumped 3%"


def test_ambiguous_sentence_is_checked_both_ways() -> None:
    ex = extract_claims("Small caps have gained 12% since September 2024 through Thursday.", FRI)
    assert len(ex.claims) == 2
    assert {c.alternative_of for c in ex.claims} == {"c1"}
    assert {c.spec["start"].isoformat() for c in ex.claims if c.spec} == {
        "2024-09-01",
        "2024-10-01",
    }


def test_relative_return_streak_record_and_longest_since() -> None:
    text = (
        "Small caps beat the S&P 500 by 2.4% for the week, a third straight week of "
        "outperformance. The S&P 500 closed at a record high on Friday. "
        "It was the longest run of daily outperformance since 2008 for the Russell 2000 "
        "over the S&P 500."
    )
    ex = extract_claims(text, FRI)
    by_kind = {c.kind: c for c in ex.claims}
    rel = by_kind["relative_return"]
    assert rel.subjects == ("^RUT", "^GSPC") and rel.stated == 2.4
    streaks = [c for c in ex.claims if c.kind == "streak"]
    assert streaks[0].stated == 3 and streaks[0].spec is not None
    assert streaks[0].spec["freq"] == "W"
    assert any(c.unit == "year" and c.stated == 2008 for c in streaks)
    rec = by_kind["record"]
    assert rec.subjects == ("^GSPC",) and rec.spec is not None
    assert rec.spec["asof"].isoformat() == "2025-03-14"


def test_numbers_that_match_no_form_are_listed() -> None:
    ex = extract_claims("Analysts expect 3 cuts and 4.5% growth next year.", FRI)
    assert ex.claims == ()
    assert [n.text for n in ex.not_understood] == ["3", "4.5%"]


def test_averages_over_past_episodes_are_not_checkable() -> None:
    ex = extract_claims(
        "After such streaks the Russell 2000 averaged a 2.1% gain in the following month.", FRI
    )
    assert ex.claims == ()
    assert [n.text for n in ex.not_understood] == ["2.1%"]
    assert "event study" in ex.not_understood[0].why


def test_sentences_and_documents() -> None:
    sents = split_sentences("Stocks rose on Jan. 5 and fell later. The U.S. economy grew.")
    assert [s.text for s in sents] == [
        "Stocks rose on Jan. 5 and fell later.",
        "The U.S. economy grew.",
    ]
    doc = to_document("published: 2025-03-14\n---\nThe Russell 2000 rose 1%.")
    assert doc.published == "2025-03-14" and doc.text == "The Russell 2000 rose 1%."
    html = to_document(
        '<html><head><meta property="article:published_time" content="2025-03-14T10:00">'
        "<script>var x = 5%;</script></head><body><p>Small caps rose 2%.</p></body></html>"
    )
    assert (
        html.fmt == "html" and html.published == "2025-03-14" and html.text == "Small caps rose 2%."
    )
    md = to_document("# Title\n\n**Small caps** rose [2%](http://x).")
    assert md.fmt == "markdown" and md.text == "Title\nSmall caps rose 2%."


def test_runs_of_one_index_are_signed_streaks() -> None:
    up = extract_claims("On Friday the Russell 2000 rose for a fourth consecutive day.", FRI)
    (c,) = up.claims
    assert c.stated == 4 and c.spec is not None and "benchmark" not in c.spec
    assert c.spec["asof"].isoformat() == "2025-03-14"
    down = extract_claims("The S&P 500 has now had three straight losing sessions.", FRI)
    # no date in the sentence: as of the publication day's close, or the previous close; the
    # stated figure is the article's (3), the direction is in the spec (-3 = three down days)
    assert [(x.id, x.stated) for x in down.claims] == [("c1a", 3.0), ("c1b", 3.0)]
    assert [x.spec["stated"] for x in down.claims if x.spec] == [-3, -3]
    assert [x.spec["asof"].isoformat() for x in down.claims if x.spec] == [
        "2025-03-14",
        "2025-03-13",
    ]
    cond = extract_claims(
        "Following a win streak of at least eight consecutive sessions, small caps rose.", FRI
    )
    assert cond.claims == ()


def test_beat_without_a_figure_is_a_sign_of_the_relative_return() -> None:
    ex = extract_claims("Large caps lagged the Russell 2000 in the first quarter.", FRI)
    (c,) = ex.claims
    assert c.kind == "relative_return" and c.subjects == ("^GSPC", "^RUT")
    assert c.spec is not None and c.spec["compare"] == "at_most" and c.spec["stated"] == 0.0
    assert (c.spec["start"].isoformat(), c.spec["end"].isoformat()) == ("2025-01-01", "2025-03-14")
    assert (
        extract_claims("If small caps beat the S&P 500 in May, analysts will cheer.", FRI).claims
        == ()
    )
