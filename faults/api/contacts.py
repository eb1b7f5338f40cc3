"""The 24-hour contact roster and the phone follow-ups of quality events (seed 003 第八条):
/api/v1/duty-contacts/ and /api/v1/event-calls/."""

from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from core.viewsets import RecordViewSet
from org.models import DutyContact
from sla.validators import sane_date

from .. import selectors, services
from ..models import EventCall
from .base import all_departments


class DutyContactSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name_zh", read_only=True)
    on_duty_now = serializers.SerializerMethodField()

    class Meta:
        model = DutyContact
        fields = [
            "id", "department", "department_name", "user", "name", "phone", "on_duty_from", "on_duty_until", "note",
            "on_duty_now",
        ]  # fmt: skip
        read_only_fields = fields

    def get_on_duty_now(self, contact) -> bool:
        return contact.on_duty(timezone.now())


class DutyContactInputSerializer(serializers.Serializer):
    department = serializers.PrimaryKeyRelatedField(queryset=all_departments())
    name = serializers.CharField(max_length=60)
    phone = serializers.CharField(max_length=20)
    on_duty_from = serializers.DateTimeField(required=False, allow_null=True, default=None, validators=[sane_date])
    on_duty_until = serializers.DateTimeField(required=False, allow_null=True, default=None, validators=[sane_date])
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")


class DutyContactViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.DestroyModelMixin, RecordViewSet):
    """Each department's 24-hour contact persons; a department keeps its own, 客户服务部 everyone's."""

    model = DutyContact
    object_kwarg = "contact"
    serializer_class = DutyContactSerializer
    filterset_fields = ["department"]
    selector = selectors.duty_contacts_for

    @extend_schema(request=DutyContactInputSerializer, responses={201: DutyContactSerializer})
    def create(self, request):
        contact = services.contact_add(by=request.user, **self.body(DutyContactInputSerializer))
        return Response(DutyContactSerializer(contact).data, status=status.HTTP_201_CREATED)

    def destroy(self, request, *args, **kwargs):
        services.contact_remove(contact=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class EventCallSerializer(serializers.ModelSerializer):
    department_name = serializers.CharField(source="department.name_zh", read_only=True)

    class Meta:
        model = EventCall
        fields = [
            "id", "event", "stage", "department", "department_name", "contact", "called_name", "phone", "called_at",
            "outcome", "note", "recorded_by", "recorded_at",
        ]  # fmt: skip
        read_only_fields = fields


class EventCallInputSerializer(serializers.Serializer):
    event = serializers.IntegerField(min_value=1)
    stage = serializers.ChoiceField(choices=EventCall.Stage.choices)
    department = serializers.PrimaryKeyRelatedField(queryset=all_departments())
    outcome = serializers.ChoiceField(choices=EventCall.Outcome.choices)
    contact = serializers.PrimaryKeyRelatedField(
        queryset=DutyContact.objects.all(), required=False, allow_null=True, default=None
    )
    called_name = serializers.CharField(max_length=60, required=False, allow_blank=True, default="")
    phone = serializers.CharField(max_length=20, required=False, allow_blank=True, default="")
    called_at = serializers.DateTimeField(required=False, allow_null=True, default=None, validators=[sane_date])
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class EventCallViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, RecordViewSet):
    """The phone follow-ups of the events the person may see (``?event=``); POST records one."""

    model = EventCall
    serializer_class = EventCallSerializer
    filterset_fields = ["event", "stage", "outcome"]
    selector = selectors.calls_visible_to

    @extend_schema(request=EventCallInputSerializer, responses={201: EventCallSerializer})
    def create(self, request):
        body = self.body(EventCallInputSerializer)
        event = get_object_or_404(selectors.events_visible_to(request.user), pk=body.pop("event"))
        call = services.event_record_call(event=event, by=request.user, **body)
        return Response(EventCallSerializer(call).data, status=status.HTTP_201_CREATED)
