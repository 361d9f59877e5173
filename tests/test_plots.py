"""Figures: their data equals the database's values, the rule regions sit at the rule's numbers, a chip missing a
metric is left out with a note (never drawn at 0), vendor colours are one mapping, files are written, and bad
arguments give one clear line and the CLI's exit code.

The fixture (`built`, on SQLite and PostgreSQL): the minimal data, tests/fixtures/several-values, and x4 written
below. x1 (Acme): BF16 1,979 sparse → 989.5 dense, FP8 1,979 dense, 4.8 TB/s, 141 GB, launched 2024-03-18, no die
area; x3 (Acme): BF16 500 dense, 4.8 TB/s (preferred over 5.0), 141 GB, TDP 1,000 W, FP8 not supported; x4 (Zeta,
China-specific): BF16 148 dense, FP8 296 dense, 4 TB/s, 96 GB, 814 mm². The rule test-thresholds.yaml: T.a.1 TPP ≥
4,800; T.a.2 TPP ≥ 1,600 and performance density ≥ 5.92 (data-centre parts).
"""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from gpudb.cli import app
from gpudb.errors import DatabaseError, GpudbError, InvalidArgumentError, UnknownAcceleratorError
from gpudb.plots import figures as plots
from gpudb.plots import files as plot_files
from gpudb.plots import frames as figures
from gpudb.plots.style import OKABE_ITO
from gpudb.storage import query
from gpudb.storage.build import build

SEVERAL = Path(__file__).parent / "fixtures" / "several-values"
REAL_DATA = Path(__file__).parent.parent / "data"
X4 = """id: x4
vendor: Zeta
name: X4
architecture: Tiny
form_factor: OAM
data_center: true
china_specific: true
specs:
  bf16_dense_tflops: {value: 148 TFLOPS, sparsity: dense, source: acme-datasheet}
  fp8_dense_tflops: {value: 296 TFLOPS, sparsity: dense, source: acme-datasheet}
  memory_bandwidth_tbs: {value: 4 TB/s, source: acme-datasheet}
  memory_capacity_gb: {value: 96 GB, source: acme-datasheet}
  die_area_mm2: {value: 814 mm², source: acme-datasheet}
"""


@pytest.fixture
def built(several_data: Path, database_url: str) -> str:
    """The fixture chips x1, x3 and x4 in a database on each backend."""
    (several_data / "accelerators" / "zeta").mkdir()
    (several_data / "accelerators" / "zeta" / "x4.yaml").write_text(X4, encoding="utf-8")
    build(database_url, several_data)
    return database_url


def _point(figure, chip):
    """(x, y) of a chip's marker, found by its id in customdata."""
    for trace in figure.data:
        if trace.mode != "lines" and trace.customdata is not None and chip in list(trace.customdata):
            index = list(trace.customdata).index(chip)
            return trace.x[index], trace.y[index]
    return None


def _notes(figure) -> list[str]:
    return [line for a in figure.layout.annotations if a.name == "notes" for line in a.text.split("<br>")]


def _bars(figure) -> dict[str, dict[str, float]]:
    """trace name → {metric: ratio}, from customdata [metric, ratio]; the drawn bar is base + length."""
    found = {}
    for trace in figure.data:
        lengths = trace.x if trace.orientation == "h" else trace.y
        for (_, ratio), length in zip(trace.customdata, lengths, strict=True):
            assert trace.base + length == pytest.approx(ratio)  # drawn from the 1× line to the ratio
        found[trace.name] = {metric: ratio for metric, ratio in trace.customdata}
    return found


# ---------------------------------------------------------------------------------------------- the fixture data


