"""The web app (gpudb serve) and the static site (gpudb site): the table, detail, compare, claims and plot pages,
each with a JSON twin under /api built from the same data function (gpudb.web.page_data, gpudb.web.table_view)."""

from __future__ import annotations

from typing import Any


def create_app(url: str | None = None) -> Any:
    """The FastAPI app on the database at `url` (default: the configured one). Imported lazily: fastapi is heavy."""
    from gpudb.web.app import create_app as factory

    return factory(url)


__all__ = ["create_app"]
