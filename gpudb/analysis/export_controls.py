"""Export-rule versions applied to a chip, with the working shown: each threshold compared, the paragraph that
applies, or 'indeterminate' with what is missing. Rules are data (data/rules/); nothing here names a rule."""

from __future__ import annotations

import operator
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from gpudb.formatting import format_number
from gpudb.metrics.derived import density_of_tpp, tpp

OPERATORS = {">=": operator.ge, ">": operator.gt, "<": operator.lt, "<=": operator.le}
INPUT_LABELS = {
    "tpp": ("TPP", ""),
    "performance_density": ("performance density", ""),
    "interconnect_bandwidth_gbs": ("chip-to-chip I/O", " GB/s"),
    "memory_bandwidth_gbs": ("DRAM bandwidth", " GB/s"),
}


@dataclass(frozen=True)
class Classification:
    """Where one chip falls under one rule version."""

    rule_id: str
    accelerator_id: str
    outcome: str  # controlled / not-controlled / indeterminate / named / not-named (and case-by-case: inside/outside)
    paragraph: str | None  # e.g. 3A090.a.1, or None
    summary: str  # one line for people
    working: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    # the comparisons that decided the outcome: the met paragraph's, else each paragraph's first failed or
    # unknown one (the working holds every comparison)
    deciding: list[str] = field(default_factory=list)


def rule_inputs(
    values: Mapping[str, float | None],
    statuses: Mapping[str, str] | None = None,
    inferences: Mapping[str, str] | None = None,
) -> dict[str, tuple[float | None, str]]:
    """The quantities rules test, each with the working that produced it (or why it is missing).

    `statuses` holds the metrics stored with a status instead of a value: a card with no chip-to-chip link
    (interconnect 'not-applicable') is judged on its host link, its only I/O. `inferences` holds the reasoning of
    stored values that are inferred rather than stated (a die area carried over from a sibling part): the working
    of a figure resting on one says so.
    """
    # only the two derived metrics rules test (deriving every metric cost a site of 10,000 chips about 7 s)
    total = tpp(values)
    density_derivation = density_of_tpp(total, values)
    density, density_working = density_derivation.value, density_derivation.working
    if density is not None and (inferred := (inferences or {}).get("die_area_mm2")):
        density_working += f" (die area inferred: {inferred})"
    bandwidth = values.get("memory_bandwidth_tbs")
    interconnect = values.get("interconnect_bandwidth_gbs")
    interconnect_working = f"{interconnect:g} GB/s stored" if interconnect is not None else "chip-to-chip I/O unknown"
    pcie = values.get("pcie_bandwidth_gbs")
    if interconnect is None and (statuses or {}).get("interconnect_bandwidth_gbs") == "not-applicable":
        interconnect = pcie
        interconnect_working = (
            f"no chip-to-chip link; its PCIe host link, {pcie:g} GB/s, is its only I/O"
            if pcie is not None
            else "no chip-to-chip link, and its PCIe bandwidth is unknown"
        )
    return {
        "tpp": (total.value, total.working),
        "performance_density": (density, density_working),
        "interconnect_bandwidth_gbs": (interconnect, interconnect_working),
        "memory_bandwidth_gbs": (
            bandwidth * 1000 if bandwidth is not None else None,
            f"{bandwidth:g} TB/s × 1000 = {bandwidth * 1000:,.0f} GB/s"
            if bandwidth is not None
            else "memory bandwidth unknown",
        ),
    }


def _matches_name(product: str, names: list[str]) -> bool:
    from gpudb.names import name_key

    return name_key(product) in {name_key(name) for name in names}


