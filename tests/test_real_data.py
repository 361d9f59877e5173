"""The real data/: it validates, every value is sourced, and well-known values match their cited sources.

The expected figures below were checked by hand against the cited NVIDIA pages (see each source's note).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from gpudb import db, query
from gpudb.validate import validate

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


@pytest.fixture(scope="module")
def real_db(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('real') / 'gpudb.sqlite'}"
    db.build(url, REAL_DATA)
    return url


def test_the_real_data_validates():
    dataset = validate(REAL_DATA)
    assert [str(problem) for problem in dataset.problems] == []


def test_every_value_has_a_source_with_a_url(real_db):
    frame = query.specs(long=True, url=real_db)
    assert len(frame) > 0
    assert frame["source_id"].notna().all()
    assert frame["source_url"].str.match(r"^https?://").all()
    assert frame["source_title"].str.len().gt(0).all()


def test_every_source_is_cited():
    dataset = validate(REAL_DATA)
    cited = {spec.entry.source for spec in dataset.specs}
    cited |= {rule.entry.source for rule in dataset.rules} | {claim.entry.source for claim in dataset.claims}
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
        ("HGX B200", "bf16_dense_tflops", 2250.0),
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
