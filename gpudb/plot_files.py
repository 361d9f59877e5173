"""Writing figures to files: HTML with plotly.js embedded (works offline), PNG and SVG through kaleido and the
system Chromium, and the standard set with an index page."""

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
CHROMIUM = "/usr/bin/chromium"


def write_figure(figure: go.Figure, path: Path) -> Path:
    """Write one figure; the suffix chooses the format (.html, .png or .svg)."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InvalidArgumentError(f"unknown output type {path.suffix or path.name!r}; valid: {', '.join(SUFFIXES)}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise GpudbError(f"cannot create {path.parent}: {error.strerror}") from None
    if suffix == ".html":
        # plotly.js embedded, never a CDN link: the file opens with no network
        figure.write_html(path, include_plotlyjs=True, full_html=True, config={"displaylogo": False})
        return path
    _point_kaleido_at_chromium()
    try:
        figure.write_image(path, width=1100, height=700)
    except Exception as error:  # kaleido raises its own (and choreographer's) error types when Chromium is missing
        if "chrom" in str(error).lower() or "browser" in str(error).lower():
            raise GpudbError(
                f"writing {suffix[1:].upper()} needs Chromium, which was not found: install it "
                "(Debian/Ubuntu: apt-get install chromium) or set BROWSER_PATH to a Chrome/Chromium binary"
            ) from None
        raise
    return path


def _point_kaleido_at_chromium() -> None:
    """kaleido finds a browser on PATH; prefer Debian's Chromium where it is, unless BROWSER_PATH says otherwise."""
    if "BROWSER_PATH" not in os.environ and Path(CHROMIUM).exists():
        os.environ["BROWSER_PATH"] = CHROMIUM
    elif "BROWSER_PATH" not in os.environ and not shutil.which("chromium") and not shutil.which("google-chrome"):
        os.environ["BROWSER_PATH"] = "/nonexistent/chromium"  # fail fast with the message above, never download


def write_standard_set(figures: list[tuple[str, str, go.Figure]], out_dir: Path) -> list[Path]:
    """Each figure as out_dir/<slug>.html, and out_dir/index.html linking them all."""
    written = [write_figure(figure, out_dir / f"{slug}.html") for slug, _, figure in figures]
    items = "\n".join(
        f'    <li><a href="{html.escape(slug)}.html">{html.escape(title)}</a></li>' for slug, title, _ in figures
    )
    index = out_dir / "index.html"
    index.write_text(
        '<!doctype html>\n<html lang="en">\n<head><meta charset="utf-8"><title>gpudb figures</title></head>\n'
        f"<body>\n  <h1>gpudb figures</h1>\n  <ul>\n{items}\n  </ul>\n</body>\n</html>\n",
        encoding="utf-8",
    )
    return [*written, index]
