"""Reasoned pauses (S5.3, issue 13 §3): request → approve (the clocks stop) / reject → end (they resume).

Each step goes through ``sla.workflow.apply_transition`` on the ``Pause`` (wrong person 403, wrong
state 409) and is written to the subject's audit trail too, with the reason, so the subject's timeline
shows it. On approval the subject's open deadlines stop, and those of the subjects its app links to it
(a step's order provisioning clock, R1.10); on the end they resume, moved by the paused time
(``Deadline.resume``: working time on a working-day clock). A deadline another approved pause still
holds, or one the app still holds (an approved special order), stays paused.
"""

from datetime import datetime

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Invalid
from org.models import User

from .. import pause_rules
from ..models import Deadline, Pause, PauseReason
from ..pause_subjects import pause_subject
from .audit import audit_record
from .deadlines import deadline_pause, deadline_resume
from .notifications import notify


def _conflict(message):
    from ..workflow import TransitionConflict

    return TransitionConflict(message)


def _forbidden(message):
    from ..workflow import TransitionForbidden

    return TransitionForbidden(message)


def _apply(pause: Pause, name: str, *, by: User, **kwargs) -> Pause:
    from ..workflow import apply_transition

    return apply_transition(pause, name, by=by, **kwargs)


def _comment(pause: Pause, extra: str = "") -> str:
    parts = [pause.reason.name, pause.note if not extra else extra]
    return " — ".join(p for p in parts if p)


def _subject_audit(pause: Pause, action: str, *, by: User | None, at: datetime, comment: str) -> None:
    # No from/to states: the subject's states are not the pause's; the action's label says what happened.
    audit_record(subject=pause.subject, actor=by, transition=action, comment=comment, at=at)


def _open_deadlines(subject, kind: str | None = None):
    qs = Deadline.objects.filter(
        content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk, state__in=Deadline.OPEN_STATES
    )
    return qs.filter(kind=kind) if kind else qs


def open_pause_of(subject) -> Pause | None:
    return (
        Pause.objects.filter(
            content_type=ContentType.objects.get_for_model(subject), object_id=subject.pk, state__in=Pause.OPEN_STATES
        )
        .select_related("reason")
        .first()
    )


def _tell_deciders(pause: Pause) -> None:
    """In-app notice to whoever may decide the pause (the Center's dispatchers, a ticket's supervisor)."""
    candidates = User.objects.filter(groups__name__in=pause.reason.approve_roles, is_active=True).distinct()[:200]
    deciders = [user for user in candidates if pause_rules.may_approve(pause, user)]
    if deciders:
        notify(
            users=deciders,
            subject=_("Pause to decide: %(subject)s — %(reason)s") % {"subject": pause.subject, "reason": pause.reason},
            body=pause.note,
            channels=["inapp"],
        )


def _tell_requester(pause: Pause, decision: str) -> None:
    notify(
        users=[pause.requested_by],
        subject=_("Pause %(decision)s: %(subject)s — %(reason)s")
        % {"decision": decision, "subject": pause.subject, "reason": pause.reason},
        body=pause.decision_note,
        channels=["inapp"],
    )


@transaction.atomic
def pause_request(*, subject, reason: PauseReason | str, by: User, note: str = "", at: datetime | None = None) -> Pause:
    """Ask for ``subject``'s clock to stop for ``reason`` (a reason or its code)."""
    at = at or timezone.now()
    if isinstance(reason, str):
        reason = PauseReason.objects.filter(code=reason, active=True).first()  # type: ignore[assignment]
    if not isinstance(reason, PauseReason) or not reason.applies_to(subject):
        raise Invalid(
            _("Choose a reason that applies here."), fields={"reason": [_("Choose a reason that applies here.")]}
        )
    if not pause_rules.may_request(subject, reason, by):
        raise _forbidden(_("You may not ask for this pause."))
    # One open pause per subject: checked under the subject's row lock (and a partial unique constraint).
    subject = type(subject).objects.select_for_update().get(pk=subject.pk)
    if not pause_rules.can_request(subject):
        raise _conflict(_("This cannot be paused now."))
    if open_pause_of(subject) is not None:
        raise _conflict(_("This already has an open pause: wait for its decision or resume it."))
    try:
        with transaction.atomic():
            pause = Pause.objects.create(
                content_type=ContentType.objects.get_for_model(subject),
                object_id=subject.pk,
                reason=reason,
                note=note.strip(),
                requested_by=by,
                requested_at=at,
            )
    except IntegrityError:
        raise _conflict(_("This already has an open pause: wait for its decision or resume it.")) from None
    audit_record(subject=pause, actor=by, transition="request", to_state=pause.state, comment=_comment(pause), at=at)
    _subject_audit(pause, "pause_request", by=by, at=at, comment=_comment(pause))
    _tell_deciders(pause)
    return pause


@transaction.atomic
def pause_approve(*, pause: Pause, by: User, note: str = "", at: datetime | None = None) -> Pause:
    """The decider approves: the clocks stop now (the subject's and its linked ones, R1.10)."""
    at = at or timezone.now()
    pause = _apply(pause, "approve", by=by, comment=note, actor=by, at=at, note=note)
    subject = pause.subject
    registration = pause_subject(subject)
    held = list(_open_deadlines(subject))
    for other, kind in registration.linked(subject):
        held += list(_open_deadlines(other, kind))
    comment = _comment(pause)
    for deadline in held:
        if deadline.state in Deadline.ACTIVE_STATES:
            deadline_pause(deadline=deadline, by=by, at=at, comment=comment)
    pause.deadlines.add(*held)
    registration.on_approve(subject, by=by, at=at)
    _subject_audit(pause, "pause_approve", by=by, at=at, comment=_comment(pause, note))
    _tell_requester(pause, _("approved"))
    return pause


@transaction.atomic
def pause_reject(*, pause: Pause, by: User, note: str = "", at: datetime | None = None) -> Pause:
    at = at or timezone.now()
    pause = _apply(pause, "reject", by=by, comment=note, actor=by, at=at, note=note)
    _subject_audit(pause, "pause_reject", by=by, at=at, comment=_comment(pause, note))
    _tell_requester(pause, _("rejected"))
    return pause


@transaction.atomic
def pause_end(*, pause: Pause, by: User, at: datetime | None = None) -> Pause:
    """The reason is gone: the clocks resume, moved by the paused time."""
    at = at or timezone.now()
    pause = _apply(pause, "end", by=by, actor=by, at=at)
    subject = pause.subject
    registration = pause_subject(subject)
    resumed = []
    for deadline in pause.deadlines.filter(state=Deadline.State.PAUSED):
        still_held = deadline.pauses.filter(state=Pause.State.APPROVED).exclude(pk=pause.pk).exists()
        if not still_held and not registration.holds(deadline):
            resumed.append(deadline_resume(deadline=deadline, by=by, at=at, comment=_comment(pause)))
    registration.on_end(subject, by=by, at=at, resumed=resumed)
    _subject_audit(pause, "pause_end", by=by, at=at, comment=_comment(pause))
    return pause


def pause_reasons_for(subject, user) -> list[PauseReason]:
    """The reasons ``user`` may give for pausing ``subject`` now (the request form's choices)."""
    if not pause_rules.can_request(subject):
        return []
    return [r for r in PauseReason.objects.filter(active=True) if pause_rules.may_request(subject, r, user)]
