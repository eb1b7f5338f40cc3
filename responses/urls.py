"""Pages of the responses app (mounted at /orders/)."""

from django.urls import path

from . import views

app_name = "responses"
urlpatterns = [
    path("", views.order_list, name="list"),
    path("new/", views.order_new, name="new"),
    path("center/", views.center_incoming, name="center"),
    path("queue/", views.queue, name="queue"),
    # Work around the orders: R1.11, R1.13, R1.7, R1.18, R1.15, R1.16, R1.17.
    path("phone/", views.phone_dispatches, name="phone-list"),
    path("phone/<int:pk>/backfill/", views.phone_backfill, name="phone-backfill"),
    path("contacts/", views.contact_orders, name="contact-list"),
    path("contacts/new/", views.contact_new, name="contact-new"),
    path("contacts/<int:pk>/answer/", views.contact_answer, name="contact-answer"),
    path("requisitions/", views.requisitions, name="requisition-list"),
    path("requisitions/<int:pk>/<slug:name>/", views.requisition_action, name="requisition-action"),
    path("builds/", views.build_decisions, name="build-list"),
    path("builds/<int:pk>/<slug:name>/", views.build_action, name="build-action"),
    path("expansions/", views.expansion_requests, name="expansion-list"),
    path("expansions/order/<int:pk>/", views.expansion_raise, name="expansion-raise"),
    path("expansions/<int:pk>/plan/", views.expansion_plan, name="expansion-plan"),
    path("recovery/", views.recovery_ledger, name="recovery-list"),
    path("recovery/order/<int:pk>/", views.recovery_record, name="recovery-record"),
    path("recovery/<int:pk>/check/", views.recovery_check, name="recovery-check"),
    path("unused-circuits/", views.unused_circuits, name="unused-circuits"),
    path("<int:pk>/", views.order_detail, name="detail"),
    path("<int:pk>/<slug:name>/", views.order_action, name="action"),
    path("steps/<int:pk>/<slug:name>/", views.step_action, name="step-action"),
    path("special/<int:pk>/<slug:name>/", views.special_action, name="special-action"),
    path("report/", views.month_report, name="report"),
    path("report/export/", views.month_report_export, name="report-export"),
]
