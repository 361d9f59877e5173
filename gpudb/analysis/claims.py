"""Published claims checked against the data: the ratio on every candidate metric, which match, and a verdict."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gpudb.formatting import format_number
from gpudb.metrics.catalogue import METRICS
from gpudb.metrics.derived import comparable_metrics

if TYPE_CHECKING:
    import pandas as pd

# How far a figure may be from the stated one and still match, by the claim's own qualifier. Journalists' "nearly"
# is used as loosely as "about" ("nearly six times" is written of 6.7×), so both get ±15%.
TOLERANCE = {"exactly": 0.01, "about": 0.15, "nearly": 0.15}

# Metrics a performance claim can rest on: throughput, memory and interconnect figures with a unit, and TPP.
CANDIDATES = tuple(
    m.key for m in METRICS if m.category in {"compute", "memory", "interconnect"} and m.unit and m.kind == "number"
) + ("tpp",)


@dataclass(frozen=True)
class Candidate:
    """One metric's figure for a claim: the ratio (or value) the data gives, and whether it matches."""

    metric: str
    label: str
    figure: float | None
    matches: bool
    deviation: float | None  # figure ÷ stated − 1


@dataclass(frozen=True)
class ClaimCheck:
    """The verdict on one claim, with every candidate metric."""

    claim: dict[str, Any]
    verdict: str  # supported / not-supported / not-checkable
    explanation: str
    candidates: list[Candidate] = field(default_factory=list)

    @property
    def matching(self) -> list[Candidate]:
        return [c for c in self.candidates if c.matches]


def stated_text(claim: dict[str, Any]) -> str:
    """'nearly 6× h20', 'exactly TPP 15,840' or 'exactly Memory bandwidth 3.2 TB/s': the metric by its label."""
    qualifier = claim["qualifier"].replace("-", " ")
    if claim["stated_ratio"] is not None:
        return f"{qualifier} {format_number(claim['stated_ratio'])}× {claim['baseline_id']}"
    label, unit = next(
        ((label, unit) for key, label, unit, *_ in comparable_metrics() if key == claim["stated_metric"]),
        (claim["stated_metric"], ""),
    )
    return f"{qualifier} {label} {format_number(claim['stated_value'])} {unit}".rstrip()


def matches(figure: float, stated: float, qualifier: str, tolerance: float | None) -> bool:
    """Whether the data's figure bears out the stated one under the claim's qualifier."""
    if qualifier == "more-than":
        return figure > stated
    if qualifier == "less-than":
        return figure < stated
    if qualifier == "up-to":
        return figure <= stated * (1 + (tolerance or TOLERANCE["exactly"]))
    return abs(figure / stated - 1) <= (tolerance if tolerance is not None else TOLERANCE[qualifier])


def check_claim(claim: dict[str, Any], values: dict[str, dict[str, float | None]]) -> ClaimCheck:
    """Check one claim (a row of the claim table) against the chips' stored and derived values."""
    labels = {key: label for key, label, *_ in comparable_metrics()}
    subject, baseline = values[claim["subject_id"]], values.get(claim["baseline_id"] or "", {})
    is_ratio = claim["stated_ratio"] is not None
    stated = claim["stated_ratio"] if is_ratio else claim["stated_value"]
    # a ratio claim that names its metric (as claims on systems do) is checked on that metric alone
    keys = (claim["stated_metric"],) if claim["stated_metric"] else CANDIDATES
    candidates = []
    for key in keys:
        if is_ratio:
            top, bottom = subject.get(key), baseline.get(key)
            figure = top / bottom if top is not None and bottom else None
        else:
            figure = subject.get(key)
        if figure is None:
            candidates.append(Candidate(key, labels.get(key, key), None, False, None))
            continue
        # a system-level claim is never matched to a peak spec, even where the numbers happen to agree
        ok = claim["scope"] == "peak-spec" and matches(figure, stated, claim["qualifier"], claim["tolerance"])
        candidates.append(Candidate(key, labels.get(key, key), figure, ok, figure / stated - 1))
    unit = "×" if is_ratio else ""
    known = [c for c in candidates if c.figure is not None]
    if claim["scope"] == "system-level":
        return ClaimCheck(
            claim,
            "not-checkable",
            "a system-level speed-up (training or inference throughput of whole "
            "systems); peak specifications cannot confirm or refute it, so no stored metric is matched",
            candidates,
        )
    if not known:
        return ClaimCheck(claim, "not-checkable", "no stored metric has figures for the chips named", candidates)
    matching = [c for c in known if c.matches]
    if matching:
        shown = ", ".join(f"{c.label} {format_number(c.figure)}{unit}" for c in matching)
        # the metrics it does not rest on, so a compute ratio is never mistaken for a bandwidth one
        others = ", ".join(f"{c.label} {format_number(c.figure)}{unit}" for c in known if not c.matches)
        return ClaimCheck(
            claim, "supported", f"supported on {shown}" + (f"; not on {others}" if others else ""), candidates
        )
    closest = min(known, key=lambda c: abs(math.log(c.figure / stated)))
    direction = "above" if closest.deviation > 0 else "below"
    return ClaimCheck(
        claim,
        "not-supported",
        f"not supported: the closest is {closest.label} {format_number(closest.figure)}"
        f"{unit}, {abs(closest.deviation) * 100:.0f}% {direction} the stated {format_number(stated)}{unit}",
        candidates,
    )


def run_checks(ids: list[str] | None = None, url: Any = None) -> list[ClaimCheck]:
    """Check every claim in the database (or those named)."""
    from gpudb.analysis.comparison import chip_values
    from gpudb.errors import InvalidArgumentError
    from gpudb.storage import query

    engine = query.engine_for(url)
    claims = query.claims(engine)
    if ids:
        known = {claim["id"] for claim in claims}
        for claim_id in ids:
            if claim_id not in known:
                raise InvalidArgumentError(f"unknown claim {claim_id!r}; valid claims: {', '.join(sorted(known))}")
        claims = [claim for claim in claims if claim["id"] in ids]
    named = {c["subject_id"] for c in claims} | {c["baseline_id"] for c in claims if c["baseline_id"]}
    from gpudb.analysis.systems import system_figures  # a claim may compare systems: their totals

    systems = system_figures(sorted(named), engine)
    chips = sorted(named - set(systems))
    values = chip_values(chips, engine) if chips else {}
    values.update(systems)
    return [check_claim(claim, values) for claim in claims]


def check_claims(ids: list[str] | None = None, url: Any = None) -> pd.DataFrame:
    """Every claim (or those named) checked: one row per claim with the verdict and the metrics it rests on."""
    return claims_frame(run_checks(ids, url))


def claims_frame(checks: list[ClaimCheck]) -> pd.DataFrame:
    """One row per claim: who, when, what was stated, the verdict and the metrics it rests on."""
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "id": c.claim["id"],
                "claimant": c.claim["claimant"],
                "date": c.claim["date"],
                "subject": c.claim["subject_id"],
                "baseline": c.claim["baseline_id"],
                "stated": stated_text(c.claim),
                "verdict": c.verdict,
                "metrics": ", ".join(m.metric for m in c.matching),
                "explanation": c.explanation,
                "quote": c.claim["quote"],
                "source_url": c.claim["source_url"],
            }
            for c in checks
        ],
        columns=[
            "id",
            "claimant",
            "date",
            "subject",
            "baseline",
            "stated",
            "verdict",
            "metrics",
            "explanation",
            "quote",
            "source_url",
        ],
    )
