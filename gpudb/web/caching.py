"""HTTP caching: ETag and Last-Modified from the database's build stamp (304 when they match), version strings on
static URLs, long lifetimes for versioned static files, and plotly.js compressed once."""

from __future__ import annotations

import functools
import gzip
import hashlib
import time
from email.utils import formatdate, parsedate_to_datetime
from typing import Any

from gpudb import __version__
from gpudb.web.render import STATIC, TEMPLATES

YEAR_S = 365 * 24 * 3600
VERSIONED = f"public, max-age={YEAR_S}, immutable".encode()
UNVERSIONED = b"public, max-age=3600"
REVALIDATE = b"no-cache"  # a page may be stored, but is checked (ETag) before each use


@functools.cache
def asset_version(name: str) -> str:
    """A short digest of a static file's bytes (plotly.min.js: the plotly version), for ?v= on its URL."""
    if name == "plotly.min.js":
        import plotly

        return plotly.__version__
    path = STATIC / name
    return hashlib.sha256(path.read_bytes()).hexdigest()[:10] if path.is_file() else __version__


def versioned_name(name: str) -> str:
    """The static site's name for a static file, its version before the first dot: style.1a2b3c4d5e.css,
    plotly.6.3.0.min.js. A new file is a new name, so a static host may let browsers keep each for a year."""
    stem, dot, rest = name.partition(".")
    return f"{stem}.{asset_version(name)}{dot}{rest}"


@functools.cache
def code_version() -> str:
    """What the pages are drawn with besides the data: the package version, the templates and static files."""
    digest = hashlib.sha256(__version__.encode())
    for folder in (TEMPLATES, STATIC):
        for path in sorted(folder.iterdir()):
            if path.is_file():
                digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()


@functools.cache
def plotly_gzip() -> bytes:
    """plotly.min.js gzipped once (4.8 MB → about 1.4 MB) rather than on every request."""
    from gpudb.web.app import plotly_js

    return gzip.compress(plotly_js().encode(), compresslevel=6, mtime=0)


_FIRST_SEEN: dict[str, float] = {}  # ETag → when this process first served it: the build's Last-Modified


def validators(url: Any) -> tuple[str, float] | None:
    """(weak ETag, Last-Modified time) of the pages on the database at `url`, or None when it cannot be read."""
    from gpudb.web.snapshot import snapshot

    try:
        stamp = snapshot(url).stamp
    except Exception:  # noqa: BLE001 - an unreadable database: the handler answers the error, uncached
        return None
    tag = 'W/"' + hashlib.sha256(repr((stamp, code_version())).encode()).hexdigest()[:20] + '"'
    return tag, _FIRST_SEEN.setdefault(tag, float(int(time.time())))


def _matches(tag: str, header: str) -> bool:
    """If-None-Match: '*' or a list of tags, weak comparison (W/ prefixes ignored)."""
    wanted = {part.strip().removeprefix("W/") for part in header.split(",")}
    return "*" in wanted or tag.removeprefix("W/") in wanted


def _not_modified_since(modified: float, header: str) -> bool:
    try:
        return modified <= parsedate_to_datetime(header).timestamp()
    except (TypeError, ValueError):
        return False


class HttpCaching:
    """Pure ASGI middleware. Pages and API answers: ETag and Last-Modified on a 200, 304 when the request's
    If-None-Match (or, without it, If-Modified-Since) still holds. /static: a year when the URL has ?v=."""

    def __init__(self, app, url: Any = None):
        self.app = app
        self.url = url

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        if scope["path"].startswith("/static/"):
            lifetime = VERSIONED if b"v=" in scope.get("query_string", b"") else UNVERSIONED
            await self.app(scope, receive, _with_headers(send, [(b"cache-control", lifetime)]))
            return
        found = validators(self.url)
        if found is None:
            await self.app(scope, receive, send)
            return
        tag, modified = found
        headers = [
            (b"etag", tag.encode()),
            (b"last-modified", formatdate(modified, usegmt=True).encode()),
            (b"cache-control", REVALIDATE),
        ]
        asked = {name.lower(): value.decode("latin-1") for name, value in scope.get("headers", [])}
        if (b"if-none-match" in asked and _matches(tag, asked[b"if-none-match"])) or (
            b"if-none-match" not in asked
            and b"if-modified-since" in asked
            and _not_modified_since(modified, asked[b"if-modified-since"])
        ):
            await send({"type": "http.response.start", "status": 304, "headers": headers})
            await send({"type": "http.response.body", "body": b""})
            return
        await self.app(scope, receive, _with_headers(send, headers))


def _with_headers(send, headers: list[tuple[bytes, bytes]]):
    """`send` adding `headers` (replacing any of the same name) to a 200 response."""
    names = {name for name, _ in headers}

    async def sending(message):
        if message["type"] == "http.response.start" and message["status"] == 200:
            kept = [(n, v) for n, v in message.get("headers", []) if n.lower() not in names]
            message = {**message, "headers": kept + headers}
        await send(message)

    return sending
