"""Issue 11, point 1: every deadline kind reaches an accountable, active person (S5.1, S5.4; R1.3,
R1.7, R1.12, F2.3, F2.4, F2.8, F2.9, A3.1, B4.2).

The kinds are collected from ``sla.defaults.POLICIES`` *and* from every ``deadline_start`` call in the
apps' code, so a new kind (or a new call site that names no department) fails here until it is covered.
"""

import ast
import importlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import timezone

from accounts.management.commands.seed_demo import DEMO_USERS
from org.roles import Role
from sla import services
from sla.defaults import POLICIES
from sla.hooks import handlers_for
from sla.models import Deadline, DeadlineEvent, Notification, SlaPolicy
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

APPS = ["accounts", "billing", "faults", "responses", "sla"]


# --- collecting the kinds the code starts --------------------------------------------------------


def _deadline_start_calls():
    """(module, call node, enclosing function) of every ``deadline_start`` call in the apps."""
    base = Path(settings.BASE_DIR)
    for app in APPS:
        for path in sorted((base / app).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            aliases = {"deadline_start"}
            for node in ast.walk(tree):  # start = sla.deadline_start
                if isinstance(node, ast.Assign) and (
                    (isinstance(node.value, ast.Attribute) and node.value.attr == "deadline_start")
                    or (isinstance(node.value, ast.Name) and node.value.id == "deadline_start")
                ):
                    aliases |= {t.id for t in node.targets if isinstance(t, ast.Name)}
            module = ".".join(path.relative_to(base).with_suffix("").parts)
            for func in ast.walk(tree):
                if not isinstance(func, ast.FunctionDef | ast.AsyncFunctionDef) or func.name == "deadline_start":
                    continue
                for node in ast.walk(func):
                    if not isinstance(node, ast.Call):
                        continue
                    callee = node.func
                    name = callee.attr if isinstance(callee, ast.Attribute) else getattr(callee, "id", None)
                    if name in aliases:
                        yield module, node, func


def _kinds_of(module: str, call: ast.Call, func) -> set[str]:
    kind = next((k.value for k in call.keywords if k.arg == "kind"), None)
    assert kind is not None, f"{module}: deadline_start without kind= (line {call.lineno})"
    if isinstance(kind, ast.Constant):
        return {kind.value}
    assert isinstance(kind, ast.Name), f"{module}:{call.lineno}: kind must be a constant or a name"
    value = getattr(importlib.import_module(module), kind.id, None)
    if isinstance(value, str):
        return {value}
    found = set()  # a local variable: every string it may be assigned in the function
    for node in ast.walk(func):
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == kind.id for t in node.targets):
            found |= {c.value for c in ast.walk(node.value) if isinstance(c, ast.Constant) and isinstance(c.value, str)}
    assert found, f"{module}:{call.lineno}: cannot tell which kind {kind.id} holds"
    return found


def code_kinds() -> set[str]:
    return {kind for module, call, func in _deadline_start_calls() for kind in _kinds_of(module, call, func)}


POLICY_KEYS = sorted({(kind, level) for kind, level, *_rest in POLICIES})
ALL_KINDS = sorted({kind for kind, _level in POLICY_KEYS} | code_kinds())

