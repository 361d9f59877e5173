"""The written figures in headless Chromium (Debian's /usr/bin/chromium through Playwright): each HTML file from
`gpudb plot --all` and `gpudb plot` opens from file:// with no console errors, draws its plot (`.main-svg` and
its points or bars), requests nothing from the network, and hovers show value, unit and source. Runs on the real
data/ (the H20 at TPP 2,368; H200 ÷ H20 on TPP = 6.69×)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from gpudb.cli import app
from gpudb.plots import frames as figures

pytestmark = pytest.mark.browser

LOCAL = ("file://", "data:", "blob:", "about:")


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    """The standard set and two single figures written by the CLI from the real data, in one folder. The data
    gets the hand-written H100 run of tests/fixtures/measurements, so that the `measured` figure is drawn too."""
    import shutil

    from gpudb.storage.build import build

    folder = tmp_path_factory.mktemp("figures")
    data = folder / "data"
    shutil.copytree(Path(__file__).parent.parent / "data", data)
    shutil.copytree(Path(__file__).parent / "fixtures" / "measurements", data / "measurements", dirs_exist_ok=True)
    url = f"sqlite:///{folder / 'gpudb.sqlite'}"
    build(url, data)
    runner = CliRunner()
    for arguments in (
        ["--all", "--out-dir", str(folder / "all")],
        ["ratio", "H200", "H20", "--out", str(folder / "h200-vs-h20.html")],
        ["profile", "H100", "H200", "B200", "H20", "--baseline", "H20", "--out", str(folder / "profile.html")],
    ):
        result = runner.invoke(app, ["plot", *arguments, "--db", url])
        assert result.exit_code == 0, result.output
    return folder


class Watched:
    """A page recording console errors, page errors and every request URL; anything not local is aborted."""

    def __init__(self, browser):
        self.context = browser.new_context()
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.context.route(
            "**/*", lambda route: route.abort() if not route.request.url.startswith(LOCAL) else route.continue_()
        )

    def open(self, path: Path) -> None:
        self.page.goto(path.as_uri())
        self.page.wait_for_selector(".js-plotly-plot .main-svg")


@pytest.fixture
def watched(browser) -> Iterator[Watched]:
    session = Watched(browser)
    yield session
    assert session.errors == []
    assert [url for url in session.requests if not url.startswith(LOCAL)] == []  # nothing left this machine
    session.context.close()


def _drawn(page) -> dict[str, int]:
    """How many markers, bars and lines the plot drew."""
    return page.evaluate(
        """() => ({
            points: document.querySelectorAll('.scatterlayer .point').length,
            bars: document.querySelectorAll('.barlayer .point').length,
            lines: document.querySelectorAll('.scatterlayer .js-line').length,
        })"""
    )


def _hover(page, curve: int, point: int) -> str:
    """The hover label's text after hovering one point (through Plotly.Fx, as a pointer would)."""
    page.evaluate(
        "([c, p]) => Plotly.Fx.hover(document.querySelector('.js-plotly-plot'), [{curveNumber: c, pointNumber: p}])",
        [curve, point],
    )
    page.wait_for_selector(".hoverlayer .hovertext")
    return page.evaluate(
        """() => [...document.querySelectorAll('.hoverlayer .hovertext text')]
            .map(text => text.querySelectorAll('tspan.line').length
                ? [...text.querySelectorAll('tspan.line')].map(line => line.textContent).join('\\n')
                : text.textContent)
            .join('\\n')"""
    )


@pytest.mark.parametrize("slug", [slug for slug, *_ in figures.STANDARD])
def test_each_standard_figure_draws_offline(written, watched, slug):
    watched.open(written / "all" / f"{slug}.html")
    drawn = _drawn(watched.page)
    assert drawn["points"] + drawn["bars"] > 0, drawn
    # the file itself and the plotly.min.js the set shares beside it, nothing else
    assert watched.requests == [
        (written / "all" / f"{slug}.html").as_uri(),
        (written / "all" / "plotly.min.js").as_uri(),
    ]


def test_the_index_links_every_figure(written, watched):
    watched.page.goto((written / "all" / "index.html").as_uri())
    links = watched.page.eval_on_selector_all("a", "links => links.map(a => a.getAttribute('href'))")
    assert links == [f"{slug}.html" for slug, *_ in figures.STANDARD]
    watched.page.click("text=Roofline (BF16 dense): ridge points")
    watched.page.wait_for_selector(".js-plotly-plot .main-svg")
    assert watched.page.url.endswith("/roofline.html")


