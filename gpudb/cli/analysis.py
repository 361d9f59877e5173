"""Commands that answer questions about chips: compare, explain, export-status, claims, device, peak."""

from __future__ import annotations

import json
from typing import Any

import click
from click.exceptions import Exit

from gpudb.cli import app
from gpudb.cli.common import (
    CompareFormat,
    Format,
    cell_text,
    db_option,
    format_option,
    output_format_option,
    print_rows,
)


def _ratio_status(row: dict[str, Any], chip: str, base: str) -> str:
    """Why a ratio is missing: not supported (by either chip) outranks not applicable, a figure of unstated
    convention, not disclosed and unknown, in that order."""
    found = {row["status"][chip], row["status"][base]}
    reasons = ("not-supported", "not-applicable", "convention-unstated", "not-disclosed")
    return next((status for status in reasons if status in found), "unknown")


@app.command()
@click.argument("names", nargs=-1, required=True)
@click.option("--baseline", "-b", help="Chip the ratios are taken against (default: the last).")
@click.option("--metrics", "-m", help="Comma-separated metric keys (default: all with a value).")
@click.option(
    "--measured",
    is_flag=True,
    help="Add each chip's newest `gpudb bench` figures and efficiency (÷ published), and what others measured.",
)
@click.option(
    "--include-unstated",
    is_flag=True,
    help="Also use tensor figures whose source does not say dense or sparse (as published, marked).",
)
@click.option(
    "--view",
    type=click.Choice(["total", "per-chip", "per-kw", "per-rack"]),
    default="total",
    show_default=True,
    help="Systems only: totals, or totals per chip, per kW or per rack (a chip beside a system: per-chip).",
)
@click.option("--cost", is_flag=True, help="Show TFLOPS and memory per dollar of each chip's dated prices instead.")
@click.option("--as-of", "as_of", type=click.DateTime(["%Y-%m-%d"]), help="With --cost: prices on this day.")
@click.option("--precision", default="bf16", show_default=True, help="With --cost: the dense precision.")
@db_option
@output_format_option(CompareFormat)
def compare(
    names: tuple[str, ...],
    baseline: str | None,
    metrics: str | None,
    measured: bool,
    include_unstated: bool,
    view: str,
    cost: bool,
    as_of: Any,
    precision: str,
    db: str | None,
    output_format: CompareFormat,
) -> None:
    """Compare chips on every metric, with ratios to a baseline, so a ratio always names its metric.

    NAMES: ids, names or aliases.

    Systems compare with systems: gpudb compare "CloudMatrix 384" "GB200 NVL72" (totals, with their sources).

    Example: gpudb compare H200 H20   (reads "H200 is N× H20"); gpudb compare H100 H200 --measured;
    gpudb compare H100 H200 B200 MI300X --cost --as-of 2025-06-30
    """
    if cost:
        from gpudb.cli.prices import print_cost_comparison

        return print_cost_comparison(list(names), db, output_format, as_of.date() if as_of else None, precision)
    from gpudb.analysis.comparison import OTHERS, compare_rows
    from gpudb.cli import systems as system_commands

    keys = [key.strip() for key in metrics.split(",") if key.strip()] if metrics else None
    found = system_commands.kinds(names, db)
    if any(kind == "system" for kind, _ in found):
        system_commands.compare(names, found, baseline, keys, view, db, output_format)
        return
    comparison = compare_rows(
        list(names), baseline=baseline, metrics=keys, url=db, measured=measured, include_unstated=include_unstated
    )
    chips, base, ratio_columns = comparison.chips, comparison.baseline, comparison.ratio_columns
    from gpudb.analysis.claims import check_record, run_checks, verdict_line

    checks = run_checks(url=db, about=chips)
    if output_format is CompareFormat.json:
        claims_ = [check_record(check) for check in checks]
        body = {"chips": chips, "baseline": base, "rows": comparison.rows, "claims": claims_}
        click.echo(json.dumps(body, indent=2, default=str))
        return
    if output_format is CompareFormat.csv:
        status_columns = [f"{chip} status" for chip in chips]
        flat = [{**row, **{f"{chip} status": row["status"][chip] for chip in chips}} for row in comparison.rows]
        print_rows(flat, [*comparison.columns, *status_columns], Format.csv)
        return
    rows = [
        {
            "metric": row["label"],
            "unit": row["unit"],
            **{chip: cell_text(row[chip], status=row["status"][chip]) for chip in chips},
            **{
                f"{chip}/{base}": cell_text(row[f"{chip}/{base}"], ratio=True, status=_ratio_status(row, chip, base))
                for chip in chips
                if chip != base
            },
            **(_measured_cells(row, chips) if measured else {}),
        }
        for row in comparison.rows
    ]
    columns = ["metric", "unit", *chips, *ratio_columns]
    if measured:
        columns += [f"{chip} {what}" for chip in chips for what in ("measured", "efficiency", OTHERS)]
    if output_format is CompareFormat.markdown:
        lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
        lines += ["| " + " | ".join(str(row[c]) for c in columns) + " |" for row in rows]
        if checks:
            lines += ["", "Published claims about these chips:", ""]
            lines += [f"- {check.claim['id']}: {verdict_line(check)}" for check in checks]
        click.echo("\n".join(lines))
        return
    print_rows(rows, columns, Format.table, title=f"Compared with {base}")
    if checks:
        click.echo("Published claims about these chips:")
        for check in checks:
            _echo_claim(check, indent="  ")


