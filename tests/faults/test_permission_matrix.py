"""The permission matrix of faults (issue 5 acceptance; SPEC §0, F2.1–F2.9): every role × every API
action and page × own/other department asserts the exact answer.

"Own" and "other": a fault ticket belongs to its **handling department** (F2.1; reported by phone,
so no reporter links it elsewhere), a problem to its owning department (F2.5), a quality event to
its **business department** (F2.8, the department that owns the event and sends the script and
plan), a complaint to its handling department (F2.9). "Own" is an object of the acting user's
department, "other" one of OTHER. The Center dispatcher, viewers and auditors read everything
(org.access); Customer Service (客户服务部) publishes events. Machinery: tests/permission_matrix.py.
"""

from datetime import timedelta
from itertools import count

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone

from faults.models import (
    Complaint,
    EventCall,
    EventLevelSuggestion,
    FaultTicket,
    InternalSystem,
    Problem,
    QualityEvent,
    RectificationNotice,
)
from org.models import DutyContact
from tests.permission_matrix import (
    ANON,
    LOGIN,
    OTHER,
    ROLES,
    Call,
    as_page,
    both,
    make_world,
    missing_rows,
    run_matrix,
)

pytestmark = pytest.mark.django_db

APPS = {"faults"}
READERS = ("dispatcher", "viewer", "auditor")
READ_ONLY = ("viewer", "auditor")
HANDLERS = ("back_member", "back_admin", "supervisor", "dept_manager", "leader", "it_operator")  # F2.2
LEADS = ("supervisor", "dept_manager", "leader")  # F2.3 ladder
WRITERS = tuple(r for r in ROLES if r not in READ_ONLY)
ROSTER = ("front_admin", "back_admin", "supervisor", "dept_manager")  # seed 003: who keeps a roster


def may(*own, anywhere=(), ok=200):
    """An action row: roles in ``own`` act on their own department's object; ``anywhere`` on every
    department's; the rest get 403 where they can see the object and 404 where they cannot.
    Viewers and auditors change nothing (403)."""
    out = {ANON: (403, 403)}
    for role in ROLES:
        sees_other = role in READERS
        if role in READ_ONLY:
            out[role] = (403, 403)
        elif role in anywhere:
            out[role] = (ok, ok)
        elif role in own:
            out[role] = (ok, 403 if sees_other else 404)
        else:
            out[role] = (403, 403 if sees_other else 404)
    return out


LIST = {"*": (200, 200), ANON: (403, 403)}
SEE = {"*": (200, 404), **{r: (200, 200) for r in READERS}, ANON: (403, 403)}
CREATE = {"*": (201, 201), "viewer": (403, 403), "auditor": (403, 403), ANON: (403, 403)}

