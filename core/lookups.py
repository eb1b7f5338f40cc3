"""One way to find a record for the person asking (issue 12 §2).

``visible_record(qs, pk)`` is the record ``pk`` of ``qs`` (the records the person may see); a record
that does not exist and one outside the person's scope answer the same: ``core.errors.NotFound``
(404 ``not_found``, for the API and the pages), so nobody learns that a record they may not see
exists. "You may see it but may not do this" stays a 403 (``Forbidden``, the rules).
"""

from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import QuerySet

from .errors import NotFound


def visible_record(qs: QuerySet[Any], pk: Any, *, for_write: bool = False) -> Any:
    """The record ``pk`` of ``qs``; ``NotFound`` when there is none (or ``pk`` is no valid key).

    ``for_write=True`` locks the row (``SELECT … FOR UPDATE`` of the record's own table; inside a
    transaction)."""
    if for_write:
        qs = qs.select_for_update(of=("self",))
    try:
        record = qs.filter(pk=pk).first()
    except (TypeError, ValueError, ValidationError):
        record = None
    if record is None:
        raise NotFound()
    return record
