"""S5.3 reasoned pauses on the engine: the clocks move by the paused time, working time on a working-day
clock and calendar time on a calendar clock; ladder rungs exactly by the paused time."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from org.models import Department
from sla import services
from sla.calendars import WorkingCalendar
from sla.models import Clock, PauseReason
from sla.pause_defaults import load_pause_reasons
from tests.factories import DepartmentFactory, make_ladder, make_policy

SH = ZoneInfo("Asia/Shanghai")
FRI = datetime(2026, 11, 27, 9, 0, tzinfo=SH)  # a Friday; Sat 28 and Sun 29 are rest days
MON = datetime(2026, 11, 30, 10, 0, tzinfo=SH)
H = timedelta(hours=1)

pytestmark = pytest.mark.django_db


@pytest.fixture
def subject():
    return DepartmentFactory(code="subject", side=Department.Side.FRONT)


def start(subject, clock, duration, ladder=None):
    make_policy(kind="work", level="-", duration=duration, clock=clock, warn_before=4 * H, ladder=ladder)
    with time_machine.travel(FRI, tick=False):
        return services.deadline_start(subject=subject, kind="work")


def pause_between(deadline, begin, end):
    deadline = services.deadline_pause(deadline=deadline, at=begin)
    return services.deadline_resume(deadline=deadline, at=end)


def test_s5_3_working_day_clock_moves_by_the_paused_working_time_over_a_weekend(subject):
    ladder = make_ladder([(timedelta(hours=30), "supervisor", ["inapp"], "")])
    deadline = start(subject, Clock.WORKING_DAYS, timedelta(days=2), ladder=ladder)
    assert deadline.due_at == datetime(2026, 12, 1, 9, 0, tzinfo=SH)  # Tuesday 09:00
    deadline.assessed_due_at = datetime(2026, 12, 2, 9, 0, tzinfo=SH)
    deadline.save()
    # Paused Friday 15:00 → Monday 10:00: 9 h of Friday and 10 h of Monday count, the weekend does not.
    deadline = pause_between(deadline, FRI + 6 * H, MON)
    assert WorkingCalendar().working_time_between(FRI + 6 * H, MON) == 19 * H
    # Tuesday 09:00 + 19 working hours = Wednesday 04:00 (Tuesday's 15 h, then 4 h of Wednesday).
    assert deadline.due_at == datetime(2026, 12, 2, 4, 0, tzinfo=SH)
    assert deadline.warn_at == datetime(2026, 12, 2, 0, 0, tzinfo=SH)  # Tue 05:00 + 19 working hours
    assert deadline.assessed_due_at == datetime(2026, 12, 3, 4, 0, tzinfo=SH)
    # The ladder rung moves exactly by the paused (calendar) time.
    assert deadline.paused_total == MON - (FRI + 6 * H)
    rung = ladder.rungs.get()
    assert deadline.rung_time(rung) == FRI + 30 * H + (MON - (FRI + 6 * H))


def test_s5_3_working_day_clock_paused_over_a_weekend_only_does_not_move(subject):
    deadline = start(subject, Clock.WORKING_DAYS, timedelta(days=2))
    due = deadline.due_at
    sat = datetime(2026, 11, 28, 10, 0, tzinfo=SH)
    deadline = pause_between(deadline, sat, sat + 30 * H)  # Saturday 10:00 → Sunday 16:00
    assert deadline.due_at == due and deadline.paused_total == 30 * H


def test_s5_3_calendar_clock_moves_by_the_paused_calendar_time_weekend_included(subject):
    deadline = start(subject, Clock.CALENDAR, timedelta(days=3))
    due, warn = deadline.due_at, deadline.warn_at
    deadline = pause_between(deadline, FRI + 6 * H, MON)
    paused = MON - (FRI + 6 * H)
    assert deadline.due_at == due + paused and deadline.warn_at == warn + paused
    assert deadline.paused_total == paused


def test_s5_3_working_time_helpers_are_inverse_on_working_days():
    calendar = WorkingCalendar(overrides={})
    # Friday 21:00 + 6 working hours: 3 h of Friday, the weekend skipped, 3 h of Monday.
    assert calendar.add_working_time(FRI + 12 * H, 6 * H) == datetime(2026, 11, 30, 3, 0, tzinfo=SH)
    assert calendar.working_time_between(FRI + 12 * H, datetime(2026, 11, 30, 3, 0, tzinfo=SH)) == 6 * H
    # A start on a rest day counts from 00:00 of the next working day.
    assert calendar.add_working_time(FRI + 20 * H, 6 * H) == datetime(2026, 11, 30, 6, 0, tzinfo=SH)
    # A pause wholly on a rest day moves nothing.
    sat = datetime(2026, 11, 28, 10, 0, tzinfo=SH)
    assert calendar.working_time_between(sat, sat + 5 * H) == timedelta(0)
    assert calendar.add_working_time(sat, timedelta(0)) == sat


def test_s5_3_default_pause_reasons_load_idempotently(db):
    load_pause_reasons()
    reason = PauseReason.objects.get(code="waiting-customer")
    reason.name = "改过的名称"
    reason.save()
    load_pause_reasons()
    assert PauseReason.objects.get(code="waiting-customer").name == "改过的名称"
    assert set(PauseReason.objects.values_list("code", flat=True)) >= {
        "waiting-customer",
        "third-party",
        "access-pass",
        "special-order",
    }
    assert PauseReason.objects.get(code="special-order").subjects == ["responses.workstep"]


def test_s5_3_paused_time_per_department_and_month_page_and_json(client, org):
    from django.urls import reverse

    from org.roles import Role
    from tests.factories import UserFactory

    nmc = org["nmc"]
    make_policy(kind="work", level="-", duration=timedelta(days=3))
    now = datetime.now(SH).replace(microsecond=0)
    for hours in (2, 3):
        deadline = services.deadline_start(subject=nmc, kind="work", assessed_department=nmc, started_at=now)
        pause_between(deadline, now, now + hours * H)
    client.force_login(UserFactory(department=org["center"], roles=[Role.VIEWER]))
    rows = client.get(reverse("dashboards:paused-data")).json()["rows"]
    assert rows == [
        {
            "month": now.strftime("%Y-%m"),
            "department": nmc.pk,
            "department_name": nmc.name_zh,
            "deadlines": 2,
            "paused_seconds": 5 * 3600,
            "paused_hours": 5.0,
        }
    ]
    html = client.get(reverse("dashboards:paused")).content.decode()
    assert "各部门暂停时长" in html and nmc.name_zh in html and "5.0" in html
    client.force_login(UserFactory(department=nmc, roles=[Role.BACK_MEMBER]))
    assert client.get(reverse("dashboards:paused")).status_code == 403


def test_s5_3_pause_reasons_are_edited_in_the_admin_with_known_roles_and_subjects(admin_client, db):
    from django.urls import reverse

    load_pause_reasons()
    reason = PauseReason.objects.get(code="third-party")
    url = reverse("admin:sla_pausereason_change", args=[reason.pk])
    assert admin_client.get(url).status_code == 200
    body = {
        "code": "third-party",
        "name": "等待物业",
        "request_roles": ["back_member"],
        "approve_roles": ["dispatcher"],
        "subjects": ["responses.workstep"],
        "position": 2,
        "active": "on",
    }
    assert admin_client.post(url, body).status_code == 302
    reason.refresh_from_db()
    assert reason.name == "等待物业" and reason.subjects == ["responses.workstep"]
    response = admin_client.post(url, {**body, "request_roles": ["nobody"]})
    assert response.status_code == 200 and PauseReason.objects.get(pk=reason.pk).request_roles == ["back_member"]
