"""REST API of business-response orders: flow, filters, errors (400/403/409), no N+1."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from responses import services
from responses.models import Order

from .factories import CustomerFactory, make_order

pytestmark = pytest.mark.django_db


def client_for(user, lang=None):
    client = APIClient(**({"HTTP_ACCEPT_LANGUAGE": lang} if lang else {}))
    client.force_authenticate(user)
    return client


def payload(**kw):
    data = {
        "customer": CustomerFactory().pk,
        "business_type": "phone",
        "quantity": 1,
        "level": "B",
        "location": "城南路 8 号",
        "contact_person": "李先生",
        "contact_phone": "13800000000",
        "description": "api",
    }
    return data | kw


def test_full_flow_through_the_api_r1_5_r1_8_r1_12(people, cat, org):
    zq = client_for(people["zq_admin"])
    r = zq.post("/api/v1/orders/", payload(level="A"), format="json")
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert zq.post(f"/api/v1/orders/{pk}/submit/").json()["state"] == "awaiting_signoff"
    assert client_for(people["zq_director"]).post(f"/api/v1/orders/{pk}/sign/").json()["state"] == "submitted"
    center = client_for(people["dispatcher"])
    assert center.post(f"/api/v1/orders/{pk}/accept/", {"notes": "ok"}).json()["state"] == "accepted"
    r = center.post(
        f"/api/v1/orders/{pk}/dispatch/",
        {"steps": [{"department": "nmc", "title": "端口"}, {"department": "line", "title": "线路"}]},
        format="json",
    )
    assert r.status_code == 200 and r.json()["state"] == "in_progress"
    for username in ("jk_member", "xl_admin"):
        c = client_for(people[username])
        (step,) = c.get("/api/v1/steps/").json()["results"]
        assert c.post(f"/api/v1/steps/{step['id']}/accept/").json()["state"] == "accepted"
        r = c.post(f"/api/v1/steps/{step['id']}/return/", {"finished_at": timezone.now().isoformat()})
        assert r.status_code == 200 and r.json()["overtime"] is False
    assert zq.get(f"/api/v1/orders/{pk}/").json()["state"] == "completed"
    assert zq.post(f"/api/v1/orders/{pk}/confirm/").json()["state"] == "confirmed"


def test_400_field_errors_in_chinese_by_default_and_english_on_request_r1_1(people, cat):
    data = payload(business_type="data-line", contact_phone="")
    r = client_for(people["zq_admin"]).post("/api/v1/orders/", data, format="json")
    assert r.status_code == 400
    assert set(r.json()["fields"]) == {"contact_phone", "agreement_ref"}
    assert "协议" in r.json()["fields"]["agreement_ref"][0]
    r = client_for(people["zq_admin"], lang="en").post("/api/v1/orders/", data, format="json")
    assert r.status_code == 400 and "agreement" in r.json()["fields"]["agreement_ref"][0]
    r = client_for(people["zq_admin"], lang="en").post("/api/v1/orders/", payload(level="D"), format="json")
    assert r.status_code == 400 and "level" in r.json()["fields"]
    assert Order.objects.count() == 0


def test_404_out_of_scope_403_for_the_wrong_person_and_409_for_the_wrong_state(people, cat):
    order = make_order(people["zq_admin"], cat["phone"])
    # Another department's draft is not theirs to see: 404, like no order at all (issue 12 §2).
    assert client_for(people["gz_admin"]).post(f"/api/v1/orders/{order.pk}/submit/").status_code == 404
    assert client_for(people["auditor"]).post(f"/api/v1/orders/{order.pk}/submit/").status_code == 403
    zq = client_for(people["zq_admin"])
    assert zq.post(f"/api/v1/orders/{order.pk}/submit/").status_code == 200
    r = zq.post(f"/api/v1/orders/{order.pk}/submit/")
    assert r.status_code == 409 and r.json()["detail"]


def test_two_dispatchers_accept_at_once_one_wins_the_other_gets_409(people, cat):
    order = services.order_submit(order=make_order(people["zq_admin"], cat["phone"]), by=people["zq_admin"])
    a, b = client_for(people["dispatcher"]), client_for(people["dispatcher"])
    codes = sorted([a.post(f"/api/v1/orders/{order.pk}/accept/").status_code,
                    b.post(f"/api/v1/orders/{order.pk}/accept/").status_code])  # fmt: skip
    assert codes == [200, 409]


def test_visibility_by_department(people, cat, org):
    mine = services.order_submit(order=make_order(people["zq_admin"], cat["phone"]), by=people["zq_admin"])
    theirs = services.order_submit(order=make_order(people["gz_admin"], cat["phone"]), by=people["gz_admin"])
    ids = lambda user: {o["id"] for o in client_for(people[user]).get("/api/v1/orders/").json()["results"]}  # noqa: E731
    assert ids("zq_admin") == {mine.pk}
    assert ids("dispatcher") == ids("viewer") == ids("auditor") == {mine.pk, theirs.pk}
    assert ids("jk_member") == set()
    services.order_dispatch(
        order=services.order_accept(order=mine, by=people["dispatcher"]), by=people["dispatcher"],
        steps=[(org["nmc"], "x")],
    )  # fmt: skip
    assert ids("jk_member") == {mine.pk}
    assert client_for(people["jk_member"]).get(f"/api/v1/orders/{theirs.pk}/").status_code == 404


def test_filters_and_ordering_by_time_left_r1_21(people, cat):
    now = timezone.now()
    made = {}
    for level, customer in (("C", None), ("A", None), ("B", CustomerFactory(is_key=True))):
        order = make_order(people["zq_admin"], cat["phone"], level=level, customer=customer)
        made[level] = services.order_submit(order=order, by=people["zq_admin"])
    Order.objects.filter(pk=made["C"].pk).update(due_at=now - timedelta(hours=1))
    c = client_for(people["dispatcher"])
    get = lambda q: [o["number"] for o in c.get(f"/api/v1/orders/?{q}").json()["results"]]  # noqa: E731
    assert get("") == [made["B"].number, made["C"].number, made["A"].number]  # key first, then time left
    assert get("overdue=true") == [made["C"].number]
    assert get("level=A&level=C") == [made["C"].number, made["A"].number]
    assert get("key=true") == [made["B"].number]
    assert get("state=awaiting_signoff") == [made["A"].number]
    assert get("department=public") == []
    assert get(f"due_before={(now + timedelta(days=4)).isoformat().replace('+', '%2B')}") == [
        made["C"].number,
        made["A"].number,
    ]
    assert get("ordering=-due_at")[-1] == made["C"].number  # the one already due comes last
    r = c.get("/api/v1/orders/?ordering=due_at").json()["results"]
    assert [o["due_at"] for o in r] == sorted(o["due_at"] for o in r)


def test_steps_of_one_order_within_the_visible_ones(people, cat, org):
    """Issue 13 §6: ``/api/v1/steps/?order=<id>`` lists that order's steps in every state (not only the
    queue's), only those the person may see; a key that is no order id is a 400 naming the field, never 500."""
    zq, center = people["zq_admin"], people["dispatcher"]
    orders = []
    for _ in range(2):
        order = services.order_submit(order=make_order(zq, cat["phone"]), by=zq)
        order = services.order_accept(order=order, by=center)
        orders.append(
            services.order_dispatch(order=order, by=center, steps=[(org["nmc"], "配置端口"), (org["line"], "布线")])
        )
    first = orders[0]
    ids = lambda user, q: sorted(s["id"] for s in client_for(user).get(f"/api/v1/steps/?{q}").json()["results"])  # noqa: E731
    assert ids(center, f"order={first.pk}") == sorted(first.steps.values_list("pk", flat=True))
    assert ids(people["jk_member"], f"order={first.pk}") == [first.steps.get(department=org["nmc"]).pk]
    assert ids(center, "order=999999") == []
    for bad in ("abc", "0", "1e400", str(2**63)):
        r = client_for(center).get(f"/api/v1/steps/?order={bad}")
        assert r.status_code == 400, (bad, r.content)
        assert r.json()["code"] == "invalid" and "order" in r.json()["fields"], (bad, r.content)


