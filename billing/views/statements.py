"""Settlement statements and partners (B4.3, issue 14 §4): the list with its totals and exports, a
printable statement, a partner's card with its statement history."""

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Sum
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode

from org.access import AuthenticatedRequest
from sla.validators import parse_month

from .. import selectors
from ..models import Invoice, SettlementStatement
from .common import require_readable

ZERO = Decimal("0.00")


def _filtered(request: AuthenticatedRequest) -> tuple[Any, dict[str, str], list[str]]:
    """The statements the person may see, narrowed by ``period`` (YYYY-MM), ``partner`` (id) and ``state``;
    the filters kept (for the pager and the export links) and the messages of those refused."""
    statements = selectors.statements_for(request.user)
    kept: dict[str, str] = {}
    errors: list[str] = []
    period = request.GET.get("period", "").strip()
    if period:
        try:
            statements = statements.filter(period=parse_month(period))
            kept["period"] = period
        except ValidationError as exc:
            errors.extend(exc.messages)
    partner = request.GET.get("partner", "").strip()
    if partner.isdigit():
        statements = statements.filter(partner_id=int(partner))
        kept["partner"] = partner
    state = request.GET.get("state", "").strip()
    if state in Invoice.State.values:
        statements = statements.filter(state=state)
        kept["state"] = state
    return statements, kept, errors


@login_required
def statement_list(request: AuthenticatedRequest) -> HttpResponse:
    """B4.3: statements, newest month first, with the totals of the filtered rows and CSV / Excel links."""
    require_readable(request)
    statements, kept, errors = _filtered(request)
    totals = statements.aggregate(rows=Count("pk"), revenue=Sum("revenue"), amount=Sum("amount"))
    api_filters = dict(kept)
    if "period" in api_filters:  # the API filters by the month's first day
        api_filters["period"] = f"{parse_month(kept['period']):%Y-%m-%d}"
    return render(
        request,
        "billing/statements.html",
        {
            "page": Paginator(statements, 50).get_page(request.GET.get("page")),
            "query": urlencode(kept),
            "export_query": urlencode(api_filters),
            "filters": kept,
            "errors": errors,
            "totals": {k: totals[k] if totals[k] is not None else ZERO for k in ("revenue", "amount")},
            "total_rows": totals["rows"],
            "partners": selectors.partners_for(request.user),
            "states": Invoice.State.choices,
        },
        status=400 if errors else 200,
    )


@login_required
def statement_detail(request: AuthenticatedRequest, pk) -> HttpResponse:
    """B4.3: one statement, printable like an invoice."""
    statement = selectors.get_statement_for(request.user, pk)
    return render(request, "billing/statement.html", {"statement": statement})


def _history(statements: list[SettlementStatement]) -> list[tuple[SettlementStatement, Decimal | None]]:
    """Newest first, each with its year's running total up to it; a void statement (a rolled-back run's)
    counts nothing and shows none."""
    running: dict[int, Decimal] = {}
    out: list[tuple[SettlementStatement, Decimal | None]] = []
    for s in sorted(statements, key=lambda s: (s.period, s.pk)):
        if s.state == Invoice.State.VOID:
            out.append((s, None))
            continue
        running[s.period.year] = running.get(s.period.year, ZERO) + s.amount
        out.append((s, running[s.period.year]))
    return out[::-1]


@login_required
def partner_detail(request: AuthenticatedRequest, pk) -> HttpResponse:
    """B4.3: a partner's card and its statement history with a running total per year."""
    partner = selectors.get_partner_for(request.user, pk)
    statements = list(selectors.statements_for(request.user).filter(partner=partner))
    return render(request, "billing/partner.html", {"partner": partner, "history": _history(statements)})
