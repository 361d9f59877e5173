"""Figures: their data equals the database's values, the rule regions sit at the rule's numbers, missing values
are left out with a note (never 0), files are written, and bad arguments give one clear line.

The fixture: the minimal data plus tests/fixtures/several-values. x1: BF16 1,979 sparse → 989.5 dense, FP8 1,979
dense, 4.8 TB/s, 141 GB; x3: BF16 500 dense, 4.8 TB/s (preferred over 5.0), 141 GB, no FP8 (not supported). The
rule tests/fixtures/minimal/data/rules/test-thresholds.yaml has one paragraph.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from gpudb import figures, plots
from gpudb.cli import app
from gpudb.db import build
from gpudb.errors import InvalidArgumentError
from gpudb.plot_files import write_figure, write_standard_set

SEVERAL = Path(__file__).parent / "fixtures" / "several-values"
REAL_DATA = Path(__file__).parent.parent / "data"


@pytest.fixture
def built(minimal_data: Path, database_url: str) -> str:
    shutil.copytree(SEVERAL, minimal_data, dirs_exist_ok=True)
    build(database_url, minimal_data)
    return database_url


@pytest.fixture(scope="module")
def real_db(tmp_path_factory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('plots') / 'gpudb.sqlite'}"
    build(url, REAL_DATA)
    return url


def _point(figure, chip):
    for trace in figure.data:
        if trace.customdata is not None and chip in trace.customdata:
            index = list(trace.customdata).index(chip)
            return trace.x[index], trace.y[index]
    return None


def test_the_export_map_puts_the_h20_at_its_tpp_and_density(real_db):
    figure = figures.make_figure("export-map", url=real_db)
    tpp, density = _point(figure, "h20")
    assert tpp == 2368  # 296 TFLOPS FP8 dense × 8 bits
    assert density == pytest.approx(2368 / 814)  # ÷ 814 mm² GH100 die = 2.91
    shapes = {shape.name: (shape.x0, shape.x1, shape.y0, shape.y1) for shape in figure.layout.shapes}
    x_max = shapes["3A090.a.1"][1]
    # The October 2023 rule's numbers: a.1 TPP ≥ 4,800; a.2 TPP ≥ 1,600 and PD ≥ 5.92; b.1 2,400 ≤ TPP < 4,800 and
    # 1.6 ≤ PD < 5.92; b.2 TPP ≥ 1,600 and 3.2 ≤ PD < 5.92.
    assert shapes["3A090.a.1"][:3] == (4800, x_max, 0)
    assert shapes["3A090.a.2"][:3] == (1600, x_max, 5.92)
    assert shapes["3A090.b.1"] == (2400, 4800, 1.6, 5.92)
    assert shapes["3A090.b.2"][:2] == (1600, x_max) and shapes["3A090.b.2"][2:] == (3.2, 5.92)


def test_the_case_by_case_box_is_at_the_rules_numbers(real_db):
    figure = figures.make_figure("case-by-case", url=real_db)
    boxes = [(shape.x0, shape.x1, shape.y0, shape.y1) for shape in figure.layout.shapes]
    assert boxes == [(0, 21000, 0, 6500)]  # TPP < 21,000 with memory bandwidth < 6,500 GB/s
    assert _point(figure, "h200-sxm") == (15832, 4800)  # 1,979 × 8; 4.8 TB/s = 4,800 GB/s: inside
    assert _point(figure, "b200")[0] == 36000  # 4,500 × 8: outside


def test_ratio_bars_carry_the_compare_ratios(real_db):
    figure = figures.make_figure("ratio", ["H200", "H20"], url=real_db)
    (bars,) = figure.data
    by_label = dict(zip(bars.y, bars.x, strict=True))
    assert by_label["TPP"] == pytest.approx(15832 / 2368)  # 6.69×
    assert by_label["Memory bandwidth"] == pytest.approx(4.8 / 4.0)  # 1.2×
    assert figure.layout.xaxis.type == "log"
    assert [shape.x0 for shape in figure.layout.shapes] == [1]  # the 1× line


def test_the_roofline_ridge_points(built):
    figure = figures.make_figure("roofline", ["x1", "x3"], url=built)
    ridges = {
        trace.hovertext[0].split("</b>")[0][3:]: trace.x[0] for trace in figure.data if trace.mode == "markers+text"
    }
    assert ridges == {"X1 SXM": pytest.approx(989.5 / 4.8), "X3": pytest.approx(500 / 4.8)}  # TFLOP/s ÷ TB/s
    line = next(trace for trace in figure.data if trace.mode == "lines" and trace.name == "X3")
    assert max(line.y) == 500  # flat at the peak beyond the ridge


def test_a_chip_missing_a_metric_is_left_out_with_a_note(built):
    figure = figures.make_figure("roofline", ["x1", "x3"], metric="fp8_dense_tflops", url=built)
    assert [trace.name for trace in figure.data if trace.mode == "lines"] == ["X1 SXM"]
    notes = [annotation.text for annotation in figure.layout.annotations]
    assert "Left out, no FP8 dense: x3" in notes


def test_vendor_colours_are_stable_and_colour_blind_safe():
    assert plots.vendor_colour("NVIDIA") == "#009E73"
    assert plots.vendor_colour("Acme") == plots.vendor_colour("Acme") in plots._SPARE


def test_bad_kind_metric_and_baseline_give_one_clear_line(built):
    with pytest.raises(InvalidArgumentError) as error:
        figures.make_figure("pie", url=built)
    assert str(error.value) == (
        "unknown plot kind 'pie'; valid kinds: ratio, export-map, case-by-case, roofline, compute-bandwidth, "
        "timeline, profile"
    )
    with pytest.raises(InvalidArgumentError) as error:
        figures.make_figure("timeline", metric="tdp_w", url=built)
    assert str(error.value).startswith("unknown compute metric 'tdp_w'; valid metrics: fp64_tflops, ")
    with pytest.raises(InvalidArgumentError) as error:
        figures.make_figure("timeline", baseline="x1", url=built)
    assert str(error.value) == "--baseline applies to the ratio and profile plots, not to 'timeline'"


def test_the_plot_command_writes_files_and_reports_bad_input(built, tmp_path):
    runner = CliRunner()
    out = tmp_path / "ratio.html"
    result = runner.invoke(app, ["plot", "ratio", "x1", "x3", "--out", str(out), "--db", built])
    assert (result.exit_code, result.output) == (0, f"{out}\n")
    text = out.read_text()
    assert "<script>/**\n* plotly.js v" in text  # the library inlined; the browser test shows nothing is fetched
    result = runner.invoke(app, ["plot", "ratio", "x1", "x9", "--out", str(out), "--db", built])
    assert result.exit_code == 3
    assert result.output.startswith("Error: unknown accelerator 'x9'")
    result = runner.invoke(app, ["plot", "ratio", "x1", "x3", "--out", str(tmp_path / "r.pdf"), "--db", built])
    assert (result.exit_code, result.output) == (2, "Error: unknown output type '.pdf'; valid: .html, .png, .svg\n")
    result = runner.invoke(app, ["plot", "ratio", "--db", built])
    assert (result.exit_code, result.output) == (2, "Error: give a plot kind and --out FILE (or --all --out-dir DIR)\n")


def test_the_standard_set_and_its_index(real_db, tmp_path):
    written = write_standard_set(figures.standard_set(real_db), tmp_path)
    assert [path.name for path in written][-1] == "index.html"
    assert len(written) == 8
    assert 'href="export-map.html"' in (tmp_path / "index.html").read_text()


def test_svg_through_the_system_chromium(built, tmp_path):
    if not Path("/usr/bin/chromium").exists():
        pytest.fail("Debian's chromium is missing: the test set-up (scripts/ensure-chromium.sh) installs it")
    path = write_figure(figures.make_figure("ratio", ["x1", "x3"], url=built), tmp_path / "ratio.svg")
    assert path.read_text().startswith("<svg")


def test_ratio_hover_names_the_sources(real_db):
    figure = figures.make_figure("ratio", ["H200", "H20"], metric="memory_bandwidth_tbs", url=real_db)
    (hover,) = figure.data[0].hovertext
    assert "h200-sxm 4.8 TB/s vs h20 4 TB/s" in hover
    assert "<i>h20: NVIDIA's tweaked H20 AI GPU enters mass production" in hover  # the TweakTown report
