"""The quality-event board (F2.6–F2.8)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render

from org.access import AuthenticatedRequest

from .. import selectors


@login_required
def event_board(request: AuthenticatedRequest) -> HttpResponse:
    """Open quality events with their current warning level, and what the complaint counts suggest."""
    return render(
        request,
        "faults/events.html",
        {"events": selectors.event_board(request.user), "suggestions": selectors.complaint_suggestions()},
    )
