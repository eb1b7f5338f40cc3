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
    # F2.5 problems
    path("problems/", views.problem_list, name="problems"),
    path("problems/new/", views.problem_new, name="problem-new"),
    path("problems/<int:pk>/", views.problem_detail, name="problem"),
    path("problems/<int:pk>/<slug:action>/", views.problem_act, name="problem-act"),
    # Seed 002 rectification notices
    path("rectifications/", views.rectification_list, name="rectifications"),
    path("rectifications/new/", views.rectification_new, name="rectification-new"),
    path("rectifications/<int:pk>/", views.rectification_detail, name="rectification"),
    path("rectifications/<int:pk>/evidence/", views.rectification_evidence, name="rectification-evidence"),
    path("rectifications/<int:pk>/<slug:action>/", views.rectification_act, name="rectification-act"),
    # issue 15 §4: complaints (F2.9) and the event board's level suggestions
    path("complaints/", views.complaint_queue, name="complaints"),
    path("complaints/new/", views.complaint_new, name="complaint-new"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint"),
    path("complaints/<int:pk>/<slug:action>/", views.complaint_act, name="complaint-act"),
    path("events/suggestions/<int:pk>/apply/", views.suggestion_apply, name="suggestion-apply"),
]
