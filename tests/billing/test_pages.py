"""B4.2/B4.4 pages: the run page with its checklist and actions, four eyes on the page, printable invoices."""

from datetime import date

import pytest
from django.urls import reverse

from billing import services
from billing.models import BillRun
from org.roles import Role
from tests.billing.conftest import make_service
from tests.billing.test_bill_runs import run_to_review
from tests.factories import UserFactory
from tests.pages import refused_inline

pytestmark = pytest.mark.django_db


def act(client, user, run, name, **data):
    client.force_login(user)
    return client.post(reverse("billing:run-action", args=[run.pk, name]), data, follow=True)


def test_b4_2_run_page_walks_through_check_and_four_eyes(client, it_team):
    op, second = it_team["operator"], it_team["second"]
    client.force_login(op)
    response = client.post(reverse("billing:runs"), {"period": "2026-10", "kind": "billing"}, follow=True)
    run = BillRun.objects.get()
    assert response.redirect_chain[-1][0] == reverse("billing:run", args=[run.pk])
    assert '<dd data-testid="state">计划中</dd>' in response.content.decode()

    act(client, op, run, "start-check")
    page = client.get(reverse("billing:run", args=[run.pk])).content.decode()
    assert page.count('name="check"') == len(services.CHECKLIST)

    incomplete = act(client, op, run, "sign-check", check=["usage_complete"]).content.decode()
    assert 'class="error"' in incomplete
    run.refresh_from_db()
    assert run.state == "checking"
    act(client, op, run, "sign-check", check=[code for code, _ in services.CHECKLIST])
    act(client, op, run, "finish-preprocessing")

    refused = act(client, op, run, "verify")
    assert refused.status_code == 403
    assert "操作人不能复核自己的出账" in refused.content.decode()
    run.refresh_from_db()
    assert run.state == "verifying"
    act(client, second, run, "verify")
    run.refresh_from_db()
    assert run.state == "invoicing" and run.verified_by == second

    # Still invoicing (409): back on the run's page, the reason at the top of its actions.
    client.force_login(it_team["supervisor"])
    url = reverse("billing:run-action", args=[run.pk, "publish"])
    assert "生成账单" in refused_inline(client, url, back_to=reverse("billing:run", args=[run.pk]))


def test_b4_2_only_it_and_read_all_roles_see_billing_pages(client, it_team, org):
    run = services.bill_run_schedule(period=date(2026, 10, 1))
    client.force_login(UserFactory(department=org["gov_enterprise"], roles=[Role.FRONT_ADMIN]))
    assert client.get(reverse("billing:runs")).status_code == 403
    # A run is a record outside their scope: 404, like one that does not exist (issue 12 §2).
    assert client.get(reverse("billing:run", args=[run.pk])).status_code == 404
    client.force_login(UserFactory(department=org["center"], roles=[Role.VIEWER]))
    assert client.get(reverse("billing:run", args=[run.pk])).status_code == 200


def test_b4_4_invoice_page_is_printable_and_adds_up(client, it_team):
    make_service(monthly="3100.00", once="200.00", activated=date(2026, 10, 17))
    run = run_to_review(it_team)
    invoice = run.invoices.get()
    client.force_login(it_team["supervisor"])
    page = client.get(reverse("billing:invoice", args=[invoice.pk])).content.decode()
    # The print button is wired by static/js/brp.js (no inline script under the CSP).
    assert 'data-testid="total">1700.00<' in page and "data-print" in page
    assert "1500.00" in page and "200.00" in page
