"""Browser (Playwright on Debian's Chromium), S5.3 / R1.10: a back-office member asks for a pause of a
step "waiting for the customer", the Center approves, the step's and the order's clocks stop (the page
says so), the member resumes them, and the timeline shows each step with its reason."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from org.models import Department, User
from responses import services
from responses.defaults import load_catalogue
from sla.models import Deadline
from sla.selectors import deadlines_of
from tests.browser.conftest import screenshot
from tests.browser.test_responses_flow import login
from tests.responses.factories import make_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def accepted_step():
    types = load_catalogue()
    zq, center = User.objects.get(username="zq_admin"), User.objects.get(username="dispatcher")
    order = services.order_submit(order=make_order(zq, types["phone"], level="B"), by=zq)
    order = services.order_accept(order=order, by=center)
    order = services.order_dispatch(order=order, by=center, steps=[(Department.objects.get(code="nmc"), "端口配置")])
    step = order.steps.get()
    services.step_accept(step=step, by=User.objects.get(username="jk_member"))
    return order, step


def test_s5_3_r1_10_step_paused_waiting_for_the_customer_approved_and_resumed(page):
    call_command("seed_demo")
    order, step = accepted_step()
    url = f"/orders/{order.pk}/"
    block = f"[data-testid='pauses-responses.workstep-{step.pk}']"

    login(page, "jk_member")
    page.goto(url)
    form = page.locator(block).get_by_test_id("pause-request-form")
    form.locator("select[name=reason]").select_option("waiting-customer")
    form.locator("input[name=note]").fill("客户机房周末不开门")
    form.get_by_test_id("pause-request").click()
    expect(page.locator(".messages")).to_contain_text("已申请暂停")
    expect(page.locator(block).get_by_test_id("pause-state")).to_contain_text("等待客户")
    expect(page.locator(block).get_by_test_id("pause-approve")).to_have_count(0)  # the Center decides

    login(page, "dispatcher")
    page.goto(url)
    page.locator(block).get_by_test_id("pause-approve").click()
    expect(page.locator(block).get_by_test_id("pause-state")).to_contain_text("计时已停")
    deadlines = page.get_by_test_id("deadlines")
    expect(deadlines.locator("tr", has_text="已暂停")).to_have_count(2)  # the step's and the order's (R1.10)
    assert {d.state for d in deadlines_of(step)} | {d.state for d in deadlines_of(order)} == {Deadline.State.PAUSED}
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        screenshot(page, f"order-step-paused-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})

    login(page, "jk_member")
    page.goto(url)
    page.locator(block).get_by_test_id("pause-end").click()
    expect(page.get_by_test_id("deadlines").locator("tr", has_text="已暂停")).to_have_count(0)
    expect(page.locator(block).get_by_test_id("pause-request-form")).to_be_visible()
    timeline = page.get_by_test_id("timeline")
    for name in ("pause_request", "pause_approve", "pause_end"):
        expect(timeline.locator(f"[data-transition={name}]")).to_have_count(1)
    expect(timeline).to_contain_text("暂停已批准：计时已停")
    expect(timeline).to_contain_text("等待客户")
    expect(timeline).to_contain_text("客户机房周末不开门")
    screenshot(page, "order-step-pause-timeline")
