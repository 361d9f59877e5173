"""The dataset's release: its version and date (data/dataset.yaml), and how to cite it.

Read with the data loader alone (PyYAML, no schemas), so `gpudb --version` and `gpudb cite` stay instant.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from gpudb import __version__, settings
from gpudb.errors import DataValidationError
from gpudb.problems import Problem

SEMVER = r"\d+\.\d+\.\d+"


@dataclass(frozen=True)
class Release:
    """What data/dataset.yaml says: title, semantic version, release date (YYYY-MM-DD), licence."""

    title: str
    version: str
    released: str
    license: str


def release_problems(data_dir: Path) -> tuple[Release | None, list[Problem]]:
    """data/dataset.yaml read and checked: the release, or the located problems that stop it being one."""
    from gpudb.validation.loader import line_of, read_document
    from gpudb.validation.yaml_lines import quoted

    path = data_dir / "dataset.yaml"
    try:
        document, problem = read_document(path, data_dir)
    except OSError as error:
        return None, [Problem("bad-shape", f"cannot read {path.name}: {error.strerror}", str(path))]
    if problem is not None:
        return None, [problem]
    assert document is not None
    content, shown = document.content, document.shown_path
    if not isinstance(content, dict):
        return None, [Problem("bad-shape", "dataset.yaml must be a YAML mapping", shown, line_of(content, ()))]
    problems = []
    fields: dict[str, str] = {}
    for name in ("title", "version", "released", "license"):
        value = content.get(name)
        line = line_of(content, (name,))
        if name == "released" and isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            value = value.isoformat()
        if not isinstance(value, str) or not value.strip():
            needs = "a date written YYYY-MM-DD" if name == "released" else "text"
            problems.append(Problem("bad-type", f"{quoted(value)}: {name} must be {needs}", shown, line, None, name))
        elif name == "version" and not re.fullmatch(SEMVER, value):
            message = f"{quoted(value)} is not MAJOR.MINOR.PATCH"
            problems.append(Problem("bad-type", message, shown, line, None, name))
        elif name == "released" and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            message = f"{quoted(value)}: released must be a date written YYYY-MM-DD"
            problems.append(Problem("bad-type", message, shown, line, None, name))
        else:
            fields[name] = value
    return (None, problems) if problems else (Release(**fields), [])


def read_release(data_dir: Path | None = None) -> Release:
    """The release of the dataset in `data_dir` (default: the configured data folder)."""
    release, problems = release_problems(data_dir or settings.data_dir())
    if problems:
        raise DataValidationError(problems)
    assert release is not None
    return release


def version_text(data_dir: Path | None = None) -> str:
    """'gpudb 0.1.0, data 0.2.0 (2026-11-25)'."""
    release = read_release(data_dir)
    return f"gpudb {__version__}, data {release.version} ({release.released})"


def bibtex(data_dir: Path | None = None) -> str:
    """A BibTeX entry for the dataset release."""
    release = read_release(data_dir)
    year = release.released[:4]
    return (
        f"@misc{{gpudb_{release.version.replace('.', '_')},\n"
        f"  title        = {{{{{release.title}}}}},\n"
        f"  author       = {{{{The gpudb contributors}}}},\n"
        f"  year         = {{{year}}},\n"
        f"  note         = {{Dataset version {release.version}, released {release.released}; licence "
        f"{release.license}. Cite the original source of any figure quoted.}},\n"
        f"  version      = {{{release.version}}}\n"
        "}"
    )