def _measured_cells(row: dict[str, Any], chips: list[str]) -> dict[str, str]:
    """A chip's newest measured median and its efficiency as table cells ('' where nothing was measured)."""
    from gpudb.analysis.comparison import OTHERS
    from gpudb.bench.report import figure, percent

    cells = {}
    for chip in chips:
        cells[f"{chip} measured"] = figure(row[f"{chip} measured"])
        cells[f"{chip} efficiency"] = percent(row[f"{chip} efficiency"])
        cells[f"{chip} {OTHERS}"] = row[f"{chip} {OTHERS}"]
    return cells


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
    from gpudb.tiers import inference_label, tier_label

    explanation = explain_metric(name, metric, db)
    value = "missing" if explanation.value is None else f"{cell_text(explanation.value)} {explanation.unit}".strip()
    click.echo(f"{explanation.label} of {explanation.accelerator_id}: {value}")
    click.echo(f"  {explanation.derivation.working}")
    for item in explanation.inputs:
        published = f"{item.as_published}" + (" with 2:4 sparsity, halved" if item.sparse_in_source else "")
        source = item.source
        cited = (
            f"{source.title}, {source.publisher} ({tier_label(source.kind)}); {source.url}" if source else "no source"
        )  # validation forbids a value without a source
        click.echo(
            f"  {item.label} = {cell_text(item.value)} {item.unit} (published: {published}) — {cited}"
            + (f"; {inference_label(item.inference)}" if item.inference else "")
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

    results = classify_chip(name, rule, db)
    rules = {r["id"]: r for r in query.rules(db)}
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
        print_rows(rows, columns, output_format)
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
    """Check every published claim against the data: each metric's figure, its gap and a graded verdict.

    Example: gpudb claims --id ifp-2025-12-h200-vs-h20
    """
    from gpudb.analysis.claims import claims_frame, run_checks

    checks = run_checks(list(claim_ids) or None, db)
    if output_format is not Format.table:
        frame = claims_frame(checks)
        if output_format is Format.csv:
            click.echo(frame.to_csv(index=False), nl=False)
        else:
            records = json.loads(frame.to_json(orient="records", date_format="iso"))
            for record, check in zip(records, checks, strict=True):
                record["candidates"] = [
                    {"metric": c.metric, "figure": c.figure, "gap": c.gap, "grade": c.grade, "matches": c.matches}
                    for c in check.candidates
                ]
            click.echo(json.dumps(records, indent=2))
        return
    for check in checks:
        _echo_claim(check, detail=bool(claim_ids))


GRADE_MARKS = {"matches": "✓", "roughly": "~"}


def _echo_claim(check: Any, detail: bool = False, indent: str = "") -> None:
    """A claim as lines: who said what, the verdict line, why, whether the quote was found, the source."""
    from gpudb.analysis.claims import QUOTE_NOT_FOUND, gap_text, verdict_line

    claim = check.claim
    by = f" (reported by {claim['reported_by']})" if claim["reported_by"] else ""
    when = claim["date"] or "undated"
    click.echo(f'{indent}{claim["id"]}: {claim["claimant"]}{by}, {when}: "{claim["quote"]}"')
    if claim["quote_found"] is False:
        click.echo(f"{indent}  note: {QUOTE_NOT_FOUND}")
    click.echo(f"{indent}  verdict: {verdict_line(check)}")
    click.echo(f"{indent}  why: {check.explanation}")
    if detail:
        ratio = claim["stated_ratio"] is not None
        for candidate in check.candidates:
            mark = GRADE_MARKS.get(candidate.grade or "", " ")
            gap = f" ({gap_text(candidate.gap)})" if candidate.gap is not None else ""
            click.echo(f"{indent}    {mark} {candidate.label}: {cell_text(candidate.figure, ratio=ratio)}{gap}")
    click.echo(f"{indent}  source: {claim['source_title']}; {claim['source_url']}")


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

    match = lookup_device(name, memory_gb, db)
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

    found = peak_flops(name, precision, db)
    from gpudb.formatting import format_number

    unit = "OP/s" if found.precision == "int8" else "FLOP/s"
    halved = " (published 2:4 sparse, halved)" if found.sparse_in_source else ""
    click.echo(
        f"{found.accelerator_id} dense {found.precision.upper()}: {found.flops:.4g} {unit} "
        f"({format_number(found.tflops)} T)"
    )
    click.echo(f"as published: {found.as_published}{halved}; source: {found.source_title} {found.source_url}")
