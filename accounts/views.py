from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.actions import available_actions
from core.views import NOT_RUN, form_action, run_action
from org.access import AuthenticatedRequest, is_read_only, role_required
from org.roles import Role
from sla.selectors import audit_trail_of, inbox_for

from . import access, rules, selectors, services
from .forms import AccountRequestForm, HrCsvForm, HrEventForm, ReasonForm
from .models import AccountRequest


@login_required
def home(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    return render(
        request,
        "accounts/home.html",
        {"roles": [g.name for g in user.groups.all()], "recent": inbox_for(user)[:5]},
    )


# --- account requests (A3.1) ---------------------------------------------------------------


@login_required
def request_list(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(selectors.account_requests_for(request.user), 25).get_page(request.GET.get("page"))
    awaiting = list(selectors.account_requests_awaiting(request.user)[:50])
    return render(request, "accounts/request_list.html", {"page": page, "awaiting": awaiting})


@login_required
def request_new(request: AuthenticatedRequest) -> HttpResponse:
    if is_read_only(request.user):
        raise PermissionDenied
    form = AccountRequestForm(request.POST or None, initial={"target_user": request.user.pk})
    if request.method == "POST" and form.is_valid():
        created = form_action(form, services.account_request_submit, by=request.user, **form.cleaned_data)
        if created is not NOT_RUN:
            messages.success(request, _("Request submitted."))
            return redirect("acct-request-detail", pk=created.pk)
    return render(request, "accounts/request_form.html", {"form": form})


@login_required
def request_detail(request: AuthenticatedRequest, pk) -> HttpResponse:
    obj = selectors.get_account_request_for(request.user, pk)
    return render(
        request,
        "accounts/request_detail.html",
        {
            "obj": obj,
            "deadline": selectors.it_deadline_of(obj),
            "trail": audit_trail_of(obj),
            "steps": _steps_for(obj, request.user),
        },
    )


STEPS: dict[str, tuple[Callable[..., AccountRequest], bool]] = {
    # url name: (service, needs a reason)
    "manager-approve": (services.account_request_manager_approve, False),
    "business-approve": (services.account_request_business_approve, False),
    "escalate": (services.account_request_escalate, True),
    "leader-approve": (services.account_request_leader_approve, False),
    "complete": (services.account_request_complete, False),
    "reject": (services.account_request_reject, True),
}


def _steps_for(obj: AccountRequest, user) -> list[str]:
    """The steps this user may take now, for the buttons (accounts.rules: what the service will check)."""
    return [step for step, may in available_actions(obj, user, rules.REQUEST_BUTTONS).items() if may]


@require_POST
@login_required
def request_step(request: AuthenticatedRequest, pk, step) -> HttpResponse:
    if step not in STEPS:  # an unknown step is no page: 404, as in faults and billing (issue 12 §2)
        raise Http404
    obj = selectors.get_account_request_for(request.user, pk)
    fn, needs_reason = STEPS[step]
    if needs_reason:
        form = ReasonForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give a reason."))
            return redirect("acct-request-detail", pk=pk)
        done = run_action(request, fn, request=obj, by=request.user, reason=form.cleaned_data["reason"])
    else:
        done = run_action(request, fn, request=obj, by=request.user, comment=request.POST.get("comment", ""))
    if done:  # else the reason is shown on the request's page (a wrong state: at the top of its steps)
        messages.success(request, _("Done."))
    return redirect("acct-request-detail", pk=pk)


# --- grants register and HR records (A3.2) -------------------------------------------------------


@login_required
def grant_list(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(selectors.grants_for(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/grant_list.html", {"page": page})


@role_required(
    Role.IT_OPERATOR, Role.DISPATCHER, Role.VIEWER, Role.AUDITOR, Role.DEPT_MANAGER, Role.LEADER, read_only_ok=True
)
def hr_list(request: AuthenticatedRequest) -> HttpResponse:
    can_record = access.may_record_hr_events(request.user)
    form = HrEventForm(request.POST or None) if can_record else None
    if request.method == "POST":
        if form is None:  # the form is there only for those who may record
            raise PermissionDenied
        if form.is_valid():
            if form_action(form, services.hr_event_record, by=request.user, **form.cleaned_data) is not NOT_RUN:
                messages.success(request, _("HR record applied."))
                return redirect("acct-hr")
    page = Paginator(selectors.hr_events_for(request.user), 50).get_page(request.GET.get("page"))
    return render(
        request,
        "accounts/hr_list.html",
        {"page": page, "form": form, "csv_form": HrCsvForm() if can_record else None},
    )


@require_POST
@role_required(Role.IT_OPERATOR)
def hr_import(request: AuthenticatedRequest) -> HttpResponse:
    form = HrCsvForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose a CSV file."))
        return redirect("acct-hr")
    try:
        text = form.cleaned_data["file"].read().decode("utf-8-sig")
    except UnicodeDecodeError:
        messages.error(request, _("The file is not UTF-8 text."))
        return redirect("acct-hr")
    events, errors = services.hr_events_import_csv(data=text, by=request.user)
    for error in errors:
        messages.error(request, error)
    if events:
        messages.success(request, _("%d HR records applied.") % len(events))
    return redirect("acct-hr")
