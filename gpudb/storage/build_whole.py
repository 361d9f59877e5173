"""The build's whole write, once validation is done: an SQLite file written beside the target and renamed over it,
or another database's tables emptied (or made) and filled in one transaction; and any gpudb database copied into a
new SQLite file."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from gpudb.errors import DatabaseError
from gpudb.speed.bulk_write import TableRows
from gpudb.storage.build_write import TABLES, write
from gpudb.storage.engines import create, shown
from gpudb.storage.guards import new_building_path


def in_place(url: str, table_rows: dict[str, TableRows]) -> None:
    """A database other than SQLite: its tables emptied (or made) and filled in one transaction."""
    engine = create(url)
    try:
        with engine.begin() as connection:
            write(connection, table_rows)
    except SQLAlchemyError as error:
        raise DatabaseError(f"cannot build into {shown(url)}: {getattr(error, 'orig', error)}") from None
    finally:
        engine.dispose()


def sqlite_file(path: Path, table_rows: dict[str, TableRows]) -> None:
    """The SQLite file `path` written new beside it and renamed over it (atomic on POSIX: a reader opens the old
    file or the new one)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatabaseError(f"cannot create the folder {path.parent}: {error.strerror}") from None
    temporary = new_building_path(path)
    engine = create(f"sqlite:///{temporary}")
    try:
        with engine.begin() as connection:
            write(connection, table_rows)
        engine.dispose()
        os.replace(temporary, path)
    except (SQLAlchemyError, OSError) as error:
        raise DatabaseError(f"cannot build {path}: {getattr(error, 'orig', None) or error}") from None
    finally:
        engine.dispose()
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)


def copy_to_sqlite(source: Engine, path: Path) -> None:
    """Copy every gpudb table of a database (e.g. PostgreSQL) into a new SQLite file, written atomically."""
    table_rows: dict[str, TableRows] = {}
    with source.connect() as connection:
        for table in TABLES:
            table_rows[table.name] = [dict(row) for row in connection.execute(table.select()).mappings()]
    sqlite_file(path, table_rows)
