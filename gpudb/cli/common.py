"""What the commands share: the output formats, the --db/--data/--format options, how rows and progress print."""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import sys
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from enum import StrEnum
from pathlib import Path
from typing import Any

import click

from gpudb.formatting import STATUS_WORDS, UNKNOWN, format_number, yes_no


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

# Columns whose cells people copy whole (a metric key, a chip id, a rule id): never wrapped or split in a table.
KEY_COLUMNS = frozenset({"id", "key", "metric", "accelerator", "accelerator_id", "rule", "rule_id", "chip", "peer"})
KEY_STYLE = "cyan"  # a colour, so NO_COLOR (which Rich honours) has something to take away


def print_rows(
    rows: list[dict[str, Any]],
    columns: list[str],
    output_format: Format,
    title: str | None = None,
    headers: dict[str, str] | None = None,
) -> None:
    """Print rows as a Rich table, CSV or JSON (a list of objects); flags read yes/no in the table and CSV."""
    if output_format is Format.json:
        click.echo(json.dumps([{c: row.get(c) for c in columns} for row in rows], indent=2, default=str))
    elif output_format is Format.csv:
        buffer = io.StringIO()
        writer = csv.DictWriter(buffer, fieldnames=columns, extrasaction="ignore", lineterminator="\n")
        writer.writeheader()
        writer.writerows({c: _shown(row.get(c), blank=None) for c in columns} for row in rows)
        click.echo(buffer.getvalue(), nl=False)
    elif len(rows) > LONG_TABLE:
        names = [(headers or {}).get(column, column.replace("_", " ")) for column in columns]
        cells = [
            [cell if type(cell) is str and "\n" not in cell else _one_line(cell) for cell in map(row.get, columns)]
            for row in rows
        ]
        click.echo(long_table(title, names, cells))
    else:
        from rich.table import Table
        from rich.text import Text

        table = Table(title=title, show_lines=False, header_style="bold")
        cells = [[_shown(row.get(c)) for c in columns] for row in rows]
        # spaces, not underscores, so a narrow header wraps between words ("china specific")
        names = [(headers or {}).get(column, column.replace("_", " ")) for column in columns]
        for column, header in zip(columns, names, strict=True):
            if column in KEY_COLUMNS:
                table.add_column(header, no_wrap=True, overflow="fold", style=KEY_STYLE)
            else:
                table.add_column(header, overflow="fold")
        for line in cells:
            table.add_row(*(Text(cell) for cell in line))  # text as it is, never read as Rich markup
        console = console_for(table)
        widths = column_widths(columns, names, cells, console.width)
        if widths is None:  # it would fit only with words or keys split: a record per row
            _print_records(console, cells, names, title)
            return
        for shown_column, width in zip(table.columns, widths, strict=True):
            shown_column.width = width
        console.print(table)


def print_lists(
    rows: Iterable[Sequence[Any]],
    columns: list[str],
    output_format: Format,
    title: str | None = None,
    empty: str | None = None,
) -> None:
    """print_rows for rows given as values in column order, with the same output, streamed where the format lets
    it be (print_columns, a batch of rows at a time). `empty`: the line a table prints instead when there are no
    rows."""
    batches = (list(zip(*batch, strict=True)) for batch in _batches(iter(rows)))
    print_columns(batches, columns, output_format, title, empty)


