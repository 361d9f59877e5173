"""The detail page's measured section: each `gpudb bench` run of a chip, its environment and its figures beside
the published peaks (gpudb.analysis.measured), as JSON-ready dicts."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine

from gpudb.analysis import measured

FIGURE_KEYS = ["name", "metric", "label", "precision", "unit", "median", "best", "spread_pct", "repetitions"]
FIGURE_KEYS += ["shape", "size_bytes", "method", "limitation", "published", "published_source", "published_url"]
FIGURE_KEYS += ["efficiency", "best_efficiency"]


def runs(accelerator_id: str, engine: Engine) -> list[dict[str, Any]]:
    """The chip's runs, newest first: id, date, tool, mode, environment, skipped, and figures."""
    figures = measured.measurement_rows(accelerator_id, engine)
    found = []
    for run in measured.runs(accelerator_id, engine):
        found.append(
            {
                "id": run["id"],
                "measured": run["measured"],
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
