"""Grammar forms added for issue 15, each on sentences written for the test (no article text)."""

from __future__ import annotations

import pandas as pd
import pytest

from sizeup.claims._kinds import decimal_year
from sizeup.claims.extract import extract_claims, find_periods
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
        "Monday was the worst session for both the S&P 500 and the Russell 2000 since 2020.",
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
        "On Monday the 10-year yield dropped 12 basis points, the sharpest single-day drop "
        "since November."
    )
    assert y[0] == "10-year Treasury yield" and y[1]["series"] == "FRED:DGS10"
    assert (y[1]["measure"], y[1]["mode"]) == ("change", "worst")
    (m,) = _since("Small caps just had their best monthly gain since December 2023.")
    assert (m[1]["freq"], m[1]["mode"]) == ("M", "best")


def test_hypothetical_since_is_not_a_claim() -> None:
    assert _since("The rally would be the highest since 2019 for small caps.") == []


def test_since_with_a_proxy_reads_changes_not_levels() -> None:
    (chg,) = _since("It was the worst session for the Nasdaq since April.", allow_proxies=True)
    assert chg[1]["symbol"] == "QQQ"
    ex = extract_claims("The Nasdaq hit its highest level since April.", WED, allow_proxies=True)
    (lvl,) = [c for c in ex.claims if c.kind == "since"]
    assert lvl.spec is None and "proxy" in (lvl.not_checkable or "")


# ------------------------------------------------------------------ previous records
def _records(text: str) -> list[tuple[str, str, dict[str, object]]]:
    ex = extract_claims(text, WED)
    return [(c.unit, c.reading, dict(c.spec or {})) for c in ex.claims if c.kind == "record"]


def test_level_of_a_previous_record_close() -> None:
    (got,) = _records("On Tuesday the Russell 2000 stayed under its prior record close of 2,612.5.")
    unit, _, spec = got
    assert unit == "level" and spec["metric"] == "window_extreme"
    # the highest close before Tuesday 2025-03-11, i.e. up to Monday's close
    assert (spec["stat"], spec["extreme"], spec["end"].isoformat()) == (
        "value",
        "max",
        "2025-03-10",
    )
    assert spec["stated"] == 2612.5 and spec["tolerance"] == 0.02


def test_level_and_date_of_a_previous_record() -> None:
    got = _records("The S&P 500 came close to its all-time closing high of 6,144 set on Feb. 19.")
    level = next(g for g in got if g[0] == "level")
    # the record up to the written date
    assert level[2]["end"].isoformat() == "2025-02-19" and level[2]["tolerance"] == 0.5
    date = next(g for g in got if g[0] == "year")
    spec = date[2]
    assert (spec["metric"], spec["measure"]) == ("since_when", "record")
    assert spec["asof"].isoformat() == "2025-03-12"  # the publication day, not Feb. 19
    assert spec["stated"] == pytest.approx(decimal_year(pd.Timestamp("2025-02-19")), abs=1e-6)


@pytest.mark.parametrize(
    ("text", "lo"),
    [
        ("The S&P 500 last finished at a record on Nov. 8.", "2024-11-08"),
        (
            "Small caps have gone 300 sessions since they set a record in May 2024.",
            "2024-05-01",
        ),
        ("Small caps are close to a new record, above the one reached in late 2018.", "2018-09-01"),
    ],
)
def test_date_of_the_last_record(text: str, lo: str) -> None:
    got = [g for g in _records(text) if g[0] == "year"]
    assert len(got) == 1
    spec = got[0][2]
    assert spec["measure"] == "record" and spec["asof"].isoformat() == "2025-03-12"
    assert float(spec["stated"]) - float(spec["tolerance"]) == pytest.approx(  # type: ignore[arg-type]
        decimal_year(pd.Timestamp(lo)) - 0.5 / 365, abs=1e-5
    )


