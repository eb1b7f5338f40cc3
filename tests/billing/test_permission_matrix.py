"""The permission matrix of billing (issue 5 acceptance; SPEC §0, B4.1–B4.5): every role × every
API action and page × own/other department asserts the exact answer.

"Own" and "other" in billing: bill and settlement runs, invoices and arrears have no department of
their own — they are IT Management's work (SPEC §0: IT runs the bill runs and settlements; B4.2
operators, checkers and the supervisor are IT staff). So "own" is the acting role held by someone
**in IT Management**, "other" the same role held by someone in another department (OTHER); the
objects are the same. Outside IT only the read-all roles (Center dispatcher, viewer, auditor) see
billing; customer services (circuits, B4.1) are readable by every signed-in user, as fault reports
and orders name them. Machinery: tests/permission_matrix.py.
"""

from datetime import date
from decimal import Decimal
from itertools import count

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from billing.models import (
    Adjustment,
    ArrearsCase,
    BillRun,
    Customer,
    Invoice,
    Partner,
    Service,
    ServiceWorkOrder,
    SettlementStatement,
)
from billing.services import CHECKLIST, bill_run_months
from sla.validators import add_months
from tests.permission_matrix import (
    ANON,
    LOGIN,
    OTHER,
    Call,
    make_world,
    missing_rows,
    run_matrix,
)

pytestmark = pytest.mark.django_db

APPS = {"billing"}
READERS = ("dispatcher", "viewer", "auditor")  # read every department's records (org.access)


def it_only(**codes):
    """A billing write: the named IT roles succeed in IT ("own"); every other role in IT may see
    but not act (403); outside IT the readers get 403 and the rest 404 (the run is invisible)."""
    out = {"*": (403, 404), ANON: (403, 403)}
    for role in READERS:
        out[role] = (403, 403)
    out.update(codes)
    return out


SEE = {"*": (200, 404), **{r: (200, 200) for r in READERS}, ANON: (403, 403)}
LIST = {"*": (200, 200), ANON: (403, 403)}  # lists are scoped: empty for those who see nothing

# --- the API table ----------------------------------------------------------------------------------
# B4.2: IT operators schedule, check, pre-process and verify (four eyes: never the run's operator);
# the IT supervisor reviews (publish / challenge); operator or supervisor roll back and take payments.
# Any IT staff member reports an anomaly (B4.2 "any anomaly … is reported at once").
API = {
    ("bill-run", "list"): LIST,
    ("bill-run", "retrieve"): SEE,
    ("bill-run", "create"): {
        "*": (403, 403),
        "it_operator": (201, 403),
        "supervisor": (201, 403),
        ANON: (403, 403),
    },
    ("bill-run", "start_check"): it_only(it_operator=(200, 404)),
    ("bill-run", "sign_check"): it_only(it_operator=(200, 404)),
    ("bill-run", "finish_preprocessing"): it_only(it_operator=(200, 404)),
    ("bill-run", "verify"): it_only(it_operator=(200, 404)),
    ("bill-run", "publish"): it_only(supervisor=(200, 404)),
    ("bill-run", "challenge"): it_only(supervisor=(200, 404)),
    ("bill-run", "roll_back"): it_only(it_operator=(200, 404), supervisor=(200, 404)),
    # Issue 14: the IT supervisor names another operator for a run not yet published.
    ("bill-run", "assign"): it_only(supervisor=(200, 404)),
    ("bill-run", "anomaly"): {
        "*": (200, 404),
        "dispatcher": (200, 403),
        "viewer": (403, 403),
        "auditor": (403, 403),
        ANON: (403, 403),
    },
    ("invoice", "list"): LIST,
    ("invoice", "retrieve"): SEE,
    ("invoice", "export"): LIST,
    ("arrears", "list"): LIST,
    ("arrears", "retrieve"): SEE,
    ("arrears", "record_payment"): it_only(it_operator=(200, 404), supervisor=(200, 404)),
    ("service", "list"): LIST,
    ("service", "retrieve"): {"*": (200, 200), ANON: (403, 403)},
    ("service", "history"): {"*": (200, 200), ANON: (403, 403)},  # issue 14 §1: a circuit's changes
    # Customers (issue 13 §6): those who may order for them (the front office; none here: "other" is a
    # back-office department), billing (IT) and the read-all roles.
    ("customer", "list"): LIST,
    ("customer", "retrieve"): SEE,
    # B4.5: restriction / restore work orders belong to 网络监控中心 ("own" here is that department,
    # see ``actor``): everyone there sees them, its back-office admins and members accept and finish
    # them; outside it only billing (IT) and the read-all roles see them.
    ("work-order", "list"): LIST,
    ("work-order", "retrieve"): SEE,
    ("work-order", "accept"): it_only(back_admin=(200, 404), back_member=(200, 404)),
    ("work-order", "done"): it_only(back_admin=(200, 404), back_member=(200, 404)),
    # B4.4 adjustments (issue 14 §3): seen where invoices are; IT operators and billing clerks (IT
    # back-office members) request them, and another of them approves or rejects (four eyes).
    ("adjustment", "list"): LIST,
    ("adjustment", "retrieve"): SEE,
    ("adjustment", "create"): {
        "*": (403, 403),
        "it_operator": (201, 403),
        "back_member": (201, 403),
        ANON: (403, 403),
    },
    # B4.3 settlement statements and partners (issue 14 §4): read-only, seen where invoices are.
    ("statement", "list"): LIST,
    ("statement", "retrieve"): SEE,
    ("statement", "export"): LIST,
    ("partner", "list"): LIST,
    ("partner", "retrieve"): SEE,
    ("partner", "statements"): SEE,
    ("adjustment", "approve"): it_only(it_operator=(200, 404), back_member=(200, 404)),
    ("adjustment", "reject"): it_only(it_operator=(200, 404), back_member=(200, 404)),
}