# --- the API table ----------------------------------------------------------------------------------
API = {
    # F2.1/F2.2: the handling team works the ticket; leads pull in helpers (F2.3); the reporter, the
    # Center or the leads verify and close or reopen; recovery and explanation notices (F2.4).
    ("fault", "list"): LIST,
    ("fault", "retrieve"): SEE,
    ("fault", "create"): CREATE,
    ("fault", "acknowledge"): may(*HANDLERS),
    ("fault", "start"): may(*HANDLERS),
    ("fault", "workaround"): may(*HANDLERS),
    ("fault", "resolve"): may(*HANDLERS),
    ("fault", "close"): may(*LEADS, anywhere=("dispatcher",)),
    ("fault", "reopen"): may(*LEADS, anywhere=("dispatcher",)),
    ("fault", "helpers"): may(*LEADS),
    ("fault", "recovery_notice"): may(*HANDLERS, anywhere=("dispatcher",), ok=201),
    ("fault", "explanation"): may(*LEADS, "back_admin", anywhere=("dispatcher",), ok=201),
    ("fault", "notices"): SEE,
    ("fault", "problem"): may(*LEADS, "back_admin", "it_operator", ok=201),
    # F2.5: problems of the owning department.
    ("problem", "list"): LIST,
    ("problem", "retrieve"): SEE,
    ("problem", "link"): may(*LEADS, "back_admin", "it_operator"),
    ("problem", "start"): may(*HANDLERS),
    ("problem", "close"): may(*HANDLERS),
    # F2.6–F2.8: anyone of the business department records figures and its obligations; Customer
    # Service or the Center publish and close.
    ("quality-event", "list"): LIST,
    ("quality-event", "retrieve"): SEE,
    ("quality-event", "create"): CREATE,
    ("quality-event", "figures"): may(*WRITERS, anywhere=("dispatcher",)),
    ("quality-event", "apply_complaint_counts"): may(*WRITERS, anywhere=("dispatcher",)),
    ("quality-event", "report"): may(*WRITERS, anywhere=("dispatcher",)),
    ("quality-event", "publish"): may(anywhere=("dispatcher",)),
    ("quality-event", "script"): may(*WRITERS, anywhere=("dispatcher",)),
    ("quality-event", "cause_plan"): may(*WRITERS, anywhere=("dispatcher",)),
    ("quality-event", "hq_feedback"): may(*WRITERS, anywhere=("dispatcher",)),
    ("quality-event", "hq_plan"): may(*WRITERS, anywhere=("dispatcher",)),
    ("quality-event", "rectify"): may(*WRITERS, anywhere=("dispatcher",)),
    ("quality-event", "close"): may(anywhere=("dispatcher",)),
    # F2.9: the handling department (its back-office roles, or the Center for its own) answers.
    ("complaint", "list"): LIST,
    ("complaint", "retrieve"): SEE,
    ("complaint", "create"): CREATE,
    ("complaint", "answer"): may(*HANDLERS, "dispatcher"),
    ("complaint", "satisfaction"): may(*HANDLERS, "dispatcher"),
    ("complaint", "appeal"): may(*HANDLERS, "dispatcher"),
    ("complaint", "close_appeal"): may(*HANDLERS, "dispatcher"),
    ("complaint", "daily"): LIST,
    # Issue 15 §4: the follow-up visit (回访) and the 12300 route's next stage, by the same people.
    ("complaint", "follow_up"): may(*HANDLERS, "dispatcher"),
    ("complaint", "appeal_stage"): may(*HANDLERS, "dispatcher"),
    # Seed 003 第八条: every member of staff reads the 24-hour roster; a department's admins, supervisor
    # and manager keep its own (客户服务部 everyone's); the phone follow-ups of the events one may see,
    # recorded by the reporting department, 客户服务部 or the Center (the matrix's events have no creator).
    ("duty-contact", "list"): LIST,
    ("duty-contact", "retrieve"): {"*": (200, 200), ANON: (403, 403)},
    ("duty-contact", "create"): {
        "*": (403, 403),
        **{r: (201, 403) for r in ROSTER},
        ANON: (403, 403),
    },  # fmt: skip
    ("duty-contact", "destroy"): {"*": (403, 403), **{r: (204, 403) for r in ROSTER}, ANON: (403, 403)},
    ("event-call", "list"): LIST,
    ("event-call", "retrieve"): SEE,
    ("event-call", "create"): may(anywhere=("dispatcher",), ok=201),
}
# F2.5 (issue 15): a problem is opened in one's own department by its admin, leads or IT operators.
PROBLEM_CREATORS = ("back_admin", *LEADS, "it_operator")
API[("problem", "create")] = {
    **{role: (201 if role in PROBLEM_CREATORS else 403, 403) for role in ROLES},
    ANON: (403, 403),
}
# Seed 002 (issue 15): rectification notices. "Own" is a notice to the user's department (issued by
# 客户服务部) for reading and answering, and one issued by the user's department (by a colleague) for
# closing and rejecting; 客户服务部, the Center's dispatchers, leaders and department managers issue.
ISSUERS = ("leader", "dept_manager", "dispatcher")
API.update(
    {
        ("rectification", "list"): LIST,
        ("rectification", "retrieve"): SEE,
        ("rectification", "create"): {
            **{role: both(201) if role in ISSUERS else both(403) for role in ROLES},
            ANON: (403, 403),
        },
        ("rectification", "answer"): may("back_admin", "front_admin", "supervisor", "dept_manager"),
        ("rectification", "close"): may("dept_manager", "leader"),
        ("rectification", "reject"): may("dept_manager", "leader"),
    }
)
# The notice names a ticket of the user's department ("own") or of another ("other"): another's is no
# id the user may name (400), except for those who see every ticket.
API[("rectification", "create", "naming a ticket")] = {
    **{
        role: (
            (201 if role in ISSUERS else 403, 201 if role in READERS and role in ISSUERS else 400)
            if role not in READ_ONLY
            else (403, 403)
        )
        for role in ROLES
    },
    ANON: (403, 403),
}
# References in payloads (issue 11): the problem is the user's own department's; "own" / "other" say
# whose ticket the body links. Another department's ticket is refused: 400 (its id is not one the
# user may name, checked before the role), 403 for the readers (they see it, may not link) and anyone.
API[("problem", "link", "another department's ticket")] = {
    role: (own, 400 if role not in (*READERS, ANON) else own)
    for role, (own, _other) in API[("problem", "link")].items()
}

