"""The read path's Core clauses (gpudb.storage.tables) match the schema of record (gpudb.storage.models) exactly."""

import subprocess
import sys

import pytest

from gpudb.storage import tables
from gpudb.storage.models import SQLModel


@pytest.mark.parametrize("clause", tables.ALL, ids=lambda clause: clause.name)
def test_each_clause_names_every_column_with_its_type(clause):
    model = SQLModel.metadata.tables[clause.name]
    assert [c.name for c in clause.columns] == [c.name for c in model.columns]
    for light, schema in zip(clause.columns, model.columns, strict=True):
        assert (light.name, light.type._type_affinity) == (schema.name, schema.type._type_affinity)


def test_every_table_of_the_schema_has_a_clause():
    assert sorted(clause.name for clause in tables.ALL) == sorted(SQLModel.metadata.tables)


def test_the_read_path_imports_neither_the_orm_nor_the_models_nor_pydantic():
    # the point of gpudb.storage.tables: a cold `gpudb compare` or `gpudb show` does not pay for them
    heavy = ("sqlmodel", "sqlalchemy.orm", "gpudb.storage.models", "pydantic", "pandas", "plotly")
    code = (
        "import sys; import gpudb.cli, gpudb.analysis.comparison, gpudb.storage.query, gpudb.analysis.measured, "
        "gpudb.analysis.devices; "
        f"print(sorted(m for m in {heavy!r} if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
