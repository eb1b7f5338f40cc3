"""Every write of the responses app (SPEC §1): keyword-only ``<entity>_<action>`` functions.

Transitions go through ``sla.workflow.apply_transition`` (row lock, permission, audit entry);
deadlines through ``sla.services``. Views, the API, the admin and tasks call these.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import cast

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import has_transition_perm

from accounts.access import has_role_in, is_center_dispatcher, is_read_only, works_in_back_office
from accounts.models import Department, User
from accounts.roles import Role
from billing import services as billing
from sla import services as sla
from sla.calendars import WorkingCalendar
from sla.models import Deadline, Level
from sla.selectors import deadlines_of
from sla.validators import BACKFILL_LIMIT, CLOCK_SKEW, YEAR, check_ahead, check_happened
from sla.workflow import TransitionConflict, TransitionForbidden, apply_transition

from .models import (
    MAX_ATTACHMENT_BYTES,
    Attachment,
    BuildDecision,
    BusinessType,
    ContactOrder,
    EquipmentNeed,
    EquipmentReport,
    ExpansionRequest,
    KeyArea,
    Order,
    PhoneDispatch,
    RecoveryEntry,
    Requisition,
    SpecialOrder,
    WorkStep,
)
from .selectors import month_bounds

PROVISIONING = "order-provisioning"
NEW_BUILD = "order-new-build"
STEP_RESOURCE = "step-resource"
REQUISITION = "requisition"
CONFIRMATION = "order-confirmation"

GOV_ENTERPRISE = "gov_enterprise"
NETBUILD = "netbuild"
A_FLOOR_GOV_ENTERPRISE = 6  # R1.4
LEVEL_BELOW: dict[str, str] = {Level.A: Level.B, Level.B: Level.C, Level.C: Level.C}


def _now(at=None):
    return at or timezone.now()


def _apply(instance, name: str, *, by: User | None, **kwargs):
    """Every order, step and request transition goes through ``sla.workflow.apply_transition``
    (wrong person → 403, wrong state or a faster colleague → 409)."""
    return apply_transition(instance, name, by=by, **kwargs)


def _open_deadline(subject, kind=None):
    qs = deadlines_of(subject).filter(state__in=Deadline.OPEN_STATES)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.order_by("-started_at", "-id").first()


# --- R1.1 / R1.2: content and who submits ------------------------------------------

ORDER_FIELDS = (
    "customer",
    "business_type",
    "quantity",
    "interface_requirements",
    "level",
    "location",
    "contact_person",
    "contact_phone",
    "requested_completion_at",
    "description",
    "agreement_ref",
    "fill_rate",
    "quantity_to_add",
    "is_important",
    "is_emergency",
    "is_restricted_site",
    "requisition",
)


def order_validate_content(*, front_department: Department, data: dict, attachments_count: int = 0) -> None:
    """R1.1/R1.2: refuse an order with a message naming each missing field."""
    errors: dict[str, str] = {}
    for field in ("customer", "business_type", "level", "location", "contact_person", "contact_phone"):
        if not data.get(field):
            errors[field] = _("This field is required.")
    btype: BusinessType | None = data.get("business_type")
    if btype is not None:
        if btype.needs_agreement and not (data.get("agreement_ref") or "").strip():
            errors["agreement_ref"] = _(
                "This business type needs the signed agreement or its one-stop big-customer system reference."
            )
        if btype.is_expansion:
            if data.get("fill_rate") in (None, ""):
                errors["fill_rate"] = _("A capacity expansion must state the current fill rate.")
            if not data.get("quantity_to_add"):
                errors["quantity_to_add"] = _("A capacity expansion must state the quantity to add.")
        if btype.needs_attachment and attachments_count == 0 and data.get("_check_attachments"):
            errors["attachments"] = _("This business type needs an attachment.")
        if btype.is_residential_wiring and front_department.code != "public":
            errors["business_type"] = _("Residential wiring needs come from 公众客户部.")
    if front_department.side != Department.Side.FRONT:
        errors["front_department"] = _("Only a front-office department raises orders.")
    requisition = data.get("requisition")
    if requisition is not None and requisition.front_department_id != front_department.pk:
        # Scope holds in payloads too (issue 11): an order names only its own department's requisition.
        errors["requisition"] = _("This requisition was raised by another department.")
    if errors:
        raise ValidationError(errors)


def _require_front_admin(by: User, department) -> None:
    if not has_role_in(by, [Role.FRONT_ADMIN], department):
        raise TransitionForbidden(_("Only the front department's order admin may do this."))


def _key_flags(order: Order) -> None:
    """R1.21: key customer, key business and key area flags (sorted first)."""
    order.is_key_customer = bool(order.customer.is_key)
    order.is_key_business = bool(order.business_type.is_key)
    location = order.location or ""
    order.is_key_area = any(name in location for name in KeyArea.names())
    order.key_rank = int(order.is_key_customer) + int(order.is_key_business) + int(order.is_key_area)


#: R1.1: how far ahead a requested completion time may lie.
REQUESTED_COMPLETION_AHEAD = 2 * YEAR


def _check_requested_completion(value) -> None:
    """R1.1: a requested completion time (when given) is not in the past and at most two years ahead."""
    check_ahead(
        value,
        field="requested_completion_at",
        max_ahead=REQUESTED_COMPLETION_AHEAD,
        too_late=_("The requested completion time can be at most two years ahead."),
    )


@transaction.atomic
def order_create(*, by: User, data: dict, equipment: list[tuple[str, int]] | None = None) -> Order:
    """A draft order of the user's front department (R1.2). Nothing is saved if it is refused."""
    department = by.department
    _require_front_admin(by, department)
    _check_requested_completion(data.get("requested_completion_at"))
    # The role check above lets only a front admin through; the order's department is NOT NULL.
    order_validate_content(front_department=cast(Department, department), data=data)
    order = Order(front_department=department, created_by=by, **{k: data[k] for k in ORDER_FIELDS if k in data})
    _key_flags(order)
    # The related rows were just loaded: no need to look them up again.
    order.full_clean(exclude=["number", "created_by", "state", "front_department", "customer", "business_type"])
    order.save()
    for item, quantity in equipment or []:
        EquipmentNeed.objects.create(order=order, item=item, quantity=quantity)
    sla.audit_record(subject=order, actor=by, transition="create", to_state=order.state)
    return order


