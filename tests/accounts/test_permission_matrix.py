"""The permission matrix of accounts, sla and dashboards (issue 5 acceptance): every role × every endpoint/page ×
action, for an object of the user's own department and of another one, asserts the exact answer.

The machinery (World, enumeration, the runner) is in tests/permission_matrix.py; the other apps'
tables are in tests/<app>/test_permission_matrix.py. "Own" is an account request, grant or HR record
of the acting user's department (for the inbox: a notice to the user), "other" one of OTHER.
"""

import pytest
from django.utils import timezone

from accounts.models import AccountRequest, Grant, HrEvent
from sla.models import Notification
from sla.services import deadline_start
from tests.permission_matrix import (
    ANON,
    LOGIN,
    ROLES,
    Call,
    as_page,
    make_world,
    missing_rows,
    run_matrix,
    unmatrixed_apps,
)

pytestmark = pytest.mark.django_db
PASSWORD = "pw-Matrix-2026"

APPS = {"accounts", "sla", "dashboards"}  # the overdue dashboard left sla for dashboards (issue 12 §3)

# Who sees an account request / grant / HR record of a department (accounts.access):
# managers and leaders their own department's, IT and the read-all roles (Center, viewer, auditor) all.
SEE = {
    "*": (404, 404),
    "dept_manager": (200, 404),
    "leader": (200, 404),
    "dispatcher": (200, 200),
    "viewer": (200, 200),
    "auditor": (200, 200),
    "it_operator": (200, 200),
    ANON: (403, 403),
}


def step(**permitted):
    """A transition row: the permitted roles get their code; the others 403 when they can see the
    request, 404 when they cannot; viewers and auditors change nothing (403)."""
    row = {
        role: (403 if SEE.get(role, SEE["*"])[0] == 200 else 404, 403 if SEE.get(role, SEE["*"])[1] == 200 else 404)
        for role in ROLES
    }
    row.update({"viewer": (403, 403), "auditor": (403, 403), ANON: (403, 403)})
    row.update(permitted)
    return row


# --- the API table ----------------------------------------------------------------------------
# (router basename, action): {role: (own, other)}; the object's state is in MAKERS.
API = {
    ("account-request", "list"): {"*": (200, 200), ANON: (403, 403)},
    ("account-request", "retrieve"): SEE,
    ("account-request", "create"): {"*": (201, 201), "viewer": (403, 403), "auditor": (403, 403), ANON: (403, 403)},
    ("account-request", "manager_approve"): step(dept_manager=(200, 404)),
    ("account-request", "business_approve"): step(dept_manager=(200, 404)),
    ("account-request", "reject"): step(dept_manager=(200, 404)),
    ("account-request", "escalate"): step(it_operator=(200, 200)),
    ("account-request", "leader_approve"): step(leader=(200, 404)),
    ("account-request", "complete"): step(it_operator=(200, 200)),
    ("grant", "list"): {"*": (200, 200), ANON: (403, 403)},
    ("grant", "retrieve"): SEE,
    ("hr-event", "list"): {"*": (200, 200), ANON: (403, 403)},
    ("hr-event", "retrieve"): SEE,
    ("hr-event", "create"): {"*": (403, 403), "it_operator": (201, 201), ANON: (403, 403)},
    # The inbox is personal: "own" is a notice to the user, "other" one to someone elsewhere.
    ("inbox", "list"): {"*": (200, 200), ANON: (403, 403)},
    ("inbox", "retrieve"): {"*": (200, 404), ANON: (403, 403)},
    # Marking one's own notice read is personal, not a business change: viewers and auditors too.
    ("inbox", "read"): {"*": (200, 404), ANON: (403, 403)},
    # Deadlines (issue 13 §6): seen by whoever may see the subject — here an account request's
    # (its rule is SEE above); departments: the organisation chart, for everyone signed in.
    ("deadline", "list"): {"*": (200, 200), ANON: (403, 403)},
    ("deadline", "retrieve"): SEE,
    ("department", "list"): {"*": (200, 200), ANON: (403, 403)},
    ("department", "retrieve"): {"*": (200, 200), ANON: (403, 403)},
}
# S5.3 reasoned pauses on a work step of the user's department (for the Center and the front office: a
# step of an order of theirs, done by 网络监控中心; "other": a step of 无线网络部). PAUSE_SEE: who sees the
# step (404 otherwise); the step's department asks, the Center's dispatcher decides, either resumes.
PAUSE_SEE = {
    "*": (200, 404),
    "it_operator": (404, 404),
    "dispatcher": (200, 200),
    "viewer": (200, 200),
    "auditor": (200, 200),
    ANON: (403, 403),
}


