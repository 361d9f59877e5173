"""Several sources for one metric, the preferred choice, statuses, conflicts and coverage.

The fixture tests/fixtures/several-values adds chip x3 to the minimal data: bandwidth from a datasheet (4.8 TB/s)
and a news report (5.0 TB/s), capacity 141 vs 141.5 GB, a TDP whose news figure is preferred by hand, and FP8
not supported, FP4 unknown, PCIe generation not applicable.
"""

from __future__ import annotations

import math

import pytest
from click.testing import CliRunner

import gpudb
from gpudb.analysis.completeness import conflicts, coverage, missing_core
from gpudb.cli import app
from gpudb.storage.build import build
from gpudb.validation.run import validate


@pytest.fixture
def built(several_db: str) -> str:
    return several_db


def test_the_fixture_is_valid_and_the_preferred_entries_are_chosen(several_data):
    dataset = validate(several_data)
    assert dataset.problems == []
    x3 = sorted(key for key in dataset.preferred if key[0] == "x3")
    assert x3 == [
        ("x3", "bf16_dense_tflops", None),
        ("x3", "fp4_dense_tflops", None),
        ("x3", "fp8_dense_tflops", None),
        ("x3", "memory_bandwidth_tbs", 1),  # the vendor datasheet (tier 1) outranks the trade report (tier 4)
        ("x3", "memory_capacity_gb", 1),
        ("x3", "pcie_generation", None),
        ("x3", "tdp_w", 1),  # preferred: true overrides the kind order
    ]


def test_the_database_uses_the_preferred_value_and_keeps_the_others(built):
    x3 = gpudb.get("x3", built)
    assert (x3.value("memory_bandwidth_tbs"), x3.value("memory_capacity_gb"), x3.value("tdp_w")) == (4.8, 141, 1000)
    bandwidths = [(v.value, v.preferred, v.source.id) for v in x3.values if v.metric == "memory_bandwidth_tbs"]
    assert bandwidths == [(4.8, True, "acme-datasheet"), (5.0, False, "test-news")]
    assert [
        x3.status(key) for key in ("fp8_dense_tflops", "fp4_dense_tflops", "pcie_generation", "tf32_dense_tflops")
    ] == [
        "not-supported",
        "unknown",
        "not-applicable",
        "unknown",  # nothing stored at all reads as unknown
    ]
    assert x3.value("fp8_dense_tflops") is None
    unknown = next(v for v in x3.values if v.metric == "fp4_dense_tflops")
    assert (unknown.source, unknown.note) == (None, "No FP4 figure found in the datasheet or the press.")


def test_the_wide_frame_has_the_preferred_number_and_nan_for_statuses(built):
    wide = gpudb.specs(url=built)
    assert wide.loc["x3", "memory_bandwidth_tbs"] == 4.8
    assert math.isnan(wide.loc["x3", "fp8_dense_tflops"])
    long = gpudb.specs(long=True, url=built)
    x3 = long[long["accelerator_id"] == "x3"]
    assert len(x3) == 10  # 1 + 2 + 2 + 2 values and 3 statuses
    assert sorted(x3[x3["status"] != "value"]["metric"]) == ["fp4_dense_tflops", "fp8_dense_tflops", "pcie_generation"]


def test_a_comparison_says_not_supported_rather_than_missing(built):
    frame = gpudb.compare(["x3", "x1"], url=built).set_index("metric")
    assert math.isnan(frame.loc["fp8_dense_tflops", "x3"])
    assert frame.attrs["status"]["x3"]["fp8_dense_tflops"] == "not-supported"
    assert frame.attrs["status"]["x1"]["fp8_dense_tflops"] == "value"
    result = CliRunner().invoke(
        app, ["compare", "x3", "x1", "--db", built, "-m", "fp8_dense_tflops,tdp_w", "-f", "csv"]
    )
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0] == "metric,label,unit,category,higher_is_better,x3,x1,x3/x1,x3 status,x1 status"
    assert lines[1] == "fp8_dense_tflops,FP8 dense,TFLOPS,compute,yes,,1979.0,,not-supported,value"
    table = CliRunner().invoke(app, ["compare", "x3", "x1", "--db", built, "-m", "fp8_dense_tflops"])
    assert "not supported" in table.output


