from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from .errors import DomainError


class DomainErrorMiddleware:
    """Pages: a domain error a view let through answers its status (400/403/404/409) with a page
    that names the reason and links back to where the action was taken."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, DomainError):
            context = {"message": str(exception), "code": exception.code, "back": _back(request)}
            return render(request, "transition_error.html", context, status=exception.status)
        return None


def _back(request) -> str:
    """Where the user came from, when it is this site (else the history's back)."""
    referer = request.headers.get("Referer", "")
    allowed = url_has_allowed_host_and_scheme(referer, {request.get_host()}, require_https=request.is_secure())
    return referer if referer and allowed else ""
