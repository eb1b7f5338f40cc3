"""Complaint pages (F2.9, issue 15 §4): intake, the queue (least time left first), the complaint page and
its actions; the event board's "apply suggestion". Every action is a service; the buttons come from
``rules.COMPLAINT_BUTTONS`` (and ``services.appeal_open`` for the appeal, as the service checks)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.actions import available_actions
from core.lookups import visible_record
from core.views import NOT_RUN, form_action, run_action
from org.access import AuthenticatedRequest, is_read_only
from sla.selectors import audit_trail_of

from .. import rules, selectors, services
from ..complaint_forms import STAGE_CHOICES, ComplaintForm, QueueFilterForm
from ..models import EventLevelSuggestion

HOUR, DAY = 3600, 86400
# The history in words (sla audit trail: transition name → what happened).
HISTORY = {
    "receive": gettext_lazy("Complaint taken in"),
    "answer_complaint": gettext_lazy("Answered the customer"),
    "record_satisfaction": gettext_lazy("Follow-up visit recorded"),
    "appeal": gettext_lazy("Appealed to 12300"),
    "appeal_stage": gettext_lazy("The appeal moved to the next stage"),
    "close_appeal": gettext_lazy("Appeal closed with its outcome"),
}


def time_left(due, now) -> dict:
    """Seconds and whole hours left, and the colour class: overdue, under 2 hours, under 24 hours
    (static/css/brp.css)."""
    if due is None:
        return {"seconds": None, "hours": None, "css": ""}
    seconds = int((due - now).total_seconds())
    css = "overdue" if seconds < 0 else "due-2h" if seconds < 2 * HOUR else "due-24h" if seconds < DAY else ""
    return {"seconds": seconds, "hours": abs(seconds) // HOUR, "css": css}


@login_required
def complaint_queue(request: AuthenticatedRequest) -> HttpResponse:
    filters = QueueFilterForm(request.GET or None)
    f = filters.cleaned_data if filters.is_valid() else {}
    now = timezone.now()
    qs = selectors.complaint_queue(
        request.user,
        state=f.get("state", ""),
        department=f.get("department"),
        channel=f.get("channel", ""),
        overdue=f.get("overdue", False),
        now=now,
    )
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = [{"c": c, **time_left(c.open_due_at, now)} for c in page]
    query = request.GET.copy()
    query.pop("page", None)
    context = {"filters": filters, "page": page, "rows": rows, "query": query.urlencode()}
    return render(request, "faults/complaints.html", context)


@login_required
def complaint_new(request: AuthenticatedRequest) -> HttpResponse:
    if is_read_only(request.user):
        raise PermissionDenied
    form = ComplaintForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        complaint = form_action(form, services.complaint_receive, by=request.user, **form.cleaned_data)
        if complaint is not NOT_RUN:
            messages.success(request, _("Complaint taken in."))
            return redirect("faults:complaint", pk=complaint.pk)
    return render(request, "faults/complaint_new.html", {"form": form})


@login_required
def complaint_detail(request: AuthenticatedRequest, pk) -> HttpResponse:
    complaint = selectors.complaints_visible_to(request.user).filter(pk=pk).first()
    if complaint is None:
        raise Http404
    now = timezone.now()
    may = available_actions(complaint, request.user, rules.COMPLAINT_BUTTONS)
    may["appeal"] = may["appeal"] and services.appeal_open(complaint, now)
    deadlines = [
        {"d": d, **time_left(d.due_at if d.is_open else None, now)} for d in selectors.complaint_deadlines(complaint)
    ]
    trail = [(a, HISTORY.get(a.transition, a.transition)) for a in audit_trail_of(complaint)]
    context = {
        "complaint": complaint,
        "deadlines": deadlines,
        "reply_limit": services.reply_limit(complaint),
        "late": services.reply_overdue(complaint, now),
        "steps": complaint.appeal_steps.select_related("recorded_by"),
        "trail": trail,
        "may": may,
        "may_any": any(may.values()),
        "stages": STAGE_CHOICES,
    }
    return render(request, "faults/complaint.html", context)


ACTIONS = {
    "answer": lambda c, u, p: services.complaint_answer(complaint=c, by=u, answer=p.get("answer", "")),
    "follow-up": lambda c, u, p: services.complaint_follow_up(
        complaint=c, by=u, satisfied=p.get("satisfied") == "yes", outcome=p.get("outcome", "")
    ),
    "appeal": lambda c, u, p: services.complaint_appeal(
        complaint=c, by=u, reference=p.get("reference", ""), stage=p.get("stage") or "provincial"
    ),
    "escalate": lambda c, u, p: services.complaint_appeal_escalate(
        complaint=c, by=u, outcome=p.get("outcome", ""), stage=p.get("stage", "")
    ),
    "close-appeal": lambda c, u, p: services.complaint_close_appeal(complaint=c, by=u, outcome=p.get("outcome", "")),
}


@require_POST
@login_required
def complaint_act(request: AuthenticatedRequest, pk, action) -> HttpResponse:
    """One action of the complaint page; bad input or a wrong state comes back with the reason."""
    complaint = selectors.get_complaint_for(request.user, pk)
    if action not in ACTIONS:
        raise Http404
    if run_action(request, ACTIONS[action], c=complaint, u=request.user, p=request.POST):
        messages.success(request, _("Done."))
    return redirect("faults:complaint", pk=complaint.pk)


@require_POST
@login_required
def suggestion_apply(request: AuthenticatedRequest, pk) -> HttpResponse:
    """F2.9 → F2.7: confirm the day's suggested level of an event (the event board's button)."""
    visible = EventLevelSuggestion.objects.filter(event__in=selectors.events_visible_to(request.user))
    suggestion = visible_record(visible, pk)
    if run_action(request, services.event_apply_suggestion, suggestion=suggestion, by=request.user):
        messages.success(request, _("The suggested level was applied."))
    return redirect("faults:events")
