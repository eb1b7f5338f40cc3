"""API tokens are kept only as a digest (issue 11.6: no token is stored readable or logged), and a
departed user's token is refused (A3.2)."""

import importlib
import logging
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework.test import APIClient

from accounts import services
from accounts.models import ApiToken, HrEvent
from org.models import User
from sla.models import AuditEntry
from tests.accounts.factories import make_cast
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cast(org):
    return make_cast(org)


@pytest.fixture
def root(org):
    return UserFactory(username="root", department=org["it"], is_staff=True, is_superuser=True)


def _api(key):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api


INVALID = _("Invalid token.")


def _refused(response, why=INVALID) -> bool:
    """DRF answers 403 (the first authenticator, the session one, names no challenge) for a bad token."""
    return response.status_code == 403 and response.json()["detail"] == str(why)


def _everything_stored() -> str:
    """Every row of every table the apps know, as JSON (sessions and the audit trail included)."""
    from io import StringIO

    out = StringIO()
    call_command("dumpdata", stdout=out)
    return out.getvalue()


def test_issue_11_6_the_key_is_returned_once_and_stored_only_as_its_digest(cast, caplog):
    with caplog.at_level(logging.DEBUG):
        key = services.api_token_issue(user=cast.member, by=cast.it, name="监控脚本")
    token = ApiToken.objects.get(user=cast.member)
    assert len(key) >= 40 and token.digest == ApiToken.digest_of(key) and token.digest != key
    assert token.prefix == key[: ApiToken.PREFIX_LENGTH] and token.created_by == cast.it
    row = " ".join(str(v) for v in ApiToken.objects.filter(pk=token.pk).values().get().values())
    assert key not in row
    entry = AuditEntry.objects.get(object_id=cast.member.pk, transition="api_token_issue", actor=cast.it)
    assert token.prefix in entry.comment
    assert key not in f"{entry.from_state} {entry.to_state} {entry.comment}"
    assert key not in _everything_stored()
    assert key not in caplog.text and token.prefix in caplog.text


def test_issue_11_6_the_raw_key_authenticates_the_digest_does_not(cast, caplog):
    key = services.api_token_issue(user=cast.member)
    digest = ApiToken.objects.get(user=cast.member).digest
    with caplog.at_level(logging.DEBUG):
        assert _api(key).get("/api/v1/inbox/").status_code == 200
        assert _refused(_api(digest).get("/api/v1/inbox/"))
        assert _refused(_api(key[:-1]).get("/api/v1/inbox/"))
    assert APIClient().get("/api/v1/inbox/").status_code in (401, 403)
    assert "Forbidden" in caplog.text  # the refusals are logged, without the header
    assert key[:-1] not in caplog.text and digest not in caplog.text


def test_issue_11_6_a_revoked_token_is_refused_and_the_revocation_audited(cast):
    key = services.api_token_issue(user=cast.member)
    other = services.api_token_issue(user=cast.member, name="second")
    services.api_token_revoke(token=ApiToken.objects.get(digest=ApiToken.digest_of(key)), by=cast.it)
    assert _refused(_api(key).get("/api/v1/inbox/"))
    assert _api(other).get("/api/v1/inbox/").status_code == 200  # only that one
    assert AuditEntry.objects.filter(object_id=cast.member.pk, transition="api_token_revoke", actor=cast.it).exists()


def test_A3_2_a_departed_users_tokens_are_deleted_and_refused(cast):
    key = services.api_token_issue(user=cast.member)
    assert _api(key).get("/api/v1/inbox/").status_code == 200
    services.hr_event_record(user=cast.member, kind=HrEvent.Kind.DEPARTURE, by=cast.it)
    assert not ApiToken.objects.filter(user=cast.member).exists()
    assert _refused(_api(key).get("/api/v1/inbox/"))
    entry = AuditEntry.objects.get(object_id=cast.member.pk, transition="deactivate")
    assert "1 tokens" in entry.comment


def test_A3_2_an_inactive_users_token_is_refused_and_none_is_issued_to_him(cast):
    key = services.api_token_issue(user=cast.member)
    User.objects.filter(pk=cast.member.pk).update(is_active=False)  # deactivated outside the services
    assert _refused(_api(key).get("/api/v1/inbox/"), why=_("User inactive or deleted."))
    with pytest.raises(ValidationError):
        services.api_token_issue(user=User.objects.get(pk=cast.member.pk))


