"""REST API of the accounts app, mounted under /api/v1/: one module per resource (account requests,
grants and HR events, A3.1/A3.2; the department directory; the API token). ``router`` is merged in
config/urls.py; the token view is mounted there on its own."""

from rest_framework.routers import SimpleRouter

from .departments import DepartmentViewSet
from .requests import AccountRequestViewSet, GrantViewSet, HrEventViewSet
from .token import TokenView

router = SimpleRouter()
router.register("account-requests", AccountRequestViewSet, basename="account-request")
router.register("grants", GrantViewSet, basename="grant")
router.register("hr-events", HrEventViewSet, basename="hr-event")
router.register("departments", DepartmentViewSet, basename="department")

__all__ = ["TokenView", "router"]
