"""The API of reasoned pauses (S5.3): list a subject's pauses, request one, approve / reject / end it.

A subject is named by ``subject_type`` (``responses.order``, ``responses.workstep``,
``faults.faultticket``) and ``subject_id``; one the person may not see is a 404, as is a pause of it.
Every write is the pause service's (``sla.services.pauses``): wrong person 403, wrong state 409.
"""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.errors import Invalid
from core.viewsets import RecordViewSet

from .. import services
from ..models import Pause
from ..pause_views import pause_for, subject_for


class PauseSerializer(serializers.ModelSerializer):
    subject_type = serializers.SerializerMethodField()
    subject_id = serializers.IntegerField(source="object_id", read_only=True)
    reason = serializers.CharField(source="reason.code", read_only=True)
    reason_name = serializers.CharField(source="reason.name", read_only=True)
    requested_by = serializers.CharField(source="requested_by.username", read_only=True)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, default=None)
    ended_by = serializers.CharField(source="ended_by.username", read_only=True, default=None)

    class Meta:
        model = Pause
        fields = [
            "id",
            "subject_type",
            "subject_id",
            "reason",
            "reason_name",
            "note",
            "state",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "ended_by",
            "ended_at",
        ]

    def get_subject_type(self, pause) -> str:
        return f"{pause.content_type.app_label}.{pause.content_type.model}"


SUBJECT_TYPES = ["responses.order", "responses.workstep", "faults.faultticket"]


class SubjectSerializer(serializers.Serializer):
    subject_type = serializers.ChoiceField(choices=SUBJECT_TYPES)
    subject_id = serializers.IntegerField(min_value=1, max_value=2**53)


class RequestSerializer(SubjectSerializer):
    reason = serializers.SlugField(max_length=40, help_text="A pause reason's code (waiting-customer, …)")
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class NoteSerializer(serializers.Serializer):
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class PauseViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RecordViewSet):
    """A subject's pauses (S5.3): ``?subject_type=&subject_id=`` lists them, newest first."""

    model = Pause
    serializer_class = PauseSerializer

    def select(self, user):
        query = SubjectSerializer(data=self.request.query_params)
        if self.action == "list":
            if not query.is_valid():
                raise Invalid(fields=query.errors)
            subject = subject_for(user, query.validated_data["subject_type"], query.validated_data["subject_id"])
            return (
                Pause.objects.filter(object_id=subject.pk, content_type__model=subject._meta.model_name)
                .filter(content_type__app_label=subject._meta.app_label)
                .select_related("reason", "content_type", "requested_by", "decided_by", "ended_by")
            )
        return Pause.objects.none()

    def get_object(self):
        return pause_for(self.request.user, self.kwargs.get("pk"))

    @extend_schema(
        parameters=[
            OpenApiParameter("subject_type", str, required=True, enum=SUBJECT_TYPES),
            OpenApiParameter("subject_id", int, required=True),
        ]
    )
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)

    @extend_schema(request=RequestSerializer, responses={201: PauseSerializer})
    def create(self, request):
        body = self.body(RequestSerializer)
        subject = subject_for(request.user, body["subject_type"], body["subject_id"])
        pause = services.pause_request(subject=subject, reason=body["reason"], by=request.user, note=body["note"])
        return Response(PauseSerializer(pause).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=NoteSerializer, responses=PauseSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve: the subject's clocks (and a step's order provisioning clock, R1.10) stop now."""
        pause = self.get_object()
        return self._respond(services.pause_approve(pause=pause, by=request.user, **self.body(NoteSerializer)))

    @extend_schema(request=NoteSerializer, responses=PauseSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        pause = self.get_object()
        return self._respond(services.pause_reject(pause=pause, by=request.user, **self.body(NoteSerializer)))

    @extend_schema(request=None, responses=PauseSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End the pause: the clocks resume, moved by the paused time."""
        return self._respond(services.pause_end(pause=self.get_object(), by=request.user))

    def _respond(self, pause):
        return Response(PauseSerializer(pause).data)
