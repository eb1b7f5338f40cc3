"""One way to run a django-fsm transition, for every workflow in every app.

``apply_transition`` locks the row, checks the transition's conditions and the
actor's permission, runs it, saves, and writes the audit entry (S5.5), all in
one transaction. Apps wrap it in their own keyword-only services
(``order_submit(*, order, by)``) so views, the API, the admin and Celery tasks
share one path. A lost race or a wrong state raises ``TransitionConflict``
(HTTP 409 / a message on the page); a wrong person raises
``TransitionForbidden`` (HTTP 403).
"""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, can_proceed, has_transition_perm
from rest_framework import exceptions, status
from rest_framework.views import exception_handler as drf_exception_handler

from .services import audit_record


class TransitionConflict(Exception):
    """The object is not in a state that allows this action (or someone was faster)."""


class TransitionForbidden(Exception):
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
        raise TransitionConflict(_("Someone else changed this record at the same time; reload and try again.")) from exc
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


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def api_exception_handler(exc, context):
    """DRF exception handler: wrong state → 409, wrong person → 403, both with a message; a
    Django ``ValidationError`` a service raised (e.g. a date outside its range) → 400 with field errors."""
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
    elif isinstance(exc, RequestDataTooBig):
        # Django refuses to read a body over DATA_UPLOAD_MAX_MEMORY_SIZE: a JSON 400 that says so.
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        exc = exceptions.ParseError(_("The request body is larger than %(limit)d bytes.") % {"limit": limit})
    elif isinstance(exc, TransitionConflict):
        exc = Conflict(str(exc))
    elif isinstance(exc, TransitionForbidden):
        exc = exceptions.PermissionDenied(str(exc))
    return drf_exception_handler(exc, context)