# --- the page table ---------------------------------------------------------------------------------
# The billing lists first ask "may see billing" (403 outside IT and the read-all roles); a run's or
# an invoice's page answers 404 where the API does, the record being outside the person's scope
# (issue 12 §2).


def page_of(api_row, *, record=True):
    out = {
        role: tuple(302 if c in (200, 201) else 403 if c == 404 and not record else c for c in codes)
        for role, codes in api_row.items()
    }
    out[ANON] = (LOGIN, LOGIN)
    return out


def viewed(page_row):
    """A page that is viewed, not posted: 200 where a post would redirect (anonymous still to login)."""
    out = {role: tuple(200 if c == 302 else c for c in codes) for role, codes in page_row.items()}
    out[ANON] = (LOGIN, LOGIN)
    return out


PAGE_SEE = viewed(page_of(SEE))
LIST_SEE = viewed(page_of(SEE, record=False))
RUN_ACTIONS = {
    "start-check": "start_check",
    "sign-check": "sign_check",
    "finish-preprocessing": "finish_preprocessing",
    "verify": "verify",
    "publish": "publish",
    "challenge": "challenge",
    "roll-back": "roll_back",
    "anomaly": "anomaly",
    "assign": "assign",
}
PAGES = {
    ("billing:runs", "view"): LIST_SEE,
    ("billing:runs", "create"): page_of(API[("bill-run", "create")], record=False),
    ("billing:run", "view"): PAGE_SEE,
    **{("billing:run-action", slug): page_of(API[("bill-run", action)]) for slug, action in RUN_ACTIONS.items()},
    ("billing:invoice", "view"): PAGE_SEE,
    ("billing:arrears", "view"): LIST_SEE,
    ("billing:arrears", "record_payment"): page_of(API[("arrears", "record_payment")], record=False),
    ("billing:work-orders", "view"): LIST_SEE,
    ("billing:work-order-action", "accept"): page_of(API[("work-order", "accept")]),
    ("billing:work-order-action", "done"): page_of(API[("work-order", "done")]),
    ("billing:adjustments", "view"): LIST_SEE,
    ("billing:adjustments", "create"): page_of(API[("adjustment", "create")], record=False),
    ("billing:adjustment-action", "approve"): page_of(API[("adjustment", "approve")]),
    ("billing:adjustment-action", "reject"): page_of(API[("adjustment", "reject")]),
    # The evidence file (issue 14): to those who may see the adjustment, 404 to the others.
    ("billing:adjustment-evidence", "view"): PAGE_SEE,
    ("billing:statements", "view"): LIST_SEE,
    ("billing:statement", "view"): PAGE_SEE,
    ("billing:partner", "view"): PAGE_SEE,
    # Issue 14 §1: circuits (and the order form's circuit search) are readable by every signed-in user,
    # as the services API is; a circuit's invoices are listed only for those who see billing.
    ("billing:circuits", "view"): viewed(page_of(API[("service", "list")])),
    ("billing:circuit", "view"): viewed(page_of(API[("service", "retrieve")])),
    ("billing:circuit-search", "view"): viewed(page_of(API[("service", "list")])),
}
WORK_ORDER_ROWS = {"work-order", "billing:work-orders", "billing:work-order-action"}

