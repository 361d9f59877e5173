"""The web table over data with no export rules: sorting or showing the export column is no server error."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from gpudb.storage import build as db
from gpudb.web.app import create_app


@pytest.fixture
def client(minimal_data: Path, database_url: str) -> TestClient:
    for rule_file in (minimal_data / "rules").glob("*.yaml"):
        rule_file.unlink()
    db.build(database_url, minimal_data)
    return TestClient(create_app(database_url), raise_server_exceptions=False)


def test_the_export_column_is_empty_and_sortable_without_rules(client):
    response = client.get("/api/accelerators?sort=export&columns=export")
    assert response.status_code == 200
    body = response.json()
    assert body["rule"] is None and body["rules"] == []
    assert [(row["id"], row["cells"]) for row in body["rows"]] == [("x1", {"export": {"value": None}})]


def test_the_table_page_sorted_by_export_renders_without_rules(client):
    assert client.get("/?sort=export&columns=export").status_code == 200
