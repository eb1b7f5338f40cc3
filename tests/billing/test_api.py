"""B4.2/B4.4 over the API: transitions as POST actions, four eyes, 400/403/409, exports."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from billing import services
from billing.models import BillRun
from org.roles import Role
from tests.billing.conftest import make_service
from tests.billing.test_bill_runs import ALL_CHECKS, run_to_review
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
RUNS = "/api/v1/bill-runs/"


@pytest.fixture
def api(client):
    def call(user, method, url, data=None, **headers):
        client.force_login(user)
        return getattr(client, method)(url, data=data, content_type="application/json", **headers)

    return call


def test_b4_2_schedule_and_walk_a_run_through_the_api(api, it_team):
    op, second = it_team["operator"], it_team["second"]
    make_service(monthly="3000.00")
    created = api(op, "post", RUNS, {"kind": "billing", "period": "2026-10-15"})
    assert created.status_code == 201 and created.json()["period"] == "2026-10-01"
    url = f"{RUNS}{created.json()['id']}/"
    assert api(op, "post", url + "start-check/").json()["state"] == "checking"

    missing = api(op, "post", url + "sign-check/", {"checklist": {"usage_complete": True}})
    assert missing.status_code == 400
    assert missing.json()["fields"]["checklist"] == [
        "签署前必须逐项检查：在用业务与开通定单核对一致; 当月资费与优惠已生效; 待处理调账已复核"
    ]
    missing_en = api(op, "post", url + "sign-check/", {"checklist": {}}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Every check must be ticked" in missing_en.json()["fields"]["checklist"][0]

    assert api(op, "post", url + "sign-check/", {"checklist": ALL_CHECKS}).json()["state"] == "preprocessing"
    assert api(op, "post", url + "finish-preprocessing/").json()["state"] == "verifying"
    own = api(op, "post", url + "verify/")
    assert own.status_code == 403 and "双人复核" in own.json()["detail"]
    verified = api(second, "post", url + "verify/")
    assert verified.status_code == 200 and verified.json()["verified_by"] == str(second)
    assert api(second, "post", url + "verify/").status_code == 409


def test_b4_2_who_may_read_and_act(api, it_team, org):
    run = services.bill_run_schedule(period=date(2026, 10, 1))
    front = UserFactory(department=org["gov_enterprise"], roles=[Role.FRONT_ADMIN])
    auditor = UserFactory(department=org["it"], roles=[Role.AUDITOR])
    assert api(front, "get", RUNS).json()["results"] == []
    assert api(front, "get", f"{RUNS}{run.pk}/").status_code == 404
    assert api(front, "post", RUNS, {"kind": "billing", "period": "2026-11-01"}).status_code == 403
    assert api(auditor, "get", f"{RUNS}{run.pk}/").status_code == 200
    assert api(auditor, "post", f"{RUNS}{run.pk}/start-check/").status_code == 403
    assert api(it_team["supervisor"], "post", f"{RUNS}{run.pk}/start-check/").status_code == 403  # operators run it
    assert BillRun.objects.get(pk=run.pk).state == "scheduled"


def test_b4_4_invoices_export_as_csv_and_excel(api, it_team):
    make_service(monthly="3000.00")
    make_service(monthly="1550.00")
    run = run_to_review(it_team)
    csv_response = api(it_team["operator"], "get", f"/api/v1/invoices/export/?run={run.pk}")
    assert csv_response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(csv_response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "发票号" and len(rows) == 3
    assert sorted(r[5] for r in rows[1:]) == ["1550.00", "3000.00"]

    xlsx = api(it_team["operator"], "get", f"/api/v1/invoices/export/?run={run.pk}&as=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    values = list(sheet.values)
    assert values[0][5] == "金额（元）" and sorted(v[5] for v in values[1:]) == [1550.0, 3000.0]


def test_b4_4_invoice_list_has_no_n_plus_one(client, it_team, django_assert_max_num_queries):
    for _ in range(30):
        make_service(monthly="100.00")
    run_to_review(it_team)
    client.force_login(it_team["operator"])
    with django_assert_max_num_queries(8):
        response = client.get("/api/v1/invoices/")
    assert response.json()["count"] == 30 and len(response.json()["results"][0]["lines"]) == 1