def test_export_map_points_and_regions_at_the_rule_numbers(built):
    figure = figures.make_figure("export-map", url=built)
    assert _point(figure, "x4") == (2368, pytest.approx(2368 / 814))  # 296 TFLOPS FP8 × 8 bits; ÷ 814 mm² = 2.909
    shapes = {shape.name: shape for shape in figure.layout.shapes}
    x_low, x_high = (10**edge for edge in figure.layout.xaxis.range)  # a log axis's range is in log10
    y_top = figure.layout.yaxis.range[1]
    a1, a2 = shapes["T.a.1"], shapes["T.a.2"]
    assert (a1.x0, a1.x1, a1.y0, a1.y1) == (4800, pytest.approx(x_high), 0, y_top)  # T.a.1: TPP ≥ 4,800, any PD
    assert (a2.x0, a2.x1, a2.y0, a2.y1) == (1600, pytest.approx(x_high), 5.92, y_top)  # TPP ≥ 1,600, PD ≥ 5.92
    assert x_low < 1600 and figure.layout.xaxis.type == "log"
    assert [a2.label.text, a1.label.text] == ["T.a.2*", "T.a.1"]  # * = data-centre parts only
    assert _notes(figure) == [
        "Left out, no Performance density: X1 SXM, X3",  # no die area, so no density: not drawn at 0
        "* applies only to parts designed or marketed for data centres; others only under T.a.1",
    ]
    assert figure.layout.xaxis.title.text == "TPP (dense TOPS × bit length, log)"
    assert figure.layout.yaxis.title.text == "Performance density (per mm²)"


def test_export_map_on_bandwidth_has_no_box_without_a_case_by_case_rule(built):
    figure = figures.make_figure("export-map", metric="memory_bandwidth_gbs", url=built)
    assert [shape.name for shape in figure.layout.shapes] == ["T.a.1"]  # the only paragraph on TPP alone
    assert _point(figure, "x1") == (15832, 4800)  # 989.5 × 16 = 1,979 × 8 = 15,832; 4.8 TB/s = 4,800 GB/s
    assert figure.layout.yaxis.title.text == "Memory bandwidth (GB/s)"


def test_ratio_bars_carry_the_comparison_and_name_what_is_missing(built):
    figure = figures.make_figure("ratio", ["x1", "x3"], url=built)
    (bars,) = figure.data
    ratios = _bars(figure)["X1 SXM ÷ X3"]
    assert ratios["bf16_dense_tflops"] == pytest.approx(989.5 / 500)  # 1.979×
    assert ratios["memory_bandwidth_tbs"] == 1.0  # 4.8 ÷ 4.8
    assert "fp8_dense_tflops" not in ratios and "tdp_w" not in ratios  # never a bar at 0
    assert _notes(figure) == [
        # in the order of the metrics: the headline ones first, FP64 last
        "Left out, X3 has no FP8 dense (not supported)",  # the status stored in the data says why
        "Left out, X1 SXM has no TDP, BF16 per watt (unknown)",
        "Left out, X3 has no FP64 (unknown)",
    ]
    assert figure.layout.xaxis.type == "log"
    assert [(shape.x0, shape.x1) for shape in figure.layout.shapes] == [(1, 1)]  # the 1× line
    assert [button.label for button in figure.layout.updatemenus[0].buttons] == ["log", "linear"]
    assert figure.layout.xaxis.title.text == "ratio to X3 (×)"


def test_ratio_metrics_chosen_and_the_baseline_joins_the_chips(built):
    figure = figures.make_figure("ratio", ["x1"], baseline="x4", metric="tpp,memory_capacity_gb", url=built)
    assert _bars(figure) == {"X1 SXM ÷ X4": {"tpp": pytest.approx(15832 / 2368), "memory_capacity_gb": 141 / 96}}


def test_a_lone_chip_with_no_partner_cannot_be_compared(built):
    with pytest.raises(InvalidArgumentError) as error:
        figures.make_figure("profile", ["x1"], url=built)  # no H20 or H100 SXM in the fixture to compare with
    assert str(error.value) == "a profile plot needs two or more chips; name them"


def test_an_empty_database_has_no_figures(tmp_path, database_url):
    data = tmp_path / "empty"
    for folder in ("accelerators", "sources", "rules"):
        (data / folder).mkdir(parents=True)
    (data / "claims.yaml").write_text("[]\n", encoding="utf-8")
    build(database_url, data, force=True)  # force: the PostgreSQL test database may hold an earlier test's chips
    assert figures.standard_set(database_url) == []
    with pytest.raises(DatabaseError) as error:
        figures.make_figure("timeline", url=database_url)
    assert str(error.value) == "the database has no accelerators to plot; add files under data/ and run gpudb build"


