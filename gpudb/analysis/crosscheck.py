"""Peak tables of other projects (data/peers/, Epoch AI's CSV) set against gpudb, each difference classified.

>>> import gpudb
>>> gpudb.crosscheck("torchtitan")          # one row per entry: both values, units, source, verdict
>>> gpudb.crosscheck("epoch", path="ml_hardware.csv")
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine

from gpudb.analysis.devices import PRECISIONS, UnknownDeviceError, lookup_device
from gpudb.errors import DataValidationError, InvalidArgumentError
from gpudb.storage import query

if TYPE_CHECKING:
    import pandas as pd

TOLERANCE = 0.02  # two figures agree within 2% (rounding: 989 vs 989.5, 1.3 vs 1.3074 PFLOPS)
BOARD_SIZES = (2, 4, 8, 16, 72)  # a peer quoting a whole board or rack: HGX 4/8, DGX 16, NVL72
UNIT_SLIPS = {1000: "×1000", 1024: "×1024", 8: "×8 (bits for bytes)"}
VERDICTS = (
    "agrees",
    "superseded",
    "sparse-as-dense",
    "board",
    "unit-slip",
    "other-sku",
    "other-metric",  # the chip's own figure of a sibling metric: FP64 Tensor given as FP64 (or the reverse)
    "unexplained",
    "no-gpudb-value",  # the chip resolves, but gpudb holds no value of that metric to set the figure against
    "not-in-gpudb",
)
# A peer's figure for one metric may be the chip's figure of its sibling (FP64 on Tensor Cores for plain FP64).
SIBLING_METRICS = {"fp64_tflops": "fp64_tensor_tflops", "fp64_tensor_tflops": "fp64_tflops"}
SUMMARY_WORDS = {"agrees": "agree", "no-gpudb-value": "with no gpudb value", "not-in-gpudb": "not in gpudb"}
METRICS = {**PRECISIONS, "memory-bandwidth": "memory_bandwidth_tbs"}
SCALE = {"FLOP/s": 1e12, "OP/s": 1e12, "byte/s": 1e12}  # SI base units → TFLOPS, TOPS, TB/s
COLUMNS = [
    "peer", "key", "precision", "metric", "verdict", "peer_value", "peer_unit", "peer_written", "peer_converted",
    "gpudb_value", "gpudb_unit", "accelerator_id", "source_title", "factor", "matched", "note",
]  # fmt: skip


@dataclass(frozen=True)
class PeerRow:
    """One figure of a peer table, whatever the adapter read it from."""

    peer: str
    key: str
    precision: str
    value: float
    unit: str
    written: str | None = None
    note: str | None = None  # the transcriber's note on the row (e.g. why its device is not in gpudb)


def peer_names(data_dir: Path | None = None) -> list[str]:
    """The peer tables in data/peers/, by name."""
    return sorted(record.entry.name for record in _peer_dataset(data_dir).peers)


def _peer_dataset(data_dir: Path | None):
    from gpudb.settings import data_dir as default_data_dir
    from gpudb.validation.run import peer_tables

    dataset = peer_tables(Path(data_dir) if data_dir else default_data_dir())
    if dataset.problems:
        raise DataValidationError(dataset.problems)
    return dataset


def peer_rows(name: str | None = None, data_dir: Path | None = None) -> list[PeerRow]:
    """The rows of one peer table in data/peers/ (a name from peer_names), or of all of them (None)."""
    records = {record.entry.name: record for record in _peer_dataset(data_dir).peers}
    if name is not None and name not in records:
        raise InvalidArgumentError(f"unknown peer table {name!r}; known: {', '.join(sorted(records)) or 'none'}")
    return [
        PeerRow(peer, e.key, e.precision, float(e.value), e.unit, e.written, e.note)
        for peer in ([name] if name else sorted(records))
        for e in (row.entry for row in records[peer].rows)
    ]


def crosscheck_rows(
    name: str | None = None,
    path: Path | str | None = None,
    url: str | Engine | None = None,
    data_dir: Path | None = None,
) -> list[dict[str, Any]]:
    """Every entry of one peer table (None: all of data/peers/; 'epoch' with `path`: Epoch AI's CSV), classified."""
    if name == "epoch":
        if path is None:
            raise InvalidArgumentError("the epoch table is a CSV you downloaded: give its path")
        from gpudb.analysis.crosscheck_epoch import epoch_rows

        rows = epoch_rows(Path(path))
    else:
        rows = peer_rows(name, data_dir)
    return classify(rows, url)


def crosscheck(
    name: str | None = None,
    path: Path | str | None = None,
    url: str | Engine | None = None,
    data_dir: Path | None = None,
) -> pd.DataFrame:
    """A peer table set against gpudb as a frame: one row per entry and metric, with its verdict (see VERDICTS)."""
    import pandas as pd

    return pd.DataFrame(crosscheck_rows(name, path, url, data_dir), columns=COLUMNS)


def classify(rows: list[PeerRow], url: str | Engine | None = None) -> list[dict[str, Any]]:
    """Each peer row beside what gpudb holds for its device and metric, with the verdict that explains them."""
    engine = query.engine_for(url)
    by_chip: dict[tuple[str, str], list[dict]] = {}
    by_metric: dict[str, list[dict]] = {}
    for entry in query.entries(engine):
        if entry["status"] == "value" and entry["value_number"] is not None:
            by_chip.setdefault((entry["accelerator_id"], entry["metric"]), []).append(entry)
            if entry["preferred"]:
                by_metric.setdefault(entry["metric"], []).append(entry)
    units = {metric["key"]: metric["unit"] for metric in query.metrics(engine)}
    resolved: dict[str, tuple[str | None, str]] = {}
    result = []
    for row in rows:
        if row.key not in resolved:
            resolved[row.key] = _resolve(row.key, engine)
        accelerator_id, how = resolved[row.key]
        metric = METRICS[row.precision]
        converted = row.value / SCALE[row.unit]
        out = {
            "peer": row.peer, "key": row.key, "precision": row.precision, "metric": metric, "verdict": None,
            "peer_value": row.value, "peer_unit": row.unit, "peer_written": row.written, "peer_converted": converted,
            "gpudb_value": None, "gpudb_unit": units.get(metric), "accelerator_id": accelerator_id,
            "source_title": None, "factor": None, "matched": None, "note": how,
        }  # fmt: skip
        if accelerator_id is None:
            out["verdict"] = "not-in-gpudb"
            if row.note:  # the peer file says why the device is missing: a lead is worth its explanation
                out["note"] = f"{how}; {row.note}"
        else:
            out.update(_verdict(converted, accelerator_id, metric, by_chip, by_metric))
        result.append(out)
    return result


def _resolve(key: str, engine: Engine) -> tuple[str | None, str]:
    """The accelerator a peer's key means, through the device-name table then name lookup; never a guess."""
    try:
        match = lookup_device(key, url=engine)
    except UnknownDeviceError:
        return None, "no device name or accelerator name matches"
    if match.accelerator_id is None:
        return None, f"ambiguous: {', '.join(match.candidates)}"
    return match.accelerator_id, f"resolved {match.how}"


def _close(a: float, b: float) -> bool:
    """Within TOLERANCE of each other, the edge included: 2,450 against 2,500 is 2% (the float quotient's
    0.020000000000000018 is rounded off)."""
    return b != 0 and round(abs(a / b - 1), 12) <= TOLERANCE


def _verdict(value: float, chip: str, metric: str, by_chip: dict, by_metric: dict) -> dict[str, Any]:
    stored = by_chip.get((chip, metric), [])
    preferred = next((entry for entry in stored if entry["preferred"]), None)
    found: dict[str, Any] = {}
    if preferred is not None:
        gpudb = preferred["value_number"]
        found = {"gpudb_value": gpudb, "source_title": preferred["source_title"]}
        if _close(value, gpudb):
            return {**found, "verdict": "agrees", "factor": 1}
        for older in stored:
            if not older["preferred"] and _close(value, older["value_number"]):
                matched = f"{older['value_number']:g} from {older['source_title']}"
                return {**found, "verdict": "superseded", "matched": matched}
        if "_dense_" in metric and _close(value, 2 * gpudb):
            return {**found, "verdict": "sparse-as-dense", "factor": 2}
        sibling = SIBLING_METRICS.get(metric)  # before the board sizes: H100's FP64 Tensor 67 is 2 × its FP64 34
        for entry in by_chip.get((chip, sibling), []) if sibling else []:
            if entry["preferred"] and _close(value, entry["value_number"]):
                return {**found, "verdict": "other-metric", "matched": f"{sibling} ({entry['value_number']:g})"}
        for size in BOARD_SIZES:
            if _close(value, size * gpudb):
                return {**found, "verdict": "board", "factor": size}
        for factor, label in UNIT_SLIPS.items():
            for ratio in (factor, 1 / factor):
                if _close(value, ratio * gpudb):
                    shown = label if ratio == factor else f"÷{label[1:]}"
                    return {**found, "verdict": "unit-slip", "factor": ratio, "matched": shown}
    others = [entry for entry in by_metric.get(metric, []) if entry["accelerator_id"] != chip]
    close = sorted(
        (entry for entry in others if _close(value, entry["value_number"])), key=lambda e: e["accelerator_id"]
    )
    if close:
        matched = ", ".join(f"{entry['accelerator_id']} ({entry['value_number']:g})" for entry in close[:3])
        return {**found, "verdict": "other-sku", "matched": matched}
    if preferred is None:  # nothing to disagree with: a gap in gpudb, not a doubt about the peer's figure
        return {**found, "verdict": "no-gpudb-value", "note": f"gpudb has no {metric} value for {chip}"}
    return {**found, "verdict": "unexplained"}


def summary(rows: list[dict[str, Any]]) -> dict[str, Counter]:
    """Per peer, how many entries got each verdict."""
    counts: dict[str, Counter] = {}
    for row in rows:
        counts.setdefault(row["peer"], Counter())[row["verdict"]] += 1
    return counts


def summary_line(peer: str, counts: Counter) -> str:
    """'torchtitan: 23 entries, 18 agree, 2 sparse-as-dense, 3 not in gpudb' (verdicts with a count, in order)."""
    parts = [f"{counts[verdict]} {SUMMARY_WORDS.get(verdict, verdict)}" for verdict in VERDICTS if counts[verdict]]
    total = sum(counts.values())
    return f"{peer}: {total} entr{'y' if total == 1 else 'ies'}, " + ", ".join(parts)
