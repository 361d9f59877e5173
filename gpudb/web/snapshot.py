"""One cached, read-only view of the whole database for the table: a wide frame (stored, derived and export
columns), each cell's provenance, and the column catalogue. Rebuilt when the database's build stamp changes, so
sorting and filtering 10,000 chips is pandas on a cached frame, never SQL assembled from request text."""

from __future__ import annotations

import functools
import os
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from gpudb.analysis import wide
from gpudb.analysis.export_controls import classify, rule_inputs
from gpudb.identity import IDENTITY
from gpudb.metrics.catalogue import METRICS
from gpudb.metrics.derived import DERIVED
from gpudb.storage import query
from gpudb.web.cells import Cells, read_preferred

if TYPE_CHECKING:
    import pandas as pd
    from sqlalchemy import Engine

# the identity columns the table can show, described in gpudb.identity (one description for every layer)
SHOWN_IDENTITY = ("name", "vendor", "architecture", "form_factor", "china_specific", "availability")
DEFAULT_COLUMNS = (
    "vendor",
    "bf16_dense_tflops",
    "fp8_dense_tflops",
    "memory_capacity_gb",
    "memory_bandwidth_tbs",
    "interconnect_bandwidth_gbs",
    "tdp_w",
    "tpp",
    "performance_density",
    "ridge_point_bf16",
    "export",
)
IDENTITY_FIELDS = [
    "vendor",
    "name",
    "architecture",
    "form_factor",
    "data_center",
    "china_specific",
    "availability",
    "announced",
    "aliases",
]
OUTCOMES = ("controlled", "not-controlled", "indeterminate", "named", "not-named", "inside", "outside")


@dataclass(frozen=True)
class Column:
    """A column of the table: key, label, unit, description (the header tooltip) and kind."""

    key: str
    label: str
    unit: str
    description: str
    kind: str  # identity / bool / number / text / derived / export
    higher_is_better: bool | None = None

    @property
    def numeric(self) -> bool:
        return self.kind in {"number", "derived"}


def columns() -> dict[str, Column]:
    """Every column the table can show, in order: identity, stored metrics, derived metrics, export status."""
    found = {
        key: Column(
            key, IDENTITY[key].label, "", IDENTITY[key].description, "bool" if key == "china_specific" else "identity"
        )
        for key in SHOWN_IDENTITY
    }
    for m in METRICS:
        kind = "number" if m.kind == "number" else "text"
        found[m.key] = Column(m.key, m.label, m.unit_label, m.description, kind, m.higher_is_better)
    for d in DERIVED:
        found[d.key] = Column(d.key, d.label, d.unit, d.description, "derived", d.higher_is_better)
    found["export"] = Column(
        "export", "Export status", "", "Where the chip falls under the chosen export-rule version.", "export"
    )
    return found


COLUMNS = columns()


@dataclass
class Snapshot:
    """The whole table, built once per database build. Export outcomes are computed per rule when first needed."""

    stamp: Any
    frame: pd.DataFrame  # index: id; identity, metric and derived columns, _text
    cells: Cells  # (id, metric) → provenance of a stored value or status
    working: dict[str, list[str]]  # derived key → each chip's arithmetic, in the frame's row order (working_of)
    rules: list[dict[str, Any]]
    facets: dict[str, list[str]]
    stored: dict[str, dict[str, float]]  # id → stored numeric values (the inputs of rules)
    statuses: dict[str, dict[str, str]]
    names: dict[str, list[str]]
    extra: dict[str, Any] = field(default_factory=dict)  # other cached products of this build (figures…)
    outcomes: dict[str, pd.Series] = field(default_factory=dict)
    one_by_one: dict[tuple[str, str], str] = field(default_factory=dict)
    rule_inputs: dict[str, dict[str, tuple[float | None, str]]] = field(default_factory=dict)  # id → its inputs
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def default_rule(self) -> str | None:
        """The newest in-force threshold rule, else the newest rule."""
        in_force = [r["id"] for r in self.rules if r["status"] == "in-force" and r["kind"] == "thresholds"]
        return (in_force or [r["id"] for r in self.rules] or [None])[-1]

    def _classify(self, rule: dict[str, Any], chip: str) -> str:
        if (inputs := self.rule_inputs.get(chip)) is None:  # the same for every rule: derived once a chip
            inputs = self.rule_inputs[chip] = rule_inputs(self.stored[chip], self.statuses.get(chip, {}))
        row = {"id": chip, "data_center": self.data_center[chip]}
        names, statuses = self.names.get(chip, [chip]), self.statuses.get(chip, {})
        return classify(rule, row, self.stored[chip], names, statuses, inputs=inputs).outcome

    def working_of(self, chip: str, key: str) -> str | None:
        """The arithmetic of a chip's derived metric `key`; None for a key that is not derived or an unknown chip."""
        column, position = self.working.get(key), self.positions.get(chip)
        return None if column is None or position is None else column[position]

    @functools.cached_property
    def data_center(self) -> dict[str, bool]:
        """id → designed for data centres, as a dict (pandas' .at per chip and rule cost 3 s at 10,000 chips)."""
        return {str(chip): bool(flag) for chip, flag in zip(self.frame.index, self.frame["data_center"], strict=True)}

    @functools.cached_property
    def positions(self) -> dict[str, int]:
        """id → the chip's row position in the frame."""
        return {str(chip): position for position, chip in enumerate(self.frame.index)}

    def column_values(self, key: str) -> list[Any]:
        """A column of the frame as the Python values that DataFrame.to_dict gives, in row order (made once per
        build and column, when a view first shows it)."""
        from pandas.core.dtypes.cast import maybe_box_native  # what to_dict applies to each value

        found = self.extra.setdefault("column-values", {})
        if key not in found:
            found[key] = [maybe_box_native(value) for value in self.frame[key]]
        return found[key]

    def export_column(self, rule_id: str | None) -> pd.Series:
        """Every chip's outcome under one rule (computed once per rule and build); None where there is no rule."""
        import pandas as pd

        if rule_id is None:  # the data has no rules at all
            return pd.Series(None, index=self.frame.index, dtype=object)
        if rule_id not in self.outcomes:
            with self._lock:
                if rule_id not in self.outcomes:
                    rule = next(r for r in self.rules if r["id"] == rule_id)
                    outcomes = [self._classify(rule, chip) for chip in self.frame.index]
                    self.outcomes[rule_id] = pd.Series(outcomes, index=self.frame.index, dtype=object)
        return self.outcomes[rule_id]

    def exports(self, chip: str) -> dict[str, str]:
        """One chip's outcome under every rule (remembered, so a page of rows is classified once)."""
        found = {}
        for rule in self.rules:
            if rule["id"] in self.outcomes:
                found[rule["id"]] = self.outcomes[rule["id"]][chip]
            else:
                key = (rule["id"], chip)
                if key not in self.one_by_one:
                    self.one_by_one[key] = self._classify(rule, chip)
                found[rule["id"]] = self.one_by_one[key]
        return found


