"""The atomic build: data/ (validated) → database. Opening a database for reading is gpudb.storage.engines."""

from __future__ import annotations

import contextlib
import hashlib
import os
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import groupby
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import SQLModel, col

from gpudb import settings
from gpudb.errors import DatabaseError, DataValidationError, EmptyDataError
from gpudb.metrics.catalogue import METRICS
from gpudb.speed import bulk_write
from gpudb.speed.bulk_write import MadeRows, TableRows
from gpudb.speed.gc_pause import with_paused_gc
from gpudb.storage.build_side_tables import measurement_rows, price_rows
from gpudb.storage.build_systems import system_rows
from gpudb.storage.engines import create, open_for_reading, shown, sqlite_path
from gpudb.storage.guards import holds_accelerators, refuse_foreign_file, remove_stale_builds
from gpudb.storage.models import SCHEMA_VERSION, Accelerator, Alias, BuildInfo, Metric, Source, SpecValue
from gpudb.storage.value_rows import ChipValueRows

if TYPE_CHECKING:
    from gpudb.validation.records import Dataset, SpecRecord

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


def data_digest(data_dir: Path) -> str:
    """sha256 of every data file's path and bytes: the same data gives the same digest."""
    digest = hashlib.sha256()
    for path in sorted(p for p in data_dir.rglob("*") if p.is_file() and p.suffix in {".yaml", ".yml"}):
        digest.update(path.relative_to(data_dir).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def rows(dataset: Dataset, data_dir: Path) -> dict[str, TableRows]:
    """The dataset as rows per table, in a stable order (same data in, same database out)."""
    from gpudb import __version__
    from gpudb.names import name_key
    from gpudb.tiers import tier_of

    sources = sorted(dataset.sources, key=lambda s: s.entry.id)
    accelerators = sorted(dataset.accelerators, key=lambda a: a.entry.id)
    alias_kinds: dict[tuple[str, str], str] = {}  # (chip, name) → kind: the first of a name that repeats
    for record in accelerators:
        entry = record.entry
        names = [(entry.id, "id"), (entry.name, "name")] + [(alias, "alias") for alias in entry.aliases]
        for name, kind in names:
            alias_kinds.setdefault((entry.id, name), kind)
    specs = _in_id_order(dataset.specs)
    return {
        "source": [
            {**record.entry.model_dump(exclude_none=False), "tier": tier_of(record.entry.kind)} for record in sources
        ],
        # the many rows (a 100,000-chip catalogue: 100,000 chips, 300,000 names) are made as they are written
        "accelerator": MadeRows(
            accelerators, lambda record: {**record.entry.model_dump(exclude={"aliases", "specs"}), "file": record.file}
        ),
        "alias": MadeRows(sorted(alias_kinds.items()), _alias_row),
        "metric": [
            {
                "key": m.key,
                "label": m.label,
                "unit": m.unit_label,
                "category": m.category,
                "kind": m.kind,
                "precision": m.precision,
                "bits": m.bits,
                "sparsity_applies": m.sparsity_applies,
                "higher_is_better": m.higher_is_better,
                "description": m.description,
                "position": position,
            }
            for position, m in enumerate(METRICS)
        ],
        "spec_value": ChipValueRows(specs, dataset.preferred),
        "rule": [
            {
                **record.entry.model_dump(exclude={"source"}, mode="json"),
                "source_id": record.entry.source,
                "published": record.entry.published,
                "effective": record.entry.effective,
                "position": position,
            }
            for position, record in enumerate(sorted(dataset.rules, key=lambda r: (r.entry.published, r.entry.id)))
        ],
        "claim": [
            {
                "id": c.id,
                "claimant": c.claimant,
                "reported_by": c.reported_by,
                "date": c.date,
                "source_id": c.source,
                "quote": c.quote,
                "quote_found": c.quote_found,
                "subject_id": c.subject,
                "baseline_id": c.baseline,
                "stated_ratio": c.stated.ratio,
                "stated_value": c.stated.value,
                "stated_metric": c.stated.metric,
                "qualifier": c.qualifier,
                "scope": c.scope,
                "tolerance": c.tolerance,
                "note": c.note,
            }
            for c in sorted((record.entry for record in dataset.claims), key=lambda c: c.id)
        ],
        "device_name": [
            {
                "id": number,
                "name": record.entry.name,
                "name_key": name_key(record.entry.name),
                "accelerator_id": record.entry.accelerator,
                "memory_gb": record.entry.memory_gb,
                "note": record.entry.note,
            }
            for number, record in enumerate(dataset.device_names, start=1)
        ],
        **measurement_rows(dataset),
        "price": price_rows(dataset),
        **system_rows(dataset),
        "build_info": [
            {"key": "schema_version", "value": str(SCHEMA_VERSION)},
            {"key": "gpudb_version", "value": __version__},
            {"key": "data_digest", "value": data_digest(data_dir)},
            {"key": "data_version", "value": _data_version(data_dir)},
        ],
    }


def _alias_row(item: tuple[tuple[str, str], str]) -> dict[str, str]:
    """The alias row of ((chip, name), kind)."""
    from gpudb.names import name_key

    (chip, name), kind = item
    return {"accelerator_id": chip, "name": name, "name_key": name_key(name), "kind": kind}


def _in_id_order(specs: list[SpecRecord]) -> list[SpecRecord]:
    """The values sorted by (chip, metric, position), as their ids number them. A chip's values come together from
    its file, so each chip's few are sorted alone: one sort key for each of 2.8 million values was 180 MB of a
    100,000-chip build's peak."""
    by_chip: dict[str, list[SpecRecord]] = {}
    for chip, values in groupby(specs, key=attrgetter("accelerator_id")):
        by_chip.setdefault(chip, []).extend(values)  # one id in two files: its runs join
    ordered: list[SpecRecord] = []
    for chip in sorted(by_chip):
        ordered.extend(sorted(by_chip[chip], key=lambda s: (s.metric.key, s.position or 0)))
    return ordered


def _data_version(data_dir: Path) -> str:
    """The dataset version from data/dataset.yaml, or 'unversioned' when the folder has none."""
    if not (data_dir / "dataset.yaml").exists():
        return "unversioned"
    from gpudb.validation.release import read_release

    return read_release(data_dir).version


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

    SQLite: built into a new file beside the target and renamed over it (readers see the old file or the
    new one). Other databases: dropped, created and filled in one transaction. An existing file that is not a
    gpudb database is never replaced, nor a database by one with no accelerators, unless `force`.
    """
    url = url or settings.database_url()
    data_dir = data_dir or settings.data_dir()
    if dataset is None:
        from gpudb.validation.run import validate  # only a build validates: readers never import pint or schemas

        dataset = validate(data_dir)
    if dataset.problems:
        raise DataValidationError(dataset.problems)
    path = sqlite_path(url)
    if not dataset.accelerators and not force and holds_accelerators(url, path):
        raise EmptyDataError(data_dir, kept=shown(url))
    if path is not None and not force:
        refuse_foreign_file(path)
    table_rows = rows(dataset, data_dir)
    if path is None:
        engine = create(url)
        try:
            with engine.begin() as connection:
                _write(connection, table_rows)
        except SQLAlchemyError as error:
            raise DatabaseError(f"cannot build into {shown(url)}: {getattr(error, 'orig', error)}") from None
        finally:
            engine.dispose()
    else:
        _build_sqlite_file(path, table_rows)
    return BuildResult(
        shown(url),
        *(len(table_rows[table]) for table in ("accelerator", "spec_value", "source", "rule", "claim")),
    )


def _build_sqlite_file(path: Path, table_rows: dict[str, TableRows]) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise DatabaseError(f"cannot create the folder {path.parent}: {error.strerror}") from None
    remove_stale_builds(path)
    temporary = path.with_name(f".{path.name}.building-{os.getpid()}")
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