def test_profile_normalises_to_the_baseline(built):
    figure = figures.make_figure("profile", ["x1", "x3", "x4"], baseline="x4", url=built)
    ratios = _bars(figure)
    assert list(ratios) == ["X1 SXM", "X3"]  # the baseline is the 1× line, not bars
    assert ratios["X3"]["bf16_dense_tflops"] == pytest.approx(500 / 148)  # 3.38×
    assert ratios["X1 SXM"]["memory_bandwidth_tbs"] == pytest.approx(4.8 / 4)  # 1.2×
    x3 = next(trace for trace in figure.data if trace.name == "X3")
    hover = x3.hovertext[[metric for metric, _ in x3.customdata].index("bf16_dense_tflops")]
    assert hover == (
        "<b>BF16 dense</b>: 3.38× X4<br>X3: 500 TFLOPS<br>  <i>Acme X1 Datasheet</i><br>X4: 148 TFLOPS<br>"
        "  <i>Acme X1 Datasheet</i>"
    )
    assert figure.layout.yaxis.type == "log"
    assert [(shape.y0, shape.y1) for shape in figure.layout.shapes] == [(1, 1)]


def test_roofline_ridge_points(built):
    figure = figures.make_figure("roofline", ["x1", "x3"], url=built)
    ridges = {trace.customdata[0]: (trace.x[0], trace.y[0]) for trace in figure.data if trace.mode == "markers+text"}
    assert ridges == {"x1": (pytest.approx(989.5 / 4.8), 989.5), "x3": (pytest.approx(500 / 4.8), 500)}  # 206, 104
    line = next(trace for trace in figure.data if trace.mode == "lines" and trace.name == "X3")
    assert line.y[1:] == (500, 500)  # flat at the peak from the ridge point on
    assert line.y[0] == pytest.approx(line.x[0] * 4.8)  # below it, intensity × 4.8 TB/s
    assert figure.layout.yaxis.title.text == "attainable BF16 dense (TFLOPS, log)"


def test_a_chip_missing_a_metric_is_left_out_with_a_note(built):
    figure = figures.make_figure("roofline", ["x1", "x3"], metric="fp8_dense_tflops", url=built)
    assert [trace.name for trace in figure.data if trace.mode == "lines"] == ["X1 SXM"]
    assert _notes(figure) == ["Left out, no FP8 dense: X3"]
    timeline = figures.make_figure("timeline", url=built)
    assert [_point(timeline, chip) for chip in ("x1", "x3", "x4")][1:] == [None, None]
    assert _notes(timeline) == ["Left out, no Launch: X3, X4"]


def test_compute_bandwidth_bubbles_and_hover(built):
    figure = figures.make_figure("compute-bandwidth", url=built)
    assert _point(figure, "x4") == (4, 148)  # TB/s, TFLOPS
    acme = next(trace for trace in figure.data if trace.name == "Acme")
    assert list(acme.marker.size) == [141, 141]  # bubble area: memory capacity in GB
    hover = acme.hovertext[0]
    assert "<b>X1 SXM</b> (x1)" in hover and "Memory bandwidth: 4.8 TB/s<br>  <i>Acme X1 Datasheet</i>" in hover
    assert list(next(t for t in figure.data if t.name == "Zeta").marker.symbol) == ["diamond"]  # China-specific


def test_one_colour_per_vendor_in_every_figure(built):
    # Acme and Zeta are not in VENDOR_COLOURS: sorted by name they take the next colours, sky blue then black.
    assert plots.vendor_colours(["Zeta", "NVIDIA", "Acme"]) == {
        "Acme": "#56B4E9",
        "NVIDIA": "#009E73",
        "Zeta": "#000000",
    }
    assert plots.vendor_colours(["nvidia"]) == {"nvidia": "#009E73"}
    assert set(plots.VENDOR_COLOURS.values()) <= set(OKABE_ITO)
    scatter = figures.make_figure("compute-bandwidth", url=built)
    assert {trace.name: trace.marker.color for trace in scatter.data} == {"Acme": "#56B4E9", "Zeta": "#000000"}
    ratio = figures.make_figure("ratio", ["x4", "x1", "x3"], url=built)
    assert {trace.name: trace.marker.color for trace in ratio.data} == {"X4 ÷ X3": "#000000", "X1 SXM ÷ X3": "#56B4E9"}
    roofline = figures.make_figure("roofline", ["x1", "x3"], url=built)
    dashes = [trace.line.dash for trace in roofline.data if trace.mode == "lines"]
    assert dashes == ["solid", "dash"]  # two chips of one vendor: one colour, told apart by dash


