"""R1.7 resource-confirmation requisitions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.views import form_action, run_action
from org.access import AuthenticatedRequest, has_role_in, is_center_dispatcher, is_read_only
from org.models import Department
from org.roles import Role

from .. import selectors, services
from ..forms import (
    RequisitionAnswerForm,
    RequisitionForm,
)
from ..models import (
    Requisition,
)
from .common import Actions, page_of, plain, run_named_action


@login_required
def requisitions(request: AuthenticatedRequest) -> HttpResponse:
    """R1.7: the front department raises; the Center dispatches by resource type or answers; the
    department confirms or answers "no resources"; at most 3 days."""
    user = request.user
    may_raise = (
        has_role_in(user, [Role.FRONT_ADMIN], None)
        and user.department is not None
        and user.department.side == Department.Side.FRONT
    )
    form = RequisitionForm(request.POST or None) if may_raise else None
    if request.method == "POST":
        if not may_raise or form is None:
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
    page, query = page_of(request, qs)
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


def _answer(request: AuthenticatedRequest, req: Requisition) -> bool:
    form = RequisitionAnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say whether resources are available."))
        return False
    return run_action(request, services.requisition_answer, by=request.user, requisition=req, **form.cleaned_data)


# The buttons of a requisition (on the list): /orders/requisitions/<pk>/<name>/.
REQUISITION_ACTIONS: Actions = {
    "dispatch": plain(services.requisition_dispatch, "requisition"),
    "answer": _answer,
}


@require_POST
@login_required
def requisition_action(request: AuthenticatedRequest, pk: int, name: str) -> HttpResponse:
    req = selectors.get_requisition_for(request.user, pk)
    run_named_action(request, REQUISITION_ACTIONS, name, req)
    return redirect("responses:requisition-list")
