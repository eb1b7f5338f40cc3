"""REST API of the billing app, mounted under /api/v1/."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()
