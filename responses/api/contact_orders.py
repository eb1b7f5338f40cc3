"""Work contact orders between departments (R1.13)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers
from rest_framework.decorators import action

from org.models import Department
from sla.validators import SaneDatesSerializerMixin

from .. import selectors, services
from ..models import ContactOrder
from .base import ScopedViewSet


class ContactOrderSerializer(SaneDatesSerializerMixin, serializers.ModelSerializer):
    from_department: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="code", read_only=True)
    to_department = serializers.SlugRelatedField(slug_field="code", queryset=Department.objects.all())
    is_late = serializers.BooleanField(read_only=True)

    class Meta:
        model = ContactOrder
        fields = [
            "id",
            "from_department",
            "to_department",
            "subject",
            "body",
            "feedback_due_at",
            "state",
            "reply",
            "answered_at",
            "is_late",
            "created_at",
        ]
        read_only_fields = ["state", "reply", "answered_at", "created_at"]

    def create(self, validated_data):
        return services.contact_order_create(by=self.context["request"].user, **validated_data)


class OrderReplySerializer(serializers.Serializer):
    reply = serializers.CharField()


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "box", str, enum=["sent", "received"], description="R1.13: my department's sent or received ones"
            )
        ]
    )
)
class ContactOrderViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    ScopedViewSet,
):
    """Work contact orders (R1.13): no level, due at the requested feedback time."""

    model = ContactOrder
    object_kwarg = "contact"
    serializer_class = ContactOrderSerializer
    filterset_fields = ["state"]
    ordering_fields = ["feedback_due_at", "created_at"]

    def select(self, user):
        # R1.13: ?box=sent|received lists my department's sent or received contact orders.
        return selectors.contact_orders_for(user, self.request.query_params.get("box", ""))

    @extend_schema(request=OrderReplySerializer, responses=ContactOrderSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        return self.act(services.contact_order_answer, **self.body(OrderReplySerializer))

    @extend_schema(request=None, responses=ContactOrderSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """R1.13: the sending department withdraws its contact order; its feedback deadline is cancelled."""
        return self.act(services.contact_order_cancel)