# --- the page table ---------------------------------------------------------------------------------
ALL_READ = {"*": (200, 200), ANON: (LOGIN, LOGIN)}
PAGE_ACTIONS = {
    "acknowledge": "acknowledge",
    "start": "start",
    "workaround": "workaround",
    "resolve": "resolve",
    "close": "close",
    "reopen": "reopen",
    "recovery": "recovery_notice",
    "explanation": "explanation",
    "helpers": "helpers",
    "problem": "problem",
}
COMPLAINT_PAGE_ACTIONS = {
    "answer": "answer",
    "follow-up": "follow_up",
    "appeal": "appeal",
    "escalate": "appeal_stage",
    "close-appeal": "close_appeal",
}
COMPLAINT_PAGE_BODIES = {
    "answer": {"answer": "已答复"},
    "follow-up": {"satisfied": "no", "outcome": "仍不满意"},
    "appeal": {"reference": "12300-9", "stage": "provincial"},
    "escalate": {"outcome": "调解无效", "stage": "ministry"},
    "close-appeal": {"outcome": "已结案"},
}
PAGES = {
    ("faults:queue", "view"): ALL_READ,
    ("faults:report", "view"): {"*": (200, 200), "viewer": (403, 403), "auditor": (403, 403), ANON: (LOGIN, LOGIN)},
    ("faults:report", "create"): as_page(CREATE),
    ("faults:events", "view"): ALL_READ,
    ("faults:detail", "view"): as_page(SEE, ok=200),
    **{("faults:act", slug): as_page(API[("fault", action)]) for slug, action in PAGE_ACTIONS.items()},
    ("faults:event", "view"): as_page(SEE, ok=200),
    ("faults:event-call", "create"): as_page(API[("event-call", "create")]),
    ("faults:contacts", "view"): ALL_READ,
    ("faults:contact-add", "create"): as_page(API[("duty-contact", "create")]),
    ("faults:contact-remove", "remove"): {
        "*": (403, 403),
        **{r: (302, 403) for r in ROSTER},
        ANON: (LOGIN, LOGIN),
    },  # fmt: skip
    # F2.5 problem pages (issue 15)
    ("faults:problems", "view"): ALL_READ,
    ("faults:problem-new", "view"): {
        **{role: both(200) if role in PROBLEM_CREATORS else both(403) for role in ROLES},
        ANON: (LOGIN, LOGIN),
    },
    ("faults:problem-new", "create"): as_page(API[("problem", "create")]),
    ("faults:problem", "view"): as_page(SEE, ok=200),
    **{("faults:problem-act", action): as_page(API[("problem", action)]) for action in ("link", "start", "close")},
    # Seed 002 rectification pages (issue 15)
    ("faults:rectifications", "view"): ALL_READ,
    ("faults:rectification-new", "view"): {
        **{role: both(200) if role in ISSUERS else both(403) for role in ROLES},
        ANON: (LOGIN, LOGIN),
    },
    ("faults:rectification-new", "create"): as_page(API[("rectification", "create")]),
    ("faults:rectification", "view"): as_page(SEE, ok=200),
    ("faults:rectification-evidence", "view"): as_page(SEE, ok=200),
    **{
        ("faults:rectification-act", action): as_page(API[("rectification", action)])
        for action in ("answer", "close", "reject")
    },
    # Issue 15 §4: the complaint pages (F2.9) take the API's answers; the event board's "apply suggestion"
    # is the event's apply-complaint-counts.
    ("faults:complaints", "view"): ALL_READ,
    ("faults:complaint-new", "view"): {
        "*": (200, 200),
        "viewer": (403, 403),
        "auditor": (403, 403),
        ANON: (LOGIN, LOGIN),
    },  # fmt: skip
    ("faults:complaint-new", "create"): as_page(CREATE),
    ("faults:complaint", "view"): as_page(SEE, ok=200),
    **{("faults:complaint-act", slug): as_page(API[("complaint", a)]) for slug, a in COMPLAINT_PAGE_ACTIONS.items()},
    ("faults:suggestion-apply", "apply"): as_page(API[("quality-event", "apply_complaint_counts")]),
}

