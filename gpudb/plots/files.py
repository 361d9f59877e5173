"""Writing figures to files: HTML with plotly.js embedded (opens offline), PNG and SVG through kaleido driving the
system Chromium (no download, nothing fetched), and the standard set with an index page."""

from __future__ import annotations

import html
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING

from gpudb.errors import GpudbError, InvalidArgumentError

if TYPE_CHECKING:
    import plotly.graph_objects as go

SUFFIXES = (".html", ".png", ".svg")
# Every modebar button that reaches the network is removed (plotly's "Share chart…" / Chart Studio upload, the
# "Produced with Plotly" link); "download PNG" stays. The same config serves files and the web pages.
PLOT_CONFIG = {
    "displaylogo": False,
    "showLink": False,
    "showSendToCloud": False,
    "showEditInChartStudio": False,
    "modeBarButtonsToRemove": ["sendDataToCloud", "editInChartStudio"],
    "toImageButtonOptions": {"format": "png", "width": 1200, "height": 675, "scale": 2},
}
# Static sizes in CSS pixels for an article (16:9) and a square (social media); PNGs are drawn at 2×.
SIZES = {"article": (1200, 675), "square": (1080, 1080)}
CHROMIUM = "/usr/bin/chromium"  # Debian's package (apt-get install chromium)
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
NO_BROWSER = (
    "writing {kind} needs Chromium, and {found}: install it (Debian/Ubuntu: apt-get install chromium) "
    "or set BROWSER_PATH to a Chrome/Chromium binary"
)


def check_output(path: Path) -> str:
    """The output format of a file name ('.html', '.png' or '.svg'); InvalidArgumentError naming them otherwise."""
    path = Path(path)
    if path.suffix.lower() not in SUFFIXES:
        raise InvalidArgumentError(f"unknown output type {path.suffix or path.name!r}; valid: {', '.join(SUFFIXES)}")
    return path.suffix.lower()


