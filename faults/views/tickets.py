"""Fault ticket pages: the queue, the report form, the ticket page and its actions (F2.1–F2.4)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.actions import available_actions
from core.views import NOT_RUN, form_action, run_action
from org.access import AuthenticatedRequest, is_read_only
from org.models import Department
from sla.selectors import audit_trail_of

from .. import rules, selectors, services
from ..forms import ReportForm

NAV_LABEL = gettext_lazy("Faults")  # the nav link in templates/base.html (translated in faults/locale)


def _with_time_left(tickets):
    now = timezone.now()
    rows = []
    for ticket in tickets:
        due = getattr(ticket, "repair_due_at", None)
        seconds = int((due - now).total_seconds()) if due else None
        rows.append(
            {
                "ticket": ticket,
                "due_at": due,
                "seconds_left": seconds,
                "minutes_left": None if seconds is None else seconds // 60,
                "overdue": seconds is not None and seconds < 0,
            }
        )
    return rows


@login_required
def queue(request: AuthenticatedRequest) -> HttpResponse:
    """The handling team's open tickets, soonest repair deadline first; the page refreshes itself."""
    rows = _with_time_left(selectors.ticket_queue(request.user)[:200])
    template = "faults/_queue_rows.html" if request.GET.get("partial") else "faults/queue.html"
    return render(request, template, {"rows": rows, "now": timezone.now()})


@login_required
def report(request: AuthenticatedRequest) -> HttpResponse:
    if is_read_only(request.user):
        raise PermissionDenied
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ticket = form_action(form, services.fault_report, by=request.user, **form.cleaned_data)
        if ticket is not NOT_RUN:
            messages.success(request, _("Fault %(number)s reported.") % {"number": ticket.number})
            return redirect("faults:detail", pk=ticket.pk)
    return render(request, "faults/report.html", {"form": form})


@login_required
def detail(request: AuthenticatedRequest, pk) -> HttpResponse:
    ticket = selectors.tickets_visible_to(request.user).filter(pk=pk).first()
    if ticket is None:
        raise Http404
    deadlines = selectors.ticket_timeline(ticket)
    timeline = [{"deadline": d, "rungs": selectors.ladder_of(d)} for d in deadlines]
    may = available_actions(ticket, request.user, rules.TICKET_BUTTONS)
    context = {
        "ticket": ticket,
        "escalated_to": selectors.role_label(selectors.escalated_to(ticket)),
        "timeline": timeline,
        "notices": selectors.notices_of(ticket),
        "sent": selectors.escalation_notifications_of(ticket),
        "trail": audit_trail_of(ticket),
        "helpers": ticket.helper_departments.all(),
        "draft": services.fault_draft_explanation(ticket=ticket) if ticket.resolved_at else "",
        "departments": Department.objects.exclude(pk=ticket.handling_department_id),
        # The buttons this person may press now (faults.rules): the template restates no rule.
        "may": may,
        "may_any": any(may.values()),
    }
    return render(request, "faults/detail.html", context)


ACTIONS = {
    "acknowledge": lambda t, u, p: services.fault_acknowledge(ticket=t, by=u, comment=p.get("comment", "")),
    "start": lambda t, u, p: services.fault_start_work(ticket=t, by=u, workaround=p.get("workaround", "")),
    "workaround": lambda t, u, p: services.fault_record_workaround(ticket=t, by=u, workaround=p.get("workaround", "")),
    "resolve": lambda t, u, p: services.fault_resolve(ticket=t, by=u, resolution=p.get("resolution", "")),
    "close": lambda t, u, p: services.fault_close(ticket=t, by=u, comment=p.get("comment", "")),
    "reopen": lambda t, u, p: services.fault_reopen(ticket=t, by=u, comment=p.get("comment", "")),
    "recovery": lambda t, u, p: services.fault_send_recovery_notice(ticket=t, by=u, body=p.get("body", "")),
    "explanation": lambda t, u, p: services.fault_publish_explanation(ticket=t, by=u, body=p.get("body", "")),
    "helpers": lambda t, u, p: services.fault_add_helpers(
        ticket=t,
        by=u,
        departments=list(Department.objects.filter(pk__in=p.getlist("departments"))),
        vendors=p.get("vendors", ""),
    ),
    "problem": lambda t, u, p: services.problem_create_from_ticket(ticket=t, by=u, title=p.get("title", "")),
}


@require_POST
@login_required
def act(request: AuthenticatedRequest, pk, action) -> HttpResponse:
    """Run one action of the ticket page; a wrong state comes back here with the reason (core.views),
    a wrong person → 403 (middleware)."""
    ticket = selectors.get_ticket_for(request.user, pk)
    if action not in ACTIONS:
        raise Http404
    if run_action(request, ACTIONS[action], t=ticket, u=request.user, p=request.POST):
        messages.success(request, _("Done."))
    return redirect("faults:detail", pk=ticket.pk)
