"""`gpudb export-status`: a chip under each export-rule version, or every chip under every rule (--all)."""

from __future__ import annotations

import json

import click

from gpudb.cli import app
from gpudb.cli.common import Format, db_option, format_option, print_rows, progress


@app.command("export-status")
@click.argument("name", required=False)
@click.option("--rule", "-r", help="One rule id (default: every rule).")
@click.option("--all", "every", is_flag=True, help="Every chip under every rule: rows chips, columns rules.")
@db_option
@format_option
def export_status(name: str | None, rule: str | None, every: bool, db: str | None, output_format: Format) -> None:
    """Classify a chip under each export-rule version: the answer per rule first, then every threshold comparison.

    NAME: an id, name or alias.

    Example: gpudb export-status H20 --rule us-2023-10-advanced-computing; gpudb export-status --all -f csv
    """
    from dataclasses import asdict

    from gpudb.analysis.export_controls import export_status as classify_chip
    from gpudb.errors import InvalidArgumentError
    from gpudb.storage import query

    if every == (name is not None):
        raise InvalidArgumentError("give one accelerator NAME or --all")
    if name is None:  # --all
        _print_matrix(rule, db, output_format)
        return
    results = classify_chip(name, rule, db)
    rules = {r["id"]: r for r in query.rules(db)}
    rows = [
        {
            **asdict(result),
            "citation": rules[result.rule_id]["citation"],
            "status": rules[result.rule_id]["status"],
            "effective": str(rules[result.rule_id]["effective"] or ""),
            "verification": rules[result.rule_id].get("verification") or "",
        }
        for result in results
    ]
    if output_format is not Format.table:
        columns = ["rule_id", "citation", "status", "effective", "accelerator_id", "outcome", "paragraph", "summary",
                   "deciding", "working", "missing", "verification"]  # fmt: skip
        if output_format is Format.csv:
            for row in rows:
                for column in ("deciding", "working", "missing"):
                    row[column] = "; ".join(row[column])
        print_rows(rows, columns, output_format)
        return
    answers = [
        {"rule": row["rule_id"], "outcome": row["outcome"].replace("-", " "), "deciding": "; ".join(row["deciding"])}
        for row in rows
    ]
    print_rows(answers, ["rule", "outcome", "deciding"], Format.table, headers={"deciding": "deciding comparison"})
    for row in rows:
        click.echo(f"{row['rule_id']} ({row['citation']}, {row['status']}): {row['summary']}")
        for line in row["working"]:
            click.echo(f"    {line}")
        if row["verification"]:  # what the thresholds rest on: primary text, quotation or summary
            click.echo(f"    verification: {row['verification']}")


def _print_matrix(rule: str | None, db: str | None, output_format: Format) -> None:
    """`export-status --all`: a row per chip, a column per rule (or the one --rule names), outcomes in the cells."""
    from gpudb.analysis.export_controls import export_matrix
    from gpudb.errors import InvalidArgumentError

    with progress("classifying every chip under every rule"):
        rule_ids, chips = export_matrix(db)
    if rule is not None:
        if rule not in rule_ids:
            raise InvalidArgumentError(f"unknown rule {rule!r}; valid rules: {', '.join(rule_ids)}")
        rule_ids = [rule]
    if output_format is Format.json:
        click.echo(json.dumps([{"accelerator_id": chip, **{r: o[r] for r in rule_ids}} for chip, o in chips], indent=2))
        return
    words = (lambda outcome: outcome) if output_format is Format.csv else (lambda outcome: outcome.replace("-", " "))
    rows = [{"accelerator": chip, **{r: words(outcomes[r]) for r in rule_ids}} for chip, outcomes in chips]
    columns = ["accelerator", *rule_ids]
    if output_format is Format.csv:
        print_rows(rows, columns, Format.csv)
        return
    print_rows(rows, columns, Format.table)  # a record per chip where the rule ids do not fit side by side
