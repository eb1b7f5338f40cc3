"""Rectification notices (整改通知, seed 002): /api/v1/rectifications/ — list, retrieve, issue (create),
answer (with an optional evidence file, multipart), close and reject by the issuer."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.viewsets import RecordViewSet

from .. import selectors, services
from ..models import FaultTicket, Problem, QualityEvent, RectificationNotice
from .base import FaultCommentSerializer, all_departments


class RectificationSerializer(serializers.ModelSerializer):
    number = serializers.CharField(read_only=True)
    evidence_url = serializers.SerializerMethodField()

    class Meta:
        model = RectificationNotice
        fields = [
            "id", "number", "title", "content", "issued_by", "issuing_department", "to_department", "issued_at",
            "due_at", "ticket", "problem", "quality_event", "state", "answer", "evidence_url", "answered_by",
            "answered_at", "rejections", "closed_at",
        ]  # fmt: skip
        read_only_fields = fields

    def get_evidence_url(self, notice) -> str:
        """The protected download of the evidence file ('' when none): access is checked there."""
        return reverse("faults:rectification-evidence", args=[notice.pk]) if notice.evidence_file else ""


class FaultNewRectificationSerializer(serializers.Serializer):
    to_department = serializers.PrimaryKeyRelatedField(queryset=all_departments())
    title = serializers.CharField(max_length=200)
    content = serializers.CharField()
    ticket = serializers.PrimaryKeyRelatedField(queryset=FaultTicket.objects.all(), required=False, allow_null=True)
    problem = serializers.PrimaryKeyRelatedField(queryset=Problem.objects.all(), required=False, allow_null=True)
    quality_event = serializers.PrimaryKeyRelatedField(
        queryset=QualityEvent.objects.all(), required=False, allow_null=True
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:  # only records the user may see (issue 11); the service re-checks
            self.fields["ticket"].queryset = selectors.tickets_visible_to(user)
            self.fields["problem"].queryset = selectors.problems_visible_to(user)
            self.fields["quality_event"].queryset = selectors.events_visible_to(user)


class FaultRectificationAnswerSerializer(serializers.Serializer):
    answer = serializers.CharField(required=False, allow_blank=True, default="")
    evidence_file = serializers.FileField(required=False, allow_null=True, default=None)


class FaultRejectSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, default="")


class RectificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RecordViewSet):
    """Rectification notices (seed 002): the ones to answer first, then the overdue ones."""

    model = RectificationNotice
    object_kwarg = "notice"
    serializer_class = RectificationSerializer
    filterset_fields = ["state", "to_department", "issuing_department"]

    def select(self, user):
        return selectors.rectification_list(user)

    @extend_schema(request=FaultNewRectificationSerializer, responses={201: RectificationSerializer})
    def create(self, request):
        body = self.body(FaultNewRectificationSerializer, user=request.user)
        notice = services.rectification_issue(by=request.user, **body)
        return Response(RectificationSerializer(notice).data, status=status.HTTP_201_CREATED)

    def _run(self, serializer, fn):
        return Response(RectificationSerializer(self.perform_action(fn, body=serializer)).data)

    @extend_schema(request=FaultRectificationAnswerSerializer, responses={200: RectificationSerializer})
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        return self._run(FaultRectificationAnswerSerializer, services.rectification_answer)

    @extend_schema(request=FaultCommentSerializer, responses={200: RectificationSerializer})
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self._run(FaultCommentSerializer, services.rectification_close)

    @extend_schema(request=FaultRejectSerializer, responses={200: RectificationSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self._run(FaultRejectSerializer, services.rectification_reject)
