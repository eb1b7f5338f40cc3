from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny, IsAuthenticated

import accounts.api
import billing.api
import faults.api
import responses.api
from config.api import ApiRouter
from sla.api import DeadlineViewSet, InboxViewSet, PauseViewSet

router = ApiRouter()  # integer ids only: /api/v1/orders/abc/ is a 404
router.register("inbox", InboxViewSet, basename="inbox")
router.register("deadlines", DeadlineViewSet, basename="deadline")
router.register("pauses", PauseViewSet, basename="pause")
# Each app keeps its own router in <app>/api.py; they are merged here.
for app_router in (accounts.api.router, responses.api.router, faults.api.router, billing.api.router):
    router.registry.extend(app_router.registry)

# The OpenAPI document and the Swagger UI are open in development; in production they need a login
# (the schema answers 401/403 without one, the docs page sends to the login page). The split view serves
# the Swagger UI's start-up script as a file, so the page needs no inline script (Content-Security-Policy).
schema_view = SpectacularAPIView.as_view(permission_classes=[IsAuthenticated if settings.PRODUCTION else AllowAny])
docs_view = SpectacularSwaggerSplitView.as_view(
    url_name="schema",
    template_name="api_docs.html",
    permission_classes=[AllowAny],
)
if settings.PRODUCTION:
    docs_view = login_required(docs_view)

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("sla.urls")),
    path("", include("dashboards.urls")),
    path("orders/", include("responses.urls")),
    path("faults/", include("faults.urls")),
    path("billing/", include("billing.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/token/", accounts.api.TokenView.as_view(), name="api-token"),
    path("api/v1/", include(router.urls)),
    path("api/schema/", schema_view, name="schema"),
    path("api/docs/", docs_view, name="api-docs"),
]

# Unknown URLs under /api/ answer JSON; pages keep templates/404.html.
handler404 = "config.api.not_found"
