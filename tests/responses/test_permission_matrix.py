"""The permission matrix of business-response orders (issue 5 acceptance; SPEC §0, R1.1–R1.22): every
role × every API action and page × own/other department asserts the exact answer.

"Own" and "other" (documented per table below): an order belongs to its **front department** for the
front office and to the departments of its **work steps** for the back office (R1.8); a step, special
order or attachment to the step's back-office department; a requisition to its front department or
the department it was dispatched to (R1.7); a contact order to the department it was sent to (R1.13); a
phone dispatch to the calling department (R1.11). OTHER is a back-office department none of the
acting users belongs to. The Center dispatcher, viewers and auditors read everything; IT has no orders
of its own, so an IT operator's "own" order is as foreign as the "other" one.

Rows restricted to one department by the SPEC are asked with the role held **in that department**
for "own" (``OWNER``): 网络监控中心 raises expansion requests and 网络管理部 plans them (R1.15),
网络建设部 estimates and 市场拓展部's director decides builds (R1.18); the leader in charge signs A
orders as the director of 政企客户部 (R1.5). "Other" is the role held in its usual department.

Out-of-scope records answer **404**, like records that do not exist, as in accounts, faults and
billing (issue 12 §2: ``selectors.get_<record>_for``); 403 is for a record the user may see but an
action they may not take. Machinery: tests/permission_matrix.py.
"""

from datetime import timedelta
from decimal import Decimal
from itertools import count

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from billing.models import Customer, Service
from org.models import Department
from responses.defaults import load_catalogue
from responses.models import (
    AdminUnreachable,
    BuildDecision,
    ContactOrder,
    EquipmentNeed,
    EquipmentReport,
    ExpansionRequest,
    LostEquipment,
    NonCooperation,
    Order,
    PhoneDispatch,
    RecoveryEntry,
    Requisition,
    SpecialOrder,
    WorkStep,
)
from tests.permission_matrix import (
    ANON,
    HOME,
    LOGIN,
    OTHER,
    ROLES,
    Call,
    as_page,
    make_world,
    missing_rows,
    run_matrix,
)

pytestmark = pytest.mark.django_db

APPS = {"responses"}
NV = 404  # not visible: a record outside the user's scope answers 404, like one that does not exist
READERS = ("dispatcher", "viewer", "auditor")
READ_ONLY = ("viewer", "auditor")
BACK = ("back_member", "back_admin")
DASHBOARD = ("viewer", "dept_manager", "leader", "supervisor", "dispatcher", "auditor")  # sla.views


def may(*own, anywhere=(), ok=200, see=None):
    """An action row: ``own`` roles act on their own department's record, ``anywhere`` on every one;
    the rest get 403 where they can see the record (``see``, a read row; ``SEE`` by default) and
    404 where they cannot (``NV``). Viewers and auditors change nothing."""
    see = SEE if see is None else see
    out = {ANON: (403, 403)}
    for role in ROLES:
        refused = tuple(403 if code == 200 else NV for code in see.get(role, see["*"]))
        if role in READ_ONLY:
            out[role] = (403, 403)
        elif role in anywhere:
            out[role] = (ok, ok)
        elif role in own:
            out[role] = (ok, refused[1])
        else:
            out[role] = refused
    return out


LIST = {"*": (200, 200), ANON: (403, 403)}
# Who sees their own department's record; IT has no orders (see the module docstring).
SEE = {"*": (200, NV), "it_operator": (NV, NV), **{r: (200, 200) for r in READERS}, ANON: (403, 403)}
# Records of any department: its own (a contact order sent to IT is IT's).
SEE_ANY = {"*": (200, NV), **{r: (200, 200) for r in READERS}, ANON: (403, 403)}
# Records of a front department only (phone dispatches, builds raised): the back office has none.
SEE_FRONT = {
    "*": (NV, NV),
    "front_admin": (200, NV),
    "leader": (200, NV),
    **{r: (200, 200) for r in READERS},
    ANON: (403, 403),
}
# R1.15: 网络监控中心 and 网络管理部 see every expansion request, the front department its own orders'.
SEE_EXPANSION = {**SEE_FRONT, **{r: (200, 200) for r in ("back_member", "supervisor", "dept_manager")}}
# An accepted order has no step yet (R1.8): the back office does not see it.
SEE_ACCEPTED = {**SEE, **{r: (NV, NV) for r in ("back_member", "back_admin", "supervisor", "dept_manager")}}
# Rows asked in the department owning the action (OWNER): it sees every such record; "other" not.
SEE_OWNER = SEE_ANY
# Actions on no one record (a quarter of the ledger): nothing to be out of scope of.
NO_RECORD = LIST

# Issue 13 §4: records the Center alone writes, whatever the order.
RESPONSIBILITY = ("non-cooperation", "lost-equipment", "admin-unreachable")
RESPONSIBILITY_PAGES = ("noncoop-record", "lost-record", "unreachable-record")
CENTER_CREATES = {"*": (403, 403), "dispatcher": (201, 201), ANON: (403, 403)}
# R1.14: the equipment reports: the read-all roles (the equipment departments are no HOME department).
EQUIPMENT_READERS = {"*": (403, 403), **{r: (200, 200) for r in READERS}, ANON: (403, 403)}

