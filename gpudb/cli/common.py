"""What the commands share: the output formats, the --db/--data/--format options, and how rows are printed."""

from __future__ import annotations

import csv
import io
import json
from enum import StrEnum
from pathlib import Path
from typing import Any

import click


class Format(StrEnum):
    """What most commands can print: a Rich table, CSV or JSON."""

    table = "table"
    csv = "csv"
    json = "json"


class CompareFormat(StrEnum):
    """`gpudb compare` prints Markdown too, for pasting a comparison into a document."""

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
        default=formats["table"],  # every format enum has a table member
        show_default=True,
        help="Output format.",
    )


format_option = output_format_option(Format)

# How a metric with no value is shown: why it has none.
STATUS_WORDS = {
    "unknown": "missing",
    "not-supported": "not supported",
    "not-applicable": "n/a",
    "not-disclosed": "not disclosed",
    "convention-unstated": "dense/sparse unstated",
}


def print_rows(
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
    elif len(rows) > LONG_TABLE:
        names = [(headers or {}).get(column, column.replace("_", " ")) for column in columns]
        cells = [
            [" ".join(str(row.get(c)).split("\n")) if row.get(c) is not None else "" for c in columns] for row in rows
        ]
        click.echo(long_table(title, names, cells))
    else:
        from rich.console import Console
        from rich.table import Table

        table = Table(title=title, show_lines=False, header_style="bold")
        for column in columns:
            # spaces, not underscores, so a narrow header wraps between words ("china specific")
            table.add_column((headers or {}).get(column, column.replace("_", " ")), overflow="fold")
        for row in rows:
            table.add_row(*("" if row.get(c) is None else str(row.get(c)) for c in columns))
        Console(width=table_width()).print(table)


LONG_TABLE = 1000  # rows above which a table is drawn by long_table: Rich measures every cell (minutes at 100,000)


def long_table(title: str | None, headers: list[str], cells: list[list[str]]) -> str:
    """A table in Rich's box style, each column as wide as its widest cell (no wrapping), drawn in one pass."""
    widths = [max([len(header), *(len(row[index]) for row in cells)]) for index, header in enumerate(headers)]

    def rule(left: str, fill: str, middle: str, right: str) -> str:
        return left + middle.join(fill * (width + 2) for width in widths) + right

    def line(bar: str, values: list[str]) -> str:
        return bar + bar.join(f" {value:<{width}} " for value, width in zip(values, widths, strict=True)) + bar

    lines = [title.center(sum(widths) + 3 * len(widths) + 1).rstrip()] if title else []
    lines += [rule("┏", "━", "┳", "┓"), line("┃", headers), rule("┡", "━", "╇", "┩")]
    lines += [line("│", row) for row in cells]
    lines.append(rule("└", "─", "┴", "┘"))
    return "\n".join(lines)


def table_width() -> int:
    """The terminal's width, but never under 100 columns, so a table in a pipe or a narrow window stays readable."""
    from rich.console import Console

    return max(100, Console().width)


def cell_text(value: Any, ratio: bool = False, status: str = "unknown") -> str:
    """A number as people read it; no value as 'missing', 'not supported' or 'n/a' (never 0)."""
    if value is None or (isinstance(value, float) and value != value):
        return STATUS_WORDS.get(status, "missing")
    from gpudb.formatting import format_number

    text = f"{format_number(value)}×" if ratio else format_number(value)
    return f"{text} (dense/sparse unstated)" if status == "convention-unstated" else text
