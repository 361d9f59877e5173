"""The web app over HTTP: every route, every parameter error with its exact message, the JSON shapes, escaping,
security headers, the static site, and a rebuild while the server answers. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import hashlib
import io
import re
import subprocess
import sys
import threading
from pathlib import Path

import plotly
import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from gpudb.cli import app as cli_app
from gpudb.storage import build as db
from gpudb.web import create_app
from gpudb.web.render import STATIC as STATIC_DIR

# A second fictional chip beside the fixture's x1: its figures mirror the H20 (TPP 2,368), so x1 ÷ x2 = 6.69× as
# H200 ÷ H20; its notes carry <script> to prove that text from data is escaped; FP4 is marked not-supported.
X2 = """\
id: x2
vendor: Bravo
name: X2 PCIe
aliases: [X2]
architecture: Coyote
form_factor: PCIe
data_center: true
china_specific: true
note: "<script>alert('x2')</script> must show as text"
specs:
  bf16_dense_tflops:
    value: 148 TFLOPS
    sparsity: dense
    source: acme-datasheet
  fp8_dense_tflops:
    value: 296 TFLOPS
    sparsity: dense
    source: acme-datasheet
  memory_bandwidth_tbs:
    value: 4 TB/s
    source: acme-datasheet
    note: "<script>alert('note')</script>"
  memory_capacity_gb:
    value: 96 GB
    source: acme-datasheet
  fp4_dense_tflops:
    status: not-supported
    source: acme-datasheet
    note: The datasheet lists no FP4 rate.