def test_conflicts_lists_disagreements_over_the_threshold(built):
    found = conflicts(url=built)
    assert [(c.accelerator_id, c.metric) for c in found] == [("x3", "memory_bandwidth_tbs"), ("x3", "tdp_w")]
    bandwidth = found[0]
    assert bandwidth.spread == pytest.approx(5.0 / 4.8 - 1)  # 4.17%
    assert [entry["source_id"] for entry in bandwidth.entries] == ["acme-datasheet", "test-news"]  # used one first
    assert [(c.accelerator_id, c.metric) for c in conflicts(0.5, url=built)] == []  # 42.9% TDP spread is under 50%


def test_the_conflicts_command(built):
    result = CliRunner().invoke(app, ["conflicts", "--db", built, "-f", "csv"])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "accelerator,metric,spread,used,value,unit,source,kind,tier,read,published",
        "x3,memory_bandwidth_tbs,4.2%,yes,4.8,TB/s,acme-datasheet,vendor-datasheet,tier 1 vendor,original,2024-03-01",
        "x3,memory_bandwidth_tbs,4.2%,,5,TB/s,test-news,trade-press,tier 4 trade,original,2025-12-08",
        "x3,tdp_w,42.9%,yes,1000,W,test-news,trade-press,tier 4 trade,original,2025-12-08",
        "x3,tdp_w,42.9%,,700,W,acme-datasheet,vendor-datasheet,tier 1 vendor,original,2024-03-01",
    ]
    quiet = CliRunner().invoke(app, ["conflicts", "--db", built, "--threshold", "50"])
    assert (quiet.exit_code, quiet.output) == (0, "No two sources disagree by more than 50%.\n")


def test_coverage_counts_values_by_source_kind_and_status(built):
    cells = {(c.accelerator_id, c.metric): c for c in coverage(built)}
    assert (cells["x3", "memory_bandwidth_tbs"].status, cells["x3", "memory_bandwidth_tbs"].entries) == ("value", 2)
    assert cells["x3", "tdp_w"].source_kind == "trade-press"
    assert cells["x3", "fp8_dense_tflops"].status == "not-supported"
    assert cells["x3", "fp64_tflops"].status == "unknown"  # nothing stored
    assert missing_core(list(cells.values())) == {"x1": ["tdp_w"]}  # x3 has all four; x1 has no TDP
    result = CliRunner().invoke(app, ["coverage", "--db", built, "-f", "json"])
    assert result.exit_code == 0
    assert '"status": "not-applicable"' in result.output


def test_missing_core_metrics_are_named(minimal_data, database_url):
    build(database_url, minimal_data)  # x1 has BF16, capacity and bandwidth but no TDP
    assert missing_core(coverage(database_url)) == {"x1": ["tdp_w"]}


def test_conflicts_read_only_the_entries_that_may_disagree(built):
    # the database picks the chip-metrics whose entries differ (141 vs 141.5 GB included, 0.35% apart); a metric
    # given once is never read, and at a threshold of 0 every difference is a conflict
    from gpudb.storage.query_narrow import disputed_entries

    read = sorted({(entry["accelerator_id"], entry["metric"]) for entry in disputed_entries(built)})
    assert read == [("x3", "memory_bandwidth_tbs"), ("x3", "memory_capacity_gb"), ("x3", "tdp_w")]
    assert [(c.accelerator_id, c.metric) for c in conflicts(0.0, url=built)] == read


X4 = """id: x4
vendor: Acme
name: X4
architecture: Roadrunner
form_factor: PCIe
data_center: true
china_specific: false
specs:
  memory_type:                 # two texts: a conflict at any threshold
    - value: HBM3
      source: acme-datasheet
    - value: HBM3e
      source: test-news
  fp8_dense_tflops:            # a value beside a status
    - value: 900 TFLOPS
      sparsity: dense
      source: test-news
    - status: not-supported
      source: acme-datasheet
      note: The datasheet lists BF16 only.
  tdp_w:                       # the same number twice: never a conflict
    - value: 700 W
      source: acme-datasheet
    - value: 700 W
      source: test-news
  memory_bandwidth_tbs:        # 3% apart
    - value: 4.12 TB/s
      source: test-news
    - value: 4.0 TB/s
      source: acme-datasheet
"""


