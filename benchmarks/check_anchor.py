"""The anchor of issue 23's `gpudb check` row: parsing alone, every YAML file of a data folder read with
`yaml.load(text, Loader=yaml.CSafeLoader)`, in a fresh process, as `gpudb check` would read them.

    /usr/bin/time -f '%e s %U+%S cpu %M KiB' .venv/bin/python benchmarks/check_anchor.py /tmp/chk/data
    /usr/bin/time -f '%e s %U+%S cpu %M KiB' .venv/bin/gpudb check --data /tmp/chk/data

`check` is measured against this: the target is at most 1.2× its CPU time. The files are read in the order
`gpudb check` reads them (sorted, below each folder) and each parsed value is dropped once counted, so the
anchor holds no more than one file at a time.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import yaml


def parse_all(data_dir: Path) -> tuple[int, int]:
    """(files, bytes) of every .yaml/.yml file below `data_dir`, each parsed with CSafeLoader."""
    files = size = 0
    for path in sorted(p for p in data_dir.rglob("*") if p.suffix in {".yaml", ".yml"} and p.is_file()):
        text = path.read_bytes().decode("utf-8")
        yaml.load(text, Loader=yaml.CSafeLoader)  # noqa: S506 - CSafeLoader is a safe loader
        files += 1
        size += len(text)
    return files, size


if __name__ == "__main__":
    start, cpu = time.perf_counter(), time.process_time()
    files, size = parse_all(Path(sys.argv[1]))
    print(
        f"{files:,} files, {size / 2**20:.1f} MiB parsed with CSafeLoader in "
        f"{time.perf_counter() - start:.2f} s wall, {time.process_time() - cpu:.2f} s CPU"
    )
