"""The volume generator (issue 3, data volume) on a small scale."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from responses.models import Order, WorkStep

pytestmark = pytest.mark.django_db


def test_generate_orders_small_volume_with_steps_across_12_months(org):
    call_command("generate_orders", orders=300, customers=40, python=True)
    orders = Order.objects.all()
    assert orders.count() == 300
    months = {o.submitted_at.strftime("%Y%m") for o in orders}
    assert len(months) >= 10
    assert set(orders.values_list("level", flat=True)) == {"A", "B", "C"}
    assert orders.filter(state="in_progress").exists() or orders.filter(state="archived").count() > 200
    steps = WorkStep.objects.all()
    assert steps.count() >= orders.exclude(state__in=["submitted", "accepted"]).count()
    for step in steps.select_related("order")[:50]:
        assert step.key_rank == step.order.key_rank
    open_steps = steps.filter(state__in=["dispatched", "accepted"])
    assert all(s.order.state == "in_progress" for s in open_steps.select_related("order"))


def _check_deadlines():
    """Issue 7: every submitted generated order has its provisioning deadline, every dispatched step its
    step-resource deadline assessed to the step's department; open ones active, closed ones met."""
    from django.contrib.contenttypes.models import ContentType
    from django.db.models import F

    from sla.models import Deadline

    orders = Order.objects.filter(number__startswith="G")
    order_deadlines = Deadline.objects.filter(content_type=ContentType.objects.get_for_model(Order))
    step_deadlines = Deadline.objects.filter(content_type=ContentType.objects.get_for_model(WorkStep))
    assert order_deadlines.count() == orders.count()
    dispatched = WorkStep.objects.filter(dispatched_at__isnull=False)
    assert step_deadlines.count() == dispatched.count() > 0
    assert set(order_deadlines.values_list("kind", flat=True)) == {"order-provisioning"}
    assert set(step_deadlines.values_list("kind", flat=True)) == {"step-resource"}
    by_pk = {o.pk: o for o in orders}
    for deadline in order_deadlines[:200]:
        order = by_pk[deadline.object_id]
        assert (deadline.level, deadline.due_at, deadline.started_at) == (order.level, order.due_at, order.submitted_at)
        if order.state in ("submitted", "accepted", "in_progress"):
            assert deadline.state in Deadline.ACTIVE_STATES and deadline.closed_at is None
        else:
            assert deadline.state == "met" and deadline.closed_at == order.completed_at
    steps = {s.pk: s for s in dispatched.select_related("order")}
    for deadline in step_deadlines[:200]:
        step = steps[deadline.object_id]
        assert deadline.assessed_department_id == step.department_id
        assert (deadline.level, deadline.due_at) == (step.order.level, step.due_at)
        assert (deadline.state == "met") == (step.state == "returned")
    met = Deadline.objects.filter(state="met")
    assert met.filter(closed_at__gt=F("due_at")).exists() and met.filter(closed_at__lte=F("due_at")).exists()
    assert Deadline.objects.filter(state__in=Deadline.ACTIVE_STATES).exists()
    assert not Deadline.objects.filter(state="pending", next_fire_at__lte=timezone.now()).exists()


def test_generate_orders_creates_their_deadlines_in_python(org):
    call_command("generate_orders", orders=300, customers=40, python=True)
    _check_deadlines()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the SQL path needs PostgreSQL")
def test_generate_orders_creates_their_deadlines_in_sql_and_backfills_them(org):
    call_command("generate_orders", orders=600, customers=40)
    _check_deadlines()
    from sla.models import Deadline

    total = Deadline.objects.count()
    Deadline.objects.filter(pk__in=Deadline.objects.order_by("id").values("id")[: total // 2]).delete()
    out = StringIO()
    call_command("generate_orders", deadlines_only=True, stdout=out)
    assert Deadline.objects.count() == total and "Created" in out.getvalue()
    _check_deadlines()
    call_command("generate_orders", deadlines_only=True, stdout=StringIO())
    assert Deadline.objects.count() == total
