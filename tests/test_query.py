"""Reading: name resolution, gpudb.get and the specs frames."""

from __future__ import annotations

import math

import pytest

import gpudb
from gpudb.errors import AmbiguousNameError, UnknownAcceleratorError
from gpudb.storage import build as db
from gpudb.storage import query

X2 = """id: x2
vendor: Acme
name: X2 PCIe
aliases: [Acme X2]
architecture: Roadrunner
form_factor: PCIe
data_center: true
china_specific: true
specs:
  tdp_w:
    value: 350 W
    source: acme-datasheet
"""


@pytest.fixture
def built(minimal_data, database_url) -> str:
    """The minimal data plus a second chip (x2), built on each backend."""
    (minimal_data / "accelerators" / "acme" / "x2.yaml").write_text(X2)
    db.build(database_url, minimal_data)
    return database_url


@pytest.mark.parametrize("name", ["x1", "X1", "x1 sxm", "X1-SXM", "acme x1", "ACME_X1", "  Acme  X1 "])
def test_names_resolve_whatever_the_case_and_spacing(built, name):
    assert query.resolve(name, built) == "x1"


def test_an_unknown_name_suggests_close_ones(built):
    with pytest.raises(UnknownAcceleratorError) as caught:
        query.resolve("x1 sx", built)
    assert str(caught.value) == "unknown accelerator 'x1 sx'; did you mean 'x1'?"


def test_an_unknown_name_with_nothing_close_says_how_to_list(built):
    with pytest.raises(UnknownAcceleratorError) as caught:
        query.resolve("Quantum Z9", built)
    assert str(caught.value) == "unknown accelerator 'Quantum Z9'; run 'gpudb list' to see the accelerators"


def test_an_ambiguous_name_lists_the_candidates(built):
    with pytest.raises(AmbiguousNameError) as caught:
        query.resolve("acme", built)
    assert str(caught.value) == "ambiguous accelerator 'acme': it could be 'x1', 'x2'"
    assert caught.value.candidates == ["x1", "x2"]


def test_get_returns_identity_and_values_with_sources(built):
    x2 = gpudb.get("Acme X2", url=built)
    assert (x2.id, x2.name, x2.form_factor, x2.china_specific, x2.aliases) == (
        "x2",
        "X2 PCIe",
        "PCIe",
        True,
        ["Acme X2"],
    )
    assert [(v.metric, v.value, v.unit, v.source.id) for v in x2.values] == [("tdp_w", 350.0, "W", "acme-datasheet")]


def test_specs_wide_has_one_row_per_chip_and_a_column_per_metric(built):
    frame = gpudb.specs(url=built)
    assert list(frame.index) == ["x1", "x2"]
    assert frame.loc["x1", "bf16_dense_tflops"] == 989.5
    assert frame.loc["x2", "tdp_w"] == 350.0
    assert math.isnan(frame.loc["x2", "bf16_dense_tflops"])  # unknown is NaN, never 0
    assert frame.loc["x1", "memory_type"] == "HBM3e"
    assert frame.loc["x1", "launch_date"] == "2024-03-18"
    assert str(frame["memory_bandwidth_tbs"].dtype) == "float64"
    assert list(frame.columns[:9]) == [
        "vendor",
        "name",
        "architecture",
        "form_factor",
        "data_center",
        "china_specific",
        "aliases",  # the first seven as before 0.4; the new identity columns follow
        "availability",
        "announced",
    ]


def test_specs_long_has_provenance_on_every_row(built):
    frame = gpudb.specs(long=True, url=built)
    assert len(frame) == 9
    assert frame["source_url"].notna().all() and frame["source_title"].notna().all()
    row = frame[(frame.accelerator_id == "x1") & (frame.metric == "bf16_dense_tflops")].iloc[0]
    assert (row.value, row.unit, row.as_published, bool(row.sparse_in_source)) == (989.5, "TFLOPS", "1979 TFLOPS", True)
    assert (row.source_kind, row.source_publisher) == ("vendor-datasheet", "Acme")
    board = frame[(frame.accelerator_id == "x1") & (frame.metric == "fp64_tflops")].iloc[0]
    assert (board.value, board.board_gpus) == (33.5, 8)


def test_the_default_database_comes_from_the_environment(minimal_data, isolated_env, monkeypatch):
    monkeypatch.setenv("GPUDB_DATA_DIR", str(minimal_data))
    gpudb.build()
    assert (isolated_env / "default.sqlite").exists()
    assert gpudb.get("x1").value("memory_bandwidth_tbs") == 4.8
