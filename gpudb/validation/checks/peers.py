"""Peer tables (data/peers/*.yaml, peak figures other projects hard-code): reading them and checking each row."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import ValidationError

from gpudb.problems import Problem
from gpudb.validation.checks import check
from gpudb.validation.loader import line_of, load_folder
from gpudb.validation.records import Dataset
from gpudb.validation.schema_prices_peers import PEER_UNITS, PeerEntry, PeerFile
from gpudb.validation.shape import _field_problems


@dataclass(frozen=True)
class PeerRow:
    """One well-formed row of a peer table and where it is written."""

    entry: PeerEntry
    index: int  # its place in the file's entries, counting malformed rows too
    line: int | None


@dataclass(frozen=True)
class PeerRecord:
    """A peer file whose header is valid, with its rows that passed their own shape check."""

    entry: PeerFile
    file: str
    path: Path
    content: dict
    rows: list[PeerRow]


def read_peers(data_dir: Path, dataset: Dataset) -> None:
    """Read data/peers/*.yaml into the dataset; a malformed row is a problem and the other rows are still read."""
    documents, problems = load_folder(data_dir / "peers", data_dir)
    dataset.problems.extend(problems)
    for document in documents:
        content = document.content
        if not isinstance(content, dict):
            line = getattr(content, "line", 1)
            dataset.problems.append(
                Problem("bad-shape", "a peer file must be a YAML mapping", document.shown_path, line)
            )
            continue
        subject = document.path.stem
        try:
            header = PeerFile.model_validate(content)
        except ValidationError as error:
            dataset.problems.extend(_field_problems(error, document.shown_path, content, (), subject, PeerFile))
            continue
        rows = []
        for index, raw in enumerate(content["entries"]):
            location = ("entries", index)
            try:
                rows.append(PeerRow(PeerEntry.model_validate(raw), index, line_of(content, location)))
            except ValidationError as error:
                row_problems = _field_problems(error, document.shown_path, raw, (), subject, PeerEntry)
                # the row's own lines are relative to the row; locate them in the whole file
                dataset.problems.extend(
                    Problem(
                        p.code,
                        p.message,
                        p.file,
                        line_of(content, (*location, p.field or "")) or p.line,
                        subject,
                        f"entries[{index}].{p.field}" if p.field else f"entries[{index}]",
                        p.value,
                    )
                    for p in row_problems
                )
        dataset.peers.append(PeerRecord(header, document.shown_path, document.path, content, rows))


@check
def peer_rows_are_numbers_in_known_units(dataset: Dataset) -> Iterator[Problem]:
    """Each row's value is a number, its unit one of PEER_UNITS and fitting its precision; names match files."""
    for record in dataset.peers:
        name = record.entry.name
        if name != record.path.stem:
            message = f"name {name!r} differs from the file name {record.path.name!r}; rename one"
            yield Problem("id-mismatch", message, record.file, line_of(record.content, ("name",)), name, "name", name)
        for row in record.rows:
            entry, index = row.entry, row.index
            at = ("entries", index)
            field = f"entries[{index}]"
            if isinstance(entry.value, bool) or not isinstance(entry.value, int | float):
                line = line_of(record.content, (*at, "value"))
                message = f"{entry.value!r} is not a number; write the figure in {entry.unit}, e.g. 9.89e+14"
                yield Problem("not-a-number", message, record.file, line, name, f"{field}.value", entry.value)
            else:
                yield from _implausible_rate(record, row, name)
            line = line_of(record.content, (*at, "unit"))
            if entry.unit not in PEER_UNITS:
                message = f"unit {entry.unit!r} is not one of {', '.join(PEER_UNITS)}"
                yield Problem("bad-unit", message, record.file, line, name, f"{field}.unit", entry.unit)
                continue
            wanted = "byte/s" if entry.precision == "memory-bandwidth" else ("OP/s", "FLOP/s")
            if entry.unit not in wanted:
                fits = wanted if isinstance(wanted, str) else " or ".join(wanted)
                message = f"{entry.precision} is given in {fits}, not {entry.unit}"
                yield Problem("peer-unit-mismatch", message, record.file, line, name, f"{field}.unit", entry.unit)


# A device's rate in FLOP/s, OP/s or byte/s: the fastest chip is near 1e16; a unit slip (×1000) is what the
# cross-check classifies, so only what no device and no slip could be (past 1e21, or not above zero) is refused.
MAX_PEER_RATE = 1e21


def _implausible_rate(record: PeerRecord, row: PeerRow, name: str) -> Iterator[Problem]:
    value, unit = row.entry.value, row.entry.unit
    line = line_of(record.content, ("entries", row.index, "value"))
    field = f"entries[{row.index}].value"
    if value != value or value in (float("inf"), float("-inf")):
        yield Problem("not-finite", f"{value} is not a finite number", record.file, line, name, field, value)
    elif value < 0:
        yield Problem("negative-value", f"{value:g} {unit} is negative", record.file, line, name, field, value)
    elif not 0 < value <= MAX_PEER_RATE:
        message = f"{value:g} {unit} is outside the plausible range of a device's rate (above 0, at most 1e+21)"
        yield Problem("implausible-value", message, record.file, line, name, field, value)
