"""Issue 7: a manager opens the dashboard, sees an overdue order appear after time travel, clicks through."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from playwright.sync_api import expect

from org.roles import Role
from responses.defaults import load_catalogue
from sla import services
from tests.browser.conftest import screenshot
from tests.factories import UserFactory
from tests.responses.factories import make_order

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SH = ZoneInfo("Asia/Shanghai")


def test_manager_sees_an_order_become_overdue_and_opens_it(page, org):
    catalogue = load_catalogue()
    front = UserFactory(username="zq", department=org["gov_enterprise"], roles=[Role.FRONT_ADMIN])
    UserFactory(username="mgr", department=org["nmc"], roles=[Role.DEPT_MANAGER, Role.VIEWER])
    start = datetime(2026, 11, 20, 9, 0, tzinfo=SH)
    with time_machine.travel(start, tick=False):
        order = make_order(front, catalogue["broadband"], level="A")
        services.deadline_start(
            subject=order, kind="order-provisioning", level="A", title=f"业务响应单 {order}",
            assessed_department=org["nmc"],
        )  # fmt: skip

    # Two moments two hours apart (the session lasts 8 hours): due in an hour, then an hour overdue.
    with time_machine.travel(start + timedelta(days=3, hours=-1), tick=True):
        page.goto("/login/")
        page.fill("#id_username", "mgr")
        page.fill("#id_password", "pw-Test-2026")
        page.click("button[type=submit]")
        page.goto("/dashboard/")
        expect(page.locator("h1")).to_have_text("超期看板")
        row = page.locator("#board tbody tr").first
        expect(row).to_contain_text("网络监控中心")
        expect(row.locator("td").nth(3)).to_have_text("0")
        expect(row.locator("td").nth(4)).to_have_text("0")  # overdue on the served limit
        expect(row.locator("td").nth(5)).to_have_text("1")  # due within 2 h

    with time_machine.travel(start + timedelta(days=3, hours=1), tick=True):
        page.evaluate("window.brpRefreshDashboard()")  # what the one-minute timer does
        overdue = page.locator("#board tbody tr").first.locator("td").nth(3)
        expect(overdue).to_have_text("1")
        screenshot(page, "dashboard-overdue")
        overdue.locator("a").click()
        expect(page.locator("h1")).to_have_text("时限")
        page.get_by_role("link", name=f"业务响应单 {order}").click()
        expect(page.locator("body")).to_contain_text(order.customer.name)
        assert page.url.endswith(f"/orders/{order.pk}/")
