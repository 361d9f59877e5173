"""What the web shows of the data release and of statuses: the footer's version and citation, and
not-supported / not-applicable / unknown kept apart in the API, the HTML table and the CSV download.

Fixture: the minimal data plus tests/fixtures/several-values (x3: FP8 not supported, FP4 unknown, PCIe generation
not applicable, bandwidth 4.8 TB/s preferred over a report's 5.0)."""

from __future__ import annotations

import csv
import io

import pytest
from fastapi.testclient import TestClient

from gpudb.validation.release import read_release
from gpudb.web.app import create_app

COLUMNS = "fp8_dense_tflops,fp4_dense_tflops,pcie_generation,memory_bandwidth_tbs"


@pytest.fixture
def client(several_db: str) -> TestClient:
    return TestClient(create_app(several_db))


def test_statuses_in_the_api(client):
    values = client.get("/api/accelerators/x3/values").json()["values"]
    found = [(v["metric"], v["value"], v["status"], v["preferred"]) for v in values if v["metric"] in COLUMNS]
    assert found == [
        ("fp8_dense_tflops", None, "not-supported", True),
        ("fp4_dense_tflops", None, "unknown", True),
        ("memory_bandwidth_tbs", 4.8, "value", True),
        ("memory_bandwidth_tbs", 5.0, "value", False),
        ("pcie_generation", None, "not-applicable", True),
    ]
    cells = client.get(f"/api/accelerators?columns={COLUMNS}&q=x3").json()["rows"][0]["cells"]
    assert {key: cell["status"] for key, cell in cells.items()} == {
        "fp8_dense_tflops": "not-supported",
        "fp4_dense_tflops": "unknown",
        "pcie_generation": "not-applicable",
        "memory_bandwidth_tbs": "value",
    }


def test_statuses_in_the_csv_download(client):
    response = client.get(f"/download/table?format=csv&columns={COLUMNS}&q=x3")
    assert response.status_code == 200
    datasheet = "Acme X1 Datasheet — Acme, 2024-03-01 (vendor-datasheet; tier 1 vendor) https://example.com/x1.pdf"
    assert list(csv.reader(io.StringIO(response.text))) == [
        [  # catalogue order, each value beside its source
            "id",
            "name",
            "fp8_dense_tflops",
            "fp8_dense_tflops_source",
            "fp4_dense_tflops",
            "fp4_dense_tflops_source",
            "memory_bandwidth_tbs",
            "memory_bandwidth_tbs_source",
            "pcie_generation",
            "pcie_generation_source",
        ],
        ["x3", "X3", "not-supported", datasheet, "", "", "4.8", datasheet, "not-applicable", ""],
    ]


def test_statuses_read_differently_in_the_html_table(client):
    page = client.get(f"/?columns={COLUMNS}&q=x3").text
    assert "not supported" in page and "n/a" in page


def test_every_page_shows_the_release_and_how_to_cite(client):
    release = read_release()
    for path in ("/", "/claims", "/accelerators/x3"):
        page = client.get(path).text
        assert f"Data version {release.version}, last changed {release.released}" in page
        assert "<code>gpudb cite</code>" in page


def test_the_coverage_page_and_its_twin(client):
    body = client.get("/api/coverage").json()
    x3 = next(row for row in body["accelerators"] if row["id"] == "x3")
    assert x3["cells"]["memory_bandwidth_tbs"] == {
        "status": "value",
        "grade": "vendor",
        "source_kind": "vendor-datasheet",
        "source_tier": 1,
        "source_read": "original",
        "sources": 2,
    }
    assert x3["cells"]["fp8_dense_tflops"]["status"] == "not-supported"
    assert [(c["accelerator"], c["metric"]) for c in body["conflicts"]] == [
        ("x3", "memory_bandwidth_tbs"),
        ("x3", "tdp_w"),
    ]
    assert [e["preferred"] for e in body["conflicts"][0]["entries"]] == [True, False]  # the one used first
    page = client.get("/coverage").text
    assert "Where sources disagree" in page and "<b>used:</b> 4.8 TB/s" in page
    response = client.get("/api/coverage?vendor=Acme")
    assert (response.status_code, response.json()["message"]) == (
        400,
        "unknown parameter 'vendor'; this page takes no parameters",
    )
