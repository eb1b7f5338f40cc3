"""F2.5 problems in the browser and the API: the list (filters, search, pages, fixed queries), the
new-problem form (only tickets the user may see), the problem page with its tickets, their repeat
pattern and its history, and its actions (link by number, start with the plan, close with the root
cause and the fix, both required)."""

import re
from datetime import datetime, timedelta

import pytest
import time_machine
from django.utils import timezone
from rest_framework.test import APIClient

from faults import services
from faults.models import FaultTicket, Problem
from org.models import Department

from .factories import ServiceFactory

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}


def ticket(people, service=None, dept=None, **kwargs):
    return services.fault_report(
        by=people.front,
        title=kwargs.pop("title", "专线中断"),
        description="d",
        category="line",
        service=service or ServiceFactory(),
        handling_department=dept or people.nmc,
        **kwargs,
    )


def problem(people, title="光模块批次缺陷", tickets=()):
    return services.problem_create(by=people.admin_nmc, title=title, department=people.nmc, tickets=tickets)


@pytest.fixture
def people(people):
    from org.roles import Role

    from .factories import FastUserFactory

    # t_admin of the demo team is an admin of NMC: the problem's owning department here.
    people.admin_nmc = people.admin
    people.wireless_admin = FastUserFactory(
        username="t_wireless", department=Department.objects.get(code="wireless"), roles=[Role.BACK_ADMIN]
    )
    return people


def test_f2_5_problem_list_filters_searches_and_pages_in_fixed_queries(client, people, django_assert_max_num_queries):
    for n in range(55):
        problem(people, title=f"问题{n:02d}")
    closed = problem(people, title="已关闭的固件问题")
    services.problem_close(problem=closed, by=people.supervisor, root_cause="缺陷", fix="升级")
    client.force_login(people.member)
    with django_assert_max_num_queries(8):
        page = client.get("/faults/problems/", **ZH)
    html = page.content.decode()
    assert page.status_code == 200 and "系统问题" in html
    assert html.count('data-testid="problem-row"') == 50 and "第 1 页" in html
    assert client.get("/faults/problems/?page=2").content.decode().count('data-testid="problem-row"') == 6
    by_state = client.get("/faults/problems/?state=closed").content.decode()
    assert by_state.count('data-testid="problem-row"') == 1 and "已关闭的固件问题" in by_state
    assert client.get("/faults/problems/?q=固件").content.decode().count('data-testid="problem-row"') == 1
    other = Department.objects.get(code="wireless").pk
    assert client.get(f"/faults/problems/?department={other}").content.decode().count('data-testid="problem-row"') == 0
    client.force_login(people.line)  # another back office sees none of NMC's problems
    assert client.get("/faults/problems/").content.decode().count('data-testid="problem-row"') == 0


def test_f2_5_new_problem_page_links_only_tickets_the_user_may_see(client, people):
    own = ticket(people)
    elsewhere = ticket(people, dept=Department.objects.get(code="wireless"))
    client.force_login(people.member)
    assert client.get("/faults/problems/new/").status_code == 403  # a member does not open problems
    client.force_login(people.admin)
    form = client.get("/faults/problems/new/", **ZH).content.decode()
    assert own.number in form and elsewhere.number not in form
    refused = client.post(
        "/faults/problems/new/", {"title": "x", "department": people.nmc.pk, "tickets": [elsewhere.pk]}, **ZH
    )
    assert refused.status_code == 400 and not Problem.objects.exists()  # not a choice: nothing written
    created = client.post(
        "/faults/problems/new/",
        {
            "title": "板卡批次缺陷",
            "description": "同批次板卡反复故障",
            "department": people.nmc.pk,
            "tickets": [own.pk],
        },
    )
    new = Problem.objects.get()
    assert created.status_code == 302 and created["Location"] == f"/faults/problems/{new.pk}/"
    assert list(new.tickets.all()) == [own] and new.created_by == people.admin
    other_dept = Department.objects.get(code="wireless").pk
    assert client.post("/faults/problems/new/", {"title": "y", "department": other_dept}).status_code == 403


