"""S5.3 on a fault ticket: the handling department asks, its supervisor approves; the repair clock and
the 5/15/30-minute ladder (F2.3) move exactly by the paused time."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from sla import services as sla
from sla.models import Deadline, DeadlineEvent
from sla.workflow import TransitionForbidden

from .test_tickets import repair_deadline, report, sweep_at

pytestmark = pytest.mark.django_db
MIN = timedelta(minutes=1)


def test_s5_3_fault_ticket_15_minute_rung_moves_by_exactly_the_pause(people, circuit):
    t0 = timezone.now().replace(microsecond=0)
    with time_machine.travel(t0, tick=False):
        ticket = report(people, circuit)
    due = repair_deadline(ticket).due_at
    with time_machine.travel(t0 + 2 * MIN, tick=False):
        pause = sla.pause_request(subject=ticket, reason="access-pass", by=people.member, note="机房门禁")
        with pytest.raises(TransitionForbidden):
            sla.pause_approve(pause=pause, by=people.dispatcher)  # a ticket's pause is the supervisor's
    with time_machine.travel(t0 + 3 * MIN, tick=False):
        pause = sla.pause_approve(pause=pause, by=people.supervisor)
    assert repair_deadline(ticket).state == Deadline.State.PAUSED
    sweep_at(t0 + 6 * MIN)  # the 5-minute rung is not fired while paused
    assert not DeadlineEvent.objects.filter(deadline__object_id=ticket.pk).exists()
    with time_machine.travel(t0 + 13 * MIN, tick=False):  # paused 10 minutes
        sla.pause_end(pause=pause, by=people.member)
    deadline = repair_deadline(ticket)
    assert deadline.due_at == due + 10 * MIN and deadline.paused_total == 10 * MIN
    sweep_at(t0 + 15 * MIN)  # the 5-minute rung, moved by 10 minutes
    sweep_at(t0 + 25 * MIN - timedelta(seconds=1))
    fired = {e.key: e.due_at for e in DeadlineEvent.objects.filter(deadline=deadline)}
    assert len(fired) == 1 and list(fired.values()) == [t0 + 15 * MIN]
    sweep_at(t0 + 25 * MIN)  # the 15-minute rung: exactly 25 minutes after the report
    events = DeadlineEvent.objects.filter(deadline=deadline).order_by("due_at")
    assert [e.due_at for e in events] == [t0 + 15 * MIN, t0 + 25 * MIN]


def test_s5_3_fault_ticket_page_shows_the_pause_buttons_of_the_service(people, circuit):
    from django.test import Client
    from django.urls import reverse

    ticket = report(people, circuit)
    page = reverse("faults:detail", args=[ticket.pk])

    def html(user):
        client = Client()
        client.force_login(user)
        return client, client.get(page).content.decode()

    member, text = html(people.member)
    assert "pause-request" in text and 'value="special-order"' not in text  # special orders are a step's
    assert "pause-request" not in html(people.front)[1]
    member.post(reverse("sla:pause-request", args=["faults.faultticket", ticket.pk]), {"reason": "third-party"})
    assert "pause-approve" in html(people.supervisor)[1]
    assert "pause-approve" not in html(people.member)[1] and "pause-approve" not in html(people.dispatcher)[1]