@transaction.atomic
def order_update(*, order: Order, by: User, data: dict) -> Order:
    order = Order.objects.select_for_update().get(pk=order.pk)
    _require_front_admin(by, order.front_department)
    if order.state not in (Order.State.DRAFT, Order.State.RETURNED):
        raise TransitionConflict(_("Only a draft or returned order can be edited."))
    merged = {k: getattr(order, k) for k in ORDER_FIELDS} | data
    if "requested_completion_at" in data and data["requested_completion_at"] != order.requested_completion_at:
        _check_requested_completion(data["requested_completion_at"])  # a kept time may have passed meanwhile
    order_validate_content(front_department=order.front_department, data=merged)
    for key, value in data.items():
        if key in ORDER_FIELDS:
            setattr(order, key, value)
    _key_flags(order)
    order.full_clean(exclude=["number", "created_by", "state"])
    order.save()
    return order


def attachment_add(*, order: Order, by: User, file, kind: str = Attachment.Kind.GENERAL) -> Attachment:
    """Attach a file (size and type limited) to an order (R1.1, R1.20)."""
    allowed = has_role_in(by, [Role.FRONT_ADMIN], order.front_department) or (
        has_role_in(by, [Role.BACK_MEMBER, Role.BACK_ADMIN], by.department)
        and order.steps.filter(department=by.department).exists()
    )
    if not allowed:
        raise TransitionForbidden(_("You may not attach files to this order."))
    if file.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": _("The file is larger than 10 MB.")})
    attachment = Attachment(order=order, kind=kind, file=file, name=file.name[:200], size=file.size, uploaded_by=by)
    attachment.full_clean(exclude=["uploaded_by"])
    attachment.save()
    sla.audit_record(subject=order, actor=by, transition="attach", comment=attachment.name)
    return attachment


# --- R1.4 quota ---------------------------------------------------------------------


@dataclass
class QuotaUsage:
    total: int
    a_count: int
    b_count: int
    a_limit: int
    b_limit: int

    @property
    def a_over(self) -> bool:
        return self.a_count > self.a_limit

    @property
    def b_over(self) -> bool:
        return self.b_count > self.b_limit


def quota_limits(*, department: Department, total: int) -> tuple[int, int]:
    """R1.4: A ≤ 10%, B ≤ 20% of the month's orders; 政企客户部 always may issue 6 A orders."""
    a_limit = total * 10 // 100
    if department.code == GOV_ENTERPRISE:
        a_limit = max(a_limit, A_FLOOR_GOV_ENTERPRISE)
    return a_limit, total * 20 // 100


def _month_orders(department, year, month):
    start, end = month_bounds(year, month)
    return Order.objects.filter(front_department=department, submitted_at__gte=start, submitted_at__lt=end).exclude(
        state=Order.State.CANCELLED
    )


def quota_usage(*, department: Department, at: datetime | None = None, adding: str | None = None) -> QuotaUsage:
    """Live usage of the month (for the submit form); ``adding`` counts one more order of that level."""
    local = timezone.localtime(_now(at))
    counts = Counter(_month_orders(department, local.year, local.month).values_list("level", flat=True))
    if adding:
        counts[adding] += 1
    total = sum(counts.values())
    a_limit, b_limit = quota_limits(department=department, total=total)
    return QuotaUsage(total, counts[Level.A], counts[Level.B], a_limit, b_limit)


@transaction.atomic
def month_close_quota(*, department: Department, year: int, month: int) -> QuotaUsage:
    """R1.4: decide over-quota orders of a closed month, in submission order; assessed one level down."""
    orders = list(_month_orders(department, year, month).select_for_update().order_by("submitted_at", "id"))
    a_limit, b_limit = quota_limits(department=department, total=len(orders))
    seen: Counter[str] = Counter()
    for order in orders:
        seen[order.level] += 1
        limit = {Level.A: a_limit, Level.B: b_limit}.get(order.level)
        order.over_quota = limit is not None and seen[order.level] > limit
        order.quota_decided = True
        _assess(order)
        order.save(update_fields=["over_quota", "quota_decided", "assessed_level", "assessment_reason"])
    return QuotaUsage(len(orders), seen[Level.A], seen[Level.B], a_limit, b_limit)


