"""Issue 13 §6: an order's detail lists its steps and every deadline of the order and its steps
(served and assessed due, R1.4/R1.5/R1.7; state; when warned and breached; paused time), in a fixed
number of queries; the list stays as it was."""

from datetime import timedelta

import pytest
from django.db.models import Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from responses import services
from sla import services as sla
from sla.models import Deadline, DeadlineEvent

from .factories import make_order
from .test_api import client_for

pytestmark = pytest.mark.django_db


def _dispatched(people, cat, org, departments):
    zq, center = people["zq_admin"], people["dispatcher"]
    order = services.order_submit(order=make_order(zq, cat["phone"]), by=zq)
    order = services.order_accept(order=order, by=center)
    return services.order_dispatch(order=order, by=center, steps=[(org[d], f"work {d}") for d in departments])


def test_detail_lists_steps_and_every_deadline_served_and_assessed_r1_4_r1_5_r1_7(people, cat, org):
    order = _dispatched(people, cat, org, ["nmc", "line"])
    step = order.steps.get(position=1)
    step_deadline = Deadline.objects.get(object_id=step.pk, kind="step-resource")
    # Assessed on a lower level than served: the assessed due time is later (R1.4).
    assessed_due = step_deadline.due_at + timedelta(days=1)
    Deadline.objects.filter(pk=step_deadline.pk).update(assessed_level="B", assessed_due_at=assessed_due)
    now = timezone.now()
    sla.deadline_pause(deadline=Deadline.objects.get(pk=step_deadline.pk), at=now)
    sla.deadline_resume(deadline=Deadline.objects.get(pk=step_deadline.pk), at=now + timedelta(minutes=10))
    sla.sweep_due_deadlines(now=now + timedelta(days=30))

    body = client_for(people["zq_admin"]).get(f"/api/v1/orders/{order.pk}/").json()
    assert [(s["position"], s["department"], s["state"]) for s in body["steps"]] == [
        (1, "nmc", "dispatched"),
        (2, "line", "pending"),
    ]
    assert set(body["steps"][0]) >= {"id", "due_at", "dispatched_at", "accepted_at", "returned_at", "overtime"}
    every = Deadline.objects.filter(
        Q(content_type__model="order", object_id=order.pk)
        | Q(content_type__model="workstep", object_id__in=order.steps.values("pk"))
    )
    by_id = {d["id"]: d for d in body["deadlines"]}
    assert set(by_id) == set(every.values_list("pk", flat=True)) and len(by_id) >= 2
    got = by_id[step_deadline.pk]
    step_deadline.refresh_from_db()
    assert got["subject_type"] == "step" and got["subject_id"] == step.pk
    assert got["kind"] == "step-resource" and got["level"] == order.level and got["assessed_level"] == "B"
    assert parse_datetime(got["due_at"]) == step_deadline.due_at
    assert parse_datetime(got["assessed_due"]) == step_deadline.assessed_due_at == assessed_due + timedelta(minutes=10)
    assert got["paused_total"] == 600 and got["state"] == "breached"
    breach = DeadlineEvent.objects.get(deadline=step_deadline, kind="breach")
    assert parse_datetime(got["breached_at"]) == breach.fired_at
    warning = DeadlineEvent.objects.filter(deadline=step_deadline, kind="warning").first()
    assert (warning and parse_datetime(got["warned_at"])) == (warning and warning.fired_at)
    assert got["assessed_department"] == "nmc"
    provisioning = next(d for d in body["deadlines"] if d["subject_type"] == "order")
    assert provisioning["subject_id"] == order.pk
    assert provisioning["assessed_level"] == "" and provisioning["assessed_due"] == provisioning["due_at"]  # served


def test_detail_answers_in_a_fixed_number_of_queries_and_the_list_carries_no_deadlines(
    people, cat, org, django_assert_num_queries
):
    small = _dispatched(people, cat, org, ["nmc"])
    big = _dispatched(people, cat, org, ["nmc", "line", "wireless", "netbuild"])
    client = client_for(people["dispatcher"])
    client.get(f"/api/v1/orders/{small.pk}/")  # warm the content-type cache
    counts = []
    for order, steps in ((small, 1), (big, 4)):
        with django_assert_num_queries(counts[0] if counts else 4) as queries:
            body = client.get(f"/api/v1/orders/{order.pk}/").json()
        counts.append(len(queries.captured_queries))
        assert len(body["steps"]) == steps and len(body["deadlines"]) >= 2
    listed = client.get("/api/v1/orders/").json()["results"][0]
    assert "steps" not in listed and "deadlines" not in listed


def test_detail_of_an_order_outside_the_scope_is_a_404(people, cat, org):
    order = _dispatched(people, cat, org, ["nmc"])
    assert client_for(people["gz_admin"]).get(f"/api/v1/orders/{order.pk}/").status_code == 404
    assert client_for(people["jk_member"]).get(f"/api/v1/orders/{order.pk}/").status_code == 200
