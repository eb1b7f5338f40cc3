"""The monthly response report (月响应通报, SPEC R1.22) on one hand-built month, October 2026.

Every figure is checked cell by cell against a literal table, on the page, in the Excel file and in
the API. Steps of 网络监控中心/线路维护中心/网络建设部 go through the real workflow (their overtime flag
comes from ``step_return``'s R1.8/R1.9 rules); quota downgrades (R1.4), unsigned A orders (R1.5), the
missing requisition (R1.7), unused circuits (R1.17) and non-cooperation (R1.6/R1.7) are all present.
"""

import io
from datetime import date, datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser

import openpyxl
import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from billing.models import Service
from responses import handlers, selectors, services
from responses.models import MonthReport, Order, WorkStep
from sla.services import month_close

from .factories import CustomerFactory, make_order

pytestmark = pytest.mark.django_db

OCT = date(2026, 10, 1)


def local(*args):
    return timezone.make_aware(datetime(*args))


# --- the fixture month ---------------------------------------------------------------------------


def _workflow_order(people, cat, org, number, level, at, *, steps, sign=False):
    """Submit (and sign), accept and dispatch an order at ``at`` through the services."""
    with time_machine.travel(at, tick=False):
        order = make_order(
            people["zq_admin"], cat["phone"], level=level, customer=CustomerFactory(name=f"客户{number}")
        )
        Order.objects.filter(pk=order.pk).update(number=number)
        order = services.order_submit(order=order, by=people["zq_admin"], at=at)
        if sign:
            order = services.order_sign(order=order, by=people["zq_director"], at=at)
        order = services.order_accept(order=order, by=people["dispatcher"], at=at)
        services.order_dispatch(order=order, by=people["dispatcher"], steps=[(org[d], "工序") for d in steps], at=at)
    return order


def _return(order, position, member, *, finished_at, returned_at, unfinished=False):
    """Accept the step when it was dispatched, return it at ``returned_at`` (the real R1.8/R1.9 rule)."""
    step = WorkStep.objects.get(order=order, position=position)
    with time_machine.travel(step.dispatched_at, tick=False):
        step = services.step_accept(step=step, by=member, at=step.dispatched_at)
    with time_machine.travel(returned_at, tick=False):
        return services.step_return(
            step=step, by=member, finished_at=finished_at, unfinished=unfinished, at=returned_at
        )


def _direct_order(people, org, number, front, level, submitted_at, state="archived", **fields):
    """An order written directly (the parts of the month where the workflow adds nothing)."""
    admin = {"public": "gz_admin"}.get(front, "zq_admin")
    return Order.objects.create(
        number=number,
        front_department=org[front],
        customer=fields.pop("customer", None) or CustomerFactory(name=f"客户{number}"),
        business_type_id=fields.pop("business_type_id"),
        level=level,
        location="城南路 8 号",
        contact_person="李先生",
        contact_phone="13800000000",
        state=state,
        created_by=people[admin],
        submitted_at=submitted_at,
        **fields,
    )


def _direct_step(order, position, department, *, due_at, finished_at, returned_at, overtime):
    return WorkStep.objects.create(
        order=order,
        position=position,
        department=department,
        title="工序",
        state=WorkStep.State.RETURNED,
        dispatched_at=due_at - timedelta(days=2),
        due_at=due_at,
        finished_at=finished_at,
        returned_at=returned_at,
        overtime=overtime,
        assessed_overtime=overtime,  # assessed as served: these orders keep their level
    )


