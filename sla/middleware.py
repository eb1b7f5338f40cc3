from django.shortcuts import render

from .workflow import TransitionConflict, TransitionForbidden


class TransitionErrorMiddleware:
    """Pages: a wrong state becomes a 409 page, a wrong person a 403 page, each with the reason."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, TransitionConflict):
            return render(request, "transition_error.html", {"message": str(exception)}, status=409)
        if isinstance(exception, TransitionForbidden):
            return render(request, "transition_error.html", {"message": str(exception)}, status=403)
        return None
