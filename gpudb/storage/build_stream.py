"""A SQLite build written while validation reads the chip files: each batch of chip files' rows as it comes (the
reading processes read the next meanwhile), the chip tables indexed while validation runs its checks, and the other
tables once it is done. At 10,000 chips writing after reading was a
third of the build, with one of the two CPUs idle.

PostgreSQL is written whole after validation: streamed, a 10,000-chip rebuild took 16 s instead of 12.8 s and a
build into new tables 8.5 s instead of 6.6 s here, the server's work (a foreign-key trigger a row, small COPYs)
competing with the reading processes for the same two CPUs. With the rebuild's key triggers off
(gpudb.speed.bulk_write.without_key_triggers) it was still slower streamed: 11.3–13.7 s against 10.0–12.5 s.

It writes the rows build_write.write writes, row for row and in the same order. Anything that goes wrong while
streaming (one chip id in two files, which validation reports; a full disk) only stops the stream; the build then
writes everything in one go as before, with the errors that path gives."""

from __future__ import annotations

import contextlib
import os
import threading
from pathlib import Path
from typing import TYPE_CHECKING

from gpudb.errors import DatabaseError

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.engine import Connection

    from gpudb.speed.bulk_write import TableRows
    from gpudb.storage.build_write import Prepared
    from gpudb.validation.accelerator_files import Batch
    from gpudb.validation.records import Dataset


class Stream:
    """A build of the database at `url` taking the chip files' batches as validation reads them (gpudb.validation's
    ChipSink): for an SQLite file whose folder exists, into a new file beside it that finish renames over it. Made
    before validation forks its reading processes, it imports nothing of the database layer until the first batch
    (gpudb.storage.build); for any other database it takes nothing, and the build writes it whole."""

    def __init__(self, url: str):
        self.url = url
        self.path: Path | None = None  # the SQLite file, once the first batch shows it is streamed
        self.next_value_id = 1
        self.chips = 0
        self.stopped = False  # by a failure, or by a database that is not streamed
        self.chips_indexed = False
        self.engine: Engine | None = None
        self.connection: Connection | None = None
        self.prepared: Prepared | None = None
        self.indexing: threading.Thread | None = None

    def take(self, batch: Batch) -> None:
        """Write the rows of `batch`'s chips, names and values (numbered on from the batches before)."""
        if self.stopped:
            return
        try:
            from gpudb.storage.build_rows import CHIP_TABLES, chip_rows
            from gpudb.storage.build_write import insert

            connection = self.connection or self._open()
            table_rows = chip_rows(batch.accelerators, batch.specs, batch.preferred, self.next_value_id)
            insert(connection, table_rows, CHIP_TABLES)
        except Exception:  # noqa: BLE001 - any failure stops the stream; the whole write after it reports it
            self.stopped = True
            return
        self.chips += len(batch.accelerators)
        self.next_value_id += len(batch.specs)

    def _open(self) -> Connection:
        # opened at the first batch, after the reading processes are forked: they never hold this connection
        from gpudb.storage.build_write import prepare
        from gpudb.storage.engines import create, sqlite_path
        from gpudb.storage.guards import new_building_path

        path = sqlite_path(self.url)
        if path is None or not path.parent.is_dir():
            raise _NotStreamed  # another database, or a folder the whole write makes (a failed build makes none)
        self.path = path
        self.engine = create(f"sqlite:///{new_building_path(path)}")
        self.connection = connection = self.engine.connect()
        connection.begin()
        self.prepared = prepare(connection)
        return connection

    def all_taken(self) -> None:
        """Index the chip tables while validation goes on checking: SQLite makes an index without holding Python's
        lock, so the checks run meanwhile."""
        if self.connection is None or self.stopped:
            return
        self.indexing = threading.Thread(target=self._index_chips, name="gpudb-build-index")
        self.indexing.start()

    def _index_chips(self) -> None:
        from gpudb.storage.build_rows import CHIP_TABLES
        from gpudb.storage.build_write import TABLES, index

        assert self.connection is not None and self.prepared is not None
        try:
            index(self.connection, self.prepared, [table for table in TABLES if table.name in CHIP_TABLES])
            self.chips_indexed = True
        except Exception:  # noqa: BLE001 - as in take: the whole write after it reports it
            self.stopped = True

    def _indexed(self) -> None:
        """Wait for the chip tables' indexes: the connection is this thread's again."""
        if self.indexing is not None:
            self.indexing.join()
            self.indexing = None

    def holds(self, dataset: Dataset) -> bool:
        """Whether every chip and value of `dataset`, and only those, went in, and the chip tables are indexed."""
        self._indexed()
        return (
            self.chips_indexed
            and not self.stopped
            and self.connection is not None
            and (self.chips, self.next_value_id - 1) == (len(dataset.accelerators), len(dataset.specs))
        )

    def finish(self, table_rows: dict[str, TableRows]) -> None:
        """The other tables' rows and indexes, the commit, and the file renamed over the target (atomic on POSIX: a
        reader opens the old file or the new one)."""
        from sqlalchemy.exc import SQLAlchemyError

        from gpudb.storage.build_rows import CHIP_TABLES
        from gpudb.storage.build_write import TABLES, index, insert
        from gpudb.storage.guards import building_path

        connection, path, prepared = self.connection, self.path, self.prepared
        assert connection is not None and path is not None and prepared is not None  # holds() said so
        rest = [table.name for table in TABLES if table.name not in CHIP_TABLES]
        try:
            insert(connection, table_rows, rest)
            index(connection, prepared, [table for table in TABLES if table.name not in CHIP_TABLES])
            connection.commit()
            self.discard(keep_file=True)
            os.replace(building_path(path), path)
        except (SQLAlchemyError, OSError) as error:
            raise DatabaseError(f"cannot build {path}: {getattr(error, 'orig', None) or error}") from None

    def discard(self, keep_file: bool = False) -> None:
        """Close the file (what was not committed is rolled back) and, unless `keep_file`, remove it."""
        self._indexed()
        if self.connection is not None:
            self.connection.close()
            self.connection = None
        if self.engine is not None:
            self.engine.dispose()
            self.engine = None
        if not keep_file and self.path is not None:
            from gpudb.storage.guards import building_path

            with contextlib.suppress(OSError):
                building_path(self.path).unlink(missing_ok=True)


class _NotStreamed(Exception):
    """The database is not an SQLite file in an existing folder: the build writes it whole."""
