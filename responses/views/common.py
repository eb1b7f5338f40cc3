"""What the responses pages share: a page of a list and the one way a page's buttons are dispatched.
(A record is found for the person asking by ``selectors.get_<record>_for``: 404 when it is not
theirs to see, issue 12 §2.)"""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.paginator import Page, Paginator
from django.http import Http404
from django.utils.translation import gettext as _

from core.views import run_action
from org.access import AuthenticatedRequest

PAGE_SIZE = 50

# A button on a page: runs its service for the person and the record; True when it was carried out
# (False, with the reasons as messages, when the input was refused).
Action = Callable[[AuthenticatedRequest, Any], bool]
Actions = dict[str, Action]


def plain(service: Callable[..., Any], record: str) -> Action:
    """The action of a button that sends nothing but itself: ``service(by=the person, <record>=the record)``."""

    def action(request: AuthenticatedRequest, obj: Any) -> bool:
        return run_action(request, service, by=request.user, **{record: obj})

    action.__doc__ = f"{service.__module__}.{service.__name__}"
    return action


def run_named_action(request: AuthenticatedRequest, actions: Actions, name: str, obj: Any) -> None:
    """Run the button ``name`` of ``actions`` on ``obj`` (404 for a name the page has not got) and say
    so when it was carried out."""
    action = actions.get(name)
    if action is None:
        raise Http404
    if action(request, obj):
        messages.success(request, _("Action carried out."))


def page_of(request: AuthenticatedRequest, qs) -> tuple[Page, str]:
    """A page of ``qs`` and the query string without ``page`` (so the pager keeps the filters)."""
    query = request.GET.copy()
    query.pop("page", None)
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")), query.urlencode()
