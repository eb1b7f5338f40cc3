"""A3.1 with real processes: IT's overdue account request is reported by the real Celery worker and beat."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from accounts import services
from sla.models import Deadline, DeadlineEvent, Notification
from tests.accounts.factories import make_cast, submit_role_request
from tests.celery_harness import wait_until

pytestmark = pytest.mark.integration


def test_A3_1_an_overdue_request_is_reported_to_it_once_by_the_worker(celery_env, org):
    cast = make_cast(org)
    request = submit_role_request(cast, org)
    services.account_request_manager_approve(request=request, by=cast.manager)
    # Approved three working days ago at the latest: IT's 1 working day is over.
    with time_machine.travel(timezone.now() - timedelta(days=7), tick=False):
        services.account_request_business_approve(request=request, by=cast.scope_manager)
    deadline = Deadline.objects.get(object_id=request.pk, kind="account-request")
    assert deadline.due_at < timezone.now()

    celery_env.worker()
    celery_env.beat()
    event = wait_until(
        lambda: DeadlineEvent.objects.filter(deadline=deadline, kind="breach").first(), timeout=20, message="breach"
    )
    assert Notification.objects.filter(recipient=cast.it, event=event, channel="inapp").count() == 1
    assert not Notification.objects.filter(event=event).exclude(recipient=cast.it).exists()
    deadline.refresh_from_db()
    assert deadline.state == Deadline.State.BREACHED
    # Completing late still works and closes the deadline as met (late).
    services.account_request_complete(request=request, by=cast.it)
    deadline.refresh_from_db()
    assert deadline.state == Deadline.State.MET and deadline.lateness > timedelta(0)
