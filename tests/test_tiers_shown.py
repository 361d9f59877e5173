"""Tiers, readings and inferences travel from the data to every output: build, show, coverage, web, export, rules."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner
from fastapi.testclient import TestClient

import gpudb
from gpudb.analysis.completeness import GRADES, coverage, tally
from gpudb.analysis.export_controls import export_status
from gpudb.cli import app
from gpudb.dataset_export import export
from gpudb.metrics.catalogue import METRICS
from gpudb.storage.build import build
from gpudb.web.app import create_app

REASONING = "the same die as the X0"


@pytest.fixture
def inferred_db(minimal_data: Path, tmp_path: Path) -> str:
    """The minimal data with an inferred die area on x1, and its datasheet read through a copy."""
    chip = minimal_data / "accelerators" / "acme" / "x1.yaml"
    content = yaml.safe_load(chip.read_text())
    content["specs"]["die_area_mm2"] = {"value": "800 mm²", "source": "acme-datasheet", "inference": REASONING}
    chip.write_text(yaml.safe_dump(content, sort_keys=False, allow_unicode=True))
    sources = minimal_data / "sources" / "acme.yaml"
    sources.write_text(sources.read_text().replace("read: original", "read: copy\n  read_via: An archived copy."))
    url = f"sqlite:///{tmp_path / 'inferred.sqlite'}"
    build(url, minimal_data)
    return url


def test_the_database_keeps_tier_reading_and_inference(inferred_db):
    x1 = gpudb.get("x1", inferred_db)
    die = next(v for v in x1.values if v.metric == "die_area_mm2")
    assert (die.value, die.inference) == (800.0, REASONING)
    assert (die.source.kind, die.source.tier, die.source.read, die.source.read_via) == (
        "vendor-datasheet",
        1,
        "copy",
        "An archived copy.",
    )
    bandwidth = next(v for v in x1.values if v.metric == "memory_bandwidth_tbs")
    assert bandwidth.inference is None


def test_show_labels_the_inference_and_the_reading(inferred_db):
    result = CliRunner().invoke(app, ["show", "x1", "--db", inferred_db, "-f", "csv"])
    assert result.exit_code == 0
    rows = {row["metric"]: row for row in csv.DictReader(io.StringIO(result.output))}
    assert (rows["die_area_mm2"]["tier"], rows["die_area_mm2"]["read"]) == ("tier 1 vendor", "copy")
    assert rows["die_area_mm2"]["note"] == f"inference: {REASONING}"
    assert rows["memory_bandwidth_tbs"]["note"] == ""
    table = CliRunner().invoke(app, ["show", "x1", "--db", inferred_db])
    assert (
        "[1] Acme X1 Datasheet. Acme, 2024-03-01 (vendor-datasheet; tier 1 vendor; read through a copy: An archived "
        "copy.). https://example.com/x1.pdf"
    ) in table.output


def test_the_web_citation_and_detail_page_label_the_inference(inferred_db):
    client = TestClient(create_app(inferred_db))
    response = client.get("/download/table?format=csv&columns=die_area_mm2,memory_bandwidth_tbs")
    (x1,) = list(csv.DictReader(io.StringIO(response.text)))
    assert x1["die_area_mm2_source"] == (
        "Acme X1 Datasheet — Acme, 2024-03-01 (vendor-datasheet; tier 1 vendor; read through a copy: An archived "
        f"copy.) https://example.com/x1.pdf; inference: {REASONING}"
    )
    assert x1["memory_bandwidth_tbs_source"] == (
        "Acme X1 Datasheet — Acme, 2024-03-01 (vendor-datasheet; tier 1 vendor; read through a copy: An archived "
        "copy.) https://example.com/x1.pdf"
    )
    page = client.get("/accelerators/x1").text
    assert f'<span class="inference">inference: {REASONING}</span>' in page
    assert "(vendor-datasheet; tier 1; read through a copy: An archived copy.)" in page


def test_the_export_carries_tier_reading_and_inference(inferred_db, tmp_path):
    export(tmp_path / "out", "csv", inferred_db)
    values = pd.read_csv(tmp_path / "out" / "values.csv")
    die = values[(values["accelerator_id"] == "x1") & (values["metric"] == "die_area_mm2")].iloc[0]
    assert (die["inference"], die["source_tier"], die["source_read"]) == (REASONING, 1, "copy")
    sources = pd.read_csv(tmp_path / "out" / "sources.csv").set_index("id")
    assert sources.loc["acme-datasheet", ["tier", "read", "read_via"]].tolist() == [1, "copy", "An archived copy."]
    assert sources.loc["test-news", ["tier", "read"]].tolist() == [4, "original"]
    dictionary = pd.read_csv(tmp_path / "out" / "dictionary.csv")
    described = set(zip(dictionary["table"], dictionary["column"], strict=True))
    assert {
        ("values", "inference"),
        ("values", "source_tier"),
        ("sources", "tier"),
        ("sources", "read_via"),
    } <= described


def test_a_density_on_an_inferred_die_area_says_so(inferred_db):
    (classification,) = export_status("x1", "test-thresholds", inferred_db)
    # FP8 1,979 dense × 8 bits = TPP 15,832; ÷ 800 mm² = 19.79, shown to three figures
    assert (
        f"performance density: TPP 15,832 ÷ 800 mm² die area = 19.8 (die area inferred: {REASONING})"
        in classification.working
    )


def test_coverage_sets_vendor_values_read_through_a_copy_apart(inferred_db):
    cells = coverage(inferred_db)
    x1 = [cell for cell in cells if cell.accelerator_id == "x1"]
    stored = 9  # the minimal fixture's eight values and the die area, all from the datasheet read through a copy
    assert tally(x1) == dict.fromkeys(GRADES, 0) | {
        "vendor via copy": stored,
        "not supported": 0,
        "n/a": 0,
        "unknown": len(METRICS) - stored,
    }


def test_coverage_counts_values_by_tier(several_db):
    x3 = [cell for cell in coverage(several_db) if cell.accelerator_id == "x3"]
    # BF16, bandwidth and capacity from the datasheet (original); TDP from the news report (tier 4, preferred by
    # hand); FP8 not supported, PCIe generation not applicable; FP4 unknown and the rest missing
    assert tally(x3) == dict.fromkeys(GRADES, 0) | {
        "vendor": 3,
        "trade": 1,
        "not supported": 1,
        "n/a": 1,
        "unknown": len(METRICS) - 6,
    }
    result = CliRunner().invoke(app, ["coverage", "--db", several_db, "-f", "csv"])
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "accelerator,metric,status,source_kind,source_tier,source_read,grade,sources"
    assert "x3,tdp_w,value,trade-press,4,original,trade,2" in lines
    table = CliRunner().invoke(app, ["coverage", "--db", several_db])
    assert "vendor via copy = read only through a copy or a quotation" in table.output.replace("\n", " ")