# --- the API table ----------------------------------------------------------------------------------
API = {
    # Orders (R1.2 the front admin submits, cancels, confirms; R1.5 the director signs A orders; the
    # Center accepts, clarifies, dispatches, marks "no resources", archives; attachments by the front
    # admin or a back-office department with a step on the order).
    ("order", "list"): LIST,
    ("order", "retrieve"): SEE,
    ("order", "create"): {"*": (403, 403), "front_admin": (201, 201), ANON: (403, 403)},
    ("order", "submit"): may("front_admin"),
    ("order", "sign"): may("leader"),
    ("order", "accept"): may(anywhere=("dispatcher",)),
    ("order", "clarify"): may(anywhere=("dispatcher",)),
    ("order", "dispatch_steps"): may(anywhere=("dispatcher",), see=SEE_ACCEPTED),
    ("order", "no_resources"): may(anywhere=("dispatcher",)),
    ("order", "confirm"): may("front_admin"),
    ("order", "cancel"): may("front_admin"),
    ("order", "archive"): may(anywhere=("dispatcher",)),
    ("order", "attachments"): may("front_admin", *BACK, ok=201),
    ("order", "quota"): {"*": (200, 200), ANON: (403, 403)},
    # Steps: the back-office department doing the work (R1.8–R1.10, R1.19).
    ("order-step", "list"): LIST,
    ("order-step", "retrieve"): SEE,
    ("order-step", "accept"): may(*BACK),
    ("order-step", "return_step"): may(*BACK),
    ("order-step", "special_order"): may(*BACK, ok=201),
    ("order-step", "worker_names"): may(*BACK),
    # Requisitions (R1.7): the front admin raises; the Center dispatches; the Center or the assigned
    # back-office department answers.
    ("requisition", "list"): LIST,
    ("requisition", "retrieve"): SEE,
    ("requisition", "create"): {"*": (403, 403), "front_admin": (201, 201), ANON: (403, 403)},
    ("requisition", "dispatch_requisition"): may(anywhere=("dispatcher",)),
    ("requisition", "answer"): may(*BACK, anywhere=("dispatcher",)),
    # Contact orders (R1.13): anyone with a department sends one; the receiving department answers.
    ("contact-order", "list"): LIST,
    ("contact-order", "retrieve"): SEE_ANY,
    ("contact-order", "create"): {"*": (201, 201), "viewer": (403, 403), "auditor": (403, 403), ANON: (403, 403)},
    ("contact-order", "answer"): may(*(r for r in ROLES if r not in READ_ONLY), see=SEE_ANY),
    # R1.13: the sending department withdraws its own (asked on a contact order the department sent).
    ("contact-order", "cancel"): may(*(r for r in ROLES if r not in READ_ONLY), see=SEE_ANY),
    # Issue 13 §4: the Center records responsibility against any department (seed 000 §三.14, §四.2,
    # §三.6, §四.16); a record is the named department's own (and its order's front department's).
    **{
        (basename, action): row
        for basename in RESPONSIBILITY
        for action, row in (("list", LIST), ("retrieve", SEE_ANY), ("create", CENTER_CREATES))
    },
    # Special orders (R1.10): the Center approves, rejects and closes.
    ("special-order", "list"): LIST,
    ("special-order", "retrieve"): SEE,
    ("special-order", "approve"): may(anywhere=("dispatcher",)),
    ("special-order", "reject"): may(anywhere=("dispatcher",)),
    ("special-order", "close"): may(anywhere=("dispatcher",)),
    # Phone dispatches (R1.11): the Center records; the calling front department backfills.
    ("phone-dispatch", "list"): LIST,
    ("phone-dispatch", "retrieve"): SEE_FRONT,
    ("phone-dispatch", "create"): {"*": (403, 403), "dispatcher": (201, 201), ANON: (403, 403)},
    ("phone-dispatch", "backfill"): may("front_admin", ok=201, see=SEE_FRONT),
    # Expansion requests (R1.15): 网络监控中心 raises ("own" = the role in nmc), 网络管理部 plans
    # ("own" = the role in netmgmt); both departments, the order's front department and the readers see.
    ("expansion-request", "list"): LIST,
    ("expansion-request", "retrieve"): SEE_EXPANSION,
    ("expansion-request", "create"): may(*BACK, ok=201, see=SEE_OWNER),
    ("expansion-request", "plan"): may(*BACK, see=SEE_OWNER),
    # Recovery ledger (R1.16): a back-office department with a step on the decommission order records;
    # the Center checks.
    ("recovery-entry", "list"): LIST,
    ("recovery-entry", "retrieve"): SEE,
    ("recovery-entry", "create"): may(*BACK, ok=201),
    ("recovery-entry", "check"): may(anywhere=("dispatcher",)),
    ("recovery-entry", "check_quarter"): may(anywhere=("dispatcher",), see=NO_RECORD),
    # Builds (R1.18): the front office raises; 网络建设部 estimates; 市场拓展部's director decides.
    ("build-decision", "list"): LIST,
    ("build-decision", "retrieve"): SEE_FRONT,
    ("build-decision", "create"): {
        "*": (403, 403),
        "front_admin": (201, 201),
        "leader": (201, 201),
        ANON: (403, 403),
    },
    ("build-decision", "estimate"): may(*BACK, see=SEE_OWNER),
    ("build-decision", "approve"): may("leader", see=SEE_OWNER),
    ("build-decision", "reject"): may("leader", see=SEE_OWNER),
    # R1.17: the Center and the read-all roles (all departments' circuits); R1.22: the dashboard people.
    # R1.17: everyone who reads the monthly report sees all; a front-office admin or leader their own.
    ("unused-circuit", "list"): {
        "*": (403, 403),
        **{r: (200, 200) for r in (*READERS, *DASHBOARD, "front_admin", "leader")},
        ANON: (403, 403),
    },
    ("monthly-report", "list"): {"*": (403, 403), **{r: (200, 200) for r in DASHBOARD}, ANON: (403, 403)},
    # The catalogue (issue 13 §6): every signed-in person; business types belong to no department.
    ("business-type", "list"): LIST,
    ("business-type", "retrieve"): LIST,
    # Equipment needs (R1.14): the order's front admin or the Center enters and removes them (the needs of
    # the orders one sees are listed); 网络建设部 records a delivery ("own" = the role held in netbuild).
    ("equipment-need", "list"): LIST,
    ("equipment-need", "retrieve"): SEE,
    ("equipment-need", "create"): may("front_admin", anywhere=("dispatcher",), ok=201),
    ("equipment-need", "destroy"): may("front_admin", anywhere=("dispatcher",), ok=204),
    # "other" is the role held in OTHER, whose own order it is (it sees it): 403.
    ("equipment-need", "deliver"): {"*": (403, 403), **{r: (200, 403) for r in BACK}, ANON: (403, 403)},
    # The reports sent to 网络建设部: the Center and the read-all roles (and the equipment departments);
    # the Center sends the half-monthly totals now; 增值业务中心 sends a purchase list ("own" = in vas).
    ("equipment-report", "list"): EQUIPMENT_READERS,
    ("equipment-report", "retrieve"): EQUIPMENT_READERS,
    ("equipment-report", "pending"): EQUIPMENT_READERS,
    ("equipment-report", "send_half_month"): {"*": (403, 403), "dispatcher": (201, 201), ANON: (403, 403)},
    ("equipment-report", "purchase_list"): {"*": (403, 403), **{r: (201, 403) for r in BACK}, ANON: (403, 403)},
    # R1.17: a circuit's first use: the front admin, the Center or a back-office department that worked on it.
    ("order-circuit", "list"): LIST,
    ("order-circuit", "retrieve"): SEE,
    ("order-circuit", "first_use"): may("front_admin", *BACK, anywhere=("dispatcher",)),
    # R1.14: the Center charges a step's overtime to 网络建设部 (its equipment came late).
    ("order-step", "procurement_overtime"): may(anywhere=("dispatcher",)),
    # R1.20: the quarterly sample: the Center and the read-all roles, 网络监控中心 and 线路维护中心.
    ("handover-sample", "list"): {
        "*": (403, 403),
        **{r: (200, 200) for r in (*READERS, *BACK, "supervisor", "dept_manager")},
        ANON: (403, 403),
    },
}
# References in payloads (issue 11): "own" / "other" say whose record the body names.
API |= {
    # R1.7: an order names only its own department's requisition (400, nothing created). The body is
    # checked before the role: a requisition the user's department did not raise is a 400 for anyone
    # who is not read-only (a leader's "own" is a front department's, where he holds the role: 403).
    ("order", "create", "naming a requisition"): {
        "*": (400, 400),
        "front_admin": (201, 400),
        "leader": (403, 400),
        **{r: (403, 403) for r in READ_ONLY},
        ANON: (403, 403),
    },
    # R1.10: one open special order per step: "own" a step without one, "other" a step that has one (409);
    # both are the user's own department's steps (seen alike).
    ("order-step", "special_order", "second open special order"): {
        **{role: (codes[0], codes[0]) for role, codes in may(*BACK, ok=201).items()},
        **{r: (201, 409) for r in BACK},
    },
}

