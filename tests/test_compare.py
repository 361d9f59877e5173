"""Comparisons, explanations, export-rule classification and claim checks on the fixture data."""

from __future__ import annotations

import math

import pytest

import gpudb
from gpudb.analysis.export_controls import classify
from gpudb.errors import InvalidArgumentError
from gpudb.storage import build as db

# A second fictional chip: the H20's published figures, so ratios against x1 (the H200's) are the mission's ratios.
X2 = """id: x2
vendor: Acme
name: X2
aliases: [Acme X2]
architecture: Roadrunner
form_factor: SXM5
data_center: true
china_specific: true
specs:
  bf16_dense_tflops: {value: 148 TFLOPS, sparsity: dense, source: acme-datasheet}
  fp8_dense_tflops: {value: 296 TFLOPS, sparsity: dense, source: acme-datasheet}
  memory_bandwidth_tbs: {value: 4.0 TB/s, source: acme-datasheet}
  memory_capacity_gb: {value: 96 GB, source: acme-datasheet}
  die_area_mm2: {value: 814 mm², source: acme-datasheet}
"""


@pytest.fixture
def built(minimal_data, database_url) -> str:
    (minimal_data / "accelerators" / "acme" / "x2.yaml").write_text(X2)
    db.build(database_url, minimal_data)
    return database_url


def test_compare_gives_values_and_ratios_per_metric(built):
    frame = gpudb.compare(["x1", "x2"], url=built).set_index("metric")
    assert (frame.attrs["chips"], frame.attrs["baseline"]) == (["x1", "x2"], "x2")  # the last named is the baseline
    # x1 BF16 989.5 (1979 sparse / 2) ÷ x2 148 = 6.686; FP8 1979 ÷ 296 = 6.686; TPP 15,832 ÷ 2,368 = 6.686
    for metric in ("bf16_dense_tflops", "fp8_dense_tflops", "tpp"):
        assert frame.loc[metric, "x1/x2"] == pytest.approx(6.686, abs=0.001)
    assert frame.loc["memory_bandwidth_tbs", "x1/x2"] == pytest.approx(1.2)  # 4.8 / 4.0
    assert frame.loc["memory_capacity_gb", "x1/x2"] == pytest.approx(1.469, abs=0.001)  # 141 / 96
    assert frame.loc["ridge_point_bf16", "x2"] == 37.0  # 148 / 4.0
    # x1 has no die area: its density is missing (NaN), never 0, and so is the ratio
    assert math.isnan(frame.loc["performance_density", "x1"])
    assert math.isnan(frame.loc["performance_density", "x1/x2"])
    assert frame.loc["performance_density", "x2"] == pytest.approx(2368 / 814)


def test_ratios_invert_when_the_baseline_swaps_and_self_is_one(built):
    forward = gpudb.compare(["x1", "x2"], url=built).set_index("metric")
    backward = gpudb.compare(["x2", "x1"], url=built).set_index("metric")
    both = forward["x1/x2"].notna()
    assert (forward.loc[both, "x1/x2"] * backward.loc[both, "x2/x1"]).round(12).eq(1.0).all()
    itself = gpudb.compare(["x1", "x2"], baseline="x1", url=built).set_index("metric")
    assert set(itself.columns) >= {"x2/x1"} and "x1/x1" not in itself.columns


def test_a_baseline_must_be_among_the_chips_compared(built):
    with pytest.raises(InvalidArgumentError) as caught:
        gpudb.compare(["x1"], baseline="Acme X2", url=built)
    assert str(caught.value) == "baseline 'Acme X2' (x2) is not among the chips compared: x1"


def test_compare_selected_metrics_in_the_order_asked(built):
    frame = gpudb.compare(["x1", "x2"], metrics=["memory_bandwidth_tbs", "tpp"], url=built)
    assert list(frame["metric"]) == ["memory_bandwidth_tbs", "tpp"]


def test_compare_refuses_unknown_metric_and_foreign_baseline(built):
    with pytest.raises(InvalidArgumentError) as caught:
        gpudb.compare(["x1", "x2"], metrics=["bf16_tflops"], url=built)
    assert str(caught.value).startswith(
        "unknown metric 'bf16_tflops'; did you mean 'bf16_dense_tflops'? valid metrics: fp64_tflops, fp64_tensor_tflops"
    )
    with pytest.raises(gpudb.UnknownAcceleratorError):
        gpudb.compare(["x1", "x2"], baseline="x9", url=built)


