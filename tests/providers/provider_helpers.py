"""Helpers of the provider tests: clients on httpx.MockTransport and test settings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import httpx

from sizeup.config import Settings
from sizeup.data.providers.http import HttpClient

Handler = Callable[[httpx.Request], httpx.Response]

FAST_RATES = {
    "yahoo": 1000.0,
    "stooq": 1000.0,
    "fred": 1000.0,
    "fredapi": 1000.0,
    "french": 1000.0,
    "ishares": 1000.0,
    "sec": 1000.0,
    "nasdaqtrader": 1000.0,
}


def make_settings(tmp_path: Path, **kw: object) -> Settings:
    base: dict[str, object] = {
        "data_dir": tmp_path / "data",
        "user_agent": "sizeup-tests/0.1 (tests@example.org)",
        "sec_user_agent": "Sizeup Tests tests@example.org",
        "timeout": 2.0,
        "max_retries": 3,
    }
    base.update(kw)
    return Settings(**base)


def mock_client(
    handler: Handler, settings: Settings, *, backoff: float = 0.001, fast: bool = True
) -> HttpClient:
    return HttpClient(
        settings,
        transport=httpx.MockTransport(handler),
        backoff=backoff,
        max_wait=5.0,
        rates=FAST_RATES if fast else None,
    )
