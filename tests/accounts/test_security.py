"""Issue 5 §4 security basics: login throttling, CSRF on every form, session expiry, audit of logins."""

import re

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from org.roles import Role
from sla.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pw-Test-2026"


@pytest.fixture
def alice(org):
    return UserFactory(username="alice", department=org["nmc"], roles=[Role.BACK_MEMBER])


def _login(client, password):
    return client.post(reverse("login"), {"username": "alice", "password": password})


def test_login_is_throttled_after_repeated_failures_and_the_right_password_no_longer_helps(alice, client):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "wrong").status_code == 200
    response = _login(client, "wrong")  # the fifth failure locks the account for this address
    assert response.status_code == 429
    assert "登录失败次数过多" in response.content.decode() or "Too many" in response.content.decode()
    response = _login(client, PASSWORD)
    assert response.status_code == 429 and "_auth_user_id" not in client.session
    # Another person from the same address is not locked out by alice's failures.
    UserFactory(username="bob", department=alice.department)
    other = client.post(reverse("login"), {"username": "bob", "password": PASSWORD})
    assert other.status_code == 302


def test_a_successful_login_resets_the_failure_count(alice, client):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        _login(client, "wrong")
    assert _login(client, PASSWORD).status_code == 302
    client.post(reverse("logout"))
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _login(client, "wrong").status_code == 200


def test_login_logout_and_failed_login_are_in_the_audit_trail(alice, client):
    _login(client, "wrong")
    _login(client, PASSWORD)
    client.post(reverse("logout"))
    actions = list(
        AuditEntry.objects.filter(object_id=alice.pk).order_by("at", "id").values_list("transition", flat=True)
    )
    assert actions == ["login_failed", "login", "logout"]
    assert AuditEntry.objects.get(transition="login").actor == alice


@pytest.mark.parametrize(
    "url_name, data",
    [
        ("login", {"username": "alice", "password": PASSWORD}),
        ("acct-request-new", {"kind": "deactivation"}),
        ("acct-hr", {"kind": "departure"}),
        ("sla:inbox-read", {}),
        ("logout", {}),
    ],
)
def test_every_form_is_protected_against_csrf(alice, url_name, data):
    operator = UserFactory(username="op", department=alice.department, roles=[Role.IT_OPERATOR])
    client = Client(enforce_csrf_checks=True)
    if url_name != "login":
        client.force_login(operator)
    response = client.post(reverse(url_name), data)
    assert response.status_code == 403


@pytest.mark.parametrize("url_name", ["login", "acct-request-new", "acct-hr", "acct-requests"])
def test_every_post_form_on_the_pages_carries_the_csrf_token(alice, client, url_name):
    operator = UserFactory(username="op", department=alice.department, roles=[Role.IT_OPERATOR])
    client.force_login(operator)
    if url_name == "login":
        client.logout()
    html = client.get(reverse(url_name)).content.decode()
    forms = re.findall(r"<form[^>]*method=\"post\"[^>]*>(.*?)</form>", html, flags=re.S)
    assert forms
    assert all("csrfmiddlewaretoken" in form for form in forms)


def test_sessions_expire_and_passwords_are_validated():
    assert 0 < settings.SESSION_COOKIE_AGE <= 8 * 3600
    assert len(settings.AUTH_PASSWORD_VALIDATORS) >= 4
    assert "axes.middleware.AxesMiddleware" in settings.MIDDLEWARE
    assert settings.AUTHENTICATION_BACKENDS[0] == "axes.backends.AxesStandaloneBackend"


def test_an_expired_session_is_refused(alice, client, settings):
    client.force_login(alice)
    session = client.session
    session.set_expiry(-1)
    session.save()
    assert client.get(reverse("home")).status_code == 302


def test_expired_sessions_are_cleared_daily_and_live_ones_kept(org):
    """Departures end a person's sessions by scanning the live ones: expired ones must not pile up."""
    from datetime import timedelta

    from django.conf import settings
    from django.contrib.sessions.backends.db import SessionStore
    from django.contrib.sessions.models import Session
    from django.utils import timezone

    from accounts.tasks import clear_expired_sessions

    old, live = SessionStore(), SessionStore()
    old.create()
    live.create()
    Session.objects.filter(session_key=old.session_key).update(expire_date=timezone.now() - timedelta(days=1))
    clear_expired_sessions()
    assert list(Session.objects.values_list("session_key", flat=True)) == [live.session_key]
    assert settings.CELERY_BEAT_SCHEDULE["accounts-clear-expired-sessions"]["task"] == (
        "accounts.tasks.clear_expired_sessions"
    )
