"""The plot command: one figure, or the standard set, written as HTML, PNG or SVG."""

from __future__ import annotations

from pathlib import Path

import click

from gpudb.cli import app
from gpudb.cli.common import db_option
from gpudb.errors import InvalidArgumentError


@app.command()
@click.argument("kind", required=False)
@click.argument("names", nargs=-1)
@click.option("--baseline", "-b", help="Ratio and profile plots.")
@click.option(
    "--metric",
    "-m",
    help="Compute metric (roofline, compute-bandwidth, timeline); metric keys, comma-separated (ratio, "
    "profile); performance_density or memory_bandwidth_gbs (export-map).",
)
@click.option("--id", "claim", metavar="CLAIM_ID", help="The claim plot: a stored claim's id (gpudb claims).")
@click.option("--out", "-o", type=click.Path(path_type=Path), help="FILE.html, FILE.png or FILE.svg.")
@click.option("--all", "all_figures", is_flag=True, help="Write the standard set with an index page.")
@click.option("--out-dir", type=click.Path(path_type=Path), help="Folder for --all.")
@click.option(
    "--size",
    type=click.Choice(["article", "square"]),
    default="article",
    show_default=True,
    help="PNG/SVG size: article 1200×675, square 1080×1080.",
)
@db_option
def plot(
    kind: str | None,
    names: tuple[str, ...],
    baseline: str | None,
    metric: str | None,
    out: Path | None,
    all_figures: bool,
    out_dir: Path | None,
    size: str,
    claim: str | None,
    db: str | None,
) -> None:
    """Draw a comparison with plotly: interactive HTML (offline), or PNG/SVG through the system Chromium.

    KIND: ratio, export-map, roofline, compute-bandwidth, timeline, profile, measured, price-performance or
    claim (a stored claim's stated figure beside each metric's ratio; --id CLAIM_ID). NAMES: the chips
    (default: a sensible set).

    Examples: gpudb plot ratio H200 H20 --out h200-vs-h20.html;
    gpudb plot claim --id ifp-2025-12-h200-vs-h20 --out six-times.png
    """
    # the arguments are checked before plotly is imported, so a usage error is quick
    if all_figures:
        if kind or names or out or claim or not out_dir:
            raise InvalidArgumentError("--all writes the standard set: give --out-dir DIR and no kind, chips or --out")
        from gpudb.plots import files as plot_files
        from gpudb.plots import frames as figures

        written = plot_files.write_standard_set(figures.standard_set(db), out_dir)
    else:
        if not kind or not out:
            raise InvalidArgumentError("give a plot kind and --out FILE (or --all --out-dir DIR)")
        from gpudb.plots import files as plot_files
        from gpudb.plots import frames as figures

        plot_files.check_output(out)
        chips = list(names) or None
        figure = figures.make_figure(kind, chips, baseline, metric, db, claim=claim)
        written = [plot_files.write_figure(figure, out, size=size, credit=figures.credit_line(db))]
    for path in written:
        click.echo(str(path))
