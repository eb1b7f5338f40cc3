"""Permission table: role × endpoint × action → status, for the API and the pages (R1.2, R1.5, SPEC §0)."""

import pytest
from django.test import Client
from rest_framework.test import APIClient

from responses import services

from .factories import CustomerFactory, make_order

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(people, cat, org):
    zq, center = people["zq_admin"], people["dispatcher"]
    draft = make_order(zq, cat["phone"])
    unsigned = services.order_submit(order=make_order(zq, cat["phone"], level="A"), by=zq)
    public = services.order_submit(order=make_order(people["gz_admin"], cat["phone"]), by=people["gz_admin"])
    running = services.order_accept(order=services.order_submit(order=make_order(zq, cat["phone"]), by=zq), by=center)
    running = services.order_dispatch(order=running, by=center, steps=[(org["nmc"], "x")])
    step = running.steps.get()
    blocked = services.order_accept(order=services.order_submit(order=make_order(zq, cat["phone"]), by=zq), by=center)
    blocked = services.order_dispatch(order=blocked, by=center, steps=[(org["nmc"], "y")])
    blocked_step = blocked.steps.get()
    services.step_accept(step=blocked_step, by=people["jk_member"])
    special = services.special_order_request(step=blocked_step, by=people["jk_member"], reason="阻工")
    return {
        "draft": draft.pk,
        "unsigned": unsigned.pk,
        "public": public.pk,
        "running": running.pk,
        "step": step.pk,
        "special": special.pk,
        "customer": CustomerFactory().pk,
    }


ORDER_BODY = {
    "business_type": "phone",
    "level": "C",
    "location": "x",
    "contact_person": "x",
    "contact_phone": "1",
    "quantity": 1,
}

# (role, method, url template, body, expected status)
API = [
    *[
        (role, "get", "/api/v1/orders/", None, 200)
        for role in ("zq_admin", "jk_member", "dispatcher", "viewer", "auditor")
    ],
    (None, "get", "/api/v1/orders/", None, 403),
    ("zq_admin", "post", "/api/v1/orders/", "order", 201),
    *[(role, "post", "/api/v1/orders/", "order", 403) for role in ("jk_member", "dispatcher", "viewer", "auditor")],
    *[(role, "get", "/api/v1/orders/{public}/", None, 200) for role in ("gz_admin", "dispatcher", "viewer", "auditor")],
    # A record outside the person's scope answers 404, like one that does not exist (issue 12 §2);
    # 403 is for a record they may see but an action they may not take.
    *[(role, "get", "/api/v1/orders/{public}/", None, 404) for role in ("zq_admin", "jk_member", "it_operator")],
    ("jk_member", "get", "/api/v1/orders/{running}/", None, 200),
    ("xl_admin", "get", "/api/v1/orders/{running}/", None, 404),
    ("zq_admin", "post", "/api/v1/orders/{draft}/submit/", None, 200),
    ("gz_admin", "post", "/api/v1/orders/{draft}/submit/", None, 404),
    *[(role, "post", "/api/v1/orders/{draft}/submit/", None, 403) for role in ("dispatcher", "auditor")],
    ("zq_director", "post", "/api/v1/orders/{unsigned}/sign/", None, 200),
    ("gz_leader", "post", "/api/v1/orders/{unsigned}/sign/", None, 404),
    *[(role, "post", "/api/v1/orders/{unsigned}/sign/", None, 403) for role in ("zq_admin", "auditor")],
    ("dispatcher", "post", "/api/v1/orders/{public}/accept/", None, 200),
    *[(role, "post", "/api/v1/orders/{public}/accept/", None, 403) for role in ("viewer", "gz_admin", "auditor")],
    ("dispatcher", "post", "/api/v1/orders/{public}/clarify/", {"reason": "?"}, 200),
    ("gz_admin", "post", "/api/v1/orders/{public}/clarify/", {"reason": "?"}, 403),
    *[(role, "get", "/api/v1/steps/", None, 200) for role in ("jk_member", "dispatcher", "zq_admin", "auditor")],
    ("jk_member", "post", "/api/v1/steps/{step}/accept/", None, 200),
    ("xl_admin", "post", "/api/v1/steps/{step}/accept/", None, 404),
    *[(role, "post", "/api/v1/steps/{step}/accept/", None, 403) for role in ("dispatcher", "auditor")],
    ("dispatcher", "post", "/api/v1/special-orders/{special}/approve/", None, 200),
    *[(role, "post", "/api/v1/special-orders/{special}/approve/", None, 403) for role in ("jk_admin", "viewer")],
    *[(role, "get", "/api/v1/requisitions/", None, 200) for role in ("zq_admin", "dispatcher", "auditor")],
    ("zq_admin", "post", "/api/v1/requisitions/", "requisition", 201),
    *[(role, "post", "/api/v1/requisitions/", "requisition", 403) for role in ("jk_member", "auditor")],
    *[(role, "get", "/api/v1/contact-orders/", None, 200) for role in ("jk_member", "dispatcher")],
    *[(role, "get", "/api/v1/special-orders/", None, 200) for role in ("jk_member", "dispatcher", "viewer")],
]

