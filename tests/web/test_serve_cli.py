"""``sizeup serve``: loopback by default, a warning otherwise, and a real start on 127.0.0.1."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
import typer
from typer.testing import CliRunner

from sizeup.cli._serve import is_loopback, register

pytestmark = pytest.mark.web


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.10", False),
        ("example.org", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def _app() -> typer.Typer:
    app = typer.Typer()
    register(app)

    @app.callback()
    def _root() -> None:
        """Test root (so ``serve`` stays a subcommand)."""

    return app


@pytest.fixture
def captured(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> dict[str, Any]:
    """Replace uvicorn.run: record its arguments instead of serving."""
    import uvicorn

    seen: dict[str, Any] = {}

    def fake_run(app: Any, **kwargs: Any) -> None:
        seen["app"] = app
        seen.update(kwargs)

    monkeypatch.setattr(uvicorn, "run", fake_run)
    monkeypatch.setenv("SIZEUP_DATA_DIR", str(tmp_path / "data"))
    return seen


def test_default_binds_loopback_without_warning(captured: dict[str, Any]) -> None:
    res = CliRunner().invoke(_app(), ["serve"])
    assert res.exit_code == 0, res.output
    assert captured["host"] == "127.0.0.1" and captured["port"] == 8765
    assert "warning" not in res.output
    assert "http://127.0.0.1:8765/" in res.output
    assert captured["app"].openapi()["info"]["title"] == "sizeup"


def test_other_host_warns(captured: dict[str, Any]) -> None:
    res = CliRunner().invoke(_app(), ["serve", "--host", "0.0.0.0", "--port", "9000"])
    assert res.exit_code == 0, res.output
    assert captured["host"] == "0.0.0.0" and captured["port"] == 9000
    assert "warning: --host 0.0.0.0 is not a loopback address" in res.stderr
    from fastapi.testclient import TestClient

    # bound to all interfaces, the machine's own names must be accepted as Host
    remote = TestClient(captured["app"], base_url="http://192.168.1.10:9000")
    assert remote.get("/api/health").status_code == 200


def test_loopback_app_refuses_other_host_names(captured: dict[str, Any]) -> None:
    from fastapi.testclient import TestClient

    assert CliRunner().invoke(_app(), ["serve"]).exit_code == 0
    remote = TestClient(captured["app"], base_url="http://192.168.1.10:8765")
    assert remote.get("/api/health").status_code == 400
    local = TestClient(captured["app"], base_url="http://127.0.0.1:8765")
    assert local.get("/api/health").status_code == 200


def test_bad_options_exit_2(captured: dict[str, Any]) -> None:
    assert CliRunner().invoke(_app(), ["serve", "--port", "0"]).exit_code == 2
    res = CliRunner().invoke(_app(), ["serve", "--log-level", "[red]loud"])
    assert res.exit_code == 2 and "[red]loud" in res.output  # shown literally
    assert "app" not in captured


def test_help_has_an_example() -> None:
    res = CliRunner().invoke(_app(), ["serve", "--help"])
    assert res.exit_code == 0 and "Example: sizeup --data-dir ./data serve" in res.output


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.mark.slow
def test_the_command_serves_on_loopback(tmp_path: Path) -> None:
    port = _free_port()
    sizeup = Path(sys.executable).parent / "sizeup"
    proc = subprocess.Popen(
        [str(sizeup), "--data-dir", str(tmp_path / "d"), "serve", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, "SIZEUP_DATA_DIR": str(tmp_path / "d")},
    )
    try:
        body = None
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                body = httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=2).json()
                break
            except httpx.TransportError:
                time.sleep(0.2)
        assert body is not None and body["status"] == "ok"
        assert body["store_version"] == -1  # an empty store is served, not an error
        assert httpx.get(f"http://127.0.0.1:{port}/api/pnf/IWM").status_code == 404
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
