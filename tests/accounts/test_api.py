"""A3.1 through the API: /api/v1/account-requests/ with its POST transitions, grants, N+1, OpenAPI."""

import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import AccountRequest, Grant
from org.models import User
from org.roles import Role
from tests.accounts.factories import make_cast, submit_role_request

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parent.parent.parent


@pytest.fixture
def cast(org):
    return make_cast(org)


def _as(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_A3_1_the_whole_request_through_the_api(org, cast):
    created = _as(cast.member).post(
        "/api/v1/account-requests/",
        {
            "kind": "permission_change",
            "target_user": "m1",
            "requested_roles": ["back_admin"],
            "requested_department": "nmc",
            "scope_department": "center",
            "reason": "接手后台管理",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["state"] == "submitted" and body["requester"] == "m1" and body["requester_department"] == "nmc"
    url = f"/api/v1/account-requests/{body['id']}"
    assert _as(cast.scope_manager).post(f"{url}/manager-approve/").status_code == 403
    assert _as(cast.manager).post(f"{url}/manager-approve/").json()["state"] == "manager_approved"
    assert _as(cast.manager).post(f"{url}/manager-approve/").status_code in (403, 409)
    assert _as(cast.scope_manager).post(f"{url}/business-approve/", {"comment": "同意"}).json()["state"] == "approved"
    assert _as(cast.it).post(f"{url}/escalate/", {}).json()["fields"] == {"reason": ["该字段是必填项。"]}
    done = _as(cast.it).post(f"{url}/complete/")
    assert done.status_code == 200 and done.json()["state"] == "completed"
    assert User.objects.get(pk=cast.member.pk).has_role(Role.BACK_ADMIN)
    grants = _as(cast.member).get("/api/v1/grants/").json()["results"]
    assert [(g["user"], g["role"], g["granted_by"], g["active"]) for g in grants] == [("m1", "back_admin", "it1", True)]


def test_A3_1_api_returns_field_errors(org, cast):
    response = _as(cast.member).post(
        "/api/v1/account-requests/",
        {"kind": "permission_change", "scope_department": "center", "requested_roles": ["king"]},
        format="json",
    )
    assert response.status_code == 400 and "requested_roles" in response.json()["fields"]
    response = _as(cast.member).post(
        "/api/v1/account-requests/", {"kind": "permission_change", "scope_department": "center"}, format="json"
    )
    assert response.status_code == 400 and "target_user" in response.json()["fields"]


def test_A3_1_reject_needs_a_reason_and_records_it(org, cast):
    request = submit_role_request(cast, org)
    url = f"/api/v1/account-requests/{request.pk}/reject/"
    assert _as(cast.manager).post(url, {}).status_code == 400
    response = _as(cast.manager).post(url, {"reason": "岗位不需要"})
    assert response.json()["state"] == "rejected" and response.json()["reject_reason"] == "岗位不需要"


def test_lists_do_not_query_per_row(org, cast, django_assert_max_num_queries, client):
    for _ in range(15):
        request = submit_role_request(cast, org)
    Grant.objects.bulk_create(
        [Grant(user=cast.member, system=f"S{i}", permission_text="x", granted_at=request.created_at) for i in range(15)]
    )
    api = _as(cast.it)
    for url in ("/api/v1/account-requests/", "/api/v1/grants/", "/api/v1/hr-events/"):
        with django_assert_max_num_queries(8):
            assert api.get(url).status_code == 200
    client.force_login(cast.it)
    for name in ("acct-requests", "acct-grants", "acct-hr"):
        with django_assert_max_num_queries(14):
            assert client.get(reverse(name)).status_code == 200
    assert AccountRequest.objects.count() == 15


def test_openapi_schema_is_valid_without_warnings(tmp_path):
    result = subprocess.run(
        [sys.executable, "manage.py", "spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yml")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    schema = (tmp_path / "s.yml").read_text()
    for path in (
        "/api/v1/account-requests/{id}/manager-approve/",
        "/api/v1/account-requests/{id}/complete/",
        "/api/v1/grants/",
        "/api/v1/hr-events/",
    ):
        assert path in schema
