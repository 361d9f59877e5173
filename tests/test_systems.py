"""Systems: totals published or derived (count × chip, with the working), a vendor total that differs from count
× chip shown as such, chip/system name ambiguity, comparisons by view, and systems through the build, CLI, API,
web and export on SQLite and PostgreSQL. Fixture: tests/fixtures/systems (x1-rack: 8 × x1 with vendor totals;
x1-node: 2 × x1 with only a power figure), laid over the minimal data (x1: BF16 989.5 dense, FP8 1,979, 141 GB,
4.8 TB/s)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from gpudb.analysis.systems import chip_beside_system, compare_systems, system_view
from gpudb.cli import app
from gpudb.errors import AmbiguousNameError, InvalidArgumentError
from gpudb.storage.build import build
from gpudb.storage.query import resolve, resolve_kind

FIXTURE = Path(__file__).parent / "fixtures" / "systems"


@pytest.fixture
def systems_data(minimal_data: Path) -> Path:
    shutil.copytree(FIXTURE, minimal_data, dirs_exist_ok=True)
    return minimal_data


@pytest.fixture
def systems_db(systems_data: Path, database_url: str) -> str:
    build(database_url, systems_data)
    return database_url


def test_derived_totals_are_count_times_chip_with_their_working(systems_db):
    view = system_view("x1-rack", systems_db)
    assert view.chip_count == 8
    bandwidth = view.totals["memory_bandwidth_tbs"]  # 8 × 4.8 TB/s = 38.4 TB/s, nothing published
    assert (bandwidth.basis, bandwidth.derived, bandwidth.published) == ("derived", 38.4, None)
    assert bandwidth.working == "8 × 4.8 TB/s = 38.4 TB/s"
    assert bandwidth.shown() == "38.4 TB/s (derived: 8 × 4.8 TB/s = 38.4 TB/s)"
    fp8 = view.totals["fp8_dense_tflops"]  # 8 × 1,979 = 15,832
    assert (fp8.value, fp8.working) == (15832.0, "8 × 1,979 TFLOPS = 15,832 TFLOPS")
    memory = view.totals["memory_capacity_gb"]  # published 1,128 GB = 8 × 141: the same, no difference shown
    assert (memory.basis, memory.published, memory.derived, memory.difference) == ("published", 1128.0, 1128.0, None)
    assert view.totals["tdp_w"].derived is None  # the chip has no power figure: nothing to derive
    assert "scale_up_domain_gpus" not in view.totals  # neither published nor derivable


def test_a_vendor_total_that_differs_from_count_times_chip_shows_both(systems_db):
    bf16 = system_view("X1R8", systems_db).totals["bf16_dense_tflops"]
    # published 7.5 PFLOPS = 7,500; 8 × 989.5 = 7,916; 7,500 ÷ 7,916 − 1 = −5.3%
    assert (bf16.value, bf16.published, bf16.derived) == (7500.0, 7500.0, 7916.0)
    assert bf16.difference == pytest.approx(7500 / 7916 - 1)
    assert bf16.shown() == "7,500 TFLOPS (published; count × chip gives 8 × 989.5 TFLOPS = 7,916 TFLOPS, -5%)"


def test_a_name_of_both_a_chip_and_a_system_is_an_ambiguity(systems_data, database_url):
    (systems_data / "systems" / "acme" / "x1-node.yaml").write_text(
        "id: x1-node\nvendor: Acme\nname: Acme X1 Node\naliases: [Acme X1]\nkind: node\n"
        "chips:\n  - accelerator: x1\n    count: 2\n"
    )
    build(database_url, systems_data)
    message = (
        "ambiguous name 'Acme X1': it could be the accelerator 'x1' or the system 'x1-node'; "
        "use the id of the one you mean"
    )
    for lookup in (resolve, resolve_kind):
        with pytest.raises(AmbiguousNameError) as raised:
            lookup("Acme X1", database_url)
        assert str(raised.value) == message
    assert resolve_kind("x1", database_url) == ("accelerator", "x1")
    assert resolve_kind("X1 Rack", database_url) == ("system", "x1-rack")
    result = CliRunner().invoke(app, ["show", "Acme X1", "--db", database_url])
    assert (result.exit_code, result.stderr) == (3, f"Error: {message}\n")


def test_compare_systems_names_the_metric_and_the_view(systems_db):
    views, rows = compare_systems(["x1-rack", "x1-node"], url=systems_db)
    by_metric = {row.metric: row for row in rows}
    memory = by_metric["memory_capacity_gb"]  # 1,128 ÷ (2 × 141 = 282) = 4
    assert (memory.label, memory.ratios["x1-rack"], memory.ratios["x1-node"]) == ("Memory (total)", 4.0, 1.0)
    assert memory.bases == {"x1-rack": "published", "x1-node": "derived"}
    bf16 = by_metric["bf16_dense_tflops"]  # 7,500 ÷ (2 × 989.5 = 1,979)
    assert bf16.ratios["x1-rack"] == pytest.approx(7500 / 1979)
    _, per_kw = compare_systems(["x1-rack", "x1-node"], view="per-kw", metrics=["memory_capacity_gb"], url=systems_db)
    # 1,128 GB ÷ 12 kW = 94 GB per kW; 282 GB ÷ 2.5 kW = 112.8 GB per kW
    (row,) = per_kw
    assert (row.label, row.unit, row.figures) == ("Memory (per kW)", "GB per kW", {"x1-rack": 94.0, "x1-node": 112.8})
    with pytest.raises(InvalidArgumentError) as raised:
        compare_systems(["x1-rack", "x1-node"], view="per-gpu", url=systems_db)
    assert str(raised.value) == "unknown view 'per-gpu'; valid: total, per-chip, per-kw, per-rack"


def test_a_chip_beside_a_system_is_per_chip_only(systems_db):
    rows = {row.metric: row for row in chip_beside_system("x1", "x1-rack", url=systems_db)}
    bf16 = rows["bf16_dense_tflops"]  # 7,500 ÷ 8 = 937.5 per chip against the chip's 989.5
    assert (bf16.label, bf16.figures) == ("BF16 dense (per chip)", {"x1": 989.5, "x1-rack": 937.5})
    assert bf16.ratios["x1-rack"] == pytest.approx(937.5 / 989.5)
    runner = CliRunner()
    refused = runner.invoke(app, ["compare", "x1", "x1-rack", "--db", systems_db])
    assert refused.exit_code == 2
    assert refused.stderr == (
        "Error: a chip and a system compare only per chip (the system's totals ÷ its chips): add --view per-chip\n"
    )
    allowed = runner.invoke(app, ["compare", "x1", "x1-rack", "--view", "per-chip", "-f", "json", "--db", systems_db])
    assert allowed.exit_code == 0
    shown = json.loads(allowed.stdout)
    assert shown["baseline"] == "x1"


def test_cli_compare_show_and_list_systems(systems_db):
    runner = CliRunner()
    result = runner.invoke(app, ["compare", "X1R8", "x1-node", "-f", "json", "--db", systems_db])
    assert result.exit_code == 0, result.output
    shown = json.loads(result.stdout)
    assert (shown["systems"], shown["baseline"]) == (["x1-rack", "x1-node"], "x1-node")
    memory = next(row for row in shown["rows"] if row["metric"] == "memory_capacity_gb")
    assert memory["ratios"] == {"x1-rack": 4.0, "x1-node": 1.0}
    assert memory["sources"]["x1-rack"]["id"] == "acme-datasheet"
    shown = json.loads(runner.invoke(app, ["show", "x1-rack", "-f", "json", "--db", systems_db]).stdout)
    assert shown["chips"] == [{"accelerator": "x1", "name": "X1 SXM", "count": 8}]
    assert shown["parts"] == ["2 × Acme Hub CPU", "1 × Acme switch tray"]
    listed = runner.invoke(app, ["list", "--systems", "-f", "csv", "--db", systems_db])
    assert listed.stdout.splitlines() == [
        "id,vendor,name,kind,availability,chips,aliases",
        "x1-node,Acme,Acme X1 Node,node,shipping,2 × x1,",
        'x1-rack,Acme,Acme X1 Rack 8,rack,shipping,8 × x1,"X1 Rack, X1R8"',
    ]
    unknown = runner.invoke(app, ["show", "x9-pod", "--db", systems_db])
    assert unknown.exit_code == 3


def test_systems_in_the_api_and_web(systems_db):
    from fastapi.testclient import TestClient

    from gpudb.web import create_app

    client = TestClient(create_app(systems_db))
    twin = client.get("/api/systems/x1-rack").json()["system"]
    bf16 = next(t for t in twin["totals"] if t["metric"] == "bf16_dense_tflops")
    assert (bf16["value"], bf16["derived"], bf16["basis"]) == (7500.0, 7916.0, "published")
    assert twin["export_controls"]["x1"]  # the chip's classification, shown on the system's page
    page = client.get("/systems/x1-rack")
    assert page.status_code == 200
    assert "vendor total -5% against count × chip" in page.text
    assert "8 × 4.8 TB/s = 38.4 TB/s" in page.text
    listing = client.get("/api/systems").json()
    assert [s["id"] for s in listing["systems"]] == ["x1-node", "x1-rack"]
    assert listing["plots"][0]["slug"] == "systems"
    assert client.get("/systems").status_code == 200
    missing = client.get("/api/systems/x9-pod")
    assert (missing.status_code, missing.json()["message"]) == (
        404,
        "unknown system 'x9-pod'; run 'gpudb list --systems'",
    )


def test_systems_in_the_dataset_export(systems_db, tmp_path):
    from gpudb.dataset_export import export

    written = {path.name for path in export(tmp_path, "csv", systems_db)}
    assert {"systems.csv", "system_totals.csv"} <= written
    import pandas as pd

    totals = pd.read_csv(tmp_path / "system_totals.csv")
    row = totals[(totals.system_id == "x1-rack") & (totals.metric == "memory_bandwidth_tbs")].iloc[0]
    assert (row.value, row.basis, row.working) == (38.4, "derived", "8 × 4.8 TB/s = 38.4 TB/s")
    systems = pd.read_csv(tmp_path / "systems.csv")
    assert systems.set_index("id").loc["x1-rack", "chips"] == '[{"accelerator": "x1", "count": 8}]'


def test_systems_plot_is_compute_against_power_with_memory_as_area(systems_db):
    from gpudb.plots.systems import system_points, systems_bubble

    points = system_points(systems_db)
    figure = systems_bubble(points)
    (trace,) = figure.data  # one vendor, two systems: x1-node's compute and memory are derived (2 × x1)
    assert list(trace.x) == [2.5, 12.0]  # kW
    assert list(trace.y) == [1.979, 7.5]  # PFLOPS: 2 × 989.5 TFLOPS; the rack's published 7.5
    assert list(trace.marker.size) == [0.282, 1.128]  # TB: 2 × 141 GB; the rack's published 1,128 GB
    assert figure.layout.xaxis.title.text == "Power (kW)"


def test_a_claim_about_systems_links_to_the_systems_pages(systems_data, database_url, tmp_path):
    import re

    from fastapi.testclient import TestClient

    from gpudb.web import create_app
    from gpudb.web.site import write_site

    with (systems_data / "claims.yaml").open("a") as claims:
        claims.write(
            "- id: test-rack-vs-node-power\n  claimant: Test Analyst\n  date: 2025-12-08\n  source: test-news\n"
            "  quote: The rack draws almost five times the node's power.\n  subject: x1-rack\n  baseline: x1-node\n"
            "  stated: {ratio: 4.8, metric: tdp_w}\n  qualifier: about\n  scope: peak-spec\n"
        )
    build(database_url, systems_data)
    client = TestClient(create_app(database_url))
    kinds = {c["id"]: (c["subject_kind"], c["baseline_kind"]) for c in client.get("/api/claims").json()["claims"]}
    assert kinds == {"test-x1-tpp": ("accelerator", None), "test-rack-vs-node-power": ("system", "system")}
    html = client.get("/claims").text
    # linked by their names, as people read them
    assert '<a href="/systems/x1-rack">Acme X1 Rack 8</a>' in html and '<a href="/accelerators/x1">X1 SXM</a>' in html
    links = set(re.findall(r'href="(/[^"]*)"', html))
    assert {link: client.get(link).status_code for link in links} == dict.fromkeys(links, 200)
    # the static site has the system's page, and its claims page links to it relatively
    write_site(tmp_path / "site", database_url)
    static = (tmp_path / "site" / "claims.html").read_text()
    assert '<a href="systems/x1-rack.html">Acme X1 Rack 8</a>' in static
    relative = {link for link in re.findall(r'href="([^"#:]+)"', static) if not link.startswith("/")}
    assert {link for link in relative if not (tmp_path / "site" / link).is_file()} == set()
    system_page = (tmp_path / "site" / "systems" / "x1-rack.html").read_text()
    assert ' href="/' not in system_page and '<a href="../accelerators/x1.html">' in system_page


def test_the_system_tables_download_as_csv(systems_db):
    from fastapi.testclient import TestClient

    from gpudb.web.app import create_app

    client = TestClient(create_app(systems_db))
    rows = client.get("/download/database?format=csv&table=system_totals").text.splitlines()
    assert rows[0] == "system_id,metric,unit,value,basis,published,as_published,derived,working,source_id,source_kind"
    assert "x1-node,tdp_w,W,2500.0,published,2500.0,2.5 kW,,,acme-datasheet,vendor-datasheet" in rows
    dictionary = client.get("/download/database?format=json").json()["dictionary"]
    assert {"table": "systems", "column": "kind", "unit": "", "description": "board, node, rack or pod."} in dictionary
