"""Published claims checked against the data: each metric's figure, its signed gap from the stated one, a grade."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from gpudb.formatting import format_number
from gpudb.metrics.catalogue import METRICS
from gpudb.metrics.derived import comparable_metrics

if TYPE_CHECKING:
    import pandas as pd

# The grades of a verdict, best first, and the verdict where the data lacks the figures.
MATCHES, ROUGHLY, DOES_NOT_MATCH, NOT_CHECKABLE = "matches", "roughly", "does-not-match", "not-checkable"
GRADES = (MATCHES, ROUGHLY, DOES_NOT_MATCH)
VERDICTS = (*GRADES, NOT_CHECKABLE)

# Tolerances, as fractions of the stated figure (docs/metrics.md, "Claims"). A gap is (figure − stated) ÷ stated.
EXACT_TOLERANCE = 0.01  # "exactly" (a plain figure) matches within ±1%: the stated figure's rounding
MATCH_TOLERANCE = 0.05  # "about" matches within ±5%; "nearly" within 5% below, never above
ROUGH_TOLERANCE = 0.15  # any qualifier: a figure that does not match but is within ±15% is "roughly"

# qualifier → (the side of the stated figure that matches, the default width of the match band)
QUALIFIERS = {
    "exactly": ("either side", EXACT_TOLERANCE),
    "about": ("either side", MATCH_TOLERANCE),
    "nearly": ("just below", MATCH_TOLERANCE),
    "more-than": ("at or above", 0.0),
    "less-than": ("at or below", 0.0),
    "up-to": ("at or below", 0.0),
}

# Metrics a performance claim can rest on: throughput, memory and interconnect figures with a unit, and TPP.
CANDIDATES = tuple(
    m.key for m in METRICS if m.category in {"compute", "memory", "interconnect"} and m.unit and m.kind == "number"
) + ("tpp",)
# Of several metrics at the verdict's grade, the one shown: TPP, the measure of "performance" every claimant uses.
HEADLINE_METRIC = "tpp"
# Shown beside a claim whose quote_found is false.
QUOTE_NOT_FOUND = "the quoted sentence is not in the stored copy of the source"


@dataclass(frozen=True)
class Candidate:
    """One metric's figure for a claim: the ratio (or value) the data gives, its gap and its grade."""

    metric: str
    label: str
    figure: float | None
    grade: str | None  # matches / roughly / does-not-match; None without a figure
    gap: float | None  # (figure − stated) ÷ stated

    @property
    def matches(self) -> bool:
        return self.grade == MATCHES


@dataclass(frozen=True)
class ClaimCheck:
    """The verdict on one claim: its grade, the figure it rests on and every candidate metric."""

    claim: dict[str, Any]
    verdict: str  # matches / roughly / does-not-match / not-checkable
    explanation: str
    candidates: list[Candidate] = field(default_factory=list)
    closest: Candidate | None = None
    names: dict[str, str] = field(default_factory=dict)  # subject and baseline id → the name people read

    def name(self, entry_id: str | None) -> str:
        return self.names.get(entry_id or "", entry_id or "")

    @property
    def stated_named(self) -> str:
        """stated_text with the baseline by its name, as people read it: 'nearly 6× H20'."""
        text, baseline = stated_text(self.claim), self.claim["baseline_id"]
        if self.claim["stated_ratio"] is None or not baseline:
            return text
        return text.removesuffix(str(baseline)) + self.name(baseline)

    @property
    def matching(self) -> list[Candidate]:
        """The metrics the verdict rests on: those at its grade, when it is matches or roughly."""
        if self.verdict not in (MATCHES, ROUGHLY):
            return []
        return [c for c in self.candidates if c.grade == self.verdict]

    @property
    def stated_text(self) -> str:
        return stated_text(self.claim)

    @property
    def stated(self) -> float:
        return self.claim["stated_ratio"] if self.claim["stated_ratio"] is not None else self.claim["stated_value"]


def stated_text(claim: dict[str, Any]) -> str:
    """'nearly 6× h20', 'exactly TPP 15,840' or 'exactly Memory bandwidth 3.2 TB/s': the metric by its label."""
    qualifier = claim["qualifier"].replace("-", " ")
    if claim["stated_ratio"] is not None:
        return f"{qualifier} {format_number(claim['stated_ratio'])}× {claim['baseline_id']}"
    label, unit = _label_unit(claim["stated_metric"])
    return f"{qualifier} {label} {format_number(claim['stated_value'])} {unit}".rstrip()


def _label_unit(metric: str) -> tuple[str, str]:
    return next(((label, unit) for key, label, unit, *_ in comparable_metrics() if key == metric), (metric, ""))


