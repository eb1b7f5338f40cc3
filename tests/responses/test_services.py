"""Business-response order rules R1.1–R1.21 (services level)."""

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from billing.models import Service
from responses import selectors, services
from responses.models import Attachment, EquipmentReport, Order, Requisition, SpecialOrder, WorkStep
from sla import services as sla
from sla.models import AuditEntry, Deadline, DeadlineEvent
from sla.selectors import deadlines_of
from sla.workflow import TransitionConflict, TransitionForbidden

from .factories import CustomerFactory, make_order, order_data

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")


def local(*args):
    return datetime(*args, tzinfo=SH)


def submitted(people, cat, level="C", **kw):
    order = make_order(people["zq_admin"], cat["phone"], level=level, **kw)
    order = services.order_submit(order=order, by=people["zq_admin"])
    if level == "A" and kw.pop("_sign", True):
        order = services.order_sign(order=order, by=people["zq_director"])
    return order


def dispatched(people, cat, org, level="B", **kw):
    order = submitted(people, cat, level=level, **kw)
    order = services.order_accept(order=order, by=people["dispatcher"])
    return services.order_dispatch(
        order=order, by=people["dispatcher"], steps=[(org["nmc"], "端口配置"), (org["line"], "线路施工")]
    )


# --- R1.1 content --------------------------------------------------------------------


def test_r1_1_missing_fields_are_named_and_nothing_is_saved(people, cat):
    data = order_data(cat["data-line"], contact_phone="", agreement_ref="")
    with pytest.raises(ValidationError) as exc:
        services.order_create(by=people["zq_admin"], data=data)
    assert set(exc.value.message_dict) == {"contact_phone", "agreement_ref"}
    assert Order.objects.count() == 0


def test_r1_1_expansion_needs_fill_rate_and_quantity_to_add(people, cat):
    with pytest.raises(ValidationError) as exc:
        make_order(people["zq_admin"], cat["expansion"])
    assert set(exc.value.message_dict) == {"fill_rate", "quantity_to_add"}
    order = make_order(people["zq_admin"], cat["expansion"], fill_rate=Decimal("85.5"), quantity_to_add=100)
    assert order.fill_rate == Decimal("85.5")


def test_r1_1_complex_type_needs_an_attachment_to_submit(people, cat):
    order = make_order(people["zq_admin"], cat["hotel"])
    with pytest.raises(ValidationError) as exc:
        services.order_submit(order=order, by=people["zq_admin"])
    assert "attachments" in exc.value.message_dict
    order.refresh_from_db()
    assert order.state == Order.State.DRAFT
    services.attachment_add(order=order, by=people["zq_admin"], file=SimpleUploadedFile("plan.pdf", b"%PDF-1.4 test"))
    assert services.order_submit(order=order, by=people["zq_admin"]).state == Order.State.SUBMITTED


