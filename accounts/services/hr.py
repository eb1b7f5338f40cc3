"""HR records (A3.2): job changes and departures, recorded by hand or imported from CSV, applied on their day."""

import csv
import io
import logging
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from org.models import Department, User
from sla.services import audit_record
from sla.validators import YEAR, check_range

from ..access import may_record_hr_events
from ..models import Grant, HrEvent
from .users import _revoke, user_deactivate

log = logging.getLogger(__name__)


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
