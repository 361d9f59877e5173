"""`gpudb --help` lists every command with its whole first help paragraph; `python -m gpudb` is the same CLI."""

from __future__ import annotations

import re
import subprocess
import sys

from click.testing import CliRunner

from gpudb.cli import app

COMMANDS = [
    "bench",
    "build",
    "check",
    "cite",
    "claims",
    "compare",
    "conflicts",
    "coverage",
    "crosscheck",
    "device",
    "explain",
    "export",
    "export-status",
    "list",
    "metrics",
    "peak",
    "plot",
    "prices",
    "serve",
    "show",
    "site",
]


def listed_commands(help_text: str) -> dict[str, str]:
    """The Commands section of --help as {name: its text}, the lines Click wrapped joined back together."""
    entries: dict[str, str] = {}
    name = ""
    for line in help_text.split("\nCommands:\n", 1)[1].splitlines():
        if match := re.fullmatch(r"  (\S+)\s+(.*)", line):
            name = match.group(1)
            entries[name] = match.group(2)
        elif line.strip():
            entries[name] += " " + line.strip()
    return entries


def first_paragraph(name: str) -> str:
    return " ".join(app.commands[name].help.split("\n\n")[0].split())


def test_help_lists_every_command_with_its_first_paragraph():
    result = CliRunner().invoke(app, ["--help"])
    assert result.exit_code == 0
    assert result.output.startswith(
        "Usage: gpudb [OPTIONS] COMMAND [ARGS]...\n\n"
        "  Published specs of GPUs and AI accelerators, every number with its source.\n"
    )
    entries = listed_commands(result.output)
    assert list(entries) == COMMANDS == sorted(app.commands)
    assert entries == {name: first_paragraph(name) for name in COMMANDS}
    # the whole paragraph, not Click's first 45 characters cut with '...'
    assert entries["compare"] == (
        "Compare chips on every metric, with ratios to a baseline, so a ratio always names its metric."
    )
    assert entries["show"] == "Show every stored value of one accelerator with its unit and source."
    assert not [text for text in entries.values() if text.endswith("...")]


def test_short_h_is_help_too():
    assert CliRunner().invoke(app, ["-h"]).output == CliRunner().invoke(app, ["--help"]).output


def test_python_dash_m_gpudb_runs_the_same_cli():
    result = subprocess.run([sys.executable, "-m", "gpudb", "--help"], capture_output=True, text=True)
    assert (result.returncode, result.stderr) == (0, "")
    assert list(listed_commands(result.stdout)) == COMMANDS
