"""Systems on the real data/: the names people use resolve to systems, and CloudMatrix 384 against GB200 NVL72 gives
the ratios SemiAnalysis published (memory 3.6×, bandwidth 2.1×, dense BF16 1.7×, power 3.9×)."""

from __future__ import annotations

import pytest

from gpudb.analysis.claims import run_checks
from gpudb.analysis.systems import compare_systems, system_view
from gpudb.storage.query import resolve_kind


@pytest.mark.parametrize(
    ("name", "system"),
    [
        ("GB200 NVL72", "gb200-nvl72"),
        ("NVL72", "gb200-nvl72"),
        ("CloudMatrix 384", "cloudmatrix-384"),
        ("CM384", "cloudmatrix-384"),
        ("DGX B200", "dgx-b200"),
        ("HGX B200", "hgx-b200"),
        ("Ironwood Pod", "tpu7x-pod"),
    ],
)
def test_system_names_resolve_to_systems(real_db, name, system):
    assert resolve_kind(name, real_db) == ("system", system)


def test_chip_names_still_resolve_to_chips(real_db):
    assert resolve_kind("GB200", real_db) == ("accelerator", "gb200")
    assert resolve_kind("910C", real_db) == ("accelerator", "ascend-910c")


def test_cloudmatrix_against_nvl72_totals(real_db):
    _, rows = compare_systems(["CloudMatrix 384", "GB200 NVL72"], url=real_db)
    ratios = {row.metric: row.ratios["cloudmatrix-384"] for row in rows}
    assert ratios["memory_capacity_gb"] == pytest.approx(49_200 / 13_400)  # 3.67: NVIDIA's 13.4 TB preferred
    assert ratios["memory_bandwidth_tbs"] == pytest.approx(1_229 / 576)  # 2.13
    assert ratios["bf16_dense_tflops"] == pytest.approx(300_000 / 180_000)  # 1.67
    assert ratios["tdp_w"] == pytest.approx(559 / 145)  # 3.86
    labels = {row.metric: row.label for row in rows}
    assert labels["memory_capacity_gb"] == "Memory (total)"


def test_cloudmatrix_published_bf16_differs_from_count_times_chip(real_db):
    bf16 = system_view("CM384", real_db).totals["bf16_dense_tflops"]
    # 384 × 752 TFLOPS (the 910C's dense BF16) = 288,768; SemiAnalysis's 300,000 is 3.9% above
    assert (bf16.published, bf16.derived) == (300_000.0, 288_768.0)
    assert bf16.working == "384 × 752 TFLOPS = 288,768 TFLOPS"
    assert bf16.difference == pytest.approx(300_000 / 288_768 - 1)


def test_derived_pod_totals(real_db):
    pod = system_view("tpu7x-pod", real_db)
    bandwidth = pod.totals["memory_bandwidth_tbs"]  # 9,216 × 7.38 TB/s = 68,014.08 TB/s
    assert (bandwidth.basis, bandwidth.working) == ("derived", "9216 × 7.38 TB/s = 68,014.1 TB/s")
    assert bandwidth.derived == pytest.approx(68_014.08)
    fp8 = pod.totals["fp8_dense_tflops"]  # 9,216 × 4,614 TFLOPS = 42,522,624 TFLOPS (42.5 EFLOPS)
    assert (fp8.basis, fp8.working) == ("derived", "9216 × 4,614 TFLOPS = 42,522,624 TFLOPS")


def test_the_system_claims_are_checked_on_system_totals(real_db):
    ids = [
        "semianalysis-2025-04-cm384-memory",
        "semianalysis-2025-04-cm384-bandwidth",
        "semianalysis-2025-04-cm384-bf16",
        "semianalysis-2025-04-cm384-power",
    ]
    checks = {check.claim["id"]: check for check in run_checks(ids, real_db)}
    assert {claim: check.verdict for claim, check in checks.items()} == dict.fromkeys(ids, "matches")
    assert checks["semianalysis-2025-04-cm384-power"].explanation == (
        "TDP 3.86× is −3.6% from the stated 4×: 'nearly' matches within 5% below"  # 559 ÷ 145 = 3.855
    )


