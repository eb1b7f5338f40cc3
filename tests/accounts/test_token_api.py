"""Issue 13 §6: ``POST /api/v1/token/`` gives a person an API token for their user name and password
(kept only as its digest, issue 11.6), ``DELETE`` revokes the one the request is signed with; both
are in the audit trail. A wrong password is a failed login (django-axes counts it, issue 5 §4), and
the endpoint is throttled."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from rest_framework.test import APIClient

from accounts.models import ApiToken
from org.roles import Role
from sla.models import AuditEntry
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db
PASSWORD = "pw-Test-2026"
URL = "/api/v1/token/"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def alice(org):
    return UserFactory(username="alice", password=PASSWORD, department=org["nmc"], roles=[Role.BACK_MEMBER])


def _obtain(password=PASSWORD, username="alice", client=None):
    return (client or APIClient()).post(URL, {"username": username, "password": password}, format="json")


def _signed(key):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client


def _audit(user):
    return list(AuditEntry.objects.filter(object_id=user.pk).order_by("at", "id").values_list("transition", flat=True))


def test_a_user_name_and_password_give_a_working_token_kept_only_as_a_digest_and_audited(alice):
    response = _obtain()
    assert response.status_code == 201, response.content
    body = response.json()
    key = body["token"]
    assert body["username"] == "alice" and body["department"] == "nmc" and key.startswith(body["prefix"])
    token = ApiToken.objects.get(user=alice)
    assert token.digest == ApiToken.digest_of(key) and key not in (token.digest, token.prefix, token.name)
    assert _signed(key).get("/api/v1/inbox/").status_code == 200
    assert "api_token_issue" in _audit(alice)
    assert AuditEntry.objects.get(transition="api_token_issue").actor == alice


def test_delete_revokes_the_token_the_request_is_signed_with_and_only_that_one(alice):
    first, second = _obtain().json()["token"], _obtain().json()["token"]
    assert _signed(first).delete(URL).status_code == 204
    assert _signed(first).get("/api/v1/inbox/").status_code == 403
    assert _signed(second).get("/api/v1/inbox/").status_code == 200
    assert ApiToken.objects.filter(user=alice).count() == 1
    assert "api_token_revoke" in _audit(alice)
    assert AuditEntry.objects.get(transition="api_token_revoke").actor == alice


def test_delete_without_a_token_is_refused(alice):
    assert APIClient().delete(URL).status_code == 403
    session = APIClient()
    session.force_login(alice)
    response = session.delete(URL)
    assert response.status_code == 400 and response.json()["code"] == "no_token"


@pytest.mark.parametrize(
    "body",
    [{"username": "alice", "password": "wrong"}, {"username": "nobody", "password": PASSWORD}],
)
def test_a_wrong_password_or_user_is_a_400_with_a_code_and_a_failed_login(alice, body):
    response = APIClient().post(URL, body, format="json")
    assert response.status_code == 400 and response.json()["code"] == "invalid_credentials", response.content
    assert response.json()["detail"] == "用户名或密码错误。"  # Chinese by default
    assert not ApiToken.objects.exists()
    assert AccessAttempt.objects.get().failures_since_start == 1  # counted by django-axes
    # In the audit trail when the user exists (there is nobody to file it on otherwise).
    assert AuditEntry.objects.filter(transition="login_failed").count() == (body["username"] == "alice")


def test_missing_fields_are_named(alice):
    response = APIClient().post(URL, {"username": "alice"}, format="json")
    assert response.status_code == 400 and "password" in response.json()["fields"]


def test_an_inactive_user_gets_no_token(alice):
    alice.is_active = False
    alice.save()
    assert _obtain().json()["code"] == "invalid_credentials"


def test_failures_are_counted_by_axes_like_logins_and_lock_the_user_out(alice):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert _obtain("wrong").status_code == 400
    response = _obtain("wrong")
    assert response.status_code == 429 and response.json()["code"] == "locked_out", response.content
    assert response.json()["detail"] == "登录失败次数过多，请稍后再试。"
    response = _obtain()  # even the right password, for the cool-off time
    assert response.status_code == 429 and response.json()["code"] == "locked_out"
    assert response["Content-Type"] == "application/json"
    assert not ApiToken.objects.exists()


def test_the_endpoint_is_throttled(alice, settings):
    settings.API_TOKEN_RATE = "3/minute"
    for _ in range(3):
        assert _obtain().status_code == 201
    response = _obtain()
    assert response.status_code == 429 and response.json()["code"] == "throttled" and "Retry-After" in response