"""


@pytest.fixture
def web_data(minimal_data: Path) -> Path:
    """The minimal fixture data plus x2 (a chip to compare with, and hostile text in its notes)."""
    (minimal_data / "accelerators" / "bravo").mkdir()
    (minimal_data / "accelerators" / "bravo" / "x2.yaml").write_text(X2)
    return minimal_data


@pytest.fixture
def web_url(database_url: str, web_data: Path) -> str:
    db.build(database_url, web_data)
    return database_url


@pytest.fixture
def client(web_url: str) -> TestClient:
    return TestClient(create_app(web_url), raise_server_exceptions=False)


def ids(response) -> list[str]:
    return [row["id"] for row in response.json()["rows"]]


# ------------------------------------------------------------------------------------------------ the table


def test_table_page_has_units_tooltips_and_table_semantics(client):
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    html = response.text
    assert '<th scope="col" data-key="name" data-kind="identity" aria-sort="ascending">' in html
    assert 'title="Peak dense BF16 tensor throughput (no sparsity), in TFLOPS."' in html
    assert 'BF16 dense <span class="unit">TFLOPS</span>' in html
    assert '<th scope="row" data-key="name" data-v="X1 SXM"><a href="/accelerators/x1">X1 SXM</a></th>' in html
    assert '<label for="q">Search</label>' in html
    assert "plotly.min.js" not in html  # no plot on the table page
    # the sparse figure is marked, and the cell links to the value's source on the detail page
    assert 'title="published as 1979 TFLOPS with 2:4 sparsity; halved">½</abbr>' in html
    assert '<a href="/accelerators/x1#m-bf16_dense_tflops" title="Source: Acme X1 Datasheet — Acme, 2024-03-01' in html
    fp4 = client.get("/?columns=fp4_dense_tflops").text
    assert '<span class="status status-not-supported" title="FP4 dense: not supported">not supported</span>' in fp4


def test_table_json_twin_shape(client):
    body = client.get("/api/accelerators").json()
    assert list(body) == [
        "ok",
        "parameters",
        "total",
        "matched",
        "offset",
        "limit",
        "next_offset",
        "previous_offset",
        "columns",
        "rule",
        "rules",
        "facets",
        "baseline",
        "rows",
        "sources",
    ]
    assert (body["total"], body["matched"], body["limit"], body["offset"]) == (2, 2, 100, 0)
    assert [c["key"] for c in body["columns"]] == [
        "vendor",
        "bf16_dense_tflops",
        "fp8_dense_tflops",
        "memory_capacity_gb",
        "memory_bandwidth_tbs",
        "interconnect_bandwidth_gbs",
        "tdp_w",
        "tpp",
        "performance_density",
        "ridge_point_bf16",
        "export",
    ]
    assert body["facets"] == {
        "vendor": ["Acme", "Bravo"],
        "architecture": ["Coyote", "Roadrunner"],
        "form_factor": ["PCIe", "SXM5"],
    }
    x1 = body["rows"][0]
    assert x1["id"] == "x1" and x1["exports"] == {"test-thresholds": "controlled"}
    # a cell names its source; the response gives each source it cites once, in full
    assert x1["cells"]["bf16_dense_tflops"] == {
        "value": 989.5,
        "status": "value",
        "source": "acme-datasheet",
        "as_published": "1979 TFLOPS",
        "sparse_in_source": True,
    }
    assert x1["cells"]["tdp_w"] == {"value": None, "status": "unknown"}  # no entry in the data: nothing to cite
    assert body["sources"] == {
        "acme-datasheet": {
            "title": "Acme X1 Datasheet",
            "publisher": "Acme",
            "published": "2024-03-01",
            "url": "https://example.com/x1.pdf",
            "kind": "vendor-datasheet",
            "tier": 1,
            "read": "original",
            "read_via": None,
        }
    }
    assert {cell.get("source") for row in body["rows"] for cell in row["cells"].values()} - {None} == set(
        body["sources"]
    )
    assert x1["cells"]["tpp"]["value"] == 15832
    assert x1["cells"]["tpp"]["working"].startswith("1979 TFLOPS FP8 dense × 8 bits = 15,832")
    assert x1["cells"]["export"] == {"value": "controlled"}


def test_table_json_cells_keep_statuses_and_adjustments_with_their_source(client):
    body = client.get("/api/accelerators?columns=fp4_dense_tflops,fp64_tflops").json()
    x1, x2 = body["rows"]
    assert x1["cells"]["fp64_tflops"] == {
        "value": 33.5,
        "status": "value",
        "source": "acme-datasheet",
        "as_published": "268 TFLOPS",
        "board_gpus": 8,
    }
    assert x2["cells"]["fp4_dense_tflops"] == {
        "value": None,
        "status": "not-supported",
        "source": "acme-datasheet",
        "note": "The datasheet lists no FP4 rate.",
    }
    assert x2["cells"]["fp64_tflops"] == {"value": None, "status": "unknown"}
    assert list(body["sources"]) == ["acme-datasheet"]


def test_sort_puts_missing_values_last_in_both_directions(client):
    # x1 has FP64 (268 TFLOPS for a board of 8 → 33.5); x2 has none
    assert ids(client.get("/api/accelerators?sort=fp64_tflops")) == ["x1", "x2"]
    assert ids(client.get("/api/accelerators?sort=fp64_tflops&order=desc")) == ["x1", "x2"]
    assert ids(client.get("/api/accelerators?sort=tpp")) == ["x2", "x1"]
    assert ids(client.get("/api/accelerators?sort=tpp&order=desc")) == ["x1", "x2"]
    assert ids(client.get("/api/accelerators?sort=vendor&order=desc")) == ["x2", "x1"]
    html = client.get("/?sort=tpp&order=desc").text
    assert 'data-key="tpp" data-kind="derived" title=' in html
    assert 'aria-sort="descending"' in html and html.index('data-id="x1"') < html.index('data-id="x2"')


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("vendor=bravo", ["x2"]),
        ("vendor=Acme&vendor=Bravo", ["x1", "x2"]),
        ("architecture=Roadrunner", ["x1"]),
        ("form_factor=pcie", ["x2"]),
        ("china=yes", ["x2"]),
        ("china=no", ["x1"]),
        ("q=acme x1", ["x1"]),
        ("q=COYOTE", ["x2"]),
        ("q=nothing-like-this", []),
        ("export=controlled", ["x1"]),
        ("rule=test-thresholds&export=indeterminate", ["x2"]),
        ("vendor=&china=&q=&baseline=", ["x1", "x2"]),  # an HTML form's empty fields mean no filter
    ],
)
def test_filters(client, query, expected):
    assert ids(client.get(f"/api/accelerators?{query}")) == expected
    html = client.get(f"/?{query}").text
    assert [m for m in re.findall(r'<tr data-id="([^"]+)"', html)] == expected


def test_filter_echoes_the_data_spelling_and_the_permalink(client):
    body = client.get("/api/accelerators?vendor=bravo&sort=tpp&order=desc&columns=tpp,vendor").json()
    assert body["parameters"] == {"sort": "tpp", "order": "desc", "columns": "vendor,tpp", "vendor": "Bravo"}
    html = client.get("/?vendor=bravo&sort=tpp&order=desc&columns=tpp,vendor").text
    assert '<input type="checkbox" name="vendor" value="Bravo" checked>' in html
    assert (
        'href="/download/table?format=csv&amp;sort=tpp&amp;order=desc&amp;columns=vendor%2Ctpp&amp;vendor=Bravo"'
        in html
    )


def test_columns_choose_what_shows(client):
    body = client.get("/api/accelerators?columns=tpp&columns=memory_type,vendor").json()
    assert [c["key"] for c in body["columns"]] == ["vendor", "memory_type", "tpp"]
    assert body["rows"][0]["cells"]["memory_type"]["value"] == "HBM3e"


def test_baseline_adds_ratios_with_a_colour_class(client):
    body = client.get("/api/accelerators?baseline=X2&columns=tpp,fp4_dense_tflops").json()
    assert body["baseline"] == {"id": "x2", "name": "X2 PCIe"}
    x1, x2 = body["rows"]
    assert round(x1["cells"]["tpp"]["ratio"], 2) == 6.69
    assert x1["cells"]["tpp"]["ratio_class"] == "r-good3"  # 6.69×, and more TPP is better: dark green
    assert x2["cells"]["tpp"]["ratio"] == 1.0 and x2["cells"]["tpp"]["ratio_class"] == "r-0"
    assert x2["cells"]["fp4_dense_tflops"]["status"] == "not-supported"
    assert x2["cells"]["fp4_dense_tflops"]["ratio"] is None
    html = client.get("/?baseline=x2&columns=tpp").text
    assert '<span class="ratio r-good3">6.69×</span>' in html
    assert '<p class="legend" id="ratio-legend">Ratios: <span class="ratio r-good2">green</span>' in html
    assert '<tr data-id="x2"' in html and 'class="baseline"' in html
    assert "ratios to\n  <strong>X2 PCIe</strong>" in html


def test_paging(client):
    body = client.get("/api/accelerators?limit=1").json()
    assert ids_of(body) == ["x1"] and body["next_offset"] == 1 and body["previous_offset"] is None
    body = client.get("/api/accelerators?limit=1&offset=1").json()
    assert ids_of(body) == ["x2"] and body["next_offset"] is None and body["previous_offset"] == 0
    html = client.get("/?limit=1").text
    assert '<a rel="next" href="/?limit=1&amp;offset=1">next 1 →</a>' in html


def ids_of(body) -> list[str]:
    return [row["id"] for row in body["rows"]]


# ----------------------------------------------------------------------------------------- parameter errors

ALL_COLUMNS = (
    "name, vendor, architecture, form_factor, china_specific, availability, fp64_tflops, fp64_tensor_tflops, "
    "fp32_tflops, "
    "tf32_dense_tflops, bf16_dense_tflops, fp16_dense_tflops, fp8_dense_tflops, int8_dense_tops, fp4_dense_tflops, "
    "memory_capacity_gb, memory_bandwidth_tbs, memory_type, interconnect_bandwidth_gbs, pcie_generation, "
    "pcie_bandwidth_gbs, tdp_w, compute_units, die_count, die_area_mm2, transistors_billion, process_node, "
    "launch_date, launch_price_usd, tpp, performance_density, bf16_gflops_per_w, bf16_tflops_per_kusd, "
    "ridge_point_bf16, bytes_per_flop_bf16, memory_sweep_ms, h100_equivalents, export"
)
TABLE_ERRORS = [
    ("sort=bogus", 400, "sort", f"parameter 'sort': unknown column 'bogus'; allowed values: id, {ALL_COLUMNS}"),
    ("order=up", 400, "order", "parameter 'order': unknown value 'up'; allowed values: asc, desc"),
    ("columns=tppp", 400, "columns", f"parameter 'columns': unknown column 'tppp'; allowed values: {ALL_COLUMNS}"),
    ("vendor=Zeta", 400, "vendor", "parameter 'vendor': unknown value 'Zeta'; allowed values: Acme, Bravo"),
    (
        "architecture=Hopper",
        400,
        "architecture",
        "parameter 'architecture': unknown value 'Hopper'; allowed values: Coyote, Roadrunner",
    ),
    ("form_factor=OAM", 400, "form_factor", "parameter 'form_factor': unknown value 'OAM'; allowed values: PCIe, SXM5"),
    ("rule=nope", 400, "rule", "parameter 'rule': unknown rule 'nope'; allowed values: test-thresholds"),
    (
        "export=maybe",
        400,
        "export",
        "parameter 'export': unknown outcome 'maybe'; allowed values: controlled, not-controlled, indeterminate, "
        "named, not-named, inside, outside",
    ),
    ("china=maybe", 400, "china", "parameter 'china': unknown value 'maybe'; allowed values: yes, no"),
    ("limit=0", 400, "limit", "parameter 'limit': 0 is outside 1..1000"),
    ("limit=10000", 400, "limit", "parameter 'limit': 10000 is outside 1..1000"),
    ("limit=abc", 400, "limit", "parameter 'limit': 'abc' is not a whole number"),
    ("offset=-1", 400, "offset", "parameter 'offset': -1 is outside 0..1000000000"),
    ("sort=tpp&sort=name", 400, "sort", "parameter 'sort' given 2 times; give it once"),
    (
        "sortby=tpp",
        400,
        "sortby",
        "unknown parameter 'sortby'; allowed parameters: sort, order, columns, vendor, architecture, form_factor, "
        "rule, export, china, q, baseline, limit, offset",
    ),
    (
        "baseline=x9",
        404,
        "baseline",
        "parameter 'baseline': unknown accelerator 'x9'; run 'gpudb list' to see the accelerators",
    ),
    ("baseline=x", 404, "baseline", "parameter 'baseline': ambiguous accelerator 'x': it could be 'x1', 'x2'"),
]


@pytest.mark.parametrize(("query", "status", "parameter", "message"), TABLE_ERRORS)
def test_table_parameter_errors(client, query, status, parameter, message):
    response = client.get(f"/api/accelerators?{query}")
    assert response.status_code == status
    body = response.json()
    assert body["message"] == message
    assert body["parameter"] == parameter
    assert body["ok"] is False and body["status"] == status
    page = client.get(f"/?{query}")  # the HTML twin fails the same way, as a page
    assert page.status_code == status
    assert page.headers["content-type"] == "text/html; charset=utf-8"
    assert '<p class="error-message" role="alert">' in page.text
    download = client.get(f"/download/table?format=csv&{query}")
    assert (download.status_code, download.json()["message"]) == (status, message)


def test_error_shape_is_one_for_every_error(client):
    assert client.get("/api/accelerators?vendor=Zeta").json() == {
        "ok": False,
        "status": 400,
        "error": "bad-parameter",
        "title": "Bad request",
        "message": "parameter 'vendor': unknown value 'Zeta'; allowed values: Acme, Bravo",
        "parameter": "vendor",
        "allowed": ["Acme", "Bravo"],
    }
    assert client.get("/api/accelerators/x9").json() == {
        "ok": False,
        "status": 404,
        "error": "not-found",
        "title": "Not found",
        "message": "unknown accelerator 'x9'; run 'gpudb list' to see the accelerators",
        "parameter": None,
        "allowed": [],
    }
    assert client.get("/api/nope").json() == {
        "ok": False,
        "status": 404,
        "error": "not-found",
        "title": "Not found",
        "message": "no page at /api/nope",
        "parameter": None,
        "allowed": [],
    }
    posted = client.post("/api/accelerators")
    assert posted.status_code == 405 and posted.headers["allow"] == "GET, HEAD"
    assert posted.json()["message"] == "POST is not allowed; this app is read-only"
    assert client.delete("/").status_code == 405
    assert client.get("/nope").status_code == 404
    assert "no page at /nope" in client.get("/nope").text


def test_head_answers_every_route_as_get_does_without_a_body(client):
    # docs/web.md: every route answers GET and HEAD; HEAD gives GET's status and headers, no body
    # (the length of the body as sent: gzipped when the client accepts it, as TestClient does)
    assert client.head("/").headers["content-length"] == client.get("/").headers["content-length"]
    paths = ("/", "/accelerators/x1", "/compare?ids=x1,x2", "/api/accelerators", "/download/table?format=csv", "/nope")
    for path in paths:
        got, head = client.get(path), client.head(path)
        assert (head.status_code, head.content) == (got.status_code, b""), path
        assert head.headers["content-type"] == got.headers["content-type"], path
        assert head.headers.get("content-length") == got.headers.get("content-length"), path  # none when streamed
        assert head.headers["x-frame-options"] == "DENY", path


@pytest.mark.parametrize(
    ("url", "status", "message"),
    [
        ("/api/compare", 400, "parameter 'ids' is required: the chips to compare, e.g. ids=h200,h20"),
        (
            "/api/compare?ids=x1,x9",
            404,
            "parameter 'ids': unknown accelerator 'x9'; run 'gpudb list' to see the accelerators",
        ),
        (
            "/api/compare?ids=x1&baseline=x2",
            400,
            "parameter 'baseline': 'x2' is not among the chips compared; allowed values: x1",
        ),
        # only separators: schemathesis found it answered 200 with no chips
        (
            "/api/compare?ids=%E2%80%81%2C%E3%80%80",
            400,
            "parameter 'ids' is required: the chips to compare, e.g. ids=h200,h20",
        ),
        (
            "/api/compare?ids=x1,x2&bogus=1",
            400,
            "unknown parameter 'bogus'; allowed parameters: ids, baseline, metrics",
        ),
        (
            "/api/claims?verdict=maybe",
            400,
            "parameter 'verdict': unknown value 'maybe'; allowed values: matches, roughly, does-not-match, "
            "not-checkable",
        ),
        ("/api/accelerators/x1?foo=1", 400, "unknown parameter 'foo'; this page takes no parameters"),
        (
            "/api/accelerators/x1/export-status?rule=nope",
            400,
            "parameter 'rule': unknown rule 'nope'; allowed values: test-thresholds",
        ),
        ("/download/table", 400, "parameter 'format' is required; allowed values: csv, json"),
        ("/download/table?format=xml", 400, "parameter 'format': unknown format 'xml'; allowed values: csv, json"),
        (
            "/download/database?format=csv&table=nope",
            400,
            "parameter 'table': unknown table 'nope'; allowed values: accelerators, values, sources, rules, claims, "
            "measurements, prices, systems, system_totals, dictionary",
        ),
        ("/download/database?format=json&x=1", 400, "unknown parameter 'x'; allowed parameters: format, table"),
    ],
)
def test_other_parameter_errors(client, url, status, message):
    response = client.get(url)
    assert (response.status_code, response.json()["message"]) == (status, message)


@pytest.mark.parametrize(
    ("page", "twin"),
    [
        ("/accelerators/x1", "/api/accelerators/x1"),
        ("/plots", "/api/plots"),
        ("/systems", "/api/systems"),
        ("/api", "/api/metrics"),
    ],
)
def test_pages_that_take_no_parameters_refuse_one_as_their_json_twins_do(client, page, twin):
    # these pages used to ignore an unknown parameter while their JSON twins answered 400
    message = "unknown parameter 'foo'; this page takes no parameters"
    html, json_twin = client.get(page + "?foo=1"), client.get(twin + "?foo=1")
    assert (html.status_code, json_twin.status_code) == (400, 400)
    assert json_twin.json()["message"] == message
    assert "unknown parameter &#39;foo&#39;; this page takes no parameters" in html.text
    assert client.get(page).status_code == 200


def test_unknown_metric_in_compare_names_the_parameter(client):
    response = client.get("/api/compare?ids=x1,x2&metrics=tppp")
    assert response.status_code == 400
    assert response.json()["message"].startswith(
        "parameter 'metrics': unknown metric 'tppp'; did you mean 'tpp'? valid metrics: fp64_tflops, "
    )
    page = client.get("/compare?ids=x1,x9")
    assert page.status_code == 404 and "unknown accelerator &#39;x9&#39;" in page.text


def test_missing_database_is_a_503(tmp_path):
    client = TestClient(create_app(f"sqlite:///{tmp_path / 'none.sqlite'}"), raise_server_exceptions=False)
    response = client.get("/api/accelerators")
    assert response.status_code == 503
    assert response.json()["message"] == f"no database at {tmp_path / 'none.sqlite'}; run 'gpudb build' first"
    assert client.get("/").status_code == 503


# ------------------------------------------------------------------------------ detail, compare, claims, plots


def test_accelerator_page_shows_every_value_with_its_source(client):
    html = client.get("/accelerators/x1").text
    assert '<h1>X1 SXM <span class="muted">(x1)</span></h1>' in html
    assert '<tr id="m-bf16_dense_tflops" class="preferred">' in html
    assert '<a href="https://example.com/x1.pdf" rel="noopener noreferrer external">Acme X1 Datasheet</a>' in html
    assert "sparse, halved" in html and "board of 8, divided" in html
    assert '<tr id="d-tpp">' in html
    assert "1979 TFLOPS FP8 dense × 8 bits = 15,832" in html
    assert "T.a.1: TPP 15,832 &gt;= 4,800? yes" in html
    assert "The X1 has a TPP of 15,832." in html
    assert client.get("/accelerators/Acme X1").status_code == 200  # any name of the chip


def test_accelerator_json_twin(client):
    body = client.get("/api/accelerators/x1").json()
    assert list(body) == [
        "ok",
        "accelerator",
        "values",
        "derived",
        "export_status",
        "claims",
        "measurements",
        "prices",
        "plots",
    ]
    assert body["accelerator"]["id"] == "x1" and body["accelerator"]["aliases"] == ["Acme X1", "X1"]
    bf16 = next(v for v in body["values"] if v["metric"] == "bf16_dense_tflops")
    assert bf16["value"] == 989.5 and bf16["sparse_in_source"] is True
    assert bf16["source"]["url"] == "https://example.com/x1.pdf"
    tpp = next(d for d in body["derived"] if d["key"] == "tpp")
    assert tpp["value"] == 15832 and tpp["inputs"] == ["fp8_dense_tflops"]
    [status] = body["export_status"]
    assert (status["rule_id"], status["outcome"], status["paragraph"]) == ("test-thresholds", "controlled", "T.a.1")
    assert [c["id"] for c in body["claims"]] == ["test-x1-tpp"]
    assert body["claims"][0]["verdict"] == "matches"
    values = client.get("/api/accelerators/X1/values").json()
    assert values["accelerator"] == "x1" and len(values["values"]) == 8
    export = client.get("/api/accelerators/x2/export-status?rule=test-thresholds").json()
    assert export["export_status"][0]["outcome"] == "indeterminate"


def test_text_from_data_is_escaped(client):
    html = client.get("/accelerators/x2").text
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#39;x2&#39;)&lt;/script&gt; must show as text" in html
    assert "&lt;script&gt;alert(&#39;note&#39;)&lt;/script&gt;" in html
    assert client.get("/api/accelerators/x2").json()["accelerator"]["note"].startswith("<script>alert('x2')")
    assert "<script>alert" not in client.get("/?q=<script>alert(1)</script>").text


def test_compare_page_and_twin(client):
    body = client.get("/api/compare?ids=x1,x2").json()
    assert list(body) == ["ok", "chips", "baseline", "ratio_columns", "rows", "plots", "claims"]
    assert [c["id"] for c in body["claims"]] == ["test-x1-tpp"]  # a value claim about x1, one of the chips
    assert body["chips"] == [{"id": "x1", "name": "X1 SXM"}, {"id": "x2", "name": "X2 PCIe"}]
    assert body["baseline"] == "x2" and body["ratio_columns"] == ["x1/x2"]
    tpp = next(row for row in body["rows"] if row["metric"] == "tpp")
    assert (tpp["x1"], tpp["x2"], round(tpp["x1/x2"], 2)) == (15832, 2368, 6.69)
    fp4 = next(row for row in body["rows"] if row["metric"] == "fp4_dense_tflops")
    assert fp4["status"] == {"x1": "unknown", "x2": "not-supported"}
    flipped = client.get("/api/compare?ids=x1&ids=x2&baseline=X1").json()
    assert flipped["baseline"] == "x1" and flipped["ratio_columns"] == ["x2/x1"]
    html = client.get("/compare?ids=x1,x2").text
    assert '<span class="ratio r-good3">6.69×</span>' in html
    assert '<option value="x1" selected>X1 SXM</option>' in html
    chooser = client.get("/compare").text
    assert (
        "Pick two or more chips" in chooser
        and '<select id="ids" name="ids" multiple size="8" data-chosen="">' in chooser
    )


def test_compare_pickers_become_text_fields_above_the_limit(client, monkeypatch):
    from gpudb.web import page_data

    monkeypatch.setattr(page_data, "PICKER_CHIPS", 1)  # two chips in the fixture: over the limit
    html = client.get("/compare?ids=x1,x2").text
    assert "<option" not in html  # no chip listed: the page holds only the chips compared
    assert (
        '<input id="ids" name="ids" type="text" value="x1, x2" list="chip-names" data-names="/api/names" '
        'autocomplete="off" placeholder="e.g. H200, H20">'
    ) in html
    assert 'id="baseline" name="baseline" type="text" value="x2"' in html
    assert '<span class="ratio r-good3">6.69×</span>' in html  # the text fields submit names the server resolves
    by_name = client.get("/compare?ids=Acme+X1,+X2+PCIe").text
    assert '<span class="ratio r-good3">6.69×</span>' in by_name


def test_names_api_suggests_chips_by_any_name(client):
    # "x" is in every name of both chips; "acme" only in x1's alias "Acme X1"; x1's names start with "x" as x2's do
    assert client.get("/api/names?q=x").json() == {
        "ok": True,
        "names": [{"id": "x1", "name": "X1 SXM"}, {"id": "x2", "name": "X2 PCIe"}],
    }
    assert client.get("/api/names?q=ACME").json()["names"] == [{"id": "x1", "name": "X1 SXM"}]
    assert client.get("/api/names?q=pcie").json()["names"] == [{"id": "x2", "name": "X2 PCIe"}]
    missing = client.get("/api/names")
    assert missing.status_code == 400
    assert missing.json()["message"] == "parameter 'q' is required: part of a chip's name, e.g. q=h20"


def test_claims_page_and_twin(client):
    body = client.get("/api/claims").json()
    [claim] = body["claims"]
    assert claim["id"] == "test-x1-tpp" and claim["verdict"] == "matches"
    assert claim["metrics"] == [{"metric": "tpp", "label": "TPP", "figure": 15832.0}]
    assert claim["closest"] == {"metric": "tpp", "label": "TPP", "figure": 15832.0, "gap": 0.0}
    assert claim["verdict_line"] == "x1 exactly TPP 15,832; closest TPP 15,832, 0.0% → matches"
    assert client.get("/api/claims?verdict=does-not-match").json()["claims"] == []
    html = client.get("/claims").text
    assert (
        '<span class="verdict verdict-matches">matches</span>' in html
        and '<td data-label="Closest">TPP 15,832</td>' in html
    )


def test_plots_page_and_twin(client):
    assert client.get("/plots").status_code == 200
    body = client.get("/api/plots").json()
    assert body["ok"] is True and isinstance(body["plots"], list)


def test_metrics_rules_and_openapi(client):
    columns = client.get("/api/metrics").json()["columns"]
    tpp = next(column for column in columns if column["key"] == "tpp")
    assert columns[0]["key"] == "name" and (tpp["kind"], tpp["numeric"], tpp["label"]) == ("derived", True, "TPP")
    assert client.get("/api/rules").json()["rules"][0]["id"] == "test-thresholds"
    spec = client.get("/api/openapi.json").json()
    assert set(spec["paths"]) >= {
        "/api/accelerators",
        "/api/accelerators/{name}",
        "/api/accelerators/{name}/values",
        "/api/accelerators/{name}/export-status",
        "/api/compare",
        "/api/claims",
        "/download/table",
        "/download/database",
    }
    page = client.get("/api").text
    assert "<code>GET /api/compare</code>" in page


# ------------------------------------------------------------------------------------------------ downloads


def test_download_the_current_view(client):
    response = client.get("/download/table?format=csv&vendor=Acme&columns=tpp,memory_capacity_gb&baseline=x2")
    assert response.headers["content-disposition"] == 'attachment; filename="gpudb-table.csv"'
    header, row = list(csv.reader(io.StringIO(response.text)))
    # a downloaded file stands alone: each stored value with its source in full, each derived one with its working
    assert header == [
        "id",
        "name",
        "memory_capacity_gb",
        "memory_capacity_gb_source",
        "tpp",
        "tpp_working",
        "memory_capacity_gb/x2",
        "tpp/x2",
    ]
    assert row[:4] == [
        "x1",
        "X1 SXM",
        "141.0",
        "Acme X1 Datasheet — Acme, 2024-03-01 (vendor-datasheet; tier 1 vendor) https://example.com/x1.pdf",
    ]
    assert row[4] == "15832.0" and row[5].startswith("1979 TFLOPS FP8 dense × 8 bits = 15,832")
    assert row[6] == "1.46875"
    assert float(row[7]) == pytest.approx(15832 / 2368)  # 6.69×
    body = client.get("/download/table?format=json&china=yes&columns=export,bf16_dense_tflops").json()
    assert body == {
        "ok": True,
        "parameters": {"columns": "bf16_dense_tflops,export", "china": "yes"},
        "rule": "test-thresholds",
        "rows": [
            {
                "id": "x2",
                "name": "X2 PCIe",
                "bf16_dense_tflops": 148.0,
                "bf16_dense_tflops_source": "Acme X1 Datasheet — Acme, 2024-03-01 (vendor-datasheet; tier 1 vendor) "
                "https://example.com/x1.pdf",
                "export_test-thresholds": "indeterminate",
            }
        ],
    }
    sparse = client.get("/download/table?format=csv&columns=bf16_dense_tflops&q=x1").text
    assert list(csv.reader(io.StringIO(sparse)))[1] == [
        "x1",
        "X1 SXM",
        "989.5",
        "Acme X1 Datasheet — Acme, 2024-03-01 (vendor-datasheet; tier 1 vendor) https://example.com/x1.pdf; "
        "published as "
        "1979 TFLOPS with 2:4 sparsity, halved",
    ]


def test_download_streams_every_row_in_pieces(client, monkeypatch):
    from gpudb.web import table_view

    monkeypatch.setattr(table_view, "DOWNLOAD_ROWS", 1)  # two chips: two pieces, one header, one JSON document
    lines = client.get("/download/table?format=csv&columns=tpp&limit=1").text.splitlines()
    assert [line.split(",")[0] for line in lines] == ["id", "x1", "x2"]
    rows = client.get("/download/table?format=json&columns=tpp&offset=1").json()["rows"]
    assert [row["id"] for row in rows] == ["x1", "x2"]  # limit and offset page the API, never a download
    assert client.get("/download/table?format=json&q=nothing-like-this").json()["rows"] == []
    assert client.get("/download/table?format=csv&q=nothing-like-this").text == ""


def test_download_the_whole_database(client):
    body = client.get("/download/database?format=json").json()
    assert set(body) == {
        "ok",
        "accelerators",
        "values",
        "sources",
        "rules",
        "claims",
        "measurements",
        "prices",
        "systems",
        "system_totals",
        "dictionary",
    }
    assert len(body["values"]) == 13
    rows = list(csv.DictReader(io.StringIO(client.get("/download/database?format=csv&table=values").text)))
    assert len(rows) == 13 and rows[0]["source_url"]
    assert client.get("/download/database?format=csv").text.startswith("id,vendor,name,")


# -------------------------------------------------------------------------------------- security and assets

INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>")


@pytest.mark.parametrize(
    "url", ["/", "/accelerators/x1", "/compare?ids=x1,x2", "/claims", "/plots", "/api", "/api/accelerators", "/nope"]
)
def test_security_headers_and_no_inline_script(client, url):
    response = client.get(url)
    csp = response.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    if response.headers["content-type"].startswith("text/html"):
        assert not INLINE_SCRIPT.search(response.text)
    assert not re.search(r'(src|href)="(https?:)?//(?!example\.com)[^"]*\.(js|css)', response.text)


def test_assets_are_served_locally(client):
    plotly = client.get("/static/plotly.min.js")
    assert plotly.status_code == 200 and plotly.headers["content-type"].startswith("text/javascript")
    assert "plotly.js" in plotly.text[:500]
    for name in ("app.js", "plots.js", "style.css"):
        assert client.get(f"/static/{name}").status_code == 200
    assert "cdn" not in client.get("/static/app.js").text.lower()


# ------------------------------------------------------------------------------- rebuilds and the CLI commands


def test_a_rebuild_while_serving_loses_no_request(web_url, web_data):
    client = TestClient(create_app(web_url), raise_server_exceptions=False)
    done = threading.Event()
    failures: list[str] = []

    def rebuild():
        try:
            for _ in range(5):
                db.build(web_url, web_data)
        finally:
            done.set()

    thread = threading.Thread(target=rebuild)
    thread.start()
    answered = 0
    while not done.is_set() or answered < 20:
        for url in ("/api/accelerators?sort=tpp", "/", "/api/accelerators/x1"):
            response = client.get(url)
            answered += 1
            if response.status_code != 200:
                failures.append(f"{url}: {response.status_code} {response.text[:200]}")
    thread.join()
    assert failures == []
    assert answered >= 20


def test_a_rebuild_with_new_data_shows_at_once(web_url, web_data):
    client = TestClient(create_app(web_url))
    assert client.get("/api/accelerators?columns=tpp").json()["total"] == 2
    x4 = X2.replace("id: x2", "id: x4").replace("name: X2 PCIe", "name: X4 PCIe").replace("[X2]", "[X4]")
    (web_data / "accelerators" / "bravo" / "x4.yaml").write_text(x4)
    db.build(web_url, web_data)  # SQLite: a new file renamed over the old one, which the server notices
    assert client.get("/api/accelerators?columns=tpp").json()["total"] == 3
    assert "X4 PCIe" in client.get("/?columns=tpp").text


def test_site_command_writes_a_static_site(web_url, tmp_path):
    out = tmp_path / "public"
    result = CliRunner().invoke(cli_app, ["site", str(out), "--db", web_url])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("wrote ") and result.stdout.endswith(f" files to {out}\n")
    index = (out / "index.html").read_text()
    assert 'data-mode="static"' in index
    assert '<link rel="stylesheet" href="static/style.css">' not in index and "plotly" not in index
    assert re.findall(r'<tr data-id="([^"]+)"', index) == ["x1", "x2"]
    assert 'href="accelerators/x1.html#m-bf16_dense_tflops"' in index
    assert ' src="/' not in index and ' href="/' not in index  # relative links only: works from file://
    detail = (out / "accelerators" / "x2.html").read_text()
    assert "<script>alert" not in detail
    # every static file under a name that changes with its bytes (plotly.js: with plotly's version), so a host
    # may cache it for a year; each page links those names and each exists
    css = f"style.{hashlib.sha256(STATIC_DIR.joinpath('style.css').read_bytes()).hexdigest()[:10]}.css"
    assert f'<link rel="stylesheet" href="static/{css}">' in index
    assert f'<link rel="stylesheet" href="../static/{css}">' in detail
    assert (out / "static" / f"plotly.{plotly.__version__}.min.js").stat().st_size > 1_000_000
    assert sorted(p.name for p in (out / "static").iterdir()) == sorted(
        [css, f"plotly.{plotly.__version__}.min.js"]
        + [
            f"{n}.{hashlib.sha256(STATIC_DIR.joinpath(n + '.js').read_bytes()).hexdigest()[:10]}.js"
            for n in ("app", "plots")
        ]
    )
    for page in out.rglob("*.html"):
        text = page.read_text()
        for link in re.findall(r'(?:src|href)="((?:\.\./)*static/[^"]+)"', text):
            assert (page.parent / link).is_file(), (page, link)
            assert re.fullmatch(r"(\.\./)*static/[a-z]+\.[0-9a-f.]+\.(min\.)?(js|css)", link), link
    assert (
        (out / "claims.html").exists() and (out / "plots.html").exists() and (out / "compare" / "index.html").exists()
    )
    assert list((out / "compare").glob("*-vs-*.html")) == []  # the named pairs are not in the fixture data
    assert (out / "download" / "table.csv").read_text().startswith("id,name,vendor,")


def test_serve_builds_a_missing_database_then_runs_uvicorn(isolated_env, web_data, monkeypatch):
    import uvicorn

    monkeypatch.setenv("GPUDB_DATA_DIR", str(web_data))
    calls = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **options: calls.append((app, options)))
    result = CliRunner().invoke(cli_app, ["serve", "--port", "8123"])
    assert result.exit_code == 0, result.output
    assert result.stderr == f"no database at {isolated_env / 'default.sqlite'}; building it from {web_data}\n"
    [(app, options)] = calls
    assert options == {"host": "127.0.0.1", "port": 8123, "log_level": "info"}
    assert TestClient(app).get("/api/accelerators").json()["total"] == 2


def test_serve_reports_an_unreachable_database(isolated_env):
    result = CliRunner().invoke(cli_app, ["serve", "--db", "postgresql+psycopg://127.0.0.1:1/none"])
    assert result.exit_code == 4
    assert result.stderr.startswith("Error: cannot open postgresql+psycopg://127.0.0.1:1/none: ")


def test_table_commands_do_not_import_the_web_stack():
    code = "import sys, gpudb.cli; print(sorted(m for m in ('fastapi', 'plotly', 'jinja2') if m in sys.modules))"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "[]\n"


@pytest.mark.parametrize("path", ["/accelerators/h100-sxm", "/crosscheck", "/coverage"])
def test_missing_values_are_named_in_words_not_dashes(real_db, path):
    """A missing value reads 'unknown' (gpudb.formatting.STATUS_WORDS) as on every other page: the measured
    columns of a detail page (a published run without a best or spread), the cross-check's gpudb column, the
    coverage grid and its legend. An em dash inside a sentence is fine; one standing for a value is not."""
    html = TestClient(create_app(real_db)).get(path).text
    assert re.findall(r">\s*—\s*<", html) == []
    assert '<span class="status status-unknown">unknown</span>' in html
