"""A problem found in data/: a stable code, where it is, and a plain message. Every check yields these."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Every code a check can report, with what it means. Documented in docs/validation.md (a test keeps them in step).
CODES: dict[str, str] = {
    "not-utf8": "the file is not valid UTF-8 text",
    "yaml-syntax": "the file is not valid YAML",
    "bad-scalar": "a value its YAML tag cannot hold: an impossible date, !!bool maybe, a 5,000-digit number",
    "forbidden-tag": "a YAML tag that builds objects (!!python/…): refused, data files hold plain values",
    "complex-key": "a mapping key that is a list or a mapping (`? [a, b]`)",
    "too-deep": "values nested more than 64 levels deep",
    "too-large": "a file over 16 MiB or of over 100,000 values, or whose aliases expand it too far (an alias bomb)",
    "duplicate-key": "a key appears twice in one mapping (YAML would silently keep the last)",
    "bad-shape": "the file's top level is not what it should be (a mapping for an accelerator, a list for sources)",
    "unknown-field": "a field the format does not have (a typo is an error, not ignored)",
    "missing-field": "a required field is absent",
    "bad-type": "a field has a value of the wrong type or form",
    "id-mismatch": "an accelerator's id differs from its file name",
    "duplicate-id": "two accelerators or two sources share an id",
    "duplicate-alias": "an alias is used by two accelerators, or equals another accelerator's id or name",
    "unknown-metric": "a spec key that is not in the metric catalogue",
    "missing-unit": "a number without a unit for a metric that has one",
    "bad-unit": "a unit that pint does not know or that does not convert to the metric's unit",
    "not-a-number": "a value that should be a number and is not",
    "not-finite": "a number that is NaN, infinite, or too large to hold (a 400-digit figure)",
    "negative-value": "a value below zero",
    "implausible-value": "a value outside the plausible bounds of its metric",
    "missing-source": "a value without a source",
    "unknown-source": "a source id that no file in data/sources/ defines",
    "missing-sparsity": "a tensor throughput figure that does not say whether the source gave it dense or sparse",
    "sparsity-not-applicable": "a sparsity flag on a metric vendors never quote with sparsity",
    "unknown-accelerator": "a claim names a chip that is not in data/accelerators/",
    "inconsistent-rule": "a rule whose kind does not match its contents (thresholds without paragraphs, …)",
    "inconsistent-claim": "a claim that states both or neither of a ratio and a value, or lacks what its figure needs",
    "bad-status": "a status (not-supported, not-applicable, unknown) given with a value or on a metric it cannot mean",
    "incomplete-status": "a status without what it needs: a source for not-supported, a note for the others",
    "bad-list": "a list of values with fewer than two entries, a source twice, or more than one preferred",
    "sparse-as-dense": "a figure marked dense that looks like a 2:4-sparsity figure (twice what its precision allows)",
    "bad-currency": "a price's currency that is not an ISO 4217 code (USD, CNY, EUR…)",
    "future-date": "a price dated after today",
    "inconsistent-price": "a price lacking what its kind needs (a cloud rate's provider, unit…) or with another's",
    "unknown-system-chip": "a system names a chip that is not in data/accelerators/",
    "bad-chip-count": "a system holds fewer than one of a chip (a count below 1)",
    "retired-kind": "a source kind that is no longer accepted (third-party-report): say what the source is",
    "missing-read-via": "a source read through a copy or a quotation that does not name it in read_via",
    "unlisted-publisher": "a reputable-press or analyst-report source whose publisher is not on "
    "data/reputable-publishers.yaml",
    "denylisted-only-source": "a value whose only source is on a host in data/source-denylist.yaml",
    "preferred-lower-tier": "a value marked preferred over one from a more trustworthy tier, without a note saying why",
    "peer-unit-mismatch": "a peer-table row whose unit does not fit its precision (byte/s on a BF16 row)",
    "inconsistent-measurement": "a measurement at odds with itself or its chip (best below median, SMs, past peak)",
    "wrong-measured-unit": "a published measured figure in a unit other than its metric's (TFLOPS, TOPS or TB/s)",
    "bad-measured-value": "a published measured figure that is not a finite number above zero",
}


@dataclass(frozen=True)
class Problem:
    """One problem: code from CODES, a plain message, and where (file, line, accelerator, field, value)."""

    code: str
    message: str
    file: str | None = None
    line: int | None = None
    accelerator: str | None = None
    field: str | None = None
    value: Any = None

    def __post_init__(self) -> None:
        if self.code not in CODES:
            raise ValueError(f"unregistered problem code {self.code!r}")

    @property
    def location(self) -> str:
        """'file:line' (or as much of it as is known)."""
        if self.file and self.line:
            return f"{self.file}:{self.line}"
        return self.file or "data/"

    def __str__(self) -> str:
        subject = ".".join(part for part in (self.accelerator, self.field) if part)
        subject = f" {subject}:" if subject else ""
        return f"{self.location}{subject} {self.message} [{self.code}]"

    def as_dict(self) -> dict[str, Any]:
        """The problem as JSON-ready fields."""
        value = self.value
        if not (value is None or isinstance(value, float | str) or (isinstance(value, int) and abs(value) < 10**80)):
            value = str(value) if not isinstance(value, int) else f"a number of {len(str(abs(value)))} digits"
        if isinstance(value, str) and len(value) > 80:
            value = value[:79] + "…"
        return {
            "code": self.code,
            "file": self.file,
            "line": self.line,
            "accelerator": self.accelerator,
            "field": self.field,
            "value": value,
            "message": self.message,
        }