PAGES = [
    *[(role, "get", "/orders/", 200) for role in ("zq_admin", "jk_member", "dispatcher", "viewer", "auditor")],
    (None, "get", "/orders/", 302),
    *[(role, "get", "/orders/new/", 200) for role in ("zq_admin", "gz_admin")],
    *[(role, "get", "/orders/new/", 403) for role in ("dispatcher", "jk_member", "viewer", "auditor", "zq_director")],
    *[(role, "get", "/orders/center/", 200) for role in ("dispatcher", "viewer", "auditor")],
    *[(role, "get", "/orders/center/", 403) for role in ("zq_admin", "jk_member")],
    *[(role, "get", "/orders/queue/", 200) for role in ("jk_member", "xl_admin", "dispatcher")],
    *[(role, "get", "/orders/queue/", 403) for role in ("zq_admin", "it_operator")],
    *[(role, "get", "/orders/{running}/", 200) for role in ("zq_admin", "jk_member", "dispatcher", "auditor")],
    *[(role, "get", "/orders/{running}/", 404) for role in ("gz_admin", "xl_admin")],  # not theirs to see
    ("dispatcher", "post", "/orders/{public}/accept/", 302),
    *[(role, "post", "/orders/{public}/accept/", 403) for role in ("gz_admin", "auditor", "viewer")],
    ("jk_member", "post", "/orders/steps/{step}/accept/", 302),
    ("xl_admin", "post", "/orders/steps/{step}/accept/", 404),
    ("zq_admin", "post", "/orders/steps/{step}/accept/", 403),
    ("zq_director", "post", "/orders/{unsigned}/sign/", 302),
    ("gz_leader", "post", "/orders/{unsigned}/sign/", 404),
]


def _id(row):
    return f"{row[0]}-{row[1]}-{row[2]}"


@pytest.mark.parametrize("role,method,url,body,expected", API, ids=[_id(r) for r in API])
def test_api_permission_table(world, people, role, method, url, body, expected):
    client = APIClient()
    if role:
        client.force_authenticate(people[role])
    if body == "order":
        body = ORDER_BODY | {"customer": world["customer"]}
    elif body == "requisition":
        body = {"customer": world["customer"], "resource_type": "line", "description": "x"}
    response = getattr(client, method)(url.format(**world), body, format="json")
    assert response.status_code == expected, response.content


@pytest.mark.parametrize("role,method,url,expected", PAGES, ids=[_id(r) for r in PAGES])
def test_page_permission_table(world, people, role, method, url, expected):
    client = Client()
    if role:
        client.force_login(people[role])
    response = getattr(client, method)(url.format(**world))
    assert response.status_code == expected
