"""Device lookup (driver-reported names → accelerators) and dense peaks for MFU.

Fixture: the minimal data plus tests/fixtures/several-values, whose device-names.yaml lists "Acme X" twice (x1 with
141 GB, x3 with 80 GB) and "ACME X1 SXM5 141GB" once. x1's BF16 is published as 1,979 TFLOPS sparse (989.5 dense);
x3 lacks FP8 (not-supported) and has no FP4 figure (unknown).
"""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

import gpudb
from gpudb.analysis.devices import DeviceMatch, UnknownDeviceError, UnsupportedPrecisionError
from gpudb.cli import app
from gpudb.errors import InvalidArgumentError
from gpudb.validation.run import validate


@pytest.fixture
def built(several_db: str) -> str:
    return several_db


def test_an_exact_driver_string_maps_to_its_chip(built):
    assert gpudb.lookup_device("ACME X1 SXM5 141GB", url=built) == DeviceMatch("ACME X1 SXM5 141GB", "x1", "exact")
    assert gpudb.lookup_device("acme x1 sxm5 141gb", url=built).accelerator_id == "x1"  # case and spacing ignored


def test_a_shared_name_is_told_apart_by_memory(built):
    assert gpudb.lookup_device("Acme X", url=built) == DeviceMatch("Acme X", None, "ambiguous", ["x1", "x3"])
    assert gpudb.lookup_device("Acme X", memory_gb=139.8, url=built).accelerator_id == "x1"  # within 10% of 141
    assert gpudb.lookup_device("Acme X", memory_gb=79.6, url=built) == DeviceMatch(
        "Acme X", "x3", "inferred-from-memory"
    )
    with pytest.raises(UnknownDeviceError) as error:
        gpudb.lookup_device("Acme X", memory_gb=200, url=built)
    assert str(error.value) == "'Acme X' with 200 GB matches no SKU in the data; known: x1 (141 GB), x3 (80 GB)"


def test_a_name_not_in_the_table_falls_back_to_aliases_then_fails_clearly(built):
    assert gpudb.lookup_device("Acme X1", url=built) == DeviceMatch("Acme X1", "x1", "by-alias")
    with pytest.raises(UnknownDeviceError) as error:
        gpudb.lookup_device("Acme Z9000", url=built)
    assert str(error.value) == (
        "no accelerator in the data is reported as 'Acme Z9000'; add it to data/device-names.yaml if it is one"
    )


def test_peak_flops_is_the_stored_dense_value_in_flop_per_second(built):
    peak = gpudb.peak_flops("x1", "bf16", url=built)
    assert peak.flops == 989.5e12  # 1,979 TFLOPS with 2:4 sparsity, halved
    assert (peak.sparse_in_source, peak.source_title, peak.tflops) == (True, "Acme X1 Datasheet", 989.5)
    assert gpudb.peak_flops("X1", "FP8", url=built).flops == 1979e12  # published dense


def test_peak_flops_refuses_what_the_chip_lacks_or_nobody_published(built):
    with pytest.raises(UnsupportedPrecisionError) as error:
        gpudb.peak_flops("x3", "fp8", url=built)
    assert str(error.value) == "x3 does not support FP8 (per Acme X1 Datasheet)"
    with pytest.raises(UnsupportedPrecisionError) as error:
        gpudb.peak_flops("x3", "fp4", url=built)
    assert str(error.value) == "no dense FP4 peak is published for x3"
    with pytest.raises(InvalidArgumentError) as error:
        gpudb.peak_flops("x3", "fp12", url=built)
    assert str(error.value) == (
        "unknown precision 'fp12'; valid precisions: fp64, fp64-tensor, fp32, tf32, bf16, fp16, fp8, int8, fp4"
    )


def test_the_cli_commands(built):
    runner = CliRunner()
    result = runner.invoke(app, ["peak", "x1", "--precision", "bf16", "--db", built])
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == "x1 dense BF16: 9.895e+14 FLOP/s (989.5 T)"
    result = runner.invoke(app, ["peak", "x3", "-p", "fp8", "--db", built])
    assert (result.exit_code, result.output) == (3, "Error: x3 does not support FP8 (per Acme X1 Datasheet)\n")
    result = runner.invoke(app, ["device", "Acme X", "--memory-gb", "80", "--db", built])
    assert (result.exit_code, result.output) == (0, "x3 (inferred-from-memory)\n")
    result = runner.invoke(app, ["device", "Acme X", "--db", built])
    assert result.exit_code == 3
    assert result.output == "Error: 'Acme X' is ambiguous: it could be x1, x3; give --memory-gb\n"


def test_a_device_name_for_an_unknown_chip_is_a_validation_error(minimal_data):
    (minimal_data / "device-names.yaml").write_text("- name: Acme Q\n  accelerator: q1\n")
    assert [str(p) for p in validate(minimal_data).problems] == [
        "data/device-names.yaml:1 accelerator: accelerator 'q1' is not an accelerator id in data/accelerators/ "
        "[unknown-accelerator]"
    ]


def test_the_lookup_path_imports_no_pandas_plotly_or_web_stack(built):
    code = (
        "import sys, gpudb; gpudb.lookup_device('ACME X1 SXM5 141GB', url=sys.argv[1]); "
        "gpudb.peak_flops('x1', 'bf16', url=sys.argv[1]); "
        "print(sorted(m for m in ('pandas', 'plotly', 'fastapi', 'starlette', 'jinja2', 'pint') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code, built], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
