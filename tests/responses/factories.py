from datetime import timedelta

import factory
from django.utils import timezone

from billing.models import Customer, Service
from responses.models import Order
from responses.services import order_create

from ..factories import UserFactory  # noqa: F401


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    code = factory.Sequence(lambda n: f"C{n:06d}")
    name = factory.Sequence(lambda n: f"客户{n}")
    is_key = False


def order_data(business_type, **overrides) -> dict:
    data = {
        "customer": overrides.pop("customer", None) or CustomerFactory(),
        "business_type": business_type,
        "quantity": 1,
        "interface_requirements": "FE",
        "level": "C",
        "location": "城南路 8 号",
        "contact_person": "李先生",
        "contact_phone": "13800000000",
        "requested_completion_at": timezone.now() + timedelta(days=20),
        "description": "test",
    }
    data.update(overrides)
    if "service" not in data and (business_type.is_decommission or getattr(business_type, "is_change", False)):
        # Issue 14 §1: a change or decommission order names one of its customer's active circuits.
        data["service"] = circuit_of(data["customer"])
    return data


def circuit_of(customer, **fields) -> Service:
    """An active circuit of ``customer`` (issue 14 §1)."""
    n = Service.objects.count() + 1
    defaults = {"code": f"CIR-{customer.pk}-{n}", "product": "数据专线", "state": Service.State.ACTIVE}
    defaults.setdefault("activated_on", timezone.localdate() - timedelta(days=400))
    return Service.objects.create(customer=customer, **(defaults | fields))


def make_order(by, business_type, **overrides) -> Order:
    return order_create(by=by, data=order_data(business_type, **overrides))
