"""S5.4: the in-app inbox page and API show a person their own notices only."""

import pytest
from django.urls import reverse

from sla import services
from sla.models import Notification
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice():
    return UserFactory(username="alice")


@pytest.fixture
def bob():
    return UserFactory(username="bob")


def test_s5_4_inbox_page_lists_own_notices_and_marks_them_read(client, alice, bob):
    services.notify(users=[alice], subject="给Alice的通知", channels=["inapp"])
    services.notify(users=[bob], subject="给Bob的通知", channels=["inapp"])
    client.force_login(alice)
    page = client.get(reverse("sla:inbox"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "给Alice的通知" in text and "给Bob的通知" not in text
    assert 'data-testid="unread">1<' in text

    client.post(reverse("sla:inbox-read"))
    assert not Notification.objects.filter(recipient=alice, read_at__isnull=True).exists()
    assert Notification.objects.filter(recipient=bob, read_at__isnull=True).exists()


def test_s5_4_inbox_needs_login(client):
    response = client.get(reverse("sla:inbox"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_s5_4_inbox_api_is_per_user(client, alice, bob):
    (mine,) = services.notify(users=[alice], subject="mine", channels=["inapp"])
    (theirs,) = services.notify(users=[bob], subject="theirs", channels=["inapp"])
    assert client.get("/api/v1/inbox/").status_code == 403
    client.force_login(alice)
    listing = client.get("/api/v1/inbox/").json()
    assert [n["subject"] for n in listing["results"]] == ["mine"]
    assert client.get(f"/api/v1/inbox/{theirs.pk}/").status_code == 404
    assert client.post(f"/api/v1/inbox/{theirs.pk}/read/").status_code == 404
    read = client.post(f"/api/v1/inbox/{mine.pk}/read/").json()
    assert read["read_at"] is not None