@pytest.fixture
def mixed_db(several_data, database_url: str) -> str:
    """several_data and chip x4, whose sources disagree on a text, a status and a number (and agree on one)."""
    (several_data / "accelerators" / "acme" / "x4.yaml").write_text(X4)
    build(database_url, several_data)
    return database_url


def conflicts_of(batches) -> list[tuple]:
    """(chip, metric, spread, source ids) of each conflict in `conflicting`'s batches, every column checked to be
    one entry per row and each conflict's entries to be of one chip and metric."""
    found = []
    for batch in batches:
        assert len(batch.sizes) == len(batch.spreads)
        assert {len(column) for column in batch[2:]} == {sum(batch.sizes)}
        start = 0
        for size, spread in zip(batch.sizes, batch.spreads, strict=True):
            keys = set(zip(batch.accelerator_id[start : start + size], batch.metric[start : start + size], strict=True))
            assert len(keys) == 1 and size > 1
            assert batch.preferred[start : start + size] == [True] + [False] * (size - 1)
            found.append((*keys.pop(), spread, batch.source_id[start : start + size]))
            start += size
    return found


def test_the_streamed_conflicts_are_those_of_conflicts_at_every_threshold(mixed_db):
    from gpudb.analysis.completeness import conflicting

    for threshold in (0.0, 0.0035, 0.02, 0.04, 0.05, 0.5, 1e9):
        listed = [
            (c.accelerator_id, c.metric, c.spread, [e["source_id"] for e in c.entries])
            for c in conflicts(threshold, url=mixed_db)
        ]
        assert conflicts_of(conflicting(threshold, mixed_db)) == listed, threshold
    at_five = [(chip, metric) for chip, metric, _, _ in conflicts_of(conflicting(0.05, mixed_db))]
    assert at_five == [("x3", "tdp_w"), ("x4", "fp8_dense_tflops"), ("x4", "memory_type")]  # 3% and 4.2% are under


def test_conflicts_cut_between_any_two_rows_are_found_whole(mixed_db):
    from gpudb.analysis.completeness import _conflicting
    from gpudb.storage.query_narrow import shared_entries

    rows = [row for batch in shared_entries(mixed_db) for row in batch]
    whole = conflicts_of(_conflicting(iter([rows]), 0.02))
    assert [(chip, metric) for chip, metric, _, _ in whole] == [
        ("x3", "memory_bandwidth_tbs"),
        ("x3", "tdp_w"),
        ("x4", "fp8_dense_tflops"),
        ("x4", "memory_bandwidth_tbs"),
        ("x4", "memory_type"),
    ]  # x4's TDP is given twice alike: its entries are left out of the batch
    for size in (1, 2, 3):  # every conflict split across batches at some size
        batches = [rows[start : start + size] for start in range(0, len(rows), size)]
        assert conflicts_of(_conflicting(iter(batches), 0.02)) == whole, size


def test_whole_groups_keeps_a_chips_entries_of_one_metric_in_one_batch():
    from gpudb.analysis.completeness import _whole_groups

    a, b, c, d = ("x1", "m", 1), ("x1", "n", 2), ("x2", "m", 3), ("x3", "m", 4)
    batches = [[a, a, b], [b, b], [b, c], [c, d]]  # b over three batches, c and d ending the last
    assert list(_whole_groups(iter(batches))) == [[a, a], [b, b, b, b], [c, c], [d]]
    assert list(_whole_groups(iter([]))) == []


