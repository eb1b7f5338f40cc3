"""Schema-based fuzzing of the whole API (issue 11 §4): every operation of the OpenAPI document
(/api/schema/) as four roles — front office (zq_admin, 政企客户部), back office (jk_member, 监控中心),
IT (it_operator) and read-only (auditor) — on the demo organisation and its demo orders, tickets
and bills.

Schemathesis generates valid (positive) and invalid (negative) requests: ids, filters, bodies. Each
request runs in-process against the WSGI application, inside a savepoint that is rolled back, so
every example sees the same demo data. A request fails the run when it answers 5xx, or when the
answer is not what the document says: an undocumented status code, another content type, or a
body that does not match the response schema.

Bounded: ``FUZZ_EXAMPLES`` examples per operation and mode (default 3, fixed seed; valid requests
name records the role can see, invalid ones anything), at most 10 s per request, so the four roles
stay within a few minutes on a 2-core machine (measured: 3,132 requests, 23-43 s of fuzzing a
role). The number of requests made is printed in the terminal summary ("schemathesis" section).
"""

import os
import time
from datetime import timedelta

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, connection, transaction
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from werkzeug.test import Client

from accounts.services import api_token_issue
from config.wsgi import application
from org.models import User

pytestmark = pytest.mark.django_db

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", 3))
ROLES = {
    "front office": "zq_admin",
    "back office": "jk_member",
    "IT": "it_operator",
    "read-only": "auditor",
}
CHECKS = [
    schemathesis.checks.not_a_server_error,
    schemathesis.checks.status_code_conformance,
    schemathesis.checks.content_type_conformance,
    schemathesis.checks.response_schema_conformance,
]
SEED = os.environ.get("FUZZ_SEED")  # explore other examples than CI's fixed ones: FUZZ_SEED=1 FUZZ_EXAMPLES=20
SEEDED = seed(int(SEED)) if SEED else (lambda test: test)
LOADED = {}
HYPOTHESIS = settings(
    max_examples=EXAMPLES,
    deadline=timedelta(seconds=10),  # a request that hangs (a broker, a lock) fails the run
    derandomize=SEED is None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
    report_multiple_bugs=False,
)


@pytest.fixture
def wsgi_requests():
    """The WSGI handler closes "old" connections at each request's start and end, which would end
    the test's transaction; the Django test client disconnects the same handlers."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _with_id(case_and_id):
    case, pk = case_and_id
    case.path_parameters["id"] = pk
    return case


def _ids_lister(headers):
    """ids of the records the role sees in the list next to a detail path ("/api/v1/orders/{id}/…"
    → GET /api/v1/orders/), read once per list."""
    client, seen = Client(application), {}  # not Django's test client: it reconnects close_old_connections

    def visible_ids(path):
        if "{id}" not in path:
            return []
        list_path = path.split("{id}")[0]
        if list_path not in seen:
            response = client.get(list_path, headers=headers)
            body = response.json if response.status_code == 200 else []
            rows = body.get("results", []) if isinstance(body, dict) else body
            seen[list_path] = [row["id"] for row in rows if isinstance(row, dict) and "id" in row]
        return seen[list_path]

    return visible_ids


def _short(text, limit=1500):
    text = str(text)
    return text if len(text) <= limit else text[:limit] + " …"


NOTHING_TO_NEGATE = "nothing to negate"


def fuzz_operation(operation, mode, *, headers, made, ids=()):
    """Run one operation's examples of one mode; the failure's report, NOTHING_TO_NEGATE, or None.
    Each request runs in a savepoint that is rolled back (a failed query cannot spoil the next)."""
    strategy = operation.as_strategy(generation_mode=mode)
    if ids:  # valid requests name records the role can see, so the services run, not just a 404
        strategy = st.tuples(strategy, st.sampled_from(ids)).map(_with_id)

    @SEEDED
    @HYPOTHESIS
    @given(case=strategy)
    def fuzz(case):
        with transaction.atomic():
            made["requests"] += 1
            response = case.call(headers=headers)
            transaction.set_rollback(True)
        case.validate_response(response, checks=CHECKS)

    try:
        fuzz()
    except Unsatisfiable:
        if mode is GenerationMode.NEGATIVE:
            return NOTHING_TO_NEGATE  # e.g. a GET without parameters
        return f"{operation.label} [{mode.value}]: no valid request can be generated"
    except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - every failure is reported at the end
        return f"{operation.label} [{mode.value}]: {_short(exc)}"
    return None


@pytest.mark.parametrize("role", ROLES)
def test_every_api_operation_as_role(role, wsgi_requests, record_property):
    if os.environ.get("CI"):
        assert connection.vendor == "postgresql", "CI fuzzes the API on PostgreSQL (DATABASE_URL)"
    call_command("seed_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    user = User.objects.get(username=ROLES[role])
    headers = {"Authorization": f"Token {api_token_issue(user=user, name='fuzz')}"}
    # A refused token would fuzz nothing but 403s: the role really is signed in by it.
    assert Client(application).get("/api/v1/inbox/", headers=headers).status_code == 200, "the token is refused"
    if "schema" not in LOADED:  # the same document for every role: read it once
        LOADED["schema"] = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application, headers=headers)
    schema = LOADED["schema"]

    started = time.monotonic()
    made = {"requests": 0}
    visible_ids = _ids_lister(headers)
    failures = []
    unnegatable = 0
    operations = 0

    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            t0, n0 = time.monotonic(), made["requests"]
            ids = visible_ids(operation.path) if mode is GenerationMode.POSITIVE else []
            failure = fuzz_operation(operation, mode, headers=headers, made=made, ids=ids)
            if failure is NOTHING_TO_NEGATE:
                unnegatable += 1
            elif failure:
                failures.append(failure)
            if os.environ.get("FUZZ_PROFILE"):
                took, count = time.monotonic() - t0, made["requests"] - n0
                print(f"PROFILE {took:6.2f}s {count:3d} {operation.label} {mode.value}")

    elapsed = time.monotonic() - started
    record_property(
        "schemathesis",
        f"{role} ({ROLES[role]}): {operations} operations, {made['requests']} requests, {elapsed:.0f} s"
        f" ({unnegatable} operations with nothing to make invalid)",
    )
    assert operations >= 100, "the OpenAPI document lost its operations"
    assert not failures, f"{len(failures)} of {operations * 2} operation×mode runs failed:\n\n" + "\n\n".join(failures)
