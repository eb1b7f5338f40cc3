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
    # issue 15 §4: complaints (F2.9) and the event board's level suggestions
    path("complaints/", views.complaint_queue, name="complaints"),
    path("complaints/new/", views.complaint_new, name="complaint-new"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint"),
    path("complaints/<int:pk>/<slug:action>/", views.complaint_act, name="complaint-act"),
    path("events/suggestions/<int:pk>/apply/", views.suggestion_apply, name="suggestion-apply"),
]
