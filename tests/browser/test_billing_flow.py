"""Issue 14 acceptance, B4.2/B4.4 in a real browser: on the demo, two IT operators take last month's bill
run from the check to invoicing (four eyes: the checker cannot verify), the IT supervisor reviews and
publishes, and the run's invoices are exported to Excel and read back with openpyxl."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum
from django.utils import timezone, translation
from openpyxl import load_workbook
from playwright.sync_api import expect

from billing import services
from billing.models import BillRun, Invoice
from sla.validators import add_months
from tests.browser.conftest import screenshot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PASSWORD = "Brp-demo-2026"


def _login(page, username):
    page.goto("/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_contain_text("欢迎")


def _logout(page):
    page.click("text=退出")
    expect(page.locator("h1")).to_have_text("登录")


def _state(state):
    with translation.override("zh-hans"):
        return str(BillRun.State(state).label)


def _press(page, action):
    page.click(f"form[action$='/{action}/'] button[type=submit]")
    expect(page.locator(".messages")).to_contain_text("已完成")


def _open_last_months_run(page, run):
    page.click("nav >> text=计费")
    row = page.locator("table.list tbody tr", has_text=str(run.get_kind_display()))
    row.get_by_role("link", name=f"{run.period:%Y-%m}").click()
    expect(page.locator("h1")).to_have_text(str(run))


def test_b4_2_two_operators_and_a_supervisor_publish_the_demo_run_and_export_its_invoices(page, tmp_path):
    call_command("seed_demo", bill_run="scheduled")
    period = add_months(timezone.localdate().replace(day=1), -1)
    run = BillRun.objects.get(kind=BillRun.Kind.BILLING, period=period)

    _login(page, "it_operator")
    with translation.override("zh-hans"):
        _open_last_months_run(page, run)
    expect(page.get_by_test_id("state")).to_have_text(_state("scheduled"))
    _press(page, "start-check")
    for check in page.locator("input[name=check]").all():
        check.check()
    _press(page, "sign-check")
    _press(page, "finish-preprocessing")
    expect(page.get_by_test_id("state")).to_have_text(_state("verifying"))
    # Four eyes: the checker (the run's operator) has no verify button, and the action is refused.
    expect(page.locator("form[action$='/verify/']")).to_have_count(0)
    token = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    refused = page.request.post(f"/billing/runs/{run.pk}/verify/", headers={"X-CSRFToken": token})
    assert refused.status == 403
    run.refresh_from_db()
    assert run.state == BillRun.State.VERIFYING and run.verified_by is None
    _logout(page)

    _login(page, "it_operator2")
    page.goto(f"/billing/runs/{run.pk}/")
    _press(page, "verify")
    expect(page.get_by_test_id("state")).to_have_text(_state("invoicing"))
    # The live server has no Celery worker (tests/browser/conftest.py): the verify published
    # billing.tasks.generate_invoices to a queue nobody reads, so the test runs the service that
    # task calls, as the worker would.
    assert services.bill_run_generate_invoices(run=run) > 0
    page.reload()
    expect(page.get_by_test_id("state")).to_have_text(_state("reviewing"))
    _logout(page)

    _login(page, "it_supervisor")
    page.goto(f"/billing/runs/{run.pk}/")
    _press(page, "publish")
    expect(page.get_by_test_id("state")).to_have_text(_state("published"))
    run.refresh_from_db()
    assert run.reviewed_by.username == "it_supervisor" and run.checked_by.username == "it_operator"
    assert run.verified_by.username == "it_operator2"

    with page.expect_download() as info:
        page.click("text=Excel")
    path = tmp_path / "invoices.xlsx"
    info.value.save_as(path)
    rows = list(load_workbook(path, read_only=True).active.iter_rows(values_only=True))
    header, body = rows[0], rows[1:]
    assert header[0] == "发票号" and header[-1] == "金额（元）"
    invoices = Invoice.objects.filter(run=run)
    assert len(body) == invoices.count() > 0
    assert {row[0] for row in body} == set(invoices.values_list("number", flat=True))
    # The workbook stores the amounts as numbers (floats); each is a whole number of fen, read back exactly.
    exported = sum((Decimal(str(row[-1])).quantize(Decimal("0.01")) for row in body), Decimal("0.00"))
    assert exported == invoices.aggregate(s=Sum("total"))["s"]

    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "billing-run-published-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "billing-run-published-390")
