"""The atomic build: data/ (validated) → database. Opening a database for reading is gpudb.storage.engines."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, select
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import col

from gpudb import settings
from gpudb.errors import DatabaseError, DataValidationError, EmptyDataError
from gpudb.speed.bulk_write import TableRows
from gpudb.speed.gc_pause import with_paused_gc
from gpudb.storage.build_rows import rows
from gpudb.storage.build_stream import Stream
from gpudb.storage.build_write import TABLES
from gpudb.storage.build_write import write as _write
from gpudb.storage.engines import create, open_for_reading, shown, sqlite_path
from gpudb.storage.guards import building_path, holds_accelerators, refuse_foreign_file, remove_stale_builds
from gpudb.storage.models import Accelerator, Alias, BuildInfo, Metric, Source, SpecValue

if TYPE_CHECKING:
    from gpudb.validation.records import Dataset


@dataclass(frozen=True)
class BuildResult:
    """What a build wrote."""

    url: str
    accelerators: int
    values: int
    sources: int
    rules: int
    claims: int


@with_paused_gc  # a build makes millions of long-lived objects and no garbage: see gpudb.speed.gc_pause
def build(
    url: str | None = None, data_dir: Path | None = None, force: bool = False, dataset: Dataset | None = None
) -> BuildResult:
    """Validate data/ (unless `dataset` is its validation, already done) and write the database atomically; on
    any problem nothing is written.

    SQLite: built into a new file beside the target, written while the files are read
    (gpudb.storage.build_stream), and renamed over it (readers see the old file or the new one). Other databases:
    tables made or emptied and filled in one transaction.
    An existing file that is not a gpudb database is never replaced, nor a database by one with no accelerators,
    unless `force`.
    """
    url = url or settings.database_url()
    data_dir = data_dir or settings.data_dir()
    stream: Stream | None = None
    try:
        if dataset is None:
            from gpudb.validation.run import validate  # only a build validates: readers never import pint or schemas

            stream = Stream.start(url)
            dataset = validate(data_dir, chips=stream)
        if dataset.problems:
            raise DataValidationError(dataset.problems)
        path = sqlite_path(url)
        if not dataset.accelerators and not force and holds_accelerators(url, path):
            raise EmptyDataError(data_dir, kept=shown(url))
        if path is not None and not force:
            refuse_foreign_file(path)
        table_rows = rows(dataset, data_dir)
        if path is None:
            _build_in_place(url, table_rows)
        elif stream is not None and stream.holds(dataset):
            stream.finish(table_rows)
        else:
            _build_sqlite_file(path, table_rows)
    finally:
        if stream is not None:
            stream.discard()
    return BuildResult(
        shown(url),
        *(len(table_rows[table]) for table in ("accelerator", "spec_value", "source", "rule", "claim")),
    )


def _build_in_place(url: str, table_rows: dict[str, TableRows]) -> None:
    """A database other than SQLite: its tables emptied (or made) and filled in one transaction."""
    engine = create(url)
    try:
        with engine.begin() as connection:
            _write(connection, table_rows)
    except SQLAlchemyError as error:
        raise DatabaseError(f"cannot build into {shown(url)}: {getattr(error, 'orig', error)}") from None
    finally:
        engine.dispose()


def _build_sqlite_file(path: Path, table_rows: dict[str, TableRows]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatabaseError(f"cannot create the folder {path.parent}: {error.strerror}") from None
    remove_stale_builds(path)
    temporary = building_path(path)
    temporary.unlink(missing_ok=True)
    engine = create(f"sqlite:///{temporary}")
    try:
        with engine.begin() as connection:
            _write(connection, table_rows)
        engine.dispose()
        os.replace(temporary, path)  # atomic on POSIX: a reader opens the old file or the new one
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
    _build_sqlite_file(path, table_rows)


def build_info(engine: Engine) -> dict[str, str]:
    """The build_info table as a dict."""
    with engine.connect() as connection:
        return {key: value for key, value in connection.execute(select(col(BuildInfo.key), col(BuildInfo.value)))}


def iter_tables() -> Iterator[str]:
    """Names of gpudb's tables, in the order they are written."""
    return (table.name for table in TABLES)


__all__ = [
    "Accelerator",
    "Alias",
    "BuildResult",
    "Metric",
    "Source",
    "SpecValue",
    "build",
    "create",
    "open_for_reading",
]
