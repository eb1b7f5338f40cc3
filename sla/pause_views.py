"""The pause buttons of the order, step and fault-ticket pages (S5.3): request, approve, reject, resume.

The blocks are ``templates/sla/_pauses.html`` (one ``{% include %}`` in each page; the buttons come from
``sla.templatetags.pauses``, the same predicates the services check). Each POST returns to the
subject's page, a refusal shown there (``core.views.run_action``).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import NotFound
from core.lookups import visible_record
from core.views import run_action
from org.access import AuthenticatedRequest

from . import services
from .models import Pause
from .pause_subjects import pause_subject, registered


def subject_for(user, label: str, pk):
    """The subject ``label``/``pk`` if ``user`` may see it, else ``NotFound`` (404)."""
    registration = registered(label)
    if registration is None or registration.lookup is None:
        raise NotFound()
    return registration.lookup(user, pk)


def pause_for(user, pk) -> Pause:
    """The pause ``pk`` if ``user`` may see its subject, else ``NotFound`` (404)."""
    pause = visible_record(Pause.objects.select_related("reason", "content_type"), pk)
    subject_for(user, f"{pause.content_type.app_label}.{pause.content_type.model}", pause.object_id)
    return pause


@require_POST
@login_required
def pause_request(request: AuthenticatedRequest, label: str, pk: int) -> HttpResponse:
    subject = subject_for(request.user, label, pk)
    if run_action(
        request,
        services.pause_request,
        subject=subject,
        reason=request.POST.get("reason", ""),  # a reason's code
        by=request.user,
        note=request.POST.get("note", ""),
    ):
        messages.success(request, _("Pause requested."))
    return redirect(pause_subject(subject).url(subject))


ACTIONS = {
    "approve": lambda p, u, post: services.pause_approve(pause=p, by=u, note=post.get("note", "")),
    "reject": lambda p, u, post: services.pause_reject(pause=p, by=u, note=post.get("note", "")),
    "end": lambda p, u, post: services.pause_end(pause=p, by=u),
}


@require_POST
@login_required
def pause_action(request: AuthenticatedRequest, pk: int, name: str) -> HttpResponse:
    if name not in ACTIONS:
        raise Http404
    pause = pause_for(request.user, pk)
    if run_action(request, ACTIONS[name], p=pause, u=request.user, post=request.POST):
        messages.success(request, _("Done."))
    subject = pause.subject
    return redirect(pause_subject(subject).url(subject))
