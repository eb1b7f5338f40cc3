"""Pages of the responses app (Simplified Chinese by default). Every write calls a service;
what a person sees comes from ``selectors`` (department scope)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.access import has_role_in, is_center, is_read_only, reads_everything
from accounts.models import Department
from accounts.roles import Role
from sla.models import AuditEntry
from sla.selectors import deadlines_of

from . import selectors, services
from .models import Attachment, BusinessType, Order, SpecialOrder, WorkStep

PAGE_SIZE = 50


class OrderForm(forms.ModelForm):
    attachment = forms.FileField(label=gettext_lazy("Attachment"), required=False)
    confirm_over_quota = forms.BooleanField(label=gettext_lazy("Submit although over the quota"), required=False)

    class Meta:
        model = Order
        fields = list(services.ORDER_FIELDS)
        widgets = {
            "requested_completion_at": forms.DateTimeInput(attrs={"type": "datetime-local"}),
            "description": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["business_type"].queryset = BusinessType.objects.order_by("name")
        self.fields["requisition"].queryset = selectors.requisitions_visible_to(user)
        for name in ("location", "contact_person", "contact_phone"):
            self.fields[name].required = False  # the service names what is missing (R1.1)


def _order_or_403(user, pk) -> Order:
    try:
        return selectors.order_detail(user, pk)
    except Order.DoesNotExist:
        if Order.objects.filter(pk=pk).exists():
            raise PermissionDenied from None
        raise Http404 from None


@login_required
def order_list(request):
    """My department's orders (front office); everything visible to the Center and viewers."""
    user = request.user
    qs = selectors.order_list(user)
    state = request.GET.get("state")
    if state:
        qs = qs.filter(state=state)
    if request.GET.get("overdue") == "1":
        qs = qs.filter(due_at__lt=timezone.now(), state__in=Order.OPEN_STATES)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "title": _("Orders"),
        "states": Order.State.choices,
        "state": state,
        "awaiting_confirmation": selectors.orders_awaiting_confirmation(user)[:50]
        if user.has_role(Role.FRONT_ADMIN)
        else [],
        "awaiting_signoff": selectors.orders_awaiting_signoff(user)[:50] if user.has_role(Role.LEADER) else [],
        "can_create": has_role_in(user, [Role.FRONT_ADMIN], None),
        "now": timezone.now(),
    }
    return render(request, "responses/order_list.html", context)


@login_required
def order_new(request):
    user = request.user
    if not has_role_in(user, [Role.FRONT_ADMIN], None) or not user.department_id or user.department.side != "front":
        raise PermissionDenied
    form = OrderForm(request.POST or None, request.FILES or None, user=user)
    warning = None
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in services.ORDER_FIELDS}
        submit = "submit" in request.POST
        usage = services.quota_usage(department=user.department, adding=data.get("level"))
        over = (data.get("level") == "A" and usage.a_over) or (data.get("level") == "B" and usage.b_over)
        if submit and over and not form.cleaned_data.get("confirm_over_quota"):
            # R1.4: warn before an over-quota submission.
            warning = _(
                "This order is over the monthly quota for level %(level)s: it will be served at its level "
                "but assessed one level down. Tick the box to submit anyway."
            ) % {"level": data["level"]}
        else:
            try:
                with transaction.atomic():
                    order = services.order_create(by=user, data=data)
                    if form.cleaned_data.get("attachment"):
                        services.attachment_add(order=order, by=user, file=form.cleaned_data["attachment"])
                    if submit:
                        order = services.order_submit(order=order, by=user)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(request, _("Order %(n)s saved.") % {"n": order.number or order.pk})
                return redirect("responses:detail", pk=order.pk)
    usage = services.quota_usage(department=user.department)
    return render(request, "responses/order_form.html", {"form": form, "usage": usage, "warning": warning})


def _timeline(order: Order, steps) -> list[AuditEntry]:
    cts = ContentType.objects.get_for_models(Order, WorkStep, SpecialOrder)
    special_ids = [s.pk for step in steps for s in step.special_orders.all()]
    condition = (
        Q(content_type=cts[Order], object_id=order.pk)
        | Q(content_type=cts[WorkStep], object_id__in=[s.pk for s in steps])
        | Q(content_type=cts[SpecialOrder], object_id__in=special_ids)
    )
    entries = list(AuditEntry.objects.filter(condition).select_related("actor", "content_type").order_by("at", "id"))
    states = {
        cts[Order].pk: dict(Order.State.choices),
        cts[WorkStep].pk: dict(WorkStep.State.choices),
        cts[SpecialOrder].pk: dict(SpecialOrder.State.choices),
    }
    for entry in entries:
        names = states[entry.content_type_id]
        entry.label = TRANSITION_LABELS.get(entry.transition, entry.transition)
        entry.from_label = names.get(entry.from_state, entry.from_state)
        entry.to_label = names.get(entry.to_state, entry.to_state)
    return entries


