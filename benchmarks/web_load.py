"""Load on the web table from a second process: requests per second, p50/p99 latency, server memory.

`measure_server(url, env)` starts `gpudb serve` on the database, waits until it answers, runs the load generator
(`python web_load.py load ...`, a separate process with keep-alive connections in threads) against the table
API and the HTML table page, and reads the server's resident memory (all its processes) before and after.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

GPUDB = str(Path(sys.executable).parent / "gpudb")
WORKERS = int(os.environ.get("GPUDB_BENCH_WORKERS", "4"))
CLIENTS = int(os.environ.get("GPUDB_BENCH_CLIENTS", "16"))
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
    path = Path(f"/proc/{pid}/task/{pid}/children")
    if not path.exists():
        return []
    direct = path.read_text().split()
    return direct + [grand for child in direct for grand in _children(int(child))]


def measure_server(db_url: str, env: dict[str, str]) -> dict[str, str]:
    """Start the server on db_url, load it from a second process, and return the figures as text."""
    port = free_port()
    command = [GPUDB, "serve", "--db", db_url, "--port", str(port), "--workers", str(WORKERS)]
    server = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        if not _wait_until_up(port, server):
            error = server.stderr.read() if server.poll() is not None else "no answer within 30 s"
            return {"web": f"skipped: gpudb serve did not start ({error.strip().splitlines()[-1:]})"}
        rows = {}
        before = rss_kib(server.pid)
        for label, path in (("table API", TABLE_API), ("HTML table page", TABLE_PAGE)):
            result = subprocess.run(
                [sys.executable, __file__, "load", str(port), path, str(CLIENTS), str(SECONDS)],
                capture_output=True,
                text=True,
                check=True,
            )
            figures = json.loads(result.stdout)
            rows[f"{label} ({WORKERS} workers, {CLIENTS} clients): requests/s"] = f"{figures['rps']:,.0f}"
            rows[f"{label}: p50 / p99 latency"] = f"{figures['p50_ms']:.1f} / {figures['p99_ms']:.1f} ms"
            if figures["errors"]:
                rows[f"{label}: errors"] = str(figures["errors"])
        after = rss_kib(server.pid)
        rows["server memory before / after load"] = f"{before / 1024:.0f} / {after / 1024:.0f} MiB"
        return rows
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()


def _wait_until_up(port: int, server: subprocess.Popen) -> bool:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if server.poll() is not None:
            return False
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/api/accelerators?limit=1")
            if connection.getresponse().status == 200:
                return True
        except OSError:
            time.sleep(0.2)
    return False


def load(port: int, path: str, clients: int, seconds: float) -> dict[str, float]:
    """Keep `clients` keep-alive connections busy on `path` for `seconds`; latency percentiles and rate."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        mine = []
        while time.monotonic() < stop:
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
    }


if __name__ == "__main__" and sys.argv[1:2] == ["load"]:
    port, path, clients, seconds = int(sys.argv[2]), sys.argv[3], int(sys.argv[4]), float(sys.argv[5])
    print(json.dumps(load(port, path, clients, seconds)))
