"""Issue 11, point 5: scope holds in payloads too (R1.2, R1.7, R1.10).

An order names only its own department's requisition (API 400, page and service alike, nothing
created); a step has at most one open special order (409 with a clear message; a partial unique
constraint in the database; five requests at once on PostgreSQL: one wins)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from rest_framework.test import APIClient

from responses import services
from responses.models import Order, SpecialOrder
from sla.workflow import TransitionConflict

from .factories import CustomerFactory, make_order, order_data


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def _requisition_of(people, admin):
    return services.requisition_raise(
        by=people[admin], customer=CustomerFactory(), resource_type="port", description="x"
    )


def _order_payload(**kw):
    return {
        "customer": CustomerFactory().pk,
        "business_type": "phone",
        "quantity": 1,
        "level": "B",
        "location": "城南路 8 号",
        "contact_person": "李先生",
        "contact_phone": "13800000000",
        "description": "api",
    } | kw


def _step(people, cat, org):
    order = make_order(people["zq_admin"], cat["phone"], level="B")
    order = services.order_submit(order=order, by=people["zq_admin"])
    order = services.order_accept(order=order, by=people["dispatcher"])
    order = services.order_dispatch(order=order, by=people["dispatcher"], steps=[(org["nmc"], "端口配置")])
    return order.steps.get()


@pytest.mark.django_db
def test_r1_7_api_order_naming_another_departments_requisition_is_refused_and_nothing_created(people, cat):
    theirs = _requisition_of(people, "gz_admin")  # 公众客户部's requisition
    mine = _requisition_of(people, "zq_admin")
    zq = client_for(people["zq_admin"])
    before = Order.objects.count()
    r = zq.post("/api/v1/orders/", _order_payload(requisition=theirs.pk), format="json")
    assert r.status_code == 400, r.content
    assert "requisition" in r.json()["fields"]
    assert Order.objects.count() == before
    r = zq.post("/api/v1/orders/", _order_payload(requisition=mine.pk), format="json")
    assert r.status_code == 201, r.content
    assert Order.objects.get(pk=r.json()["id"]).requisition_id == mine.pk


@pytest.mark.django_db
def test_r1_7_service_rechecks_the_requisition_for_pages_and_api_alike(people, cat):
    theirs = _requisition_of(people, "gz_admin")
    before = Order.objects.count()
    with pytest.raises(ValidationError) as refused:
        services.order_create(by=people["zq_admin"], data=order_data(cat["phone"], requisition=theirs))
    assert refused.value.message_dict["requisition"]
    assert Order.objects.count() == before
    # Editing a draft to name the other department's requisition is refused too; the draft keeps none.
    draft = make_order(people["zq_admin"], cat["phone"])
    with pytest.raises(ValidationError) as refused:
        services.order_update(order=draft, by=people["zq_admin"], data={"requisition": theirs})
    assert refused.value.message_dict["requisition"]
    assert Order.objects.get(pk=draft.pk).requisition_id is None


@pytest.mark.django_db
def test_r1_7_order_page_offers_only_own_requisitions_and_refuses_another(people, cat, client):
    theirs = _requisition_of(people, "gz_admin")
    client.force_login(people["zq_admin"])
    before = Order.objects.count()
    page = client.get(reverse("responses:new"))
    assert page.status_code == 200
    form = page.context["form"]
    assert theirs.pk not in set(form.fields["requisition"].queryset.values_list("pk", flat=True))
    data = {k: getattr(v, "pk", v) for k, v in order_data(cat["phone"]).items()}
    data["requested_completion_at"] = data["requested_completion_at"].strftime("%Y-%m-%dT%H:%M")
    data["requisition"] = theirs.pk
    r = client.post(reverse("responses:new"), data)
    assert r.status_code in (200, 400)  # the form is shown again with the error
    assert Order.objects.count() == before


@pytest.mark.django_db
def test_r1_10_second_open_special_order_on_a_step_answers_409_and_creates_nothing(people, cat, org):
    step = _step(people, cat, org)
    jk = client_for(people["jk_admin"])
    r = jk.post(f"/api/v1/steps/{step.pk}/special-order/", {"reason": "阻工"})
    assert r.status_code == 201, r.content
    r2 = jk.post(f"/api/v1/steps/{step.pk}/special-order/", {"reason": "又阻工"})
    assert r2.status_code == 409, r2.content
    assert "已有" in r2.content.decode() or "already" in r2.content.decode()
    assert SpecialOrder.objects.filter(step=step).count() == 1
    # Approved, it is still open: still refused. Closed, a new one may be requested.
    special = SpecialOrder.objects.get(step=step)
    services.special_order_approve(special=special, by=people["dispatcher"])
    assert jk.post(f"/api/v1/steps/{step.pk}/special-order/", {"reason": "再阻工"}).status_code == 409
    services.special_order_close(special=special, by=people["dispatcher"])
    assert jk.post(f"/api/v1/steps/{step.pk}/special-order/", {"reason": "新的阻工"}).status_code == 201
    assert SpecialOrder.objects.filter(step=step, state__in=SpecialOrder.OPEN_STATES).count() == 1


@pytest.mark.django_db
def test_r1_10_the_database_refuses_a_second_open_special_order(people, cat, org):
    step = _step(people, cat, org)
    SpecialOrder.objects.create(step=step, reason="a", requested_by=people["jk_admin"])
    with pytest.raises(IntegrityError), transaction.atomic():
        SpecialOrder.objects.create(step=step, reason="b", requested_by=people["jk_admin"])


@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks")
@pytest.mark.django_db(transaction=True)
def test_r1_10_five_special_order_requests_at_once_one_wins(people, cat, org):
    step = _step(people, cat, org)
    barrier = threading.Barrier(5)
    results = [None] * 5

    def run(i):
        from django.db import connection as thread_connection

        try:
            barrier.wait()
            services.special_order_request(step=step, by=people["jk_admin"], reason=f"阻工 {i}")
            results[i] = "ok"
        except TransitionConflict:
            results[i] = "conflict"
        except Exception as exc:  # noqa: BLE001 - reported by the assertion
            results[i] = repr(exc)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(5)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(results) == ["conflict"] * 4 + ["ok"], results
    assert SpecialOrder.objects.filter(step=step).count() == 1
