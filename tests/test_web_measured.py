"""Measured beside published on the web detail page, in its JSON twin, in the `measured` plot, and in a browser."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from gpudb.errors import InvalidArgumentError
from gpudb.plots.frames import make_figure, standard_set
from gpudb.storage.build import build
from gpudb.web import create_app

ROOT = Path(__file__).parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "measurements" / "h100-sxm-2026-11-20-101500.yaml"
HOSTILE_HOST = '<script>alert("host")</script> rack 7'


@pytest.fixture
def measured_url(tmp_path: Path, database_url: str) -> str:
    """The real data plus the hand-written H100 run (its host text made hostile), built on each backend."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    document = yaml.safe_load(FIXTURE.read_text())
    document["environment"]["host"] = HOSTILE_HOST
    (data / "measurements").mkdir(exist_ok=True)
    (data / "measurements" / FIXTURE.name).write_text(yaml.safe_dump(document, sort_keys=False))
    build(database_url, data)
    return database_url


def test_the_detail_page_shows_each_run_beside_the_published_peaks(measured_url):
    client = TestClient(create_app(measured_url), raise_server_exceptions=False)
    page = client.get("/accelerators/h100-sxm")
    assert page.status_code == 200
    text = page.text
    assert '<h2 id="measured">Measured beside published</h2>' in text
    assert (
        "Measured by gpudb bench · 2026-11-20 · quick run" in text
        and "driver 570.86.15" in text
        and "PyTorch 2.13.0+cu128" in text
    )
    assert "75.3%" in text and "91.0%" in text and "50.0%" in text  # 745 ÷ 989.5, 3.05 ÷ 3.35, 990 ÷ 1,979
    assert "<strong>Limitation:</strong> torch._int_mm stays below the INT8 tensor-core peak; a lower bound" in text
    assert "Not measured: matmul-fp8 (not run in this illustration)" in text
    assert HOSTILE_HOST not in text and "&lt;script&gt;alert(&#34;host&#34;)&lt;/script&gt; rack 7" in text
    assert 'id="plot-measured"' in text
    twin = client.get("/api/accelerators/h100-sxm").json()
    run, mamf = twin["measurements"]  # the bench run (newest), then the MAMF table's H100 SXM row
    assert (mamf["kind"], mamf["measured_by"], mamf["source_id"]) == (
        "published",
        "Stas Bekman",
        "ml-engineering-mamf-table",
    )
    assert "Measured by Stas Bekman · 2025-01-05" in text and "80.3%" in text  # 794.5 ÷ 989.5
    bf16 = next(f for f in run["figures"] if f["name"] == "matmul-bf16")
    assert (bf16["median"], bf16["published"]) == (745.0, 989.5)
    assert bf16["efficiency"] == pytest.approx(745.0 / 989.5)
    assert run["environment"]["sm_count"] == 132


def test_a_chip_without_runs_has_no_measured_section(measured_url):
    client = TestClient(create_app(measured_url), raise_server_exceptions=False)
    page = client.get("/accelerators/l4")
    assert page.status_code == 200 and 'id="measured"' not in page.text
    assert client.get("/api/accelerators/l4").json()["measurements"] == []


def test_the_measured_plot_draws_shares_of_the_peak(measured_url):
    figure = make_figure("measured", ["H100"], url=measured_url)
    (bars,) = figure.data
    # the newest gpudb bench run, then what others published (data/measurements/published/mamf.yaml), each
    # labelled with who measured it
    assert list(bars.y) == [
        "BF16 dense: matmul-bf16 (gpudb bench)",
        "INT8 dense: matmul-int8 (gpudb bench)",
        "Memory bandwidth: copy (gpudb bench)",
        "Memory bandwidth: read (gpudb bench)",
        "BF16 dense: matmul-bf16 (Stas Bekman, 2025-01-05)",
        "FP8 dense: matmul-fp8 (Stas Bekman, 2025-01-05)",
    ]
    assert list(bars.x) == pytest.approx(
        [
            745 / 989.5 * 100,
            990 / 1979 * 100,
            2.95 / 3.35 * 100,
            3.05 / 3.35 * 100,
            794.5 / 989.5 * 100,
            1402.6 / 1979 * 100,
        ]
    )
    assert bars.text[0] == "75% · 745 / 989.5 TFLOPS"
    assert "NVIDIA H100 Tensor Core GPU" in bars.hovertext[0]
    assert "limitation: torch._int_mm" in bars.hovertext[1]
    assert "by Stas Bekman, 2025-01-05; in Machine Learning Engineering Open Book" in bars.hovertext[4]
    assert "measured" in [slug for slug, _, _ in standard_set(measured_url)]


def test_the_measured_plot_refuses_a_chip_without_runs(measured_url, real_db):
    with pytest.raises(InvalidArgumentError) as error:
        make_figure("measured", ["L4"], url=measured_url)
    assert str(error.value) == (
        "no measurements of l4 in the database; run gpudb bench on one, or add one others published "
        "(data/measurements/published/), then gpudb build"
    )
    # the real data has measurements others published, so the standard set draws the plot without a bench run
    assert "measured" in [slug for slug, _, _ in standard_set(real_db)]


@pytest.mark.browser
def test_the_measured_section_and_plot_in_a_browser(tmp_path, browser, serve):
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    (data / "measurements").mkdir(exist_ok=True)
    shutil.copy(FIXTURE, data / "measurements")
    url = f"sqlite:///{tmp_path / 'gpudb.sqlite'}"
    build(url, data)
    with serve(url) as base:
        for context_page in _page(browser):
            context_page.goto(f"{base}/accelerators/h100-sxm#measured")
            context_page.wait_for_selector("#plot-measured[data-drawn=true] .main-svg")
            row = context_page.inner_text("table.measured tbody tr:first-child")
            assert "matmul-bf16" in row and "75.3%" in row
            assert context_page.locator("#plot-measured .bars .point").count() == 6  # 4 of the run, 2 published


def _page(browser) -> Iterator:
    context = browser.new_context()
    errors: list[str] = []
    page = context.new_page()
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    yield page
    assert errors == []
    context.close()
