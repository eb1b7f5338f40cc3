"""The side rules at the service level (issue 13 §5): equipment needs, their totals, the procurement
overtime and 增值业务中心's purchase list (R1.14); a circuit's first use (R1.17); the fibre types and the
quarterly hand-over sample (R1.20); the agreement's clauses and the interconnection notice (R1.1); the
seed's key customers, businesses and areas (R1.21)."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from billing.models import Customer
from responses import defaults, selectors, services
from responses.models import Attachment, EquipmentReport, KeyArea, Order, WorkStep
from sla.models import AuditEntry
from sla.selectors import deadlines_of
from sla.workflow import TransitionConflict, TransitionForbidden
from tests.factories import UserFactory

from .factories import CustomerFactory, make_order, order_data

pytestmark = pytest.mark.django_db
SH = ZoneInfo("Asia/Shanghai")
CLAUSES = dict.fromkeys(services.AGREEMENT_CLAUSES, True)


def local(*args):
    return datetime(*args, tzinfo=SH)


def worked(people, org, order, steps=(("nmc", "端口配置"),)):
    """Submitted, accepted and dispatched into ``steps``."""
    order = services.order_submit(order=order, by=people["zq_admin"])
    order = services.order_accept(order=order, by=people["dispatcher"])
    return services.order_dispatch(order=order, by=people["dispatcher"], steps=[(org[d], t) for d, t in steps])


def finish(people, order):
    """Every step accepted and returned now: the order is completed."""
    for step in order.steps.order_by("position"):
        step.refresh_from_db()
        member = people["jk_member"] if step.department.code == "nmc" else people["xl_admin"]
        services.step_accept(step=step, by=member)
        step.refresh_from_db()
        services.step_return(step=step, by=member, finished_at=step.dispatched_at + timedelta(minutes=5))
    return Order.objects.get(pk=order.pk)


# --- R1.1 agreement clauses and the interconnection notice -------------------------------------------


def test_r1_1_an_agreement_type_is_not_submitted_without_each_clause_named_in_chinese(people, cat):
    order = make_order(people["zq_admin"], cat["data-line"], agreement_ref="YZ-1")  # a draft may lack them
    with pytest.raises(ValidationError) as exc:
        services.order_submit(order=order, by=people["zq_admin"])
    assert set(exc.value.message_dict) == set(services.AGREEMENT_CLAUSES)
    assert Order.objects.get(pk=order.pk).state == Order.State.DRAFT  # nothing half-saved
    order = services.order_update(order=order, by=people["zq_admin"], data=CLAUSES | {"agreement_states_term": False})
    with pytest.raises(ValidationError) as exc:
        services.order_submit(order=order, by=people["zq_admin"])
    assert list(exc.value.message_dict) == ["agreement_states_term"]
    from django.utils import translation

    with translation.override("zh-hans"):
        with pytest.raises(ValidationError) as exc:
            services.order_submit(order=order, by=people["zq_admin"])
        assert "协议" in exc.value.message_dict["agreement_states_term"][0]
    order = services.order_update(order=order, by=people["zq_admin"], data={"agreement_states_term": True})
    assert services.order_submit(order=order, by=people["zq_admin"]).state == Order.State.SUBMITTED


def test_r1_1_an_interconnection_need_hands_in_the_notice(people, cat):
    order = make_order(people["zq_admin"], cat["interconnect"])
    with pytest.raises(ValidationError) as exc:
        services.order_submit(order=order, by=people["zq_admin"])
    assert list(exc.value.message_dict) == ["interconnection_notice"]
    order = services.order_update(order=order, by=people["zq_admin"], data={"interconnection_notice": True})
    assert services.order_submit(order=order, by=people["zq_admin"]).state == Order.State.SUBMITTED
    # A type that needs neither submits as before.
    plain = make_order(people["zq_admin"], cat["phone"])
    assert services.order_submit(order=plain, by=people["zq_admin"]).state == Order.State.SUBMITTED


# --- R1.14 equipment ------------------------------------------------------------------------------------


def test_r1_14_needs_added_and_removed_after_creation_by_the_front_admin_or_the_center(people, cat):
    order = make_order(people["zq_admin"], cat["phone"])
    need = services.equipment_need_add(order=order, by=people["zq_admin"], item="sfp", quantity=2, note="1000M")
    services.equipment_need_add(order=order, by=people["dispatcher"], item="modem", quantity=1)
    with pytest.raises(TransitionForbidden):
        services.equipment_need_add(order=order, by=people["gz_admin"], item="sfp", quantity=1)
    with pytest.raises(TransitionForbidden):
        services.equipment_need_add(order=order, by=people["jk_member"], item="sfp", quantity=1)
    for bad in ({"item": "laser", "quantity": 1}, {"item": "sfp", "quantity": 0}, {"item": "sfp", "quantity": 10**6}):
        with pytest.raises(ValidationError) as exc:
            services.equipment_need_add(order=order, by=people["zq_admin"], **bad)
        assert set(exc.value.message_dict) <= {"item", "quantity"}
    services.equipment_need_remove(need=need, by=people["zq_admin"])
    assert [(n.item, n.quantity) for n in order.equipment_needs.all()] == [("modem", 1)]
    assert AuditEntry.objects.filter(transition__in=["equipment_add", "equipment_remove"]).count() == 3


def test_r1_14_half_month_totals_leave_out_system_integration_and_sent_items_cannot_be_removed(people, cat):
    a = services.order_create(by=people["zq_admin"], data=order_data(cat["phone"]), equipment=[("sfp", 2)])
    services.order_submit(order=a, by=people["zq_admin"])
    si = services.order_create(
        by=people["zq_admin"], data=order_data(cat["system-integration"], agreement_ref="SI-1", **CLAUSES),
        equipment=[("switch", 3)],
    )  # fmt: skip
    services.order_submit(order=si, by=people["zq_admin"])
    assert selectors.equipment_pending_totals() == {"sfp": 2}
    report = services.equipment_send_half_month()
    assert report.kind == "half_month" and report.totals == {"sfp": 2}
    assert [n.order_id for n in selectors.equipment_report_lines(report)] == [a.pk]
    with pytest.raises(TransitionConflict):
        services.equipment_need_remove(need=a.equipment_needs.get(), by=people["zq_admin"])


def test_r1_14_vas_sends_a_system_integration_purchase_list_to_netbuild(people, cat, org):
    vas = UserFactory(username="zz_member", department=org["vas"], roles=["back_member"])
    si = services.order_create(
        by=people["zq_admin"], data=order_data(cat["system-integration"], agreement_ref="SI-1", **CLAUSES)
    )
    services.order_submit(order=si, by=people["zq_admin"])
    services.equipment_need_add(order=si, by=vas, item="other", quantity=4, note="NVR 16 路")
    services.equipment_need_add(order=si, by=vas, item="switch", quantity=2)
    plain = make_order(people["zq_admin"], cat["phone"])
    with pytest.raises(TransitionForbidden):
        services.equipment_need_add(order=plain, by=vas, item="switch", quantity=1)  # only on system integration
    with pytest.raises(TransitionForbidden):
        services.purchase_list_send(order=si, by=people["zq_admin"])
    report = services.purchase_list_send(order=si, by=vas)
    assert (report.kind, report.from_department.code, report.sent_to.code) == ("purchase_list", "vas", "netbuild")
    assert report.totals == {"other": 4, "switch": 2} and report.emergency_order == si
    with pytest.raises(TransitionConflict):
        services.purchase_list_send(order=si, by=vas)  # nothing left to send
    with pytest.raises(ValidationError):
        services.purchase_list_send(order=plain, by=vas)
    assert not services.equipment_send_half_month().totals


def test_r1_14_an_emergency_order_sends_a_need_added_later_at_once(people, cat):
    order = make_order(people["zq_admin"], cat["phone"], is_emergency=True)
    services.order_submit(order=order, by=people["zq_admin"])
    need = services.equipment_need_add(order=order, by=people["dispatcher"], item="converter", quantity=1)
    assert need.sent_at is not None
    assert EquipmentReport.objects.get(kind="emergency", emergency_order=order).totals == {"converter": 1}


def test_r1_14_late_procurement_moves_the_step_overtime_to_netbuild(people, cat, org):
    start = local(2026, 11, 2, 9)
    with time_machine.travel(start, tick=False):
        order = services.order_create(
            by=people["zq_admin"], data=order_data(cat["phone"], level="B"), equipment=[("sfp", 2)]
        )
        order = worked(people, org, order)
        services.equipment_send_half_month()
        step = order.steps.get()
        services.step_accept(step=step, by=people["jk_member"])
    need = order.equipment_needs.get()
    with pytest.raises(TransitionForbidden):
        services.equipment_need_deliver(need=need, by=people["jk_member"])
    step.refresh_from_db()
    late = step.due_at + timedelta(hours=5)
    with time_machine.travel(late, tick=False):
        services.equipment_need_deliver(need=need, by=people["js_member"])
        with pytest.raises(TransitionConflict):
            services.equipment_need_deliver(need=need, by=people["js_member"])
    with time_machine.travel(late + timedelta(hours=1), tick=False):
        step.refresh_from_db()
        step = services.step_return(step=step, by=people["jk_member"], finished_at=late + timedelta(minutes=30))
    assert step.overtime and step.overtime_charged_to is None
    with pytest.raises(TransitionForbidden):
        services.step_charge_procurement_overtime(step=step, by=people["jk_member"])
    step = services.step_charge_procurement_overtime(step=step, by=people["dispatcher"])
    assert step.overtime_charged_to.code == "netbuild" and "网络建设部" in step.overtime_reason
    assert {d.assessed_department.code for d in deadlines_of(step)} == {"netbuild"}
    with pytest.raises(TransitionConflict):
        services.step_charge_procurement_overtime(step=step, by=people["dispatcher"])
    # The monthly report (R1.22) counts the step's overtime against 网络建设部, not 网络监控中心.
    report = selectors.month_report_live(year=2026, month=11)
    assert [(r["department_code"], r["level"], r["handled"], r["overtime"]) for r in report.handled] == [
        ("netbuild", "B", 1, 1), ("netbuild", "total", 1, 1),
    ]  # fmt: skip


def test_r1_14_equipment_delivered_in_time_keeps_the_overtime_with_the_step(people, cat, org):
    with time_machine.travel(local(2026, 11, 2, 9), tick=False):
        order = services.order_create(
            by=people["zq_admin"], data=order_data(cat["phone"], level="B"), equipment=[("modem", 1)]
        )
        order = worked(people, org, order)
        services.equipment_send_half_month()
        services.equipment_need_deliver(need=order.equipment_needs.get(), by=people["js_member"])
        step = order.steps.get()
        services.step_accept(step=step, by=people["jk_member"])
        step.refresh_from_db()
    with time_machine.travel(step.due_at + timedelta(hours=2), tick=False):
        step = services.step_return(step=step, by=people["jk_member"], finished_at=step.due_at + timedelta(hours=1))
    assert step.overtime
    with pytest.raises(TransitionConflict) as exc:
        services.step_charge_procurement_overtime(step=step, by=people["dispatcher"])
    assert "按时" in str(exc.value)
    assert WorkStep.objects.get(pk=step.pk).overtime_charged_to is None


# --- R1.17 a circuit's first use ------------------------------------------------------------------------


def test_r1_17_first_use_recorded_at_confirmation_takes_the_circuit_off_the_unused_list(people, cat, org):
    with time_machine.travel(local(2026, 6, 1, 9), tick=False):
        order = finish(people, worked(people, org, make_order(people["zq_admin"], cat["phone"])))
        with pytest.raises(ValidationError) as exc:
            services.order_confirm(order=order, by=people["zq_admin"], circuit_first_used_on=local(2026, 6, 5).date())
        assert list(exc.value.message_dict) == ["circuit_first_used_on"]  # in the future: nothing confirmed
        assert Order.objects.get(pk=order.pk).state == Order.State.COMPLETED
        order = services.order_confirm(
            order=order, by=people["zq_admin"], circuit_first_used_on=local(2026, 6, 1).date()
        )
    order.refresh_from_db()
    assert order.service_id and order.circuit_first_used_on == local(2026, 6, 1).date()
    assert not selectors.unused_circuits(as_of=local(2026, 11, 1).date()).filter(pk=order.pk).exists()
    assert AuditEntry.objects.filter(transition="circuit_first_use", object_id=order.pk).exists()


def test_r1_17_the_back_office_records_a_first_use_later(people, cat, org):
    with time_machine.travel(local(2026, 6, 1, 9), tick=False):
        order = finish(people, worked(people, org, make_order(people["zq_admin"], cat["phone"])))
        with pytest.raises(TransitionConflict):  # no circuit until the order is confirmed
            services.circuit_record_first_use(
                order=order, by=people["jk_member"], circuit_first_used_on=local(2026, 6, 1).date()
            )
        services.order_confirm(order=order, by=people["zq_admin"])
    assert list(selectors.unused_circuits(as_of=local(2026, 11, 1).date())) == [order]
    with time_machine.travel(local(2026, 11, 1, 9), tick=False):
        with pytest.raises(TransitionForbidden):  # 线路维护中心 did not work on it
            services.circuit_record_first_use(
                order=order, by=people["xl_admin"], circuit_first_used_on=local(2026, 7, 1).date()
            )
        with pytest.raises(ValidationError):  # before the order was completed
            services.circuit_record_first_use(
                order=order, by=people["jk_member"], circuit_first_used_on=local(2026, 5, 1).date()
            )
        services.circuit_record_first_use(
            order=order, by=people["jk_member"], circuit_first_used_on=local(2026, 7, 1).date()
        )
        with pytest.raises(TransitionConflict):
            services.circuit_record_first_use(
                order=order, by=people["dispatcher"], circuit_first_used_on=local(2026, 7, 2).date()
            )
    assert not selectors.unused_circuits(as_of=local(2026, 11, 1).date()).exists()
    assert Order.objects.get(pk=order.pk).circuit_first_used_on == local(2026, 7, 1).date()


# --- R1.20 fibre types and the quarterly hand-over sample ---------------------------------------------


def test_r1_20_a_fibre_lease_needs_the_fibre_test_report(people, cat, org):
    assert cat["fibre-lease"].is_fibre_lease and cat["fibre-dual-route"].is_fibre_lease
    order = worked(people, org, make_order(people["zq_admin"], cat["fibre-lease"]), steps=[("line", "调纤")])
    order = Order.objects.get(pk=order.pk)
    assert selectors.handover_evidence_missing(order) == ["fibre_test"]
    plain = worked(people, org, make_order(people["zq_admin"], cat["phone"]), steps=[("line", "装机")])
    assert selectors.handover_evidence_missing(Order.objects.get(pk=plain.pk)) == []


def test_r1_20_the_quarterly_sample_is_deterministic_and_shows_the_evidence(people, cat, org, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    key = CustomerFactory(is_key=True)
    orders = []
    with time_machine.travel(local(2026, 8, 3, 9), tick=False):
        for _ in range(12):
            orders.append(
                finish(people, worked(people, org, make_order(people["zq_admin"], cat["phone"], customer=key)))
            )
        finish(people, worked(people, org, make_order(people["zq_admin"], cat["phone"])))  # not a big customer
        fibre = finish(
            people, worked(people, org, make_order(people["zq_admin"], cat["fibre-lease"]), steps=[("line", "调纤")])
        )
    services.attachment_add(
        order=orders[0], by=people["jk_member"], file=SimpleUploadedFile("t.pdf", b"%PDF"), kind="circuit_test"
    )
    population = set(selectors.handover_population(2026, 3).values_list("pk", flat=True))
    assert population == {o.pk for o in orders} | {fibre.pk}
    sample = selectors.handover_sample(year=2026, quarter=3)
    assert len(sample) == 5  # 20 % of 13, at least 5
    assert [r.order.pk for r in sample] == [r.order.pk for r in selectors.handover_sample(year=2026, quarter=3)]
    assert {r.order.pk for r in sample} <= population
    assert selectors.handover_sample(year=2026, quarter=4) == []
    for row in sample:
        assert row.required == (["fibre_test"] if row.order.pk == fibre.pk else ["circuit_test", "customer_signoff"])
        if row.order.pk == orders[0].pk:
            assert row.present == ["circuit_test"] and row.missing == ["customer_signoff"]
    # 线路维护中心 sees the sampled orders it worked on only.
    line_rows = selectors.handover_sample(year=2026, quarter=3, user=people["xl_admin"])
    assert all(r.order.pk == fibre.pk for r in line_rows)
    assert Attachment.objects.count() == 1


# --- R1.21 the seed's key customers, businesses and areas --------------------------------------------


def test_r1_21_the_seed_lists_are_the_catalogue_and_seed_data(org):
    types = defaults.load_catalogue()
    for code in ("video-surveillance", "idc", "vpn", "fibre-lease", "system-integration", "ioa", "hosting",
                 "cabling", "digital-circuit", "fibre-dual-route", "pbx", "special-number", "transform"):  # fmt: skip
        assert types[code].is_key, code
    assert {types[c].name for c in ("video-surveillance", "idc", "vpn", "fibre-lease")} == {
        "视频监控（含全球眼）", "IDC", "VPN", "光纤出租",
    }  # fmt: skip
    assert not types["phone"].is_key and not types["broadband"].is_key
    customers = defaults.load_key_customers()
    assert len(customers) == 24 and all(c.is_key for c in customers)
    names = set(Customer.objects.filter(is_key=True).values_list("name", flat=True))
    assert {"新钢公司", "LDK太阳能公司", "市公安局（含交警）", "中行", "北湖宾馆", "春龙宾馆"} <= names
    defaults.load_key_customers()  # idempotent
    assert Customer.objects.filter(is_key=True).count() == 24
    assert "工业开发区" in KeyArea.names()


def test_r1_21_an_order_for_a_seed_key_customer_in_an_industrial_zone_is_flagged(people, cat):
    customer = defaults.load_key_customers()[0]
    order = make_order(
        people["zq_admin"], cat["vpn"], customer=customer, location="工业开发区 3 号", agreement_ref="V-1"
    )
    assert (order.is_key_customer, order.is_key_business, order.is_key_area, order.key_rank) == (True, True, True, 3)
