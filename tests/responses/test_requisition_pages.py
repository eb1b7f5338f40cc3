"""R1.7 requisition pages: the front department raises, the Center dispatches by resource type, the
assigned department confirms or answers "no resources"; the 3-day due time is shown."""

from datetime import timedelta

import pytest
from django.test import Client

from responses import services
from responses.models import Requisition
from tests.pages import refused_inline

from .factories import CustomerFactory

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def raise_one(people, rtype="line"):
    return services.requisition_raise(
        by=people["zq_admin"], customer=CustomerFactory(), resource_type=rtype, description="专线资源"
    )


def test_r1_7_raise_dispatch_and_department_answers_through_the_pages(people, org):
    zq = client_for(people["zq_admin"])
    customer = CustomerFactory()
    r = zq.post("/orders/requisitions/", {"customer": customer.pk, "resource_type": "line", "description": "需光纤"})
    assert r.status_code == 302
    req = Requisition.objects.get()
    assert req.due_at - req.created_at == timedelta(days=3)
    body = zq.get("/orders/requisitions/").content.decode()
    assert f"REQ-{req.pk}" in body and 'data-testid="time-left"' in body
    center = client_for(people["dispatcher"])
    assert center.post(f"/orders/requisitions/{req.pk}/dispatch/").status_code == 302
    req.refresh_from_db()
    assert req.state == "dispatched" and req.assigned_department == org["line"]
    xl = client_for(people["xl_admin"])
    assert f'data-testid="answer-{req.pk}"' in xl.get("/orders/requisitions/").content.decode()
    r = xl.post(f"/orders/requisitions/{req.pk}/answer/", {"available": "0", "answer": "无管道"})
    assert r.status_code == 302
    req.refresh_from_db()
    assert req.state == "no_resources" and req.answer == "无管道"


def test_r1_7_raise_form_errors_in_chinese(people, org):
    r = client_for(people["zq_admin"]).post("/orders/requisitions/", {"resource_type": "line", "description": ""})
    body = r.content.decode()
    assert r.status_code == 200 and 'data-testid="error-customer"' in body and "必填" in body
    assert Requisition.objects.count() == 0


def test_r1_7_wrong_person_403_and_wrong_state_409(people, org):
    req = raise_one(people)
    assert client_for(people["jk_member"]).post("/orders/requisitions/", {}).status_code == 403
    assert client_for(people["zq_admin"]).post(f"/orders/requisitions/{req.pk}/dispatch/").status_code == 403
    center = client_for(people["dispatcher"])
    center.post(f"/orders/requisitions/{req.pk}/dispatch/")
    # 网络监控中心 was not assigned (lines go to 线路维护中心): it cannot even see the requisition (404).
    assert (
        client_for(people["jk_member"]).post(f"/orders/requisitions/{req.pk}/answer/", {"available": "1"}).status_code
        == 404
    )
    # Dispatched already / answered already: refused (409) with the reason, back on the list.
    back = "/orders/requisitions/"
    assert refused_inline(center, f"/orders/requisitions/{req.pk}/dispatch/", back_to=back)
    assert center.post(f"/orders/requisitions/{req.pk}/answer/", {"available": "1", "on_site": "1"}).status_code == 302
    req.refresh_from_db()
    assert req.state == "confirmed" and req.on_site
    assert refused_inline(center, f"/orders/requisitions/{req.pk}/answer/", {"available": "0"}, back_to=back)
    req.refresh_from_db()
    assert req.state == "confirmed"


def test_r1_7_requisition_list_uses_a_fixed_number_of_queries(people, org, django_assert_max_num_queries):
    raise_one(people)
    c = client_for(people["dispatcher"])
    c.get("/")
    with django_assert_max_num_queries(15) as q:
        assert c.get("/orders/requisitions/").status_code == 200
    first = len(q.captured_queries)
    for rtype in ["line", "port", "wireless"] * 3:
        raise_one(people, rtype)
    with django_assert_max_num_queries(first):
        assert c.get("/orders/requisitions/").status_code == 200
