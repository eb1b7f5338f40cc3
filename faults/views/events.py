"""The quality-event board (F2.6–F2.8)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from org.access import AuthenticatedRequest, is_read_only

from .. import selectors


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
