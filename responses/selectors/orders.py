"""Reads of the responses app; every list is limited by ``org.access.department_scope``."""

from datetime import date, timedelta

from django.db.models import (
    Exists,
    OuterRef,
    Prefetch,
    Q,
)
from django.utils import timezone

from core.lookups import visible_record
from org.access import department_scope, has_role_in, reads_everything, reads_reports
from org.models import Department
from org.roles import Dept, Role

from ..models import (
    Attachment,
    BuildDecision,
    ContactOrder,
    ExpansionRequest,
    Order,
    PhoneDispatch,
    RecoveryEntry,
    Requisition,
    SpecialOrder,
    WorkStep,
)


def orders_visible_to(user):
    """Front office: its own department's orders; back office: orders with a step of theirs; the
    Center, viewers and auditors: all.

    The same rule as ``department_scope(user, qs, "front_department", "steps__department")``, written
    with ``EXISTS`` instead of a join + ``DISTINCT`` so it stays fast on a million orders.
    """
    qs = Order.objects.select_related("front_department", "customer", "business_type")
    if reads_everything(user):
        return qs
    if not user.is_authenticated or not user.department_id:
        return qs.none()
    has_step = Exists(WorkStep.objects.filter(order=OuterRef("pk"), department=user.department_id))
    # Steps only ever go to back-office departments (order_dispatch), so each side needs one path.
    side = user.department.side
    if side == Department.Side.FRONT:
        return qs.filter(front_department=user.department_id)
    if side == Department.Side.BACK:
        return qs.filter(has_step)
    return qs.filter(Q(front_department=user.department_id) | has_step)


def order_list(user):
    """Key orders first, then by time left (R1.21). Drafts only for their own front department."""
    qs = orders_visible_to(user)
    if not (user.department_id and user.department.side == Department.Side.FRONT):
        qs = qs.exclude(state=Order.State.DRAFT)
    return qs.order_by("-key_rank", "due_at", "id")


def get_order_for(user, pk, *, for_write: bool = False) -> Order:
    """The order ``pk`` as ``user`` may see it, with its steps, attachments, equipment and recovered
    items (the order's page); ``core.errors.NotFound`` (404) when it does not exist or is outside
    their scope (issue 12 §2). ``for_write`` locks the order's row."""
    qs = (
        orders_visible_to(user)
        .select_related("service", "new_product")
        .prefetch_related(
            Prefetch("steps", queryset=WorkStep.objects.select_related("department", "accepted_by")),
            Prefetch("attachments", queryset=Attachment.objects.select_related("uploaded_by")),
            "equipment_needs",
            "recovered",
        )
    )
    return visible_record(qs, pk, for_write=for_write)


def orders_awaiting_confirmation(user):
    return orders_visible_to(user).filter(state=Order.State.COMPLETED, front_department=user.department_id)


def orders_awaiting_signoff(user):
    return orders_visible_to(user).filter(state=Order.State.AWAITING_SIGNOFF, front_department=user.department_id)


def center_incoming():
    return (
        Order.objects.select_related("front_department", "customer", "business_type")
        .filter(state__in=[Order.State.SUBMITTED, Order.State.AWAITING_SIGNOFF, Order.State.ACCEPTED])
        .order_by("-key_rank", "due_at", "id")
    )


STEP_RELATED = ("department", "order", "order__customer", "order__business_type", "order__front_department")


def steps_visible_to(user):
    qs = WorkStep.objects.select_related(*STEP_RELATED)
    if reads_everything(user):
        return qs
    if not user.is_authenticated or not user.department_id:
        return qs.none()
    # Both paths are to-one joins: no duplicates, no DISTINCT needed.
    return qs.filter(Q(department=user.department_id) | Q(order__front_department=user.department_id))


STEP_OPEN_STATES = [WorkStep.State.DISPATCHED, WorkStep.State.ACCEPTED, WorkStep.State.PAUSED, WorkStep.State.DONE]


def step_queue(user):
    """Back office: my department's open steps, key orders first, then by time left (R1.21)."""
    qs = steps_visible_to(user).filter(state__in=STEP_OPEN_STATES)
    if not reads_everything(user):
        qs = WorkStep.objects.select_related(*STEP_RELATED).filter(
            department=user.department_id, state__in=STEP_OPEN_STATES
        )
    return qs.order_by("-key_rank", "due_at", "id")


def requisitions_visible_to(user):
    qs = Requisition.objects.select_related("front_department", "customer", "assigned_department")
    return department_scope(user, qs, "front_department", "assigned_department")


def contact_orders_visible_to(user):
    qs = ContactOrder.objects.select_related("from_department", "to_department")
    return department_scope(user, qs, "from_department", "to_department")


def special_orders_visible_to(user):
    qs = SpecialOrder.objects.select_related("step", "step__department", "step__order", "requested_by")
    return department_scope(user, qs, "step__department", "step__order__front_department")


# --- R1.11, R1.13, R1.7, R1.15, R1.16, R1.17, R1.18: work around the orders (pages and API) ---


def phone_dispatches_visible_to(user):
    """R1.11: the Center (and the read-all roles) see every phone dispatch; a department its own calls."""
    qs = PhoneDispatch.objects.select_related("department", "recorded_by", "order")
    return department_scope(user, qs, "department").order_by("-phoned_at", "-id")


def contact_orders_for(user, box: str = ""):
    """R1.13: "sent" (my department's), "received" (to my department), or both; earliest feedback time first."""
    qs = contact_orders_visible_to(user)
    if box == "sent":
        qs = qs.filter(from_department=user.department_id)
    elif box == "received":
        qs = qs.filter(to_department=user.department_id)
    return qs.order_by("feedback_due_at", "id")


