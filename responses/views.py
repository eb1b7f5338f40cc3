"""Pages of the responses app (Simplified Chinese by default). Every write calls a service;
what a person sees comes from ``selectors`` (department scope)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F, Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.access import (
    has_role_in,
    is_center_dispatcher,
    is_read_only,
    reads_everything,
    reads_reports,
    works_in_back_office,
)
from accounts.models import Department
from accounts.roles import Role
from core.views import form_action, run_action
from sla.calendars import WorkingCalendar
from sla.models import AuditEntry
from sla.selectors import deadlines_of, deadlines_of_each
from sla.validators import SaneDatesFormMixin, sane_date

from . import selectors, services
from .exports import report_tables, report_workbook
from .forms import (
    BuildDecisionForm,
    ContactOrderForm,
    CostForm,
    ExpansionPlanForm,
    ExpansionRaiseForm,
    PhoneDispatchForm,
    QuarterForm,
    RecoveryEntryForm,
    ReplyForm,
    RequisitionAnswerForm,
    RequisitionForm,
)
from .models import (
    Attachment,
    BuildDecision,
    BusinessType,
    ContactOrder,
    ExpansionRequest,
    Order,
    PhoneDispatch,
    RecoveryEntry,
    Requisition,
    SpecialOrder,
    WorkStep,
)

PAGE_SIZE = 50


class OrderForm(SaneDatesFormMixin, forms.ModelForm):
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
        # Only the user's own department's requisitions may be named (issue 11; the service re-checks).
        self.fields["requisition"].queryset = selectors.requisitions_visible_to(user).filter(
            front_department_id=getattr(user, "department_id", None)
        )
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
        # Labels for the template, set on the instances it is given.
        entry.label = TRANSITION_LABELS.get(entry.transition, entry.transition)  # type: ignore[attr-defined]
        entry.from_label = names.get(entry.from_state, entry.from_state)  # type: ignore[attr-defined]
        entry.to_label = names.get(entry.to_state, entry.to_state)  # type: ignore[attr-defined]
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
    step_deadlines = deadlines_of_each(steps)
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
        "is_dispatcher": is_center_dispatcher(user),
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


@require_POST
@login_required
def order_action(request, pk, name):
    order = _order_or_403(request.user, pk)
    if name == "clarify":
        ok = run_action(
            request,
            services.order_return_for_clarification,
            by=request.user,
            order=order,
            reason=request.POST.get("reason", ""),
        )
    elif name == "dispatch":
        departments = {d.code: d for d in Department.objects.filter(side=Department.Side.BACK)}
        codes, titles = request.POST.getlist("department"), request.POST.getlist("title")
        steps = [
            (departments[c], t or departments[c].name_zh)
            for c, t in zip(codes, titles, strict=False)
            if c in departments
        ]
        ok = run_action(request, services.order_dispatch, by=request.user, order=order, steps=steps)
    elif name == "notes":
        ok = run_action(
            request, services.order_add_notes, by=request.user, order=order, notes=request.POST.get("notes", "")
        )
    elif name == "attach":
        if "file" not in request.FILES:
            messages.error(request, _("Choose a file."))
            ok = False
        else:
            ok = run_action(
                request,
                services.attachment_add,
                by=request.user,
                order=order,
                file=request.FILES["file"],
                kind=request.POST.get("kind", Attachment.Kind.GENERAL),
            )
    elif name in ORDER_ACTIONS:
        ok = run_action(request, ORDER_ACTIONS[name], by=request.user, order=order)
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
        ok = run_action(request, services.step_accept, by=request.user, step=step)
    elif name == "return":
        raw = request.POST.get("finished_at") or ""
        try:
            finished = parse_datetime(raw) if raw else None
            if finished is not None and timezone.is_naive(finished):
                finished = timezone.make_aware(finished)
            sane_date(finished)
        except (ValueError, ValidationError) as exc:  # e.g. 2026-02-30, or year 0114
            message = exc.messages[0] if isinstance(exc, ValidationError) else _("Enter a valid date/time.")
            messages.error(request, message)
            ok = False
        else:
            ok = run_action(
                request,
                services.step_return,
                by=request.user,
                step=step,
                finished_at=finished,
                unfinished=bool(request.POST.get("unfinished")),
                obstruction=bool(request.POST.get("obstruction")),
                comment=request.POST.get("comment", ""),
            )
    elif name == "special-order":
        ok = run_action(
            request, services.special_order_request, by=request.user, step=step, reason=request.POST.get("reason", "")
        )
    elif name == "worker-names":
        ok = run_action(
            request,
            services.order_send_worker_names,
            by=request.user,
            order=step.order,
            names=request.POST.get("names", ""),
        )
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
    if run_action(request, fn, by=request.user, special=special):
        messages.success(request, _("Action carried out."))
    return redirect("responses:detail", pk=special.step.order_id)


# --- work around the orders: R1.11 phone dispatch, R1.13 contact orders, R1.7 requisitions, --------
# --- R1.18 build decisions, R1.15 expansion requests, R1.16 recovery ledger, R1.17 unused circuits ---


def _page_of(request, qs):
    """A page of ``qs`` and the query string without ``page`` (so the pager keeps the filters)."""
    query = request.GET.copy()
    query.pop("page", None)
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")), query.urlencode()


def _visible_or_403(qs, model, pk):
    obj = qs.filter(pk=pk).first()
    if obj is None:
        if model.objects.filter(pk=pk).exists():
            raise PermissionDenied
        raise Http404
    return obj


# --- R1.11 phone dispatch and backfill ---------------------------------------------------


@login_required
def phone_dispatches(request):
    """R1.11: the Center records night / rest-day phone dispatches; the calling department backfills them
    by the next working day."""
    user = request.user
    may_record = is_center_dispatcher(user)
    form = PhoneDispatchForm(request.POST or None) if may_record else None
    if request.method == "POST":
        if not may_record:
            raise PermissionDenied
        if form.is_valid():
            pd = form_action(form, services.phone_dispatch_record, by=user, **form.cleaned_data)
            if pd is not None:
                messages.success(request, _("Phone dispatch recorded; the department backfills the order."))
                return redirect("responses:phone-list")
    qs = selectors.phone_dispatches_visible_to(user)
    if request.GET.get("pending") == "1":
        qs = qs.filter(order__isnull=True)
    page, query = _page_of(request, qs)
    calendar = WorkingCalendar()
    today = timezone.localdate()
    for pd in page:
        pd.backfill_by = calendar.next_workday(timezone.localtime(pd.phoned_at).date())
        pd.backfill_late = pd.order_id is None and today > pd.backfill_by
    context = {
        "page": page,
        "query": query,
        "form": form,
        "backfill_department_id": user.department_id if has_role_in(user, [Role.FRONT_ADMIN], None) else None,
    }
    return render(request, "responses/phone_list.html", context)


@login_required
def phone_backfill(request, pk):
    """R1.11: the new-order form pre-filled from the phone dispatch; the order's clock starts at the phone time."""
    user = request.user
    pd = _visible_or_403(selectors.phone_dispatches_visible_to(user), PhoneDispatch, pk)
    if not has_role_in(user, [Role.FRONT_ADMIN], pd.department):
        raise PermissionDenied
    if pd.order_id and request.method != "POST":
        messages.info(request, _("This phone dispatch was already backfilled."))
        return redirect("responses:detail", pk=pd.order_id)
    initial = {"description": pd.summary, "is_emergency": True, "contact_person": pd.caller}
    form = OrderForm(request.POST or None, request.FILES or None, user=user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k in services.ORDER_FIELDS}
        order = form_action(
            form,
            services.order_backfill,
            phone_dispatch=pd,
            by=user,
            data=data,
            attachment=form.cleaned_data.get("attachment"),
        )
        if order is not None:
            messages.success(request, _("Order %(n)s backfilled.") % {"n": order.number})
            return redirect("responses:detail", pk=order.pk)
    return render(request, "responses/backfill_form.html", {"form": form, "pd": pd})