# --- objects ----------------------------------------------------------------------------------------

_n = count(1)
S = BillRun.State
RUN_STATE = {
    "start_check": S.SCHEDULED,
    "sign_check": S.CHECKING,
    "finish_preprocessing": S.PREPROCESSING,
    "verify": S.VERIFYING,
    "publish": S.REVIEWING,
    "challenge": S.REVIEWING,
    "roll_back": S.CHECKING,
    "anomaly": S.CHECKING,
    "assign": S.SCHEDULED,
}


_months = count(1)  # its own counter: the customers' numbers would run the months into the schedulable ones


def _period():
    n = next(_months)
    return date(1990 + n // 12, n % 12 + 1, 1)


def _schedulable():
    """A (kind, month) ``bill_run_schedule`` accepts (B4.2/B4.3: one of the last twelve months or the
    coming one) that has no run yet, for the ``create`` cells."""
    earliest, latest = bill_run_months()
    taken = set(BillRun.objects.values_list("kind", "period"))
    month = earliest
    while month <= latest:
        for kind in (BillRun.Kind.BILLING, BillRun.Kind.SETTLEMENT):
            if (kind, month) not in taken:
                return kind, month
        month = add_months(month, 1)
    raise AssertionError("every schedulable month already has its runs")


def make_run(world, state=S.SCHEDULED):
    # The operator is a colleague in IT, so the acting operator may verify (four eyes, B4.2).
    operator = world.colleague("it") if state != S.SCHEDULED else None
    return BillRun.objects.create(period=_period(), state=state, operator=operator)


def make_customer():
    n = next(_n)
    return Customer.objects.create(code=f"PM{n:06d}", name=f"矩阵客户{n}")


def make_invoice(world):
    run = world.once("run", lambda: make_run(world))
    n = next(_n)
    return Invoice.objects.create(
        run=run, customer=make_customer(), period=run.period, number=f"INV-PM-{n}", total=Decimal("100.00")
    )


def make_arrears():
    return ArrearsCase.objects.create(
        customer=make_customer(), amount=Decimal("120.00"), size=ArrearsCase.Size.SMALL, opened_at=timezone.now()
    )


def make_work_order(world, state=ServiceWorkOrder.State.OPEN):
    return ServiceWorkOrder.objects.create(
        case=make_arrears(), kind=ServiceWorkOrder.Kind.RESTRICT, department=world.org["nmc"],
        created_at=timezone.now(), state=state,
    )  # fmt: skip


WORK_ORDER_STATE = {"accept": ServiceWorkOrder.State.OPEN, "done": ServiceWorkOrder.State.ACCEPTED}


def make_service():
    n = next(_n)
    return Service.objects.create(
        code=f"SVC-PM-{n}", customer=make_customer(), product="专线", level="B", monthly_fee=Decimal("100.00"),
        state=Service.State.ACTIVE, activated_on=date(2026, 1, 1),
    )  # fmt: skip


BODY = {
    "sign_check": {"checklist": {code: True for code, _label in CHECKLIST}},
    "challenge": {"comment": "数据有疑问"},
    "roll_back": {"comment": "重新出账"},
    "anomaly": {"text": "话单延迟"},
    "record_payment": {"amount": "120.00", "reference": "转账"},
}


def make_adjustment(world):
    """A requested credit; its requester is a colleague in IT, so the acting person may decide (four eyes)."""
    return Adjustment.objects.create(
        customer=make_customer(), amount=Decimal("-10.00"), reason="多收", evidence="工单",
        requested_by=world.colleague("it"),
    )  # fmt: skip


def make_partner():
    n = next(_n)
    return Partner.objects.create(code=f"PT-PM-{n}", name=f"矩阵伙伴{n}", kind="agent", rate=Decimal("0.0500"))


def make_statement(world):
    run = world.once("settlement-run", lambda: BillRun.objects.create(period=date(2998, 1, 1), kind="settlement"))
    return SettlementStatement.objects.create(
        run=run, partner=make_partner(), period=run.period, revenue=Decimal("100.00"), rate=Decimal("0.0500"),
        amount=Decimal("5.00"),
    )  # fmt: skip


def make_evidenced_adjustment(world):
    adjustment = make_adjustment(world)
    adjustment.evidence_file.save("证据.pdf", ContentFile(b"%PDF-1.4"), save=True)
    return adjustment


ADJUSTMENT_BODY = {"kind": "credit", "amount": "10.00", "reason": "多收", "evidence": "工单"}


def read_object(world, basename):
    makers = {
        # far in the future, so it heads the list (ordered by period, newest first)
        "bill-run": lambda: BillRun.objects.create(period=date(2999, 1, 1)),
        "invoice": lambda: make_invoice(world),
        "arrears": make_arrears,
        "service": make_service,
        "customer": make_customer,
        "work-order": lambda: make_work_order(world),
        "adjustment": lambda: make_adjustment(world),
        "statement": lambda: make_statement(world),
        "partner": make_partner,
    }
    return world.once(("read", basename), makers[basename])


def prepare_api(world, basename, action, dept, user, which):
    if action in ("list", "retrieve", "export", "statements", "history"):
        obj = read_object(world, basename)
        return Call(obj=obj, listed=obj if action == "list" else None)
    if basename == "adjustment":
        if action == "create":
            return Call(body={"customer": make_customer().pk, **ADJUSTMENT_BODY})
        return Call(obj=make_adjustment(world), body={"comment": "矩阵"})
    if action == "create":
        kind, period = _schedulable()
        return Call(body={"kind": kind, "period": period.isoformat()})
    if basename == "arrears":
        return Call(obj=make_arrears(), body=BODY[action])
    if basename == "work-order":
        return Call(obj=make_work_order(world, WORK_ORDER_STATE[action]))
    if action == "assign":  # an active IT operator, not the run's verifier (it has none yet)
        return Call(obj=make_run(world, RUN_STATE[action]), body={"operator": world.users["it_operator"].pk})
    return Call(obj=make_run(world, RUN_STATE[action]), body=BODY.get(action, {}))


def prepare_page(world, name, action, dept, user, which):
    if name == "billing:runs":
        if action != "create":
            return [], None
        kind, period = _schedulable()
        return [], {"period": f"{period:%Y-%m}", "kind": kind}
    if name == "billing:run":
        return [read_object(world, "bill-run").pk], None
    if name == "billing:run-action":
        run = make_run(world, RUN_STATE[RUN_ACTIONS[action]])
        body = {
            "check": [code for code, _label in CHECKLIST],
            "comment": "矩阵",
            "operator": world.users["it_operator"].pk,
        }
        return [run.pk, action], body
    if name == "billing:invoice":
        return [read_object(world, "invoice").pk], None
    if name == "billing:work-orders":
        return [], None
    if name == "billing:work-order-action":
        return [make_work_order(world, WORK_ORDER_STATE[action]).pk, action], {}
    if name == "billing:arrears":
        if action == "view":
            return [], None
        return [], {"case": make_arrears().pk, "amount": "120.00"}
    if name == "billing:adjustments":
        if action == "view":
            return [], None
        return [], {"customer": make_customer().code, **ADJUSTMENT_BODY}
    if name == "billing:adjustment-action":
        return [make_adjustment(world).pk, action], {"comment": "矩阵"}
    if name == "billing:adjustment-evidence":
        return [world.once("evidenced", lambda: make_evidenced_adjustment(world)).pk], None
    if name == "billing:statements":
        return [], None
    if name == "billing:statement":
        return [read_object(world, "statement").pk], None
    if name == "billing:partner":
        return [read_object(world, "partner").pk], None
    if name in ("billing:circuits", "billing:circuit-search"):
        return [], None
    if name == "billing:circuit":
        return [read_object(world, "service").pk], None
    raise AssertionError(name)


def actor(world, role, which, key):
    """The role held in IT Management ("own") or in another department ("other"); for work orders,
    "own" is 网络监控中心, whose work they are (B4.5)."""
    home = "nmc" if key[0] in WORK_ORDER_ROWS else "it"
    return world.user(role, home if which == "own" else OTHER)


@pytest.fixture
def world(org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the evidence files the matrix uploads
    return make_world(org)


def test_every_billing_endpoint_is_in_the_matrix():
    missing, missing_pages = missing_rows(APPS, API, PAGES)
    assert not missing, f"add rows to API for {missing}"
    assert not missing_pages, f"add rows to PAGES for {missing_pages}"


def test_billing_permission_matrix_of_every_role_endpoint_action_and_department(world, client, capsys, record_property):
    """Issue 5 / B4.2–B4.5: who may see and run bill runs, invoices, arrears and services."""
    run_matrix(
        app="billing",
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
