"""What the responses pages share: finding a record for the person asking, a page of a list, and the
one way a page's buttons are dispatched."""

from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from core.views import run_action
from org.access import AuthenticatedRequest

from .. import selectors
from ..models import Order

PAGE_SIZE = 50

M = TypeVar("M", bound=Model)

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


def order_or_403(user, pk: int) -> Order:
    try:
        return selectors.order_detail(user, pk)
    except Order.DoesNotExist:
        if Order.objects.filter(pk=pk).exists():
            raise PermissionDenied from None
        raise Http404 from None


def visible_or_403(qs: QuerySet[M], model: type[M], pk: int) -> M:
    """The record ``pk`` of ``qs``; 403 when it exists but the person may not see it, 404 when it does not."""
    obj = qs.filter(pk=pk).first()
    if obj is None:
        if model._default_manager.filter(pk=pk).exists():
            raise PermissionDenied
        raise Http404
    return obj


def page_of(request: AuthenticatedRequest, qs) -> tuple[Page, str]:
    """A page of ``qs`` and the query string without ``page`` (so the pager keeps the filters)."""
    query = request.GET.copy()
    query.pop("page", None)
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page")), query.urlencode()
