"""Writing a build's rows into an open transaction: gpudb's tables in the order they are written, made new or
emptied, then filled, then indexed (and, when new and not SQLite, given their foreign keys)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Table, inspect, select
from sqlalchemy.engine import Connection
from sqlmodel import SQLModel, col

from gpudb.speed import bulk_write
from gpudb.speed.bulk_write import TableRows
from gpudb.speed.gc_pause import with_paused_gc
from gpudb.storage.models import SCHEMA_VERSION, BuildInfo

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


@dataclass(frozen=True)
class Prepared:
    """How a transaction's tables were readied: made new (`fresh`); whether their foreign keys come after the rows
    (`keys_after`), or are kept but checked by gpudb after the rows instead of by a trigger a row (`keys_checked`)."""

    fresh: bool
    keys_after: bool
    keys_checked: bool = False


def prepare(connection: Connection) -> Prepared:
    """Make gpudb's tables new (without indexes) or empty them, inside the caller's transaction.

    Tables of the current schema are emptied with DELETE rather than dropped: under MVCC (PostgreSQL) readers
    keep their snapshot and are never blocked, where DROP or TRUNCATE would lock them out until commit. Their
    foreign keys stay; where the role may, PostgreSQL's row-by-row checks of them are off for the transaction and
    `complete` checks them over the rows instead (gpudb.speed.bulk_write.without_key_triggers).
    """
    fresh = not schema_is_current(connection)
    # New tables get their foreign keys after the rows, like their indexes (SQLite cannot add a foreign key to a
    # table and checks none unless asked: its tables are made whole). Tables readers may be reading keep theirs.
    keys_after = fresh and connection.dialect.name != "sqlite"
    if fresh:
        SQLModel.metadata.drop_all(connection, tables=TABLES)
        bulk_write.create_tables(connection, TABLES, foreign_keys=not keys_after)  # indexes after the rows too
        return Prepared(fresh, keys_after)
    keys_checked = bulk_write.without_key_triggers(connection)
    for table in reversed(TABLES):
        connection.execute(table.delete())
    return Prepared(fresh, keys_after, keys_checked)


def insert(connection: Connection, table_rows: dict[str, TableRows], names: Iterable[str] | None = None) -> None:
    """The rows of each table of `names` (every table when None), in the order of TABLES."""
    chosen = None if names is None else set(names)
    for table in TABLES:
        if chosen is None or table.name in chosen:
            bulk_write.insert_rows(connection, table, table_rows[table.name])


def index(connection: Connection, prepared: Prepared, tables: Iterable[Table]) -> None:
    """The indexes of `tables`, once their rows are in, where the tables were made new."""
    if prepared.fresh:
        bulk_write.create_indexes(connection, tables)


def complete(connection: Connection, prepared: Prepared) -> None:
    """The foreign keys of new tables, once every row is in (where they come after the rows), or the check of the
    kept keys over the rows (where no trigger checked them)."""
    if prepared.keys_after:
        bulk_write.add_foreign_keys(connection, TABLES)
    elif prepared.keys_checked:
        bulk_write.check_foreign_keys(connection, TABLES)


@with_paused_gc  # also for copy_to_sqlite: its rows are long-lived too
def write(connection: Connection, table_rows: dict[str, TableRows]) -> None:
    """Replace every gpudb table's rows inside the caller's transaction."""
    prepared = prepare(connection)
    insert(connection, table_rows)
    index(connection, prepared, TABLES)
    complete(connection, prepared)


def schema_is_current(connection: Connection) -> bool:
    """Whether every gpudb table exists, built by this schema version."""
    if not all(inspect(connection).has_table(table.name) for table in TABLES):
        return False
    version = connection.execute(select(col(BuildInfo.value)).where(col(BuildInfo.key) == "schema_version")).scalar()
    return version == str(SCHEMA_VERSION)