def test_closing_at_an_all_time_high_is_not_a_previous_record() -> None:
    ex = extract_claims("The S&P 500 ended at an all-time high of 5,990 on Tuesday.", WED)
    assert not any(c.reading.startswith("S&P 500: the record close") for c in ex.claims)
    level = next(c for c in ex.claims if c.kind == "level")
    assert level.spec is not None and level.spec["metric"] == "window_extreme"


def test_intraday_records_and_highs_read_session_highs() -> None:
    ex = extract_claims("On Tuesday small caps climbed to new heights intraday before easing.", WED)
    rec = [c for c in ex.claims if c.kind == "record"]
    # intraday only: no record-close reading
    assert [c.spec["stat"] for c in rec if c.spec] == ["record_high"]
    ex2 = extract_claims("The Russell 2000 hit a high of 2,650.25 on Monday.", WED)
    (lvl,) = [c for c in ex2.claims if c.kind == "level"]
    assert lvl.spec is not None and (lvl.spec["metric"], lvl.spec["stat"]) == ("session", "high")
    assert lvl.spec["date"].isoformat() == "2025-03-10"
    ex3 = extract_claims(
        "On Monday small caps at one point traded above their prior record close of 2,210.",
        WED,
    )
    above = [c for c in ex3.claims if c.comparator == "gt"]
    assert len(above) == 1 and above[0].spec is not None
    assert (above[0].spec["stat"], above[0].spec["compare"]) == ("high", "at_least")


# ------------------------------------------------------------------ small forms
def test_just_over_allows_for_the_rounding_of_the_figure() -> None:
    (c,) = [
        c
        for c in extract_claims("The S&P 500 has gained just over 4% this year.", WED).claims
        if c.alternative_of is None or c.id.endswith("a")
    ]
    assert c.comparator == "gt" and c.tolerance == pytest.approx(0.25)
    assert c.spec is not None and c.spec["compare"] == "at_least"
    assert c.spec["tolerance"] == pytest.approx(0.0025)
    (d,) = [
        c
        for c in extract_claims("Small caps lost just under 1.5% on Monday.", WED).claims
        if c.kind == "return"
    ]
    # a loss "just under 1.5%" is a return of at least -1.5% (with 0.025 pp of rounding)
    assert (d.stated, d.comparator, d.tolerance) == (-1.5, "gt", pytest.approx(0.025))


def test_count_of_records_is_read_at_both_closes_when_the_time_is_unknown() -> None:
    ex = extract_claims("This month the S&P 500 has logged five record closes.", WED)
    # a count of records, not "closed at a record" today
    assert [c.spec["metric"] for c in ex.claims if c.spec] == ["records", "records"]
    ends = [c.spec["end"].isoformat() for c in ex.claims if c.spec]
    assert ends == ["2025-03-12", "2025-03-11"]
    assert {c.alternative_of for c in ex.claims} == {"c1"}


def test_a_ticker_missing_from_the_store_is_looked_up_not_dropped() -> None:
    (c,) = extract_claims("XLG fell 0.8% on Monday.", WED).claims
    assert c.subjects == ("XLG",) and c.spec is not None and c.spec["symbol"] == "XLG"


def test_records_to_be_achieved_are_not_claims() -> None:
    ex = extract_claims("Investors want the Russell 2000 to reach new heights.", WED)
    assert [c for c in ex.claims if c.kind == "record"] == []


# ------------------------------------------------------------------ mid-session statements
def test_mid_session_figures_are_also_read_within_the_session_range() -> None:
    ex = extract_claims("The Russell 2000 is down 1.3% today.", WED)
    specs = [c.spec for c in ex.claims if c.spec]
    stats = sorted(str(sp.get("stat", sp["metric"])) for sp in specs)
    assert stats == ["window_return", "within_return"]
    within = next(sp for sp in specs if sp.get("stat") == "within_return")
    assert within["date"].isoformat() == "2025-03-12" and within["stated"] == pytest.approx(-0.013)
    assert len({c.alternative_of for c in ex.claims}) == 1  # one claim, two readings


