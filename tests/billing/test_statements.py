"""B4.3 (issue 14 §4): settlement statements out — the API, the pages, CSV and Excel exports and a
partner's statement history, seen only by those who see billing."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from billing import services
from billing.models import BillRun, Partner, SettlementStatement
from tests.billing.conftest import make_service
from tests.billing.test_bill_runs import run_to_review
from tests.billing.test_settlement import settle
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
API = "/api/v1/statements/"
AMOUNTS = {"AG1": (Decimal("4234.56"), Decimal("338.76")), "CP1": (Decimal("999.99"), Decimal("125.00"))}


@pytest.fixture
def settled(it_team):
    """October settled: an agent on two services, a content provider on one (B4.3)."""
    agent = Partner.objects.create(code="AG1", name="=城东代理", kind="agent", rate=Decimal("0.0800"))
    cp = Partner.objects.create(code="CP1", name="影视内容商", kind="cp", rate=Decimal("0.1250"))
    for fee, partner in [("3000.00", agent), ("1234.56", agent), ("999.99", cp)]:
        service = make_service(monthly=fee)
        service.partner = partner
        service.save()
    services.bill_run_publish(run=run_to_review(it_team), by=it_team["supervisor"])
    return settle(it_team)


@pytest.fixture
def front(org):
    return UserFactory(username="front", department=org["gov_enterprise"], roles=["front_admin"])


def test_b4_3_a_settlement_run_s_statements_are_in_the_api_for_it_not_for_the_front_office(
    client, it_team, settled, front
):
    client.force_login(it_team["operator"])
    listed = client.get(f"{API}?run={settled.pk}").json()
    got = {r["partner_code"]: (Decimal(r["revenue"]), Decimal(r["amount"])) for r in listed["results"]}
    assert got == AMOUNTS and {r["state"] for r in listed["results"]} == {"draft"}
    one = listed["results"][0]
    assert client.get(f"{API}{one['id']}/").json()["partner_name"] == one["partner_name"]
    assert client.get(f"{API}?state=published").json()["count"] == 0
    assert client.get(f"{API}?period=2026-10-01&partner={one['partner']}").json()["count"] == 1

    client.force_login(front)
    assert client.get(API).json()["count"] == 0
    assert client.get(f"{API}{one['id']}/").status_code == 404
    assert client.get(reverse("billing:statements")).status_code == 403
    assert client.get(reverse("billing:statement", args=[one["id"]])).status_code == 404
    assert client.get(f"/api/v1/partners/{one['partner']}/statements/").status_code == 404


def test_b4_3_statements_export_as_csv_and_excel_with_exact_amounts(client, it_team, settled):
    client.force_login(it_team["operator"])
    response = client.get(f"{API}export/?run={settled.pk}&as=csv")
    assert response["Content-Type"].startswith("text/csv") and response.content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["伙伴编号", "伙伴名称", "类型", "账期", "状态", "收入（元）", "结算比例", "结算金额（元）"]
    by_code = {r[0]: r for r in rows[1:]}
    assert {c: (Decimal(r[5]), Decimal(r[7])) for c, r in by_code.items()} == AMOUNTS
    assert by_code["AG1"][1] == "'=城东代理" and by_code["AG1"][3] == "2026-10"  # a name is never a formula

    response = client.get(f"{API}export/?run={settled.pk}&as=xlsx")
    assert response.status_code == 200 and response["Content-Disposition"].endswith('statements.xlsx"')
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows())
    assert rows[0][7].value == "结算金额（元）"
    by_code = {r[0].value: r for r in rows[1:]}
    for code, (revenue, amount) in AMOUNTS.items():
        row = by_code[code]
        assert row[5].data_type == "n" and row[7].data_type == "n"
        assert (Decimal(str(row[5].value)), Decimal(str(row[7].value))) == (revenue, amount)
    assert by_code["AG1"][1].data_type == "s"


def test_b4_3_the_statement_list_filters_totals_and_links_the_exports(client, it_team, settled):
    client.force_login(it_team["supervisor"])
    page = client.get(reverse("billing:statements"), {"period": "2026-10"})
    html = page.content.decode()
    assert page.status_code == 200
    assert 'data-testid="total-amount">463.76<' in html and 'data-testid="total-revenue">5234.55<' in html
    assert "/api/v1/statements/export/?period=2026-10-01&amp;as=xlsx" in html
    cp = Partner.objects.get(code="CP1")
    only_cp = client.get(reverse("billing:statements"), {"partner": cp.pk}).content.decode()
    assert 'data-testid="total-amount">125.00<' in only_cp
    assert client.get(reverse("billing:statements"), {"period": "10/2026"}).status_code == 400
    statement = settled.statements.get(partner=cp)
    detail = client.get(reverse("billing:statement", args=[statement.pk])).content.decode()
    assert 'data-testid="amount">125.00<' in detail and reverse("billing:run", args=[settled.pk]) in detail
    run_page = client.get(reverse("billing:run", args=[settled.pk])).content.decode()
    assert reverse("billing:statement", args=[statement.pk]) in run_page  # the settlement run lists its statements
    assert reverse("billing:statements") in client.get(reverse("billing:runs")).content.decode()


def _statement(partner, period, amount, state="published"):
    run, _ = BillRun.objects.get_or_create(kind=BillRun.Kind.SETTLEMENT, period=period)
    return SettlementStatement.objects.create(
        run=run, partner=partner, period=period, revenue=amount * 10, rate=partner.rate, amount=amount, state=state
    )


def test_b4_3_a_partner_s_history_is_newest_first_with_a_running_year_total(client, it_team):
    partner = Partner.objects.create(code="CH1", name="渠道一", kind="channel", rate=Decimal("0.1000"))
    other = Partner.objects.create(code="CH2", name="渠道二", kind="channel", rate=Decimal("0.1000"))
    _statement(partner, date(2025, 12, 1), Decimal("50.00"))
    _statement(partner, date(2026, 1, 1), Decimal("10.00"))
    _statement(partner, date(2026, 2, 1), Decimal("99.99"), state="void")  # a rolled-back run's
    _statement(partner, date(2026, 2, 1), Decimal("20.05"))
    _statement(other, date(2026, 3, 1), Decimal("1.00"))
    client.force_login(it_team["operator"])
    history = client.get(f"/api/v1/partners/{partner.pk}/statements/").json()  # a plain list, as the schema says
    assert [(r["period"], r["amount"]) for r in history][::2] == [("2026-02-01", "20.05"), ("2026-01-01", "10.00")]
    assert [r["period"] for r in history] == ["2026-02-01", "2026-02-01", "2026-01-01", "2025-12-01"]
    assert client.get(f"/api/v1/partners/{partner.pk}/").json()["code"] == "CH1"
    assert [p["code"] for p in client.get("/api/v1/partners/").json()["results"]] == ["CH1", "CH2"]

    html = client.get(reverse("billing:partner", args=[partner.pk])).content.decode()
    year_totals = html.split('data-testid="year-total">')[1:]
    assert [t.split("<")[0] for t in year_totals] == ["30.05", "—", "10.00", "50.00"]


def test_b4_3_the_statement_list_has_a_fixed_number_of_queries(client, it_team, django_assert_max_num_queries):
    for n in range(30):
        partner = Partner.objects.create(code=f"P{n:03d}", name=f"伙伴{n}", kind="agent", rate=Decimal("0.0500"))
        _statement(partner, date(2026, 1 + n % 12, 1), Decimal("5.00"))
    client.force_login(it_team["operator"])
    with django_assert_max_num_queries(6):
        assert client.get(API).json()["count"] == 30
    with django_assert_max_num_queries(10):
        assert client.get(reverse("billing:statements")).status_code == 200
    with django_assert_max_num_queries(8):
        assert len(client.get(f"/api/v1/partners/{partner.pk}/statements/").json()) == 1
