"""The web rows beside their anchor (issue 23): gpudb serve and Datasette on the same SQLite file, with as many
workers each, and each pair of rows loaded the same way on both sides:

- the table rows by wrk (benchmarks/paths.lua: one path a request from a list) when it is installed: the Python
  generator took 0.2-0.3 ms of CPU a request on the same two cores, wrk under 0.1 ms, and at several hundred
  requests a second that is CPU the servers lose (else web_load's Python generator, and the rows say so);
- the detail rows by web_load's Python generator (keep-alive connections in threads, a second process), which
  can ask each chip once and then stop; wrk cannot end a run early, and would come round to cached pages.

- gpudb's table API at random offsets (100 rows a page, a random sort column and order), each request a view no
  worker has drawn before, so every one misses the page cache; beside it Datasette's table JSON at random
  `_next` keys, 100 rows a page.
- gpudb's detail page of each chip once (a cache miss; one chip warms every worker first) beside Datasette's
  row page of random chips.
- The memory of each server's largest worker after its load.

    .venv/bin/python benchmarks/web_anchors.py path/to/gpudb.sqlite   # prints the rows
"""

from __future__ import annotations

import importlib.util
import os
import random
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from web_load import (  # noqa: E402
    CLIENTS,
    GPUDB,
    WORKERS,
    _warm,
    per_worker_mib,
    run_python_load,
    run_wrk_paths,
    serving,
)

HERE = Path(__file__).parent
MOST_PATHS = 40_000  # more than either load generator has sent in SECONDS on the machines measured so far
TABLE_TOOL = "wrk" if shutil.which("wrk") else "python"


def table_paths(count: int, rng: random.Random) -> list[str]:
    """Distinct table-API views of 100 rows: a sort column, an order, and an offset inside the catalogue."""
    from gpudb.web.params import SORT_KEYS

    views = rng.sample(range(len(SORT_KEYS) * 2 * count), min(MOST_PATHS, len(SORT_KEYS) * 2 * count))
    return [
        f"/api/accelerators?sort={SORT_KEYS[view // (2 * count)]}&order={('asc', 'desc')[view // count % 2]}"
        f"&limit=100&offset={view % count}"
        for view in views
    ]


def chip_ids(path: Path) -> list[str]:
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as connection:
        return [row[0] for row in connection.execute("SELECT id FROM accelerator ORDER BY id")]


def loaded(port: int, paths: list[str], once: bool, tool: str = "python") -> dict[str, float]:
    """A load generator over `paths` (each once, or round and round): wrk, or web_load's Python one. wrk goes round
    again when the paths run out; `repeated` is then how many requests were of a path already asked."""
    if tool == "wrk":
        result = run_wrk_paths(port, paths)
        return {**result, "repeated": max(result["requests"] - len(paths), 0) if once else 0}
    with tempfile.NamedTemporaryFile("w", suffix=".paths") as listing:
        listing.write("\n".join(paths) + "\n")
        listing.flush()
        return run_python_load(port, ("@" if once else "@@") + listing.name)


def figures(result: dict[str, float]) -> str:
    """'312 requests/s, p50 / p99 11.9 / 48.0 ms (3,120 requests; 139 KB a page)'."""
    text = f"{result['rps']:,.0f} requests/s, p50 / p99 {result['p50_ms']:.1f} / {result['p99_ms']:.1f} ms"
    text += f" ({result['requests']:,} requests; {result['bytes'] / 1000:,.0f} KB a page"
    if result.get("repeated"):
        text += f"; {result['repeated']:,} of them a path asked before"
    return text + (f"; {result['errors']} errors)" if result["errors"] else ")")


def gpudb_side(path: Path, env: dict[str, str], ids: list[str], rng: random.Random) -> dict[str, dict | str]:
    command = [GPUDB, "serve", "--db", f"sqlite:///{path}", "--workers", str(WORKERS), "--port"]
    with serving(command, env, "/api/accelerators?limit=1") as (port, server):
        if server is None:
            return {"skipped": f"gpudb serve did not start ({port})"}
        first, *others = rng.sample(ids, len(ids))
        # every worker has its snapshot, and what a first detail page loads once a build (the claims), before the
        # clock; the sizes are of a page like those timed (not one of them: that would be cached)
        table_bytes = _warm(port, "/api/accelerators?limit=100")
        detail_bytes = _warm(port, f"/accelerators/{first}")
        table = {**loaded(port, table_paths(len(ids), rng), once=True, tool=TABLE_TOOL), "bytes": table_bytes}
        detail = {**loaded(port, [f"/accelerators/{chip}" for chip in others], once=True), "bytes": detail_bytes}
        return {"table": table, "detail": detail, "memory": per_worker_mib(server.pid)}


