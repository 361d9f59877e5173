"""The bench command: measure this machine's GPU and write a measurement file beside the published data."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from click.exceptions import Exit

from gpudb.cli import app
from gpudb.cli.common import Format, data_option, db_option, print_rows


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

    Needs PyTorch with GPU support: pip install 'gpudb-specs[bench]'. The file goes beside the published data, never
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

    match = match_accelerator(device_info, db, accelerator, choose if sys.stdin.isatty() else None)
    planned = plan(match.accelerator_id, db)
    from gpudb.storage import query

    published = query.numeric_values([match.accelerator_id], db)[match.accelerator_id]
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
    print_rows(
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
