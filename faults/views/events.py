"""The quality-event board and the event page (F2.6–F2.8), with the phone follow-ups (seed 003)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.views import run_action
from org.access import AuthenticatedRequest, is_read_only
from org.models import Department, DutyContact
from sla.selectors import audit_trail_of, deadlines_of

from .. import rules, selectors, services
from ..models import EventCall


@login_required
def event_board(request: AuthenticatedRequest) -> HttpResponse:
    """Open quality events with their current warning level, and what the complaint counts suggest."""
    return render(
        request,
        "faults/events.html",
        {
            "events": selectors.event_board(request.user),
            "suggestions": selectors.complaint_suggestions(),
            # issue 15 §4: the beat task's suggested levels, applied on confirmation
            "level_suggestions": selectors.open_suggestions_for(request.user),
            "may_apply": not is_read_only(request.user),
        },
    )


# What each of an event's deadlines is for, in words (the stored titles all name the event).
OBLIGATIONS = {
    "event-report": gettext_lazy("Report to 客户服务部"),
    "event-publish": gettext_lazy("Publish the warning"),
    "event-script": gettext_lazy("Explanation script to the front line"),
    "event-cause-plan": gettext_lazy("Root cause and complaint-handling plan"),
    "event-hq-feedback": gettext_lazy("First feedback to HQ"),
    "event-hq-plan-l1": gettext_lazy("Written plan to HQ"),
    "event-hq-plan-l2": gettext_lazy("Written plan to HQ"),
    "event-call-report": gettext_lazy("Phone 客户服务部 after the report"),
    "event-call-publish": gettext_lazy("Phone the recipients after the publication"),
}


def _event_for(request, pk):
    event = selectors.events_visible_to(request.user).filter(pk=pk).first()
    if event is None:
        raise Http404
    return event


@login_required
def event_detail(request: AuthenticatedRequest, pk) -> HttpResponse:
    """One event: its figures and level, its deadlines with time left, the phone follow-ups."""
    event = _event_for(request, pk)
    now = timezone.now()
    deadlines = [
        {"deadline": d, "what": OBLIGATIONS.get(d.kind, d.title), "left": d.due_at - now if d.is_open else None}
        for d in deadlines_of(event)
    ]
    stages = []
    for stage, label in EventCall.Stage.choices:
        started = event.reported_at if stage == EventCall.Stage.REPORT else event.published_at
        if started is None:
            continue
        pending = services.pending_calls(event, stage)
        stages.append(
            {
                "stage": stage,
                "label": label,
                "pending": [{"department": d, "contacts": services.contacts_on_duty(d, now)} for d in pending],
            }
        )
    context = {
        "event": event,
        "deadlines": deadlines,
        "stages": stages,
        "calls": selectors.calls_visible_to(request.user).filter(event=event),
        "outcomes": EventCall.Outcome.choices,
        "may_call": rules.may_record_call(event, request.user) and not is_read_only(request.user),
        "trail": audit_trail_of(event),
    }
    return render(request, "faults/event.html", context)


@require_POST
@login_required
def event_call(request: AuthenticatedRequest, pk) -> HttpResponse:
    """Record one phone follow-up (seed 003 第八条); refused input comes back to the event page."""
    event = _event_for(request, pk)
    post = request.POST
    department = Department.objects.filter(pk=post.get("department") or 0).first()
    contact = DutyContact.objects.filter(pk=post.get("contact") or 0).first()
    if department is None:
        messages.error(request, _("Choose the department called."))
        return redirect("faults:event", pk=event.pk)
    done = run_action(
        request,
        services.event_record_call,
        event=event,
        by=request.user,
        stage=post.get("stage", ""),
        department=department,
        outcome=post.get("outcome", ""),
        contact=contact,
        called_name=post.get("called_name", "")[:60],
        phone=post.get("phone", "")[:20],
        note=post.get("note", "")[:300],
    )
    if done:
        messages.success(request, _("Phone follow-up recorded."))
    return redirect("faults:event", pk=event.pk)