def test_bad_kind_metric_and_baseline_give_one_clear_line(built):
    cases = [
        (dict(kind="pie"), "unknown plot kind 'pie'; valid kinds: " + ", ".join(plots.KINDS)),
        (
            dict(kind="export-map", metric="tdp_w"),
            "unknown export-map metric 'tdp_w'; valid metrics: performance_density, memory_bandwidth_gbs",
        ),
        (dict(kind="timeline", baseline="x1"), "--baseline applies to the ratio and profile plots, not to 'timeline'"),
    ]
    for arguments, message in cases:
        with pytest.raises(InvalidArgumentError) as error:
            figures.make_figure(url=built, **arguments)
        assert str(error.value) == message
    with pytest.raises(InvalidArgumentError) as error:
        figures.make_figure("timeline", metric="tdp_w", url=built)
    assert str(error.value).startswith("unknown compute metric 'tdp_w'; valid metrics: fp64_tflops, fp64_tensor")
    with pytest.raises(InvalidArgumentError) as error:
        figures.make_figure("ratio", ["x1", "x3"], metric="bf16_tflops", url=built)
    assert str(error.value).startswith("unknown metric 'bf16_tflops'; did you mean 'bf16_dense_tflops'? valid metrics:")
    with pytest.raises(UnknownAcceleratorError):
        figures.make_figure("roofline", ["x9"], url=built)


def test_the_plot_command_writes_files_and_reports_bad_input(built, tmp_path):
    runner = CliRunner()
    out = tmp_path / "ratio.html"
    result = runner.invoke(app, ["plot", "ratio", "x1", "x3", "--out", str(out), "--db", built])
    assert (result.exit_code, result.output) == (0, f"{out}\n")
    text = out.read_text()
    assert "<script>/**\n* plotly.js v" in text  # the library inlined
    assert "<script src=" not in text and '<link rel="stylesheet"' not in text  # nothing to fetch
    failures = [
        (["ratio", "x1", "x9"], 3, "Error: unknown accelerator 'x9'"),
        (
            ["pie"],
            2,
            "Error: unknown plot kind 'pie'; valid kinds: ratio, export-map, roofline, compute-bandwidth, "
            "timeline, profile, measured, price-performance, claim\n",
        ),
        (["claim"], 2, "Error: a claim plot needs --id CLAIM_ID; valid claims: "),
        (["claim", "--id", "nope"], 2, "Error: unknown claim 'nope'; valid claims: "),
        (["claim", "x1", "--id", "nope"], 2, "Error: a claim plot takes --id CLAIM_ID alone: the claim names"),
        (["ratio", "x1", "x3", "--id", "c"], 2, "Error: --id names a claim, for the claim plot, not for 'ratio'\n"),
        (["roofline", "--metric", "watts"], 2, "Error: unknown compute metric 'watts'; valid metrics: fp64_tflops"),
        (["timeline", "-b", "x1"], 2, "Error: --baseline applies to the ratio and profile plots, not to 'timeline'\n"),
    ]
    for arguments, code, message in failures:
        result = runner.invoke(app, ["plot", *arguments, "--out", str(out), "--db", built])
        assert (result.exit_code, result.output[: len(message)]) == (code, message)
    result = runner.invoke(app, ["plot", "ratio", "x1", "x3", "--out", str(tmp_path / "r.pdf"), "--db", built])
    assert (result.exit_code, result.output) == (2, "Error: unknown output type '.pdf'; valid: .html, .png, .svg\n")
    result = runner.invoke(app, ["plot", "ratio", "--db", built])
    assert (result.exit_code, result.output) == (2, "Error: give a plot kind and --out FILE (or --all --out-dir DIR)\n")


