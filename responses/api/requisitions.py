"""Resource-confirmation requisitions (R1.7)."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action

from billing.models import Customer

from .. import selectors, services
from ..models import Requisition
from .base import ScopedViewSet, TimeLeftMixin


class RequisitionSerializer(TimeLeftMixin, serializers.ModelSerializer):
    front_department: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="code", read_only=True)
    assigned_department: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="code", read_only=True)
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())

    class Meta:
        model = Requisition
        fields = [
            "id",
            "front_department",
            "customer",
            "resource_type",
            "description",
            "assigned_department",
            "state",
            "answer",
            "on_site",
            "created_at",
            "due_at",
            "time_left_seconds",
            "overdue",
        ]
        read_only_fields = ["state", "answer", "on_site", "created_at", "due_at"]

    def _is_open(self, obj) -> bool:
        return obj.state in (Requisition.State.RAISED, Requisition.State.DISPATCHED)

    def create(self, validated_data):
        return services.requisition_raise(by=self.context["request"].user, **validated_data)


class RequisitionAnswerSerializer(serializers.Serializer):
    available = serializers.BooleanField()
    answer = serializers.CharField(required=False, allow_blank=True, default="")
    on_site = serializers.BooleanField(default=False)


class RequisitionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    ScopedViewSet,
):
    """Resource-confirmation requisitions (R1.7)."""

    model = Requisition
    object_kwarg = "requisition"
    serializer_class = RequisitionSerializer
    filterset_fields = ["state", "resource_type"]
    ordering_fields = ["due_at", "created_at"]
    selector = selectors.requisitions_visible_to

    @extend_schema(request=None, responses=RequisitionSerializer)
    @action(detail=True, methods=["post"], url_path="dispatch")
    def dispatch_requisition(self, request, pk=None):
        return self.act(services.requisition_dispatch)

    @extend_schema(request=RequisitionAnswerSerializer, responses=RequisitionSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        return self.act(services.requisition_answer, **self.body(RequisitionAnswerSerializer))
