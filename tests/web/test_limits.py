"""Path traversal and oversized input on every endpoint that takes a name, a file or a body."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from sizeup.web._inputs import MAX_BODY

pytestmark = pytest.mark.web

TRAVERSALS = [
    "..",
    "../../etc/passwd",
    "..%2F..%2Fetc%2Fpasswd",
    "%2e%2e%2f%2e%2e%2fetc%2fpasswd",
    "..\\..\\windows\\win.ini",
    "/etc/passwd",
    "IWM/../../pyproject.toml",
    "~root",
    "IWM%00",
    "a" * 40,
]

# endpoint templates taking a name in the path; {} is replaced by the traversal
PATH_NAMES = ["/api/pnf/{}", "/api/rs/{}", "/api/screens/{}"]


def _refused(res: Any) -> None:
    assert 400 <= res.status_code < 500, (res.status_code, res.text[:200])
    assert "root:" not in res.text and "[tool" not in res.text  # no file content leaked


@pytest.mark.parametrize("name", TRAVERSALS)
@pytest.mark.parametrize("template", PATH_NAMES)
def test_names_in_paths_are_refused(client: Any, template: str, name: str) -> None:
    _refused(client.get(template.format(name)))


@pytest.mark.parametrize("name", TRAVERSALS)
def test_strategy_names_are_refused(client: Any, name: str) -> None:
    _refused(client.post(f"/api/backtests/{name}", json={}))


@pytest.mark.parametrize("name", TRAVERSALS)
@pytest.mark.parametrize(
    ("path", "param"),
    [
        ("/api/pnf/IWM", "vs"),
        ("/api/rs/IWM", "vs"),
        ("/api/monitor", "universe"),
        ("/api/breadth", "universe"),
        ("/api/screens/earnings", "universe"),
    ],
)
def test_names_in_queries_are_refused(client: Any, path: str, param: str, name: str) -> None:
    _refused(client.get(path, params={param: name}))


@pytest.mark.parametrize("name", ["../../etc/passwd", "..", "/abs"])
def test_backtest_param_keys_and_upload_names_are_not_paths(client: Any, name: str) -> None:
    _refused(client.post("/api/backtests/size-rs", json={"params": {name: 1}}))
    # an upload's file name is never used as a path: a traversal name changes nothing
    res = client.post("/api/claims/upload", files={"file": (name, b"[[claim\n", "text/plain")})
    _refused(res)


@pytest.mark.parametrize(
    "path", ["/static/../../pyproject.toml", "/static/..%2F..%2Fpyproject.toml", "/vendor/../x"]
)
def test_static_files_stay_inside_the_package(client: Any, path: str) -> None:
    _refused(client.get(path))


# ------------------------------------------------------------------------------ sizes

BIG = b"#" * (MAX_BODY + 1)


def test_oversized_claims_body_is_413(client: Any) -> None:
    res = client.post("/api/claims", content=BIG, headers={"content-type": "text/plain"})
    assert res.status_code == 413
    body = res.json()
    assert body["input"] == "body" and str(MAX_BODY) in body["valid"]


def test_body_at_the_limit_is_read(client: Any) -> None:
    text = b"#" * (MAX_BODY - 20) + b"\n[[claim\n"
    res = client.post("/api/claims", content=text, headers={"content-type": "text/plain"})
    assert res.status_code == 422  # parsed (a TOML error), not refused for size


def test_oversized_upload_is_413(client: Any) -> None:
    res = client.post("/api/claims/upload", files={"file": ("c.toml", BIG, "text/plain")})
    assert res.status_code == 413


def test_oversized_backtest_body_is_413(client: Any) -> None:
    res = client.post(
        "/api/backtests/size-rs",
        content=b'{"params": {"a": "' + BIG + b'"}}',
        headers={"content-type": "application/json"},
    )
    assert res.status_code == 413


def test_chunked_body_without_length_is_cut_at_the_limit(client: Any) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(40):
            yield b"#" * 50_000  # 2 MB in all, no Content-Length

    res = client.post("/api/claims", content=chunks(), headers={"content-type": "text/plain"})
    assert res.status_code == 413


def test_lying_content_length_header_is_refused(client: Any) -> None:
    res = client.post(
        "/api/claims",
        content=b"x",
        headers={"content-type": "text/plain", "content-length": str(MAX_BODY * 5)},
    )
    assert res.status_code == 413


@pytest.mark.parametrize("host", ["evil.example", "127.0.0.1.evil.example", "attacker:8765"])
def test_foreign_host_header_is_refused(client: Any, host: str) -> None:
    # a page whose name was rebound to 127.0.0.1 sends its own name as Host: refused
    res = client.get("/api/symbols", headers={"host": host})
    assert res.status_code == 400
    assert "IWM" not in res.text


@pytest.mark.parametrize("host", ["127.0.0.1:8765", "localhost:8765", "[::1]:8765"])
def test_loopback_host_headers_are_served(client: Any, host: str) -> None:
    assert client.get("/api/health", headers={"host": host}).status_code == 200
