"""The OpenAPI description agrees with what the JSON routes answer: schemathesis generates requests from it
(valid and invalid), and every answer must be a documented status with a body of the documented shape; a
request the description calls valid is never refused with 400, one it calls invalid never accepted."""

from __future__ import annotations

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, assume, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from gpudb.web.app import create_app


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda mode: mode.value)
def test_every_answer_is_what_the_description_says(real_db, mode):
    # schemathesis' own pytest plugin does not run under this pytest; each operation gets its own Hypothesis run
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", create_app(real_db))
    failures: dict[str, str] = {}
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(max_examples=12, derandomize=True, deadline=None, suppress_health_check=list(HealthCheck))
        def answered_as_described(case):
            if mode is GenerationMode.NEGATIVE:
                # an empty value means "not given" (documented); as a string where an array is described, a
                # repeatable parameter's "" reads the same on the wire as a valid empty item: not a negative case
                query = case.query or {}
                assume(not any(value in ("", [], None) or value == [""] for value in query.values()))
            case.call_and_validate()

        try:
            answered_as_described()
        except Unsatisfiable:  # nothing invalid can be sent to it (every parameter a free string): nothing to try
            continue
        except Exception as failure:  # every operation is tried; the report names each that failed
            failures[operation.label] = str(failure).splitlines()[0] if str(failure) else repr(failure)
    assert len(operations) == 17
    assert failures == {}


def test_parameters_say_their_allowed_values_from_the_served_data(real_db):
    described = TestClient(create_app(real_db)).get("/api/openapi.json").json()
    table = {p["name"]: p for p in described["paths"]["/api/accelerators"]["get"]["parameters"]}
    assert table["order"]["schema"]["enum"] == ["asc", "desc", ""]  # empty: left out, as a plain form sends it
    assert "us-2023-10-advanced-computing" in table["rule"]["schema"]["enum"]
    vendors = next(part for part in table["vendor"]["schema"]["anyOf"] if part.get("type") == "array")
    assert {"NVIDIA", "AMD", "Huawei"} <= set(vendors["items"]["enum"])
    assert table["limit"]["schema"] == {
        "type": "integer",
        "minimum": 1,
        "maximum": 1000,
        "description": "Page size, 1 to 1000 (default 100); every row is /download/table.",
    }
    compare = {p["name"]: p for p in described["paths"]["/api/compare"]["get"]["parameters"]}
    assert compare["ids"]["required"] is True
    errors = described["paths"]["/api/accelerators/{name}"]["get"]["responses"]
    assert {"400", "404", "503"} <= set(errors)
    assert errors["404"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorBody"}
    downloads = described["paths"]["/download/table"]["get"]["responses"]["200"]["content"]
    assert set(downloads) == {"text/csv", "application/json"}


def test_the_description_answers_without_a_database(tmp_path):
    client = TestClient(create_app(f"sqlite:///{tmp_path / 'none.sqlite'}"))
    described = client.get("/api/openapi.json")
    assert described.status_code == 200
    rule = next(p for p in described.json()["paths"]["/api/accelerators"]["get"]["parameters"] if p["name"] == "rule")
    assert "enum" not in str(rule["schema"])  # no data to enumerate: a free string, checked by the route
