"""REST API of the responses app, mounted under /api/v1/: one module per resource.

Lists are limited to what the user's department and role may see (``selectors``); every write
calls a service; a transition is ``POST /api/v1/<resource>/<id>/<transition>/``. Wrong state → 409,
wrong person → 403, invalid input → 400 with field errors: services raise, ``core.api.api_exception_handler`` answers.
The viewsets are ``core.viewsets.RecordViewSet``s (``base.ScopedViewSet``); ``router`` is merged in config/urls.py.
"""

from rest_framework.routers import SimpleRouter

from .catalogue import BusinessTypeViewSet
from .contact_orders import ContactOrderViewSet
from .orders import OrderViewSet
from .reports import MonthReportViewSet
from .requisitions import RequisitionViewSet
from .responsibility import AdminUnreachableViewSet, LostEquipmentViewSet, NonCooperationViewSet
from .side_rules import (
    EquipmentNeedViewSet,
    EquipmentReportViewSet,
    HandoverSampleViewSet,
    OrderCircuitViewSet,
)
from .side_work import (
    BuildDecisionViewSet,
    ExpansionRequestViewSet,
    PhoneDispatchViewSet,
    RecoveryEntryViewSet,
    UnusedCircuitViewSet,
)
from .steps import SpecialOrderViewSet, StepViewSet

router = SimpleRouter()
router.register("orders", OrderViewSet, basename="order")
router.register("steps", StepViewSet, basename="order-step")
router.register("requisitions", RequisitionViewSet, basename="requisition")
router.register("contact-orders", ContactOrderViewSet, basename="contact-order")
router.register("special-orders", SpecialOrderViewSet, basename="special-order")
router.register("phone-dispatches", PhoneDispatchViewSet, basename="phone-dispatch")
router.register("expansion-requests", ExpansionRequestViewSet, basename="expansion-request")
router.register("recovery-entries", RecoveryEntryViewSet, basename="recovery-entry")
router.register("build-decisions", BuildDecisionViewSet, basename="build-decision")
router.register("unused-circuits", UnusedCircuitViewSet, basename="unused-circuit")
router.register("business-types", BusinessTypeViewSet, basename="business-type")
router.register("reports/monthly", MonthReportViewSet, basename="monthly-report")
router.register("non-cooperation", NonCooperationViewSet, basename="non-cooperation")
router.register("lost-equipment", LostEquipmentViewSet, basename="lost-equipment")
router.register("admin-unreachable", AdminUnreachableViewSet, basename="admin-unreachable")
# The side rules (issue 13 §5): R1.14, R1.17, R1.20.
router.register("equipment-needs", EquipmentNeedViewSet, basename="equipment-need")
router.register("equipment-reports", EquipmentReportViewSet, basename="equipment-report")
router.register("order-circuits", OrderCircuitViewSet, basename="order-circuit")
router.register("handover-sample", HandoverSampleViewSet, basename="handover-sample")
