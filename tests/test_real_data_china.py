"""The Chinese accelerators in the real data/: Huawei Ascend 910B and 910C, Cambricon MLU590 (Siyuan 590).

Each expected figure was checked by hand against the source it cites (quoted in the comment). None of these
chips has a vendor data sheet: the 910B's preferred figures are Huawei's CANN developer documentation, the
910C's are press reports that disagree, and the MLU590 has nothing citable beyond its name.
"""

from __future__ import annotations

import pytest

from gpudb.analysis.completeness import conflicts, coverage, missing_core
from gpudb.storage import query

CHINESE_CHIPS = ("ascend-910b", "ascend-910c", "mlu590")

SPOT_CHECKS = [
    # CANN migration guide, Atlas A2 column: "353T/376T @BF16,FP16" (cube alone / with vector), "64", "1.6TB/s"
    ("ascend-910b", "bf16_dense_tflops", 353),
    ("ascend-910b", "fp16_dense_tflops", 353),
    ("ascend-910b", "memory_capacity_gb", 64),
    ("ascend-910b", "memory_bandwidth_tbs", 1.6),
    ("ascend-910b", "compute_units", 24),  # the guide: "AICore 核数 24"
    # The Register, 29 July 2025: "752 teraFLOPS of dense FP16/BF16", "eight stacks ... totaling 128GB",
    # "1.6TB/s of memory bandwidth to each of the compute dies" (3.2 TB/s in all)
    ("ascend-910c", "bf16_dense_tflops", 752),
    ("ascend-910c", "memory_capacity_gb", 128),
    ("ascend-910c", "memory_bandwidth_tbs", 3.2),
    ("ascend-910c", "die_count", 2),  # "a pair of compute dies"
]


@pytest.mark.parametrize(("chip", "metric", "expected"), SPOT_CHECKS)
def test_spot_values_against_the_cited_sources(real_db, chip, metric, expected):
    assert query.get(chip, real_db).value(metric) == pytest.approx(expected)


@pytest.mark.parametrize(
    ("name", "chip"),
    [("910B", "ascend-910b"), ("Ascend 910C", "ascend-910c"), ("Siyuan 590", "mlu590"), ("MLU590", "mlu590")],
)
def test_common_names_resolve(real_db, name, chip):
    assert query.resolve(name, real_db) == chip


def test_the_chips_have_core_metrics_or_say_why_not(real_db):
    gaps = missing_core(coverage(real_db))
    assert {chip: gaps[chip] for chip in CHINESE_CHIPS if chip in gaps} == {}


def test_unpublished_figures_stay_unknown_rather_than_guessed(real_db):
    assert query.get("ascend-910b", real_db).status("tdp_w") == "unknown"
    assert query.get("ascend-910c", real_db).status("tdp_w") == "unknown"
    mlu590 = query.get("mlu590", real_db)
    assert {metric: mlu590.status(metric) for metric in ("bf16_dense_tflops", "memory_capacity_gb", "tdp_w")} == {
        "bf16_dense_tflops": "unknown",
        "memory_capacity_gb": "unknown",
        "tdp_w": "unknown",
    }


def test_the_910b_prefers_huaweis_documentation_over_a_providers_figure(real_db):
    entries = [v for v in query.get("ascend-910b", real_db).values if v.metric == "fp16_dense_tflops"]
    assert sorted((v.value, v.source.kind, v.preferred) for v in entries) == [
        (280.0, "retailer", False),  # Gitee AI (a cloud provider): "FP16 280 TFLOPS", no 910B model named
        (353.0, "vendor-documentation", True),
    ]


def test_the_910c_throughput_reports_are_kept_side_by_side(real_db):
    (conflict,) = [
        c for c in conflicts(url=real_db) if (c.accelerator_id, c.metric) == ("ascend-910c", "bf16_dense_tflops")
    ]
    # The Register 752 (29 July 2025, the most recent report, preferred) against TechPowerUp's 780: 780 / 752 − 1
    assert [(entry["value_number"], entry["preferred"]) for entry in conflict.entries] == [
        (752.0, True),
        (780.0, False),
    ]
    assert conflict.spread == pytest.approx(780 / 752 - 1)


def test_tpp_of_the_huawei_chips(real_db):
    from gpudb.analysis.explanation import explain

    # 910C: 752 dense FP16/BF16 TFLOPS × 16 = 12,032, the figure the Institute for Progress gives (Reuters).
    assert explain("ascend-910c", "tpp", real_db).value == 12032
    # 910B: 353 × 16 = 5,648 from the preferred entry, not the provider's INT8 560 × 8 = 4,480 or 280 × 16.
    # (Bernstein's 5,120 matches neither.)
    assert explain("ascend-910b", "tpp", real_db).value == 5648


def test_the_910b_under_the_2023_rule(real_db):
    from gpudb.analysis.export_controls import export_status

    (result,) = export_status("ascend-910b", "us-2023-10-advanced-computing", real_db)
    # TPP 5,648 ≥ 4,800 → 3A090.a.1; performance density 5,648 / 665.61 mm² = 8.49
    assert (result.outcome, result.paragraph) == ("controlled", "3A090.a.1")
    assert "performance density: TPP 5,648 ÷ 665.61 mm² die area = 8.49" in result.working
