"""A local HTTP server on 127.0.0.1 that serves fixture bodies with injected faults (tests only)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import parse_qsl, unquote, urlsplit

Body = bytes | Callable[[dict[str, str]], bytes]

FAULTS = ("429", "503", "truncate", "slow", "html", "404", "reset")


@dataclass
class Hit:
    path: str
    query: dict[str, str]
    at: float
    user_agent: str
    status: int = 0


@dataclass
class FakeServer:
    """Serve ``routes`` (decoded path -> body); ``faults`` (path -> fault names) fire in order.

    ``slow_seconds`` is how long a ``slow`` fault sleeps before answering.
    """

    routes: dict[str, Body] = field(default_factory=dict)
    faults: dict[str, list[str]] = field(default_factory=dict)
    slow_seconds: float = 1.5
    hits: list[Hit] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                path = unquote(parts.path)
                query = dict(parse_qsl(parts.query))
                hit = Hit(path, query, time.monotonic(), self.headers.get("User-Agent", ""))
                with server._lock:
                    server.hits.append(hit)
                    queue = server.faults.get(path)
                    fault = queue.pop(0) if queue else None
                hit.status = server._answer(self, path, query, fault)

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FakeServer:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    def paths(self) -> list[str]:
        with self._lock:
            return [h.path for h in self.hits]

    def _answer(
        self, handler: BaseHTTPRequestHandler, path: str, query: dict[str, str], fault: str | None
    ) -> int:
        def send(status: int, body: bytes, headers: dict[str, str] | None = None) -> int:
            handler.send_response(status)
            handler.send_header("Content-Length", str(len(body)))
            for k, v in (headers or {}).items():
                handler.send_header(k, v)
            handler.end_headers()
            handler.wfile.write(body)
            return status

        if fault == "429":
            return send(429, b"Too Many Requests", {"Retry-After": "1"})
        if fault == "503":
            return send(503, b"Service Unavailable")
        if fault == "html":
            return send(200, b"<!DOCTYPE html><html><body>Page Not Available</body></html>")
        if fault == "404":
            return send(
                404,
                b'{"chart":{"result":null,"error":{"code":"Not Found",'
                b'"description":"No data found, symbol may be delisted"}}}',
            )
        if fault == "slow":
            time.sleep(self.slow_seconds)
        route = self.routes.get(path)
        if route is None:
            return send(404, b"not found")
        body = route(query) if callable(route) else route
        if fault == "truncate":
            handler.send_response(200)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body[: len(body) // 2])
            handler.wfile.flush()
            handler.close_connection = True
            return 200
        if fault == "reset":
            handler.close_connection = True
            return 0
        return send(200, body)
