from django.urls import path

from . import pause_views, views

app_name = "sla"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.inbox_mark_read, name="inbox-read"),
    path("pauses/request/<str:label>/<int:pk>/", pause_views.pause_request, name="pause-request"),
    path("pauses/<int:pk>/<str:name>/", pause_views.pause_action, name="pause-action"),
]
