"""The Celery application.

Timers live in the database (see ``sla``); Celery only runs the sweeper on a beat
schedule and delivers notifications. No rule depends on a countdown task
surviving in the broker.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("brp")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
