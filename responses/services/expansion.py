"""Expansion requests (R1.15): 网络监控中心 asks 网络管理部, which plans and files the expansion."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from org.models import Department, User
from org.roles import Dept
from sla import services as sla
from sla.workflow import TransitionForbidden

from .. import rules
from ..models import ExpansionRequest, Order
from ._common import _apply, _in_department


@transaction.atomic
def expansion_request_raise(*, order: Order, by: User, reason: str) -> ExpansionRequest:
    """R1.15: 网络监控中心 cannot allocate → expansion request to 网络管理部."""
    if not rules.may_raise_expansion(order, by):
        raise TransitionForbidden(_("Only 网络监控中心 raises expansion requests."))
    if not order.business_type.is_expansion:
        raise ValidationError({"order": _("This is not a capacity-expansion order.")})
    if not (reason or "").strip():
        raise ValidationError({"reason": _("This field is required.")})
    req = ExpansionRequest.objects.create(order=order, reason=reason, raised_by=by)
    sla.audit_record(subject=order, actor=by, transition="expansion_request", comment=reason)
    netmgmt = Department.objects.get(code=Dept.NETMGMT)
    sla.notify(users=list(netmgmt.members.all()), subject=_("Expansion request for %(o)s") % {"o": order.number})
    return req


@transaction.atomic
def expansion_request_plan(*, request: ExpansionRequest, by: User, plan: str) -> ExpansionRequest:
    _in_department(by, Dept.NETMGMT)  # R1.15: only 网络管理部 plans an expansion
    if not (plan or "").strip():
        raise ValidationError({"plan": _("This field is required.")})
    req = _apply(request, "plan_it", by=by, plan=plan)
    return _apply(req, "file", by=by, comment=_("Filed with the Center"))
