"""The atomic build: data/ (validated) → database. Opening a database for reading is gpudb.storage.engines.

This module imports nothing of the database layer itself: SQLAlchemy, SQLModel and the models (about 0.4 s) load
while validation's reading processes read the first chip files (gpudb.storage.build_stream opens the database at
the first batch), not before any file is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from gpudb import settings
from gpudb.errors import DataValidationError, EmptyDataError
from gpudb.speed.gc_pause import with_paused_gc
from gpudb.storage.build_stream import Stream

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
    tables made or emptied and filled in one transaction (gpudb.storage.build_whole).
    An existing file that is not a gpudb database is never replaced, nor a database by one with no accelerators,
    unless `force`.
    """
    url = url or settings.database_url()
    data_dir = data_dir or settings.data_dir()
    stream: Stream | None = None
    try:
        if dataset is None:
            from gpudb.validation.run import validate  # only a build validates: readers never import pint or schemas

            stream = Stream(url)
            dataset = validate(data_dir, chips=stream)
        if dataset.problems:
            raise DataValidationError(dataset.problems)
        from gpudb.storage import build_rows, build_whole
        from gpudb.storage.engines import shown, sqlite_path
        from gpudb.storage.guards import holds_accelerators, refuse_foreign_file

        path = sqlite_path(url)
        if not dataset.accelerators and not force and holds_accelerators(url, path):
            raise EmptyDataError(data_dir, kept=shown(url))
        if path is not None and not force:
            refuse_foreign_file(path)
        table_rows = build_rows.other_rows(dataset, data_dir)  # made while the stream indexes the chip tables
        if stream is not None and stream.holds(dataset):
            stream.finish(table_rows)
        else:
            table_rows.update(build_rows.dataset_chip_rows(dataset))
            if path is None:
                build_whole.in_place(url, table_rows)
            else:
                build_whole.sqlite_file(path, table_rows)
    finally:
        if stream is not None:
            stream.discard()
    counts = (len(table_rows[table]) for table in ("source", "rule", "claim"))
    return BuildResult(shown(url), len(dataset.accelerators), len(dataset.specs), *counts)
