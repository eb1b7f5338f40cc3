"""The faults API: /api/v1/faults/, /problems/, /quality-events/, /complaints/ (F2.1–F2.9)."""

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from faults import services
from org.models import Department

from .factories import ServiceFactory

pytestmark = pytest.mark.django_db


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_f2_2_ticket_life_cycle_over_the_api_with_403_409_and_field_errors(people, circuit):
    front = client_for(people.front)
    bad = front.post(
        "/api/v1/faults/", {"title": "x", "description": "y", "category": "os", "service": circuit.pk}, format="json"
    )
    assert bad.status_code == 400 and "category" in bad.json()["fields"]
    made = front.post(
        "/api/v1/faults/",
        {"title": "专线中断", "description": "无法访问", "category": "line", "service": circuit.pk},
        format="json",
    )
    assert made.status_code == 201, made.content
    ticket = made.json()
    assert ticket["level"] == "A" and ticket["state"] == "reported" and ticket["repair_due_at"]
    url = f"/api/v1/faults/{ticket['id']}/"
    assert client_for(people.line).get(url).status_code == 404  # another back office does not see it
    assert client_for(people.public).post(url + "acknowledge/").status_code in (403, 404)
    member = client_for(people.member)
    assert member.post(url + "acknowledge/", {"comment": "收到"}, format="json").json()["state"] == "acknowledged"
    assert member.post(url + "acknowledge/").status_code == 409
    assert member.post(url + "workaround/", {"workaround": "切换路由"}, format="json").json()["state"] == "in_progress"
    assert member.post(url + "resolve/", {"resolution": "更换模块"}, format="json").json()["state"] == "resolved"
    notice = member.post(url + "recovery-notice/", {}, format="json")
    assert notice.status_code == 201 and notice.json()["kind"] == "recovery"
    assert client_for(people.auditor).post(url + "close/").status_code == 403
    assert front.post(url + "close/", {"comment": "已验证"}, format="json").json()["state"] == "closed"
    assert [n["kind"] for n in front.get(url + "notices/").json()] == ["recovery"]


def test_ticket_queue_is_sorted_by_time_left_without_n_plus_one(people, django_assert_max_num_queries):
    for level in ("C", "A", "B", "A"):
        services.fault_report(
            by=people.front,
            title=f"故障{level}",
            description="d",
            category="line",
            service=ServiceFactory(level=level),
            handling_department=people.nmc,
        )
    client = client_for(people.member)
    with django_assert_max_num_queries(8):
        rows = client.get("/api/v1/faults/?open=1").json()["results"]
    assert [r["level"] for r in rows] == ["A", "A", "B", "C"]


def test_f2_5_problem_over_the_api(people, circuit):
    ticket = services.fault_report(
        by=people.front, title="t", description="d", category="line", service=circuit, handling_department=people.nmc
    )
    admin = client_for(people.admin)
    problem = admin.post(f"/api/v1/faults/{ticket.pk}/problem/", {"title": "固件缺陷"}, format="json")
    assert problem.status_code == 201
    pid = problem.json()["id"]
    assert (
        admin.post(f"/api/v1/problems/{pid}/start/", {"plan": "升级"}, format="json").json()["state"] == "in_progress"
    )
    closed = admin.post(
        f"/api/v1/problems/{pid}/close/",
        {"root_cause": "固件缺陷", "fix": "升级固件", "conclusion": "完成"},
        format="json",
    ).json()
    assert closed["state"] == "closed" and closed["ticket_count"] == 1


def test_f2_7_quality_event_over_the_api_computes_and_overrides_the_level(people):
    dept = Department.objects.get(code="gov_enterprise")
    client = client_for(people.front)
    made = client.post(
        "/api/v1/quality-events/",
        {
            "title": "计费争议",
            "category": "billing",
            "source": "complaints",
            "business_department": dept.pk,
            "customers": 2_001,
        },
        format="json",
    )
    assert made.status_code == 201 and made.json()["level"] == "orange"
    url = f"/api/v1/quality-events/{made.json()['id']}/"
    bad = client.post(url + "figures/", {"override_level": "red"}, format="json")
    assert bad.status_code == 400 and "override_reason" in bad.json()["fields"]
    red = client.post(url + "figures/", {"override_level": "red", "override_reason": "央视曝光"}, format="json")
    assert red.json()["level"] == "red" and red.json()["computed_level"] == "orange"
    assert client.post(url + "report/").json()["state"] == "reported"
    assert client.post(url + "publish/").status_code == 403
    assert client_for(people.custsvc).post(url + "publish/").json()["state"] == "published"


def test_f2_9_complaints_over_the_api_with_daily_counts(people):
    client = client_for(people.custsvc)
    for i in range(101):
        made = client.post(
            "/api/v1/complaints/",
            {"customer_name": f"客户{i}", "category": "network", "content": "信号差", "department": people.nmc.pk},
            format="json",
        )
    assert made.status_code == 201
    daily = client.get("/api/v1/complaints/daily/").json()
    assert daily == [
        {
            "category": "network",
            "category_label": "网络质量",
            "level": "yellow",
            "day": 101,
            "escalated_day": 0,
            "escalated_week": 0,
            "events_to_raise": [],
        }
    ]
    yesterday = (timezone.localdate() - timedelta(days=1)).isoformat()
    assert client.get(f"/api/v1/complaints/daily/?day={yesterday}").json() == []
    url = f"/api/v1/complaints/{made.json()['id']}/"
    assert client.post(url + "answer/", {"answer": "已优化"}, format="json").json()["state"] == "answered"
    assert client.post(url + "appeal/", {"reference": "12300-1"}, format="json").json()["state"] == "appealed"


def test_visibility_follows_accounts_access(people, circuit):
    """Tickets: the handling, reporting and helper departments and the Center; events: the business
    department, 客户服务部/综合办公室/法律安保部 and the Center; complaints: the handling department and 客户服务部."""
    ticket = services.fault_report(by=people.front, title="t", description="d", category="line", service=circuit,
                                   handling_department=people.nmc)  # fmt: skip
    event = services.event_create(by=people.front, title="e", category="vas", source="business",
                                  business_department=people.front.department)  # fmt: skip
    complaint = services.complaint_receive(by=people.custsvc, customer_name="c", category="vas", content="x",
                                           department=people.nmc)  # fmt: skip
    seen = {
        who: (
            len(client_for(getattr(people, who)).get("/api/v1/faults/").json()["results"]),
            len(client_for(getattr(people, who)).get("/api/v1/quality-events/").json()["results"]),
            len(client_for(getattr(people, who)).get("/api/v1/complaints/").json()["results"]),
        )
        for who in ("member", "front", "public", "line", "custsvc", "dispatcher", "auditor")
    }
    assert seen == {
        "member": (1, 0, 1),
        "front": (1, 1, 0),
        "public": (0, 0, 0),
        "line": (0, 0, 0),
        "custsvc": (0, 1, 1),
        "dispatcher": (1, 1, 1),
        "auditor": (1, 1, 1),
    }
    services.fault_add_helpers(ticket=ticket, by=people.supervisor, departments=[people.line.department])
    assert len(client_for(people.line).get("/api/v1/faults/").json()["results"]) == 1
    assert (
        client_for(people.auditor).post(f"/api/v1/complaints/{complaint.pk}/answer/", {"answer": "x"}).status_code
        == 403
    )
    assert event.pk
