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
