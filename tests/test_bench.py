"""gpudb bench without a GPU: device matching, the timing loop, the file format, loading and efficiency.

The measuring path runs for real on the CPU with tiny shapes; the figures of tests/fixtures/measurements are
round hand-written numbers, so the efficiencies below can be checked by hand.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from gpudb.analysis import measured
from gpudb.analysis.comparison import compare_rows
from gpudb.bench import runner, timing
from gpudb.bench.device import DeviceInfo
from gpudb.cli import app
from gpudb.storage.build import build
from gpudb.validation.run import validate

torch = pytest.importorskip("torch")  # the test extra installs the CPU build

ROOT = Path(__file__).parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "measurements" / "h100-sxm-2026-11-20-101500.yaml"
H100 = DeviceInfo("NVIDIA H100 80GB HBM3", 85.0, 132, "cpu")
TINY = {"shapes": [(32, 32, 32), (64, 48, 40)], "sizes_bytes": [2**16], "settings": timing.Settings(1, 3, 0.0)}


@pytest.fixture
def real_data(tmp_path: Path) -> Path:
    """A writable copy of data/."""
    target = tmp_path / "data"
    shutil.copytree(ROOT / "data", target)
    return target


@pytest.fixture
def measured_db(real_data: Path, database_url: str) -> str:
    """The real data plus the hand-written H100 measurement, built on each backend."""
    (real_data / "measurements").mkdir(exist_ok=True)
    shutil.copy(FIXTURE, real_data / "measurements")
    build(database_url, real_data)
    return database_url


def cli(*args: str, **env: str):
    return CliRunner().invoke(app, list(args), env=env or None)


# ---------------------------------------------------------------------------------------------- timing


class FakeTimer:
    """Each timed stretch lasts `seconds_per_call` × the calls made in it."""

    def __init__(self, seconds_per_call: float, calls: list[int]) -> None:
        self.seconds_per_call, self.calls, self.started_at = seconds_per_call, calls, 0

    def start(self) -> None:
        self.started_at = len(self.calls)

    def stop_seconds(self) -> float:
        return (len(self.calls) - self.started_at) * self.seconds_per_call

    def synchronize(self) -> None:
        pass


def test_the_timing_loop_warms_up_calibrates_and_repeats():
    calls: list[int] = []
    settings = timing.Settings(warmup=2, repetitions=4, min_repetition_seconds=0.010)
    seconds = timing.time_per_call(lambda: calls.append(1), FakeTimer(0.001, calls), settings)
    # 2 warm-up + 1 calibration call (1 ms) → 10 calls per repetition to reach 10 ms; 4 repetitions
    assert len(calls) == 2 + 1 + 4 * 10
    assert seconds == pytest.approx([0.001] * 4)


def test_rate_figures_are_median_best_and_spread():
    figures = timing.RateFigures.of(2.0, [1.0, 2.0, 4.0])  # rates 2, 1, 0.5
    assert (figures.median, figures.best, figures.repetitions) == (1.0, 2.0, 3)
    assert figures.spread_pct == pytest.approx(150.0)  # (2 − 0.5) ÷ 1 × 100


# ---------------------------------------------------------------------------------------------- matching


def test_a_device_is_matched_by_name_and_checked_by_sm_count(real_db):
    assert runner.match_accelerator(H100, real_db) == runner.Match("h100-sxm", "exact")
    h20 = DeviceInfo("NVIDIA H20", 102.6, 78, "cuda")
    assert runner.match_accelerator(h20, real_db).accelerator_id == "h20"


def test_a_device_with_another_sm_count_is_refused(real_db):
    partitioned = DeviceInfo("NVIDIA H100 80GB HBM3", 85.0, 114, "cuda")
    with pytest.raises(runner.DeviceMismatchError) as error:
        runner.match_accelerator(partitioned, real_db)
    assert str(error.value) == (
        "'NVIDIA H100 80GB HBM3' (114 SMs, 85 GB) is not h100-sxm: h100-sxm has 132 SMs in the data. It may be "
        "another SKU or a partitioned (MIG) GPU; gpudb bench measures whole GPUs of a known SKU"
    )


def test_an_ambiguous_device_is_refused_without_a_terminal_and_asked_with_one(real_db, monkeypatch):
    from gpudb.analysis.devices import DeviceMatch

    both = DeviceMatch("NVIDIA H200", None, "ambiguous", ["h200-nvl", "h200-sxm"])
    monkeypatch.setattr(runner, "lookup_device", lambda *args: both)
    device = DeviceInfo("NVIDIA H200", 150.0, 132, "cuda")
    with pytest.raises(runner.DeviceMismatchError) as error:
        runner.match_accelerator(device, real_db)
    assert str(error.value) == (
        "'NVIDIA H200' (132 SMs, 150 GB) could be h200-nvl, h200-sxm; run again with --accelerator ID to say which"
    )
    chosen = runner.match_accelerator(device, real_db, choose=lambda candidates: candidates[-1])
    assert chosen == runner.Match("h200-sxm", "chosen")
    assert runner.match_accelerator(device, real_db, accelerator="H200 NVL").accelerator_id == "h200-nvl"


def test_the_plan_skips_what_the_chip_lacks_and_sets_fp64_against_the_tensor_peak(real_db):
    a100 = {item.precision: item.metric for item in runner.plan("a100-sxm", real_db)}
    assert "fp8" not in a100  # the A100 datasheet lists no FP8: status not-supported
    assert a100["fp64"] == "fp64_tensor_tflops"
    assert a100["int8"] == "int8_dense_tops"
    l40s = {item.precision: item.metric for item in runner.plan("l40s", real_db)}
    assert l40s["fp64"] == "fp64_tflops"  # no FP64 tensor cores published


# ---------------------------------------------------------------------------------------------- the whole path


def test_a_cpu_run_writes_a_file_that_validates_and_loads(real_data, real_db, tmp_path):
    planned = runner.plan("h100-sxm", real_db)
    document = runner.run(
        torch, H100, "h100-sxm", planned, quick=True, host="test host", torch_device=torch.device("cpu"), **TINY
    )
    path = runner.write(document, real_data / "measurements" / f"{document['id']}.yaml")
    written = yaml.safe_load(path.read_text())
    assert written["accelerator"] == "h100-sxm" and written["environment"]["backend"] == "cpu"
    assert [r["name"] for r in written["results"]] == [
        "matmul-fp64",
        "matmul-fp32",
        "matmul-bf16",
        "matmul-fp16",
        "matmul-int8",
        "copy",
        "read",
    ]
    assert {s["name"]: s["reason"] for s in written["skipped"]} == {
        "matmul-tf32": "TF32 is a mode of CUDA tensor cores; there is none on this device",
        "matmul-fp8": "FP8 matrix multiply needs a CUDA GPU of compute capability 8.9 or later",
    }
    bf16 = next(r for r in written["results"] if r["name"] == "matmul-bf16")
    assert bf16["shape"] in ([32, 32, 32], [64, 48, 40]) and bf16["repetitions"] == 3
    assert bf16["best"] >= bf16["median"] > 0
    url = validate_and_build(real_data, tmp_path)
    rows = measured.measurement_rows("h100-sxm", url)
    row = next(r for r in rows if r["name"] == "matmul-bf16")
    assert row["published"] == 989.5
    assert row["efficiency"] == pytest.approx(bf16["median"] / 989.5)


def validate_and_build(data: Path, tmp_path: Path) -> str:
    assert [str(problem) for problem in validate(data).problems] == []
    url = f"sqlite:///{tmp_path / 'gpudb.sqlite'}"
    build(url, data)
    return url


def test_measured_figures_sit_beside_the_published_ones_with_their_efficiency(measured_db):
    rows = {row["name"]: row for row in measured.measurement_rows("H100", measured_db) if row["kind"] == "gpudb bench"}
    assert rows["matmul-bf16"]["published"] == 989.5
    assert rows["matmul-bf16"]["efficiency"] == pytest.approx(745.0 / 989.5)  # 0.7529
    assert rows["matmul-int8"]["efficiency"] == pytest.approx(990.0 / 1979.0)  # 0.5003
    assert rows["read"]["efficiency"] == pytest.approx(3.05 / 3.35)  # 0.9104
    assert rows["copy"]["best_efficiency"] == pytest.approx(2.97 / 3.35)
    frame = measured.measurements(url=measured_db)
    runs = frame[frame["kind"] == "gpudb bench"]  # the others are what others published (data/measurements/published/)
    assert len(runs) == 4 and set(runs["accelerator_id"]) == {"h100-sxm"}
    assert set(frame[frame["kind"] == "published"]["measured_by"]) >= {"Stas Bekman"}


def test_compare_measured_adds_the_newest_run_and_keeps_the_better_bandwidth(measured_db):
    comparison = compare_rows(["H100", "H200"], url=measured_db, measured=True)
    rows = {row["metric"]: row for row in comparison.rows}
    assert rows["bf16_dense_tflops"]["h100-sxm measured"] == 745.0
    assert rows["bf16_dense_tflops"]["h200-sxm measured"] is None
    assert rows["memory_bandwidth_tbs"]["h100-sxm measured"] == 3.05  # read (3.05) beats copy (2.95)
    assert rows["memory_bandwidth_tbs"]["measured"]["h100-sxm"]["name"] == "read"
    assert rows["tpp"]["h100-sxm measured"] is None


def test_the_cli_shows_measured_and_efficiency(measured_db):
    result = cli(
        "compare", "H100", "H200", "--measured", "-m", "bf16_dense_tflops,memory_bandwidth_tbs", "--db", measured_db
    )
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if "BF16" in line or "Memory" in line]
    assert "745" in lines[0] and "75.3%" in lines[0]
    assert "3.05" in lines[1] and "91.0%" in lines[1]
    as_json = json.loads(cli("compare", "H100", "H200", "--measured", "-f", "json", "--db", measured_db).output)
    bf16 = next(row for row in as_json["rows"] if row["metric"] == "bf16_dense_tflops")
    assert bf16["h100-sxm efficiency"] == pytest.approx(0.752906, abs=1e-6)


def test_show_lists_each_run_with_its_environment(measured_db):
    result = cli("show", "H100", "--db", measured_db)
    assert result.exit_code == 0, result.output
    assert "Measured 2026-11-20 (quick run h100-sxm-2026-11-20-101500, gpudb bench 0.1.0)" in result.output
    assert (
        "on NVIDIA H100 80GB HBM3 (132 SMs, 85 GB, cuda); driver 570.86.15; CUDA 12.8; PyTorch 2.13.0+cu128; "
        "SM clock max 1980 MHz; power limit 700 W; host: test host, 16 vCPU"
    ) in result.output
    assert "not measured: matmul-fp8: not run in this illustration" in result.output
    assert "limitation of matmul-int8: torch._int_mm stays below the INT8 tensor-core peak; a lower bound" in (
        result.output
    )
    shown = json.loads(cli("show", "H100", "-f", "json", "--db", measured_db).output)
    assert [(row["measured_by"], row["name"]) for row in shown["measurements"]] == [
        ("gpudb bench", "matmul-bf16"),
        ("gpudb bench", "matmul-int8"),
        ("gpudb bench", "copy"),
        ("gpudb bench", "read"),
        ("Stas Bekman", "matmul-bf16"),  # the MAMF table's H100 SXM row, published 2025-01-05
        ("Stas Bekman", "matmul-fp8"),
    ]
    assert "Measured by Stas Bekman, 2025-01-05 (h100-sxm-mamf-2025-01-05; published 2025-01-05 in" in result.output


# ---------------------------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda doc: doc.pop("environment"),
            "data/measurements/h100-sxm-2026-11-20-101500.yaml:3 h100-sxm-2026-11-20-101500.environment: required "
            "field 'environment' is missing [missing-field]",
        ),
        (
            lambda doc: doc.update(accelerator="h100-pcie-typo"),
            "data/measurements/h100-sxm-2026-11-20-101500.yaml:4 h100-sxm-2026-11-20-101500.accelerator: accelerator "
            "'h100-pcie-typo' is not an accelerator id in data/accelerators/ [unknown-accelerator]",
        ),
        (
            lambda doc: doc["environment"].update(sm_count=114),
            "data/measurements/h100-sxm-2026-11-20-101500.yaml:11 h100-sxm-2026-11-20-101500.environment.sm_count: "
            "the device reported 114 SMs but h100-sxm has 132; it is another SKU (or a partitioned GPU), not this "
            "accelerator [inconsistent-measurement]",
        ),
        (
            lambda doc: doc["results"][0].update(median=1900.0, best=1979.0),
            "data/measurements/h100-sxm-2026-11-20-101500.yaml:30 h100-sxm-2026-11-20-101500.results[0].best: 1979 "
            "TFLOPS is 2.00× the published 989.5 TFLOPS of h100-sxm; a measurement cannot beat the peak by more "
            "than 10% (a sparse peak, or another chip?) [inconsistent-measurement]",
        ),
        (
            lambda doc: doc["results"][0].update(metric="bf16_tflops"),
            "data/measurements/h100-sxm-2026-11-20-101500.yaml:25 h100-sxm-2026-11-20-101500.results[0].metric: "
            "'bf16_tflops' is not a metric in the catalogue; did you mean 'bf16_dense_tflops'? [unknown-metric]",
        ),
    ],
    ids=["no-environment", "unknown-accelerator", "sm-count", "past-peak", "unknown-metric"],
)
def test_a_bad_measurement_file_is_a_validation_error(real_data, change, expected):
    document = yaml.safe_load(FIXTURE.read_text())
    change(document)
    (real_data / "measurements").mkdir(exist_ok=True)
    runner.write(document, real_data / "measurements" / FIXTURE.name)
    assert [str(problem) for problem in validate(real_data).problems] == [expected]


@pytest.fixture
def tiny_cli_run(monkeypatch):
    """`gpudb bench --quick` on the CPU: detect() reports an H100 that is the CPU, and the quick sweep is tiny."""
    from gpudb.bench import device

    monkeypatch.setattr(device, "detect", lambda torch, index: H100)
    monkeypatch.setattr(runner, "QUICK_SHAPES", TINY["shapes"])
    monkeypatch.setattr(runner, "QUICK_SIZES_BYTES", TINY["sizes_bytes"])
    monkeypatch.setattr(runner, "QUICK", TINY["settings"])


def test_the_command_writes_validates_and_reports_a_run(tiny_cli_run, real_data, real_db):
    result = cli("bench", "--quick", "--data", str(real_data), "--db", real_db, "--host", "test host")
    assert result.exit_code == 0, result.output
    (path,) = (real_data / "measurements").glob("h100-sxm-*.yaml")
    assert result.output.splitlines()[-1] == f"wrote {path}; it validates: load it with `gpudb build`"
    assert "Measuring NVIDIA H100 80GB HBM3 as h100-sxm (exact)" in result.output
    assert "not measured: matmul-tf32: TF32 is a mode of CUDA tensor cores; there is none on this device" in (
        result.output
    )
    assert [str(problem) for problem in validate(real_data).problems] == []


def test_the_command_says_when_its_file_does_not_validate(tiny_cli_run, real_data, real_db, monkeypatch):
    monkeypatch.setattr(runner, "MATMUL_PRECISIONS", ["bf16"])
    real_run = runner.run

    def swapped(*args, **kwargs):  # a run whose best is below its median, as a broken timer would give
        document = real_run(*args, **kwargs)
        document["results"][0]["best"] = document["results"][0]["median"] / 2
        return document

    monkeypatch.setattr(runner, "run", swapped)
    result = cli("bench", "--quick", "--data", str(real_data), "--db", real_db, "--host", "test host")
    assert result.exit_code == 1
    (path,) = (real_data / "measurements").glob("h100-sxm-*.yaml")
    assert "is below the median" in result.output and "[inconsistent-measurement]" in result.output
    assert (
        result.output.splitlines()[-1] == f"Error: wrote {path}, but it does not validate; it will not load until fixed"
    )


def test_no_pytorch_is_one_line_and_exit_5(monkeypatch, real_db):
    monkeypatch.setitem(sys.modules, "torch", None)  # `import torch` now raises ImportError
    result = cli("bench", "--db", real_db)
    assert result.exit_code == 5
    assert result.output == (
        "Error: PyTorch is not installed; install the benchmark extra: pip install 'gpudb[bench]' (or a PyTorch "
        "build for your GPU from https://pytorch.org/get-started/locally/)\n"
    )


@pytest.mark.skipif(torch.cuda.is_available(), reason="this machine has a GPU")
def test_no_gpu_is_one_line_and_exit_5(real_db):
    result = cli("bench", "--db", real_db)
    assert result.exit_code == 5
    assert result.output == (
        f"Error: no GPU is visible to PyTorch {torch.__version__} (a CPU-only build); gpudb bench measures a CUDA "
        "or ROCm GPU: run it on a GPU host with a GPU build of PyTorch\n"
    )


def test_importing_gpudb_never_imports_torch():
    modules = "gpudb, gpudb.cli, gpudb.analysis.measured, gpudb.analysis.comparison, gpudb.bench.runner, gpudb.web.app"
    code = f"import sys, {modules}; print('torch' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False"
