"""F2.2–F2.4 in a real browser: a fault reported, acknowledged, escalated (time travel), resolved;
its page shows the ladder and the notices sent."""

from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core.management import call_command
from django.utils import translation
from playwright.sync_api import expect

from faults.models import FaultTicket
from org.roles import Role
from sla import services as sla
from sla.models import DeadlineEvent
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def log_in(page, username):
    page.context.clear_cookies()
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "Brp-demo-2026")
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_contain_text("欢迎")


@pytest.fixture
def broker_ready(settings):
    """Notices are published after commit; kombu's filesystem broker (no Redis set) needs its folder."""
    for key in ("data_folder_in", "data_folder_out"):
        folder = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}).get(key)
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)


def test_f2_3_fault_reported_acknowledged_escalated_and_resolved_in_the_browser(page, broker_ready):
    call_command("seed_demo")
    FaultTicket.objects.all().delete()  # start from an empty queue

    log_in(page, "zq_admin")
    page.click("text=故障")
    expect(page.locator("h1")).to_have_text("故障队列")
    page.click("text=故障报障")
    page.fill("#id_title", "工商银行专线中断")
    page.select_option("#id_service", label="DDN-0001 数字电路 2M")
    page.select_option("#id_category", "line")
    page.select_option("#id_handling_department", label="网络监控中心")
    page.fill("#id_description", "网点无法联网")
    page.click("button.primary")
    expect(page.get_by_test_id("state")).to_have_text("已报障")
    ticket = FaultTicket.objects.get()

    log_in(page, "jk_member")
    page.goto("/faults/")
    expect(page.get_by_test_id("ticket-row")).to_contain_text("工商银行专线中断")
    page.click(f"text={ticket.number}")
    page.get_by_test_id("acknowledge").click()
    expect(page.get_by_test_id("state")).to_have_text("已受理")

    # Time travel: the sweeper runs 31 minutes after the report, and a worker runs the hook.
    with time_machine.travel(ticket.reported_at + timedelta(minutes=31), tick=False):
        sla.sweep_due_deadlines()
        sla.deadline_events_handle(ids=list(DeadlineEvent.objects.values_list("pk", flat=True)))
    page.reload()
    with translation.override("zh-hans"):
        leader = str(Role.LEADER.label)
    expect(page.get_by_test_id("escalated-to")).to_have_text(leader)
    ladder = page.get_by_test_id("ladder")
    expect(ladder.locator("tbody tr")).to_have_count(3)
    expect(ladder).not_to_contain_text("未到时")
    notices = page.get_by_test_id("notices")
    expect(notices).to_contain_text("监控中心主管")
    expect(notices).to_contain_text("监控中心部门经理")
    expect(notices).to_contain_text("网络分管领导")
    expect(notices).to_contain_text("30分钟未恢复通知各业务部门")

    page.fill("#resolution", "更换光模块")
    page.get_by_test_id("resolve").click()
    expect(page.get_by_test_id("state")).to_have_text("已解决")
    page.get_by_test_id("recovery").click()
    expect(page.get_by_test_id("notices")).to_contain_text("向受影响客户和用户发送恢复通知")
    screenshot(page, "fault-ticket-zh")
