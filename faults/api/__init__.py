"""REST API of the faults app, mounted under /api/v1/: one module per resource.

/api/v1/faults/, /api/v1/problems/, /api/v1/quality-events/, /api/v1/complaints/,
/api/v1/rectifications/;
transitions are ``POST /api/v1/<resource>/<id>/<action>/``. Every write calls
``faults.services``; reads go through ``faults.selectors`` (visibility via
org.access).
"""

from rest_framework.routers import SimpleRouter

from .complaints import ComplaintViewSet
from .contacts import DutyContactViewSet, EventCallViewSet
from .events import QualityEventViewSet
from .problems import ProblemViewSet
from .rectifications import RectificationViewSet
from .tickets import FaultTicketViewSet

router = SimpleRouter()
router.register("faults", FaultTicketViewSet, basename="fault")
router.register("problems", ProblemViewSet, basename="problem")
router.register("quality-events", QualityEventViewSet, basename="quality-event")
router.register("complaints", ComplaintViewSet, basename="complaint")
router.register("duty-contacts", DutyContactViewSet, basename="duty-contact")
router.register("event-calls", EventCallViewSet, basename="event-call")
router.register("rectifications", RectificationViewSet, basename="rectification")
