"""The command line: the `gpudb` group and its entry point. Errors become one line on stderr and an exit code.

Exit codes: 0 success; 1 data/ has problems; 2 bad command-line usage; 3 unknown or ambiguous accelerator;
4 database missing, unreachable or not a gpudb database; 5 nothing to measure (no PyTorch or no GPU).
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
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

    click.echo(version_text())
    context.exit()


class _Command(click.Command):
    """A command whose line in `gpudb --help` is its whole first paragraph, not cut at 45 characters."""

    def get_short_help_str(self, limit: int = 45) -> str:
        return self.short_help or " ".join((self.help or "").split("\n\n")[0].split())


class _Group(click.Group):
    command_class = _Command

    def make_context(self, *args: Any, **kwargs: Any) -> click.Context:
        with _errors_as_one_line():  # --version reads data/ while the group's own options are parsed
            return super().make_context(*args, **kwargs)

    def invoke(self, context: click.Context) -> Any:
        with _errors_as_one_line():  # a command's options are parsed, and the command run, in here
            return super().invoke(context)


@contextmanager
def _errors_as_one_line() -> Iterator[None]:
    """The one place a GpudbError becomes 'Error: <its message>' on stderr and the exit code it carries."""
    try:
        yield
    except GpudbError as error:
        click.echo(f"Error: {error}", err=True)
        raise Exit(error.exit_code) from None


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


# Importing a command module registers its commands on `app`; they import `app` from here, so this comes last.
from gpudb.cli import analysis, bench, browse, crosscheck, data, plot, prices, serve  # noqa: E402, F401


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    except BrokenPipeError:  # `gpudb list | head`
        sys.stderr.close()