def test_a_close_named_in_the_sentence_has_no_session_reading() -> None:
    ex = extract_claims("The Russell 2000 is down 1.3% today after it closed lower.", WED)
    assert all((c.spec or {}).get("metric") != "session" for c in ex.claims)
    # a closing high is a noun, not the close of the day
    at_one_point = extract_claims(
        "On Monday the Russell 2000 rose 2% and at one point topped its closing high.", WED
    )
    assert any((c.spec or {}).get("stat") == "within_return" for c in at_one_point.claims)


def test_levels_during_the_session() -> None:
    ex = extract_claims("Today the S&P 500 was up 0.4% to 5,710.", WED)
    lvl = [c for c in ex.claims if c.kind == "level" and c.spec]
    assert sorted(f"{c.spec['metric']}:{c.spec['stat']}" for c in lvl if c.spec) == [
        "session:within_level",
        "window_extreme:value",
    ]


def test_after_the_close_no_session_reading() -> None:
    # no mid-session word anywhere: a day's move is the close-to-close move only
    ex = extract_claims("On Monday the Russell 2000 rose 1.1%.", WED)
    assert all((c.spec or {}).get("metric") != "session" for c in ex.claims)


# ------------------------------------------------------------------ distance from a high
@pytest.mark.parametrize(
    ("phrase", "start", "search_end"),
    [
        ("below its 52-week high", "2024-03-13", "2025-03-12"),
        ("off its October peak", "2024-10-01", "2024-10-31"),
        ("versus its high from December", "2024-12-01", "2024-12-31"),
        ("from the all-time high", "1900-01-01", "2025-03-12"),
    ],
)
def test_distance_from_a_high_is_a_window_extreme(phrase: str, start: str, search_end: str) -> None:
    ex = extract_claims(f"On Wednesday the Russell 2000 was 12.5% {phrase}.", WED)
    specs = [c.spec for c in ex.claims if c.spec and c.spec["metric"] == "window_extreme"]
    assert len(specs) == 1
    spec = specs[0]
    assert (spec["extreme"], spec["stat"]) == ("max", "distance")
    assert (spec["start"].isoformat(), spec["end"].isoformat()) == (start, search_end)
    # below a high: the stated distance is negative whatever the wording's sign
    assert spec["stated"] == pytest.approx(-0.125) and spec["asof"].isoformat() == "2025-03-12"


def test_distance_from_a_high_ends_on_the_day_named_earlier() -> None:
    ex = extract_claims(
        "On Monday the index fell 3%, and the Russell 2000 is now 15% below its 52-week high.", WED
    )
    spec = next(c.spec for c in ex.claims if c.spec and c.spec["metric"] == "window_extreme")
    assert spec["asof"].isoformat() == "2025-03-10"


def test_distance_said_during_the_session_reads_the_day_range() -> None:
    ex = extract_claims("Today the S&P 500 is 4% below its all-time high.", WED)
    alt = [c.spec for c in ex.claims if c.spec and c.spec["metric"] == "session"]
    assert len(alt) == 1 and alt[0]["base"] == "max_close"


# ------------------------------------------------------------------ funds and indexes
def test_an_index_against_a_fund_is_read_through_the_fund_tracking_it() -> None:
    ex = extract_claims("Over the past three months the S&P 500 beat RSP by 3%.", WED)
    rel = [c for c in ex.claims if c.kind == "relative_return"]
    assert rel and all(c.subjects == ("SPY", "RSP") for c in rel)
    assert all(c.spec is not None and c.spec["field"] == "adj_close" for c in rel)


