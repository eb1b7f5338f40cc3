"""Writes of the accounts app: account requests (A3.1), grants, HR records (A3.2), security events.

Keyword-only ``<entity>_<action>`` functions; views, the API, the admin,
management commands and tasks call these and nothing else.
"""

import csv
import io
import logging
from datetime import date, datetime
from importlib import import_module
from secrets import token_urlsafe
from typing import cast

from django.conf import settings
from django.contrib.auth.models import Group
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from sla import secrets
from sla.models import Deadline, Level, Notification
from sla.services import audit_record, deadline_cancel, deadline_meet, deadline_start, notify
from sla.validators import YEAR, check_range
from sla.workflow import TransitionForbidden, apply_transition

from .access import is_read_only, may_record_hr_events
from .models import AccountRequest, ApiToken, Department, Grant, HrEvent, User, concerns
from .roles import Role

log = logging.getLogger(__name__)

DEADLINE_KIND = "account-request"
ROLE_CODES = {r.value for r in Role}


# --- account requests (A3.1) ------------------------------------------------------------


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
    it = Department.objects.filter(code="it").first()
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


def password_link(user: User) -> str:
    """A one-time link to choose a password (Django's reset token: it stops working once the
    password is set, and after ``PASSWORD_RESET_TIMEOUT``)."""
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    path = reverse("password-set", args=[uid, default_token_generator.make_token(user)])
    return settings.SITE_URL.rstrip("/") + path


