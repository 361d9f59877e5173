"""Writing a build's rows fast: plain tuples on the driver's cursor, COPY on PostgreSQL, indexes after the rows.

SQLAlchemy's executemany handles each row's parameters in Python (about 10 µs a row: 3 s of a 10,000-chip
build's 280,000 values). Here the rows go to the driver as tuples, converted by the same SQLAlchemy type
processors (booleans, dates, JSON) that an ordinary insert applies, so the stored values are the same.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import chain, islice
from operator import itemgetter
from typing import Any, Protocol, TypeVar, runtime_checkable

from sqlalchemy import Boolean, ForeignKeyConstraint, Select, Table, and_, exists, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.schema import AddConstraint, CreateIndex, CreateTable

COPY_MIN_ROWS = 1000  # below this an INSERT is as fast, and COPY's setup is not worth it
CHUNK_ROWS = 20_000  # rows turned into tuples and sent at once
T = TypeVar("T")
PLACEHOLDERS = {"qmark": "?", "format": "%s", "pyformat": "%s"}  # DBAPI paramstyle → positional marker


class TableRows(Protocol):
    """A table's rows as the build writes them: a list of dicts, or rows made as they are written."""

    def __len__(self) -> int: ...

    def __iter__(self) -> Iterator[dict[str, Any]]: ...


@dataclass(frozen=True)
class MadeRows:
    """The rows that `make` makes of each item of `items`, each as it is written (never all held as dicts)."""

    items: Sequence[Any]
    make: Callable[[Any], dict[str, Any]]

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return map(self.make, self.items)


@runtime_checkable
class TupleRows(TableRows, Protocol):
    """Rows that can also be made as tuples in the order of `columns` (the many rows of a build: no dict a row)."""

    columns: tuple[str, ...]

    def tuples(self) -> Iterator[tuple[Any, ...]]: ...


def create_tables(connection: Connection, tables: Iterable[Table], foreign_keys: bool = True) -> None:
    """CREATE TABLE for each table, in the order given (referenced tables first), without its indexes; without its
    foreign keys too unless `foreign_keys` (add_foreign_keys adds them once the rows are in)."""
    for table in tables:
        connection.execute(CreateTable(table, include_foreign_key_constraints=None if foreign_keys else []))


def add_foreign_keys(connection: Connection, tables: Iterable[Table]) -> None:
    """Each table's foreign keys, added over the loaded rows: PostgreSQL checks each key in one pass, where a key
    that is there during a COPY runs a trigger for every row (3.5 s of a 5.3 s fresh build of 10,000 chips)."""
    for table in tables:
        for constraint in _foreign_keys(table):
            connection.execute(AddConstraint(constraint))


def _foreign_keys(table: Table) -> list[ForeignKeyConstraint]:
    """The table's foreign keys in a stable order (by their columns' names)."""
    return sorted(table.foreign_key_constraints, key=lambda key: [c.name for c in key.columns])


def without_key_triggers(connection: Connection) -> bool:
    """Turn off, until the open transaction ends, the triggers by which PostgreSQL checks each foreign key row by
    row (`SET LOCAL session_replication_role = replica`, as `pg_restore --disable-triggers` does: it stops every
    ordinary trigger and rule in the transaction, and gpudb's tables have none but the keys'), where the role may set
    it (a superuser, or one granted SET on it); whether it did. The caller then checks every key itself
    over the written rows (check_foreign_keys): one query a key instead of a trigger a row, and no lock that
    stops readers, where dropping and re-adding the keys would take ACCESS EXCLUSIVE locks."""
    if connection.dialect.name != "postgresql":
        return False
    if (connection.dialect.server_version_info or (0,)) >= (15,):
        query = "SELECT has_parameter_privilege('session_replication_role', 'SET')"
    else:  # before PostgreSQL 15 only a superuser may set it
        query = "SELECT rolsuper FROM pg_roles WHERE rolname = current_user"
    if not connection.execute(text(query)).scalar():
        return False
    connection.execute(text("SET LOCAL session_replication_role = replica"))
    return True