# --- R1.13 work contact orders -----------------------------------------------------------


@login_required
def contact_orders(request):
    """R1.13: my department's contact orders, sent or received; late ones marked."""
    user = request.user
    box = request.GET.get("box") if request.GET.get("box") in ("sent", "received") else ""
    qs = selectors.contact_orders_for(user, box)
    now = timezone.now()
    if request.GET.get("late") == "1":
        qs = qs.filter(
            Q(state=ContactOrder.State.OPEN, feedback_due_at__lt=now)
            | Q(state=ContactOrder.State.ANSWERED, answered_at__gt=F("feedback_due_at"))
        )
    page, query = _page_of(request, qs)
    context = {
        "page": page,
        "query": query,
        "box": box,
        "now": now,
        "may_write": bool(user.department_id) and not is_read_only(user),
        "reply_form": ReplyForm(),
    }
    return render(request, "responses/contact_list.html", context)


@login_required
def contact_new(request):
    user = request.user
    if not user.department_id or is_read_only(user):
        raise PermissionDenied
    form = ContactOrderForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        contact = form_action(form, services.contact_order_create, by=user, **form.cleaned_data)
        if contact is not None:
            messages.success(request, _("Contact order sent."))
            return redirect(f"{reverse('responses:contact-list')}?box=sent")
    return render(request, "responses/contact_form.html", {"form": form})


