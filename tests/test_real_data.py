"""The real data/: it validates, every value is sourced, and well-known values match their cited sources.

The expected figures below were checked by hand against the cited NVIDIA pages (see each source's note).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gpudb.storage import query
from gpudb.validation.run import validate

REAL_DATA = Path(__file__).parent.parent / "data"

MISSION_CHIPS = ("h20", "h100-sxm", "h200-sxm", "b200")
CORE_METRICS = (
    "fp64_tflops",
    "fp32_tflops",
    "bf16_dense_tflops",
    "fp8_dense_tflops",
    "int8_dense_tops",
    "memory_capacity_gb",
    "memory_bandwidth_tbs",
    "memory_type",
    "interconnect_bandwidth_gbs",
    "tdp_w",
    "transistors_billion",
    "process_node",
    "launch_date",
)


def test_the_real_data_validates():
    dataset = validate(REAL_DATA)
    assert [str(problem) for problem in dataset.problems] == []


def test_every_value_has_a_source_with_a_url(real_db):
    frame = query.specs(long=True, url=real_db)
    frame = frame[frame["status"].isin(["value", "not-supported"])]  # 'unknown' and 'not-applicable' carry a note
    assert len(frame) > 0
    assert frame["source_id"].notna().all()
    assert frame["source_url"].str.match(r"^https?://").all()
    assert frame["source_title"].str.len().gt(0).all()


def test_every_source_is_cited():
    dataset = validate(REAL_DATA)
    cited = {spec.entry.source for spec in dataset.specs}
    cited |= {source for accelerator in dataset.accelerators for source in accelerator.entry.sources}
    cited |= {rule.entry.source for rule in dataset.rules} | {claim.entry.source for claim in dataset.claims}
    cited |= {source for rule in dataset.rules for source in rule.entry.verified_by}  # texts that verified a rule
    cited |= {source for event in dataset.policy_events for source in event.entry.sources}
    cited |= {measurement.entry.source for measurement in dataset.published_measurements}
    cited |= {price.entry.source for price in dataset.prices}
    cited |= {spec.entry.source for spec in dataset.system_specs}  # a system's published totals
    cited |= {source for system in dataset.systems for source in system.entry.sources}
    assert sorted(source.entry.id for source in dataset.sources if source.entry.id not in cited) == []


# Core metrics a mission chip may lack, each with the reason it is not in the data.
NOT_PUBLISHED = {
    ("h20", "launch_date"): "NVIDIA announced no date; reports give only mass production in Q2 2024",
}


@pytest.mark.parametrize("chip", MISSION_CHIPS)
def test_the_mission_chips_have_every_core_metric(real_db, chip):
    accelerator = query.get(chip, real_db)
    missing = [metric for metric in CORE_METRICS if accelerator.value(metric) is None]
    assert missing == [metric for (owner, metric) in NOT_PUBLISHED if owner == chip]


@pytest.mark.parametrize(
    ("name", "metric", "expected"),
    [
        # NVIDIA H100 product page, SXM column: "1,979 teraFLOPS*" BF16 with sparsity → 989.5 dense
        ("H100", "bf16_dense_tflops", 989.5),
        ("H100", "fp8_dense_tflops", 1979.0),  # 3,958 with sparsity / 2
        ("H100", "tf32_dense_tflops", 494.5),  # 989 with sparsity / 2
        ("H100", "fp64_tflops", 34.0),
        ("H100", "memory_capacity_gb", 80.0),
        ("H100", "memory_bandwidth_tbs", 3.35),
        ("H100", "tdp_w", 700.0),
        ("H100", "interconnect_bandwidth_gbs", 900.0),
        ("H100", "die_area_mm2", 814.0),  # GH100, Hopper In-Depth blog
        ("HGX H200", "memory_capacity_gb", 141.0),
        ("H200", "memory_bandwidth_tbs", 4.8),
        ("H200", "bf16_dense_tflops", 989.5),
        # H20: TweakTown's report of NVIDIA's partner spec table (dense figures)
        ("HGX H20", "fp8_dense_tflops", 296.0),
        ("H20", "memory_capacity_gb", 96.0),
        ("H20", "memory_bandwidth_tbs", 4.0),
        ("H20", "tdp_w", 400.0),
        # B200 (HGX, per GPU): NVIDIA's table as reproduced by G. Lockwood, dense column
        ("B200 SXM", "bf16_dense_tflops", 2250.0),
        ("B200", "fp4_dense_tflops", 9000.0),
        ("B200", "memory_bandwidth_tbs", 8.0),
        ("B200", "interconnect_bandwidth_gbs", 1800.0),
        ("B200", "tdp_w", 1000.0),
    ],
)
def test_spot_checks_against_the_cited_sources(real_db, name, metric, expected):
    assert query.get(name, real_db).value(metric) == expected


def test_sparse_figures_are_flagged_and_halved(real_db):
    h100 = query.get("h100-sxm", real_db)
    bf16 = next(v for v in h100.values if v.metric == "bf16_dense_tflops")
    assert (bf16.as_published, bf16.sparse_in_source, bf16.value) == ("1979 TFLOPS", True, 989.5)


@pytest.mark.parametrize(("name", "chip"), [("H200", "h200-sxm"), ("h100", "h100-sxm"), ("HGX H200", "h200-sxm")])
def test_common_names_resolve_to_the_documented_sku(real_db, name, chip):
    assert query.resolve(name, real_db) == chip


# Where each mission chip falls under each rule version, worked out by hand:
# H20: TPP 296 × 8 = 2,368 < 2,400 and PD 2,368 / 814 = 2.91 < 3.2 → no 3A090 paragraph; DRAM 4,000 GB/s.
# H100/H200: TPP 1,979 × 8 = 15,832 ≥ 4,800 → 3A090.a.1; NVLink 900 ≥ 600 GB/s (2022 rule).
# B200: TPP 4,500 × 8 = 36,000 (FP4 9,000 × 4 ties) ≥ 21,000 and 8,000 GB/s ≥ 6,500 → outside the 2026 box.
EXPECTED_STATUS = {
    "h20": ["not-controlled", "not-controlled", "not-controlled", "not-controlled", "named", "inside"],
    "h100-sxm": ["controlled", "controlled", "controlled", "controlled", "not-named", "inside"],
    "h200-sxm": ["controlled", "controlled", "controlled", "controlled", "not-named", "inside"],
    "b200": ["controlled", "controlled", "controlled", "controlled", "not-named", "outside"],
}
RULE_ORDER = [
    "us-2022-10-advanced-computing",
    "us-2023-10-advanced-computing",
    "us-2024-12-hbm-and-fdpr",
    "us-2025-01-ai-diffusion",
    "us-2025-04-h20-licence-letter",
    "us-2026-01-case-by-case",
]


@pytest.mark.parametrize("chip", sorted(EXPECTED_STATUS))
def test_every_mission_chip_under_every_rule(real_db, chip):
    from gpudb.analysis.export_controls import export_status

    results = export_status(chip, url=real_db)
    assert [r.rule_id for r in results] == RULE_ORDER
    assert [r.outcome for r in results] == EXPECTED_STATUS[chip]
    paragraphs = {r.rule_id: r.paragraph for r in results}
    if chip != "h20":
        assert paragraphs["us-2023-10-advanced-computing"] == "3A090.a.1"


def test_the_h20_working_shows_why_it_escaped_the_2023_rule(real_db):
    from gpudb.analysis.export_controls import export_status

    (result,) = export_status("H20", rule="us-2023-10-advanced-computing", url=real_db)
    assert "3A090.b.1: TPP 2,368 >= 2,400? no" in result.working
    assert "3A090.b.2: performance density 2.91 >= 3.2? no" in result.working


def test_h200_vs_h20_names_its_metric(real_db):
    from gpudb.analysis.comparison import compare

    frame = compare(["H200", "H20"], url=real_db).set_index("metric")
    ratio = frame["h200-sxm/h20"]
    # 15,832 / 2,368 = 989.5 / 148 = 1,979 / 296 = 6.686
    assert round(ratio["tpp"], 2) == round(ratio["bf16_dense_tflops"], 2) == round(ratio["fp8_dense_tflops"], 2) == 6.69
    assert ratio["memory_bandwidth_tbs"] == pytest.approx(1.2)  # 4.8 / 4.0
    assert ratio["memory_capacity_gb"] == pytest.approx(141 / 96)  # 1.47
    assert ratio["tdp_w"] == pytest.approx(1.75)  # 700 / 400
    assert frame.loc["ridge_point_bf16", "h20"] == 37.0  # 148 / 4.0: the H20's low ridge point
    assert frame.loc["ridge_point_bf16", "h200-sxm"] == pytest.approx(206.1, abs=0.05)  # 989.5 / 4.8


EXPECTED_VERDICTS = {
    # 15,832 ÷ 2,368 = 6.686×, +11.4% on "nearly 6×": above 6, so at best roughly (TF32 494.7 ÷ 74 = 6.685× too)
    "ifp-2025-12-h200-vs-h20": (
        "roughly",
        "tf32_dense_tflops, bf16_dense_tflops, fp16_dense_tflops, fp8_dense_tflops, int8_dense_tops, tpp",
    ),
    "ifp-2025-12-blackwell-training": ("not-checkable", ""),  # a system-level speed-up
    "ifp-2025-12-blackwell-inference": ("not-checkable", ""),
    "cn-2025-h20-fifth-of-h100": ("does-not-match", ""),  # compute 0.15×, 25% below 0.2×; bandwidth 1.19×
    "bernstein-2025-07-h20-tpp": ("matches", "tpp"),  # 2,368 exactly
    "ifp-2025-12-h200-tpp": ("matches", "tpp"),  # 15,832 is 0.05% below 15,840, inside ±1%
    "bernstein-2025-07-910b-tpp": ("roughly", "tpp"),  # 353 BF16 TFLOPS × 16 = 5,648, 10.3% above 5,120
    # 353 / 148 on BF16 and FP16 and TPP; INT8 560 / 296; not on memory 64 / 96 GB or bandwidth 1.6 / 4.0 TB/s
    "bernstein-2025-07-910b-surpasses-h20": ("matches", "bf16_dense_tflops, fp16_dense_tflops, int8_dense_tops, tpp"),
    "bernstein-2025-07-siyuan590-tpp": ("not-checkable", ""),  # Cambricon publishes no figure
    "bernstein-2025-07-siyuan590-surpasses-h20": ("not-checkable", ""),
    "ifp-2025-12-910c-tpp": ("matches", "tpp"),  # The Register's 752 × 16 = 12,032 (Huawei's unstated 800 is kept out)
    "ifp-2025-12-910c-bandwidth": ("matches", "memory_bandwidth_tbs"),  # 3.2 TB/s
    # systems, on their totals: 49,200 ÷ 13,400 GB = 3.67 (more than 3.6); 1,229 ÷ 576 TB/s = 2.13;
    # 300,000 ÷ 180,000 TFLOPS = 1.67; 559 ÷ 145 kW = 3.86 (nearly 4)
    "semianalysis-2025-04-cm384-memory": ("matches", "memory_capacity_gb"),
    "semianalysis-2025-04-cm384-bandwidth": ("matches", "memory_bandwidth_tbs"),
    "semianalysis-2025-04-cm384-bf16": ("matches", "bf16_dense_tflops"),
    "semianalysis-2025-04-cm384-power": ("matches", "tdp_w"),
}


def test_each_published_claim_gets_its_verdict(real_db):
    from gpudb.analysis.claims import check_claims

    frame = check_claims(url=real_db).set_index("id")
    assert {claim: (row.verdict, row.metrics) for claim, row in frame.iterrows()} == EXPECTED_VERDICTS
    assert frame.loc["cn-2025-h20-fifth-of-h100", "verdict_line"] == (
        "h20 about 0.2× h100-sxm; closest TPP 0.15×, −25.2% → does not match"  # 2,368 ÷ 15,832 = 0.1496
    )
    assert frame.loc["bernstein-2025-07-910b-tpp", "explanation"] == (
        "TPP 5,648 is +10.3% from the stated 5,120: outside the band ('exactly' matches within ±1%) but within ±15%"
    )


def test_the_ifp_nearly_six_times_claim_is_roughly_and_says_its_quote_was_not_found(real_db):
    from gpudb.analysis.claims import run_checks, verdict_line

    [check] = run_checks(["ifp-2025-12-h200-vs-h20"], real_db)
    # H200 SXM TPP 1,979 × 8 = 15,832; H20 296 × 8 = 2,368; 15,832 ÷ 2,368 = 6.6858; ÷ 6 − 1 = +11.43%
    assert verdict_line(check) == "h200-sxm nearly 6× h20; closest TPP 6.69×, +11.4% → roughly"
    assert check.closest.gap == pytest.approx(15832 / 2368 / 6 - 1)
    assert check.claim["quote_found"] is False


def test_every_device_name_in_the_table_maps_to_its_accelerator(real_db):
    import yaml

    from gpudb.analysis.devices import lookup_device

    entries = yaml.safe_load((REAL_DATA / "device-names.yaml").read_text())
    assert len(entries) >= 4
    for entry in entries:
        match = lookup_device(entry["name"], entry.get("memory_gb"), real_db)
        assert (entry["name"], match.accelerator_id) == (entry["name"], entry["accelerator"])
        assert match.how in ("exact", "inferred-from-memory")


def test_real_driver_strings_of_the_mission_chips(real_db):
    from gpudb.analysis.devices import lookup_device

    assert lookup_device("NVIDIA H100 80GB HBM3", url=real_db).accelerator_id == "h100-sxm"
    assert lookup_device("NVIDIA H200", url=real_db).accelerator_id == "h200-sxm"
    assert lookup_device("NVIDIA H20", 95.6, real_db).accelerator_id == "h20"  # 96 GB as the driver rounds it
    assert lookup_device("NVIDIA B200", url=real_db).accelerator_id == "b200"


def test_every_accelerator_has_the_core_metrics_or_says_why_not(real_db):
    from gpudb.analysis.completeness import coverage, missing_core

    assert missing_core(coverage(real_db)) == {}


# Hand-checked against the cited source (the helper's words quoted in the source's note or the value's note).
SPOT_CHECKS = [
    ("mi300x", "bf16_dense_tflops", 1307.4),  # ROCm MI300 microarchitecture table: "Matrix BF16 | 2048 | 1307.4"
    ("mi300x", "memory_bandwidth_tbs", 5.3),  # ROCm: "peak memory bandwidth of the GPU is 5.3 TB per second"
    ("gaudi3", "bf16_dense_tflops", 1835),  # Intel Hot Chips 2024: "BF16 Matrix TFLOPs 1835"
    ("gaudi3", "memory_capacity_gb", 128),  # Intel Hot Chips 2024: "HBM Capacity 128 GB"
    ("h100-pcie", "bf16_dense_tflops", 756.5),  # NVIDIA's table: 1,513 TFLOPS "shown with sparsity", halved
    ("a100-sxm", "interconnect_bandwidth_gbs", 600),  # AnandTech: "NVLink 3 / 12 Links (600GB/sec)"
    ("a800-sxm", "interconnect_bandwidth_gbs", 400),  # eeNews: "400Gbyte/s compared with the A100's 600"
    ("l40s", "fp8_dense_tflops", 733),  # NVIDIA's L40S table: "733 | 1,466*", "* With Sparsity"
    ("b200", "fp4_dense_tflops", 9000),  # DGX B200: "FP4 Tensor Core 144 | 72 PFLOPS" (sparse | dense) ÷ 8
    ("gb200", "fp4_dense_tflops", 10000),  # GB200 NVL72: superchip "40 | 20 PFLOPS" sparse | dense, ÷ 2 GPUs
    ("tpu-v6e", "bf16_dense_tflops", 918),  # Cloud TPU v6e: "Peak compute per chip (bf16) | 918 TFLOPs"
    ("tpu-v6e", "memory_bandwidth_tbs", 1.638),  # "HBM bandwidth per chip | 1638 GBps"
    ("tpu-v5p", "memory_bandwidth_tbs", 2.765),  # Cloud TPU v5p: "95 GB, 2765 GBps"
]


@pytest.mark.parametrize(("chip", "metric", "expected"), SPOT_CHECKS)
def test_spot_values_of_each_vendor(real_db, chip, metric, expected):
    assert query.get(chip, real_db).value(metric) == pytest.approx(expected)


def test_precisions_a_chip_lacks_are_not_supported_rather_than_unknown(real_db):
    a100 = query.get("a100-sxm", real_db)
    assert (a100.status("fp8_dense_tflops"), a100.status("fp4_dense_tflops")) == ("not-supported", "not-supported")
    assert query.get("mi308x", real_db).status("bf16_dense_tflops") == "unknown"


def test_china_variants_against_the_2022_interconnect_line(real_db):
    from gpudb.analysis.export_controls import export_status

    rule = "us-2022-10-advanced-computing"
    # A100: TPP 624 × 8 = 4,992 ≥ 4,800 and NVLink 600 GB/s ≥ 600 → controlled; the A800 (400 GB/s) is not.
    assert export_status("a100-sxm", rule, real_db)[0].outcome == "controlled"
    assert export_status("a800-sxm", rule, real_db)[0].outcome == "not-controlled"
    # H800: its tensor rates are unpublished, so TPP is unknown; but the 2022 paragraph needs both TPP ≥ 4,800 and
    # I/O ≥ 600 GB/s, and its 400 GB/s NVLink fails the second: not controlled whatever its TPP. Under the 2023
    # rule, which tests TPP and performance density only, it is indeterminate.
    assert export_status("h800-sxm", rule, real_db)[0].outcome == "not-controlled"
    assert export_status("h800-sxm", "us-2023-10-advanced-computing", real_db)[0].outcome == "indeterminate"