def test_r1_1_attachment_type_and_size_are_limited(people, cat, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    order = make_order(people["zq_admin"], cat["hotel"])
    with pytest.raises(ValidationError):
        services.attachment_add(order=order, by=people["zq_admin"], file=SimpleUploadedFile("x.exe", b"MZ"))
    big = SimpleUploadedFile("big.pdf", b"0" * (10 * 1024 * 1024 + 1))
    with pytest.raises(ValidationError):
        services.attachment_add(order=order, by=people["zq_admin"], file=big)
    assert Attachment.objects.count() == 0


# --- R1.2 who submits ----------------------------------------------------------------


def test_r1_2_only_the_front_admin_of_the_department_submits(people, cat):
    with pytest.raises(TransitionForbidden):
        make_order(people["jk_member"], cat["phone"])
    order = make_order(people["zq_admin"], cat["phone"])
    with pytest.raises(TransitionForbidden):
        services.order_submit(order=order, by=people["gz_admin"])
    with pytest.raises(ValidationError) as exc:
        make_order(people["zq_admin"], cat["residential-wiring"])
    assert "business_type" in exc.value.message_dict
    assert make_order(people["gz_admin"], cat["residential-wiring"]).front_department.code == "public"


# --- R1.3 limits ---------------------------------------------------------------------


def test_r1_3_level_limit_in_calendar_time_wins_over_requested_time(people, cat):
    friday = local(2026, 11, 20, 10, 0)
    with time_machine.travel(friday, tick=False):
        order = submitted(people, cat, level="B", requested_completion_at=friday + timedelta(days=30))
    (deadline,) = deadlines_of(order)
    assert deadline.kind == "order-provisioning" and deadline.level == "B"
    assert deadline.due_at == friday + timedelta(days=5)  # rest days count
    assert order.due_at == deadline.due_at != order.requested_completion_at


def test_r1_3_each_step_has_its_own_resource_limit(people, cat, org):
    order = dispatched(people, cat, org, level="A")
    first = order.steps.get(position=1)
    assert first.state == WorkStep.State.DISPATCHED
    (deadline,) = deadlines_of(first)
    assert deadline.kind == "step-resource" and deadline.level == "A"
    assert deadline.due_at - deadline.started_at == timedelta(days=1)
    assert deadline.assessed_department == org["nmc"]


# --- R1.4 quota ----------------------------------------------------------------------


def _month_of_orders(people, cat, department_admin, levels, day=None):
    day = day or local(2026, 10, 5, 9, 0)
    orders = []
    for i, level in enumerate(levels):
        with time_machine.travel(day + timedelta(minutes=i), tick=False):
            order = make_order(department_admin, cat["phone"], level=level)
            orders.append(services.order_submit(order=order, by=department_admin))
    return orders


def test_r1_4_quota_boundaries_10_and_20_percent(people, cat, org):
    # 公众客户部, 50 orders: A ≤ 5 (10%), B ≤ 10 (20%).
    levels = ["A"] * 6 + ["B"] * 11 + ["C"] * 33
    orders = _month_of_orders(people, cat, people["gz_admin"], levels)
    for order in orders[:6]:
        services.order_sign(order=order, by=people["gz_leader"])
    usage = services.month_close_quota(department=org["public"], year=2026, month=10)
    assert (usage.total, usage.a_limit, usage.b_limit) == (50, 5, 10)
    orders = {o.pk: o for o in Order.objects.all()}
    a_orders = [orders[o.pk] for o in _sorted(orders, "A")]
    b_orders = [orders[o.pk] for o in _sorted(orders, "B")]
    assert [o.over_quota for o in a_orders] == [False] * 5 + [True]  # the 6th A, in submission order
    assert a_orders[5].assessed_level == "B" and a_orders[4].assessed_level == "A"
    assert "R1.4" in a_orders[5].assessment_reason
    assert [o.over_quota for o in b_orders] == [False] * 10 + [True]
    assert b_orders[10].assessed_level == "C" and b_orders[10].level == "B"  # still served at B
    assert all(o.quota_decided for o in orders.values())


def _sorted(orders, level):
    return sorted((o for o in orders.values() if o.level == level), key=lambda o: (o.submitted_at, o.pk))


def test_r1_4_gov_enterprise_may_always_issue_6_a_orders(people, cat, org):
    orders = _month_of_orders(people, cat, people["zq_admin"], ["A"] * 7 + ["C"] * 13)
    for order in orders[:7]:
        services.order_sign(order=order, by=people["zq_director"])
    usage = services.month_close_quota(department=org["gov_enterprise"], year=2026, month=10)
    assert usage.a_limit == 6  # 10% of 20 would be 2
    flags = list(Order.objects.filter(level="A").order_by("submitted_at").values_list("over_quota", flat=True))
    assert flags == [False] * 6 + [True]


def test_r1_4_live_usage_warns_before_an_over_quota_submission(people, cat, org):
    _month_of_orders(people, cat, people["gz_admin"], ["C"] * 9, day=timezone.now() - timedelta(minutes=30))
    usage = services.quota_usage(department=org["public"], adding="A")
    assert (usage.total, usage.a_count, usage.a_limit) == (10, 1, 1) and not usage.a_over
    _month_of_orders(people, cat, people["gz_admin"], ["A"], day=timezone.now() - timedelta(minutes=5))
    assert services.quota_usage(department=org["public"], adding="A").a_over


# --- R1.5 sign-off -------------------------------------------------------------------


def test_r1_5_a_order_needs_the_director_and_unsigned_is_assessed_on_b(people, cat):
    order = services.order_submit(order=make_order(people["zq_admin"], cat["phone"], level="A"), by=people["zq_admin"])
    assert order.state == Order.State.AWAITING_SIGNOFF
    with pytest.raises(TransitionForbidden):
        services.order_sign(order=order, by=people["gz_leader"])  # another department's leader
    unsigned = services.order_accept(order=order, by=people["dispatcher"])
    assert unsigned.level == "A" and unsigned.assessed_level == "B"
    assert "R1.5" in unsigned.assessment_reason

    other = services.order_submit(order=make_order(people["zq_admin"], cat["phone"], level="A"), by=people["zq_admin"])
    signed = services.order_sign(order=other, by=people["zq_director"])
    assert signed.state == Order.State.SUBMITTED and signed.signed_by == people["zq_director"]
    assert signed.assessed_level == "A" and signed.assessment_reason == ""


# --- R1.6 clarification --------------------------------------------------------------


def test_r1_6_center_returns_an_unclear_order_and_front_is_responsible(people, cat):
    order = submitted(people, cat)
    order = services.order_return_for_clarification(order=order, by=people["dispatcher"], reason="地址不清")
    assert order.state == Order.State.RETURNED and order.responsible_department.code == "gov_enterprise"
    assert not deadlines_of(order).filter(state__in=Deadline.OPEN_STATES).exists()
    order = services.order_update(order=order, by=people["zq_admin"], data={"location": "城南路 8 号 3 楼"})
    assert services.order_submit(order=order, by=people["zq_admin"]).state == Order.State.SUBMITTED


# --- R1.7 requisitions and new build -------------------------------------------------


def test_r1_7_requisition_dispatched_by_resource_type_within_3_days(people, cat, org):
    customer = CustomerFactory()
    for rtype, dept in (("line", "line"), ("port", "nmc"), ("wireless", "wireless")):
        req = services.requisition_raise(by=people["zq_admin"], customer=customer, resource_type=rtype, description="x")
        assert req.due_at - req.created_at == timedelta(days=3)
        req = services.requisition_dispatch(requisition=req, by=people["dispatcher"])
        assert req.assigned_department == org[dept]
    req = services.requisition_answer(requisition=req, by=people["dispatcher"], available=True, answer="有资源")
    assert req.state == Requisition.State.CONFIRMED
    assert deadlines_of(req).get().state == Deadline.State.MET


def test_r1_7_no_resources_without_requisition_goes_on_new_build_limit(people, cat):
    order = submitted(people, cat, is_important=True)
    order = services.order_mark_no_resources(order=order, by=people["dispatcher"])
    assert order.responsible_department == order.front_department
    assert deadlines_of(order).get(state__in=Deadline.OPEN_STATES).kind == "order-new-build"
    assert order.due_at - order.submitted_at == timedelta(days=30)
    assert "R1.7" in order.assessment_reason
    # With a prior requisition the order keeps its normal limit.
    req = services.requisition_raise(
        by=people["zq_admin"], customer=order.customer, resource_type="port", description="x"
    )
    other = submitted(people, cat, is_important=True, requisition=req)
    other = services.order_mark_no_resources(order=other, by=people["dispatcher"])
    assert deadlines_of(other).get(state__in=Deadline.OPEN_STATES).kind == "order-provisioning"
    assert other.responsible_department is None


# --- R1.8 serial steps, overtime -----------------------------------------------------


def test_r1_8_steps_are_serial_and_a_late_return_is_overtime(people, cat, org):
    order = dispatched(people, cat, org, level="A")
    first, second = order.steps.order_by("position")
    assert second.state == WorkStep.State.PENDING
    with pytest.raises(TransitionForbidden):
        services.step_accept(step=first, by=people["xl_admin"])  # not the step's department
    services.step_accept(step=first, by=people["jk_member"])
    later = timezone.now() + timedelta(days=2)  # the A resource limit is 1 day
    with time_machine.travel(later, tick=False):
        first = services.step_return(step=first, by=people["jk_member"], finished_at=later - timedelta(hours=1))
    assert first.overtime and "R1.8" in first.overtime_reason
    second.refresh_from_db()
    assert second.state == WorkStep.State.DISPATCHED and second.dispatched_at == later


# --- R1.9 returns --------------------------------------------------------------------


def test_r1_9_weekday_evening_completion_returned_before_nine_next_day_is_on_time():
    finished = local(2026, 11, 18, 19, 30)  # Wednesday evening
    late, _ = services.return_overtime(
        finished_at=finished, returned_at=local(2026, 11, 19, 8, 55), due_at=local(2026, 11, 20, 0, 0)
    )
    assert not late


def test_r1_9_return_at_0905_next_day_is_overtime():
    late, reason = services.return_overtime(
        finished_at=local(2026, 11, 18, 19, 30), returned_at=local(2026, 11, 19, 9, 5), due_at=local(2026, 11, 20)
    )
    assert late and "R1.9" in reason


def test_r1_9_saturday_completion_is_returned_at_the_start_of_the_next_working_day():
    saturday = local(2026, 11, 21, 15, 0)
    on_time, _ = services.return_overtime(
        finished_at=saturday, returned_at=local(2026, 11, 23, 8, 50), due_at=local(2026, 11, 25)
    )
    late, _ = services.return_overtime(
        finished_at=saturday, returned_at=local(2026, 11, 23, 9, 30), due_at=local(2026, 11, 25)
    )
    assert not on_time and late


def test_r1_9_unfinished_return_is_overtime_and_actual_time_is_stored(people, cat, org):
    order = dispatched(people, cat, org, level="C")
    step = order.steps.get(position=1)
    services.step_accept(step=step, by=people["jk_member"])
    with pytest.raises(ValidationError):
        services.step_return(step=step, by=people["jk_member"], finished_at=None)
    step = services.step_return(step=step, by=people["jk_member"], finished_at=None, unfinished=True)
    assert step.overtime and step.unfinished and "R1.9" in step.overtime_reason


def test_r1_9_step_return_through_the_service_with_actual_completion_time(people, cat, org):
    with time_machine.travel(local(2026, 11, 18, 10, 0), tick=False):
        order = dispatched(people, cat, org, level="C")
        step = order.steps.get(position=1)
        services.step_accept(step=step, by=people["jk_member"])
    with time_machine.travel(local(2026, 11, 19, 9, 5), tick=False):
        step = services.step_return(step=step, by=people["jk_member"], finished_at=local(2026, 11, 18, 20, 0))
    assert step.overtime and step.finished_at == local(2026, 11, 18, 20, 0)


# --- R1.10 obstruction ---------------------------------------------------------------


def test_r1_10_only_an_approved_special_order_pauses_the_clock(people, cat, org):
    order = dispatched(people, cat, org, level="B")
    step = order.steps.get(position=1)
    services.step_accept(step=step, by=people["jk_member"])
    special = services.special_order_request(step=step, by=people["jk_member"], reason="业主阻工")
    assert deadlines_of(step).get().state != Deadline.State.PAUSED  # request alone does not pause
    with pytest.raises(TransitionForbidden):
        services.special_order_approve(special=special, by=people["jk_admin"])
    special = services.special_order_approve(special=special, by=people["dispatcher"])
    assert deadlines_of(step).get().state == Deadline.State.PAUSED
    step.refresh_from_db()
    assert step.state == WorkStep.State.PAUSED
    due_before = deadlines_of(step).get().due_at
    with time_machine.travel(timezone.now() + timedelta(hours=10), tick=False):
        services.special_order_close(special=special, by=people["dispatcher"])
    deadline = deadlines_of(step).get()
    assert deadline.state != Deadline.State.PAUSED and deadline.due_at >= due_before + timedelta(hours=9)
    step = services.step_return(step=step, by=people["jk_member"], finished_at=timezone.now(), obstruction=True)
    assert not step.overtime
    assert special.__class__.objects.get(pk=special.pk).state == SpecialOrder.State.CLOSED


def test_r1_10_obstruction_return_without_special_order_is_overtime(people, cat, org):
    order = dispatched(people, cat, org, level="B")
    step = order.steps.get(position=1)
    services.step_accept(step=step, by=people["jk_member"])
    step = services.step_return(step=step, by=people["jk_member"], finished_at=timezone.now(), obstruction=True)
    assert step.overtime and "R1.10" in step.overtime_reason


# --- R1.11 phone dispatch ------------------------------------------------------------


def test_r1_11_phone_dispatch_is_backfilled_and_the_clock_starts_at_the_phone_time(people, cat, org):
    phoned = local(2026, 11, 21, 23, 10)  # Saturday night
    with time_machine.travel(phoned, tick=False):
        pd = services.phone_dispatch_record(
            by=people["dispatcher"], department=org["gov_enterprise"], phoned_at=phoned, caller="张三", summary="抢修"
        )
    with time_machine.travel(local(2026, 11, 23, 9, 0), tick=False):
        order = services.order_backfill(
            phone_dispatch=pd, by=people["zq_admin"], data=order_data(cat["phone"], level="B")
        )
    assert order.phoned_at == phoned and order.state == Order.State.SUBMITTED
    assert deadlines_of(order).get().started_at == phoned
    assert order.due_at == phoned + timedelta(days=5)
    with pytest.raises(TransitionConflict):
        services.order_backfill(phone_dispatch=pd, by=people["zq_admin"], data=order_data(cat["phone"]))


# --- R1.12 completion and confirmation -----------------------------------------------


def _complete(people, cat, org, level="B"):
    order = dispatched(people, cat, org, level=level)
    for step, user in zip(order.steps.order_by("position"), ("jk_member", "xl_admin"), strict=True):
        step.refresh_from_db()
        services.step_accept(step=step, by=people[user])
        services.step_return(step=step, by=people[user], finished_at=timezone.now())
    order.refresh_from_db()
    return order


def test_r1_12_last_return_completes_and_front_confirms(people, cat, org):
    order = _complete(people, cat, org)
    assert order.state == Order.State.COMPLETED
    confirmation = deadlines_of(order).get(kind="order-confirmation")
    assert confirmation.due_at - confirmation.started_at == timedelta(days=2)
    assert deadlines_of(order).get(kind="order-provisioning").state == Deadline.State.MET
    order = services.order_confirm(order=order, by=people["zq_admin"])
    assert order.state == Order.State.CONFIRMED
    assert deadlines_of(order).get(kind="order-confirmation").state == Deadline.State.MET


def handle_fired():
    return sla.deadline_events_handle(
        ids=DeadlineEvent.objects.filter(handled_at__isnull=True).values_list("pk", flat=True)
    )


def test_r1_12_auto_confirmation_after_2_days_through_the_deadline_engine(people, cat, org):
    order = _complete(people, cat, org)
    with time_machine.travel(timezone.now() + timedelta(days=1), tick=False):
        sla.sweep_due_deadlines()
        handle_fired()
    order.refresh_from_db()
    assert order.state == Order.State.COMPLETED
    with time_machine.travel(timezone.now() + timedelta(days=2, minutes=5), tick=False):
        sla.sweep_due_deadlines()
        assert handle_fired() >= 1
        assert handle_fired() == 0  # handled once
    order.refresh_from_db()
    assert order.state == Order.State.AUTO_CONFIRMED
    assert AuditEntry.objects.filter(transition="auto_confirm", object_id=order.pk).count() == 1


# --- R1.13 contact orders ------------------------------------------------------------


def test_r1_13_contact_order_has_no_level_and_is_due_at_requested_feedback(people, org):
    due = timezone.now() + timedelta(hours=4)
    contact = services.contact_order_create(
        by=people["dispatcher"], to_department=org["nmc"], subject="核实端口", body="请核实", feedback_due_at=due
    )
    assert contact.feedback_due_at == due and not hasattr(contact, "level")
    with pytest.raises(TransitionForbidden):
        services.contact_order_answer(contact=contact, by=people["xl_admin"], reply="x")
    with time_machine.travel(due + timedelta(hours=1), tick=False):
        contact = services.contact_order_answer(contact=contact, by=people["jk_member"], reply="已核实")
        assert contact.is_late


# --- R1.14 equipment -----------------------------------------------------------------


def test_r1_14_half_month_totals_and_emergency_needs_at_once(people, cat):
    for _ in range(2):
        order = services.order_create(
            by=people["zq_admin"], data=order_data(cat["phone"]), equipment=[("sfp", 2), ("modem", 1)]
        )
        services.order_submit(order=order, by=people["zq_admin"])
    report = services.equipment_send_half_month()
    assert report.totals == {"sfp": 4, "modem": 2} and report.sent_to.code == "netbuild"
    assert services.equipment_send_half_month().totals == {}  # sent once
    emergency = services.order_create(
        by=people["zq_admin"], data=order_data(cat["phone"], is_emergency=True), equipment=[("switch", 1)]
    )
    services.order_submit(order=emergency, by=people["zq_admin"])
    assert EquipmentReport.objects.get(emergency_order=emergency).totals == {"switch": 1}


# --- R1.15, R1.16, R1.17, R1.18, R1.19, R1.20, R1.21 ---------------------------------


def test_r1_15_expansion_request_from_nmc_to_netmgmt(people, cat):
    order = make_order(people["zq_admin"], cat["expansion"], fill_rate=Decimal("92"), quantity_to_add=50)
    with pytest.raises(TransitionForbidden):
        services.expansion_request_raise(order=order, by=people["xl_admin"], reason="no ports")
    req = services.expansion_request_raise(order=order, by=people["jk_member"], reason="端口不足")
    with pytest.raises(TransitionForbidden):
        services.expansion_request_plan(request=req, by=people["jk_member"], plan="x")
    req = services.expansion_request_plan(request=req, by=people["gl_member"], plan="下月扩容 48 口")
    assert req.state == "filed"


def test_r1_16_decommission_recovery_ledger_checked_quarterly(people, cat, org):
    order = make_order(people["zq_admin"], cat["decommission"])
    order = services.order_submit(order=order, by=people["zq_admin"])
    order = services.order_accept(order=order, by=people["dispatcher"])
    services.order_dispatch(order=order, by=people["dispatcher"], steps=[(org["line"], "拆机回收")])
    fields = dict(
        recovered_at=local(2026, 11, 10, 10),
        person="赵工",
        equipment_name="光猫",
        model="HG8245",
        quantity=2,
        condition="完好",
        intended_use="库存",
    )
    entry = services.recovery_record(order=order, by=people["xl_admin"], **fields)
    assert entry.pk
    with pytest.raises(TransitionForbidden):
        services.recovery_record(order=order, by=people["jk_member"], **fields)
    assert services.recovery_check_quarter(by=people["dispatcher"], year=2026, quarter=4) == 1


def test_r1_17_unused_circuits_three_months_after_opening(people, cat):
    order = make_order(people["zq_admin"], cat["data-line"], agreement_ref="A-1")
    service = Service.objects.create(
        code="L-1", customer=order.customer, product="专线", state="active", activated_on=local(2026, 7, 1).date()
    )
    Order.objects.filter(pk=order.pk).update(service=service)
    rows = list(selectors.unused_circuits(as_of=local(2026, 11, 1).date()))
    assert [(o.pk, o.front_department.code) for o in rows] == [(order.pk, "gov_enterprise")]
    assert not selectors.unused_circuits(as_of=local(2026, 8, 1).date()).exists()
    Order.objects.filter(pk=order.pk).update(circuit_first_used_on=local(2026, 8, 1).date())
    assert not selectors.unused_circuits(as_of=local(2026, 11, 1).date()).exists()


def test_r1_18_lan_build_estimated_by_netbuild_decided_by_market_director(people):
    with pytest.raises(ValidationError):
        services.build_decision_raise(
            by=people["zq_admin"], kind="lan", site="x", expected_demand=None, buildings=3, competition=""
        )
    decision = services.build_decision_raise(
        by=people["zq_admin"], kind="lan", site="阳光小区", expected_demand=300, buildings=12, competition="移动已覆盖"
    )
    with pytest.raises(TransitionForbidden):
        services.build_decision_estimate(decision=decision, by=people["jk_member"], cost=Decimal("1"))
    decision = services.build_decision_estimate(decision=decision, by=people["js_member"], cost=Decimal("250000.00"))
    with pytest.raises(TransitionForbidden):
        services.build_decision_decide(decision=decision, by=people["zq_director"], approve=True)
    decision = services.build_decision_decide(decision=decision, by=people["sc_leader"], approve=True)
    assert decision.state == "approved" and decision.decided_by == people["sc_leader"]


def test_r1_19_restricted_site_worker_names_checklist(people, cat, org):
    order = dispatched(people, cat, org, is_restricted_site=True)
    assert list(selectors.restricted_site_pending(people["dispatcher"])) == [order]
    services.order_send_worker_names(order=order, by=people["jk_member"], names="张三、李四")
    assert not selectors.restricted_site_pending(people["dispatcher"]).exists()


def test_r1_20_handover_evidence_for_big_customer_circuits(people, cat, org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    order = dispatched(people, cat, org, customer=CustomerFactory(is_key=True))
    order = Order.objects.get(pk=order.pk)
    assert set(selectors.handover_evidence_missing(order)) == {"circuit_test", "customer_signoff"}
    for kind in ("circuit_test", "customer_signoff"):
        services.attachment_add(
            order=order, by=people["jk_member"], file=SimpleUploadedFile(f"{kind}.pdf", b"%PDF"), kind=kind
        )
    assert selectors.handover_evidence_missing(Order.objects.get(pk=order.pk)) == []


def test_r1_21_key_customer_business_and_area_are_flagged_and_sorted_first(people, cat, org):
    plain = submitted(people, cat, level="C")
    key_area = submitted(people, cat, level="C", location="金融街 1 号")
    key_customer = submitted(people, cat, level="C", customer=CustomerFactory(is_key=True), location="金融街 2 号")
    assert key_area.is_key_area and key_area.key_rank == 1
    assert key_customer.is_key_customer and key_customer.key_rank == 2
    assert list(selectors.order_list(people["dispatcher"])) == [key_customer, key_area, plain]


# --- concurrency ---------------------------------------------------------------------


def test_two_actors_on_one_order_one_wins_the_other_gets_a_conflict(people, cat):
    order = submitted(people, cat)
    stale = Order.objects.get(pk=order.pk)
    services.order_accept(order=order, by=people["dispatcher"])
    with pytest.raises(TransitionConflict):
        services.order_accept(order=stale, by=people["dispatcher"])
    assert Order.objects.get(pk=order.pk).state == Order.State.ACCEPTED


def test_r1_21_a_key_area_added_in_the_admin_flags_the_next_order_at_once(people, cat):
    """KeyArea.names() is cached; saving or deleting a key area clears the cache."""
    from responses.models import KeyArea

    zq = people["zq_admin"]
    assert not make_order(zq, cat["phone"], location="新城开发区 1 号").is_key_area
    area = KeyArea.objects.create(name="新城开发区")
    assert make_order(zq, cat["phone"], location="新城开发区 2 号").is_key_area
    area.delete()
    assert not make_order(zq, cat["phone"], location="新城开发区 3 号").is_key_area
