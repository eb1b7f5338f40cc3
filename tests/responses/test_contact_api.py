"""R1.13 work contact order API: sent / received boxes, answer, 403 and 409."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_r1_13_contact_order_boxes_answer_403_409(people, org):
    center = client_for(people["dispatcher"])
    due = (timezone.now() + timedelta(hours=4)).isoformat()
    r = center.post(
        "/api/v1/contact-orders/", {"to_department": "nmc", "subject": "核实", "body": "请核实", "feedback_due_at": due}
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert [c["id"] for c in center.get("/api/v1/contact-orders/?box=sent").json()["results"]] == [pk]
    assert center.get("/api/v1/contact-orders/?box=received").json()["results"] == []
    jk = client_for(people["jk_member"])
    assert [c["id"] for c in jk.get("/api/v1/contact-orders/?box=received").json()["results"]] == [pk]
    r = center.post(
        "/api/v1/contact-orders/", {"to_department": "center", "subject": "x", "body": "y", "feedback_due_at": due}
    )
    assert r.status_code == 400 and "to_department" in r.json()["fields"]
    assert (
        client_for(people["xl_admin"]).post(f"/api/v1/contact-orders/{pk}/answer/", {"reply": "x"}).status_code == 404
    )
    r = jk.post(f"/api/v1/contact-orders/{pk}/answer/", {"reply": "已核实"})
    assert r.status_code == 200 and r.json()["state"] == "answered" and r.json()["is_late"] is False
    assert jk.post(f"/api/v1/contact-orders/{pk}/answer/", {"reply": "again"}).status_code == 409
