"""schemathesis against the app's own OpenAPI schema: no 5xx across generated requests.

Each operation of ``/openapi.json`` gets its own generated cases (schemathesis strategies run
by Hypothesis). Random names rarely hit the store, so half of the cases swap the path name
for a real one (``IWM``, ``STEP``, ``earnings``, ``size-rs``) to reach the use cases with
generated options.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
import schemathesis
import web_support
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sizeup.app import StoreRef
from sizeup.web import create_app

pytestmark = pytest.mark.web

# The schema is loaded at collection time, so its store is built here (a temporary folder
# removed at exit) rather than in a fixture.
_ROOT = Path(tempfile.mkdtemp(prefix="sizeup-schemathesis-"))
atexit.register(shutil.rmtree, _ROOT, True)
web_support.build_store(_ROOT / "store")

SCHEMA = schemathesis.openapi.from_asgi("/openapi.json", create_app(StoreRef(_ROOT / "store")))
OPERATIONS = {
    f"{op.method.upper()} {op.path}": op for op in (r.ok() for r in SCHEMA.get_all_operations())
}
REAL_NAMES = {
    "symbol": ["IWM", "SPY", "STEP", "^RUT", "M03"],
    "name": ["earnings", "value", "size-rs", "size-bpi", "small-caps-nov-jan"],
}


def test_schema_lists_every_endpoint() -> None:
    assert set(OPERATIONS) >= {
        "GET /api/monitor", "GET /api/breadth", "GET /api/fund-scores", "GET /api/pnf/{symbol}",
        "GET /api/rs/{symbol}", "GET /api/screens/{name}", "POST /api/claims",
        "POST /api/claims/upload", "POST /api/backtests/{name}", "GET /api/store",
    }  # fmt: skip


@pytest.mark.parametrize("label", sorted(OPERATIONS))
def test_no_server_error(label: str) -> None:
    op = OPERATIONS[label]

    @given(case=op.as_strategy(), data=st.data())
    @settings(
        max_examples=20,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def run(case: Any, data: Any) -> None:
        for key, names in REAL_NAMES.items():
            if case.path_parameters and key in case.path_parameters and data.draw(st.booleans()):
                case.path_parameters[key] = data.draw(st.sampled_from(names))
        response = case.call()
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} {case.query} -> {response.status_code}: "
            f"{response.text[:300]}"
        )
        if response.status_code >= 400:
            body = response.json()
            assert body.get("message") or body.get("detail"), body

    run()