def test_f2_5_problem_page_shows_tickets_repeat_pattern_and_history(client, people, django_assert_max_num_queries):
    circuit, other = ServiceFactory(code="DDN-7"), ServiceFactory(code="DDN-8")
    monday = timezone.make_aware(datetime(2026, 11, 2, 10, 0))  # Asia/Shanghai
    made = []
    for at, service in [
        (monday, circuit), (monday + timedelta(days=1), circuit), (monday + timedelta(days=8), circuit),
        (monday + timedelta(days=9), other),
    ]:  # fmt: skip
        with time_machine.travel(at, tick=False):
            made.append(ticket(people, service=circuit if service is circuit else other))
    with time_machine.travel(monday + timedelta(days=1, hours=2), tick=False):
        services.fault_resolve(ticket=made[1], by=people.member, resolution="更换光模块")
    p = problem(people, tickets=made)
    client.force_login(people.member)
    with django_assert_max_num_queries(14):
        html = client.get(f"/faults/problems/{p.pk}/", **ZH).content.decode()
    assert html.count('data-testid="ticket-row"') == 4 and made[0].number in html
    assert re.search(r"2\s*小时", html)  # the repair time of the resolved ticket
    rows = html.split('data-testid="pattern-row"')[1:]
    assert len(rows) == 3
    assert "2026-11-09" in rows[0] and "2026-11-02" in rows[-1]  # most recent week first
    assert "DDN-7" in rows[-1] and '<td class="nowrap">2</td>' in rows[-1]  # twice in the first week
    assert "共 3 张" in html.split('data-testid="pattern-total"')[1]  # DDN-7 three times in all
    assert "系统问题已建立" in html  # the history in words


def test_f2_5_link_by_number_start_with_plan_close_with_root_cause_and_fix(client, people):
    p = problem(people)
    own, elsewhere = ticket(people), ticket(people, dept=Department.objects.get(code="wireless"))
    client.force_login(people.admin)
    assert client.post(f"/faults/problems/{p.pk}/link/", {"ticket": own.number}).status_code == 302
    assert FaultTicket.objects.get(pk=own.pk).problem_id == p.pk
    page = client.post(f"/faults/problems/{p.pk}/link/", {"ticket": elsewhere.number}, follow=True, **ZH)
    assert (
        "没有你有权查看的故障单" in page.content.decode()
        and FaultTicket.objects.get(pk=elsewhere.pk).problem_id is None
    )
    client.force_login(people.supervisor)
    refused = client.post(f"/faults/problems/{p.pk}/start/", {"plan": " "}, follow=True, **ZH).content.decode()
    assert "请填写升级方案" in refused and Problem.objects.get(pk=p.pk).state == "open"
    client.post(f"/faults/problems/{p.pk}/start/", {"plan": "分批升级固件"})
    assert Problem.objects.get(pk=p.pk).state == "in_progress"
    refused = client.post(f"/faults/problems/{p.pk}/close/", {"root_cause": "固件缺陷"}, follow=True, **ZH)
    assert "请填写解决措施" in refused.content.decode() and Problem.objects.get(pk=p.pk).state == "in_progress"
    client.post(f"/faults/problems/{p.pk}/close/", {"root_cause": "固件缺陷", "fix": "升级到 V2.1"})
    closed = Problem.objects.get(pk=p.pk)
    assert closed.state == "closed" and closed.root_cause == "固件缺陷" and closed.fix == "升级到 V2.1"
    html = client.get(f"/faults/problems/{p.pk}/", **ZH).content.decode()
    assert 'data-testid="close"' not in html and "升级已开始" in html and "问题已关闭" in html
    client.force_login(people.member)  # the member may start and close (F2.5 handlers) but not link
    assert 'data-testid="link"' not in client.get(f"/faults/problems/{problem(people).pk}/").content.decode()


def test_f2_5_problem_api_creates_with_tickets_and_refuses_a_close_without_root_cause_and_fix(people):
    own, elsewhere = ticket(people), ticket(people, dept=Department.objects.get(code="wireless"))
    api = APIClient()
    api.force_authenticate(people.admin)
    refused = api.post(
        "/api/v1/problems/", {"title": "x", "department": people.nmc.pk, "tickets": [elsewhere.pk]}, format="json"
    )
    assert refused.status_code == 400 and "tickets" in refused.json()["fields"]
    created = api.post(
        "/api/v1/problems/", {"title": "板卡缺陷", "department": people.nmc.pk, "tickets": [own.pk]}, format="json"
    )
    assert created.status_code == 201 and created.json()["ticket_count"] == 1
    pid = created.json()["id"]
    assert api.get("/api/v1/problems/?search=板卡").json()["count"] == 1
    no_plan = api.post(f"/api/v1/problems/{pid}/start/", {}, format="json")
    assert no_plan.status_code == 400 and no_plan.json()["code"] == "plan_required"
    api.post(f"/api/v1/problems/{pid}/start/", {"plan": "升级"}, format="json")
    missing = api.post(f"/api/v1/problems/{pid}/close/", {"conclusion": "完成"}, format="json", **ZH)
    body = missing.json()
    assert missing.status_code == 400 and body["code"] == "root_cause_and_fix_required"
    assert set(body["fields"]) == {"root_cause", "fix"}
    done = api.post(f"/api/v1/problems/{pid}/close/", {"root_cause": "缺陷", "fix": "升级"}, format="json").json()
    assert done["state"] == "closed" and done["root_cause"] == "缺陷" and done["fix"] == "升级"
    api.force_authenticate(people.front)
    assert api.post(f"/api/v1/problems/{pid}/close/", {}, format="json").status_code == 404
