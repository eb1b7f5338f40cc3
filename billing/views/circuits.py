"""Circuit pages (issue 14 §1, B4.1): the circuit list with search, a circuit's details and history
(its changes, the orders that named it, its fault tickets and invoices), and the small JSON search
the order form's circuit field uses."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render

from org.access import AuthenticatedRequest

from .. import selectors
from ..models import Service

SEARCH_LIMIT = 20


@login_required
def circuit_list(request: AuthenticatedRequest) -> HttpResponse:
    """Circuits by circuit number or customer name, 50 a page."""
    query = request.GET.get("q", "").strip()
    state = request.GET.get("state", "")
    qs = selectors.circuits_search(request.user, query)
    if state in Service.State.values:
        qs = qs.filter(state=state)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    keep = request.GET.copy()
    keep.pop("page", None)
    context = {"page": page, "q": query, "state": state, "states": Service.State.choices, "query": keep.urlencode()}
    return render(request, "billing/circuit_list.html", context)


@login_required
def circuit_detail(request: AuthenticatedRequest, pk) -> HttpResponse:
    service = selectors.get_service_for(request.user, pk)
    context = {"service": service, **selectors.circuit_history(service)}
    context["may_see_invoices"] = selectors.may_see_billing(request.user)
    return render(request, "billing/circuit.html", context)


@login_required
def circuit_search(request: AuthenticatedRequest) -> JsonResponse:
    """The order form's circuit field: active circuits by number or customer name, optionally of one
    customer (``?customer=<id>``), at most 20."""
    customer = request.GET.get("customer", "")
    qs = selectors.circuits_search(
        request.user, request.GET.get("q", ""), customer=int(customer) if customer.isdigit() else None
    ).filter(state=Service.State.ACTIVE)
    results = [
        {"id": s.pk, "code": s.code, "customer": s.customer.name, "product": s.product} for s in qs[:SEARCH_LIMIT]
    ]
    return JsonResponse({"results": results})
