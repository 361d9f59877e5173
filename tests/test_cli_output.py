"""How the CLI prints for people and for pipes: widths, keys never split, yes/no, NO_COLOR, -f json/csv on every
data command, export-status's answers and matrix, the one word for missing data, progress, and the exit codes."""

from __future__ import annotations

import csv
import io
import json
import re
import socket
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from gpudb.cli import app
from gpudb.metrics.catalogue import METRICS
from gpudb.storage.build import build

README = Path(__file__).parent.parent / "README.md"


@pytest.fixture
def url(several_data, tmp_path, isolated_env):
    """The minimal data with x3 laid over it, built into SQLite."""
    database = f"sqlite:///{tmp_path / 'several.sqlite'}"
    build(database, several_data)
    return database


def invoke(*args: str, **env: str | None):
    """Run the CLI in-process; COLUMNS is unset unless given, so the output is a pipe's."""
    return CliRunner().invoke(app, list(args), env={"COLUMNS": None, "NO_COLOR": None, "FORCE_COLOR": None, **env})


def test_at_80_columns_no_line_is_wider_and_no_metric_key_is_split(url):
    for args in (["metrics"], ["coverage"], ["show", "x3"], ["compare", "x1", "x3"], ["list"]):
        result = invoke(*args, "--db", url, COLUMNS="80") if args[0] != "metrics" else invoke(*args, COLUMNS="80")
        assert result.exit_code == 0, args
        # every line of the tables and records; prose after a table (claims, a legend) is the terminal's to wrap
        prose = args[0] in ("compare", "coverage", "show")
        lines = [line for line in result.stdout.splitlines() if not prose or line[:1] in "┏┃┡│└"]
        assert max(len(line) for line in lines) <= 80, args
    # metrics (7 columns) and coverage (12) cannot fit 80 columns without splitting words: a record per row, the
    # key as its heading, whole. All 23 keys of the catalogue, none cut (fp64_tensor_tflops was "fp64_tensor_t").
    metrics = invoke("metrics", COLUMNS="80").stdout.splitlines()
    assert [line for line in metrics if line and line[0] != " "] == ["Metrics", *(m.key for m in METRICS)]
    assert "  sparsity applies: no" in metrics  # fp64_tflops's flag
    coverage = invoke("coverage", "--db", url, COLUMNS="80").stdout.splitlines()
    headings = [line for line in coverage if line and line[0] != " "]
    assert headings[:4] == ["Values per accelerator", "x1", "x3", "Accelerators per metric"]
    assert headings[4 : 4 + len(METRICS)] == [m.key for m in METRICS]


def test_a_table_that_fits_wraps_between_words_and_keeps_keys_on_one_line(url):
    # list at 80: id 2, vendor 6, name 6, architecture 12, form factor 6 ("factor"), china specific 8, aliases 7
    # at the least (the longest word each) = 47 + 3 × 7 + 1 = 69 ≤ 80, so a table; "china specific" (14) wraps
    result = invoke("list", "--db", url, COLUMNS="80")
    lines = result.stdout.splitlines()
    assert lines[0].strip() == "Accelerators"
    assert lines[1].startswith("┏") and len(lines[1]) <= 80
    words = {cell.strip() for line in lines if line[:1] in "│┃" for cell in line.strip("│┃").split("│")}
    words |= {cell.strip() for line in lines if line[:1] == "┃" for cell in line.strip("┃").split("┃")}
    assert {"architecture", "Roadrunner", "china", "specific", "no", "x1", "x3"} <= words
    # in a pipe (no COLUMNS) the table is as wide as it needs: one line per row, nothing wrapped
    piped = invoke("list", "--db", url).stdout.splitlines()
    assert [line.split("│")[1].strip() for line in piped if line.startswith("│")] == ["x1", "x3"]
    assert any(line.startswith("│ x1 ") and "Acme X1, X1" in line for line in piped)


