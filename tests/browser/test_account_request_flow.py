"""A3.1 in a real browser: a user asks for the back-office admin role, the department manager and
the business department approve, IT completes, and the user, logging in again, has the back-office queue."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from org.defaults import load_organisation
from org.models import Department, User
from sla.defaults import load_sla_defaults
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Brp-demo-2026"


def _person(username, dept, *roles):
    user = User.objects.create_user(username, password=PASSWORD, department=Department.objects.get(code=dept))
    user.groups.add(*[Group.objects.get(name=r) for r in roles])
    return user


def _login(page, username):
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_contain_text("欢迎")


def _logout(page):
    page.click("text=退出")
    expect(page.locator("h1")).to_have_text("登录")


def _decide(page, username, button):
    _login(page, username)
    page.click("nav >> text=帐号申请")
    page.get_by_test_id("awaiting").locator("a").first.click()
    page.click(f"button[data-step={button}]")
    expect(page.locator(".messages")).to_contain_text("已完成")


def test_A3_1_user_gets_the_back_office_admin_role_and_then_sees_the_queue(page):
    load_organisation()
    load_sla_defaults()
    _person("jk_trainee", "nmc")
    _person("jk_manager", "nmc", "dept_manager")
    _person("zx_manager", "center", "dept_manager")
    _person("it_operator", "it", "it_operator")

    # Before: no back-office role, the queue is refused.
    _login(page, "jk_trainee")
    assert page.goto("/orders/queue/").status == 403
    page.goto("/")
    page.click("nav >> text=帐号申请")
    page.click("text=新建帐号申请")
    page.select_option("#id_kind", "permission_change")
    page.check("input[name=requested_roles][value=back_admin]")
    page.select_option("#id_requested_department", label="网络监控中心")
    page.select_option("#id_scope_department", label="客户响应中心")
    page.fill("#id_reason", "接手网络监控中心后台管理")
    page.click("main button[type=submit]")
    expect(page.get_by_test_id("state")).to_have_text("待部门经理审批")
    screenshot(page, "account-request-submitted")
    _logout(page)

    _decide(page, "jk_manager", "manager-approve")
    expect(page.get_by_test_id("state")).to_have_text("待业务管理部门审批")
    _logout(page)
    _decide(page, "zx_manager", "business-approve")
    expect(page.get_by_test_id("state")).to_have_text("待IT管理部办理")
    expect(page.get_by_test_id("due")).to_be_visible()  # IT's 1-working-day limit is running
    _logout(page)
    _decide(page, "it_operator", "complete")
    expect(page.get_by_test_id("state")).to_have_text("已办结")
    screenshot(page, "account-request-completed")
    _logout(page)

    _login(page, "jk_trainee")
    expect(page.get_by_test_id("roles")).to_contain_text("back_admin")
    response = page.goto("/orders/queue/")
    assert response.status == 200
    screenshot(page, "account-request-queue")