def gap_text(gap: float) -> str:
    """A signed gap in percent to one decimal: '+11.5%', '−25.2%', '0.0%'."""
    percent = round(gap * 100, 1)
    if percent == 0:
        return "0.0%"
    return f"+{percent:.1f}%" if percent > 0 else f"−{-percent:.1f}%"


def match_band(qualifier: str, tolerance: float | None = None) -> tuple[float, float]:
    """The gaps that match the stated figure under its qualifier (a claim's own tolerance widens the band)."""
    side, default = QUALIFIERS[qualifier]
    width = default if tolerance is None else tolerance
    if side == "either side":
        return -width, width
    if side == "just below":
        return -width, 0.0
    if side == "at or above":
        return -width, float("inf")
    return float("-inf"), width


def band_text(qualifier: str, tolerance: float | None = None) -> str:
    """The match band in words: 'within ±5%', 'within 5% below', 'at or above it'."""
    side, default = QUALIFIERS[qualifier]
    width = f"{(default if tolerance is None else tolerance) * 100:g}%"
    if side == "either side":
        return f"within ±{width}"
    if side == "just below":
        return f"within {width} below"
    return side + " it" + (f" (or {width} short)" if tolerance else "")


def grade(gap: float, qualifier: str, tolerance: float | None = None) -> str:
    """matches inside the qualifier's band, roughly within ±15% (or the claim's wider tolerance), else does not."""
    low, high = match_band(qualifier, tolerance)
    slack = 1e-9  # 6 ÷ 6 − 1 and its like are exact, but a ratio of two floats need not be
    if low - slack <= gap <= high + slack:
        return MATCHES
    if abs(gap) <= max(ROUGH_TOLERANCE, tolerance or 0.0) + slack:
        return ROUGHLY
    return DOES_NOT_MATCH


def _measured(candidate: Candidate) -> tuple[float, float]:
    """The figure and gap of a candidate the data has a figure for."""
    if candidate.figure is None or candidate.gap is None:
        raise ValueError(f"{candidate.metric} has no figure")
    return candidate.figure, candidate.gap


def _figure(candidate: Candidate, unit: str) -> str:
    return f"{candidate.label} {format_number(_measured(candidate)[0])}{unit}"


def verdict_line(check: ClaimCheck) -> str:
    """'h200-sxm nearly 6× h20; closest TPP 6.69×, +11.5% → roughly': stated figure, closest, gap and grade."""
    claim = check.claim
    head = f"{claim['subject_id']} {stated_text(claim)}"
    words = check.verdict.replace("-", " ")
    if check.closest is None:
        why = "a system-level speed-up" if claim["scope"] == "system-level" else "no stored figure"
        return f"{head}; {why} → {words}"
    gap = gap_text(_measured(check.closest)[1])
    return f"{head}; closest {_figure(check.closest, _unit(claim))}, {gap} → {words}"


def _unit(claim: dict[str, Any]) -> str:
    if claim["stated_ratio"] is not None:
        return "×"
    unit = _label_unit(claim["stated_metric"])[1]
    return f" {unit}" if unit else ""


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
            candidates.append(Candidate(key, labels.get(key, key), None, None, None))
            continue
        gap = figure / stated - 1
        # a system-level claim is never graded on a peak spec, even where the numbers happen to agree
        graded = grade(gap, claim["qualifier"], claim["tolerance"]) if claim["scope"] == "peak-spec" else None
        candidates.append(Candidate(key, labels.get(key, key), figure, graded, gap))
    if claim["scope"] == "system-level":
        return ClaimCheck(
            claim,
            NOT_CHECKABLE,
            "a system-level speed-up (training or inference throughput of whole "
            "systems); peak specifications cannot confirm or refute it, so no stored metric is graded",
            candidates,
        )
    known = [c for c in candidates if c.figure is not None]
    if not known:
        return ClaimCheck(claim, NOT_CHECKABLE, "no stored metric has figures for the chips named", candidates)
    verdict = min((c.grade for c in known if c.grade), key=GRADES.index)
    best = [c for c in known if c.grade == verdict]
    nearest = min(best, key=lambda c: abs(_measured(c)[1]))
    closest = next((c for c in best if c.metric == HEADLINE_METRIC), nearest)
    return ClaimCheck(claim, verdict, _explain(claim, verdict, closest, known), candidates, closest)


