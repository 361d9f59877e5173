"""Engines: database URLs parsed and checked, and an existing gpudb database opened for reading.

Apart from the build (gpudb.storage.build) so that reading needs only SQLAlchemy Core: no ORM, no models, no schemas.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DisconnectionError, NoSuchModuleError, SQLAlchemyError
from sqlalchemy.pool import NullPool, QueuePool

from gpudb import settings
from gpudb.errors import DatabaseError, MissingDependencyError


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL, or None for other databases and in-memory SQLite."""
    parsed = parse(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


def parse(url: str):
    """The URL as SQLAlchemy's URL object; a malformed one is a DatabaseError naming it."""
    try:
        parsed = make_url(url)
    except ArgumentError as error:
        raise DatabaseError(f"invalid database URL {url!r}: {error}") from None
    if "\x00" in (parsed.database or ""):
        raise DatabaseError(f"invalid database URL {url!r}: a file name cannot hold a NUL byte")
    return parsed


def shown(url: str) -> str:
    """The URL as it may be printed: without its password."""
    return parse(url).render_as_string(hide_password=True)


def create(url: str) -> Engine:
    """An engine for any SQLAlchemy URL; a missing driver is reported as an error, not a traceback.

    SQLite connections are not pooled: a build replaces the file, and a pooled connection would keep reading the
    old one (a long-lived reader's engine, open_for_reading, pools them and checks the file at each checkout).
    """
    parsed = parse(url)
    options = {"poolclass": NullPool} if parsed.get_backend_name() == "sqlite" else {"pool_pre_ping": True}
    try:
        return create_engine(parsed, **options)
    except ModuleNotFoundError as error:  # a dialect gpudb knows, its driver package not installed
        hint = "; install it with: pip install 'psycopg[binary]'" if "postgres" in url else ""
        raise MissingDependencyError(f"no driver for {parsed.drivername!r} ({error}){hint}") from None
    except NoSuchModuleError as error:
        raise DatabaseError(f"no driver for {parsed.drivername!r}: {error}") from None


def open_for_reading(url: str | None = None) -> Engine:
    """An engine on an existing gpudb database; says how to build one when there is none."""
    url = url or settings.database_url()
    path = sqlite_path(url)
    if path is not None and not path.exists():
        raise DatabaseError(f"no database at {path}; run 'gpudb build' first")
    if url in _READERS:
        return _READERS[url]
    engine = create(url) if path is None else _pooled_sqlite(url, path)
    check_usable(engine, url)
    _READERS[url] = engine
    return engine


def _pooled_sqlite(url: str, path: Path) -> Engine:
    """A reader's engine on the SQLite file `path` that keeps its connections: a page of the web table or a detail
    page opens several, and a new SQLite connection each was about a third of a detail page's time. A connection
    whose file a build has since replaced (a new file renamed over it: another inode) is dropped when next taken
    from the pool and a new one opened, so a reader never goes on reading the previous build."""
    pooled = create_engine(parse(url), poolclass=QueuePool, pool_size=4, max_overflow=-1)  # -1: never waits

    @event.listens_for(pooled, "do_connect")
    def _note_the_file(dialect: Any, record: Any, cargs: Any, cparams: Any) -> None:
        # taken before connecting: a file replaced in between only costs one more reconnection
        record.info["file"] = _file_identity(path)

    @event.listens_for(pooled, "checkout")
    def _still_the_file(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        if record.info.get("file") != _file_identity(path):
            raise DisconnectionError(f"{path} was replaced by a new build")  # the pool connects again

    return pooled


def _file_identity(path: Path) -> tuple[int, int] | None:
    """(device, inode) of the file at `path`, None when there is none."""
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_dev, status.st_ino


def check_usable(engine: Engine, url: str) -> None:
    """Raise DatabaseError unless `engine` holds a gpudb database that can be read: not junk, not truncated."""
    try:
        with engine.connect() as connection:
            if not inspect(connection).has_table("spec_value"):
                raise DatabaseError(f"{shown(url)} is not a gpudb database; run 'gpudb build --db {shown(url)}'")
            path = sqlite_path(url)
            if path is not None:
                pages = connection.exec_driver_sql("PRAGMA page_count").scalar_one()
                page_size = connection.exec_driver_sql("PRAGMA page_size").scalar_one()
                if path.stat().st_size < pages * page_size:
                    raise DatabaseError(f"{shown(url)} is truncated; rebuild it with 'gpudb build --db {shown(url)}'")
            connection.exec_driver_sql("SELECT count(*) FROM spec_value").scalar_one()
    except SQLAlchemyError as error:
        raise DatabaseError(f"cannot open {shown(url)}: {getattr(error, 'orig', None) or error}") from None
    except (OSError, ValueError) as error:
        raise DatabaseError(f"cannot open {shown(url)}: {error}") from None


_READERS: dict[str, Engine] = {}  # one engine (and pool) per database URL for the life of the process
