"""The table's cells: every chip's preferred entries, read in one pass of the driver's cursor into the values the wide
frame is pivoted from, each chip's statuses, and each entry's provenance. The provenance is kept as a few columns
of codes into each column's distinct values (each source once) and made into a dict only when a page shows the
cell: at 10,000 chips (221,000 entries) the long frame's columns as lists, a fresh Python object per entry and field,
were about 210 MiB of every server worker; lists of shared values 14 MiB; the codes about 3 MiB."""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gpudb.storage import query

if TYPE_CHECKING:
    import pandas as pd
    from sqlalchemy import Engine

FIELDS = ("status", "as_published", "sparse_in_source", "board_gpus", "note", "inference", "source_id")


class SharedColumn:
    """A column whose values repeat, kept as a code per row (one byte for at most 256 distinct values, two up to
    65,536, else four) into the list of its distinct values: 221,000 references of 8 bytes a column were about
    1.7 MiB each of a server worker at 10,000 chips. Made from the whole column at once, the loops in C."""

    def __init__(self, read: list[Any]):
        # 1, 1.0 and True are one dict key: where a column mixes such types, each value is keyed with its type
        typed = len(set(map(type, read)) & {bool, int, float}) > 1
        keyed: Iterable[Any] = zip(map(type, read), read, strict=True) if typed else read
        code_of = {key: code for code, key in enumerate(dict.fromkeys(keyed))}
        self.distinct: list[Any] = [key[1] for key in code_of] if typed else list(code_of)
        typecode = "B" if len(code_of) <= 2**8 else "H" if len(code_of) <= 2**16 else "I"
        keyed = zip(map(type, read), read, strict=True) if typed else read
        self.codes = array(typecode, map(code_of.__getitem__, keyed))

    def __getitem__(self, at: int) -> Any:
        return self.distinct[self.codes[at]]


class Cells:
    """The provenance of each preferred entry, by (chip, metric): `spans` gives each chip's run of positions in
    the columns (the entries are read chip by chip), `metrics` the metric at each position, `columns` each of
    FIELDS at each position."""

    def __init__(
        self,
        sources: dict[str, dict[str, Any]],
        spans: dict[str, tuple[int, int]],
        metrics: SharedColumn,
        columns: dict[str, SharedColumn],
    ):
        self.sources = sources  # id → the source as a cell cites it
        self.spans = spans
        self.metrics = metrics
        self.columns = columns
        self._metric_codes = {metric: code for code, metric in enumerate(metrics.distinct)}

    def get(self, key: tuple[str, str]) -> dict[str, Any] | None:
        """The entry's status and provenance, its source in full (a copy); None when the chip has no such entry."""
        chip, metric = key
        span, code = self.spans.get(chip), self._metric_codes.get(metric)
        if span is None or code is None:
            return None
        try:
            at = self.metrics.codes.index(code, *span)  # a chip has about 30 entries: a scan in C, no key per entry
        except ValueError:
            return None
        c = {name: column.distinct[column.codes[at]] for name, column in self.columns.items()}  # no call a field
        source = self.sources.get(c["source_id"]) if c["source_id"] is not None else None
        return {
            "status": c["status"],
            "as_published": c["as_published"],
            "sparse_in_source": c["sparse_in_source"],
            "board_gpus": c["board_gpus"],
            "note": c["note"],
            "inference": c["inference"],
            "source": None if source is None else dict(source),
        }


@dataclass
class Preferred:
    """What one pass over the preferred entries gives the snapshot."""

    cells: Cells
    values: pd.DataFrame  # accelerator_id, metric, value (the number, else the text) of the entries with a value
    statuses: dict[str, dict[str, str]]  # id → {metric → status} of the entries without a value


def _source(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": row["id"],
        "title": row["title"],
        "publisher": row["publisher"],
        "published": None if row["published"] is None else str(row["published"]),
        "url": row["url"],
        "kind": row["kind"],
        "tier": int(row["tier"]),
        "read": row["read"],
        "read_via": row["read_via"] if isinstance(row["read_via"], str) else None,
    }


def read_preferred(engine: Engine) -> Preferred:
    """Every chip's preferred entries, in one streamed query (no frame of every entry, no row objects)."""
    import pandas as pd

    read: dict[str, list[Any]] = {name: [] for name in ("metric", *FIELDS)}
    spans: dict[str, tuple[int, int]] = {}
    # Every value read is swapped at once for the first equal one (by type too: 1 and 1.0 are one key), so the
    # driver's objects die with their batch; a copy per row that lived until the end fragmented a worker's heap.
    shared: dict[tuple[type, Any], Any] = {}
    chips: list[str] = []
    metrics: list[str] = []
    values: list[Any] = []
    statuses: dict[str, dict[str, str]] = {}
    current: Any = None  # the chip whose entries are being read (its id, one string for all of them)
    start = at = 0
    for at, entry in enumerate(query.preferred_entries(engine)):
        chip, metric, number, text, status, as_published, sparse, board_gpus, note, inference, source_id = entry
        if chip != current:
            if current is not None:
                spans[current] = (start, at)
            current, start = chip, at
        chip = current
        metric, status = shared.setdefault((str, metric), metric), shared.setdefault((str, status), status)
        read["metric"].append(metric)
        read["status"].append(status)
        read["as_published"].append(shared.setdefault((type(as_published), as_published), as_published))
        read["sparse_in_source"].append(bool(sparse))
        read["board_gpus"].append(None if board_gpus is None else int(board_gpus))
        read["note"].append(shared.setdefault((type(note), note), note))
        read["inference"].append(shared.setdefault((type(inference), inference), inference))
        read["source_id"].append(shared.setdefault((type(source_id), source_id), source_id))
        if status == "value":
            chips.append(chip)
            metrics.append(metric)
            values.append(text if number is None else number)
        else:
            statuses.setdefault(chip, {})[metric] = status
    if current is not None:
        spans[current] = (start, at + 1)
    sources = {row["id"]: _source(row) for row in query.sources(engine)}
    columns = {name: SharedColumn(read.pop(name)) for name in FIELDS}  # each list dropped once coded
    cells = Cells(sources, spans, SharedColumn(read.pop("metric")), columns)
    frame = pd.DataFrame({"accelerator_id": chips, "metric": metrics, "value": values})
    return Preferred(cells, frame, statuses)