@pytest.fixture
def month(people, cat, org):
    """October 2026: about 30 orders with known outcomes; the quota is decided as at month close."""
    nmc, line, build = people["jk_member"], people["xl_admin"], people["js_member"]
    phone = cat["phone"].pk
    # 网络监控中心, level A: one on time, one finished 3 h after the limit (R1.8).
    t01 = _workflow_order(people, cat, org, "T01", "A", local(2026, 10, 12, 10), steps=["nmc"], sign=True)
    _return(t01, 1, nmc, finished_at=local(2026, 10, 13, 8), returned_at=local(2026, 10, 13, 8, 30))
    # T02: an A order never signed off (R1.5: assessed on B, 政企客户部 named).
    t02 = _workflow_order(people, cat, org, "T02", "A", local(2026, 10, 14, 10), steps=["nmc"])
    _return(t02, 1, nmc, finished_at=local(2026, 10, 15, 13), returned_at=local(2026, 10, 15, 14))
    # Level C: finished in time but returned after 09:00 the next day (R1.9), then 线路维护中心 on time.
    t03 = _workflow_order(people, cat, org, "T03", "C", local(2026, 10, 12, 11), steps=["nmc", "line"])
    _return(t03, 1, nmc, finished_at=local(2026, 10, 13, 10), returned_at=local(2026, 10, 14, 10))
    _return(t03, 2, line, finished_at=local(2026, 10, 15, 10), returned_at=local(2026, 10, 15, 11))
    # 18 h late.
    t04 = _workflow_order(people, cat, org, "T04", "C", local(2026, 10, 19, 9), steps=["nmc"])
    _return(t04, 1, nmc, finished_at=local(2026, 10, 23, 3), returned_at=local(2026, 10, 23, 4))
    # On time, then 网络建设部 returns its step unfinished (R1.9 overtime, no actual completion time).
    t05 = _workflow_order(people, cat, org, "T05", "C", local(2026, 10, 20, 9), steps=["nmc", "netbuild"])
    _return(t05, 1, nmc, finished_at=local(2026, 10, 21, 9), returned_at=local(2026, 10, 21, 10))
    _return(t05, 2, build, finished_at=None, unfinished=True, returned_at=local(2026, 10, 22, 10))
    for steps in WorkStep.objects.filter(order__number__in=["T01", "T02", "T03", "T04", "T05"]):
        assert steps.state == WorkStep.State.RETURNED
    # T06: an important order without a prior requisition finds no resources (R1.7).
    with time_machine.travel(local(2026, 10, 16, 10), tick=False):
        t06 = make_order(people["zq_admin"], cat["phone"], level="B", is_important=True,
                         customer=CustomerFactory(name="客户T06"))  # fmt: skip
        Order.objects.filter(pk=t06.pk).update(number="T06")
        t06 = services.order_submit(order=t06, by=people["zq_admin"])
        services.order_mark_no_resources(order=t06, by=people["dispatcher"])
    # T07: sent back for clarification (R1.6): the delay is 政企客户部's.
    with time_machine.travel(local(2026, 10, 16, 12), tick=False):
        t07 = make_order(people["zq_admin"], cat["phone"], customer=CustomerFactory(name="客户T07"))
        Order.objects.filter(pk=t07.pk).update(number="T07")
        t07 = services.order_submit(order=t07, by=people["zq_admin"])
        services.order_return_for_clarification(order=t07, by=people["dispatcher"], reason="地址不清")
    # T08 waits for sign-off at the end of the month; T09 is a draft; T10 was cancelled; T11 is September's.
    for number, at in (("T08", local(2026, 10, 26, 10)), ("T10", local(2026, 10, 27, 10)), ("T11", local(2026, 9, 20))):
        with time_machine.travel(at, tick=False):
            order = make_order(
                people["zq_admin"], cat["phone"], level="A", customer=CustomerFactory(name=f"客户{number}")
            )
            Order.objects.filter(pk=order.pk).update(number=number)
            order = services.order_submit(order=order, by=people["zq_admin"])
            if number == "T10":
                services.order_cancel(order=order, by=people["zq_admin"])
    make_order(people["zq_admin"], cat["phone"], level="A")
    # 公众客户部: 11 orders, so at most 1 A and 2 B within the quota (R1.4).
    levels = ["A", "A", "B", "B", "B", "C", "C", "C", "C", "C", "A"]
    for i, level in enumerate(levels):
        number = f"T{12 + i}"
        unsigned = number == "T22"
        _direct_order(
            people, org, number, "public", level, local(2026, 10, 1 + i, 10), business_type_id=phone,
            state="awaiting_signoff" if unsigned else "archived",
            signed_at=local(2026, 10, 1 + i, 11) if level == "A" and not unsigned else None,
        )  # fmt: skip
    # R1.17: circuits opened long ago and never used, against the department that raised them.
    for number, front, activated, used in (
        ("T23", "hotline", date(2026, 7, 1), None),
        ("T24", "hotline", date(2026, 9, 15), None),  # too recent
        ("T25", "public", date(2026, 5, 1), date(2026, 6, 1)),  # used
        ("T26", "market", date(2026, 6, 1), None),
    ):
        customer = CustomerFactory(name=f"客户{number}")
        service = Service.objects.create(
            code=f"CIR-{number}", customer=customer, product="专线", state="active", activated_on=activated
        )
        _direct_order(
            people, org, number, front, "C", local(2026, 5, 20), business_type_id=phone, customer=customer,
            service=service, circuit_first_used_on=used,
        )  # fmt: skip
    # Steps of September orders returned in October (and outside it, at the month's local edges).
    t27 = _direct_order(people, org, "T27", "market", "B", local(2026, 9, 28), business_type_id=phone)
    _direct_step(t27, 1, org["line"], due_at=local(2026, 10, 12, 12), finished_at=local(2026, 10, 12, 9),
                 returned_at=local(2026, 10, 12, 10), overtime=False)  # fmt: skip
    _direct_step(t27, 2, org["netbuild"], due_at=local(2026, 10, 14, 12), finished_at=local(2026, 10, 14, 17, 30),
                 returned_at=local(2026, 10, 14, 18), overtime=True)  # fmt: skip
    t28 = _direct_order(people, org, "T28", "market", "C", local(2026, 9, 25), business_type_id=phone)
    _direct_step(t28, 1, org["line"], due_at=local(2026, 9, 30, 12), finished_at=local(2026, 9, 30, 23),
                 returned_at=local(2026, 9, 30, 23, 59), overtime=True)  # fmt: skip
    _direct_step(t28, 2, org["line"], due_at=local(2026, 10, 31, 12), finished_at=local(2026, 11, 1, 0, 10),
                 returned_at=local(2026, 11, 1, 0, 30), overtime=True)  # fmt: skip
    # Issue 13 §4: the Center names a back-office department for non-cooperation on T03's second step,
    # charges lost equipment to 政企客户部 and records 网络监控中心's order admin as unreachable.
    with time_machine.travel(local(2026, 10, 20, 15), tick=False):
        center = people["dispatcher"]
        services.noncooperation_record(order=t03, by=center, department=org["line"], step=t03.steps.get(position=2),
                                       reason="未按约到场", evidence="现场照片")  # fmt: skip
        services.lost_equipment_record(order=t01, by=center, item="光猫", quantity=1, amount=Decimal("350.00"))
        services.admin_unreachable_record(order=t04, by=center, department=org["nmc"], person=people["jk_admin"],
                                          tried_at=local(2026, 10, 19, 22), note="夜间电话无人接听")  # fmt: skip
    handlers.decide_quota(OCT)  # the R1.4 determination, as at month close (without freezing the report)
    return OCT