# The department that owns a row's action ("own" = the role held there); see the module docstring.
OWNER = {
    ("expansion-request", "create"): "nmc",
    ("expansion-request", "plan"): "netmgmt",
    ("build-decision", "estimate"): "netbuild",
    ("build-decision", "approve"): "market",
    ("build-decision", "reject"): "market",
    ("responses:expansion-raise", "view"): "nmc",
    ("responses:expansion-raise", "create"): "nmc",
    ("responses:expansion-plan", "create"): "netmgmt",
    ("responses:build-action", "estimate"): "netbuild",
    ("responses:build-action", "approve"): "market",
    ("responses:build-action", "reject"): "market",
    ("equipment-need", "deliver"): "netbuild",
    ("equipment-report", "purchase_list"): "vas",
    ("responses:equipment-need-action", "deliver"): "netbuild",
    ("responses:equipment-order-action", "purchase-list"): "vas",
}

# --- the page table ---------------------------------------------------------------------------------
ALL_READ = {"*": (200, 200), ANON: (LOGIN, LOGIN)}
ORDER_PAGE_ACTIONS = {
    "submit": "submit",
    "sign": "sign",
    "accept": "accept",
    "clarify": "clarify",
    "dispatch": "dispatch_steps",
    "no-resources": "no_resources",
    "confirm": "confirm",
    "cancel": "cancel",
    "archive": "archive",
    "attach": "attachments",
}
STEP_PAGE_ACTIONS = {
    "accept": "accept",
    "return": "return_step",
    "special-order": "special_order",
    "worker-names": "worker_names",
}
PAGES = {
    ("responses:list", "view"): ALL_READ,
    ("responses:new", "view"): {"*": (403, 403), "front_admin": (200, 200), ANON: (LOGIN, LOGIN)},
    ("responses:new", "create"): as_page(API[("order", "create")]),
    ("responses:center", "view"): {"*": (403, 403), **{r: (200, 200) for r in READERS}, ANON: (LOGIN, LOGIN)},
    ("responses:queue", "view"): {
        "*": (403, 403),
        **{r: (200, 200) for r in (*READERS, *BACK)},
        ANON: (LOGIN, LOGIN),
    },
    ("responses:detail", "view"): as_page(SEE, ok=200),
    **{("responses:action", slug): as_page(API[("order", action)]) for slug, action in ORDER_PAGE_ACTIONS.items()},
    # Mediation notes (page only): the Center.
    ("responses:action", "notes"): as_page(may(anywhere=("dispatcher",))),
    **{
        ("responses:step-action", slug): as_page(API[("order-step", action)])
        for slug, action in STEP_PAGE_ACTIONS.items()
    },
    **{
        ("responses:special-action", action): as_page(API[("special-order", action)])
        for action in ("approve", "reject", "close")
    },
    ("responses:phone-list", "view"): ALL_READ,
    ("responses:phone-list", "create"): as_page(API[("phone-dispatch", "create")]),
    ("responses:phone-backfill", "view"): as_page(may("front_admin", see=SEE_FRONT), ok=200),
    ("responses:phone-backfill", "create"): as_page(API[("phone-dispatch", "backfill")]),
    ("responses:contact-list", "view"): ALL_READ,
    ("responses:contact-new", "view"): {
        "*": (200, 200),
        "viewer": (403, 403),
        "auditor": (403, 403),
        ANON: (LOGIN, LOGIN),
    },
    ("responses:contact-new", "create"): as_page(API[("contact-order", "create")]),
    ("responses:contact-answer", "create"): as_page(API[("contact-order", "answer")]),
    ("responses:contact-cancel", "create"): as_page(API[("contact-order", "cancel")]),
    # Issue 13 §4: the order page's responsibility forms; the order seen first (404), then the Center only.
    **{(f"responses:{name}", "create"): as_page(may(anywhere=("dispatcher",))) for name in RESPONSIBILITY_PAGES},
    ("responses:requisition-list", "view"): ALL_READ,
    ("responses:requisition-list", "create"): as_page(API[("requisition", "create")]),
    ("responses:requisition-action", "dispatch"): as_page(API[("requisition", "dispatch_requisition")]),
    ("responses:requisition-action", "answer"): as_page(API[("requisition", "answer")]),
    ("responses:build-list", "view"): ALL_READ,
    ("responses:build-list", "create"): as_page(API[("build-decision", "create")]),
    **{
        ("responses:build-action", action): as_page(API[("build-decision", action)])
        for action in ("estimate", "approve", "reject")
    },
    ("responses:expansion-list", "view"): ALL_READ,
    ("responses:expansion-raise", "view"): as_page(API[("expansion-request", "create")], ok=200),
    ("responses:expansion-raise", "create"): as_page(API[("expansion-request", "create")]),
    ("responses:expansion-plan", "create"): as_page(API[("expansion-request", "plan")]),
    ("responses:recovery-list", "view"): ALL_READ,
    ("responses:recovery-list", "create"): as_page(API[("recovery-entry", "check_quarter")]),
    ("responses:recovery-record", "view"): as_page(API[("recovery-entry", "create")], ok=200),
    ("responses:recovery-record", "create"): as_page(API[("recovery-entry", "create")]),
    ("responses:recovery-check", "create"): as_page(API[("recovery-entry", "check")]),
    ("responses:unused-circuits", "view"): as_page(API[("unused-circuit", "list")], ok=200),
    ("responses:report", "view"): as_page(API[("monthly-report", "list")], ok=200),
    ("responses:report-export", "view"): as_page(API[("monthly-report", "list")], ok=200),
    # The side rules (R1.14, R1.17, R1.20), as their API twins.
    ("responses:circuit-action", "confirm"): as_page(API[("order", "confirm")]),
    ("responses:circuit-action", "first-use"): as_page(API[("order-circuit", "first_use")]),
    ("responses:equipment-list", "view"): as_page(API[("equipment-report", "list")], ok=200),
    ("responses:equipment-list", "create"): as_page(API[("equipment-report", "send_half_month")]),
    ("responses:equipment-export", "view"): as_page(API[("equipment-report", "retrieve")], ok=200),
    ("responses:equipment-order-action", "add"): as_page(API[("equipment-need", "create")]),
    ("responses:equipment-order-action", "purchase-list"): as_page(API[("equipment-report", "purchase_list")]),
    ("responses:equipment-need-action", "remove"): as_page(may("front_admin", anywhere=("dispatcher",))),
    ("responses:equipment-need-action", "deliver"): as_page(API[("equipment-need", "deliver")]),
    ("responses:equipment-step-charge", "create"): as_page(API[("order-step", "procurement_overtime")]),
    ("responses:handover-sample", "view"): as_page(API[("handover-sample", "list")], ok=200),
}

