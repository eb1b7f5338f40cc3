"""Issue 11, point 3: faults never fail a saved write (S5.4, A3.1), with real processes.

The site runs under gunicorn, a worker and beat run on a ``redis-server`` of the test's
own, all on the pytest database. The broker is killed or frozen (SIGSTOP) while IT
completes a new-account request (A3.1), whose first-password notice goes out by e-mail
(S5.4): the request answers 200 within 3 s, the change is saved, and once the broker is
back the notice is delivered exactly once by the retry sweep. A database connection
killed under the site costs no request either.

Figures are printed (``-s``) and kept in the test report's user properties.
"""

import time

import pytest
from django.db import connection

from accounts import services
from accounts.models import AccountRequest
from org.models import User
from sla.models import Notification
from tests.accounts.factories import make_cast
from tests.celery_harness import wait_until
from tests.fault_harness import SITE_APPLICATION_NAME, mails_to

pytestmark = pytest.mark.integration

ADDRESS = "newbie@example.com"


def _approved_new_account(org, cast, username: str = "newbie") -> AccountRequest:
    request = services.account_request_submit(
        by=cast.member,
        kind=AccountRequest.Kind.NEW_ACCOUNT,
        new_username=username,
        new_full_name="新员工",
        new_email=f"{username}@example.com",
        requested_roles=["back_member"],
        requested_department=org["nmc"],
        scope_department=org["center"],
    )
    services.account_request_manager_approve(request=request, by=cast.manager)
    return services.account_request_business_approve(request=request, by=cast.scope_manager)


def _complete_during_fault(fault_env, org, fault):
    """Start worker and beat, break the broker with ``fault``, complete the request over HTTP."""
    cast = make_cast(org)
    warm_up, request = _approved_new_account(org, cast, "warmup"), _approved_new_account(org, cast)
    fault_env.site.login(cast.it)
    fault_env.celery.worker()
    fault_env.celery.beat()
    # The site has published before (its broker connection is pooled), as in production.
    status, body, _ = fault_env.site.request("POST", f"/api/v1/account-requests/{warm_up.pk}/complete/")
    assert status == 200, body[:1000]
    wait_until(lambda: mails_to(fault_env.celery.tmp / "mail", "warmup@example.com") == 1, timeout=15,
               message="the warm-up notice delivered while the broker is up")  # fmt: skip
    fault()
    status, body, seconds = fault_env.site.request("POST", f"/api/v1/account-requests/{request.pk}/complete/")
    assert status == 200, body[:1000]
    assert seconds < 3, f"the request took {seconds:.2f}s"
    request.refresh_from_db()
    assert request.state == "completed"
    newbie = User.objects.get(username="newbie")
    assert request.target_user == newbie
    return cast, seconds


def _assert_delivered_once(fault_env, recovered_at: float) -> float:
    """The first-password e-mail goes out once after recovery, and stays sent once."""
    note = wait_until(
        lambda: Notification.objects.filter(address=ADDRESS, channel="email", status="sent").first(),
        timeout=30,
        message="the first-password e-mail sent after the broker came back",
    )
    delivered_after = time.monotonic() - recovered_at
    mail_dir = fault_env.celery.tmp / "mail"
    wait_until(lambda: mails_to(mail_dir, ADDRESS) >= 1, timeout=5, message="the mail file written")
    time.sleep(3)  # several more retry sweeps (every second) must not send it again
    notes = list(Notification.objects.filter(address=ADDRESS).exclude(channel="inapp"))
    assert [(n.channel, n.status, n.attempts) for n in notes] == [("email", "sent", 1)]
    assert notes[0].pk == note.pk and notes[0].sent_at is not None
    assert mails_to(mail_dir, ADDRESS) == 1
    # What the retry sweep sent is the real notice: the holder's first-password link.
    mail = next(f.read_text(errors="replace") for f in mail_dir.iterdir() if f"\nTo: {ADDRESS}\n" in f.read_text())
    assert "/accounts/set-password/" in mail
    return delivered_after


def _record(request, name: str, value: float) -> None:
    request.node.user_properties.append((name, round(value, 2)))
    print(f"\n{request.node.name}: {name} = {value:.2f}s")


def test_S5_4_broker_down_a_completion_answers_at_once_and_its_notice_goes_out_once_on_recovery(
    fault_env, org, request
):
    _, seconds = _complete_during_fault(fault_env, org, fault_env.redis.kill)
    note = Notification.objects.get(address=ADDRESS, channel="email")
    assert (note.status, note.attempts) == ("pending", 0)  # waiting for the broker, not lost
    time.sleep(3)  # the worker and beat keep trying to reconnect meanwhile
    assert Notification.objects.get(pk=note.pk).status == "pending"

    fault_env.redis.start()  # same port, empty: the publish was lost for good
    recovered_at = time.monotonic()
    delivered_after = _assert_delivered_once(fault_env, recovered_at)
    _record(request, "answer_broker_down", seconds)
    _record(request, "delivered_after_recovery", delivered_after)


def test_S5_4_broker_hung_a_completion_answers_within_3s_and_its_notice_goes_out_once_on_recovery(
    fault_env, org, request
):
    cast, seconds = _complete_during_fault(fault_env, org, fault_env.redis.pause)
    note = Notification.objects.get(address=ADDRESS, channel="email")
    assert (note.status, note.attempts) == ("pending", 0)
    # The next publishing request while it is still hung is bounded the same way (no pile-up).
    second = _approved_new_account(org, cast, "second")
    status, body, again = fault_env.site.request("POST", f"/api/v1/account-requests/{second.pk}/complete/")
    assert status == 200 and again < 3, (status, again, body[:1000])

    fault_env.redis.resume()  # the frozen publish may now arrive as well: still one delivery
    recovered_at = time.monotonic()
    delivered_after = _assert_delivered_once(fault_env, recovered_at)
    assert mails_to(fault_env.celery.tmp / "mail", "second@example.com") == 1
    _record(request, "answer_broker_hung", seconds)
    _record(request, "answer_broker_hung_second", again)
    _record(request, "delivered_after_recovery", delivered_after)


def _site_backends() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND backend_type = 'client backend' AND application_name = %s",
            [SITE_APPLICATION_NAME],
        )
        return [row[0] for row in cursor.fetchall()]


def test_a_database_connection_killed_under_the_site_costs_no_request(fault_env, org, request):
    cast = make_cast(org)
    fault_env.site.login(cast.it)
    status, body, _ = fault_env.site.request("GET", "/api/v1/account-requests/")
    assert status == 200, body[:500]
    # The one gunicorn worker keeps its connection (CONN_MAX_AGE). Only the site's sessions are counted
    # (by application name): the Celery worker of the test may hold one of its own.
    backends = _site_backends()
    assert len(backends) == 1, backends

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [backends[0]])
        assert cursor.fetchone()[0] is True
    wait_until(lambda: backends[0] not in _site_backends(), timeout=5, message="the backend gone")

    results = [fault_env.site.request("GET", "/api/v1/account-requests/") for _ in range(3)]
    assert [status for status, _, _ in results] == [200, 200, 200], results[0][1][:1000]
    assert _site_backends() not in ([], backends)  # a fresh connection serves now
    _record(request, "answer_after_kill", results[0][2])
