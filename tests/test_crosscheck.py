"""Cross-checks: peer tables (data/peers/, Epoch AI's CSV) against gpudb, every verdict on a hand-made row."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from fastapi.testclient import TestClient

from gpudb.analysis.crosscheck import crosscheck, crosscheck_rows, summary, summary_line
from gpudb.cli import app
from gpudb.errors import InvalidArgumentError
from gpudb.storage.build import build
from gpudb.validation.run import peer_tables, validate

FIXTURES = Path(__file__).parent / "fixtures"
EPOCH_CSV = FIXTURES / "epoch-ml-hardware.csv"
REAL_DATA = Path(__file__).parent.parent / "data"


@pytest.fixture
def peer_data(several_data: Path) -> Path:
    """The several-values data with tests/fixtures/peers laid over it (data/peers/handmade.yaml)."""
    shutil.copytree(FIXTURES / "peers", several_data, dirs_exist_ok=True)
    return several_data


@pytest.fixture
def peer_db(peer_data: Path, database_url: str) -> str:
    build(database_url, peer_data)
    return database_url


def verdicts(rows):
    return [(row["key"], row["precision"], row["verdict"]) for row in rows]


def test_every_verdict_on_the_handmade_table(peer_db, peer_data):
    rows = crosscheck_rows("handmade", url=peer_db, data_dir=peer_data)
    assert verdicts(rows) == [
        ("ACME X1 SXM5 141GB", "bf16", "agrees"),  # 9.895e14 FLOP/s = 989.5 TFLOPS, x1's value
        ("x3", "memory-bandwidth", "superseded"),  # 5.0 TB/s: the news report's, under the datasheet's 4.8
        ("X1", "bf16", "sparse-as-dense"),  # 1979 = 2 × 989.5
        ("x1", "fp64", "board"),  # 268 = 8 × 33.5
        ("x1", "memory-bandwidth", "unit-slip"),  # 4.8e9 byte/s = 0.0048 TB/s = 4.8 ÷ 1000
        ("x1", "bf16", "other-sku"),  # 500: x3's BF16
        ("x1", "bf16", "unexplained"),  # 700 / 989.5 = 0.707: no factor, no other chip
        ("Acme Z9", "bf16", "not-in-gpudb"),
        ("Acme X", "bf16", "not-in-gpudb"),  # names x1 and x3 alike: not guessed
    ]
    agrees, superseded, sparse, board, slip, other, _, unknown, ambiguous = rows
    assert agrees | {"peer_value": 9.895e14, "gpudb_value": 989.5} == agrees
    assert (agrees["peer_unit"], agrees["gpudb_unit"], agrees["peer_converted"]) == ("FLOP/s", "TFLOPS", 989.5)
    assert agrees["source_title"] == superseded["source_title"] == sparse["source_title"]
    assert superseded["gpudb_value"] == 4.8 and superseded["matched"] == "5 from A fictional news report, for tests"
    assert (sparse["factor"], board["factor"]) == (2, 8)
    assert (slip["factor"], slip["matched"]) == (1 / 1000, "÷1000")
    assert (other["accelerator_id"], other["gpudb_value"], other["matched"]) == ("x1", 989.5, "x3 (500)")
    assert (unknown["accelerator_id"], unknown["gpudb_value"], unknown["source_title"]) == (None, None, None)
    assert ambiguous["note"] == "ambiguous: x1, x3"


def test_a_figure_for_a_metric_gpudb_does_not_hold_is_no_gpudb_value_not_unexplained(peer_data, database_url):
    """x3 has no FP64 value in the fixture: a peer's FP64 figure for it is a gap in gpudb, not a doubt about the
    peer, and has a verdict of its own."""
    (peer_data / "peers" / "gap.yaml").write_text(
        "name: gap\ntitle: Gap table\nrepository: acme/trainer\npath: flops.py\n"
        "commit: 0123456789abcdef0123456789abcdef01234567\nread: 2026-12-01\nentries:\n"
        "- key: x3\n  precision: fp64\n  value: 1.23e+13\n  unit: FLOP/s\n"
    )
    build(database_url, peer_data)
    [row] = crosscheck_rows("gap", url=database_url, data_dir=peer_data)
    assert (row["accelerator_id"], row["verdict"], row["gpudb_value"]) == ("x3", "no-gpudb-value", None)
    assert row["note"].endswith("gpudb has no fp64_tflops value for x3")
    assert summary_line("gap", summary([row])["gap"]) == "gap: 1 entry, 1 with no gpudb value"


def test_the_frame_has_one_row_per_entry(peer_db, peer_data):
    frame = crosscheck("handmade", url=peer_db, data_dir=peer_data)
    assert frame.shape == (9, 16)
    assert frame["verdict"].value_counts()["not-in-gpudb"] == 2


def test_epoch_csv_every_verdict(peer_db):
    rows = crosscheck_rows("epoch", EPOCH_CSV, url=peer_db)
    assert verdicts(rows) == [
        ("ACME X1 SXM5 141GB", "bf16", "agrees"),  # 989.5
        ("ACME X1 SXM5 141GB", "fp8", "sparse-as-dense"),  # 3958 = 2 × 1979
        ("ACME X1 SXM5 141GB", "memory-bandwidth", "agrees"),  # 4.8
        ("X3", "memory-bandwidth", "superseded"),  # 5.0, the non-preferred value
        ("Acme X1", "fp8", "board"),  # 15832 = 8 × 1979
        ("X1 SXM", "memory-bandwidth", "unit-slip"),  # 4800 = 1000 × 4.8
        ("x1", "bf16", "other-sku"),  # 500: x3's
        ("x1", "fp8", "unexplained"),  # 1200 / 1979 = 0.61
        ("Acme Z9", "bf16", "not-in-gpudb"),
    ]
    assert summary_line("epoch", summary(rows)["epoch"]) == (
        "epoch: 9 entries, 2 agree, 1 superseded, 1 sparse-as-dense, 1 board, 1 unit-slip, 1 other-sku, "
        "1 unexplained, 1 not in gpudb"
    )


def test_epoch_csv_errors_are_located(tmp_path, peer_db):
    bad = tmp_path / "ml_hardware.csv"
    bad.write_text("Hardware name,Memory bandwidth (byte/s)\nX1,4.8e12\nX3,about 5e12\n")
    with pytest.raises(InvalidArgumentError) as error:
        crosscheck_rows("epoch", bad, url=peer_db)
    assert str(error.value) == f"{bad}:3 Memory bandwidth (byte/s): 'about 5e12' is not a number"
    bad.write_text("Name,TDP (W)\nX1,700\n")
    with pytest.raises(InvalidArgumentError) as error:
        crosscheck_rows("epoch", bad, url=peer_db)
    assert str(error.value) == f"{bad}: no 'Hardware name' column; is this Epoch AI's ml_hardware.csv?"


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def test_cli_all_prints_the_exact_summary_line(peer_db, peer_data):
    result = invoke("crosscheck", "--all", "--db", peer_db, "--data", str(peer_data))
    assert result.exit_code == 0, result.output
    first = result.output.splitlines()[0]
    assert first == (
        "handmade: 9 entries, 1 agree, 1 superseded, 1 sparse-as-dense, 1 board, 1 unit-slip, 1 other-sku, "
        "1 unexplained, 2 not in gpudb"
    )
    assert "ACME X1 SXM5 141GB" not in result.output  # the one that agrees is not listed among the disagreements


def test_cli_epoch_csv_and_errors(peer_db, peer_data):
    result = invoke("crosscheck", "epoch", str(EPOCH_CSV), "--db", peer_db, "-f", "csv")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("peer,key,precision,metric,verdict,peer_value,peer_unit")
    assert lines[1].startswith("epoch,ACME X1 SXM5 141GB,bf16,bf16_dense_tflops,agrees,989500000000000.0,FLOP/s")
    assert len(lines) == 10
    unknown = invoke("crosscheck", "nope", "--db", peer_db, "--data", str(peer_data))
    assert (unknown.exit_code, unknown.output) == (2, "Error: unknown peer table 'nope'; known: handmade\n")
    neither = invoke("crosscheck", "--db", peer_db)
    assert (neither.exit_code, neither.output) == (2, "Error: give one peer table NAME or --all\n")
    missing = invoke("crosscheck", "epoch", "--db", peer_db)
    assert (missing.exit_code, missing.output) == (2, "Error: the epoch table is a CSV you downloaded: give its path\n")


@pytest.fixture
def peer_env(peer_data: Path, monkeypatch):
    """GPUDB_DATA_DIR on the fixture data; the footer's release, cached per process, is forgotten either side."""
    from gpudb.web.render import release

    release.cache_clear()
    monkeypatch.setenv("GPUDB_DATA_DIR", str(peer_data))
    yield peer_data
    release.cache_clear()


