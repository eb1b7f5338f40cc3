from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

import accounts.api
import billing.api
import faults.api
import responses.api
from sla.api import InboxViewSet

router = DefaultRouter()
router.register("inbox", InboxViewSet, basename="inbox")
# Each app keeps its own router in <app>/api.py; they are merged here.
for app_router in (accounts.api.router, responses.api.router, faults.api.router, billing.api.router):
    router.registry.extend(app_router.registry)

urlpatterns = [
    path("", include("accounts.urls")),
    path("", include("sla.urls")),
    path("orders/", include("responses.urls")),
    path("faults/", include("faults.urls")),
    path("billing/", include("billing.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include(router.urls)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]
