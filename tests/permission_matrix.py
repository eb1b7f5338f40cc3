"""The permission-matrix machinery shared by every app (issue 5 acceptance).

Every role × every API endpoint and page × action (list, retrieve, create, each transition) is
asked for an object of the acting user's own department and of another one, and the exact answer
is asserted. Each app's ``tests/<app>/test_permission_matrix.py`` holds its tables:

* ``API``: (router basename, action) → {role: (own, other)}; ``"*"`` is the default for roles not
  named, ``ANON`` the anonymous visitor.
* ``PAGES``: (url name, action) → {role: (own, other)}; action ``"view"`` is a GET, any other a POST.
* a ``prepare`` function building the object (in the state the action needs) and the request body.

The runner (``run_matrix``) builds the URL from the router (list, retrieve, create and every
``@action`` with its method, ``url_path`` and detail flag), counts the cells, collects every failure
and prints "permission matrix <app>: N roles × (a API + p page actions) × 2 departments = C cells".
``missing_rows`` enumerates the router and the URL resolver, so an endpoint without a row fails.

Expected codes: 200/201 (API) or 302 (page, done and redirected) when allowed, 403 when the user may
see the object but not act on it (or lacks the role), 404 when the object is outside the user's
scope. 409 never appears: objects are made in the state the action needs — except in payload rows.

Payload rows (issue 11) have a third key part, ``(basename, action, variant)``: the same endpoint with a
body that references another record; ``prepare_api`` gets ``variant=`` and "own"/"other" then say
whether the referenced record is the acting user's department's or another's (expected: refused, 400,
or 409 where the reference makes the action impossible, and nothing written).
"""

import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.models import Group
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.test import APIClient

from config.urls import router
from org.models import User
from org.roles import Role

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
LOGIN = 302  # pages send an anonymous visitor to the login page
READ_ONLY = ("viewer", "auditor")

# Pages outside every matrix, and why.
UNCHECKED_PAGES = {
    "login": "public: the login form",
    "logout": "public: logging out",
    "set_language": "public: language switch",
    "schema": "public: the OpenAPI document",
    "api-docs": "public: Swagger UI",
}
# Every app with API endpoints or pages has its own matrix file.
MATRIX_APPS = {"accounts", "sla", "dashboards", "responses", "faults", "billing"}


def expected(table_row, role, which):
    codes = table_row.get(role, table_row.get("*"))
    return codes[0 if which == "own" else 1]


def row(default, anon=(403, 403), **roles):
    """A table row: ``default`` for every role not named, ``roles`` for the named ones."""
    return {"*": default, ANON: anon, **roles}


def as_page(api_row, ok=302):
    """The page twin of an API row: success is ``ok``, anonymous is sent to the login page."""
    out = {role: tuple(ok if code in (200, 201) else code for code in codes) for role, codes in api_row.items()}
    out[ANON] = (LOGIN, LOGIN)
    return out


def both(code):
    return (code, code)


# --- the people -------------------------------------------------------------------------------------


@dataclass
class World:
    org: dict
    users: dict
    cache: dict = field(default_factory=dict)

    def colleague(self, dept_code):
        user, _ = User.objects.get_or_create(
            username=f"colleague_{dept_code}", defaults={"department": self.org[dept_code]}
        )
        return user

    def user(self, role, dept_code):
        """A user holding only ``role`` in ``dept_code`` (the HOME ones are ``users``)."""
        if HOME.get(role) == dept_code:
            return self.users[role]
        key = ("user", role, dept_code)
        if key not in self.cache:
            user = User.objects.create(username=f"u_{role}_{dept_code}", department=self.org[dept_code])
            user.groups.add(Group.objects.get(name=role))
            self.cache[key] = user
        return self.cache[key]

    def once(self, key, make):
        """An object made once and reused by read rows."""
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]


def make_world(org):
    users = {}
    for role, dept in HOME.items():
        users[role] = User.objects.create(username=f"u_{role}", department=org[dept])
        users[role].groups.add(Group.objects.get(name=role))
    return World(org=org, users=users)


