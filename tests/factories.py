from datetime import timedelta

import factory
from django.contrib.auth.models import Group

from org.models import Department, User
from sla.models import EscalationLadder, EscalationRung, SlaPolicy


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dept{n}")
    name = factory.LazyAttribute(lambda o: o.code.title())
    name_zh = factory.LazyAttribute(lambda o: f"部门{o.code}")
    side = Department.Side.BACK


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    department = factory.SubFactory(DepartmentFactory)
    password = factory.django.Password("pw-Test-2026")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for role in extracted or []:
            self.groups.add(Group.objects.get_or_create(name=str(role))[0])


class LadderFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EscalationLadder

    code = factory.Sequence(lambda n: f"ladder{n}")
    name = factory.LazyAttribute(lambda o: o.code)


def make_ladder(rungs, code=None) -> EscalationLadder:
    """rungs: [(offset, role, channels, reassign_to_role)]"""
    ladder = LadderFactory(**({"code": code} if code else {}))
    for position, (offset, role, channels, reassign) in enumerate(rungs, start=1):
        EscalationRung.objects.create(
            ladder=ladder,
            position=position,
            offset=offset,
            notify_role=role,
            label=f"{role} +{offset}",
            channels=channels,
            reassign_to_role=reassign,
        )
    return ladder


def make_policy(kind="test-kind", level="-", duration=timedelta(hours=1), **kwargs) -> SlaPolicy:
    return SlaPolicy.objects.create(kind=kind, level=level, duration=duration, **kwargs)