def test_quota_usage_endpoint_r1_4(people, cat):
    r = client_for(people["zq_admin"]).get("/api/v1/orders/quota/?level=A")
    assert r.status_code == 200 and r.json()["a_limit"] == 6 and r.json()["a_over"] is False


def test_list_endpoints_use_a_fixed_number_of_queries(people, cat, org, django_assert_max_num_queries):
    for _ in range(3):
        order = services.order_submit(order=make_order(people["zq_admin"], cat["phone"]), by=people["zq_admin"])
        order = services.order_accept(order=order, by=people["dispatcher"])
        services.order_dispatch(order=order, by=people["dispatcher"], steps=[(org["nmc"], "x")])
    urls = (("/api/v1/orders/", "dispatcher"), ("/api/v1/steps/", "jk_member"))
    counts = {}
    for url, user in urls:
        with django_assert_max_num_queries(6) as few:
            assert len(client_for(people[user]).get(url).json()["results"]) == 3
        counts[url] = len(few.captured_queries)
    for _ in range(10):
        order = services.order_submit(order=make_order(people["zq_admin"], cat["phone"]), by=people["zq_admin"])
        order = services.order_accept(order=order, by=people["dispatcher"])
        services.order_dispatch(order=order, by=people["dispatcher"], steps=[(org["nmc"], "x")])
    for url, user in urls:
        with django_assert_max_num_queries(counts[url]):
            assert len(client_for(people[user]).get(url).json()["results"]) == 13


def test_requisition_contact_and_special_order_endpoints_r1_7_r1_10_r1_13(people, cat, org):
    zq = client_for(people["zq_admin"])
    r = zq.post(
        "/api/v1/requisitions/", {"customer": CustomerFactory().pk, "resource_type": "line", "description": "x"}
    )
    assert r.status_code == 201, r.content
    center = client_for(people["dispatcher"])
    assert center.post(f"/api/v1/requisitions/{r.json()['id']}/dispatch/").json()["assigned_department"] == "line"
    due = (timezone.now() + timedelta(hours=3)).isoformat()
    r = center.post(
        "/api/v1/contact-orders/", {"to_department": "nmc", "subject": "s", "body": "b", "feedback_due_at": due}
    )
    assert r.status_code == 201, r.content
    jk = client_for(people["jk_member"])
    assert jk.post(f"/api/v1/contact-orders/{r.json()['id']}/answer/", {"reply": "ok"}).json()["state"] == "answered"

    order = services.order_submit(order=make_order(people["zq_admin"], cat["phone"]), by=people["zq_admin"])
    order = services.order_accept(order=order, by=people["dispatcher"])
    services.order_dispatch(order=order, by=people["dispatcher"], steps=[(org["nmc"], "x")])
    step = order.steps.get()
    jk.post(f"/api/v1/steps/{step.pk}/accept/")
    r = jk.post(f"/api/v1/steps/{step.pk}/special-order/", {"reason": "阻工"})
    assert r.status_code == 201
    assert jk.post(f"/api/v1/special-orders/{r.json()['id']}/approve/").status_code == 403
    assert center.post(f"/api/v1/special-orders/{r.json()['id']}/approve/").json()["state"] == "approved"
