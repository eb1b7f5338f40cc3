"""R1.20 the quarterly hand-over sampling list: a deterministic sample of the quarter's big-customer
circuits and fibre leases, with the evidence each needs and has."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from org.access import AuthenticatedRequest

from .. import selectors
from ..forms import QuarterForm
from ..models import Attachment
from .recovery import _this_quarter as this_quarter


@login_required
def handover_sample(request: AuthenticatedRequest) -> HttpResponse:
    user = request.user
    if not selectors.reads_handover_sample(user):
        raise PermissionDenied
    form = QuarterForm(request.GET or None, initial=this_quarter())
    quarter = form.cleaned_data if form.is_bound and form.is_valid() else this_quarter()
    rows = [] if form.is_bound and not form.is_valid() else selectors.handover_sample(user=user, **quarter)
    labels = dict(Attachment.Kind.choices)
    for row in rows:
        row.required_labels = [labels[k] for k in row.required]  # type: ignore[attr-defined]
        row.missing_labels = [labels[k] for k in row.missing]  # type: ignore[attr-defined]
    status = 400 if form.is_bound and not form.is_valid() else 200
    context = {"form": form, "rows": rows, "quarter": quarter, "now": timezone.now()}
    return render(request, "responses/handover_sample.html", context, status=status)
