"""Pages (issue 12 §1): one way to run an action and show why it was refused.

* ``run_action(request, fn, **kwargs)`` — runs a service and answers True; invalid input
  (``core.errors.Invalid`` or Django's ``ValidationError``) becomes error messages on the next page
  and the call answers False. A button refused with ``Conflict`` (409: the record is in another state
  now, or someone else changed it meanwhile) answers False too: the view redirects back to the record's
  page and the reason is an error message tagged ``refused`` (``REFUSED``), which the page shows at
  the top of its actions card (``templates/_refused.html``), so the user sees the state as it is now
  and the buttons they have now.
* ``form_action(form, fn, **kwargs)`` — the same for a page form: the messages go onto the form,
  each on its field where the form has it.

A wrong person or an unknown record (``Forbidden``, ``NotFound``) is not caught here (the page showed
no such button): ``core.middleware.DomainErrorMiddleware`` answers it with its status (403/404) and a
page that says why, with a way back; so does a ``Conflict`` from a form (``form_action``).
"""

from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from .errors import Conflict, Invalid

NOT_RUN = None  # what form_action answers when the input was refused
REFUSED = "refused"  # the extra tag of the message of a button refused with Conflict


def error_messages(exc) -> dict:
    """``{field or None: [message, …]}`` for an ``Invalid`` or a Django ``ValidationError``."""
    if isinstance(exc, Invalid):
        return {name: list(msgs) for name, msgs in exc.fields.items()} or {None: [str(exc)]}
    if hasattr(exc, "error_dict"):
        return {(None if name == NON_FIELD_ERRORS else name): msgs for name, msgs in exc.message_dict.items()}
    return {None: list(exc.messages)}


def run_action(request, fn, /, **kwargs) -> bool:
    """Run ``fn(**kwargs)``: True; False (and the reasons as messages) when the input or the state refused it.
    (Positional-only, so a service may take a ``request=`` keyword.)"""
    try:
        fn(**kwargs)
    except (Invalid, ValidationError) as exc:
        for errors in error_messages(exc).values():
            for error in errors:
                messages.error(request, error)
        return False
    except Conflict as exc:
        messages.error(request, str(exc), extra_tags=REFUSED)
        return False
    return True


def form_action(form, fn, /, **kwargs):
    """``fn(**kwargs)``'s result; None (and the reasons on ``form``) when the input was refused."""
    try:
        return fn(**kwargs)
    except (Invalid, ValidationError) as exc:
        for field, errors in error_messages(exc).items():
            form.add_error(field if field in form.fields else None, errors)
        return NOT_RUN
