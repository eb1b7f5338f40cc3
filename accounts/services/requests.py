"""Account requests (A3.1): submit, the manager / business / leader approvals, escalation, rejection,
and IT carrying the request out (the account, its grants and its set-password link)."""

from datetime import datetime
from typing import cast

from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from org.access import is_read_only
from org.models import Department, User
from org.roles import Dept, Role
from sla.models import Deadline, Level
from sla.services import audit_record, deadline_cancel, deadline_meet, deadline_start, notify
from sla.workflow import TransitionForbidden, apply_transition

from ..models import AccountRequest, Grant, concerns
from .users import _revoke, password_link_send, user_deactivate

DEADLINE_KIND = "account-request"
ROLE_CODES = {r.value for r in Role}


def account_request_submit(
    *,
    by: User,
    kind: str,
    scope_department: Department,
    target_user: User | None = None,
    new_username: str = "",
    new_full_name: str = "",
    new_email: str = "",
    new_phone: str = "",
    system: str = "",
    requested_roles=(),
    requested_department: Department | None = None,
    permission_text: str = "",
    reason: str = "",
) -> AccountRequest:
    """File a request; it waits for the requester's department manager."""
    if not by.is_authenticated or is_read_only(by) or not by.department_id:
        raise PermissionDenied
    errors = {}
    roles = sorted({str(r) for r in requested_roles})
    system = system.strip()
    if kind == AccountRequest.Kind.NEW_ACCOUNT and not system:
        if not new_username:
            errors["new_username"] = _("A new account needs a user name.")
        elif User.objects.filter(username=new_username).exists():
            errors["new_username"] = _("This user name is taken.")
        if not (new_email or new_phone):
            errors["new_email"] = _("A new account needs an e-mail address or a mobile number for its first password.")
    elif target_user is None:
        # Grants in other systems are registered against the holder's account here.
        errors["target_user"] = _("Name the account holder.")
    if unknown := set(roles) - ROLE_CODES:
        errors["requested_roles"] = _("Unknown roles: %(roles)s") % {"roles": ", ".join(sorted(unknown))}
    if kind != AccountRequest.Kind.DEACTIVATION:
        if not system and not roles and requested_department is None:
            errors["requested_roles"] = _("Name the roles or the department requested on this platform.")
        if system and not permission_text:
            errors["permission_text"] = _("Describe the permissions requested in the external system.")
    if kind == AccountRequest.Kind.NEW_ACCOUNT and not system and requested_department is None:
        errors["requested_department"] = _("A new account on this platform needs a department.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        request = AccountRequest.objects.create(
            kind=kind,
            requester=by,
            requester_department_id=by.department_id,
            target_user=None if (kind == AccountRequest.Kind.NEW_ACCOUNT and not system) else target_user,
            new_username=new_username,
            new_full_name=new_full_name,
            new_email=new_email,
            new_phone=new_phone,
            system=system,
            requested_roles=roles,
            requested_department=requested_department,
            permission_text=permission_text,
            scope_department=scope_department,
            reason=reason,
        )
        audit_record(subject=request, actor=by, transition="submit", to_state=request.state, comment=reason)
        managers = _holders(Role.DEPT_MANAGER, request.requester_department_id)
        _tell(managers, _("Account request awaits your approval: %s") % request)
    return request


def _holders(role, department_id) -> list[User]:
    users = User.objects.filter(is_active=True, groups__name=str(role))
    if department_id is not None:
        users = users.filter(department_id=department_id)
    return list(users.distinct())


def _tell(users, subject: str) -> None:
    if users:
        notify(users=users, subject=subject, channels=["inapp"])


def _refuse_own(request: AccountRequest, by: User) -> None:
    """Issue 11: nobody approves or carries out a request they filed or that concerns themselves
    (the transitions' permissions refuse it too, on the locked row)."""
    if by is not None and concerns(request, by):
        raise TransitionForbidden(_("Nobody may approve a request they filed or that concerns themselves."))


def account_request_manager_approve(*, request: AccountRequest, by: User, comment: str = "") -> AccountRequest:
    _refuse_own(request, by)
    with transaction.atomic():
        request = apply_transition(request, "manager_approve", by=by, comment=comment)
        request.manager_approved_by, request.manager_approved_at = by, timezone.now()
        request.save(update_fields=["manager_approved_by", "manager_approved_at"])
        approvers = _holders(Role.DEPT_MANAGER, request.scope_department_id)
        _tell(approvers, _("Account request awaits your approval: %s") % request)
    return request


def _start_it_deadline(request: AccountRequest, at: datetime) -> Deadline:
    it = Department.objects.filter(code=Dept.IT).first()
    deadline = deadline_start(
        subject=request,
        kind=DEADLINE_KIND,
        level=Level.NONE,
        title=_("Account request %s") % request,
        started_at=at,
        assessed_department=it,
    )
    operators = _holders(Role.IT_OPERATOR, None)
    _tell(operators, _("Account request approved, complete it: %s") % request)
    return deadline


def _open_deadline(request: AccountRequest) -> Deadline | None:
    from django.contrib.contenttypes.models import ContentType

    return (
        Deadline.objects.filter(
            content_type=ContentType.objects.get_for_model(AccountRequest),
            object_id=request.pk,
            kind=DEADLINE_KIND,
            state__in=Deadline.ACTIVE_STATES,
        )
        .order_by("-started_at")
        .first()
    )