def test_the_plot_command_writes_the_standard_set(built, tmp_path):
    result = CliRunner().invoke(app, ["plot", "--all", "--out-dir", str(tmp_path / "figures"), "--db", built])
    assert result.exit_code == 0
    written = [Path(line).name for line in result.output.splitlines()]
    # no H200 or H20 in the fixture: the ratio and profile fall back to the first chips; no case-by-case rule
    assert written == [
        "ratio-h200-h20.html",
        "export-map.html",
        "export-map-bandwidth.html",
        "roofline.html",
        "compute-bandwidth.html",
        "timeline.html",
        "profile.html",
        "price-performance.html",  # the fixture's x1 has a list and a street price
        "plotly.min.js",  # one copy beside the files, not 4.8 MB inside each
        "index.html",
    ]
    index = (tmp_path / "figures" / "index.html").read_text()
    assert index.count("<li><a href=") == 8 and '<a href="roofline.html">' in index


# ---------------------------------------------------------------------------------------------- images


def test_png_and_svg_through_the_system_chromium(real_db, tmp_path):
    if not Path(plot_files.CHROMIUM).exists():
        pytest.fail("Debian's chromium is missing: apt-get install chromium")
    figure = figures.make_figure("ratio", ["H200", "H20"], url=real_db)
    svg = plot_files.write_figure(figure, tmp_path / "ratio.svg")
    assert svg.read_text().startswith("<svg") and "H200 SXM ÷ H20" in svg.read_text()
    png = plot_files.write_figure(figure, tmp_path / "ratio.png")
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_no_browser_says_how_to_get_one(built, tmp_path, monkeypatch):
    figure = figures.make_figure("ratio", ["x1", "x3"], url=built)
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-chromium"))
    with pytest.raises(GpudbError) as error:
        plot_files.write_figure(figure, tmp_path / "ratio.png")
    assert str(error.value) == (
        f"writing PNG needs Chromium, and BROWSER_PATH='{tmp_path / 'no-chromium'}' is not an executable: install it "
        "(Debian/Ubuntu: apt-get install chromium) or set BROWSER_PATH to a Chrome/Chromium binary"
    )
    monkeypatch.delenv("BROWSER_PATH")
    monkeypatch.setattr(plot_files, "CHROMIUM", str(tmp_path / "chromium"))
    monkeypatch.setenv("PATH", str(tmp_path))
    result = CliRunner().invoke(app, ["plot", "ratio", "x1", "x3", "--out", str(tmp_path / "r.svg"), "--db", built])
    assert result.exit_code == 1
    assert result.output.startswith("Error: writing SVG needs Chromium, and none was found")
    assert "apt-get install chromium" in result.output and not (tmp_path / "r.svg").exists()


# ---------------------------------------------------------------------------------------------- the real data


def test_the_export_map_puts_the_h20_at_its_tpp_and_density(real_db):
    figure = figures.make_figure("export-map", url=real_db)
    assert _point(figure, "h20") == (2368, pytest.approx(2368 / 814))  # 296 TFLOPS FP8 × 8; ÷ 814 mm² GH100 = 2.91
    shapes = {shape.name: shape for shape in figure.layout.shapes}
    x_high = 10 ** figure.layout.xaxis.range[1]
    # The October 2023 rule's numbers: a.1 TPP ≥ 4,800; a.2 TPP ≥ 1,600 and PD ≥ 5.92; b.1 2,400 ≤ TPP < 4,800 and
    # 1.6 ≤ PD < 5.92; b.2 TPP ≥ 1,600 and 3.2 ≤ PD < 5.92.
    edges = {name: (s.x0, s.x1, s.y0, s.y1) for name, s in shapes.items()}
    assert edges["3A090.a.1"][:3] == (4800, pytest.approx(x_high), 0)
    assert edges["3A090.a.2"][:3] == (1600, pytest.approx(x_high), 5.92)
    assert edges["3A090.b.1"] == (2400, 4800, 1.6, 5.92)
    assert edges["3A090.b.2"] == (1600, pytest.approx(x_high), 3.2, 5.92)
    assert {a.text for a in figure.layout.annotations if a.name == "not controlled"} == {"not controlled"}
    hover = _hover(figure, "h20")
    assert "TPP: 2,368" in hover and "296 TFLOPS FP8 dense × 8 bits = 2,368" in hover  # the working as its source


