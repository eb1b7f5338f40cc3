"""Issue 12 §1, one error contract: every API refusal of every app answers
``{"code": …, "detail": …, "fields": {…}}`` with 400/403/404/409 and a code a client can branch on
(core/errors.py, core/api.py)."""

from datetime import date

import pytest
from django.test import override_settings
from rest_framework.test import APIClient

from billing import services as billing
from faults import services as faults
from sla import services as sla
from tests.accounts.factories import make_cast
from tests.billing.conftest import it_team, make_service  # noqa: F401 - fixtures shared with billing
from tests.billing.test_bill_runs import ALL_CHECKS
from tests.faults.conftest import People as FaultPeople
from tests.faults.factories import ServiceFactory as FaultServiceFactory
from tests.responses.conftest import cat, fast_passwords, people  # noqa: F401 - fixtures shared with orders
from tests.responses.factories import make_order

pytestmark = pytest.mark.django_db


def client_for(user=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


def error(response, status, code, fields=()):
    """The answer is the one error shape with this status and code (and messages for these fields)."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"code", "detail", "fields"}, body
    assert body["code"] == code, body
    assert isinstance(body["detail"], str) and body["detail"].strip(), body
    assert isinstance(body["fields"], dict), body
    for name in fields:
        messages = body["fields"][name]
        assert messages and all(isinstance(m, str) and m for m in messages), body
    if status != 400:
        assert body["fields"] == {}, body
    return body


# --- each app's API --------------------------------------------------------------------------------


def test_responses_api_errors_r1_1_r1_5(people, cat):  # noqa: F811
    zq = client_for(people["zq_admin"])
    body = error(
        zq.post("/api/v1/orders/", {"business_type": "data-line", "level": "D"}, format="json"),
        400,
        "invalid",
        fields=["level", "customer"],
    )
    assert body["detail"] == "输入有误。"
    order = make_order(people["zq_admin"], cat["phone"])
    # Another department's draft is not theirs to see: 404 like no order (issue 12 §2); the auditor
    # sees it but may not submit it: 403.
    error(client_for(people["gz_admin"]).post(f"/api/v1/orders/{order.pk}/submit/"), 404, "not_found")
    error(client_for(people["auditor"]).post(f"/api/v1/orders/{order.pk}/submit/"), 403, "forbidden")
    error(zq.get("/api/v1/orders/999999/"), 404, "not_found")
    assert zq.post(f"/api/v1/orders/{order.pk}/submit/").status_code == 200
    body = error(zq.post(f"/api/v1/orders/{order.pk}/submit/"), 409, "wrong_state")
    assert "“" in body["detail"]  # names the state the order is in


def test_faults_api_errors_f2_2(org):
    who = FaultPeople(org)
    front = client_for(who.front)
    circuit = FaultServiceFactory(level="A")
    error(
        front.post("/api/v1/faults/", {"title": "x", "description": "y", "category": "os", "service": circuit.pk}),
        400,
        "invalid",
        fields=["category"],
    )
    ticket = faults.fault_report(
        by=who.front, title="专线中断", description="d", category="line", service=circuit, handling_department=who.nmc
    )
    url = f"/api/v1/faults/{ticket.pk}/"
    error(client_for(who.line).get(url), 404, "not_found")  # another back office does not see it
    error(client_for(who.auditor).post(url + "close/"), 403, "forbidden")
    member = client_for(who.member)
    assert member.post(url + "acknowledge/").status_code == 200
    error(member.post(url + "acknowledge/"), 409, "wrong_state")


def test_billing_api_errors_b4_2(it_team):  # noqa: F811
    operator, second = it_team["operator"], it_team["second"]
    make_service(monthly="3000.00")
    run = billing.bill_run_schedule(period=date(2026, 10, 1))
    run = billing.bill_run_start_check(run=run, by=operator)
    url = f"/api/v1/bill-runs/{run.pk}/"
    body = error(
        client_for(operator).post(url + "sign-check/", {"checklist": {}}, format="json"),
        400,
        "checklist_incomplete",
        fields=["checklist"],
    )
    assert body["detail"].startswith("签署前必须逐项检查")
    run = billing.bill_run_sign_check(run=run, by=operator, checklist=ALL_CHECKS)
    run = billing.bill_run_finish_preprocessing(run=run, by=operator)
    assert "双人复核" in error(client_for(operator).post(url + "verify/"), 403, "forbidden")["detail"]
    error(client_for(second).get("/api/v1/bill-runs/999999/"), 404, "not_found")
    assert client_for(second).post(url + "verify/").status_code == 200
    error(client_for(second).post(url + "verify/"), 409, "wrong_state")


def test_accounts_api_errors_a3_1(org):
    cast = make_cast(org)
    member = client_for(cast.member)
    error(
        member.post(
            "/api/v1/account-requests/",
            {"kind": "permission_change", "requested_roles": ["no-such-role"], "scope_department": "center"},
            format="json",
        ),
        400,
        "invalid",
        fields=["requested_roles"],
    )
    made = member.post(
        "/api/v1/account-requests/",
        {
            "kind": "permission_change",
            "target_user": "m1",
            "requested_roles": ["back_admin"],
            "requested_department": "nmc",
            "scope_department": "center",
            "reason": "接手后台管理",
        },
        format="json",
    )
    assert made.status_code == 201, made.content
    url = f"/api/v1/account-requests/{made.json()['id']}/"
    error(client_for(cast.scope_manager).post(url + "manager-approve/"), 403, "forbidden")
    error(client_for(cast.it).get("/api/v1/account-requests/999999/"), 404, "not_found")
    error(client_for(cast.it).post(url + "complete/"), 409, "wrong_state")  # not approved yet


def test_sla_api_errors_s5_4(org):
    alice = FaultPeople(org).member
    (notice,) = sla.notify(users=[alice], subject="mine", channels=["inapp"])
    error(client_for().get("/api/v1/inbox/"), 403, "not_authenticated")
    error(client_for(alice).get("/api/v1/inbox/999999/"), 404, "not_found")
    error(client_for(alice).get("/api/v1/inbox/", {"page": "\x00"}), 400, "nul_character")
    # The inbox has no state to be wrong in: sla's 409 is the transition conflict every app's
    # workflow raises (sla.workflow.TransitionConflict), walked above for each app and below.
    assert client_for(alice).post(f"/api/v1/inbox/{notice.pk}/read/").status_code == 200


def test_the_issue_11_json_answers_have_the_shape_too(org):
    alice = FaultPeople(org).member
    client = client_for(alice)
    error(client.get("/api/v1/no-such-collection/"), 404, "not_found")
    error(client.post("/api/v1/orders/", '{"a": "\\u0000"}', content_type="application/json"), 400, "nul_character")
    deep = "[" * 40 + "]" * 40
    error(client.post("/api/v1/orders/", deep, content_type="application/json"), 400, "json_too_deep")
    error(client.post("/api/v1/orders/", "{not json", content_type="application/json"), 400, "parse_error")
    error(client.post("/api/v1/orders/", "x", content_type="text/plain"), 415, "unsupported_media_type")
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100):
        body = '{"description": "' + "x" * 200 + '"}'
        error(client.post("/api/v1/orders/", body, content_type="application/json"), 400, "body_too_large")
