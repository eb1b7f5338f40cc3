"""Issue 14 §1 (B4.1, B4.4): circuits changed and ended by orders, and invoices prorated to the day.

Orders name the circuit (page: its circuit number; API: its id); confirming them through the
responses service changes or ends the service and records its history; the month's bill run
prorates to the change or end day. Convention: the change day is billed at the new fee; the end
day is billed.
"""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from billing import services as billing
from billing.models import Customer, InvoiceLine, Product, Service, ServiceChange
from responses import services as orders
from sla.validators import add_months
from tests.billing.conftest import make_service
from tests.billing.test_bill_runs import run_to_review
from tests.responses.factories import order_data

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def local(*args):
    return datetime(*args, tzinfo=SH)


def circuit(monthly="2900.00", activated=date(2027, 1, 1), customer=None) -> Service:
    return make_service(monthly=monthly, activated=activated, customer=customer)


def confirmed(people, org, business_type, service, when, **fields):
    """An order naming ``service`` created, worked and confirmed through the responses services at
    ``when`` (Asia/Shanghai)."""
    with time_machine.travel(when, tick=False):
        fields.setdefault("level", "B")
        data = order_data(business_type, customer=service.customer, service=service, **fields)
        order = orders.order_create(by=people["zq_admin"], data=data)
        order = orders.order_submit(order=order, by=people["zq_admin"])
        order = orders.order_accept(order=order, by=people["dispatcher"])
        order = orders.order_dispatch(order=order, by=people["dispatcher"], steps=[(org["nmc"], "端口配置")])
        step = order.steps.get()
        orders.step_accept(step=step, by=people["jk_member"])
        orders.step_return(step=step, by=people["jk_member"], finished_at=timezone.now())
        order.refresh_from_db()
        return orders.order_confirm(order=order, by=people["zq_admin"])


def billed(it_team, period):
    """The month's bill run, taken to review on the 1st of the next month (when it is run)."""
    with time_machine.travel(local(*add_months(period, 1).timetuple()[:3], 2), tick=False):
        return run_to_review(it_team, period)


def monthly_lines(run, service):
    lines = InvoiceLine.objects.filter(invoice__run=run, service=service, kind=InvoiceLine.Kind.MONTHLY)
    return [(line.days, line.amount) for line in lines.order_by("id")]


# --- the acceptance: a decommission mid-month ends the service that day and the month prorates ------


@pytest.mark.parametrize(
    ("monthly", "end_day", "period", "days", "amount"),
    [
        ("2900.00", date(2028, 2, 15), date(2028, 2, 1), 15, Decimal("1500.00")),  # leap February: 29 days
        ("3100.00", date(2028, 3, 10), date(2028, 3, 1), 10, Decimal("1000.00")),  # 31 days
        ("3000.00", date(2028, 4, 12), date(2028, 4, 1), 12, Decimal("1200.00")),  # 30 days
    ],
)
def test_b4_1_b4_4_decommission_confirmed_mid_month_ends_the_service_and_the_invoice_prorates_to_it(
    people, org, cat, it_team, monthly, end_day, period, days, amount
):
    service = circuit(monthly)
    order = confirmed(people, org, cat["decommission"], service, local(end_day.year, end_day.month, end_day.day, 15))
    service.refresh_from_db()
    assert (service.state, service.ended_on, order.service_id) == ("ended", end_day, service.pk)
    history = list(service.changes.values_list("kind", "on", "order_id", "order_number"))
    assert history == [("ended", end_day, order.pk, order.number)]
    run = billed(it_team, period)
    assert monthly_lines(run, service) == [(days, amount)]
    assert run.invoices.get(customer=service.customer).total == amount


def test_b4_1_confirming_a_decommission_again_records_it_once(people, org, cat):
    service = circuit()
    order = confirmed(people, org, cat["decommission"], service, local(2028, 2, 15, 9))
    billing.service_from_confirmed_order(order=order, at=local(2028, 2, 20, 9))
    service.refresh_from_db()
    assert service.ended_on == date(2028, 2, 15) and service.changes.count() == 1


