"""The command line: thin commands over the library. Errors become one line on stderr and an exit code.

Exit codes: 0 success; 1 data/ has problems; 2 bad command-line usage; 3 unknown or ambiguous accelerator;
4 database missing, unreachable or not a gpudb database; 5 nothing to measure (no PyTorch or no GPU).
"""

from __future__ import annotations

import csv
import io
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Any

# Click, not Typer: Typer builds a pydantic adapter for every parameter of the command it runs, about a fifth of
# a cold `gpudb compare` (benchmarks/RESULTS.md); the commands here need nothing Click does not give.
import click
from click.exceptions import Exit

from gpudb.errors import GpudbError


def _show_version(context: click.Context, _parameter: click.Parameter, value: bool) -> None:
    if not value or context.resilient_parsing:
        return
    from gpudb.validation.release import version_text

    try:
        click.echo(version_text())
    except GpudbError as error:
        _fail(error)
    context.exit()


class _Command(click.Command):
    """A command whose line in `gpudb --help` is its whole first paragraph, not cut at 45 characters."""

    def get_short_help_str(self, limit: int = 45) -> str:
        return self.short_help or " ".join((self.help or "").split("\n\n")[0].split())


class _Group(click.Group):
    command_class = _Command


@click.group(name="gpudb", cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--version",
    is_flag=True,
    expose_value=False,
    is_eager=True,
    callback=_show_version,
    help="Show the package and data versions and exit.",
)
def app() -> None:
    """Published specs of GPUs and AI accelerators, every number with its source."""


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


