"""Browser (Playwright on Debian's Chromium): the full A-order flow and auto-confirmation (R1.5, R1.8, R1.12)."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from org.models import User
from responses import services
from responses.defaults import load_catalogue
from responses.models import Order
from responses.services import AGREEMENT_CLAUSES
from sla import services as sla
from sla.models import DeadlineEvent
from tests.browser.conftest import screenshot
from tests.responses.factories import CustomerFactory, make_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Brp-demo-2026"


def login(page, username):
    page.context.clear_cookies()
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_contain_text("欢迎")


def open_order(page, number):
    page.goto("/orders/")
    page.click(f"text={number}")
    expect(page.locator("h1")).to_contain_text(number)


def return_step(page, username, number):
    login(page, username)
    page.goto("/orders/queue/")
    row = page.locator("table[data-testid=queue] tr", has_text=number)
    row.get_by_test_id("accept-step").click()
    expect(page.locator(".messages")).to_contain_text("操作成功")
    row = page.locator("table[data-testid=queue] tr", has_text=number)
    # Finished just now: the page takes minutes, and a step cannot finish before its dispatch (R1.9).
    finished = timezone.localtime(timezone.now()).strftime("%Y-%m-%dT%H:%M")
    row.locator("input[name=finished_at]").fill(finished)
    row.get_by_test_id("return-step").click()
    expect(page.locator(".messages")).to_contain_text("操作成功")


def test_a_order_signed_dispatched_in_two_serial_steps_returned_and_confirmed(page):
    call_command("seed_demo")
    customer = CustomerFactory(name="华夏银行测试支行", is_key=True)

    login(page, "zq_admin")
    page.click("text=业务响应单")
    page.click("text=新建定单")
    page.select_option("#id_customer", str(customer.pk))
    page.select_option("#id_business_type", label="数据专线")
    page.select_option("#id_level", "A")
    page.fill("#id_location", "金融街 9 号")
    page.fill("#id_contact_person", "王经理")
    page.fill("#id_contact_phone", "13800000009")
    page.fill("#id_description", "数据专线 2M")
    page.click("button[name=submit]")  # without the agreement: refused, the field is named
    expect(page.get_by_test_id("error-agreement_ref")).to_contain_text("协议")
    page.fill("#id_agreement_ref", "YZ-2026-0099")
    page.click("button[name=submit]")  # R1.1: the agreement's clauses are not ticked yet: each is named
    expect(page.get_by_test_id("error-agreement_states_term")).to_contain_text("协议")
    for clause in AGREEMENT_CLAUSES:
        page.check(f"#id_{clause}")
    page.click("button[name=submit]")
    expect(page.get_by_test_id("state")).to_have_text("待签批")
    number = Order.objects.get(customer=customer).number

    login(page, "zq_director")
    page.goto("/orders/")
    page.get_by_test_id("awaiting-signoff").get_by_text(number).click()
    page.click("button:has-text('签批')")
    expect(page.get_by_test_id("state")).to_have_text("已提交")

    login(page, "dispatcher")
    page.goto("/orders/center/")
    page.get_by_test_id("incoming").get_by_text(number).click()
    page.click("button:has-text('接单')")
    expect(page.get_by_test_id("state")).to_have_text("中心已受理")
    form = page.get_by_test_id("dispatch-form")
    form.locator("select[name=department]").nth(0).select_option("nmc")
    form.locator("input[name=title]").nth(0).fill("端口配置")
    form.locator("select[name=department]").nth(1).select_option("line")
    form.locator("input[name=title]").nth(1).fill("线路施工")
    form.locator("button[type=submit]").click()
    expect(page.get_by_test_id("state")).to_have_text("处理中")
    expect(page.get_by_test_id("steps")).to_contain_text("端口配置")

    return_step(page, "jk_member", number)
    return_step(page, "xl_admin", number)

    login(page, "zq_admin")
    page.goto("/orders/")
    page.get_by_test_id("awaiting-confirmation").get_by_text(number).click()
    expect(page.get_by_test_id("state")).to_have_text("已报竣")
    page.click("button:has-text('确认竣工')")
    expect(page.get_by_test_id("state")).to_have_text("已确认")
    timeline = page.get_by_test_id("timeline")
    for text in (
        "提交签批",
        "已签批",
        "中心已受理",
        "回单",
        "报竣",
        "政企客户部主任",
        "监控中心",
        "线路中心",
        "已确认",
    ):
        expect(timeline).to_contain_text(text)
    for name in ("submit_for_signoff", "sign", "accept", "dispatch", "return_", "complete", "confirm"):
        expect(timeline.locator(f"[data-transition={name}]").first).to_be_visible()
    expect(page.get_by_test_id("served-level")).to_have_text("A")
    expect(page.get_by_test_id("assessed-level")).to_have_text("A")
    screenshot(page, "order-confirmed-timeline")
    assert Order.objects.get(customer=customer).state == Order.State.CONFIRMED


def test_order_not_confirmed_within_2_days_is_auto_confirmed_and_shown(page):
    call_command("seed_demo")
    types = load_catalogue()
    users = {u.username: u for u in User.objects.filter(username__in=["zq_admin", "dispatcher", "jk_member"])}
    order = services.order_submit(order=make_order(users["zq_admin"], types["phone"]), by=users["zq_admin"])
    order = services.order_accept(order=order, by=users["dispatcher"])
    from org.models import Department

    order = services.order_dispatch(
        order=order, by=users["dispatcher"], steps=[(Department.objects.get(code="nmc"), "端口")]
    )
    step = order.steps.get()
    services.step_accept(step=step, by=users["jk_member"])
    services.step_return(step=step, by=users["jk_member"], finished_at=timezone.now())

    login(page, "zq_admin")
    open_order(page, order.number)
    expect(page.get_by_test_id("state")).to_have_text("已报竣")
    expect(page.get_by_test_id("deadlines")).to_contain_text("归档确认")

    with time_machine.travel(timezone.now() + timedelta(days=2, minutes=1), tick=False):
        sla.sweep_due_deadlines()
        ids = list(DeadlineEvent.objects.filter(handled_at__isnull=True).values_list("pk", flat=True))
        sla.deadline_events_handle(ids=ids)

    page.reload()
    expect(page.get_by_test_id("state")).to_have_text("已自动确认")
    expect(page.get_by_test_id("timeline")).to_contain_text("2 天内未确认：自动确认")
    screenshot(page, "order-auto-confirmed")
