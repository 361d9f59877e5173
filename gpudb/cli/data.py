"""Commands over data/ and the dataset as a whole: check, build, export, cite."""

from __future__ import annotations

import json
from pathlib import Path

import click
from click.exceptions import Exit

from gpudb.cli import app
from gpudb.cli.common import Format, data_option, db_option, format_option, print_rows, progress


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
    if not dataset.problems and not dataset.accelerators:
        from gpudb.errors import EmptyDataError

        raise EmptyDataError(data_dir)  # the group turns it into its one line and exit 2
    if output_format is Format.json:
        click.echo(
            json.dumps({"ok": not dataset.problems, "problems": [p.as_dict() for p in dataset.problems]}, indent=2)
        )
    elif output_format is Format.csv:
        print_rows(
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
@click.option(
    "--force",
    is_flag=True,
    help="Replace an SQLite file that is not a gpudb database, or a database with an empty dataset.",
)
def build(db: str | None, data: Path | None, force: bool) -> None:
    """Validate data/ and build the database from it; on any problem nothing is written.

    Example: gpudb build --db postgresql+psycopg://127.0.0.1/gpudb
    """
    from gpudb.errors import DataValidationError
    from gpudb.storage import build as database

    try:
        with progress("validating data/ and building the database"):
            # the build validates: an SQLite file is written while the files are read (nothing kept on a problem)
            result = database.build(db, data, force=force)
    except DataValidationError as error:
        for problem in error.problems:
            click.echo(str(problem), err=True)
        raise  # the group turns the error itself into its one line
    click.echo(
        f"built {result.url}: {result.accelerators} accelerators, {result.values} values, {result.sources} sources, "
        f"{result.rules} rules, {result.claims} claims"
    )


def _folder_named(_context: click.Context, _parameter: click.Parameter, value: str) -> Path:
    if not value.strip():
        raise click.BadParameter("is empty; name a folder, e.g. release/")
    return Path(value)


@app.command("export")
@click.argument("out_dir", callback=_folder_named)
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

    with progress(f"exporting the dataset to {out_dir}"):
        written = export(out_dir, output_format, db)
    for path in written:
        click.echo(str(path))


@app.command()
@data_option
def cite(data: Path | None) -> None:
    """Print a BibTeX entry for this release of the dataset (see also CITATION.cff).

    Example: gpudb cite >> references.bib
    """
    from gpudb.validation.release import bibtex

    click.echo(bibtex(data))
