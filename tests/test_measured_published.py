"""Measurements others published (data/measurements/published/): checked, built, and shown wherever gpudb bench
runs are (gpudb.measurements, compare --measured, the detail page and its JSON twin, the plot, the export),
always labelled with who measured them."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

import gpudb
from gpudb.cli import app
from gpudb.dataset_export import export
from gpudb.plots.frames import make_figure
from gpudb.storage.build import build
from gpudb.validation.run import validate
from gpudb.web import create_app

# A hand-made measurement of the fixture chip x1, whose BF16 peak is published as 1,979 TFLOPS with sparsity,
# stored dense as 1,979 ÷ 2 = 989.5. The figures are illustrative, not anybody's real measurement.
PUBLISHED = """\
- id: x1-test-lab-matmul
  accelerator: x1
  measured_by: Test Lab
  published: 2025-06-01
  measured: 2025-05-20
  method: bf16 matmul sweep, mean of 100 iterations at the best shape
  software: torch 2.6.0
  results:
  - name: matmul-bf16
    metric: bf16_dense_tflops
    precision: bf16
    unit: TFLOPS
    value: 700
    shape: [8192, 8192, 8192]
    note: best of 12 shapes
  source: test-news
  note: an illustration for the tests
- id: x1-other-lab-matmul
  accelerator: x1
  measured_by: Other Lab
  published: 2025-03-01
  method: bf16 matmul, one shape
  results:
  - name: matmul-bf16
    metric: bf16_dense_tflops
    precision: bf16
    unit: TFLOPS
    value: 600
  source: test-news
