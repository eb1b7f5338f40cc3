"""Pages of the faults app."""

from django.urls import path  # noqa: F401

app_name = "faults"
urlpatterns: list = []
