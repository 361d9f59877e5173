"""Derived metrics, worked out by hand from the published figures in the comments."""

import pytest

from gpudb.metrics.derived import DERIVED, derive, tpp

# NVIDIA's H20 figures as published (dense): FP8 296, BF16/FP16 148, TF32 74, FP32 44, FP64 1 TFLOPS, INT8 296 TOPS,
# 96 GB at 4.0 TB/s, 400 W; GH100 die 814 mm².
H20 = {
    "fp8_dense_tflops": 296,
    "bf16_dense_tflops": 148,
    "fp16_dense_tflops": 148,
    "tf32_dense_tflops": 74,
    "fp32_tflops": 44,
    "fp64_tflops": 1,
    "int8_dense_tops": 296,
    "memory_capacity_gb": 96,
    "memory_bandwidth_tbs": 4.0,
    "tdp_w": 400,
    "die_area_mm2": 814,
}
# H100 SXM: 3958 FP8 / 1979 BF16 TFLOPS with sparsity → 1979 / 989.5 dense; 80 GB at 3.35 TB/s; 700 W; 814 mm².
H100 = {
    "fp8_dense_tflops": 1979,
    "bf16_dense_tflops": 989.5,
    "memory_capacity_gb": 80,
    "memory_bandwidth_tbs": 3.35,
    "tdp_w": 700,
    "die_area_mm2": 814,
    "launch_price_usd": 30000,
}


def test_tpp_is_the_maximum_over_precisions_with_its_working():
    result = tpp(H20)
    assert result.value == 2368  # 296 TFLOPS FP8 dense × 8 bits
    assert result.precision == "fp8"  # FP8, BF16 (148 × 16), INT8 and TF32 (74 × 32) tie at 2,368: FP8 is named
    assert result.working.startswith("296 TFLOPS FP8 dense × 8 bits = 2,368 (the maximum; other precisions: ")
    assert tpp(H100).value == 15832  # 1979 × 8


def test_tpp_picks_the_largest_product_not_the_first():
    # a chip whose FP4 rate is 3× its FP8 (Blackwell Ultra): 15,000 × 4 = 60,000 beats 5,000 × 8 = 40,000
    result = tpp({"fp8_dense_tflops": 5000, "fp4_dense_tflops": 15000})
    assert (result.value, result.precision) == (60000, "fp4")


def test_derived_values_by_hand():
    h20, h100 = derive(H20), derive(H100)
    assert h20["performance_density"].value == pytest.approx(2368 / 814)  # 2.909
    assert h20["performance_density"].working == "TPP 2,368 ÷ 814 mm² die area = 2.91"
    assert h100["performance_density"].value == pytest.approx(19.45, abs=0.01)  # 15,832 / 814
    assert h20["ridge_point_bf16"].value == 37.0  # 148 TFLOPS / 4.0 TB/s
    assert h100["ridge_point_bf16"].value == pytest.approx(295.37, abs=0.01)  # 989.5 / 3.35
    assert h20["bytes_per_flop_bf16"].value == pytest.approx(1 / 37)
    assert h20["memory_sweep_ms"].value == 24.0  # 96 GB / 4000 GB/s = 0.024 s
    assert h100["memory_sweep_ms"].value == pytest.approx(23.88, abs=0.01)  # 80 / 3350 s
    assert h20["bf16_gflops_per_w"].value == 370.0  # 148,000 GFLOPS / 400 W
    assert h100["bf16_tflops_per_kusd"].value == pytest.approx(32.98, abs=0.01)  # 989.5 / 30
    assert h20["memory_sweep_ms"].working == "96 GB ÷ 4000 GB/s = 24 ms"


def test_h100_equivalents_state_their_base():
    from gpudb.metrics.derived import h100_equivalents

    result = h100_equivalents(H20, H100)
    assert result.value == pytest.approx(2368 / 15832)  # 0.1496
    assert result.working == "TPP 2,368 ÷ TPP 15,832 of the base h100-sxm = 0.15 H100-equivalents"
    assert h100_equivalents(H100, H100).value == 1.0
    assert h100_equivalents(H20, None).working == "H100-equivalents unknown: no TPP for the base h100-sxm"


def test_missing_inputs_give_missing_values_with_the_reason():
    result = derive({"bf16_dense_tflops": 148})
    assert result["tpp"].value == 148 * 16
    assert result["ridge_point_bf16"].value is None
    assert result["ridge_point_bf16"].working == "ridge point unknown: no stored Memory bandwidth"
    assert result["performance_density"].working == "performance density indeterminate: die area unknown"
    assert derive({})["tpp"].working == (
        "TPP unknown: no dense tensor throughput (TF32, BF16, FP16, FP8, INT8, FP4) stored; FP64/FP32 alone would "
        "understate it"
    )
    # An FP64 figure alone is not a TPP: the H800's FP64 of 1 TFLOPS would give 64 and clear every threshold.
    assert derive({"fp64_tflops": 1.0})["tpp"].value is None


def test_a_card_without_a_chip_to_chip_link_is_judged_on_its_pcie_link():
    from gpudb.analysis.export_controls import rule_inputs

    value, working = rule_inputs({"pcie_bandwidth_gbs": 64.0}, {"interconnect_bandwidth_gbs": "not-applicable"})[
        "interconnect_bandwidth_gbs"
    ]
    assert (value, working) == (64.0, "no chip-to-chip link; its PCIe host link, 64 GB/s, is its only I/O")
    assert rule_inputs({"pcie_bandwidth_gbs": 64.0})["interconnect_bandwidth_gbs"] == (None, "chip-to-chip I/O unknown")


def test_every_derived_metric_is_documented():
    from pathlib import Path

    text = (Path(__file__).parent.parent / "docs" / "metrics.md").read_text()
    assert [m.key for m in DERIVED if f"`{m.key}`" not in text] == []
