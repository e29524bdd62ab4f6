"""FRED (both fredgraph headers, keyed API) and French library zips: contract tests."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path

import httpx
import pandas as pd
import pytest
from provider_helpers import mock_client
from routes import zipped

from sizeup.config import Settings
from sizeup.data.providers import fred, french
from sizeup.data.providers.http import Request, Response
from sizeup.data.schema import validate
from sizeup.errors import ProviderError, ProviderResponseError, SymbolNotFoundError


def _serve(request: Request, body: bytes, settings: Settings) -> Response:
    def handler(req: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body)

    with mock_client(handler, settings) as client:
        return client.send(request)


def _value(frame: pd.DataFrame, series_id: str, day: str) -> float:
    hit = frame[(frame["series_id"] == series_id) & (frame["date"] == pd.Timestamp(day))]
    assert len(hit) == 1, (series_id, day)
    return float(hit["value"].iloc[0])


def _contract(frame: pd.DataFrame) -> None:
    pd.testing.assert_frame_equal(frame, validate(frame, "series"))
    assert not frame.duplicated(["series_id", "date", "source", "vintage"]).any()
    for _, group in frame.groupby("series_id"):
        assert group["date"].is_monotonic_increasing


# ------------------------------------------------------------------------------ FRED
@pytest.mark.shared_data
def test_fredgraph_legacy_header(fixture_bytes: Callable[[str], bytes], settings: Settings) -> None:
    request = fred.build_graph_request("DGS10", start=dt.date(2020, 11, 24))
    assert request.full_url == (
        "https://fred.stlouisfed.org/graph/fredgraph.csv?id=DGS10&cosd=2020-11-24"
    )
    body = fixture_bytes("fred/fredgraph_DGS10_legacy_DATE_dot_2021-01.csv")
    response = _serve(request, body, settings)
    fred.check(response, series_id="DGS10")
    frame = fred.parse_graph(response.body, series_id="DGS10")["series"]
    _contract(frame)
    assert set(frame["series_id"]) == {"FRED:DGS10"}
    assert set(frame["vintage"]) == {""} and set(frame["source"]) == {"fred"}
    assert _value(frame, "FRED:DGS10", "2020-11-25") == 0.88  # percent, as published
    assert _value(frame, "FRED:DGS10", "2020-11-27") == 0.84
    assert _value(frame, "FRED:DGS10", "2020-12-01") == 0.92
    assert pd.Timestamp("2020-11-26") not in set(frame["date"])  # "." = Thanksgiving
    assert len(frame) == 27  # 30 rows; "." on 2020-11-26, 2020-12-25 and 2021-01-01


@pytest.mark.shared_data
def test_fredgraph_observation_date_header(
    fixture_bytes: Callable[[str], bytes], settings: Settings
) -> None:
    body = fixture_bytes("fred/fredgraph_DGS10_observation_date_2026-03.csv")
    response = _serve(fred.build_graph_request("DGS10"), body, settings)
    fred.check(response, series_id="DGS10")
    frame = fred.parse_graph(response.body, series_id="DGS10")["series"]
    _contract(frame)
    assert _value(frame, "FRED:DGS10", "2025-12-24") == 4.15
    assert _value(frame, "FRED:DGS10", "2025-12-26") == 4.14
    assert _value(frame, "FRED:DGS10", "2026-03-17") == 4.20
    assert _value(frame, "FRED:DGS10", "2026-03-18") == 4.26
    assert pd.Timestamp("2025-12-25") not in set(frame["date"])  # empty field = holiday
    assert frame["date"].iloc[0] == pd.Timestamp("2025-12-22")


@pytest.mark.shared_data
def test_fred_api(fixture_bytes: Callable[[str], bytes], settings: Settings) -> None:
    request = fred.build_api_request(
        "HQMCB10YR", api_key="k" * 32, start=dt.date(2023, 1, 1), end=dt.date(2023, 6, 6)
    )
    assert "k" * 32 not in request.scrubbed_url
    body = fixture_bytes("fred/api_series_observations_HQMCB10YR_2023H1.json")
    response = _serve(request, body, settings)
    fred.check(response, series_id="HQMCB10YR")
    frame = fred.parse_api(response.body, series_id="HQMCB10YR")["series"]
    _contract(frame)
    assert len(frame) == 6
    assert _value(frame, "FRED:HQMCB10YR", "2023-01-01") == 4.98
    assert _value(frame, "FRED:HQMCB10YR", "2023-03-01") == 5.18
    assert _value(frame, "FRED:HQMCB10YR", "2023-06-01") == 5.22


def _api(observations: list[dict[str, str]], count: int | None = None) -> bytes:
    n = len(observations) if count is None else count
    return json.dumps(
        {"count": n, "offset": 0, "limit": 100000, "observations": observations}
    ).encode()


def test_fred_api_missing_values_truncation_and_errors() -> None:
    obs = [{"date": "2024-01-01", "value": "1.5"}, {"date": "2024-01-02", "value": "."}]
    frame = fred.parse_api(_api(obs), series_id="DGS10")["series"]
    assert list(frame["value"]) == [1.5]  # "." dropped, as in the CSV
    with pytest.raises(ProviderResponseError, match="count"):
        fred.parse_api(_api(obs, count=5), series_id="DGS10")
    with pytest.raises(ProviderResponseError, match="not a number"):
        fred.parse_api(_api([{"date": "2024-01-01", "value": "n/a"}]), series_id="DGS10")
    missing = Response(
        "fredapi",
        "u",
        400,
        b'{"error_code":400,"error_message":"Bad Request.  The series does not exist."}',
    )
    with pytest.raises(SymbolNotFoundError, match="does not exist"):
        fred.check(missing, series_id="NOPE")
    bad_key = Response(
        "fredapi",
        "u",
        400,
        b'{"error_code":400,"error_message":"Bad Request.  The value for variable api_key '
        b'is not registered."}',
    )
    with pytest.raises(ProviderError, match="API key"):
        fred.check(bad_key, series_id="DGS10")


def test_fredgraph_header_only_is_empty_and_html_is_rejected() -> None:
    assert fred.parse_graph(b"observation_date,DGS10\n", series_id="DGS10")["series"].empty
    assert fred.parse_graph(b"DATE,FEDFUNDS\r\n", series_id="FEDFUNDS")["series"].empty
    page = Response("fred", "u", 200, b"<!DOCTYPE html><html>Series not found</html>")
    with pytest.raises(ProviderResponseError, match="HTML"):
        fred.check(page, series_id="NOPE")
    with pytest.raises(ProviderResponseError):
        fred.parse_graph(page.body, series_id="NOPE")
    with pytest.raises(ProviderResponseError, match="invalid"):
        fred.build_graph_request("DGS10&x=1")


# ------------------------------------------------------------------------------ French
def _french(shared_fixtures: Path, dataset: str, csv_name: str, settings: Settings) -> pd.DataFrame:
    body = zipped(Path(csv_name).name, (shared_fixtures / csv_name).read_bytes())
    request = french.build_request(dataset)
    assert request.full_url == (
        f"https://mba.tuck.dartmouth.edu/pages/faculty/ken.french/ftp/{dataset}_CSV.zip"
    )
    response = _serve(request, body, settings)
    french.check(response, dataset=dataset)
    frame = french.parse(response.body, dataset=dataset)["series"]
    _contract(frame)
    return frame


@pytest.mark.shared_data
def test_french_monthly_factors(shared_fixtures: Path, settings: Settings) -> None:
    frame = _french(
        shared_fixtures,
        "F-F_Research_Data_Factors",
        "kenfrench/F-F_Research_Data_Factors.CSV",
        settings,
    )
    assert set(frame["vintage"]) == {"202108"}  # "... using the 202108 CRSP database"
    first = frame[frame["date"] == frame[frame["series_id"] == "FF:SMB:M"]["date"].min()]
    by = dict(zip(first["series_id"], first["value"], strict=True))
    # 192607,    2.96,   -2.38,   -2.73,    0.22   (percent -> decimal)
    assert by["FF:MKT-RF:M"] == pytest.approx(0.0296)
    assert by["FF:SMB:M"] == pytest.approx(-0.0238)
    assert by["FF:HML:M"] == pytest.approx(-0.0273)
    assert by["FF:RF:M"] == pytest.approx(0.0022)
    annual = frame[frame["series_id"] == "FF:MKT-RF:A"].sort_values("date")
    assert annual["value"].iloc[0] == pytest.approx(0.2947)  # 1927 annual: 29.47
    last = frame[frame["series_id"] == "FF:MKT-RF:M"].sort_values("date").iloc[-1]
    assert last["value"] == pytest.approx(0.0291)  # 202108: 2.91
    assert last["date"].year == 2021 and last["date"].month == 8


@pytest.mark.shared_data
def test_french_daily_factors(shared_fixtures: Path, settings: Settings) -> None:
    frame = _french(
        shared_fixtures,
        "F-F_Research_Data_Factors_daily",
        "kenfrench/F-F_Research_Data_Factors_daily.CSV",
        settings,
    )
    assert set(frame["vintage"]) == {"202405"}
    # 19260701,    0.10,   -0.25,   -0.27,   0.009
    assert _value(frame, "FF:MKT-RF:D", "1926-07-01") == pytest.approx(0.0010)
    assert _value(frame, "FF:SMB:D", "1926-07-01") == pytest.approx(-0.0025)
    assert _value(frame, "FF:HML:D", "1926-07-01") == pytest.approx(-0.0027)
    assert _value(frame, "FF:RF:D", "1926-07-01") == pytest.approx(0.00009)
    # 20240531,    0.68,   -0.36,    0.78,   0.020
    assert _value(frame, "FF:HML:D", "2024-05-31") == pytest.approx(0.0078)
    assert _value(frame, "FF:RF:D", "2024-05-31") == pytest.approx(0.0002)


@pytest.mark.shared_data
def test_french_size_portfolios(shared_fixtures: Path, settings: Settings) -> None:
    frame = _french(
        shared_fixtures,
        "Portfolios_Formed_on_ME",
        "kenfrench/Portfolios_Formed_on_ME.CSV",
        settings,
    )
    ids = set(frame["series_id"])
    assert {"FF:ME_VW_M:DEC01", "FF:ME_EW_M:HI30", "FF:ME_NFIRMS_M:DEC10"} <= ids
    vw_dec1 = frame[frame["series_id"] == "FF:ME_VW_M:DEC01"].sort_values("date")
    # Value Weight Returns -- Monthly, 192607, "Lo 10" = -0.12 and 202108 = 3.02
    assert vw_dec1["value"].iloc[0] == pytest.approx(-0.0012)
    assert vw_dec1["value"].iloc[-1] == pytest.approx(0.0302)
    ew_hi10 = frame[frame["series_id"] == "FF:ME_EW_M:DEC10"].sort_values("date")
    assert ew_hi10["value"].iloc[0] == pytest.approx(0.0348)  # EW 192607 "Hi 10" = 3.48
    assert not frame["series_id"].str.contains("LE0").any() or (
        frame[frame["series_id"].str.contains("LE0")]["value"].ne(-0.9999).all()
    )  # the always-missing "<= 0" column (-99.99) never becomes a return


def test_french_zip_errors() -> None:
    with pytest.raises(ProviderResponseError, match="not a readable zip"):
        french.parse(b"PK\x03\x04broken", dataset="X")
    with pytest.raises(ProviderResponseError, match="one CSV"):
        french.parse(zipped("readme.pdf", b"%PDF"), dataset="X")
    with pytest.raises(ProviderResponseError, match="HTML"):
        french.check(Response("french", "u", 200, b"<html>moved</html>"), dataset="X")
    with pytest.raises(ProviderResponseError, match="invalid"):
        french.build_request("../etc/passwd")
