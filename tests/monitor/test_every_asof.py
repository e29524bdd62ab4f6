"""The monitor works as of every session of 2024 and 2025 on the real data (issue 12, item 3).

The inputs are read once (the only data access is the ``monitor_inputs`` fixture) and then cut at
each as-of date the way :func:`load_monitor_inputs` cuts them, so every session costs one
:func:`build_monitor`. The universe is thinned to every 8th member: the dates, not the universe
size, are what break (the start-of-year rank used to fail at year ends with an ``IndexError``).

Every session of 2024-2025 runs the date-driven sections (streaks, records, calendar tables and
ranks). The heavier sections (scoreboard, breadth, BPI, RS breadth, fund scores) run on the
sessions where dates are tricky: month ends and starts, quarter and year ends, the sessions
before and after every holiday and long weekend, the first and last session of the data.
``SIZEUP_EVERY_ASOF_FULL=1`` runs every section on every session (slow: tens of minutes).
"""

from __future__ import annotations

import dataclasses
import itertools
import math
import os
from pathlib import Path

import pandas as pd
import pytest

from sizeup.app.monitor import Monitor, MonitorInputs, build_monitor, load_monitor_inputs
from sizeup.data.ingest import import_paths
from sizeup.data.store import Store

pytestmark = [pytest.mark.shared_data, pytest.mark.slow, pytest.mark.timeout(900)]

FILES = (
    "indexes",
    "etf_adjclose_dsturdy",
    "holdings/IWM_holdings_2026-05-05.csv",
    "xsec/iwm_members_adjclose_2000_2026.csv.gz",
)
THIN = 8
DATE_SECTIONS = ("streaks", "records", "calendar")
FULL = os.environ.get("SIZEUP_EVERY_ASOF_FULL", "") not in ("", "0")


