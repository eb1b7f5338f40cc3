"""A person logs in with a demo account in a real browser, switches language, logs out."""

import pytest
from django.core.management import call_command

from accounts.models import User
from sla import services
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_demo_user_logs_in_reads_the_inbox_and_logs_out(page):
    call_command("seed_demo")
    services.notify(users=[User.objects.get(username="jk_supervisor")], subject="故障升级通知", channels=["inapp"])

    page.goto("/")
    assert page.locator("h1").inner_text() == "登录"
    page.fill("#id_username", "jk_supervisor")
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")
    assert "请输入一个正确的用户名和密码" in page.locator("[role=alert]").inner_text()

    page.fill("#id_password", "Brp-demo-2026")
    page.click("button[type=submit]")
    page.wait_for_url("**/")
    assert "欢迎" in page.locator("h1").inner_text()
    assert page.get_by_test_id("unread").inner_text() == "1"
    page.click("text=消息")
    assert page.locator("table.list").get_by_text("故障升级通知").is_visible()
    screenshot(page, "inbox-zh")

    page.select_option("select[name=language]", "en")
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Inbox"

    page.click("text=Log out")
    page.wait_for_url("**/login/")
    assert page.locator("h1").inner_text() == "Log in"
