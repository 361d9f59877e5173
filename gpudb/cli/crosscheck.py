"""`gpudb crosscheck`: peak tables of other projects (data/peers/, Epoch AI's CSV) set against gpudb."""

from __future__ import annotations

import json
from pathlib import Path

import click

from gpudb.cli import app
from gpudb.cli.common import Format, data_option, db_option, format_option, print_rows
from gpudb.errors import InvalidArgumentError

SHOWN = ["key", "precision", "verdict", "peer_converted", "gpudb_value", "gpudb_unit", "accelerator_id", "matched",
         "source_title"]  # fmt: skip


@app.command()
@click.argument("name", required=False)
@click.argument("file", required=False, type=click.Path(path_type=Path))
@click.option("--all", "every", is_flag=True, help="Every table in data/peers/: one summary line each, then the rest.")
@db_option
@data_option
@format_option
def crosscheck(
    name: str | None, file: Path | None, every: bool, db: str | None, data: Path | None, output_format: Format
) -> None:
    """Set a peer's peak table against gpudb: agrees, sparse-as-dense, board, unit-slip, other-sku, … per entry.

    NAME: a table in data/peers/ (torchtitan, lightning, …), or 'epoch' followed by Epoch AI's ml_hardware.csv.

    Example: gpudb crosscheck torchtitan; gpudb crosscheck --all; gpudb crosscheck epoch ml_hardware.csv -f csv
    """
    from gpudb.analysis.crosscheck import COLUMNS, crosscheck_rows, summary, summary_line

    if every == (name is not None):
        raise InvalidArgumentError("give one peer table NAME or --all")
    if file is not None and name != "epoch":
        raise InvalidArgumentError("only the epoch table takes a FILE")
    rows = crosscheck_rows(None if every else name, file, url=db, data_dir=data)
    if output_format is Format.json:
        click.echo(json.dumps([{c: row[c] for c in COLUMNS} for row in rows], indent=2, default=str))
        return
    if output_format is Format.csv:
        print_rows(rows, COLUMNS, Format.csv)
        return
    for peer, counts in summary(rows).items():
        click.echo(summary_line(peer, counts))
    shown = [row for row in rows if row["verdict"] != "agrees"] if every else rows
    if shown:
        columns = ["peer", *SHOWN] if every else SHOWN
        print_rows(shown, columns, Format.table, headers={"peer_converted": "peer", "gpudb_value": "gpudb"})
