from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from org.access import AuthenticatedRequest

from . import selectors, services


@login_required
def inbox(request: AuthenticatedRequest) -> HttpResponse:
    page = Paginator(selectors.inbox_for(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "sla/inbox.html", {"page": page})


@require_POST
@login_required
def inbox_mark_read(request: AuthenticatedRequest) -> HttpResponse:
    ids = request.POST.getlist("id") or None
    services.notification_mark_read(user=request.user, ids=ids)
    return redirect("sla:inbox")
