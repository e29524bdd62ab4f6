"""Browser-test fixtures: the dashboard on 127.0.0.1 and Debian's headless chromium.

Fixtures
--------
``web_server``
    (session) ``sizeup serve``'s app on a small synthetic store, on 127.0.0.1 and a free port;
    ``web_server.url`` is its base URL, ``web_server.root`` the store folder.
``serve_directory``
    (session) factory: ``serve_directory(folder)`` serves a folder's files (a built report) from
    127.0.0.1 and returns the base URL.
``browser``
    (session) Playwright chromium from ``/usr/bin/chromium`` (headless, no sandbox, no GPU, no
    background networking, no component updates, no first-run).
``page``
    (function) a fresh page that records console errors and page errors in
    ``page.console_errors`` and every request whose host is not 127.0.0.1 in
    ``page.external_requests`` (such requests are also aborted, so nothing leaves the machine).
    :func:`assert_clean` (also the ``assert_page_clean`` fixture) checks both lists.
``screenshot``
    (function) ``screenshot(page, "name")`` saves ``test-artifacts/browser/<name>.png`` and
    returns the path.

Browser tests are marked ``web``. They are skipped, with the reason, only when chromium is not
installed and ``SIZEUP_REQUIRE_BROWSER`` is unset; with ``SIZEUP_REQUIRE_BROWSER=1`` a missing
browser fails the run.
"""

from __future__ import annotations

import functools
import http.server
import importlib.util
import os
import shutil
import socket
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import pytest

CHROMIUM = Path(os.environ.get("SIZEUP_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
LOCAL_HOSTS = frozenset({"127.0.0.1"})
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"


def _require_browser() -> bool:
    return os.environ.get("SIZEUP_REQUIRE_BROWSER", "") not in ("", "0")


def _web_support() -> ModuleType:
    """Import ``tests/web/web_support.py`` (small store, uvicorn thread) by path."""
    name = "sizeup_tests_web_support"
    if name in sys.modules:
        return sys.modules[name]
    path = Path(__file__).resolve().parents[1] / "web" / "web_support.py"
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test of this folder ``web``."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.web)


@pytest.fixture(scope="session")
def chromium_path() -> Path:
    """Path of the chromium binary; skips (or fails under SIZEUP_REQUIRE_BROWSER) without it."""
    found = CHROMIUM if CHROMIUM.exists() else None
    if found is None and shutil.which("chromium"):
        found = Path(str(shutil.which("chromium")))
    if found is None:
        if _require_browser():
            pytest.fail(f"SIZEUP_REQUIRE_BROWSER is set but {CHROMIUM} is not installed")
        pytest.skip(f"chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    return found


class WebServer:
    """The running dashboard: base ``url`` and store ``root``."""

    def __init__(self, url: str, root: Path) -> None:
        self.url = url
        self.root = root


@pytest.fixture(scope="session")
def web_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[WebServer]:
    """``sizeup serve``'s app on a small synthetic store, on 127.0.0.1 and a free port."""
    from sizeup.app import StoreRef
    from sizeup.web import create_app

    support = _web_support()
    root = support.build_store(tmp_path_factory.mktemp("web_store"))
    with support.ServerThread(create_app(StoreRef(root))) as server:
        yield WebServer(server.url, root)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        """Do not log each request."""


@pytest.fixture(scope="session")
def serve_directory() -> Iterator[Callable[[Path], str]]:
    """Factory: serve a folder's files from 127.0.0.1 on a free port; returns the base URL."""
    servers: list[http.server.ThreadingHTTPServer] = []

    def start(folder: Path) -> str:
        handler = functools.partial(_QuietHandler, directory=str(folder))
        httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        servers.append(httpd)
        threading.Thread(target=httpd.serve_forever, daemon=True).start()
        host, port = httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    yield start
    for httpd in servers:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="session")
def browser(chromium_path: Path) -> Iterator[Any]:
    """Headless chromium driven by Playwright (Debian's binary, no download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        launched = pw.chromium.launch(
            executable_path=str(chromium_path), headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield launched
        finally:
            launched.close()


def _is_local(url: str) -> bool:
    parts = urlsplit(url)
    if parts.scheme in ("data", "blob", "about"):
        return True
    return parts.hostname in LOCAL_HOSTS


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A fresh page recording console errors and any request not to 127.0.0.1 (aborted)."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    pg.console_errors = []
    pg.external_requests = []

    def on_console(msg: Any) -> None:
        if msg.type == "error":
            pg.console_errors.append(f"console: {msg.text}")

    def on_page_error(exc: Any) -> None:
        pg.console_errors.append(f"page error: {exc}")

    def guard(route: Any) -> None:
        url = route.request.url
        if _is_local(url):
            route.continue_()
        else:
            pg.external_requests.append(url)
            route.abort()

    pg.on("console", on_console)
    pg.on("pageerror", on_page_error)
    context.route("**/*", guard)
    try:
        yield pg
    finally:
        context.close()


def assert_clean(page: Any) -> None:
    """Fail when the page logged console errors or asked for anything outside 127.0.0.1."""
    assert page.console_errors == [], page.console_errors
    assert page.external_requests == [], page.external_requests


@pytest.fixture
def screenshot() -> Callable[..., Path]:
    """``screenshot(page, name)`` saves a full-page PNG under ``test-artifacts/browser/``."""

    def save(page: Any, name: str, *, full_page: bool = True) -> Path:
        safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"{safe}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return save


@pytest.fixture
def assert_page_clean() -> Callable[[Any], None]:
    """The :func:`assert_clean` check as a fixture (no import of this conftest needed)."""
    return assert_clean


def free_port() -> int:
    """Return a port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])
