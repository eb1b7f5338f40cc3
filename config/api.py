"""What every API operation shares (issue 11 §4): bad input answers 400 or 404, never 500, and the
OpenAPI document says what the API really answers.

* ``ApiRouter`` — ids in URLs are integers; ``/api/v1/orders/abc/`` is no route (404), not a query
  PostgreSQL refuses.
* ``not_found`` — the 404 handler: JSON ``{"code": "not_found", "detail": …, "fields": {}}`` under
  ``/api/``, the usual page elsewhere.
* ``RejectNulMiddleware`` — a NUL character in the query string (a filter, a page number) answers
  400 (code ``nul_character``); PostgreSQL cannot store or compare text that holds one.
* ``config.parsers.JSONParser`` — request bodies: at most ``DATA_UPLOAD_MAX_MEMORY_SIZE`` bytes,
  nested at most ``API_JSON_MAX_DEPTH`` levels, no NUL character in any key or string (400).
* ``config.openapi.AutoSchema`` — the document: error answers, pagination, nullable fields.

(The parser and the schema class live in their own modules: DRF imports them from its settings while
``rest_framework.views`` is still loading.)
"""

from django.http import JsonResponse
from django.views import defaults
from rest_framework import exceptions
from rest_framework.routers import DefaultRouter

from config.parsers import NUL, nul_message
from core.errors import error_body

API_PREFIX = "/api/"


class ApiRouter(DefaultRouter):
    """A DefaultRouter whose detail routes take integer ids only: ``<int:pk>`` (unless a viewset
    names its own ``lookup_value_converter``). The OpenAPI document then says ``integer`` too.
    No ``.json`` suffix routes (``?format=json`` still works)."""

    include_format_suffixes = False

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("use_regex_path", False)
        super().__init__(*args, **kwargs)

    def get_lookup_regex(self, viewset, lookup_prefix=""):
        lookup_url_kwarg = getattr(viewset, "lookup_url_kwarg", None) or getattr(viewset, "lookup_field", "pk")
        converter = getattr(viewset, "lookup_value_converter", "int")
        return f"<{converter}:{lookup_prefix}{lookup_url_kwarg}>"


def not_found(request, exception):
    if request.path.startswith(API_PREFIX):
        return JsonResponse(error_body("not_found", exceptions.NotFound.default_detail), status=404)
    return defaults.page_not_found(request, exception)


class RejectNulMiddleware:
    """A NUL character anywhere in the query string answers 400 (JSON under /api/)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if any(NUL in key or any(NUL in value for value in values) for key, values in request.GET.lists()):
            if request.path.startswith(API_PREFIX):
                return JsonResponse(error_body("nul_character", nul_message()), status=400)
            return defaults.bad_request(request, exceptions.ParseError(nul_message(), code="nul_character"))
        return self.get_response(request)
