"""Customer complaints (F2.9): /api/v1/complaints/."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from billing.models import Customer
from billing.selectors import customers_for
from core.viewsets import RecordViewSet
from sla.validators import sane_date

from .. import selectors, services
from ..models import AppealStage, Complaint, ComplaintChannel, EventCategory, FaultTicket, QualityEvent
from .base import all_departments


class ComplaintSerializer(serializers.ModelSerializer):
    # blank until the customer appeals: the schema says so (a read-only model field would not)
    appeal_stage = serializers.ChoiceField(choices=AppealStage.choices, allow_blank=True, read_only=True)

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
            "channel",
            "customer",
            "order_number",
            "fault_ticket",
            "followed_up_at",
            "followed_up_by",
            "follow_up_outcome",
            "appeal_stage",
            "appeal_steps",
        ]
        read_only_fields = fields

    appeal_steps = serializers.SerializerMethodField()

    def get_appeal_steps(self, complaint) -> list[dict]:
        return [
            {"stage": s.stage, "outcome": s.outcome, "recorded_at": s.recorded_at.isoformat()}
            for s in complaint.appeal_steps.all()
        ]


class FaultNewComplaintSerializer(serializers.Serializer):
    customer_name = serializers.CharField(max_length=100)
    customer_phone = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    category = serializers.ChoiceField(choices=EventCategory.choices)
    content = serializers.CharField()
    department = serializers.PrimaryKeyRelatedField(queryset=all_departments())
    escalated = serializers.BooleanField(required=False, default=False)
    received_at = serializers.DateTimeField(required=False, allow_null=True, validators=[sane_date])
    quality_event = serializers.PrimaryKeyRelatedField(
        queryset=QualityEvent.objects.all(), required=False, allow_null=True
    )
    channel = serializers.ChoiceField(
        choices=ComplaintChannel.choices, required=False, default=ComplaintChannel.HOTLINE
    )
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all(), required=False, allow_null=True)
    order_number = serializers.CharField(max_length=30, required=False, allow_blank=True, default="")
    fault_ticket = serializers.PrimaryKeyRelatedField(
        queryset=FaultTicket.objects.all(), required=False, allow_null=True
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:  # only records the user may see (issue 11); the service re-checks
            self.fields["quality_event"].queryset = selectors.events_visible_to(user)
            self.fields["fault_ticket"].queryset = selectors.tickets_visible_to(user)
            self.fields["customer"].queryset = customers_for(user)


class FaultAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField()


class FaultSatisfactionSerializer(serializers.Serializer):
    satisfied = serializers.BooleanField()


class FaultAppealSerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=60)
    # One enum in the schema (AppealStage); the service refuses a start past the ministry's centre.
    stage = serializers.ChoiceField(choices=AppealStage.choices, required=False, default=AppealStage.PROVINCIAL)


class FaultFollowUpSerializer(serializers.Serializer):
    satisfied = serializers.BooleanField()
    outcome = serializers.CharField(required=False, allow_blank=True, default="")


class FaultAppealStageSerializer(serializers.Serializer):
    outcome = serializers.CharField()
    stage = serializers.ChoiceField(choices=AppealStage.choices)


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

    @extend_schema(request=FaultFollowUpSerializer, responses={200: ComplaintSerializer})
    @action(detail=True, methods=["post"], url_path="follow-up")
    def follow_up(self, request, pk=None):
        """The follow-up visit (回访) after the answer: outcome and satisfaction."""
        return self._run(request, FaultFollowUpSerializer, services.complaint_follow_up)

    @extend_schema(request=FaultAppealStageSerializer, responses={200: ComplaintSerializer})
    @action(detail=True, methods=["post"], url_path="appeal-stage")
    def appeal_stage(self, request, pk=None):
        """Seed 004: the current stage's outcome and the next stage of the 12300 route."""
        return self._run(request, FaultAppealStageSerializer, services.complaint_appeal_escalate)

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
