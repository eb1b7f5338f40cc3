"""R1.17 unused circuits: the page (and API) lists circuits unused three months or more after opening,
by the department that raised them: all for the Center and managers, its own for a front department."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from billing.models import Service

from .factories import make_order

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def unused(people, cat, user="zq_admin", days=120, code="L-1"):
    order = make_order(people[user], cat["data-line"], agreement_ref="A-1")
    service = Service.objects.create(
        code=code,
        customer=order.customer,
        product="专线",
        state="active",
        activated_on=timezone.localdate() - timedelta(days=days),
    )
    order.service = service
    order.save(update_fields=["service"])
    return order


def test_r1_17_center_lists_unused_circuits_by_department(people, cat):
    unused(people, cat, code="L-OLD")
    unused(people, cat, user="gz_admin", code="L-GZ")
    unused(people, cat, days=30, code="L-NEW")
    c = client_for(people["dispatcher"])
    body = c.get("/orders/unused-circuits/").content.decode()
    assert "L-OLD" in body and "L-GZ" in body and "L-NEW" not in body
    body = c.get("/orders/unused-circuits/?department=public").content.decode()
    assert "L-GZ" in body and "L-OLD" not in body
    api = APIClient()
    api.force_authenticate(people["dispatcher"])
    rows = api.get("/api/v1/unused-circuits/?department=gov_enterprise").json()["results"]
    assert [(r["circuit"], r["front_department"]) for r in rows] == [("L-OLD", "gov_enterprise")]


def test_r1_17_front_office_sees_its_own_unused_circuits_back_office_gets_403(people, cat):
    """Front departments are named for unused circuits (R1.17, R1.22): their order admins see their own."""
    unused(people, cat, code="L-ZQ")
    unused(people, cat, user="gz_admin", code="L-GZ")
    body = client_for(people["zq_admin"]).get("/orders/unused-circuits/").content.decode()
    assert "L-ZQ" in body and "L-GZ" not in body
    assert client_for(people["jk_member"]).get("/orders/unused-circuits/").status_code == 403
    body = client_for(people["viewer"]).get("/orders/unused-circuits/").content.decode()
    assert "L-ZQ" in body and "L-GZ" in body
    api = APIClient()
    api.force_authenticate(people["zq_admin"])
    assert [r["circuit"] for r in api.get("/api/v1/unused-circuits/").json()["results"]] == ["L-ZQ"]
    api.force_authenticate(people["jk_member"])
    assert api.get("/api/v1/unused-circuits/").status_code == 403


def test_r1_17_page_uses_a_fixed_number_of_queries(people, cat, django_assert_max_num_queries):
    unused(people, cat, code="L-0")
    c = client_for(people["dispatcher"])
    c.get("/")
    with django_assert_max_num_queries(15) as q:
        assert c.get("/orders/unused-circuits/").status_code == 200
    first = len(q.captured_queries)
    for i in range(1, 8):
        unused(people, cat, code=f"L-{i}")
    with django_assert_max_num_queries(first):
        assert c.get("/orders/unused-circuits/").status_code == 200