# --- objects ----------------------------------------------------------------------------------------

_n = count(1)
O = Order.State  # noqa: E741
W = WorkStep.State
ORDER_STATE = {
    "submit": O.DRAFT,
    "sign": O.AWAITING_SIGNOFF,
    "accept": O.SUBMITTED,
    "clarify": O.SUBMITTED,
    "dispatch_steps": O.ACCEPTED,
    "no_resources": O.SUBMITTED,
    "confirm": O.COMPLETED,
    "cancel": O.SUBMITTED,
    "archive": O.CONFIRMED,
    "attachments": O.SUBMITTED,
    "notes": O.SUBMITTED,
}
STEP_STATE = {
    "accept": W.DISPATCHED,
    "return_step": W.ACCEPTED,
    "special_order": W.ACCEPTED,
    "worker_names": W.ACCEPTED,
}


def sides(world, dept):
    """(front department, step department) of an order that is ``dept``'s own."""
    side = world.org[dept].side
    if side == Department.Side.FRONT:
        return dept, "nmc"
    if side == Department.Side.BACK:
        return "public", dept
    return "public", "nmc"


def customer(world):
    return world.once("customer", lambda: Customer.objects.create(code="PM-C1", name="矩阵客户"))


def make_order(world, dept, state=O.SUBMITTED, business_type="phone", step_state=None):
    front, step_dept = sides(world, dept)
    types = world.once("catalogue", load_catalogue)
    now = timezone.now()
    n = next(_n)
    order = Order.objects.create(
        number=None if state == O.DRAFT else f"PM{n:06d}", front_department=world.org[front],
        customer=customer(world), business_type=types[business_type], level="A" if state == O.AWAITING_SIGNOFF else "C",
        location="城南路", contact_person="李先生", contact_phone="13800000000", state=state,
        created_by=world.colleague(front), submitted_at=None if state == O.DRAFT else now,
        due_at=now + timedelta(days=5), completed_at=now if state in (O.COMPLETED, O.CONFIRMED) else None,
        confirmed_at=now if state == O.CONFIRMED else None,
    )  # fmt: skip
    # Every order of a back-office department's has one of its steps (R1.8).
    if step_state is None:
        step_state = W.RETURNED if state in (O.COMPLETED, O.CONFIRMED, O.IN_PROGRESS) else W.PENDING
    if state != O.ACCEPTED:
        make_step(world, order, step_dept, step_state)
    return order