def account_request_business_approve(*, request: AccountRequest, by: User, comment: str = "") -> AccountRequest:
    """The business department's approval; IT's 1-working-day clock starts now."""
    _refuse_own(request, by)
    with transaction.atomic():
        request = apply_transition(request, "business_approve", by=by, comment=comment)
        request.business_approved_by, request.business_approved_at = by, timezone.now()
        request.save(update_fields=["business_approved_by", "business_approved_at"])
        _start_it_deadline(request, request.business_approved_at)
    return request


def account_request_escalate(*, request: AccountRequest, by: User, reason: str) -> AccountRequest:
    """IT judges the grant beyond the business department's authority: the leader in charge decides."""
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the grant exceeds the department's authority.")})
    with transaction.atomic():
        request = apply_transition(request, "escalate", by=by, comment=reason)
        request.escalation_reason = reason
        request.save(update_fields=["escalation_reason"])
        if deadline := _open_deadline(request):
            deadline_cancel(deadline=deadline, by=by, comment=_("Escalated to the leader in charge"))
        leaders = _holders(Role.LEADER, request.scope_department_id)
        _tell(leaders, _("Account request awaits your approval: %s") % request)
    return request


def account_request_leader_approve(*, request: AccountRequest, by: User, comment: str = "") -> AccountRequest:
    _refuse_own(request, by)
    with transaction.atomic():
        request = apply_transition(request, "leader_approve", by=by, comment=comment)
        request.leader_approved_by, request.leader_approved_at = by, timezone.now()
        request.save(update_fields=["leader_approved_by", "leader_approved_at"])
        _start_it_deadline(request, request.leader_approved_at)
    return request


def account_request_reject(*, request: AccountRequest, by: User, reason: str) -> AccountRequest:
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the rejection.")})
    with transaction.atomic():
        request = apply_transition(request, "reject", by=by, comment=reason)
        request.rejected_by, request.rejected_at, request.reject_reason = by, timezone.now(), reason
        request.save(update_fields=["rejected_by", "rejected_at", "reject_reason"])
        if deadline := _open_deadline(request):
            deadline_cancel(deadline=deadline, by=by, comment=reason)
        requester = request.requester
        _tell([requester], _("Account request rejected: %s") % request)
    return request


def account_request_complete(*, request: AccountRequest, by: User, comment: str = "") -> AccountRequest:
    """IT carries the request out: this platform's groups/department really change; other systems are registered."""
    _refuse_own(request, by)
    with transaction.atomic():
        request = apply_transition(request, "complete", by=by, comment=comment)
        now = timezone.now()
        request.completed_by, request.completed_at = by, now
        if request.kind == AccountRequest.Kind.NEW_ACCOUNT and request.for_platform:
            request.target_user = _create_account(request)
        request.save(update_fields=["completed_by", "completed_at", "target_user"])
        # A new account's user was just created; every other kind names its user when filed.
        holder = cast(User, request.target_user)
        if request.kind == AccountRequest.Kind.DEACTIVATION:
            if request.for_platform:
                user_deactivate(user=holder, by=by, reason=_("Account request %s") % request)
            else:
                _revoke(Grant.objects.filter(user=holder, system=request.system, active=True), by, str(request))
        elif request.for_platform:
            _grant_platform(request, holder, by, now)
        else:
            Grant.objects.create(
                user=holder,
                system=request.system,
                permission_text=request.permission_text,
                request=request,
                granted_at=now,
                granted_by=by,
            )
        if deadline := _open_deadline(request):
            deadline_meet(deadline=deadline, by=by, at=now)
        people = [u for u in {request.requester, holder} if u is not None]
        _tell(people, _("Account request completed: %s") % request)
    return request


def _create_account(request: AccountRequest) -> User:
    user = User(
        username=request.new_username,
        first_name=request.new_full_name,
        email=request.new_email,
        phone=request.new_phone,
        department=request.requested_department,
    )
    user.set_unusable_password()  # the holder chooses it through the link sent below
    user.save()
    audit_record(subject=user, actor=request.completed_by, transition="account_created", to_state="active")
    password_link_send(user=user)
    return user


def _grant_platform(request: AccountRequest, user: User, by: User, now) -> None:
    before_roles = sorted(user.groups.values_list("name", flat=True))
    before_dept = user.department
    if request.requested_department_id and user.department_id != request.requested_department_id:
        user.department = request.requested_department
        user.save(update_fields=["department"])
    groups = [Group.objects.get_or_create(name=code)[0] for code in request.requested_roles]
    user.groups.add(*groups)
    for code in request.requested_roles:
        Grant.objects.create(
            user=user,
            role=code,
            department=user.department,
            request=request,
            granted_at=now,
            granted_by=by,
        )
    after_roles = sorted(user.groups.values_list("name", flat=True))
    audit_record(
        subject=user,
        actor=by,
        transition="permissions_changed",
        from_state=f"{before_dept or '-'}: {','.join(before_roles)}"[:30],
        to_state=f"{user.department or '-'}: {','.join(after_roles)}"[:30],
        comment=_("Account request %s") % request,
    )
