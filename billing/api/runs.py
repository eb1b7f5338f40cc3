"""Bill runs (B4.2, B4.3): the run, its checklist, comments and anomalies; transitions as POST actions."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from core.viewsets import RecordViewSet
from org.models import User
from sla.validators import SaneDatesSerializerMixin

from .. import selectors, services
from ..models import BillRun


class BillRunSerializer(SaneDatesSerializerMixin, serializers.ModelSerializer):
    operator: serializers.StringRelatedField = serializers.StringRelatedField()
    checked_by: serializers.StringRelatedField = serializers.StringRelatedField()
    verified_by: serializers.StringRelatedField = serializers.StringRelatedField()
    reviewed_by: serializers.StringRelatedField = serializers.StringRelatedField()

    class Meta:
        model = BillRun
        fields = [
            "id", "kind", "period", "state", "attempt", "operator", "checklist", "checked_by", "checked_at",
            "verified_by", "reviewed_by", "progress_done", "progress_total", "published_at",
        ]  # fmt: skip
        read_only_fields = [f for f in fields if f not in ("kind", "period")]
        # B4.2/B4.3: a run that exists is returned (200), not refused by the unique (kind, period) set.
        validators: list = []

    def validate_period(self, value):
        return value.replace(day=1)


class BillRunChecklistSerializer(serializers.Serializer):
    checklist = serializers.DictField(child=serializers.BooleanField())
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class BillRunCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class BillRunAnomalySerializer(serializers.Serializer):
    text = serializers.CharField()


class BillRunAssignSerializer(serializers.Serializer):
    """Issue 14: the IT operator who runs it from now on (by user id)."""

    operator = serializers.PrimaryKeyRelatedField(queryset=User.objects.all())


class BillRunViewSet(mixins.CreateModelMixin, mixins.RetrieveModelMixin, mixins.ListModelMixin, RecordViewSet):
    """B4.2/B4.3: monthly bill and settlement runs."""

    model = BillRun
    object_kwarg = "run"
    serializer_class = BillRunSerializer
    filterset_fields = ["kind", "state", "period"]
    selector = selectors.bill_runs_for

    @extend_schema(responses={201: BillRunSerializer, 200: BillRunSerializer})
    def create(self, request, *args, **kwargs):
        """Schedule the month's run: 201 with the new run, or 200 with the run that exists (B4.2/B4.3)."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        run, created = services.bill_run_get_or_schedule(
            period=data["period"], kind=data.get("kind", BillRun.Kind.BILLING), by=request.user
        )
        return Response(BillRunSerializer(run).data, status=201 if created else 200)

    def _respond(self, run):
        return Response(BillRunSerializer(run).data)

    @extend_schema(request=None, responses=BillRunSerializer)
    @action(detail=True, methods=["post"], url_path="start-check")
    def start_check(self, request, pk=None):
        return self._respond(self.perform_action(services.bill_run_start_check))

    @extend_schema(request=BillRunChecklistSerializer, responses=BillRunSerializer)
    @action(detail=True, methods=["post"], url_path="sign-check")
    def sign_check(self, request, pk=None):
        return self._respond(self.perform_action(services.bill_run_sign_check, **self.body(BillRunChecklistSerializer)))

    @extend_schema(request=None, responses=BillRunSerializer)
    @action(detail=True, methods=["post"], url_path="finish-preprocessing")
    def finish_preprocessing(self, request, pk=None):
        return self._respond(self.perform_action(services.bill_run_finish_preprocessing))

    @extend_schema(request=None, responses=BillRunSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        return self._respond(self.perform_action(services.bill_run_verify))

    @extend_schema(request=None, responses=BillRunSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._respond(self.perform_action(services.bill_run_publish))

    @extend_schema(request=BillRunCommentSerializer, responses=BillRunSerializer)
    @action(detail=True, methods=["post"])
    def challenge(self, request, pk=None):
        return self._respond(self.perform_action(services.bill_run_challenge, **self.body(BillRunCommentSerializer)))

    @extend_schema(request=BillRunCommentSerializer, responses=BillRunSerializer)
    @action(detail=True, methods=["post"], url_path="roll-back")
    def roll_back(self, request, pk=None):
        return self._respond(self.perform_action(services.bill_run_roll_back, **self.body(BillRunCommentSerializer)))

    @extend_schema(request=BillRunAnomalySerializer, responses=BillRunSerializer)
    @action(detail=True, methods=["post"])
    def anomaly(self, request, pk=None):
        body = self.body(BillRunAnomalySerializer)
        run = self.get_object()
        services.bill_run_report_anomaly(run=run, by=request.user, **body)
        return self._respond(run)

    @extend_schema(request=BillRunAssignSerializer, responses=BillRunSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        """Issue 14: an IT supervisor names another IT operator for a run not yet published."""
        return self._respond(self.perform_action(services.bill_run_assign_operator, BillRunAssignSerializer))
