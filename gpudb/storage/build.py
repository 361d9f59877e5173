"""The atomic build: data/ (validated) → database. Opening a database for reading is gpudb.storage.engines."""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import SQLModel, col

from gpudb import settings
from gpudb.errors import DatabaseError, DataValidationError, EmptyDataError
from gpudb.speed import bulk_write
from gpudb.speed.bulk_write import TableRows
from gpudb.speed.gc_pause import with_paused_gc
from gpudb.storage.build_rows import CHIP_TABLES, chip_rows, rows
from gpudb.storage.engines import create, open_for_reading, shown, sqlite_path
from gpudb.storage.guards import holds_accelerators, refuse_foreign_file, remove_stale_builds
from gpudb.storage.models import SCHEMA_VERSION, Accelerator, Alias, BuildInfo, Metric, Source, SpecValue

if TYPE_CHECKING:
    from gpudb.validation.accelerator_files import Batch
    from gpudb.validation.records import Dataset

TABLES = [
    SQLModel.metadata.tables[name]
    for name in (
        "source",
        "accelerator",
        "alias",
        "metric",
        "spec_value",
        "rule",
        "claim",
        "device_name",
        "measurement",
        "measured_value",
        "price",
        "system",
        "system_name",
        "system_part",
        "system_value",
        "build_info",
    )
]


@with_paused_gc  # also for copy_to_sqlite: its rows are long-lived too
def _write(connection: Connection, table_rows: dict[str, TableRows]) -> None:
    """Replace every gpudb table's rows inside the caller's transaction.

    Tables of the current schema are emptied with DELETE rather than dropped: under MVCC (PostgreSQL) readers
    keep their snapshot and are never blocked, where DROP or TRUNCATE would lock them out until commit.
    """
    fresh = not _schema_is_current(connection)
    # New tables get their foreign keys after the rows, like their indexes (SQLite cannot add a foreign key to a
    # table and checks none unless asked: its tables are made whole). Tables readers may be reading keep theirs.
    keys_after = fresh and connection.dialect.name != "sqlite"
    if fresh:
        SQLModel.metadata.drop_all(connection, tables=TABLES)
        bulk_write.create_tables(connection, TABLES, foreign_keys=not keys_after)  # indexes after the rows too
    else:
        for table in reversed(TABLES):
            connection.execute(table.delete())
    for table in TABLES:
        bulk_write.insert_rows(connection, table, table_rows[table.name])
    if fresh:
        bulk_write.create_indexes(connection, TABLES)
    if keys_after:
        bulk_write.add_foreign_keys(connection, TABLES)


