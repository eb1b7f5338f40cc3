"""Pages of the faults app."""

from django.urls import path

from . import views

app_name = "faults"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("new/", views.report, name="report"),
    path("events/", views.event_board, name="events"),
    path("events/<int:pk>/", views.event_detail, name="event"),
    path("events/<int:pk>/call/", views.event_call, name="event-call"),
    path("contacts/", views.roster, name="contacts"),
    path("contacts/new/", views.contact_add, name="contact-add"),
    path("contacts/<int:pk>/remove/", views.contact_remove, name="contact-remove"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/<slug:action>/", views.act, name="act"),
]
