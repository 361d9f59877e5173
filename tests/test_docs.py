"""The docs cover what the code has: every problem code, every CLI command, every metric in the format doc."""

from pathlib import Path

from gpudb.cli import app
from gpudb.problems import CODES

ROOT = Path(__file__).parent.parent


def test_every_problem_code_is_documented():
    text = (ROOT / "docs" / "validation.md").read_text()
    assert [code for code in CODES if f"| `{code}` |" not in text] == []


def test_every_cli_command_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    commands = [command.name or command.callback.__name__ for command in app.registered_commands]
    assert [name for name in commands if f"gpudb {name}" not in readme] == []


def test_the_readme_quick_start_is_the_ci_command():
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
    assert (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1] == "make test"
