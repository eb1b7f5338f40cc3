"""The 24-hour contact roster (seed 003 第八条): each department's contact persons, kept by the
department itself and by 客户服务部."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.views import run_action
from org.access import AuthenticatedRequest
from org.models import Department

from .. import rules, selectors, services


def _when(value: str):
    """A ``datetime-local`` input in Asia/Shanghai; blank → None."""
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:  # well formed but no such time (month 13): refused below, never a 500
        parsed = None
    if parsed is None:
        raise ValidationError({"on_duty_from": _("Enter a valid date and time.")})
    return timezone.make_aware(parsed) if timezone.is_naive(parsed) else parsed


@login_required
def roster(request: AuthenticatedRequest) -> HttpResponse:
    now = timezone.now()
    contacts = list(selectors.duty_contacts_for(request.user))
    by_department: dict[int, dict] = {}
    editable = [d for d in Department.objects.all() if rules.may_edit_contacts(d, request.user)]
    for department in Department.objects.all():
        by_department[department.pk] = {"department": department, "contacts": [], "editable": department in editable}
    for contact in contacts:
        by_department[contact.department_id]["contacts"].append({"contact": contact, "on_duty": contact.on_duty(now)})
    return render(
        request,
        "faults/contacts.html",
        {"rows": list(by_department.values()), "editable": editable, "values": request.GET},
    )


@require_POST
@login_required
def contact_add(request: AuthenticatedRequest) -> HttpResponse:
    post = request.POST
    department = Department.objects.filter(pk=post.get("department") or 0).first()
    if department is None:
        messages.error(request, _("Choose the department."))
        return redirect("faults:contacts")

    def add():
        services.contact_add(
            by=request.user,
            department=department,
            name=post.get("name", ""),
            phone=post.get("phone", ""),
            on_duty_from=_when(post.get("on_duty_from", "")),
            on_duty_until=_when(post.get("on_duty_until", "")),
            note=post.get("note", "")[:200],
        )

    done = run_action(request, add)
    if done:
        messages.success(request, _("Contact person added."))
    return redirect("faults:contacts")


@require_POST
@login_required
def contact_remove(request: AuthenticatedRequest, pk) -> HttpResponse:
    contact = selectors.duty_contacts_for(request.user).filter(pk=pk).first()
    if contact is None:
        raise Http404
    if run_action(request, services.contact_remove, contact=contact, by=request.user):
        messages.success(request, _("Contact person removed."))
    return redirect("faults:contacts")
