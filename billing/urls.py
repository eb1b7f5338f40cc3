"""Pages of the billing app (mounted at /billing/)."""

from django.urls import path

from . import views

app_name = "billing"
urlpatterns = [
    path("runs/", views.run_list, name="runs"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/<slug:name>/", views.run_action, name="run-action"),
    path("invoices/<int:pk>/", views.invoice_detail, name="invoice"),
    path("arrears/", views.arrears_list, name="arrears"),
    path("work-orders/", views.work_orders, name="work-orders"),
    path("work-orders/<int:pk>/<slug:name>/", views.work_order_action, name="work-order-action"),
    path("circuits/", views.circuit_list, name="circuits"),
    path("circuits/search/", views.circuit_search, name="circuit-search"),
    path("circuits/<int:pk>/", views.circuit_detail, name="circuit"),
    path("adjustments/", views.adjustment_list, name="adjustments"),
    # before the actions: "evidence" is no action
    path("adjustments/<int:pk>/evidence/", views.adjustment_evidence, name="adjustment-evidence"),
    path("adjustments/<int:pk>/<slug:name>/", views.adjustment_action, name="adjustment-action"),
    path("statements/", views.statement_list, name="statements"),
    path("statements/<int:pk>/", views.statement_detail, name="statement"),
    path("partners/<int:pk>/", views.partner_detail, name="partner"),
]
