"""B4.4 (issue 14, gap B): an adjustment's evidence file is downloaded through a page that checks the
person may see the adjustment (``selectors.adjustments_for``), 404 otherwise; the API names that page,
never the media path."""

import json
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from billing.models import Adjustment, Customer
from org.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(org):
    return {
        "clerk": UserFactory(username="clerk", department=org["it"], roles=[Role.BACK_MEMBER]),
        "operator": UserFactory(username="op", department=org["it"], roles=[Role.IT_OPERATOR]),
        "auditor": UserFactory(username="aud", department=org["wireless"], roles=[Role.AUDITOR]),
        "front": UserFactory(username="front", department=org["gov_enterprise"], roles=[Role.FRONT_ADMIN]),
        "nmc": UserFactory(username="nmc", department=org["nmc"], roles=[Role.BACK_MEMBER]),
    }


@pytest.fixture
def adjustment(people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    customer = Customer.objects.create(code="EV0001", name="证据客户")
    adjustment = Adjustment(customer=customer, amount=Decimal("-10.00"), reason="多收", requested_by=people["clerk"])
    adjustment.evidence_file.save("证据.pdf", ContentFile(b"%PDF-1.4 evidence"), save=True)
    return adjustment


def test_b4_4_the_evidence_file_downloads_only_for_those_who_see_the_adjustment(client, people, adjustment):
    url = reverse("billing:adjustment-evidence", args=[adjustment.pk])
    for name in ("operator", "clerk", "auditor"):
        client.force_login(people[name])
        response = client.get(url)
        assert response.status_code == 200, name
        assert b"".join(response.streaming_content) == b"%PDF-1.4 evidence"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "filename*=utf-8''%E8%AF%81%E6%8D%AE" in response["Content-Disposition"]
    for name in ("front", "nmc"):
        client.force_login(people[name])
        assert client.get(url).status_code == 404, name
    client.logout()
    assert client.get(url).status_code == 302  # to the login page


def test_b4_4_no_file_and_a_missing_file_are_404(client, people, adjustment):
    client.force_login(people["operator"])
    plain = Adjustment.objects.create(
        customer=adjustment.customer, amount=Decimal("1.00"), reason="r", evidence="工单", requested_by=people["clerk"]
    )
    assert client.get(reverse("billing:adjustment-evidence", args=[plain.pk])).status_code == 404
    adjustment.evidence_file.storage.delete(adjustment.evidence_file.name)
    assert client.get(reverse("billing:adjustment-evidence", args=[adjustment.pk])).status_code == 404
    assert client.get(reverse("billing:adjustment-evidence", args=[10**9])).status_code == 404


def test_b4_4_the_api_and_the_page_give_the_download_not_the_media_path(client, people, adjustment):
    url = reverse("billing:adjustment-evidence", args=[adjustment.pk])
    client.force_login(people["operator"])
    data = client.get(f"/api/v1/adjustments/{adjustment.pk}/").json()
    assert data["evidence_url"] == url and "evidence_file" not in data
    assert adjustment.evidence_file.name not in json.dumps(data, ensure_ascii=False)
    page = client.get(reverse("billing:adjustments")).content.decode()
    assert url in page and adjustment.evidence_file.name not in page
