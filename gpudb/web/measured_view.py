"""The detail page's measured section: each measurement of a chip (a `gpudb bench` run with its environment, or
one others published, with who measured and its source) and its figures beside the published peaks
(gpudb.analysis.measured), as JSON-ready dicts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from gpudb.analysis import measured

FIGURE_KEYS = ["name", "metric", "label", "precision", "unit", "value", "median", "best", "spread_pct"]
FIGURE_KEYS += ["repetitions", "shape", "size_bytes", "method", "limitation", "note", "published"]
FIGURE_KEYS += ["published_source", "published_url"]
FIGURE_KEYS += ["efficiency", "best_efficiency"]


def runs(accelerator_id: str, engine: Engine) -> list[dict[str, Any]]:
    """The chip's measurements, newest first: id, kind, measured_by, date, tool, mode, environment, skipped, the
    source of a published one (published, source_id, source, url), and figures."""
    return runs_from(measured.runs(accelerator_id, engine), measured.measurement_rows(accelerator_id, engine))


def runs_from(chip_runs: list[dict[str, Any]], figures: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """runs() from the chip's rows of measured.runs and measured.measurement_rows, already read."""
    cited = {row["measurement_id"]: row for row in figures}
    found = []
    for run in chip_runs:
        found.append(
            {
                "id": run["id"],
                "kind": run["kind"],
                "measured_by": run["measured_by"],
                "measured": run["measured"],
                "published": run["published"],
                "source_id": run["source_id"],
                "source": cited[run["id"]]["measurement_source"] if run["id"] in cited else None,
                "url": cited[run["id"]]["measurement_url"] if run["id"] in cited else None,
                "tool": run["tool"],
                "mode": run["mode"],
                "environment": run["environment"],
                "skipped": run["skipped"],
                "note": run["note"],
                "file": run["file"],
                "figures": [
                    {key: row[key] for key in FIGURE_KEYS} for row in figures if row["measurement_id"] == run["id"]
                ],
            }
        )
    return found