def test_fund_price_returns_over_years() -> None:
    text = "SPY is up 90.5% since the start of the decade, and RSP is up 55.2%."
    ex = extract_claims(text, WED)
    spy = [
        c for c in ex.claims if c.names == ("SPY",) and (c.spec or {}).get("metric") != "session"
    ]
    # SPY's price return over five years: from the S&P 500 price index it tracks
    assert spy and all(c.subjects == ("^GSPC",) for c in spy)
    assert all(c.spec is not None and c.spec["field"] == "close" for c in spy)
    rsp = [c for c in ex.claims if c.names == ("RSP",) and c.kind == "return"]
    assert rsp and all(c.spec is None and "dividend" in (c.not_checkable or "") for c in rsp)
    # a text that quotes total returns reads the fund's adjusted closes
    tr = extract_claims(text + " Figures are total returns.", WED)
    assert all(c.subjects == ("SPY",) for c in tr.claims if c.names == ("SPY",))
    # a short window stays on the fund
    short = extract_claims("SPY has gained 2.5% this month.", WED)
    assert all(c.subjects == ("SPY",) for c in short.claims)


def test_past_months_read_before_the_close_end_and_start_a_day_earlier() -> None:
    ex = extract_claims("Small caps are up 6% over the past three months.", WED)
    windows = sorted(
        (c.spec["start"].isoformat(), c.spec["end"].isoformat())
        for c in ex.claims
        if c.spec and c.spec["metric"] == "window_return"
    )
    assert windows == [("2024-12-12", "2025-03-11"), ("2024-12-13", "2025-03-12")]


def test_forward_returns_after_a_condition_are_event_statistics() -> None:
    ex = extract_claims(
        "In forward returns after SPY beat RSP by 4% over three months, SPY usually kept its lead.",
        WED,
    )
    assert ex.claims == ()
    assert [n.text for n in ex.not_understood] == ["4%"]


def test_a_restated_reading_joins_the_first_claim() -> None:
    ex = extract_claims(
        "Small caps are up 6% over the past three months. "
        "Over the past three months the Russell 2000 is up 6%.",
        WED,
    )
    second = [c for c in ex.claims if c.sentence == 1]
    assert second and all(c.repeat_of == "c1" for c in second)


# ------------------------------------------------------------------ named thresholds and others
def test_correction_and_bear_market_territory() -> None:
    ex = extract_claims("The Russell 2000 slid into correction territory on Tuesday.", WED)
    (c,) = [c for c in ex.claims if c.spec and c.spec["metric"] == "window_extreme"]
    assert (c.stated, c.comparator, c.spec["compare"]) == (-10.0, "lt", "at_most")  # type: ignore[index]
    assert (
        c.spec is not None
        and c.spec["stated"] == -0.1
        and c.spec["asof"].isoformat() == "2025-03-11"
    )
    assert c.spec["start"].isoformat() == "2024-03-12"  # 52 weeks before Tuesday
    bear = extract_claims("Small caps fell into a bear market last week.", WED)
    assert [x.stated for x in bear.claims if x.spec] == [-20.0]
    # definitions and hypotheses are not claims, nor are the figures of a definition
    text = "A bear market is commonly defined as a decline of 20% from a peak."
    assert extract_claims(text, WED).claims == ()
    assert extract_claims("The S&P 500 could enter a correction soon.", WED).claims == ()


def test_rsi_level() -> None:
    ex = extract_claims("Small caps have an RSI of 68.", WED)
    (c,) = [c for c in ex.claims if c.alternative_of is None or c.id.endswith("a")]
    assert c.spec is not None and (c.spec["metric"], c.spec["stated"]) == ("rsi", 68.0)
    assert c.spec["tolerance"] == 0.5


def test_fed_move_without_the_rate_named() -> None:
    ex = extract_claims("The Fed lowered rates by 50 basis points at its December meeting.", WED)
    (c,) = ex.claims
    assert c.subjects == ("FRED:EFFR",) and c.stated == -50.0
    assert c.spec is not None
    # over the month of the meeting: from the last value before December 1
    assert (c.spec["start"].isoformat(), c.spec["end"].isoformat()) == ("2024-11-30", "2024-12-31")
    both = extract_claims("The Fed moved by 50 basis points on Wednesday.", WED)
    assert sorted(x.stated for x in both.claims) == [-50.0, 50.0]
    assert {x.alternative_of for x in both.claims} == {both.claims[0].alternative_of}


