"""Domain errors (issue 12 §1): the one way a service refuses.

A service raises ``NotFound``, ``Forbidden``, ``Conflict`` or ``Invalid``; the API answers 404, 403,
409 or 400 with ``{"code": …, "detail": …, "fields": {…}}`` (``core.api.api_exception_handler``)
and a page shows the message where the action was taken (``core.views``). Each error carries a
stable ``code`` a client can branch on: the class default, or one named at the raise
(``Conflict(_("…"), code="order_wrong_state")``), and optionally ``fields``, messages per input
field (``Invalid(_("…"), fields={"checklist": [_("…")]})``).
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    """Base of the domain errors: a message (Chinese for the user), a code, messages per field."""

    status = 400
    code = "error"
    default_message = _("The action was not carried out.")

    def __init__(self, message=None, *, code: str | None = None, fields: dict | None = None):
        self.message = message if message is not None else self.default_message
        if code is not None:
            self.code = code
        self.fields = {name: [str(m) for m in _as_list(msgs)] for name, msgs in (fields or {}).items()}
        super().__init__(self.message)

    def __str__(self) -> str:
        return str(self.message)

    @property
    def messages(self) -> list[str]:
        """Every message to show: the field messages, else the message itself."""
        found = [m for msgs in self.fields.values() for m in msgs]
        return found or [str(self.message)]


class Invalid(DomainError):
    """The input is wrong (400)."""

    status = 400
    code = "invalid"
    default_message = _("The input is not valid.")


class Forbidden(DomainError):
    """This person may not do this (403)."""

    status = 403
    code = "forbidden"
    default_message = _("You may not do this.")


class NotFound(DomainError):
    """No such record, or none this person may know of (404)."""

    status = 404
    code = "not_found"
    default_message = _("No such record.")


class Conflict(DomainError):
    """Not possible in the record's current state, or someone was faster (409)."""

    status = 409
    code = "conflict"
    default_message = _("This cannot be done now.")


def _as_list(messages):
    return messages if isinstance(messages, list | tuple) else [messages]


def error_body(code: str, detail, fields: dict | None = None) -> dict:
    """The one shape of every error answer."""
    return {"code": code, "detail": str(detail), "fields": fields or {}}
