"""Rectification notice pages (整改通知, seed 002): the list (the ones to answer first, overdue first),
the issue form, the notice page with its actions (answer with evidence, close, reject) and history,
and the evidence file's protected download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.actions import available_actions
from core.errors import Invalid
from core.views import NOT_RUN, form_action, run_action
from org.access import AuthenticatedRequest
from sla.models import Deadline
from sla.selectors import audit_trail_of, deadlines_of

from .. import rules, selectors, services
from ..forms import RectificationForm
from ..models import RectificationNotice

PAGE_SIZE = 50

HISTORY = {
    "issue": gettext_lazy("Notice issued"),
    "answer_notice": gettext_lazy("Answered"),
    "close": gettext_lazy("Answer accepted, notice closed"),
    "reject": gettext_lazy("Answer rejected, notice issued again"),
}


@login_required
def rectification_list(request: AuthenticatedRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    qs = selectors.rectification_list(request.user, state=state)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "query": query.urlencode(),
        "state": state,
        "states": RectificationNotice.State.choices,
        "now": timezone.now(),
        "may_issue": rules.may_issue_rectification(request.user),
    }
    return render(request, "faults/rectification_list.html", context)


def _linked(user, data) -> dict:
    """The ticket and problem the person named by number (only ones they may see, issue 11)."""
    found: dict[str, object] = {}
    for field, prefix, visible in (
        ("ticket", "GZ", selectors.tickets_visible_to),
        ("problem", "WT", selectors.problems_visible_to),
    ):
        text = data.get(field, "")
        if not text:
            found[field] = None
            continue
        pk = selectors.pk_of_number(text, prefix)
        record = visible(user).filter(pk=pk).first() if pk else None
        if record is None:
            raise Invalid(_("Not found: %(value)s") % {"value": text}, fields={field: [_("Not found.")]})
        found[field] = record
    return found


def _issue(*, user, data):
    return services.rectification_issue(by=user, **{**data, **_linked(user, data)})


@login_required
def rectification_new(request: AuthenticatedRequest) -> HttpResponse:
    if not rules.may_issue_rectification(request.user):
        raise PermissionDenied
    form = RectificationForm(request.POST or None, events=selectors.events_visible_to(request.user))
    if request.method == "POST" and form.is_valid():
        notice = form_action(form, _issue, user=request.user, data=form.cleaned_data)
        if notice is not NOT_RUN:
            messages.success(request, _("Rectification notice %(number)s issued.") % {"number": notice.number})
            return redirect("faults:rectification", pk=notice.pk)
    return render(request, "faults/rectification_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def rectification_detail(request: AuthenticatedRequest, pk) -> HttpResponse:
    notice = selectors.get_rectification_for(request.user, pk)
    may = available_actions(notice, request.user, rules.RECTIFICATION_BUTTONS)
    deadline = deadlines_of(notice).order_by("-started_at", "-id").first()
    context = {
        "notice": notice,
        "deadline": deadline,
        "overdue": notice.state == notice.State.ISSUED and notice.due_at < timezone.now(),
        "breached": deadline is not None and deadline.state == Deadline.State.BREACHED,
        "trail": [(entry, HISTORY.get(entry.transition, entry.transition)) for entry in audit_trail_of(notice)],
        "may": may,
        "may_any": any(may.values()),
    }
    return render(request, "faults/rectification_detail.html", context)


RECTIFICATION_ACTIONS = {
    "answer": lambda notice, request: services.rectification_answer(
        notice=notice,
        by=request.user,
        answer=request.POST.get("answer", ""),
        evidence_file=request.FILES.get("evidence_file"),
    ),
    "close": lambda notice, request: services.rectification_close(
        notice=notice, by=request.user, comment=request.POST.get("comment", "")
    ),
    "reject": lambda notice, request: services.rectification_reject(
        notice=notice, by=request.user, reason=request.POST.get("reason", "")
    ),
}


@require_POST
@login_required
def rectification_act(request: AuthenticatedRequest, pk, action) -> HttpResponse:
    notice = selectors.get_rectification_for(request.user, pk)
    if action not in RECTIFICATION_ACTIONS:
        raise Http404
    if run_action(request, RECTIFICATION_ACTIONS[action], notice=notice, request=request):
        messages.success(request, _("Done."))
    return redirect("faults:rectification", pk=notice.pk)


@login_required
def rectification_evidence(request: AuthenticatedRequest, pk) -> FileResponse:
    """The evidence file, only to people who may see the notice (404 otherwise, as for the notice)."""
    notice = selectors.get_rectification_for(request.user, pk)
    if not notice.evidence_file:
        raise Http404
    name = (notice.evidence_file.name or "").rsplit("/", 1)[-1]
    return FileResponse(notice.evidence_file.open("rb"), as_attachment=True, filename=name)