def _assess(order: Order) -> None:
    """Served level vs assessed level and why (R1.4 quota, R1.5 unsigned A, R1.7 no requisition)."""
    assessed, reasons = order.level, []
    if order.level == Level.A and order.signed_at is None and order.state != Order.State.DRAFT:
        assessed, reasons = Level.B, [_("A order not signed off (R1.5)")]
    if order.over_quota:
        assessed = LEVEL_BELOW[assessed] if assessed == order.level else assessed
        reasons.append(_("over the monthly level quota (R1.4)"))
    if order.no_resources and order.requisition_id is None:
        reasons.append(_("no prior resource requisition: new-build limit, front department responsible (R1.7)"))
    order.assessed_level = assessed
    order.assessment_reason = "; ".join(str(r) for r in reasons)[:200]


# --- order workflow -----------------------------------------------------------------


def _order_number(order: Order, at) -> str:
    return f"R{timezone.localtime(at):%Y%m}-{order.pk:07d}"


def _center() -> Department | None:
    return Department.objects.filter(side=Department.Side.CENTER).order_by("pk").first()


def _start_provisioning(order: Order, started_at) -> Deadline:
    deadline = sla.deadline_start(
        subject=order,
        kind=PROVISIONING,
        level=order.level,  # R1.3: the level wins over the requested completion time
        title=_("Order %(number)s provisioning") % {"number": order.number},
        started_at=started_at,
        assessed_department=_center(),  # the Center accepts, plans, dispatches and answers for the order
    )
    Order.objects.filter(pk=order.pk).update(due_at=deadline.due_at)
    return deadline


@transaction.atomic
def order_submit(*, order: Order, by: User, at: datetime | None = None) -> Order:
    """R1.1–R1.5: validate, flag, submit (A orders wait for sign-off) and start the provisioning clock."""
    at = _now(at)
    current = Order.objects.select_related("business_type", "customer", "front_department").get(pk=order.pk)
    data = {k: getattr(current, k) for k in ORDER_FIELDS} | {"_check_attachments": True}
    order_validate_content(
        front_department=current.front_department, data=data, attachments_count=current.attachments.count()
    )
    name = "submit_for_signoff" if current.level == Level.A else "submit"
    order = _apply(current, name, by=by)
    order.submitted_at = order.submitted_at or at
    order.number = order.number or _order_number(order, at)
    _key_flags(order)
    _assess(order)
    order.save()
    for deadline in deadlines_of(order).filter(state__in=Deadline.OPEN_STATES):
        sla.deadline_cancel(deadline=deadline, by=by, at=at, comment="resubmitted")
    _start_provisioning(order, order.phoned_at or at)  # R1.11: clock from the phone time
    if order.is_emergency:
        equipment_send_emergency(order=order)
    order.refresh_from_db()
    return order


@transaction.atomic
def order_sign(*, order: Order, by: User, at: datetime | None = None) -> Order:
    """R1.5: the director (政企客户部) or the leader in charge signs an A order."""
    order = _apply(order, "sign", by=by, at=_now(at), actor=by)
    _assess(order)
    order.save(update_fields=["assessed_level", "assessment_reason"])
    return order


@transaction.atomic
def order_accept(*, order: Order, by: User, at: datetime | None = None, notes: str = "") -> Order:
    """The Center accepts the order; an unsigned A order is accepted but assessed on B (R1.5)."""
    order = _apply(order, "accept", by=by, at=_now(at), comment=notes)
    if notes:
        order.mediation_notes = notes
    _assess(order)
    order.save()
    return order


@transaction.atomic
def order_return_for_clarification(*, order: Order, by: User, reason: str, at: datetime | None = None) -> Order:
    """R1.6: the Center sends an unclear order back; the delay is the sending department's."""
    if not reason.strip():
        raise ValidationError({"reason": _("State what needs clarifying.")})
    order = _apply(order, "return_for_clarification", by=by, comment=reason, reason=reason)
    order.responsible_department = order.front_department
    order.save(update_fields=["responsible_department"])
    for deadline in deadlines_of(order).filter(state__in=Deadline.OPEN_STATES):
        sla.deadline_cancel(deadline=deadline, by=by, at=_now(at), comment="returned for clarification")
    return order


@transaction.atomic
def order_cancel(*, order: Order, by: User, at: datetime | None = None) -> Order:
    order = _apply(order, "cancel", by=by)
    for deadline in deadlines_of(order).filter(state__in=Deadline.OPEN_STATES):
        sla.deadline_cancel(deadline=deadline, by=by, at=_now(at), comment="cancelled")
    return order


@transaction.atomic
def order_add_notes(*, order: Order, by: User, notes: str) -> Order:
    """Center mediation notes."""
    if not is_center_dispatcher(by):
        raise TransitionForbidden(_("Only the Center may add mediation notes."))
    order = Order.objects.select_for_update().get(pk=order.pk)
    order.mediation_notes = (order.mediation_notes + "\n" + notes).strip()
    order.save(update_fields=["mediation_notes"])
    sla.audit_record(subject=order, actor=by, transition="note", comment=notes)
    return order