def make_step(world, order, dept, state):
    now = timezone.now()
    return WorkStep.objects.create(
        order=order, position=1, department=world.org[dept], title="配置端口", state=state,
        dispatched_at=now if state != W.PENDING else None, due_at=now + timedelta(days=1),
        accepted_at=now if state in (W.ACCEPTED, W.DONE, W.RETURNED) else None,
    )  # fmt: skip


def own_step(world, dept, state):
    order = make_order(world, dept, O.IN_PROGRESS, step_state=state)
    return order.steps.get()


def make_special(world, dept, state=SpecialOrder.State.REQUESTED):
    step = own_step(world, dept, W.PAUSED if state == SpecialOrder.State.APPROVED else W.ACCEPTED)
    return SpecialOrder.objects.create(step=step, reason="阻工", state=state, requested_by=world.colleague(dept))


def make_requisition(world, dept, state=Requisition.State.RAISED):
    front, back = sides(world, dept)
    assigned = world.org[back] if state != Requisition.State.RAISED or front == "public" else None
    return Requisition.objects.create(
        front_department=world.org[front], customer=customer(world), resource_type="port", description="端口资源",
        assigned_department=assigned, state=state, created_by=world.colleague(front),
        due_at=timezone.now() + timedelta(days=3),
    )  # fmt: skip


def make_contact(world, dept):
    sender = "public" if dept != "public" else "gov_enterprise"
    return ContactOrder.objects.create(
        from_department=world.org[sender], to_department=world.org[dept], subject="联系", body="请反馈",
        feedback_due_at=timezone.now() + timedelta(days=2), created_by=world.colleague(sender),
    )  # fmt: skip


def make_sent_contact(world, dept):
    """A contact order ``dept`` sent to a department none of the acting users is in."""
    return ContactOrder.objects.create(
        from_department=world.org[dept], to_department=world.org["legal"], subject="联系", body="请反馈",
        feedback_due_at=timezone.now() + timedelta(days=2), created_by=world.colleague(dept),
    )  # fmt: skip


def make_responsibility(world, basename, dept):
    """A record of issue 13 §4 naming ``dept``, on an order of 10000号 (no acting user's department)."""
    order = make_order(world, "hotline")
    by = world.colleague("center")
    if basename == "non-cooperation":
        return NonCooperation.objects.create(order=order, department=world.org[dept], reason="不配合", recorded_by=by)
    if basename == "lost-equipment":
        return LostEquipment.objects.create(
            order=order,
            item="光猫",
            quantity=1,
            amount=Decimal("1.00"),
            charged_department=world.org[dept],
            recorded_by=by,
        )
    return AdminUnreachable.objects.create(
        order=order, department=world.org[dept], tried_at=timezone.now(), recorded_by=by
    )


RESPONSIBILITY_BODIES = {
    "non-cooperation": lambda now: {"department": "line", "reason": "不配合", "evidence": "通话记录"},
    "lost-equipment": lambda now: {"item": "光猫", "quantity": 1, "amount": "350.00"},
    "admin-unreachable": lambda now: {"department": "line", "tried_at": (now - timedelta(hours=1)).isoformat()},
}


def make_phone_dispatch(world, dept):
    front, _back = sides(world, dept)
    return PhoneDispatch.objects.create(
        department=world.org[front], phoned_at=timezone.now() - timedelta(hours=2), caller="张三", summary="夜间抢修",
        recorded_by=world.colleague("center"),
    )  # fmt: skip


def make_expansion(world, dept, state=ExpansionRequest.State.RAISED):
    order = make_order(world, dept, O.IN_PROGRESS, business_type="expansion", step_state=W.ACCEPTED)
    return ExpansionRequest.objects.create(
        order=order, reason="端口不足", state=state, raised_by=world.colleague("nmc")
    )