def test_the_h20_on_the_export_map_hovers_with_its_working(written, watched):
    watched.open(written / "all" / "export-map.html")
    located = watched.page.evaluate(
        """() => {
            const data = document.querySelector('.js-plotly-plot').data;
            for (const [curve, trace] of data.entries()) {
                const point = (trace.customdata || []).indexOf('h20');
                if (point >= 0) return [curve, point, trace.x[point]];
            }
        }"""
    )
    curve, point, tpp = located
    assert tpp == 2368  # 296 TFLOPS FP8 × 8 bits
    text = _hover(watched.page, curve, point)
    assert "TPP: 2,368" in text and "296 TFLOPS FP8 dense × 8 bits = 2,368" in text
    assert "Performance density: 2.909 per mm²" in text and "NVIDIA Hopper Architecture In-Depth" in text


def test_the_ratio_bars_hover_switch_scale_and_keep_the_1x_line(written, watched):
    watched.open(written / "h200-vs-h20.html")
    page = watched.page
    metrics = page.evaluate("() => document.querySelector('.js-plotly-plot').data[0].customdata.map(c => c[0])")
    text = _hover(page, 0, metrics.index("memory_bandwidth_tbs"))
    assert "1.2×" in text and "H200 SXM: 4.8 TB/s" in text and "H20: 4 TB/s" in text and "The Register" in text
    one_x = """() => {
        const gd = document.querySelector('.js-plotly-plot'), axis = gd._fullLayout.xaxis;
        const line = document.querySelector('.shapelayer path').getBBox();
        return [line.x, axis._offset + axis.l2p(axis.d2l(1)), axis.type];
    }"""
    drawn_at, one, scale = page.evaluate(one_x)
    assert scale == "log" and abs(drawn_at - one) < 1.5  # the 1× line at 1 on the log axis
    page.click(".updatemenu-button >> text=linear")
    page.wait_for_function("() => document.querySelector('.js-plotly-plot')._fullLayout.xaxis.type === 'linear'")
    drawn_at, one, scale = page.evaluate(one_x)
    assert scale == "linear" and abs(drawn_at - one) < 1.5  # still at 1 on the linear axis


def test_the_profile_draws_a_bar_per_chip_and_metric(written, watched):
    watched.open(written / "profile.html")
    names = watched.page.evaluate("() => document.querySelector('.js-plotly-plot').data.map(t => t.name)")
    assert names == ["H100 SXM", "H200 SXM", "B200"]  # H20 is the 1× line
    assert _drawn(watched.page)["bars"] == sum(
        watched.page.evaluate("() => document.querySelector('.js-plotly-plot').data.map(t => t.x.length)")
    )


@pytest.mark.parametrize("slug", ["export-map", "export-map-bandwidth"])
def test_the_export_map_labels_drawn_do_not_overlap(written, browser, slug):
    """At the article width (1,200 px of plot), the labels' boxes as Chromium draws them overlap neither each other
    nor any marker: the H100 SXM / H200 SXM, H100 NVL and H100 PCIe labels no longer collide."""
    context = browser.new_context(viewport={"width": 1216, "height": 800})  # 8 px body margins: a 1,200 px figure
    page = context.new_page()
    page.goto((written / "all" / f"{slug}.html").as_uri())
    page.wait_for_selector(".js-plotly-plot .main-svg")
    drawn = page.evaluate(
        """() => {
            const gd = document.querySelector('.js-plotly-plot');
            const labels = gd.layout.annotations.map((a, i) => [a, i]).filter(([a]) => a.name === 'label');
            const box = el => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
            return {
                width: gd.getBoundingClientRect().width,
                labels: labels.map(([a, i]) => [a.text,
                    box(document.querySelector(`.annotation[data-index="${i}"] .annotation-text`))]),
                markers: [...document.querySelectorAll('.scatterlayer .point')].map(box),
            };
        }"""
    )
    context.close()
    assert drawn["width"] == 1200
    labels = drawn["labels"]
    assert len(labels) >= 20
    if slug == "export-map":
        assert {"H100 NVL", "H100 PCIe"} <= {text for text, _ in labels}

    def overlap(a, b, slack=0.5):
        return a[0] + slack < b[2] and b[0] + slack < a[2] and a[1] + slack < b[3] and b[1] + slack < a[3]

    for index, (text, box) in enumerate(labels):
        for other_text, other in labels[index + 1 :]:
            assert not overlap(box, other), (text, other_text)
        for marker in drawn["markers"]:
            assert not overlap(box, marker), (text, marker)