def build_snapshot(engine: Engine, stamp: Any) -> Snapshot:
    """Read everything the table shows (one streamed query for the preferred entries) and derive the metrics of every
    chip."""
    import pandas as pd

    preferred = read_preferred(engine)
    identity = pd.DataFrame(query.accelerators(engine), columns=["id", *IDENTITY_FIELDS]).set_index("id")
    frame, stored, working = wide.table_frame(preferred.values, identity)
    text = frame.index.to_series() + " " + frame["name"] + " " + frame["vendor"] + " " + frame["architecture"]
    frame["_text"] = (text + " " + frame["form_factor"] + " " + frame["aliases"].fillna("")).str.lower()
    facets = {
        "vendor": sorted(frame["vendor"].dropna().unique().tolist(), key=str.lower),
        "architecture": sorted(frame["architecture"].dropna().unique().tolist(), key=str.lower),
        "form_factor": sorted(frame["form_factor"].dropna().unique().tolist(), key=str.lower),
    }
    return Snapshot(
        stamp,
        frame,
        preferred.cells,
        working,
        query.rules(engine),
        facets,
        stored,
        preferred.statuses,
        query.all_names(engine),
    )


_CACHE: dict[str, Snapshot] = {}
_FILES: dict[str, tuple[int, ...]] = {}  # URL → the SQLite file's signature when its snapshot was last confirmed
_LOCK = threading.Lock()


def _file_signature(engine: Engine) -> tuple[int, ...] | None:
    """(device, inode, size, mtime) of an SQLite database file, or None for other databases. A build writes a new
    file and renames it over the old one, so while the signature holds, so does the build stamp."""
    database = engine.url.database
    if engine.url.get_backend_name() != "sqlite" or database in (None, "", ":memory:"):
        return None
    try:
        found = os.stat(database)
    except OSError:
        return None
    return (found.st_dev, found.st_ino, found.st_size, found.st_mtime_ns)


def snapshot(url: str | Engine | None = None) -> Snapshot:
    """The cached snapshot of the database at `url`, rebuilt when a new build has replaced the data.

    The build stamp is read (a connection and a query) on every call, except for an SQLite file whose signature
    has not changed since the stamp was last read: then a call costs one stat()."""
    engine = query.engine_for(url)
    key = engine.url.render_as_string(hide_password=False)
    signature = _file_signature(engine)
    cached = _CACHE.get(key)
    if cached is not None and signature is not None and _FILES.get(key) == signature:
        return cached
    stamp = query.build_stamp(engine)  # read after the signature: a build in between only means one more read
    if cached is None or cached.stamp != stamp:
        with _LOCK:
            cached = _CACHE.get(key)
            if cached is None or cached.stamp != stamp:
                cached = _CACHE[key] = build_snapshot(engine, stamp)
    if signature is not None:
        _FILES[key] = signature
    return cached