def check_foreign_keys(connection: Connection, tables: Iterable[Table]) -> None:
    """Raise IntegrityError, with PostgreSQL's own words for it, at the first row of `tables` whose foreign key
    refers to no row (a key of several columns is checked only where none of them is NULL, as MATCH SIMPLE does)."""
    for table in tables:
        for constraint in _foreign_keys(table):
            query = _orphans(constraint)
            orphan = connection.execute(query).first()
            if orphan is not None:
                columns = [element.parent.name for element in constraint.elements]
                name = constraint.name or f"{table.name}_{'_'.join(columns)}_fkey"  # as CREATE TABLE names it
                key = f"({', '.join(columns)})=({', '.join(map(str, orphan))})"
                message = (
                    f'insert or update on table "{table.name}" violates foreign key constraint "{name}"\n'
                    f'DETAIL:  Key {key} is not present in table "{constraint.referred_table.name}".'
                )
                raise IntegrityError(str(query), None, ValueError(message))


def _orphans(constraint: ForeignKeyConstraint) -> Select[Any]:
    """The first row of the constraint's table whose key is set and found in no row of the table it refers to."""
    elements = constraint.elements
    referred = exists().where(and_(*(element.column == element.parent for element in elements)))
    keys = [element.parent for element in elements]
    return select(*keys).where(*(key.is_not(None) for key in keys), ~referred).limit(1)


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
    if isinstance(rows, TupleRows):
        names = list(rows.columns)
        chunks = (_processed(connection, table, names, chunk) for chunk in _chunks(rows.tuples()))
    else:
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


def _chunks(rows: Iterator[T]) -> Iterator[list[T]]:
    while chunk := list(islice(rows, CHUNK_ROWS)):
        yield chunk


def _processors(connection: Connection, table: Table, names: list[str]) -> list[Callable[[Any], Any] | None]:
    """The bind processor of each column of `names` (None where the driver takes the value as it is). A boolean's
    is a dict lookup giving what SQLAlchemy's gives (None, True, False as 1/0 or as themselves), in one C call
    instead of two Python ones: two boolean columns of 280,000 values at 10,000 chips."""
    dialect = connection.dialect
    processors: list[Callable[[Any], Any] | None] = []
    for name in names:
        column_type = table.c[name].type
        processor: Callable[[Any], Any] | None = column_type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None and isinstance(column_type, Boolean):
            processor = (_AS_BOOL if dialect.supports_native_boolean else _AS_INT).__getitem__
        processors.append(processor)
    return processors


# a boolean bound as SQLAlchemy's Boolean binds it; anything else is no boolean (a KeyError, as its TypeError)
_AS_INT: dict[Any, Any] = {None: None, True: 1, False: 0}
_AS_BOOL: dict[Any, Any] = {None: None, True: True, False: False}


def _processed(connection: Connection, table: Table, names: list[str], rows: list[tuple]) -> list[tuple]:
    """Tuples in the order of `names`, through the column types' bind processors (unchanged when none has one)."""
    processors = _processors(connection, table, names)
    if not any(processors):
        return rows
    transposed = zip(*rows, strict=True)
    columns = [map(f, column) if f else column for f, column in zip(processors, transposed, strict=True)]
    return list(zip(*columns, strict=True))


def _tuples(connection: Connection, table: Table, names: list[str], rows: list[dict[str, Any]]) -> list[tuple]:
    """Each row as a tuple in the order of `names`, through the column types' bind processors."""
    columns: list[Iterator[Any]] = []
    for name, processor in zip(names, _processors(connection, table, names), strict=True):
        column = map(itemgetter(name), rows)
        columns.append(map(processor, column) if processor else column)
    return list(zip(*columns, strict=True))