@transaction.atomic
def order_mark_no_resources(*, order: Order, by: User, at: datetime | None = None) -> Order:
    """R1.7: an important order without a prior requisition that finds no resources goes on the
    "no resources, new build" limit, and the front department is responsible."""
    at = _now(at)
    if not is_center_dispatcher(by):
        raise TransitionForbidden(_("Only the Center may do this."))
    order = Order.objects.select_for_update().get(pk=order.pk)
    if order.state not in Order.OPEN_STATES or order.no_resources:
        raise TransitionConflict(_("This cannot be done now."))
    order.no_resources = True
    if order.requisition_id is None and order.is_important:
        old = _open_deadline(order, PROVISIONING)
        if old:
            sla.deadline_cancel(deadline=old, by=by, at=at, comment="no resources, new build")
        deadline = sla.deadline_start(
            subject=order,
            kind=NEW_BUILD,
            title=_("Order %(number)s new build") % {"number": order.number},
            started_at=order.phoned_at or order.submitted_at or at,
            # 网络建设部 designs and builds; the sweeper falls back to the Center if it has nobody.
            assessed_department=Department.objects.filter(code=NETBUILD).first() or _center(),
        )
        order.due_at = deadline.due_at
        order.responsible_department = order.front_department
    _assess(order)
    order.save()
    sla.audit_record(subject=order, actor=by, transition="no_resources", comment="R1.7")
    return order


@transaction.atomic
def order_dispatch(*, order: Order, by: User, steps: list[tuple[Department, str]], at: datetime | None = None) -> Order:
    """R1.8: split the order into ordered steps, one back-office department each; the first starts now."""
    at = _now(at)
    if not steps:
        raise ValidationError({"steps": _("Add at least one step.")})
    for department, _title in steps:
        if department.side != Department.Side.BACK:
            raise ValidationError({"steps": _("%(dept)s is not a back-office department.") % {"dept": department}})
    order = _apply(order, "dispatch", by=by)
    for position, (department, title) in enumerate(steps, start=1):
        WorkStep.objects.create(
            order=order, position=position, department=department, title=title, key_rank=order.key_rank
        )
    _dispatch_next_step(order, by=by, at=at)
    return order


def _dispatch_next_step(order: Order, *, by: User, at) -> WorkStep | None:
    step = order.steps.filter(state=WorkStep.State.PENDING).order_by("position").first()
    if step is None:
        return None
    deadline = sla.deadline_start(
        subject=step,
        kind=STEP_RESOURCE,
        level=order.level,
        title=_("Order %(number)s step %(pos)s") % {"number": order.number, "pos": step.position},
        started_at=at,
        assessed_department=step.department,
    )
    step = _apply(step, "dispatch", by=None, at=at, due_at=deadline.due_at)
    sla.notify(
        users=list(step.department.members.filter(groups__name__in=[Role.BACK_ADMIN, Role.BACK_MEMBER]).distinct()),
        subject=_("New work step: %(step)s") % {"step": step},
        channels=["inapp"],
    )
    return step


@transaction.atomic
def step_accept(*, step: WorkStep, by: User, at: datetime | None = None) -> WorkStep:
    """A back-office member of the step's department accepts it."""
    return _apply(step, "accept", by=by, at=_now(at), actor=by)


def return_overtime(
    *,
    finished_at: datetime | None,
    returned_at: datetime,
    due_at: datetime | None,
    unfinished: bool = False,
    obstruction: bool = False,
    special_order_approved: bool = False,
    calendar: WorkingCalendar | None = None,
) -> tuple[bool, str]:
    """Whether a return counts as overtime, and why (R1.8, R1.9, R1.10)."""
    if unfinished or finished_at is None:
        return True, _("returned unfinished (R1.9)")
    if obstruction and not special_order_approved:
        return True, _("returned for obstruction without an approved special order (R1.10)")
    if due_at is not None and finished_at > due_at:
        return True, _("finished after the limit (R1.8)")
    calendar = calendar or WorkingCalendar()
    finished_day = timezone.localtime(finished_at).date()
    if calendar.is_workday(finished_day):
        # Finished on a working day, returned later: by 09:00 the next day.
        limit_day = finished_day + timedelta(days=1)
    else:
        # Finished on a rest day: announced by phone, returned at the start of the next working day.
        limit_day = calendar.next_workday(finished_day)
    limit = timezone.make_aware(datetime.combine(limit_day, time(9, 0)))
    if returned_at > limit:
        return True, _("returned after %(limit)s (R1.9)") % {"limit": timezone.localtime(limit).strftime("%m-%d %H:%M")}
    return False, ""


@transaction.atomic
def step_return(
    *,
    step: WorkStep,
    by: User,
    finished_at: datetime | None,
    unfinished: bool = False,
    obstruction: bool = False,
    comment: str = "",
    at: datetime | None = None,
) -> WorkStep:
    """R1.8–R1.10: return a step with its actual completion time; the next step starts, or the order completes."""
    at = _now(at)
    if by is None or has_transition_perm(step.return_, by):  # else _apply answers 403/409 first
        # R1.8/R1.9: the work was finished between the step's dispatch and now (minutes typed on a page
        # may round the dispatch down, and a clock may be a little fast: CLOCK_SKEW either side).
        check_happened(
            finished_at,
            field="finished_at",
            now=at,
            not_before=step.dispatched_at - CLOCK_SKEW if step.dispatched_at else None,
            too_early=_("The actual completion time cannot be before the step was dispatched (%(at)s).")
            % {"at": timezone.localtime(step.dispatched_at).strftime("%Y-%m-%d %H:%M") if step.dispatched_at else ""},
            too_late=_("The actual completion time cannot be in the future."),
        )
    if not unfinished and finished_at is None:
        raise ValidationError({"finished_at": _("State the actual completion time.")})
    deadline = _open_deadline(step, STEP_RESOURCE)
    if deadline and deadline.state == Deadline.State.PAUSED:
        deadline = sla.deadline_resume(deadline=deadline, by=by, at=at)
    approved = step.special_orders.filter(state__in=[SpecialOrder.State.APPROVED, SpecialOrder.State.CLOSED]).exists()
    overtime, reason = return_overtime(
        finished_at=finished_at,
        returned_at=at,
        due_at=deadline.due_at if deadline else step.due_at,
        unfinished=unfinished,
        obstruction=obstruction,
        special_order_approved=approved,
    )
    step = _apply(
        step,
        "return_",
        by=by,
        comment=comment or reason,
        at=at,
        finished_at=finished_at,
        unfinished=unfinished,
        obstruction=obstruction,
        overtime=overtime,
        overtime_reason=reason,
        note=comment,
    )
    for special in step.special_orders.filter(state=SpecialOrder.State.APPROVED):
        _apply(special, "close", by=None, at=at)
    if deadline:
        sla.deadline_meet(deadline=deadline, by=by, at=finished_at or at, comment=reason)
    order = step.order
    if (
        _dispatch_next_step(order, by=by, at=at) is None
        and not order.steps.exclude(state__in=[WorkStep.State.RETURNED, WorkStep.State.CANCELLED]).exists()
    ):
        order_complete(order=order, at=at)
    return step


