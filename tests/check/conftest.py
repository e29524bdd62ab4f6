"""Fixtures of the article-check tests: a store of the real price, index and rate files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from sizeup.data.ingest import import_paths
from sizeup.data.store import Store

# the folders of ../shared/data that hold what articles talk about (indexes, ETFs, rates)
CHECK_FOLDERS = (
    "indexes",
    "rates",
    "etf_adjclose_dsturdy",
    "etf_ohlcv_adjusted",
    "etf_ohlcv_5y_benda931",
)


@pytest.fixture(scope="session")
def check_store(shared_data: Path, tmp_path_factory: pytest.TempPathFactory) -> Store:
    """A store with the index, ETF and rate files of ../shared/data.

    ``SIZEUP_CHECK_STORE`` may name an already imported store (e.g. the full one built with
    ``sizeup --data-dir /tmp/h5store import ../shared/data``) to skip the import.
    """
    given = os.environ.get("SIZEUP_CHECK_STORE")
    if given:
        return Store.open(given)
    store = Store.open(tmp_path_factory.mktemp("check_store"))
    import_paths([shared_data / f for f in CHECK_FOLDERS], store)
    return store
