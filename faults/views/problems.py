"""Problem pages (F2.5): the list, the new-problem form, the problem page with its tickets, their repeat
pattern, its actions (link a ticket by number, start with the plan, close with root cause and fix) and
its history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.actions import available_actions
from core.errors import Invalid
from core.views import NOT_RUN, form_action, run_action
from org.access import AuthenticatedRequest
from org.models import Department
from sla.selectors import audit_trail_of

from .. import rules, selectors, services
from ..forms import ProblemForm
from ..models import Problem

PAGE_SIZE = 50

# The problem's history in words (the audit entries' actions).
HISTORY = {
    "create": gettext_lazy("Problem opened"),
    "link": gettext_lazy("Ticket linked"),
    "start": gettext_lazy("Upgrade started"),
    "close": gettext_lazy("Problem closed"),
}


@login_required
def problem_list(request: AuthenticatedRequest) -> HttpResponse:
    """F2.5: the problems the user may see, filtered by state and department, searched by title."""
    get = request.GET
    qs = selectors.problem_list(
        request.user, state=get.get("state", ""), department=get.get("department", ""), search=get.get("q", "")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(get.get("page"))
    query = get.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "query": query.urlencode(),
        "states": Problem.State.choices,
        "departments": Department.objects.filter(side__in=[Department.Side.BACK, Department.Side.SUPPORT]),
        "state": get.get("state", ""),
        "department": get.get("department", ""),
        "q": get.get("q", ""),
        "may_create": rules.may_create_problem_in(request.user.department_id, request.user),
    }
    return render(request, "faults/problem_list.html", context)


@login_required
def problem_new(request: AuthenticatedRequest) -> HttpResponse:
    """F2.5: open a problem record of one's department, linking any of its tickets one may see."""
    user = request.user
    if not rules.may_create_problem_in(user.department_id, user):
        raise PermissionDenied
    tickets = selectors.tickets_visible_to(user).filter(handling_department_id=user.department_id)
    form = ProblemForm(
        request.POST or None,
        tickets=tickets.filter(problem__isnull=True).order_by("-reported_at")[:200]
        if request.method == "GET"
        else tickets,
        initial={"department": user.department_id},
    )
    if request.method == "POST" and form.is_valid():
        problem = form_action(form, services.problem_create, by=user, **form.cleaned_data)
        if problem is not NOT_RUN:
            messages.success(request, _("Problem %(number)s opened.") % {"number": problem.number})
            return redirect("faults:problem", pk=problem.pk)
    return render(request, "faults/problem_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def problem_detail(request: AuthenticatedRequest, pk) -> HttpResponse:
    problem = selectors.get_problem_for(request.user, pk)
    may = available_actions(problem, request.user, rules.PROBLEM_BUTTONS)
    trail = [(entry, HISTORY.get(entry.transition, entry.transition)) for entry in audit_trail_of(problem)]
    context = {
        "problem": problem,
        "tickets": selectors.problem_tickets(request.user, problem),
        "pattern": selectors.repeat_pattern(problem),
        "trail": trail,
        "may": may,
        "may_any": any(may.values()),
    }
    return render(request, "faults/problem_detail.html", context)


def _link(problem: Problem, user, post) -> Problem:
    """Link the ticket whose number the person typed (only one they may see, issue 11)."""
    pk = selectors.pk_of_number(post.get("ticket", ""), "GZ")
    ticket = selectors.tickets_visible_to(user).filter(pk=pk).first() if pk else None
    if ticket is None:
        message = _("No fault ticket %(number)s that you may see.") % {"number": post.get("ticket", "")}
        raise Invalid(message, fields={"ticket": [message]})
    return services.problem_link_ticket(problem=problem, ticket=ticket, by=user)


PROBLEM_ACTIONS = {
    "link": _link,
    "start": lambda problem, user, post: services.problem_start(problem=problem, by=user, plan=post.get("plan", "")),
    "close": lambda problem, user, post: services.problem_close(
        problem=problem,
        by=user,
        root_cause=post.get("root_cause", ""),
        fix=post.get("fix", ""),
        conclusion=post.get("conclusion", ""),
    ),
}


@require_POST
@login_required
def problem_act(request: AuthenticatedRequest, pk, action) -> HttpResponse:
    """Run one action of the problem page; refused input or state comes back here with the reason."""
    problem = selectors.get_problem_for(request.user, pk)
    if action not in PROBLEM_ACTIONS:
        raise Http404
    if run_action(request, PROBLEM_ACTIONS[action], problem=problem, user=request.user, post=request.POST):
        messages.success(request, _("Done."))
    return redirect("faults:problem", pk=problem.pk)
