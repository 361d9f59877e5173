"""The dataset written out (CSV, JSON, Parquet, SQLite) and read back; versions and citation."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

import gpudb
from gpudb.cli import app
from gpudb.dataset_export import export


@pytest.fixture
def built(several_db: str) -> str:
    return several_db


def test_the_csv_export_round_trips(built, tmp_path):
    written = export(tmp_path, "csv", built)
    names = ["accelerators", "values", "sources", "rules", "claims", "measurements", "prices"]
    names += ["systems", "system_totals", "dictionary"]
    assert [path.name for path in written] == [f"{name}.csv" for name in names]
    wide = pd.read_csv(tmp_path / "accelerators.csv").set_index("id")
    original = gpudb.specs(url=built)
    numeric = [c for c in original.columns if original[c].dtype.kind == "f"]
    pd.testing.assert_frame_equal(wide[numeric], original[numeric], check_names=False)
    assert wide.loc["x1", "tpp"] == 1979 * 8  # FP8 1,979 dense × 8 bits = 15,832
    assert wide.loc["x3", "memory_bandwidth_tbs"] == 4.8  # the preferred value
    values = pd.read_csv(tmp_path / "values.csv")
    assert len(values[values["accelerator_id"] == "x3"]) == 10  # every source's value and every status
    assert set(values["status"]) == {"value", "not-supported", "not-applicable", "unknown"}
    dictionary = pd.read_csv(tmp_path / "dictionary.csv").fillna("")
    row = dictionary[(dictionary["table"] == "accelerators") & (dictionary["column"] == "memory_bandwidth_tbs")]
    assert row["unit"].tolist() == ["TB/s"]
    rules = pd.read_csv(tmp_path / "rules.csv")
    assert json.loads(rules.loc[0, "paragraphs"])[0]["id"]  # nested paragraphs kept whole as JSON


def test_json_and_parquet_exports_hold_the_same_rows(built, tmp_path):
    export(tmp_path / "json", "json", built)
    export(tmp_path / "parquet", "parquet", built)
    from_json = pd.read_json(tmp_path / "json" / "accelerators.json").set_index("id")
    from_parquet = pd.read_parquet(tmp_path / "parquet" / "accelerators.parquet").set_index("id")
    assert from_json.loc["x3", "tdp_w"] == from_parquet.loc["x3", "tdp_w"] == 1000
    assert list(from_json.index) == list(from_parquet.index) == ["x1", "x3"]


def test_the_sqlite_export_is_a_working_database(built, tmp_path):
    (path,) = export(tmp_path, "sqlite", built)
    assert gpudb.get("x3", f"sqlite:///{path}").value("memory_capacity_gb") == 141


def test_export_cli_and_bad_format(built, tmp_path):
    runner = CliRunner()
    result = runner.invoke(app, ["export", str(tmp_path), "--format", "json", "--db", built])
    assert result.exit_code == 0
    assert result.output.splitlines()[0] == str(tmp_path / "accelerators.json")
    result = runner.invoke(app, ["export", str(tmp_path), "--format", "xml", "--db", built])
    assert (result.exit_code, result.output) == (
        2,
        "Error: unknown format 'xml'; valid formats: csv, json, parquet, sqlite\n",
    )


def test_version_and_cite_read_the_release():
    import yaml

    release = yaml.safe_load((Path(__file__).parent.parent / "data" / "dataset.yaml").read_text())
    runner = CliRunner()
    result = runner.invoke(app, ["--version"])
    assert (result.exit_code, result.output) == (
        0,
        f"gpudb {gpudb.__version__}, data {release['version']} ({release['released']})\n",
    )
    result = runner.invoke(app, ["cite"])
    assert result.exit_code == 0
    assert result.output.startswith(f"@misc{{gpudb_{release['version'].replace('.', '_')},")
    assert f"version      = {{{release['version']}}}" in result.output


def test_a_bad_release_version_is_reported(minimal_data):
    (minimal_data / "dataset.yaml").write_text("title: t\nversion: v1\nreleased: 2026-01-01\nlicense: CC-BY-4.0\n")
    result = CliRunner().invoke(app, ["cite", "--data", str(minimal_data)])
    assert result.exit_code == 1
    assert result.output == "Error: data/ has 1 problem; nothing was written\n"


def test_a_database_without_rules_exports_and_publishes(minimal_data, tmp_path):
    # no data/rules/: the rules table is empty, and export and site still write it (its header alone)
    import shutil

    from gpudb.storage.build import build

    shutil.rmtree(minimal_data / "rules")
    url = f"sqlite:///{tmp_path / 'norules.sqlite'}"
    build(url, minimal_data)
    runner = CliRunner()
    result = runner.invoke(app, ["export", str(tmp_path / "csv"), "--format", "csv", "--db", url])
    assert result.exit_code == 0, result.output
    rules = (tmp_path / "csv" / "rules.csv").read_text()
    assert rules == (
        "id,title,citation,authority,published,effective,status,status_note,source_id,kind,paragraphs,"
        "named_products,outcome_inside,outcome_outside,verification,position\n"
    )
    result = runner.invoke(app, ["site", str(tmp_path / "public"), "--db", url])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "public" / "accelerators" / "x1.html").exists()


def test_every_column_of_every_exported_table_has_a_dictionary_row(built, tmp_path):
    export(tmp_path, "csv", built)
    dictionary = pd.read_csv(tmp_path / "dictionary.csv", keep_default_na=False)
    described = {(row.table, row.column): row.description for row in dictionary.itertuples()}
    exported = {path.stem: pd.read_csv(path, nrows=0).columns for path in tmp_path.glob("*.csv")}
    assert set(exported) == {"accelerators", "values", "sources", "rules", "claims", "measurements", "prices"} | {
        "systems",
        "system_totals",
        "dictionary",
    }
    every = {(table, column) for table, columns in exported.items() for column in columns}
    assert set(described) == every  # a row for each column, and none for a column that is not there
    assert [key for key, description in described.items() if not description] == []
    assert described[("systems", "chip_count")] == "Accelerators in the whole system (the chips' counts summed)."
    assert described[("system_totals", "basis")] == (
        "published (a source gives the total) or derived (count × the chip's figure)."
    )
    assert described[("system_totals", "working")] == 'The derivation, e.g. "72 × 2,500 TFLOPS = 180,000 TFLOPS".'
    assert described[("dictionary", "unit")].startswith("The unit of its numbers")
