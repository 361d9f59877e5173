"""`gpudb check` and `gpudb build` on hostile data files under 1 MB: each within 1 s and 200 MB (issue 16).

    .venv/bin/python benchmarks/bad_input.py [--repeats 3]

Each case is the test fixture (tests/fixtures/minimal/data) with one file replaced or grown to just under
1 MB in a shape that has hurt YAML tools: an alias bomb, deep nesting, one huge flat list, a mapping of many
keys, long strings, long digit strings, many small entries, many problems at once. Both commands run in a fresh
process (as a user runs them); the figures are wall seconds and peak resident memory, printed beside the
anchors: the targets (1 s, 200 MB) and `gpudb --version` (the start-up every command pays).
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "minimal" / "data"
GPUDB = str(Path(sys.executable).parent / "gpudb")
LIMIT_BYTES = 1_000_000  # every case's file stays under this
TARGET_S, TARGET_MIB = 1.0, 200
X1 = "accelerators/acme/x1.yaml"


def fill(unit: str, head: str = "", tail: str = "") -> str:
    """`head`, then `unit` repeated as often as fits under LIMIT_BYTES, then `tail`; '{n}' in `unit` becomes the
    repeat's number (keys and ids must differ to be read as many entries)."""
    parts, size, n = [head], len(head.encode()) + len(tail.encode()) + 1, 0
    while True:
        piece = unit.replace("{n}", str(n))
        if size + len(piece.encode()) >= LIMIT_BYTES:
            return "".join(parts) + tail
        parts.append(piece)
        size += len(piece.encode())
        n += 1


def alias_bomb() -> str:
    lines = ["x-bomb:", "  l0: &l0 lol"]
    lines += [f"  l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, 10)]
    return "\n".join(lines) + "\nvendor: *l9\n"


def x1_text() -> str:
    return (FIXTURE / X1).read_text()


SOURCE_ENTRY = (
    "- id: s{n}\n  title: T\n  publisher: P\n  url: https://example.com\n  kind: community\n  read: original\n"
)

# case → (file relative to data/, its new text)
CASES: dict[str, Callable[[], tuple[str, str]]] = {
    "the fixture as it is (anchor)": lambda: (X1, x1_text()),
    "alias bomb (9 levels of 9)": lambda: (X1, alias_bomb() + x1_text().replace("vendor: Acme\n", "")),
    "nesting 60 levels, repeated": lambda: (X1, fill("- " + "[" * 60 + "1" + "]" * 60 + "\n", x1_text() + "x-deep:\n")),
    "one flat list of 1 MB": lambda: (X1, fill("1, ", x1_text() + "x-list: [", "1]\n")),
    "a mapping of 80,000 keys": lambda: (X1, fill("  k{n}: 1\n", x1_text() + "x-map:\n")),
    "one string of 1 MB": lambda: (X1, x1_text().replace("X1 SXM", "y" * (LIMIT_BYTES - len(x1_text()) - 10))),
    "digit strings (400 digits each)": lambda: (X1, fill("- " + "9" * 400 + "\n", x1_text() + "x-digits:\n")),
    "10,000 source entries (refused)": lambda: ("sources/many.yaml", fill(SOURCE_ENTRY)),
    "1,000 source entries": lambda: ("sources/many.yaml", "".join(SOURCE_ENTRY.format(n=n) for n in range(1000))),
    "nested lists just under the cap": lambda: (
        X1,
        x1_text() + "x-deep:\n" + ("- " + "[" * 60 + "1" + "]" * 60 + "\n") * (99_000 // 61),
    ),
    "a problem on every line": lambda: (
        X1,
        fill("  nonsense_{n}: {value: 1 W, source: nope}\n", x1_text()),
    ),
}


def run(command: list[str]) -> tuple[float, float, int, int]:
    """Wall seconds, CPU seconds (user + system), peak resident MiB and exit code of one fresh process. On a
    shared machine the wall time carries the others' load; the CPU time is this command's own."""
    start = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-f", "%M %U %S", *command], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - start
    peak_kib, user, system = done.stderr.strip().splitlines()[-1].split()
    return elapsed, float(user) + float(system), int(peak_kib) // 1024, done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    start_up = statistics.median(run([GPUDB, "--version"])[1] for _ in range(args.repeats))
    print(f"anchors: target {TARGET_S:g} s and {TARGET_MIB} MiB per command; `gpudb --version` {start_up:.2f} s CPU\n")
    print("wall s / CPU s (medians), peak MiB (max), exit code")
    print(f"{'case':34} {'size':>7}  {'check':>11} {'MiB':>4} {'rc':>2}  {'build':>11} {'MiB':>4} {'rc':>2}  within")
    every = True
    with tempfile.TemporaryDirectory() as scratch:
        for name, make in CASES.items():
            data = Path(scratch) / "data"
            shutil.rmtree(data, ignore_errors=True)
            shutil.copytree(FIXTURE, data)
            file, text = make()
            (data / file).write_text(text)
            size = len(text.encode())
            assert size < LIMIT_BYTES, f"{name}: {size} bytes"
            db = f"sqlite:///{Path(scratch) / 'gpudb.sqlite'}"
            figures = []
            for command in (["check", "--data", str(data)], ["build", "--data", str(data), "--db", db]):
                runs = [run([GPUDB, *command]) for _ in range(args.repeats)]
                wall, cpu = (statistics.median(r[i] for r in runs) for i in (0, 1))
                figures.append((wall, cpu, max(r[2] for r in runs), runs[-1][3]))
            # judged on CPU time: the wall time of a loaded machine is not the command's
            within = all(cpu <= TARGET_S and mib <= TARGET_MIB for _, cpu, mib, _ in figures)
            every &= within
            cells = "  ".join(f"{wall:>5.2f}/{cpu:<5.2f} {mib:>4} {rc:>2}" for wall, cpu, mib, rc in figures)
            print(f"{name:34} {size / 1e6:>5.2f}MB  {cells}  {'yes' if within else 'NO'}")
    print("\nevery case within 1 s CPU and 200 MiB" if every else "\nsome case is over its target")


if __name__ == "__main__":
    main()