def write_figure(
    figure: go.Figure, path: Path, size: str = "article", shared_plotly_js: bool = False, credit: str = ""
) -> Path:
    """Write one figure; the suffix chooses the format: .html (plotly.js inlined, or with `shared_plotly_js` one
    plotly.min.js beside the files), .png or .svg (a finished graphic: no buttons, `size` article or square, the
    `credit` line under the plot)."""
    path = Path(path)
    suffix = check_output(path)
    if size not in SIZES:
        raise InvalidArgumentError(f"unknown size {size!r}; valid: {', '.join(SIZES)}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise GpudbError(f"cannot create {path.parent}: {error.strerror}") from None
    try:
        if suffix == ".html":
            # plotly.js embedded or beside the file ("directory"), never a CDN link: the file opens with no network
            plotly_js = "directory" if shared_plotly_js else True
            figure.write_html(path, include_plotlyjs=plotly_js, full_html=True, config=PLOT_CONFIG)
            return path
        path.write_bytes(render_image(static_copy(figure, size, credit), suffix[1:]))
    except OSError as error:
        raise GpudbError(f"cannot write {path}: {error.strerror}") from None
    return path


def static_copy(figure: go.Figure, size: str = "article", credit: str = "") -> go.Figure:
    """The figure as a finished static graphic: the interactive buttons (log/linear menus) taken out, an article
    or square size, and the credit line (data version, that figures are dense peaks, sources) under the plot."""
    import plotly.graph_objects as go

    still = go.Figure(figure)
    width, height = SIZES[size]
    still.layout.updatemenus = ()  # the log/linear buttons do nothing on paper
    still.update_layout(width=width, height=height, font={"family": "DejaVu Sans, Arial, sans-serif"})
    title = still.layout.title.text or ""
    if title and "<br>" not in title:  # the subtitle says what the numbers are
        still.update_layout(
            title_text=f"{title}<br><sup>Peak figures as published (tensor rates dense), from gpudb</sup>"
        )
    if credit:
        bottom = max(still.layout.margin.b or 60, 110)
        still.update_layout(margin={"b": bottom})
        still.add_annotation(
            text=credit,
            xref="paper",
            yref="paper",
            x=0,
            y=0,
            yshift=-bottom + 12,
            xanchor="left",
            yanchor="bottom",
            showarrow=False,
            align="left",
            font={"size": 11, "color": "#555"},
        )
    return still


def browser_path() -> str:
    """The Chrome/Chromium binary kaleido drives: BROWSER_PATH when set (choreographer's own variable), else
    Debian's /usr/bin/chromium, else the first of BROWSER_NAMES on PATH. GpudbError saying how to get one when
    there is none: kaleido's fallback would be to download Chrome, which this project never does."""
    named = os.environ.get("BROWSER_PATH")
    if named:
        if not (Path(named).is_file() and os.access(named, os.X_OK)):
            raise GpudbError(NO_BROWSER.format(kind="an image", found=f"BROWSER_PATH={named!r} is not an executable"))
        return named
    if Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    for name in BROWSER_NAMES:
        if found := shutil.which(name):
            return found
    raise GpudbError(
        NO_BROWSER.format(kind="an image", found=f"none was found ({CHROMIUM} or {', '.join(BROWSER_NAMES)} on PATH)")
    )


def render_image(figure: go.Figure, image_format: str) -> bytes:
    """The figure as PNG or SVG bytes, drawn by kaleido in the system Chromium with the plotly.js of the installed
    plotly package and MathJax off (kaleido would otherwise load MathJax from a CDN)."""
    try:
        browser = browser_path()
    except GpudbError as error:
        raise GpudbError(str(error).replace("an image", image_format.upper())) from None
    import kaleido
    import plotly

    plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    options = {
        "format": image_format,
        "width": figure.layout.width or SIZES["article"][0],
        "height": figure.layout.height or SIZES["article"][1],
        "scale": 2 if image_format == "png" else 1,
    }
    settings = {"path": browser, "mathjax": False, "plotlyjs": str(plotly_js)}
    try:
        return kaleido.calc_fig_sync(figure, opts=options, kopts=settings)
    except Exception as error:  # kaleido and choreographer raise their own types (browser missing, crashed, timed out)
        if type(error).__name__ == "ChromeNotFoundError":
            found = f"{browser} did not start"
            raise GpudbError(NO_BROWSER.format(kind=image_format.upper(), found=found)) from None
        first = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
        raise GpudbError(f"drawing the {image_format.upper()} in {browser} failed: {first}") from error


def write_standard_set(figures: list[tuple[str, str, go.Figure]], out_dir: Path) -> list[Path]:
    """Each figure as out_dir/<slug>.html sharing one plotly.min.js beside them (not 4.8 MB inside each file), and
    out_dir/index.html linking them all (relative links: the folder opens from disk or is served anywhere)."""
    out_dir = Path(out_dir)
    written = [write_figure(figure, out_dir / f"{slug}.html", shared_plotly_js=True) for slug, _, figure in figures]
    written.append(out_dir / "plotly.min.js")
    items = "\n".join(
        f'    <li><a href="{html.escape(slug)}.html">{html.escape(title)}</a></li>' for slug, title, _ in figures
    )
    index = out_dir / "index.html"
    index.write_text(
        '<!doctype html>\n<html lang="en">\n<head>\n  <meta charset="utf-8">\n'
        '  <meta name="viewport" content="width=device-width, initial-scale=1">\n  <title>gpudb figures</title>\n'
        "</head>\n<body>\n  <h1>gpudb figures</h1>\n"
        "  <p>Interactive plotly figures; each file works offline. Hover a point for its value, unit and source.</p>\n"
        f"  <ul>\n{items}\n  </ul>\n</body>\n</html>\n",
        encoding="utf-8",
    )
    return [*written, index]