@transaction.atomic
def order_complete(*, order: Order, at: datetime | None = None) -> Order:
    """R1.12: the last step is returned → completed; the 2-day confirmation clock starts."""
    at = _now(at)
    order = _apply(order, "complete", by=None, at=at)
    provisioning = _open_deadline(order, PROVISIONING) or _open_deadline(order, NEW_BUILD)
    if provisioning:
        sla.deadline_meet(deadline=provisioning, at=at)
    sla.deadline_start(
        subject=order,
        kind=CONFIRMATION,
        title=_("Order %(number)s confirmation") % {"number": order.number},
        started_at=at,
        assessed_department=order.front_department,
    )
    sla.notify(
        users=list(order.front_department.members.filter(groups__name=Role.FRONT_ADMIN)),
        subject=_("Order %(number)s is completed: please confirm") % {"number": order.number},
        channels=["inapp"],
    )
    return order


@transaction.atomic
def order_confirm(*, order: Order, by: User, at: datetime | None = None) -> Order:
    at = _now(at)
    order = _apply(order, "confirm", by=by, at=at)
    deadline = _open_deadline(order, CONFIRMATION)
    if deadline:
        sla.deadline_meet(deadline=deadline, by=by, at=at)
    billing.service_from_confirmed_order(order=order, at=at)  # B4.1
    return order


@transaction.atomic
def order_auto_confirm(*, order: Order, at: datetime | None = None) -> Order | None:
    """R1.12: not confirmed within 2 days → confirmed automatically. Idempotent."""
    current = Order.objects.get(pk=order.pk)
    if current.state != Order.State.COMPLETED:
        return None
    at = _now(at)
    order = _apply(
        current, "auto_confirm", by=None, at=at, comment=_("Not confirmed within 2 days: confirmed automatically")
    )
    deadline = _open_deadline(order, CONFIRMATION)
    if deadline:
        sla.deadline_meet(deadline=deadline, at=at)
    billing.service_from_confirmed_order(order=order, at=at)  # B4.1
    return order


@transaction.atomic
def order_archive(*, order: Order, by: User) -> Order:
    return _apply(order, "archive", by=by)


# --- R1.10 special orders ------------------------------------------------------------


@transaction.atomic
def special_order_request(*, step: WorkStep, by: User, reason: str) -> SpecialOrder:
    if not has_role_in(by, [Role.BACK_MEMBER, Role.BACK_ADMIN], step.department):
        raise TransitionForbidden(_("Only the department doing the work may request a special order."))
    if step.state not in (WorkStep.State.ACCEPTED, WorkStep.State.DISPATCHED):
        raise TransitionConflict(_("This cannot be done now."))
    if not reason.strip():
        raise ValidationError({"reason": _("Describe the obstruction.")})
    # Issue 11: one open special order per step, checked under the step's row lock (and a partial
    # unique constraint in the database); the second of two at once waits here and is refused.
    step = WorkStep.objects.select_for_update().get(pk=step.pk)
    if step.state not in (WorkStep.State.ACCEPTED, WorkStep.State.DISPATCHED):
        raise TransitionConflict(_("This cannot be done now."))
    if step.special_orders.filter(state__in=SpecialOrder.OPEN_STATES).exists():
        raise TransitionConflict(_("This step already has an open special order: wait for its decision or close it."))
    try:
        with transaction.atomic():
            special = SpecialOrder.objects.create(step=step, reason=reason, requested_by=by)
    except IntegrityError:
        raise TransitionConflict(
            _("This step already has an open special order: wait for its decision or close it.")
        ) from None
    sla.audit_record(subject=special, actor=by, transition="request", to_state=special.state)
    sla.audit_record(subject=step.order, actor=by, transition="special_order_requested", comment=reason)
    return special


@transaction.atomic
def special_order_approve(*, special: SpecialOrder, by: User, at: datetime | None = None) -> SpecialOrder:
    """R1.10: approval by the Center pauses the step's clock."""
    at = _now(at)
    special = _apply(special, "approve", by=by, at=at)
    step = special.step
    if step.state == WorkStep.State.ACCEPTED:
        _apply(step, "pause", by=by)
    deadline = _open_deadline(step, STEP_RESOURCE)
    if deadline and deadline.state != Deadline.State.PAUSED:
        sla.deadline_pause(deadline=deadline, by=by, at=at, comment=special.reason)
    return special