def test_web_page_api_and_downloads(peer_db, peer_env):
    from gpudb.web import create_app

    client = TestClient(create_app(peer_db))
    page = client.get("/crosscheck?peer=handmade")
    assert page.status_code == 200
    assert "handmade: 9 entries, 1 agree," in page.text
    api = client.get("/api/crosscheck?verdict=board").json()
    assert [(row["key"], row["factor"]) for row in api["rows"]] == [("x1", 8)]
    assert api["summary"][0]["line"].startswith("handmade: 9 entries")
    csv_text = client.get("/download/crosscheck?format=csv&peer=handmade")
    assert csv_text.headers["content-disposition"] == 'attachment; filename="gpudb-crosscheck-handmade.csv"'
    assert len(csv_text.text.splitlines()) == 10
    assert len(client.get("/download/crosscheck?format=json").json()) == 9
    bad = client.get("/api/crosscheck?peer=nope")
    assert bad.status_code == 400
    assert bad.json() == {
        "ok": False,
        "status": 400,
        "error": "bad-parameter",
        "title": "Bad request",
        "message": "parameter 'peer': unknown peer table 'nope'; allowed values: handmade",
        "parameter": "peer",
        "allowed": ["handmade"],
    }
    assert client.get("/crosscheck?verdict=maybe").status_code == 400


