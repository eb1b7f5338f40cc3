"""B4.4, issue 14 §3: adjustments under four eyes — requested by one IT operator or billing clerk,
approved or rejected by another; an approved one lands on the customer's next invoice."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from billing import services
from billing.models import Adjustment
from core.errors import Invalid
from org.roles import Role
from sla.selectors import audit_trail_of
from sla.workflow import TransitionConflict, TransitionForbidden
from tests.billing.test_bill_runs import run_to_review, services_of_october  # noqa: F401 - fixture
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
ADJ = "/api/v1/adjustments/"
NOV = date(2026, 11, 1)


@pytest.fixture
def clerk(org):
    """A billing clerk: a back-office member of IT Management."""
    return UserFactory(username="clerk", department=org["it"], roles=[Role.BACK_MEMBER])


@pytest.fixture
def october(it_team, services_of_october):  # noqa: F811 - the fixture imported above
    return services.bill_run_publish(run=run_to_review(it_team), by=it_team["supervisor"])


@pytest.fixture
def api(client):
    def call(user, method, url, data=None):
        client.force_login(user)
        return getattr(client, method)(url, data=data, content_type="application/json")

    return call


def _request(by, invoice, kind="credit", amount="150.00", **extra):
    return services.adjustment_request(
        by=by, customer=invoice.customer, corrects=invoice, kind=kind, amount=Decimal(amount),
        reason="10月多收", evidence="工单 12345", **extra,
    )  # fmt: skip


def test_b4_4_an_approved_credit_lands_on_the_next_invoice_with_the_exact_total(it_team, clerk, october):
    wrong = october.invoices.order_by("customer_id").first()
    credit = _request(clerk, wrong, amount="150.005")  # rounded half up to 150.01
    assert (credit.state, credit.amount, credit.requested_by) == ("requested", Decimal("-150.01"), clerk)
    services.adjustment_approve(adjustment=credit, by=it_team["operator"], comment="核对无误")
    credit.refresh_from_db()
    assert credit.state == Adjustment.State.APPROVED and credit.decided_by == it_team["operator"]

    november = run_to_review(it_team, period=NOV)
    corrected = november.invoices.get(customer=wrong.customer)
    assert [(x.kind, x.amount) for x in corrected.lines.all()] == [
        ("monthly", Decimal("3000.00")),
        ("adjustment", Decimal("-150.01")),
    ]
    assert corrected.total == Decimal("2849.99")
    credit.refresh_from_db()
    assert credit.applied_to == corrected
    wrong.refresh_from_db()
    assert wrong.total == Decimal("3000.00")  # the published invoice never changes
    trail = [(entry.transition, entry.actor.username) for entry in audit_trail_of(credit)]
    assert ("request", "clerk") in trail and ("approve", "op1") in trail


def test_b4_4_a_debit_adds_and_a_rejected_or_pending_one_is_never_invoiced(it_team, clerk, october):
    first, second = october.invoices.order_by("customer_id")[:2]
    debit = _request(it_team["operator"], first, kind="debit", amount="20.50")
    services.adjustment_approve(adjustment=debit, by=clerk)
    rejected = _request(clerk, first, amount="999.00")
    services.adjustment_reject(adjustment=rejected, by=it_team["second"], comment="证据不足")
    _request(clerk, second, amount="10.00")  # still requested at the run: waits for the next one

    november = run_to_review(it_team, period=NOV)
    assert november.invoices.get(customer=first.customer).total == Decimal("3020.50")
    assert not november.invoices.get(customer=second.customer).lines.filter(kind="adjustment").exists()
    rejected.refresh_from_db()
    assert rejected.state == "rejected" and rejected.applied_to is None


def test_b4_4_four_eyes_the_requester_may_not_approve_or_reject(it_team, clerk, october):
    adjustment = _request(clerk, october.invoices.first())
    for decide in (services.adjustment_approve, services.adjustment_reject):
        with pytest.raises(TransitionForbidden):
            decide(adjustment=adjustment, by=clerk)
    for outsider in (it_team["supervisor"], it_team["outsider"]):  # not an IT operator / clerk of IT
        with pytest.raises(TransitionForbidden):
            services.adjustment_approve(adjustment=adjustment, by=outsider)
    adjustment.refresh_from_db()
    assert adjustment.state == Adjustment.State.REQUESTED


def test_b4_4_a_decided_adjustment_is_decided_once(it_team, clerk, october):
    adjustment = _request(clerk, october.invoices.first())
    services.adjustment_reject(adjustment=adjustment, by=it_team["operator"])
    with pytest.raises(TransitionConflict):
        services.adjustment_approve(adjustment=adjustment, by=it_team["second"])


def test_b4_4_the_request_is_checked(it_team, clerk, october, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    first, second = october.invoices.order_by("customer_id")[:2]
    cases = [
        ({"amount": "0"}, "amount"),
        ({"amount": "-5.00"}, "amount"),
        ({"kind": "refund"}, "kind"),
        ({"evidence": ""}, "evidence"),
        ({"reason": " "}, "reason"),
    ]
    for change, field in cases:
        args = {"kind": "credit", "amount": "10.00", "reason": "多收", "evidence": "工单"} | change
        with pytest.raises(Invalid) as refused:
            services.adjustment_request(
                by=clerk, customer=first.customer, corrects=first, kind=args["kind"],
                amount=Decimal(args["amount"]), reason=args["reason"], evidence=args["evidence"],
            )  # fmt: skip
        assert field in refused.value.fields
    with pytest.raises(Invalid) as refused:  # another customer's invoice
        services.adjustment_request(
            by=clerk, customer=first.customer, corrects=second, kind="credit", amount=Decimal("1"), reason="x",
            evidence="y",
        )  # fmt: skip
    assert "corrects" in refused.value.fields
    with pytest.raises(TransitionForbidden):
        _request(it_team["supervisor"], first)
    # a file is evidence enough
    with_file = services.adjustment_request(
        by=clerk, customer=first.customer, kind="credit", amount=Decimal("1.00"), reason="x",
        evidence_file=SimpleUploadedFile("证据.pdf", b"%PDF-1.4"),
    )  # fmt: skip
    assert with_file.evidence_file.name.endswith(".pdf")


def test_b4_4_over_the_api_request_approve_403_for_the_requester_409_when_decided(api, it_team, clerk, october):
    invoice = october.invoices.first()
    body = {"customer": invoice.customer_id, "corrects": invoice.pk, "kind": "credit", "amount": "150.00",
            "reason": "10月多收", "evidence": "工单 12345"}  # fmt: skip
    created = api(clerk, "post", ADJ, body)
    assert created.status_code == 201, created.json()
    data = created.json()
    assert (data["state"], data["amount"], data["requested_by"]) == ("requested", "-150.00", str(clerk))
    url = f"{ADJ}{data['id']}/"

    own = api(clerk, "post", url + "approve/")
    assert own.status_code == 403 and own.json()["code"] == "forbidden"
    approved = api(it_team["operator"], "post", url + "approve/", {"comment": "核对无误"})
    assert approved.status_code == 200 and approved.json()["state"] == "approved"
    again = api(it_team["second"], "post", url + "reject/")
    assert again.status_code == 409 and again.json()["code"] == "wrong_state"

    listed = api(it_team["supervisor"], "get", ADJ + "?state=approved")
    assert [row["id"] for row in listed.json()["results"]] == [data["id"]]

    bad = api(clerk, "post", ADJ, body | {"amount": "-1", "customer": 10**9})
    assert bad.status_code == 400 and {"amount", "customer"} <= set(bad.json()["fields"])
    no_evidence = api(clerk, "post", ADJ, body | {"evidence": ""})
    assert no_evidence.status_code == 400 and "evidence" in no_evidence.json()["fields"]


def test_b4_4_the_page_requests_and_shows_the_buttons_by_the_rule(client, it_team, clerk, october):
    invoice = october.invoices.first()
    client.force_login(clerk)
    page = reverse("billing:adjustments")
    refused = client.post(page, {"customer": invoice.customer.code, "kind": "credit", "amount": "x", "reason": "r"})
    assert refused.status_code == 400
    posted = client.post(
        page,
        {"customer": invoice.customer.code, "corrects": invoice.number, "kind": "credit", "amount": "80.00",
         "reason": "10月多收", "evidence": "工单"},
    )  # fmt: skip
    assert posted.status_code == 302
    adjustment = Adjustment.objects.get()
    approve = reverse("billing:adjustment-action", args=[adjustment.pk, "approve"])
    assert approve not in client.get(page).content.decode()  # the requester sees no button
    assert client.post(approve).status_code == 403

    client.force_login(it_team["operator"])
    assert approve in client.get(page).content.decode()
    assert client.post(approve).status_code == 302
    adjustment.refresh_from_db()
    assert adjustment.state == Adjustment.State.APPROVED


def test_b4_4_the_evidence_file_is_uploaded_over_the_api(client, clerk, october, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    invoice = october.invoices.first()
    client.force_login(clerk)
    created = client.post(
        ADJ,
        {"customer": invoice.customer_id, "kind": "debit", "amount": "12.30", "reason": "少收",
         "evidence_file": SimpleUploadedFile("证据.pdf", b"%PDF-1.4")},
    )  # fmt: skip
    assert created.status_code == 201, created.json()
    adjustment = Adjustment.objects.get()
    assert adjustment.amount == Decimal("12.30") and adjustment.evidence_file.read() == b"%PDF-1.4"
    listed = client.get(reverse("billing:adjustments"))
    download = reverse("billing:adjustment-evidence", args=[adjustment.pk])  # never the media path (issue 14)
    assert listed.status_code == 200 and download in listed.content.decode()