def _hover(figure, chip):
    for trace in figure.data:
        if trace.customdata is not None and chip in list(trace.customdata):
            return trace.hovertext[list(trace.customdata).index(chip)]
    raise AssertionError(chip)


def test_the_case_by_case_box_is_at_the_rules_numbers(real_db):
    figure = figures.make_figure("export-map", metric="memory_bandwidth_gbs", url=real_db)
    box = next(shape for shape in figure.layout.shapes if shape.name == "case-by-case")
    x_low = 10 ** figure.layout.xaxis.range[0]
    assert (box.x0, box.x1, box.y0, box.y1) == (pytest.approx(x_low), 21000, 0, 6500)  # TPP < 21,000, < 6,500 GB/s
    assert _point(figure, "h200-sxm") == (15832, 4800)  # 1,979 × 8; 4.8 TB/s = 4,800 GB/s: inside
    assert _point(figure, "b200")[0] == 36000  # 4,500 × 8: outside


def test_h200_against_h20(real_db):
    figure = figures.make_figure("ratio", ["H200", "H20"], url=real_db)
    ratios = _bars(figure)["H200 SXM ÷ H20"]
    assert ratios["tpp"] == pytest.approx(15832 / 2368)  # 6.69× compute
    assert ratios["memory_bandwidth_tbs"] == pytest.approx(4.8 / 4.0)  # next to 1.2× bandwidth
    (trace,) = figure.data
    hover = trace.hovertext[[metric for metric, _ in trace.customdata].index("memory_bandwidth_tbs")]
    assert "H200 SXM: 4.8 TB/s" in hover and "H20: 4 TB/s" in hover
    # the H20's bandwidth now comes from reputable press (The Register) rather than the TweakTown trade report
    assert "<i>Nvidia's China-market H20 chips hit another speed bump — The Register</i>" in hover


def test_the_h20s_low_ridge_point(real_db):
    figure = figures.make_figure("roofline", url=real_db)
    ridges = {trace.customdata[0]: trace.x[0] for trace in figure.data if trace.mode == "markers+text"}
    assert ridges["h20"] == pytest.approx(148 / 4)  # 37 FLOP/byte
    assert ridges["h200-sxm"] == pytest.approx(989.5 / 4.8)  # 206 FLOP/byte
    assert min(ridges, key=ridges.get) == "h20"


def test_the_standard_set_is_complete_and_honest(real_db, tmp_path):
    drawn = figures.standard_set(real_db)
    # every standard figure, "measured" too: the real data holds no gpudb bench run yet, but it holds measurements
    # others published (data/measurements/published/), which the figure draws
    assert [slug for slug, _, _ in drawn] == [slug for slug, *_ in figures.STANDARD]
    for slug, _, figure in drawn:
        for trace in figure.data:
            values = [*(trace.x or ()), *(trace.y or ())]
            assert not any(isinstance(v, float) and math.isnan(v) for v in values), slug  # missing is left out
            if trace.type == "scatter" and trace.mode == "markers+text" and trace.hovertext:
                assert all("<i>" in text for text in trace.hovertext), slug  # every point names its source
    written = plot_files.write_standard_set(drawn, tmp_path)
    assert [path.name for path in written][-1] == "index.html"
    assert 'href="export-map.html"' in (tmp_path / "index.html").read_text()