# --- a change order: the days before the change day at the old fee, from it at the new one ---------


@pytest.mark.parametrize(
    ("old", "new", "change_day", "period", "expected"),
    [
        # leap February (29 days): 9 days × 2900/29 + 20 days × 5800/29
        ("2900.00", "5800.00", date(2028, 2, 10), date(2028, 2, 1), [(9, "900.00"), (20, "4000.00")]),
        # 31 days: 10 × 3100/31 + 21 × 6200/31
        ("3100.00", "6200.00", date(2028, 3, 11), date(2028, 3, 1), [(10, "1000.00"), (21, "4200.00")]),
        # 30 days, a cheaper tariff: 19 × 3000/30 + 11 × 1500/30
        ("3000.00", "1500.00", date(2028, 4, 20), date(2028, 4, 1), [(19, "1900.00"), (11, "550.00")]),
    ],
)
def test_b4_1_b4_4_change_order_prorates_the_month_at_the_change_day(
    people, org, cat, it_team, old, new, change_day, period, expected
):
    product = Product.objects.create(code="data-line-100m", name="数据专线 100M", monthly_fee=Decimal(new))
    service = circuit(old)
    when = local(change_day.year, change_day.month, change_day.day, 10)
    order = confirmed(people, org, cat["circuit-change"], service, when, new_product=product)
    service.refresh_from_db()
    assert (service.product, service.monthly_fee, service.state) == ("数据专线 100M", Decimal(new), "active")
    change = service.changes.get()
    assert (change.kind, change.on, change.order_id) == ("changed", change_day, order.pk)
    assert (change.previous_monthly_fee, change.monthly_fee) == (Decimal(old), Decimal(new))
    run = billed(it_team, period)
    assert monthly_lines(run, service) == [(d, Decimal(a)) for d, a in expected]


def test_b4_1_change_order_without_a_new_product_changes_only_the_level(people, org, cat):
    service = circuit("2900.00")
    confirmed(people, org, cat["circuit-change"], service, local(2028, 2, 10, 10), level="A")
    service.refresh_from_db()
    assert (service.level, service.monthly_fee) == ("A", Decimal("2900.00"))
    assert service.changes.get().kind == "changed"


# --- the proration itself (B4.4) --------------------------------------------------------------------


def changed(service, on, old_fee, new_fee):
    ServiceChange.objects.create(
        service=service, kind="changed", on=on, product="新", monthly_fee=Decimal(new_fee), level="B",
        previous_product="旧", previous_monthly_fee=Decimal(old_fee),
    )  # fmt: skip
    Service.objects.filter(pk=service.pk).update(monthly_fee=Decimal(new_fee))
    service.refresh_from_db()


def lines_of(service, period):
    changes = billing.fee_changes([service.pk], period).get(service.pk)
    return [(line.days, line.amount) for line in billing.service_lines(service, period, changes)]


def test_b4_4_a_change_on_the_first_bills_the_whole_month_at_the_new_fee():
    service = circuit("2900.00")
    changed(service, date(2028, 2, 1), "2900.00", "5800.00")
    assert lines_of(service, date(2028, 2, 1)) == [(29, Decimal("5800.00"))]
    assert lines_of(service, date(2028, 1, 1)) == [(31, Decimal("2900.00"))]  # the month before: old fee


def test_b4_4_a_change_after_the_month_does_not_touch_it_and_two_changes_make_three_stretches():
    service = circuit("3100.00")
    changed(service, date(2028, 3, 11), "3100.00", "6200.00")
    changed(service, date(2028, 3, 21), "6200.00", "3100.00")
    changed(service, date(2028, 4, 1), "3100.00", "9000.00")  # confirmed before the March run
    assert lines_of(service, date(2028, 3, 1)) == [
        (10, Decimal("1000.00")), (10, Decimal("2000.00")), (11, Decimal("1100.00")),
    ]  # fmt: skip


