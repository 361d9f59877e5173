"""Load on the web table from a second process: requests per second, p50/p99 latency, server memory.

`measure_server(url, env)` starts `gpudb serve` on the database, waits until it answers, runs the load generator
(`python web_load.py load ...`, a separate process with keep-alive connections in threads) against the table
API and the HTML table page, and reads the server's resident memory (all its processes) before and after.
"""

from __future__ import annotations

import contextlib
import http.client
import itertools
import json
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

GPUDB = str(Path(sys.executable).parent / "gpudb")
# as many workers as this machine's two cores, and enough connections to keep them busy (RESULTS.md's figures)
WORKERS = int(os.environ.get("GPUDB_BENCH_WORKERS", "2"))
CLIENTS = int(os.environ.get("GPUDB_BENCH_CLIENTS", "8"))
SECONDS = float(os.environ.get("GPUDB_BENCH_SECONDS", "10"))
TABLE_API = "/api/accelerators?sort=tpp&order=desc&vendor=Acme&limit=100"
TABLE_PAGE = "/?sort=tpp&order=desc&vendor=Acme"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def rss_kib(pid: int) -> int:
    """Resident memory of a process and its children, in KiB."""
    total = 0
    pids = [pid] + [int(child) for child in _children(pid)]
    for each in pids:
        status = Path(f"/proc/{each}/status")
        if status.exists():
            for line in status.read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
    return total


def _children(pid: int) -> list[str]:
    direct = _direct_children(pid)
    return direct + [grand for child in direct for grand in _children(int(child))]


def measure_server(db_url: str, env: dict[str, str]) -> dict[str, str]:
    """Start the server on db_url, load it from a second process, and return the figures as text."""
    command = [GPUDB, "serve", "--db", db_url, "--workers", str(WORKERS), "--port"]
    with serving(command, env, "/api/accelerators?limit=1") as (port, server):
        if server is None:
            return {"web": f"skipped: gpudb serve did not start ({port})"}
        rows = {}
        before = rss_kib(server.pid)
        tool = "wrk" if shutil.which("wrk") else "python"
        for label, path in (("table API", TABLE_API), ("HTML table page", TABLE_PAGE)):
            size_bytes = _warm(port, path)
            figures = run_wrk(port, path) if tool == "wrk" else run_python_load(port, path)
            rows[f"{label} ({WORKERS} workers, {CLIENTS} connections, {tool}): requests/s"] = f"{figures['rps']:,.0f}"
            rows[f"{label}: p50 / p99 latency"] = f"{figures['p50_ms']:.1f} / {figures['p99_ms']:.1f} ms"
            rows[f"{label}: size of one response"] = f"{size_bytes / 1000:,.0f} KB"
            if figures["errors"]:
                rows[f"{label}: errors"] = str(figures["errors"])
        after = rss_kib(server.pid)
        rows["server memory before / after load"] = f"{before / 1024:.0f} / {after / 1024:.0f} MiB"
        rows["server memory per worker after load (largest)"] = per_worker_mib(server.pid)
        return rows


@contextlib.contextmanager
def serving(command: list[str], env: dict[str, str], probe: str) -> Iterator[tuple[Any, Any]]:
    """Run `command` followed by a free port until the block ends (SIGINT, then kill): yields (port, process),
    or (the log's last line, None) when it does not answer `probe` within 30 s."""
    port = free_port()
    # The server's log goes to a file: a pipe nobody reads fills up and then blocks every request that logs.
    log = tempfile.NamedTemporaryFile("w+", prefix="gpudb-serve-", suffix=".log", delete=False)
    server = subprocess.Popen([*command, str(port)], env=env, stdout=log, stderr=subprocess.STDOUT, text=True)
    try:
        if _wait_until_up(port, server, probe):
            yield port, server
        else:
            yield Path(log.name).read_text().strip().splitlines()[-1:] or "no answer within 30 s", None
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        Path(log.name).unlink(missing_ok=True)


def per_worker_mib(pid: int) -> str:
    """The resident memory of the largest of the server's worker processes (its children), and the supervisor's."""
    workers = sorted((rss_kib(int(child)) for child in _direct_children(pid)), reverse=True)[:WORKERS]
    own = rss_kib(pid) - sum(rss_kib(int(child)) for child in _direct_children(pid))
    if not workers:  # one process serves
        return f"{own / 1024:.0f} MiB (one process)"
    return f"{workers[0] / 1024:.0f} MiB ({len(workers)} workers; supervisor {own / 1024:.0f} MiB)"


