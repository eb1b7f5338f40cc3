"""The one DRF exception handler (issue 12 §1): every refusal answers
``{"code": …, "detail": …, "fields": {…}}``.

* our domain errors (``core.errors``): ``Invalid`` 400, ``Forbidden`` 403, ``NotFound`` 404,
  ``Conflict`` 409, with their own code and fields;
* Django's ``ValidationError`` (a model's or a service's) → 400 ``invalid``, messages per field;
  ``PermissionDenied`` → 403 ``forbidden``; ``Http404`` → 404 ``not_found``;
  ``RequestDataTooBig`` → 400 ``body_too_large``;
* DRF's own ``APIException`` family keeps its status; its code is the one the raise named
  (``parse_error``, ``not_authenticated``, ``unsupported_media_type``, …; DRF's
  ``permission_denied`` is called ``forbidden``), a serializer's ``ValidationError`` answers code
  ``invalid``, ``detail`` "输入有误。" and the serializer's errors as ``fields``.

``fields`` is always there (``{}`` when no single field is to blame); ``detail`` is always one string.
"""

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, RequestDataTooBig
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler

from .errors import DomainError, Invalid

# DRF's names for its codes where ours differ.
CODES = {"permission_denied": "forbidden"}


class _Refusal(exceptions.APIException):
    """A domain error on its way through DRF's handler (which sets the status and rolls back)."""

    def __init__(self, status: int, code: str, detail: str, fields: dict):
        super().__init__(detail, code)
        self.status_code = status
        self.error_code = code
        self.fields = fields


def _django_validation(exc: DjangoValidationError) -> Invalid:
    if hasattr(exc, "error_dict"):
        fields = {
            (api_settings.NON_FIELD_ERRORS_KEY if name == NON_FIELD_ERRORS else name): msgs
            for name, msgs in exc.message_dict.items()
        }
        return Invalid(_("The input is not valid."), fields=fields)
    code = getattr(exc, "code", None) if len(exc.messages) == 1 else None
    return Invalid("; ".join(exc.messages), code=code or "invalid")


def _as_api_exception(exc):
    """The APIException DRF's handler answers for ``exc``, or None (not ours: a 500)."""
    if isinstance(exc, DjangoValidationError):
        exc = _django_validation(exc)
    elif isinstance(exc, RequestDataTooBig):
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        exc = Invalid(_("The request body is larger than %(limit)d bytes.") % {"limit": limit}, code="body_too_large")
    elif isinstance(exc, Http404):
        return exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        return exceptions.PermissionDenied(str(exc) or None)
    if isinstance(exc, DomainError):
        return _Refusal(exc.status, exc.code, str(exc), exc.fields)
    if isinstance(exc, exceptions.APIException):
        return exc
    return None


def _flat(detail) -> str:
    if isinstance(detail, list):
        return "; ".join(_flat(item) for item in detail)
    if isinstance(detail, dict):
        return "; ".join(_flat(item) for item in detail.values())
    return str(detail)


def error_data(exc: exceptions.APIException) -> dict:
    """The answer's body for an APIException (after ``_as_api_exception``)."""
    if isinstance(exc, _Refusal):
        return {"code": exc.error_code, "detail": str(exc.detail), "fields": exc.fields}
    if isinstance(exc, exceptions.ValidationError):
        if isinstance(exc.detail, dict):
            return {"code": "invalid", "detail": _("The input is not valid."), "fields": exc.detail}
        return {"code": "invalid", "detail": _flat(exc.detail), "fields": {}}
    codes = exc.get_codes()
    code = codes if isinstance(codes, str) else exc.default_code
    return {"code": CODES.get(code, code), "detail": _flat(exc.detail), "fields": {}}


def api_exception_handler(exc, context):
    """``REST_FRAMEWORK["EXCEPTION_HANDLER"]``: see the module docstring."""
    api_exc = _as_api_exception(exc)
    if api_exc is None:
        return None
    response = drf_exception_handler(api_exc, context)
    if response is not None:
        response.data = error_data(api_exc)
    return response