@transaction.atomic
def special_order_reject(*, special: SpecialOrder, by: User, at: datetime | None = None) -> SpecialOrder:
    return _apply(special, "reject", by=by, at=_now(at))


@transaction.atomic
def special_order_close(*, special: SpecialOrder, by: User, at: datetime | None = None) -> SpecialOrder:
    """The obstruction is cleared: the clock resumes."""
    at = _now(at)
    special = _apply(special, "close", by=by, at=at)
    step = WorkStep.objects.get(pk=special.step_id)
    if step.state == WorkStep.State.PAUSED:
        _apply(step, "resume", by=None)
    deadline = _open_deadline(step, STEP_RESOURCE)
    if deadline and deadline.state == Deadline.State.PAUSED:
        deadline = sla.deadline_resume(deadline=deadline, by=by, at=at)
        WorkStep.objects.filter(pk=step.pk).update(due_at=deadline.due_at)
    return special


# --- R1.7 requisitions ---------------------------------------------------------------


@transaction.atomic
def requisition_raise(*, by: User, customer, resource_type: str, description: str, at=None) -> Requisition:
    _require_front_admin(by, by.department)
    req = Requisition(
        front_department=by.department,
        customer=customer,
        resource_type=resource_type,
        description=description,
        created_by=by,
        created_at=_now(at),
    )
    req.full_clean(exclude=["created_by", "state"])
    req.save()
    deadline = sla.deadline_start(
        subject=req,
        kind=REQUISITION,
        title=_("Requisition %(pk)s") % {"pk": req.pk},
        started_at=req.created_at,
        assessed_department=_center(),  # the Center checks the records; dispatching moves it (R1.7)
    )
    req.due_at = deadline.due_at
    req.save(update_fields=["due_at"])
    sla.audit_record(subject=req, actor=by, transition="raise", to_state=req.state)
    return req


@transaction.atomic
def requisition_dispatch(*, requisition: Requisition, by: User) -> Requisition:
    """R1.7: dispatch by resource type (lines → 线路维护中心, ports → 网络监控中心, wireless → 无线设备中心)."""
    department = Department.objects.get(code=Requisition.DEPARTMENT_OF[requisition.resource_type])
    requisition = _apply(requisition, "dispatch", by=by, department=department)
    deadline = _open_deadline(requisition, REQUISITION)
    if deadline:  # the assigned department now answers for the 3 days (R1.7)
        sla.deadline_reassign(deadline=deadline, department=department, by=by, comment="R1.7")
    return requisition


@transaction.atomic
def requisition_answer(
    *, requisition: Requisition, by: User, available: bool, answer: str = "", on_site=False, at=None
):
    if available:
        req = _apply(requisition, "confirm", by=by, answer=answer, on_site=on_site, comment=answer)
    else:
        req = _apply(requisition, "refuse", by=by, answer=answer, comment=answer)
    deadline = _open_deadline(req)
    if deadline:
        sla.deadline_meet(deadline=deadline, by=by, at=_now(at))
    return req


# --- R1.11 phone dispatch ------------------------------------------------------------


@transaction.atomic
def phone_dispatch_record(*, by: User, department, phoned_at, caller: str, summary: str) -> PhoneDispatch:
    if not is_center_dispatcher(by):
        raise TransitionForbidden(_("Only the Center records phone dispatches."))
    errors = {}
    if department is None or department.side != Department.Side.FRONT:
        # The calling department backfills the order, and only front departments raise orders.
        errors["department"] = _("Choose the front-office department that phoned.")
    if phoned_at is None:
        errors["phoned_at"] = _("This field is required.")
    else:
        try:  # R1.11: backfilled after the call, within BACKFILL_LIMIT; not in the future
            now = timezone.now()
            check_happened(
                phoned_at,
                field="phoned_at",
                now=now,
                not_before=now - BACKFILL_LIMIT,
                too_late=_("The phone time cannot be in the future."),
            )
        except ValidationError as exc:
            errors.update({k: v[0] for k, v in exc.message_dict.items()})
    if not (caller or "").strip():
        errors["caller"] = _("This field is required.")
    if not (summary or "").strip():
        errors["summary"] = _("This field is required.")
    if errors:
        raise ValidationError(errors)
    pd = PhoneDispatch.objects.create(
        department=department, phoned_at=phoned_at, caller=caller, summary=summary, recorded_by=by
    )
    # The calling department's order admins backfill the order (by the next working day).
    sla.notify(
        users=list(department.members.filter(groups__name=Role.FRONT_ADMIN.value)),
        subject=_("Phone dispatch of %(time)s: backfill the order")
        % {"time": timezone.localtime(phoned_at).strftime("%Y-%m-%d %H:%M")},
        body=summary,
    )
    return pd


