"""Fixtures of the provider tests: settings and fixture bodies."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from provider_helpers import make_settings

from sizeup.config import Settings


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path)


@pytest.fixture
def fixture_bytes(shared_fixtures: Path) -> Callable[[str], bytes]:
    def read(relative: str) -> bytes:
        return (shared_fixtures / relative).read_bytes()

    return read
