import pytest

from org.models import Department
from org.roles import Role

from .factories import FastUserFactory as UserFactory
from .factories import InternalSystemFactory, ServiceFactory


class People:
    """The NMC handling team of the demo organisation, a front-office reporter and others."""

    def __init__(self, org):
        nmc = Department.objects.get(code="nmc")
        self.nmc = nmc
        self.member = UserFactory(username="t_member", department=nmc, roles=[Role.BACK_MEMBER])
        self.admin = UserFactory(username="t_admin", department=nmc, roles=[Role.BACK_ADMIN, Role.BACK_MEMBER])
        self.supervisor = UserFactory(username="t_supervisor", department=nmc, roles=[Role.SUPERVISOR])
        self.manager = UserFactory(username="t_manager", department=nmc, roles=[Role.DEPT_MANAGER])
        self.leader = UserFactory(username="t_leader", department=nmc, roles=[Role.LEADER])
        self.front = UserFactory(
            username="t_front", department=Department.objects.get(code="gov_enterprise"), roles=[Role.FRONT_ADMIN]
        )
        self.public = UserFactory(
            username="t_public", department=Department.objects.get(code="public"), roles=[Role.FRONT_ADMIN]
        )
        self.it = UserFactory(username="t_it", department=Department.objects.get(code="it"), roles=[Role.IT_OPERATOR])
        self.custsvc = UserFactory(
            username="t_custsvc", department=Department.objects.get(code="custsvc"), roles=[Role.BACK_ADMIN]
        )
        self.line = UserFactory(
            username="t_line", department=Department.objects.get(code="line"), roles=[Role.BACK_ADMIN]
        )
        self.dispatcher = UserFactory(
            username="t_dispatcher", department=Department.objects.get(code="center"), roles=[Role.DISPATCHER]
        )
        self.auditor = UserFactory(
            username="t_auditor", department=Department.objects.get(code="it"), roles=[Role.AUDITOR]
        )


@pytest.fixture
def people(org):
    return People(org)


@pytest.fixture
def circuit(db):
    return ServiceFactory(level="A")


@pytest.fixture
def system(org):
    return InternalSystemFactory(department=Department.objects.get(code="it"), level="B")
