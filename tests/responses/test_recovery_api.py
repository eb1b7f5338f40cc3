"""R1.16 recovery ledger API: record (working department), check an entry / a quarter (the Center);
400, 403, 409; list query count fixed."""

import pytest
from rest_framework.test import APIClient

from responses import services

from .factories import make_order

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


ENTRY = {
    "recovered_at": "2026-11-10T10:00:00+08:00",
    "person": "赵工",
    "equipment_name": "光猫",
    "model": "HG8245",
    "quantity": 2,
    "condition": "完好",
    "intended_use": "库存",
}


def decommission(people, cat, org):
    order = services.order_submit(order=make_order(people["zq_admin"], cat["decommission"]), by=people["zq_admin"])
    order = services.order_accept(order=order, by=people["dispatcher"])
    return services.order_dispatch(order=order, by=people["dispatcher"], steps=[(org["line"], "拆机回收")])


def test_r1_16_recovery_ledger_through_the_api(people, cat, org, django_assert_max_num_queries):
    order = decommission(people, cat, org)
    xl = client_for(people["xl_admin"])
    assert xl.post("/api/v1/recovery-entries/", ENTRY | {"order": order.pk, "quantity": 0}).status_code == 400
    assert (
        client_for(people["jk_member"]).post("/api/v1/recovery-entries/", ENTRY | {"order": order.pk}).status_code
        == 404  # an order outside their scope: as if there were none (issue 12 §2)
    )
    r = xl.post("/api/v1/recovery-entries/", ENTRY | {"order": order.pk})
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    center = client_for(people["dispatcher"])
    with django_assert_max_num_queries(10) as q:
        assert [e["id"] for e in center.get("/api/v1/recovery-entries/?checked=false").json()["results"]] == [pk]
    first = len(q.captured_queries)
    for _ in range(5):
        xl.post("/api/v1/recovery-entries/", ENTRY | {"order": order.pk})
    with django_assert_max_num_queries(first):
        assert len(center.get("/api/v1/recovery-entries/").json()["results"]) == 6
    assert xl.post(f"/api/v1/recovery-entries/{pk}/check/").status_code == 403
    r = center.post(f"/api/v1/recovery-entries/{pk}/check/")
    assert r.status_code == 200 and r.json()["checked_at"]
    assert center.post(f"/api/v1/recovery-entries/{pk}/check/").status_code == 409
    assert xl.post("/api/v1/recovery-entries/check-quarter/", {"year": 2026, "quarter": 4}).status_code == 403
    assert center.post("/api/v1/recovery-entries/check-quarter/", {"year": 2026, "quarter": 5}).status_code == 400
    assert center.post("/api/v1/recovery-entries/check-quarter/", {"year": 2026, "quarter": 4}).json() == {"checked": 5}
    assert center.get("/api/v1/recovery-entries/?checked=false").json()["results"] == []


def test_r1_16_no_recording_on_an_archived_order_409(people, cat, org):
    order = decommission(people, cat, org)
    for step in order.steps.all():
        services.step_accept(step=step, by=people["xl_admin"])
        services.step_return(step=step, by=people["xl_admin"], finished_at=step.dispatched_at)
    order.refresh_from_db()
    order = services.order_confirm(order=order, by=people["zq_admin"])
    order = services.order_archive(order=order, by=people["dispatcher"])
    r = client_for(people["xl_admin"]).post("/api/v1/recovery-entries/", ENTRY | {"order": order.pk})
    assert r.status_code == 409, r.content
