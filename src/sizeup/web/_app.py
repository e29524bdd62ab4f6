"""The FastAPI application: JSON API, dashboard pages, static files, error handling, caps.

Security stance: the app serves only what the application core computes from the store's
data directory. Names in paths and queries are validated (no separators, no ``..``) and looked
up in the store or the built-ins, never used as file paths; bodies and uploads are capped at
:data:`~sizeup.web._inputs.MAX_BODY` bytes (413); every page and script is served from the
package (Plotly from the installed ``plotly`` package), so nothing is fetched from elsewhere.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sizeup import __version__
from sizeup.app import StoreRef
from sizeup.app.serving import StorePool
from sizeup.errors import ClaimSpecError, SizeupError, StoreError
from sizeup.web._inputs import MAX_BODY, error_body

__all__ = ["LOOPBACK_HOSTS", "create_app"]

log = logging.getLogger(__name__)

_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; font-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def _plotly_js() -> Path:
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


class BodyLimit:
    """ASGI middleware refusing request bodies over ``limit`` bytes with a JSON 413.

    The declared ``Content-Length`` is checked first; a body sent without one (chunked) is
    read and counted before the request reaches the app, and refused as soon as it passes the
    limit.
    """

    def __init__(self, app: ASGIApp, limit: int = MAX_BODY) -> None:
        self.app = app
        self.limit = limit

    def _too_large(self, size: str) -> Response:
        return JSONResponse(
            {
                "error": "TooLargeError",
                "message": f"request body of {size} bytes is larger than the limit of "
                f"{self.limit} bytes",
                "input": "body",
                "value": size,
                "valid": f"at most {self.limit} bytes",
            },
            status_code=413,
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for key, value in scope.get("headers", []):
            if key == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = -1
                if declared > self.limit:
                    await self._too_large(str(declared))(scope, receive, send)
                    return
        if not any(key == b"content-length" for key, _ in scope.get("headers", [])):
            # No declared length (chunked): read the body here, at most ``limit`` bytes,
            # then hand it on; past the limit the request is refused before any handler runs.
            messages: list[Message] = []
            seen = 0
            while True:
                message = await receive()
                messages.append(message)
                if message["type"] != "http.request":
                    break
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    await self._too_large(f"more than {self.limit}")(scope, receive, send)
                    return
                if not message.get("more_body", False):
                    break
            queue = list(messages)

            async def replay() -> Message:
                if queue:
                    return queue.pop(0)
                return await receive()

            await self.app(scope, replay, send)
            return
        await self.app(scope, receive, send)


class SecurityHeaders:
    """ASGI middleware adding a strict content security policy and no-sniff headers."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.append((b"x-content-type-options", b"nosniff"))
                headers.append((b"referrer-policy", b"no-referrer"))
                headers.append((b"content-security-policy", _CSP.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def _status(exc: SizeupError) -> int:
    status = getattr(exc, "status", None)
    if isinstance(status, int):
        return status
    if isinstance(exc, StoreError):
        return 409
    if isinstance(exc, ClaimSpecError):
        return 422
    return 422


#: Host names a request may carry by default: the loopback names (a page served from another
#: name, e.g. after DNS rebinding, is refused) and the test client's.
LOOPBACK_HOSTS: tuple[str, ...] = ("127.0.0.1", "localhost", "::1", "[::1]", "testserver")


def create_app(
    store_ref: StoreRef | None = None, *, allowed_hosts: Sequence[str] | None = None
) -> FastAPI:
    """Build the dashboard and API application.

    Parameters
    ----------
    store_ref
        Which store to serve (default: the settings' data directory). Each request reads the
        latest committed store version at the time it arrives (pinned for the whole request);
        a ``version`` in the reference serves that version only.
    allowed_hosts
        Values of the ``Host`` header accepted (default :data:`LOOPBACK_HOSTS`; ``"*"``
        accepts any). Other hosts get a 400, so a web page that rebinds its own name to
        127.0.0.1 cannot read the store through the visitor's browser.

    Returns
    -------
    FastAPI
        The ASGI application (run it with uvicorn, or test it with ``TestClient``).
    """
    from sizeup.web._api import router as api_router
    from sizeup.web._pages import router as page_router
    from sizeup.web._valuation_flows import api_router as valuation_flows_api
    from sizeup.web._valuation_flows import page_router as valuation_flows_page

    app = FastAPI(
        title="sizeup",
        version=__version__,
        description="Small-cap vs large-cap rotation research: the JSON API of `sizeup serve`."
        " Every result carries its provenance (as-of date, inputs with source and coverage,"
        " price basis, warnings).",
    )
    app.state.pool = StorePool(store_ref)

    @app.exception_handler(SizeupError)
    async def _sizeup_error(request: Request, exc: SizeupError) -> JSONResponse:
        return JSONResponse(error_body(exc), status_code=_status(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = exc.errors()
        first: dict[str, Any] = dict(errors[0]) if errors else {}
        loc = [str(p) for p in first.get("loc", ()) if p not in ("query", "path", "body")]
        name = ".".join(loc) or "request"
        value = first.get("input")
        valid = str(first.get("msg", "a valid value"))
        shown = repr(value) if value is not None else "missing"
        body = {
            "error": "RequestValidationError",
            "message": f"{name} {shown}: {valid}",
            "input": name,
            "value": None if value is None else str(value)[:200],
            "valid": valid,
        }
        return JSONResponse(body, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        path = request.url.path
        if exc.status_code == 404:
            message = f"no page or endpoint at {path}; see /docs for the API"
            valid = "a path listed in /openapi.json or a dashboard page"
        else:
            message = f"{path}: {exc.detail}"
            valid = None
        body = {
            "error": "HTTPException",
            "message": message,
            "input": "path",
            "value": path[:200],
            "valid": valid,
            "detail": exc.detail,
        }
        return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(UnicodeDecodeError)
    async def _decode_error(request: Request, exc: UnicodeDecodeError) -> JSONResponse:
        body = {
            "error": "WebInputError",
            "message": "the body is not UTF-8 text",
            "input": "body",
            "value": None,
            "valid": "UTF-8 text",
        }
        return JSONResponse(body, status_code=400)

    app.include_router(api_router)
    app.include_router(valuation_flows_api)
    app.include_router(page_router)
    app.include_router(valuation_flows_page)

    static = resources.files("sizeup.web") / "static"
    app.mount("/static", StaticFiles(directory=str(static)), name="static")

    @app.get("/vendor/plotly.min.js", include_in_schema=False)
    def _plotly() -> FileResponse:
        return FileResponse(_plotly_js(), media_type="text/javascript")

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:
        log.exception("error answering %s", request.url.path)
        body = {
            "error": "InternalError",
            "message": f"internal error in sizeup ({type(exc).__name__}); this is a bug, "
            "see the server log",
            "input": None,
            "value": None,
            "valid": None,
        }
        return JSONResponse(body, status_code=500)

    app.add_middleware(BodyLimit, limit=MAX_BODY)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(allowed_hosts or LOOPBACK_HOSTS))
    return app