def password_link_send(*, user: User) -> None:
    """Send a new account holder the link to choose a first password (e-mail and SMS).

    The link is a secret (issue 11): the stored notices say ``[链接已隐藏]`` in its place and keep it
    sealed until the e-mail and the SMS carrying it are sent (``sla.secrets``)."""
    body = _(
        "An account %(username)s was opened for you on the Business Response Platform. "
        "Choose your password here within %(days)d days: %(link)s"
    ) % {"username": user.username, "link": secrets.PLACEHOLDER, "days": settings.PASSWORD_RESET_TIMEOUT // 86400}
    notify(
        users=[user],
        subject=_("Your new account: choose a password"),
        body=body,
        channels=(Notification.Channel.EMAIL, Notification.Channel.SMS),
        secret=password_link(user),
    )


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


def _revoke(grants, by: User | None, reason: str) -> int:
    now = timezone.now()
    count = 0
    for grant in grants.select_for_update():
        grant.active, grant.revoked_at, grant.revoked_by, grant.revoke_reason = False, now, by, reason[:200]
        grant.save(update_fields=["active", "revoked_at", "revoked_by", "revoke_reason"])
        count += 1
    return count


# --- API tokens (issue 11.6: kept only as a digest) ---------------------------------------------


def api_token_issue(*, user: User, by: User | None = None, name: str = "") -> str:
    """A new API key for ``user``: returned once, stored only as its SHA-256 digest; audited (the
    audit entry names the key's prefix, never the key)."""
    if not user.is_active:
        raise ValidationError(_("An inactive user cannot be given an API token."))
    key = token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(
            user=user,
            name=name[:100],
            prefix=key[: ApiToken.PREFIX_LENGTH],
            digest=ApiToken.digest_of(key),
            created_by=by if (by is not None and by.is_authenticated) else None,
        )
        audit_record(
            subject=user,
            actor=by,
            transition="api_token_issue",
            to_state=token.prefix,
            comment=f"API token {token.prefix}… {name}".strip(),
        )
    log.info("API token %s… issued to %s", token.prefix, user.username)
    return key


def api_token_revoke(*, token: ApiToken, by: User | None = None) -> None:
    """Delete ``token`` (the next request with it is refused); audited on its user."""
    with transaction.atomic():
        deleted = ApiToken.objects.filter(pk=token.pk).delete()[0]
        if deleted:
            audit_record(
                subject=token.user,
                actor=by,
                transition="api_token_revoke",
                from_state=token.prefix,
                comment=f"API token {token.prefix}… {token.name}".strip(),
            )
    if deleted:
        log.info("API token %s… of %s revoked", token.prefix, token.user.username)


# --- deactivation, job changes and departures (A3.2) -------------------------------------------


def sessions_clear_expired() -> None:
    """Delete expired database sessions (Django keeps them until told; beat runs this daily)."""
    import_module(settings.SESSION_ENGINE).SessionStore.clear_expired()


def user_end_sessions(*, user: User) -> int:
    """Delete every live session of ``user`` (database sessions; expired ones are cleared daily, so
    the live ones are about one per person logged in within ``SESSION_COOKIE_AGE``)."""
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if str(session.get_decoded().get("_auth_user_id")) == str(user.pk):
            session.delete()
            ended += 1
    return ended


def user_deactivate(*, user: User, by: User | None, reason: str) -> int:
    """All of a person's accounts: inactive here, grants revoked, API tokens deleted, sessions ended."""
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        was_active = user.is_active
        user.is_active = False
        user.save(update_fields=["is_active"])
        revoked = _revoke(Grant.objects.filter(user=user, active=True), by, reason)
        tokens = ApiToken.objects.filter(user=user).delete()[0]
        sessions = user_end_sessions(user=user)
        audit_record(
            subject=user,
            actor=by,
            transition="deactivate",
            from_state="active" if was_active else "inactive",
            to_state="inactive",
            comment=f"{reason} ({revoked} grants, {tokens} tokens, {sessions} sessions)",
        )
    log.info("Deactivated %s: %s grants, %s tokens, %s sessions", user.username, revoked, tokens, sessions)
    return revoked


#: A3.2: a job change or departure is recorded from a year after it took effect (late paperwork)
#: to a year ahead (a planned departure); anything further is a typing error.
HR_EVENT_WINDOW = YEAR


def hr_effective_on_check(effective_on: date | None) -> None:
    """A3.2: ``ValidationError`` on ``effective_on`` when it is outside ``HR_EVENT_WINDOW`` around today."""
    today = timezone.localdate()
    check_range(
        effective_on,
        field="effective_on",
        earliest=today - HR_EVENT_WINDOW,
        latest=today + HR_EVENT_WINDOW,
        too_early=_("A job change or departure can be recorded at most a year after it took effect."),
        too_late=_("A job change or departure can be recorded at most a year ahead."),
    )


def hr_event_record(
    *,
    user: User,
    kind: str,
    by: User,
    effective_on: date | None = None,
    new_department: Department | None = None,
    note: str = "",
    source: str = HrEvent.Source.PAGE,
) -> HrEvent:
    """Record a job change or a departure; apply it at once when it is effective today or earlier,
    otherwise on its day (``hr_events_apply_due``, hourly from Celery beat).

    Job change: the grants of the old post are revoked and its roles removed;
    the person moves to ``new_department`` and asks for the new post's rights.
    Departure: every account of the person is deactivated.
    """
    if not may_record_hr_events(by):
        raise PermissionDenied
    if kind not in HrEvent.Kind.values:
        raise ValidationError({"kind": _("Unknown kind.")})
    hr_effective_on_check(effective_on)
    with transaction.atomic():
        user = User.objects.select_for_update().get(pk=user.pk)
        event = HrEvent.objects.create(
            user=user,
            kind=kind,
            effective_on=effective_on or timezone.localdate(),
            old_department=user.department,
            new_department=new_department,
            note=note,
            source=source,
            recorded_by=by,
        )
        audit_record(subject=event, actor=by, transition="record", to_state=kind, comment=note)
        if event.effective_on <= timezone.localdate():
            event = hr_event_apply(event=event, by=by)
    return event


def hr_event_apply(*, event: HrEvent, by: User | None = None) -> HrEvent:
    """Apply one recorded HR event (once: a second call does nothing)."""
    with transaction.atomic():
        event = HrEvent.objects.select_for_update().get(pk=event.pk)
        if event.applied_at is not None:
            return event
        user = User.objects.select_for_update().get(pk=event.user_id)
        by = by or event.recorded_by
        reason = _("%(kind)s recorded %(on)s") % {"kind": event.get_kind_display(), "on": event.effective_on}
        event.old_department = user.department
        event.roles_removed = sorted(user.groups.values_list("name", flat=True))
        if event.kind == HrEvent.Kind.DEPARTURE:
            event.grants_revoked = user_deactivate(user=user, by=by, reason=reason)
        else:
            user.groups.clear()
            event.grants_revoked = _revoke(Grant.objects.filter(user=user, active=True), by, reason)
            before = user.department
            if event.new_department_id is not None:
                user.department = event.new_department
                user.save(update_fields=["department"])
            audit_record(
                subject=user,
                actor=by,
                transition="job_change",
                from_state=f"{before or '-'}: {','.join(event.roles_removed)}"[:30],
                to_state=f"{user.department or '-'}: -"[:30],
                comment=reason,
            )
        event.applied_at = timezone.now()
        event.save(update_fields=["old_department", "roles_removed", "grants_revoked", "applied_at"])
        audit_record(subject=event, actor=by, transition="apply", to_state=event.kind)
    return event


def hr_events_apply_due(*, today: date | None = None) -> int:
    """Apply every recorded HR event whose day has come (the hourly beat task calls this)."""
    today = today or timezone.localdate()
    due = HrEvent.objects.filter(applied_at=None, effective_on__lte=today).order_by("effective_on", "id")
    applied = 0
    for event in due.only("pk"):
        hr_event_apply(event=event)
        applied += 1
    if applied:
        log.info("Applied %s HR events due by %s", applied, today)
    return applied


CSV_COLUMNS = ["username", "kind", "effective_on", "new_department", "note"]


def hr_events_import_csv(*, data: str, by: User) -> tuple[list[HrEvent], list[str]]:
    """Import ``username,kind,effective_on,new_department,note`` rows; all or nothing.

    Returns (events, errors); on any error nothing is recorded.
    """
    if not may_record_hr_events(by):
        raise PermissionDenied
    reader = csv.DictReader(io.StringIO(data.lstrip("\ufeff")))
    missing = {"username", "kind"} - set(reader.fieldnames or [])
    if missing:
        return [], [_("Missing columns: %s") % ", ".join(sorted(missing))]
    rows, errors = [], []
    departments = {d.code: d for d in Department.objects.all()}
    for line, row in enumerate(reader, start=2):
        username = (row.get("username") or "").strip()
        user = User.objects.filter(username=username).first()
        kind = (row.get("kind") or "").strip()
        on_text = (row.get("effective_on") or "").strip()
        try:
            on = parse_date(on_text) if on_text else None
        except ValueError:
            on = None
        dept_code = (row.get("new_department") or "").strip()
        if user is None:
            errors.append(_("Line %(line)d: no user %(name)s") % {"line": line, "name": username})
        if kind not in HrEvent.Kind.values:
            errors.append(_("Line %(line)d: unknown kind %(kind)s") % {"line": line, "kind": kind})
        if on_text and on is None:
            errors.append(_("Line %(line)d: bad date %(date)s") % {"line": line, "date": on_text})
        else:
            try:
                hr_effective_on_check(on)
            except ValidationError as exc:
                errors.extend(
                    _("Line %(line)d: %(error)s") % {"line": line, "error": message}
                    for message in exc.message_dict["effective_on"]
                )
        if dept_code and dept_code not in departments:
            errors.append(_("Line %(line)d: no department %(code)s") % {"line": line, "code": dept_code})
        if user is not None:  # without its user a row is an error already, and errors record nothing
            rows.append((user, kind, on, departments.get(dept_code), (row.get("note") or "").strip()))
    if errors:
        return [], errors
    with transaction.atomic():
        events = [
            hr_event_record(
                user=user, kind=kind, by=by, effective_on=on, new_department=dept, note=note, source=HrEvent.Source.CSV
            )
            for user, kind, on, dept, note in rows
        ]
    return events, []


# --- security events (issue 5 §4) -------------------------------------------------------


def security_event_record(*, user: User | None, action: str, comment: str = "") -> None:
    """Login, logout and failed logins go to the audit trail (on the user when known)."""
    if user is None or user.pk is None:
        log.warning("security event %s: %s", action, comment)
        return
    audit_record(subject=user, actor=user if action != "login_failed" else None, transition=action, comment=comment)