def test_flags_read_yes_or_no_in_tables_and_csv_but_stay_booleans_in_json(url):
    piped = invoke("list", "--db", url).stdout
    assert "True" not in piped and "False" not in piped
    assert re.search(r"│ x1 .*│ no +│", piped)  # china specific: no
    rows = list(csv.DictReader(io.StringIO(invoke("metrics", "-f", "csv").stdout)))
    assert {row["key"]: row["sparsity_applies"] for row in rows}["bf16_dense_tflops"] == "yes"
    assert {row["key"]: row["sparsity_applies"] for row in rows}["memory_capacity_gb"] == "no"
    as_json = json.loads(invoke("metrics", "-f", "json").stdout)
    assert {m["key"]: m["sparsity_applies"] for m in as_json}["bf16_dense_tflops"] is True


def test_no_color_takes_the_colour_away_and_keeps_the_table(url):
    coloured = invoke("list", "--db", url, FORCE_COLOR="1", COLUMNS="120").stdout
    assert "\x1b[36mx1" in coloured  # the key column in cyan on a terminal
    plain = invoke("list", "--db", url, FORCE_COLOR="1", NO_COLOR="1", COLUMNS="120").stdout
    assert "\x1b[36m" not in plain and re.search(r"│ x1 +│ Acme", re.sub(r"\x1b\[[0-9;]*m", "", plain))


def test_peak_explain_and_device_print_json_and_csv(url):
    peak = invoke("peak", "x1", "--db", url, "-f", "json")
    assert peak.exit_code == 0
    # x1's BF16 is published as 1,979 TFLOPS with 2:4 sparsity: halved, 989.5 TFLOPS = 9.895e14 FLOP/s
    assert json.loads(peak.stdout) == [
        {
            "accelerator_id": "x1",
            "precision": "bf16",
            "flops": 989.5e12,
            "unit": "FLOP/s",
            "tflops": 989.5,
            "metric": "bf16_dense_tflops",
            "as_published": "1979 TFLOPS",
            "sparse_in_source": True,
            "source_title": "Acme X1 Datasheet",
            "source_url": "https://example.com/x1.pdf",
        }
    ]
    peak_csv = list(csv.DictReader(io.StringIO(invoke("peak", "x1", "-p", "fp8", "--db", url, "-f", "csv").stdout)))
    assert [(row["flops"], row["sparse_in_source"]) for row in peak_csv] == [("1979000000000000.0", "no")]
    explained = json.loads(invoke("explain", "x1", "tpp", "--db", url, "-f", "json").stdout)
    # TPP = 1,979 TFLOPS FP8 × 8 bits = 15,832
    assert (explained["accelerator_id"], explained["metric"], explained["value"]) == ("x1", "tpp", 15832.0)
    assert [(i["metric"], i["value"], i["source_tier"]) for i in explained["inputs"]] == [
        ("fp8_dense_tflops", 1979.0, "tier 1 vendor")
    ]
    explained_csv = list(csv.DictReader(io.StringIO(invoke("explain", "x1", "tpp", "--db", url, "-f", "csv").stdout)))
    assert [(r["derived"], r["derived_value"], r["metric"]) for r in explained_csv] == [
        ("tpp", "15832.0", "fp8_dense_tflops")
    ]
    found = invoke("device", "Acme X1", "--db", url, "-f", "json")
    assert json.loads(found.stdout) == [{"name": "Acme X1", "accelerator_id": "x1", "how": "by-alias"}]
    assert (
        invoke("device", "Acme X1", "--db", url, "-f", "csv").stdout == "name,accelerator_id,how\nAcme X1,x1,by-alias\n"
    )


