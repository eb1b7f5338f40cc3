"""Issue 7: the overdue dashboard, month close figures and the click-through list."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from org.roles import Role
from sla import selectors, services
from sla.models import DeadlineMonthStat
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=SH)


@pytest.fixture(autouse=True)
def fresh_cache():
    cache.clear()


def start(org, kind, level, started, dept="nmc"):
    return services.deadline_start(
        subject=org[dept], kind=kind, level=level, started_at=started, assessed_department=org[dept]
    )


def test_overdue_board_counts_overdue_and_due_soon_by_category_department_and_level(org):
    a_limit = timedelta(days=3)  # order-provisioning A
    for offset in (
        timedelta(hours=-5),
        timedelta(days=-1),
        timedelta(hours=1),
        timedelta(hours=10),
        timedelta(hours=30),
    ):
        start(org, "order-provisioning", "A", NOW + offset - a_limit)
    start(org, "step-resource", "B", NOW - timedelta(days=3), dept="line")  # 2-day limit: overdue
    paused = start(org, "order-provisioning", "A", NOW - a_limit - timedelta(hours=1))
    met = start(org, "order-provisioning", "A", NOW - a_limit - timedelta(hours=1))
    with time_machine.travel(NOW, tick=False):
        services.deadline_pause(deadline=paused)
        services.deadline_meet(deadline=met)
        rows = selectors.overdue_board()
    assert rows == [
        {
            "category": "orders",
            "department": org["nmc"].pk,
            "level": "A",
            "overdue": 2,
            "overdue_served": 2,
            "due_2h": 1,
            "due_24h": 2,
        },
        {
            "category": "steps",
            "department": org["line"].pk,
            "level": "B",
            "overdue": 1,
            "overdue_served": 1,
            "due_2h": 0,
            "due_24h": 0,
        },
    ]


def test_month_close_freezes_handled_on_time_and_lateness_and_can_be_rerun(org):
    limit = timedelta(days=1)  # step-resource A
    closes = [timedelta(hours=-3), timedelta(0), timedelta(hours=-1), timedelta(hours=2)]  # relative to due
    for i, delta in enumerate(closes):
        started = datetime(2026, 10, 5 + i, 9, 0, tzinfo=SH)
        deadline = start(org, "step-resource", "A", started)
        services.deadline_meet(deadline=deadline, at=started + limit + delta)
    november = start(org, "step-resource", "A", datetime(2026, 11, 2, 9, 0, tzinfo=SH))
    services.deadline_meet(deadline=november, at=datetime(2026, 11, 2, 12, 0, tzinfo=SH))

    call_command("close_month", "2026-10")
    call_command("close_month", "2026-10")  # again: same figures, no duplicates
    (stat,) = DeadlineMonthStat.objects.all()
    assert (stat.month, stat.department, stat.category, stat.level) == (date(2026, 10, 1), org["nmc"], "steps", "A")
    assert (stat.handled, stat.on_time, stat.late_seconds_total, stat.late_seconds_max) == (4, 3, 7200, 7200)

    with time_machine.travel(NOW, tick=False):
        trend = selectors.on_time_by_month()
    assert trend["labels"][-2:] == ["2026-10", "2026-11"] and len(trend["labels"]) == 12
    assert trend["series"][org["nmc"].pk][-2:] == [75.0, 100.0]


def test_dashboard_page_data_and_click_through(client, org):
    manager = UserFactory(department=org["line"], roles=[Role.DEPT_MANAGER])
    start(org, "order-provisioning", "B", NOW - timedelta(days=6))  # nmc, overdue
    start(org, "step-resource", "C", NOW - timedelta(days=4), dept="line")  # line, overdue
    client.force_login(UserFactory(department=org["gov_enterprise"], roles=[Role.FRONT_ADMIN]))
    assert client.get(reverse("dashboards:dashboard")).status_code == 403

    client.force_login(manager)
    with time_machine.travel(NOW, tick=False):
        page = client.get(reverse("dashboards:dashboard"))
        data = client.get(reverse("dashboards:dashboard-data")).json()
        listing = client.get(
            reverse("dashboards:deadlines"), {"category": "orders", "department": org["nmc"].pk, "window": "overdue"}
        )
    assert page.status_code == 200 and "超期看板" in page.content.decode()
    assert "vendor/chartjs/chart-4.6.1.umd.min.js" in page.content.decode()
    # A department manager sees their own department first.
    assert [(r["department_name"], r["mine"]) for r in data["rows"]] == [
        ("线路维护中心", True),
        ("网络监控中心", False),
    ]
    assert data["rows"][1]["category_label"] == "业务响应单"
    assert listing.status_code == 200 and listing.content.decode().count("<tr>") == 2


def test_r1_4_board_counts_overdue_on_the_assessed_limit_and_shows_the_served_count(org):
    """Two A provisioning clocks four days old: A's 3-day limit is past for both, but one is assessed on B
    (5 days, an over-quota or unsigned A order): overdue once as assessed, twice as served."""
    started = NOW - timedelta(days=4)
    services.deadline_start(subject=org["nmc"], kind="order-provisioning", level="A", started_at=started,
                            assessed_department=org["nmc"])  # fmt: skip
    services.deadline_start(subject=org["nmc"], kind="order-provisioning", level="A", started_at=started,
                            assessed_department=org["nmc"], assessed_level="B")  # fmt: skip
    with time_machine.travel(NOW, tick=False):
        (row,) = selectors.overdue_board()
        assert (row["overdue"], row["overdue_served"]) == (1, 2)
        assert selectors.deadlines_in(category="orders", window="overdue").count() == 1
        assert selectors.deadlines_in(category="orders", window="overdue_served").count() == 2


def test_r1_13_r1_11_contact_feedback_and_backfill_deadlines_are_on_the_board(org):
    """The obligations issue 13 put on the engine show on the managers' board like the others."""
    services.deadline_start(subject=org["nmc"], kind="contact-feedback", started_at=NOW - timedelta(days=2),
                            due_at=NOW - timedelta(hours=1), assessed_department=org["nmc"])  # fmt: skip
    services.deadline_start(subject=org["public"], kind="phone-backfill", started_at=NOW - timedelta(hours=3),
                            due_at=NOW + timedelta(hours=1), assessed_department=org["public"])  # fmt: skip
    with time_machine.travel(NOW, tick=False):
        rows = {(r["category"], r["overdue"], r["due_2h"]) for r in selectors.overdue_board()}
    assert rows == {("contacts", 1, 0), ("backfills", 0, 1)}
