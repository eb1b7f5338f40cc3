"""Issue 11, point 1: the deadlines of orders and requisitions name the department that answers for
them, and their warning and breach reach its people (R1.3, R1.7, R1.12, S5.4)."""

from datetime import timedelta

import pytest

from responses import services
from sla import services as sla
from sla.models import DeadlineEvent, Notification
from sla.selectors import deadlines_of

from .factories import CustomerFactory, make_order

pytestmark = pytest.mark.django_db


def _submitted(people, cat, **kw):
    order = make_order(people["zq_admin"], cat["phone"], level="C", **kw)
    return services.order_submit(order=order, by=people["zq_admin"])


def _told(deadline, kind):
    return set(
        Notification.objects.filter(event__deadline=deadline, event__kind=kind, recipient__is_active=True).values_list(
            "recipient__username", flat=True
        )
    )


def _sweep_warning_and_breach(deadline):
    sla.sweep_due_deadlines(now=deadline.warn_at + timedelta(seconds=1))
    sla.sweep_due_deadlines(now=deadline.due_at + timedelta(seconds=1))
    return _told(deadline, DeadlineEvent.Kind.WARNING), _told(deadline, DeadlineEvent.Kind.BREACH)


def test_r1_3_provisioning_deadline_answers_to_the_center_and_reaches_its_dispatcher(people, cat, org):
    order = _submitted(people, cat)
    deadline = deadlines_of(order).get(kind="order-provisioning")
    assert deadline.assessed_department == org["center"]
    warned, breached = _sweep_warning_and_breach(deadline)
    assert warned == breached == {"dispatcher"}


def test_r1_7_new_build_deadline_answers_to_netbuild_or_the_center(people, cat, org):
    order = services.order_mark_no_resources(order=_submitted(people, cat, is_important=True), by=people["dispatcher"])
    deadline = deadlines_of(order).get(kind="order-new-build")
    assert deadline.assessed_department == org["netbuild"]
    warned, breached = _sweep_warning_and_breach(deadline)
    assert warned and breached  # 网络建设部 has no back_admin or manager here: the Center's dispatcher
    assert breached == {"dispatcher"}


def test_r1_7_requisition_answers_to_the_center_then_to_the_assigned_department(people, cat, org):
    req = services.requisition_raise(
        by=people["zq_admin"], customer=CustomerFactory(), resource_type="line", description="x"
    )
    deadline = deadlines_of(req).get(kind="requisition")
    assert deadline.assessed_department == org["center"]
    req = services.requisition_dispatch(requisition=req, by=people["dispatcher"])
    deadline.refresh_from_db()
    assert deadline.assessed_department == org["line"] == req.assigned_department
    warned, breached = _sweep_warning_and_breach(deadline)
    assert warned == breached == {"xl_admin"}  # the assigned department's back-office admin


def test_r1_12_confirmation_deadline_reaches_the_front_departments_admin(people, cat, org):
    order = _submitted(people, cat)
    order = services.order_accept(order=order, by=people["dispatcher"])
    order = services.order_dispatch(order=order, by=people["dispatcher"], steps=[(org["nmc"], "端口配置")])
    step = order.steps.get()
    step = services.step_accept(step=step, by=people["jk_admin"])
    services.step_return(step=step, by=people["jk_admin"], finished_at=step.dispatched_at)
    deadline = deadlines_of(order).get(kind="order-confirmation")
    assert deadline.assessed_department == order.front_department
    sla.sweep_due_deadlines(now=deadline.due_at + timedelta(seconds=1))
    assert _told(deadline, DeadlineEvent.Kind.BREACH) == {"zq_admin"}


@pytest.mark.parametrize("python", [True, False], ids=["python", "sql-on-postgresql"])
def test_s5_1_dashboard_on_generated_volume_shows_no_unassessed_department(org, client, python):
    """Generated orders' deadlines name their department, so the overdue board and the on-time trend
    file nothing under "—" (S5.1, R1.3)."""
    from django.core.management import call_command
    from django.db import connection
    from django.urls import reverse

    from org.roles import Role
    from sla.models import Deadline
    from tests.factories import UserFactory

    if not python and connection.vendor != "postgresql":
        pytest.skip("the SQL path needs PostgreSQL")
    # Open orders from the last 60 days (not the default 10): about 50 of the 300 are open, so the board is
    # never empty by chance of the draw or of the time of day (with 10 days, 3-5 rows were left).
    call_command("generate_orders", orders=300, customers=40, open_days=60, python=python)
    assert Deadline.objects.filter(state__in=Deadline.ACTIVE_STATES).exists()
    assert not Deadline.objects.filter(assessed_department__isnull=True).exists()
    client.force_login(UserFactory(department=org["center"], roles=[Role.VIEWER]))
    data = client.get(reverse("dashboards:dashboard-data")).json()
    page = client.get(reverse("dashboards:dashboard")).content.decode()
    assert data["rows"], "the generated volume puts something on the board"
    assert all(row["department_name"] != "—" for row in data["rows"])
    assert all(series["department"] != "—" for series in data["series"])
    assert "—" not in {row["department_name"] for row in data["rows"]} and "客户响应中心" in page + str(data)


def test_s5_4_demo_run_every_warning_and_breach_reaches_someone_and_the_board_names_departments(client):
    """The demo (``seed_demo``) swept 40 days ahead: every warning and breach it fires reaches at least
    one active person — or, for a kind that names no roles, goes to its handler — and the dashboard
    files nothing under "—" (issue 11: 62 events had reached nobody)."""
    from datetime import datetime
    from zoneinfo import ZoneInfo

    import time_machine
    from django.core.management import call_command
    from django.urls import reverse

    from org.models import User
    from sla.hooks import handlers_for
    from sla.models import Deadline

    start = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    with time_machine.travel(start, tick=False):
        call_command("seed_demo")
    assert not Deadline.objects.filter(assessed_department__isnull=True).exists()
    for hours in range(0, 40 * 24 + 1, 6):  # beat's sweeps, coarsely: warnings fire before breaches
        with time_machine.travel(start + timedelta(hours=hours), tick=False):
            sla.sweep_due_deadlines()
    with time_machine.travel(start + timedelta(days=40), tick=False):
        client.force_login(User.objects.get(username="viewer"))
        data = client.get(reverse("dashboards:dashboard-data")).json()
    events = DeadlineEvent.objects.filter(kind__in=[DeadlineEvent.Kind.WARNING, DeadlineEvent.Kind.BREACH])
    kinds = set(events.values_list("kind", flat=True))
    assert kinds == {DeadlineEvent.Kind.WARNING, DeadlineEvent.Kind.BREACH}, "the demo's deadlines come due"
    told = set(
        Notification.objects.filter(event__in=events, recipient__is_active=True).values_list("event_id", flat=True)
    )
    silent = [
        (e.deadline.kind, e.kind)
        for e in events.select_related("deadline")
        if e.pk not in told and not (not e.deadline.notify_roles and handlers_for(e.deadline.kind))
    ]
    assert not silent, silent
    assert data["rows"] and all(row["department_name"] != "—" for row in data["rows"])
    assert all(series["department"] != "—" for series in data["series"])
