"""S5.3 / R1.10 on the order page: the pause block of a step and of the order shows the buttons the pause
services allow (request, approve, reject, resume), the clocks stop and resume, the timeline shows the
reason; an approved special order can be closed from the order page."""

import pytest
from django.test import Client
from django.urls import reverse

from responses import services
from sla.models import Deadline, Pause
from sla.selectors import deadlines_of

from .test_pauses import accepted_step

pytestmark = pytest.mark.django_db


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_s5_3_step_pause_buttons_on_the_order_page(people, cat, org):
    step = accepted_step(people, cat, org)
    page = reverse("responses:detail", args=[step.order_id])
    member, center, front = (client_for(people[n]) for n in ("jk_member", "dispatcher", "zq_admin"))
    html = member.get(page).content.decode()
    assert f'data-testid="pauses-responses.workstep-{step.pk}"' in html and "pause-request" in html
    assert 'value="special-order"' in html  # the step's department may give every reason of a step
    assert "申请暂停" in html  # the page speaks Chinese
    response = member.post(
        reverse("sla:pause-request", args=["responses.workstep", step.pk]),
        {"reason": "waiting-customer", "note": "客户出差"},
    )
    assert response.status_code == 302 and response["Location"] == page
    pause = Pause.objects.get()
    assert "pause-approve" not in member.get(page).content.decode()  # the department does not decide
    assert "pause-approve" in center.get(page).content.decode()
    assert "pause-approve" not in front.get(page).content.decode()
    center.post(reverse("sla:pause-action", args=[pause.pk, "approve"]))
    assert deadlines_of(step).get().state == Deadline.State.PAUSED
    html = member.get(page).content.decode()
    assert "pause-end" in html and 'data-testid="pause-state"' in html and "计时已停" in html and "恢复计时" in html
    member.post(reverse("sla:pause-action", args=[pause.pk, "end"]))
    assert deadlines_of(step).get().state == Deadline.State.PENDING
    html = member.get(page).content.decode()
    assert 'data-transition="pause_approve"' in html and "客户出差" in html and "等待客户" in html


def test_s5_3_pause_of_a_record_one_may_not_see_is_404_and_a_wrong_reason_is_refused(people, cat, org):
    step = accepted_step(people, cat, org)
    outsider = client_for(people["gz_admin"])
    url = reverse("sla:pause-request", args=["responses.workstep", step.pk])
    assert outsider.post(url, {"reason": "waiting-customer"}).status_code == 404
    assert outsider.post(reverse("sla:pause-request", args=["nothing.here", 1]), {}).status_code == 404
    member = client_for(people["jk_member"])
    member.post(url, {"reason": "no-such-reason"})
    assert not Pause.objects.exists()


def test_r1_10_approved_special_order_is_closed_from_the_order_page(people, cat, org):
    step = accepted_step(people, cat, org)
    special = services.special_order_request(step=step, by=people["jk_member"], reason="业主阻工")
    services.special_order_approve(special=special, by=people["dispatcher"])
    center = client_for(people["dispatcher"])
    page = reverse("responses:detail", args=[step.order_id])
    assert "special-close" in center.get(page).content.decode()
    assert "special-close" not in client_for(people["jk_member"]).get(page).content.decode()
    center.post(reverse("responses:special-action", args=[special.pk, "close"]))
    special.refresh_from_db()
    assert special.state == "closed"
    assert deadlines_of(step.order).get(kind="order-provisioning").state == Deadline.State.PENDING
