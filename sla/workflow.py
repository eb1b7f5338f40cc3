"""One way to run a django-fsm transition, for every workflow in every app.

``apply_transition`` locks the row, checks the transition's conditions and the
actor's permission, runs it, saves, and writes the audit entry (S5.5), all in
one transaction. Apps wrap it in their own keyword-only services
(``order_submit(*, order, by)``) so views, the API, the admin and Celery tasks
share one path. A lost race or a wrong state raises ``TransitionConflict``
(a ``core.errors.Conflict``: HTTP 409, code ``wrong_state`` or ``changed_meanwhile``); a wrong
person raises ``TransitionForbidden`` (a ``core.errors.Forbidden``: HTTP 403). The API's answers
come from ``core.api.api_exception_handler``, the pages' from ``core.middleware``.
"""

from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm

from core.errors import Conflict, Forbidden

from .services.audit import audit_record


class TransitionConflict(Conflict):
    """The object is not in a state that allows this action (or someone was faster)."""

    code = "wrong_state"


class TransitionForbidden(Forbidden):
    """This person may not take this action on this object."""


def apply_transition(instance, name: str, *, by, comment: str = "", state_field: str = "state", **kwargs):
    """Run transition ``name`` on a locked copy of ``instance``; return the saved copy.

    ``kwargs`` go to the transition method. Its ``permission`` (a callable
    ``(instance, user) -> bool``) and ``conditions`` are checked on the locked
    row, so two people acting at once cannot both succeed.
    """
    model = type(instance)
    try:
        with transaction.atomic():
            locked = model.objects.select_for_update().get(pk=instance.pk)
            method = getattr(locked, name)
            if by is not None and not _may_ever(locked, method, by, state_field):
                # Permission first: a stranger learns nothing about the state.
                raise TransitionForbidden(_("You may not do this."))
            if not can_proceed(method):
                raise TransitionConflict(
                    _("This cannot be done now: the record is “%(state)s”.")
                    % {"state": _display_state(locked, state_field)}
                )
            before = getattr(locked, state_field)
            method(**kwargs)
            locked.save()
            audit_record(
                subject=locked,
                actor=by,
                transition=name,
                from_state=before,
                to_state=getattr(locked, state_field),
                comment=comment,
            )
    except ConcurrentTransition as exc:
        raise TransitionConflict(
            _("Someone else changed this record at the same time; reload and try again."), code="changed_meanwhile"
        ) from exc
    return locked


def _may_ever(instance, method, user, state_field: str) -> bool:
    """May ``user`` take this transition: from the current state if it has one, else from any state.

    So the wrong person gets 403 whatever the state, and the right person in the
    wrong state gets 409 (``has_transition_perm`` alone is False in both cases).
    """
    if has_transition_perm(method, user):
        return True
    meta = method._django_fsm
    if meta.get_transition(getattr(instance, state_field)) is not None:
        return False  # a transition exists here and the user lacks its permission
    return any(t.has_perm(instance, user) for t in meta.transitions.values())


def _display_state(instance, field: str) -> str:
    getter = getattr(instance, f"get_{field}_display", None)
    return str(getter()) if getter else str(getattr(instance, field))

