"""Major service-quality events (F2.6–F2.8): /api/v1/quality-events/."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.viewsets import RecordViewSet
from sla.validators import sane_date

from .. import selectors, services
from ..models import EventCategory, EventSource, HqLevel, Publicity, QualityEvent, WarningLevel
from .base import FaultCommentSerializer, all_departments


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
    business_department = serializers.PrimaryKeyRelatedField(queryset=all_departments())
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
