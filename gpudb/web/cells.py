"""The table's cells: every chip's preferred entries, read in one pass of the driver's cursor into the values the wide
frame is pivoted from, each chip's statuses, and each entry's provenance. The provenance is kept as a few columns
of codes into each column's distinct values (each source once) and made into a dict only when a page shows the
cell: at 10,000 chips (221,000 entries) the long frame's columns as lists, a fresh Python object per entry and field,
were about 210 MiB of every server worker; lists of shared values 14 MiB; the codes about 3 MiB."""

from __future__ import annotations

from array import array
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from gpudb.storage import query

if TYPE_CHECKING:
    import pandas as pd
    from sqlalchemy import Engine

FIELDS = ("status", "as_published", "sparse_in_source", "board_gpus", "note", "inference", "source_id")


class SharedColumn:
    """A column whose values repeat, kept as a code per row (one byte while there are at most 256 distinct values,
    two up to 65,536, then four) into the list of its distinct values: 221,000 references of 8 bytes a column were
    about 1.7 MiB each of a server worker at 10,000 chips."""

    def __init__(self) -> None:
        self.codes = array("B")
        self.distinct: list[Any] = []
        self._code_of: dict[tuple[type, Any], int] | None = {}  # by type too: 1, 1.0 and True are equal keys

    def append(self, value: Any) -> None:
        assert self._code_of is not None, "a column is read once"
        code = self._code_of.setdefault((type(value), value), len(self.distinct))
        if code == len(self.distinct):
            self.distinct.append(value)
            if code == 2 ** (8 * self.codes.itemsize):  # the next width: B → H → I
                self.codes = array("H" if self.codes.typecode == "B" else "I", self.codes)
        self.codes.append(code)

    def done(self) -> None:
        """The column is read: the codes by value are no longer needed."""
        self._code_of = None

    def __getitem__(self, at: int) -> Any:
        return self.distinct[self.codes[at]]


class Cells:
    """The provenance of each preferred entry, by (chip, metric): `spans` gives each chip's run of positions in
    the columns (the entries are read chip by chip), `metrics` the metric at each position."""

    def __init__(self, sources: dict[str, dict[str, Any]]):
        self.sources = sources  # id → the source as a cell cites it
        self.spans: dict[str, tuple[int, int]] = {}
        self.metrics = SharedColumn()
        self.columns: dict[str, SharedColumn] = {name: SharedColumn() for name in FIELDS}
        self._metric_codes: dict[str, int] = {}

    def done(self) -> None:
        """Every entry is read."""
        self._metric_codes = {metric: code for code, metric in enumerate(self.metrics.distinct)}
        for column in (self.metrics, *self.columns.values()):
            column.done()

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

    cells = Cells({row["id"]: _source(row) for row in query.sources(engine)})
    columns = cells.columns
    chips: list[str] = []
    metrics: list[str] = []
    values: list[Any] = []
    statuses: dict[str, dict[str, str]] = {}
    current: Any = None  # the chip whose entries are being read (its id, one string for all of them)
    start = at = 0
    for at, entry in enumerate(query.preferred_entries(engine)):
        chip, metric, number, text, *provenance = entry
        if chip != current:
            if current is not None:
                cells.spans[current] = (start, at)
            current, start = chip, at
        chip = current  # one string a chip, whatever the driver made for each row
        cells.metrics.append(metric)
        metric = cells.metrics.distinct[cells.metrics.codes[-1]]  # one string a metric
        status, as_published, sparse, board_gpus, note, inference, source_id = provenance
        for name, value in (
            ("status", status),
            ("as_published", as_published),
            ("note", note),
            ("inference", inference),
            ("source_id", source_id),
        ):
            columns[name].append(value)
        columns["sparse_in_source"].append(bool(sparse))
        columns["board_gpus"].append(None if board_gpus is None else int(board_gpus))
        if status == "value":
            chips.append(chip)
            metrics.append(metric)
            values.append(text if number is None else number)
        else:
            statuses.setdefault(chip, {})[metric] = columns["status"][at]
    if current is not None:
        cells.spans[current] = (start, at + 1)
    cells.done()
    frame = pd.DataFrame({"accelerator_id": chips, "metric": metrics, "value": values})
    return Preferred(cells, frame, statuses)
