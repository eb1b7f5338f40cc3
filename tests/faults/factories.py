import factory

from billing.models import Customer, Service
from faults.models import InternalSystem
from tests.factories import DepartmentFactory, UserFactory


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    code = factory.Sequence(lambda n: f"C{n:05d}")
    name = factory.Sequence(lambda n: f"客户{n}")
    contact_person = "张三"
    contact_phone = factory.Sequence(lambda n: f"138{n:08d}")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service

    code = factory.Sequence(lambda n: f"CIR-{n:05d}")
    customer = factory.SubFactory(CustomerFactory)
    product = "数字电路"
    level = "A"
    state = Service.State.ACTIVE


class InternalSystemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InternalSystem

    code = factory.Sequence(lambda n: f"sys{n}")
    name = factory.Sequence(lambda n: f"系统{n}")
    level = "B"
    department = factory.SubFactory(DepartmentFactory, code="it")


class FastUserFactory(UserFactory):
    """A user without a hashed password (hashing dominates test setup); log in with force_login."""

    password = "!"
