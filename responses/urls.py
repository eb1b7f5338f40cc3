"""Pages of the responses app (mounted at /orders/)."""

from django.urls import path

from . import views

app_name = "responses"
urlpatterns = [
    path("", views.order_list, name="list"),
    path("new/", views.order_new, name="new"),
    path("center/", views.center_incoming, name="center"),
    path("queue/", views.queue, name="queue"),
    path("<int:pk>/", views.order_detail, name="detail"),
    path("<int:pk>/<slug:name>/", views.order_action, name="action"),
    path("steps/<int:pk>/<slug:name>/", views.step_action, name="step-action"),
    path("special/<int:pk>/<slug:name>/", views.special_action, name="special-action"),
    path("report/", views.month_report, name="report"),
    path("report/export/", views.month_report_export, name="report-export"),
]