@transaction.atomic
def order_backfill(
    *, phone_dispatch: PhoneDispatch, by: User, data: dict, at=None, attachment=None, equipment=None
) -> Order:
    """R1.11: the phoned-in order is backfilled; its clock starts at the phone time.

    ``attachment`` (an uploaded file) is added before submission, for types that need one (R1.1).
    """
    pd = PhoneDispatch.objects.select_for_update().get(pk=phone_dispatch.pk)
    if pd.order_id:
        raise TransitionConflict(_("This phone dispatch was already backfilled."))
    if by.department_id != pd.department_id:
        raise TransitionForbidden(_("Only the calling department backfills its order."))
    order = order_create(by=by, data=data | {"is_emergency": data.get("is_emergency", True)}, equipment=equipment)
    Order.objects.filter(pk=order.pk).update(phoned_at=pd.phoned_at)
    order.refresh_from_db()
    if attachment is not None:
        attachment_add(order=order, by=by, file=attachment)
    order = order_submit(order=order, by=by, at=at)
    pd.order = order
    pd.save(update_fields=["order"])
    return order


# --- R1.13 contact orders ------------------------------------------------------------


@transaction.atomic
def contact_order_create(*, by: User, to_department, subject, body, feedback_due_at) -> ContactOrder:
    if not by.department_id:
        raise TransitionForbidden(_("You have no department."))
    if is_read_only(by):
        raise TransitionForbidden(_("You may not do this."))
    if to_department is not None and to_department.pk == by.department_id:
        raise ValidationError({"to_department": _("Choose another department than your own.")})
    now = timezone.now()
    if feedback_due_at is None or feedback_due_at <= now:
        raise ValidationError({"feedback_due_at": _("The requested feedback time must be in the future.")})
    check_ahead(  # R1.13: the feedback time is the contact order's deadline; at most a year ahead
        feedback_due_at,
        field="feedback_due_at",
        max_ahead=YEAR,
        now=now,
        too_late=_("The requested feedback time can be at most a year ahead."),
    )
    contact = ContactOrder.objects.create(
        from_department=by.department,
        to_department=to_department,
        subject=subject,
        body=body,
        feedback_due_at=feedback_due_at,
        created_by=by,
    )
    sla.audit_record(subject=contact, actor=by, transition="create", to_state=contact.state)
    return contact


@transaction.atomic
def contact_order_answer(*, contact: ContactOrder, by: User, reply: str, at=None) -> ContactOrder:
    if not reply.strip():
        raise ValidationError({"reply": _("This field is required.")})
    return _apply(contact, "answer", by=by, reply=reply, at=_now(at))


# --- R1.14 equipment needs -----------------------------------------------------------


def _send_equipment(needs, *, start, end, emergency_order=None) -> EquipmentReport:
    totals: Counter[str] = Counter()
    for need in needs:
        totals[need.item] += need.quantity
    netbuild = Department.objects.get(code="netbuild")
    report = EquipmentReport.objects.create(
        period_start=start, period_end=end, emergency_order=emergency_order, totals=dict(totals), sent_to=netbuild
    )
    EquipmentNeed.objects.filter(pk__in=[n.pk for n in needs]).update(sent_at=end)
    body = "\n".join(f"{EquipmentNeed.Item(k).label}: {v}" for k, v in sorted(totals.items()))
    sla.notify(
        users=list(netbuild.members.all()),
        subject=_("Equipment needs") + (f" {emergency_order.number}" if emergency_order else ""),
        body=body,
        channels=["inapp"],
    )
    return report


@transaction.atomic
def equipment_send_half_month(*, at: datetime | None = None) -> EquipmentReport:
    """R1.14: every half month the Center totals what open orders need and sends it to 网络建设部."""
    end = _now(at)
    needs = list(
        EquipmentNeed.objects.select_for_update()
        .filter(sent_at__isnull=True, order__state__in=Order.OPEN_STATES)
        .select_related("order")
    )
    return _send_equipment(needs, start=end - timedelta(days=15), end=end)


def equipment_send_emergency(*, order: Order) -> EquipmentReport | None:
    """R1.14: an emergency order sends its needs at once."""
    needs = list(order.equipment_needs.filter(sent_at__isnull=True))
    if not needs:
        return None
    now = timezone.now()
    return _send_equipment(needs, start=now, end=now, emergency_order=order)


# --- R1.15 expansion, R1.16 decommission, R1.18 builds, R1.19 restricted sites -------


