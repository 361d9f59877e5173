"""Each gpudb figure of issue 23 beside its anchor, the pair run alternately in the same run: the build beside raw
executemany (SQLite) and psycopg COPY (PostgreSQL) of the rows it wrote, `gpudb check` beside CSafeLoader's parse
of the same files, `gpudb.specs()` beside pandas.read_sql + pivot (benchmarks/anchor_runs.py runs each anchor),
and the web rows beside Datasette (benchmarks/web_anchors.py under load, benchmarks/page_latency.py one request at a
time). A ratio is gpudb's median over the anchor's.
"""

from __future__ import annotations

import sqlite3
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from measure import peak_mib, ratio, read_through, summary, timed, timed_json  # noqa: E402
from page_latency import measure_page_latency  # noqa: E402
from web_anchors import measure_web_anchors  # noqa: E402

ANCHOR_RUNS = str(Path(__file__).parent / "anchor_runs.py")


def build_sqlite_rows(repeats: int, env: dict[str, str], sqlite_url: str, gpudb: str) -> dict[str, str]:
    """`gpudb build` into SQLite and, after each, the same rows by sqlite3's executemany into a fresh file."""
    built = sqlite_url.removeprefix("sqlite:///")
    raw = str(Path(built).with_name("raw-executemany.sqlite"))
    builds, anchors = [], []
    for _ in range(repeats):
        read_through(env["GPUDB_DATA_DIR"])
        builds.append(timed([gpudb, "build", "--db", sqlite_url], env))
        read_through(built)
        anchors.append(timed_json([sys.executable, ANCHOR_RUNS, "executemany", built, raw], env))
    seconds = [elapsed for elapsed, _ in builds]
    with sqlite3.connect(built) as connection:
        values = connection.execute("SELECT count(*) FROM spec_value").fetchone()[0]
    return {
        "build SQLite": summary(seconds),
        "build SQLite, values/s": f"{values / statistics.median(seconds):,.0f} ({values:,} values)",
        "build SQLite, peak memory": peak_mib([kib for _, kib in builds]),
        "raw executemany of the same rows (SQLite, fresh process)": _anchor_cell(anchors),
        "build SQLite ÷ raw executemany": ratio(seconds, [elapsed for elapsed, _, _ in anchors]),
    }


def build_postgres_rows(repeats: int, env: dict[str, str], pg_url: str, built: str, gpudb: str) -> dict[str, str]:
    """`gpudb build` into PostgreSQL's new tables (the scratch database emptied first) and, after each, the rows of
    the SQLite build by psycopg's COPY into tables like the build's (a schema of the same database); then the
    build again over its own tables (a rebuild: emptied and filled in one transaction, readers reading on)."""
    import psycopg

    conninfo = pg_url.replace("postgresql+psycopg://", "postgresql://")
    builds, anchors, rebuilds = [], [], []
    for _ in range(repeats):
        with psycopg.connect(conninfo, autocommit=True) as connection:
            connection.execute("DROP SCHEMA public CASCADE; CREATE SCHEMA public")
        read_through(env["GPUDB_DATA_DIR"])
        builds.append(timed([gpudb, "build", "--db", pg_url], env))
        read_through(built)
        anchors.append(timed_json([sys.executable, ANCHOR_RUNS, "copy", built, conninfo], env))
        read_through(env["GPUDB_DATA_DIR"])
        rebuilds.append(timed([gpudb, "build", "--db", pg_url], env))
    seconds = [elapsed for elapsed, _ in builds]
    again = [elapsed for elapsed, _ in rebuilds]
    copies = [elapsed for elapsed, _, _ in anchors]
    return {
        "build PostgreSQL": summary(seconds),
        "build PostgreSQL, peak memory": peak_mib([kib for _, kib in builds]),
        "psycopg COPY of the same rows (PostgreSQL, fresh process)": _anchor_cell(anchors),
        "build PostgreSQL ÷ psycopg COPY": ratio(seconds, copies),
        "build PostgreSQL again, over its own tables (a rebuild)": summary(again),
        "rebuild PostgreSQL ÷ psycopg COPY": ratio(again, copies),
    }


def _anchor_cell(anchors: list[tuple[float, int, dict]]) -> str:
    """'0.41 s (0.39–0.45); the write alone 0.21 s; peak 70 MiB' for the runs of a build's anchor."""
    write = statistics.median(found["write_s"] for _, _, found in anchors)
    kibs = [kib for _, kib, _ in anchors]
    return f"{summary([elapsed for elapsed, _, _ in anchors])}; the write alone {write:.3g} s; peak {peak_mib(kibs)}"


def check_rows(repeats: int, env: dict[str, str], data: Path, gpudb: str) -> dict[str, str]:
    """`gpudb check` and CSafeLoader's parse of every data file, alternately, each a fresh process."""
    checks, parses = [], []
    for _ in range(repeats):
        read_through(data)
        checks.append(timed([gpudb, "check"], {**env, "GPUDB_DATA_DIR": str(data)}))
        read_through(data)
        parses.append(timed_json([sys.executable, ANCHOR_RUNS, "parse", str(data)], env))
    check_seconds, parse_seconds = [elapsed for elapsed, _ in checks], [elapsed for elapsed, _, _ in parses]
    files = parses[0][2]["files"]
    return {
        "gpudb check": f"{summary(check_seconds)}; peak {peak_mib([kib for _, kib in checks])}",
        "CSafeLoader parse of the same files (fresh process)": (  # one row at every size: the count in the cell
            f"{summary(parse_seconds)}; {files:,} files; peak {peak_mib([kib for _, kib, _ in parses])}"
        ),
        "gpudb check ÷ CSafeLoader parse": ratio(check_seconds, parse_seconds),
    }


def specs_rows(repeats: int, env: dict[str, str], sqlite_url: str) -> dict[str, str]:
    """gpudb.specs() and pandas.read_sql + pivot alternately in one fresh process (each called once first)."""
    _, kib, found = timed_json([sys.executable, ANCHOR_RUNS, "specs", sqlite_url, str(max(repeats, 5))], env)
    return {
        "gpudb.specs() (alternating with the anchor below, one process)": summary(found["specs_s"], "ms", 1000),
        "pandas.read_sql + pivot of the preferred values": summary(found["read_sql_s"], "ms", 1000),
        "gpudb.specs() ÷ read_sql + pivot": f"{ratio(found['specs_s'], found['read_sql_s'])}; process peak "
        f"{peak_mib([kib])}",
    }


def anchor_rows(repeats: int, env: dict[str, str], data: Path, sqlite_url: str, gpudb: str) -> dict[str, str]:
    """The anchors beside figures that are not the build's (the build's come with it: run.bench_build)."""
    rows = check_rows(repeats, env, data, gpudb)
    rows.update(specs_rows(repeats, env, sqlite_url))
    rows.update(measure_web_anchors(Path(sqlite_url.removeprefix("sqlite:///")), env))
    rows.update(measure_page_latency(Path(sqlite_url.removeprefix("sqlite:///")), env))
    return rows
