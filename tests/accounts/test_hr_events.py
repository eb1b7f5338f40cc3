"""A3.2 job changes and departures: from a page, the API or a CSV file; a departed user is refused at once."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from accounts import services
from accounts.models import ApiToken, Grant, HrEvent
from org.models import User
from org.roles import Role
from sla.models import AuditEntry
from tests.accounts.factories import make_cast, submit_role_request

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(org):
    return make_cast(org)


def _granted(cast, org):
    """m1 holds back_admin (through a completed request) and an external billing-system grant."""
    request = submit_role_request(cast, org)
    services.account_request_manager_approve(request=request, by=cast.manager)
    services.account_request_business_approve(request=request, by=cast.scope_manager)
    services.account_request_complete(request=request, by=cast.it)
    Grant.objects.create(
        user=cast.member, system="计费系统", permission_text="账单查询", granted_at=timezone.now(), granted_by=cast.it
    )
    member = User.objects.get(pk=cast.member.pk)
    assert member.has_role(Role.BACK_ADMIN) and Grant.objects.filter(user=member, active=True).count() == 2
    return member


def test_A3_2_job_change_revokes_the_old_posts_grants_and_roles(org, cast):
    member = _granted(cast, org)
    event = services.hr_event_record(
        user=member, kind=HrEvent.Kind.JOB_CHANGE, by=cast.it, new_department=org["line"], note="调岗"
    )
    member = User.objects.get(pk=member.pk)
    assert member.is_active and member.department == org["line"]
    assert member.role_codes == set()
    assert not Grant.objects.filter(user=member, active=True).exists()
    assert event.grants_revoked == 2 and set(event.roles_removed) == {"back_admin", "back_member"}
    assert event.old_department == org["nmc"]
    assert AuditEntry.objects.filter(object_id=member.pk, transition="job_change", actor=cast.it).exists()


def test_A3_2_departure_deactivates_every_account_and_logs_it(org, cast):
    member = _granted(cast, org)
    services.api_token_issue(user=member, by=cast.it)
    services.hr_event_record(user=member, kind=HrEvent.Kind.DEPARTURE, by=cast.it)
    member = User.objects.get(pk=member.pk)
    assert not member.is_active
    assert not Grant.objects.filter(user=member, active=True).exists()
    assert all(g.revoked_by == cast.it for g in Grant.objects.filter(user=member))
    assert not ApiToken.objects.filter(user=member).exists()
    entry = AuditEntry.objects.get(object_id=member.pk, transition="deactivate")
    assert entry.to_state == "inactive" and "2 grants" in entry.comment


def test_A3_2_departed_users_session_and_token_are_refused_on_the_next_request(org, cast):
    member = cast.member
    browser = pytest.importorskip("django.test").Client()
    browser.post(reverse("login"), {"username": "m1", "password": "pw-Test-2026"})
    assert browser.get(reverse("home")).status_code == 200
    assert browser.get("/api/v1/inbox/").status_code == 200
    key = services.api_token_issue(user=member)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.get("/api/v1/inbox/").status_code == 200

    services.hr_event_record(user=member, kind=HrEvent.Kind.DEPARTURE, by=cast.it)

    assert browser.get(reverse("home")).status_code == 302  # back to the login page
    assert browser.get("/api/v1/inbox/").status_code == 403
    assert api.get("/api/v1/inbox/").status_code in (401, 403)
    response = browser.post(reverse("login"), {"username": "m1", "password": "pw-Test-2026"})
    assert response.status_code == 200 and "_auth_user_id" not in browser.session


def test_A3_2_only_it_records_hr_events(org, cast):
    for wrong in (cast.manager, cast.member, cast.auditor):
        with pytest.raises(PermissionDenied):
            services.hr_event_record(user=cast.member, kind=HrEvent.Kind.DEPARTURE, by=wrong)
    assert User.objects.get(pk=cast.member.pk).is_active


def test_A3_2_hr_events_from_the_api(org, cast):
    api = APIClient()
    api.force_authenticate(cast.manager)
    assert api.post("/api/v1/hr-events/", {"user": "m1", "kind": "departure"}).status_code == 403
    api.force_authenticate(cast.it)
    response = api.post("/api/v1/hr-events/", {"user": "m1", "kind": "job_change", "new_department": "line"})
    assert response.status_code == 201, response.content
    assert response.json()["source"] == "api" and response.json()["old_department"] == "nmc"
    assert User.objects.get(pk=cast.member.pk).department == org["line"]
    assert api.post("/api/v1/hr-events/", {"user": "nobody", "kind": "departure"}).json()["fields"].keys() == {"user"}


def test_A3_2_hr_events_from_the_page_and_a_csv_file(org, cast, client):
    client.force_login(cast.it)
    page = client.get(reverse("acct-hr"))
    assert page.status_code == 200 and "csrfmiddlewaretoken" in page.content.decode()
    response = client.post(
        reverse("acct-hr"), {"user": cast.member.pk, "kind": "departure", "effective_on": "2026-11-20"}
    )
    assert response.status_code == 302
    assert not User.objects.get(pk=cast.member.pk).is_active

    other = User.objects.create(username="o1", department=org["nmc"])
    other.groups.add(Group.objects.get(name="back_member"))
    bad = "username,kind,effective_on,new_department\nm1,departure,2026-11-20,\nghost,fired,2026-13-01,mars\n"
    client.post(reverse("acct-hr-import"), {"file": SimpleUploadedFile("hr.csv", bad.encode())})
    assert HrEvent.objects.filter(source="csv").count() == 0  # all or nothing
    good = "\ufeffusername,kind,effective_on,new_department,note\no1,job_change,2026-11-21,line,轮岗\n"
    client.post(reverse("acct-hr-import"), {"file": SimpleUploadedFile("hr.csv", good.encode())})
    event = HrEvent.objects.get(source="csv")
    assert event.user == other and event.new_department == org["line"] and str(event.effective_on) == "2026-11-21"
    assert User.objects.get(pk=other.pk).role_codes == set()
    text = client.get(reverse("acct-hr")).content.decode()
    assert "o1" in text


def test_A3_2_csv_import_command(org, cast, tmp_path):
    path = tmp_path / "hr.csv"
    path.write_text("username,kind,effective_on\nm1,departure,2026-11-20\n", encoding="utf-8")
    call_command("import_hr_events", str(path), "--by", "it1")
    assert not User.objects.get(pk=cast.member.pk).is_active


def test_A3_2_a_departure_recorded_ahead_of_its_day_takes_effect_on_that_day(org, cast, client):
    """HR often enters a departure before the last working day: the person keeps working until then;
    the hourly task applies it on the day, exactly once."""
    from datetime import date, datetime
    from zoneinfo import ZoneInfo

    import time_machine

    from accounts.tasks import apply_due_hr_events

    member = _granted(cast, org)
    key = services.api_token_issue(user=member)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    sh = ZoneInfo("Asia/Shanghai")
    with time_machine.travel(datetime(2026, 11, 23, 10, 0, tzinfo=sh), tick=False):
        event = services.hr_event_record(
            user=member, kind=HrEvent.Kind.DEPARTURE, by=cast.it, effective_on=date(2026, 11, 30)
        )
        assert event.applied_at is None
        assert apply_due_hr_events() == 0  # not its day yet
        member.refresh_from_db()
        assert member.is_active and api.get("/api/v1/inbox/").status_code == 200
        client.force_login(cast.it)
        assert "待生效日执行" in client.get(reverse("acct-hr")).content.decode()

    with time_machine.travel(datetime(2026, 11, 30, 0, 5, tzinfo=sh), tick=False):
        assert apply_due_hr_events() == 1
        assert apply_due_hr_events() == 0  # once
        member.refresh_from_db()
        event.refresh_from_db()
        assert not member.is_active and event.applied_at is not None and event.grants_revoked == 2
        assert api.get("/api/v1/inbox/").status_code in (401, 403)
        assert AuditEntry.objects.filter(object_id=event.pk, transition="apply").count() == 1


def test_A3_2_a_job_change_recorded_ahead_keeps_the_old_post_until_its_day(org, cast):
    from datetime import timedelta

    member = _granted(cast, org)
    later = timezone.localdate() + timedelta(days=7)
    event = services.hr_event_record(
        user=member, kind=HrEvent.Kind.JOB_CHANGE, by=cast.it, effective_on=later, new_department=org["line"]
    )
    member = User.objects.get(pk=member.pk)
    assert member.department == org["nmc"] and member.has_role(Role.BACK_ADMIN)
    assert services.hr_events_apply_due(today=later - timedelta(days=1)) == 0
    assert services.hr_events_apply_due(today=later) == 1
    member = User.objects.get(pk=member.pk)
    event.refresh_from_db()
    assert member.department == org["line"] and member.role_codes == set()
    assert event.old_department == org["nmc"] and event.grants_revoked == 2


def test_A3_2_the_hourly_beat_task_applies_due_hr_events():
    from django.conf import settings

    entry = settings.CELERY_BEAT_SCHEDULE["accounts-apply-hr-events"]
    assert entry["task"] == "accounts.tasks.apply_due_hr_events"
