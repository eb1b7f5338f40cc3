"""What the faults services share: the deadline kinds, the transition runner (409 for the wrong
state), meeting and cancelling open deadlines, the members of departments and the writer check.

Private to ``faults.services``; the modules beside it import from here, not from each other.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from org.access import is_read_only
from org.models import User
from sla import services as sla
from sla.models import Deadline
from sla.workflow import TransitionConflict, apply_transition

REPAIR = "fault-repair"
RECOVERY = "fault-recovery-notice"
BROADCAST = "fault-broadcast"


def _transition(instance, name: str, *, by: User, comment: str = "", **kwargs):
    """``apply_transition``, answering "wrong state" (409) rather than "forbidden" (403) to
    someone who could take this action in another state."""
    meta = getattr(type(instance), name)._django_fsm
    current = type(instance).objects.filter(pk=instance.pk).values_list("state", flat=True).first()
    if by is not None and current is not None and not meta.has_transition(current):
        permitted = any(t.permission and t.permission(instance, by) for t in meta.transitions.values())
        if permitted:
            raise TransitionConflict(
                _("This cannot be done now: the record is “%(state)s”.")
                % {"state": type(instance).State(current).label}
            )
    return apply_transition(instance, name, by=by, comment=comment, **kwargs)


def _setting(name: str, default):
    return getattr(settings, name, default)


def _open_deadlines(subject, kind: str):
    ct = ContentType.objects.get_for_model(subject)
    return Deadline.objects.filter(content_type=ct, object_id=subject.pk, kind=kind, state__in=Deadline.OPEN_STATES)


def _meet(subject, kind: str, *, by: User, at, comment="") -> None:
    for deadline in _open_deadlines(subject, kind):
        sla.deadline_meet(deadline=deadline, by=by, at=at, comment=comment)


def _cancel(subject, kind: str, *, by: User, at, comment="") -> None:
    for deadline in _open_deadlines(subject, kind):
        sla.deadline_cancel(deadline=deadline, by=by, at=at, comment=comment)


def _members(departments, roles=None):
    users = User.objects.filter(is_active=True, department__in=departments)
    if roles:
        users = users.filter(groups__name__in=[str(r) for r in roles])
    return list(users.distinct().order_by("id"))


def _require_writer(user) -> None:
    if not user.is_authenticated or is_read_only(user):
        raise PermissionDenied
