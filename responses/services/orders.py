"""Orders (SPEC §1): content and who submits (R1.1, R1.2), submission, sign-off, acceptance,
clarification, cancellation, no-resources (R1.7), dispatch into steps (R1.8), completion and
confirmation (R1.12), archiving, and the worker names of restricted sites (R1.19).
"""

from datetime import date, datetime
from typing import cast

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from billing import services as billing
from org.access import has_role_in
from org.models import Department, User
from org.roles import Dept, Role
from sla import services as sla
from sla.models import Deadline, Level
from sla.selectors import deadlines_of
from sla.validators import YEAR, check_ahead
from sla.workflow import TransitionConflict, TransitionForbidden

from .. import rules
from ..models import MAX_ATTACHMENT_BYTES, Attachment, BusinessType, EquipmentNeed, KeyArea, Order, WorkStep
from ._common import (
    CONFIRMATION,
    NETBUILD,
    NEW_BUILD,
    PROVISIONING,
    _apply,
    _assess,
    _center,
    _dispatch_next_step,
    _now,
    _open_deadline,
    _reassess,
    _require_front_admin,
)
from .circuits import check_first_use_at_confirmation, check_named_circuit, record_first_use
from .equipment import equipment_send_emergency
from .worker_names import worker_names_tell

#: R1.1 / seed 000 §三.5: what a signed agreement must state, each ticked on the order before it is
#: submitted: equipment and line ownership, the customer-side interface standard, the usage, the fee
#: settlement, the after-sales terms and the term.
AGREEMENT_CLAUSES = (
    "agreement_states_ownership",
    "agreement_states_interface",
    "agreement_states_usage",
    "agreement_states_fees",
    "agreement_states_after_sales",
    "agreement_states_term",
)


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
    *AGREEMENT_CLAUSES,
    "interconnection_notice",
    "fill_rate",
    "quantity_to_add",
    "is_important",
    "is_emergency",
    "is_restricted_site",
    "requisition",
    "service",  # issue 14 §1: the circuit a change or decommission order names
    "new_product",
)


def _check_agreement(btype: BusinessType, data: dict, errors: dict[str, str]) -> None:
    """R1.1 / seed 000 §三.4–5, at submission: an order whose type needs the agreement states each of
    its required clauses; an interconnection need hands in the interconnection notice."""
    if btype.needs_agreement:
        for field in AGREEMENT_CLAUSES:
            if not data.get(field):
                errors[field] = _("The signed agreement must state this; tick it once it does: %(clause)s.") % {
                    "clause": Order._meta.get_field(field).verbose_name
                }
    if btype.needs_interconnection_notice and not data.get("interconnection_notice"):
        errors["interconnection_notice"] = _(
            "An interconnection need hands in the interconnection notice, in two copies (one for the Center, "
            "one for the works department)."
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
        if data.get("_check_attachments"):  # at submission: a draft may be saved before the agreement is
            _check_agreement(btype, data, errors)
        if btype.is_residential_wiring and front_department.code != Dept.PUBLIC:
            errors["business_type"] = _("Residential wiring needs come from 公众客户部.")
    check_named_circuit(btype, data, errors)  # issue 14 §1 (B4.1)
    if front_department.side != Department.Side.FRONT:
        errors["front_department"] = _("Only a front-office department raises orders.")
    requisition = data.get("requisition")
    if requisition is not None and requisition.front_department_id != front_department.pk:
        # Scope holds in payloads too (issue 11): an order names only its own department's requisition.
        errors["requisition"] = _("This requisition was raised by another department.")
    if errors:
        raise ValidationError(errors)


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
def order_create(*, by: User, data: dict, equipment: list[tuple] | None = None) -> Order:
    """A draft order of the user's front department (R1.2). Nothing is saved if it is refused.
    ``equipment``: what it needs (R1.14), as (item, quantity) or (item, quantity, model / specification)."""
    department = by.department
    _require_front_admin(by, department)
    _check_requested_completion(data.get("requested_completion_at"))
    # The role check above lets only a front admin through; the order's department is NOT NULL.
    order_validate_content(front_department=cast(Department, department), data=data)
    order = Order(front_department=department, created_by=by, **{k: data[k] for k in ORDER_FIELDS if k in data})
    _key_flags(order)
    # The related rows were just loaded: no need to look them up again.
    related = ["front_department", "customer", "business_type", "service", "new_product"]
    order.full_clean(exclude=["number", "created_by", "state", *related])
    order.save()
    for item, quantity, *note in equipment or []:
        EquipmentNeed.objects.create(order=order, item=item, quantity=quantity, note=note[0] if note else "")
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
    if not rules.may_attach(order, by):
        raise TransitionForbidden(_("You may not attach files to this order."))
    if file.size > MAX_ATTACHMENT_BYTES:
        raise ValidationError({"file": _("The file is larger than 10 MB.")})
    attachment = Attachment(order=order, kind=kind, file=file, name=file.name[:200], size=file.size, uploaded_by=by)
    attachment.full_clean(exclude=["uploaded_by"])
    attachment.save()
    sla.audit_record(subject=order, actor=by, transition="attach", comment=attachment.name)
    return attachment


def _order_number(order: Order, at) -> str:
    return f"R{timezone.localtime(at):%Y%m}-{order.pk:07d}"


def _start_provisioning(order: Order, started_at) -> Deadline:
    deadline = sla.deadline_start(
        subject=order,
        kind=PROVISIONING,
        level=order.level,  # R1.3: the level wins over the requested completion time
        title=_("Order %(number)s provisioning") % {"number": order.number},
        started_at=started_at,
        assessed_department=_center(),  # the Center accepts, plans, dispatches and answers for the order
        assessed_level=order.effective_assessed_level,  # R1.4/R1.5: the figures count on this level's limit
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
    _reassess(order, by=by)
    return order


@transaction.atomic
def order_accept(*, order: Order, by: User, at: datetime | None = None, notes: str = "") -> Order:
    """The Center accepts the order; an unsigned A order is accepted but assessed on B (R1.5)."""
    order = _apply(order, "accept", by=by, at=_now(at), comment=notes)
    if notes:
        order.mediation_notes = notes
    _assess(order)
    order.save()
    _reassess(order, by=by)
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
    if not rules.may_add_notes(order, by):
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
    if not rules.may_mark_no_resources(order, by):
        raise TransitionForbidden(_("Only the Center may do this."))
    order = Order.objects.select_for_update().get(pk=order.pk)
    if not rules.can_mark_no_resources(order):
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
def order_confirm(
    *, order: Order, by: User, at: datetime | None = None, circuit_first_used_on: date | None = None
) -> Order:
    """R1.12: the front department confirms; R1.17: with the date the customer first used the circuit,
    when it is already in use."""
    at = _now(at)
    used_on = check_first_use_at_confirmation(order, circuit_first_used_on, at)
    order = _apply(order, "confirm", by=by, at=at)
    deadline = _open_deadline(order, CONFIRMATION)
    if deadline:
        sla.deadline_meet(deadline=deadline, by=by, at=at)
    billing.service_from_confirmed_order(order=order, at=at)  # B4.1
    if used_on is not None and order.service_id is not None:
        record_first_use(order=order, by=by, used_on=used_on, at=at)
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
    worker_names_tell(order=order, by=by)  # R1.19: the account manager obtains the access passes
    return order
