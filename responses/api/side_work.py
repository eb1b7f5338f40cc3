"""Work around the orders: R1.11 phone dispatches, R1.15 expansion requests, R1.16 the recovery
ledger, R1.18 build decisions and R1.17 unused circuits."""

from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from core.viewsets import RecordViewSet
from org.access import has_role_in
from org.models import Department
from org.roles import Role
from sla.validators import FIRST_YEAR, LAST_YEAR, SaneDatesSerializerMixin, sane_date

from .. import selectors, services
from ..models import BuildDecision, ExpansionRequest, Order, PhoneDispatch, RecoveryEntry
from .base import NowContextMixin, ScopedViewSet
from .orders import OrderCreateSerializer, OrderSerializer


class PhoneDispatchSerializer(SaneDatesSerializerMixin, serializers.ModelSerializer):
    department = serializers.SlugRelatedField(
        slug_field="code", queryset=Department.objects.filter(side=Department.Side.FRONT)
    )
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)
    order_number = serializers.CharField(source="order.number", read_only=True, allow_null=True, default=None)

    class Meta:
        model = PhoneDispatch
        fields = ["id", "department", "phoned_at", "caller", "summary", "recorded_by", "order", "order_number"]
        read_only_fields = ["order"]

    def create(self, validated_data):
        return services.phone_dispatch_record(by=self.context["request"].user, **validated_data)


class PhoneDispatchFilter(filters.FilterSet):
    pending = filters.BooleanFilter(field_name="order", lookup_expr="isnull", label=_("awaiting backfill"))
    department = filters.CharFilter(field_name="department__code")

    class Meta:
        model = PhoneDispatch
        fields = ["pending", "department"]


class PhoneDispatchViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    ScopedViewSet,
):
    """Phone dispatches (R1.11): recorded by the Center at night or on rest days; the calling department
    backfills the order (``POST …/backfill/`` with the order's fields), whose clock starts at the phone time."""

    model = PhoneDispatch
    serializer_class = PhoneDispatchSerializer
    filterset_class = PhoneDispatchFilter
    ordering_fields = ["phoned_at"]
    selector = selectors.phone_dispatches_visible_to

    @extend_schema(request=OrderCreateSerializer, responses={201: OrderSerializer})
    @action(detail=True, methods=["post"])
    def backfill(self, request, pk=None):
        pd = self.get_object()
        if not has_role_in(request.user, [Role.FRONT_ADMIN], pd.department):
            raise exceptions.PermissionDenied(_("Only the calling department backfills its order."))
        data = OrderCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        validated = dict(data.validated_data)
        equipment = [(e["item"], e["quantity"]) for e in validated.pop("equipment", [])]
        order = services.order_backfill(phone_dispatch=pd, by=request.user, data=validated, equipment=equipment)
        return Response(OrderSerializer(order, context=self.get_serializer_context()).data, status=201)


class ExpansionRequestSerializer(serializers.ModelSerializer):
    order = serializers.PrimaryKeyRelatedField(queryset=Order.objects.all())
    order_number = serializers.CharField(source="order.number", read_only=True, allow_null=True)
    front_department = serializers.CharField(source="order.front_department.code", read_only=True)
    raised_by = serializers.CharField(source="raised_by.username", read_only=True)

    class Meta:
        model = ExpansionRequest
        fields = [
            "id",
            "order",
            "order_number",
            "front_department",
            "reason",
            "plan",
            "state",
            "raised_by",
            "created_at",
        ]
        read_only_fields = ["plan", "state", "created_at"]

    def create(self, validated_data):
        user = self.context["request"].user
        selectors.get_order_for(user, validated_data["order"].pk)  # 404 when it is not theirs to see
        return services.expansion_request_raise(by=user, **validated_data)


class ExpansionPlanSerializer(serializers.Serializer):
    plan = serializers.CharField()


class ExpansionRequestViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    ScopedViewSet,
):
    """Expansion requests (R1.15): 网络监控中心 raises one when it cannot allocate an expansion order;
    网络管理部 plans it and files it with the Center (``POST …/plan/``)."""

    model = ExpansionRequest
    object_kwarg = "request"
    serializer_class = ExpansionRequestSerializer
    filterset_fields = ["state", "order"]
    ordering_fields = ["created_at"]
    selector = selectors.expansion_requests_visible_to

    @extend_schema(request=ExpansionPlanSerializer, responses=ExpansionRequestSerializer)
    @action(detail=True, methods=["post"])
    def plan(self, request, pk=None):
        return self.act(services.expansion_request_plan, **self.body(ExpansionPlanSerializer))


class RecoveryEntrySerializer(SaneDatesSerializerMixin, serializers.ModelSerializer):
    order = serializers.PrimaryKeyRelatedField(queryset=Order.objects.all())
    order_number = serializers.CharField(source="order.number", read_only=True, allow_null=True)

    class Meta:
        model = RecoveryEntry
        fields = [
            "id",
            "order",
            "order_number",
            "recovered_at",
            "person",
            "equipment_name",
            "model",
            "quantity",
            "condition",
            "intended_use",
            "checked_at",
        ]
        read_only_fields = ["checked_at"]

    def create(self, validated_data):
        user = self.context["request"].user
        order = validated_data.pop("order")
        selectors.get_order_for(user, order.pk)  # 404 when it is not theirs to see
        return services.recovery_record(order=order, by=user, **validated_data)


class QuarterSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR)
    quarter = serializers.IntegerField(min_value=1, max_value=4)


class QuarterCheckedSerializer(serializers.Serializer):
    checked = serializers.IntegerField()


class RecoveryEntryFilter(filters.FilterSet):
    checked = filters.BooleanFilter(field_name="checked_at", lookup_expr="isnull", exclude=True)
    recovered_after = filters.IsoDateTimeFilter(field_name="recovered_at", lookup_expr="gte", validators=[sane_date])
    recovered_before = filters.IsoDateTimeFilter(field_name="recovered_at", lookup_expr="lt", validators=[sane_date])

    class Meta:
        model = RecoveryEntry
        fields = ["order", "checked", "recovered_after", "recovered_before"]


class RecoveryEntryViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    ScopedViewSet,
):
    """The decommission recovery ledger (R1.16): the working department records what it recovered; the
    Center checks entries (``POST …/check/``) or a whole quarter (``POST …/check-quarter/``)."""

    model = RecoveryEntry
    object_kwarg = "entry"
    serializer_class = RecoveryEntrySerializer
    filterset_class = RecoveryEntryFilter
    ordering_fields = ["recovered_at"]
    selector = selectors.recovery_entries_visible_to

    @extend_schema(request=None, responses=RecoveryEntrySerializer)
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        return self.act(services.recovery_entry_check)

    @extend_schema(request=QuarterSerializer, responses=QuarterCheckedSerializer)
    @action(detail=False, methods=["post"], url_path="check-quarter")
    def check_quarter(self, request):
        data = QuarterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        n = services.recovery_check_quarter(by=request.user, **data.validated_data)
        return Response(QuarterCheckedSerializer({"checked": n}).data)


class BuildDecisionSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    department = serializers.CharField(source="created_by.department.code", read_only=True, allow_null=True)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = BuildDecision
        fields = [
            "id",
            "kind",
            "site",
            "expected_demand",
            "buildings",
            "competition",
            "cost_estimate",
            "state",
            "created_by",
            "department",
            "decided_by",
        ]
        read_only_fields = ["cost_estimate", "state"]

    def create(self, validated_data):
        return services.build_decision_raise(by=self.context["request"].user, **validated_data)


class BuildCostSerializer(serializers.Serializer):
    cost = serializers.DecimalField(max_digits=14, decimal_places=2)


class BuildDecisionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    ScopedViewSet,
):
    """LAN-community and DSLAM move-down builds (R1.18): the front department raises; 网络建设部 estimates
    (``…/estimate/``); 市场拓展部's director approves or rejects (``…/approve/``, ``…/reject/``)."""

    model = BuildDecision
    object_kwarg = "decision"
    serializer_class = BuildDecisionSerializer
    filterset_fields = ["state", "kind"]
    ordering_fields = ["id"]
    selector = selectors.build_decisions_visible_to

    @extend_schema(request=BuildCostSerializer, responses=BuildDecisionSerializer)
    @action(detail=True, methods=["post"])
    def estimate(self, request, pk=None):
        return self.act(services.build_decision_estimate, **self.body(BuildCostSerializer))

    @extend_schema(request=None, responses=BuildDecisionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self.act(services.build_decision_decide, approve=True)

    @extend_schema(request=None, responses=BuildDecisionSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self.act(services.build_decision_decide, approve=False)


class UnusedCircuitSerializer(serializers.ModelSerializer):
    order_number = serializers.CharField(source="number", read_only=True, allow_null=True)
    front_department = serializers.CharField(source="front_department.code", read_only=True)
    customer = serializers.CharField(source="customer.name", read_only=True)
    circuit = serializers.CharField(source="service.code", read_only=True)
    activated_on = serializers.DateField(source="service.activated_on", read_only=True)

    class Meta:
        model = Order
        fields = ["id", "order_number", "front_department", "customer", "circuit", "activated_on"]
        read_only_fields = fields


class UnusedCircuitFilter(filters.FilterSet):
    department = filters.CharFilter(field_name="front_department__code", label=_("front department code"))

    class Meta:
        model = Order
        fields = ["department"]


class UnusedCircuitViewSet(NowContextMixin, mixins.ListModelMixin, RecordViewSet):
    """Circuits unused three months or more after opening (R1.17), by raising department (who sees them:
    ``selectors.unused_circuits_visible_to``)."""

    model = Order
    serializer_class = UnusedCircuitSerializer
    filterset_class = UnusedCircuitFilter
    ordering_fields = ["service__activated_on"]

    def select(self, user):
        qs = selectors.unused_circuits_visible_to(user)
        if qs is None:
            raise exceptions.PermissionDenied
        return qs