def _explain(claim: dict[str, Any], verdict: str, closest: Candidate, known: list[Candidate]) -> str:
    """Why the grade: the band the qualifier allows, where the closest figure falls, and every other metric."""
    unit, qualifier, tolerance = _unit(claim), claim["qualifier"], claim["tolerance"]
    stated = claim["stated_ratio"] if claim["stated_ratio"] is not None else claim["stated_value"]
    band = f"'{qualifier.replace('-', ' ')}' matches {band_text(qualifier, tolerance)}"
    rough = f"±{max(ROUGH_TOLERANCE, tolerance or 0.0) * 100:g}%"
    where = (
        f"{_figure(closest, unit)} is {gap_text(_measured(closest)[1])} from the stated {format_number(stated)}{unit}"
    )
    if verdict == MATCHES:
        text = f"{where}: {band}"
    elif verdict == ROUGHLY:
        text = f"{where}: outside the band ({band}) but within {rough}"
    else:
        text = f"{where}: outside the band ({band}) and beyond {rough}"
    for each in GRADES:
        others = [_figure(c, unit) for c in known if c.grade == each and c is not closest]
        if others:
            text += f"; {'also ' if each == verdict else ''}{each.replace('-', ' ')} on {', '.join(others)}"
    return text


def run_checks(ids: list[str] | None = None, url: Any = None, about: list[str] | None = None) -> list[ClaimCheck]:
    """Check every claim in the database (or those named, or those about the chips in `about`)."""
    from gpudb.analysis.wide import chip_values
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
    if about is not None:
        claims = [claim for claim in claims if is_about(claim, about)]
    named = {c["subject_id"] for c in claims} | {c["baseline_id"] for c in claims if c["baseline_id"]}
    from gpudb.analysis.systems import system_figures  # a claim may compare systems: their totals

    systems = system_figures(sorted(named), engine)
    chips = sorted(named - set(systems))
    values = chip_values(chips, engine) if chips else {}
    values.update(systems)
    from gpudb.storage import query_systems

    names = {row["id"]: row["name"] for row in query.accelerators(engine, ids=chips)} if chips else {}
    names |= {row["id"]: row["name"] for row in query_systems.systems(engine) if row["id"] in systems}
    return [replace(check_claim(claim, values), names=names) for claim in claims]


def is_about(claim: dict[str, Any], chips: list[str]) -> bool:
    """Whether a claim is about the chips compared: subject and baseline both among them, or a value of one."""
    return claim["subject_id"] in chips and (claim["baseline_id"] is None or claim["baseline_id"] in chips)


def check_record(check: ClaimCheck) -> dict[str, Any]:
    """A checked claim as a plain JSON-ready dict: the one shape the web pages, the API and `compare` show."""
    c, closest = check.claim, check.closest
    return {
        "id": c["id"],
        "claimant": c["claimant"],
        "reported_by": c["reported_by"],
        "date": c["date"],
        "quote": c["quote"],
        "quote_found": c["quote_found"],
        "quote_note": QUOTE_NOT_FOUND if c["quote_found"] is False else None,
        "subject": c["subject_id"],
        "baseline": c["baseline_id"],
        "stated": stated_text(c),
        "subject_name": check.name(c["subject_id"]),
        "baseline_name": check.name(c["baseline_id"]) if c["baseline_id"] else None,
        "stated_named": check.stated_named,
        "stated_figure": check.stated,
        "scope": c["scope"],
        "verdict": check.verdict,
        "verdict_line": verdict_line(check),
        "closest": None
        if closest is None
        else {"metric": closest.metric, "label": closest.label, "figure": closest.figure, "gap": closest.gap},
        "gap_text": gap_text(_measured(closest)[1]) if closest else None,
        "explanation": check.explanation,
        "metrics": [{"metric": m.metric, "label": m.label, "figure": m.figure} for m in check.matching],
        "candidates": [
            {"metric": m.metric, "label": m.label, "figure": m.figure, "gap": m.gap, "grade": m.grade}
            for m in check.candidates
        ],
        "note": c["note"],
        "source_title": c["source_title"],
        "source_url": c["source_url"],
    }


def check_claims(ids: list[str] | None = None, url: Any = None) -> pd.DataFrame:
    """Every claim (or those named) checked: one row per claim with the verdict and the metrics it rests on."""
    return claims_frame(run_checks(ids, url))


COLUMNS = [
    "id",
    "claimant",
    "date",
    "subject",
    "baseline",
    "stated",
    "verdict",
    "closest_metric",
    "closest_figure",
    "gap_pct",
    "verdict_line",
    "metrics",
    "explanation",
    "quote",
    "quote_found",
    "source_url",
]


def claims_frame(checks: list[ClaimCheck]) -> pd.DataFrame:
    """One row per claim: who, when, what was stated, the verdict, the closest figure and its gap in percent."""
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
                "closest_metric": c.closest.metric if c.closest else None,
                "closest_figure": c.closest.figure if c.closest else None,
                "gap_pct": round(_measured(c.closest)[1] * 100, 1) if c.closest else None,
                "verdict_line": verdict_line(c),
                "metrics": ", ".join(m.metric for m in c.matching),
                "explanation": c.explanation,
                "quote": c.claim["quote"],
                "quote_found": c.claim["quote_found"],
                "source_url": c.claim["source_url"],
            }
            for c in checks
        ],
        columns=COLUMNS,
    )
