"""The FastAPI app: create_app(url) wires the HTML pages, their JSON twins under /api, downloads, static assets,
security headers and the one error shape. Read-only: every route is GET."""

from __future__ import annotations

import contextlib
import functools
import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

from gpudb import __version__
from gpudb.errors import GpudbError
from gpudb.web.caching import HttpCaching, plotly_gzip
from gpudb.web.errors import describe, error_body
from gpudb.web.render import STATIC, Links, render

logger = logging.getLogger("gpudb.web")

# No inline script anywhere: figure JSON sits in <script type="application/json"> blocks drawn by static/plots.js.
# plotly.js writes its own <style> element, hence 'unsafe-inline' for styles only.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
    "frame-ancestors 'none'"
)
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class SecurityHeaders:
    """Pure ASGI middleware adding the security headers to every HTTP response."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message):
            if message["type"] == "http.response.start":
                names = {name for name, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    header for header in SECURITY_HEADERS if header[0] not in names
                ]
            await send(message)

        await self.app(scope, receive, send_with_headers)


class HeadAsGet:
    """Pure ASGI middleware answering HEAD on every route as GET does, headers alone (docs/web.md: GET and HEAD)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message):
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return  # the rest of the body follows; HEAD sends none of it
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)


def wants_json(request: Request) -> bool:
    path = request.url.path
    return path.startswith(("/api/", "/download/")) and path != "/api/"  # /api itself is the HTML API page


def error_response(request: Request, status: int, body: dict) -> Response:
    """JSON under /api and /download, an HTML page elsewhere; the same message either way."""
    if wants_json(request):
        return JSONResponse(body, status_code=status)
    return HTMLResponse(render("error.html", Links(), error=body, page="error"), status_code=status)


@functools.cache
def plotly_js() -> str:
    """plotly.js from the installed plotly package: never a CDN."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def create_app(url: str | None = None) -> FastAPI:
    """The app on the database at `url` (default: $GPUDB_DATABASE_URL or the embedded SQLite file)."""
    from gpudb.web import api, pages, systems_view
    from gpudb.web.openapi import openapi_for

    @contextlib.asynccontextmanager
    async def warm(app: FastAPI):
        """Read the database once at start-up, so the first visitor does not wait for the cached frame."""
        from gpudb.web.snapshot import snapshot

        with contextlib.suppress(GpudbError):
            snapshot(url)
        yield

    app = FastAPI(
        lifespan=warm,
        title="gpudb",
        version=__version__,
        description="Published specs of GPUs and AI accelerators, every number with its source. Read-only.",
        docs_url=None,  # Swagger UI would load from a CDN; /api renders the OpenAPI description itself
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.url = url
    app.openapi = openapi_for(app, url)  # type: ignore[method-assign]  # with the served data's allowed values
    app.add_middleware(GZipMiddleware, minimum_size=500)
    app.add_middleware(HttpCaching, url=url)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(HeadAsGet)

    @app.exception_handler(GpudbError)
    async def gpudb_error(request: Request, error: GpudbError) -> Response:
        status, body = describe(error)
        return error_response(request, status, body)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> Response:
        message = {
            404: f"no page at {request.url.path}",
            405: f"{request.method} is not allowed; this app is read-only",
        }
        response = error_response(
            request, error.status_code, error_body(error.status_code, message.get(error.status_code, str(error.detail)))
        )
        if error.status_code == 405:
            response.headers["allow"] = "GET, HEAD"
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, error: RequestValidationError) -> Response:
        first = error.errors()[0]
        parameter = str(first["loc"][-1]) if first.get("loc") else None
        body = error_body(422, f"parameter {parameter!r}: {first['msg']}", parameter)
        return error_response(request, 422, body)

    @app.exception_handler(Exception)
    async def crashed(request: Request, error: Exception) -> Response:
        from sqlalchemy.exc import SQLAlchemyError

        if isinstance(error, SQLAlchemyError):  # the file went bad after it was opened: unavailable, not a bug
            message = f"the database cannot be read: {getattr(error, 'orig', None) or error}"
            return error_response(request, 503, error_body(503, message))
        logger.exception("error answering %s", request.url.path)
        return error_response(request, 500, error_body(500, "internal error; the log has the details"))

    @app.get("/static/plotly.min.js", include_in_schema=False)
    def plotly(request: Request) -> Response:
        """Gzipped once and sent as it is to every client that accepts gzip (GZipMiddleware leaves it alone)."""
        if "gzip" in request.headers.get("accept-encoding", ""):
            headers = {"content-encoding": "gzip", "vary": "Accept-Encoding"}
            return Response(plotly_gzip(), media_type="text/javascript", headers=headers)
        return Response(plotly_js(), media_type="text/javascript", headers={"vary": "Accept-Encoding"})

    app.include_router(pages.router)
    app.include_router(api.router)
    app.include_router(systems_view.router)
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