@require_POST
@login_required
def contact_answer(request, pk):
    contact = _visible_or_403(selectors.contact_orders_visible_to(request.user), ContactOrder, pk)
    form = ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a reply."))
    elif run_action(
        request, services.contact_order_answer, by=request.user, contact=contact, reply=form.cleaned_data["reply"]
    ):
        messages.success(request, _("Action carried out."))
    return redirect(f"{reverse('responses:contact-list')}?box=received")


# --- R1.7 resource-confirmation requisitions -----------------------------------------------


@login_required
def requisitions(request):
    """R1.7: the front department raises; the Center dispatches by resource type or answers; the
    department confirms or answers "no resources"; at most 3 days."""
    user = request.user
    may_raise = (
        has_role_in(user, [Role.FRONT_ADMIN], None)
        and user.department_id is not None
        and user.department.side == Department.Side.FRONT
    )
    form = RequisitionForm(request.POST or None) if may_raise else None
    if request.method == "POST":
        if not may_raise:
            raise PermissionDenied
        if form.is_valid():
            req = form_action(form, services.requisition_raise, by=user, **form.cleaned_data)
            if req is not None:
                messages.success(request, _("Requisition %(pk)s raised.") % {"pk": req.pk})
                return redirect("responses:requisition-list")
    qs = selectors.requisitions_visible_to(user).order_by("-created_at", "-id")
    state = request.GET.get("state")
    if state:
        qs = qs.filter(state=state)
    page, query = _page_of(request, qs)
    context = {
        "page": page,
        "query": query,
        "form": form,
        "states": Requisition.State.choices,
        "state": state,
        "now": timezone.now(),
        "is_dispatcher": is_center_dispatcher(user),
        "answer_department_id": None if is_read_only(user) else user.department_id,
        "answer_form": RequisitionAnswerForm(),
    }
    return render(request, "responses/requisition_list.html", context)


@require_POST
@login_required
def requisition_action(request, pk, name):
    req = _visible_or_403(selectors.requisitions_visible_to(request.user), Requisition, pk)
    if name == "dispatch":
        ok = run_action(request, services.requisition_dispatch, by=request.user, requisition=req)
    elif name == "answer":
        form = RequisitionAnswerForm(request.POST)
        if form.is_valid():
            ok = run_action(request, services.requisition_answer, by=request.user, requisition=req, **form.cleaned_data)
        else:
            ok = False
            messages.error(request, _("Say whether resources are available."))
    else:
        raise Http404
    if ok:
        messages.success(request, _("Action carried out."))
    return redirect("responses:requisition-list")


