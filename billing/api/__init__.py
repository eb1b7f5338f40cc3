"""REST API of billing, mounted under /api/v1/ by config/urls.py: one module per resource (bill runs,
invoices with CSV / Excel export, adjustments under four eyes, customer services, arrears and their
work orders, settlement statements and partners)."""

from rest_framework.routers import SimpleRouter

from .adjustments import AdjustmentViewSet
from .arrears import ArrearsViewSet, WorkOrderViewSet
from .invoices import InvoiceViewSet
from .runs import BillRunViewSet
from .services import CustomerViewSet, ServiceViewSet
from .statements import PartnerViewSet, StatementViewSet

router = SimpleRouter()
router.register("customers", CustomerViewSet, basename="customer")
router.register("bill-runs", BillRunViewSet, basename="bill-run")
router.register("arrears", ArrearsViewSet, basename="arrears")
router.register("invoices", InvoiceViewSet, basename="invoice")
router.register("adjustments", AdjustmentViewSet, basename="adjustment")
router.register("services", ServiceViewSet, basename="service")
router.register("work-orders", WorkOrderViewSet, basename="work-order")
router.register("statements", StatementViewSet, basename="statement")
router.register("partners", PartnerViewSet, basename="partner")

__all__ = ["router"]