def make_recovery(world, dept):
    order = make_order(world, dept, O.IN_PROGRESS, business_type="decommission", step_state=W.ACCEPTED)
    return RecoveryEntry.objects.create(
        order=order, recovered_at=timezone.now(), person="李工", equipment_name="光猫", model="HG8245",
        quantity=1, condition="完好", intended_use="再利用",
    )  # fmt: skip


def make_build(world, dept, state=BuildDecision.State.RAISED):
    front, _back = sides(world, dept)
    return BuildDecision.objects.create(
        kind="lan", site="阳光小区", expected_demand=300, buildings=12, competition="移动已覆盖",
        cost_estimate=Decimal("100000.00") if state == BuildDecision.State.ESTIMATED else None, state=state,
        created_by=world.colleague(front),
    )  # fmt: skip


def make_need(world, dept, sent=False):
    """R1.14: an item the order of ``dept`` needs (sent to 网络建设部 when ``sent``)."""
    order = make_order(world, dept)
    return EquipmentNeed.objects.create(order=order, item="sfp", quantity=1, sent_at=timezone.now() if sent else None)


def make_equipment_report(world):
    return world.once(
        "equipment-report",
        lambda: EquipmentReport.objects.create(
            period_start=timezone.now(), period_end=timezone.now(), totals={"sfp": 1}, sent_to=world.org["netbuild"]
        ),
    )


def make_circuit(world, dept):
    """R1.17: a confirmed order of ``dept`` that opened a circuit."""
    order = make_order(world, dept, O.CONFIRMED)
    service = Service.objects.create(
        code=f"PM-SVC-{order.pk}", customer=order.customer, product="专线", state="active",
        activated_on=timezone.localdate(),
    )  # fmt: skip
    Order.objects.filter(pk=order.pk).update(service=service)
    order.service = service
    return order


def make_si_order(world, dept):
    """R1.14: a system-integration order with a step of ``dept`` and an item not sent yet."""
    order = make_order(world, dept, O.IN_PROGRESS, business_type="system-integration", step_state=W.ACCEPTED)
    EquipmentNeed.objects.create(order=order, item="switch", quantity=2)
    return order


def late_equipment_step(world, dept):
    """R1.14: a step of ``dept`` returned overtime while its order's equipment was not delivered."""
    step = own_step(world, dept, W.RETURNED)
    WorkStep.objects.filter(pk=step.pk).update(overtime=True, overtime_reason="超时")
    EquipmentNeed.objects.create(order=step.order, item="sfp", quantity=1, sent_at=timezone.now())
    return step