def test_explain_shows_the_arithmetic_and_the_source(built):
    explanation = gpudb.explain("Acme X2", "tpp", url=built)
    assert explanation.value == 2368
    assert explanation.derivation.working.startswith("296 TFLOPS FP8 dense × 8 bits = 2,368")
    (source_value,) = explanation.inputs
    assert (source_value.metric, source_value.source.title) == ("fp8_dense_tflops", "Acme X1 Datasheet")
    with pytest.raises(InvalidArgumentError) as caught:
        gpudb.explain("x2", "speed", url=built)
    assert str(caught.value).startswith("unknown derived metric 'speed'; valid: tpp, performance_density")


THRESHOLDS = {
    "id": "t",
    "kind": "thresholds",
    "named_products": [],
    "paragraphs": [
        {
            "id": "T.a.1",
            "summary": "TPP of 4,800 or more.",
            "conditions": [{"metric": "tpp", "op": ">=", "value": 4800}],
        },
        {
            "id": "T.a.2",
            "summary": "Dense and data-centre.",
            "requires_data_center": True,
            "conditions": [
                {"metric": "tpp", "op": ">=", "value": 1600},
                {"metric": "performance_density", "op": ">=", "value": 5.92},
            ],
        },
    ],
}


@pytest.mark.parametrize(
    ("values", "data_center", "outcome", "paragraph"),
    [
        ({"fp8_dense_tflops": 1979}, True, "controlled", "T.a.1"),  # TPP 15,832 ≥ 4,800
        ({"fp8_dense_tflops": 296, "die_area_mm2": 814}, True, "not-controlled", None),  # 2,368; PD 2.9 < 5.92
        ({"fp8_dense_tflops": 296, "die_area_mm2": 100}, True, "controlled", "T.a.2"),  # PD 23.7 ≥ 5.92
        ({"fp8_dense_tflops": 296, "die_area_mm2": 100}, False, "not-controlled", None),  # a.2 needs data centre
        ({"fp8_dense_tflops": 296}, True, "indeterminate", None),  # PD unknown: a.2 could apply
        ({"fp8_dense_tflops": 100}, True, "not-controlled", None),  # TPP 800 < 1,600: density does not matter
    ],
)
def test_classification_under_a_threshold_rule(values, data_center, outcome, paragraph):
    result = classify(THRESHOLDS, {"id": "c", "data_center": data_center}, values, ["c"])
    assert (result.outcome, result.paragraph) == (outcome, paragraph)
    if outcome == "indeterminate":
        assert result.missing == ["performance density"]
        assert result.summary == "indeterminate: performance density unknown (could meet T.a.2)"


def test_named_products_match_any_name_of_the_chip():
    rule = {"id": "letter", "kind": "named-products", "named_products": ["H20", "MI308"], "paragraphs": []}
    assert classify(rule, {"id": "h20", "data_center": True}, {}, ["h20", "H20", "HGX H20"]).outcome == "named"
    assert classify(rule, {"id": "b200", "data_center": True}, {}, ["b200", "B200"]).outcome == "not-named"


def test_export_status_from_the_database_shows_its_working(built):
    (result,) = gpudb.export_status("x1", url=built)
    assert (result.rule_id, result.outcome, result.paragraph) == ("test-thresholds", "controlled", "T.a.1")
    assert "T.a.1: TPP 15,832 >= 4,800? yes" in result.working
    with pytest.raises(InvalidArgumentError) as caught:
        gpudb.export_status("x1", rule="nope", url=built)
    assert str(caught.value) == "unknown rule 'nope'; valid rules: test-thresholds"


def test_claims_are_checked(built):
    frame = gpudb.check_claims(url=built)
    assert list(frame["id"]) == ["test-x1-tpp"]
    row = frame.iloc[0]
    assert (row.verdict, row.metrics, row.stated) == ("matches", "tpp", "exactly TPP 15,832")
    with pytest.raises(InvalidArgumentError) as caught:
        gpudb.check_claims(["nope"], url=built)
    assert str(caught.value) == "unknown claim 'nope'; valid claims: test-x1-tpp"