TRANSITION_LABELS = {
    "create": gettext_lazy("Created"),
    "submit": gettext_lazy("Submitted"),
    "submit_for_signoff": gettext_lazy("Submitted for sign-off"),
    "sign": gettext_lazy("Signed off"),
    "accept": gettext_lazy("Accepted"),
    "return_for_clarification": gettext_lazy("Returned for clarification"),
    "dispatch": gettext_lazy("Dispatched"),
    "return_": gettext_lazy("Returned (回单)"),
    "complete": gettext_lazy("Completed (报竣)"),
    "confirm": gettext_lazy("Confirmed"),
    "auto_confirm": gettext_lazy("Confirmed automatically"),
    "archive": gettext_lazy("Archived"),
    "cancel": gettext_lazy("Cancelled"),
    "attach": gettext_lazy("Attachment added"),
    "note": gettext_lazy("Mediation note"),
    "no_resources": gettext_lazy("No resources, new build"),
    "approve": gettext_lazy("Special order approved"),
    "reject": gettext_lazy("Special order rejected"),
    "close": gettext_lazy("Special order closed"),
    "pause": gettext_lazy("Paused"),
    "resume": gettext_lazy("Resumed"),
    "special_order_requested": gettext_lazy("Special order requested"),
    "worker_names": gettext_lazy("Workers' names sent"),
    "request": gettext_lazy("Special order requested"),
}


@login_required
def order_detail(request, pk):
    user = request.user
    order = _order_or_403(user, pk)
    steps = list(order.steps.all().prefetch_related("special_orders"))
    deadlines = list(deadlines_of(order))
    step_deadlines = {}
    for step in steps:
        step_deadlines[step.pk] = list(deadlines_of(step))
    writable = not is_read_only(user)
    context = {
        "order": order,
        "steps": steps,
        "deadlines": deadlines,
        "step_deadlines": step_deadlines,
        "timeline": _timeline(order, steps),
        "now": timezone.now(),
        "is_front_admin": writable and has_role_in(user, [Role.FRONT_ADMIN], order.front_department),
        "is_leader": writable and has_role_in(user, [Role.LEADER], order.front_department),
        "is_dispatcher": writable and is_center(user) and has_role_in(user, [Role.DISPATCHER], None),
        "my_dept_id": user.department_id if writable else None,
        "back_departments": Department.objects.filter(side=Department.Side.BACK),
        "attachment_kinds": Attachment.Kind.choices,
        "missing_evidence": [Attachment.Kind(k).label for k in selectors.handover_evidence_missing(order)],
        "special_requested": [
            s for step in steps for s in step.special_orders.all() if s.state == SpecialOrder.State.REQUESTED
        ],
    }
    return render(request, "responses/order_detail.html", context)


ORDER_ACTIONS = {
    "submit": services.order_submit,
    "sign": services.order_sign,
    "accept": services.order_accept,
    "confirm": services.order_confirm,
    "cancel": services.order_cancel,
    "archive": services.order_archive,
    "no-resources": services.order_mark_no_resources,
}


def _run(request, fn, **kwargs):
    try:
        fn(by=request.user, **kwargs)
    except ValidationError as exc:
        for errors in getattr(exc, "message_dict", {"": exc.messages}).values():
            for error in errors:
                messages.error(request, error)
        return False
    return True


@require_POST
@login_required
def order_action(request, pk, name):
    order = _order_or_403(request.user, pk)
    if name == "clarify":
        ok = _run(request, services.order_return_for_clarification, order=order, reason=request.POST.get("reason", ""))
    elif name == "dispatch":
        departments = {d.code: d for d in Department.objects.filter(side=Department.Side.BACK)}
        codes, titles = request.POST.getlist("department"), request.POST.getlist("title")
        steps = [
            (departments[c], t or departments[c].name_zh)
            for c, t in zip(codes, titles, strict=False)
            if c in departments
        ]
        ok = _run(request, services.order_dispatch, order=order, steps=steps)
    elif name == "notes":
        ok = _run(request, services.order_add_notes, order=order, notes=request.POST.get("notes", ""))
    elif name == "attach":
        if "file" not in request.FILES:
            messages.error(request, _("Choose a file."))
            ok = False
        else:
            ok = _run(
                request,
                services.attachment_add,
                order=order,
                file=request.FILES["file"],
                kind=request.POST.get("kind", Attachment.Kind.GENERAL),
            )
    elif name in ORDER_ACTIONS:
        ok = _run(request, ORDER_ACTIONS[name], order=order)
    else:
        raise Http404
    if ok:
        messages.success(request, _("Action carried out."))
    return redirect("responses:detail", pk=order.pk)


