from datetime import date
from decimal import Decimal

import pytest

from billing.models import Customer, Service
from org.roles import Role
from tests.factories import UserFactory
from tests.responses.conftest import cat, people  # noqa: F401 - fixtures shared with the orders tests


@pytest.fixture
def it_team(org):
    it = org["it"]
    return {
        "operator": UserFactory(username="op1", department=it, roles=[Role.IT_OPERATOR]),
        "second": UserFactory(username="op2", department=it, roles=[Role.IT_OPERATOR]),
        "supervisor": UserFactory(username="sup", department=it, roles=[Role.SUPERVISOR]),
        "manager": UserFactory(username="mgr", department=it, roles=[Role.DEPT_MANAGER]),
        "outsider": UserFactory(username="nmcop", department=org["nmc"], roles=[Role.IT_OPERATOR]),
    }


_seq = iter(range(1, 10**9))


def make_service(*, monthly="3000.00", once="0.00", activated=date(2026, 1, 1), ended=None, customer=None):
    n = next(_seq)
    customer = customer or Customer.objects.create(code=f"T{n:06d}", name=f"客户{n}")
    return Service.objects.create(
        code=f"SVC-{n:06d}", customer=customer, product="专线", level="B", monthly_fee=Decimal(monthly),
        one_time_fee=Decimal(once), state="active", activated_on=activated, ended_on=ended,
    )  # fmt: skip