def test_every_link_on_the_claims_page_answers(real_db):
    import re

    from fastapi.testclient import TestClient

    from gpudb.web import create_app

    client = TestClient(create_app(real_db))
    html = client.get("/claims").text
    links = set(re.findall(r'href="(/[^"]*)"', html))
    # the SemiAnalysis claims compare CloudMatrix 384 with GB200 NVL72: systems, linked to their own pages
    assert "/systems/cloudmatrix-384" in links
    assert not any(link.startswith("/accelerators/cloudmatrix") for link in links)
    assert {link: client.get(link).status_code for link in links} == dict.fromkeys(links, 200)


@pytest.mark.parametrize(
    ("name", "system"),
    [
        ("DGX H100", "dgx-h100"),
        ("DGX-H100", "dgx-h100"),
        ("NVIDIA DGX H200", "dgx-h200"),
        ("trn2.48xlarge", "trn2-instance"),
        ("Trn2 UltraServer", "trn2-ultraserver"),
        ("AMD Helios", "helios"),
        ("Atlas 950 SuperPoD", "atlas-950-superpod"),
    ],
)
def test_the_systems_analysts_compare_resolve(real_db, name, system):
    assert resolve_kind(name, real_db) == ("system", system)


def test_dgx_h100_and_h200_totals(real_db):
    h100 = system_view("DGX H100", real_db).totals
    # NVIDIA's 640 GB is 8 × 80 GB exactly; dense BF16 8 × 989.5 = 7,916 TFLOPS (NVIDIA publishes no dense total)
    assert (h100["memory_capacity_gb"].published, h100["memory_capacity_gb"].derived) == (640.0, 640.0)
    assert h100["memory_capacity_gb"].difference is None
    assert (h100["bf16_dense_tflops"].basis, h100["bf16_dense_tflops"].value) == ("derived", 7916.0)
    assert h100["memory_bandwidth_tbs"].value == pytest.approx(26.8)  # 8 × 3.35 TB/s
    # the system's 10.2 kW maximum against the GPUs' 8 × 700 W = 5,600 W: shown as a difference, +82%
    power = h100["tdp_w"]
    assert (power.published, power.derived) == (10_200.0, 5_600.0)
    assert power.difference == pytest.approx(10_200 / 5_600 - 1)
    h200 = system_view("dgx-h200", real_db).totals
    assert h200["memory_capacity_gb"].published == 1128.0  # 8 × 141 GB
    assert h200["memory_bandwidth_tbs"].working == "8 × 4.8 TB/s = 38.4 TB/s"
    assert h200["scale_up_bandwidth_tbs"].value == pytest.approx(7.2)  # 8 × 900 GB/s


def test_trn2_published_totals_beside_count_times_chip(real_db):
    ultra = system_view("trn2-ultraserver", real_db).totals
    # AWS's 83.2 PFLOPS dense FP8 against 64 × 1,299 TFLOPS = 83,136 TFLOPS
    assert (ultra["fp8_dense_tflops"].published, ultra["fp8_dense_tflops"].derived) == (83_200.0, 83_136.0)
    assert ultra["memory_capacity_gb"].published == pytest.approx(6144 * 2**30 / 1e9)  # 6,144 GiB = 6,597 GB
    assert ultra["memory_bandwidth_tbs"].working == "64 × 2.9 TB/s = 185.6 TB/s"
    instance = system_view("trn2-instance", real_db).totals
    assert instance["bf16_dense_tflops"].published == 10_700.0  # 16 × 667 = 10,672 derived
    assert instance["bf16_dense_tflops"].derived == 10_672.0


def test_announced_racks_and_pods(real_db):
    helios = system_view("helios", real_db)
    assert (helios.chip_count, helios.totals["memory_capacity_gb"].value) == (72, 31_104.0)  # 72 × 432 GB
    assert "fp4_dense_tflops" not in helios.totals  # AMD's 2.9 EFLOPS FP4 states no dense/sparse convention
    assert helios.totals["scale_up_bandwidth_tbs"].published == 260.0
    atlas = system_view("Atlas 950 SuperPoD", real_db).totals
    # Huawei's 1,152 TB against 8,192 × 144 GB = 1,179,648 GB: the vendor total is 2.3% below count × chip
    memory = atlas["memory_capacity_gb"]
    assert (memory.published, memory.derived) == (1_152_000.0, 1_179_648.0)
    assert memory.difference == pytest.approx(1_152_000 / 1_179_648 - 1)
    assert atlas["rack_count"].value == 160
