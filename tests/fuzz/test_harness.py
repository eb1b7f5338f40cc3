"""The API fuzz's own checks can fail (issue 11 §4): against a one-operation toy application, a 5xx,
an undocumented status code, another content type and a body that breaks the response schema are
each reported, and a conforming answer is not."""

import json

import pytest
import schemathesis
from schemathesis import GenerationMode

from tests.fuzz.test_api_schemathesis import NOTHING_TO_NEGATE, fuzz_operation

pytestmark = pytest.mark.django_db

DOCUMENT = {
    "openapi": "3.0.3",
    "info": {"title": "toy", "version": "1"},
    "paths": {
        "/thing/": {
            "get": {
                "responses": {
                    "200": {
                        "description": "",
                        "content": {
                            "application/json": {
                                "schema": {
                                    "type": "object",
                                    "properties": {"name": {"type": "string"}},
                                    "required": ["name"],
                                }
                            }
                        },
                    }
                }
            }
        }
    },
}


def _app(status, body, content_type="application/json"):
    def app(environ, start_response):
        start_response(status, [("Content-Type", content_type)])
        return [body.encode()]

    return app


def _run(app):
    schema = schemathesis.openapi.from_dict(json.loads(json.dumps(DOCUMENT)))
    schema.app = app
    operation = next(schema.get_all_operations()).ok()
    made = {"requests": 0}
    return fuzz_operation(operation, GenerationMode.POSITIVE, headers={}, made=made), made["requests"]


@pytest.mark.parametrize(
    "app,reported",
    [
        (_app("500 Internal Server Error", "boom", "text/html"), "Server error"),
        (_app("201 Created", '{"name": "x"}'), "Undocumented status code"),
        (_app("200 OK", "<p>x</p>", "text/html"), "Undocumented Content-Type"),
        (_app("200 OK", '{"name": null}'), "Response violates schema"),
        (_app("200 OK", "{}"), "Response violates schema"),
    ],
)
def test_the_fuzz_reports_a_5xx_and_every_kind_of_schema_violation(app, reported):
    failure, requests = _run(app)
    assert requests >= 1
    assert failure is not None and failure is not NOTHING_TO_NEGATE
    assert failure.startswith("GET /thing/ [positive]")
    assert reported in failure


def test_the_fuzz_passes_a_conforming_answer():
    failure, requests = _run(_app("200 OK", '{"name": "x"}'))
    assert failure is None and requests >= 1
