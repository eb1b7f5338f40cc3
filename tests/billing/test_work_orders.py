"""B4.5: restriction and restore work orders people finish: 网络监控中心's queue, accept and done, a
deadline on the SLA engine (restriction 1 working day, restore 4 hours), notices on breach."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine

from billing import services
from billing.models import ArrearsCase, Customer, ServiceWorkOrder
from org.roles import Role
from sla.models import Deadline, DeadlineEvent, Notification, SlaPolicy
from sla.selectors import deadlines_of
from sla.services import sweep_due_deadlines
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
W = ServiceWorkOrder


def sh(day, hour=10, minute=0, month=11):
    return datetime(2026, month, day, hour, minute, tzinfo=SH)


@pytest.fixture
def nmc(org):
    return {
        "admin": UserFactory(username="nmc_admin", department=org["nmc"], roles=[Role.BACK_ADMIN]),
        "member": UserFactory(username="nmc_member", department=org["nmc"], roles=[Role.BACK_MEMBER]),
        "line": UserFactory(username="line_admin", department=org["line"], roles=[Role.BACK_ADMIN]),
    }


@pytest.fixture
def case(db):
    customer = Customer.objects.create(code="WO1", name="限制客户", contact_phone="13700000001")
    return ArrearsCase.objects.create(
        customer=customer, amount=Decimal("6000.00"), size=ArrearsCase.Size.LARGE, opened_at=sh(16), restricted=True
    )


def open_order(case, org, kind, at):
    with time_machine.travel(at, tick=False):
        return services.work_order_open(case=case, kind=kind, department=org["nmc"], at=at)


def test_b4_5_policies_default_restriction_one_working_day_restore_four_hours(case, org):
    # Friday 20 November 2026 10:00: the restriction is due on the next working day (Monday).
    restrict = open_order(case, org, W.Kind.RESTRICT, sh(20))
    restore = open_order(case, org, W.Kind.RESTORE, sh(20))
    (d_restrict,) = deadlines_of(restrict)
    (d_restore,) = deadlines_of(restore)
    assert d_restrict.kind == "work-order-restrict" and d_restrict.due_at == sh(23)
    assert d_restore.kind == "work-order-restore" and d_restore.due_at == sh(20, 14)
    assert d_restrict.assessed_department.code == d_restore.assessed_department.code == "nmc"
    assert set(SlaPolicy.objects.get(kind="work-order-restore").notify_roles) == {"back_admin", "back_member"}


def test_b4_5_restore_duration_is_configurable(case, org):
    SlaPolicy.objects.filter(kind="work-order-restore").update(duration=timedelta(hours=2))
    restore = open_order(case, org, W.Kind.RESTORE, sh(20))
    assert deadlines_of(restore).get().due_at == sh(20, 12)


def test_b4_5_restore_work_order_not_done_in_time_breaches_and_notifies(case, org, nmc):
    restore = open_order(case, org, W.Kind.RESTORE, sh(20))
    with time_machine.travel(sh(20, 13, 5), tick=False):  # an hour before: the warning
        sweep_due_deadlines()
    with time_machine.travel(sh(20, 14, 1), tick=False):
        services.work_order_accept(work_order=restore, by=nmc["member"])
        sweep_due_deadlines()
    deadline = deadlines_of(restore).get()
    assert deadline.state == Deadline.State.BREACHED
    kinds = set(DeadlineEvent.objects.filter(deadline=deadline).values_list("kind", flat=True))
    assert kinds == {"warning", "breach"}
    told = Notification.objects.filter(event__deadline=deadline, channel="inapp")
    assert {n.recipient for n in told} == {nmc["admin"], nmc["member"]}  # 网络监控中心's people, not 线路
    assert told.filter(event__kind="breach").count() == 2


def test_b4_5_restore_done_in_time_meets_the_deadline_and_fires_nothing(case, org, nmc):
    restore = open_order(case, org, W.Kind.RESTORE, sh(20))
    with time_machine.travel(sh(20, 11), tick=False):
        services.work_order_accept(work_order=restore, by=nmc["admin"])
    with time_machine.travel(sh(20, 12), tick=False):
        done = services.work_order_done(work_order=restore, by=nmc["member"])
    assert (done.state, done.done_by, done.done_at) == (W.State.DONE, nmc["member"], sh(20, 12))
    with time_machine.travel(sh(21), tick=False):
        sweep_due_deadlines()
    deadline = deadlines_of(restore).get()
    assert deadline.state == Deadline.State.MET
    assert not DeadlineEvent.objects.filter(deadline=deadline).exists()
    assert not Notification.objects.filter(event__deadline=deadline).exists()


def test_b4_5_restore_is_due_as_soon_as_the_payment_clears(case, org, nmc, it_team):
    restrict = open_order(case, org, W.Kind.RESTRICT, sh(16))
    with time_machine.travel(sh(16, 15), tick=False):
        services.work_order_accept(work_order=restrict, by=nmc["admin"])
        services.work_order_done(work_order=restrict, by=nmc["admin"])
    paid_at = sh(26, 9, 30)
    with time_machine.travel(paid_at, tick=False):
        services.payment_record(customer=case.customer, amount=Decimal("6000.00"), by=it_team["operator"])
    (restore,) = case.work_orders.filter(kind=W.Kind.RESTORE)
    assert (restore.state, restore.created_at) == (W.State.OPEN, paid_at)
    assert deadlines_of(restore).get().due_at == paid_at + timedelta(hours=4)


def test_b4_5_paying_before_the_restriction_is_begun_cancels_it_and_its_deadline(case, org, it_team):
    restrict = open_order(case, org, W.Kind.RESTRICT, sh(16))
    with time_machine.travel(sh(17), tick=False):
        services.payment_record(customer=case.customer, amount=Decimal("6000.00"), by=it_team["operator"])
    restrict.refresh_from_db()
    assert restrict.state == W.State.CANCELLED
    assert deadlines_of(restrict).get().state == Deadline.State.CANCELLED
    assert not case.work_orders.filter(kind=W.Kind.RESTORE).exists()


def test_b4_5_api_queue_accept_and_done(client, case, org, nmc):
    restore = open_order(case, org, W.Kind.RESTORE, sh(20))
    client.force_login(nmc["member"])
    (row,) = client.get("/api/v1/work-orders/?state=open").json()["results"]
    assert (row["id"], row["kind"], row["customer_name"]) == (restore.pk, "restore", "限制客户")
    accepted = client.post(f"/api/v1/work-orders/{restore.pk}/accept/", {}, content_type="application/json")
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    again = client.post(f"/api/v1/work-orders/{restore.pk}/accept/", {}, content_type="application/json")
    assert again.status_code == 409 and again.json()["code"] == "wrong_state"  # B4.5: wrong state 409
    done = client.post(
        f"/api/v1/work-orders/{restore.pk}/done/", {"comment": "已恢复"}, content_type="application/json"
    )
    assert done.status_code == 200 and done.json()["state"] == "done"
    assert deadlines_of(restore).get().state == Deadline.State.MET


def test_b4_5_api_wrong_person_403_and_other_department_404(client, case, org, nmc, it_team):
    restore = open_order(case, org, W.Kind.RESTORE, sh(20))
    client.force_login(it_team["operator"])  # sees billing, may not do the back office's work
    refused = client.post(f"/api/v1/work-orders/{restore.pk}/accept/", {}, content_type="application/json")
    assert refused.status_code == 403
    client.force_login(nmc["line"])  # a back-office admin of another department: not even visible
    assert client.get("/api/v1/work-orders/").json()["results"] == []
    assert client.post(f"/api/v1/work-orders/{restore.pk}/accept/").status_code == 404
    restore.refresh_from_db()
    assert restore.state == W.State.OPEN


def test_b4_5_queue_page_shows_buttons_from_the_rules_and_finishes_an_order(client, case, org, nmc, it_team):
    restrict = open_order(case, org, W.Kind.RESTRICT, sh(16))
    client.force_login(nmc["admin"])
    page = client.get("/billing/work-orders/").content.decode()
    assert "限制客户" in page and "限制/降级服务" in page and "/accept/" in page and "/done/" not in page
    client.post(f"/billing/work-orders/{restrict.pk}/accept/")
    page = client.get("/billing/work-orders/").content.decode()
    assert "/accept/" not in page and f"/billing/work-orders/{restrict.pk}/done/" in page
    client.post(f"/billing/work-orders/{restrict.pk}/done/")
    restrict.refresh_from_db()
    assert restrict.state == W.State.DONE
    assert "限制客户" in client.get("/billing/work-orders/?queue=closed").content.decode()
    refused = client.post(f"/billing/work-orders/{restrict.pk}/done/", follow=True)
    assert refused.status_code == 200 and restrict.state == W.State.DONE  # wrong state: refused on the page
    client.force_login(it_team["operator"])
    page = client.get("/billing/work-orders/?queue=closed").content.decode()
    assert "限制客户" in page and "<button" not in page.split("<table")[1]
    assert client.post(f"/billing/work-orders/{restrict.pk}/done/").status_code == 403


def test_b4_5_arrears_page_shows_the_work_orders_and_their_state(client, case, org, nmc, it_team):
    restrict = open_order(case, org, W.Kind.RESTRICT, sh(16))
    with time_machine.travel(sh(16, 15), tick=False):
        services.work_order_accept(work_order=restrict, by=nmc["admin"])
    client.force_login(it_team["operator"])
    page = client.get("/billing/arrears/").content.decode()
    assert "限制/降级服务" in page and "已接单" in page