# --- objects ----------------------------------------------------------------------------------------

_n = count(1)
T = FaultTicket.State
TICKET_STATE = {
    "acknowledge": T.REPORTED,
    "start": T.ACKNOWLEDGED,
    "workaround": T.IN_PROGRESS,
    "resolve": T.IN_PROGRESS,
    "close": T.RESOLVED,
    "reopen": T.RESOLVED,
    "helpers": T.IN_PROGRESS,
    "recovery_notice": T.RESOLVED,
    "explanation": T.RESOLVED,
    "problem": T.IN_PROGRESS,
}
E = QualityEvent.State
EVENT_STATE = {"report": E.DETECTED, "publish": E.REPORTED, "rectify": E.PUBLISHED, "close": E.RECTIFYING}
C = Complaint.State
COMPLAINT_STATE = {
    "answer": C.RECEIVED,
    "satisfaction": C.ANSWERED,
    "follow_up": C.ANSWERED,
    "appeal": C.ANSWERED,
    "appeal_stage": C.APPEALED,
    "close_appeal": C.APPEALED,
}
P = Problem.State
PROBLEM_STATE = {"start": P.OPEN, "close": P.IN_PROGRESS, "link": P.OPEN}


def make_ticket(world, dept, state=T.REPORTED):
    system = world.once(
        "system", lambda: InternalSystem.objects.create(code="pm-sys", name="矩阵系统", department=world.org["it"])
    )
    now = timezone.now()
    resolved = now if state in (T.RESOLVED, T.CLOSED) else None
    return FaultTicket.objects.create(
        title=f"故障{next(_n)}", system=system, category="application", level="B",
        handling_department=world.org[dept], description="无法登录", reported_at=now, state=state,
        resolved_at=resolved, resolution="已修复" if resolved else "",
    )  # fmt: skip


def make_problem(world, dept, state=P.OPEN):
    return Problem.objects.create(title=f"问题{next(_n)}", department=world.org[dept], state=state)


def make_event(world, dept, state=E.DETECTED):
    return QualityEvent.objects.create(
        title=f"事件{next(_n)}", category="network", source="complaints", business_department=world.org[dept],
        detected_at=timezone.now(), state=state, computed_level="yellow",
    )  # fmt: skip


def make_complaint(world, dept, state=C.RECEIVED):
    now = timezone.now()
    answered = now if state != C.RECEIVED else None
    return Complaint.objects.create(
        customer_name="王五", category="network", content="网速慢", department=world.org[dept], received_at=now,
        state=state, answer="已处理" if answered else "", answered_at=answered,
        appeal_reference="12300-1" if state == C.APPEALED else "", appealed_at=now if state == C.APPEALED else None,
    )  # fmt: skip


def make_reported_event(world, dept):
    event = make_event(world, dept, E.REPORTED)
    QualityEvent.objects.filter(pk=event.pk).update(reported_at=timezone.now())
    event.refresh_from_db()
    return event


def make_call(world, dept):
    return EventCall.objects.create(
        event=make_reported_event(world, dept), stage="report", department=world.org["custsvc"],
        called_name="王海燕", phone="139", called_at=timezone.now(), outcome="reached",
    )  # fmt: skip


def call_body(world, dept):
    return {
        "event": make_reported_event(world, dept).pk, "stage": "report", "department": world.org["custsvc"].pk,
        "outcome": "reached", "called_name": "王海燕", "phone": "139",
    }  # fmt: skip


R = RectificationNotice.State
RECTIFICATION_STATE = {"answer": R.ISSUED, "close": R.ANSWERED, "reject": R.ANSWERED}


