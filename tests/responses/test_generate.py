"""The volume generator (issue 3, data volume) on a small scale."""

import pytest
from django.core.management import call_command

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
