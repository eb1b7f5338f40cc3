"""A person logs in with a demo account in a real browser, switches language, logs out."""

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from org.models import User
from sla import services
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_demo_user_logs_in_reads_the_inbox_and_logs_out(page):
    call_command("seed_demo")
    services.notify(users=[User.objects.get(username="jk_supervisor")], subject="故障升级通知", channels=["inapp"])

    page.goto("/")
    expect(page.locator("h1")).to_have_text("登录")
    page.fill("#id_username", "jk_supervisor")
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")
    expect(page.locator("[role=alert]")).to_contain_text("请输入一个正确的用户名和密码")

    page.fill("#id_password", "Brp-demo-2026")
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_contain_text("欢迎")
    expect(page.get_by_test_id("unread")).to_have_text("1")
    page.click("text=消息")
    expect(page.locator("table.list")).to_contain_text("故障升级通知")
    screenshot(page, "inbox-zh")

    page.select_option("select[name=language]", "en")
    expect(page.locator("h1")).to_have_text("Inbox")

    page.click("text=Log out")
    expect(page.locator("h1")).to_have_text("Log in")
    assert page.url.endswith("/login/")
