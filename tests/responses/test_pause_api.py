"""S5.3 / R1.10 through the API: list a step's pauses, request, approve and end one; bad input 400 naming
the field, a subject one may not see 404, the wrong person 403, a second open pause 409."""

import pytest
from rest_framework.test import APIClient

from sla.models import Deadline
from sla.selectors import deadlines_of

from .test_pauses import accepted_step

pytestmark = pytest.mark.django_db


def api_for(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_s5_3_pause_api_request_approve_end(people, cat, org):
    step = accepted_step(people, cat, org)
    member, center = api_for(people["jk_member"]), api_for(people["dispatcher"])
    subject = {"subject_type": "responses.workstep", "subject_id": step.pk}
    response = member.post(
        "/api/v1/pauses/", {**subject, "reason": "waiting-customer", "note": "客户不在"}, format="json"
    )
    assert response.status_code == 201, response.content
    pause = response.json()
    assert pause["state"] == "requested" and pause["reason"] == "waiting-customer"
    assert member.post("/api/v1/pauses/", {**subject, "reason": "third-party"}, format="json").status_code == 409
    assert member.post(f"/api/v1/pauses/{pause['id']}/approve/", {}, format="json").status_code == 403
    assert center.post(f"/api/v1/pauses/{pause['id']}/approve/", {}, format="json").status_code == 200
    assert deadlines_of(step.order).get(kind="order-provisioning").state == Deadline.State.PAUSED
    listed = member.get("/api/v1/pauses/", subject).json()
    rows = listed["results"] if isinstance(listed, dict) else listed
    assert [p["state"] for p in rows] == ["approved"]
    assert member.post(f"/api/v1/pauses/{pause['id']}/end/").json()["state"] == "ended"
    assert deadlines_of(step).get().state == Deadline.State.PENDING


def test_s5_3_pause_api_input_and_scope(people, cat, org):
    step = accepted_step(people, cat, org)
    member = api_for(people["jk_member"])
    response = member.get("/api/v1/pauses/", {"subject_type": "responses.workstep"})
    assert response.status_code == 400 and "subject_id" in response.json()["fields"]
    response = member.post("/api/v1/pauses/", {"subject_type": "x", "subject_id": step.pk, "reason": "third-party"})
    assert response.status_code == 400 and "subject_type" in response.json()["fields"]
    response = member.post(
        "/api/v1/pauses/", {"subject_type": "responses.workstep", "subject_id": step.pk, "reason": "nope"}
    )
    assert response.status_code == 400 and "reason" in response.json()["fields"]
    outsider = api_for(people["gz_admin"])
    assert (
        outsider.get("/api/v1/pauses/", {"subject_type": "responses.workstep", "subject_id": step.pk}).status_code
        == 404
    )
    assert member.get("/api/v1/pauses/999999/").status_code == 404
