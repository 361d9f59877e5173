"""benchmarks/: the anchors write what the build wrote, and run.py merges rows and sizes into RESULTS.md's table."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


@pytest.fixture
def benchmarks():
    sys.path.insert(0, str(ROOT / "benchmarks"))
    yield
    sys.path.remove(str(ROOT / "benchmarks"))


def _tables(path: Path) -> dict[str, list[tuple]]:
    with sqlite3.connect(path) as connection:
        names = [row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
        return {name: sorted(connection.execute(f'SELECT * FROM "{name}"').fetchall(), key=repr) for name in names}


def test_raw_executemany_writes_the_rows_and_schema_of_the_build(benchmarks, tmp_path, monkeypatch):
    from anchor_runs import executemany_seconds
    from generate import generate

    from gpudb.storage.build import build

    data = generate(tmp_path, 5)
    built = tmp_path / "built.sqlite"
    build(f"sqlite:///{built}", data)
    found = executemany_seconds(str(built), str(tmp_path / "raw.sqlite"))

    assert found["rows"] == sum(len(rows) for rows in _tables(built).values())
    assert _tables(tmp_path / "raw.sqlite") == _tables(built)
    assert len(_tables(built)["spec_value"]) == 5 * 28  # generate.py: 22 metrics, 6 of them from two sources
    schema = "SELECT type, name, sql FROM sqlite_master ORDER BY name"
    with sqlite3.connect(built) as one, sqlite3.connect(tmp_path / "raw.sqlite") as other:
        assert one.execute(schema).fetchall() == other.execute(schema).fetchall()


def test_merge_replaces_measured_cells_adds_a_size_column_and_dates_the_group(benchmarks, tmp_path, monkeypatch):
    import run

    monkeypatch.setattr(run, "LOADS", [1.25, 2.5])
    monkeypatch.setattr(run.time, "strftime", lambda _: "2026-12-03")
    results = tmp_path / "RESULTS.md"
    results.write_text(
        "# Benchmark results\n\nMachine: x.\n\n"
        "| measurement | 30 accelerators | 1,000 accelerators |\n|---|---|---|\n"
        "| build SQLite | 1 s | 2 s |\n| cold CLI | 0.5 s | 0.6 s |\n\nprose\n"
    )
    measured = {30: {"build SQLite": "0.9 s", "new row": "a"}, 100000: {"build SQLite": "90 s"}}
    run.merge_results(results, measured, "build")

    assert results.read_text() == (
        "# Benchmark results\n\nMachine: x.\n\n"
        "`--only build` rows: measured 2026-12-03, load 1.2–2.5 (1-minute average at the start and end of each"
        " size).\n\n"
        "| measurement | 30 accelerators | 1,000 accelerators | 100,000 accelerators |\n|---|---|---|---|\n"
        "| build SQLite | 0.9 s | 2 s | 90 s |\n| new row | a |  |  |\n| cold CLI | 0.5 s | 0.6 s |  |\n\nprose\n"
    )
    run.merge_results(results, {30: {"cold CLI": "0.4 s"}}, "build")  # the group's date line is replaced, not added
    assert results.read_text().count("`--only build` rows:") == 1
    assert "| cold CLI | 0.4 s | 0.6 s |  |" in results.read_text()
    run.merge_results(results, {30: {"cold CLI": "0.3 s"}, 1_000_000: {}}, "cli")  # a size that measured nothing
    assert "| measurement | 30 accelerators | 1,000 accelerators | 100,000 accelerators |\n" in results.read_text()


def test_sizes_above_ten_thousand_measure_the_build_alone(benchmarks, tmp_path, monkeypatch):
    import run

    def measured(*arguments):
        raise AssertionError("nothing is generated or measured for a group that skips the size")

    monkeypatch.setattr(run, "generate", measured)
    assert run.bench_size(100_000, 1, tmp_path, "cli") == {}
    assert run.bench_size(100_000, 1, tmp_path, "web") == {}
    with pytest.raises(AssertionError, match="nothing is generated"):  # the build group does measure it
        run.bench_size(100_000, 1, tmp_path, "build")


def test_uncached_table_paths_are_distinct_views_inside_the_catalogue(benchmarks):
    import random

    from web_anchors import table_paths

    from gpudb.web.params import SORT_KEYS

    paths = table_paths(3, random.Random(0))
    assert len(paths) == len(set(paths)) == len(SORT_KEYS) * 2 * 3
    assert {path.rsplit("offset=", 1)[1] for path in paths} == {"0", "1", "2"}
    assert f"/api/accelerators?sort={SORT_KEYS[-1]}&order=desc&limit=100&offset=2" in paths


def test_load_paths_from_a_file_once_or_round_and_round(benchmarks, tmp_path):
    from web_load import path_source

    listing = tmp_path / "paths"
    listing.write_text("/a\n/b\n")
    assert list(path_source(f"@{listing}")) == ["/a", "/b"]
    cycled = path_source(f"@@{listing}")
    assert [next(cycled) for _ in range(5)] == ["/a", "/b", "/a", "/b", "/a"]
    repeated = path_source("/c?x=1")
    assert [next(repeated) for _ in range(3)] == ["/c?x=1"] * 3


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--sizes", "30,x"], "run.py: error: --sizes '30,x': expected chip counts above 0, separated by commas"),
        (["--sizes", "0"], "run.py: error: --sizes '0': expected chip counts above 0, separated by commas"),
        (
            ["--only", "build", "--out", "{missing}"],
            "run.py: error: --out {missing}: no results table to merge the --only rows into",
        ),
    ],
)
def test_bad_arguments_are_refused_before_anything_is_measured(arguments, message, tmp_path):
    import subprocess

    missing = str(tmp_path / "nothing.md")
    arguments = [argument.format(missing=missing) for argument in arguments]
    finished = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), *arguments], capture_output=True, text=True, timeout=60
    )
    assert finished.returncode == 2
    assert message.format(missing=missing) in finished.stderr
    assert "Traceback" not in finished.stderr
    assert not (tmp_path / "nothing.md").exists()
