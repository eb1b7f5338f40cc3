"""Issue 14, who runs it (B4.2/B4.3): an IT supervisor changes the operator of a run not yet
published; operators cannot, the verifier may not become the operator (four eyes), a published run
keeps its operator (409). The run's warning then goes to the new operator."""

import pytest
from django.urls import reverse

from billing import services
from billing.models import BillRun
from core.errors import Invalid
from sla.models import Notification
from sla.selectors import audit_trail_of
from sla.workflow import TransitionForbidden
from tests.billing.conftest import make_service
from tests.billing.test_bill_runs import OCT, run_to_review

pytestmark = pytest.mark.django_db


def _assign(client, user, run, operator):
    client.force_login(user)
    return client.post(
        f"/api/v1/bill-runs/{run.pk}/assign/", {"operator": operator.pk}, content_type="application/json"
    )


def test_b4_2_a_supervisor_reassigns_the_operator_and_the_warning_follows(client, it_team):
    run = services.bill_run_schedule(period=OCT, kind=BillRun.Kind.SETTLEMENT)
    assert run.operator == it_team["operator"]  # the on-duty operator (the first IT operator)
    response = _assign(client, it_team["supervisor"], run, it_team["second"])
    assert response.status_code == 200, response.json()
    assert response.json()["operator"] == str(it_team["second"])
    run.refresh_from_db()
    assert run.operator == it_team["second"]
    entry = list(audit_trail_of(run))[-1]
    assert (entry.transition, entry.actor, entry.comment) == ("assign_operator", it_team["supervisor"], "op1 → op2")

    services.bill_run_warn(run=run)  # B4.2/B4.3: the deadline's warning goes to the run's operator
    told = set(Notification.objects.values_list("recipient__username", flat=True))
    assert "op2" in told and "op1" not in told and "sup" in told


def test_b4_2_an_operator_cannot_reassign_and_outsiders_are_refused(client, it_team, org):
    run = services.bill_run_schedule(period=OCT)
    refused = _assign(client, it_team["operator"], run, it_team["second"])
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"
    with pytest.raises(TransitionForbidden):
        services.bill_run_assign_operator(run=run, operator=it_team["second"], by=it_team["manager"])
    for not_an_operator in (it_team["manager"], it_team["outsider"]):  # not IT / not an operator
        bad = _assign(client, it_team["supervisor"], run, not_an_operator)
        assert bad.status_code == 400 and "operator" in bad.json()["fields"]
    assert _assign(client, it_team["supervisor"], run, it_team["operator"]).status_code == 200  # no change
    assert BillRun.objects.get(pk=run.pk).operator == it_team["operator"]


def test_b4_2_the_verifier_cannot_become_the_operator_and_a_published_run_keeps_its_own(client, it_team):
    make_service(monthly="100.00")
    run = run_to_review(it_team)
    assert run.verified_by == it_team["second"]
    with pytest.raises(Invalid) as refused:
        services.bill_run_assign_operator(run=run, operator=it_team["second"], by=it_team["supervisor"])
    assert refused.value.code == "verifier_cannot_operate"
    services.bill_run_publish(run=run, by=it_team["supervisor"])
    published = _assign(client, it_team["supervisor"], run, it_team["operator"])
    assert published.status_code == 409 and published.json()["code"] == "run_published"


def test_b4_2_the_run_page_shows_the_form_to_the_supervisor_only(client, it_team):
    run = services.bill_run_schedule(period=OCT)
    action = reverse("billing:run-action", args=[run.pk, "assign"])
    client.force_login(it_team["operator"])
    assert action not in client.get(reverse("billing:run", args=[run.pk])).content.decode()
    assert client.post(action, {"operator": it_team["second"].pk}).status_code == 403
    client.force_login(it_team["supervisor"])
    assert action in client.get(reverse("billing:run", args=[run.pk])).content.decode()
    assert client.post(action, {"operator": it_team["second"].pk}).status_code == 302
    assert BillRun.objects.get(pk=run.pk).operator == it_team["second"]
    assert client.post(action, {"operator": "x"}).status_code == 302  # refused with a message, nothing changed
    assert BillRun.objects.get(pk=run.pk).operator == it_team["second"]