def this_quarter():
    local = timezone.localdate()
    return {"year": local.year, "quarter": (local.month - 1) // 3 + 1}


def read_object(world, basename, dept):
    makers = {
        "order": lambda: make_order(world, dept),
        "order-step": lambda: own_step(world, dept, W.DISPATCHED),
        "requisition": lambda: make_requisition(world, dept, Requisition.State.DISPATCHED),
        "contact-order": lambda: make_contact(world, dept),
        "special-order": lambda: make_special(world, dept),
        "phone-dispatch": lambda: make_phone_dispatch(world, dept),
        "expansion-request": lambda: make_expansion(world, dept),
        "recovery-entry": lambda: make_recovery(world, dept),
        "build-decision": lambda: make_build(world, dept),
        "business-type": lambda: world.once("catalogue", load_catalogue)["phone"],
        **{name: (lambda name=name: make_responsibility(world, name, dept)) for name in RESPONSIBILITY},
        "equipment-need": lambda: make_need(world, dept),
        "equipment-report": lambda: make_equipment_report(world),
        "order-circuit": lambda: make_circuit(world, dept),
    }
    if basename not in makers:
        return None
    return world.once(("read", basename, dept), makers[basename])


def order_body(world):
    return {
        "customer": customer(world).pk, "business_type": "phone", "quantity": 1, "level": "C", "location": "城南路",
        "contact_person": "李先生", "contact_phone": "13800000000", "description": "矩阵",
    }  # fmt: skip


def page_order_body(world):
    types = world.once("catalogue", load_catalogue)
    return {**order_body(world), "business_type": types["phone"].pk}


def _file():
    return SimpleUploadedFile("test.txt", b"report", content_type="text/plain")


def prepare_payload(world, basename, action, variant, user, which):
    """A body referencing the user's own department's record ("own") or another's ("other")."""
    home = user.department.code if user is not None else "center"
    if variant == "naming a requisition":
        requisition = make_requisition(world, home if which == "own" else OTHER)
        if which == "other":
            assert requisition.front_department.code != home
        return Call(body={**order_body(world), "requisition": requisition.pk})
    if variant == "second open special order":
        step = own_step(world, home, W.ACCEPTED)
        if which == "other":
            SpecialOrder.objects.create(step=step, reason="先前的阻工", requested_by=world.colleague(home))
        return Call(obj=step, body={"reason": "阻工"})
    raise AssertionError(variant)


def prepare_api(world, basename, action, dept, user, which, variant=None):
    if variant is not None:
        return prepare_payload(world, basename, action, variant, user, which)
    if basename == "handover-sample":
        return Call(body=this_quarter())
    if action in ("list", "retrieve"):
        obj = read_object(world, basename, dept)
        # the step list is the back office's work queue unless all=1
        query = {"all": "1"} if basename == "order-step" and action == "list" else {}
        return Call(obj=obj, listed=obj if action == "list" else None, body=query)
    now = timezone.now()
    if basename == "order":
        if action == "create":
            return Call(body=order_body(world))
        if action == "quota":
            return Call(body={"level": "A"})
        order = make_order(world, dept, ORDER_STATE[action])
        bodies = {
            "clarify": {"reason": "内容不清"},
            "dispatch_steps": {"steps": [{"department": "nmc", "title": "配置端口"}]},
            "attachments": {"file": _file(), "kind": "general"},
        }
        return Call(obj=order, body=bodies.get(action, {}), format="multipart" if action == "attachments" else "json")
    if basename == "order-step" and action == "procurement_overtime":
        return Call(obj=late_equipment_step(world, dept))
    if basename == "order-step":
        step = own_step(world, dept, STEP_STATE[action])
        bodies = {
            "return_step": {"finished_at": now.isoformat()},  # R1.9: not before the step's dispatch (just now)
            "special_order": {"reason": "阻工"},
            "worker_names": {"names": "张三、李四"},
        }
        return Call(obj=step, body=bodies.get(action, {}))
    if basename == "requisition":
        if action == "create":
            return Call(body={"customer": customer(world).pk, "resource_type": "port", "description": "端口资源"})
        state = Requisition.State.RAISED if action == "dispatch_requisition" else Requisition.State.DISPATCHED
        return Call(obj=make_requisition(world, dept, state), body={"available": True, "answer": "有资源"})
    if basename == "contact-order":
        if action == "create":
            return Call(
                body={
                    "to_department": OTHER,
                    "subject": "联系",
                    "body": "请反馈",
                    "feedback_due_at": (now + timedelta(days=2)).isoformat(),
                }  # fmt: skip
            )
        if action == "cancel":
            return Call(obj=make_sent_contact(world, dept))
        return Call(obj=make_contact(world, dept), body={"reply": "已处理"})
    if basename == "special-order":
        state = SpecialOrder.State.APPROVED if action == "close" else SpecialOrder.State.REQUESTED
        return Call(obj=make_special(world, dept, state))
    if basename == "phone-dispatch":
        if action == "create":
            return Call(
                body={
                    "department": "public",
                    "phoned_at": (now - timedelta(hours=1)).isoformat(),
                    "caller": "张三",
                    "summary": "夜间抢修",
                }  # fmt: skip
            )
        return Call(obj=make_phone_dispatch(world, dept), body=order_body(world))
    if basename == "expansion-request":
        if action == "create":
            order = make_order(world, "nmc", O.IN_PROGRESS, business_type="expansion", step_state=W.ACCEPTED)
            return Call(body={"order": order.pk, "reason": "端口不足"})
        return Call(obj=make_expansion(world, dept), body={"plan": "扩容计划"})
    if basename == "recovery-entry":
        if action == "create":
            order = make_order(world, dept, O.IN_PROGRESS, business_type="decommission", step_state=W.ACCEPTED)
            return Call(
                body={
                    "order": order.pk,
                    "recovered_at": now.isoformat(),
                    "person": "李工",
                    "equipment_name": "光猫",
                    "model": "HG8245",
                    "quantity": 1,
                    "condition": "完好",
                    "intended_use": "再利用",
                }  # fmt: skip
            )
        if action == "check_quarter":
            make_recovery(world, dept)
            local = timezone.localdate()
            return Call(body={"year": local.year, "quarter": (local.month - 1) // 3 + 1})
        return Call(obj=make_recovery(world, dept))
    if basename == "build-decision":
        if action == "create":
            return Call(
                body={
                    "kind": "lan",
                    "site": "阳光小区",
                    "expected_demand": 300,
                    "buildings": 12,
                    "competition": "移动已覆盖",
                }  # fmt: skip
            )
        state = BuildDecision.State.RAISED if action == "estimate" else BuildDecision.State.ESTIMATED
        return Call(obj=make_build(world, dept, state), body={"cost": "100000.00"})
    if basename in RESPONSIBILITY:
        return Call(body={"order": make_order(world, dept).pk, **RESPONSIBILITY_BODIES[basename](now)})
    if basename == "equipment-need":
        if action == "create":
            return Call(body={"order": make_order(world, dept).pk, "item": "sfp", "quantity": 1})
        return Call(obj=make_need(world, dept, sent=action == "deliver"))
    if basename == "equipment-report":
        if action == "purchase_list":
            return Call(body={"order": make_si_order(world, dept).pk})
        return Call()
    if basename == "order-circuit":
        return Call(obj=make_circuit(world, dept), body={"circuit_first_used_on": timezone.localdate().isoformat()})
    if basename == "unused-circuit":
        return Call()
    if basename == "monthly-report":
        return Call()
    raise AssertionError((basename, action))


def prepare_page(world, name, action, dept, user, which):
    now = timezone.now()
    local = timezone.localtime(now)
    if name == "responses:new" and action == "create":
        return [], page_order_body(world)
    if name == "responses:detail":
        return [read_object(world, "order", dept).pk], None
    if name == "responses:action":
        order = make_order(world, dept, ORDER_STATE.get(ORDER_PAGE_ACTIONS.get(action, action)))
        bodies = {
            "clarify": {"reason": "内容不清"},
            "dispatch": {"department": ["nmc"], "title": ["配置端口"]},
            "attach": {"file": _file(), "kind": "general"},
            "notes": {"notes": "协调记录"},
        }
        return [order.pk, action], bodies.get(action, {})
    if name == "responses:step-action":
        step = own_step(world, dept, STEP_STATE[STEP_PAGE_ACTIONS[action]])
        bodies = {
            "return": {"finished_at": local.strftime("%Y-%m-%dT%H:%M")},  # R1.9: not before the dispatch
            "special-order": {"reason": "阻工"},
            "worker-names": {"names": "张三、李四"},
        }
        return [step.pk, action], bodies.get(action, {})
    if name == "responses:special-action":
        state = SpecialOrder.State.APPROVED if action == "close" else SpecialOrder.State.REQUESTED
        return [make_special(world, dept, state).pk, action], {}
    if name == "responses:phone-list" and action == "create":
        return [], {
            "department": world.org["public"].pk, "phoned_at": (local - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "caller": "张三", "summary": "夜间抢修",
        }  # fmt: skip
    if name == "responses:phone-backfill":
        return [make_phone_dispatch(world, dept).pk], page_order_body(world) if action == "create" else None
    if name == "responses:contact-new" and action == "create":
        return [], {
            "to_department": world.org[OTHER].pk, "subject": "联系", "body": "请反馈",
            "feedback_due_at": (local + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
        }  # fmt: skip
    if name == "responses:contact-answer":
        return [make_contact(world, dept).pk], {"reply": "已处理"}
    if name.removeprefix("responses:") in RESPONSIBILITY_PAGES:
        body = {
            "department": world.org["line"].pk, "reason": "不配合", "item": "光猫", "quantity": 1, "amount": "350.00",
            "tried_at": (local - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        }  # fmt: skip
        return [make_order(world, dept, O.IN_PROGRESS).pk], body
    if name == "responses:contact-cancel":
        return [make_sent_contact(world, dept).pk], {}
    if name == "responses:requisition-list" and action == "create":
        return [], {"customer": customer(world).pk, "resource_type": "port", "description": "端口资源"}
    if name == "responses:requisition-action":
        state = Requisition.State.RAISED if action == "dispatch" else Requisition.State.DISPATCHED
        return [make_requisition(world, dept, state).pk, action], {"available": "1", "answer": "有资源"}
    if name == "responses:build-list" and action == "create":
        return [], {
            "kind": "lan",
            "site": "阳光小区",
            "expected_demand": 300,
            "buildings": 12,
            "competition": "移动已覆盖",
        }
    if name == "responses:build-action":
        state = BuildDecision.State.RAISED if action == "estimate" else BuildDecision.State.ESTIMATED
        return [make_build(world, dept, state).pk, action], {"cost": "100000.00"}
    if name == "responses:expansion-raise":
        order = make_order(world, "nmc", O.IN_PROGRESS, business_type="expansion", step_state=W.ACCEPTED)
        return [order.pk], {"reason": "端口不足"} if action == "create" else None
    if name == "responses:expansion-plan":
        return [make_expansion(world, dept).pk], {"plan": "扩容计划"}
    if name == "responses:recovery-list" and action == "create":
        make_recovery(world, dept)
        return [], {"year": local.year, "quarter": (local.month - 1) // 3 + 1}
    if name == "responses:recovery-record":
        order = make_order(world, dept, O.IN_PROGRESS, business_type="decommission", step_state=W.ACCEPTED)
        body = {
            "recovered_at": local.strftime("%Y-%m-%dT%H:%M"), "person": "李工", "equipment_name": "光猫",
            "model": "HG8245", "quantity": 1, "condition": "完好", "intended_use": "再利用",
        }  # fmt: skip
        return [order.pk], body if action == "create" else None
    if name == "responses:recovery-check":
        return [make_recovery(world, dept).pk], {}
    if name == "responses:circuit-action":
        today = {"circuit_first_used_on": timezone.localdate().isoformat()}
        order = make_order(world, dept, O.COMPLETED) if action == "confirm" else make_circuit(world, dept)
        return [order.pk, action], today
    if name == "responses:equipment-export":
        return [make_equipment_report(world).pk], None
    if name == "responses:equipment-order-action":
        if action == "add":
            return [make_order(world, dept).pk, action], {"item": "sfp", "quantity": 1}
        return [make_si_order(world, dept).pk, action], {}
    if name == "responses:equipment-need-action":
        return [make_need(world, dept, sent=action == "deliver").pk, action], {}
    if name == "responses:equipment-step-charge":
        return [late_equipment_step(world, dept).pk], {}
    if name == "responses:handover-sample":
        return [], this_quarter()
    return [], None


def actor(world, role, which, key):
    """The role in the department owning the row's action ("own", OWNER), else in its usual one; the
    leader in charge sits in 政企客户部 (its director signs A orders, R1.5)."""
    if key in OWNER:
        return world.user(role, OWNER[key] if which == "own" else OTHER)
    if role == "leader":
        return world.user(role, "gov_enterprise")
    return world.user(role, HOME[role])


@pytest.fixture
def world(org):
    return make_world(org)


def test_every_responses_endpoint_is_in_the_matrix():
    missing, missing_pages = missing_rows(APPS, API, PAGES)
    assert not missing, f"add rows to API for {missing}"
    assert not missing_pages, f"add rows to PAGES for {missing_pages}"


def test_responses_permission_matrix_of_every_role_endpoint_action_and_department(
    world, client, capsys, record_property
):
    """Issue 5 / R1.1–R1.22: who may see and act on orders, steps and the work around them."""
    run_matrix(
        app="responses",
        world=world,
        client=client,
        api_table=API,
        page_table=PAGES,
        prepare_api=prepare_api,
        prepare_page=prepare_page,
        actor=actor,
        capsys=capsys,
        record_property=record_property,
    )
