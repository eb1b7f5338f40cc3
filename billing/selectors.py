"""Reads of billing."""

from django.db.models import Q

from core.lookups import visible_record
from org.access import reads_everything
from org.models import Department
from org.roles import Dept

from .models import (
    Adjustment,
    ArrearsCase,
    BillRun,
    Customer,
    Invoice,
    Partner,
    Service,
    ServiceWorkOrder,
    SettlementStatement,
)


def may_see_billing(user) -> bool:
    """Bill runs and invoices: IT Management, and the read-all roles (managers, auditors, the Center)."""
    if not user.is_authenticated or not user.is_active:
        return False
    return reads_everything(user) or (user.department is not None and user.department.code == Dept.IT)


def customers_for(user):
    """Customers: the front office (it orders for any customer: none belongs to a department),
    billing and the read-all roles."""
    qs = Customer.objects.order_by("name", "id")
    front = user.is_authenticated and user.department_id and user.department.side == Department.Side.FRONT
    if front or may_see_billing(user):
        return qs
    return qs.none()


def bill_runs_for(user):
    qs = BillRun.objects.select_related("operator", "checked_by", "verified_by", "reviewed_by")
    return qs if may_see_billing(user) else qs.none()


def get_bill_run_for(user, pk, *, for_write: bool = False) -> BillRun:
    """The run ``pk`` if ``user`` may see billing, else ``NotFound`` (404 ``not_found``, issue 12 §2)."""
    return visible_record(bill_runs_for(user), pk, for_write=for_write)


def invoices_for(user):
    qs = Invoice.objects.select_related("customer", "run").prefetch_related("lines")
    return qs if may_see_billing(user) else qs.none()


def get_invoice_for(user, pk) -> Invoice:
    return visible_record(invoices_for(user), pk)


def services_for(user):
    qs = Service.objects.select_related("customer")
    return qs if user.is_authenticated and user.is_active else qs.none()


def arrears_for(user):
    qs = ArrearsCase.objects.select_related("customer").prefetch_related("work_orders__department")
    return qs if may_see_billing(user) else qs.none()


def get_arrears_case_for(user, pk, *, for_write: bool = False) -> ArrearsCase:
    return visible_record(arrears_for(user), pk, for_write=for_write)


def may_see_work_orders(user) -> bool:
    """B4.5: the work-order queue: whoever sees billing, and the back office that does the work (网络监控中心)."""
    return may_see_billing(user) or (
        user.is_authenticated and user.is_active and getattr(user.department, "code", "") == Dept.NMC
    )


def work_orders_for(user):
    """Restriction and restore work orders: those of the person's department, or all of them for
    whoever sees billing; open and accepted first, oldest first."""
    qs = ServiceWorkOrder.objects.select_related("case__customer", "department", "accepted_by", "done_by")
    if may_see_billing(user):
        return qs
    if user.is_authenticated and user.is_active and user.department_id:
        return qs.filter(department_id=user.department_id)
    return qs.none()


def get_work_order_for(user, pk, *, for_write: bool = False) -> ServiceWorkOrder:
    return visible_record(work_orders_for(user), pk, for_write=for_write)


def adjustments_for(user):
    """B4.4: adjustments, seen where invoices are (IT Management and the read-all roles)."""
    qs = Adjustment.objects.select_related(
        "customer", "service", "corrects", "applied_to", "requested_by", "decided_by"
    )
    return qs.order_by("-created_at", "-pk") if may_see_billing(user) else qs.none()


def get_adjustment_for(user, pk, *, for_write: bool = False) -> Adjustment:
    return visible_record(adjustments_for(user), pk, for_write=for_write)


def statements_for(user):
    """B4.3: settlement statements, seen where invoices are; newest month first, then by partner."""
    qs = SettlementStatement.objects.select_related("partner", "run").order_by("-period", "partner__code", "-pk")
    return qs if may_see_billing(user) else qs.none()


def get_statement_for(user, pk) -> SettlementStatement:
    return visible_record(statements_for(user), pk)


def partners_for(user):
    """B4.3: the partners settled monthly (agents, content providers, channels), for whoever sees billing."""
    qs = Partner.objects.order_by("code", "pk")
    return qs if may_see_billing(user) else qs.none()


def get_partner_for(user, pk) -> Partner:
    return visible_record(partners_for(user), pk)


def get_service_for(user, pk) -> Service:
    """The circuit ``pk`` (issue 14 §1) as ``user`` may see it, else ``NotFound`` (404)."""
    return visible_record(services_for(user), pk)


def circuits_search(user, query: str = "", customer=None):
    """Issue 14 §1: circuits by circuit number or customer name (or customer number), optionally
    of one customer; whoever may see services."""
    qs = services_for(user).order_by("code")
    query = (query or "").strip()
    if query:
        qs = qs.filter(Q(code__icontains=query) | Q(customer__name__icontains=query) | Q(customer__code=query))
    if customer:
        qs = qs.filter(customer_id=customer)
    return qs


def circuit_history(service: Service) -> dict:
    """Issue 14 §1: a circuit's history — its changes, the orders that named it, its fault tickets
    and its invoices. Orders and faults are read through the app registry: billing does not import
    the apps above it."""
    from django.apps import apps

    orders = (
        apps.get_model("responses", "Order")
        .objects.filter(service=service)
        .select_related("business_type", "front_department")
        .order_by("-created_at", "-id")[:50]
    )
    faults = apps.get_model("faults", "FaultTicket").objects.filter(service=service).order_by("-id")[:50]
    invoices = (
        Invoice.objects.filter(lines__service=service).exclude(state=Invoice.State.VOID).distinct().order_by("-period")
    )
    return {
        "changes": list(service.changes.order_by("on", "id")),
        "orders": list(orders),
        "faults": list(faults),
        "invoices": list(invoices[:36]),
    }