# The department each kind's call site names (tests/responses/test_accountable_deadlines.py and the
# faults/billing/accounts tests prove the call sites); a kind missing here fails below.
NAMED_DEPARTMENT = {
    "order-provisioning": "center",
    "order-new-build": "netbuild",
    "step-resource": "nmc",
    "requisition": "line",
    "order-confirmation": "gov_enterprise",
    "contact-feedback": "nmc",  # R1.13: the receiving department (any)
    "phone-backfill": "gov_enterprise",  # R1.11: the calling front department
    "fault-repair": "nmc",
    "fault-recovery-notice": "nmc",
    "fault-broadcast": "nmc",
    "account-request": "it",
    "bill-run-announcement": "it",
    "event-report": "gov_enterprise",
    "event-publish": "custsvc",
    "event-call-report": "nmc",  # the reporting department phones 客户服务部 (seed 003)
    "event-call-publish": "custsvc",
    "event-script": "gov_enterprise",
    "event-cause-plan": "gov_enterprise",
    "event-hq-feedback": "gov_enterprise",
    "event-hq-plan-l1": "gov_enterprise",
    "event-hq-plan-l2": "gov_enterprise",
    "complaint-reply": "public",
    "work-order-restrict": "nmc",  # B4.5: 网络监控中心 restricts and restores
    "work-order-restore": "nmc",
    "complaint-follow-up": "nmc",  # the handling department visits the customer again (回访)
    "rectification-answer": "nmc",  # seed 002: the responsible department's manager (jk_manager)
}


def test_code_kinds_are_found_and_each_has_a_default_policy():
    kinds = code_kinds()
    # The collector really sees the call sites (an empty or tiny set would make the tests below vacuous).
    assert {"order-provisioning", "order-new-build", "requisition", "fault-repair", "event-hq-plan-l2"} <= kinds
    assert kinds <= {kind for kind, _level in POLICY_KEYS}, kinds - {kind for kind, _level in POLICY_KEYS}


def test_every_kind_has_a_named_department_in_this_test():
    assert set(ALL_KINDS) <= set(NAMED_DEPARTMENT), set(ALL_KINDS) - set(NAMED_DEPARTMENT)


def test_every_deadline_start_call_names_the_assessed_department():
    """S5.1: the department assessed is part of every deadline; ``None`` literals do not count."""
    missing = []
    for module, call, _func in _deadline_start_calls():
        value = next((k.value for k in call.keywords if k.arg == "assessed_department"), None)
        if value is None or (isinstance(value, ast.Constant) and value.value is None):
            missing.append(f"{module}:{call.lineno}")
    assert not missing, f"deadline_start without assessed_department: {missing}"


# --- every kind, warning and breach --------------------------------------------------------------


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def demo_people(org):
    """The demo users of ``seed_demo``, plus inactive holders of every role in every department
    (who must never be the ones told)."""
    people = [
        UserFactory(username=username, department=org[dept], roles=list(roles))
        for username, _name, dept, roles in DEMO_USERS
    ]
    for code, department in org.items():
        UserFactory(username=f"gone_{code}", department=department, roles=list(Role), is_active=False)
    return people


def _cases():
    for kind, level in POLICY_KEYS:
        for where in ("named", "none"):
            yield pytest.param(kind, level, where, id=f"{kind}/{level}/{where}")
    for kind in sorted(code_kinds() - {k for k, _level in POLICY_KEYS}):  # fails: no policy for it
        yield pytest.param(kind, "-", "named", id=f"{kind}/no-policy")


def _reached(deadline: Deadline, kind: str) -> list[Notification]:
    return list(
        Notification.objects.filter(event__deadline=deadline, event__kind=kind, recipient__is_active=True)
        .select_related("recipient")
        .order_by("id")
    )


def _bill_run_deadline(org, department):
    from billing.services import bill_run_schedule
    from sla.selectors import deadlines_of

    run = bill_run_schedule(period=timezone.localdate().replace(day=1))
    deadline = deadlines_of(run).get(kind="bill-run-announcement")
    Deadline.objects.filter(pk=deadline.pk).update(assessed_department=department)
    return deadline


# Kinds whose policy names no roles: their handler tells people, so the test needs a real subject.
HANDLED_SUBJECTS = {"bill-run-announcement": _bill_run_deadline}


def _handled_reach(deadline: Deadline) -> set[int]:
    """Run the kind's handlers (as the worker does) and return the active users they told."""
    first_new = (Notification.objects.order_by("-id").values_list("id", flat=True).first() or 0) + 1
    events = DeadlineEvent.objects.filter(deadline=deadline).values_list("id", flat=True)
    services.deadline_events_handle(ids=list(events))
    return set(
        Notification.objects.filter(id__gte=first_new, recipient__is_active=True).values_list("recipient_id", flat=True)
    )