def make_rectification(world, dept, action="read", evidence=False):
    """A notice to ``dept`` issued by 客户服务部 — or, for the issuer's actions (close, reject), one issued
    by a colleague of ``dept`` to 客户服务部."""
    issuer_side = action in ("close", "reject")
    issuing = dept if issuer_side else "custsvc"
    now = timezone.now()
    state = RECTIFICATION_STATE.get(action, R.ISSUED)
    notice = RectificationNotice.objects.create(
        title=f"整改{next(_n)}", content="限期整改", issued_by=world.colleague(issuing),
        issuing_department=world.org[issuing], to_department=world.org["custsvc" if issuer_side else dept],
        issued_at=now, due_at=now + timedelta(days=7), state=state,
        answer="已整改" if state == R.ANSWERED else "", answered_at=now if state == R.ANSWERED else None,
    )  # fmt: skip
    if evidence:
        notice.evidence_file.save("证据.pdf", ContentFile(b"%PDF-1.4"))
    return notice


MAKERS = {
    "duty-contact": lambda world, dept, action: DutyContact.objects.create(
        department=world.org[dept], name="接口人", phone="139"
    ),
    "event-call": lambda world, dept, action: make_call(world, dept),
    "fault": lambda world, dept, action: make_ticket(world, dept, TICKET_STATE.get(action, T.REPORTED)),
    "problem": lambda world, dept, action: make_problem(world, dept, PROBLEM_STATE.get(action, P.OPEN)),
    "quality-event": lambda world, dept, action: make_event(world, dept, EVENT_STATE.get(action, E.PUBLISHED)),
    "complaint": lambda world, dept, action: make_complaint(world, dept, COMPLAINT_STATE.get(action, C.RECEIVED)),
    "rectification": lambda world, dept, action: make_rectification(world, dept, action),
}


def body(world, basename, action, dept, obj):
    bodies = {
        "workaround": {"workaround": "切换备用链路"},
        "resolve": {"resolution": "更换板卡"},
        "helpers": {"departments": [world.org["line"].pk], "vendors": "华为"},
        "recovery_notice": {"body": "已恢复"},
        "explanation": {"body": "原因与措施"},
        "problem": {"title": "系统升级"},
        "script": {"script": "解释口径"},
        "cause_plan": {"text": "根因与投诉处理预案"},
        "rectify": {"plan": "整改方案"},
        "close_appeal": {"outcome": "已结案"},
        "answer": {"answer": "已答复"},
        "satisfaction": {"satisfied": False},
        "appeal": {"reference": "12300-9"},
        "follow_up": {"satisfied": False, "outcome": "仍不满意"},
        "appeal_stage": {"outcome": "调解无效", "stage": "ministry"},
        "figures": {"cities": 1},
    }
    if basename == "problem" and action == "link":
        return {"ticket": make_ticket(world, obj.department.code, T.IN_PROGRESS).pk}
    if basename == "problem" and action == "close":
        return {"root_cause": "固件缺陷", "fix": "升级固件", "conclusion": "已升级"}
    if basename == "problem" and action == "start":
        return {"plan": "分批升级"}
    if basename == "rectification":
        return {"answer": {"answer": "已整改"}, "reject": {"reason": "缺少记录"}}.get(action, {"comment": "到位"})
    if basename == "quality-event" and action == "close":
        return {"result": "整改完成"}
    return bodies.get(action, {})


def create_body(world, basename, dept):
    if basename == "duty-contact":
        return {"department": world.org[dept].pk, "name": "接口人", "phone": "139"}
    if basename == "event-call":
        return call_body(world, dept)
    if basename == "fault":
        system = world.once(
            "system", lambda: InternalSystem.objects.create(code="pm-sys", name="矩阵系统", department=world.org["it"])
        )
        return {
            "title": "系统故障", "description": "无法登录", "category": "application", "system": system.pk,
            "handling_department": world.org[dept].pk,
        }  # fmt: skip
    if basename == "problem":
        return {"title": "固件缺陷", "department": world.org[dept].pk}
    if basename == "rectification":
        return {"to_department": world.org["custsvc"].pk, "title": "巡检问题", "content": "限期整改"}
    if basename == "quality-event":
        return {
            "title": "网络质量事件",
            "category": "network",
            "source": "complaints",
            "business_department": world.org[dept].pk,
        }
    return {"customer_name": "王五", "category": "network", "content": "网速慢", "department": world.org[dept].pk}


