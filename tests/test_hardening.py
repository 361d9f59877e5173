"""Bad input: every malformed file, number, URL or parameter is a located problem or a one-line error, never a
traceback, and nothing odd is accepted silently. Each case edits a copy of the minimal fixture data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from gpudb.cli import app
from gpudb.validation import yaml_lines
from gpudb.validation.run import validate
from gpudb.web.app import create_app

ROOT = Path(__file__).parent.parent
X1, RULE, CLAIMS = "accelerators/acme/x1.yaml", "rules/test-thresholds.yaml", "claims.yaml"
BIG = "9" * 400


def edited(data: Path, file: str, old: str, new: str) -> Path:
    path = data / file
    text = path.read_text()
    assert old in text, f"{old!r} is not in {file}"
    path.write_text(text.replace(old, new, 1))
    return data


def messages(data: Path) -> list[str]:
    return [str(problem) for problem in validate(data).problems]


# (file, text, replacement) → the one problem, as `gpudb check` prints it
CASES = {
    "impossible day": (
        RULE,
        "published: 2023-10-25",
        "published: 2023-02-30",
        "data/rules/test-thresholds.yaml:5 "
        "published: '2023-02-30' is not a real date or time (day is out of range for month) [bad-scalar]",
    ),
    "year 0": (
        RULE,
        "published: 2023-10-25",
        "published: 0000-01-01",
        "data/rules/test-thresholds.yaml:5 "
        "published: '0000-01-01' is not a real date or time (year 0 is out of range) [bad-scalar]",
    ),
    "hour 25": (
        RULE,
        "published: 2023-10-25",
        "published: 2023-10-25 25:00:00",
        "data/rules/test-thresholds.yaml:5 "
        "published: '2023-10-25 25:00:00' is not a real date or time (hour must be in 0..23) [bad-scalar]",
    ),
    "!!bool maybe": (
        X1,
        "name: X1 SXM",
        "name: !!bool maybe",
        "data/accelerators/acme/x1.yaml:3 name: 'maybe' is not a valid !!bool [bad-scalar]",
    ),
    "!!int 12x": (
        X1,
        "name: X1 SXM",
        "name: !!int 12x",
        "data/accelerators/acme/x1.yaml:3 name: '12x' is not a valid !!int [bad-scalar]",
    ),
    "python tag": (
        X1,
        "name: X1 SXM",
        "name: !!python/object/apply:os.system [ls]",
        "data/accelerators/acme/x1.yaml:3 name: the tag '!!python/object/apply:os.system' is refused: data "
        "files hold plain values [forbidden-tag]",
    ),
    "complex key first": (
        X1,
        "id: x1\n",
        "? [a, b]\n: 1\nid: x1\n",
        "data/accelerators/acme/x1.yaml:1 a mapping key must be a plain value, not a list or a mapping [complex-key]",
    ),
    "500 lists deep": (
        X1,
        "china_specific: false",
        "china_specific: false\nnote: " + "[" * 500 + "]" * 500,
        "data/accelerators/acme/x1.yaml:9 note[0][0][0][0][0]…: values nest more than 64 levels deep [too-deep]",
    ),
    "999 mappings deep": (
        X1,
        "china_specific: false",
        "china_specific: false\nnote: " + "{a: " * 999 + "1" + "}" * 999,
        "data/accelerators/acme/x1.yaml:9 note.a.a.a.a.a…: values nest more than 64 levels deep [too-deep]",
    ),
    "int past 4,300 digits": (
        X1,
        "    value: 5\n",
        "    value: " + "9" * 4301 + "\n",
        "data/accelerators/acme/x1.yaml:30 "
        "specs.pcie_generation.value: a number of 4,301 digits is too long to read [bad-scalar]",
    ),
    "400-digit unitless": (
        X1,
        "    value: 5\n",
        f"    value: {BIG}\n",
        "data/accelerators/acme/x1.yaml:30 "
        "x1.pcie_generation: a number of 400 digits is too large to hold [not-finite]",
    ),
    "unitless .nan": (
        X1,
        "    value: 5\n",
        "    value: .nan\n",
        "data/accelerators/acme/x1.yaml:30 x1.pcie_generation: nan is not a finite number [not-finite]",
    ),
    "value .nan with unit": (
        X1,
        "    value: 141\n",
        "    value: .nan\n",
        "data/accelerators/acme/x1.yaml:22 x1.memory_capacity_gb: nan is not a finite number [not-finite]",
    ),
    "unit with )": (
        X1,
        "    value: 4800 GB/s",
        '    value: "4800 GB/s)"',
        "data/accelerators/acme/x1.yaml:19 x1.memory_bandwidth_tbs: unknown unit 'GB/s)' [bad-unit]",
    ),
    "unit over 0": (
        X1,
        "    value: 4800 GB/s",
        "    value: 4800 GB/s/0",
        "data/accelerators/acme/x1.yaml:19 x1.memory_bandwidth_tbs: unknown unit 'GB/s/0' [bad-unit]",
    ),
    "unit with ^": (
        X1,
        "    value: 4800 GB/s",
        "    value: 4800 GB/s^",
        "data/accelerators/acme/x1.yaml:19 x1.memory_bandwidth_tbs: unknown unit 'GB/s^' [bad-unit]",
    ),
    "TOPS for a FLOP metric": (
        X1,
        "    value: 1979 TFLOPS",
        "    value: 312 TOPS",
        "data/accelerators/acme/x1.yaml:11 "
        "x1.bf16_dense_tflops: 'TOPS' counts operations, not floating-point operations "
        "(TFLOPS) [bad-unit]",
    ),
    # 1e307 PB/s = 1e310 TB/s, past the largest float (1.8e308)
    "overflows on conversion": (
        X1,
        "    value: 4800 GB/s",
        "    value: 1.0e+307 PB/s",
        "data/accelerators/acme/x1"
        ".yaml:19 x1.memory_bandwidth_tbs: 1e+307 PB/s is too large to hold as a number of TB/s "
        "[not-finite]",
    ),
    "threshold .nan": (
        RULE,
        "value: 4800}",
        "value: .nan}",
        "data/rules/test-thresholds.yaml:14 "
        "paragraphs.conditions.value: nan: input should be a finite number [not-finite]",
    ),
    "threshold -.inf": (
        RULE,
        "value: 4800}",
        "value: -.inf}",
        "data/rules/test-thresholds.yaml:14 "
        "paragraphs.conditions.value: -inf: input should be a finite number [not-finite]",
    ),
    "threshold 1e300": (
        RULE,
        "value: 4800}",
        "value: 1.0e+300}",
        "data/rules/test-thresholds.yaml:14 "
        "paragraphs.conditions.value: 1e+300: input should be less than or equal to 1000000000000 "
        "[bad-type]",
    ),
    "threshold past TPP's bounds": (
        RULE,
        "value: 4800}",
        "value: 5.0e+7}",
        "data/rules/test-thresholds.yaml:14 test-thresholds.paragraphs[0].conditions[0].value: threshold tpp >= "
        "5e+07 is outside the plausible range 0.04 to 3.2e+06 of tpp [implausible-value]",
    ),
    "threshold past performance density's bounds": (
        RULE,
        "value: 5.92}",
        "value: 400000}",
        "data/rules/test-thresholds.yaml:20 test-thresholds.paragraphs[1].conditions[1].value: threshold "
        "performance_density >= 400000 is outside the plausible range 4e-06 to 320000 of performance_density "
        "[implausible-value]",
    ),
    "claim value .nan": (
        CLAIMS,
        "stated: {value: 15832",
        "stated: {value: .nan",
        "data/claims.yaml:8 stated.value: nan: input should be a finite number [not-finite]",
    ),
    "claim ratio .inf": (
        CLAIMS,
        "stated: {value: 15832, metric: tpp}",
        "stated: {ratio: .inf}\n  baseline: x1",
        "data/claims.yaml:8 stated.ratio: inf: input should be a finite number [not-finite]",
    ),
    "claim ratio negative": (
        CLAIMS,
        "stated: {value: 15832, metric: tpp}",
        "stated: {ratio: -2}\n  baseline: x1",
        "data/claims.yaml:8 stated.ratio: -2: input should be greater than 0 [bad-type]",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_one_located_problem(minimal_data, case):
    file, old, new, expected = CASES[case]
    assert messages(edited(minimal_data, file, old, new)) == [expected]


def alias_bomb(levels: int) -> str:
    """levels of 9 aliases each: the last one expands to 9**levels copies of 'lol' in a file of a few hundred bytes."""
    lines = ["x-bomb:", "  l0: &l0 lol"]
    lines += [f"  l{i}: &l{i} [" + ", ".join([f"*l{i - 1}"] * 9) + "]" for i in range(1, levels + 1)]
    return "\n".join(lines) + f"\nvendor: *l{levels}\n"


def test_an_alias_bomb_is_refused_before_it_is_expanded(minimal_data):
    # 8 levels: 9**8 = 43,046,721 copies; l7 alone (line 10) holds 9**7 = 4,782,969 and the walk stops there,
    # having built none of them
    edited(minimal_data, X1, "vendor: Acme\n", alias_bomb(8))
    assert messages(minimal_data) == [
        "data/accelerators/acme/x1.yaml:10 x-bomb.l7: the document holds more than 1,000,000 values once its aliases "
        "are expanded (an alias bomb) [too-large]"
    ]


def test_aliases_may_not_add_more_than_10000_values(minimal_data):
    # 5 levels: 9**5 = 59,049 copies under vendor, below the million but 59,049 - 1 more values than written
    edited(minimal_data, X1, "vendor: Acme\n", alias_bomb(5))
    assert messages(minimal_data) == [
        "data/accelerators/acme/x1.yaml:1 aliases expand the document by more than 10,000 values (an alias bomb) "
        "[too-large]"
    ]


def test_a_message_quotes_at_most_80_characters_of_a_value(minimal_data):
    edited(minimal_data, X1, "data_center: true", "data_center: " + "y" * 10_000)
    (problem,) = validate(minimal_data).problems
    # repr of the value cut to 79 characters and an ellipsis: "'" + 78 × "y" + "…"
    assert (
        str(problem)
        == f"data/accelerators/acme/x1.yaml:7 x1.data_center: '{'y' * 78}…: input should be a valid boolean [bad-type]"
    )
    assert len(problem.as_dict()["value"]) == 80


def test_a_file_writing_more_than_100000_values_is_refused_before_it_is_parsed(minimal_data, monkeypatch):
    from gpudb.validation import loader

    parse = loader._parse

    def small_only(text):
        assert len(text) < 100_000, "the large file was parsed"
        return parse(text)

    monkeypatch.setattr(loader, "_parse", small_only)
    path = minimal_data / X1
    written = path.read_text()  # 37 newlines, 28 ': ', 2 ',' and 1 '[': 68 marks
    path.write_text(written + "x-list: [" + "1, " * 100_000 + "1]\n")  # line 38: 2 + 100,000 + 1 more
    assert messages(minimal_data) == [
        "data/accelerators/acme/x1.yaml:38 the file writes more than 100,000 values, keys or items (100,071 lines, "
        "keys and separators); split it [too-large]"
    ]


def test_a_file_past_16_mib_is_refused_unread(minimal_data):
    path = minimal_data / X1
    path.write_text(path.read_text() + "#" * (16 * 2**20))
    assert messages(minimal_data) == [
        f"data/accelerators/acme/x1.yaml:1 the file has {path.stat().st_size:,} bytes, more than the 16,777,216 a "
        "data file may have; split it [too-large]"
    ]


@pytest.mark.parametrize(
    ("memory", "expected"),
    [
        ("-5", "-5: input should be greater than 0 [bad-type]"),
        ("0", "0: input should be greater than 0 [bad-type]"),
        (".inf", "inf: input should be a finite number [not-finite]"),
        (BIG, f"{BIG[:79]}…: input should be a valid number [bad-type]"),
    ],
)
def test_device_memory_must_be_a_positive_finite_size(minimal_data, memory, expected):
    (minimal_data / "device-names.yaml").write_text(f"- name: Acme X1\n  accelerator: x1\n  memory_gb: {memory}\n")
    assert messages(minimal_data) == [f"data/device-names.yaml:3 memory_gb: {expected}"]


# --------------------------------------------------------------------------------------------- data/dataset.yaml

RELEASE = "title: Test data\nversion: 1.0.0\nreleased: 2026-11-30\nlicense: CC-BY-4.0\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("- a\n", "data/dataset.yaml:1 dataset.yaml must be a YAML mapping [bad-shape]"),
        (
            RELEASE.replace("1.0.0", '"1.0.0\\n"'),
            "data/dataset.yaml:2 version: '1.0.0\\n' is not MAJOR.MINOR.PATCH [bad-type]",
        ),
        (
            RELEASE.replace("1.0.0", "banana"),
            "data/dataset.yaml:2 version: 'banana' is not MAJOR.MINOR.PATCH [bad-type]",
        ),
        (
            RELEASE.replace("2026-11-30", "[]"),
            "data/dataset.yaml:3 released: []: released must be a date written YYYY-MM-DD [bad-type]",
        ),
    ],
)
def test_dataset_yaml_is_checked_by_check_and_build_alike(isolated_env, minimal_data, text, expected):
    (minimal_data / "dataset.yaml").write_text(text)
    runner = CliRunner()
    checked = runner.invoke(app, ["check", "--data", str(minimal_data)])
    built = runner.invoke(app, ["build", "--data", str(minimal_data), "--db", f"sqlite:///{isolated_env / 'x.db'}"])
    assert (checked.exit_code, checked.output) == (1, f"{expected}\n1 problem in {minimal_data}\n")
    assert (built.exit_code, built.output) == (1, f"{expected}\nError: data/ has 1 problem; nothing was written\n")


def test_dataset_yaml_that_is_not_utf8_is_a_problem(minimal_data):
    (minimal_data / "dataset.yaml").write_bytes(b"title: caf\xe9\n")
    assert messages(minimal_data) == [
        "data/dataset.yaml:1 byte 0xe9 at offset 10 is not UTF-8; save the file as UTF-8 [not-utf8]"
    ]


def test_an_empty_data_folder_is_a_usage_error_and_never_replaces_a_database(isolated_env, minimal_data):
    runner = CliRunner()
    target = f"sqlite:///{isolated_env / 'x.db'}"
    assert runner.invoke(app, ["build", "--data", str(minimal_data), "--db", target]).exit_code == 0
    before = (isolated_env / "x.db").read_bytes()
    empty = isolated_env / "empty" / "data"
    empty.mkdir(parents=True)
    message = f"Error: {empty} holds no accelerators (no accelerators/<vendor>/<id>.yaml); is --data the right folder?"
    checked = runner.invoke(app, ["check", "--data", str(empty)])
    built = runner.invoke(app, ["build", "--data", str(empty), "--db", target])
    assert (checked.exit_code, checked.output) == (2, message + "\n")
    assert (built.exit_code, built.output) == (2, f"{message} {target} is left as it was\n")
    assert (isolated_env / "x.db").read_bytes() == before
    forced = runner.invoke(app, ["build", "--data", str(empty), "--db", target, "--force"])
    assert forced.output == f"built {target}: 0 accelerators, 0 values, 0 sources, 0 rules, 0 claims\n"


# --------------------------------------------------------------------------------------------- database files


def test_build_refuses_to_replace_a_file_that_is_not_a_gpudb_database(isolated_env, minimal_data):
    stranger = isolated_env / "notes.sqlite"
    stranger.write_text("my notes\n")
    runner = CliRunner()
    refused = runner.invoke(app, ["build", "--data", str(minimal_data), "--db", f"sqlite:///{stranger}"])
    assert (refused.exit_code, refused.output) == (
        4,
        f"Error: {stranger} exists and is not a gpudb database; move it away or pass --force to replace it\n",
    )
    assert stranger.read_text() == "my notes\n"
    forced = runner.invoke(app, ["build", "--data", str(minimal_data), "--db", f"sqlite:///{stranger}", "--force"])
    assert forced.exit_code == 0
    assert stranger.read_bytes()[:16] == b"SQLite format 3\x00"


def test_a_build_removes_what_killed_builds_left_behind(isolated_env, minimal_data):
    gone = 2**22 + 12345  # above Linux's default pid_max (4,194,304): no process has it
    assert not os.path.exists(f"/proc/{gone}")
    stale = [isolated_env / f".x.db.building-{gone}", isolated_env / f".x.db.building-{gone}-journal"]
    alive = isolated_env / f".x.db.building-{os.getppid()}"  # the process that started pytest is running
    for path in (*stale, alive):
        path.write_bytes(b"half a database")
    result = CliRunner().invoke(
        app, ["build", "--data", str(minimal_data), "--db", f"sqlite:///{isolated_env / 'x.db'}"]
    )
    assert result.exit_code == 0
    assert [path.exists() for path in (*stale, alive)] == [False, False, True]


@pytest.fixture
def junk_databases(tmp_path: Path, minimal_data: Path) -> dict[str, Path]:
    """A file of random bytes, and a real database cut to its first 8 KiB."""
    junk = tmp_path / "junk.sqlite"
    junk.write_bytes(bytes(range(256)) * 20)
    good = tmp_path / "good.sqlite"
    assert CliRunner().invoke(app, ["build", "--data", str(minimal_data), "--db", f"sqlite:///{good}"]).exit_code == 0
    truncated = tmp_path / "truncated.sqlite"
    truncated.write_bytes(good.read_bytes()[:8192])
    return {"junk": junk, "truncated": truncated}


READING_COMMANDS = [
    ["list"],
    ["show", "x1"],
    ["compare", "x1", "x1"],
    ["claims"],
    ["conflicts"],
    ["coverage"],
    ["device", "Acme X1"],
    ["explain", "x1", "tpp"],
    ["export-status", "x1"],
    ["peak", "x1"],
    ["export", "out"],
    ["plot", "ratio", "x1", "--out", "x.html"],
]


@pytest.mark.parametrize("command", READING_COMMANDS, ids=lambda command: command[0])
def test_every_reading_command_on_a_junk_database_exits_4_with_one_line(isolated_env, junk_databases, command):
    runner = CliRunner()
    for kind, why in (("junk", "file is not a database"), ("truncated", "")):
        path = junk_databases[kind]
        result = runner.invoke(app, [*command, "--db", f"sqlite:///{path}"])
        assert result.exit_code == 4, (kind, result.output)
        assert result.output.count("\n") == 1 and result.output.startswith("Error: ")
        if why:
            assert result.output == f"Error: cannot open sqlite:///{path}: {why}\n"


@pytest.mark.parametrize("command", [["build"], ["site", "out"], ["serve"]])
def test_a_nul_byte_in_a_database_url_is_one_line(isolated_env, minimal_data, command):
    result = CliRunner().invoke(app, [*command, "--db", "sqlite:///%00x"])
    assert (result.exit_code, result.output) == (
        4,
        "Error: invalid database URL 'sqlite:///%00x': a file name cannot hold a NUL byte\n",
    )


def test_odd_command_arguments_are_one_line(isolated_env, junk_databases, minimal_data, tmp_path):
    runner = CliRunner()
    good = f"sqlite:///{tmp_path / 'good.sqlite'}"
    plot = runner.invoke(app, ["plot", "timeline", "--db", good, "--out", "/proc/version/x.html"])
    assert (plot.exit_code, plot.output) == (1, "Error: cannot create /proc/version: File exists\n")
    plot = runner.invoke(app, ["plot", "timeline", "--db", good, "--out", "/sys/kernel/x.html"])
    assert (plot.exit_code, plot.output.count("\n")) == (1, 1)
    assert plot.output.startswith("Error: cannot write /sys/kernel/x.html: ")
    threshold = runner.invoke(app, ["conflicts", "--threshold", "nan", "--db", good])
    assert (threshold.exit_code, threshold.output) == (
        2,
        "Error: threshold nan% must be a finite number of 0% or more\n",
    )
    export = runner.invoke(app, ["export", "", "--db", good])
    assert export.exit_code == 2
    assert export.output.endswith("Error: Invalid value for 'OUT_DIR': is empty; name a folder, e.g. release/\n")


# --------------------------------------------------------------------------------------------- web


def test_the_web_answers_503_on_a_junk_database_and_health_says_so(junk_databases):
    for path in junk_databases.values():
        client = TestClient(create_app(f"sqlite:///{path}"), raise_server_exceptions=False)
        for page in ("/", "/api/accelerators", "/api/health"):
            response = client.get(page)
            assert response.status_code == 503, (path.name, page)
        assert client.get("/api/health").json()["error"] == "database-unavailable"


def test_health_is_200_on_a_good_database(junk_databases, tmp_path):
    client = TestClient(create_app(f"sqlite:///{tmp_path / 'good.sqlite'}"), raise_server_exceptions=False)
    assert (client.get("/api/health").status_code, client.get("/api/health").json()) == (200, {"ok": True})


@pytest.mark.parametrize("limit", ["٣", "5_0", "+3", "3.0"])
def test_limit_takes_ascii_digits_only(junk_databases, tmp_path, limit):
    client = TestClient(create_app(f"sqlite:///{tmp_path / 'good.sqlite'}"), raise_server_exceptions=False)
    response = client.get("/api/accelerators", params={"limit": limit})
    assert response.status_code == 400
    assert response.json()["message"] == f"parameter 'limit': {limit!r} is not a whole number"


# --------------------------------------------------------------------------------------------- the fast path


def test_ordinary_files_take_the_fast_path(monkeypatch):
    """Every file of data/ and of the minimal fixture is built by the fast node builder: were one to fall back to
    the reference loader silently (twice as slow), this fails."""

    def fell_back(*_args, **_kwargs):
        raise AssertionError("fell back to the reference loader")

    monkeypatch.setattr(yaml_lines.yaml, "load", fell_back)
    files = sorted((ROOT / "data").rglob("*.yaml")) + sorted((ROOT / "tests" / "fixtures" / "minimal").rglob("*.yaml"))
    assert len(files) > 100
    for path in files:
        yaml_lines._parse(path.read_text(encoding="utf-8"))