def test_a_profile_reads_only_the_chips_it_draws(built, monkeypatch):
    # the detail page draws one chip against its baseline: its frame holds those two chips, not the catalogue
    read = []
    original = query.specs

    def spy(long=False, url=None, ids=None):
        frame = original(long, url, ids)
        read.append((long, ids, sorted(set(frame["accelerator_id"]) if long else set(frame.index))))
        return frame

    from gpudb.analysis import wide

    cited = []
    original_cited = wide.preferred_with_sources

    def cited_spy(engine, ids):
        rows = original_cited(engine, ids)
        cited.append((ids, sorted({row[0] for row in rows})))
        return rows

    monkeypatch.setattr(query, "specs", spy)
    monkeypatch.setattr(wide, "preferred_with_sources", cited_spy)
    figures.make_figure("profile", ["x3", "X4"], baseline="x4", url=built)
    assert read == [(False, ["x3", "x4"], ["x3", "x4"])]  # the values; their sources are read apart, as few
    assert cited == [(["x3", "x4"], ["x3", "x4"])]


# ---------------------------------------------------------------------------------------------- export-map labels
# The article export's plot area: 1,200 × 675 px less the figure's margins. A label's box is estimated by hand:
# 6 px per character and 12 px per line of the 10 px font (DejaVu Sans averages about 5.5 px a character).


def _label_boxes(figure):
    """(text, box) of each chip label of an export map, in plot-area pixels (y downwards), and each marker's box."""
    margin = figure.layout.margin
    width, height = 1200 - margin.l - margin.r, 675 - margin.t - margin.b
    (x0, x1), (y0, y1) = figure.layout.xaxis.range, figure.layout.yaxis.range

    def pixels(x_log, y):
        return (x_log - x0) / (x1 - x0) * width, (1 - (y - y0) / (y1 - y0)) * height

    boxes = []
    for note in figure.layout.annotations:
        if note.name != "label":
            continue
        px, py = pixels(note.x, note.y)
        lines = note.text.split("<br>")
        half_w, half_h = max(map(len, lines)) * 6 / 2, len(lines) * 12 / 2
        cx, cy = px + note.ax, py + note.ay
        boxes.append((note.text, (cx - half_w, cy - half_h, cx + half_w, cy + half_h)))
    markers = [
        pixels(math.log10(x), y)
        for trace in figure.data
        if trace.mode == "markers"
        for x, y in zip(trace.x, trace.y, strict=True)
    ]
    return boxes, markers, (width, height)


def _overlap(a, b):
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.mark.parametrize("axis", ["performance_density", "memory_bandwidth_gbs"])
def test_export_map_labels_do_not_overlap(real_db, axis):
    figure = figures.make_figure("export-map", metric=axis, url=real_db)
    boxes, markers, (width, height) = _label_boxes(figure)
    texts = [text for text, _ in boxes]
    # the H100 SXM and H200 SXM sit at one spot (TPP 15,832) and share a label on the density map; the H100 NVL
    # (13,364) and H100 PCIe (12,104) beside them have their own
    if axis == "performance_density":
        shared = next(text for text in texts if "H200 SXM" in text)
        assert "H100 SXM" in shared and "H100 NVL" not in shared
        assert {"H100 NVL", "H100 PCIe", "Maia 100"} <= set(texts)
    assert len(boxes) >= 20  # a label per spot: 21 on the density map, more on the bandwidth one
    for index, (text, box) in enumerate(boxes):
        assert box[0] >= 0 and box[1] >= 0 and box[2] <= width and box[3] <= height, text  # inside the plot
        for other_text, other in boxes[index + 1 :]:
            assert not _overlap(box, other), (text, other_text)
        for mx, my in markers:  # no label covers a marker (12 px across)
            assert not _overlap(box, (mx - 6, my - 6, mx + 6, my + 6)), (text, mx, my)


def test_export_map_log_axis_ticks_say_what_they_mean(real_db):
    figure = figures.make_figure("export-map", url=real_db)
    assert list(figure.layout.xaxis.ticktext) == ["1,000", "2,000", "5,000", "10,000", "20,000"]
    assert list(figure.layout.xaxis.tickvals) == [1000, 2000, 5000, 10000, 20000]


# ---------------------------------------------------------------------------------------------- the claim view


def _claim_points(figure):
    """metric → (figure, grade) of a claim view's markers (one trace per grade, customdata = [metric, figure])."""
    return {
        metric: (value, trace.name) for trace in figure.data for (metric, value) in trace.customdata
    }  # fmt: skip


