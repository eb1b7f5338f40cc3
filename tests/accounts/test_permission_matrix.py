"""The permission matrix (issue 5 acceptance): every role × every endpoint/page × action, for an
object of the user's own department and of another one, asserts the exact answer.

How it is built
* ``API`` and ``PAGES`` are the tables: (endpoint, action) → {role: (own, other)}; ``"*"`` is the
  default for roles not named, ``ANON`` the anonymous visitor. ``own`` is an object of the acting
  user's department, ``other`` one of a department the user does not belong to.
* The endpoints are ENUMERATED from the URL resolver and the API router. Every API action and page
  of the apps listed in ``COVERED_APPS`` must have a row (a new endpoint without one fails here), so
  the matrix grows with the code. Endpoints of the apps being built now (orders, faults, billing)
  get the generic check "anonymous is refused" until their rows are added here: add a maker to
  ``MAKERS`` and rows to ``API``/``PAGES`` with the same structure.
"""

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework import mixins
from rest_framework.test import APIClient

from accounts.models import AccountRequest, Grant, HrEvent, User
from accounts.roles import Role
from config.urls import router
from sla.models import Notification

pytestmark = pytest.mark.django_db

ANON = "anonymous"
ROLES = [r.value for r in Role]
# Each role's user works in this department; "other" objects belong to OTHER.
HOME = {
    "front_admin": "gov_enterprise",
    "leader": "nmc",
    "dispatcher": "center",
    "back_member": "nmc",
    "back_admin": "line",
    "supervisor": "nmc",
    "dept_manager": "nmc",
    "viewer": "center",
    "it_operator": "it",
    "auditor": "it",
}
OTHER = "wireless"

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
    ("inbox", "read"): {"*": (200, 404), "viewer": (403, 403), "auditor": (403, 403), ANON: (403, 403)},
}

# --- the page table ----------------------------------------------------------------------------
# (url name, action): {role: (own, other)}; 302 = done and redirected (or, for ANON, sent to log in).
LOGIN = 302
ALL_READ = {"*": (200, 200), ANON: (LOGIN, LOGIN)}


def as_page(row, ok=200):
    """The page twin of an API row: success is ``ok``, anonymous is sent to the login page."""
    out = {role: tuple(ok if code in (200, 201) else code for code in codes) for role, codes in row.items()}
    out[ANON] = (LOGIN, LOGIN)
    return out


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
    ("sla:dashboard", "view"): DASHBOARD,
    ("sla:dashboard-data", "view"): DASHBOARD,
    ("sla:deadlines", "view"): DASHBOARD,
    ("sla:inbox", "view"): ALL_READ,
    ("sla:inbox-read", "post"): {"*": (302, 302), ANON: (LOGIN, LOGIN)},
    ("acct-requests", "view"): ALL_READ,
    ("acct-request-new", "view"): {"*": (200, 200), "viewer": (403, 403), "auditor": (403, 403), ANON: (LOGIN, LOGIN)},
    ("acct-request-new", "create"): {
        "*": (302, 302),
        "viewer": (403, 403),
        "auditor": (403, 403),
        ANON: (LOGIN, LOGIN),
    },
    ("acct-request-detail", "view"): as_page(SEE),
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
}
COVERED_APPS = {"accounts", "sla"}
# Pages outside the matrix, and why.
UNCHECKED_PAGES = {
    "login": "public: the login form",
    "logout": "public: logging out",
    "set_language": "public: language switch",
    "schema": "public: the OpenAPI document",
    "api-docs": "public: Swagger UI",
}


def expected(table_row, role, which):
    codes = table_row.get(role, table_row.get("*"))
    return codes[0 if which == "own" else 1]


# --- objects of a department ----------------------------------------------------------------------


@dataclass
class World:
    org: dict
    users: dict

    def colleague(self, dept_code):
        user, _ = User.objects.get_or_create(
            username=f"colleague_{dept_code}", defaults={"department": self.org[dept_code]}
        )
        return user


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


