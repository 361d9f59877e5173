"""The CLI as a user runs it: outputs, exit codes and one-line errors."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from gpudb.cli import app
from gpudb.storage.build import build

BROKEN = Path(__file__).parent / "fixtures" / "broken"


@pytest.fixture
def run(isolated_env, minimal_data, monkeypatch):
    """Invoke the CLI in-process on the minimal data, with the default database in a temporary folder."""
    monkeypatch.setenv("GPUDB_DATA_DIR", str(minimal_data))
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(app, list(args))

    return invoke


def test_check_reports_a_valid_folder(run, minimal_data):
    result = run("check")
    assert result.exit_code == 0
    assert result.stdout == f"{minimal_data}: 1 accelerators, 8 values, 3 sources, 1 rules, 1 claims: all valid\n"


def test_check_reports_every_problem_and_exits_1(run, minimal_data):
    shutil.copytree(BROKEN / "missing-unit", minimal_data, dirs_exist_ok=True)
    shutil.copytree(BROKEN / "bad-shape", minimal_data, dirs_exist_ok=True)
    result = run("check")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "data/accelerators/acme/x1.yaml:23 x1.memory_capacity_gb: 141 has no unit; write it as e.g. '141 GB' "
        "[missing-unit]",
        "data/accelerators/acme/x2.yaml:2 an accelerator file must be a YAML mapping [bad-shape]",
        f"2 problems in {minimal_data}",
    ]


def test_check_json_lists_problems_with_locations(run, minimal_data):
    shutil.copytree(BROKEN / "unknown-source", minimal_data, dirs_exist_ok=True)
    result = run("check", "--format", "json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["ok"] is False
    assert report["problems"] == [
        {
            "code": "unknown-source",
            "file": "data/accelerators/acme/x1.yaml",
            "line": 21,
            "accelerator": "x1",
            "field": "memory_bandwidth_tbs",
            "value": "acme-datasheat",
            "message": "source 'acme-datasheat' is not defined; did you mean 'acme-datasheet'?",
        }
    ]


def test_build_then_list_and_show(run, isolated_env):
    result = run("build")
    assert result.exit_code == 0
    assert (
        result.stdout == f"built sqlite:///{isolated_env / 'default.sqlite'}: "
        "1 accelerators, 8 values, 3 sources, 1 rules, 1 claims\n"
    )
    listed = run("list", "--format", "csv")
    assert listed.exit_code == 0
    assert list(csv.DictReader(io.StringIO(listed.stdout))) == [
        {
            "id": "x1",
            "vendor": "Acme",
            "name": "X1 SXM",
            "architecture": "Roadrunner",
            "form_factor": "SXM5",
            "data_center": "yes",
            "china_specific": "no",
            "aliases": "Acme X1, X1",
        }
    ]
    shown = run("show", "acme x1")
    assert shown.exit_code == 0
    assert shown.stdout.startswith("X1 SXM (x1) · Acme Roadrunner · SXM5\naliases: Acme X1, X1\n")
    assert "1979 TFLOPS (2:4 sparse, halved)" in shown.stdout
    assert "268 TFLOPS (board of 8, divided)" in shown.stdout
    assert shown.stdout.rstrip().endswith(
        "[1] Acme X1 Datasheet. Acme, 2024-03-01 (vendor-datasheet; tier 1 vendor). https://example.com/x1.pdf"
    )


def test_show_json_and_csv(run):
    run("build")
    shown = json.loads(run("show", "X1", "--format", "json").stdout)
    assert shown["id"] == "x1"
    bf16 = next(v for v in shown["values"] if v["metric"] == "bf16_dense_tflops")
    assert (bf16["value"], bf16["unit"], bf16["sparse_in_source"], bf16["source"]["url"]) == (
        989.5,
        "TFLOPS",
        True,
        "https://example.com/x1.pdf",
    )
    rows = list(csv.DictReader(io.StringIO(run("show", "X1", "-f", "csv").stdout)))
    assert [row["metric"] for row in rows][:3] == ["fp64_tflops", "bf16_dense_tflops", "fp8_dense_tflops"]
    assert rows[0]["value"] == "33.5" and rows[3]["value"] == "141"  # whole numbers without .0


def test_build_refuses_bad_data_and_writes_nothing(run, minimal_data, isolated_env):
    shutil.copytree(BROKEN / "sparse-as-dense", minimal_data, dirs_exist_ok=True)
    result = run("build")
    assert result.exit_code == 1
    assert result.stderr.splitlines()[-1] == "Error: data/ has 1 problem; nothing was written"
    assert "[sparse-as-dense]" in result.stderr.splitlines()[0]
    assert not (isolated_env / "default.sqlite").exists()


def test_unknown_accelerator_exits_3_with_suggestions(run):
    run("build")
    result = run("show", "x1 sx")
    assert (result.exit_code, result.stdout, result.stderr) == (
        3,
        "",
        "Error: unknown accelerator 'x1 sx'; did you mean 'x1'?\n",
    )


def test_missing_database_exits_4_and_says_how_to_build(run, isolated_env):
    result = run("list")
    assert (result.exit_code, result.stderr) == (
        4,
        f"Error: no database at {isolated_env / 'default.sqlite'}; run 'gpudb build' first\n",
    )


def test_bad_format_is_a_usage_error_naming_the_allowed_values(run):
    result = run("list", "--format", "xml")
    assert result.exit_code == 2
    assert "'xml' is not one of" in result.stderr and "'table', 'csv', 'json'" in result.stderr


def test_metrics_lists_the_catalogue(run):
    rows = json.loads(run("metrics", "--format", "json").stdout)
    by_key = {row["key"]: row for row in rows}
    assert by_key["memory_bandwidth_tbs"]["unit"] == "TB/s"
    assert by_key["bf16_dense_tflops"]["sparsity_applies"] is True
    assert by_key["die_area_mm2"]["unit"] == "mm²"


def test_the_console_script_runs_as_a_user_runs_it(tmp_path, minimal_data):
    # a real process: no traceback on a bad --db URL, exit code 4
    gpudb = Path(sys.executable).with_name("gpudb")
    env = {**os.environ, "GPUDB_DATA_DIR": str(minimal_data)}
    result = subprocess.run([str(gpudb), "build", "--db", "nonsense://"], capture_output=True, text=True, env=env)
    assert result.returncode == 4
    assert result.stderr.startswith("Error: no driver for 'nonsense'")
    assert "Traceback" not in result.stderr


def test_compare_formats_and_errors(run):
    run("build")
    table = run("compare", "x1")
    assert table.exit_code == 0 and "TPP" in table.stdout and "15,832" in table.stdout
    markdown = run("compare", "x1", "--metrics", "tpp,memory_bandwidth_tbs", "--format", "markdown").stdout
    assert markdown.splitlines() == [
        "| metric | unit | x1 |",
        "|---|---|---|",
        "| TPP |  | 15,832 |",
        "| Memory bandwidth | TB/s | 4.8 |",
        "",
        "Published claims about these chips:",  # the fixture's one claim, about x1 alone
        "",
        "- test-x1-tpp: x1 exactly TPP 15,832; closest TPP 15,832, 0.0% → matches",
    ]
    data = json.loads(run("compare", "x1", "-m", "tpp", "-f", "json").stdout)
    assert data["baseline"] == "x1" and data["rows"][0]["x1"] == 15832
    assert [(c["id"], c["verdict"]) for c in data["claims"]] == [("test-x1-tpp", "matches")]
    unknown = run("compare", "x1", "-m", "speed")
    assert unknown.exit_code == 2 and unknown.stderr.startswith("Error: unknown metric 'speed'; valid metrics: ")
    foreign = run("compare", "x1", "--baseline", "x9")
    assert (foreign.exit_code, foreign.stderr) == (
        3,
        "Error: unknown accelerator 'x9'; run 'gpudb list' to see the accelerators\n",
    )


def test_explain_prints_the_working_and_sources(run):
    run("build")
    result = run("explain", "x1", "tpp")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "TPP of x1: 15,832",
        "  1979 TFLOPS FP8 dense × 8 bits = 15,832 (the maximum; other precisions: FP64 2,144, BF16 15,832)",
        "  FP8 dense = 1,979 TFLOPS (published: 1,979 TFLOPS) — Acme X1 Datasheet, Acme (tier 1 vendor); https://example.com/x1.pdf",
    ]
    missing = run("explain", "x1", "performance_density")
    assert missing.stdout.splitlines()[:2] == [
        "Performance density of x1: unknown",
        "  performance density indeterminate: die area unknown",
    ]


def test_export_status_and_claims_commands(run):
    run("build")
    status = run("export-status", "x1")
    assert status.exit_code == 0
    # first the answer per rule, a table: rule, outcome, the comparison that decided it; then the working
    assert table_rows(status.stdout) == [["test-thresholds", "controlled", "T.a.1: TPP 15,832 >= 4,800? yes"]]
    working = status.stdout[status.stdout.index("└") :].splitlines()[1:]
    assert working[0] == "test-thresholds (1 TR 1, in-force): controlled: T.a.1 (TPP of 4,800 or more)"
    assert "    T.a.1: TPP 15,832 >= 4,800? yes" in working
    bad_rule = run("export-status", "x1", "--rule", "nope")
    assert (bad_rule.exit_code, bad_rule.stderr) == (2, "Error: unknown rule 'nope'; valid rules: test-thresholds\n")
    claims = run("claims", "--id", "test-x1-tpp")
    assert claims.exit_code == 0
    assert "  verdict: x1 exactly TPP 15,832; closest TPP 15,832, 0.0% → matches" in claims.stdout.splitlines()
    rows = list(csv.DictReader(io.StringIO(run("claims", "-f", "csv").stdout)))
    assert [(row["id"], row["verdict"], row["metrics"], row["gap_pct"]) for row in rows] == [
        ("test-x1-tpp", "matches", "tpp", "0.0")
    ]


def table_rows(output: str) -> list[list[str]]:
    """The body rows of the Rich tables in `output`, each as its stripped cells."""
    return [[cell.strip() for cell in line.strip("│").split("│")] for line in output.splitlines() if line[:1] == "│"]


def test_coverage_table_counts_each_chip_and_each_metric(several_data, tmp_path):
    # x1: 8 values, all from the Acme datasheet, so 23 - 8 = 15 metrics unknown, and no TDP among them;
    # x3: bandwidth, capacity and BF16 from the datasheet, TDP preferred from the news report, FP8 not supported,
    # PCIe generation not applicable: 3 + 1 + 1 + 1, and 23 - 6 = 17 unknown. Columns: the grades (vendor, vendor via
    # copy, regulator, reputable, trade, community, estimate), then not supported, n/a, unknown
    url = f"sqlite:///{tmp_path / 'several.sqlite'}"
    build(url, several_data)
    result = CliRunner().invoke(app, ["coverage", "--db", url], env={"COLUMNS": "200"})  # ten count columns: no wrap
    assert result.exit_code == 0
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert lines[0] == "Values per accelerator"
    assert "Accelerators per metric" in lines
    assert lines[-1] == (
        "vendor = from a vendor source (vendor-datasheet, vendor-product-page, vendor-announcement, "
        "vendor-documentation) read in the original; vendor via copy = read only through a copy or a quotation; the "
        "other columns are the lower tiers (gpudb/tiers.py); unknown includes nothing stored."
    )
    rows = table_rows(result.stdout)
    assert rows[:2] == [
        ["x1", "8", "0", "0", "0", "0", "0", "0", "0", "0", "15", "tdp_w"],
        ["x3", "3", "0", "0", "0", "1", "0", "0", "1", "1", "17", "none"],
    ]
    by_metric = {row[0]: row[1:] for row in rows[2:]}
    assert len(by_metric) == 23
    assert by_metric["bf16_dense_tflops"] == ["2", "0", "0", "0", "0", "0", "0", "0", "0", "0"]
    assert by_metric["tdp_w"] == ["0", "0", "0", "0", "1", "0", "0", "0", "0", "1"]  # x3 trade, x1 unknown
    assert by_metric["fp8_dense_tflops"] == ["1", "0", "0", "0", "0", "0", "0", "1", "0", "0"]
    assert by_metric["pcie_generation"] == ["1", "0", "0", "0", "0", "0", "0", "0", "1", "0"]


def test_export_status_table_of_the_h20_shows_each_threshold(real_db):
    # 296 TFLOPS FP8 dense × 8 bits = TPP 2,368: under 4,800 (3A090.a.1) and under 2,400 (3A090.b.1)
    result = CliRunner().invoke(app, ["export-status", "H20", "--db", real_db])
    assert (result.exit_code, result.stderr) == (0, "")
    answers = {row[0]: row[1:] for row in table_rows(result.stdout)}
    assert answers["us-2022-10-advanced-computing"] == ["not controlled", "3A090: TPP 2,368 >= 4,800? no"]
    assert answers["us-2023-10-advanced-computing"] == [
        "not controlled",
        "3A090.a.1: TPP 2,368 >= 4,800? no; 3A090.a.2: performance density 2.91 >= 5.92? no; "
        "3A090.b.1: TPP 2,368 >= 2,400? no; 3A090.b.2: performance density 2.91 >= 3.2? no",
    ]  # every paragraph's first failing comparison: none is met
    assert answers["us-2025-04-h20-licence-letter"] == ["named", "named: H20"]
    lines = result.stdout[result.stdout.index("└") :].splitlines()[1:]
    assert "us-2023-10-advanced-computing (88 FR 73458, in-force): not controlled: no paragraph applies" in lines
    assert lines[1].startswith("    TPP: 296 TFLOPS FP8 dense × 8 bits = 2,368 (the maximum; ")
    assert "    3A090.a.1: TPP 2,368 >= 4,800? no" in lines
    assert "    3A090.b.1: TPP 2,368 >= 2,400? no" in lines
    assert "    3A090: TPP 2,368 >= 4,800? no" in lines  # the 2022 rule
    # the H20's die area is GH100's, inferred: the working says so
    density = next(line for line in lines if line.startswith("    performance density: "))
    assert density.startswith(
        "    performance density: TPP 2,368 ÷ 814 mm² die area = 2.91 (die area inferred: GH100's"
    )
    assert any(
        line.startswith("us-2025-04-h20-licence-letter (") and line.endswith("named in the rule (H20)")
        for line in lines
    )
    assert "    case-by-case: TPP 2,368 < 21,000? yes" in lines
    # every unindented line names a rule: 'rule-id (citation, status): outcome'
    assert all(re.fullmatch(r"us-[0-9a-z-]+ \(.+, [a-z-]+\): .+", line) for line in lines if line[:1] != " ")


def test_claims_table_of_one_claim_lists_every_metric_it_was_checked_on(real_db):
    # H200 FP8 dense 1,979 ÷ H20 296 = 6.69×; TPP 15,832 ÷ 2,368 = 6.69× as well
    result = CliRunner().invoke(app, ["claims", "--id", "ifp-2025-12-h200-vs-h20", "--db", real_db])
    assert (result.exit_code, result.stderr) == (0, "")
    lines = result.stdout.splitlines()
    assert lines[0] == (
        "ifp-2025-12-h200-vs-h20: Institute for Progress (reported by Reuters), 2025-12-09: "
        '"the H200 delivers nearly six times the performance of the H20"'
    )
    assert lines[1:3] == [
        "  note: the quoted sentence is not in the stored copy of the source",
        "  verdict: h200-sxm nearly 6× h20; closest TPP 6.69×, +11.4% → roughly",  # 15,832 ÷ 2,368 ÷ 6 = 1.1143
    ]
    assert lines[3].startswith("  why: TPP 6.69× is +11.4% from the stated 6×: outside the band")
    assert "    ~ FP8 dense: 6.69× (+11.4%)" in lines  # roughly: above 'nearly 6'
    assert "    ~ TPP: 6.69× (+11.4%)" in lines
    assert "      Memory bandwidth: 1.2× (−80.0%)" in lines  # 4.8 ÷ 4.0 = 1.2, checked, and not nearly 6×
    assert "      FP4 dense: unknown" in lines  # no FP4 figure for the pair: "unknown", never 0
    assert lines[-1].startswith(
        "  source: How Nvidia's H200 stacks up against Chinese AI chips and Blackwell; https://"
    )