def test_the_claim_view_puts_nearly_six_times_beside_each_metric(real_db, tmp_path):
    figure = figures.make_figure("claim", claim="ifp-2025-12-h200-vs-h20", url=real_db)
    found = _claim_points(figure)
    assert found["tpp"] == (pytest.approx(15832 / 2368), "roughly")  # 6.69×: 11.4% above 6, "nearly" is below
    assert found["bf16_dense_tflops"] == (pytest.approx(989.5 / 148), "roughly")
    assert found["memory_bandwidth_tbs"] == (pytest.approx(4.8 / 4.0), "does not match")  # 1.2×
    assert found["memory_capacity_gb"] == (pytest.approx(141 / 96), "does not match")
    assert list(found)[0] == "tpp"  # the headline metric leads
    (stated,) = [shape for shape in figure.layout.shapes if shape.name == "stated"]
    assert (stated.x0, stated.x1) == (6, 6)  # the stated "nearly six times"
    band = next(shape for shape in figure.layout.shapes if shape.name == "match band")
    assert (band.x0, band.x1) == (pytest.approx(5.7), 6)  # "nearly": within 5% below
    assert [a.text for a in figure.layout.annotations if a.name == "stated"] == ["<b>stated: nearly 6× H20</b>"]
    assert figure.layout.title.text.startswith("Institute for Progress: H200 SXM nearly 6× H20")  # names, not ids
    assert figure.layout.xaxis.type == "log" and "6×" in figure.layout.xaxis.ticktext
    assert _notes(figure) == ["No figure for: FP4 dense, PCIe bandwidth, FP64 Tensor"]
    out = tmp_path / "claim.html"
    result = CliRunner().invoke(
        app, ["plot", "claim", "--id", "ifp-2025-12-h200-vs-h20", "-o", str(out), "--db", real_db]
    )
    assert (result.exit_code, result.output) == (0, f"{out}\n")


def test_the_claim_view_of_a_value_and_of_a_system_level_claim(real_db):
    value = figures.make_figure("claim", claim="bernstein-2025-07-910b-tpp", url=real_db)
    assert _claim_points(value) == {"tpp": (5648, "roughly")}  # the 910B's stored TPP against the stated 5,120
    assert [s.x0 for s in value.layout.shapes if s.name == "stated"] == [5120]
    assert value.layout.xaxis.type != "log" and value.layout.xaxis.range[0] == 0
    system = figures.make_figure("claim", claim="ifp-2025-12-blackwell-inference", url=real_db)
    assert {grade for _, grade in _claim_points(system).values()} == {"not graded (system-level)"}
    assert not [s for s in system.layout.shapes if s.name == "match band"]  # nothing to match on a peak spec
    assert _claim_points(system)["tpp"][0] == pytest.approx(36000 / 15832)


def test_an_export_map_of_more_points_than_can_be_labelled_names_them_on_hover_only(real_db):
    """Above MAX_LABELLED_SPOTS spots the labels would cover the plot: none are placed, and a note says why."""
    from gpudb.analysis.wide import points
    from gpudb.plots.export_map import MAX_LABELLED_SPOTS, export_map

    real = points(real_db).dropna(subset=["tpp", "performance_density"])
    copies = []
    for copy in range(2 * MAX_LABELLED_SPOTS // len(real) + 1):  # each copy at its own TPP: new spots
        shifted = real.copy()
        shifted.index = [f"{chip}-{copy}" for chip in real.index]
        shifted["tpp"] = real["tpp"].to_numpy() * (1 + copy / 1000)
        copies.append(shifted)
    many = pd.concat(copies)
    spots = len(set(zip(many["tpp"], many["performance_density"], strict=True)))
    assert spots > MAX_LABELLED_SPOTS
    rule = next(r for r in query.rules(real_db) if r["id"] == "us-2023-10-advanced-computing")
    figure = export_map(many, rule)
    assert [a for a in figure.layout.annotations if a.name == "label"] == []
    assert f"{spots:,} points: too many to label; hover a point for its chips" in _notes(figure)
    labelled = export_map(real, rule)  # the real field is labelled
    assert len([a for a in labelled.layout.annotations if a.name == "label"]) >= 20