def _direct_children(pid: int) -> list[str]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return path.read_text().split() if path.exists() else []


def _warm(port: int, path: str) -> int:
    """Ask for the view a few times, so every worker has computed it once before the clock starts; its size in
    bytes."""
    size = 0
    for _ in range(2 * WORKERS):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        connection.request("GET", path)
        size = len(connection.getresponse().read())
    return size


def run_wrk(port: int, path: str) -> dict[str, float]:
    """wrk (Debian's package): a C load generator, so it takes little of the CPU the server needs."""
    return _wrk([f"http://127.0.0.1:{port}{path}"])


PATHS_SCRIPT = Path(__file__).with_name("paths.lua")


def run_wrk_paths(port: int, paths: list[str]) -> dict[str, float]:
    """wrk over `paths` in their order (benchmarks/paths.lua), round again when they run out: `requests` says how
    many were sent, so a caller can tell whether any path came twice."""
    with tempfile.NamedTemporaryFile("w", suffix=".paths") as listing:
        listing.write("\n".join(paths) + "\n")
        listing.flush()
        return _wrk(["-s", str(PATHS_SCRIPT), f"http://127.0.0.1:{port}", "--", listing.name])


def _wrk(arguments: list[str]) -> dict[str, float]:
    """One thread (a Lua script's state is per thread), CLIENTS connections for SECONDS; rate, p50, p99, requests."""
    result = subprocess.run(
        ["wrk", "-t1", f"-c{CLIENTS}", f"-d{int(SECONDS)}s", "--latency", *arguments],
        capture_output=True,
        text=True,
        check=True,
    )
    figures = {"errors": 0}
    for line in result.stdout.splitlines():
        words = line.split()
        if line.startswith("Requests/sec:"):
            figures["rps"] = float(words[1])
        elif words[:1] in (["50%"], ["99%"]):
            figures["p50_ms" if words[0] == "50%" else "p99_ms"] = _milliseconds(words[1])
        elif " requests in " in line:
            figures["requests"] = int(words[0])
        elif "Non-2xx" in line or "Socket errors" in line:
            figures["errors"] = line.strip()
    return figures


def _milliseconds(text: str) -> float:
    for suffix, scale in (("us", 0.001), ("ms", 1.0), ("s", 1000.0)):
        if text.endswith(suffix):
            return float(text[: -len(suffix)]) * scale
    return float(text)


def run_python_load(port: int, path: str) -> dict[str, float]:
    """The load generator on one path (or, for "@FILE" and "@@FILE", the paths in FILE, one a line: each used
    once, or round and round) in its own process."""
    result = subprocess.run(
        [sys.executable, __file__, "load", str(port), path, str(CLIENTS), str(SECONDS)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def _wait_until_up(port: int, server: subprocess.Popen, probe: str = "/api/accelerators?limit=1") -> bool:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            return False
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", probe)
            if connection.getresponse().status == 200:
                return True
        except OSError:
            time.sleep(0.2)
    return False


def load(port: int, paths: Iterator[str], clients: int, seconds: float) -> dict[str, float]:
    """Keep `clients` keep-alive connections busy for `seconds`, each request on the next of `paths` (until they
    run out); latency percentiles, rate and how many requests."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine = []
        while time.monotonic() < stop:
            with lock:
                path = next(paths, None)
            if path is None:
                break
            start = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except OSError:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                ok = False
            mine.append(time.perf_counter() - start)
            if not ok:
                with lock:
                    errors[0] += 1
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    ordered = sorted(latencies)
    return {
        "rps": len(ordered) / elapsed,
        "p50_ms": statistics.median(ordered) * 1000,
        "p99_ms": ordered[int(len(ordered) * 0.99) - 1] * 1000,
        "errors": errors[0],
        "requests": len(ordered),
    }


def path_source(argument: str) -> Iterator[str]:
    """A path for ever; "@FILE": FILE's lines, each once; "@@FILE": FILE's lines round and round."""
    if not argument.startswith("@"):
        return itertools.repeat(argument)
    lines = Path(argument.lstrip("@")).read_text().split()
    return itertools.cycle(lines) if argument.startswith("@@") else iter(lines)


if __name__ == "__main__" and sys.argv[1:2] == ["load"]:
    port, path, clients, seconds = int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
    print(json.dumps(load(port, path_source(path), clients, seconds)))
