"""Reads of the accounts app, already limited to what the user may see (accounts.access)."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q

from core.lookups import visible_record
from org.access import is_read_only
from org.roles import Role
from sla.models import Deadline

from . import access
from .models import AccountRequest, Grant, HrEvent


def account_requests_for(user):
    qs = AccountRequest.objects.select_related(
        "requester",
        "requester_department",
        "target_user",
        "requested_department",
        "scope_department",
        "manager_approved_by",
        "business_approved_by",
        "leader_approved_by",
        "completed_by",
        "rejected_by",
    )
    return access.account_requests_visible_to(user, qs)


def get_account_request_for(user, pk, *, for_write: bool = False) -> AccountRequest:
    """The request ``pk`` if ``user`` may see it, else ``NotFound`` (404 ``not_found``, issue 12 §2)."""
    return visible_record(account_requests_for(user), pk, for_write=for_write)


def account_requests_awaiting(user):
    """The requests whose next step is this user's."""
    S = AccountRequest.State
    if not user.is_authenticated or is_read_only(user):
        return AccountRequest.objects.none()
    condition = Q(pk__in=[])
    if user.has_role(Role.DEPT_MANAGER):
        condition |= Q(state=S.SUBMITTED, requester_department_id=user.department_id)
        condition |= Q(state=S.MANAGER_APPROVED, scope_department_id=user.department_id)
    if user.has_role(Role.LEADER):
        condition |= Q(state=S.ESCALATED, scope_department_id=user.department_id)
    if user.has_role(Role.IT_OPERATOR):
        condition |= Q(state=S.APPROVED)
    return account_requests_for(user).filter(condition)


def grants_for(user):
    qs = Grant.objects.select_related("user", "department", "granted_by", "revoked_by", "request")
    return access.grants_visible_to(user, qs)


def hr_events_for(user):
    qs = HrEvent.objects.select_related("user", "old_department", "new_department", "recorded_by")
    return access.hr_events_visible_to(user, qs)


def it_deadline_of(request: AccountRequest) -> Deadline | None:
    return (
        Deadline.objects.filter(
            content_type=ContentType.objects.get_for_model(AccountRequest), object_id=request.pk, kind="account-request"
        )
        .order_by("-started_at")
        .first()
    )
