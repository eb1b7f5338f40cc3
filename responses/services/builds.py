"""LAN/DSLAM build decisions (R1.18): raised by a front department, estimated, decided."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from org.access import has_role_in
from org.models import Department, User
from org.roles import Dept, Role
from sla import services as sla
from sla.workflow import TransitionForbidden

from ..models import BuildDecision
from ._common import _apply, _in_department


@transaction.atomic
def build_decision_raise(*, by: User, kind, site, expected_demand, buildings, competition) -> BuildDecision:
    """R1.18: expected demand, buildings and competition are required."""
    # R1.18: the front department (its order admin or director) states demand, buildings and competition.
    if not (
        by.department is not None
        and by.department.side == Department.Side.FRONT
        and has_role_in(by, [Role.FRONT_ADMIN, Role.LEADER], None)
    ):
        raise TransitionForbidden(_("You may not do this."))
    decision = BuildDecision(
        kind=kind,
        site=site,
        expected_demand=expected_demand,
        buildings=buildings,
        competition=competition,
        created_by=by,
    )
    decision.full_clean(exclude=["created_by", "cost_estimate", "state"])
    decision.save()
    sla.audit_record(subject=decision, actor=by, transition="raise", to_state=decision.state)
    return decision


@transaction.atomic
def build_decision_estimate(*, decision: BuildDecision, by: User, cost) -> BuildDecision:
    """R1.18: 网络建设部 estimates the cost."""
    _in_department(by, Dept.NETBUILD)
    if cost is None or cost <= 0:
        raise ValidationError({"cost": _("Enter a cost greater than zero.")})
    return _apply(decision, "estimate", by=by, cost=cost)


@transaction.atomic
def build_decision_decide(*, decision: BuildDecision, by: User, approve: bool) -> BuildDecision:
    """R1.18: 市场拓展部's director decides and signs (the transition's permission checks it)."""
    return _apply(decision, "approve" if approve else "reject", by=by, actor=by)
