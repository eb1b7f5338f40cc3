"""Pages: the live queue sorted by time left, the ticket page with its ladder and notices, the event board."""

from datetime import timedelta

import pytest
from django.utils import timezone

from faults import services
from org.models import Department
from tests.pages import refused_inline

from .factories import ServiceFactory
from .test_tickets import sweep_at

pytestmark = pytest.mark.django_db


def make(people, level, **kwargs):
    return services.fault_report(
        by=people.front,
        title=f"故障{level}",
        description="d",
        category="line",
        service=ServiceFactory(level=level),
        handling_department=people.nmc,
        **kwargs,
    )


def test_queue_lists_open_tickets_by_time_left_and_refreshes_itself(client, people, django_assert_max_num_queries):
    make(people, "C")
    make(people, "A")
    make(people, "B", phone_reported_at=timezone.now() - timedelta(hours=9))  # overdue
    services.fault_resolve(ticket=make(people, "A"), by=people.member)
    client.force_login(people.member)
    with django_assert_max_num_queries(10):
        page = client.get("/faults/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    assert page.status_code == 200 and "故障队列" in html and "data-refresh" in html
    assert html.count('data-testid="ticket-row"') == 3
    assert html.index("故障B") < html.index("故障A") < html.index("故障C")
    partial = client.get("/faults/?partial=1").content.decode()
    assert partial.count('data-testid="ticket-row"') == 3 and "<html" not in partial
    client.force_login(people.line)
    assert client.get("/faults/").content.decode().count('data-testid="ticket-row"') == 0


def test_ticket_page_shows_the_ladder_and_the_notices_and_runs_actions(client, people, circuit):
    ticket = make(people, "A")
    sweep_at(ticket.reported_at + timedelta(minutes=16))
    client.force_login(people.member)
    html = client.get(f"/faults/{ticket.pk}/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "升级时间线" in html and 'data-testid="ladder"' in html
    assert "t_supervisor" in html and "t_manager" in html  # notices sent by the ladder
    assert "部门经理" in html  # escalated to
    response = client.post(f"/faults/{ticket.pk}/acknowledge/")
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.state == "acknowledged"
    # Acknowledged already (409): back on the ticket, the reason at the top of its actions.
    assert refused_inline(client, f"/faults/{ticket.pk}/acknowledge/", back_to=f"/faults/{ticket.pk}/")
    client.force_login(people.public)
    assert client.post(f"/faults/{ticket.pk}/close/").status_code == 404  # not visible to them


def test_report_form_creates_a_backfilled_ticket(client, people, circuit):
    client.force_login(people.front)
    call = timezone.localtime() - timedelta(minutes=3)
    response = client.post(
        "/faults/new/",
        {
            "title": "夜间电话报障",
            "service": circuit.pk,
            "category": "line",
            "description": "10000号转来",
            "phone_reported_at": call.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert response.status_code == 302
    from faults.models import FaultTicket

    ticket = FaultTicket.objects.get(title="夜间电话报障")
    assert ticket.phone_reported and ticket.handling_department.code == "nmc"
    bad = client.post("/faults/new/", {"title": "x", "service": circuit.pk, "category": "os", "description": "y"})
    assert bad.status_code == 200 and FaultTicket.objects.count() == 1


def test_event_board_shows_current_warnings_highest_first(client, people):
    dept = Department.objects.get(code="gov_enterprise")
    services.event_create(
        by=people.front, title="黄色事件", category="vas", source="business", business_department=dept, cities=1
    )
    services.event_create(
        by=people.front, title="红色事件", category="network", source="hq", business_department=dept, hq_level="level1"
    )
    client.force_login(people.custsvc)
    html = client.get("/faults/events/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert html.index("红色事件") < html.index("黄色事件")
