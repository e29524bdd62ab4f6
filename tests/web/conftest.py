"""Fixtures of the web API tests: one small store per session and a test client on it."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import web_support


@pytest.fixture(scope="session")
def web_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small synthetic store (built once per session)."""
    return web_support.build_store(tmp_path_factory.mktemp("web_api_store"))


@pytest.fixture(scope="session")
def client(web_store: Path) -> Iterator[Any]:
    """A TestClient on ``create_app`` serving :func:`web_store` (raises on server errors)."""
    from fastapi.testclient import TestClient

    from sizeup.app import StoreRef
    from sizeup.web import create_app

    with TestClient(create_app(StoreRef(web_store)), raise_server_exceptions=True) as c:
        yield c


@pytest.fixture(scope="session")
def prices() -> Any:
    """The closes the small store holds (wide: date x symbol), rebuilt from the same seed."""
    import pandas as pd

    idx = pd.bdate_range("2016-01-04", web_support.LAST_DAY)
    symbols = [*web_support.INDEXES, *web_support.FUNDS, *web_support.MEMBERS]
    frame = web_support.price_frame(idx, symbols, seed=11)
    return frame.pivot(index="date", columns="symbol", values="close")
