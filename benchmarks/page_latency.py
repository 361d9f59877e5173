"""The latency of one request (issue 23's targets: a detail page p50 < 30 ms at any size, a compare page p50 < 50 ms
and < 150 KB at 10,000 chips): `gpudb serve` with one worker on the SQLite file, one keep-alive connection asking
for pages one after another, each a page no request asked for before (a first view: the server keeps pages per
build); beside it Datasette's row page of random chips, asked for the same way. Sizes are of an uncompressed page
(the client asks for no gzip) like those timed.

    .venv/bin/python benchmarks/page_latency.py path/to/gpudb.sqlite   # prints the rows
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from web_anchors import chip_ids, datasette_command, datasette_env  # noqa: E402
from web_load import GPUDB, _warm, load, serving  # noqa: E402

MOST_PAGES = 200  # first views of each page; about 3 s a page kind at 15 ms
SECONDS = 30.0  # the most one kind may take, on a slow day
HOW = "1 connection, sequential"


def _sequential(port: int, paths: list[str]) -> dict[str, float]:
    """web_load's generator with one connection, in this process: nothing else asks while a request is answered."""
    return load(port, iter(paths), 1, SECONDS)


Result = tuple[dict[str, float], int]  # the generator's figures, and the size of a page like those timed


def _cell(result: Result) -> str:
    """'p50 / p99 12.3 / 18.1 ms (200 requests; 21 KB a page)'."""
    figures, size = result
    text = f"p50 / p99 {figures['p50_ms']:.1f} / {figures['p99_ms']:.1f} ms ({figures['requests']:,} requests; "
    text += f"{size / 1000:,.0f} KB a page"
    return text + (f"; {figures['errors']} errors)" if figures["errors"] else ")")


def gpudb_side(path: Path, env: dict[str, str], ids: list[str], rng: random.Random) -> dict[str, Result] | str:
    """{"detail": …, "compare": …}, or why gpudb serve did not start."""
    command = [GPUDB, "serve", "--db", f"sqlite:///{path}", "--workers", "1", "--port"]
    with serving(command, env, "/api/accelerators?limit=1") as (port, server):
        if server is None:
            return f"gpudb serve did not start ({port})"
        first, *others = rng.sample(ids, min(len(ids), MOST_PAGES + 1))
        # what a worker loads once a build (the snapshot, the checked claims, the baselines' rows) before the clock;
        # the sizes are of pages like those timed, not among them (those would be kept)
        detail_bytes = _warm(port, f"/accelerators/{first}")
        compare_bytes = _warm(port, f"/compare?ids={first},{others[0]}")
        detail = _sequential(port, [f"/accelerators/{chip}" for chip in others])
        pairs = [f"/compare?ids={a},{b}" for a, b in zip(others, others[1:] + others[:1], strict=True)]
        return {"detail": (detail, detail_bytes), "compare": (_sequential(port, pairs), compare_bytes)}


def datasette_side(path: Path, env: dict[str, str], ids: list[str], rng: random.Random) -> Result | str:
    """Datasette's row page of random chips, or why it did not run."""
    served = datasette_env(env, path)
    if served is None:
        return "skipped: datasette is not installed (pip install datasette)"
    name = path.stem  # Datasette names a database after its file
    with serving(datasette_command(1), served, f"/{name}/accelerator.json?_size=1") as (port, server):
        if server is None:
            return f"Datasette did not start ({port})"
        row_bytes = _warm(port, f"/{name}/accelerator/{ids[0]}")
        chips = rng.sample(ids, min(len(ids), MOST_PAGES))
        return _sequential(port, [f"/{name}/accelerator/{chip}" for chip in chips]), row_bytes


def measure_page_latency(path: Path, env: dict[str, str]) -> dict[str, str]:
    """The rows: gpudb's detail and compare pages, Datasette's row page, and the detail page's p50 over
    Datasette's."""
    ids = chip_ids(path)
    rng = random.Random(len(ids) + 1)
    ours, theirs = gpudb_side(path, env, ids, rng), datasette_side(path, env, ids, rng)
    rows = {
        f"detail page, first view ({HOW})": ours if isinstance(ours, str) else _cell(ours["detail"]),
        f"compare page, first view of a pair ({HOW})": ours if isinstance(ours, str) else _cell(ours["compare"]),
        f"Datasette row page, random chips ({HOW})": theirs if isinstance(theirs, str) else _cell(theirs),
    }
    if not isinstance(ours, str) and not isinstance(theirs, str):
        ratio = ours["detail"][0]["p50_ms"] / theirs[0]["p50_ms"]
        rows["detail page first view ÷ Datasette row page, p50"] = f"{ratio:.2f}×"
    return rows


if __name__ == "__main__":
    import os

    for label, value in measure_page_latency(Path(sys.argv[1]), dict(os.environ)).items():
        print(f"{label}: {value}")
