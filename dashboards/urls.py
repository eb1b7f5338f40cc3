from django.urls import path

from . import paused, views

app_name = "dashboards"
urlpatterns = [
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/data/", views.dashboard_data, name="dashboard-data"),
    path("deadlines/", views.deadline_list, name="deadlines"),
    path("dashboard/paused/", paused.paused_page, name="paused"),
    path("dashboard/paused/data/", paused.paused_data, name="paused-data"),
]
