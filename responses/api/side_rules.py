"""The side rules through the API (issue 13 §5): an order's equipment needs and the reports sent to
网络建设部 (R1.14), the circuits orders opened and their first use (R1.17), the quarterly hand-over
sample (R1.20)."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from core.viewsets import RecordViewSet
from org.access import is_center_dispatcher
from sla.validators import FIRST_YEAR, LAST_YEAR, SaneDatesSerializerMixin

from .. import selectors, services
from ..models import EquipmentNeed, EquipmentReport, Order
from ..services.equipment import MAX_QUANTITY
from .base import NowContextMixin, ScopedViewSet

# --- R1.14 equipment needs ---------------------------------------------------------------------------


class EquipmentNeedSerializer(serializers.ModelSerializer):
    order = serializers.PrimaryKeyRelatedField(queryset=Order.objects.all())
    order_number = serializers.CharField(source="order.number", read_only=True, allow_null=True)
    item_display = serializers.CharField(source="get_item_display", read_only=True)
    quantity = serializers.IntegerField(min_value=1, max_value=MAX_QUANTITY)
    report: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(read_only=True)

    class Meta:
        model = EquipmentNeed
        fields = [
            "id",
            "order",
            "order_number",
            "item",
            "item_display",
            "quantity",
            "note",
            "sent_at",
            "report",
            "delivered_at",
        ]
        read_only_fields = ["sent_at", "delivered_at"]

    def create(self, validated_data):
        user = self.context["request"].user
        order = selectors.get_order_for(user, validated_data.pop("order").pk)  # 404 when not theirs to see
        return services.equipment_need_add(order=order, by=user, **validated_data)


class EquipmentNeedFilter(filters.FilterSet):
    sent = filters.BooleanFilter(field_name="sent_at", lookup_expr="isnull", exclude=True, label=_("sent"))
    delivered = filters.BooleanFilter(
        field_name="delivered_at", lookup_expr="isnull", exclude=True, label=_("delivered")
    )

    class Meta:
        model = EquipmentNeed
        fields = ["order", "item", "report", "sent", "delivered"]


class EquipmentNeedViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.DestroyModelMixin,
    ScopedViewSet,
):
    """An order's equipment needs (R1.14): its front department's admin or the Center adds (``POST``
    with ``order``, ``item``, ``quantity``) and removes one not sent yet (``DELETE``); on a
    system-integration order 增值业务中心 too. 网络建设部 records a delivery (``POST …/deliver/``)."""

    model = EquipmentNeed
    object_kwarg = "need"
    serializer_class = EquipmentNeedSerializer
    filterset_class = EquipmentNeedFilter
    ordering_fields = ["id", "sent_at"]
    selector = selectors.equipment_needs_visible_to

    def perform_destroy(self, instance):
        services.equipment_need_remove(need=instance, by=self.request.user)

    @extend_schema(request=None, responses=EquipmentNeedSerializer)
    @action(detail=True, methods=["post"])
    def deliver(self, request, pk=None):
        return self.act(services.equipment_need_deliver)


class EquipmentReportSerializer(serializers.ModelSerializer):
    sent_to: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="code", read_only=True)
    from_department: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    order: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(
        source="emergency_order", read_only=True, allow_null=True
    )
    totals = serializers.DictField(child=serializers.IntegerField(), read_only=True)

    class Meta:
        model = EquipmentReport
        fields = [
            "id",
            "kind",
            "kind_display",
            "period_start",
            "period_end",
            "order",
            "from_department",
            "sent_to",
            "totals",
            "created_at",
        ]
        read_only_fields = fields


class PendingTotalsSerializer(serializers.Serializer):
    totals = serializers.DictField(child=serializers.IntegerField())


class PurchaseListSerializer(serializers.Serializer):
    order = serializers.PrimaryKeyRelatedField(queryset=Order.objects.all())


class EquipmentReportViewSet(NowContextMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, RecordViewSet):
    """The equipment totals sent to 网络建设部 (R1.14): half-monthly (the beat task, or the Center now:
    ``POST …/send-half-month/``), an emergency order's at once, 增值业务中心's purchase list of a
    system-integration order (``POST …/purchase-list/`` with ``order``). ``GET …/pending/``: what the
    next half-monthly report would total. The Excel file of one report is the page's
    ``/orders/equipment/<id>/export/``. Read by the Center, the read-all roles, 网络建设部,
    网络管理部 and 增值业务中心 (403 for others)."""

    model = EquipmentReport
    serializer_class = EquipmentReportSerializer
    filterset_fields = ["kind"]
    ordering_fields = ["created_at"]

    def select(self, user):
        qs = selectors.equipment_reports_visible_to(user)
        if qs is None:
            raise exceptions.PermissionDenied
        return qs

    @extend_schema(request=None, responses=PendingTotalsSerializer)
    @action(detail=False, methods=["get"])
    def pending(self, request):
        self.select(request.user)
        return Response(PendingTotalsSerializer({"totals": selectors.equipment_pending_totals()}).data)

    @extend_schema(request=None, responses={201: EquipmentReportSerializer})
    @action(detail=False, methods=["post"], url_path="send-half-month")
    def send_half_month(self, request):
        self.select(request.user)
        if not is_center_dispatcher(request.user):
            raise exceptions.PermissionDenied(_("Only the Center sends the half-monthly totals."))
        report = services.equipment_send_half_month()
        return Response(EquipmentReportSerializer(report).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=PurchaseListSerializer, responses={201: EquipmentReportSerializer})
    @action(detail=False, methods=["post"], url_path="purchase-list")
    def purchase_list(self, request):
        data = PurchaseListSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        order = selectors.get_order_for(request.user, data.validated_data["order"].pk)
        report = services.purchase_list_send(order=order, by=request.user)
        return Response(EquipmentReportSerializer(report).data, status=status.HTTP_201_CREATED)


# --- R1.17 circuits and their first use ------------------------------------------------------------


class OrderCircuitSerializer(serializers.ModelSerializer):
    order_number = serializers.CharField(source="number", read_only=True, allow_null=True)
    front_department = serializers.CharField(source="front_department.code", read_only=True)
    customer = serializers.CharField(source="customer.name", read_only=True)
    circuit = serializers.CharField(source="service.code", read_only=True)
    activated_on = serializers.DateField(source="service.activated_on", read_only=True, allow_null=True)

    class Meta:
        model = Order
        fields = [
            "id",
            "order_number",
            "front_department",
            "customer",
            "circuit",
            "activated_on",
            "circuit_first_used_on",
        ]
        read_only_fields = fields


class FirstUseSerializer(SaneDatesSerializerMixin, serializers.Serializer):
    circuit_first_used_on = serializers.DateField(
        help_text="The date the customer first used the circuit (not in the future)."
    )


class OrderCircuitFilter(filters.FilterSet):
    used = filters.BooleanFilter(field_name="circuit_first_used_on", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Order
        fields = ["used"]


def circuits_visible_to(user):
    """R1.17: the circuits of the orders the person sees (the order's id is the circuit's here)."""
    return (
        selectors.orders_visible_to(user)
        .filter(service__isnull=False)
        .select_related("service")
        .order_by("service__activated_on", "id")
    )


class OrderCircuitViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    ScopedViewSet,
):
    """The circuits orders opened (R1.17), one row per order (its id): the circuit, when it was opened
    and when the customer first used it. ``POST …/first-use/`` with ``circuit_first_used_on`` records it: the order's
    front department admin, the Center, or a back-office department that worked on the order; the
    circuit is then no longer listed as unused. (At confirmation: ``POST /orders/<id>/confirm/`` with
    ``circuit_first_used_on``.)"""

    model = Order
    object_kwarg = "order"
    serializer_class = OrderCircuitSerializer
    filterset_class = OrderCircuitFilter
    ordering_fields = ["service__activated_on"]
    selector = circuits_visible_to

    @extend_schema(request=FirstUseSerializer, responses=OrderCircuitSerializer)
    @action(detail=True, methods=["post"], url_path="first-use")
    def first_use(self, request, pk=None):
        return self.act(services.circuit_record_first_use, **self.body(FirstUseSerializer))


# --- R1.20 the quarterly hand-over sample ----------------------------------------------------------


class HandoverSampleSerializer(serializers.Serializer):
    order = serializers.IntegerField(source="order.pk")
    order_number = serializers.CharField(source="order.number", allow_null=True)
    front_department = serializers.CharField(source="order.front_department.code")
    customer = serializers.CharField(source="order.customer.name")
    business_type = serializers.CharField(source="order.business_type.code")
    circuit = serializers.CharField(source="order.service.code", allow_null=True, default=None)
    completed_at = serializers.DateTimeField(source="order.completed_at")
    needed = serializers.ListField(source="required", child=serializers.CharField())
    present = serializers.ListField(child=serializers.CharField())
    missing = serializers.ListField(child=serializers.CharField())
    complete = serializers.BooleanField()


class HandoverQuarterSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR)
    quarter = serializers.IntegerField(min_value=1, max_value=4)


class HandoverSampleViewSet(mixins.ListModelMixin, RecordViewSet):
    """The quarterly hand-over sampling list (R1.20): a fixed sample (the same on every reading) of the
    quarter's big-customer circuits and fibre leases, with the evidence each needs, has and misses.
    ``?year=&quarter=`` (required). The Center and the read-all roles; 网络监控中心 and 线路维护中心 the
    sampled orders they worked on."""

    model = Order
    serializer_class = HandoverSampleSerializer
    pagination_class = None
    filter_backends: list = []

    @extend_schema(
        parameters=[
            OpenApiParameter("year", int, required=True),
            OpenApiParameter("quarter", int, required=True, enum=[1, 2, 3, 4]),
        ],
        responses=HandoverSampleSerializer(many=True),
    )
    def list(self, request, *args, **kwargs):
        if not selectors.reads_handover_sample(request.user):
            raise exceptions.PermissionDenied
        quarter = HandoverQuarterSerializer(data=request.query_params)
        quarter.is_valid(raise_exception=True)
        rows = selectors.handover_sample(user=request.user, **quarter.validated_data)
        return Response(HandoverSampleSerializer(rows, many=True).data)
