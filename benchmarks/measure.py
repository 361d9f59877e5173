"""How the benchmarks time a fresh process and write a figure: shared by run.py and anchors.py."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import time
from typing import Any


def timed_output(command: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Wall seconds, peak resident memory (KiB) and standard output of one run of `command` in a fresh process."""
    start = time.perf_counter()
    result = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *command], env=env, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return elapsed, int(result.stderr.strip().splitlines()[-1]), result.stdout


def read_through(*paths: str | os.PathLike[str]) -> None:
    """Read every file at or below `paths` once, so that a timed run that reads them finds them in the page cache.

    This machine's page cache lets go of files within minutes (it holds about 1.7 GiB of 24): a 10,000-chip build
    read its files from the disk in one run (0.5 ms a file, a third of the reading processes' time) and from memory
    in the next. The builds and their anchors are measured with their inputs in memory, as a data file just edited
    or generated is."""
    for path in paths:
        for name in _files(path):
            with open(name, "rb") as file:
                while file.read(2**20):  # a MiB at a time: an anchor's SQLite file is hundreds of them
                    pass


def _files(path: str | os.PathLike[str]) -> list[str | os.PathLike[str]]:
    """`path` itself when it is a file, else every file below it."""
    if os.path.isfile(path):
        return [path]
    return [os.path.join(top, name) for top, _, names in os.walk(path) for name in names]


def timed(command: list[str], env: dict[str, str]) -> tuple[float, int]:
    """Wall seconds and peak resident memory (KiB) of one run of `command` in a fresh process."""
    elapsed, kib, _ = timed_output(command, env)
    return elapsed, kib


def timed_json(command: list[str], env: dict[str, str]) -> tuple[float, int, dict[str, Any]]:
    """timed_output of a command that prints one JSON line (benchmarks/anchor_runs.py), the line read."""
    elapsed, kib, out = timed_output(command, env)
    return elapsed, kib, json.loads(out.strip().splitlines()[-1])


def summary(samples: list[float], unit: str = "s", scale: float = 1.0) -> str:
    """'0.412 s (0.398–0.431)': median and range."""
    values = [sample * scale for sample in samples]
    return f"{statistics.median(values):.3g} {unit} ({min(values):.3g}–{max(values):.3g})"


def ratio(ours: list[float], anchor: list[float]) -> str:
    """'1.84×': the median of ours over the anchor's median."""
    return f"{statistics.median(ours) / statistics.median(anchor):.2f}×"


def peak_mib(kibs: list[int]) -> str:
    return f"{max(kibs) / 1024:.0f} MiB"
