"""B4.5: overdue balances, the reminder cycle, small vs large arrears, restriction and restore."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from billing import services
from billing.models import ArrearsCase, Customer, ServiceWorkOrder
from org.roles import Role
from sla.models import Notification
from tests.billing.conftest import make_service
from tests.billing.test_bill_runs import run_to_review
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def at(day: int, month: int = 11):
    return time_machine.travel(datetime(2026, month, day, 10, 0, tzinfo=SH), tick=False)


@pytest.fixture
def october_published(it_team):
    """October invoices published: due 15 November (term 15 days)."""

    def publish(*fees):
        customers = []
        for fee in fees:
            customer = Customer.objects.create(code=f"AR{fee}", name=f"欠费客户{fee}", contact_phone="13700000000")
            make_service(monthly=fee, activated=date(2026, 1, 1), customer=customer)
            customers.append(customer)
        services.bill_run_publish(run=run_to_review(it_team), by=it_team["supervisor"])
        return customers

    return publish


@pytest.mark.parametrize(("amount", "size"), [("4999.99", "small"), ("5000.00", "large"), ("5000.01", "large")])
def test_b4_5_threshold_classes_small_and_large(amount, size):
    assert services.arrears_size(Decimal(amount)) == size


def test_b4_5_nothing_is_overdue_until_the_due_date_has_passed(october_published):
    october_published("3000.00")
    assert services.invoice_due_date(date(2026, 10, 1)) == date(2026, 11, 15)
    with at(15):
        assert services.arrears_scan() == 0
    assert not ArrearsCase.objects.exists()


def test_b4_5_small_arrears_get_sms_reminders_on_the_cycle(october_published):
    (customer,) = october_published("3000.00")
    with at(16):
        assert services.arrears_scan() == 1
    with at(20):
        assert services.arrears_scan() == 0  # within the 7-day cycle
    with at(23):
        assert services.arrears_scan() == 1
    case = ArrearsCase.objects.get(customer=customer)
    assert (case.size, case.amount, case.reminders, case.restricted) == ("small", Decimal("3000.00"), 2, False)
    sms = Notification.objects.filter(channel="sms", address="13700000000")
    assert sms.count() == 2 and "3000.00" in sms.first().body
    assert not ServiceWorkOrder.objects.exists()


def test_b4_5_large_arrears_restrict_service_once_and_payment_restores_it(october_published, org, it_team):
    back_admin = UserFactory(department=org["nmc"], roles=[Role.BACK_ADMIN])
    (customer,) = october_published("6000.00")
    with at(16):
        services.arrears_scan()
    with at(24):
        services.arrears_scan()  # second reminder, no second restriction
    case = ArrearsCase.objects.get(customer=customer)
    assert (case.size, case.restricted, case.reminders) == ("large", True, 2)
    (restrict,) = ServiceWorkOrder.objects.filter(kind="restrict")
    assert restrict.department.code == "nmc"
    assert Notification.objects.filter(recipient=back_admin, channel="inapp", subject__contains="6000.00").count() == 1
    with at(24):  # 网络监控中心 restricts the service
        services.work_order_accept(work_order=restrict, by=back_admin)
        services.work_order_done(work_order=restrict, by=back_admin)

    with at(25):
        services.payment_record(customer=customer, amount=Decimal("2000.00"), by=it_team["operator"])
    case.refresh_from_db()
    assert (case.state, case.amount, case.size, case.restricted) == ("open", Decimal("4000.00"), "small", True)
    with at(26):
        services.payment_record(customer=customer, amount=Decimal("4000.00"), by=it_team["operator"])
    case.refresh_from_db()
    assert (case.state, case.amount, case.restricted) == ("cleared", Decimal("0.00"), False)
    assert ServiceWorkOrder.objects.filter(kind="restore", case=case).count() == 1


def test_b4_5_arrears_api_lists_cases_and_records_payments(client, october_published, it_team, org):
    (customer,) = october_published("6000.00")
    with at(16):
        services.arrears_scan()
    client.force_login(it_team["operator"])
    (case,) = client.get("/api/v1/arrears/?size=large").json()["results"]
    assert (case["amount"], case["restricted"], case["work_orders"][0]["kind"]) == ("6000.00", True, "restrict")
    bad = client.post(
        f"/api/v1/arrears/{case['id']}/record-payment/", {"amount": "-1"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "amount" in bad.json()["fields"]
    paid = client.post(
        f"/api/v1/arrears/{case['id']}/record-payment/", {"amount": "6000.00"}, content_type="application/json"
    )
    # B4.5: the restriction nobody had begun is cancelled; the service was never restricted, so no restore.
    assert paid.json()["state"] == "cleared"
    assert [(w["kind"], w["state"]) for w in paid.json()["work_orders"]] == [("restrict", "cancelled")]
    client.force_login(UserFactory(department=org["public"], roles=[Role.FRONT_ADMIN]))
    assert client.get("/api/v1/arrears/").json()["results"] == []


def test_b4_5_arrears_page_lists_cases_and_records_a_payment(client, october_published, it_team):
    (customer,) = october_published("6000.00")
    with at(16):
        services.arrears_scan()
    client.force_login(it_team["operator"])
    page = client.get("/billing/arrears/").content.decode()
    assert "欠费客户6000.00" in page and "大额欠费" in page and "限制/降级服务" in page
    case = ArrearsCase.objects.get()
    refused = client.post("/billing/arrears/", {"case": case.pk, "amount": "abc"}, follow=True).content.decode()
    assert "请输入正数金额" in refused
    client.post("/billing/arrears/", {"case": case.pk, "amount": "6000.00", "reference": "POS-1"})
    case.refresh_from_db()
    assert case.state == "cleared"
