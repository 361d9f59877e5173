"""Commands that read the database back: list, show, metrics, coverage, conflicts."""

from __future__ import annotations

import itertools
import json
from collections.abc import Sequence
from typing import Any

import click

from gpudb.cli import app
from gpudb.cli.common import Format, db_option, format_option, print_columns, print_lists, print_rows, progress
from gpudb.formatting import STATUS_WORDS


@app.command("list")
@click.option("--systems", "list_systems", is_flag=True, help="List the systems (boards, racks, pods) instead.")
@db_option
@format_option
def list_accelerators(list_systems: bool, db: str | None, output_format: Format) -> None:
    """List the accelerators in the database.

    Example: gpudb list --format csv; gpudb list --systems
    """
    from gpudb.storage import query

    if list_systems:
        from gpudb.cli import systems as system_commands

        system_commands.list_systems(db, output_format)
        return

    rows = query.accelerators(db)
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
    print_rows(rows, columns, output_format, title="Accelerators")


@app.command()
@click.argument("name")
@db_option
@format_option
def show(name: str, db: str | None, output_format: Format) -> None:
    """Show every stored value of one accelerator with its unit and source.

    NAME: an id, name or alias.

    Example: gpudb show H200; gpudb show "GB200 NVL72" (a system: its totals, published or derived)
    """
    from gpudb.storage import query
    from gpudb.tiers import inference_label, reading_label, tier_label

    kind, identifier = query.resolve_kind(name, db)
    if kind == "system":
        from gpudb.cli import systems as system_commands

        system_commands.show(identifier, db, output_format)
        return
    accelerator = query.get(name, db)
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
            "value": _without_point_zero(v.value) if v.status == "value" else STATUS_WORDS[v.status],
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
            "tier": tier_label(v.source.kind) if v.source else "",
            "read": v.source.read if v.source else "",
            "url": v.source.url if v.source else "",
            "inference": v.inference or "",
            "note": "; ".join(part for part in (inference_label(v.inference), v.note or "") if part),
        }
        for v in accelerator.values
    ]
    if output_format is Format.csv:
        print_rows(rows, list(rows[0]) if rows else ["metric"], Format.csv)
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
    print_rows(
        rows,
        ["label", "value", "unit", "as_published", "cited", "note"],
        Format.table,
        headers={"label": "metric", "as_published": "as published", "cited": "source"},
    )
    sources = {value.source.id: value.source for value in accelerator.values if value.source}
    for source_id, number in citation.items():
        source = sources[source_id]
        date = source.published.isoformat() if source.published else "undated"
        reading = reading_label(source.read, source.read_via)
        click.echo(
            f"[{number}] {source.title}. {source.publisher}, {date} ({source.kind}; {tier_label(source.kind)}"
            f"{'; ' + reading if reading else ''}). {source.url}"
        )
    _show_measurements(accelerator.id, db)


def _show_measurements(accelerator_id: str, db: str | None) -> None:
    """Each measurement of the chip, newest first: a `gpudb bench` run's environment, or who published one and
    where, then its figures beside the peaks."""
    from gpudb.analysis import measured
    from gpudb.bench import report

    figures = measured.measurement_rows(accelerator_id, db)
    for run in measured.runs(accelerator_id, db):
        if run["kind"] == "published":
            _show_published(run, [row for row in figures if row["measurement_id"] == run["id"]])
            continue
        click.echo(f"\nMeasured {run['measured']} ({run['mode']} run {run['id']}, {run['tool']})")
        click.echo(f"on {report.environment_line(run)}")
        results = [row for row in figures if row["measurement_id"] == run["id"]]
        published = {row["metric"]: row["published"] for row in results if row["published"]}
        print_rows(report.result_rows(results, published), report.RESULT_COLUMNS, Format.table)
        for skipped in run["skipped"]:
            click.echo(f"not measured: {skipped['name']}: {skipped['reason']}")
        for row in results:
            if row["limitation"]:
                click.echo(f"limitation of {row['name']}: {row['limitation']}")


def _show_published(run: dict, results: list[dict]) -> None:
    """A measurement someone else published: who, when, where, how, and its figures beside the peaks."""
    from gpudb.bench.report import figure, percent

    source = results[0]["measurement_source"] if results else run["source_id"]
    software = f"; software: {run['tool']}" if run["tool"] else ""
    click.echo(f"\nMeasured by {run['measured_by']}, {run['measured']} ({run['id']}; published {run['published']} in ")
    click.echo(f"{source}{software})")
    click.echo(f"method: {results[0]['method'] if results else ''}")
    rows = [
        {
            "measured": row["name"],
            "against": row["label"],
            "as published": figure(row["value"]),
            "unit": row["unit"],
            "published peak": figure(row["published"]) if row["published"] else "not published",
            "efficiency": percent(row["efficiency"]),
            "at": "×".join(str(side) for side in row["shape"]) if row["shape"] else "",
        }
        for row in results
    ]
    columns = ["measured", "against", "as published", "unit", "published peak", "efficiency", "at"]
    print_rows(rows, columns, Format.table)