def pause_row(**permitted):
    """The step's visibility as 403/404 for everyone not ``permitted``; viewers and auditors 403."""
    out = {role: tuple(403 if c == 200 else c for c in PAUSE_SEE.get(role, PAUSE_SEE["*"])) for role in ROLES}
    out.update({ANON: (403, 403), **permitted})
    return out


PAUSE_DECIDE = pause_row(dispatcher=(200, 200))
API.update(
    {
        ("pause", "list"): PAUSE_SEE,
        ("pause", "retrieve"): PAUSE_SEE,
        ("pause", "create"): pause_row(back_member=(201, 404), back_admin=(201, 404), dispatcher=(201, 201)),
        ("pause", "approve"): PAUSE_DECIDE,
        ("pause", "reject"): PAUSE_DECIDE,
        ("pause", "end"): pause_row(back_member=(200, 404), back_admin=(200, 404), dispatcher=(200, 200)),
    }
)
# References in payloads (issue 11): nobody approves or carries out a request they filed or that
# concerns themselves. "own": a colleague's request (as above); "other": the acting user's own (403).
SELF_STEPS = ("manager_approve", "business_approve", "leader_approve", "complete")
for _action in SELF_STEPS:
    API[("account-request", _action, "filed by and about the actor")] = {
        role: (own, 403) for role, (own, _other) in API[("account-request", _action)].items()
    }

# --- the page table ----------------------------------------------------------------------------
# (url name, action): {role: (own, other)}; 302 = done and redirected (or, for ANON, sent to log in).
ALL_READ = {"*": (200, 200), ANON: (LOGIN, LOGIN)}


HR_READERS = {
    "*": (403, 403),
    **{r: (200, 200) for r in ("it_operator", "dispatcher", "viewer", "auditor", "dept_manager", "leader")},
    ANON: (LOGIN, LOGIN),
}
# The overdue dashboard (§6 managers) and its click-through: managers, supervisors, leaders, the Center, auditors.
DASHBOARD = {
    "*": (403, 403),
    **{r: (200, 200) for r in ("viewer", "dept_manager", "leader", "supervisor", "dispatcher", "auditor")},
    ANON: (LOGIN, LOGIN),
}
PAGES = {
    ("home", "view"): ALL_READ,
    ("dashboards:dashboard", "view"): DASHBOARD,
    ("dashboards:dashboard-data", "view"): DASHBOARD,
    ("dashboards:deadlines", "view"): DASHBOARD,
    ("sla:inbox", "view"): ALL_READ,
    ("sla:inbox-read", "post"): {"*": (302, 302), ANON: (LOGIN, LOGIN)},
    ("dashboards:paused", "view"): DASHBOARD,
    ("dashboards:paused-data", "view"): DASHBOARD,
    ("sla:pause-request", "create"): as_page(API[("pause", "create")]),
    **{("sla:pause-action", action): as_page(API[("pause", action)]) for action in ("approve", "reject", "end")},
    ("acct-requests", "view"): ALL_READ,
    ("acct-request-new", "view"): {"*": (200, 200), "viewer": (403, 403), "auditor": (403, 403), ANON: (LOGIN, LOGIN)},
    ("acct-request-new", "create"): {
        "*": (302, 302),
        "viewer": (403, 403),
        "auditor": (403, 403),
        ANON: (LOGIN, LOGIN),
    },
    ("acct-request-detail", "view"): as_page(SEE, ok=200),
    **{
        ("acct-request-step", action): as_page(API[("account-request", action)], ok=302)
        for action in ("manager_approve", "business_approve", "reject", "escalate", "leader_approve", "complete")
    },
    ("acct-grants", "view"): ALL_READ,
    ("acct-hr", "view"): HR_READERS,
    ("acct-hr", "create"): {
        **{r: (403, 403) for r in HR_READERS if r != ANON},
        "*": (403, 403),
        "it_operator": (302, 302),
        ANON: (LOGIN, LOGIN),
    },
    ("acct-hr-import", "create"): {"*": (403, 403), "it_operator": (302, 302), ANON: (LOGIN, LOGIN)},
    # POST /api/v1/token/ (issue 13 §6; a plain view, listed with the pages): "own" is the acting
    # person's own user name and password (a token), "other" a user name that does not exist (400).
    ("api-token", "create"): {"*": (201, 400), ANON: (400, 400)},
}

