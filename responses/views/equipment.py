"""R1.14 equipment needs: the order page's block (enter, remove, deliver, the purchase list, the
procurement overtime), the half-monthly totals page and its Excel file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.actions import available_actions
from core.lookups import visible_record
from core.views import run_action
from org.access import AuthenticatedRequest, is_center_dispatcher

from .. import rules, selectors, services
from ..equipment_export import equipment_workbook
from ..forms import EquipmentNeedForm
from ..models import EquipmentNeed, EquipmentReport, Order
from .common import Actions, page_of, run_named_action


def order_side_context(order: Order, user, steps) -> dict:
    """What the order page's side blocks (equipment, circuit, agreement) need: one line in
    ``orders.order_detail``. Each need and each step carries its buttons (``responses.rules``)."""
    needs = list(order.equipment_needs.all())
    for need in needs:
        need.may_deliver = rules.is_netbuild_member(need, user) and rules.can_deliver_need(need)  # type: ignore[attr-defined]
    for step in steps:
        step.may_charge = rules.may_charge_procurement(step, user) and rules.can_charge_procurement(step)
    return {
        "equipment_needs": needs,
        "side_may": available_actions(order, user, rules.EQUIPMENT_BUTTONS),
        "equipment_form": EquipmentNeedForm(),
        "charge_steps": [s for s in steps if getattr(s, "may_charge", False)],
        "agreement_clauses": [
            (getattr(order, name), Order._meta.get_field(name).verbose_name) for name in services.AGREEMENT_CLAUSES
        ],
    }


def _add(request: AuthenticatedRequest, order: Order) -> bool:
    form = EquipmentNeedForm(request.POST)
    if not form.is_valid() or not form.cleaned_data.get("item"):
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        if form.is_valid():
            messages.error(request, _("Choose an item from the list."))
        return False
    data = form.cleaned_data
    return run_action(
        request,
        services.equipment_need_add,
        order=order,
        by=request.user,
        item=data["item"],
        quantity=data["quantity"],
        note=data.get("note", ""),
    )


def _purchase_list(request: AuthenticatedRequest, order: Order) -> bool:
    return run_action(request, services.purchase_list_send, order=order, by=request.user)


ORDER_EQUIPMENT_ACTIONS: Actions = {"add": _add, "purchase-list": _purchase_list}


@require_POST
@login_required
def equipment_order_action(request: AuthenticatedRequest, pk: int, name: str) -> HttpResponse:
    order = selectors.get_order_for(request.user, pk)
    run_named_action(request, ORDER_EQUIPMENT_ACTIONS, name, order)
    return redirect("responses:detail", pk=order.pk)


NEED_ACTIONS: Actions = {
    "remove": lambda request, need: run_action(request, services.equipment_need_remove, need=need, by=request.user),
    "deliver": lambda request, need: run_action(request, services.equipment_need_deliver, need=need, by=request.user),
}


@require_POST
@login_required
def equipment_need_action(request: AuthenticatedRequest, pk: int, name: str) -> HttpResponse:
    need = visible_record(selectors.equipment_needs_visible_to(request.user), pk)
    run_named_action(request, NEED_ACTIONS, name, need)
    if request.POST.get("back") == "order":
        return redirect("responses:detail", pk=need.order_id)
    return redirect("responses:equipment-list")


@require_POST
@login_required
def step_procurement_overtime(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """R1.14: the Center charges a step's overtime to 网络建设部 (equipment delivered late)."""
    step = selectors.get_step_for(request.user, pk)
    if run_action(request, services.step_charge_procurement_overtime, step=step, by=request.user):
        messages.success(request, _("Action carried out."))
    return redirect("responses:detail", pk=step.order_id)


def _reports_for(user):
    reports = selectors.equipment_reports_visible_to(user)
    if reports is None:
        raise PermissionDenied
    return reports


@login_required
def equipment_reports(request: AuthenticatedRequest) -> HttpResponse:
    """R1.14: what the next half-monthly report would total, and the reports sent to 网络建设部; the
    Center may send the totals now (the beat task sends them on the 1st and the 16th)."""
    user = request.user
    reports = _reports_for(user)
    may_send = is_center_dispatcher(user)
    if request.method == "POST":
        if not may_send:
            raise PermissionDenied
        report = services.equipment_send_half_month()
        messages.success(request, _("Equipment totals sent to 网络建设部 (%(n)s items).") % {"n": len(report.totals)})
        return redirect("responses:equipment-list")
    kind = request.GET.get("kind", "")
    if kind in EquipmentReport.Kind.values:
        reports = reports.filter(kind=kind)
    page, query = page_of(request, reports)
    pending = [(EquipmentNeed.Item(k).label, v) for k, v in selectors.equipment_pending_totals().items()]
    undelivered = selectors.equipment_needs_visible_to(user).filter(sent_at__isnull=False, delivered_at__isnull=True)
    context = {
        "page": page,
        "query": query,
        "kind": kind,
        "kinds": EquipmentReport.Kind.choices,
        "pending": pending,
        "may_send": may_send,
        "undelivered": undelivered.select_related("order")[:100],
        "may_deliver": rules.is_netbuild_member(None, user),
        "items": dict(EquipmentNeed.Item.choices),
    }
    return render(request, "responses/equipment_list.html", context)


@login_required
def equipment_report_export(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """R1.14: one report as an Excel file (its totals, then its lines order by order)."""
    report = visible_record(_reports_for(request.user), pk)
    response = HttpResponse(
        equipment_workbook(report), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="equipment-{report.pk}-{report.created_at:%Y%m%d}.xlsx"'
    return response
