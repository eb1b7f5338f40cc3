"""Seed 002 (监督与检查: 对发现的问题及时下达整改通知,要求责任部门限期整改,并跟踪整改落实情况): rectification
notices issued to a responsible department with a deadline (5 working days by default), answered by its
admins with evidence, closed by the issuer or rejected back; the deadline warns and breaches to that
department's manager. Pages /faults/rectifications/ and API /api/v1/rectifications/ (F2.5 links)."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from core.errors import Forbidden, Invalid
from faults import services
from faults.models import RectificationNotice
from org.models import Department
from sla.models import Deadline, Notification
from sla.selectors import deadlines_of

from .factories import FastUserFactory, ServiceFactory
from .test_tickets import sweep_at

pytestmark = pytest.mark.django_db
ZH = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
MONDAY = timezone.make_aware(datetime(2026, 11, 2, 10, 0))  # Asia/Shanghai, a working Monday


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def issue(people, **kwargs):
    fields = dict(by=people.custsvc, to_department=people.nmc, title="机房巡检问题", content="机房温度超标,限期整改")
    return services.rectification_issue(**(fields | kwargs))


def test_seed_002_issue_starts_a_5_working_day_deadline_assessed_to_the_department(people):
    with time_machine.travel(MONDAY, tick=False):
        notice = issue(people)
    deadline = deadlines_of(notice).get()
    assert deadline.kind == "rectification-answer" and deadline.assessed_department == people.nmc
    assert deadline.due_at == MONDAY + timedelta(days=7)  # 5 working days: the next Monday
    assert notice.due_at == deadline.due_at and notice.state == "issued" and notice.issuing_department.code == "custsvc"
    told = set(Notification.objects.filter(channel="inapp").values_list("recipient__username", flat=True))
    assert {"t_admin", "t_supervisor", "t_manager"} <= told and "t_member" not in told


def test_seed_002_who_issues_a_notice(people):
    for who in (people.front, people.member, people.auditor):
        with pytest.raises(Forbidden):
            issue(people, by=who)
    assert issue(people, by=people.dispatcher).issuing_department.code == "center"  # the Center
    assert issue(people, by=people.leader, to_department=people.public.department).pk  # a leader
    with pytest.raises(Invalid):
        issue(people, by=people.manager)  # a manager issues to another department, not to its own
    with pytest.raises(Invalid):
        issue(people, content=" ")
    hidden = services.fault_report(
        by=people.front, title="t", description="d", category="line", service=ServiceFactory(),
        handling_department=Department.objects.get(code="wireless"),
    )  # fmt: skip
    with pytest.raises(Invalid):
        issue(
            people, by=people.manager, to_department=people.public.department, ticket=hidden
        )  # not the issuer's to see


def test_seed_002_answer_with_evidence_then_reject_then_close_by_the_issuer(people, media):
    notice = issue(people)
    with pytest.raises(Forbidden):
        services.rectification_answer(notice=notice, by=people.member, answer="x")  # admins answer
    with pytest.raises(Invalid):
        services.rectification_answer(notice=notice, by=people.admin, answer=" ")
    evidence = SimpleUploadedFile("整改照片.pdf", b"%PDF-1.4")
    notice = services.rectification_answer(notice=notice, by=people.admin, answer="已加装空调", evidence_file=evidence)
    assert notice.state == "answered" and notice.answered_by == people.admin and notice.evidence_file.name
    assert deadlines_of(notice).get().state == Deadline.State.MET
    with pytest.raises(Forbidden):
        services.rectification_close(notice=notice, by=people.manager)  # NMC's manager is not the issuer
    with pytest.raises(Invalid):
        services.rectification_reject(notice=notice, by=people.custsvc, reason="")
    later = timezone.now() + timedelta(days=1)
    with time_machine.travel(later, tick=False):
        notice = services.rectification_reject(notice=notice, by=people.custsvc, reason="缺少温度记录")
    assert notice.state == "issued" and notice.rejections == 1
    fresh = deadlines_of(notice).filter(state__in=Deadline.OPEN_STATES).get()
    assert fresh.started_at == later and notice.due_at == fresh.due_at
    notice = services.rectification_answer(notice=notice, by=people.supervisor, answer="补充温度记录")
    notice = services.rectification_close(notice=notice, by=people.custsvc, comment="整改到位")
    assert notice.state == "closed" and notice.closed_at


def test_seed_002_the_deadline_warns_and_breaches_to_the_receiving_departments_manager(people):
    with time_machine.travel(MONDAY, tick=False):
        notice = issue(people)
    sweep_at(notice.due_at - timedelta(hours=12))  # warned a day before
    sweep_at(notice.due_at + timedelta(minutes=1))
    deadline = deadlines_of(notice).get()
    assert deadline.state == Deadline.State.BREACHED
    fired = Notification.objects.filter(event__deadline=deadline)
    assert set(fired.values_list("recipient__username", flat=True)) == {"t_manager"}
    assert set(fired.values_list("event__kind", flat=True)) == {"warning", "breach"}


def test_seed_002_pages_list_mine_first_and_overdue_first_and_run_the_actions(
    client, people, media, django_assert_max_num_queries
):
    with time_machine.travel(MONDAY - timedelta(days=30), tick=False):
        overdue = issue(people, title="超期的通知", to_department=people.line.department)
    mine = issue(people, title="本部门待答复")
    issue(people, title="其他部门的", to_department=people.line.department)
    client.force_login(people.line)  # 线路维护中心's admin: two to answer, one overdue
    with django_assert_max_num_queries(8):
        html = client.get("/faults/rectifications/", **ZH).content.decode()
    assert "整改通知" in html and html.count('data-testid="rectification-row"') == 2
    assert html.index("超期的通知") < html.index("其他部门的") and 'data-testid="overdue"' in html
    client.force_login(people.admin)
    html = client.get("/faults/rectifications/").content.decode()
    assert html.count('data-testid="rectification-row"') == 1 and "本部门待答复" in html
    page = client.get(f"/faults/rectifications/{mine.pk}/", **ZH).content.decode()
    assert 'data-testid="answer-button"' in page and 'data-testid="close"' not in page
    refused = client.post(f"/faults/rectifications/{mine.pk}/answer/", {"answer": ""}, follow=True, **ZH)
    assert "请填写整改情况" in refused.content.decode()
    answered = client.post(
        f"/faults/rectifications/{mine.pk}/answer/",
        {"answer": "已整改", "evidence_file": SimpleUploadedFile("证据.pdf", b"%PDF-1.4")},
    )
    assert answered.status_code == 302 and RectificationNotice.objects.get(pk=mine.pk).state == "answered"
    download = client.get(f"/faults/rectifications/{mine.pk}/evidence/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF-1.4"
    client.force_login(people.line)  # not theirs to see: 404 for the notice and its file
    assert client.get(f"/faults/rectifications/{mine.pk}/evidence/").status_code == 404
    assert client.get(f"/faults/rectifications/{overdue.pk}/evidence/").status_code == 404  # no file
    client.force_login(people.custsvc)
    page = client.get(f"/faults/rectifications/{mine.pk}/", **ZH).content.decode()
    assert 'data-testid="close"' in page and 'data-testid="reject"' in page and 'data-testid="evidence"' in page
    client.post(f"/faults/rectifications/{mine.pk}/close/", {"comment": "到位"})
    html = client.get(f"/faults/rectifications/{mine.pk}/", **ZH).content.decode()
    assert "整改已确认,通知关闭" in html and "整改通知已下达" in html and "已关闭" in html


def test_seed_002_new_notice_page(client, people):
    client.force_login(people.member)
    assert client.get("/faults/rectifications/new/").status_code == 403
    client.force_login(people.custsvc)
    assert client.get("/faults/rectifications/new/", **ZH).status_code == 200
    p = services.problem_create(by=people.admin, title="固件缺陷", department=people.nmc)
    refused = client.post(
        "/faults/rectifications/new/",
        {"to_department": people.nmc.pk, "title": "t", "content": "c", "problem": p.number},
    )
    assert refused.status_code == 400 and not RectificationNotice.objects.exists()  # custsvc does not see it
    done = client.post(
        "/faults/rectifications/new/", {"to_department": people.nmc.pk, "title": "巡检问题", "content": "限期整改"}
    )
    notice = RectificationNotice.objects.get()
    assert done.status_code == 302 and done["Location"] == f"/faults/rectifications/{notice.pk}/"


def test_seed_002_rectifications_over_the_api(people, media):
    api = APIClient()
    api.force_authenticate(people.custsvc)
    created = api.post(
        "/api/v1/rectifications/", {"to_department": people.nmc.pk, "title": "巡检问题", "content": "限期整改"}
    )
    assert created.status_code == 201 and created.json()["number"].startswith("ZG")
    nid = created.json()["id"]
    api.force_authenticate(people.admin)
    missing = api.post(f"/api/v1/rectifications/{nid}/answer/", {}, format="json")
    assert missing.status_code == 400 and "answer" in missing.json()["fields"]
    answered = api.post(
        f"/api/v1/rectifications/{nid}/answer/",
        {"answer": "已整改", "evidence_file": SimpleUploadedFile("证据.pdf", b"%PDF-1.4")},
        format="multipart",
    )
    assert answered.status_code == 200 and answered.json()["evidence_url"] == f"/faults/rectifications/{nid}/evidence/"
    assert api.post(f"/api/v1/rectifications/{nid}/close/", {}, format="json").status_code == 403
    api.force_authenticate(people.custsvc)
    assert api.post(f"/api/v1/rectifications/{nid}/close/", {}, format="json").json()["state"] == "closed"
    assert api.post(f"/api/v1/rectifications/{nid}/reject/", {"reason": "x"}, format="json").status_code == 409
    api.force_authenticate(people.line)
    assert api.get(f"/api/v1/rectifications/{nid}/").status_code == 404


def test_seed_002_a_department_manager_elsewhere_issues_and_closes(people):
    wireless_manager = FastUserFactory(
        username="t_wl_manager", department=Department.objects.get(code="wireless"), roles=["dept_manager"]
    )
    notice = issue(people, by=wireless_manager)
    notice = services.rectification_answer(notice=notice, by=people.admin, answer="已整改")
    assert services.rectification_close(notice=notice, by=wireless_manager).state == "closed"


def test_seed_002_the_deadline_is_seen_by_those_who_see_the_notice(people):
    notice = issue(people)
    api = APIClient()
    api.force_authenticate(people.manager)
    rows = api.get(f"/api/v1/deadlines/?subject=rectification:{notice.pk}").json()["results"]
    assert [r["kind"] for r in rows] == ["rectification-answer"] and rows[0]["assessed_department"] == "nmc"
    api.force_authenticate(people.line)  # another department: not theirs to see
    assert api.get(f"/api/v1/deadlines/?subject=rectification:{notice.pk}").status_code == 404
