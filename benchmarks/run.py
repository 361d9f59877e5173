"""gpudb's benchmark suite: build, cold CLI and web-table figures at 30, 1,000 and 10,000 accelerators.

    make bench                       # or: .venv/bin/python benchmarks/run.py [--sizes 30,1000] [--repeats 3]
    .venv/bin/python benchmarks/run.py --only build   # the build rows alone, merged into RESULTS.md's table
    .venv/bin/python benchmarks/run.py --only cli     # the cold-CLI rows alone, likewise
    .venv/bin/python benchmarks/run.py --only web     # the web-load and server-memory rows alone, likewise
    .venv/bin/python benchmarks/run.py --only paths   # detail, compare, site, conflicts, coverage, likewise
    .venv/bin/python benchmarks/run.py --only anchors # every figure beside its anchor (issue 23; the build's too)
    .venv/bin/python benchmarks/run.py --only build --sizes 100000   # sizes above 10,000 measure the build alone

The build rows come with their anchors (raw executemany, psycopg COPY of the same rows); `--only anchors` adds
`gpudb check` beside CSafeLoader, `gpudb.specs()` beside read_sql + pivot, and the web rows beside Datasette
(benchmarks/anchors.py), and the latency of one first view of a detail and a compare page beside Datasette's row
page (benchmarks/page_latency.py; GPUDB_BENCH_DATASETTE_PATH names a `pip install --target` folder of Datasette
when this Python has none). Prints, for each size, median and spread (min–max) and writes them to
benchmarks/RESULTS.md with the date and the machine's load. Each measurement runs in a fresh process, as a user
would run it. PostgreSQL runs use GPUDB_BENCH_POSTGRES_URL (default: the test server's `postgres` database, in
which a scratch database is created and dropped). --gpudb measures another gpudb command (e.g. an older
checkout's) with the same harness, for before/after figures; it writes nothing.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from anchors import anchor_rows, build_postgres_rows, build_sqlite_rows  # noqa: E402
from generate import generate  # noqa: E402
from measure import summary, timed  # noqa: E402
from paths import measure_paths  # noqa: E402
from web_load import measure_server  # noqa: E402

ROOT = Path(__file__).parent.parent
GPUDB = str(Path(sys.executable).parent / "gpudb")
PG_ADMIN = os.environ.get("GPUDB_BENCH_POSTGRES_URL", "postgresql://127.0.0.1:5432/postgres")
BUILD_ONLY_ABOVE = 10_000  # larger catalogues measure the build rows alone
GROUPS = ("build", "cli", "web", "paths", "anchors")
LOADS: list[float] = []  # the 1-minute load average at the start and end of each size


def pg_scratch(name: str) -> str | None:
    """A fresh PostgreSQL database for the benchmark, or None when no server answers."""
    try:
        import psycopg
    except ImportError:
        return None
    try:
        with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
            connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error:
        return None
    return PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + f"/{name}"


def bench_size(count: int, repeats: int, work: Path, only: str | None = None) -> dict[str, str]:
    """The rows of one catalogue size: every group's, or `only` that group's (above BUILD_ONLY_ABOVE, the build's
    alone)."""
    groups = {only} if only else set(GROUPS)
    if count > BUILD_ONLY_ABOVE:
        groups &= {"build", "anchors"}
        if not groups:
            return {}
    LOADS.append(os.getloadavg()[0])
    data = generate(work / f"n{count}", count)
    env = {**os.environ, "GPUDB_DATA_DIR": str(data)}
    sqlite_url = f"sqlite:///{work / f'n{count}' / 'gpudb.sqlite'}"
    if groups & {"build", "anchors"}:
        rows = bench_build(count, repeats, env, sqlite_url)
    else:
        rows = {}
        timed([GPUDB, "build", "--db", sqlite_url], env)  # the database they read; not a figure here
    if count <= BUILD_ONLY_ABOVE:
        env_db = {**env, "GPUDB_DATABASE_URL": sqlite_url}
        if "cli" in groups:
            rows.update(bench_cli(repeats, env, sqlite_url))
        if "web" in groups:
            rows.update(measure_server(sqlite_url, env_db))
        if "paths" in groups:
            rows.update(measure_paths(sqlite_url, env, repeats=repeats))
        if "anchors" in groups:
            rows.update(anchor_rows(repeats, env, data, sqlite_url, GPUDB))
    LOADS.append(os.getloadavg()[0])
    return rows


def bench_build(count: int, repeats: int, env: dict[str, str], sqlite_url: str) -> dict[str, str]:
    """`gpudb build` into SQLite and PostgreSQL, each run a fresh process on the same data, each beside its
    anchor (the same rows written by the plainest means) run after it."""
    rows = build_sqlite_rows(repeats, env, sqlite_url, GPUDB)
    pg_url = pg_scratch(f"gpudb_bench_{count}")
    if pg_url:
        rows.update(build_postgres_rows(repeats, env, pg_url, sqlite_url.removeprefix("sqlite:///"), GPUDB))
    else:
        rows["build PostgreSQL"] = "skipped: no PostgreSQL server answered"
    return rows


def bench_cli(repeats: int, env: dict[str, str], sqlite_url: str) -> dict[str, str]:
    """Cold CLI latency (a fresh process each run) on the database that bench_build wrote."""
    rows: dict[str, str] = {}
    first, second = "chip-00000", "chip-00001"
    env_db = {**env, "GPUDB_DATABASE_URL": sqlite_url}
    for label, command in (
        (f"cold CLI: gpudb compare {first} {second}", [GPUDB, "compare", first, second]),
        (f"cold CLI: gpudb show {first}", [GPUDB, "show", first]),
    ):
        runs = [timed(command, env_db) for _ in range(max(repeats, 5))]
        rows[label] = summary([elapsed for elapsed, _ in runs])
    # the floor any command on SQLAlchemy pays, measured alongside: it scales the figures above to the machine's
    # speed at the time (on shared machines it varies several-fold from day to day)
    floor = [timed([sys.executable, "-c", "import sqlalchemy"], env_db) for _ in range(max(repeats, 5))]
    rows["reference: python -c 'import sqlalchemy'"] = summary([elapsed for elapsed, _ in floor])
    return rows


def machine() -> str:
    cpus = os.cpu_count()
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        total_kib = int(meminfo.read_text().split()[1])
        memory = f", {total_kib / 1024 / 1024:.0f} GiB memory"
    return f"{platform.machine()}, {cpus} CPU cores{memory}, Python {platform.python_version()}, {platform.system()}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="30,1000,10000")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "RESULTS.md")
    parser.add_argument(
        "--only",
        choices=GROUPS,
        help="measure the build (with its anchors), the cold CLI, the web server, the per-chip paths or the other "
        "anchors alone; its rows replace the table's",
    )
    parser.add_argument("--gpudb", help="the gpudb command to measure (default: this checkout's); writes nothing")
    arguments = parser.parse_args()
    global GPUDB
    GPUDB = arguments.gpudb or GPUDB
    sizes = [int(size) for size in arguments.sizes.split(",") if size.isdigit() and int(size) > 0]
    if len(sizes) != len(arguments.sizes.split(",")):
        parser.error(f"--sizes {arguments.sizes!r}: expected chip counts above 0, separated by commas (30,1000)")
    if arguments.only and not arguments.gpudb and not has_results_table(arguments.out):
        parser.error(
            f"--out {arguments.out}: no results table to merge the --only rows into "
            "(a file with a '| measurement |' table, as a run without --only writes)"
        )
    results: dict[int, dict[str, str]] = {}
    with tempfile.TemporaryDirectory(prefix="gpudb-bench-") as work:
        for count in sizes:
            print(f"== {count} accelerators", flush=True)
            results[count] = bench_size(count, arguments.repeats, Path(work), arguments.only)
            for label, value in results[count].items():
                print(f"  {label}: {value}", flush=True)
    if arguments.gpudb:
        return
    if arguments.only:
        merge_results(arguments.out, results, arguments.only)
    else:
        write_results(arguments.out, results, arguments)


def has_results_table(path: Path) -> bool:
    """Whether `path` is a readable file with a results table (the one merge_results replaces rows of)."""
    try:
        return any(line.startswith("| measurement |") for line in path.read_text().splitlines())
    except (OSError, UnicodeDecodeError):
        return False


def merge_results(path: Path, results: dict[int, dict[str, str]], group: str) -> None:
    """Replace the cells of the measured rows in an existing RESULTS.md table (a size it lacks becomes a column, in
    order), add the rows it lacks (each after the row measured before it), and say above it when and at what load
    `group` was measured; every other row and cell stays."""
    lines = path.read_text().splitlines()
    header = next(index for index, line in enumerate(lines) if line.startswith("| measurement |"))
    end = header + 2
    while end < len(lines) and lines[end].startswith("| "):
        end += 1
    sizes, table = parse_table(lines[header:end])
    order = list(table)
    measured = list(dict.fromkeys(label for rows in results.values() for label in rows))
    for previous, label in zip([None, *measured], measured, strict=False):
        if label not in order:  # a new row goes after the row measured before it
            order.insert(order.index(previous) + 1 if previous in order else len(order), label)
    table = {label: table.get(label, {}) for label in order}
    for size, rows in results.items():
        for label, value in rows.items():
            table[label][size] = value
    sizes = sorted(set(sizes) | {size for size, rows in results.items() if rows})
    stamp = f"`--only {group}` rows: measured {time.strftime('%Y-%m-%d')}, {load_text()}."
    dated = [index for index in range(header) if lines[index].startswith(f"`--only {group}` rows:")]
    lines[header:end] = table_lines(table, sizes)
    if dated:
        lines[dated[0]] = stamp
    else:
        lines[header:header] = [stamp, ""]
    path.write_text("\n".join(lines) + "\n")
    print(f"updated the measured rows of {path}")


def parse_table(lines: list[str]) -> tuple[list[int], dict[str, dict[int, str]]]:
    """A results table's lines (header, rule, rows): its sizes, and label → size → cell, rows in order (empty cells
    left out)."""
    sizes = [int(cell.split()[0].replace(",", "")) for cell in lines[0].strip("| ").split(" | ")[1:]]
    table: dict[str, dict[int, str]] = {}
    for line in lines[2:]:
        label, *cells = [cell.strip() for cell in line.strip().strip("|").split(" | ")]
        table[label] = {size: cell for size, cell in zip(sizes, cells, strict=False) if cell}
    return sizes, table


def table_lines(table: dict[str, dict[int, str]], sizes: list[int]) -> list[str]:
    lines = [
        "| measurement | " + " | ".join(f"{size:,} accelerators" for size in sizes) + " |",
        "|---|" + "---|" * len(sizes),
    ]
    return lines + [
        f"| {label} | " + " | ".join(cells.get(size, "") for size in sizes) + " |" for label, cells in table.items()
    ]


def load_text() -> str:
    """'load 1.7–2.3 (1-minute average at the start and end of each size)'."""
    if not LOADS:
        return "load not read"
    return f"load {min(LOADS):.1f}–{max(LOADS):.1f} (1-minute average at the start and end of each size)"


def write_results(path: Path, results: dict[int, dict[str, str]], arguments: argparse.Namespace) -> None:
    table: dict[str, dict[int, str]] = {}
    for size, rows in results.items():
        for label, value in rows.items():
            table.setdefault(label, {})[size] = value
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {machine()}. Measured {time.strftime('%Y-%m-%d')}, {load_text()}.",
        "",
        f"Reproduce: `make bench` (here: `.venv/bin/python benchmarks/run.py --sizes {arguments.sizes} "
        f"--repeats {arguments.repeats}`). Median (min–max) over the repeats; every run is a fresh process.",
        "",
        *table_lines(table, list(results)),
    ]
    notes = Path(__file__).parent / "NOTES.md"
    path.write_text("\n".join(lines) + "\n" + NOTES + ("\n" + notes.read_text() if notes.exists() else ""))
    print(f"wrote {path}")


NOTES = """
Targets (issue 8, on a 2-core machine): build of 10,000 accelerators under 10 s into SQLite; `gpudb compare`
cold under 0.5 s; the table API sorted and filtered, 100 rows a page, p50 under 20 ms and at least 500
requests/s; server memory flat over requests. Anchors (issue 23): build SQLite at most 2.5× raw executemany of
the same rows, peak under 300 MiB; build PostgreSQL at most 3× psycopg COPY; `gpudb check` at most 1.2× the
CSafeLoader parse; `gpudb.specs()` at most 2× read_sql + pivot; the table API uncached at least 2× Datasette's
requests/s, p50 under 40 ms; under 250 MiB a server worker. See the notes below the table for where a figure is
missed.
"""


if __name__ == "__main__":
    main()
