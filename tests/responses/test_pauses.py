"""S5.3 reasoned pauses on orders and steps, and R1.10: a paused step stops its order's provisioning clock."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from core.errors import Invalid
from responses import services
from responses.models import WorkStep
from sla import services as sla
from sla.models import AuditEntry, Deadline, Pause
from sla.selectors import deadlines_of
from sla.workflow import TransitionConflict, TransitionForbidden

from .test_services import dispatched

pytestmark = pytest.mark.django_db
H = timedelta(hours=1)


def accepted_step(people, cat, org):
    order = dispatched(people, cat, org, level="B")
    step = order.steps.get(position=1)
    return services.step_accept(step=step, by=people["jk_member"])


def clocks(step):
    return deadlines_of(step).get(kind="step-resource"), deadlines_of(step.order).get(kind="order-provisioning")


def test_s5_3_r1_10_step_pause_stops_the_step_and_order_clocks_and_resume_moves_them(people, cat, org):
    step = accepted_step(people, cat, org)
    step_due, order_due = (d.due_at for d in clocks(step))
    pause = sla.pause_request(subject=step, reason="waiting-customer", by=people["jk_member"], note="客户不在")
    assert all(d.state != Deadline.State.PAUSED for d in clocks(step))  # the request alone stops nothing
    with pytest.raises(TransitionForbidden):
        sla.pause_approve(pause=pause, by=people["jk_admin"])  # the Center decides, not the department
    pause = sla.pause_approve(pause=pause, by=people["dispatcher"])
    assert [d.state for d in clocks(step)] == [Deadline.State.PAUSED, Deadline.State.PAUSED]
    assert WorkStep.objects.get(pk=step.pk).state == WorkStep.State.PAUSED
    with time_machine.travel(timezone.now() + 10 * H, tick=False):
        pause = sla.pause_end(pause=pause, by=people["jk_member"])
    step_deadline, order_deadline = clocks(step)
    assert step_deadline.state == order_deadline.state == Deadline.State.PENDING
    assert step_deadline.due_at - step_due == pytest.approx(10 * H, abs=timedelta(seconds=5))
    assert order_deadline.due_at - order_due == pytest.approx(10 * H, abs=timedelta(seconds=5))
    step.refresh_from_db()
    assert step.state == WorkStep.State.ACCEPTED and step.due_at == step_deadline.due_at
    assert step.order.__class__.objects.get(pk=step.order_id).due_at == order_deadline.due_at
    assert pause.state == Pause.State.ENDED
    # Every step of the pause is in the step's timeline, with its reason.
    entries = AuditEntry.objects.filter(object_id=step.pk, transition__startswith="pause_")
    assert list(entries.values_list("transition", flat=True)) == ["pause_request", "pause_approve", "pause_end"]
    assert all("等待客户" in e.comment for e in entries)


def test_s5_3_one_open_pause_per_subject_and_reasons_that_apply(people, cat, org):
    step = accepted_step(people, cat, org)
    sla.pause_request(subject=step, reason="third-party", by=people["jk_member"])
    with pytest.raises(TransitionConflict):
        sla.pause_request(subject=step, reason="waiting-customer", by=people["jk_member"])
    with pytest.raises(Invalid) as exc:
        sla.pause_request(subject=step.order, reason="special-order", by=people["zq_admin"])
    assert "reason" in exc.value.fields
    with pytest.raises(TransitionForbidden):  # another department may not pause this step
        sla.pause_request(subject=step.order.steps.get(position=2), reason="waiting-customer", by=people["jk_member"])


def test_s5_3_rejected_pause_stops_nothing_and_the_order_may_be_paused_by_its_front_admin(people, cat, org):
    step = accepted_step(people, cat, org)
    pause = sla.pause_request(subject=step.order, reason="waiting-customer", by=people["zq_admin"])
    pause = sla.pause_reject(pause=pause, by=people["dispatcher"], note="请继续联系")
    assert pause.state == Pause.State.REJECTED
    assert clocks(step)[1].state == Deadline.State.PENDING
    again = sla.pause_approve(
        pause=sla.pause_request(subject=step.order, reason="waiting-customer", by=people["zq_admin"]),
        by=people["dispatcher"],
    )
    assert clocks(step)[1].state == Deadline.State.PAUSED and clocks(step)[0].state == Deadline.State.PENDING
    with pytest.raises(TransitionConflict):
        sla.pause_approve(pause=again, by=people["dispatcher"])


def test_r1_10_approved_special_order_pauses_the_order_provisioning_clock_too(people, cat, org):
    step = accepted_step(people, cat, org)
    order_due = clocks(step)[1].due_at
    special = services.special_order_request(step=step, by=people["jk_member"], reason="业主阻工")
    special = services.special_order_approve(special=special, by=people["dispatcher"])
    assert [d.state for d in clocks(step)] == [Deadline.State.PAUSED, Deadline.State.PAUSED]
    with time_machine.travel(timezone.now() + 5 * H, tick=False):
        services.special_order_close(special=special, by=people["dispatcher"])
    order_deadline = clocks(step)[1]
    assert order_deadline.state == Deadline.State.PENDING
    assert order_deadline.due_at - order_due == pytest.approx(5 * H, abs=timedelta(seconds=5))


def test_s5_3_r1_10_order_pause_and_step_special_order_the_order_clock_runs_when_both_ended(people, cat, org):
    step = accepted_step(people, cat, org)
    pause = sla.pause_approve(
        pause=sla.pause_request(subject=step.order, reason="waiting-customer", by=people["zq_admin"]),
        by=people["dispatcher"],
    )
    special = services.special_order_request(step=step, by=people["jk_member"], reason="业主阻工")
    special = services.special_order_approve(special=special, by=people["dispatcher"])
    sla.pause_end(pause=pause, by=people["zq_admin"])  # the special order still holds the order's clock
    assert [d.state for d in clocks(step)] == [Deadline.State.PAUSED, Deadline.State.PAUSED]
    services.special_order_close(special=special, by=people["dispatcher"])
    assert [d.state for d in clocks(step)] == [Deadline.State.PENDING, Deadline.State.PENDING]
    assert WorkStep.objects.get(pk=step.pk).state == WorkStep.State.ACCEPTED
    # …and the other way round: the special order closed first, the pause still holds the order's clock.
    pause = sla.pause_approve(
        pause=sla.pause_request(subject=step.order, reason="waiting-customer", by=people["zq_admin"]),
        by=people["dispatcher"],
    )
    special = services.special_order_approve(
        special=services.special_order_request(step=step, by=people["jk_member"], reason="再次阻工"),
        by=people["dispatcher"],
    )
    services.special_order_close(special=special, by=people["dispatcher"])
    assert [d.state for d in clocks(step)] == [Deadline.State.PENDING, Deadline.State.PAUSED]
    sla.pause_end(pause=pause, by=people["zq_admin"])
    assert clocks(step)[1].state == Deadline.State.PENDING


def test_s5_3_the_center_is_told_of_a_pause_to_decide_and_the_requester_of_the_decision(people, cat, org):
    from sla.models import Notification

    step = accepted_step(people, cat, org)
    pause = sla.pause_request(subject=step, reason="waiting-customer", by=people["jk_member"], note="客户不在")
    told = Notification.objects.filter(subject__contains="等待客户")
    assert set(told.values_list("recipient__username", flat=True)) == {"dispatcher"}
    sla.pause_reject(pause=pause, by=people["dispatcher"], note="请先联系客户经理")
    decision = Notification.objects.get(recipient=people["jk_member"], subject__startswith="暂停")
    assert "驳回" in decision.subject and decision.body == "请先联系客户经理"
