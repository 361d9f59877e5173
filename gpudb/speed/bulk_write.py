"""Writing a build's rows fast: plain tuples on the driver's cursor, COPY on PostgreSQL, indexes after the rows.

SQLAlchemy's executemany handles each row's parameters in Python (about 10 µs a row: 3 s of a 10,000-chip
build's 280,000 values). Here the rows go to the driver as tuples, converted by the same SQLAlchemy type
processors (booleans, dates, JSON) that an ordinary insert applies, so the stored values are the same.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import chain, islice
from operator import itemgetter
from typing import Any, Protocol

from sqlalchemy import Table
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.schema import CreateIndex, CreateTable

COPY_MIN_ROWS = 1000  # below this an INSERT is as fast, and COPY's setup is not worth it
CHUNK_ROWS = 20_000  # rows turned into tuples and sent at once
PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}  # DBAPI paramstyle → positional marker


class TableRows(Protocol):
    """A table's rows as the build writes them: a list of dicts, or rows made as they are written."""

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[dict[str, Any]]: ...


def create_tables(connection: Connection, tables: Iterable[Table]) -> None:
    """CREATE TABLE for each table, in the order given (referenced tables first), without its indexes."""
    for table in tables:
        connection.execute(CreateTable(table))


def create_indexes(connection: Connection, tables: Iterable[Table]) -> None:
    """The indexes of each table: built once over the loaded rows, cheaper than updating them row by row."""
    for table in tables:
        for index in sorted(table.indexes, key=lambda index: index.name or ""):
            connection.execute(CreateIndex(index))


def insert_rows(connection: Connection, table: Table, rows: TableRows) -> None:
    """Insert `rows` (dicts with the same keys, as SQLAlchemy's executemany expects) inside the open transaction,
    CHUNK_ROWS at a time: rows made as they are written are never all held, as dicts or as tuples."""
    if not len(rows):
        return
    dialect = connection.dialect
    marker = PLACEHOLDERS.get(dialect.paramstyle)
    if marker is None:
        connection.execute(table.insert(), list(rows))  # a driver with named parameters: SQLAlchemy's own way
        return
    remaining = iter(rows)
    first = next(remaining)
    names = [name for name in first if name in table.c]
    chunks = (_tuples(connection, table, names, chunk) for chunk in _chunks(chain([first], remaining)))
    quoted = ", ".join(dialect.identifier_preparer.quote(name) for name in names)
    table_name = dialect.identifier_preparer.format_table(table)
    cursor = connection.connection.cursor()  # the transaction's own DBAPI connection: same transaction
    statement = f"INSERT INTO {table_name} ({quoted}) VALUES ({', '.join([marker] * len(names))})"
    try:
        if dialect.name == "postgresql" and hasattr(cursor, "copy") and len(rows) >= COPY_MIN_ROWS:
            statement = f"COPY {table_name} ({quoted}) FROM STDIN"
            with cursor.copy(statement) as copy:  # psycopg 3
                for chunk in chunks:
                    for row in chunk:
                        copy.write_row(row)
        else:
            for chunk in chunks:
                cursor.executemany(statement, chunk)
    except dialect.loaded_dbapi.Error as error:
        # the driver's error as SQLAlchemy raises it (IntegrityError…, with .orig), which callers already handle
        raise DBAPIError.instance(statement, None, error, dialect.loaded_dbapi.Error) from error
    finally:
        cursor.close()


def _chunks(rows: Iterator[dict[str, Any]]) -> Iterator[list[dict[str, Any]]]:
    while chunk := list(islice(rows, CHUNK_ROWS)):
        yield chunk


def _tuples(connection: Connection, table: Table, names: list[str], rows: list[dict[str, Any]]) -> list[tuple]:
    """Each row as a tuple in the order of `names`, through the column types' bind processors."""
    dialect = connection.dialect
    columns: list[Iterator[Any]] = []
    for name in names:
        column = map(itemgetter(name), rows)
        processor = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        columns.append(map(processor, column) if processor else column)
    return list(zip(*columns, strict=True))