@require_POST
@login_required
def step_action(request, pk, name):
    try:
        step = selectors.steps_visible_to(request.user).get(pk=pk)
    except WorkStep.DoesNotExist:
        if WorkStep.objects.filter(pk=pk).exists():
            raise PermissionDenied from None
        raise Http404 from None
    if name == "accept":
        ok = _run(request, services.step_accept, step=step)
    elif name == "return":
        raw = request.POST.get("finished_at") or ""
        finished = parse_datetime(raw) if raw else None
        if finished is not None and timezone.is_naive(finished):
            finished = timezone.make_aware(finished)
        ok = _run(
            request,
            services.step_return,
            step=step,
            finished_at=finished,
            unfinished=bool(request.POST.get("unfinished")),
            obstruction=bool(request.POST.get("obstruction")),
            comment=request.POST.get("comment", ""),
        )
    elif name == "special-order":
        ok = _run(request, services.special_order_request, step=step, reason=request.POST.get("reason", ""))
    elif name == "worker-names":
        ok = _run(request, services.order_send_worker_names, order=step.order, names=request.POST.get("names", ""))
    else:
        raise Http404
    if ok:
        messages.success(request, _("Action carried out."))
    return redirect(request.POST.get("next") or "responses:queue")


@require_POST
@login_required
def special_action(request, pk, name):
    special = selectors.special_orders_visible_to(request.user).filter(pk=pk).first()
    if special is None:
        raise PermissionDenied
    fn = {
        "approve": services.special_order_approve,
        "reject": services.special_order_reject,
        "close": services.special_order_close,
    }.get(name)
    if fn is None:
        raise Http404
    if _run(request, fn, special=special):
        messages.success(request, _("Action carried out."))
    return redirect("responses:detail", pk=special.step.order_id)


@login_required
def center_incoming(request):
    """The Center's incoming orders: submitted, awaiting sign-off, accepted but not dispatched."""
    if not reads_everything(request.user):
        raise PermissionDenied
    page = Paginator(selectors.center_incoming(), PAGE_SIZE).get_page(request.GET.get("page"))
    specials = selectors.special_orders_visible_to(request.user).filter(state=SpecialOrder.State.REQUESTED)[:50]
    return render(
        request,
        "responses/center.html",
        {"page": page, "specials": specials, "now": timezone.now(), "title": _("Center: incoming orders")},
    )


@login_required
def queue(request):
    """Back office: my department's open steps, key orders first, then by time left."""
    user = request.user
    if not (reads_everything(user) or has_role_in(user, [Role.BACK_MEMBER, Role.BACK_ADMIN], None)):
        raise PermissionDenied
    page = Paginator(selectors.step_queue(user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "responses/queue.html", {"page": page, "now": timezone.now()})


# --- R1.22 monthly response report (月响应通报) ----------------------------------------------


def _report_allowed(user) -> None:
    """The same people as the overdue dashboard (``sla.views.DASHBOARD_ROLES``)."""
    from sla.views import DASHBOARD_ROLES

    if not (user.is_superuser or user.has_role(*DASHBOARD_ROLES)):
        raise PermissionDenied


@login_required
def month_report(request):
    """R1.22 on screen: one table per section, a month picker and the Excel export."""
    from .exports import report_tables

    _report_allowed(request.user)
    value = request.GET.get("month", "")
    try:
        month = selectors.report_month(value)
    except ValueError:
        context = {"month_value": value, "error": _("Enter the month as YYYY-MM.")}
        return render(request, "responses/report.html", context, status=400)
    report = selectors.month_report(year=month.year, month=month.month)
    context = {"report": report, "tables": report_tables(report), "month_value": f"{month:%Y-%m}"}
    return render(request, "responses/report.html", context)


@login_required
def month_report_export(request):
    """R1.22 as an Excel file, one sheet per section."""
    from django.http import HttpResponse, HttpResponseBadRequest

    from .exports import report_workbook

    _report_allowed(request.user)
    try:
        month = selectors.report_month(request.GET.get("month", ""))
    except ValueError:
        return HttpResponseBadRequest(_("Enter the month as YYYY-MM."))
    report = selectors.month_report(year=month.year, month=month.month)
    response = HttpResponse(
        report_workbook(report), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="month-report-{month:%Y-%m}.xlsx"'
    return response