def test_nth_record_of_the_year() -> None:
    ex = extract_claims("The S&P 500 set a record close on Feb. 19, its 4th this year.", WED)
    (c,) = [c for c in ex.claims if c.spec and c.spec["metric"] == "records"]
    assert c.stated == 4.0 and c.spec is not None
    assert (c.spec["start"].isoformat(), c.spec["end"].isoformat()) == ("2025-01-01", "2025-02-19")


def test_reached_a_level_is_read_as_close_or_session_high() -> None:
    ex = extract_claims("The Russell 2000 reached 2,301.5 on Feb. 7.", WED)
    metrics = sorted(str((c.spec or {}).get("metric")) for c in ex.claims)
    assert metrics == ["session", "window_extreme"]
    assert len({c.alternative_of for c in ex.claims}) == 1
    assert extract_claims("Some expect the S&P 500 will hit 6,500.", WED).claims == ()


def test_it_refers_to_the_index_named_earlier_in_the_sentence() -> None:
    ex = extract_claims(
        "Russell 2000 futures dropped 2% on Monday. "
        "The index slid into a correction this week; it is 11% below its 52-week high.",
        WED,
    )
    second = [c for c in ex.claims if c.sentence == 1]
    assert second and all(c.names == ("Russell 2000",) for c in second)


# ------------------------------------------------------------------ runs of years and of big moves
def test_runs_of_calendar_years_end_at_the_last_year_end() -> None:
    ex = extract_claims(
        "The S&P 500 has outperformed the Russell 2000 for each of the past four years.", WED
    )
    (c,) = ex.claims
    assert c.spec is not None and c.spec["metric"] == "year_streak"
    assert (c.spec["symbol"], c.spec["benchmark"], c.spec["stated"]) == ("^GSPC", "^RUT", 4)
    assert c.spec["asof"].isoformat() == "2024-12-31"
    lag = extract_claims(
        "It was a sixth straight year of underperformance for the Russell 2000 against the "
        "S&P 500.",
        WED,
    )
    (d,) = lag.claims
    assert d.spec is not None and d.spec["stated"] == -6 and d.spec["symbol"] == "^RUT"


def test_runs_of_one_percent_days() -> None:
    ex = extract_claims("On Monday the Russell 2000 rose 1%+ for a third straight day.", WED)
    (c,) = [c for c in ex.claims if c.kind == "streak"]
    assert c.spec is not None and c.spec["min_move"] == pytest.approx(0.01)
    assert c.spec["stated"] == 3 and c.spec["asof"].isoformat() == "2025-03-10"


# ------------------------------------------------------------------ event counts
def test_counts_of_past_episodes_are_claims_that_cannot_be_checked() -> None:
    ex = extract_claims(
        "Small caps led large caps in nine other years when January was strong.",
        WED,
    )
    (c,) = [c for c in ex.claims if c.kind == "event"]
    assert (c.stated, c.unit, c.spec) == (9.0, "count", None)
    assert c.subjects == ("^RUT", "^GSPC") and "event study" in (c.not_checkable or "")
    ex2 = extract_claims("Small caps have had only 3 prior three-week streaks like it.", WED)
    assert [c.stated for c in ex2.claims if c.kind == "event"] == [3.0]


def test_a_repeated_sentence_without_a_window_is_a_restatement() -> None:
    text = "There were 12 other instances when small caps led. " * 2
    ex = extract_claims(text, WED)
    events = [c for c in ex.claims if c.kind == "event"]
    assert len(events) == 2 and events[1].repeat_of == events[0].id


def test_when_one_index_last_beat_another() -> None:
    ex = extract_claims(
        "Large caps have not beaten small caps in any calendar year since 2016.", WED
    )
    (c,) = ex.claims
    assert c.spec is not None and (c.spec["metric"], c.spec["basis"]) == (
        "last_beat",
        "calendar_year",
    )
    assert c.subjects == ("^GSPC", "^RUT") and c.spec["stated"] == pytest.approx(2016.5, abs=0.01)
    ex2 = extract_claims(
        "Per our data, the last time large caps led small caps on a YTD basis was Jan. 21.",
        WED,
    )
    (d,) = ex2.claims
    assert d.spec is not None and d.spec["basis"] == "ytd" and d.subjects == ("^GSPC", "^RUT")
    assert d.spec["stated"] == pytest.approx(decimal_year(pd.Timestamp("2025-01-21")), abs=1e-6)


