"""Source tiers: every kind has one, a lower tier never outranks a higher one, and the lists that back them."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from gpudb.tiers import KIND_TIER, TIER_NAMES, denied_host, inference_label, reading_label, tier_label, tier_of
from gpudb.validation.run import validate
from gpudb.validation.schema import SOURCE_KINDS, SOURCE_READINGS

FIXTURES = Path(__file__).parent / "fixtures"
REAL_DATA = Path(__file__).parent.parent / "data"


def test_every_kind_has_exactly_one_tier():
    assert sorted(KIND_TIER) == sorted(SOURCE_KINDS)
    assert [KIND_TIER[kind] for kind in SOURCE_KINDS] == [1, 1, 1, 1, 2, 2, 3, 3, 4, 4, 4, 5, 6]
    assert set(TIER_NAMES) == set(KIND_TIER.values())
    assert SOURCE_READINGS == ("original", "copy", "quotation")


def test_labels():
    assert (tier_of("retailer"), tier_label("retailer"), tier_label(None), tier_of(None)) == (
        4,
        "tier 4 trade",
        "",
        None,
    )
    assert reading_label("original", None) == ""
    assert reading_label("copy", "an archive") == "read through a copy: an archive"
    assert reading_label("quotation", "a blog") == "read only as a quotation in: a blog"
    assert (inference_label("same die as the H100"), inference_label(None)) == ("inference: same die as the H100", "")


@pytest.fixture
def tier_data(minimal_data: Path) -> Path:
    shutil.copytree(FIXTURES / "tiers", minimal_data, dirs_exist_ok=True)
    return minimal_data


def test_a_lower_tier_is_never_preferred_over_a_higher_one(tier_data):
    dataset = validate(tier_data)
    assert dataset.problems == []
    chosen = {
        spec.metric.key: spec.entry.source
        for spec in dataset.specs
        if spec.accelerator_id == "x4" and spec.key in dataset.preferred
    }
    assert chosen == {
        "tdp_w": "t1-sheet-quoted",  # tier 1 read as a quotation beats tier 4 and tier 5, though they are newer
        "memory_capacity_gb": "t3-wire",  # tier 3 beats tier 5 and the tier 6 estimate
        "memory_bandwidth_tbs": "t1-sheet-quoted",  # datasheet before product page within tier 1, reading aside
        "pcie_bandwidth_gbs": "t4-aggregator",  # retailer and aggregator tie on tier: the original beats the copy
        "transistors_billion": "t3-wire",  # preferred with a note saying why
    }


def test_preferring_a_lower_tier_needs_a_note(tier_data):
    path = tier_data / "accelerators" / "acme" / "x4.yaml"
    text = path.read_text()
    path.write_text(
        text.replace("      note: The product page rounds the count; the wire quotes the die's exact figure.\n", "")
    )
    problems = [str(problem) for problem in validate(tier_data).problems]
    assert problems == [
        "data/accelerators/acme/x4.yaml:37 x4.transistors_billion: preferred value is from a tier 3 (reputable) "
        "source over a tier 1 (vendor) one; add a 'note' saying why, or drop 'preferred' [preferred-lower-tier]"
    ]


def test_preferring_within_the_best_tier_needs_no_note(tier_data):
    path = tier_data / "accelerators" / "acme" / "x4.yaml"
    content = yaml.safe_load(path.read_text())
    content["specs"]["memory_bandwidth_tbs"][0]["preferred"] = True  # the product page, same tier as the datasheet
    path.write_text(yaml.safe_dump(content, sort_keys=False))
    dataset = validate(tier_data)
    assert dataset.problems == []
    assert ("x4", "memory_bandwidth_tbs", 0) in dataset.preferred


def test_a_source_must_say_how_it_was_read(minimal_data):
    path = minimal_data / "sources" / "acme.yaml"
    path.write_text(path.read_text().replace("  read: original\n", ""))
    # reported once, where it is written: the chip's values citing the refused source are not reported again
    assert [str(problem) for problem in validate(minimal_data).problems] == [
        "data/sources/acme.yaml:1 read: required field 'read' is missing [missing-field]"
    ]


def test_a_quotation_must_name_the_quoting_text(minimal_data):
    path = minimal_data / "sources" / "acme.yaml"
    path.write_text(path.read_text().replace("read: original", "read: quotation"))
    assert [str(problem) for problem in validate(minimal_data).problems] == [
        "data/sources/acme.yaml:1 acme-datasheet: read: quotation needs 'read_via' naming the text that quotes it "
        "[missing-read-via]"
    ]


@pytest.mark.parametrize(
    ("url", "denied"),
    [
        ("https://farm.example/page", True),
        ("https://www.farm.example/page", True),  # a sub-domain of a listed host
        ("http://FARM.example:8080/x", True),  # hosts are case-insensitive, ports ignored
        ("https://notfarm.example/page", False),  # a different domain that merely ends with the same letters
        ("https://farm.example.org/page", False),
    ],
)
def test_denylisted_hosts_cover_their_sub_domains(url, denied):
    assert denied_host(url, ["farm.example"]) == ("farm.example" if denied else None)


def test_a_denylisted_source_beside_another_is_allowed(minimal_data):
    shutil.copytree(FIXTURES / "broken" / "denylisted-only-source", minimal_data, dirs_exist_ok=True)
    path = minimal_data / "accelerators" / "acme" / "x2.yaml"
    content = yaml.safe_load(path.read_text())
    content["specs"]["tdp_w"] = [content["specs"]["tdp_w"], {"value": "350 W", "source": "acme-datasheet"}]
    path.write_text(yaml.safe_dump(content, sort_keys=False))
    assert validate(minimal_data).problems == []


def test_the_lists_are_shape_checked(minimal_data):
    (minimal_data / "source-denylist.yaml").write_text("- host: https://farm.example/\n  reason: a URL, not a host\n")
    (minimal_data / "reputable-publishers.yaml").write_text("- publisher: Test Wire\n  kind: trade-press\n  note: x\n")
    problems = [str(problem) for problem in validate(minimal_data).problems]
    assert problems == [
        "data/reputable-publishers.yaml:2 kind: 'trade-press': input should be 'reputable-press' or "
        "'analyst-report' [bad-type]",
        "data/source-denylist.yaml:1 host: 'https://farm.example/': string should match pattern "
        "'^[a-z0-9][a-z0-9.-]*\\.[a-z]+$' [bad-type]",
    ]


def test_the_real_data_uses_only_tiered_kinds_and_says_how_each_source_was_read():
    sources = [
        entry for path in sorted((REAL_DATA / "sources").glob("*.yaml")) for entry in yaml.safe_load(path.read_text())
    ]
    assert {source["kind"] for source in sources} <= set(KIND_TIER)
    assert all(source["read"] in SOURCE_READINGS for source in sources)
    assert all(source.get("read_via") for source in sources if source["read"] != "original")
