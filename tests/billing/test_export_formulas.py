"""Issue 11 (B4.4): the invoice exports write customer names as text, never as formulas; the amounts
stay numbers."""

import csv
import io

import pytest
from openpyxl import load_workbook

from billing.models import Customer
from tests.billing.conftest import make_service
from tests.billing.test_bill_runs import run_to_review

pytestmark = pytest.mark.django_db
NAMES = ["=1+1", "+1+1", "-1+1", "@SUM(A1)", "\t=1+1", "\r=1+1", "普通客户"]


def _expected(name: str) -> str:
    return name if name == "普通客户" else "'" + name


@pytest.fixture
def run(it_team):
    for n, name in enumerate(NAMES):
        make_service(monthly="100.00", customer=Customer.objects.create(code=f"F{n:04d}", name=name))
    return run_to_review(it_team)


def test_b4_4_invoice_csv_writes_customer_names_as_text(client, it_team, run):
    client.force_login(it_team["operator"])
    response = client.get(f"/api/v1/invoices/export/?run={run.pk}")
    assert response.status_code == 200
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    by_code = {r[1]: r for r in rows[1:]}
    assert len(by_code) == len(NAMES)
    for n, name in enumerate(NAMES):
        row = by_code[f"F{n:04d}"]
        assert row[2] == _expected(name)
        assert row[5] == "100.00"


def test_b4_4_invoice_excel_writes_customer_names_as_text(client, it_team, run):
    client.force_login(it_team["operator"])
    response = client.get(f"/api/v1/invoices/export/?run={run.pk}&as=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {row[1].value: row for row in list(sheet.iter_rows())[1:]}
    assert len(rows) == len(NAMES)
    for n, name in enumerate(NAMES):
        row = rows[f"F{n:04d}"]
        assert (row[2].data_type, row[2].value) == ("s", _expected(name).replace("\r", "\n"))  # XML: CR reads as LF
        assert (row[5].data_type, row[5].value) == ("n", 100)