def test_export_status_opens_with_one_line_per_rule(url):
    result = invoke("export-status", "x3", "--db", url)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    # x3: BF16 500 TFLOPS × 16 bits = TPP 8,000 ≥ 4,800, so T.a.1 decides it
    assert lines[:5] == [
        "┏━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┳━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┓",
        "┃ rule            ┃ outcome    ┃ deciding comparison            ┃",
        "┡━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━╇━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━┩",
        "│ test-thresholds │ controlled │ T.a.1: TPP 8,000 >= 4,800? yes │",
        "└─────────────────┴────────────┴────────────────────────────────┘",
    ]
    assert lines[5] == "test-thresholds (1 TR 1, in-force): controlled: T.a.1 (TPP of 4,800 or more)"
    as_json = json.loads(invoke("export-status", "x3", "--db", url, "-f", "json").stdout)
    assert [row["deciding"] for row in as_json] == [["T.a.1: TPP 8,000 >= 4,800? yes"]]


def test_export_status_all_is_the_chip_by_rule_matrix(url):
    table = invoke("export-status", "--all", "--db", url).stdout.splitlines()
    assert [line.strip("│").split("│") for line in table if line.startswith("│")] == [
        [" x1          ", " controlled      "],
        [" x3          ", " controlled      "],
    ]
    assert invoke("export-status", "--all", "--db", url, "-f", "csv").stdout == (
        "accelerator,test-thresholds\nx1,controlled\nx3,controlled\n"
    )
    assert json.loads(invoke("export-status", "--all", "-r", "test-thresholds", "--db", url, "-f", "json").stdout) == [
        {"accelerator_id": "x1", "test-thresholds": "controlled"},
        {"accelerator_id": "x3", "test-thresholds": "controlled"},
    ]
    both = invoke("export-status", "x1", "--all", "--db", url)
    assert (both.exit_code, both.stderr) == (2, "Error: give one accelerator NAME or --all\n")
    bad = invoke("export-status", "--all", "-r", "nope", "--db", url)
    assert (bad.exit_code, bad.stderr) == (2, "Error: unknown rule 'nope'; valid rules: test-thresholds\n")


def test_missing_data_is_unknown_everywhere(url):
    from gpudb.cli import common
    from gpudb.formatting import STATUS_WORDS
    from gpudb.web import render

    assert common.STATUS_WORDS is STATUS_WORDS is render.STATUS_WORDS  # one mapping
    assert STATUS_WORDS["unknown"] == "unknown"
    compared = invoke("compare", "x1", "x3", "--db", url).stdout
    assert "missing" not in compared and re.search(r"│ FP64 +│ TFLOPS +│ 33.5 +│ unknown +│ unknown +│", compared)
    explained = invoke("explain", "x1", "performance_density", "--db", url).stdout
    assert explained.splitlines()[0] == "Performance density of x1: unknown"
    cells = json.loads(invoke("coverage", "--db", url, "-f", "json").stdout)
    assert {cell["status"] for cell in cells} == {"value", "unknown", "not-supported", "not-applicable"}


def test_coverage_never_says_none_missing_for_a_chip_with_no_values(several_data, tmp_path, isolated_env):
    empty = several_data / "accelerators" / "acme" / "x9.yaml"
    empty.write_text(
        "id: x9\nvendor: Acme\nname: X9\narchitecture: Roadrunner\nform_factor: PCIe\n"
        "data_center: true\nchina_specific: false\nspecs:\n"
        "  tdp_w:\n    status: unknown\n    note: Not published.\n"
        "  memory_capacity_gb:\n    status: unknown\n    note: Not published.\n"
        "  memory_bandwidth_tbs:\n    status: unknown\n    note: Not published.\n"
        "  bf16_dense_tflops:\n    status: unknown\n    note: Not published.\n"
    )
    database = f"sqlite:///{tmp_path / 'x9.sqlite'}"
    build(database, several_data)
    result = invoke("coverage", "--db", database)
    rows = {line.split("│")[1].strip(): line.split("│")[-2].strip() for line in result.stdout.splitlines()[:12]
            if line.startswith("│")}  # fmt: skip
    # every core metric is stored as unknown with a note: nothing is missing, but nothing is known either
    assert rows == {"x1": "tdp_w", "x3": "none", "x9": "no values"}


