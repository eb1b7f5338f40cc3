"""Account requests, grants and HR events through the API (A3.1, A3.2)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.viewsets import RecordViewSet
from org.models import Department, User
from org.roles import Role
from sla.validators import sane_date

from .. import selectors, services
from ..models import AccountRequest, Grant, HrEvent


class AccountRequestSerializer(serializers.ModelSerializer):
    requested_roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), required=False)
    target_user = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.all(), required=False, allow_null=True
    )
    requested_department = serializers.SlugRelatedField(
        slug_field="code", queryset=Department.objects.all(), required=False, allow_null=True
    )
    scope_department = serializers.SlugRelatedField(slug_field="code", queryset=Department.objects.all())
    requester = serializers.CharField(source="requester.username", read_only=True)
    requester_department = serializers.CharField(source="requester_department.code", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = AccountRequest
        fields = [
            "id",
            "kind",
            "state",
            "state_display",
            "requester",
            "requester_department",
            "target_user",
            "new_username",
            "new_full_name",
            "new_email",
            "new_phone",
            "system",
            "requested_roles",
            "requested_department",
            "permission_text",
            "scope_department",
            "reason",
            "created_at",
            "manager_approved_at",
            "business_approved_at",
            "escalation_reason",
            "leader_approved_at",
            "completed_at",
            "rejected_at",
            "reject_reason",
        ]
        read_only_fields = [
            "state",
            "created_at",
            "manager_approved_at",
            "business_approved_at",
            "escalation_reason",
            "leader_approved_at",
            "completed_at",
            "rejected_at",
            "reject_reason",
        ]


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class ReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class AccountRequestViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, RecordViewSet):
    """Account requests (A3.1); every step is a POST action."""

    model = AccountRequest
    object_kwarg = "request"
    serializer_class = AccountRequestSerializer
    filterset_fields = ["state", "kind"]
    selector = selectors.account_requests_for

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        serializer.instance = services.account_request_submit(by=self.request.user, **data)

    def _step(self, request, fn, body_class=CommentSerializer):
        return Response(AccountRequestSerializer(self.perform_action(fn, **self.body(body_class))).data)

    @extend_schema(request=CommentSerializer, responses=AccountRequestSerializer)
    @action(detail=True, methods=["post"], url_path="manager-approve")
    def manager_approve(self, request, pk=None):
        return self._step(request, services.account_request_manager_approve)

    @extend_schema(request=CommentSerializer, responses=AccountRequestSerializer)
    @action(detail=True, methods=["post"], url_path="business-approve")
    def business_approve(self, request, pk=None):
        return self._step(request, services.account_request_business_approve)

    @extend_schema(request=ReasonSerializer, responses=AccountRequestSerializer)
    @action(detail=True, methods=["post"])
    def escalate(self, request, pk=None):
        return self._step(request, services.account_request_escalate, ReasonSerializer)

    @extend_schema(request=CommentSerializer, responses=AccountRequestSerializer)
    @action(detail=True, methods=["post"], url_path="leader-approve")
    def leader_approve(self, request, pk=None):
        return self._step(request, services.account_request_leader_approve)

    @extend_schema(request=CommentSerializer, responses=AccountRequestSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        return self._step(request, services.account_request_complete)

    @extend_schema(request=ReasonSerializer, responses=AccountRequestSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._step(request, services.account_request_reject, ReasonSerializer)


class GrantSerializer(serializers.ModelSerializer):
    user = serializers.CharField(source="user.username", read_only=True)
    department = serializers.CharField(source="department.code", read_only=True, default=None)
    granted_by = serializers.CharField(source="granted_by.username", read_only=True, default=None)
    revoked_by = serializers.CharField(source="revoked_by.username", read_only=True, default=None)

    class Meta:
        model = Grant
        fields = [
            "id",
            "user",
            "system",
            "role",
            "department",
            "permission_text",
            "request",
            "granted_at",
            "granted_by",
            "active",
            "revoked_at",
            "revoked_by",
            "revoke_reason",
        ]
        read_only_fields = fields


class GrantViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RecordViewSet):
    """The grants register (read-only: grants change through requests and HR records)."""

    model = Grant
    serializer_class = GrantSerializer
    filterset_fields = ["active", "system", "role"]
    selector = selectors.grants_for


class HrEventSerializer(serializers.ModelSerializer):
    user = serializers.SlugRelatedField(slug_field="username", queryset=User.objects.all())
    new_department = serializers.SlugRelatedField(
        slug_field="code", queryset=Department.objects.all(), required=False, allow_null=True
    )
    old_department = serializers.CharField(source="old_department.code", read_only=True, default=None)
    effective_on = serializers.DateField(required=False, validators=[sane_date])  # A3.2's window: the service

    class Meta:
        model = HrEvent
        fields = [
            "id",
            "user",
            "kind",
            "effective_on",
            "old_department",
            "new_department",
            "note",
            "source",
            "recorded_at",
            "grants_revoked",
            "roles_removed",
            "applied_at",
        ]
        read_only_fields = ["source", "recorded_at", "grants_revoked", "roles_removed", "applied_at"]


class HrEventViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, RecordViewSet):
    """Job changes and departures (A3.2): creating one applies it at once."""

    model = HrEvent
    serializer_class = HrEventSerializer
    filterset_fields = ["kind"]
    selector = selectors.hr_events_for

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        event = services.hr_event_record(by=request.user, source=HrEvent.Source.API, **serializer.validated_data)
        return Response(self.get_serializer(event).data, status=status.HTTP_201_CREATED)
