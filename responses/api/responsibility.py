"""Responsibility for any department (issue 13 §4): the Center records non-cooperation against any
department, front or back, on an order or a step (seed 000 §三.14, §四.2), lost equipment charged to
the raising department (§三.6) and order admins who could not be reached (§四.16). Each is listed to
the departments it names and the order's front department; the Center, viewers and auditors see all."""

from collections.abc import Callable
from typing import Any, ClassVar

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers

from org.models import Department, User
from sla.validators import SaneDatesSerializerMixin
from sla.workflow import TransitionForbidden

from .. import rules, selectors, services
from ..models import AdminUnreachable, LostEquipment, NonCooperation, Order, WorkStep
from .base import ScopedViewSet


class _OnOrderSerializer(SaneDatesSerializerMixin, serializers.ModelSerializer):
    """A record about one order: the order by id, shown with its number; who recorded it."""

    order = serializers.PrimaryKeyRelatedField(queryset=Order.objects.all())
    order_number = serializers.CharField(source="order.number", read_only=True, allow_null=True)
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)
    service: ClassVar[Callable[..., Any]] = staticmethod(services.noncooperation_record)

    def create(self, validated_data):
        user = self.context["request"].user
        order = validated_data.pop("order")
        if not rules.may_record_responsibility(order, user):  # the services' and the page's predicate
            raise TransitionForbidden(_("Only the Center records responsibility."))
        selectors.get_order_for(user, order.pk)  # 404 when it is not theirs to see
        return type(self).service(order=order, by=user, **validated_data)


class NonCooperationSerializer(_OnOrderSerializer):
    department = serializers.SlugRelatedField(slug_field="code", queryset=Department.objects.all())
    step = serializers.PrimaryKeyRelatedField(queryset=WorkStep.objects.all(), required=False, allow_null=True)
    attachment = serializers.FileField(required=False, allow_null=True)

    class Meta:
        model = NonCooperation
        fields = [
            "id",
            "order",
            "order_number",
            "step",
            "department",
            "reason",
            "evidence",
            "attachment",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = ["recorded_at"]


class LostEquipmentSerializer(_OnOrderSerializer):
    charged_department: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="code", read_only=True)
    service = staticmethod(services.lost_equipment_record)

    class Meta:
        model = LostEquipment
        fields = [
            "id",
            "order",
            "order_number",
            "item",
            "quantity",
            "amount",
            "charged_department",
            "note",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = ["recorded_at"]


class AdminUnreachableSerializer(_OnOrderSerializer):
    department = serializers.SlugRelatedField(slug_field="code", queryset=Department.objects.all())
    person = serializers.SlugRelatedField(
        slug_field="username", queryset=User.objects.all(), required=False, allow_null=True
    )
    service = staticmethod(services.admin_unreachable_record)

    class Meta:
        model = AdminUnreachable
        fields = [
            "id",
            "order",
            "order_number",
            "department",
            "person",
            "tried_at",
            "note",
            "recorded_by",
            "recorded_at",
        ]
        read_only_fields = ["recorded_at"]


class _RecordViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin, ScopedViewSet):
    filterset_fields = ["order"]


@extend_schema(tags=["responsibility"])
class NonCooperationViewSet(_RecordViewSet):
    """Non-cooperation (§三.14, §四.2): recorded by the Center against any department, front or back,
    with reason and evidence (text, optional file: send multipart); named in the monthly report."""

    model = NonCooperation
    serializer_class = NonCooperationSerializer
    selector = selectors.noncooperation_visible_to
    ordering_fields = ["recorded_at"]


@extend_schema(tags=["responsibility"])
class LostEquipmentViewSet(_RecordViewSet):
    """Lost equipment (§三.6): re-bought at the cost of the order's front department."""

    model = LostEquipment
    serializer_class = LostEquipmentSerializer
    selector = selectors.lost_equipment_visible_to
    ordering_fields = ["recorded_at"]


@extend_schema(tags=["responsibility"])
class AdminUnreachableViewSet(_RecordViewSet):
    """An order admin who could not be reached at a recorded time (§四.16)."""

    model = AdminUnreachable
    serializer_class = AdminUnreachableSerializer
    selector = selectors.admin_unreachable_visible_to
    ordering_fields = ["tried_at"]