def test_long_work_shows_no_progress_in_a_pipe_and_a_transient_bar_on_a_terminal(url, tmp_path, monkeypatch):
    from gpudb.cli.common import progress

    result = invoke("export", str(tmp_path / "out"), "--db", url)
    assert (result.exit_code, result.stderr) == (0, "")  # stderr is not a terminal here: nothing on it
    assert invoke("coverage", "--db", url).stderr == ""

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal = Terminal()
    monkeypatch.setattr(sys, "stderr", terminal)
    with progress("counting"):
        pass
    shown = terminal.getvalue()
    assert shown.startswith("\x1b[?25l") and "counting" in shown  # the cursor hidden while the bar runs
    assert shown.endswith("\x1b[?25h\r\x1b[1A\x1b[2K")  # then shown again and the bar's line erased: transient


def test_exit_codes_are_documented_in_one_table():
    table = README.read_text().split("### Exit codes", 1)[1].split("\n\n", 2)[1]
    codes = [int(row.split("|")[1]) for row in table.splitlines()[2:]]
    assert codes == [0, 1, 2, 3, 4, 5, 6, 7]
    from gpudb import errors

    raised = {c.exit_code for c in vars(errors).values() if isinstance(c, type) and issubclass(c, errors.GpudbError)}
    assert raised == {1, 2, 3, 4, 6, 7}  # 5 is gpudb bench's: no PyTorch or no GPU (tests/test_bench.py)


def test_a_missing_optional_package_exits_6_with_one_line(url, tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow now raises ImportError
    result = invoke("export", str(tmp_path / "out"), "--format", "parquet", "--db", url)
    assert (result.exit_code, result.stderr) == (6, "Error: parquet export needs pyarrow: pip install pyarrow\n")
    monkeypatch.setitem(sys.modules, "psycopg", None)
    result = invoke("build", "--db", "postgresql+psycopg://127.0.0.1/nowhere")
    assert result.exit_code == 6
    assert result.stderr.startswith("Error: no driver for 'postgresql+psycopg' (import of psycopg halted")
    assert result.stderr.endswith("; install it with: pip install 'psycopg[binary]'\n")


def test_serve_on_a_port_in_use_exits_7_with_one_line(url):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = invoke("serve", "--db", url, "--port", str(port))
    assert result.exit_code == 7
    assert result.stderr == (
        f"Error: cannot listen on 127.0.0.1:{port}: Address already in use; stop what is using it or choose another "
        "with --port\n"
    )


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["check", "--data", "{broken}"], 1),
        (["list", "--bogus"], 2),
        (["show", "nosuchchip"], 3),
        (["list", "--db", "sqlite:///{tmp}/none.sqlite"], 4),
    ],
)
def test_the_other_exit_codes_keep_their_meaning(args, code, tmp_path, isolated_env):
    broken = tmp_path / "broken"
    (broken / "accelerators" / "acme").mkdir(parents=True)
    (broken / "accelerators" / "acme" / "x.yaml").write_text("- not a mapping\n")
    database = f"sqlite:///{tmp_path / 'ok.sqlite'}"
    build(database, Path(__file__).parent / "fixtures" / "minimal" / "data")
    args = [a.format(broken=broken, tmp=tmp_path) for a in args]
    if args[0] == "show":
        args += ["--db", database]
    result = invoke(*args)
    assert result.exit_code == code
    assert result.stderr.count("\n") >= 1 and "Traceback" not in result.stderr


def test_a_long_table_is_drawn_in_rich_box_style_each_column_as_wide_as_its_widest_cell():
    from gpudb.cli.common import long_table

    drawn = long_table("Two", ["chip", "tdp"], [["h20", "400"], ["h100-sxm", ""], ["a {b}", "7"]])
    assert drawn.splitlines() == [
        "       Two",
        "┏━━━━━━━━━━┳━━━━━┓",
        "┃ chip     ┃ tdp ┃",
        "┡━━━━━━━━━━╇━━━━━┩",
        "│ h20      │ 400 │",
        "│ h100-sxm │     │",
        "│ a {b}    │ 7   │",  # braces in a cell are text, not a format field
        "└──────────┴─────┘",
    ]
