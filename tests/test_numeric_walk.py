"""Every number in every kind of data file, set in turn to NaN, ±inf, a negative, zero and a huge value, is
refused by `gpudb check` with a problem in that file at (or just above) that line: no bad number is ever stored.

The data is the minimal fixture with systems, several values, device names and a peer table laid over it, so
that every file kind holding numbers is walked: accelerators, rules, claims, prices, systems, device names,
peers. The walk finds the numbers itself (a value that is a number, or a number and a unit), so a numeric
field added later is walked too.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from gpudb.metrics.catalogue import METRICS
from gpudb.metrics.systems import SYSTEM_ONLY_METRICS
from gpudb.validation.run import validate

FIXTURES = Path(__file__).parent / "fixtures"
BAD = {"NaN": ".nan", "+inf": ".inf", "-inf": "-.inf", "negative": "-{}", "zero": "0", "huge": "1.0e+300"}
# a value (after 'key: ', or inside a flow mapping) that is a number, perhaps quoted, perhaps with a unit after it
NUMBER = re.compile(
    r"""(?P<key>[a-z_]+):\ "?  (?P<number>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:e[+-]?\d+)?)  (?=[\s",}]|$)""",
    re.VERBOSE,
)
NOT_NUMBERS = {"date", "published", "accessed", "effective", "released", "announced", "read", "commit", "citation",
               "written"}  # fmt: skip
# metrics whose documented bounds include zero (a board is in no rack: rack_count 0)
ZERO_ALLOWED = {metric.key for metric in (*METRICS, *SYSTEM_ONLY_METRICS) if metric.min_value == 0}


def metric_of(lines: list[str], number: int) -> str | None:
    """The metric a 'value:' line belongs to: the nearest key above it that is less indented."""
    indent = len(lines[number - 1]) - len(lines[number - 1].lstrip(" -"))
    for line in reversed(lines[: number - 1]):
        stripped = line.lstrip(" -")
        if line.strip() and len(line) - len(stripped) < indent and stripped.endswith(":"):
            return stripped[:-1]
    return None


@pytest.fixture(scope="module")
def walked_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("walk") / "data"
    shutil.copytree(FIXTURES / "minimal" / "data", data)
    for overlay in ("several-values", "systems", "peers"):
        shutil.copytree(FIXTURES / overlay, data, dirs_exist_ok=True)
    assert validate(data).problems == []  # the walk starts from valid data
    return data


def numbers_in(data: Path) -> list[tuple[str, int, str, re.Match[str]]]:
    """(file, line number, line, match) of every number the files write as a value."""
    found = []
    for path in sorted(data.rglob("*.yaml")):
        file = path.relative_to(data).as_posix()
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            if line.lstrip().startswith("#"):
                continue
            for match in NUMBER.finditer(line.split(" #")[0]):
                if match["key"] not in NOT_NUMBERS:
                    found.append((file, number, line, match))
    return found


def test_the_walk_finds_the_numbers_of_every_file_kind(walked_data):
    files = {file.split("/")[0] for file, *_ in numbers_in(walked_data)}
    assert files == {"accelerators", "rules", "claims.yaml", "prices", "systems", "device-names.yaml", "peers"}
    assert len(numbers_in(walked_data)) >= 40


def test_every_number_set_to_a_bad_value_is_refused_where_it_is_written(walked_data, tmp_path):
    accepted: list[str] = []
    for file, number, line, match in numbers_in(walked_data):
        for bad in BAD.values():
            written = bad.format(match["number"])
            data = tmp_path / "data"
            shutil.rmtree(data, ignore_errors=True)
            shutil.copytree(walked_data, data)
            path = data / file
            lines = path.read_text().splitlines()
            if written == "0" and metric_of(lines, number) in ZERO_ALLOWED:
                continue
            lines[number - 1] = line[: match.start("number")] + written + line[match.end("number") :]
            path.write_text("\n".join(lines) + "\n")
            problems = validate(data).problems
            located = [p for p in problems if p.file and p.file.endswith(file) and p.line and number - 6 <= p.line]
            if not located:
                accepted.append(f"{file}:{number} {match['key']}: {written} → {[str(p) for p in problems][:2]}")
    assert accepted == [], "\n".join(accepted)
