"""A3.1 account requests: approvals, escalation, rejection, real grants, the IT deadline."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from accounts import services
from accounts.models import AccountRequest, Grant
from org.models import User
from org.roles import Role
from sla import services as sla_services
from sla.models import AuditEntry, Deadline, Notification
from sla.selectors import audit_trail_of
from sla.workflow import TransitionConflict, TransitionForbidden
from tests.accounts.factories import make_cast, submit_role_request

pytestmark = pytest.mark.django_db
S = AccountRequest.State
CST = timezone.get_fixed_timezone(8 * 60)


@pytest.fixture
def cast(org):
    return make_cast(org)


def _deadline(request):
    return Deadline.objects.get(object_id=request.pk, kind="account-request", state__in=Deadline.ACTIVE_STATES)


def test_A3_1_platform_grant_really_changes_the_users_roles_and_is_audited(org, cast):
    request = submit_role_request(cast, org)
    assert request.state == S.SUBMITTED
    request = services.account_request_manager_approve(request=request, by=cast.manager)
    assert request.state == S.MANAGER_APPROVED and request.manager_approved_by == cast.manager
    request = services.account_request_business_approve(request=request, by=cast.scope_manager)
    assert request.state == S.APPROVED
    assert _deadline(request).assessed_department == org["it"]

    assert not User.objects.get(pk=cast.member.pk).has_role(Role.BACK_ADMIN)
    request = services.account_request_complete(request=request, by=cast.it)
    assert request.state == S.COMPLETED and request.completed_by == cast.it

    member = User.objects.get(pk=cast.member.pk)
    assert member.has_role(Role.BACK_ADMIN) and member.has_role(Role.BACK_MEMBER)
    grant = Grant.objects.get(user=member, role="back_admin")
    assert grant.system == "" and grant.department == org["nmc"] and grant.granted_by == cast.it and grant.active
    assert grant.request == request
    # The deadline is met, the steps and the permission change are in the audit trail (S5.5).
    assert Deadline.objects.get(object_id=request.pk, kind="account-request").state == Deadline.State.MET
    assert [e.transition for e in audit_trail_of(request)] == [
        "submit",
        "manager_approve",
        "business_approve",
        "complete",
    ]
    change = AuditEntry.objects.get(transition="permissions_changed", object_id=member.pk)
    assert change.actor == cast.it and "back_admin" in change.to_state


def test_A3_1_request_moves_the_user_to_the_requested_department(org, cast):
    request = services.account_request_submit(
        by=cast.member,
        kind=AccountRequest.Kind.PERMISSION_CHANGE,
        target_user=cast.member,
        requested_roles=["back_member"],
        requested_department=org["line"],
        scope_department=org["center"],
    )
    services.account_request_manager_approve(request=request, by=cast.manager)
    services.account_request_business_approve(request=request, by=cast.scope_manager)
    services.account_request_complete(request=request, by=cast.it)
    assert User.objects.get(pk=cast.member.pk).department == org["line"]


def test_A3_1_new_account_on_this_platform_is_created_on_completion(org, cast):
    request = services.account_request_submit(
        by=cast.member,  # a member files it: nobody approves a request they filed (issue 11)
        kind=AccountRequest.Kind.NEW_ACCOUNT,
        new_username="newbie",
        new_full_name="新员工",
        new_email="newbie@example.com",
        requested_roles=["back_member"],
        requested_department=org["nmc"],
        scope_department=org["center"],
    )
    services.account_request_manager_approve(request=request, by=cast.manager)
    services.account_request_business_approve(request=request, by=cast.scope_manager)
    assert not User.objects.filter(username="newbie").exists()
    request = services.account_request_complete(request=request, by=cast.it)
    newbie = User.objects.get(username="newbie")
    assert request.target_user == newbie and newbie.department == org["nmc"]
    assert newbie.has_role(Role.BACK_MEMBER) and not newbie.has_usable_password()


def test_A3_1_external_system_grant_is_recorded_in_the_register(org, cast):
    request = services.account_request_submit(
        by=cast.member,
        kind=AccountRequest.Kind.PERMISSION_CHANGE,
        target_user=cast.member,
        system="计费系统",
        permission_text="账单查询",
        scope_department=org["it"],
    )
    it_manager = User.objects.create(username="itm", department=org["it"])
    it_manager.groups.add(
        *__import__("django.contrib.auth.models", fromlist=["Group"]).Group.objects.filter(name="dept_manager")
    )
    services.account_request_manager_approve(request=request, by=cast.manager)
    services.account_request_business_approve(request=request, by=User.objects.get(pk=it_manager.pk))
    before = set(User.objects.get(pk=cast.member.pk).role_codes)
    services.account_request_complete(request=request, by=cast.it)
    grant = Grant.objects.get(user=cast.member)
    assert (grant.system, grant.permission_text, grant.granted_by, grant.active) == (
        "计费系统",
        "账单查询",
        cast.it,
        True,
    )
    assert grant.granted_at is not None
    assert set(User.objects.get(pk=cast.member.pk).role_codes) == before  # nothing changes here

    # Deactivation of the external account revokes the grant.
    off = services.account_request_submit(
        by=cast.member,
        kind=AccountRequest.Kind.DEACTIVATION,
        target_user=cast.member,
        system="计费系统",
        scope_department=org["it"],
    )
    services.account_request_manager_approve(request=off, by=cast.manager)
    services.account_request_business_approve(request=off, by=User.objects.get(pk=it_manager.pk))
    services.account_request_complete(request=off, by=cast.it)
    grant.refresh_from_db()
    assert not grant.active and grant.revoked_by == cast.it
    assert User.objects.get(pk=cast.member.pk).is_active


def test_A3_1_it_escalates_to_the_leader_in_charge_and_the_clock_restarts_at_the_last_approval(org, cast):
    t0 = datetime(2026, 11, 23, 10, 0, tzinfo=CST)  # a Monday
    with time_machine.travel(t0, tick=False):
        request = submit_role_request(cast, org, roles=[Role.SUPERVISOR])
        services.account_request_manager_approve(request=request, by=cast.manager)
        services.account_request_business_approve(request=request, by=cast.scope_manager)
        first = _deadline(request)
        with pytest.raises(ValidationError):
            services.account_request_escalate(request=request, by=cast.it, reason=" ")
        request = services.account_request_escalate(request=request, by=cast.it, reason="超出业务部门职权")
    assert request.state == S.ESCALATED
    first.refresh_from_db()
    assert first.state == Deadline.State.CANCELLED
    with pytest.raises(TransitionForbidden):
        services.account_request_leader_approve(request=request, by=cast.scope_manager)
    with time_machine.travel(t0 + timedelta(days=1), tick=False):
        request = services.account_request_leader_approve(request=request, by=cast.scope_leader)
    assert request.state == S.APPROVED and request.leader_approved_by == cast.scope_leader
    assert _deadline(request).due_at == datetime(2026, 11, 25, 10, 0, tzinfo=CST)
    services.account_request_complete(request=request, by=cast.it)
    assert User.objects.get(pk=cast.member.pk).has_role(Role.SUPERVISOR)


@pytest.mark.parametrize("stage", ["submitted", "manager_approved", "escalated", "approved"])
def test_A3_1_each_step_can_reject_with_a_reason(org, cast, stage):
    request = submit_role_request(cast, org)
    rejecter = cast.manager
    if stage != "submitted":
        request = services.account_request_manager_approve(request=request, by=cast.manager)
        rejecter = cast.scope_manager
    if stage in ("escalated", "approved"):
        request = services.account_request_business_approve(request=request, by=cast.scope_manager)
        rejecter = cast.it
    if stage == "escalated":
        request = services.account_request_escalate(request=request, by=cast.it, reason="超权限")
        rejecter = cast.scope_leader
    assert request.state == stage
    with pytest.raises(ValidationError):
        services.account_request_reject(request=request, by=rejecter, reason="")
    with pytest.raises(TransitionForbidden):
        services.account_request_reject(request=request, by=cast.other_manager, reason="不是我的")
    request = services.account_request_reject(request=request, by=rejecter, reason="权限过大")
    assert request.state == S.REJECTED and request.reject_reason == "权限过大" and request.rejected_by == rejecter
    assert not Deadline.objects.filter(object_id=request.pk, state__in=Deadline.ACTIVE_STATES).exists()
    assert not User.objects.get(pk=cast.member.pk).has_role(Role.BACK_ADMIN)
    assert Notification.objects.filter(recipient=cast.member, subject__contains="#").exists()
    # A closed request cannot be completed (django-fsm: no transition from "rejected" for anyone).
    with pytest.raises((TransitionConflict, TransitionForbidden)):
        services.account_request_complete(request=request, by=cast.it)
    assert AccountRequest.objects.get(pk=request.pk).state == S.REJECTED


def test_A3_1_only_the_right_people_take_each_step(org, cast):
    request = submit_role_request(cast, org)
    # The requester's own manager first: not the business department, not another department, not IT.
    for wrong in (cast.scope_manager, cast.other_manager, cast.it, cast.member, cast.auditor):
        with pytest.raises(TransitionForbidden):
            services.account_request_manager_approve(request=request, by=wrong)
    request = services.account_request_manager_approve(request=request, by=cast.manager)
    for wrong in (cast.manager, cast.other_manager, cast.it, cast.auditor):
        with pytest.raises(TransitionForbidden):
            services.account_request_business_approve(request=request, by=wrong)
    request = services.account_request_business_approve(request=request, by=cast.scope_manager)
    for wrong in (cast.manager, cast.scope_manager, cast.member, cast.auditor):
        with pytest.raises(TransitionForbidden):
            services.account_request_complete(request=request, by=wrong)


def test_A3_1_submission_is_validated(org, cast):
    with pytest.raises(ValidationError) as exc:
        services.account_request_submit(
            by=cast.member,
            kind=AccountRequest.Kind.PERMISSION_CHANGE,
            scope_department=org["center"],
            requested_roles=["nonsense"],
        )
    assert {"target_user", "requested_roles"} <= set(exc.value.message_dict)
    with pytest.raises(ValidationError) as exc:
        services.account_request_submit(
            by=cast.member, kind=AccountRequest.Kind.NEW_ACCOUNT, new_username="m1", scope_department=org["center"]
        )
    assert "new_username" in exc.value.message_dict


def test_A3_1_it_gets_warning_and_breach_notices_when_it_does_not_complete_in_time(org, cast):
    t0 = datetime(2026, 11, 23, 10, 0, tzinfo=CST)  # Monday: due Tuesday 10:00, warned 08:00
    with time_machine.travel(t0, tick=False):
        request = submit_role_request(cast, org)
        services.account_request_manager_approve(request=request, by=cast.manager)
        services.account_request_business_approve(request=request, by=cast.scope_manager)
    deadline = _deadline(request)
    assert deadline.due_at == datetime(2026, 11, 24, 10, 0, tzinfo=CST)
    assert deadline.warn_at == datetime(2026, 11, 24, 8, 0, tzinfo=CST)
    with time_machine.travel(datetime(2026, 11, 24, 8, 1, tzinfo=CST), tick=False):
        sla_services.sweep_due_deadlines()
    with time_machine.travel(datetime(2026, 11, 24, 10, 1, tzinfo=CST), tick=False):
        sla_services.sweep_due_deadlines()
    subjects = list(Notification.objects.filter(recipient=cast.it, channel="inapp").values_list("subject", flat=True))
    assert any("即将到期" in s or "approaching" in s.lower() for s in subjects), subjects
    assert any("超时" in s or "missed" in s.lower() for s in subjects), subjects
    deadline.refresh_from_db()
    assert deadline.state == Deadline.State.BREACHED


def test_A3_1_new_account_in_an_external_system_names_the_holder_here(org, cast):
    with pytest.raises(ValidationError) as exc:
        services.account_request_submit(
            by=cast.manager,
            kind=AccountRequest.Kind.NEW_ACCOUNT,
            system="OA",
            permission_text="公文收发",
            scope_department=org["it"],
        )
    assert set(exc.value.message_dict) == {"target_user"}
    request = services.account_request_submit(
        by=cast.member,
        kind=AccountRequest.Kind.NEW_ACCOUNT,
        target_user=cast.member,
        system="OA",
        permission_text="公文收发",
        scope_department=org["center"],
    )
    services.account_request_manager_approve(request=request, by=cast.manager)
    services.account_request_business_approve(request=request, by=cast.scope_manager)
    services.account_request_complete(request=request, by=cast.it)
    assert Grant.objects.get(request=request).user == cast.member


def test_A3_1_a_new_accounts_holder_chooses_the_first_password_through_a_one_time_link(org, cast, client):
    import re

    request = services.account_request_submit(
        by=cast.member,
        kind=AccountRequest.Kind.NEW_ACCOUNT,
        new_username="newbie",
        new_email="newbie@example.com",
        new_phone="13900000001",
        requested_roles=["back_member"],
        requested_department=org["nmc"],
        scope_department=org["center"],
    )
    services.account_request_manager_approve(request=request, by=cast.manager)
    services.account_request_business_approve(request=request, by=cast.scope_manager)
    services.account_request_complete(request=request, by=cast.it)
    newbie = User.objects.get(username="newbie")
    notes = Notification.objects.filter(recipient=newbie, subject__contains="密码")
    assert {n.channel for n in notes} == {"email", "sms"}
    assert {n.address for n in notes} == {"newbie@example.com", "13900000001"}
    # The stored notices hide the link (issue 11); the e-mail that is sent carries it.
    assert all("[链接已隐藏]" in n.body and "set-password" not in n.body for n in notes)
    sla_services.notifications_deliver(ids=[n.pk for n in notes])
    link = re.search(r"http://\S+/accounts/set-password/\S+/", mail.outbox[0].body).group(0)
    path = link.split("8000", 1)[1]

    form = client.get(path, follow=True)
    assert form.status_code == 200 and "设置密码" in form.content.decode()
    weak = client.post(form.redirect_chain[-1][0], {"new_password1": "123", "new_password2": "123"})
    assert weak.status_code == 200 and 'role="alert"' in weak.content.decode()  # the validators speak
    done = client.post(form.redirect_chain[-1][0], {"new_password1": "Brp-new-2026!", "new_password2": "Brp-new-2026!"})
    assert done.status_code == 302 and done["Location"] == reverse("password-set-done")
    logged_in = client.post(reverse("login"), {"username": "newbie", "password": "Brp-new-2026!"})
    assert logged_in.status_code == 302 and client.session["_auth_user_id"] == str(newbie.pk)
    client.post(reverse("logout"))
    again = client.get(path, follow=True)
    assert "不再有效" in again.content.decode()  # the link works once


def test_A3_1_a_new_account_needs_an_address_for_its_first_password(org, cast):
    with pytest.raises(ValidationError) as exc:
        services.account_request_submit(
            by=cast.manager,
            kind=AccountRequest.Kind.NEW_ACCOUNT,
            new_username="ghost",
            requested_roles=["back_member"],
            requested_department=org["nmc"],
            scope_department=org["center"],
        )
    assert "new_email" in exc.value.message_dict
