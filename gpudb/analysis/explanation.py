"""Explanations: a derived value of one chip with its arithmetic and the sources of every input."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from gpudb.metrics.derived import DERIVED_BY_KEY, Derivation, derive
from gpudb.storage.public import ValuePublic


@dataclass(frozen=True)
class Explanation:
    """A derived metric of one chip: its value, the working, and each stored input with its source."""

    accelerator_id: str
    metric: str
    label: str
    unit: str
    derivation: Derivation
    inputs: list[ValuePublic]

    @property
    def value(self) -> float | None:
        return self.derivation.value


def explain(name: str, metric: str, url: Any = None) -> Explanation:
    """How `metric` (a derived metric key) of the named chip is computed, from which stored values and sources."""
    from gpudb.analysis.wide import baseline_values
    from gpudb.errors import InvalidArgumentError
    from gpudb.storage import query

    if metric not in DERIVED_BY_KEY:
        raise InvalidArgumentError(f"unknown derived metric {metric!r}; valid: {', '.join(DERIVED_BY_KEY)}")
    engine = query.engine_for(url)
    accelerator = query.get(name, engine)
    # only the preferred entry of each metric: where sources disagree, the others must not overwrite it
    stored = {v.metric: v.value for v in accelerator.values if v.preferred and isinstance(v.value, float)}
    base = baseline_values(engine)
    derivation = derive(stored, base)[metric]
    inputs = [v for v in accelerator.values if v.preferred and v.metric in derivation.inputs]
    definition = DERIVED_BY_KEY[metric]
    return Explanation(accelerator.id, metric, definition.label, definition.unit, derivation, inputs)
