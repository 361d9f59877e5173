"""`gpudb serve` keeps its workers' pandas off pyarrow (gpudb.web.served), and their pages are the same bytes as
the app's in this process, where pyarrow is loaded (the test extras install it)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gpudb.web import create_app

PAGES = [
    "/",
    "/?sort=memory_bandwidth_tbs&order=desc&vendor=NVIDIA",
    "/api/accelerators?limit=100&sort=tpp&order=desc",
    "/accelerators/h20",
    "/api/accelerators/h200",
    "/compare?ids=h200,h20",
    "/claims",
    "/plots",
    "/coverage",
]
GPUDB = str(Path(sys.executable).with_name("gpudb"))


def printed_after_guard(code: str) -> str:
    """What `code` prints in a fresh interpreter, run after import_pandas_without_pyarrow()."""
    prelude = "from gpudb.web.served import import_pandas_without_pyarrow as i; print(i()); "
    return subprocess.run(
        [sys.executable, "-c", prelude + code], capture_output=True, text=True, check=True, timeout=60
    ).stdout


def test_the_guard_gives_pandas_python_strings_and_leaves_pyarrow_importable():
    code = "import pandas, pyarrow; print(pandas.Series(['a']).dtype.storage, pyarrow.array(['a']).type)"
    assert printed_after_guard(code).split() == ["True", "python", "string"]


def test_the_guard_changes_nothing_once_pandas_is_imported():
    code = "import pandas; from gpudb.web.served import import_pandas_without_pyarrow as i; print(i())"
    printed = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert printed.split() == ["False"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310 - a local server this test started
        return response.read()


def workers_of(pid: int) -> list[int]:
    """The uvicorn workers among the processes `pid` started (not multiprocessing's resource tracker)."""
    started = [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    return [child for child in started if b"spawn_main" in Path(f"/proc/{child}/cmdline").read_bytes()]


@pytest.mark.skipif(not Path("/proc/self/maps").exists(), reason="reads the workers' memory maps from /proc")
@pytest.mark.parametrize("count", [1, 2])
def test_served_workers_load_no_arrow_and_answer_the_same_bytes(real_db, count):
    port = free_port()
    server = subprocess.Popen(
        [GPUDB, "serve", "--db", real_db, "--workers", str(count), "--port", str(port)],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                fetch(base + "/api/accelerators?limit=1")
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                assert time.monotonic() < deadline, "gpudb serve did not start"
                time.sleep(0.2)
        expected = TestClient(create_app(real_db))
        for path in PAGES:
            for _ in range(2):  # two requests a page, so both workers are likely to draw some of them
                assert fetch(base + path) == expected.get(path).content, path
        workers = workers_of(server.pid) if count > 1 else [server.pid]
        assert len(workers) == count
        for worker in workers:
            maps = Path(f"/proc/{worker}/maps").read_text()
            assert "pandas" in maps and "arrow" not in maps  # pandas loaded, libarrow not
    finally:
        server.terminate()
        server.wait(20)
