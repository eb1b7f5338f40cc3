from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

from .errors import DomainError, NotFound


class DomainErrorMiddleware:
    """Pages: a domain error a view let through answers its status (400/403/409) with a page that
    names the reason and links back to where the action was taken. A record that is not there or not
    the person's to see (``NotFound``) gets the site's own 404 page, as a wrong address does: it was no
    action that failed (issue 12 §2: one answer for a record you may not see)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, NotFound):
            return render(request, "404.html", status=404)
        if isinstance(exception, DomainError):
            context = {"message": str(exception), "code": exception.code, "back": _back(request)}
            return render(request, "transition_error.html", context, status=exception.status)
        return None


def _back(request) -> str:
    """Where the user came from, when it is this site (else the history's back)."""
    referer = request.headers.get("Referer", "")
    allowed = url_has_allowed_host_and_scheme(referer, {request.get_host()}, require_https=request.is_secure())
    return referer if referer and allowed else ""