def test_malformed_peer_rows_are_located_and_the_rest_checked(peer_data):
    (peer_data / "peers" / "bad.yaml").write_text(
        "name: bad\ntitle: Bad table\nrepository: acme/trainer\npath: flops.py\n"
        "commit: 0123456789abcdef0123456789abcdef01234567\nread: 2026-12-01\nentries:\n"
        "- key: x1\n  precision: bf16\n  value: 9.895e+14\n"  # line 8: no unit
        "- key: x1\n  precision: bf16\n  value: 9.895e+14\n  unit: TFLOP/s\n"  # line 11: unknown unit
        "- key: x1\n  precision: bf16\n  value: 989e12\n  unit: FLOP/s\n"  # line 15: YAML reads 989e12 as text
        "- key: x1\n  precision: bf16\n  value: 9.895e+14\n  unit: FLOP/s\n"  # line 19: fine
    )
    dataset = peer_tables(peer_data)
    assert [str(problem) for problem in dataset.problems] == [
        "data/peers/bad.yaml:8 bad.entries[0].unit: required field 'unit' is missing [missing-field]",
        "data/peers/bad.yaml:14 bad.entries[1].unit: unit 'TFLOP/s' is not one of FLOP/s, OP/s, byte/s [bad-unit]",
        "data/peers/bad.yaml:17 bad.entries[2].value: '989e12' is not a number; write the figure in FLOP/s, "
        "e.g. 9.89e+14 [not-a-number]",
    ]
    bad = next(record for record in dataset.peers if record.entry.name == "bad")
    assert len(bad.rows) == 3  # the row without a unit is left out, the other three are read and checked
    assert [problem.code for problem in validate(peer_data).problems] == ["missing-field", "bad-unit", "not-a-number"]


def test_the_real_peer_tables_are_valid_and_cite_a_commit():
    dataset = peer_tables(REAL_DATA)
    assert dataset.problems == []
    names = sorted(record.entry.name for record in dataset.peers)
    assert names == [
        "composer", "levanter", "lightning", "marin", "nanochat", "nanogpt",
        "nemo-rl", "olmo-core", "torchtitan", "trl",
    ]  # fmt: skip
    assert all(len(record.entry.commit) == 40 and record.rows for record in dataset.peers)
