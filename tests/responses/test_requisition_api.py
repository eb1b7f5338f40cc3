"""R1.7 requisition API: the assigned department answers; 403 for others, 409 in the wrong state."""

import pytest
from rest_framework.test import APIClient

from .factories import CustomerFactory

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_r1_7_assigned_department_answers_through_the_api(people, org):
    zq = client_for(people["zq_admin"])
    r = zq.post(
        "/api/v1/requisitions/", {"customer": CustomerFactory().pk, "resource_type": "port", "description": "x"}
    )
    pk = r.json()["id"]
    center = client_for(people["dispatcher"])
    assert center.post(f"/api/v1/requisitions/{pk}/dispatch/").json()["assigned_department"] == "nmc"
    assert (
        client_for(people["xl_admin"]).post(f"/api/v1/requisitions/{pk}/answer/", {"available": True}).status_code
        == 404  # not assigned to them: not theirs to see (issue 12 §2)
    )
    assert zq.post(f"/api/v1/requisitions/{pk}/answer/", {"available": True}).status_code == 403
    r = client_for(people["jk_member"]).post(
        f"/api/v1/requisitions/{pk}/answer/", {"available": True, "answer": "有端口"}
    )
    assert r.status_code == 200 and r.json()["state"] == "confirmed" and r.json()["overdue"] is False
    assert (
        client_for(people["jk_member"]).post(f"/api/v1/requisitions/{pk}/answer/", {"available": False}).status_code
        == 409
    )
    assert center.post(f"/api/v1/requisitions/{pk}/dispatch/").status_code == 409