def print_columns(
    batches: Iterable[Sequence[Sequence[Any]]],
    columns: list[str],
    output_format: Format,
    title: str | None = None,
    empty: str | None = None,
) -> None:
    """print_lists for rows given column by column, a batch of rows at a time (each batch a sequence per column,
    all of one length): CSV and JSON written a batch at a time as they come, a long table once its widths are known
    (each column kept as one list of texts, no object per row)."""
    if output_format is Format.csv:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        for batch in batches:
            shown = [  # column by column: flags read yes/no, the rest is written as it is
                [_shown(value, blank=None) for value in values] if bool in set(map(type, values)) else values
                for values in batch
            ]
            writer.writerows(zip(*shown, strict=True))
            click.echo(buffer.getvalue(), nl=False)
            buffer.seek(0)
            buffer.truncate()
        click.echo(buffer.getvalue(), nl=False)  # the header alone when there are no rows
    elif output_format is Format.json:  # json.dumps of the whole list, indent=2, written a batch at a time
        # a row's object as json.dumps(indent=2) writes it inside the list: each value encoded column by column
        template = "{\n    " + ",\n    ".join(json.dumps(column).replace("%", "%%") + ": %s" for column in columns)
        template += "\n  }"
        first = True
        for batch in batches:
            encoded = [_json_scalars(column) for column in batch]
            if all(column is not None for column in encoded):
                texts = list(map(template.__mod__, zip(*encoded, strict=True)))
            else:  # a value that is not a text, number, flag or None: json.dumps itself, row by row
                texts = [
                    json.dumps(dict(zip(columns, row, strict=True)), indent=2, default=str).replace("\n", "\n  ")
                    for row in zip(*batch, strict=True)
                ]
            click.echo(("[\n  " if first else ",\n  ") + ",\n  ".join(texts), nl=False)
            first = False
        click.echo("[]" if first else "\n]")
    else:
        held = list(batches)
        count = sum(len(batch[0]) for batch in held)
        if not count and empty is not None:
            click.echo(empty)
        elif count > LONG_TABLE:  # column by column: most columns are texts of one line, kept as they are
            by_column = [list(itertools.chain.from_iterable(column)) for column in zip(*held, strict=True)]
            del held
            names = [column.replace("_", " ") for column in columns]
            for chunk in _batches(_long_table_lines(title, names, list(map(_one_line_column, by_column)))):
                click.echo("\n".join(chunk))
        else:
            rows = [dict(zip(columns, row, strict=True)) for batch in held for row in zip(*batch, strict=True)]
            print_rows(rows, columns, output_format, title=title)


_JSON_CONSTANTS = {None: "null", True: "true", False: "false"}


def _json_scalars(column: Sequence[Any]) -> list[str] | None:
    """Each value of a column as json.dumps writes it (texts ASCII-escaped, numbers by repr, NaN and infinities as
    JavaScript names); None where a value is anything else (a list, a date), which json.dumps must write itself."""
    types = set(map(type, column))
    if types == {str}:
        return list(map(json.encoder.encode_basestring_ascii, column))
    if not types <= {str, int, float, bool, type(None)}:
        return None
    encoded = []
    for value in column:
        if type(value) is str:
            encoded.append(json.encoder.encode_basestring_ascii(value))
        elif value is None or type(value) is bool:
            encoded.append(_JSON_CONSTANTS[value])
        elif type(value) is float and not math.isfinite(value):
            encoded.append("NaN" if value != value else "Infinity" if value > 0 else "-Infinity")
        else:
            encoded.append(repr(value))
    return encoded


def _batches(items: Iterator[Any], size: int = 5000) -> Iterator[list[Any]]:
    while batch := list(itertools.islice(items, size)):
        yield batch


