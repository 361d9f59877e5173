"""The web commands: serve the pages and JSON API, or write them as a static site."""

from __future__ import annotations

from pathlib import Path

import click

from gpudb.cli import app
from gpudb.cli.common import db_option, progress


def _database_ready(db: str | None) -> str:
    """The database URL to serve, built from data/ first when the embedded SQLite file is missing."""
    from gpudb import settings
    from gpudb.storage.build import build
    from gpudb.storage.engines import open_for_reading, sqlite_path

    url = db or settings.database_url()
    path = sqlite_path(url)
    if path is not None and not path.exists():
        click.echo(f"no database at {path}; building it from {settings.data_dir()}", err=True)
        with progress("building the database"):
            build(url)
    open_for_reading(url)
    return url


@app.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Worker processes (each holds its own cached table).",
)
def serve(db: str | None, host: str, port: int, workers: int) -> None:
    """Serve the web table, detail, compare, claims and plot pages and the JSON API (read-only).

    Example: gpudb serve --port 8000   (then open http://127.0.0.1:8000/)
    """
    import os

    if workers == 1:  # this process is the worker: pandas is imported first, without pyarrow (gpudb.web.served)
        from gpudb.web.served import import_pandas_without_pyarrow

        import_pandas_without_pyarrow()
    url = _database_ready(db)
    _check_port_free(host, port)
    import uvicorn

    if workers == 1:
        from gpudb.web.app import create_app

        uvicorn.run(create_app(url), host=host, port=port, log_level="info")
        return
    # Worker processes import the app by name, so the database URL travels in the environment.
    os.environ["GPUDB_DATABASE_URL"] = url
    uvicorn.run("gpudb.web.served:served_app", factory=True, host=host, port=port, workers=workers, log_level="info")


def _check_port_free(host: str, port: int) -> None:
    """Bind the address as uvicorn will (SO_REUSEADDR), so a taken port is one line and exit 7, not a log."""
    import errno
    import socket

    from gpudb.errors import PortInUseError

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise PortInUseError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            hint = "; stop what is using it or choose another with --port" if error.errno == errno.EADDRINUSE else ""
            raise PortInUseError(f"cannot listen on {host}:{port}: {error.strerror}{hint}") from None


@app.command()
@click.argument("out_dir", type=click.Path(path_type=Path))
@db_option
def site(out_dir: Path, db: str | None) -> None:
    """Write the pages as a static site that works from any static host and from file:// with no server.

    OUT_DIR: the folder, created if missing.

    Example: gpudb site public/
    """
    from gpudb.web.site import write_site

    url = _database_ready(db)
    with progress(f"writing the static site to {out_dir}"):
        written = write_site(out_dir, url)
    click.echo(f"wrote {len(written)} files to {out_dir}")
