"""Property: however the minimal fixture data is mutated (values, types, keys, tags, sizes), validate() returns
problems and never raises, and every problem says where: a file and a line, and a field unless it is about the
whole file. Derandomized, so CI runs the same cases; GPUDB_FUZZ_EXAMPLES=2000 runs more."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from gpudb.validation.run import validate

MINIMAL = Path(__file__).parent / "fixtures" / "minimal" / "data"
FILES = sorted(path.relative_to(MINIMAL).as_posix() for path in MINIMAL.rglob("*.yaml"))
# problems about a whole file, before any field can be named
WHOLE_FILE = {"not-utf8", "yaml-syntax", "bad-shape", "too-large", "complex-key", "duplicate-key"}

SCALARS = [
    ".nan",
    "-.inf",
    ".inf",
    "9" * 400,
    "9" * 4400,
    "-5",
    "0",
    "1e300",
    "1.0e+308",
    "2023-02-30",
    "0000-01-01",
    "2023-01-01 25:00:00",
    "!!bool maybe",
    "!!int 12x",
    "!!float x",
    "!!python/name:os.system",
    "!!binary x",
    "!vendor x",
    "~",
    "''",
    "yes",
    "[]",
    "{}",
    '"700 W)"',
    "700 W/0",
    "700 W^",
    "312 TOPS",
    "1e3 PFLOPS",
    "*undefined",
    "&a x",
    "'" + "z" * 5000 + "'",
    "[" * 70 + "]" * 70,
    "{a: " * 70 + "1" + "}" * 70,
    "? [a, b]",
    '"\\x00"',
    "\t",
    "- a",
    "x: y",
    "|\n  text",
]
mutation = st.one_of(
    st.tuples(st.just("value"), st.sampled_from(SCALARS)),
    st.tuples(st.just("value"), st.text(max_size=12)),
    st.tuples(st.just("key"), st.sampled_from(["? [a, b]", "value", "unit", "source", "specs", "id", "bogus", "1"])),
    st.tuples(st.just("bytes"), st.sampled_from(["\xe9", "\x00", "\ufeff", "\r", "\t"])),
    st.tuples(st.just("drop"), st.just("")),
    st.tuples(st.just("repeat"), st.just("")),
)


def mutate(text: str, kind: str, payload: str, line_number: int) -> str:
    lines = text.splitlines()
    index = line_number % len(lines)
    line = lines[index]
    head, colon, _tail = line.partition(": ")
    if kind == "value":
        lines[index] = f"{head}: {payload}" if colon else f"{line[: len(line) - len(line.lstrip())]}- {payload}"
    elif kind == "key":
        indent = line[: len(line) - len(line.lstrip())]
        lines[index] = f"{indent}{payload}: {_tail}" if colon else f"{indent}{payload}: 1"
    elif kind == "bytes":
        lines[index] = line[: len(line) // 2] + payload + line[len(line) // 2 :]
    elif kind == "drop":
        del lines[index]
    else:
        lines.insert(index, line)
    return "\n".join(lines) + "\n"


@settings(
    max_examples=int(os.environ.get("GPUDB_FUZZ_EXAMPLES", "60")),
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    st.lists(
        st.tuples(st.sampled_from(FILES), mutation, st.integers(min_value=0, max_value=200)), min_size=1, max_size=3
    )
)
def test_mutated_data_gives_located_problems_never_a_traceback(mutations):
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        shutil.copytree(MINIMAL, data)
        for file, (kind, payload), line_number in mutations:
            path = data / file
            path.write_text(mutate(path.read_text(encoding="utf-8", errors="replace"), kind, payload, line_number))
        dataset = validate(data)  # must not raise
        for problem in dataset.problems:
            assert problem.file and problem.file.startswith("data/"), problem
            assert problem.line, problem
            assert problem.code in WHOLE_FILE or problem.field, problem
            assert len(problem.message) < 400, problem