# --- objects of a department ----------------------------------------------------------------------


def make_request(world, dept, state):
    requester = world.colleague(dept)
    return AccountRequest.objects.create(
        kind=AccountRequest.Kind.PERMISSION_CHANGE,
        state=state,
        requester=requester,
        requester_department=world.org[dept],
        target_user=requester,
        requested_roles=["back_member"],
        requested_department=world.org[dept],
        scope_department=world.org[dept],
    )


S = AccountRequest.State
REQUEST_STATE = {
    "manager_approve": S.SUBMITTED,
    "reject": S.SUBMITTED,
    "business_approve": S.MANAGER_APPROVED,
    "escalate": S.APPROVED,
    "complete": S.APPROVED,
    "leader_approve": S.ESCALATED,
}


def make_grant(world, dept, action):
    return Grant.objects.create(
        user=world.colleague(dept), system="计费系统", permission_text="查询", granted_at=timezone.now()
    )


def make_hr_event(world, dept, action):
    return HrEvent.objects.create(
        user=world.colleague(dept), kind="job_change", effective_on=timezone.localdate(), old_department=world.org[dept]
    )


def make_notification(world, dept, action, user=None):
    return Notification.objects.create(
        recipient=user or world.colleague(dept), channel="inapp", subject="通知", created_at=timezone.now()
    )


def make_deadline(world, dept, action):
    request = make_request(world, dept, S.SUBMITTED)
    return deadline_start(subject=request, kind="account-request", title=str(request), started_at=timezone.now())


MAKERS = {
    "account-request": lambda world, dept, action: make_request(world, dept, REQUEST_STATE.get(action, S.SUBMITTED)),
    "deadline": make_deadline,
    "department": lambda world, dept, action: world.org[dept],
    "grant": make_grant,
    "hr-event": make_hr_event,
}


def create_payload(basename, world, dept):
    if basename == "account-request":
        return {
            "kind": "permission_change",
            "target_user": world.colleague(dept).username,
            "requested_roles": ["back_member"],
            "scope_department": dept,
        }
    if basename == "hr-event":
        return {"user": world.colleague(dept).username, "kind": "job_change"}
    raise AssertionError(basename)


STEP_BODY = {"escalate": {"reason": "超权限"}, "reject": {"reason": "不同意"}}


def pause_step(world, dept):
    from responses.models import WorkStep
    from tests.responses.test_permission_matrix import own_step

    return own_step(world, dept, WorkStep.State.ACCEPTED)


def make_pause(world, dept, action):
    from sla.models import Pause, PauseReason

    step = pause_step(world, dept)
    return Pause.objects.create(
        subject=step,
        reason=PauseReason.objects.get(code="waiting-customer"),
        requested_by=world.colleague(dept),
        requested_at=timezone.now(),
        state=Pause.State.APPROVED if action == "end" else Pause.State.REQUESTED,
        decided_at=timezone.now() if action == "end" else None,
    )


