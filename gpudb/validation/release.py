"""The dataset's release: its version and date (data/dataset.yaml), and how to cite it.

Read with PyYAML alone, so `gpudb --version` and `gpudb cite` stay instant and work before any build.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gpudb import __version__, settings
from gpudb.errors import DataValidationError, GpudbError
from gpudb.problems import Problem

SEMVER = r"^\d+\.\d+\.\d+$"


@dataclass(frozen=True)
class Release:
    """What data/dataset.yaml says: title, semantic version, release date (YYYY-MM-DD), licence."""

    title: str
    version: str
    released: str
    license: str


def read_release(data_dir: Path | None = None) -> Release:
    """The release of the dataset in `data_dir` (default: the configured data folder)."""
    import re

    import yaml

    path = (data_dir or settings.data_dir()) / "dataset.yaml"
    try:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise GpudbError(f"cannot read {path}: {error.strerror}") from None
    except yaml.YAMLError as error:
        raise DataValidationError([Problem("yaml-syntax", f"invalid YAML: {error}", str(path))]) from None
    fields = {name: str(content.get(name, "")) for name in ("title", "version", "released", "license")}
    if not re.match(SEMVER, fields["version"]):
        message = f"version {fields['version']!r} is not MAJOR.MINOR.PATCH"
        raise DataValidationError([Problem("bad-type", message, str(path), None, None, "version")])
    return Release(**fields)


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