# --- enumeration ------------------------------------------------------------------------------------

STANDARD = ("list", "retrieve", "create", "update", "partial_update", "destroy")


def app_of(module: str) -> str:
    return module.split(".")[0]


def enumerate_api():
    """(basename, action, viewset) for every action of every registered viewset."""
    for _prefix, viewset, basename in router.registry:
        actions = [name for name in STANDARD if callable(getattr(viewset, name, None))]
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


def missing_rows(apps, api_table, page_table):
    """The API actions and pages of ``apps`` without a row in the tables."""
    missing = [
        (basename, action)
        for basename, action, viewset in enumerate_api()
        if app_of(viewset.__module__) in apps and (basename, action) not in api_table
    ]
    missing_pages = sorted(
        {
            name
            for name, _route, module in enumerate_pages()
            if app_of(module) in apps and name not in UNCHECKED_PAGES and not any(key[0] == name for key in page_table)
        }
    )
    return missing, missing_pages


def unmatrixed_apps():
    """Apps with endpoints or pages but no matrix file (MATRIX_APPS)."""
    apps = {app_of(viewset.__module__) for _p, viewset, _b in router.registry}
    apps |= {app_of(module) for name, _r, module in enumerate_pages() if name not in UNCHECKED_PAGES}
    return sorted(apps - MATRIX_APPS - {"django", "drf_spectacular"})


# --- the runner -------------------------------------------------------------------------------------


def _route(basename, action):
    """(url of the collection, extra action or None) for ``basename``'s ``action``."""
    for prefix, viewset, name in router.registry:
        if name == basename:
            extra = {a.__name__: a for a in viewset.get_extra_actions()}.get(action)
            return f"/api/v1/{prefix}/", extra
    raise AssertionError(f"no viewset {basename}")


@dataclass
class Call:
    """What ``prepare`` returns: the object acted on (None for list/create/collection actions), the
    request body (query parameters for GETs), and, for lists, the object that must (not) be listed."""

    obj: object = None
    body: dict = field(default_factory=dict)
    listed: object = None
    format: str = "json"


def api_request(api, basename, action, call: Call):
    base, extra = _route(basename, action)
    if action == "list":
        return api.get(base, call.body)
    if action == "retrieve":
        return api.get(f"{base}{call.obj.pk}/")
    if action == "create":
        return api.post(base, call.body, format=call.format)
    if action == "destroy":
        return api.delete(f"{base}{call.obj.pk}/")
    assert extra is not None, (basename, action)
    method = next(iter(extra.mapping))
    path = f"{base}{call.obj.pk}/{extra.url_path}/" if extra.detail else f"{base}{extra.url_path}/"
    if method == "get":
        return api.get(path, call.body)
    return getattr(api, method)(path, call.body, format=call.format)


def page_request(client, name, action, target):
    """``target``: (url args or url, body). GET for "view*" actions, POST otherwise."""
    args, body = target
    url = args if isinstance(args, str) else reverse(name, args=args)
    if action.startswith("view"):
        return client.get(url, body or {})
    return client.post(url, body or {})


def _listed(api, response, pk):
    """Whether ``pk`` is on any page of a list answer (stops at the first page that has it)."""
    data = response.json()
    while True:
        if any(item["id"] == pk for item in data["results"]):
            return True
        if not data.get("next"):
            return False
        data = api.get(data["next"]).json()