def test_rank_of_a_run_and_the_longest_run() -> None:
    ex = extract_claims(
        "Small caps beat the S&P 500 for 9 straight sessions. Their 9-session run against large "
        "caps ranks as the third longest. The longest such run went on for 15 sessions and "
        "ended in March 2004. A run this long had not been seen since 2004.",
        WED,
    )
    specs = [c.spec for c in ex.claims if c.spec]
    got = {(sp.get("stat", "length"), sp["stated"]) for sp in specs}
    assert ("rank", 3.0) in got and ("longest", 15.0) in got
    end = next(sp for sp in specs if sp.get("stat") == "longest_end")
    assert float(end["stated"]) - float(end["tolerance"]) == pytest.approx(
        decimal_year(pd.Timestamp("2004-03-01")) - 0.5 / 366, abs=1e-5
    )
    rank = next(sp for sp in specs if sp.get("stat") == "rank")
    assert (rank["length"], rank["freq"], rank["symbol"]) == (9, "D", "^RUT")
    since = [sp for sp in specs if sp.get("stat") == "since_year"]
    assert since and since[0]["stated"] == 2004


def test_levels_of_an_index_without_data_are_looked_up_under_its_own_id() -> None:
    ex = extract_claims(
        "The Nasdaq Composite closed at 18,250.5 on Tuesday.", WED, allow_proxies=True
    )
    lvl = [c for c in ex.claims if c.kind == "level"]
    assert lvl and all(c.subjects == ("^IXIC",) for c in lvl)
    assert all(c.spec is not None and c.spec["symbol"] == "^IXIC" for c in lvl)
    # a return still goes through the stated proxy
    ret = extract_claims("The Nasdaq Composite rose 1.2% on Tuesday.", WED, allow_proxies=True)
    assert [c.subjects for c in ret.claims] == [("QQQ",)]


def test_since_the_start_of_a_month_and_a_good_week_ending_on_a_day() -> None:
    (p,) = find_periods("since the start of February", WED)
    assert (f"{p.readings[0].start:%Y-%m-%d}", p.readings[0].kind) == ("2025-02-01", "since")
    ex = extract_claims(
        "It was a strong week for small caps, which gained 3.1% as of last Friday, March 7.", WED
    )
    (c,) = [c for c in ex.claims if c.spec and c.spec["metric"] == "window_return"]
    assert c.spec is not None
    assert (c.spec["start"].isoformat(), c.spec["end"].isoformat()) == ("2025-03-03", "2025-03-07")


def test_turned_negative_for_the_first_time() -> None:
    ex = extract_claims(
        "On Monday small caps slipped into negative territory for the first time this year.", WED
    )
    (c,) = ex.claims
    assert c.spec is not None and c.spec["measure"] == "first_negative"
    assert c.spec["stated"] == pytest.approx(decimal_year(pd.Timestamp("2025-03-10")), abs=1e-6)
    other_year = extract_claims("Small caps turned negative for the first time in 2019.", WED)
    assert [c for c in other_year.claims if c.kind == "since"] == []


def test_a_peak_to_trough_move_between_past_years_is_not_read() -> None:
    ex = extract_claims(
        "The Nasdaq lost 78% from a 2000 peak to a 2002 bottom.",
        WED,
    )
    assert ex.claims == ()
    assert "peak to trough" in ex.not_understood[0].why


def test_an_unnamed_benchmark_of_a_streak_is_the_last_one_named() -> None:
    ex = extract_claims(
        "Small caps have beaten the S&P 500 for 6 straight sessions. "
        "The Russell 2000 has now outperformed for a 6th consecutive session.",
        WED,
    )
    second = [c for c in ex.claims if c.sentence == 1]
    assert second and all(c.subjects == ("^RUT", "^GSPC") for c in second)
    assert all(c.repeat_of is not None for c in second)