def test_the_conflicts_command_shows_texts_and_statuses(mixed_db):
    result = CliRunner().invoke(app, ["conflicts", "--db", mixed_db, "-f", "csv", "--threshold", "3.5"])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "accelerator,metric,spread,used,value,unit,source,kind,tier,read,published",
        "x3,memory_bandwidth_tbs,4.2%,yes,4.8,TB/s,acme-datasheet,vendor-datasheet,tier 1 vendor,original,2024-03-01",
        "x3,memory_bandwidth_tbs,4.2%,,5,TB/s,test-news,trade-press,tier 4 trade,original,2025-12-08",
        "x3,tdp_w,42.9%,yes,1000,W,test-news,trade-press,tier 4 trade,original,2025-12-08",
        "x3,tdp_w,42.9%,,700,W,acme-datasheet,vendor-datasheet,tier 1 vendor,original,2024-03-01",
        "x4,fp8_dense_tflops,,yes,not supported,,acme-datasheet,vendor-datasheet,tier 1 vendor,original,2024-03-01",
        "x4,fp8_dense_tflops,,,900,TFLOPS,test-news,trade-press,tier 4 trade,original,2025-12-08",
        "x4,memory_type,,yes,HBM3,,acme-datasheet,vendor-datasheet,tier 1 vendor,original,2024-03-01",
        "x4,memory_type,,,HBM3e,,test-news,trade-press,tier 4 trade,original,2025-12-08",
    ]


def test_the_summary_counted_by_the_database_is_the_tally_of_the_cells(mixed_db):
    from gpudb.analysis.completeness import summary, tally

    cells = coverage(mixed_db)
    found = summary(mixed_db)
    chips = list(dict.fromkeys(cell.accelerator_id for cell in cells))
    assert list(found.by_chip) == chips == ["x1", "x3", "x4"]
    for chip in chips:
        assert found.by_chip[chip] == tally([cell for cell in cells if cell.accelerator_id == chip]), chip
    assert list(found.by_metric) == [metric.key for metric in gpudb.METRICS]
    for metric, counts in found.by_metric.items():
        assert counts == tally([cell for cell in cells if cell.metric == metric]), metric
    assert found.gaps == missing_core(cells) == {"x1": ["tdp_w"], "x4": ["memory_capacity_gb"]}
    assert found.valued == {"x1", "x3", "x4"}
    # hand-checked: x4 gives FP8 as not supported (the datasheet outranks the news report), TDP and bandwidth from
    # the vendor datasheet and its memory type from it too; the other 19 metrics nothing
    assert {grade: count for grade, count in found.by_chip["x4"].items() if count} == {
        "vendor": 3,
        "not supported": 1,
        "unknown": len(gpudb.METRICS) - 4,
    }


def test_the_streamed_cells_are_those_of_coverage(mixed_db):
    from gpudb.analysis.completeness import cell_rows

    cells = coverage(mixed_db)
    expected = [
        (c.accelerator_id, c.metric, c.status, c.source_kind, c.source_tier, c.source_read, c.grade, c.entries)
        for c in cells
    ]
    assert list(cell_rows(mixed_db)) == expected
    assert len(expected) == 3 * len(gpudb.METRICS)
    by_key = {(row[0], row[1]): row for row in expected}  # hand-checked against x3.yaml and X4 above
    assert by_key["x3", "tdp_w"] == ("x3", "tdp_w", "value", "trade-press", 4, "original", "trade", 2)
    assert by_key["x4", "fp8_dense_tflops"][2:] == (
        "not-supported",
        "vendor-datasheet",
        1,
        "original",
        "not-supported",
        2,
    )
    assert by_key["x4", "fp64_tflops"][2:] == ("unknown", None, None, None, "unknown", 0)


def test_coverage_of_an_empty_database_lists_no_cells(tmp_path, minimal_data):
    for path in ("accelerators/acme/x1.yaml", "prices/acme.yaml"):  # the only chip, and its prices
        (minimal_data / path).unlink()
    (minimal_data / "claims.yaml").write_text("[]\n")  # its claim
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    result = CliRunner().invoke(app, ["build", "--db", url, "--data", str(minimal_data), "--force"])
    assert result.exit_code == 0, result.output
    for output_format, expected in (("csv", "accelerator\n"), ("json", "[]\n")):
        shown = CliRunner().invoke(app, ["coverage", "--db", url, "-f", output_format])
        assert (shown.exit_code, shown.output) == (0, expected)