def classify(
    rule: dict[str, Any],
    accelerator: dict[str, Any],
    values: Mapping[str, float | None],
    names: list[str],
    statuses: Mapping[str, str] | None = None,
    inferences: Mapping[str, str] | None = None,
    inputs: dict[str, tuple[float | None, str]] | None = None,
) -> Classification:
    """Apply one rule (a row of the rule table) to one chip (identity row, stored values, all its names, the
    metrics it has a status for instead of a value, and the reasoning of its inferred values). `inputs` is
    `rule_inputs` of those values, given by a caller that applies several rules to the chip."""
    rule_id, chip = rule["id"], accelerator["id"]
    if rule["kind"] == "named-products":
        named = [product for product in rule["named_products"] if _matches_name(product, names)]
        if named:
            return Classification(
                rule_id,
                chip,
                "named",
                None,
                f"named in the rule ({', '.join(named)})",
                [f"named products: {', '.join(rule['named_products'])}"],
                deciding=[f"named: {', '.join(named)}"],
            )
        return Classification(
            rule_id,
            chip,
            "not-named",
            None,
            "not among the named products",
            [f"named products: {', '.join(rule['named_products'])}"],
            deciding=["not among the named products"],
        )

    if inputs is None:
        inputs = rule_inputs(values, statuses, inferences)
    working = [
        f"{INPUT_LABELS[key][0]}: {text}"
        for key, (_, text) in inputs.items()
        if any(c["metric"] == key for p in rule["paragraphs"] for c in p["conditions"])
    ]
    missing: list[str] = []
    indeterminate_paragraphs: list[str] = []
    failed: list[str] = []  # each paragraph's first comparison that fails
    unsure: list[str] = []  # each paragraph's first comparison with an unknown side
    for paragraph in rule["paragraphs"]:
        if paragraph.get("requires_data_center") and not accelerator["data_center"]:
            working.append(f"{paragraph['id']}: does not apply (not designed or marketed for data centres)")
            failed.append(working[-1])
            continue
        verdicts: list[bool | None] = []
        start, first_unknown = len(working), ""
        for condition in paragraph["conditions"]:
            value = inputs[condition["metric"]][0]
            label, unit = INPUT_LABELS[condition["metric"]]
            threshold = f"{format_number(condition['value'])}{unit}"
            if value is None:
                verdicts.append(None)
                missing.append(label)
                working.append(f"{paragraph['id']}: {label} unknown {condition['op']} {threshold}?")
                first_unknown = first_unknown or working[-1]
                continue
            holds = OPERATORS[condition["op"]](value, condition["value"])
            verdicts.append(holds)
            working.append(
                f"{paragraph['id']}: {label} {format_number(value)}{unit} {condition['op']} {threshold}? "
                f"{'yes' if holds else 'no'}"
            )
            if not holds and False not in verdicts[:-1]:
                failed.append(working[-1])
        if all(verdict is True for verdict in verdicts):
            inside = rule.get("outcome_inside") or ("inside" if rule["kind"] == "case-by-case" else "controlled")
            return Classification(
                rule_id,
                chip,
                "inside" if rule["kind"] == "case-by-case" else "controlled",
                paragraph["id"],
                f"{inside}: {paragraph['id']} ({paragraph['summary'].rstrip('.')})",
                working,
                deciding=working[start:],
            )
        if False not in verdicts:
            indeterminate_paragraphs.append(paragraph["id"])
            unsure.append(first_unknown)  # not met, none failed: one side of a comparison was unknown
    if indeterminate_paragraphs:
        needed = ", ".join(dict.fromkeys(missing))
        return Classification(
            rule_id,
            chip,
            "indeterminate",
            None,
            f"indeterminate: {needed} unknown (could meet {', '.join(indeterminate_paragraphs)})",
            working,
            list(dict.fromkeys(missing)),
            deciding=unsure,
        )
    outside = rule.get("outcome_outside") or ("outside" if rule["kind"] == "case-by-case" else "not controlled")
    return Classification(
        rule_id,
        chip,
        "outside" if rule["kind"] == "case-by-case" else "not-controlled",
        None,
        f"{outside}: no paragraph applies",
        working,
        deciding=failed,
    )


def classify_all(
    rules: list[dict[str, Any]],
    accelerator: dict[str, Any],
    values: Mapping[str, float | None],
    names: list[str],
    statuses: Mapping[str, str] | None = None,
    inferences: Mapping[str, str] | None = None,
) -> list[Classification]:
    """One chip under each rule, its rule inputs derived once."""
    inputs = rule_inputs(values, statuses, inferences)
    return [classify(r, accelerator, values, names, statuses, inferences, inputs) for r in rules]


def export_status(name: str, rule: str | None = None, url: Any = None) -> list[Classification]:
    """Classify one chip under every rule version (or the one named by id)."""
    from gpudb.errors import InvalidArgumentError
    from gpudb.storage import query

    engine = query.engine_for(url)
    chip = query.resolve(name, engine)
    all_rules = query.rules(engine)
    if rule is not None:
        all_rules = [r for r in all_rules if r["id"] == rule]
        if not all_rules:
            valid = ", ".join(r["id"] for r in query.rules(engine))
            raise InvalidArgumentError(f"unknown rule {rule!r}; valid rules: {valid}")
    values = dict(query.numeric_values([chip], engine)[chip])
    accelerator = query.accelerator_row(chip, engine)
    chip_names = query.names(chip, engine)
    statuses = query.statuses([chip], engine)[chip]
    inferred = query.inferences([chip], engine)[chip]
    return classify_all(all_rules, accelerator, values, chip_names, statuses, inferred)


def export_matrix(url: Any = None) -> tuple[list[str], list[tuple[str, dict[str, str]]]]:
    """Every chip under every rule version: the rule ids, and per chip (in list order) its outcome by rule id."""
    from gpudb.storage import query

    engine = query.engine_for(url)
    all_rules = query.rules(engine)
    chips = [row["id"] for row in query.accelerators(engine)]
    values, statuses = query.numeric_values(chips, engine), query.statuses(chips, engine)
    inferred = query.inferences(chips, engine)
    rows = []
    for chip in chips:
        accelerator, chip_names = query.accelerator_row(chip, engine), query.names(chip, engine)
        chip_values = dict(values[chip])
        classified = classify_all(all_rules, accelerator, chip_values, chip_names, statuses[chip], inferred[chip])
        outcomes = {c.rule_id: c.outcome for c in classified}
        rows.append((chip, outcomes))
    return [r["id"] for r in all_rules], rows
