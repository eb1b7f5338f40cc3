"""S5.1: apps act on fired deadline events through sla.hooks, once, with retries on failure."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from org.models import Department
from sla import hooks, services
from sla.models import DeadlineEvent
from tests.factories import DepartmentFactory, make_policy

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls():
    """Register a handler for kind 'hooked' that renames the subject department (a database effect)."""
    seen = []

    def handler(event):
        seen.append((event.deadline_id, event.key))
        if event.kind == DeadlineEvent.Kind.BREACH:
            Department.objects.filter(pk=event.deadline.object_id).update(name="handled")

    hooks.on_deadline_event("hooked")(handler)
    yield seen
    hooks._HANDLERS.pop("hooked", None)


def fire(kind, when):
    subject = DepartmentFactory()
    make_policy(kind=kind, duration=timedelta(minutes=1))
    deadline = services.deadline_start(subject=subject, kind=kind)
    with time_machine.travel(when, tick=False):
        services.sweep_due_deadlines()
    return subject, deadline


def test_s5_1_events_of_kinds_with_handlers_wait_for_them_and_run_once(calls):
    subject, deadline = fire("hooked", timezone.now() + timedelta(minutes=2))
    event = deadline.events.get()
    assert event.handled_at is None
    assert services.deadline_events_handle(ids=[event.pk]) == 1
    assert services.deadline_events_handle(ids=[event.pk]) == 0
    assert calls == [(deadline.pk, "breach")]
    subject.refresh_from_db()
    assert subject.name == "handled"
    event.refresh_from_db()
    assert event.handled_at is not None and event.handle_attempts == 1


def test_s5_1_events_without_handlers_are_handled_when_fired():
    _, deadline = fire("plain", timezone.now() + timedelta(minutes=2))
    assert deadline.events.get().handled_at is not None


def test_s5_1_a_failing_handler_is_recorded_and_retried_by_the_stale_sweep(calls):
    state = {"fail": True}

    def flaky(event):
        if state["fail"]:
            raise RuntimeError("subject locked elsewhere")

    hooks.on_deadline_event("hooked")(flaky)
    subject, deadline = fire("hooked", timezone.now() + timedelta(minutes=2))
    event = deadline.events.get()
    assert services.deadline_events_handle(ids=[event.pk]) == 0
    event.refresh_from_db()
    assert (event.handled_at, event.handle_attempts, event.handle_error) == (None, 1, "subject locked elsewhere")
    subject.refresh_from_db()
    assert subject.name != "handled"  # the first handler's work was rolled back with the failure

    state["fail"] = False
    with time_machine.travel(timezone.now() + timedelta(minutes=5)):
        assert services.deadline_events_handle(stale=True) == 1
    subject.refresh_from_db()
    assert subject.name == "handled"