"""
# efficiencies worked out by hand: 700 ÷ 989.5 = 0.70743 (70.7%), 600 ÷ 989.5 = 0.60637 (60.6%)
FILE = "data/measurements/published/matmul.yaml"


def with_published(data: Path, text: str = PUBLISHED) -> Path:
    folder = data / "measurements" / "published"
    folder.mkdir(parents=True)
    (folder / "matmul.yaml").write_text(text)
    return data


@pytest.fixture
def published_url(minimal_data: Path, database_url: str) -> str:
    build(database_url, with_published(minimal_data))
    return database_url


def test_a_published_measurement_is_valid_and_read_apart_from_bench_runs(minimal_data):
    dataset = validate(with_published(minimal_data))
    assert dataset.problems == []
    assert [record.entry.id for record in dataset.published_measurements] == [
        "x1-test-lab-matmul",
        "x1-other-lab-matmul",
    ]
    assert dataset.measurements == []


def test_unknown_chip_metric_and_source_are_each_located(minimal_data):
    text = (
        PUBLISHED.replace("accelerator: x1\n  measured_by: Other Lab", "accelerator: x9\n  measured_by: Other Lab")
        .replace(
            "metric: bf16_dense_tflops\n    precision: bf16\n    unit: TFLOPS\n    value: 700",
            "metric: bf16_dense_tflop\n    precision: bf16\n    unit: TFLOPS\n    value: 700",
        )
        .replace("  source: test-news\n  note:", "  source: test-newz\n  note:")
    )
    problems = validate(with_published(minimal_data, text)).problems
    assert [str(problem) for problem in problems] == [
        f"{FILE}:10 x1-test-lab-matmul.results[0].metric: 'bf16_dense_tflop' is not a metric in the catalogue; "
        "did you mean 'bf16_dense_tflops'? [unknown-metric]",
        f"{FILE}:16 x1-test-lab-matmul.source: source 'test-newz' is not defined; define it in data/sources/ "
        "[unknown-source]",
        f"{FILE}:19 x1-other-lab-matmul.accelerator: accelerator 'x9' is not an accelerator id in "
        "data/accelerators/ [unknown-accelerator]",
    ]


def test_a_figure_far_past_the_peak_and_a_reused_id_are_refused(minimal_data):
    # 1,979 is the sparse figure: 1,979 ÷ 989.5 = 2.00× the dense peak
    text = PUBLISHED.replace("value: 600", "value: 1979").replace("id: x1-other-lab-matmul", "id: x1-test-lab-matmul")
    problems = validate(with_published(minimal_data, text)).problems
    assert [str(problem) for problem in problems] == [
        f"{FILE}:18 x1-test-lab-matmul.id: measurement id 'x1-test-lab-matmul' is already used at {FILE}:1 "
        "[duplicate-id]",
        f"{FILE}:28 x1-test-lab-matmul.results[0].value: 1979 TFLOPS is 2.00× the published 989.5 TFLOPS of x1; "
        "a measurement cannot beat the peak by more than 10% (a sparse peak, or another chip?) "
        "[inconsistent-measurement]",
    ]


def test_a_published_measurement_without_its_measurer_is_a_missing_field(minimal_data):
    problems = validate(with_published(minimal_data, PUBLISHED.replace("  measured_by: Test Lab\n", ""))).problems
    assert [problem.code for problem in problems] == ["missing-field"]
    assert problems[0].field == "measured_by" and problems[0].line == 1


def test_published_measurements_through_the_api_compare_the_page_and_the_export(published_url, tmp_path):
    frame = gpudb.measurements("X1", url=published_url)
    # newest first: Test Lab measured 2025-05-20, Other Lab published 2025-03-01; side by side, not averaged
    assert frame[["measurement_id", "kind", "measured_by", "value", "published"]].values.tolist() == [
        ["x1-test-lab-matmul", "published", "Test Lab", 700.0, 989.5],
        ["x1-other-lab-matmul", "published", "Other Lab", 600.0, 989.5],
    ]
    assert frame["efficiency"].tolist() == pytest.approx([700 / 989.5, 600 / 989.5])
    assert frame.loc[0, "measurement_source_id"] == "test-news" and frame.loc[0, "tool"] == "torch 2.6.0"
    assert str(frame.loc[0, "measured"]) == "2025-05-20" and str(frame.loc[0, "published_on"]) == "2025-06-01"
    assert pd.isna(frame.loc[0, "median"]) and pd.isna(frame.loc[0, "best"])  # a published figure has no run

    compared = gpudb.compare(["X1"], metrics=["bf16_dense_tflops"], url=published_url, measured=True)
    assert pd.isna(compared.loc[0, "x1 measured"])  # no gpudb bench run of x1
    assert compared.loc[0, "x1 measured by others"] == (
        "700 (70.7%, Test Lab, 2025-05-20); 600 (60.6%, Other Lab, 2025-03-01)"
    )
    result = CliRunner().invoke(
        app, ["compare", "X1", "--measured", "-m", "bf16_dense_tflops", "--db", published_url, "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    (row,) = json.loads(result.output)["rows"]
    assert [(o["measured_by"], o["value"]) for o in row["published_measurements"]["x1"]] == [
        ("Test Lab", 700.0),
        ("Other Lab", 600.0),
    ]

    client = TestClient(create_app(published_url), raise_server_exceptions=False)
    text = client.get("/accelerators/x1").text
    assert "Measured by Test Lab · 2025-05-20" in text and "Measured by Other Lab · 2025-03-01" in text
    assert "70.7%" in text and "60.6%" in text and "software: torch 2.6.0" in text
    assert "Measured by gpudb bench" not in text
    runs = client.get("/api/accelerators/x1").json()["measurements"]
    assert [(run["kind"], run["measured_by"], run["source_id"]) for run in runs] == [
        ("published", "Test Lab", "test-news"),
        ("published", "Other Lab", "test-news"),
    ]

    figure = make_figure("measured", ["X1"], url=published_url)
    (bars,) = figure.data
    assert list(bars.y) == [
        "BF16 dense: matmul-bf16 (Test Lab, 2025-05-20)",
        "BF16 dense: matmul-bf16 (Other Lab, 2025-03-01)",
    ]
    assert list(bars.x) == pytest.approx([700 / 989.5 * 100, 600 / 989.5 * 100])
    assert "gpudb bench" not in " ".join(bars.hovertext)

    export(tmp_path / "csv", "csv", published_url)
    exported = pd.read_csv(tmp_path / "csv" / "measurements.csv")
    assert exported[["measurement_id", "measured_by", "value"]].values.tolist() == [
        ["x1-test-lab-matmul", "Test Lab", 700.0],
        ["x1-other-lab-matmul", "Other Lab", 600.0],
    ]


def test_the_real_data_has_published_h100_sxm_measurements(real_db):
    frame = gpudb.measurements("h100-sxm", url=real_db)
    mamf = frame[frame["measurement_id"] == "h100-sxm-mamf-2025-01-05"]
    assert mamf[["measured_by", "name", "value", "published"]].values.tolist() == [
        ["Stas Bekman", "matmul-bf16", 794.5, 989.5],
        ["Stas Bekman", "matmul-fp8", 1402.6, 1979.0],
    ]
    # 794.5 ÷ 989.5 = 80.3%, as the MAMF table itself gives it; 1,402.6 ÷ 1,979 = 70.9%
    assert mamf["efficiency"].round(3).tolist() == [0.803, 0.709]
    assert set(frame["kind"]) == {"published"} and set(frame["measurement_source_id"]) == {"ml-engineering-mamf-table"}
