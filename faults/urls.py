"""Pages of the faults app."""

from django.urls import path

from . import views

app_name = "faults"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.report, name="report"),
    path("events/", views.event_board, name="events"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.act, name="act"),
]