# basename → maker(world, dept code, action) → object
MAKERS = {
    "account-request": lambda world, dept, action: make_request(world, dept, REQUEST_STATE.get(action, S.SUBMITTED)),
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


@pytest.fixture
def world(org):
    users = {}
    for role, dept in HOME.items():
        users[role] = User.objects.create(username=f"u_{role}", department=org[dept])
        users[role].groups.add(Group.objects.get(name=role))
    return World(org=org, users=users)


# --- enumeration --------------------------------------------------------------------------------


def enumerate_api():
    """(basename, action, viewset) for every action of every registered viewset."""
    for _prefix, viewset, basename in router.registry:
        actions = []
        if issubclass(viewset, mixins.ListModelMixin):
            actions.append("list")
        if issubclass(viewset, mixins.RetrieveModelMixin):
            actions.append("retrieve")
        if issubclass(viewset, mixins.CreateModelMixin):
            actions.append("create")
        actions += [extra.__name__ for extra in viewset.get_extra_actions()]
        for action in actions:
            yield basename, action, viewset


def enumerate_pages(patterns=None, prefix="", namespace=""):
    """(name, route, module) of every named non-API URL pattern."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if str(entry.pattern).startswith(("api/", "admin/")):
                continue
            ns = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from enumerate_pages(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", prefix + str(entry.pattern), entry.callback.__module__


def _app(module: str) -> str:
    return module.split(".")[0]


def test_every_endpoint_of_the_covered_apps_is_in_the_matrix():
    missing = [
        (basename, action)
        for basename, action, viewset in enumerate_api()
        if _app(viewset.__module__) in COVERED_APPS and (basename, action) not in API
    ]
    assert not missing, f"add rows to API for {missing}"
    pages = {(name, module) for name, _route, module in enumerate_pages()}
    missing_pages = [
        name
        for name, module in pages
        if (_app(module) in COVERED_APPS) and name not in UNCHECKED_PAGES and not any(key[0] == name for key in PAGES)
    ]
    assert not missing_pages, f"add rows to PAGES for {missing_pages}"


# --- the matrix -------------------------------------------------------------------------------------


def _api_call(client, world, basename, action, which, role):
    dept = HOME.get(role, "center") if which == "own" else OTHER
    if basename == "inbox":
        owner = world.users.get(role) if which == "own" and role != ANON else None
        note = make_notification(world, dept, action, user=owner)
        if action == "list":
            return client.get("/api/v1/inbox/"), None
        if action == "retrieve":
            return client.get(f"/api/v1/inbox/{note.pk}/"), None
        return client.post(f"/api/v1/inbox/{note.pk}/read/"), None
    prefix = {"account-request": "account-requests", "grant": "grants", "hr-event": "hr-events"}[basename]
    if action == "create":
        return client.post(f"/api/v1/{prefix}/", create_payload(basename, world, dept), format="json"), None
    obj = MAKERS[basename](world, dept, action)
    if action == "list":
        return client.get(f"/api/v1/{prefix}/"), obj
    if action == "retrieve":
        return client.get(f"/api/v1/{prefix}/{obj.pk}/"), obj
    url_path = action.replace("_", "-")
    return client.post(f"/api/v1/{prefix}/{obj.pk}/{url_path}/", STEP_BODY.get(action, {}), format="json"), obj


def _page_call(client, world, name, action, which, role):
    dept = HOME.get(role, "center") if which == "own" else OTHER
    if name in ("home", "sla:inbox", "acct-requests", "acct-grants", "sla:dashboard", "sla:dashboard-data") or (
        name == "acct-hr" and action == "view"
    ):
        return client.get(reverse(name))
    if name == "sla:deadlines":
        return client.get(reverse(name), {"category": "order", "window": "overdue"})
    if name == "sla:inbox-read":
        return client.post(reverse(name))
    if name == "acct-request-new":
        if action == "view":
            return client.get(reverse(name))
        colleague = world.colleague(dept)
        return client.post(
            reverse(name),
            {
                "kind": "permission_change",
                "target_user": colleague.pk,
                "requested_roles": ["back_member"],
                "scope_department": world.org[dept].pk,
            },
        )
    if name == "acct-request-detail":
        return client.get(reverse(name, args=[make_request(world, dept, S.SUBMITTED).pk]))
    if name == "acct-request-step":
        obj = make_request(world, dept, REQUEST_STATE[action])
        return client.post(reverse(name, args=[obj.pk, action.replace("_", "-")]), STEP_BODY.get(action, {}))
    if name == "acct-hr":
        return client.post(reverse(name), {"user": world.colleague(dept).pk, "kind": "job_change"})
    if name == "acct-hr-import":
        from django.core.files.uploadedfile import SimpleUploadedFile

        data = f"username,kind\n{world.colleague(dept).username},job_change\n".encode()
        return client.post(reverse(name), {"file": SimpleUploadedFile("hr.csv", data)})
    raise AssertionError(name)


def test_permission_matrix_of_every_role_endpoint_action_and_department(world, client, capsys):
    cells, failures = 0, []
    api = APIClient()
    for role in [*ROLES, ANON]:
        user = world.users.get(role)
        if user is not None:
            api.force_authenticate(User.objects.get(pk=user.pk))
            client.force_login(user)
        else:
            api.force_authenticate(None)
            client.logout()
        for (basename, action), row in API.items():
            for which in ("own", "other"):
                want = expected(row, role, which)
                response, obj = _api_call(api, world, basename, action, which, role)
                cells += 1
                if response.status_code != want:
                    failures.append(f"API {basename}.{action} {role} {which}: {response.status_code} != {want}")
                elif action == "list" and want == 200 and obj is not None:
                    # A list shows exactly what retrieve would.
                    ids = {item["id"] for item in response.json()["results"]}
                    visible = expected(API[(basename, "retrieve")], role, which) == 200
                    if (obj.pk in ids) != visible:
                        failures.append(
                            f"API {basename}.list {role} {which}: listed={obj.pk in ids}, visible={visible}"
                        )
        for (name, action), row in PAGES.items():
            for which in ("own", "other"):
                want = expected(row, role, which)
                response = _page_call(client, world, name, action, which, role)
                cells += 1
                if response.status_code != want:
                    failures.append(f"PAGE {name}.{action} {role} {which}: {response.status_code} != {want}")
                elif role == ANON and want == LOGIN and "/login/" not in response["Location"]:
                    failures.append(f"PAGE {name}.{action} anonymous not sent to log in: {response['Location']}")
    with capsys.disabled():
        size = f"{len(ROLES) + 1} roles × ({len(API)} API + {len(PAGES)} page actions) × 2 departments"
        print(f"\npermission matrix: {size} = {cells} cells")
    assert cells == (len(ROLES) + 1) * (len(API) + len(PAGES)) * 2
    assert not failures, "\n".join(failures)


def test_endpoints_not_yet_in_the_matrix_refuse_anonymous_visitors(client):
    """Every other app's API list and page (orders, faults, billing…) refuses an anonymous visitor."""
    api = APIClient()
    checked = 0
    for prefix, viewset, _basename in router.registry:
        if _app(viewset.__module__) in COVERED_APPS:
            continue
        status = api.get(f"/api/v1/{prefix}/").status_code
        assert status in (401, 403, 405), (prefix, status)
        checked += 1
    for name, route, module in enumerate_pages():
        if _app(module) in COVERED_APPS or name in UNCHECKED_PAGES or module.startswith("django."):
            continue
        import re

        path = "/" + re.sub(r"<(?:\w+:)?(\w+)>", "1", route)
        response = client.get(path)
        assert response.status_code in (302, 401, 403, 404, 405), (name, path, response.status_code)
        if response.status_code == 302:
            assert "/login/" in response["Location"], (name, response["Location"])
        checked += 1
    print(f"anonymous checks on endpoints outside the matrix: {checked}")
