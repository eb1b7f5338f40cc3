"""REST API of the responses app, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()