R15 = "A order not signed off (R1.5)"
R14 = "over the monthly level quota (R1.4)"
R17 = "no prior resource requisition: new-build limit, front department responsible (R1.7)"


def expected_tables() -> dict[str, list[list[str]]]:
    """The literal report of October 2026 as the page shows it."""
    total = gettext("Total")
    reason = {k: gettext(v) for k, v in {"R15": R15, "R14": R14, "R17": R17}.items()}
    return {
        "handled": [
            # department, level, handled, on time / overtime / rate on the ASSESSED limit, on time / overtime
            # on the served limit, lateness on the assessed limit. T02 (unsigned A, R1.5) finished 3 h after
            # A's limit but within B's: on time as assessed, overtime as served.
            ["网络监控中心", "A", "2", "2", "0", "100.0", "1", "1", "0.00", "0.00"],
            ["网络监控中心", "C", "3", "1", "2", "33.3", "1", "2", "18.00", "18.00"],
            ["网络监控中心", total, "5", "3", "2", "60.0", "2", "3", "18.00", "18.00"],
            ["线路维护中心", "B", "1", "1", "0", "100.0", "1", "0", "0.00", "0.00"],
            ["线路维护中心", "C", "1", "1", "0", "100.0", "1", "0", "0.00", "0.00"],
            ["线路维护中心", total, "2", "2", "0", "100.0", "2", "0", "0.00", "0.00"],
            ["网络建设部", "B", "1", "0", "1", "0.0", "0", "1", "5.50", "5.50"],
            ["网络建设部", "C", "1", "0", "1", "0.0", "0", "1", "0.00", "0.00"],
            ["网络建设部", total, "2", "0", "2", "0.0", "0", "2", "5.50", "5.50"],
        ],
        "downgrades": [
            ["T13", "公众客户部", "客户T13", "A", "B", reason["R14"]],
            ["T16", "公众客户部", "客户T16", "B", "C", reason["R14"]],
            ["T22", "公众客户部", "客户T22", "A", "B", f"{reason['R15']}; {reason['R14']}"],
            ["T02", "政企客户部", "客户T02", "A", "B", reason["R15"]],
            ["T06", "政企客户部", "客户T06", "B", "B", reason["R17"]],
            ["T08", "政企客户部", "客户T08", "A", "B", reason["R15"]],
        ],
        "unsigned_a": [["政企客户部", "2", "T02、T08"], ["公众客户部", "1", "T22"]],
        "unused_circuits": [["10000号", "1", "CIR-T23 (T23)"], ["市场拓展部", "1", "CIR-T26 (T26)"]],
        "non_cooperation": [["政企客户部", "2", "T06、T07"], ["线路维护中心", "1", "T03"]],
        "non_cooperation_records": [["T03", "2", "线路维护中心", "未按约到场", "现场照片", "2026-10-20 15:00"]],
        "lost_equipment": [["T01", "政企客户部", "光猫", "1", "350.00", "2026-10-20 15:00"]],
        "admin_unreachable": [["T04", "网络监控中心", "jk_admin", "2026-10-19 22:00", "夜间电话无人接听"]],
    }


