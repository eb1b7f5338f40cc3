"""Issue 12 §2, "one way to find a record, one answer for a record you may not see": in every app a
record outside the person's scope answers 404 on the API (body ``{"code": "not_found", …}``) and on
its page, exactly like a record that does not exist; the person whose record it is gets it (200).
An unknown action on a record's page is a 404 too, in every app. Pages and API find the record
through one function per entity (``get_<entity>_for(user, pk)``)."""

from datetime import date

import pytest

from billing import services as billing
from faults import services as faults
from org.roles import Role
from responses import services as responses
from tests.accounts.factories import make_cast, submit_role_request
from tests.billing.conftest import it_team  # noqa: F401 - fixture shared with billing
from tests.factories import UserFactory
from tests.faults.conftest import People as FaultPeople
from tests.faults.factories import ServiceFactory as FaultServiceFactory
from tests.responses.conftest import cat, fast_passwords, people  # noqa: F401 - fixtures shared with orders
from tests.responses.factories import make_order
from tests.responses.test_date_ranges import api, page  # an API client and a page client logged in as a user

pytestmark = pytest.mark.django_db


def not_found(response):
    """The API's one answer for a record the person may not see (or that does not exist)."""
    assert response.status_code == 404, response.content
    body = response.json()
    assert body["code"] == "not_found" and body["detail"], body
    return body


def test_responses_order_and_step(people, cat, org):  # noqa: F811
    zq, gz, jk, xl = people["zq_admin"], people["gz_admin"], people["jk_member"], people["xl_admin"]
    center = people["dispatcher"]
    order = responses.order_submit(order=make_order(zq, cat["phone"]), by=zq)
    order = responses.order_dispatch(
        order=responses.order_accept(order=order, by=center), by=center, steps=[(org["nmc"], "配置端口")]
    )
    step = order.steps.get()
    # The order: its front department sees it; another front department does not.
    assert api(zq).get(f"/api/v1/orders/{order.pk}/").status_code == 200
    assert page(zq).get(f"/orders/{order.pk}/").status_code == 200
    unseen = not_found(api(gz).get(f"/api/v1/orders/{order.pk}/"))
    assert not_found(api(gz).get("/api/v1/orders/999999/")) == unseen  # the same answer as no order at all
    assert page(gz).get(f"/orders/{order.pk}/").status_code == 404
    assert page(gz).post(f"/orders/{order.pk}/cancel/").status_code == 404
    not_found(api(gz).post(f"/api/v1/orders/{order.pk}/cancel/"))
    # The step: its back-office department sees it; another back office does not.
    assert api(jk).get(f"/api/v1/steps/{step.pk}/").status_code == 200
    not_found(api(xl).get(f"/api/v1/steps/{step.pk}/"))
    not_found(api(xl).post(f"/api/v1/steps/{step.pk}/accept/"))
    assert page(xl).post(f"/orders/steps/{step.pk}/accept/").status_code == 404
    # Seen but not theirs to do: still 403 (the auditor reads every step, accepts none).
    assert api(people["auditor"]).post(f"/api/v1/steps/{step.pk}/accept/").json()["code"] == "forbidden"
    assert page(jk).post(f"/orders/steps/{step.pk}/accept/").status_code == 302
    step.refresh_from_db()
    assert step.state == "accepted"


def test_faults_ticket(org):
    who = FaultPeople(org)
    ticket = faults.fault_report(
        by=who.front,
        title="专线中断",
        description="d",
        category="line",
        service=FaultServiceFactory(level="A"),
        handling_department=who.nmc,
    )
    assert api(who.member).get(f"/api/v1/faults/{ticket.pk}/").status_code == 200
    assert page(who.member).get(f"/faults/{ticket.pk}/").status_code == 200
    not_found(api(who.line).get(f"/api/v1/faults/{ticket.pk}/"))
    assert page(who.line).get(f"/faults/{ticket.pk}/").status_code == 404


def test_billing_run_and_an_unknown_action(it_team, org):  # noqa: F811
    run = billing.bill_run_schedule(period=date(2026, 10, 1))
    operator, outsider = it_team["operator"], it_team["outsider"]
    front = UserFactory(department=org["gov_enterprise"], roles=[Role.FRONT_ADMIN])
    assert api(operator).get(f"/api/v1/bill-runs/{run.pk}/").status_code == 200
    assert page(operator).get(f"/billing/runs/{run.pk}/").status_code == 200
    for other in (outsider, front):
        not_found(api(other).get(f"/api/v1/bill-runs/{run.pk}/"))
        assert page(other).get(f"/billing/runs/{run.pk}/").status_code == 404
        assert page(other).post(f"/billing/runs/{run.pk}/start-check/").status_code == 404
    # An action the page has not got: 404 (it was 403), as in faults and accounts.
    assert page(operator).post(f"/billing/runs/{run.pk}/no-such-action/").status_code == 404
    run.refresh_from_db()
    assert run.state == "scheduled"
    # The billing lists still refuse people outside IT and the read-all roles with 403.
    assert page(front).get("/billing/runs/").status_code == 403


def test_accounts_request(org):
    cast = make_cast(org)
    request = submit_role_request(cast, org)
    stranger = UserFactory(username="stranger", department=org["line"], roles=[Role.BACK_MEMBER])
    assert api(cast.member).get(f"/api/v1/account-requests/{request.pk}/").status_code == 200
    assert page(cast.member).get(f"/accounts/requests/{request.pk}/").status_code == 200
    not_found(api(stranger).get(f"/api/v1/account-requests/{request.pk}/"))
    assert page(stranger).get(f"/accounts/requests/{request.pk}/").status_code == 404
    # An unknown step on the request's page: 404 (it was 403), as in faults and billing.
    assert page(cast.member).post(f"/accounts/requests/{request.pk}/no-such-step/").status_code == 404


def test_a_record_key_that_is_no_key_is_not_found(it_team):  # noqa: F811
    """A page posting a record's key that is no key at all (empty, text) answers 404, never 500."""
    operator = it_team["operator"]
    for case in ("", "abc", "999999"):
        response = page(operator).post("/billing/arrears/", {"case": case, "amount": "10"})
        assert response.status_code == 404, (case, response.status_code)


def test_a_page_for_a_record_one_may_not_see_is_the_sites_404_page(people, cat, org):  # noqa: F811
    """On a page, someone else's order and an order that does not exist answer the same 404 page as a
    wrong address ("Not found"), not the "action was not carried out" page of a refused button."""
    zq, gz = people["zq_admin"], people["gz_admin"]
    order = responses.order_submit(order=make_order(zq, cat["phone"]), by=zq)
    pages = [page(gz).get(f"/orders/{order.pk}/"), page(gz).get("/orders/999999/"), page(gz).get("/no-such-page/")]
    assert [r.status_code for r in pages] == [404, 404, 404]
    bodies = {r.content.decode().split("<main", 1)[-1] for r in pages}
    assert len(bodies) == 1, "the three answers are the same page"
    assert "页面或记录不存在" in bodies.pop()
