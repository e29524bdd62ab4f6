"""Bad input gives a clear error (exit 2 in the CLI), never a traceback.

URLs go through the polite HTTP client with a size cap (``httpx.MockTransport``, no network).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from sizeup.app.check import CheckRequest, load_input, run_check
from sizeup.errors import DataError

ARTICLE = "published: 2025-03-14\n---\nThe Russell 2000 rose 1.2% on Friday.\n"


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    p = tmp_path / name
    p.write_bytes(data)
    return p


def test_binary_file(tmp_path: Path) -> None:
    p = _write(tmp_path, "a.bin", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(DataError, match="binary file") as err:
        load_input(CheckRequest(str(p)))
    assert err.value.input == str(p)


def test_empty_text(tmp_path: Path) -> None:
    p = _write(tmp_path, "a.txt", b"  \n\n ")
    with pytest.raises(DataError, match="empty"):
        load_input(CheckRequest(str(p)))


def test_fifty_megabyte_file_is_refused_before_reading(tmp_path: Path) -> None:
    p = tmp_path / "big.txt"
    with p.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    with pytest.raises(DataError, match="limit is 5,000,000") as err:
        load_input(CheckRequest(str(p)))
    assert err.value.value == 50 * 1024 * 1024


def test_missing_file_and_missing_date(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="no such file"):
        load_input(CheckRequest(str(tmp_path / "nope.txt")))
    p = _write(tmp_path, "a.txt", b"The Russell 2000 rose 1.2% on Friday.")
    with pytest.raises(DataError, match="--published"):
        run_check(CheckRequest(str(p)), store=None)


def test_unreachable_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SIZEUP_MAX_RETRIES", "1")
    calls: list[str] = []

    def refuse(request: httpx.Request) -> httpx.Response:
        calls.append(str(request.url))
        raise httpx.ConnectError("connection refused", request=request)

    with pytest.raises(DataError, match=r"could not fetch https://news\.example/a"):
        load_input(CheckRequest("https://news.example/a"), transport=httpx.MockTransport(refuse))
    assert calls and calls[0] == "https://news.example/a"


def test_url_body_over_the_cap_is_cut_off() -> None:
    big = b"<html><body>" + b"x" * 2_000 + b"</body></html>"

    def serve(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=big, headers={"Content-Type": "text/html"})

    with pytest.raises(DataError, match="limit"):
        load_input(
            CheckRequest("https://news.example/a", max_bytes=1_000),
            transport=httpx.MockTransport(serve),
        )
    text = load_input(
        CheckRequest("https://news.example/a", max_bytes=10_000),
        transport=httpx.MockTransport(serve),
    )
    assert text.startswith("<html>")


def test_url_http_error() -> None:
    def gone(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, content=b"not here")

    with pytest.raises(DataError, match="HTTP 404"):
        load_input(CheckRequest("https://news.example/a"), transport=httpx.MockTransport(gone))


def test_cli_bad_input_exits_2(tmp_path: Path) -> None:
    # one real process (start-up is the slow part); the other bad inputs share its error path
    p = _write(tmp_path, "bin.dat", b"\x00\x01\x02\x03binary")
    message = "binary file"
    proc = subprocess.run(
        [
            sys.executable,
            "-c",
            "from sizeup.cli._root import main; main()",
            "--data-dir",
            str(tmp_path / "store"),
            "check",
            str(p),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env={**os.environ, "COLUMNS": "200"},
    )
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr and "Traceback" not in proc.stderr
