"""The OpenAPI document (issue 3 §3): generated without warnings, valid, and served at /api/schema/."""

import pytest
from django.core.management import call_command


def test_openapi_schema_is_valid_and_generates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    text = out.read_text()
    for path in ("/api/v1/orders/{id}/submit/", "/api/v1/phone-dispatches/", "/api/v1/reports/monthly/"):
        assert path in text


@pytest.mark.django_db
def test_schema_and_docs_are_served(client):
    assert client.get("/api/schema/").status_code == 200
    assert client.get("/api/docs/").status_code == 200
