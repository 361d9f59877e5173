"""Validation: every problem code fires on its broken fixture with the exact message, and all are reported at once.

Each folder in tests/fixtures/broken/ is laid over a copy of tests/fixtures/minimal/data (files replace or add);
the first line of each broken file says what is wrong with it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from gpudb.problems import CODES
from gpudb.validation.checks import CHECKS
from gpudb.validation.run import validate

BROKEN = Path(__file__).parent / "fixtures" / "broken"
X1 = "data/accelerators/acme/x1.yaml"

# fixture folder → the one problem it must produce, as `gpudb check` prints it
EXPECTED = {
    "not-utf8": f"{X1}:4 byte 0xe9 at offset 105 is not UTF-8; save the file as UTF-8 [not-utf8]",
    "yaml-syntax": f"{X1}:6 invalid YAML: did not find expected ',' or ']' (while parsing a flow sequence at "
    "line 5) [yaml-syntax]",  # libyaml's wording (PyYAML's C parser)
    "bad-scalar": f"{X1}:34 specs.launch_date.value: '2024-02-30' is not a real date or time (day is out of range "
    "for month) [bad-scalar]",
    "forbidden-tag": f"{X1}:4 name: the tag '!!python/name:os.system' is refused: data files hold plain values "
    "[forbidden-tag]",
    "complex-key": f"{X1}:2 a mapping key must be a plain value, not a list or a mapping [complex-key]",
    "too-deep": f"{X1}:10 note[0][0][0][0][0]…: values nest more than 64 levels deep [too-deep]",
    # 9⁶ = 531,441 copies of l0 under l6, and as many again under vendor: past the million
    "too-large": f"{X1}:2 the document holds more than 1,000,000 values once its aliases are expanded (an alias "
    "bomb) [too-large]",
    "not-finite": f"{X1}:23 x1.memory_capacity_gb: inf is not a finite number [not-finite]",
    "duplicate-key": f"{X1}:33 duplicate key 'pcie_generation' [duplicate-key]",
    "bad-shape": "data/accelerators/acme/x2.yaml:2 an accelerator file must be a YAML mapping [bad-shape]",
    "unknown-field": f"{X1}:15 x1.bf16_dense_tflops.notes: unknown field 'notes'; did you mean 'note'? allowed: "
    "value, status, unit, source, sparsity, board_gpus, preferred, dense_ratio_note, inference, note [unknown-field]",
    "missing-field": f"{X1}:2 x1.form_factor: required field 'form_factor' is missing [missing-field]",
    "bad-type": f"{X1}:8 x1.data_center: 'yes please': input should be a valid boolean [bad-type]",
    "id-mismatch": f"{X1}:2 x9.id: id 'x9' differs from the file name 'x1.yaml'; rename one [id-mismatch]",
    "duplicate-id": "data/accelerators/other/x1.yaml:2 x1.id: accelerator id 'x1' is already used at "
    f"{X1}:1 [duplicate-id]",
    "duplicate-source-id": "data/sources/more.yaml:2 id: source id 'acme-datasheet' is already used at "
    "data/sources/acme.yaml:1 [duplicate-id]",
    "duplicate-alias": "data/accelerators/acme/x2.yaml:5 x2.aliases: alias 'x1' already names accelerator 'x1' "
    "[duplicate-alias]",
    "unknown-metric": f"{X1}:11 x1.bf16_tflops: 'bf16_tflops' is not a metric; did you mean 'bf16_dense_tflops'? "
    "see 'gpudb metrics' [unknown-metric]",
    "missing-unit": f"{X1}:23 x1.memory_capacity_gb: 141 has no unit; write it as e.g. '141 GB' [missing-unit]",
    "bad-unit": f"{X1}:20 x1.memory_bandwidth_tbs: 'TB' does not convert to TB/s [bad-unit]",
    "not-a-number": f"{X1}:20 x1.memory_bandwidth_tbs: 'about 4.8 TB/s' is not a number followed by a unit "
    "[not-a-number]",
    "negative-value": f"{X1}:19 x1.memory_bandwidth_tbs: -4800 GB/s is negative [negative-value]",
    "implausible-value": f"{X1}:19 x1.memory_bandwidth_tbs: 4800 TB/s is outside the plausible range 0.05 to "
    "100 TB/s for Memory bandwidth [implausible-value]",
    "missing-source": f"{X1}:19 x1.memory_bandwidth_tbs: value has no source; add 'source: <id from "
    "data/sources/>' [missing-source]",
    "unknown-source": f"{X1}:21 x1.memory_bandwidth_tbs: source 'acme-datasheat' is not defined; did you mean "
    "'acme-datasheet'? [unknown-source]",
    "missing-sparsity": f"{X1}:12 x1.bf16_dense_tflops: BF16 tensor figures are quoted dense or with 2:4 "
    "sparsity; add 'sparsity: dense' or 'sparsity: sparse' as the source prints it [missing-sparsity]",
    "sparsity-not-applicable": f"{X1}:28 x1.fp64_tflops: FP64 is never quoted with sparsity; remove 'sparsity' "
    "[sparsity-not-applicable]",
    "unknown-accelerator": "data/claims.yaml:2 test-x1-tpp.subject: subject 'x7' is not an accelerator id in "
    "data/accelerators/ [unknown-accelerator]",
    "inconsistent-claim": "data/claims.yaml:2 test-x1-tpp: a claim states either a ratio or a value, not both or "
    "neither [inconsistent-claim]",
    "inconsistent-rule": "data/rules/test-thresholds.yaml:2 test-thresholds: a thresholds rule must have paragraphs "
    "with conditions [inconsistent-rule]",
    "bad-status": f"{X1}:31 x1.pcie_generation: 'not-supported' is for a precision the chip lacks; PCIe "
    "generation is not one (use 'not-applicable' or 'unknown') [bad-status]",
    "incomplete-status": f"{X1}:40 x1.fp4_dense_tflops: 'status: unknown' needs a 'note' saying what was "
    "searched [incomplete-status]",
    "bad-list": f"{X1}:22 x1.memory_bandwidth_tbs: source 'acme-datasheet' already gives a value for this metric "
    "at line 20; one entry per source [bad-list]",
    "inconsistent-measurement": "data/measurements/x1-2026-11-20-120000.yaml:29 x1-2026-11-20-120000.results[0].best: "
    "best 650 is below the median 700; best is the fastest repetition [inconsistent-measurement]",
    "wrong-measured-unit": "data/measurements/published/matmul.yaml:11 x1-test-lab-matmul.results[0].unit: "
    "bf16_dense_tflops is in TFLOPS, not GFLOPS [wrong-measured-unit]",
    "bad-measured-value": "data/measurements/published/matmul.yaml:12 x1-test-lab-matmul.results[0].value: "
    "measured value 0 is not a finite number above zero [bad-measured-value]",
    "bad-currency": "data/prices/acme.yaml:5 x1.price.currency: 'usd' is not an ISO 4217 currency code; did you mean "
    "'USD'? [bad-currency]",
    "future-date": "data/prices/acme.yaml:6 x1.price.date: 2999-03-18 is in the future; a price is dated when it was "
    "published or quoted [future-date]",
    "inconsistent-price": "data/prices/acme.yaml:8 x1.price.unit: an instance-hour rate needs 'gpus_per_instance' "
    "(it is stored divided by it) [inconsistent-price]",
    "unknown-system-chip": "data/systems/acme/x1-rack.yaml:6 x1-rack.chips: chip 'x11' is not an accelerator id in "
    "data/accelerators/; did you mean 'x1'? [unknown-system-chip]",
    "bad-chip-count": "data/systems/acme/x1-rack.yaml:7 x1-rack.chips: x1 count 0 is below 1; a system holds at least "
    "one of each chip [bad-chip-count]",
    "retired-kind": "data/sources/more.yaml:8 kind: kind 'third-party-report' is retired; say what the source is: "
    "reputable-press or analyst-report (publisher on data/reputable-publishers.yaml), trade-press, retailer, "
    "aggregator or community [retired-kind]",
    "missing-read-via": "data/sources/more.yaml:2 acme-mirror: read: copy needs 'read_via' naming the copy it was "
    "read through [missing-read-via]",
    "unlisted-publisher": "data/sources/more.yaml:2 herald-news: reputable-press from 'Test Herald', which is not on "
    "data/reputable-publishers.yaml; add the publisher there with a note saying why, or use kind trade-press "
    "[unlisted-publisher]",
    "denylisted-only-source": "data/accelerators/acme/x2.yaml:10 x2.tdp_w: the only source, 'farm-page', is on "
    "farm.example, a denylisted host (data/source-denylist.yaml); cite another source or give 'status: unknown' "
    "with a note [denylisted-only-source]",
    "preferred-lower-tier": "data/accelerators/acme/x2.yaml:13 x2.tdp_w: preferred value is from a tier 4 (trade) "
    "source over a tier 1 (vendor) one; add a 'note' saying why, or drop 'preferred' [preferred-lower-tier]",
    "peer-unit-mismatch": "data/peers/acme.yaml:16 acme.entries[1].unit: bf16 is given in OP/s or FLOP/s, not byte/s "
    "[peer-unit-mismatch]",
    "sparse-as-dense": f"{X1}:15 x1.fp8_dense_tflops: 3,958 TFLOPS looks like a sparse figure (4× the BF16 "
    "dense value 989.5, where dense figures are at most 2×); mark it 'sparsity: sparse' or halve it "
    "[sparse-as-dense]",
}


def broken_data(minimal_data: Path, *cases: str) -> Path:
    """The minimal data with the files of the named broken fixtures laid over it."""
    for case in cases:
        shutil.copytree(BROKEN / case, minimal_data, dirs_exist_ok=True)
    return minimal_data


def test_the_minimal_fixture_is_valid(minimal_data):
    dataset = validate(minimal_data)
    assert dataset.problems == []
    assert (len(dataset.accelerators), len(dataset.specs), len(dataset.sources)) == (1, 8, 3)
    assert (len(dataset.rules), len(dataset.claims), len(dataset.prices)) == (1, 1, 3)


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_each_broken_fixture_gives_its_exact_problem(minimal_data, case):
    problems = validate(broken_data(minimal_data, case)).problems
    assert [str(problem) for problem in problems] == [EXPECTED[case]]


def test_every_code_has_a_broken_fixture():
    fired = {message.rsplit("[", 1)[1].rstrip("]") for message in EXPECTED.values()}
    assert fired == set(CODES)
    assert sorted(path.name for path in BROKEN.iterdir()) == sorted(EXPECTED)


def test_every_problem_is_reported_in_one_run(minimal_data):
    # three files broken in three ways: all three problems come back together, in file and line order
    data = broken_data(minimal_data, "bad-shape", "duplicate-source-id", "missing-sparsity")
    codes = [problem.code for problem in validate(data).problems]
    assert codes == ["missing-sparsity", "bad-shape", "duplicate-id"]


def test_problems_carry_structured_locations(minimal_data):
    (problem,) = validate(broken_data(minimal_data, "sparse-as-dense")).problems
    assert problem.as_dict() == {
        "code": "sparse-as-dense",
        "file": X1,
        "line": 15,
        "accelerator": "x1",
        "field": "fp8_dense_tflops",
        "value": "3,958 TFLOPS",
        "message": EXPECTED["sparse-as-dense"].split(": ", 1)[1].rsplit(" [", 1)[0],
    }


def test_a_missing_data_folder_is_a_problem(tmp_path):
    (problem,) = validate(tmp_path / "nowhere").problems
    assert str(problem) == f"{tmp_path / 'nowhere'} data folder {tmp_path / 'nowhere'} does not exist [bad-shape]"


def test_checks_are_registered_once():
    names = [check.__name__ for check in CHECKS]
    assert len(names) == len(set(names))
    assert names == [
        "id_matches_file_name",
        "ids_are_unique",
        "aliases_are_unique",
        "sources_exist",
        "values_are_plausible",
        "dense_figures_are_dense",
        "device_names_are_known_and_distinct",
        "measurements_are_consistent",
        "published_measurements_are_consistent",
        "peer_rows_are_numbers_in_known_units",
        "policy_sources_exist",
        "policy_events_name_known_chips",
        "policy_ids_are_unique",
        "rules_are_consistent",
        "rule_thresholds_are_within_their_metrics_bounds",
        "claims_name_known_chips_and_metrics",
        "claims_are_consistent",
        "prices_are_well_formed",
        "readings_name_their_copy",
        "reputable_publishers_are_listed",
        "denylisted_sources_are_not_alone",
        "preferred_respects_tiers",
        "system_ids_match_file_names",
        "system_ids_and_names_are_unique",
        "system_chips_are_known_and_counted",
        "system_sources_exist",
        "system_values_are_plausible",
    ]


@pytest.mark.parametrize(
    ("metric", "entry", "stored"),
    [
        # 1979 TFLOPS with 2:4 sparsity → 1979 / 2 = 989.5 dense
        ("bf16_dense_tflops", {"value": "1979 TFLOPS", "sparsity": "sparse"}, 989.5),
        # HGX board of 8: 268 TFLOPS / 8 = 33.5 per GPU
        ("fp64_tflops", {"value": "268 TFLOPS", "board_gpus": 8}, 33.5),
        # both: 144 PFLOPS sparse for 8 GPUs → 144,000 / 2 / 8 = 9,000 TFLOPS dense per GPU
        ("fp4_dense_tflops", {"value": "144 PFLOPS", "sparsity": "sparse", "board_gpus": 8}, 9000.0),
    ],
)
def test_sparse_and_board_figures_are_stored_dense_and_per_gpu(minimal_data, metric, entry, stored):
    import yaml

    path = minimal_data / "accelerators" / "acme" / "x1.yaml"
    content = yaml.safe_load(path.read_text())
    content["specs"] = {metric: {**entry, "source": "acme-datasheet"}}
    path.write_text(yaml.safe_dump(content))
    dataset = validate(minimal_data)
    assert dataset.problems == []
    (spec,) = dataset.specs
    assert spec.value_number == stored


def test_policy_events_are_read_and_their_chips_and_sources_checked(minimal_data):
    """data/policy-events.yaml: an event naming a chip or a source that does not exist is refused, located."""
    (minimal_data / "policy-events.yaml").write_text(
        "- id: letter-1\n"
        "  date: 2025-04-09\n"
        "  title: A licence letter\n"
        "  kind: licence-letter\n"
        "  products: [x1, nope]\n"
        "  summary: A letter to the vendor.\n"
        "  sources: [missing-source]\n"
    )
    dataset = validate(minimal_data)
    assert [event.entry.id for event in dataset.policy_events] == ["letter-1"]
    assert [str(problem) for problem in dataset.problems] == [
        "data/policy-events.yaml:1 letter-1.products: product 'nope' is not an accelerator id in data/accelerators/ "
        "[unknown-accelerator]",
        "data/policy-events.yaml:1 letter-1.sources: source 'missing-source' is not defined; define it in "
        "data/sources/ [unknown-source]",
    ]


def test_a_misspelt_key_in_a_source_is_reported_once_not_at_every_value_citing_it(minimal_data):
    """One typo in a source entry: its own problem, and no unknown-source echo at each value that cites it."""
    path = next((minimal_data / "sources").glob("*.yaml"))
    text = path.read_text()
    assert "\n  publisher:" in text
    path.write_text(text.replace("\n  publisher:", "\n  publsher:", 1))
    problems = validate(minimal_data).problems
    assert sorted(problem.code for problem in problems) == ["missing-field", "unknown-field"]
    assert all(problem.file == f"data/sources/{path.name}" for problem in problems)


def test_malformed_prices_are_each_reported_at_their_field(minimal_data):
    """Every price problem at once, located at the field: chip, source, amount, kinds' fields, dating."""
    (minimal_data / "prices" / "more.yaml").write_text(
        "- accelerator: x7\n"  # 1
        "  kind: launch-list\n"
        "  amount: 30000\n"
        "  currency: USD\n"
        "  date: 2024-03-18\n"
        "  source: acme-datasheat\n"  # 6
        "- accelerator: x1\n"  # 7
        "  kind: cloud-reserved\n"
        "  amount: 2.5\n"
        "  currency: USD\n"
        "  date: 2025-01-01\n"
        "  period_from: 2025-01-01\n"  # 12
        "  unit: gpu-hour\n"
        "  gpus_per_instance: 8\n"  # 14
        "  source: test-news\n"
        "- accelerator: x1\n"  # 16
        "  kind: reported-street\n"
        "  amount: 20000\n"
        "  currency: USD\n"
        "  date: 2025-01-01\n"
        "  region: us-east-1\n"  # 21
        "  source: test-news\n"
        "- accelerator: x1\n"  # 23
        "  kind: launch-list\n"
        "  amount: -5\n"  # 25
        "  currency: USD\n"
        "  date: 2025-01-01\n"
        "  source: test-news\n"
        "- accelerator: x1\n"  # 29
        "  kind: launch-list\n"
        "  amount: .inf\n"  # 31
        "  currency: USD\n"
        "  date: 2025-01-01\n"
        "  source: test-news\n"
    )
    problems = [str(problem) for problem in validate(minimal_data).problems]
    assert problems == [
        "data/prices/more.yaml:1 x7.price.accelerator: accelerator 'x7' is not an accelerator id in "
        "data/accelerators/ [unknown-accelerator]",
        "data/prices/more.yaml:6 x7.price.source: source 'acme-datasheat' is not defined; did you mean "
        "'acme-datasheet'? [unknown-source]",
        "data/prices/more.yaml:8 x1.price.kind: a cloud-reserved rate needs 'provider' [inconsistent-price]",
        "data/prices/more.yaml:8 x1.price.kind: a cloud-reserved rate needs 'term' [inconsistent-price]",
        "data/prices/more.yaml:11 x1.price.date: give either 'date' or 'period_from' (with an optional "
        "'period_to'), not both or neither [inconsistent-price]",
        "data/prices/more.yaml:14 x1.price.gpus_per_instance: a gpu-hour rate is already per GPU; remove "
        "'gpus_per_instance' [inconsistent-price]",
        "data/prices/more.yaml:17 x1.price.kind: a reported-street price needs 'market' (where it was asked, e.g. "
        "'China grey market') [inconsistent-price]",
        "data/prices/more.yaml:21 x1.price.region: 'region' is for cloud rates; a reported-street price is per "
        "chip [inconsistent-price]",
        "data/prices/more.yaml:25 amount: -5: input should be greater than 0 [bad-type]",
        "data/prices/more.yaml:31 amount: inf: input should be a finite number [not-finite]",
    ]


