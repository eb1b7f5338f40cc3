from datetime import timedelta

import factory
from django.utils import timezone

from billing.models import Customer
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
    return data


def make_order(by, business_type, **overrides) -> Order:
    return order_create(by=by, data=order_data(business_type, **overrides))
