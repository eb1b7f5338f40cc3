"""B4.1: confirmed provisioning orders create or change services; decommission orders end them."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from billing.models import Product, Service
from billing.services import service_from_confirmed_order
from tests.responses.factories import make_order

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def naming(service, order):
    """The order is about an existing circuit (a change or a decommission)."""
    type(order).objects.filter(pk=order.pk).update(service=service)
    order.refresh_from_db()
    return order


def test_b4_1_confirmed_order_creates_then_changes_then_ends_its_service(cat, people):
    Product.objects.create(
        code="broadband", name="宽带接入 100M", monthly_fee=Decimal("120.00"), one_time_fee=Decimal("200.00")
    )
    order = make_order(people["zq_admin"], cat["broadband"], level="B")
    at = datetime(2026, 11, 23, 23, 30, tzinfo=SH)
    service = service_from_confirmed_order(order=order, at=at)
    assert (service.customer_id, service.product, service.level, service.state) == (
        order.customer_id, "宽带接入 100M", "B", "active",
    )  # fmt: skip
    assert (service.monthly_fee, service.one_time_fee, service.activated_on) == (
        Decimal("120.00"), Decimal("200.00"), date(2026, 11, 23),
    )  # fmt: skip
    order.refresh_from_db()
    assert order.service == service
    assert service_from_confirmed_order(order=order, at=at) == service  # idempotent
    assert Service.objects.filter(customer=order.customer).count() == 1

    change = naming(service, make_order(people["zq_admin"], cat["broadband"], level="A", customer=order.customer))
    service_from_confirmed_order(order=change, at=at)
    service.refresh_from_db()
    assert service.level == "A" and Service.objects.filter(customer=order.customer).count() == 1

    decommission = make_order(people["zq_admin"], cat["decommission"], customer=order.customer, service=service)
    service_from_confirmed_order(order=decommission, at=datetime(2026, 12, 9, 10, 0, tzinfo=SH))
    service.refresh_from_db()
    assert (service.state, service.ended_on) == ("ended", date(2026, 12, 9))


def test_b4_1_confirming_an_order_through_the_workflow_opens_its_service(people, cat, org):
    from datetime import timedelta

    import time_machine
    from django.utils import timezone

    from responses import services as orders
    from sla import services as sla
    from tests.responses.test_services import _complete

    Product.objects.create(code="phone", name="普通电话", monthly_fee=Decimal("25.00"), one_time_fee=Decimal("100.00"))
    manual = _complete(people, cat, org, level="B")
    orders.order_confirm(order=manual, by=people["zq_admin"])
    manual.refresh_from_db()
    assert manual.service is not None and manual.service.monthly_fee == Decimal("25.00")
    assert manual.service.level == "B" and manual.service.state == "active"

    automatic = _complete(people, cat, org, level="A")
    with time_machine.travel(timezone.now() + timedelta(days=2, minutes=5), tick=False):
        sla.sweep_due_deadlines()
        sla.deadline_events_handle(ids=list(unhandled_events()))
    automatic.refresh_from_db()
    assert automatic.state == "auto_confirmed" and automatic.service.level == "A"


def unhandled_events():
    from sla.models import DeadlineEvent

    return DeadlineEvent.objects.filter(handled_at__isnull=True).values_list("pk", flat=True)
