"""Rectification notices (整改通知, seed 002 监督与检查): "对发现的问题及时下达整改通知,要求责任部门限期整改,
并跟踪整改落实情况".

Issued to a responsible department with a deadline on the engine (policy ``rectification-answer``:
5 working days by default — the seed names no limit — warning a day before, told to that department's
manager on warning and breach); answered by its admins with the answer and an optional evidence file;
closed by the issuer, or rejected back to "issued" with a fresh deadline from the rejection.
"""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import Forbidden, Invalid
from org.models import Department, User
from sla import services as sla

from .. import rules
from ..models import FaultTicket, Problem, QualityEvent, RectificationNotice
from ._common import _meet, _members, _transition

RECTIFY = "rectification-answer"  # SLA policy kind (sla/defaults.py; edited in the admin)


def _required(**texts) -> None:
    missing = {name: [message] for name, (value, message) in texts.items() if not (value or "").strip()}
    if missing:
        raise Invalid(next(iter(missing.values()))[0], fields=missing)


def _check_links(by: User, ticket, problem, quality_event) -> None:
    """Scope holds in payloads (issue 11): a notice names only records its issuer may see."""
    from .. import selectors  # selectors import this package

    checks = [
        ("ticket", ticket, selectors.tickets_visible_to),
        ("problem", problem, selectors.problems_visible_to),
        ("quality_event", quality_event, selectors.events_visible_to),
    ]
    for field, record, visible in checks:
        if record is not None and not visible(by).filter(pk=record.pk).exists():
            raise Invalid(_("You may not name this record."), fields={field: [_("You may not name this record.")]})


def _start_deadline(notice: RectificationNotice, at):
    return sla.deadline_start(
        subject=notice,
        kind=RECTIFY,
        title=_("Rectification %(number)s: %(title)s") % {"number": notice.number, "title": notice.title},
        started_at=at,
        assessed_department=notice.to_department,
    )


def _tell(users, notice: RectificationNotice, subject: str) -> None:
    if users:
        sla.notify(users=users, subject=subject, body=notice.get_absolute_url(), channels=["inapp"])


def rectification_issue(
    *,
    by: User,
    to_department: Department,
    title: str,
    content: str,
    ticket: FaultTicket | None = None,
    problem: Problem | None = None,
    quality_event: QualityEvent | None = None,
) -> RectificationNotice:
    """Seed 002: issue a rectification notice to ``to_department`` with its deadline."""
    if not rules.may_issue_rectification(by):
        raise Forbidden(_("Only 客户服务部, the Center, leaders and department managers issue rectification notices."))
    _required(title=(title, _("Give the notice a title.")), content=(content, _("Say what must be rectified.")))
    if to_department.pk == by.department_id:
        raise Invalid(
            _("A notice goes to another department."),
            fields={"to_department": [_("A notice goes to another department.")]},
        )
    _check_links(by, ticket, problem, quality_event)
    now = timezone.now()
    with transaction.atomic():
        notice = RectificationNotice.objects.create(
            title=title.strip(),
            content=content.strip(),
            issued_by=by,
            issuing_department=by.department,
            to_department=to_department,
            issued_at=now,
            due_at=now,
            ticket=ticket,
            problem=problem,
            quality_event=quality_event,
        )
        notice.due_at = _start_deadline(notice, now).due_at
        notice.save(update_fields=["due_at"])
        sla.audit_record(
            subject=notice, actor=by, transition="issue", to_state=notice.state, comment=str(to_department)
        )
        answerers = _members([to_department], rules.RECTIFICATION_ANSWER_ROLES)
        _tell(
            answerers,
            notice,
            _("Rectification notice %(number)s: %(title)s") % {"number": notice.number, "title": notice.title},
        )
    return notice


def rectification_answer(
    *, notice: RectificationNotice, by: User, answer: str, evidence_file=None
) -> RectificationNotice:
    """Seed 002: the responsible department answers what it rectified (with evidence); the deadline is met."""
    if rules.may_answer_rectification(notice, by) and notice.state == RectificationNotice.State.ISSUED:
        _required(answer=(answer, _("Say what was rectified.")))
    now = timezone.now()
    with transaction.atomic():
        notice = _transition(
            notice,
            "answer_notice",
            by=by,
            comment=answer,
            answerer=by,
            at=now,
            answer=answer.strip(),
            evidence_file=evidence_file,
        )
        _meet(notice, RECTIFY, by=by, at=now)
        _tell([notice.issued_by], notice, _("Rectification %(number)s answered") % {"number": notice.number})
    return notice


def rectification_close(*, notice: RectificationNotice, by: User, comment: str = "") -> RectificationNotice:
    """Seed 002: the issuer accepts the answer; the notice is closed."""
    notice = _transition(notice, "close", by=by, comment=comment, at=timezone.now())
    if notice.answered_by is not None:
        _tell([notice.answered_by], notice, _("Rectification %(number)s closed") % {"number": notice.number})
    return notice


def rectification_reject(*, notice: RectificationNotice, by: User, reason: str = "") -> RectificationNotice:
    """Seed 002: the issuer rejects the answer (with the reason); the notice is issued again with a
    fresh deadline from now and the department is told."""
    if rules.may_close_rectification(notice, by) and notice.state == RectificationNotice.State.ANSWERED:
        _required(reason=(reason, _("Say why the answer is not enough.")))
    now = timezone.now()
    with transaction.atomic():
        # The transition checks the person and the state on the locked row; the new deadline is rolled
        # back with it when refused.
        deadline = _start_deadline(notice, now)
        notice = _transition(notice, "reject", by=by, comment=reason, due_at=deadline.due_at)
        answerers = _members([notice.to_department], rules.RECTIFICATION_ANSWER_ROLES)
        _tell(answerers, notice, _("Rectification %(number)s: answer rejected") % {"number": notice.number})
    return notice
