"""Registered checks of sources: how each was read, listed publishers, denylisted hosts, preferences across tiers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from gpudb.problems import Problem
from gpudb.tiers import LISTED_PUBLISHER_KINDS, TIER_NAMES, denied_host, tier_of
from gpudb.validation.checks import check
from gpudb.validation.records import Dataset, SourceRecord, SpecRecord


@check
def readings_name_their_copy(dataset: Dataset) -> Iterator[Problem]:
    for record in dataset.sources:
        source = record.entry
        if source.read != "original" and not source.read_via:
            what = "copy it was read through" if source.read == "copy" else "text that quotes it"
            yield Problem(
                "missing-read-via",
                f"read: {source.read} needs 'read_via' naming the {what}",
                record.file,
                record.line,
                None,
                source.id,
                source.read,
            )


@check
def reputable_publishers_are_listed(dataset: Dataset) -> Iterator[Problem]:
    listed = {record.entry.publisher for record in dataset.reputable_publishers}
    for record in dataset.sources:
        source = record.entry
        if source.kind in LISTED_PUBLISHER_KINDS and source.publisher not in listed:
            yield Problem(
                "unlisted-publisher",
                f"{source.kind} from {source.publisher!r}, which is not on data/reputable-publishers.yaml; add "
                "the publisher there with a note saying why, or use kind trade-press",
                record.file,
                record.line,
                None,
                source.id,
                source.publisher,
            )


@check
def denylisted_sources_are_not_alone(dataset: Dataset) -> Iterator[Problem]:
    hosts = [record.entry.host for record in dataset.denylisted_hosts]
    if not hosts:
        return
    denied = {
        record.entry.id: host
        for record in dataset.sources
        if (host := denied_host(record.entry.url, hosts)) is not None
    }
    for values in _spec_groups(dataset).values():
        cited = [spec for spec in values if spec.entry.source]
        if cited and all(spec.entry.source in denied for spec in cited):
            spec = cited[0]
            yield _denied_problem(
                spec.entry.source or "", denied, spec.file, spec.line, spec.accelerator_id, spec.metric.key
            )
    for record in dataset.accelerators:
        cited_ids = record.entry.sources
        if cited_ids and all(source_id in denied for source_id in cited_ids):
            yield _denied_problem(cited_ids[0], denied, record.file, record.line("sources"), record.entry.id, "sources")


def _denied_problem(
    source_id: str, denied: dict[str, str], file: str, line: int | None, accelerator: str, field: str
) -> Problem:
    message = (
        f"the only source, {source_id!r}, is on {denied[source_id]}, a denylisted host (data/source-denylist.yaml); "
        "cite another source or give 'status: unknown' with a note"
    )
    return Problem("denylisted-only-source", message, file, line, accelerator, field, source_id)


@check
def preferred_respects_tiers(dataset: Dataset) -> Iterator[Problem]:
    sources = {record.entry.id: record for record in dataset.sources}
    # only a metric with a value marked preferred can break the rule: its values alone are grouped (a generated
    # catalogue of 280,000 values marks none)
    marked = {(spec.accelerator_id, spec.metric.key) for spec in dataset.specs if spec.entry.preferred}
    marked_chips = {chip for chip, _ in marked}  # a chip's id is tested first: no key made for the other values
    groups: dict[tuple[str, str], list[SpecRecord]] = defaultdict(list)
    for spec in dataset.specs:
        if spec.accelerator_id in marked_chips and (spec.accelerator_id, spec.metric.key) in marked:
            groups[spec.accelerator_id, spec.metric.key].append(spec)
    for values in groups.values():
        chosen = next((spec for spec in values if spec.entry.preferred), None)
        if chosen is None or chosen.entry.note:
            continue
        tiers = [tier for spec in values if (tier := _tier(spec, sources)) is not None]
        chosen_tier = _tier(chosen, sources)
        if tiers and chosen_tier is not None and chosen_tier > min(tiers):
            best = min(tiers)
            yield Problem(
                "preferred-lower-tier",
                f"preferred value is from a tier {chosen_tier} ({TIER_NAMES[chosen_tier]}) source over a tier "
                f"{best} ({TIER_NAMES[best]}) one; add a 'note' saying why, or drop 'preferred'",
                chosen.file,
                chosen.line,
                chosen.accelerator_id,
                chosen.metric.key,
                chosen.entry.source,
            )


def _tier(spec: SpecRecord, sources: dict[str, SourceRecord]) -> int | None:
    record = sources.get(spec.entry.source or "")
    return tier_of(record.entry.kind) if record else None


def _spec_groups(dataset: Dataset) -> dict[tuple[str, str], list[SpecRecord]]:
    groups: dict[tuple[str, str], list[SpecRecord]] = defaultdict(list)
    for spec in dataset.specs:
        groups[spec.accelerator_id, spec.metric.key].append(spec)
    return groups
