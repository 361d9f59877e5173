"""gpudb bench on a real GPU (marked `gpu`): skipped cleanly where there is none, as on CI.

On an H100 or H200 host: `pytest -m gpu` (DEVELOPERS.md says how to reach one).
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from gpudb.cli import app
from gpudb.validation.run import validate

torch = pytest.importorskip("torch")
pytestmark = [
    pytest.mark.gpu,
    pytest.mark.skipif(not torch.cuda.is_available(), reason="no CUDA GPU visible to PyTorch"),
]


def test_a_quick_run_measures_the_gpu_it_runs_on(real_db: str, tmp_path: Path):
    out = tmp_path / "data" / "measurements" / "run.yaml"
    result = CliRunner().invoke(app, ["bench", "--quick", "--out", str(out), "--db", real_db, "--host", "test"])
    assert result.exit_code == 0, result.output
    document = yaml.safe_load(out.read_text())
    assert document["environment"]["backend"] == "cuda"
    assert document["environment"]["sm_count"] == torch.cuda.get_device_properties(0).multi_processor_count
    figures = {result["name"]: result for result in document["results"]}
    assert {"matmul-bf16", "matmul-fp32", "copy", "read"} <= set(figures)
    # a real run reaches a good share of the datasheet's dense BF16 peak and of the memory bandwidth, never past it
    from gpudb.storage import query

    published = query.numeric_values([document["accelerator"]], real_db)[document["accelerator"]]
    bf16 = figures["matmul-bf16"]["median"] / published["bf16_dense_tflops"]
    bandwidth = max(figures["copy"]["median"], figures["read"]["median"]) / published["memory_bandwidth_tbs"]
    assert 0.3 < bf16 <= 1.1, bf16
    assert 0.5 < bandwidth <= 1.1, bandwidth


def test_the_file_of_a_real_run_validates_beside_the_data(real_db: str, tmp_path: Path):
    import shutil

    data = tmp_path / "data"
    shutil.copytree(Path(__file__).parent.parent / "data", data)
    result = CliRunner().invoke(app, ["bench", "--quick", "--data", str(data), "--db", real_db, "--host", "test"])
    assert result.exit_code == 0, result.output
    assert [str(problem) for problem in validate(data).problems] == []