@pytest.mark.parametrize("kind, level, where", list(_cases()))
def test_s5_4_warning_and_breach_of_every_kind_reach_an_active_person(demo_people, org, kind, level, where):
    """S5.4 for each kind: with the department its call site names, and with none at all (the
    sweeper's fallback), the warning (when the policy warns) and the breach each reach ≥ 1 active user.
    A kind with no roles is told by its handler (B4.2 the bill run's announcement)."""
    department = org[NAMED_DEPARTMENT[kind]] if where == "named" else None
    policy = SlaPolicy.objects.get(kind=kind, level=level)
    if not policy.notify_roles:
        assert handlers_for(kind), f"{kind}: no roles to tell and no handler that tells anyone"
        assert kind in HANDLED_SUBJECTS, f"{kind}: add a subject factory to HANDLED_SUBJECTS"
        deadline = HANDLED_SUBJECTS[kind](org, department)
        services.sweep_due_deadlines(now=deadline.due_at + timedelta(seconds=1))
        assert DeadlineEvent.objects.filter(deadline=deadline, kind=DeadlineEvent.Kind.BREACH).exists()
        assert _handled_reach(deadline), f"{kind}: the handler told nobody"
        return
    deadline = services.deadline_start(subject=org["center"], kind=kind, level=level, assessed_department=department)
    if policy.warn_before:
        services.sweep_due_deadlines(now=deadline.warn_at + timedelta(seconds=1))
        warned = _reached(deadline, DeadlineEvent.Kind.WARNING)
        assert warned, f"{kind}/{level}: the warning reached nobody"
        assert all(n.recipient.is_active for n in warned)
    else:
        assert deadline.warn_at is None  # the policy has no warning time: nothing to reach
    services.sweep_due_deadlines(now=deadline.due_at + timedelta(seconds=1))
    breached = _reached(deadline, DeadlineEvent.Kind.BREACH)
    assert breached, f"{kind}/{level}: the breach reached nobody"
    assert not Notification.objects.filter(event__deadline=deadline, recipient__is_active=False).exists()
    if where == "named" and policy.notify_roles:
        # Where the named department has a holder of the policy's roles, it is that person.
        holders = {
            user.pk
            for user, (_u, _n, dept, roles) in zip(demo_people, DEMO_USERS, strict=True)
            if dept == NAMED_DEPARTMENT[kind] and set(policy.notify_roles) & {str(r) for r in roles}
        }
        if holders:
            assert {n.recipient_id for n in breached} == holders


def test_fallback_tells_the_assessed_departments_manager_before_the_center(org, demo_people):
    """The fallback order: the department's manager, then the Center's dispatchers."""
    manager = UserFactory(username="js_manager", department=org["netbuild"], roles=[Role.DEPT_MANAGER])
    deadline = services.deadline_start(subject=org["center"], kind="event-script", assessed_department=org["netbuild"])
    services.sweep_due_deadlines(now=deadline.due_at + timedelta(seconds=1))
    assert {n.recipient_id for n in _reached(deadline, DeadlineEvent.Kind.BREACH)} == {manager.pk}


def test_recipient_lookups_stay_one_query_per_role_scope_and_department(
    org, demo_people, django_assert_max_num_queries
):
    """The sweeper's batch efficiency holds with the fallback: 200 unassessed deadlines in one batch
    cost a fixed number of queries, not one per deadline."""
    deadlines = [
        services.deadline_start(subject=org["center"], kind="order-provisioning", level="C", assessed_department=None)
        for _ in range(200)
    ]
    with django_assert_max_num_queries(20):
        result = services.sweep_due_deadlines(now=deadlines[0].due_at + timedelta(seconds=1), batch_size=500)
    assert result.deadlines == 200 and result.notifications >= 200
