"""The application core: data policy, JSON encoder, result protocol, errors with context."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
import pytest

from sizeup.app import (
    InputCoverage,
    PriceBasis,
    Provenance,
    Result,
    coverage_of,
    period_in_progress,
    resolve_asof,
    sessions_between,
    to_jsonable,
)
from sizeup.calendar import parse_date
from sizeup.errors import ConfigError, DataError

T = pd.Timestamp


def test_price_basis_fields() -> None:
    assert PriceBasis.AS_TRADED.field == "close"
    assert PriceBasis.TOTAL_RETURN.field == "adj_close"
    assert PriceBasis.UNITS.field == "value"
    assert "not dividend-adjusted" in PriceBasis.AS_TRADED.label


def test_resolve_asof_default_is_latest_date_all_required_inputs_cover() -> None:
    ends = {"IWM": T("2026-08-03"), "SPY": T("2026-07-31"), "absent": None}
    assert resolve_asof(None, ends) == T("2026-07-31")


def test_resolve_asof_snaps_weekend_and_holiday_to_previous_session() -> None:
    ends = {"IWM": T("2026-08-03")}
    assert resolve_asof(T("2026-08-01"), ends) == T("2026-07-31")  # Saturday
    assert resolve_asof(T("2025-12-25"), ends) == T("2025-12-24")  # Christmas
    assert resolve_asof(T("2025-07-04"), ends) == T("2025-07-03")  # Independence Day


def test_resolve_asof_refuses_future_with_latest_date() -> None:
    with pytest.raises(DataError) as err:
        resolve_asof(T("2026-08-04"), {"IWM": T("2026-08-03"), "SPY": T("2026-07-31")})
    assert err.value.input == "--asof"
    assert err.value.value == "2026-08-04"
    assert err.value.valid == "on or before 2026-08-03"
    assert "2026-08-03" in str(err.value)


def test_resolve_asof_without_data_names_inputs() -> None:
    with pytest.raises(DataError, match="IWM, SPY"):
        resolve_asof(None, {"IWM": None, "SPY": None})


def test_sessions_between_counts_exchange_sessions() -> None:
    # Thu 2024-06-27 -> Mon 2024-07-01: Fri 28 and Mon 1 are sessions.
    assert sessions_between(T("2024-06-27"), T("2024-07-01")) == 2
    # July 4th 2024 is a holiday: Wed 3 -> Fri 5 is one session.
    assert sessions_between(T("2024-07-03"), T("2024-07-05")) == 1
    assert sessions_between(T("2024-07-05"), T("2024-07-05")) == 0
    assert sessions_between(None, T("2024-07-05")) == 0


def test_coverage_warns_when_input_ends_before_asof() -> None:
    dates = pd.bdate_range("2024-01-02", "2024-06-26")
    cov, warning = coverage_of(
        "IWM", dates, as_of=T("2024-06-28"), basis=PriceBasis.AS_TRADED, source="yahoo"
    )
    assert cov.first == T("2024-01-02") and cov.last == T("2024-06-26")
    assert cov.sessions_behind == 2
    assert warning == "IWM ends 2024-06-26, 2 sessions before the as-of date 2024-06-28"
    cov2, warning2 = coverage_of("SPY", dates, as_of=T("2024-06-26"), basis="percent")
    assert warning2 is None and cov2.sessions_behind == 0 and cov2.basis == "percent"


def test_coverage_ignores_dates_after_asof() -> None:
    dates = pd.bdate_range("2024-01-02", "2024-12-31")
    cov, warning = coverage_of("IWM", dates, as_of=T("2024-03-01"), basis=PriceBasis.AS_TRADED)
    assert cov.last == T("2024-03-01") and warning is None


@pytest.mark.parametrize(
    ("day", "freq", "label"),
    [
        ("2024-06-24", "W", "week to date, 1 session"),  # Monday
        ("2024-06-26", "W", "week to date, 3 sessions"),
        ("2024-06-28", "W", None),  # Friday
        ("2024-07-03", "W", "week to date, 3 sessions"),  # Fri 5 still to come
        ("2024-03-28", "M", None),  # Good Friday 29th: 28th is the month's last session
        ("2024-06-27", "M", "month to date, 18 sessions"),  # Juneteenth closed
        ("2024-12-31", "Y", None),
        ("2024-06-28", "Q", None),
    ],
)
def test_period_in_progress(day: str, freq: Any, label: str | None) -> None:
    assert period_in_progress(T(day), freq) == label


def test_to_jsonable_round_trips_through_json() -> None:
    frame = pd.DataFrame(
        {"x": [1.5, np.nan], "n": np.array([1, 2], dtype=np.int64)},
        index=pd.DatetimeIndex(["2024-01-02", "2024-01-03"], name="date"),
    )
    out = to_jsonable(
        {
            "f": frame,
            "ts": T("2024-06-28 15:30"),
            "inf": float("inf"),
            "b": np.bool_(True),
            "basis": PriceBasis.TOTAL_RETURN,
            "s": {3, 1},
        }
    )
    assert json.loads(json.dumps(out)) == out
    assert out["f"] == [
        {"date": "2024-01-02", "x": 1.5, "n": 1},
        {"date": "2024-01-03", "x": None, "n": 2},
    ]
    assert out["ts"] == "2024-06-28T15:30:00"
    assert out["inf"] is None and out["b"] is True
    assert out["basis"] == "total return" and out["s"] == [1, 3]


@dataclass(frozen=True)
class _Toy(Result):
    value: float
    provenance: Provenance

    def summary(self) -> str:
        return f"value <b>{self.value}</b>"

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame({"label": ["<script>x</script>"], "value": [self.value]})

    def payload(self) -> dict[str, Any]:
        return {"value": self.value}


def _toy() -> _Toy:
    cov = InputCoverage("IWM", "yahoo", T("2000-05-26"), T("2024-06-26"), "as traded", 2)
    prov = Provenance(
        as_of=T("2024-06-28"),
        inputs=(cov,),
        store_version=7,
        notes=("survivorship-biased",),
        warnings=("IWM ends 2024-06-26",),
    )
    return _Toy(value=1.25, provenance=prov)


def test_result_to_dict_is_json_with_provenance() -> None:
    d = _toy().to_dict()
    assert json.loads(json.dumps(d)) == d
    assert d["value"] == 1.25
    assert d["provenance"]["as_of"] == "2024-06-28"
    assert d["provenance"]["store_version"] == 7
    assert d["provenance"]["sources"] == ["yahoo"]
    assert d["provenance"]["inputs"][0]["last"] == "2024-06-26"
    assert d["provenance"]["inputs"][0]["sessions_behind"] == 2


def test_result_html_escapes_user_text_and_shows_provenance() -> None:
    page = _toy()._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert "<b>1.25</b>" not in page
    assert "as of 2024-06-28; store version 7" in page
    assert "IWM (yahoo, as traded): 2000-05-26 .. 2024-06-26 [2 sessions behind]" in page


@pytest.mark.parametrize("text", ["21-06-30", "06/30/2021", "2021-6-30", "2021-02-30", "tomorrow"])
def test_asof_is_iso_only(text: str) -> None:
    with pytest.raises(ConfigError) as err:
        parse_date(text)
    assert err.value.input == "--asof" and err.value.value == text
    assert err.value.valid == "an ISO date YYYY-MM-DD"


def test_error_context_is_json_safe() -> None:
    err = DataError("bad", input="--box", value=0, valid="a positive number")
    assert err.context() == {
        "error": "DataError",
        "message": "bad",
        "input": "--box",
        "value": "0",
        "valid": "a positive number",
    }


def test_resolve_asof_weekend_after_last_session_is_that_session() -> None:
    assert resolve_asof(T("2026-08-01"), {"IWM": T("2026-07-31")}) == T("2026-07-31")
    with pytest.raises(DataError):
        resolve_asof(T("2026-08-03"), {"IWM": T("2026-07-31")})  # Monday: a new session