def test_issue_11_6_token_authentication_costs_one_query_loading_the_department(cast):
    """As before (DRF's token joined with user and department): one query, whatever the endpoint
    reads of ``request.user.department`` afterwards."""
    key = services.api_token_issue(user=cast.member)
    forced = APIClient()
    forced.force_authenticate(cast.member)
    url = "/api/v1/steps/"
    with CaptureQueriesContext(connection) as without_auth:
        assert forced.get(url).status_code == 200
    with CaptureQueriesContext(connection) as with_token:
        assert _api(key).get(url).status_code == 200
    assert len(with_token.captured_queries) == len(without_auth.captured_queries) + 1
    auth_query = with_token.captured_queries[0]["sql"]
    assert "accounts_apitoken" in auth_query and "accounts_department" in auth_query
    assert key not in " ".join(q["sql"] for q in with_token.captured_queries)  # looked up by digest


def test_issue_11_6_the_admin_issues_a_key_once_and_never_shows_it_again(cast, root, client):
    client.force_login(root)
    response = client.post(reverse("admin:accounts_apitoken_add"), {"user": cast.member.pk, "name": "报表导出"})
    assert response.status_code == 200, response.content[:500]
    token = ApiToken.objects.get(user=cast.member)
    page = response.content.decode()
    start = page.index('id="api-token-key">') + len('id="api-token-key">')
    key = page[start : page.index("<", start)]
    assert ApiToken.digest_of(key) == token.digest
    assert "no-store" in response["Cache-Control"]
    assert _api(key).get("/api/v1/inbox/").status_code == 200
    assert AuditEntry.objects.filter(object_id=cast.member.pk, transition="api_token_issue", actor=root).exists()

    listing = client.get(reverse("admin:accounts_apitoken_changelist")).content.decode()
    detail = client.get(reverse("admin:accounts_apitoken_change", args=[token.pk])).content.decode()
    assert token.prefix in listing and "报表导出" in listing and token.prefix in detail
    for text in (listing, detail):
        assert key not in text and token.digest not in text
    assert key not in _everything_stored()  # not in the session either (no message carries it)

    response = client.post(reverse("admin:accounts_apitoken_delete", args=[token.pk]), {"post": "yes"})
    assert response.status_code == 302 and not ApiToken.objects.exists()
    assert AuditEntry.objects.filter(object_id=cast.member.pk, transition="api_token_revoke", actor=root).exists()
    assert _refused(_api(key).get("/api/v1/inbox/"))


def test_issue_11_6_the_admin_refuses_a_token_for_an_inactive_user(cast, root, client):
    User.objects.filter(pk=cast.member.pk).update(is_active=False)
    client.force_login(root)
    response = client.post(reverse("admin:accounts_apitoken_add"), {"user": cast.member.pk})
    assert response.status_code == 200 and "errornote" in response.content.decode()
    assert not ApiToken.objects.exists()


def test_issue_11_6_the_issue_api_token_command_prints_the_key_once(cast, capsys):
    call_command("issue_api_token", "m1", "--name", "nightly", "--by", "it1")
    key = capsys.readouterr().out.strip()
    token = ApiToken.objects.get(user=cast.member)
    assert token.digest == ApiToken.digest_of(key) and token.name == "nightly" and token.created_by == cast.it
    assert _api(key).get("/api/v1/inbox/").status_code == 200


def test_issue_11_6_the_migration_turns_drfs_plain_keys_into_digests_and_deletes_them(cast):
    """Clients holding a key DRF issued keep working; the plain key is gone from the database."""
    migration = importlib.import_module("accounts.migrations.0004_api_token")
    plain = "0123456789abcdef0123456789abcdef01234567"
    table = connection.ops.quote_name(migration.PLAIN_TABLE)
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE TABLE {table} ("key" varchar(40) PRIMARY KEY, "created" timestamp, "user_id" integer)')
        cursor.execute(f"INSERT INTO {table} VALUES (%s, %s, %s)", [plain, "2026-01-05 08:00:00", cast.member.pk])
    migration.digest_plain_tokens(apps, SimpleNamespace(connection=connection))  # it only needs the connection
    token = ApiToken.objects.get(user=cast.member)
    assert token.digest == ApiToken.digest_of(plain) and token.prefix == plain[:8]
    assert token.created_at.year == 2026 and token.created_at.month == 1
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")
        assert cursor.fetchone()[0] == 0
    assert _api(plain).get("/api/v1/inbox/").status_code == 200