def test_b4_4_a_change_then_an_end_in_the_same_month():
    service = circuit("2900.00")
    changed(service, date(2028, 2, 10), "2900.00", "5800.00")
    Service.objects.filter(pk=service.pk).update(state="ended", ended_on=date(2028, 2, 19))
    service.refresh_from_db()
    # 9 days × 2900/29 + 10 days (10th–19th, the end day billed) × 5800/29
    assert lines_of(service, date(2028, 2, 1)) == [(9, Decimal("900.00")), (10, Decimal("2000.00"))]


def test_b4_4_the_bill_run_loads_the_changes_of_a_chunk_in_one_query(it_team):
    """Issue 14 §1 performance: the queries of a run do not grow with the circuits that changed."""

    def run_with(n, period):
        for _ in range(n):
            service = circuit("2900.00")
            changed(service, period.replace(day=10), "2900.00", "5800.00")
        with time_machine.travel(local(*add_months(period, 1).timetuple()[:3], 2), tick=False):
            return generate(n, period)

    def generate(n, period):
        run = billing.bill_run_schedule(period=period)
        run = billing.bill_run_start_check(run=run, by=it_team["operator"])
        checklist = {code: True for code, _ in billing.CHECKLIST}
        run = billing.bill_run_sign_check(run=run, by=it_team["operator"], checklist=checklist)
        run = billing.bill_run_finish_preprocessing(run=run, by=it_team["operator"])
        run = billing.bill_run_verify(run=run, by=it_team["second"])
        with CaptureQueriesContext(connection) as queries:
            billing.bill_run_generate_invoices(run=run)
        return len(queries)

    assert run_with(2, date(2028, 2, 1)) == run_with(8, date(2028, 3, 1))


# --- naming the circuit: API ------------------------------------------------------------------------


def api_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def payload(business_type, customer, **kw):
    data = {
        "customer": customer.pk, "business_type": business_type, "quantity": 1, "level": "B",
        "location": "城南路 8 号", "contact_person": "李先生", "contact_phone": "13800000000", "description": "api",
    }  # fmt: skip
    return data | kw


def test_b4_1_api_a_decommission_order_names_its_customers_circuit(people, cat):
    service = circuit()
    r = api_for(people["zq_admin"]).post(
        "/api/v1/orders/", payload("decommission", service.customer, service=service.pk), format="json"
    )
    assert r.status_code == 201, r.content
    assert r.json()["service"] == service.pk
    detail = api_for(people["zq_admin"]).get(f"/api/v1/orders/{r.json()['id']}/").json()
    assert detail["service_code"] == service.code


def test_b4_1_api_another_customers_or_an_ended_circuit_or_none_is_refused_with_400(people, cat):
    service = circuit()
    other = Customer.objects.create(code="OTHER-1", name="别的客户")
    client = api_for(people["zq_admin"])
    r = client.post("/api/v1/orders/", payload("decommission", other, service=service.pk), format="json")
    assert r.status_code == 400 and r.json()["code"] == "invalid"
    assert "别的客户" in r.json()["fields"]["service"][0]
    r = client.post("/api/v1/orders/", payload("circuit-change", service.customer), format="json")
    assert r.status_code == 400 and "电路" in r.json()["fields"]["service"][0]
    r = client.post("/api/v1/orders/", payload("decommission", service.customer, service=999999), format="json")
    assert r.status_code == 400 and "service" in r.json()["fields"]
    Service.objects.filter(pk=service.pk).update(state="ended", ended_on=date(2026, 1, 31))
    r = client.post("/api/v1/orders/", payload("decommission", service.customer, service=service.pk), format="json")
    assert r.status_code == 400 and "service" in r.json()["fields"]
    assert not service.order_set.exists()


def test_b4_1_api_circuit_history(people, org, cat):
    service = circuit()
    order = confirmed(people, org, cat["decommission"], service, local(2028, 2, 15, 9))
    r = api_for(people["viewer"]).get(f"/api/v1/services/{service.pk}/history/")
    assert r.status_code == 200
    assert [(c["kind"], c["on"], c["order_number"]) for c in r.json()] == [("ended", "2028-02-15", order.number)]


# --- naming the circuit: the order page -------------------------------------------------------------


