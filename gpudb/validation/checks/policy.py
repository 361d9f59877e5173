"""Checks of the policy files: export-rule versions (data/rules/*.yaml), policy events (data/policy-events.yaml)
and published claims (data/claims.yaml)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

from gpudb.metrics.catalogue import METRICS_BY_KEY
from gpudb.metrics.derived import comparable_metric_keys, performance_density_bounds, tpp_bounds
from gpudb.problems import Problem
from gpudb.validation.checks import check
from gpudb.validation.checks.accelerators import duplicate_id_problem, repeated_ids
from gpudb.validation.loader import Document, load_folder, read_document
from gpudb.validation.records import Dataset, Located
from gpudb.validation.schema import ClaimEntry, PolicyEvent, RuleFile
from gpudb.validation.shape import read_list
from gpudb.validation.yaml_lines import LineDict, LineList


def read_policy(data_dir: Path, dataset: Dataset) -> None:
    """Read data/rules/*.yaml (one rule version per file) and data/claims.yaml (a list) into the dataset."""
    documents, problems = load_folder(data_dir / "rules", data_dir)
    dataset.problems.extend(problems)
    for rule_document in documents:
        if not isinstance(rule_document.content, LineDict):
            line = getattr(rule_document.content, "line", 1)
            dataset.problems.append(
                Problem("bad-shape", "a rule file must be a YAML mapping", rule_document.shown_path, line)
            )
            continue
        dataset.rules.extend(read_list([_as_list(rule_document)], RuleFile, "rule", dataset))
    claims_path = data_dir / "claims.yaml"
    if claims_path.exists():
        document, problem = read_document(claims_path, data_dir)
        if problem:
            dataset.problems.append(problem)
        if document:
            dataset.claims = read_list([document], ClaimEntry, "claims", dataset)
    events_path = data_dir / "policy-events.yaml"
    if events_path.exists():
        document, problem = read_document(events_path, data_dir)
        if problem:
            dataset.problems.append(problem)
        if document:
            dataset.policy_events = read_list([document], PolicyEvent, "policy events", dataset)


def _as_list(document: Document) -> Document:
    """A one-rule mapping file seen as a one-item list, so the list reader (and its line numbers) serve both."""
    wrapped = LineList([document.content])
    wrapped.line, wrapped.item_lines = document.content.line, [document.content.line]
    return replace(document, content=wrapped)


def _source_ids(dataset: Dataset) -> set[str]:
    """Defined sources, and those refused for their shape (reported once, where they are written)."""
    return {source.entry.id for source in dataset.sources} | dataset.invalid_ids


def _cited(record: Located) -> Iterator[tuple[str, str]]:
    """(field, source id) for every source a rule, claim or policy event names."""
    entry = record.entry
    if isinstance(entry, PolicyEvent):
        yield from (("sources", source) for source in entry.sources)
        return
    yield "source", entry.source
    if isinstance(entry, RuleFile):
        yield from (("verified_by", source) for source in entry.verified_by)


@check
def policy_sources_exist(dataset: Dataset) -> Iterator[Problem]:
    known = _source_ids(dataset)
    records: list[Located] = [*dataset.rules, *dataset.claims, *dataset.policy_events]
    for record in records:
        for field, source in _cited(record):
            if source not in known:
                yield Problem(
                    "unknown-source",
                    f"source {source!r} is not defined; define it in data/sources/",
                    record.file,
                    record.line,
                    None,
                    f"{record.entry.id}.{field}",
                    source,
                )


@check
def policy_events_name_known_chips(dataset: Dataset) -> Iterator[Problem]:
    chips = {accelerator.entry.id for accelerator in dataset.accelerators} | dataset.accelerator_file_ids
    for record in dataset.policy_events:
        for chip in record.entry.products:
            if chip not in chips:
                yield Problem(
                    "unknown-accelerator",
                    f"product {chip!r} is not an accelerator id in data/accelerators/",
                    record.file,
                    record.line,
                    None,
                    f"{record.entry.id}.products",
                    chip,
                )


@check
def policy_ids_are_unique(dataset: Dataset) -> Iterator[Problem]:
    for kind, records in (("rule", dataset.rules), ("claim", dataset.claims), ("policy event", dataset.policy_events)):
        for record, earlier in repeated_ids(records):
            yield duplicate_id_problem(kind, record, earlier, record.line, earlier.line)


@check
def rules_are_consistent(dataset: Dataset) -> Iterator[Problem]:
    for record in dataset.rules:
        rule = record.entry
        if rule.kind == "named-products" and not rule.named_products:
            message = "a named-products rule must list its named_products"
        elif rule.kind != "named-products" and not rule.paragraphs:
            message = f"a {rule.kind} rule must have paragraphs with conditions"
        elif rule.kind == "named-products" and rule.paragraphs:
            message = "a named-products rule has no threshold paragraphs; remove 'paragraphs'"
        else:
            continue
        yield Problem("inconsistent-rule", message, record.file, record.line, None, rule.id, rule.kind)


def condition_bounds(metric_key: str) -> tuple[float, float]:
    """The plausible range of a rule condition's metric: derived for TPP and PD, the catalogue's otherwise."""
    if metric_key == "tpp":
        return tpp_bounds()
    if metric_key == "performance_density":
        return performance_density_bounds()
    if metric_key == "memory_bandwidth_gbs":  # the rules' GB/s; the catalogue stores TB/s
        stored = METRICS_BY_KEY["memory_bandwidth_tbs"]
        return (stored.min_value or 0) * 1000, (stored.max_value or 0) * 1000
    metric = METRICS_BY_KEY[metric_key]
    return metric.min_value or 0, metric.max_value or 0


@check
def rule_thresholds_are_within_their_metrics_bounds(dataset: Dataset) -> Iterator[Problem]:
    """A threshold no chip could reach or fall below (TPP 1e11, bandwidth 0.001 GB/s) is a slip in the rule file."""
    for record in dataset.rules:
        for p, paragraph in enumerate(record.entry.paragraphs or ()):
            for c, condition in enumerate(paragraph.conditions):
                low, high = condition_bounds(condition.metric)
                if low <= condition.value <= high:
                    continue
                yield Problem(
                    "implausible-value",
                    f"threshold {condition.metric} {condition.op} {condition.value:g} is outside the plausible range"
                    f" {low:g} to {high:g} of {condition.metric}",
                    record.file,
                    record.field_line("paragraphs", p, "conditions", c, "value"),
                    None,
                    f"{record.entry.id}.paragraphs[{p}].conditions[{c}].value",
                    condition.value,
                )


@check
def claims_name_known_chips_and_metrics(dataset: Dataset) -> Iterator[Problem]:
    chips = {accelerator.entry.id for accelerator in dataset.accelerators} | dataset.accelerator_file_ids
    chips |= {system.entry.id for system in dataset.systems}  # a claim may compare systems
    metric_keys = comparable_metric_keys()
    for record in dataset.claims:
        claim = record.entry
        for role in ("subject", "baseline"):
            chip = getattr(claim, role)
            if chip is not None and chip not in chips:
                yield Problem(
                    "unknown-accelerator",
                    f"{role} {chip!r} is not an accelerator id in data/accelerators/",
                    record.file,
                    record.line,
                    None,
                    f"{claim.id}.{role}",
                    chip,
                )
        if claim.stated.metric is not None and claim.stated.metric not in metric_keys:
            yield Problem(
                "unknown-metric",
                f"stated metric {claim.stated.metric!r} is not a metric; valid: " + ", ".join(metric_keys),
                record.file,
                record.line,
                None,
                f"{claim.id}.stated.metric",
                claim.stated.metric,
            )


@check
def claims_are_consistent(dataset: Dataset) -> Iterator[Problem]:
    for record in dataset.claims:
        claim, stated = record.entry, record.entry.stated
        if (stated.ratio is None) == (stated.value is None):
            message = "a claim states either a ratio or a value, not both or neither"
        elif stated.ratio is not None and claim.baseline is None:
            message = "a ratio claim needs a baseline chip"
        elif stated.value is not None and stated.metric is None:
            message = "a value claim needs the metric it states"
        else:
            continue
        yield Problem("inconsistent-claim", message, record.file, record.line, None, claim.id)