def run_matrix(
    *,
    app: str,
    world: World,
    client,
    api_table: dict,
    page_table: dict,
    prepare_api: Callable,
    prepare_page: Callable,
    actor: Callable | None = None,
    capsys=None,
    record_property=None,
):
    """Loop roles × rows × own/other; assert every cell, report all failures at once.

    ``prepare_api(world, basename, action, dept, user, which) → Call``;
    ``prepare_page(world, name, action, dept, user, which) → (url args or url, body)``;
    ``actor(world, role, which, key) → user`` (default: the role's HOME user; ``key`` is the row's
    key); ``dept`` is the acting user's department for "own", OTHER for "other".
    With ``PERMISSION_MATRIX_DUMP=<path>`` the answers given are written to ``<path>.<app>.json``.
    """
    cells, failures, actual = 0, [], {}
    api = APIClient()
    state = {"user": None, "page_user": None}

    def who(role, which, key):
        if role == ANON:
            return None
        if actor is not None:
            return actor(world, role, which, key)
        return world.users[role]

    def authenticate(user, page):
        # force_login writes a session: only when the page user changes.
        slot = "page_user" if page else "user"
        if user is not None and user == state[slot]:
            return
        if page:
            client.logout() if user is None else client.force_login(User.objects.get(pk=user.pk))
        else:
            api.force_authenticate(None if user is None else User.objects.get(pk=user.pk))
        state[slot] = user

    for role in [*ROLES, ANON]:
        for which in ("own", "other"):
            for key, table_row in api_table.items():
                basename, action = key[:2]
                user = who(role, which, (basename, action))
                authenticate(user, page=False)
                dept = (
                    (user.department.code if user is not None else HOME.get(role, "center"))
                    if which == "own"
                    else OTHER
                )
                want = expected(table_row, role, which)
                # A third key part names a payload variant (issue 11: references in payloads); "own"
                # and "other" then say whose record the body references.
                variant = {"variant": key[2]} if len(key) > 2 else {}
                call = prepare_api(world, basename, action, dept, user, which, **variant)
                response = api_request(api, basename, action, call)
                label = f"{basename}.{action}" + (f" [{key[2]}]" if variant else "")
                actual.setdefault(f"API {label}", {}).setdefault(role, {})[which] = response.status_code
                cells += 1
                if response.status_code != want:
                    detail = getattr(response, "data", None) if response.status_code in (400, 409) else ""
                    failures.append(f"API {label} {role} {which}: {response.status_code} != {want} {detail}")
                elif action == "list" and want == 200 and call.listed is not None:
                    # A list shows exactly what retrieve would.
                    listed = _listed(api, response, call.listed.pk)
                    visible = expected(api_table[(basename, "retrieve")], role, which) == 200
                    if listed != visible:
                        failures.append(f"API {basename}.list {role} {which}: listed={listed}, visible={visible}")
            for (name, action), table_row in page_table.items():
                user = who(role, which, (name, action))
                authenticate(user, page=True)
                dept = (
                    (user.department.code if user is not None else HOME.get(role, "center"))
                    if which == "own"
                    else OTHER
                )
                want = expected(table_row, role, which)
                response = page_request(client, name, action, prepare_page(world, name, action, dept, user, which))
                actual.setdefault(f"PAGE {name}.{action}", {}).setdefault(role, {})[which] = response.status_code
                cells += 1
                if response.status_code != want:
                    failures.append(f"PAGE {name}.{action} {role} {which}: {response.status_code} != {want}")
                elif role == ANON and want == LOGIN and "/login/" not in response["Location"]:
                    failures.append(f"PAGE {name}.{action} anonymous not sent to log in: {response['Location']}")
    if os.environ.get("PERMISSION_MATRIX_DUMP"):
        # Developer aid: the answers actually given, to compare with a new table.
        with open(f"{os.environ['PERMISSION_MATRIX_DUMP']}.{app}.json", "w") as out:
            json.dump(actual, out, indent=1, ensure_ascii=False)
    size = f"{len(ROLES) + 1} roles × ({len(api_table)} API + {len(page_table)} page actions) × 2 departments"
    line = f"\npermission matrix {app}: {size} = {cells} cells"
    if capsys is not None:
        with capsys.disabled():
            print(line)
    else:
        print(line)
    if record_property is not None:
        # Shown in the run's summary by tests/conftest.py, also under pytest-xdist.
        record_property("permission_matrix", line.strip())
    assert cells == (len(ROLES) + 1) * (len(api_table) + len(page_table)) * 2
    assert not failures, f"{len(failures)} of {cells} cells differ:\n" + "\n".join(failures)
    return cells