def prepare_api(world, basename, action, dept, user, which, variant=None):
    if variant == "naming a ticket":
        ticket = make_ticket(world, dept, T.IN_PROGRESS)
        return Call(body={**create_body(world, basename, dept), "ticket": ticket.pk})
    if variant == "another department's ticket":
        home = user.department.code if user is not None else "nmc"
        problem = make_problem(world, home, P.OPEN)
        ticket = make_ticket(world, home if which == "own" else OTHER, T.IN_PROGRESS)
        return Call(obj=problem, body={"ticket": ticket.pk})
    if action in ("list", "retrieve", "notices", "daily"):
        obj = world.once(("read", basename, dept), lambda: MAKERS[basename](world, dept, "read"))
        return Call(obj=obj, listed=obj if action == "list" else None)
    if action == "create":
        return Call(body=create_body(world, basename, dept))
    obj = MAKERS[basename](world, dept, action)
    return Call(obj=obj, body=body(world, basename, action, dept, obj))


def prepare_page(world, name, action, dept, user, which):
    if name == "faults:report" and action == "create":
        # The form offers back-office and support departments only: report to IT's system team.
        return [], {**create_body(world, "fault", "it"), "level": "B"}
    if name == "faults:event":
        return [world.once(("read", "quality-event", dept), lambda: make_event(world, dept)).pk], None
    if name == "faults:event-call":
        payload = call_body(world, dept)
        return [payload.pop("event")], payload
    if name == "faults:contact-add":
        return [], create_body(world, "duty-contact", dept)
    if name == "faults:contact-remove":
        return [MAKERS["duty-contact"](world, dept, "remove").pk], {}
    if name == "faults:complaint-new" and action == "create":
        return [], {**create_body(world, "complaint", dept), "channel": "hotline"}
    if name == "faults:complaint":
        return [world.once(("read", "complaint", dept), lambda: make_complaint(world, dept)).pk], None
    if name == "faults:complaint-act":
        complaint = make_complaint(world, dept, COMPLAINT_STATE[COMPLAINT_PAGE_ACTIONS[action]])
        return [complaint.pk, action], COMPLAINT_PAGE_BODIES[action]
    if name == "faults:suggestion-apply":
        event = make_event(world, dept, E.PUBLISHED)
        suggestion = EventLevelSuggestion.objects.create(
            event=event, day=timezone.localdate(), suggested_level="yellow", reason="矩阵"
        )
        return [suggestion.pk], {}
    if name == "faults:detail":
        return [world.once(("read", "fault", dept), lambda: make_ticket(world, dept)).pk], None
    if name == "faults:act":
        api_action = PAGE_ACTIONS[action]
        ticket = make_ticket(world, dept, TICKET_STATE[api_action])
        return [ticket.pk, action], {**body(world, "fault", api_action, dept, ticket), "comment": "矩阵"}
    if name == "faults:problem-new" and action == "create":
        return [], create_body(world, "problem", dept)
    if name == "faults:problem":
        return [world.once(("read", "problem", dept), lambda: make_problem(world, dept)).pk], None
    if name == "faults:problem-act":
        problem = make_problem(world, dept, PROBLEM_STATE[action])
        post = body(world, "problem", action, dept, problem)
        if action == "link":
            post = {"ticket": FaultTicket.objects.get(pk=post["ticket"]).number}
        return [problem.pk, action], post
    if name == "faults:rectification-new" and action == "create":
        return [], create_body(world, "rectification", dept)
    if name == "faults:rectification":
        return [world.once(("read", "rectification", dept), lambda: make_rectification(world, dept)).pk], None
    if name == "faults:rectification-evidence":
        notice = world.once(("file", dept), lambda: make_rectification(world, dept, evidence=True))
        return [notice.pk], None
    if name == "faults:rectification-act":
        notice = make_rectification(world, dept, action)
        return [notice.pk, action], body(world, "rectification", action, dept, notice)
    return [], None


@pytest.fixture
def world(org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path  # the evidence files of rectification notices
    return make_world(org)


def test_every_faults_endpoint_is_in_the_matrix():
    missing, missing_pages = missing_rows(APPS, API, PAGES)
    assert not missing, f"add rows to API for {missing}"
    assert not missing_pages, f"add rows to PAGES for {missing_pages}"


def test_faults_permission_matrix_of_every_role_endpoint_action_and_department(world, client, capsys, record_property):
    """Issue 5 / F2.1–F2.9: who may see and act on fault tickets, problems, events and complaints."""
    run_matrix(
        app="faults",
        world=world,
        client=client,
        api_table=API,
        page_table=PAGES,
        prepare_api=prepare_api,
        prepare_page=prepare_page,
        capsys=capsys,
        record_property=record_property,
    )
