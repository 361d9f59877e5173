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
    assert len(app.commands) >= 19
    assert [name for name in app.commands if f"gpudb {name}" not in readme] == []


def test_the_readme_quick_start_is_the_ci_command():
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
    assert (ROOT / ".ci" / "run").read_text().strip().splitlines()[-1] == "make test"


def test_the_contributing_worked_example_validates(minimal_data):
    """The source and chip in CONTRIBUTING.md, added to the minimal data, pass every check."""
    import re

    from gpudb.validation.run import validate

    blocks = re.findall(r"```yaml\n(.*?)```", (ROOT / "CONTRIBUTING.md").read_text(), re.DOTALL)
    source, chip = blocks
    (minimal_data / "sources" / "acme-z2.yaml").write_text(source)
    (minimal_data / "accelerators" / "acme" / "z2.yaml").write_text(chip)
    dataset = validate(minimal_data)
    assert dataset.problems == []
    bf16 = next(
        spec for spec in dataset.specs if spec.accelerator_id == "z2" and spec.metric.key == "bf16_dense_tflops"
    )
    assert bf16.value_number == 1000  # 2,000 TFLOPS with sparsity, halved


def test_citation_and_dataset_versions_agree():
    import yaml

    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text())
    dataset = yaml.safe_load((ROOT / "data" / "dataset.yaml").read_text())
    assert (citation["version"], str(citation["date-released"])) == (dataset["version"], str(dataset["released"]))
    assert f"## {dataset['version']} ({dataset['released']})" in (ROOT / "data" / "CHANGELOG.md").read_text()


def test_every_data_folder_travels_with_an_installed_package():
    import tomllib

    listed = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["data-files"]
    folders = {path.parent for path in (ROOT / "data").rglob("*.yaml")}
    wanted = {f"share/gpudb/{folder.relative_to(ROOT).as_posix()}" for folder in folders}
    assert sorted(wanted - set(listed)) == []
