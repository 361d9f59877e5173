"""The command line: thin commands over the library. Errors become one line on stderr and an exit code.

Exit codes: 0 success; 1 data/ has problems; 2 bad command-line usage; 3 unknown or ambiguous accelerator;
4 database missing, unreachable or not a gpudb database.
"""

from __future__ import annotations

import csv
import io
import json
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from gpudb.errors import GpudbError

app = typer.Typer(
    name="gpudb",
    help="Published specs of GPUs and AI accelerators, every number with its source.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


class Format(StrEnum):
    table = "table"
    csv = "csv"
    json = "json"


DbOption = Annotated[
    str | None,
    typer.Option(
        "--db",
        help="Database URL (SQLAlchemy form). Default: $GPUDB_DATABASE_URL or the embedded SQLite file.",
        show_default=False,
    ),
]
DataOption = Annotated[
    Path | None,
    typer.Option(
        "--data",
        help="The data/ folder. Default: $GPUDB_DATA_DIR or this checkout's data/.",
        show_default=False,
    ),
]
FormatOption = Annotated[Format, typer.Option("--format", "-f", help="Output format.")]


def _fail(error: GpudbError) -> None:
    typer.echo(f"Error: {error}", err=True)
    raise typer.Exit(error.exit_code)


def _emit(
    rows: list[dict[str, Any]],
    columns: list[str],
    output_format: Format,
    title: str | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Print rows as a Rich table, CSV or JSON (a list of objects)."""
    if output_format is Format.json:
        typer.echo(json.dumps([{c: row.get(c) for c in columns} for row in rows], indent=2, default=str))
    elif output_format is Format.csv:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        typer.echo(buffer.getvalue(), nl=False)
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=title, show_lines=False, header_style="bold")
        for column in columns:
            table.add_column((headers or {}).get(column, column), overflow="fold")
        for row in rows:
            table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
        Console(width=max(100, Console().width)).print(table)


@app.command()
def check(data: DataOption = None, output_format: FormatOption = Format.table) -> None:
    """Validate data/ and report every problem at once; writes nothing.

    Example: gpudb check --data data/
    """
    from gpudb import settings
    from gpudb.validate import validate

    data_dir = data or settings.data_dir()
    dataset = validate(data_dir)
    if output_format is Format.json:
        typer.echo(
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
            typer.echo(str(problem), err=True)
        count = len(dataset.problems)
        if count:
            typer.echo(f"{count} problem{'s' if count != 1 else ''} in {data_dir}", err=True)
        else:
            typer.echo(
                f"{data_dir}: {len(dataset.accelerators)} accelerators, {len(dataset.specs)} values, "
                f"{len(dataset.sources)} sources, {len(dataset.rules)} rules, {len(dataset.claims)} claims: all valid"
            )
    if dataset.problems:
        raise typer.Exit(1)


@app.command()
def build(db: DbOption = None, data: DataOption = None) -> None:
    """Validate data/ and build the database from it; on any problem nothing is written.

    Example: gpudb build --db postgresql+psycopg://127.0.0.1/gpudb
    """
    from gpudb import db as database
    from gpudb.errors import DataValidationError

    try:
        result = database.build(db, data)
    except DataValidationError as error:
        for problem in error.problems:
            typer.echo(str(problem), err=True)
        _fail(error)
    except GpudbError as error:
        _fail(error)
    typer.echo(
        f"built {result.url}: {result.accelerators} accelerators, {result.values} values, {result.sources} sources"
    )


@app.command("list")
def list_accelerators(db: DbOption = None, output_format: FormatOption = Format.table) -> None:
    """List the accelerators in the database.

    Example: gpudb list --format csv
    """
    from gpudb import query

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
    _emit(rows, columns, output_format, title="Accelerators")


@app.command()
def show(
    name: Annotated[str, typer.Argument(help="Id, name or alias, e.g. H200.")],
    db: DbOption = None,
    output_format: FormatOption = Format.table,
) -> None:
    """Show every stored value of one accelerator with its unit and source.

    Example: gpudb show H200
    """
    from gpudb import query

    try:
        accelerator = query.get(name, db)
    except GpudbError as error:
        _fail(error)
    if output_format is Format.json:
        typer.echo(json.dumps(accelerator.model_dump(mode="json"), indent=2))
        return
    rows = [
        {
            "metric": v.metric,
            "label": v.label,
            "value": _number(v.value),
            "unit": v.unit,
            "as_published": v.as_published
            + (" (2:4 sparse, halved)" if v.sparse_in_source else "")
            + (f" (board of {v.board_gpus}, divided)" if v.board_gpus else ""),
            "source": v.source.title,
            "publisher": v.source.publisher,
            "published": v.source.published.isoformat() if v.source.published else "",
            "kind": v.source.kind,
            "url": v.source.url,
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
    typer.echo(header)
    # Sources are numbered like citations, so the value table stays narrow enough to read.
    citation: dict[str, int] = {}
    for value in accelerator.values:
        citation.setdefault(value.source.id, len(citation) + 1)
    for row, value in zip(rows, accelerator.values, strict=True):
        row["cited"] = f"[{citation[value.source.id]}]"
    _emit(
        rows,
        ["label", "value", "unit", "as_published", "cited", "note"],
        Format.table,
        headers={"label": "metric", "as_published": "as published", "cited": "source"},
    )
    sources = {value.source.id: value.source for value in accelerator.values}
    for source_id, number in citation.items():
        source = sources[source_id]
        date = source.published.isoformat() if source.published else "undated"
        typer.echo(f"[{number}] {source.title}. {source.publisher}, {date} ({source.kind}). {source.url}")


def _number(value: float | str | None) -> float | str | None:
    """Whole numbers without '.0' (80 GB, not 80.0 GB)."""
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


@app.command()
def metrics(output_format: FormatOption = Format.table) -> None:
    """List the metric catalogue: keys, units and meanings.

    Example: gpudb metrics --format json
    """
    from gpudb.catalogue import METRICS

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


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except BrokenPipeError:  # `gpudb list | head`
        sys.stderr.close()