@pytest.fixture(scope="module")
def monitor_inputs(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> MonitorInputs:
    """Import the monitor's files into a fresh store and read the inputs once, to the end.

    ``SIZEUP_TEST_MONITOR_STORE`` names a store that already holds :data:`FILES` (saves the
    import, about a minute, when re-running by hand).
    """
    reuse = os.environ.get("SIZEUP_TEST_MONITOR_STORE")
    if reuse:
        store = Store.open(reuse)
    else:
        store = Store.open(tmp_path_factory.mktemp("every_asof") / "store")
        import_paths([shared_data / f for f in FILES], store)
    inputs = load_monitor_inputs(store)
    assert inputs.members is not None and inputs.member_mask is not None
    keep = list(range(0, inputs.members.shape[1], THIN))
    return dataclasses.replace(
        inputs,
        members=inputs.members.iloc[:, keep],
        member_mask=inputs.member_mask[:, keep],
    )


def _cut(inputs: MonitorInputs, asof: pd.Timestamp) -> MonitorInputs:
    """The inputs as :func:`load_monitor_inputs` gives them for ``asof`` (members read from
    ``asof - 8 years``; none when no member has a price by then)."""
    assert inputs.members is not None and inputs.member_mask is not None
    rows = (inputs.members.index >= asof - pd.DateOffset(years=8)) & (inputs.members.index <= asof)
    members = inputs.members.loc[rows].dropna(axis=1, how="all")
    have = inputs.members.columns.isin(members.columns)
    return dataclasses.replace(
        inputs,
        asof=asof,
        levels=inputs.levels.loc[:asof],
        tr=inputs.tr.loc[:asof],
        members=members if members.size else None,
        member_mask=inputs.member_mask[rows][:, have] if members.size else None,
    )


def _sessions(inputs: MonitorInputs) -> list[pd.Timestamp]:
    days = inputs.tr[["IWM", "SPY"]].dropna().index
    return [pd.Timestamp(d) for d in days[(days >= "2024-01-01") & (days <= "2025-12-31")]]


def _tricky(days: list[pd.Timestamp]) -> list[pd.Timestamp]:
    """Month/quarter/year ends and starts, sessions next to gaps of > 1 weekday."""
    keep = {days[0], days[-1]}
    for prev, cur in itertools.pairwise(days):
        if prev.month != cur.month:
            keep |= {prev, cur}
        if (cur - prev).days > 1 and not (prev.weekday() == 4 and (cur - prev).days == 3):
            keep |= {prev, cur}  # a holiday or closure in between
    return sorted(keep)


def _check(m: Monitor, asof: pd.Timestamp, sections: tuple[str, ...] | None) -> list[str]:
    """What is wrong with one monitor: panels missing, figures out of range or not finite."""
    want = set(sections or ("scoreboard", "streaks", "records", "calendar", "universe"))
    need = {
        "streaks": ("streak_week", "streak_month"),
        "calendar": ("years", "start_rank", "month_gap_rank"),
        "scoreboard": ("scoreboard_tr",),
        "universe": ("breadth", "bpi", "rs"),
    }
    problems = [
        f"{name} missing"
        for sec, names in need.items()
        if sec in want or (sec == "universe" and sections is None)
        for name in names
        if getattr(m, name) is None
    ]
    if "records" in want and not m.records:
        problems.append("records missing")
    if m.start_rank is not None and m.start_rank.at != asof.year:
        problems.append(f"start-of-year rank is for {m.start_rank.at}, not {asof.year}")
    if sections is None:
        if len(m.scores) != 2:
            problems.append("fund scores missing")
        if m.bpi is not None:
            last = m.bpi.frame.iloc[-1]
            if last.name != asof or not (0.0 <= last["bpi"] <= 100.0):
                problems.append(f"BPI {last['bpi']} on {last.name}")
        if m.breadth is not None and m.breadth.frame.index[-1] != asof:
            problems.append(f"breadth ends {m.breadth.frame.index[-1]}")
        for sc in m.scores:
            v = sc.latest()["ofs"]
            if not (math.isfinite(v) and 0.0 <= v <= 6.0):
                problems.append(f"{sc.fund} OFS {v}")
    return problems


def _run(
    inputs: MonitorInputs, days: list[pd.Timestamp], sections: tuple[str, ...] | None
) -> dict[str, str]:
    failures: dict[str, str] = {}
    for d in days:
        try:
            m = build_monitor(_cut(inputs, d), sections=sections)
        except Exception as exc:  # collect every failing date, then report them all
            failures[str(d.date())] = f"{type(exc).__name__}: {exc}"
            continue
        problems = _check(m, d, sections)
        if problems:
            failures[str(d.date())] = "; ".join(problems)
    return failures


def test_every_session_of_2024_and_2025(monitor_inputs: MonitorInputs) -> None:
    days = _sessions(monitor_inputs)
    assert len(days) == 252 + 250  # XNYS sessions of 2024 and 2025
    failures = _run(monitor_inputs, days, None if FULL else DATE_SECTIONS)
    assert not failures, f"{len(failures)} of {len(days)} as-of dates fail: {failures}"


def test_every_section_on_the_tricky_sessions(monitor_inputs: MonitorInputs) -> None:
    days = _sessions(monitor_inputs)
    year_ends = {pd.Timestamp(d) for d in ("2024-12-31", "2025-12-30", "2025-12-31")}
    tricky = sorted(set(_tricky(days)) | (year_ends & set(days)))
    assert year_ends <= set(tricky)
    assert pd.Timestamp("2025-01-08") in tricky  # before the 2025-01-09 national day of mourning
    failures = _run(monitor_inputs, days if FULL else tricky, None)
    assert not failures, f"{len(failures)} of {len(tricky)} as-of dates fail: {failures}"


def test_first_and_last_session_of_the_data(monitor_inputs: MonitorInputs) -> None:
    """The very first session (one row of history) and the last one give a monitor, no error."""
    both = monitor_inputs.tr[["IWM", "SPY"]].dropna().index
    first = pd.Timestamp(min(monitor_inputs.levels.index[0], monitor_inputs.tr.index[0]))
    for d in (first, pd.Timestamp(both[0]), pd.Timestamp(both[-1])):
        m = build_monitor(_cut(monitor_inputs, d))
        assert m.asof == d
    last = build_monitor(_cut(monitor_inputs, pd.Timestamp(both[-1])))
    assert _check(last, pd.Timestamp(both[-1]), None) == []


def test_first_sessions_of_the_member_data(monitor_inputs: MonitorInputs) -> None:
    assert monitor_inputs.members is not None
    member_days = monitor_inputs.members.dropna(how="all").index
    for d in member_days[[0, 1, 20]]:
        m = build_monitor(_cut(monitor_inputs, pd.Timestamp(d)))
        assert m.asof == d
        # before member P&F signals exist the panel is dropped with a note, never an error
        assert m.bpi is not None or any(
            n.startswith("bullish percent not shown: ") for n in m.notes
        )
