"""Bill and settlement runs (B4.2, B4.3): schedule, the four-eyes check, verify, publish, roll back, announce."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.errors import Conflict, Invalid
from org.models import Department, User
from org.roles import Dept, Role
from sla import services as sla
from sla.publish import publish_after_commit
from sla.validators import add_months, month_in_range
from sla.workflow import TransitionForbidden, apply_transition

from .. import rules
from ..models import Adjustment, BillRun, Invoice
from .calendar import it_operators, month_to_run, on_duty_operator, run_due_at, run_warn_at

ANNOUNCEMENT_KIND = "bill-run-announcement"

# The data check of 出账检查报告: every item must be ticked by the checker.
CHECKLIST = [
    ("usage_complete", gettext_noop("Usage records for the whole month are loaded")),
    ("services_reconciled", gettext_noop("Active services reconcile with provisioning orders")),
    ("tariffs_current", gettext_noop("Tariffs and discounts in force for the month")),
    ("adjustments_reviewed", gettext_noop("Pending adjustments reviewed")),
]


#: B4.2/B4.3: a run is for the coming month or one of the last twelve (a late re-run), never further.
RUN_MONTHS_BACK = 12
RUN_MONTHS_AHEAD = 1


def bill_run_months(*, today: date | None = None) -> tuple[date, date]:
    """The first and the last month a bill or settlement run may be scheduled for (first days)."""
    this_month = (today or timezone.localdate()).replace(day=1)
    return add_months(this_month, -RUN_MONTHS_BACK), add_months(this_month, RUN_MONTHS_AHEAD)


def bill_run_schedule(*, period: date, kind: str = BillRun.Kind.BILLING, by: User | None = None) -> BillRun:
    """Schedule the run of ``period`` (see ``bill_run_get_or_schedule``); the run that exists is returned."""
    return bill_run_get_or_schedule(period=period, kind=kind, by=by)[0]


def bill_run_get_or_schedule(
    *, period: date, kind: str = BillRun.Kind.BILLING, by: User | None = None
) -> tuple[BillRun, bool]:
    """The run of ``period``, scheduled if there is none (``created``), with the on-duty IT operator
    assigned and its deadline started: due 00:00 on the 2nd / 10th, a warning to IT before it.

    ``by`` is None when the system (the calendar) schedules it; a person must be IT Management staff,
    whether the run exists or not. The period must lie within ``bill_run_months`` (nothing is created,
    nobody is told, otherwise).
    """
    if by is not None:
        _require_it_role(by, Role.IT_OPERATOR, Role.SUPERVISOR)
    if kind not in BillRun.Kind.values:
        raise ValidationError({"kind": _("Unknown kind.")})
    earliest, latest = bill_run_months()
    period = period.replace(day=1)
    month_in_range(period, earliest=earliest, latest=latest, field="period")
    with transaction.atomic():
        run, created = BillRun.objects.get_or_create(kind=kind, period=period)
        if created:
            run.operator = on_duty_operator()
            run.save(update_fields=["operator"])
            sla.deadline_start(
                subject=run,
                kind=ANNOUNCEMENT_KIND,
                title=str(run),
                due_at=run_due_at(kind=kind, period=period),
                warn_at=run_warn_at(kind=kind, period=period),
                assessed_department=Department.objects.filter(code=Dept.IT).first(),
            )
            sla.audit_record(subject=run, actor=by, transition="schedule", to_state=run.state)
    return run, created


def bill_runs_schedule_month(*, today: date | None = None) -> list[BillRun]:
    """The calendar (beat, hourly): the bill and settlement runs of the month just ended, created if
    missing. Running it again creates nothing; returns the runs it created."""
    period = month_to_run(today=today)
    created = []
    for kind in (BillRun.Kind.BILLING, BillRun.Kind.SETTLEMENT):
        run, new = bill_run_get_or_schedule(period=period, kind=kind)
        if new:
            created.append(run)
    return created


def _it_staff(*roles):
    return User.objects.filter(is_active=True, department__code=Dept.IT, groups__name__in=[str(r) for r in roles])


def _require_it_role(by: User, *roles):
    """IT Management staff holding one of ``roles`` (billing.rules decides, as the run's transitions do)."""
    if not rules.is_it_staff(by, *roles):
        raise TransitionForbidden(_("Only IT Management staff with the right role may do this."))


def bill_run_start_check(*, run: BillRun, by: User) -> BillRun:
    _require_it_role(by, Role.IT_OPERATOR)
    return apply_transition(run, "start_check", by=by, actor=by)


def bill_run_sign_check(*, run: BillRun, by: User, checklist: dict[str, bool], comment: str = "") -> BillRun:
    """The checker ticks every item of the check report and signs it (B4.2)."""
    _require_it_role(by, Role.IT_OPERATOR)
    missing = [_(label) for code, label in CHECKLIST if not checklist.get(code)]
    if missing:
        message = _("Every check must be ticked before signing: %s") % "; ".join(missing)
        raise Invalid(message, code="checklist_incomplete", fields={"checklist": [message]})
    items = [{"code": code, "label": label, "ok": True} for code, label in CHECKLIST]
    return apply_transition(run, "sign_check", by=by, comment=comment, actor=by, checklist=items, at=timezone.now())


def bill_run_finish_preprocessing(*, run: BillRun, by: User) -> BillRun:
    _require_it_role(by, Role.IT_OPERATOR)
    return apply_transition(run, "finish_preprocessing", by=by)


def bill_run_verify(*, run: BillRun, by: User) -> BillRun:
    """Four eyes (B4.2): a second IT operator, never the run's operator, verifies; invoicing then starts."""
    _require_it_role(by, Role.IT_OPERATOR)
    with transaction.atomic():
        locked = BillRun.objects.select_for_update().get(pk=run.pk)
        if locked.operator_id == by.pk:
            raise TransitionForbidden(
                _("The operator of a run cannot verify it; another person must (four-eyes rule).")
            )
        run = apply_transition(locked, "verify", by=by, actor=by)
        from ..tasks import generate_invoices

        # A lost publish leaves the run in invoicing: billing.tasks.resume_invoicing takes it up.
        publish_after_commit(generate_invoices, run.pk)
    return run


def bill_run_publish(*, run: BillRun, by: User) -> BillRun:
    _require_it_role(by, Role.SUPERVISOR)
    with transaction.atomic():
        run = apply_transition(run, "publish", by=by, actor=by, at=timezone.now())
        run.invoices.filter(state=Invoice.State.DRAFT).update(state=Invoice.State.PUBLISHED)
        run.statements.filter(state=Invoice.State.DRAFT).update(state=Invoice.State.PUBLISHED)
    return run


def bill_run_challenge(*, run: BillRun, by: User, comment: str) -> BillRun:
    """The supervisor doubts the result: the data must be checked again (B4.2)."""
    _require_it_role(by, Role.SUPERVISOR)
    return apply_transition(run, "challenge", by=by, actor=by, comment=comment)


def bill_run_roll_back(*, run: BillRun, by: User, comment: str = "") -> BillRun:
    """Void the run's invoices and start again from the schedule (B4.2). Published runs never roll back."""
    _require_it_role(by, Role.IT_OPERATOR, Role.SUPERVISOR)
    with transaction.atomic():
        run = apply_transition(run, "roll_back", by=by, comment=comment)
        voided = run.invoices.filter(state=Invoice.State.DRAFT)
        Adjustment.objects.filter(applied_to__in=voided).update(applied_to=None)
        voided.update(state=Invoice.State.VOID)
        run.statements.filter(state=Invoice.State.DRAFT).update(state=Invoice.State.VOID)
    return run


def bill_run_assign_operator(*, run: BillRun, operator: User | None, by: User) -> BillRun:
    """An IT supervisor names another operator for a run not yet published (issue 14; B4.2/B4.3).

    The operator must be an active IT operator and not the run's verifier (four eyes). The run's
    deadline follows: its warning goes to the run's operator (``bill_run_warn``), so the new one is
    told from now on; the change is on the run's audit trail. 403 for anyone but an IT supervisor, 409
    for a published run, 400 for an operator who may not run it.
    """
    if not rules.may_assign_operator(run, by):
        raise TransitionForbidden(_("Only an IT supervisor may assign the operator of a run."))
    with transaction.atomic():
        locked = BillRun.objects.select_for_update().get(pk=run.pk)
        if not rules.run_not_published(locked):
            raise Conflict(_("A published run keeps its operator."), code="run_published")
        if operator is None or not it_operators().filter(pk=operator.pk).exists():
            message = _("The operator must be an active IT operator.")
            raise Invalid(message, code="not_an_it_operator", fields={"operator": [message]})
        if operator.pk == locked.verified_by_id:
            message = _("The verifier of a run cannot become its operator (four-eyes rule).")
            raise Invalid(message, code="verifier_cannot_operate", fields={"operator": [message]})
        before = locked.operator
        if before is not None and before.pk == operator.pk:
            return locked
        locked.operator = operator
        locked.save(update_fields=["operator"])
        sla.audit_record(
            subject=locked, actor=by, transition="assign_operator", from_state=locked.state, to_state=locked.state,
            comment=f"{before or '—'} → {operator}",
        )  # fmt: skip
    return locked


def bill_run_report_anomaly(*, run: BillRun, by: User, text: str) -> None:
    """Anything that may affect the run is reported at once to the supervisors and the manager (B4.2).

    Reported by IT Management staff (the run's team); auditors and viewers change nothing.
    """
    _require_it_role(by, *rules.WRITER_ROLES)
    sla.notify(
        users=_it_staff(Role.SUPERVISOR, Role.DEPT_MANAGER),
        subject=_("Anomaly in %(run)s") % {"run": run},
        body=text,
        channels=["inapp", "sms", "email"],
    )
    sla.audit_record(
        subject=run, actor=by, transition="anomaly", from_state=run.state, to_state=run.state, comment=text
    )


def bill_run_announce(*, run: BillRun) -> None:
    """B4.2/B4.3: at 00:00 on the 2nd (10th) the outcome is announced, finished or not:
    SMS to the department manager and supervisors, email to the whole IT Management team."""
    finished = run.state == BillRun.State.PUBLISHED
    subject = (_("%(run)s finished and published") if finished else _("%(run)s NOT finished by the deadline")) % {
        "run": run
    }
    body = _("State: %(state)s. Invoices: %(n)s.") % {
        "state": run.get_state_display(),
        "n": run.invoices.exclude(state=Invoice.State.VOID).count(),
    }
    sla.notify(users=_it_staff(Role.SUPERVISOR, Role.DEPT_MANAGER), subject=subject, body=body, channels=["sms"])
    team = User.objects.filter(is_active=True, department__code=Dept.IT)
    sla.notify(users=team, subject=subject, body=body, channels=["inapp", "email"])


def bill_run_warn(*, run: BillRun) -> None:
    """B4.2/B4.3: at the configured time before the deadline, IT is warned of a run not yet published:
    its operator (else every IT operator) and IT's supervisors, in-app, SMS and email."""
    if run.state == BillRun.State.PUBLISHED:
        return
    due = timezone.localtime(run_due_at(kind=run.kind, period=run.period))
    operators = User.objects.filter(pk=run.operator_id) if run.operator_id else _it_staff(Role.IT_OPERATOR)
    sla.notify(
        users=(operators | _it_staff(Role.SUPERVISOR)).distinct(),
        subject=_("%(run)s must finish by %(due)s") % {"run": run, "due": f"{due:%Y-%m-%d %H:%M}"},
        body=_("State: %(state)s.") % {"state": run.get_state_display()},
        channels=["inapp", "sms", "email"],
    )
