"""R1.18 build decision API: raise, estimate (网络建设部), approve / reject (市场拓展部's director);
400, 403, 409; list query count fixed."""

import pytest
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def payload(**kw):
    return {
        "kind": "lan",
        "site": "阳光小区",
        "expected_demand": 300,
        "buildings": 12,
        "competition": "移动已覆盖",
    } | kw


def test_r1_18_build_decision_flow_through_the_api(people, org):
    zq = client_for(people["zq_admin"])
    r = zq.post("/api/v1/build-decisions/", payload(), format="json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["department"] == "gov_enterprise" and r.json()["state"] == "raised"
    js = client_for(people["js_member"])
    assert js.post(f"/api/v1/build-decisions/{pk}/estimate/", {"cost": "0"}).status_code == 400
    r = js.post(f"/api/v1/build-decisions/{pk}/estimate/", {"cost": "250000.00"})
    assert r.status_code == 200 and r.json()["cost_estimate"] == "250000.00"
    r = client_for(people["sc_leader"]).post(f"/api/v1/build-decisions/{pk}/approve/")
    assert r.status_code == 200 and r.json()["state"] == "approved" and r.json()["decided_by"] == "sc_leader"
    assert [d["id"] for d in zq.get("/api/v1/build-decisions/").json()["results"]] == [pk]
    assert client_for(people["gz_admin"]).get(f"/api/v1/build-decisions/{pk}/").status_code == 404  # not theirs


def test_r1_18_api_400_403_409(people, org):
    zq = client_for(people["zq_admin"])
    r = zq.post("/api/v1/build-decisions/", payload(competition=""), format="json")
    assert r.status_code == 400 and "competition" in r.json()["fields"]
    assert client_for(people["jk_member"]).post("/api/v1/build-decisions/", payload(), format="json").status_code == 403
    pk = zq.post("/api/v1/build-decisions/", payload(), format="json").json()["id"]
    sc = client_for(people["sc_leader"])
    assert sc.post(f"/api/v1/build-decisions/{pk}/reject/").status_code == 409
    assert (
        client_for(people["gl_member"]).post(f"/api/v1/build-decisions/{pk}/estimate/", {"cost": "5"}).status_code
        == 404  # outside their scope: as if there were none (issue 12 §2)
    )
    assert (
        client_for(people["js_member"]).post(f"/api/v1/build-decisions/{pk}/estimate/", {"cost": "5"}).status_code
        == 200
    )
    assert client_for(people["zq_director"]).post(f"/api/v1/build-decisions/{pk}/approve/").status_code == 403
    assert sc.post(f"/api/v1/build-decisions/{pk}/reject/").json()["state"] == "rejected"
    assert sc.post(f"/api/v1/build-decisions/{pk}/approve/").status_code == 409


def test_r1_18_api_list_query_count_is_fixed(people, org, django_assert_max_num_queries):
    zq = client_for(people["zq_admin"])
    zq.post("/api/v1/build-decisions/", payload(), format="json")
    center = client_for(people["dispatcher"])
    with django_assert_max_num_queries(10) as q:
        assert center.get("/api/v1/build-decisions/").status_code == 200
    first = len(q.captured_queries)
    for i in range(6):
        zq.post("/api/v1/build-decisions/", payload(site=f"小区{i}"), format="json")
    with django_assert_max_num_queries(first):
        assert len(center.get("/api/v1/build-decisions/").json()["results"]) == 7