def _schema_is_current(connection: Connection) -> bool:
    if not all(inspect(connection).has_table(table.name) for table in TABLES):
        return False
    version = connection.execute(select(col(BuildInfo.value)).where(col(BuildInfo.key) == "schema_version")).scalar()
    return version == str(SCHEMA_VERSION)


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

    SQLite: built into a new file beside the target, written while the files are read, and renamed over it
    (readers see the old file or the new one). Other databases: dropped, created and filled in one transaction.
    An existing file that is not a gpudb database is never replaced, nor a database by one with no accelerators,
    unless `force`.
    """
    url = url or settings.database_url()
    data_dir = data_dir or settings.data_dir()
    stream: _StreamedFile | None = None
    try:
        if dataset is None:
            from gpudb.validation.run import validate  # only a build validates: readers never import pint or schemas

            stream = _StreamedFile.start(url)
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


def _temporary(path: Path) -> Path:
    """The file a build of `path` is written into before it is renamed over it."""
    return path.with_name(f".{path.name}.building-{os.getpid()}")


def _build_sqlite_file(path: Path, table_rows: dict[str, TableRows]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatabaseError(f"cannot create the folder {path.parent}: {error.strerror}") from None
    remove_stale_builds(path)
    temporary = _temporary(path)
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


class _StreamedFile:
    """A new SQLite build file written while validation reads: the rows of each batch of chip files (CHIP_TABLES)
    as it comes, while the reading processes read the next, and the other tables once validation is done. At
    10,000 chips writing the file after reading them was a third of the build.

    It holds the rows _build_sqlite_file writes, row for row. Anything that goes wrong while streaming only stops
    the stream, and the build then writes the file whole as before, with the errors that path gives."""

    def __init__(self, path: Path):
        self.path = path
        self.indexing: threading.Thread | None = None
        self.chips_indexed = False
        self.temporary = _temporary(path)
        self.next_value_id = 1
        self.chips = 0
        self.broken = False
        self.engine: Engine | None = None
        self.connection: Connection | None = None

    @classmethod
    def start(cls, url: str) -> _StreamedFile | None:
        """A stream into a new build of `url`; None for a database that is no SQLite file, or a file whose folder
        does not exist yet (a failed build creates no folder)."""
        path = sqlite_path(url)
        if path is None or not path.parent.is_dir():
            return None
        return cls(path)

    def take(self, batch: Batch) -> None:
        """Write the rows of `batch`'s chips, names and values (numbered on from the batches before)."""
        if self.broken:
            return
        try:
            connection = self.connection or self._open()
            table_rows = chip_rows(batch.accelerators, batch.specs, batch.preferred, self.next_value_id)
            for table in TABLES:
                if table.name in CHIP_TABLES:
                    bulk_write.insert_rows(connection, table, table_rows[table.name])
        except Exception:  # noqa: BLE001 - any failure stops the stream; the whole write after it reports it
            self.broken = True
            return
        self.chips += len(batch.accelerators)
        self.next_value_id += len(batch.specs)

    def _open(self) -> Connection:
        # opened at the first batch, after the reading processes are forked: they never hold this connection
        remove_stale_builds(self.path)
        self.temporary.unlink(missing_ok=True)
        self.engine = create(f"sqlite:///{self.temporary}")
        self.connection = self.engine.connect()
        self.connection.begin()
        bulk_write.create_tables(self.connection, TABLES)
        return self.connection

    def all_taken(self) -> None:
        """Index the chip tables while validation goes on checking: SQLite makes an index without holding Python's
        lock, so the checks run meanwhile."""
        if self.connection is not None and not self.broken:
            self.indexing = threading.Thread(target=self._index_chips, name="gpudb-build-index")
            self.indexing.start()

    def _index_chips(self) -> None:
        assert self.connection is not None
        try:
            bulk_write.create_indexes(self.connection, [table for table in TABLES if table.name in CHIP_TABLES])
            self.chips_indexed = True
        except Exception:  # noqa: BLE001 - as in take: the whole write after it reports it
            self.broken = True

    def _indexed(self) -> None:
        """Wait for the chip tables' indexes: the connection is this thread's again."""
        if self.indexing is not None:
            self.indexing.join()
            self.indexing = None

    def holds(self, dataset: Dataset) -> bool:
        """Whether every chip and value of `dataset`, and only those, went into the file, and its indexes."""
        self._indexed()
        return (
            self.chips_indexed
            and not self.broken
            and self.connection is not None
            and (self.chips, self.next_value_id - 1) == (len(dataset.accelerators), len(dataset.specs))
        )

    def finish(self, table_rows: dict[str, TableRows]) -> None:
        """The other tables' rows and every index written, and the file renamed over the target."""
        assert self.connection is not None  # holds() said so
        try:
            for table in TABLES:
                if table.name not in CHIP_TABLES:
                    bulk_write.insert_rows(self.connection, table, table_rows[table.name])
            bulk_write.create_indexes(self.connection, [table for table in TABLES if table.name not in CHIP_TABLES])
            self.connection.commit()
            self.discard(keep_file=True)
            os.replace(self.temporary, self.path)  # atomic on POSIX: a reader opens the old file or the new one
        except (SQLAlchemyError, OSError) as error:
            raise DatabaseError(f"cannot build {self.path}: {getattr(error, 'orig', None) or error}") from None

    def discard(self, keep_file: bool = False) -> None:
        """Close the file (what was not committed is rolled back) and, unless `keep_file`, remove it."""
        self._indexed()
        if self.connection is not None:
            self.connection.close()
            self.connection = None
        if self.engine is not None:
            self.engine.dispose()
            self.engine = None
        if not keep_file:
            with contextlib.suppress(OSError):
                self.temporary.unlink(missing_ok=True)


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
