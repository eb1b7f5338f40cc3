"""Fault tickets (F2.1–F2.5): /api/v1/faults/, their transitions, notices and the problem made from one."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from billing.models import Service
from core.viewsets import RecordViewSet
from org.roles import Role
from sla.models import Level
from sla.validators import sane_date

from .. import selectors, services
from ..models import FaultCategory, FaultNotice, FaultTicket, InternalSystem
from .base import FaultCommentSerializer, all_departments
from .problems import ProblemSerializer


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
    handling_department = serializers.PrimaryKeyRelatedField(queryset=all_departments(), required=False)
    reporter_name = serializers.CharField(max_length=60, required=False, allow_blank=True)
    contact_phone = serializers.CharField(max_length=30, required=False, allow_blank=True)
    phone_reported_at = serializers.DateTimeField(required=False, allow_null=True, validators=[sane_date])


class FaultWorkaroundSerializer(serializers.Serializer):
    workaround = serializers.CharField()


class FaultResolveSerializer(serializers.Serializer):
    resolution = serializers.CharField(required=False, allow_blank=True, default="")


class FaultHelpersSerializer(serializers.Serializer):
    departments = serializers.PrimaryKeyRelatedField(
        queryset=all_departments(), many=True, required=False, default=list
    )
    vendors = serializers.CharField(required=False, allow_blank=True, default="")


class FaultBodySerializer(serializers.Serializer):
    body = serializers.CharField(required=False, allow_blank=True, default="")


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