def prepare_pause(world, action, dept):
    if action in ("list", "create"):
        subject = {"subject_type": "responses.workstep", "subject_id": pause_step(world, dept).pk}
        return Call(body={**subject, "reason": "waiting-customer"} if action == "create" else subject)
    return Call(obj=make_pause(world, dept, action))


def prepare_api(world, basename, action, dept, user, which, variant=None):
    if basename == "pause":
        return prepare_pause(world, action, dept)
    if variant == "filed by and about the actor":
        home = user.department.code if user is not None else "center"
        request = make_request(world, home, REQUEST_STATE.get(action, S.SUBMITTED))
        if which == "other" and user is not None:
            AccountRequest.objects.filter(pk=request.pk).update(requester=user, target_user=user)
        return Call(obj=request, body=STEP_BODY.get(action, {}))
    if basename == "inbox":
        owner = user if which == "own" and user is not None else None
        note = make_notification(world, dept, action, user=owner)
        return Call(obj=note, listed=None)
    if action == "create":
        return Call(body=create_payload(basename, world, dept))
    obj = MAKERS[basename](world, dept, action)
    if action == "list":
        return Call(listed=obj)
    return Call(obj=obj, body=STEP_BODY.get(action, {}))


def prepare_page(world, name, action, dept, user, which):
    if name == "api-token":
        if which == "own" and user is not None:
            return [], {"username": user.username, "password": PASSWORD}
        return [], {"username": f"nobody_{getattr(user, 'username', 'anonymous')}", "password": PASSWORD}
    if name == "sla:pause-request":
        return ["responses.workstep", pause_step(world, dept).pk], {"reason": "waiting-customer"}
    if name == "sla:pause-action":
        return [make_pause(world, dept, action).pk, action], {}
    if name == "dashboards:deadlines":
        return [], {"category": "order", "window": "overdue"}
    if name == "acct-request-new" and action == "create":
        return [], {
            "kind": "permission_change",
            "target_user": world.colleague(dept).pk,
            "requested_roles": ["back_member"],
            "scope_department": world.org[dept].pk,
        }
    if name == "acct-request-detail":
        return [make_request(world, dept, S.SUBMITTED).pk], None
    if name == "acct-request-step":
        obj = make_request(world, dept, REQUEST_STATE[action])
        return [obj.pk, action.replace("_", "-")], STEP_BODY.get(action, {})
    if name == "acct-hr" and action == "create":
        return [], {"user": world.colleague(dept).pk, "kind": "job_change"}
    if name == "acct-hr-import":
        from django.core.files.uploadedfile import SimpleUploadedFile

        data = f"username,kind\n{world.colleague(dept).username},job_change\n".encode()
        return [], {"file": SimpleUploadedFile("hr.csv", data)}
    return [], None


@pytest.fixture
def world(org, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.API_TOKEN_RATE = "1000/minute"  # every role asks for a token from the same address
    world = make_world(org)
    for user in world.users.values():  # so that each may ask for a token (api-token)
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    return world


def test_every_endpoint_of_accounts_sla_and_dashboards_is_in_the_matrix():
    missing, missing_pages = missing_rows(APPS, API, PAGES)
    assert not missing, f"add rows to API for {missing}"
    assert not missing_pages, f"add rows to PAGES for {missing_pages}"


def test_every_app_with_endpoints_has_a_permission_matrix():
    """Issue 5: a new app's endpoints need their own tests/<app>/test_permission_matrix.py."""
    assert not unmatrixed_apps()


def test_permission_matrix_of_every_role_endpoint_action_and_department(world, client, capsys, record_property):
    cells = run_matrix(
        app="accounts+sla+dashboards",
        world=world,
        client=client,
        api_table=API,
        page_table=PAGES,
        prepare_api=prepare_api,
        prepare_page=prepare_page,
        capsys=capsys,
        record_property=record_property,
    )
    assert cells >= 814
