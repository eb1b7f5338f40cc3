"""What the billing pages share."""

from django.core.exceptions import PermissionDenied, ValidationError

from .. import selectors


def require_readable(request):
    """The billing lists: 403 outside IT and the read-all roles. A record's page asks no such thing:
    a run or invoice the person may not see answers 404 from its lookup, like one that does not
    exist (issue 12 §2; ``selectors.bill_runs_for`` is empty for them)."""
    if not selectors.may_see_billing(request.user):
        raise PermissionDenied


def error_lists(exc: ValidationError):
    return exc.message_dict.values() if hasattr(exc, "error_dict") else [exc.messages]
