"""R1.15 expansion pages: 网络监控中心 raises a request from the order, 网络管理部 plans it and files
it with the Center."""

from decimal import Decimal

import pytest
from django.test import Client

from responses import services
from responses.models import ExpansionRequest
from tests.pages import refused_inline

from .factories import make_order

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def expansion_order(people, cat, org):
    order = make_order(people["zq_admin"], cat["expansion"], fill_rate=Decimal("92"), quantity_to_add=50)
    order = services.order_submit(order=order, by=people["zq_admin"])
    order = services.order_accept(order=order, by=people["dispatcher"])
    return services.order_dispatch(order=order, by=people["dispatcher"], steps=[(org["nmc"], "核实调配")])


def test_r1_15_raise_from_the_order_and_plan_through_the_pages(people, cat, org):
    order = expansion_order(people, cat, org)
    jk = client_for(people["jk_member"])
    assert f"/orders/expansions/order/{order.pk}/" in jk.get(f"/orders/{order.pk}/").content.decode()
    r = jk.post(f"/orders/expansions/order/{order.pk}/", {"reason": "端口不足"})
    assert r.status_code == 302 and r["Location"] == f"/orders/{order.pk}/"
    req = ExpansionRequest.objects.get()
    gl = client_for(people["gl_member"])
    assert "端口不足" in gl.get("/orders/expansions/").content.decode()
    assert gl.post(f"/orders/expansions/{req.pk}/plan/", {"plan": "下月扩容 48 口"}).status_code == 302
    req.refresh_from_db()
    assert req.state == "filed" and req.plan == "下月扩容 48 口"
    # The front department sees its order's request and the plan.
    assert "下月扩容 48 口" in client_for(people["zq_admin"]).get("/orders/expansions/").content.decode()
    assert "下月扩容 48 口" in client_for(people["zq_admin"]).get(f"/orders/{order.pk}/").content.decode()


def test_r1_15_empty_reason_is_named_in_chinese(people, cat, org):
    order = expansion_order(people, cat, org)
    r = client_for(people["jk_member"]).post(f"/orders/expansions/order/{order.pk}/", {"reason": ""})
    assert r.status_code == 200 and 'data-testid="error-reason"' in r.content.decode() and "必填" in r.content.decode()
    assert ExpansionRequest.objects.count() == 0


def test_r1_15_wrong_person_403_and_planned_twice_409(people, cat, org):
    order = expansion_order(people, cat, org)
    assert (
        client_for(people["xl_admin"]).post(f"/orders/expansions/order/{order.pk}/", {"reason": "x"}).status_code == 404
    )
    req = services.expansion_request_raise(order=order, by=people["jk_member"], reason="端口不足")
    assert client_for(people["jk_member"]).post(f"/orders/expansions/{req.pk}/plan/", {"plan": "x"}).status_code == 403
    gl = client_for(people["gl_member"])
    assert gl.post(f"/orders/expansions/{req.pk}/plan/", {"plan": "扩容"}).status_code == 302
    # Planned already: the button is refused (409) on the list it was pressed on, with the reason.
    assert refused_inline(gl, f"/orders/expansions/{req.pk}/plan/", {"plan": "again"}, back_to="/orders/expansions/")
    req.refresh_from_db()
    assert req.plan == "扩容"


def test_r1_15_expansion_list_uses_a_fixed_number_of_queries(people, cat, org, django_assert_max_num_queries):
    order = expansion_order(people, cat, org)
    services.expansion_request_raise(order=order, by=people["jk_member"], reason="a")
    c = client_for(people["gl_member"])
    c.get("/")
    with django_assert_max_num_queries(15) as q:
        assert c.get("/orders/expansions/").status_code == 200
    first = len(q.captured_queries)
    for _ in range(5):
        services.expansion_request_raise(order=expansion_order(people, cat, org), by=people["jk_member"], reason="b")
    with django_assert_max_num_queries(first):
        assert c.get("/orders/expansions/").status_code == 200
