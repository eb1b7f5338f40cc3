"""Bad input answers 400 or 404, never 500, and the OpenAPI document says what the API answers
(issue 11 §4; the shared mechanisms in config/api.py, config/parsers.py, config/openapi.py). Each test
names the cause the schema fuzz (tests/fuzz) found."""

import io
import json

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework import exceptions
from rest_framework.test import APIClient

from config.parsers import JSONParser
from org.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def front_admin(org):
    return UserFactory(username="zq_fuzz", department=org["gov_enterprise"], roles=[Role.FRONT_ADMIN])


@pytest.fixture
def api(front_admin):
    client = APIClient()
    client.force_authenticate(front_admin)
    return client


@pytest.fixture(scope="module")
def document(django_db_blocker):
    with django_db_blocker.unblock():
        return SchemaGenerator().get_schema(request=None, public=True)


def _nested(depth):
    return "[" * depth + "]" * depth


# --- non-numeric ids: no route, a JSON 404 -------------------------------------------------


@pytest.mark.parametrize(
    "method,url",
    [
        ("get", "/api/v1/orders/abc/"),
        ("get", "/api/v1/orders/null/"),
        ("get", "/api/v1/orders/-1/"),
        ("post", "/api/v1/build-decisions/null/approve/"),
        ("post", "/api/v1/steps/1.5/accept/"),
        ("get", "/api/v1/no-such-collection/"),
    ],
)
def test_a_non_integer_id_or_unknown_api_url_is_a_json_404(api, method, url):
    response = getattr(api, method)(url)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json()["detail"]


def test_an_id_beyond_the_integer_range_is_a_404_not_a_database_error(api):
    response = api.get("/api/v1/orders/99999999999999999999999/")
    assert response.status_code == 404


def test_an_unknown_page_url_keeps_the_html_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_the_id_path_parameter_is_documented_as_an_integer(document):
    parameter = document["paths"]["/api/v1/orders/{id}/"]["get"]["parameters"][0]
    assert parameter["name"] == "id" and parameter["schema"]["type"] == "integer"
    assert not [path for path in document["paths"] if "{format}" in path]


# --- NUL characters -----------------------------------------------------------------------


@pytest.mark.parametrize("query", ["state=%00", "page=1%00", "%00=1", "ordering=-id%00"])
def test_a_nul_in_an_api_filter_is_a_400(api, query):
    response = api.get(f"/api/v1/faults/?{query}")
    assert response.status_code == 400
    assert response.json()["detail"] == "文本不能包含 NUL 字符。"


def test_a_nul_in_a_page_filter_is_a_400(client, front_admin):
    client.force_login(front_admin)
    assert client.get("/orders/?state=%00").status_code == 400


@pytest.mark.parametrize("body", [{"description": "a\x00b"}, {"items": [{"a\x00": 1}]}, ["\x00"]])
def test_a_nul_in_a_json_body_is_a_400(api, body):
    response = api.post("/api/v1/orders/", json.dumps(body), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "文本不能包含 NUL 字符。"


# --- nesting and size limits --------------------------------------------------------------


def test_very_deeply_nested_json_is_a_400_not_a_recursion_error(api):
    response = api.post("/api/v1/orders/", _nested(100_000), content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "JSON 请求体的嵌套超过 32 层。"


def test_json_nested_beyond_the_limit_is_refused_and_within_it_parsed(settings):
    settings.API_JSON_MAX_DEPTH = 5
    assert JSONParser().parse(io.BytesIO(_nested(5).encode())) == [[[[[]]]]]
    with pytest.raises(exceptions.ParseError):
        JSONParser().parse(io.BytesIO(_nested(6).encode()))
    with pytest.raises(exceptions.ParseError):
        JSONParser().parse(io.BytesIO(b'{"a": {"b": {"c": {"d": {"e": {}}}}}}'))


def test_a_body_larger_than_the_limit_is_a_400(api, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    big = json.dumps({"description": "x" * 2000})
    response = api.post("/api/v1/orders/", big, content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "请求体超过 1000 字节。"
    with pytest.raises(exceptions.ParseError):
        JSONParser().parse(io.BytesIO(big.encode()))
    assert JSONParser().parse(io.BytesIO(b'{"a": 1}')) == {"a": 1}


def test_malformed_json_is_a_400(api):
    response = api.post("/api/v1/orders/", "{not json", content_type="application/json")
    assert response.status_code == 400


# --- the document describes what the API answers ------------------------------------------


def test_every_operation_documents_its_error_answers(document):
    operations = 0
    for path, item in document["paths"].items():
        for method, operation in item.items():
            operations += 1
            codes = set(operation["responses"])
            assert {"400", "403", "404"} <= codes, (method, path)
            if method in ("post", "put", "patch", "delete"):
                assert {"409", "415"} <= codes, (method, path)
    assert operations > 100


def test_an_extra_list_action_is_documented_as_the_plain_list_it_answers(api, document):
    schema = document["paths"]["/api/v1/complaints/daily/"]["get"]["responses"]["200"]["content"]
    assert schema["application/json"]["schema"]["type"] == "array"
    response = api.get("/api/v1/complaints/daily/")
    assert response.status_code == 200 and isinstance(response.json(), list)
    listed = document["paths"]["/api/v1/orders/"]["get"]["responses"]["200"]["content"]["application/json"]
    assert listed["schema"]["$ref"].endswith("/PaginatedOrderList")


def test_a_read_only_field_through_a_nullable_relation_is_nullable(document):
    bill_run = document["components"]["schemas"]["BillRun"]["properties"]
    for name in ("operator", "checked_by", "verified_by", "reviewed_by"):
        assert bill_run[name].get("nullable") is True, name
    assert "nullable" not in bill_run["state"]


def test_a_read_only_field_that_may_be_missing_is_not_required(document):
    assert "ticket_count" not in document["components"]["schemas"]["Problem"].get("required", [])
    assert "id" in document["components"]["schemas"]["Problem"]["required"]


def test_an_upload_is_documented_as_a_binary_file(document):
    body = document["paths"]["/api/v1/orders/{id}/attachments/"]["post"]["requestBody"]["content"]
    ref = body["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[1]
    file = document["components"]["schemas"][ref]["properties"]["file"]
    assert file["format"] == "binary" and "pattern" not in file


def test_a_fault_ticket_not_escalated_may_say_blank(document):
    escalated = json.dumps(document["components"]["schemas"]["FaultTicket"]["properties"]["escalated_to"])
    assert "BlankEnum" in escalated