def column_widths(columns: list[str], names: list[str], cells: list[list[str]], width: int) -> list[int] | None:
    """Each column's text width in a table `width` wide: its natural width where all fit; else every column at
    least its longest word (a key column its widest cell, never wrapped), the rest of the room shared out so the
    columns nearest their natural width get it first; None where not even that fits. (Rich's own squeezing
    splits words and keys.)"""
    from rich.cells import cell_len

    natural, least = [], []
    for index, column in enumerate(columns):
        texts = [names[index], *(line[index] for line in cells)]
        natural.append(max(cell_len(part) for text in texts for part in text.splitlines() or [""]))
        if column in KEY_COLUMNS:
            least.append(max(cell_len(line[index]) for line in cells) if cells else 1)
        else:
            least.append(max((cell_len(word) for text in texts for word in text.split()), default=1))
    room = width - 3 * len(columns) - 1  # a space either side of each cell, and the borders
    if sum(least) > room:
        return None
    if sum(natural) <= room:
        return natural
    widths, spare = list(least), room - sum(least)
    lacking = [high - low for high, low in zip(natural, least, strict=True)]
    order = sorted(range(len(columns)), key=lacking.__getitem__)
    for left, index in enumerate(order):  # the nearly-fitting first, so as few columns as can be wrap at all
        given = min(lacking[index], spare // (len(order) - left))
        widths[index] += given
        spare -= given
    return widths


def _print_records(console: Any, cells: list[list[str]], headers: list[Any], title: str | None) -> None:
    """The plain layout for a table too wide for the terminal: each row's first cell as its heading, then one
    'header: value' line per other non-empty cell, a blank line between rows."""
    from rich.padding import Padding
    from rich.text import Text

    if title:
        console.print(Text(title, style="italic"))
    for number, line in enumerate(cells):
        if number:
            console.print()
        console.print(Text(line[0], style=KEY_STYLE), overflow="fold")
        for header, cell in zip(headers[1:], line[1:], strict=True):
            if cell:  # an empty cell says nothing in a record
                line_text = Text.assemble((f"{header}: ", "bold"), cell, overflow="fold")
                console.print(
                    Padding(line_text, (0, 0, 0, 2), expand=False)
                )  # a long value wraps under itself, indented


def _shown(value: Any, blank: Any = "") -> Any:
    """A cell as printed: yes/no for a flag, `blank` for nothing, anything else as text (CSV keeps it as it is)."""
    if isinstance(value, bool):
        return yes_no(value)
    if value is None:
        return blank
    return value if blank is None else str(value)


def _one_line(value: Any) -> str:
    """A cell of a long table as printed: _shown, its line breaks as spaces."""
    text = value if type(value) is str else str(_shown(value))
    return text.replace("\n", " ") if "\n" in text else text


def _one_line_column(column: list[Any]) -> list[str]:
    """_one_line of each cell of a column: the column as it is where all are texts of one line (most columns)."""
    if set(map(type, column)) == {str} and "\n" not in "".join(column):
        return column
    return list(map(_one_line, column))


LONG_TABLE = 1000  # rows above which a table is drawn by long_table: Rich measures every cell (minutes at 100,000)


def long_table(title: str | None, headers: list[str], cells: list[list[str]]) -> str:
    """A table in Rich's box style, each column as wide as its widest cell (no wrapping), drawn in one pass."""
    return "\n".join(long_table_lines(title, headers, cells))


def long_table_lines(title: str | None, headers: list[str], cells: list[list[str]]) -> Iterator[str]:
    """The lines of long_table, one at a time."""
    return _long_table_lines(title, headers, list(zip(*cells, strict=True)) or [()] * len(headers))


def _long_table_lines(title: str | None, headers: list[str], by_column: Sequence[Sequence[str]]) -> Iterator[str]:
    """long_table_lines of the cells given column by column."""
    widths = [max([len(header), *map(len, column)]) for header, column in zip(headers, by_column, strict=True)]

    def rule(left: str, fill: str, middle: str, right: str) -> str:
        return left + middle.join(fill * (width + 2) for width in widths) + right

    def line(bar: str) -> str:  # a row's template: each text left-aligned in its column (% is quicker than format)
        return bar + bar.join(f" %-{width}s " for width in widths) + bar

    if title:
        yield title.center(sum(widths) + 3 * len(widths) + 1).rstrip()
    yield from (rule("┏", "━", "┳", "┓"), line("┃") % tuple(headers), rule("┡", "━", "╇", "┩"))
    if by_column and by_column[0]:
        yield from map(line("│").__mod__, zip(*by_column, strict=True))  # a row's texts, column by column
    yield rule("└", "─", "┴", "┘")


def console_for(renderable: Any = None):
    """A Rich console for stdout, made the ordinary way so NO_COLOR and COLUMNS count. A terminal's own width, or
    $COLUMNS; in a pipe with neither, the table's natural width, so no row wraps and a copied key stays whole."""
    import os

    from rich.console import Console

    console = Console()
    if console.is_terminal or os.environ.get("COLUMNS", "").isdigit() or renderable is None:
        return console
    natural = Console(width=10_000, no_color=True).measure(renderable).maximum
    return Console(width=max(natural, 20))


@contextmanager
def progress(description: str) -> Iterator[None]:
    """A transient progress bar on stderr while long work runs, only where stderr is a terminal: never in a pipe,
    a log or a test's output, and gone once the work is done."""
    if not sys.stderr.isatty():
        yield
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        bar.add_task(description, total=None)
        yield


def cell_text(value: Any, ratio: bool = False, status: str = "unknown") -> str:
    """A number as people read it; no value as 'unknown', 'not supported' or 'n/a' (never 0)."""
    if value is None or (isinstance(value, float) and value != value):
        return STATUS_WORDS.get(status, UNKNOWN)
    text = f"{format_number(value)}×" if ratio else format_number(value)
    return f"{text} (dense/sparse unstated)" if status == "convention-unstated" else text
