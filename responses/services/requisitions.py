"""Resource requisitions (R1.7): raised by a front department, dispatched by resource type, answered."""

from django.db import transaction
from django.utils.translation import gettext as _

from org.models import Department, User
from sla import services as sla

from ..models import Requisition
from ._common import REQUISITION, _apply, _center, _now, _open_deadline, _require_front_admin


@transaction.atomic
def requisition_raise(*, by: User, customer, resource_type: str, description: str, at=None) -> Requisition:
    _require_front_admin(by, by.department)
    req = Requisition(
        front_department=by.department,
        customer=customer,
        resource_type=resource_type,
        description=description,
        created_by=by,
        created_at=_now(at),
    )
    req.full_clean(exclude=["created_by", "state"])
    req.save()
    deadline = sla.deadline_start(
        subject=req,
        kind=REQUISITION,
        title=_("Requisition %(pk)s") % {"pk": req.pk},
        started_at=req.created_at,
        assessed_department=_center(),  # the Center checks the records; dispatching moves it (R1.7)
    )
    req.due_at = deadline.due_at
    req.save(update_fields=["due_at"])
    sla.audit_record(subject=req, actor=by, transition="raise", to_state=req.state)
    return req


@transaction.atomic
def requisition_dispatch(*, requisition: Requisition, by: User) -> Requisition:
    """R1.7: dispatch by resource type (lines → 线路维护中心, ports → 网络监控中心, wireless → 无线设备中心)."""
    department = Department.objects.get(code=Requisition.DEPARTMENT_OF[requisition.resource_type])
    requisition = _apply(requisition, "dispatch", by=by, department=department)
    deadline = _open_deadline(requisition, REQUISITION)
    if deadline:  # the assigned department now answers for the 3 days (R1.7)
        sla.deadline_reassign(deadline=deadline, department=department, by=by, comment="R1.7")
    return requisition


@transaction.atomic
def requisition_answer(
    *, requisition: Requisition, by: User, available: bool, answer: str = "", on_site=False, at=None
):
    if available:
        req = _apply(requisition, "confirm", by=by, answer=answer, on_site=on_site, comment=answer)
    else:
        req = _apply(requisition, "refuse", by=by, answer=answer, comment=answer)
    deadline = _open_deadline(req)
    if deadline:
        sla.deadline_meet(deadline=deadline, by=by, at=_now(at))
    return req
