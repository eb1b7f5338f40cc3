"""F2.9 in a real browser (issue 15 §4): a complaint taken in on the intake page, answered late,
appealed to 12300 along its route and closed; screenshots at 1280 and 390 px."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import expect

from faults.models import Complaint
from tests.browser.conftest import screenshot
from tests.browser.test_faults import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def broker_ready(settings):
    for key in ("data_folder_in", "data_folder_out"):
        folder = getattr(settings, "CELERY_BROKER_TRANSPORT_OPTIONS", {}).get(key)
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)


def shots(page, name):
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"{name}-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})


def test_f2_9_complaint_taken_in_answered_late_appealed_to_12300_and_closed(page, broker_ready):
    call_command("seed_demo")
    Complaint.objects.all().delete()

    # Taken in by the front office. The live server's clock cannot be moved (time-machine acts in this
    # process only), so the complaint is backfilled as received 16 days ago, within the 31-day backfill
    # limit: its 15-day reply deadline has passed when the handling team answers.
    log_in(page, "zq_admin")
    page.goto("/faults/complaints/new/")
    expect(page.locator("h1")).to_have_text("受理投诉")
    page.select_option("#id_channel", "hotline")
    page.fill("#id_customer_name", "周先生")
    page.fill("#id_customer_phone", "13700000009")
    page.select_option("#id_category", "network")
    page.fill("#id_content", "家中信号差,多次报修未解决。")
    page.select_option("#id_department", label="网络监控中心")
    received = timezone.localtime(timezone.now() - timedelta(days=16))
    page.fill("#id_received_at", received.strftime("%Y-%m-%dT%H:%M"))
    shots(page, "complaint-intake")
    page.get_by_test_id("take-in").click()
    expect(page.get_by_test_id("state")).to_have_text("已受理")
    expect(page.get_by_test_id("reply-limit")).to_contain_text("超时")
    complaint = Complaint.objects.get()

    # The handling team sees it at the top of its queue, overdue, and answers late.
    log_in(page, "jk_member")
    page.goto("/faults/complaints/")
    row = page.get_by_test_id("complaint-row").first
    expect(row).to_contain_text("周先生")
    expect(row.locator("td.overdue")).to_contain_text("已超时")
    shots(page, "complaint-queue")
    row.get_by_role("link", name="周先生").click()
    page.fill("#answer", "已调整基站参数,信号恢复。")
    page.get_by_test_id("do-answer").click()
    expect(page.get_by_test_id("state")).to_have_text("已答复")

    # The customer appeals to 12300: the provincial centre, then the ministry's centre; closed there.
    page.fill("#reference", "12300-2026-0001")
    page.select_option("#appeal-stage", "provincial")
    page.get_by_test_id("do-appeal").click()
    expect(page.get_by_test_id("state")).to_have_text("已申诉至12300")
    page.fill("#outcome-stage", "省中心转部中心处理")
    page.select_option("#next-stage", "ministry")
    page.get_by_test_id("do-escalate").click()
    expect(page.get_by_test_id("appeal")).to_contain_text("工业和信息化部")
    page.fill("#outcome-close", "部中心认定已妥善处理")
    page.get_by_test_id("do-close").click()
    expect(page.get_by_test_id("state")).to_have_text("已关闭")
    expect(page.get_by_test_id("appeal-steps")).to_contain_text("部中心认定已妥善处理")
    expect(page.get_by_test_id("history")).to_contain_text("申诉进入下一阶段")
    shots(page, "complaint-closed")

    complaint.refresh_from_db()
    assert complaint.state == "closed" and complaint.answered_at > complaint.received_at + timedelta(days=15)
    assert list(complaint.appeal_steps.values_list("stage", flat=True)) == ["provincial", "ministry"]


def test_f2_9_the_event_board_applies_the_level_the_days_complaints_suggest(page, broker_ready):
    """The beat task's suggestion (run here in the test process) confirmed on the event board."""
    from faults import services
    from faults.models import QualityEvent
    from faults.tasks import suggest_event_levels
    from org.models import Department, User

    call_command("seed_demo")
    event = QualityEvent.objects.get(title="部分地市 4G 信号投诉集中")
    nmc, zq = Department.objects.get(code="nmc"), User.objects.get(username="zq_admin")
    now = timezone.now()
    assert event.level == "orange"  # the demo's 3 cities; 20 escalated complaints today make it red
    for i in range(20):
        services.complaint_receive(
            by=zq, customer_name=f"客户{i}", category=event.category, content="信号差", department=nmc,
            escalated=True, received_at=now - timedelta(seconds=i),
        )  # fmt: skip
    assert suggest_event_levels() == 1

    log_in(page, "gz_admin")  # 公众客户部, the event's business department
    page.goto("/faults/events/")
    expect(page.get_by_test_id("level-suggestions")).to_contain_text("今日升级 20 件")
    shots(page, "event-board-suggestion")
    page.get_by_test_id("apply-suggestion").click()
    expect(page.get_by_test_id("level-suggestions")).to_contain_text("没有建议的级别调整")
    expect(page.get_by_test_id("events")).to_contain_text("红色")
    event.refresh_from_db()
    assert event.level == "red" and event.escalated_per_day == 20
