"""gpudb's benchmark suite: build, cold CLI and web-table figures at 30, 1,000 and 10,000 accelerators.

    make bench                       # or: .venv/bin/python benchmarks/run.py [--sizes 30,1000] [--repeats 3]
    .venv/bin/python benchmarks/run.py --only build   # the build rows alone, merged into RESULTS.md's table
    .venv/bin/python benchmarks/run.py --only cli     # the cold-CLI rows alone, likewise
    .venv/bin/python benchmarks/run.py --only web     # the web-load and server-memory rows alone, likewise
    .venv/bin/python benchmarks/run.py --only paths   # detail, compare, site, conflicts, coverage, likewise

Prints, for each size, median and spread (min–max) and writes them to benchmarks/RESULTS.md. Each measurement
runs in a fresh process, as a user would run it. PostgreSQL runs use GPUDB_BENCH_POSTGRES_URL (default: the
test server's `postgres` database, in which a scratch database is created and dropped). --gpudb measures another
gpudb command (e.g. an older checkout's) with the same harness, for before/after figures; it writes nothing.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from generate import generate  # noqa: E402
from paths import measure_paths  # noqa: E402
from web_load import measure_server  # noqa: E402

ROOT = Path(__file__).parent.parent
GPUDB = str(Path(sys.executable).parent / "gpudb")
PG_ADMIN = os.environ.get("GPUDB_BENCH_POSTGRES_URL", "postgresql://127.0.0.1:5432/postgres")


def timed(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak resident memory (KiB) of one run of `command` in a fresh process."""
    start = time.perf_counter()
    result = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *command], env=env, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return elapsed, int(result.stderr.strip().splitlines()[-1])


def summary(samples: list[float], unit: str = "s", scale: float = 1.0) -> str:
    """'0.412 s (0.398–0.431)': median and range."""
    values = [sample * scale for sample in samples]
    return f"{statistics.median(values):.3g} {unit} ({min(values):.3g}–{max(values):.3g})"


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
    data = generate(work / f"n{count}", count)
    env = {**os.environ, "GPUDB_DATA_DIR": str(data)}
    sqlite_url = f"sqlite:///{work / f'n{count}' / 'gpudb.sqlite'}"
    if only in ("cli", "web", "paths"):
        timed([GPUDB, "build", "--db", sqlite_url], env)  # the database they read; not a figure here
        if only == "cli":
            return bench_cli(repeats, env, sqlite_url)
        if only == "paths":
            return measure_paths(sqlite_url, env)
        return measure_server(sqlite_url, {**env, "GPUDB_DATABASE_URL": sqlite_url})
    rows = bench_build(count, repeats, env, sqlite_url)
    if only == "build":
        return rows
    rows.update(bench_cli(repeats, env, sqlite_url))
    rows.update(measure_server(sqlite_url, {**env, "GPUDB_DATABASE_URL": sqlite_url}))
    rows.update(measure_paths(sqlite_url, env))
    return rows


def bench_build(count: int, repeats: int, env: dict[str, str], sqlite_url: str) -> dict[str, str]:
    """`gpudb build` into SQLite and PostgreSQL, each run a fresh process on the same data."""
    rows: dict[str, str] = {}
    builds = [timed([GPUDB, "build", "--db", sqlite_url], env) for _ in range(repeats)]
    values = _count_values(sqlite_url)
    seconds = [elapsed for elapsed, _ in builds]
    rows["build SQLite"] = summary(seconds)
    rows["build SQLite, values/s"] = f"{values / statistics.median(seconds):,.0f} ({values:,} values)"
    rows["build SQLite, peak memory"] = f"{max(kib for _, kib in builds) / 1024:.0f} MiB"
    pg_url = pg_scratch(f"gpudb_bench_{count}")
    if pg_url:
        pg_builds = [timed([GPUDB, "build", "--db", pg_url], env) for _ in range(repeats)]
        rows["build PostgreSQL"] = summary([elapsed for elapsed, _ in pg_builds])
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


def _count_values(url: str) -> int:
    import sqlite3

    with sqlite3.connect(url.removeprefix("sqlite:///")) as connection:
        return connection.execute("SELECT count(*) FROM spec_value").fetchone()[0]


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
        choices=["build", "cli", "web", "paths"],
        help="measure the build, the cold CLI, the web server or the per-chip paths alone; its rows replace the "
        "table's",
    )
    parser.add_argument("--gpudb", help="the gpudb command to measure (default: this checkout's); writes nothing")
    arguments = parser.parse_args()
    global GPUDB
    GPUDB = arguments.gpudb or GPUDB
    sizes = [int(size) for size in arguments.sizes.split(",")]
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
        merge_results(arguments.out, results)
    else:
        write_results(arguments.out, results, arguments)


def merge_results(path: Path, results: dict[int, dict[str, str]]) -> None:
    """Replace the cells of the measured rows in an existing RESULTS.md table, and add rows it lacks at its end;
    every other row stays."""
    lines = path.read_text().splitlines()
    header = next(index for index, line in enumerate(lines) if line.startswith("| measurement |"))
    sizes = [int(cell.split()[0].replace(",", "")) for cell in lines[header].strip("| ").split(" | ")[1:]]
    if set(results) != set(sizes):
        raise SystemExit(f"--only needs the table's sizes ({','.join(map(str, sizes))}) to merge into {path}")

    def row(label: str) -> str:
        return f"| {label} | " + " | ".join(results[size].get(label, "") for size in sizes) + " |"

    end = header + 2
    while end < len(lines) and lines[end].startswith("| "):
        label = lines[end].strip("| ").split(" | ")[0]
        if label in results[sizes[0]]:
            lines[end] = row(label)
        end += 1
    present = {line.strip("| ").split(" | ")[0] for line in lines[header + 2 : end]}
    lines[end:end] = [row(label) for label in results[sizes[0]] if label not in present]
    path.write_text("\n".join(lines) + "\n")
    print(f"updated the measured rows of {path}")


def write_results(path: Path, results: dict[int, dict[str, str]], arguments: argparse.Namespace) -> None:
    labels = list(dict.fromkeys(label for rows in results.values() for label in rows))
    sizes = list(results)
    lines = [
        "# Benchmark results",
        "",
        f"Machine: {machine()}. Measured {time.strftime('%Y-%m-%d')}.",
        "",
        f"Reproduce: `make bench` (here: `.venv/bin/python benchmarks/run.py --sizes {arguments.sizes} "
        f"--repeats {arguments.repeats}`). Median (min–max) over the repeats; every run is a fresh process.",
        "",
        "| measurement | " + " | ".join(f"{size:,} accelerators" for size in sizes) + " |",
        "|---|" + "---|" * len(sizes),
    ]
    for label in labels:
        lines.append(f"| {label} | " + " | ".join(results[size].get(label, "") for size in sizes) + " |")
    notes = Path(__file__).parent / "NOTES.md"
    path.write_text("\n".join(lines) + "\n" + NOTES + ("\n" + notes.read_text() if notes.exists() else ""))
    print(f"wrote {path}")


NOTES = """
Targets (issue 8, on a 2-core machine): build of 10,000 accelerators under 10 s into SQLite; `gpudb compare`
cold under 0.5 s; the table API sorted and filtered, 100 rows a page, p50 under 20 ms and at least 500
requests/s; server memory flat over requests. See the notes below the table for where a figure is missed.
"""


if __name__ == "__main__":
    main()