# --- R1.18 build decisions ----------------------------------------------------------------


@login_required
def build_decisions(request):
    """R1.18: the front department states demand, buildings and competition; 网络建设部 estimates;
    市场拓展部's director decides."""
    user = request.user
    may_raise = (
        user.department_id is not None
        and user.department.side == Department.Side.FRONT
        and has_role_in(user, [Role.FRONT_ADMIN, Role.LEADER], None)
    )
    form = BuildDecisionForm(request.POST or None) if may_raise else None
    if request.method == "POST":
        if not may_raise:
            raise PermissionDenied
        if form.is_valid():
            decision = form_action(form, services.build_decision_raise, by=user, **form.cleaned_data)
            if decision is not None:
                messages.success(request, _("Build request raised."))
                return redirect("responses:build-list")
    page, query = _page_of(request, selectors.build_decisions_visible_to(user))
    context = {
        "page": page,
        "query": query,
        "form": form,
        "may_estimate": works_in_back_office(user, "netbuild"),
        "may_decide": getattr(user.department, "code", "") == "market" and has_role_in(user, [Role.LEADER], None),
        "cost_form": CostForm(),
    }
    return render(request, "responses/build_list.html", context)


@require_POST
@login_required
def build_action(request, pk, name):
    decision = _visible_or_403(selectors.build_decisions_visible_to(request.user), BuildDecision, pk)
    if name == "estimate":
        form = CostForm(request.POST)
        if form.is_valid():
            ok = run_action(
                request,
                services.build_decision_estimate,
                by=request.user,
                decision=decision,
                cost=form.cleaned_data["cost"],
            )
        else:
            ok = False
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
    elif name in ("approve", "reject"):
        ok = run_action(
            request, services.build_decision_decide, by=request.user, decision=decision, approve=name == "approve"
        )
    else:
        raise Http404
    if ok:
        messages.success(request, _("Action carried out."))
    return redirect("responses:build-list")


# --- R1.15 expansion requests -------------------------------------------------------------


@login_required
def expansion_requests(request):
    """R1.15: requests from 网络监控中心 that 网络管理部 plans and files with the Center."""
    user = request.user
    qs = selectors.expansion_requests_visible_to(user)
    state = request.GET.get("state")
    if state:
        qs = qs.filter(state=state)
    page, query = _page_of(request, qs)
    context = {
        "page": page,
        "query": query,
        "states": ExpansionRequest.State.choices,
        "state": state,
        "may_plan": works_in_back_office(user, "netmgmt"),
        "plan_form": ExpansionPlanForm(),
    }
    return render(request, "responses/expansion_list.html", context)


@login_required
def expansion_raise(request, pk):
    """R1.15: 网络监控中心 cannot allocate an expansion order's capacity: a request to 网络管理部."""
    user = request.user
    order = _order_or_403(user, pk)
    if not works_in_back_office(user, "nmc"):
        raise PermissionDenied
    form = ExpansionRaiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        req = form_action(form, services.expansion_request_raise, order=order, by=user, **form.cleaned_data)
        if req is not None:
            messages.success(request, _("Expansion request sent to 网络管理部."))
            return redirect("responses:detail", pk=order.pk)
    return render(request, "responses/expansion_form.html", {"form": form, "order": order})


@require_POST
@login_required
def expansion_plan(request, pk):
    req = _visible_or_403(selectors.expansion_requests_visible_to(request.user), ExpansionRequest, pk)
    form = ExpansionPlanForm(request.POST)
    if form.is_valid():
        if run_action(
            request, services.expansion_request_plan, by=request.user, request=req, plan=form.cleaned_data["plan"]
        ):
            messages.success(request, _("Action carried out."))
    else:
        if not works_in_back_office(request.user, "netmgmt"):
            raise PermissionDenied
        messages.error(request, _("Enter the plan."))
    return redirect("responses:expansion-list")


# --- R1.16 decommission recovery ledger ---------------------------------------------------