def _tensor_value(chip: str, metric: str, tflops: float, line: int, **entry: object) -> object:
    from gpudb.metrics.catalogue import METRICS_BY_KEY
    from gpudb.validation.records import SpecRecord, ValueEntry
    from gpudb.validation.schema import SpecEntry

    spec = SpecEntry.model_validate({"value": tflops, "unit": "TFLOPS", "source": "s", "sparsity": "dense", **entry})
    published = f"{tflops:g} TFLOPS"
    return SpecRecord(
        chip, METRICS_BY_KEY[metric], ValueEntry.of(spec), tflops, None, published, f"{chip}.yaml", line, line
    )


def test_a_dense_figure_is_judged_against_the_chips_highest_figure_of_the_higher_precision():
    # hand-checked: a's FP8 is 2× its higher BF16 source (fine) though 3.96× the lower one; b's BF16 is 4× its TF32
    # (past 2 × 1.8) and 4× its FP16 (past 1 × 1.8), reported in the order of the limits; c's first FP8 is sparse
    # and its dense one carries a note, so no FP8 figure is judged against its BF16 (though 9× it), while its INT8
    # is judged against the highest FP8 figure (5×, past 1 × 1.8)
    from gpudb.validation.checks.accelerators import dense_figures_are_dense
    from gpudb.validation.records import Dataset

    dataset = Dataset()
    dataset.specs = [
        _tensor_value("a", "bf16_dense_tflops", 989.5, 1, preferred=True),
        _tensor_value("a", "bf16_dense_tflops", 500, 2),
        _tensor_value("a", "fp8_dense_tflops", 1979, 3),
        _tensor_value("b", "tf32_dense_tflops", 100, 1),
        _tensor_value("b", "fp16_dense_tflops", 100, 2),
        _tensor_value("b", "bf16_dense_tflops", 400, 3),
        _tensor_value("c", "fp8_dense_tflops", 1000, 1, sparsity="sparse"),
        _tensor_value("c", "fp8_dense_tflops", 900, 2, dense_ratio_note="vendor prints it so"),
        _tensor_value("c", "bf16_dense_tflops", 100, 3),
        _tensor_value("c", "int8_dense_tops", 5000, 4, unit="TOPS"),
    ]
    found = [
        (p.accelerator, p.field, p.line, p.message.split(" (")[1].split(",")[0])
        for p in dense_figures_are_dense(dataset)
    ]
    assert found == [
        ("b", "bf16_dense_tflops", 3, "4× the TF32 dense value 100"),
        ("b", "bf16_dense_tflops", 3, "4× the FP16 dense value 100"),
        ("c", "int8_dense_tops", 4, "5× the FP8 dense value 1000"),
    ]
