"""REST API of the faults app, mounted under /api/v1/.

/api/v1/faults/, /api/v1/problems/, /api/v1/quality-events/, /api/v1/complaints/;
transitions are ``POST /api/v1/<resource>/<id>/<action>/``. Every write calls
``faults.services``; reads go through ``faults.selectors`` (visibility via
accounts.access).
"""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from accounts.models import Department
from accounts.roles import Role
from billing.models import Service
from core.viewsets import RecordViewSet
from sla.models import Level
from sla.validators import sane_date

from .. import selectors, services
from ..models import (
    Complaint,
    EventCategory,
    EventSource,
    FaultCategory,
    FaultNotice,
    FaultTicket,
    HqLevel,
    InternalSystem,
    Problem,
    Publicity,
    QualityEvent,
    WarningLevel,
)

router = SimpleRouter()


def _departments():
    return Department.objects.all()


class FaultNoticeSerializer(serializers.ModelSerializer):
    class Meta:
        model = FaultNotice
        fields = ["id", "kind", "subject", "body", "recipients", "created_at", "published_at"]


class FaultTicketSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    repair_due_at = serializers.DateTimeField(read_only=True, allow_null=True, required=False)
    # "" or null: not escalated (the repair deadline's escalated_to_role is blank, or there is none).
    escalated_to = serializers.ChoiceField(
        choices=Role.choices, read_only=True, allow_null=True, allow_blank=True, required=False
    )

    class Meta:
        model = FaultTicket
        fields = [
            "id",
            "number",
            "title",
            "service",
            "system",
            "category",
            "level",
            "handling_department",
            "reporter",
            "reporter_name",
            "contact_phone",
            "description",
            "workaround",
            "resolution",
            "reported_at",
            "phone_reported",
            "state",
            "acknowledged_at",
            "handler",
            "resolved_at",
            "closed_at",
            "reopen_count",
            "helper_departments",
            "helper_vendors",
            "escalated_to",
            "broadcast_at",
            "repeat_reported_at",
            "problem",
            "repair_due_at",
        ]
        read_only_fields = fields


class FaultReportSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField()
    category = serializers.ChoiceField(choices=FaultCategory.choices)
    service = serializers.PrimaryKeyRelatedField(queryset=Service.objects.all(), required=False, allow_null=True)
    system = serializers.PrimaryKeyRelatedField(queryset=InternalSystem.objects.all(), required=False, allow_null=True)
    level = serializers.ChoiceField(choices=Level.choices, required=False)
    handling_department = serializers.PrimaryKeyRelatedField(queryset=_departments(), required=False)
    reporter_name = serializers.CharField(max_length=60, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    phone_reported_at = serializers.DateTimeField(required=False, allow_null=True, validators=[sane_date])


class FaultCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class FaultWorkaroundSerializer(serializers.Serializer):
    workaround = serializers.CharField()


class FaultResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField(required=False, allow_blank=True, default="")


class FaultHelpersSerializer(serializers.Serializer):
    departments = serializers.PrimaryKeyRelatedField(queryset=_departments(), many=True, required=False, default=list)
    vendors = serializers.CharField(required=False, allow_blank=True, default="")


class FaultBodySerializer(serializers.Serializer):
    body = serializers.CharField(required=False, allow_blank=True, default="")


class ProblemSerializer(serializers.ModelSerializer):
    ticket_count = serializers.IntegerField(read_only=True, required=False)

    class Meta:
        model = Problem
        fields = [
            "id",
            "title",
            "description",
            "department",
            "plan",
            "conclusion",
            "state",
            "created_at",
            "closed_at",
            "ticket_count",
        ]
        read_only_fields = fields


class FaultNewProblemSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True, default="")


def _ticket_action(serializer=FaultCommentSerializer, response=FaultTicketSerializer, code=200):
    return extend_schema(request=serializer, responses={code: response})


class FaultTicketViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RecordViewSet):
    """Fault tickets (F2.1–F2.5), sorted by time left on the repair deadline."""

    model = FaultTicket
    object_kwarg = "ticket"
    serializer_class = FaultTicketSerializer
    filterset_fields = ["state", "level", "category", "handling_department"]

    def select(self, user):
        return selectors.ticket_queue(user, open_only=self.request.query_params.get("open") == "1")

    def _done(self, ticket, code=status.HTTP_200_OK):
        ticket = self.get_queryset().get(pk=ticket.pk)
        return Response(FaultTicketSerializer(ticket).data, status=code)

    @extend_schema(request=FaultReportSerializer, responses={201: FaultTicketSerializer})
    def create(self, request):
        data = FaultReportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket = services.fault_report(by=request.user, **data.validated_data)
        return self._done(ticket, status.HTTP_201_CREATED)

    @_ticket_action()
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        return self._done(self.perform_action(services.fault_acknowledge, body=FaultCommentSerializer))

    @_ticket_action()
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._done(self.perform_action(services.fault_start_work, body=FaultCommentSerializer))

    @_ticket_action(FaultWorkaroundSerializer)
    @action(detail=True, methods=["post"])
    def workaround(self, request, pk=None):
        return self._done(self.perform_action(services.fault_record_workaround, body=FaultWorkaroundSerializer))

    @_ticket_action(FaultResolveSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        return self._done(self.perform_action(services.fault_resolve, body=FaultResolveSerializer))

    @_ticket_action()
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._done(self.perform_action(services.fault_close, body=FaultCommentSerializer))

    @_ticket_action()
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._done(self.perform_action(services.fault_reopen, body=FaultCommentSerializer))

    @_ticket_action(FaultHelpersSerializer)
    @action(detail=True, methods=["post"])
    def helpers(self, request, pk=None):
        return self._done(self.perform_action(services.fault_add_helpers, body=FaultHelpersSerializer))

    @_ticket_action(FaultBodySerializer, FaultNoticeSerializer, 201)
    @action(detail=True, methods=["post"], url_path="recovery-notice")
    def recovery_notice(self, request, pk=None):
        notice = self.perform_action(services.fault_send_recovery_notice, body=FaultBodySerializer)
        return Response(FaultNoticeSerializer(notice).data, status=status.HTTP_201_CREATED)

    @_ticket_action(FaultBodySerializer, FaultNoticeSerializer, 201)
    @action(detail=True, methods=["post"])
    def explanation(self, request, pk=None):
        notice = self.perform_action(services.fault_publish_explanation, body=FaultBodySerializer)
        return Response(FaultNoticeSerializer(notice).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={200: FaultNoticeSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def notices(self, request, pk=None):
        ticket = self.get_object()
        return Response(FaultNoticeSerializer(selectors.notices_of(ticket), many=True).data)

    @_ticket_action(FaultNewProblemSerializer, ProblemSerializer, 201)
    @action(detail=True, methods=["post"])
    def problem(self, request, pk=None):
        problem = self.perform_action(services.problem_create_from_ticket, body=FaultNewProblemSerializer)
        return Response(ProblemSerializer(problem).data, status=status.HTTP_201_CREATED)


class FaultLinkSerializer(serializers.Serializer):
    ticket = serializers.PrimaryKeyRelatedField(queryset=FaultTicket.objects.all())

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:  # only tickets the user may see (issue 11); the service re-checks
            self.fields["ticket"].queryset = selectors.tickets_visible_to(user)


class FaultPlanSerializer(serializers.Serializer):
    plan = serializers.CharField(required=False, allow_blank=True, default="")


class FaultConclusionSerializer(serializers.Serializer):
    conclusion = serializers.CharField(required=False, allow_blank=True, default="")


class ProblemViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RecordViewSet):
    """System problems (F2.5)."""

    model = Problem
    object_kwarg = "problem"
    serializer_class = ProblemSerializer
    filterset_fields = ["state", "department"]
    selector = selectors.problems_visible_to

    def _run(self, request, serializer, fn):
        problem = self.get_object()
        body = self.body(serializer, **({"user": request.user} if serializer is FaultLinkSerializer else {}))
        fn(problem=problem, by=request.user, **body)
        return Response(ProblemSerializer(self.get_queryset().get(pk=problem.pk)).data)

    @extend_schema(request=FaultLinkSerializer, responses={200: ProblemSerializer})
    @action(detail=True, methods=["post"])
    def link(self, request, pk=None):
        return self._run(request, FaultLinkSerializer, services.problem_link_ticket)

    @extend_schema(request=FaultPlanSerializer, responses={200: ProblemSerializer})
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self._run(request, FaultPlanSerializer, services.problem_start)

    @extend_schema(request=FaultConclusionSerializer, responses={200: ProblemSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._run(request, FaultConclusionSerializer, services.problem_close)


# --- quality events -------------------------------------------------------------------


class QualityEventSerializer(serializers.ModelSerializer):
    level = serializers.ChoiceField(choices=WarningLevel.choices, read_only=True)

    class Meta:
        model = QualityEvent
        fields = [
            "id",
            "title",
            "description",
            "category",
            "source",
            "business_department",
            "detected_at",
            "cities",
            "customers",
            "complaints_per_day",
            "escalated_per_day",
            "escalated_per_week",
            "hq_level",
            "publicity",
            "computed_level",
            "override_level",
            "override_reason",
            "level",
            "state",
            "reported_at",
            "published_at",
            "script",
            "script_sent_at",
            "cause_and_plan",
            "cause_plan_at",
            "hq_feedback_at",
            "hq_plan_at",
            "rectification_plan",
            "rectification_result",
            "closed_at",
        ]
        read_only_fields = fields


class FaultFiguresSerializer(serializers.Serializer):
    cities = serializers.IntegerField(min_value=0, required=False)
    customers = serializers.IntegerField(min_value=0, required=False)
    complaints_per_day = serializers.IntegerField(min_value=0, required=False)
    escalated_per_day = serializers.IntegerField(min_value=0, required=False)
    escalated_per_week = serializers.IntegerField(min_value=0, required=False)
    hq_level = serializers.ChoiceField(choices=HqLevel.choices, required=False, allow_blank=True)
    publicity = serializers.ChoiceField(choices=Publicity.choices, required=False, allow_blank=True)
    override_level = serializers.ChoiceField(choices=WarningLevel.choices, required=False, allow_blank=True)
    override_reason = serializers.CharField(max_length=300, required=False, allow_blank=True)


class FaultNewEventSerializer(FaultFiguresSerializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    category = serializers.ChoiceField(choices=EventCategory.choices)
    # The API's field is called "source"; DRF's Field.source (a str) is what the stubs see here.
    source = serializers.ChoiceField(choices=EventSource.choices)  # type: ignore[assignment]
    business_department = serializers.PrimaryKeyRelatedField(queryset=_departments())
    detected_at = serializers.DateTimeField(required=False, allow_null=True, validators=[sane_date])


class FaultScriptSerializer(serializers.Serializer):
    script = serializers.CharField()


class FaultTextSerializer(serializers.Serializer):
    text = serializers.CharField()


class FaultRectifySerializer(serializers.Serializer):
    plan = serializers.CharField()


class FaultResultSerializer(serializers.Serializer):
    result = serializers.CharField(required=False, allow_blank=True, default="")


class FaultEmptySerializer(serializers.Serializer):
    pass


class QualityEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RecordViewSet):
    """Major service-quality events (F2.6–F2.8) with their computed warning level."""

    model = QualityEvent
    object_kwarg = "event"
    serializer_class = QualityEventSerializer
    filterset_fields = ["state", "category", "source"]
    selector = selectors.events_visible_to

    @extend_schema(request=FaultNewEventSerializer, responses={201: QualityEventSerializer})
    def create(self, request):
        data = FaultNewEventSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = services.event_create(by=request.user, **data.validated_data)
        return Response(QualityEventSerializer(event).data, status=status.HTTP_201_CREATED)

    def _run(self, request, serializer, fn):
        return Response(QualityEventSerializer(self.perform_action(fn, body=serializer)).data)

    @extend_schema(request=FaultFiguresSerializer, responses={200: QualityEventSerializer})
    @action(detail=True, methods=["post"])
    def figures(self, request, pk=None):
        return self._run(request, FaultFiguresSerializer, services.event_update_figures)

    @extend_schema(request=FaultEmptySerializer, responses={200: QualityEventSerializer})
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        return self._run(request, FaultEmptySerializer, services.event_report)

    @extend_schema(request=FaultEmptySerializer, responses={200: QualityEventSerializer})
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._run(request, FaultEmptySerializer, services.event_publish)

    @extend_schema(request=FaultScriptSerializer, responses={200: QualityEventSerializer})
    @action(detail=True, methods=["post"])
    def script(self, request, pk=None):
        return self._run(request, FaultScriptSerializer, services.event_send_script)

    @extend_schema(request=FaultTextSerializer, responses={200: QualityEventSerializer})
    @action(detail=True, methods=["post"], url_path="cause-plan")
    def cause_plan(self, request, pk=None):
        return self._run(request, FaultTextSerializer, services.event_submit_cause_plan)

    @extend_schema(request=FaultCommentSerializer, responses={200: QualityEventSerializer})
    @action(detail=True, methods=["post"], url_path="hq-feedback")
    def hq_feedback(self, request, pk=None):
        return self._run(request, FaultCommentSerializer, services.event_hq_feedback)

    @extend_schema(request=FaultCommentSerializer, responses={200: QualityEventSerializer})
    @action(detail=True, methods=["post"], url_path="hq-plan")
    def hq_plan(self, request, pk=None):
        return self._run(request, FaultCommentSerializer, services.event_hq_plan)

    @extend_schema(request=FaultRectifySerializer, responses={200: QualityEventSerializer})
    @action(detail=True, methods=["post"])
    def rectify(self, request, pk=None):
        return self._run(request, FaultRectifySerializer, services.event_start_rectification)

    @extend_schema(request=FaultResultSerializer, responses={200: QualityEventSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._run(request, FaultResultSerializer, services.event_close)

    @extend_schema(request=FaultEmptySerializer, responses={200: QualityEventSerializer})
    @action(detail=True, methods=["post"], url_path="apply-complaint-counts")
    def apply_complaint_counts(self, request, pk=None):
        return self._run(request, FaultEmptySerializer, services.event_apply_complaint_counts)


# --- complaints ------------------------------------------------------------------------


class ComplaintSerializer(serializers.ModelSerializer):
    class Meta:
        model = Complaint
        fields = [
            "id",
            "customer_name",
            "customer_phone",
            "category",
            "escalated",
            "content",
            "department",
            "received_at",
            "state",
            "answer",
            "answered_at",
            "satisfaction",
            "appeal_reference",
            "appealed_at",
            "appeal_outcome",
            "closed_at",
            "quality_event",
        ]
        read_only_fields = fields


class FaultNewComplaintSerializer(serializers.Serializer):
    customer_name = serializers.CharField(max_length=100)
    customer_phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    category = serializers.ChoiceField(choices=EventCategory.choices)
    content = serializers.CharField()
    department = serializers.PrimaryKeyRelatedField(queryset=_departments())
    escalated = serializers.BooleanField(required=False, default=False)
    received_at = serializers.DateTimeField(required=False, allow_null=True, validators=[sane_date])
    quality_event = serializers.PrimaryKeyRelatedField(
        queryset=QualityEvent.objects.all(), required=False, allow_null=True
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:  # only quality events the user may see (issue 11); the service re-checks
            self.fields["quality_event"].queryset = selectors.events_visible_to(user)


class FaultAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField()


class FaultSatisfactionSerializer(serializers.Serializer):
    satisfied = serializers.BooleanField()


class FaultAppealSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=60)


class FaultOutcomeSerializer(serializers.Serializer):
    outcome = serializers.CharField()


class FaultDailyCountSerializer(serializers.Serializer):
    category = serializers.CharField()
    category_label = serializers.CharField()
    level = serializers.CharField()
    day = serializers.IntegerField()
    escalated_day = serializers.IntegerField()
    escalated_week = serializers.IntegerField()
    events_to_raise = serializers.ListField(child=serializers.IntegerField())


class ComplaintViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RecordViewSet):
    """Customer complaints (F2.9): 15-day reply, satisfaction, 12300 appeals."""

    model = Complaint
    object_kwarg = "complaint"
    serializer_class = ComplaintSerializer
    filterset_fields = ["state", "category", "department", "escalated"]
    selector = selectors.complaints_visible_to

    @extend_schema(request=FaultNewComplaintSerializer, responses={201: ComplaintSerializer})
    def create(self, request):
        data = FaultNewComplaintSerializer(data=request.data, user=request.user)
        data.is_valid(raise_exception=True)
        complaint = services.complaint_receive(by=request.user, **data.validated_data)
        return Response(ComplaintSerializer(complaint).data, status=status.HTTP_201_CREATED)

    def _run(self, request, serializer, fn):
        return Response(ComplaintSerializer(self.perform_action(fn, body=serializer)).data)

    @extend_schema(request=FaultAnswerSerializer, responses={200: ComplaintSerializer})
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        return self._run(request, FaultAnswerSerializer, services.complaint_answer)

    @extend_schema(request=FaultSatisfactionSerializer, responses={200: ComplaintSerializer})
    @action(detail=True, methods=["post"])
    def satisfaction(self, request, pk=None):
        return self._run(request, FaultSatisfactionSerializer, services.complaint_record_satisfaction)

    @extend_schema(request=FaultAppealSerializer, responses={200: ComplaintSerializer})
    @action(detail=True, methods=["post"])
    def appeal(self, request, pk=None):
        return self._run(request, FaultAppealSerializer, services.complaint_appeal)

    @extend_schema(request=FaultOutcomeSerializer, responses={200: ComplaintSerializer})
    @action(detail=True, methods=["post"], url_path="close-appeal")
    def close_appeal(self, request, pk=None):
        return self._run(request, FaultOutcomeSerializer, services.complaint_close_appeal)

    @extend_schema(
        responses={200: FaultDailyCountSerializer(many=True)},
        parameters=[OpenApiParameter("day", OpenApiTypes.DATE, required=False)],
    )
    @action(detail=False, methods=["get"])
    def daily(self, request):
        """Today's (or ``?day=``) counts per category that reach a warning level (F2.9 → F2.7)."""
        query = None
        if request.query_params.get("day"):
            day = serializers.DateField(validators=[sane_date])
            try:
                query = day.run_validation(request.query_params["day"])
            except serializers.ValidationError as exc:
                raise serializers.ValidationError({"day": exc.detail}) from exc
        rows = [
            {
                "category": s["category"],
                "category_label": str(s["category_label"]),
                "level": s["level"],
                **s["counts"],
                "events_to_raise": [e.pk for e in s["events_to_raise"]],
            }
            for s in selectors.complaint_suggestions(day=query)
        ]
        return Response(FaultDailyCountSerializer(rows, many=True).data)


router.register("faults", FaultTicketViewSet, basename="fault")
router.register("problems", ProblemViewSet, basename="problem")
router.register("quality-events", QualityEventViewSet, basename="quality-event")
router.register("complaints", ComplaintViewSet, basename="complaint")