@login_required
def recovery_ledger(request):
    """R1.16: the recovery ledger; the Center checks it quarterly (all of a quarter, or entry by entry)."""
    user = request.user
    may_check = is_center_dispatcher(user)
    quarter_form = QuarterForm(request.POST or None, initial=_this_quarter()) if may_check else None
    if request.method == "POST":
        if not may_check:
            raise PermissionDenied
        if quarter_form.is_valid():
            n = services.recovery_check_quarter(by=user, **quarter_form.cleaned_data)
            messages.success(request, _("%(n)s ledger entries checked.") % {"n": n})
            return redirect("responses:recovery-list")
    qs = selectors.recovery_entries_visible_to(user)
    checked = request.GET.get("checked")
    if checked in ("0", "1"):
        qs = qs.filter(checked_at__isnull=checked == "0")
    page, query = _page_of(request, qs)
    return render(
        request,
        "responses/recovery_list.html",
        {"page": page, "query": query, "quarter_form": quarter_form, "may_check": may_check, "checked": checked},
    )


def _this_quarter() -> dict:
    today = timezone.localdate()
    return {"year": today.year, "quarter": (today.month - 1) // 3 + 1}


@login_required
def recovery_record(request, pk):
    """R1.16: the department working a decommission records what it recovered."""
    user = request.user
    order = _order_or_403(user, pk)
    if not (
        has_role_in(user, [Role.BACK_MEMBER, Role.BACK_ADMIN], None)
        and any(step.department_id == user.department_id for step in order.steps.all())
    ):
        raise PermissionDenied
    form = RecoveryEntryForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        entry = form_action(form, services.recovery_record, order=order, by=user, **form.cleaned_data)
        if entry is not None:
            messages.success(request, _("Recorded in the recovery ledger."))
            return redirect("responses:detail", pk=order.pk)
    return render(request, "responses/recovery_form.html", {"form": form, "order": order})


@require_POST
@login_required
def recovery_check(request, pk):
    entry = _visible_or_403(selectors.recovery_entries_visible_to(request.user), RecoveryEntry, pk)
    if run_action(request, services.recovery_entry_check, by=request.user, entry=entry):
        messages.success(request, _("Action carried out."))
    return redirect("responses:recovery-list")


# --- R1.17 unused circuits ----------------------------------------------------------------


@login_required
def unused_circuits(request):
    """R1.17: circuits unused three months or more after opening, by the department that raised them."""
    qs = selectors.unused_circuits_visible_to(request.user)
    if qs is None:
        raise PermissionDenied
    department = request.GET.get("department")
    if department:
        qs = qs.filter(front_department__code=department)
    page, query = _page_of(request, qs)
    context = {
        "page": page,
        "query": query,
        "department": department,
        "departments": Department.objects.filter(side=Department.Side.FRONT).order_by("code"),
        "today": timezone.localdate(),
    }
    return render(request, "responses/unused_circuits.html", context)


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
    """The same people as the overdue dashboard (``accounts.access.reads_reports``)."""
    if not reads_reports(user):
        raise PermissionDenied


@login_required
def month_report(request):
    """R1.22 on screen: one table per section, a month picker and the Excel export."""
    _report_allowed(request.user)
    value = request.GET.get("month", "")
    try:
        month = selectors.report_month(value)
    except ValidationError as exc:
        context = {"month_value": value, "error": exc.messages[0]}
        return render(request, "responses/report.html", context, status=400)
    report = selectors.month_report(year=month.year, month=month.month)
    context = {"report": report, "tables": report_tables(report), "month_value": f"{month:%Y-%m}"}
    return render(request, "responses/report.html", context)


@login_required
def month_report_export(request):
    """R1.22 as an Excel file, one sheet per section."""
    _report_allowed(request.user)
    try:
        month = selectors.report_month(request.GET.get("month", ""))
    except ValidationError as exc:
        return HttpResponseBadRequest(exc.messages[0])
    report = selectors.month_report(year=month.year, month=month.month)
    response = HttpResponse(
        report_workbook(report), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="month-report-{month:%Y-%m}.xlsx"'
    return response
