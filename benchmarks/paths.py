"""The per-chip paths at a catalogue size: detail and compare pages (in-process, p50 of fresh and repeated views,
page size), and `gpudb list` (beside its CSV), `gpudb conflicts`, `gpudb coverage` (wall seconds of a fresh process
each: median and range of `runs`, at least three, this machine's speed moving by a fifth from one minute to the next)
and `gpudb site` (one run: a minute or more at 10,000 chips).

    .venv/bin/python benchmarks/paths.py sqlite:///path/to/gpudb.sqlite   # prints the rows
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from measure import summary, timed  # noqa: E402

GPUDB = str(Path(sys.executable).parent / "gpudb")


def p50_ms(client, paths: list[str]) -> tuple[float, int]:
    """Median milliseconds over the requests, and the size of the last page in bytes."""
    times, size = [], 0
    for path in paths:
        start = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - start) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"GET {path}: {response.status_code}")
        size = len(response.content)
    return statistics.median(times), size


def _wall(command: list[str], env: dict[str, str], runs: int = 1) -> str:
    """Wall seconds of `runs` fresh processes of `command`: '1.84 s (1.80–2.02)', or '65.2 s' for one run."""
    seconds = [timed(command, env)[0] for _ in range(runs)]
    return summary(seconds) if runs > 1 else f"{seconds[0]:.3g} s"


def measure_paths(url: str, env: dict[str, str], site: bool = True, repeats: int = 3) -> dict[str, str]:
    from fastapi.testclient import TestClient

    from gpudb.web import create_app
    from gpudb.web.page_data import chip_ids

    client = TestClient(create_app(url))
    chips = chip_ids(url)
    fresh = chips[: min(20, len(chips))]  # each chip once: a page not yet kept
    detail, size = p50_ms(client, [f"/accelerators/{chip}" for chip in fresh])
    repeated, _ = p50_ms(client, [f"/accelerators/{fresh[0]}"] * 20)
    pairs = [f"/compare?ids={a},{b}" for a, b in zip(fresh, fresh[1:], strict=False)]
    compare, compare_size = p50_ms(client, pairs)
    again, _ = p50_ms(client, [pairs[0]] * 20)
    empty, empty_size = p50_ms(client, ["/compare"] * 5)
    rows = {
        "detail page: p50, first view of a chip": f"{detail:.3g} ms ({size / 1024:.0f} KB)",
        "detail page: p50, repeated view": f"{repeated:.3g} ms",
        "compare page: p50, first view of a pair": f"{compare:.3g} ms ({compare_size / 1024:.0f} KB)",
        "compare page: p50, repeated view": f"{again:.3g} ms",
        "compare page: no chips chosen": f"{empty:.3g} ms ({empty_size / 1024:.0f} KB)",
    }
    env_db = {**env, "GPUDB_DATABASE_URL": url}
    runs = max(repeats, 3)
    # every chip as the table a terminal shows (Rich) and, as its anchor, the same rows as CSV
    rows["gpudb list (table, every chip)"] = _wall([GPUDB, "list"], env_db, runs)
    rows["gpudb list --format csv (anchor)"] = _wall([GPUDB, "list", "--format", "csv"], env_db, runs)
    rows["gpudb conflicts (table)"] = _wall([GPUDB, "conflicts"], env_db, runs)
    rows["gpudb coverage (table)"] = _wall([GPUDB, "coverage"], env_db, runs)
    if site:
        with tempfile.TemporaryDirectory() as out:
            rows["gpudb site"] = _wall([GPUDB, "site", out], env_db)
    return rows


if __name__ == "__main__":
    import os

    for label, value in measure_paths(sys.argv[1], dict(os.environ), "--no-site" not in sys.argv).items():
        print(f"{label}: {value}")
