"""R1.15 expansion request API: raise (网络监控中心), plan and file (网络管理部); 400, 403, 409."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from responses import services

from .factories import make_order

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_r1_15_expansion_request_flow_and_errors_through_the_api(people, cat, org):
    order = make_order(people["zq_admin"], cat["expansion"], fill_rate=Decimal("92"), quantity_to_add=50)
    order = services.order_submit(order=order, by=people["zq_admin"])
    order = services.order_accept(order=order, by=people["dispatcher"])
    services.order_dispatch(order=order, by=people["dispatcher"], steps=[(org["nmc"], "核实调配")])
    jk = client_for(people["jk_member"])
    assert jk.post("/api/v1/expansion-requests/", {"order": order.pk, "reason": ""}).status_code == 400
    assert (
        client_for(people["xl_admin"])
        .post("/api/v1/expansion-requests/", {"order": order.pk, "reason": "x"})
        .status_code
        == 404  # an order outside their scope: as if there were none (issue 12 §2)
    )
    r = jk.post("/api/v1/expansion-requests/", {"order": order.pk, "reason": "端口不足"})
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["state"] == "raised" and r.json()["front_department"] == "gov_enterprise"
    assert jk.post(f"/api/v1/expansion-requests/{pk}/plan/", {"plan": "x"}).status_code == 403
    gl = client_for(people["gl_member"])
    assert gl.post(f"/api/v1/expansion-requests/{pk}/plan/", {"plan": ""}).status_code == 400
    r = gl.post(f"/api/v1/expansion-requests/{pk}/plan/", {"plan": "下月扩容 48 口"})
    assert r.status_code == 200 and r.json()["state"] == "filed"
    assert gl.post(f"/api/v1/expansion-requests/{pk}/plan/", {"plan": "again"}).status_code == 409
    assert [x["id"] for x in client_for(people["dispatcher"]).get("/api/v1/expansion-requests/").json()["results"]] == [
        pk
    ]
    assert client_for(people["gz_admin"]).get(f"/api/v1/expansion-requests/{pk}/").status_code == 404  # not theirs