def _without_point_zero(value: float | str | None) -> float | str | None:
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
    print_rows(rows, list(rows[0]), output_format, title="Metrics")


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
    from gpudb.analysis.completeness import ConflictBatch, conflicting
    from gpudb.storage.query_narrow import source_facts
    from gpudb.tiers import tier_label

    # each source's cells (kind, tier, read, published), worked out once, not once an entry
    sources: dict[str | None, tuple[str, str, str, str]] = {
        source: (kind, tier_label(kind), read, published if type(published) is str else published.isoformat())
        if published
        else (kind, tier_label(kind), read, "")
        for source, (kind, read, published) in source_facts(db).items()
    }
    no_source = ("", "", "", "")

    def value_cell(status: str, number: float | None, text: str | None) -> Any:
        if status != "value":
            return STATUS_WORDS[status]
        return text if number is None else int(number) if type(number) is float and number.is_integer() else number

    def shown(batch: ConflictBatch) -> list[Sequence[Any]]:  # the printed columns of a batch of conflicts
        spreads = ["" if spread is None else f"{spread * 100:.1f}%" for spread in batch.spreads]
        statuses = batch.status
        facts = list(zip(*[sources.get(source, no_source) for source in batch.source_id], strict=True))
        return [
            batch.accelerator_id,
            batch.metric,
            list(itertools.chain.from_iterable(map(itertools.repeat, spreads, batch.sizes))),  # once a conflict
            ["yes" if preferred else "" for preferred in batch.preferred],
            list(map(value_cell, statuses, batch.value_number, batch.value_text)),
            [unit if status == "value" else "" for status, unit in zip(statuses, batch.unit, strict=True)],
            [source or "" for source in batch.source_id],
            *facts,
        ]

    with progress("comparing every source's values"):  # the database's grouping: the wait before the first row
        found = conflicting(threshold / 100, db)
        first = next(found, None)
    columns = ["accelerator", "metric", "spread", "used", "value", "unit", "source", "kind", "tier", "read"]
    print_columns(
        map(shown, itertools.chain([first] if first else [], found)),
        [*columns, "published"],
        output_format,
        title=f"Values whose sources disagree by more than {threshold:g}%",
        empty=f"No two sources disagree by more than {threshold:g}%.",
    )


@app.command()
@db_option
@format_option
def coverage(db: str | None, output_format: Format) -> None:
    """Show which metrics each accelerator has, and how well sourced: by source tier, or the status instead.

    The table has a row per accelerator and a summary per metric; csv and json give every accelerator-metric cell.
    Example: gpudb coverage --format csv
    """
    from gpudb.analysis.completeness import GRADES, VENDOR_KINDS, cell_rows, summary

    if output_format is not Format.table:  # every cell, streamed as it is read
        with progress("counting values per accelerator and metric"):
            cells = cell_rows(db)
            first = next(cells, None)
        columns = ["accelerator", "metric", "status", "source_kind", "source_tier", "source_read", "grade", "sources"]
        print_lists(
            itertools.chain([first], cells) if first else [], columns if first else ["accelerator"], output_format
        )
        return
    with progress("counting values per accelerator and metric"):
        found = summary(db)  # counted by the database: no cell per accelerator and metric
    chip_rows = [
        {
            "accelerator": chip,
            **counts,
            "core metrics missing": ", ".join(found.gaps.get(chip, [])) or "none"
            if chip in found.valued
            else "no values",
        }
        for chip, counts in found.by_chip.items()
    ]
    columns = ["accelerator", *GRADES, "not supported", "n/a", "unknown"]
    print_rows(chip_rows, [*columns, "core metrics missing"], Format.table, title="Values per accelerator")
    metric_rows = [{"metric": metric, **counts} for metric, counts in found.by_metric.items()]
    print_rows(metric_rows, ["metric", *columns[1:]], Format.table, title="Accelerators per metric")
    click.echo(
        f"vendor = from a vendor source ({', '.join(VENDOR_KINDS)}) read in the original; vendor via copy = "
        "read only through a copy or a quotation; the other columns are the lower tiers (gpudb/tiers.py); unknown "
        "includes nothing stored."
    )