class _Tables(HTMLParser):
    """Cells of every ``<table data-section=…>`` of the page."""

    def __init__(self):
        super().__init__()
        self.tables, self.section, self.row, self.cell = {}, None, None, None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table" and "data-section" in attrs:
            self.section = attrs["data-section"]
            self.tables[self.section] = []
        elif tag == "tr" and self.section:
            self.row = []
        elif tag == "td" and self.row is not None:
            self.cell = ""

    def handle_data(self, data):
        if self.cell is not None:
            self.cell += data

    def handle_endtag(self, tag):
        if tag == "td" and self.cell is not None:
            self.row.append(self.cell.strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            if self.row:
                self.tables[self.section].append(self.row)
            self.row = None
        elif tag == "table":
            self.section = None


def page_tables(client, month="2026-10"):
    response = client.get(reverse("responses:report"), {"month": month})
    assert response.status_code == 200
    parser = _Tables()
    parser.feed(response.content.decode())
    return parser.tables


def _number_or_text(value) -> str:
    """Excel holds numbers (0.0 comes back as 0): compare numbers to two places, text as it is."""
    if value is None:
        return ""
    try:
        return f"{float(value):.2f}"
    except ValueError:
        return str(value)


# --- the report, cell by cell --------------------------------------------------------------------


def test_r1_22_report_page_cell_by_cell(client, people, month):
    """R1.22 (with R1.4, R1.5, R1.7, R1.17): every table of the page, every cell."""
    client.force_login(people["viewer"])
    assert page_tables(client) == expected_tables()


def test_r1_22_report_excel_one_sheet_per_section_cell_by_cell(client, people, month):
    client.force_login(people["viewer"])
    response = client.get(reverse("responses:report-export"), {"month": "2026-10"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == [
        "处理情况", "降级考核", "未签发A级定单", "未使用电路", "不配合情况", "不配合记录", "丢失设备赔偿",
        "业务响应管理员联络不上",
    ]  # fmt: skip
    expected = expected_tables()
    for sheet, name in zip(book.worksheets, expected, strict=True):
        rows = [[_number_or_text(c) for c in row] for row in sheet.iter_rows(values_only=True)]
        assert all(cell.font.bold for cell in sheet[1])
        assert rows[0][0] in ("部门", "定单号", "发起部门", "责任部门")
        assert rows[1:] == [[_number_or_text(c) for c in row] for row in expected[name]], name
        assert sheet.column_dimensions["A"].width >= 8
    handled = book.worksheets[0]
    assert [c.value for c in handled[1]] == [
        "部门", "等级", "处理数", "按时(考核时限)", "超时(考核时限)", "按时率(%)", "按时(服务时限)", "超时(服务时限)",
        "平均超时(小时)", "最长超时(小时)",
    ]  # fmt: skip


def test_r1_22_report_api_json(client, people, month):
    client.force_login(people["auditor"])
    response = client.get("/api/v1/reports/monthly/", {"month": "2026-10"})
    assert response.status_code == 200
    data = response.json()
    assert data["month"] == "2026-10" and data["frozen_at"] is None
    expected = expected_tables()
    total = gettext("Total")
    handled = [
        [r["department"], total if r["level"] == "total" else r["level"], str(r["handled"]), str(r["on_time"]),
         str(r["overtime"]), r["on_time_rate"], str(r["served_on_time"]), str(r["served_overtime"]),
         r["avg_late_hours"], r["worst_late_hours"]]
        for r in data["handled"]
    ]  # fmt: skip
    assert handled == expected["handled"]
    assert [
        [r["number"], r["front_department"], r["customer"], r["level"], r["assessed_level"], r["reason"]]
        for r in data["downgrades"]
    ] == expected["downgrades"]
    for name in ("unsigned_a", "unused_circuits", "non_cooperation"):
        assert [[r["department"], str(r["count"]), "、".join(r["numbers"])] for r in data[name]] == expected[name]
    assert data["handled"][0]["department_code"] == "nmc"
    # Issue 13 §4: non-cooperation of a back-office department, lost equipment, an unreachable admin.
    assert data["non_cooperation"][1] | {"numbers": None} == {
        "department_code": "line", "department": "线路维护中心", "count": 1, "numbers": None,
    }  # fmt: skip
    assert data["non_cooperation_records"] == [
        {"number": "T03", "department_code": "line", "department": "线路维护中心", "step": 2, "reason": "未按约到场",
         "evidence": "现场照片", "recorded_at": "2026-10-20 15:00"},
    ]  # fmt: skip
    assert (
        data["lost_equipment"][0]["amount"] == "350.00"
        and data["lost_equipment"][0]["department_code"] == "gov_enterprise"
    )
    assert data["admin_unreachable"][0]["person"] == "jk_admin"


# --- month close, errors, permissions, queries ---------------------------------------------------


def test_r1_22_month_close_freezes_the_report_and_reclosing_replaces_it(client, people, month):
    client.force_login(people["viewer"])
    month_close(month=OCT)
    snapshot = MonthReport.objects.get(month=OCT)
    assert selectors.month_report(year=2026, month=10).frozen_at == snapshot.frozen_at
    # Afterwards the data changes: a circuit gets used, T04's lateness is corrected, T07 is reassigned.
    Order.objects.filter(number="T23").update(circuit_first_used_on=date(2026, 11, 2))
    WorkStep.objects.filter(order__number="T04").update(
        finished_at=local(2026, 10, 22, 8), overtime=False, assessed_overtime=False
    )
    Order.objects.filter(number="T07").update(responsible_department=None)
    assert page_tables(client) == expected_tables()
    frozen = client.get("/api/v1/reports/monthly/", {"month": "2026-10"}).json()
    assert frozen["frozen_at"] and frozen["handled"][1]["avg_late_hours"] == "18.00"
    live = selectors.month_report_live(year=2026, month=10)
    assert [r["count"] for r in live.unused_circuits] == [1]
    # Re-closing the month replaces its snapshot with the current figures.
    month_close(month=OCT)
    assert MonthReport.objects.count() == 1
    tables = page_tables(client)
    assert tables["handled"][1] == ["网络监控中心", "C", "3", "2", "1", "66.7", "2", "1", "0.00", "0.00"]
    assert tables["unused_circuits"] == [["市场拓展部", "1", "CIR-T26 (T26)"]]
    assert tables["non_cooperation"] == [["政企客户部", "1", "T06"], ["线路维护中心", "1", "T03"]]


def test_r1_22_report_is_frozen_after_the_quota_decision():
    from sla.hooks import month_close_handlers

    order = month_close_handlers()
    assert order.index(handlers.decide_quota) < order.index(handlers.freeze_month_report)


def test_r1_22_snapshot_keeps_decimals(month):
    report = selectors.month_report_live(year=2026, month=10)
    again = selectors.MonthReport.from_json(report.to_json())
    assert again.handled == report.handled and again.downgrades == report.downgrades


def test_r1_22_bad_month_is_refused(client, people, org):
    client.force_login(people["viewer"])
    response = client.get("/api/v1/reports/monthly/", {"month": "2026-13x"})
    assert response.status_code == 400
    assert "month" in response.json()["fields"]
    assert client.get("/api/v1/reports/monthly/", {"month": "10/2026"}).status_code == 400
    assert client.get(reverse("responses:report"), {"month": "oct"}).status_code == 400
    assert client.get(reverse("responses:report-export"), {"month": "2026-1"}).status_code == 400


def test_r1_22_default_month_is_the_previous_one(client, people, org):
    with time_machine.travel(local(2027, 1, 15, 10), tick=False):
        client.force_login(people["viewer"])  # sessions last 8 hours
        assert client.get("/api/v1/reports/monthly/").json()["month"] == "2026-12"
        assert 'value="2026-12"' in client.get(reverse("responses:report")).content.decode()


@pytest.mark.parametrize("user", ["zq_admin", "jk_member"])
def test_r1_22_report_refused_to_front_and_back_office_staff(client, people, org, user):
    client.force_login(people[user])
    assert client.get(reverse("responses:report")).status_code == 403
    assert client.get(reverse("responses:report-export")).status_code == 403
    assert client.get("/api/v1/reports/monthly/").status_code == 403


@pytest.mark.parametrize("user", ["viewer", "dispatcher", "auditor", "zq_director"])
def test_r1_22_report_open_to_the_dashboard_roles(client, people, org, user):
    client.force_login(people[user])
    assert client.get(reverse("responses:report")).status_code == 200
    assert client.get("/api/v1/reports/monthly/").status_code == 200


def test_r1_22_report_query_count_is_fixed(people, month, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        report = selectors.month_report(year=2026, month=10)
    assert len(report.handled) == 9
    month_close(month=OCT)
    with django_assert_max_num_queries(1):
        selectors.month_report(year=2026, month=10)
