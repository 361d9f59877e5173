"""The anchors of issue 23: what the plainest tool does with the same input, each run as its own fresh process.

    python benchmarks/anchor_runs.py executemany BUILT.sqlite OUT.sqlite   # gpudb's rows, sqlite3 executemany
    python benchmarks/anchor_runs.py copy BUILT.sqlite CONNINFO             # the same rows, psycopg COPY
    python benchmarks/anchor_runs.py parse DATA_DIR                         # every data file through CSafeLoader
    python benchmarks/anchor_runs.py specs SQLITE_URL ROUNDS                # gpudb.specs() and read_sql + pivot

Each prints one JSON line. The rows of the first two are those `gpudb build` wrote (read back from the SQLite file
it built), so the anchor writes exactly what the build writes; only the standard library, PyYAML, psycopg and
pandas are imported, each where it is used, so a process pays for no more than its tool.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path


def built_rows(built: str) -> tuple[list[str], list[str], dict[str, tuple[list[str], list[tuple]]]]:
    """The built SQLite file's CREATE TABLE and CREATE INDEX statements (creation order) and every table's
    columns and rows."""
    import sqlite3

    with sqlite3.connect(f"file:{built}?mode=ro", uri=True) as source:
        schema = source.execute("SELECT type, name, sql FROM sqlite_master WHERE sql IS NOT NULL").fetchall()
        tables = [sql for kind, _, sql in schema if kind == "table"]
        indexes = [sql for kind, _, sql in schema if kind == "index"]
        rows = {}
        for kind, name, _ in schema:
            if kind == "table":
                cursor = source.execute(f'SELECT * FROM "{name}"')
                rows[name] = ([column[0] for column in cursor.description], cursor.fetchall())
    return tables, indexes, rows


def executemany_seconds(built: str, out: str) -> dict[str, float]:
    """The built database's rows into a fresh file of the same schema by sqlite3's executemany, in one transaction,
    the indexes made after the rows (as the build does); seconds for the write alone."""
    import sqlite3

    tables, indexes, rows = built_rows(built)
    Path(out).unlink(missing_ok=True)
    start = time.perf_counter()
    connection = sqlite3.connect(out)
    with connection:
        for statement in tables:
            connection.execute(statement)
        for name, (columns, values) in rows.items():
            marks = ", ".join("?" * len(columns))
            connection.executemany(f'INSERT INTO "{name}" VALUES ({marks})', values)
        for statement in indexes:
            connection.execute(statement)
    connection.close()
    return {"write_s": time.perf_counter() - start, "rows": sum(len(values) for _, values in rows.values())}


def copy_seconds(built: str, conninfo: str) -> dict[str, float]:
    """The same rows into PostgreSQL by psycopg's COPY, in one transaction, into tables made `LIKE` the ones the
    build made there (schema `anchor` of the same database: columns, defaults and indexes; no foreign keys);
    seconds for the write alone."""
    import psycopg
    from psycopg import sql

    _, _, rows = built_rows(built)
    start = time.perf_counter()
    with psycopg.connect(conninfo) as connection, connection.cursor() as cursor:
        cursor.execute("DROP SCHEMA IF EXISTS anchor CASCADE; CREATE SCHEMA anchor")
        for name, (columns, values) in rows.items():
            table = sql.Identifier("anchor", name)
            cursor.execute(sql.SQL("CREATE TABLE {} (LIKE {} INCLUDING ALL)").format(table, sql.Identifier(name)))
            names = sql.SQL(", ").join(map(sql.Identifier, columns))
            with cursor.copy(sql.SQL("COPY {} ({}) FROM STDIN").format(table, names)) as copy:
                for row in values:
                    copy.write_row(row)
    return {"write_s": time.perf_counter() - start, "rows": sum(len(values) for _, values in rows.values())}


def parse_files(data: str) -> dict[str, float]:
    """Every .yaml/.yml file below `data` (what `gpudb check` reads) parsed by PyYAML's CSafeLoader (libyaml): the
    anchor of benchmarks/check_anchor.py, timed."""
    from check_anchor import parse_all  # benchmarks/ is this script's folder, so on the path

    start = time.perf_counter()
    files, _ = parse_all(Path(data))
    return {"parse_s": time.perf_counter() - start, "files": files}


def read_sql_pivot(path: str):
    """The anchor of gpudb.specs(): the preferred values by pandas.read_sql on a plain sqlite3 connection, pivoted
    to a column per metric."""
    import sqlite3

    import pandas as pd

    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        values = pd.read_sql(
            "SELECT accelerator_id, metric_key, coalesce(value_number, value_text) AS value FROM spec_value"
            " WHERE preferred AND status = 'value'",
            connection,
        )
    return values.pivot(index="accelerator_id", columns="metric_key", values="value")


def specs_rounds(url: str, rounds: int) -> dict[str, list[float]]:
    """gpudb.specs() and the read_sql anchor alternately in this one process, each called once before the clock
    (imports, the engine); seconds of each call, and the frames' shapes (chips × metrics) as a check."""
    import gpudb

    path = url.removeprefix("sqlite:///")
    wide, anchor = gpudb.specs(url=url), read_sql_pivot(path)
    times: dict[str, list[float]] = {"specs_s": [], "read_sql_s": []}
    for _ in range(rounds):
        for key, call in (("specs_s", lambda: gpudb.specs(url=url)), ("read_sql_s", lambda: read_sql_pivot(path))):
            start = time.perf_counter()
            call()
            times[key].append(time.perf_counter() - start)
    return {**times, "specs_shape": list(wide.shape), "read_sql_shape": list(anchor.shape)}


if __name__ == "__main__":
    mode, *arguments = sys.argv[1:]
    if mode == "executemany":
        result = executemany_seconds(*arguments)
    elif mode == "copy":
        result = copy_seconds(*arguments)
    elif mode == "parse":
        result = parse_files(*arguments)
    else:
        result = specs_rounds(arguments[0], int(arguments[1]))
    print(json.dumps(result))
