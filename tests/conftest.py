"""Shared test fixtures: the location of ../shared and the rule for skipping without it."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"


def _require_shared() -> bool:
    return os.environ.get("SIZEUP_REQUIRE_SHARED", "") not in ("", "0")


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """Root of ../shared; skips (or fails under SIZEUP_REQUIRE_SHARED=1) when absent."""
    if not (SHARED / "data").is_dir():
        if _require_shared():
            pytest.fail(f"SIZEUP_REQUIRE_SHARED=1 but {SHARED} has no data/ folder")
        pytest.skip(f"real data folder {SHARED} is not present on this machine")
    return SHARED


@pytest.fixture(scope="session")
def shared_data(shared_dir: Path) -> Path:
    """``../shared/data``: real market data."""
    return shared_dir / "data"


@pytest.fixture(scope="session")
def shared_fixtures(shared_dir: Path) -> Path:
    """``../shared/fixtures``: real responses of every source."""
    return shared_dir / "fixtures"