def datasette_env(env: dict[str, str], path: Path) -> dict[str, str] | None:
    """The environment of a Datasette server on `path`, or None when Datasette is not installed: in this Python, or
    in GPUDB_BENCH_DATASETTE_PATH (a folder of `pip install --target`, given to Datasette's process alone, so its
    own copies of click and the rest never reach gpudb's)."""
    extra = env.get("GPUDB_BENCH_DATASETTE_PATH")
    served = {**env, "GPUDB_BENCH_DATASETTE_DB": str(path)}
    if extra and (Path(extra) / "datasette").is_dir():
        return {**served, "PYTHONPATH": os.pathsep.join([extra, *filter(None, [env.get("PYTHONPATH")])])}
    return served if importlib.util.find_spec("datasette") is not None else None


def datasette_command(workers: int) -> list[str]:
    """Datasette on GPUDB_BENCH_DATASETTE_DB through uvicorn with `workers` workers, less the port (serving adds it)."""
    command = [sys.executable, "-m", "uvicorn", "--factory", "--workers", str(workers), "--app-dir", str(HERE)]
    return command + ["datasette_app:app", "--host", "127.0.0.1", "--port"]


def datasette_side(path: Path, env: dict[str, str], ids: list[str], rng: random.Random) -> dict[str, dict | str]:
    served = datasette_env(env, path)
    if served is None:
        return {"skipped": "datasette is not installed (pip install datasette)"}
    name = path.stem  # Datasette names a database after its file
    with serving(datasette_command(WORKERS), served, f"/{name}/accelerator.json?_size=1") as (port, server):
        if server is None:
            return {"skipped": f"Datasette did not start ({port})"}
        table_bytes = _warm(port, f"/{name}/accelerator.json?_size=100")
        row_bytes = _warm(port, f"/{name}/accelerator/{ids[0]}")
        shuffled = rng.sample(ids, len(ids))  # Datasette keeps no pages, so the same paths may come round again
        tables = [f"/{name}/accelerator.json?_size=100&_next={chip}" for chip in shuffled]
        table = {**loaded(port, tables, once=False, tool=TABLE_TOOL), "bytes": table_bytes}
        row = {**loaded(port, [f"/{name}/accelerator/{chip}" for chip in shuffled], once=False), "bytes": row_bytes}
        return {"table": table, "detail": row, "memory": per_worker_mib(server.pid)}


def measure_web_anchors(path: Path, env: dict[str, str]) -> dict[str, str]:
    """The rows: each side's figures, gpudb's requests/s as a multiple of Datasette's, and the workers' memory."""
    ids = chip_ids(path)
    rng = random.Random(len(ids))
    ours, theirs = gpudb_side(path, env, ids, rng), datasette_side(path, env, ids, rng)
    how = f"{WORKERS} workers, {CLIENTS} connections"
    rows: dict[str, str] = {}
    for key, label, anchor in (
        (
            "table",
            f"table API uncached, random offsets ({how}, {TABLE_TOOL})",
            "Datasette table JSON, random _next, 100 rows",
        ),
        ("detail", f"detail page uncached, each chip once ({how}, python)", "Datasette row page, random chips"),
    ):
        rows[label] = ours.get("skipped") or figures(ours[key])
        rows[anchor] = theirs.get("skipped") or figures(theirs[key])
        if "skipped" not in ours and "skipped" not in theirs:
            rows[f"{label.split(' (')[0]} ÷ {anchor.split(',')[0]}, requests/s"] = (
                f"{ours[key]['rps'] / theirs[key]['rps']:.2f}×"
            )
    rows["server memory per worker after load: gpudb"] = ours.get("skipped") or ours["memory"]
    rows["server memory per worker after load: Datasette"] = theirs.get("skipped") or theirs["memory"]
    return rows


if __name__ == "__main__":
    for label, value in measure_web_anchors(Path(sys.argv[1]), dict(os.environ)).items():
        print(f"{label}: {value}")
