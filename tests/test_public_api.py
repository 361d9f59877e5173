"""The package's public API: lazily imported at run time, and the same names visible to type checkers."""

import ast
import importlib
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import gpudb

INIT = Path(gpudb.__file__)


def _type_checking_imports() -> dict[str, str]:
    """name → module of every import inside gpudb/__init__.py's `if TYPE_CHECKING:` block."""
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    block = next(node for node in tree.body if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING")
    return {
        alias.name: statement.module
        for statement in block.body
        if isinstance(statement, ast.ImportFrom) and statement.module
        for alias in statement.names
    }


def test_importing_gpudb_loads_no_pandas_sqlalchemy_or_pydantic():
    code = "import sys, gpudb; print(sorted(m for m in ('pandas', 'sqlalchemy', 'pydantic') if m in sys.modules))"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_type_checkers_see_every_exported_name_from_the_module_that_defines_it():
    assert _type_checking_imports() == gpudb._EXPORTS


def test_all_lists_the_version_and_every_lazy_export():
    assert len(gpudb.__all__) == len(set(gpudb.__all__))
    assert set(gpudb.__all__) == {"__version__", *gpudb._EXPORTS}


def test_every_export_resolves_to_the_object_in_its_module():
    for name, module in gpudb._EXPORTS.items():
        assert getattr(gpudb, name) is getattr(importlib.import_module(module), name)


def test_an_unknown_attribute_is_an_attribute_error():
    with pytest.raises(AttributeError) as raised:
        gpudb.no_such_thing  # noqa: B018
    assert str(raised.value) == "module 'gpudb' has no attribute 'no_such_thing'"


def test_the_package_ships_its_py_typed_marker():
    assert (INIT.parent / "py.typed").is_file()
    pyproject = tomllib.loads((INIT.parent.parent / "pyproject.toml").read_text(encoding="utf-8"))
    assert "py.typed" in pyproject["tool"]["setuptools"]["package-data"]["gpudb"]