@transaction.atomic
def expansion_request_raise(*, order: Order, by: User, reason: str) -> ExpansionRequest:
    """R1.15: 网络监控中心 cannot allocate → expansion request to 网络管理部."""
    if getattr(by.department, "code", "") != "nmc" or not has_role_in(by, [Role.BACK_ADMIN, Role.BACK_MEMBER], None):
        raise TransitionForbidden(_("Only 网络监控中心 raises expansion requests."))
    if not order.business_type.is_expansion:
        raise ValidationError({"order": _("This is not a capacity-expansion order.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("This field is required.")})
    req = ExpansionRequest.objects.create(order=order, reason=reason, raised_by=by)
    sla.audit_record(subject=order, actor=by, transition="expansion_request", comment=reason)
    netmgmt = Department.objects.get(code="netmgmt")
    sla.notify(users=list(netmgmt.members.all()), subject=_("Expansion request for %(o)s") % {"o": order.number})
    return req


def _in_department(by: User, code):
    if not works_in_back_office(by, code):
        raise TransitionForbidden(_("You may not do this."))


@transaction.atomic
def expansion_request_plan(*, request: ExpansionRequest, by: User, plan: str) -> ExpansionRequest:
    _in_department(by, "netmgmt")  # R1.15: only 网络管理部 plans an expansion
    if not (plan or "").strip():
        raise ValidationError({"plan": _("This field is required.")})
    req = _apply(request, "plan_it", by=by, plan=plan)
    return _apply(req, "file", by=by, comment=_("Filed with the Center"))


# R1.16: equipment is recovered while the decommission is worked or once it is completed, not after archiving.
RECOVERY_ORDER_STATES = (
    Order.State.IN_PROGRESS,
    Order.State.COMPLETED,
    Order.State.CONFIRMED,
    Order.State.AUTO_CONFIRMED,
)


def _require_center_dispatcher(by: User, message) -> None:
    if not is_center_dispatcher(by):
        raise TransitionForbidden(message)


@transaction.atomic
def recovery_record(*, order: Order, by: User, **fields) -> RecoveryEntry:
    """R1.16: recovered equipment of a decommission goes into the recovery ledger."""
    if not order.business_type.is_decommission:
        raise ValidationError({"order": _("This is not a decommission order.")})
    if not (
        has_role_in(by, [Role.BACK_MEMBER, Role.BACK_ADMIN], by.department)
        and order.steps.filter(department=by.department).exists()
    ):
        raise TransitionForbidden(_("You may not do this."))
    current = Order.objects.select_for_update().get(pk=order.pk)  # the state as it is now, not as passed in
    if current.state not in RECOVERY_ORDER_STATES:
        raise TransitionConflict(
            _("This cannot be done now: the record is “%(state)s”.") % {"state": current.get_state_display()}
        )
    now = timezone.now()  # R1.16: recovered in the last year, not in the future
    check_happened(fields.get("recovered_at"), field="recovered_at", now=now, not_before=now - YEAR)
    entry = RecoveryEntry(order=order, **fields)
    entry.full_clean()
    entry.save()
    sla.audit_record(subject=order, actor=by, transition="recovery", comment=entry.equipment_name)
    return entry


@transaction.atomic
def recovery_check_quarter(*, by: User, year: int, quarter: int) -> int:
    """R1.16: the Center checks the ledger quarterly."""
    _require_center_dispatcher(by, _("Only the Center checks the recovery ledger."))
    start, _end = month_bounds(year, 3 * quarter - 2)
    end = month_bounds(year + (quarter == 4), 1 if quarter == 4 else 3 * quarter + 1)[0]
    return RecoveryEntry.objects.filter(recovered_at__gte=start, recovered_at__lt=end, checked_at__isnull=True).update(
        checked_at=timezone.now()
    )


@transaction.atomic
def recovery_entry_check(*, entry: RecoveryEntry, by: User, at=None) -> RecoveryEntry:
    """R1.16: the Center ticks one ledger entry as checked (once: a second check is a conflict)."""
    _require_center_dispatcher(by, _("Only the Center checks the recovery ledger."))
    at = _now(at)
    if not RecoveryEntry.objects.filter(pk=entry.pk, checked_at__isnull=True).update(checked_at=at):
        raise TransitionConflict(_("This ledger entry was already checked."))
    sla.audit_record(subject=entry.order, actor=by, transition="recovery_check", comment=entry.equipment_name)
    entry.refresh_from_db()
    return entry


@transaction.atomic
def build_decision_raise(*, by: User, kind, site, expected_demand, buildings, competition) -> BuildDecision:
    """R1.18: expected demand, buildings and competition are required."""
    # R1.18: the front department (its order admin or director) states demand, buildings and competition.
    if not (
        by.department is not None
        and by.department.side == Department.Side.FRONT
        and has_role_in(by, [Role.FRONT_ADMIN, Role.LEADER], None)
    ):
        raise TransitionForbidden(_("You may not do this."))
    decision = BuildDecision(
        kind=kind,
        site=site,
        expected_demand=expected_demand,
        buildings=buildings,
        competition=competition,
        created_by=by,
    )
    decision.full_clean(exclude=["created_by", "cost_estimate", "state"])
    decision.save()
    sla.audit_record(subject=decision, actor=by, transition="raise", to_state=decision.state)
    return decision


@transaction.atomic
def build_decision_estimate(*, decision: BuildDecision, by: User, cost) -> BuildDecision:
    """R1.18: 网络建设部 estimates the cost."""
    _in_department(by, "netbuild")
    if cost is None or cost <= 0:
        raise ValidationError({"cost": _("Enter a cost greater than zero.")})
    return _apply(decision, "estimate", by=by, cost=cost)


@transaction.atomic
def build_decision_decide(*, decision: BuildDecision, by: User, approve: bool) -> BuildDecision:
    """R1.18: 市场拓展部's director decides and signs (the transition's permission checks it)."""
    return _apply(decision, "approve" if approve else "reject", by=by, actor=by)


@transaction.atomic
def order_send_worker_names(*, order: Order, by: User, names: str, at=None) -> Order:
    """R1.19: for banks, police and similar sites, the back office sends its workers' names early."""
    if not (
        has_role_in(by, [Role.BACK_MEMBER, Role.BACK_ADMIN], by.department)
        and order.steps.filter(department=by.department).exists()
    ):
        raise TransitionForbidden(_("You may not do this."))
    if not names.strip():
        raise ValidationError({"names": _("This field is required.")})
    order = Order.objects.select_for_update().get(pk=order.pk)
    order.worker_names = names
    order.worker_names_sent_at = _now(at)
    order.save(update_fields=["worker_names", "worker_names_sent_at"])
    sla.audit_record(subject=order, actor=by, transition="worker_names", comment=names)
    return order