def expansion_requests_visible_to(user):
    """R1.15: 网络监控中心 (raises), 网络管理部 (plans) and the Center see all; a front department its orders'."""
    qs = ExpansionRequest.objects.select_related("order", "order__front_department", "order__customer", "raised_by")
    qs = qs.order_by("-created_at", "-id")
    if reads_everything(user) or getattr(user.department, "code", "") in (Dept.NMC, Dept.NETMGMT):
        return qs if user.is_authenticated else qs.none()
    if not user.is_authenticated or not user.department_id:
        return qs.none()
    return qs.filter(order__front_department=user.department_id)


def recovery_entries_visible_to(user):
    """R1.16: the recovery ledger: the Center sees all; a department the entries of orders it works or raised."""
    qs = RecoveryEntry.objects.select_related("order", "order__front_department").order_by("-recovered_at", "-id")
    if reads_everything(user):
        return qs
    if not user.is_authenticated or not user.department_id:
        return qs.none()
    has_step = Exists(WorkStep.objects.filter(order=OuterRef("order_id"), department=user.department_id))
    return qs.filter(Q(order__front_department=user.department_id) | has_step)


def build_decisions_visible_to(user):
    """R1.18: the raising department, 网络建设部 (estimates), 市场拓展部 (decides) and the Center."""
    qs = BuildDecision.objects.select_related("created_by", "created_by__department", "decided_by").order_by("-id")
    if reads_everything(user) or getattr(user.department, "code", "") in (Dept.NETBUILD, Dept.MARKET):
        return qs if user.is_authenticated else qs.none()
    if not user.is_authenticated or not user.department_id:
        return qs.none()
    return qs.filter(created_by__department=user.department_id)


# --- One way to find a record (issue 12 §2) ---------------------------------------------------------
# ``get_<record>_for(user, pk, *, for_write=False)``: the record from the person's visible ones, else
# core.errors.NotFound (404), whether it does not exist or is outside their scope; ``for_write``
# locks its row (inside a transaction). The order's, with what its page shows, is ``get_order_for``.


def _get_for(visible_to):
    def get_for(user, pk, *, for_write: bool = False):
        return visible_record(visible_to(user), pk, for_write=for_write)

    get_for.__doc__ = f"The record ``pk`` of ``{visible_to.__name__}(user)``; NotFound (404) otherwise."
    return get_for


get_step_for = _get_for(steps_visible_to)
get_requisition_for = _get_for(requisitions_visible_to)
get_contact_order_for = _get_for(contact_orders_visible_to)
get_special_order_for = _get_for(special_orders_visible_to)
get_phone_dispatch_for = _get_for(phone_dispatches_visible_to)
get_expansion_request_for = _get_for(expansion_requests_visible_to)
get_recovery_entry_for = _get_for(recovery_entries_visible_to)
get_build_decision_for = _get_for(build_decisions_visible_to)


def handover_required(order: Order) -> list[str]:
    """R1.20: big-customer circuits need a circuit test report and the customer's sign-off (网络监控中心);
    fibre leases a fibre test report (线路维护中心)."""
    departments = {s.department.code for s in order.steps.all()}
    kinds: list[str] = []
    if Dept.NMC in departments and order.is_key_customer:
        kinds += [Attachment.Kind.CIRCUIT_TEST, Attachment.Kind.CUSTOMER_SIGNOFF]
    if Dept.LINE in departments and order.business_type.is_fibre_lease:
        kinds.append(Attachment.Kind.FIBRE_TEST)
    return kinds


def handover_evidence_missing(order: Order) -> list[str]:
    """R1.20: the hand-over evidence the order still lacks."""
    kinds = {a.kind for a in order.attachments.all()}
    return [k for k in handover_required(order) if k not in kinds]


def unused_circuits(*, as_of: date | None = None):
    """R1.17: circuits still unused three months or more after opening, with the department that raised them."""
    as_of = as_of or timezone.localdate()
    cutoff = as_of - timedelta(days=91)
    return (
        Order.objects.select_related("service", "front_department", "customer")
        .filter(
            service__isnull=False,
            service__state="active",
            service__activated_on__lte=cutoff,
            circuit_first_used_on__isnull=True,
            # Issue 14 §1: the orders that opened the circuit, not those that changed or end it.
            business_type__is_change=False,
            business_type__is_decommission=False,
        )
        .order_by("front_department__code", "service__activated_on")
    )


def unused_circuits_visible_to(user, *, as_of: date | None = None):
    """R1.17 list: the Center, managers and auditors (who also read the monthly report, R1.22) see every
    department's unused circuits; a front-office order admin or leader those their department raised.
    ``None`` for anyone else (403)."""
    if reads_everything(user) or reads_reports(user):
        return unused_circuits(as_of=as_of)
    if user.is_authenticated and user.department_id and user.department.side == Department.Side.FRONT:
        if has_role_in(user, [Role.FRONT_ADMIN, Role.LEADER], user.department):
            return unused_circuits(as_of=as_of).filter(front_department=user.department_id)
    return None


def restricted_site_pending(user):
    """R1.19: restricted-site orders whose workers' names were not sent yet (a checklist item)."""
    return orders_visible_to(user).filter(
        is_restricted_site=True, worker_names_sent_at__isnull=True, state__in=Order.OPEN_STATES
    )


def time_left(due_at):
    if due_at is None:
        return None
    return due_at - timezone.now()