class CompareFormat(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"
    markdown = "markdown"


db_option = click.option(
    "--db", help="Database URL (SQLAlchemy form). Default: $GPUDB_DATABASE_URL or the embedded SQLite file."
)
data_option = click.option(
    "--data",
    type=click.Path(path_type=Path),
    help="The data/ folder. Default: $GPUDB_DATA_DIR or this checkout's data/.",
)


def output_format_option(formats: type[StrEnum]):
    """`--format/-f` over the members of `formats`, a table by default."""
    return click.option(
        "--format",
        "-f",
        "output_format",
        type=click.Choice(formats),
        default=formats.table,
        show_default=True,
        help="Output format.",
    )


format_option = output_format_option(Format)

# How a metric with no value is shown: why it has none.
STATUS_WORDS = {"unknown": "missing", "not-supported": "not supported", "not-applicable": "n/a"}


def _fail(error: GpudbError) -> None:
    click.echo(f"Error: {error}", err=True)
    raise Exit(error.exit_code)


def _emit(
    rows: list[dict[str, Any]],
    columns: list[str],
    output_format: Format,
    title: str | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Print rows as a Rich table, CSV or JSON (a list of objects)."""
    if output_format is Format.json:
        click.echo(json.dumps([{c: row.get(c) for c in columns} for row in rows], indent=2, default=str))
    elif output_format is Format.csv:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        click.echo(buffer.getvalue(), nl=False)
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=title, show_lines=False, header_style="bold")
        for column in columns:
            # spaces, not underscores, so a narrow header wraps between words ("china specific")
            table.add_column((headers or {}).get(column, column.replace("_", " ")), overflow="fold")
        for row in rows:
            table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
        Console(width=max(100, Console().width)).print(table)


@app.command()
@data_option
@format_option
def check(data: Path | None, output_format: Format) -> None:
    """Validate data/ and report every problem at once; writes nothing.

    Example: gpudb check --data data/
    """
    from gpudb import settings
    from gpudb.validation.run import validate

    data_dir = data or settings.data_dir()
    dataset = validate(data_dir)
    if output_format is Format.json:
        click.echo(
            json.dumps({"ok": not dataset.problems, "problems": [p.as_dict() for p in dataset.problems]}, indent=2)
        )
    elif output_format is Format.csv:
        _emit(
            [p.as_dict() for p in dataset.problems],
            ["file", "line", "accelerator", "field", "value", "code", "message"],
            Format.csv,
        )
    else:
        for problem in dataset.problems:
            click.echo(str(problem), err=True)
        count = len(dataset.problems)
        if count:
            click.echo(f"{count} problem{'s' if count != 1 else ''} in {data_dir}", err=True)
        else:
            click.echo(
                f"{data_dir}: {len(dataset.accelerators)} accelerators, {len(dataset.specs)} values, "
                f"{len(dataset.sources)} sources, {len(dataset.rules)} rules, {len(dataset.claims)} claims: all valid"
            )
    if dataset.problems:
        raise Exit(1)


@app.command()
@db_option
@data_option
def build(db: str | None, data: Path | None) -> None:
    """Validate data/ and build the database from it; on any problem nothing is written.

    Example: gpudb build --db postgresql+psycopg://127.0.0.1/gpudb
    """
    from gpudb.errors import DataValidationError
    from gpudb.storage import build as database

    try:
        result = database.build(db, data)
    except DataValidationError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        _fail(error)
    except GpudbError as error:
        _fail(error)
    click.echo(
        f"built {result.url}: {result.accelerators} accelerators, {result.values} values, {result.sources} sources, "
        f"{result.rules} rules, {result.claims} claims"
    )


@app.command("list")
@db_option
@format_option
def list_accelerators(db: str | None, output_format: Format) -> None:
    """List the accelerators in the database.

    Example: gpudb list --format csv
    """
    from gpudb.storage import query

    try:
        rows = query.accelerators(db)
    except GpudbError as error:
        _fail(error)
    columns = [
        "id",
        "vendor",
        "name",
        "architecture",
        "form_factor",
        "data_center",
        "china_specific",
        "aliases",
    ]
    if output_format is Format.table:  # the terminal view leaves out a flag that is true for nearly every chip
        columns.remove("data_center")
    _emit(rows, columns, output_format, title="Accelerators")


@app.command()
@click.argument("name")
@db_option
@format_option
def show(name: str, db: str | None, output_format: Format) -> None:
    """Show every stored value of one accelerator with its unit and source.

    NAME: an id, name or alias.

    Example: gpudb show H200
    """
    from gpudb.storage import query

    try:
        accelerator = query.get(name, db)
    except GpudbError as error:
        _fail(error)
    if output_format is Format.json:
        from gpudb.analysis import measured

        shown = accelerator.model_dump(mode="json")
        shown["measurements"] = measured.measurement_rows(accelerator.id, db)
        click.echo(json.dumps(shown, indent=2, default=str))
        return
    rows = [
        {
            "metric": v.metric,
            "label": v.label if v.preferred else f"  (other source) {v.label}",
            "value": _number(v.value) if v.status == "value" else STATUS_WORDS[v.status],
            "status": v.status,
            "preferred": v.preferred,
            "unit": v.unit if v.status == "value" else "",
            "as_published": v.as_published
            + (" (2:4 sparse, halved)" if v.sparse_in_source else "")
            + (f" (board of {v.board_gpus}, divided)" if v.board_gpus else ""),
            "source": v.source.title if v.source else "",
            "publisher": v.source.publisher if v.source else "",
            "published": v.source.published.isoformat() if v.source and v.source.published else "",
            "kind": v.source.kind if v.source else "",
            "url": v.source.url if v.source else "",
            "note": v.note or "",
        }
        for v in accelerator.values
    ]
    if output_format is Format.csv:
        _emit(rows, list(rows[0]) if rows else ["metric"], Format.csv)
        return
    header = (
        f"{accelerator.name} ({accelerator.id}) · {accelerator.vendor} {accelerator.architecture} · "
        f"{accelerator.form_factor}"
        + (" · China-specific" if accelerator.china_specific else "")
        + (f"\naliases: {', '.join(accelerator.aliases)}" if accelerator.aliases else "")
        + (f"\nnote: {accelerator.note}" if accelerator.note else "")
    )
    click.echo(header)
    # Sources are numbered like citations, so the value table stays narrow enough to read.
    citation: dict[str, int] = {}
    for value in accelerator.values:
        if value.source:
            citation.setdefault(value.source.id, len(citation) + 1)
    for row, value in zip(rows, accelerator.values, strict=True):
        row["cited"] = f"[{citation[value.source.id]}]" if value.source else ""
    _emit(
        rows,
        ["label", "value", "unit", "as_published", "cited", "note"],
        Format.table,
        headers={"label": "metric", "as_published": "as published", "cited": "source"},
    )
    sources = {value.source.id: value.source for value in accelerator.values if value.source}
    for source_id, number in citation.items():
        source = sources[source_id]
        date = source.published.isoformat() if source.published else "undated"
        click.echo(f"[{number}] {source.title}. {source.publisher}, {date} ({source.kind}). {source.url}")
    _show_measurements(accelerator.id, db)


def _show_measurements(accelerator_id: str, db: str | None) -> None:
    """Each `gpudb bench` run of the chip, newest first: its environment, then its figures beside the peaks."""
    from gpudb.analysis import measured
    from gpudb.bench import report

    figures = measured.measurement_rows(accelerator_id, db)
    for run in measured.runs(accelerator_id, db):
        click.echo(f"\nMeasured {run['measured']} ({run['mode']} run {run['id']}, {run['tool']})")
        click.echo(f"on {report.environment_line(run)}")
        results = [row for row in figures if row["measurement_id"] == run["id"]]
        published = {row["metric"]: row["published"] for row in results if row["published"]}
        _emit(report.result_rows(results, published), report.RESULT_COLUMNS, Format.table)
        for skipped in run["skipped"]:
            click.echo(f"not measured: {skipped['name']}: {skipped['reason']}")
        for row in results:
            if row["limitation"]:
                click.echo(f"limitation of {row['name']}: {row['limitation']}")


def _number(value: float | str | None) -> float | str | None:
    """Whole numbers without '.0' (80 GB, not 80.0 GB)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@app.command()
@format_option
def metrics(output_format: Format) -> None:
    """List the metric catalogue: keys, units and meanings.

    Example: gpudb metrics --format json
    """
    from gpudb.metrics.catalogue import METRICS

    rows = [
        {
            "key": m.key,
            "label": m.label,
            "unit": m.unit_label,
            "category": m.category,
            "kind": m.kind,
            "sparsity_applies": m.sparsity_applies,
            "description": m.description,
        }
        for m in METRICS
    ]
    _emit(rows, list(rows[0]), output_format, title="Metrics")


def _cell(value: Any, ratio: bool = False, status: str = "unknown") -> str:
    """A number as people read it; no value as 'missing', 'not supported' or 'n/a' (never 0)."""
    if value is None or (isinstance(value, float) and value != value):
        return STATUS_WORDS.get(status, "missing")
    from gpudb.formatting import format_number

    return f"{format_number(value)}×" if ratio else format_number(value)


def _ratio_status(row: dict[str, Any], chip: str, base: str) -> str:
    """Why a ratio is missing: not supported (by either chip) outranks not applicable outranks unknown."""
    found = {row["status"][chip], row["status"][base]}
    return next((status for status in ("not-supported", "not-applicable") if status in found), "unknown")


@app.command()
@click.argument("names", nargs=-1, required=True)
@click.option("--baseline", "-b", help="Chip the ratios are taken against (default: the last).")
@click.option("--metrics", "-m", help="Comma-separated metric keys (default: all with a value).")
@click.option(
    "--measured", is_flag=True, help="Add each chip's newest `gpudb bench` figures and efficiency (÷ published)."
)
@db_option
@output_format_option(CompareFormat)
def compare(
    names: tuple[str, ...],
    baseline: str | None,
    metrics: str | None,
    measured: bool,
    db: str | None,
    output_format: CompareFormat,
) -> None:
    """Compare chips on every metric, with ratios to a baseline, so a ratio always names its metric.

    NAMES: ids, names or aliases.

    Example: gpudb compare H200 H20   (reads "H200 is N× H20"); gpudb compare H100 H200 --measured
    """
    from gpudb.analysis.comparison import compare_rows

    keys = [key.strip() for key in metrics.split(",") if key.strip()] if metrics else None
    try:
        comparison = compare_rows(list(names), baseline=baseline, metrics=keys, url=db, measured=measured)
    except GpudbError as error:
        _fail(error)
    chips, base, ratio_columns = comparison.chips, comparison.baseline, comparison.ratio_columns
    if output_format is CompareFormat.json:
        click.echo(json.dumps({"chips": chips, "baseline": base, "rows": comparison.rows}, indent=2, default=str))
        return
    if output_format is CompareFormat.csv:
        status_columns = [f"{chip} status" for chip in chips]
        flat = [{**row, **{f"{chip} status": row["status"][chip] for chip in chips}} for row in comparison.rows]
        _emit(flat, [*comparison.columns, *status_columns], Format.csv)
        return
    rows = [
        {
            "metric": row["label"],
            "unit": row["unit"],
            **{chip: _cell(row[chip], status=row["status"][chip]) for chip in chips},
            **{
                f"{chip}/{base}": _cell(row[f"{chip}/{base}"], ratio=True, status=_ratio_status(row, chip, base))
                for chip in chips
                if chip != base
            },
            **(_measured_cells(row, chips) if measured else {}),
        }
        for row in comparison.rows
    ]
    columns = ["metric", "unit", *chips, *ratio_columns]
    if measured:
        columns += [f"{chip} {what}" for chip in chips for what in ("measured", "efficiency")]
    if output_format is CompareFormat.markdown:
        lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(str(row[c]) for c in columns) + " |" for row in rows]
        click.echo("\n".join(lines))
        return
    _emit(rows, columns, Format.table, title=f"Compared with {base}")


def _measured_cells(row: dict[str, Any], chips: list[str]) -> dict[str, str]:
    """A chip's newest measured median and its efficiency as table cells ('' where nothing was measured)."""
    from gpudb.bench.report import figure, percent

    cells = {}
    for chip in chips:
        cells[f"{chip} measured"] = figure(row[f"{chip} measured"])
        cells[f"{chip} efficiency"] = percent(row[f"{chip} efficiency"])
    return cells


@app.command()
@click.option(
    "--threshold",
    type=click.FloatRange(min=0),
    default=2.0,
    show_default=True,
    help="List numbers further apart than this, in percent.",
)
@db_option
@format_option
def conflicts(threshold: float, db: str | None, output_format: Format) -> None:
    """List the metrics whose sources disagree, every source's value beside the one used.

    Example: gpudb conflicts --threshold 5
    """
    from gpudb.analysis.completeness import conflicts as find_conflicts

    try:
        found = find_conflicts(threshold / 100, db)
    except GpudbError as error:
        _fail(error)
    rows = [
        {
            "accelerator": conflict.accelerator_id,
            "metric": conflict.metric,
            "spread": "" if conflict.spread is None else f"{conflict.spread * 100:.1f}%",
            "used": "yes" if entry["preferred"] else "",
            "value": _entry_value(entry),
            "unit": entry["unit"] if entry["status"] == "value" else "",
            "source": entry["source_id"] or "",
            "kind": entry["source_kind"] or "",
            "published": entry["source_published"].isoformat() if entry["source_published"] else "",
        }
        for conflict in found
        for entry in conflict.entries
    ]
    columns = ["accelerator", "metric", "spread", "used", "value", "unit", "source", "kind", "published"]
    if output_format is Format.table and not rows:
        click.echo(f"No two sources disagree by more than {threshold:g}%.")
        return
    _emit(rows, columns, output_format, title=f"Values whose sources disagree by more than {threshold:g}%")


def _entry_value(entry: dict[str, Any]) -> Any:
    if entry["status"] != "value":
        return STATUS_WORDS[entry["status"]]
    return _number(entry["value_number"]) if entry["value_number"] is not None else entry["value_text"]


@app.command()
@db_option
@format_option
def coverage(db: str | None, output_format: Format) -> None:
    """Show which metrics each accelerator has, and how well sourced: vendor, third-party, estimate, status.

    The table has a row per accelerator and a summary per metric; csv and json give every accelerator-metric cell.
    Example: gpudb coverage --format csv
    """
    from gpudb.analysis.completeness import VENDOR_KINDS, missing_core
    from gpudb.analysis.completeness import coverage as cells_of

    try:
        cells = cells_of(db)
    except GpudbError as error:
        _fail(error)
    if output_format is not Format.table:
        rows = [
            {"accelerator": c.accelerator_id, "metric": c.metric, "status": c.status, "source_kind": c.source_kind}
            | {"sources": c.entries}
            for c in cells
        ]
        _emit(rows, ["accelerator", "metric", "status", "source_kind", "sources"], output_format)
        return
    gaps = missing_core(cells)

    def count(group: list, test) -> int:
        return sum(1 for cell in group if test(cell))

    def tally(group: list) -> dict[str, int]:
        return {
            "vendor": count(group, lambda c: c.vendor_sourced),
            "third-party": count(group, lambda c: c.source_kind == "third-party-report" and c.status == "value"),
            "estimate": count(group, lambda c: c.source_kind == "estimate" and c.status == "value"),
            "not supported": count(group, lambda c: c.status == "not-supported"),
            "n/a": count(group, lambda c: c.status == "not-applicable"),
            "unknown": count(group, lambda c: c.status in ("unknown", "missing")),
        }

    by_chip: dict[str, list] = {}
    by_metric: dict[str, list] = {}
    for cell in cells:
        by_chip.setdefault(cell.accelerator_id, []).append(cell)
        by_metric.setdefault(cell.metric, []).append(cell)
    chip_rows = [
        {"accelerator": chip, **tally(group), "core metrics missing": ", ".join(gaps.get(chip, [])) or "none"}
        for chip, group in by_chip.items()
    ]
    columns = ["accelerator", "vendor", "third-party", "estimate", "not supported", "n/a", "unknown"]
    _emit(chip_rows, [*columns, "core metrics missing"], Format.table, title="Values per accelerator")
    metric_rows = [{"metric": metric, **tally(group)} for metric, group in by_metric.items()]
    _emit(metric_rows, ["metric", *columns[1:]], Format.table, title="Accelerators per metric")
    click.echo(f"vendor = from a vendor source ({', '.join(VENDOR_KINDS)}); unknown includes nothing stored.")


@app.command()
@click.argument("name")
@click.option("--memory-gb", type=click.FloatRange(min=0), help="Total memory the driver reports, in GB.")
@db_option
def device(name: str, memory_gb: float | None, db: str | None) -> None:
    """Say which accelerator a driver-reported device name means, and how sure that is.

    NAME: as the driver reports it, e.g. 'NVIDIA H100 80GB HBM3'.

    Example: gpudb device "NVIDIA H20" --memory-gb 96
    """
    from gpudb.analysis.devices import lookup_device

    try:
        match = lookup_device(name, memory_gb, db)
    except GpudbError as error:
        _fail(error)
    if match.accelerator_id is None:
        click.echo(
            f"Error: {name!r} is ambiguous: it could be {', '.join(match.candidates)}; give --memory-gb", err=True
        )
        raise Exit(3)
    click.echo(f"{match.accelerator_id} ({match.how})")


@app.command()
@click.argument("name")
@click.option(
    "--precision",
    "-p",
    default="bf16",
    show_default=True,
    help="fp64, fp64-tensor, fp32, tf32, bf16, fp16, fp8, int8 or fp4.",
)
@db_option
def peak(name: str, precision: str, db: str | None) -> None:
    """Print a chip's dense peak at one precision in FLOP/s, with its source: the denominator of MFU.

    NAME: an id, name or alias.

    Example: gpudb peak H100 --precision bf16
    """
    from gpudb.analysis.devices import peak_flops

    try:
        found = peak_flops(name, precision, db)
    except GpudbError as error:
        _fail(error)
    from gpudb.formatting import format_number

    unit = "OP/s" if found.precision == "int8" else "FLOP/s"
    halved = " (published 2:4 sparse, halved)" if found.sparse_in_source else ""
    click.echo(
        f"{found.accelerator_id} dense {found.precision.upper()}: {found.flops:.4g} {unit} "
        f"({format_number(found.tflops)} T)"
    )
    click.echo(f"as published: {found.as_published}{halved}; source: {found.source_title} {found.source_url}")


@app.command()
@click.option("--quick", is_flag=True, help="Two shapes and one buffer size, 5 repetitions.")
@click.option(
    "--out",
    "-o",
    type=click.Path(path_type=Path),
    help="Measurement file to write. Default: data/measurements/<id>.yaml.",
)
@click.option("--accelerator", "-a", help="Say which chip this is when the match is ambiguous.")
@click.option(
    "--gpu",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Which GPU to measure (as PyTorch numbers them).",
)
@click.option("--host", help="What kind of host, for the record (default: $GPUDB_HOST_KIND or CPU count).")
@db_option
@data_option
def bench(
    quick: bool,
    out: Path | None,
    accelerator: str | None,
    gpu: int,
    host: str | None,
    db: str | None,
    data: Path | None,
) -> None:
    """Measure this machine's GPU (matmul per precision, memory bandwidth) and write a measurement file.

    Needs PyTorch with GPU support: pip install 'gpudb[bench]'. The file goes beside the published data, never
    into it; `gpudb check` validates it and `gpudb build` loads it. Example: gpudb bench --quick
    """
    import os

    from gpudb import settings
    from gpudb.bench import report
    from gpudb.bench.device import NoDevice, detect, import_torch
    from gpudb.bench.runner import match_accelerator, plan, run, write

    try:
        torch = import_torch()
        device_info = detect(torch, gpu)
    except NoDevice as missing:
        click.echo(f"Error: {missing}", err=True)
        raise Exit(5) from None

    def choose(candidates: list[str]) -> str:
        return click.prompt(f"Which is this device? ({', '.join(candidates)})", type=click.Choice(candidates))

    try:
        match = match_accelerator(device_info, db, accelerator, choose if sys.stdin.isatty() else None)
        planned = plan(match.accelerator_id, db)
        from gpudb.storage import query

        published = query.numeric_values([match.accelerator_id], db)[match.accelerator_id]
    except GpudbError as error:
        _fail(error)
    host = host or os.environ.get("GPUDB_HOST_KIND") or f"{os.cpu_count()} CPUs"
    click.echo(f"Measuring {device_info.name} as {match.accelerator_id} ({match.how})", err=True)
    document = run(
        torch,
        device_info,
        match.accelerator_id,
        planned,
        quick=quick,
        host=host,
        progress=lambda step: click.echo(f"  {step} …", err=True),
    )
    data_dir = data or settings.data_dir()
    path = write(document, out or data_dir / "measurements" / f"{document['id']}.yaml")
    _emit(
        report.result_rows(document["results"], published),
        report.RESULT_COLUMNS,
        Format.table,
        title=f"{document['id']} (median of {document['results'][0]['repetitions']} repetitions)",
    )
    for skipped in document.get("skipped", []):
        click.echo(f"not measured: {skipped['name']}: {skipped['reason']}")
    for result in document["results"]:
        if result.get("limitation"):
            click.echo(f"limitation of {result['name']}: {result['limitation']}")
    if not path.resolve().is_relative_to(data_dir.resolve()):
        click.echo(f"wrote {path}; move it under {data_dir / 'measurements'} to load it with `gpudb build`")
        return
    from gpudb.validation.loader import shown_path
    from gpudb.validation.run import validate

    problems = [p for p in validate(data_dir).problems if p.file == shown_path(path, data_dir)]
    for problem in problems:
        click.echo(str(problem), err=True)
    if problems:
        click.echo(f"Error: wrote {path}, but it does not validate; it will not load until fixed", err=True)
        raise Exit(1)
    click.echo(f"wrote {path}; it validates: load it with `gpudb build`")


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
@click.option("--out", "-o", type=click.Path(path_type=Path), help="FILE.html, FILE.png or FILE.svg.")
@click.option("--all", "all_figures", is_flag=True, help="Write the standard set with an index page.")
@click.option("--out-dir", type=click.Path(path_type=Path), help="Folder for --all.")
@db_option
def plot(
    kind: str | None,
    names: tuple[str, ...],
    baseline: str | None,
    metric: str | None,
    out: Path | None,
    all_figures: bool,
    out_dir: Path | None,
    db: str | None,
) -> None:
    """Draw a comparison with plotly: interactive HTML (offline), or PNG/SVG through the system Chromium.

    KIND: ratio, export-map, roofline, compute-bandwidth, timeline, profile or measured. NAMES: the chips
    (default: a sensible set).

    Example: gpudb plot ratio H200 H20 --out h200-vs-h20.html
    """
    if all_figures:
        if kind or names or out or not out_dir:
            _usage("--all writes the standard set: give --out-dir DIR and no kind, chips or --out")
    elif not kind or not out:
        _usage("give a plot kind and --out FILE (or --all --out-dir DIR)")
    from gpudb.plots import files as plot_files
    from gpudb.plots import frames as figures

    try:
        if all_figures:
            written = plot_files.write_standard_set(figures.standard_set(db), out_dir)
        else:
            plot_files.check_output(out)
            chips = list(names) or None
            written = [plot_files.write_figure(figures.make_figure(kind, chips, baseline, metric, db), out)]
    except GpudbError as error:
        _fail(error)
    for path in written:
        click.echo(str(path))


def _usage(message: str) -> None:
    click.echo(f"Error: {message}", err=True)
    raise Exit(2)


@app.command()
@click.argument("name")
@click.argument("metric")
@db_option
def explain(name: str, metric: str, db: str | None) -> None:
    """Show how a derived metric of a chip is computed, with the sources of its inputs.

    NAME: an id, name or alias. METRIC: a derived metric key, e.g. tpp.

    Example: gpudb explain h20 tpp
    """
    from gpudb.analysis.explanation import explain as explain_metric

    try:
        explanation = explain_metric(name, metric, db)
    except GpudbError as error:
        _fail(error)
    value = "missing" if explanation.value is None else f"{_cell(explanation.value)} {explanation.unit}".strip()
    click.echo(f"{explanation.label} of {explanation.accelerator_id}: {value}")
    click.echo(f"  {explanation.derivation.working}")
    for item in explanation.inputs:
        published = f"{item.as_published}" + (" with 2:4 sparsity, halved" if item.sparse_in_source else "")
        click.echo(
            f"  {item.label} = {_cell(item.value)} {item.unit} (published: {published}) — "
            f"{item.source.title}, {item.source.publisher}; {item.source.url}"
        )


@app.command("export-status")
@click.argument("name")
@click.option("--rule", "-r", help="One rule id (default: every rule).")
@db_option
@format_option
def export_status(name: str, rule: str | None, db: str | None, output_format: Format) -> None:
    """Classify a chip under each export-rule version, showing every threshold comparison.

    NAME: an id, name or alias.

    Example: gpudb export-status H20 --rule us-2023-10-advanced-computing
    """
    from dataclasses import asdict

    from gpudb.analysis.export_controls import export_status as classify_chip
    from gpudb.storage import query

    try:
        results = classify_chip(name, rule, db)
        rules = {r["id"]: r for r in query.rules(db)}
    except GpudbError as error:
        _fail(error)
    rows = [
        {
            **asdict(result),
            "citation": rules[result.rule_id]["citation"],
            "status": rules[result.rule_id]["status"],
            "effective": str(rules[result.rule_id]["effective"] or ""),
        }
        for result in results
    ]
    if output_format is not Format.table:
        columns = [
            "rule_id",
            "citation",
            "status",
            "effective",
            "accelerator_id",
            "outcome",
            "paragraph",
            "summary",
            "working",
            "missing",
        ]
        if output_format is Format.csv:
            for row in rows:
                row["working"], row["missing"] = "; ".join(row["working"]), "; ".join(row["missing"])
        _emit(rows, columns, output_format)
        return
    for row in rows:
        click.echo(f"{row['rule_id']} ({row['citation']}, {row['status']}): {row['summary']}")
        for line in row["working"]:
            click.echo(f"    {line}")


@app.command()
@click.option("--id", "claim_ids", multiple=True, help="Check only this claim (repeatable).")
@db_option
@format_option
def claims(claim_ids: tuple[str, ...], db: str | None, output_format: Format) -> None:
    """Check every published claim against the data: the ratio on each metric and a verdict.

    Example: gpudb claims --id ifp-2025-12-h200-vs-h20
    """
    from gpudb.analysis.claims import claims_frame, run_checks

    try:
        checks = run_checks(list(claim_ids) or None, db)
    except GpudbError as error:
        _fail(error)
    if output_format is not Format.table:
        frame = claims_frame(checks)
        if output_format is Format.csv:
            click.echo(frame.to_csv(index=False), nl=False)
        else:
            records = json.loads(frame.to_json(orient="records", date_format="iso"))
            for record, check in zip(records, checks, strict=True):
                record["candidates"] = [
                    {"metric": c.metric, "figure": c.figure, "matches": c.matches} for c in check.candidates
                ]
            click.echo(json.dumps(records, indent=2))
        return
    from gpudb.analysis.claims import stated_text

    for check in checks:
        claim = check.claim
        by = f" (reported by {claim['reported_by']})" if claim["reported_by"] else ""
        when = claim["date"] or "undated"
        click.echo(f'{claim["id"]}: {claim["claimant"]}{by}, {when}: "{claim["quote"]}"')
        click.echo(
            f"  stated: {claim['subject_id']} {stated_text(claim)} → {check.verdict.upper()}: {check.explanation}"
        )
        if claim_ids:
            ratio = claim["stated_ratio"] is not None
            for candidate in check.candidates:
                mark = "✓" if candidate.matches else " "
                click.echo(f"    {mark} {candidate.label}: {_cell(candidate.figure, ratio=ratio)}")
        click.echo(f"  source: {claim['source_title']}; {claim['source_url']}")


@app.command("export")
@click.argument("out_dir", type=click.Path(path_type=Path))
@click.option(
    "--format",
    "-f",
    "output_format",
    default="csv",
    show_default=True,
    help="csv, json, parquet (needs pyarrow) or sqlite.",
)
@db_option
def export_dataset(out_dir: Path, output_format: str, db: str | None) -> None:
    """Write the whole dataset (wide and long tables, sources, rules, claims, a data dictionary) to a folder.

    OUT_DIR: the folder, created if missing.

    Example: gpudb export release/ --format csv
    """
    from gpudb.dataset_export import export

    try:
        written = export(out_dir, output_format, db)
    except GpudbError as error:
        _fail(error)
    for path in written:
        click.echo(str(path))


@app.command()
@data_option
def cite(data: Path | None) -> None:
    """Print a BibTeX entry for this release of the dataset (see also CITATION.cff).

    Example: gpudb cite >> references.bib
    """
    from gpudb.validation.release import bibtex

    try:
        click.echo(bibtex(data))
    except GpudbError as error:
        _fail(error)


def _database_ready(db: str | None) -> str:
    """The database URL to serve, built from data/ first when the embedded SQLite file is missing."""
    from gpudb import settings
    from gpudb.storage import build as database

    url = db or settings.database_url()
    path = database.sqlite_path(url)
    if path is not None and not path.exists():
        click.echo(f"no database at {path}; building it from {settings.data_dir()}", err=True)
        database.build(url)
    database.open_for_reading(url)
    return url


@app.command()
@db_option
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    default=1,
    show_default=True,
    help="Worker processes (each holds its own cached table).",
)
def serve(db: str | None, host: str, port: int, workers: int) -> None:
    """Serve the web table, detail, compare, claims and plot pages and the JSON API (read-only).

    Example: gpudb serve --port 8000   (then open http://127.0.0.1:8000/)
    """
    import os

    try:
        url = _database_ready(db)
    except GpudbError as error:
        _fail(error)
    import uvicorn

    if workers == 1:
        from gpudb.web.app import create_app

        uvicorn.run(create_app(url), host=host, port=port, log_level="info")
        return
    # Worker processes import the app by name, so the database URL travels in the environment.
    os.environ["GPUDB_DATABASE_URL"] = url
    uvicorn.run("gpudb.web.app:create_app", factory=True, host=host, port=port, workers=workers, log_level="info")


@app.command()
@click.argument("out_dir", type=click.Path(path_type=Path))
@db_option
def site(out_dir: Path, db: str | None) -> None:
    """Write the pages as a static site that works from any static host and from file:// with no server.

    OUT_DIR: the folder, created if missing.

    Example: gpudb site public/
    """
    from gpudb.web.site import write_site

    try:
        written = write_site(out_dir, _database_ready(db))
    except GpudbError as error:
        _fail(error)
    click.echo(f"wrote {len(written)} files to {out_dir}")


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except BrokenPipeError:  # `gpudb list | head`
        sys.stderr.close()