def test_an_instrument_without_data_keeps_the_ticker_the_text_gives() -> None:
    ex = extract_claims("Russell 2000 futures (/RTYH5) rose to a high of 2,301.4 on Monday.", WED)
    (c,) = [c for c in ex.claims if c.kind == "level"]
    assert c.subjects == ("RTYH5",) and c.spec is not None and c.spec["symbol"] == "RTYH5"
    run = extract_claims("On Monday the S&P 500 retreated for a third straight day.", WED)
    assert [c.spec["stated"] for c in run.claims if c.spec] == [-3]


def test_double_the_benchmark_rise_is_a_multiple_of_returns() -> None:
    ex = extract_claims(
        "Small caps have returned 6% since the end of January, twice the S&P 500's gain.", WED
    )
    mult = [c for c in ex.claims if c.unit == "ratio"]
    assert mult and all(c.spec is not None and c.spec["how"] == "multiple" for c in mult)
    figure = [c for c in ex.claims if c.kind == "return"]
    # one reading per reading of the figure, on the same windows
    assert sorted(c.spec["end"] for c in mult if c.spec) == sorted(
        c.spec["end"] for c in figure if c.spec
    )
    assert all(c.stated == 2.0 and c.subjects == ("^RUT", "^GSPC") for c in mult)


# ------------------------------------------------------------------ index points
def test_point_changes() -> None:
    ex = extract_claims("On Monday the Russell 2000 fell 35.12 points.", WED)
    (c,) = ex.claims
    assert c.kind == "points" and c.stated == -35.12 and c.tolerance == 0.02
    assert c.spec is not None and c.spec["metric"] == "window_change"
    assert (c.spec["start"].isoformat(), c.spec["end"].isoformat()) == ("2025-03-10", "2025-03-10")
    # next to the percentage of the same move: a restatement of that claim
    both = extract_claims("On Monday the S&P 500 rose 41.5 points, or 0.7%.", WED)
    pct = next(c for c in both.claims if c.kind == "return")
    pts = next(c for c in both.claims if c.kind == "points")
    assert pts.repeat_of == pct.id
    # levels and distances in points are no changes
    assert [
        c.kind
        for c in extract_claims(
            "The Dow rose 0.5% on Monday to close at 42,100 points, within 300 points of "
            "its record.",
            WED,
            allow_proxies=True,
        ).claims
        if c.kind == "points"
    ] == []


def test_basis_points_of_a_yield_after_the_fed_are_the_yield_move() -> None:
    ex = extract_claims(
        "After the Fed spoke on Monday, the 10-year yield fell 12 basis points.", WED
    )
    assert [c.subjects for c in ex.claims] == [("FRED:DGS10",)]


@pytest.mark.parametrize(
    ("phrase", "kind", "start"),
    [
        ("week to date", "week", "2025-03-10"),
        ("so far this quarter", "quarter", "2025-01-01"),
        ("since the start of the quarter", "quarter", "2025-01-01"),
        ("in the past week", "span", "2025-03-06"),
        ("over the past two weeks", "span", "2025-02-27"),
        ("over the last five sessions", "span", "2025-03-06"),  # after the 03-05 close
        ("in the past month", "span", "2025-02-13"),
        ("over the past year", "span", "2024-03-13"),
    ],
)
def test_more_period_forms(phrase: str, kind: str, start: str) -> None:
    (p,) = find_periods(phrase, WED)
    r = p.readings[0]
    assert (r.kind, f"{r.start:%Y-%m-%d}", f"{r.end:%Y-%m-%d}") == (kind, start, "2025-03-12")


def test_a_live_quote_next_to_a_ticker_is_not_a_claim() -> None:
    ex = extract_claims("Small caps (^RUT -0.4%) lagged in the past week.", WED)
    assert ex.claims == ()
    assert "live quote" in ex.not_understood[0].why
