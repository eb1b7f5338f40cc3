"""Issue 13 §6: the ids an order needs, through the API — departments (code, names, side), customers
(only for those who may order for them or see billing) and business types, each searchable by name;
and a client that starts with nothing but a user name and password creates, submits and reads back
an order with its deadlines."""

import pytest
from rest_framework.test import APIClient

from billing.models import Customer

from .factories import CustomerFactory
from .test_api import client_for

pytestmark = pytest.mark.django_db


def _results(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_departments_with_code_names_and_side_searchable_by_name(people, org):
    client = client_for(people["jk_member"])
    rows = _results(client, "/api/v1/departments/")
    assert {r["code"] for r in rows} == set(org) and set(rows[0]) == {"id", "code", "name", "name_zh", "side"}
    (nmc,) = _results(client, "/api/v1/departments/?search=网络监控")
    assert nmc["code"] == "nmc" and nmc["side"] == "back"
    assert [r["code"] for r in _results(client, f"/api/v1/departments/?search={org['nmc'].name}")] == ["nmc"]
    assert {r["side"] for r in _results(client, "/api/v1/departments/?side=front")} == {"front"}
    assert client.get(f"/api/v1/departments/{org['nmc'].pk}/").json()["code"] == "nmc"
    assert APIClient().get("/api/v1/departments/").status_code == 403


def test_customers_for_those_who_order_for_them_searchable_by_name(people):
    CustomerFactory(name="城南医院")
    CustomerFactory(name="北区学校")
    for who in ("zq_admin", "gz_admin", "dispatcher", "it_operator", "auditor"):
        assert len(_results(client_for(people[who]), "/api/v1/customers/")) == Customer.objects.count(), who
    (found,) = _results(client_for(people["zq_admin"]), "/api/v1/customers/?search=医院")
    assert found["name"] == "城南医院" and {"id", "code", "is_key"} <= set(found)
    # The back office raises no orders and sees no customer list (404 for one, like any record out of scope).
    assert _results(client_for(people["jk_member"]), "/api/v1/customers/") == []
    assert client_for(people["jk_member"]).get(f"/api/v1/customers/{found['id']}/").status_code == 404


def test_business_types_searchable_by_name(people, cat):
    client = client_for(people["jk_member"])
    rows = _results(client, "/api/v1/business-types/?page_size=200")
    assert {r["code"] for r in rows} >= {"phone", "data-line"}
    phone = next(r for r in rows if r["code"] == "phone")
    assert [r["code"] for r in _results(client, f"/api/v1/business-types/?search={phone['name']}")] == ["phone"]


def test_a_client_with_only_a_user_name_and_password_creates_and_reads_back_an_order(people, cat, org):
    """Issue 13 acceptance: token → own department → a customer and a business type → create and submit
    → read the order back with its steps and deadlines."""
    CustomerFactory(name="城南医院")
    api = APIClient()
    response = api.post("/api/v1/token/", {"username": "zq_admin", "password": "pw-Test-2026"}, format="json")
    assert response.status_code == 201, response.content
    token = response.json()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token['token']}")

    (department,) = _results(api, f"/api/v1/departments/?search={token['department']}")
    assert department["code"] == "gov_enterprise" and department["side"] == "front"
    (customer,) = _results(api, "/api/v1/customers/?search=城南医院")
    (business_type,) = _results(api, "/api/v1/business-types/?search=普通电话")
    order = {
        "customer": customer["id"],
        "business_type": business_type["code"],
        "quantity": 1,
        "level": "C",
        "location": "城南路 8 号",
        "contact_person": "李先生",
        "contact_phone": "13800000000",
        "description": "from a client",
    }
    response = api.post("/api/v1/orders/", order, format="json")
    assert response.status_code == 201, response.content
    pk = response.json()["id"]
    assert response.json()["front_department"] == department["code"]
    response = api.post(f"/api/v1/orders/{pk}/submit/")
    assert response.status_code == 200 and response.json()["state"] == "submitted", response.content

    detail = api.get(f"/api/v1/orders/{pk}/").json()
    assert detail["customer"] == "城南医院" and detail["steps"] == []
    (deadline,) = [d for d in detail["deadlines"] if d["state"] == "pending"]
    assert deadline["subject_type"] == "order" and deadline["subject_id"] == pk and deadline["due_at"]
    listed = _results(api, f"/api/v1/deadlines/?subject=order:{pk}")
    assert [d["id"] for d in listed] == [d["id"] for d in detail["deadlines"]]
    assert api.delete("/api/v1/token/").status_code == 204
    assert api.get(f"/api/v1/orders/{pk}/").status_code == 403


def test_the_openapi_document_lists_the_new_endpoints_with_their_schemas(people):
    doc = client_for(people["zq_admin"]).get("/api/schema/?format=json").json()
    paths, schemas = doc["paths"], doc["components"]["schemas"]
    for path in ("departments", "customers", "business-types", "deadlines"):
        assert set(paths[f"/api/v1/{path}/"]) == {"get"} and set(paths[f"/api/v1/{path}/{{id}}/"]) == {"get"}
    deadline_params = {p["name"] for p in paths["/api/v1/deadlines/"]["get"]["parameters"]}
    assert {"subject", "subject_type", "subject_id", "state", "kind", "department", "page"} <= deadline_params
    token = paths["/api/v1/token/"]
    assert set(token) == {"post", "delete"}
    assert {"201", "400", "429"} <= set(token["post"]["responses"]) and "204" in token["delete"]["responses"]
    assert {"token", "prefix", "username", "department"} <= set(schemas["Token"]["properties"])
    deadline = schemas["Deadline"]["properties"]
    for name in ("due_at", "assessed_due", "assessed_level", "state", "warned_at", "breached_at", "paused_total"):
        assert name in deadline, name
    assert deadline["warned_at"].get("nullable") and deadline["paused_total"]["type"] == "integer"
    detail = paths["/api/v1/orders/{id}/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    order = schemas[detail["$ref"].rsplit("/", 1)[1]]["properties"]
    assert order["deadlines"]["items"]["$ref"].endswith("/Deadline") and "steps" in order
    listed = paths["/api/v1/orders/"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]
    page = schemas[listed["$ref"].rsplit("/", 1)[1]]["properties"]["results"]["items"]["$ref"].rsplit("/", 1)[1]
    assert "deadlines" not in schemas[page]["properties"] and "steps" not in schemas[page]["properties"]
