"""Pages of the responses app (mounted at /orders/), one views module per resource."""

from django.urls import path

from .views import (
    builds,
    circuits,
    contacts,
    equipment,
    expansions,
    handover,
    orders,
    phone,
    recovery,
    reports,
    requisitions,
    responsibility,
    steps,
)

app_name = "responses"
urlpatterns = [
    path("", orders.order_list, name="list"),
    path("new/", orders.order_new, name="new"),
    path("center/", orders.center_incoming, name="center"),
    path("queue/", steps.queue, name="queue"),
    # Work around the orders: R1.11, R1.13, R1.7, R1.18, R1.15, R1.16, R1.17.
    path("phone/", phone.phone_dispatches, name="phone-list"),
    path("phone/<int:pk>/backfill/", phone.phone_backfill, name="phone-backfill"),
    path("contacts/", contacts.contact_orders, name="contact-list"),
    path("contacts/new/", contacts.contact_new, name="contact-new"),
    path("contacts/<int:pk>/answer/", contacts.contact_answer, name="contact-answer"),
    path("contacts/<int:pk>/cancel/", contacts.contact_cancel, name="contact-cancel"),
    path("requisitions/", requisitions.requisitions, name="requisition-list"),
    path("requisitions/<int:pk>/<slug:name>/", requisitions.requisition_action, name="requisition-action"),
    path("builds/", builds.build_decisions, name="build-list"),
    path("builds/<int:pk>/<slug:name>/", builds.build_action, name="build-action"),
    path("expansions/", expansions.expansion_requests, name="expansion-list"),
    path("expansions/order/<int:pk>/", expansions.expansion_raise, name="expansion-raise"),
    path("expansions/<int:pk>/plan/", expansions.expansion_plan, name="expansion-plan"),
    path("recovery/", recovery.recovery_ledger, name="recovery-list"),
    path("recovery/order/<int:pk>/", recovery.recovery_record, name="recovery-record"),
    path("recovery/<int:pk>/check/", recovery.recovery_check, name="recovery-check"),
    path("unused-circuits/", circuits.unused_circuits, name="unused-circuits"),
    # Issue 13 §4: responsibility for any department (§三.14, §四.2, §三.6, §四.16).
    path("<int:pk>/responsibility/non-cooperation/", responsibility.noncooperation_record, name="noncoop-record"),
    path("<int:pk>/responsibility/lost-equipment/", responsibility.lost_equipment_record, name="lost-record"),
    path("<int:pk>/responsibility/unreachable/", responsibility.admin_unreachable_record, name="unreachable-record"),
    # The side rules (issue 13 §5): R1.14 equipment, R1.17 a circuit's first use, R1.20 the sample.
    path("circuits/<int:pk>/<slug:name>/", circuits.circuit_action, name="circuit-action"),
    path("equipment/", equipment.equipment_reports, name="equipment-list"),
    path("equipment/<int:pk>/export/", equipment.equipment_report_export, name="equipment-export"),
    path("equipment/order/<int:pk>/<slug:name>/", equipment.equipment_order_action, name="equipment-order-action"),
    path("equipment/need/<int:pk>/<slug:name>/", equipment.equipment_need_action, name="equipment-need-action"),
    path("equipment/step/<int:pk>/charge/", equipment.step_procurement_overtime, name="equipment-step-charge"),
    path("handover-sample/", handover.handover_sample, name="handover-sample"),
    path("<int:pk>/", orders.order_detail, name="detail"),
    path("<int:pk>/<slug:name>/", orders.order_action, name="action"),
    path("steps/<int:pk>/<slug:name>/", steps.step_action, name="step-action"),
    path("special/<int:pk>/<slug:name>/", steps.special_action, name="special-action"),
    path("report/", reports.month_report, name="report"),
    path("report/export/", reports.month_report_export, name="report-export"),
]