def form_data(business_type, customer, circuit_number):
    data = {k: getattr(v, "pk", v) for k, v in order_data(business_type, customer=customer, service=None).items()}
    data["requested_completion_at"] = data["requested_completion_at"].strftime("%Y-%m-%dT%H:%M")
    data["service"] = circuit_number
    return {k: v for k, v in data.items() if v is not None}


def test_b4_1_order_page_names_the_circuit_by_its_number(people, cat, client):
    service = circuit()
    client.force_login(people["zq_admin"])
    page = client.get(reverse("responses:new"))
    assert page.status_code == 200 and 'list="circuit-options"' in page.content.decode()
    r = client.post(reverse("responses:new"), form_data(cat["decommission"], service.customer, service.code))
    assert r.status_code == 302
    order = service.order_set.get()
    detail = client.get(reverse("responses:detail", args=[order.pk])).content.decode()
    assert reverse("billing:circuit", args=[service.pk]) in detail


def test_b4_1_order_page_refuses_another_customers_an_unknown_or_a_missing_circuit(people, cat, client):
    service = circuit()
    other = Customer.objects.create(code="OTHER-2", name="别的客户")
    client.force_login(people["zq_admin"])
    for customer, number, words in [
        (other, service.code, "别的客户"),
        (service.customer, "NO-SUCH", "NO-SUCH"),
        (service.customer, "", "电路"),
    ]:
        r = client.post(reverse("responses:new"), form_data(cat["decommission"], customer, number))
        assert r.status_code == 200
        assert words in " ".join(r.context["form"].errors["service"])
    assert not service.order_set.exists()
    # A form shown again offers the chosen customer's active circuits.
    r = client.post(reverse("responses:new"), form_data(cat["decommission"], service.customer, "NO-SUCH"))
    assert f'<option value="{service.code}">' in r.content.decode()


def test_b4_1_circuit_search_by_number_or_customer_name(people, client):
    service = circuit()
    circuit(customer=service.customer)
    Service.objects.filter(customer=service.customer).exclude(pk=service.pk).update(state="ended")
    client.force_login(people["zq_admin"])
    found = client.get(reverse("billing:circuit-search"), {"q": service.customer.name}).json()["results"]
    assert [c["code"] for c in found] == [service.code]  # active circuits only
    found = client.get(reverse("billing:circuit-search"), {"q": service.code[-4:], "customer": service.customer_id})
    assert [c["code"] for c in found.json()["results"]] == [service.code]


# --- the circuit page -------------------------------------------------------------------------------


def test_b4_1_circuit_page_shows_its_history_orders_and_invoices(people, org, cat, it_team, client):
    service = circuit()
    order = confirmed(people, org, cat["decommission"], service, local(2028, 2, 15, 9))
    run = billed(it_team, date(2028, 2, 1))
    invoice = run.invoices.get(customer=service.customer)
    client.force_login(it_team["operator"])
    page = client.get(reverse("billing:circuit", args=[service.pk]))
    html = page.content.decode()
    assert page.status_code == 200 and service.code in html
    assert order.number in html and "2028-02-15" in html
    assert reverse("billing:invoice", args=[invoice.pk]) in html
    invoice_page = client.get(reverse("billing:invoice", args=[invoice.pk])).content.decode()
    assert reverse("billing:circuit", args=[service.pk]) in invoice_page
    client.force_login(people["jk_member"])  # sees circuits, not billing: no invoices listed
    html = client.get(reverse("billing:circuit", args=[service.pk])).content.decode()
    assert order.number in html and reverse("billing:invoice", args=[invoice.pk]) not in html
    assert client.get(reverse("billing:circuit", args=[999999])).status_code == 404


def test_b4_1_circuit_list_searches_by_number_or_customer(people, client, django_assert_max_num_queries):
    services = [circuit() for _ in range(5)]
    client.force_login(people["viewer"])
    with django_assert_max_num_queries(12):
        page = client.get(reverse("billing:circuits"))
    assert all(s.code in page.content.decode() for s in services)
    page = client.get(reverse("billing:circuits"), {"q": services[2].customer.name})
    assert [s.code for s in page.context["page"]] == [services[2].code]
