"""Work steps (the back-office queue, R1.8–R1.9) and special-order requests for obstructions (R1.10)."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils import timezone
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from sla.validators import sane_date

from .. import selectors, services
from ..models import SpecialOrder, WorkStep
from .base import CachedFieldsMixin, ScopedViewSet, TimeLeftMixin
from .orders import OrderReasonSerializer


class StepSerializer(CachedFieldsMixin, TimeLeftMixin, serializers.ModelSerializer):
    department: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="code", read_only=True)
    overtime_charged_to: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="code", read_only=True, allow_null=True
    )
    order_number = serializers.CharField(source="order.number", read_only=True)
    customer = serializers.CharField(source="order.customer.name", read_only=True)
    key_rank = serializers.IntegerField(source="order.key_rank", read_only=True)
    level = serializers.CharField(source="order.level", read_only=True)

    class Meta:
        model = WorkStep
        fields = [
            "id",
            "order",
            "order_number",
            "customer",
            "level",
            "key_rank",
            "position",
            "department",
            "title",
            "state",
            "dispatched_at",
            "due_at",
            "time_left_seconds",
            "overdue",
            "accepted_at",
            "finished_at",
            "returned_at",
            "unfinished",
            "obstruction",
            "overtime",
            "overtime_reason",
            "overtime_charged_to",
        ]

    def _is_open(self, obj) -> bool:
        return obj.state in (WorkStep.State.DISPATCHED, WorkStep.State.ACCEPTED, WorkStep.State.DONE)


class StepReturnSerializer(serializers.Serializer):
    finished_at = serializers.DateTimeField(required=False, allow_null=True, default=None, validators=[sane_date])
    unfinished = serializers.BooleanField(default=False)
    obstruction = serializers.BooleanField(default=False)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class OrderWorkerNamesSerializer(serializers.Serializer):
    names = serializers.CharField()


class SpecialOrderSerializer(serializers.ModelSerializer):
    order = serializers.IntegerField(source="step.order_id", read_only=True)
    department = serializers.CharField(source="step.department.code", read_only=True)

    class Meta:
        model = SpecialOrder
        fields = ["id", "step", "order", "department", "reason", "state", "requested_at", "decided_at", "closed_at"]
        read_only_fields = fields


class StepFilter(filters.FilterSet):
    state = filters.MultipleChoiceFilter(choices=WorkStep.State.choices, distinct=False)
    # ``?order=<id>``: the steps of one order (issue 13 §6), within what the person may see anyway.
    order = filters.NumberFilter(
        field_name="order_id", validators=[MinValueValidator(1), MaxValueValidator(2**63 - 1)], label="order id"
    )
    department = filters.CharFilter(field_name="department__code")
    overdue = filters.BooleanFilter(method="filter_overdue")
    due_before = filters.IsoDateTimeFilter(field_name="due_at", lookup_expr="lte", validators=[sane_date])

    class Meta:
        model = WorkStep
        fields = ["state", "order", "department", "overdue", "due_before"]

    def filter_overdue(self, qs, name, value):
        late = Q(due_at__lt=timezone.now(), state__in=[WorkStep.State.DISPATCHED, WorkStep.State.ACCEPTED])
        return qs.filter(late) if value else qs.exclude(late)


class StepViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Work steps; the list is the back-office queue (my department's open steps, by time left)."""

    model = WorkStep
    object_kwarg = "step"
    serializer_class = StepSerializer
    filterset_class = StepFilter
    ordering_fields = ["due_at", "dispatched_at"]
    selector = selectors.steps_visible_to

    def select(self, user):
        """The list is the queue unless ``?all=1`` or ``?order=`` (one order's steps, whatever their state)."""
        params = self.request.query_params
        if self.action == "list" and params.get("all") != "1" and "order" not in params:
            return selectors.step_queue(user)
        return super().select(user)

    @extend_schema(request=None, responses=StepSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self.act(services.step_accept)

    @extend_schema(request=StepReturnSerializer, responses=StepSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_step(self, request, pk=None):
        return self.act(services.step_return, **self.body(StepReturnSerializer))

    @extend_schema(request=OrderReasonSerializer, responses={201: SpecialOrderSerializer})
    @action(detail=True, methods=["post"], url_path="special-order")
    def special_order(self, request, pk=None):
        step = self.get_object()
        data = OrderReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        special = services.special_order_request(step=step, by=request.user, reason=data.validated_data["reason"])
        return Response(SpecialOrderSerializer(special).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OrderWorkerNamesSerializer, responses=StepSerializer)
    @action(detail=True, methods=["post"], url_path="worker-names")
    def worker_names(self, request, pk=None):
        step = self.get_object()
        data = OrderWorkerNamesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.order_send_worker_names(order=step.order, by=request.user, names=data.validated_data["names"])
        return Response(StepSerializer(step, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses=StepSerializer)
    @action(detail=True, methods=["post"], url_path="procurement-overtime")
    def procurement_overtime(self, request, pk=None):
        """R1.14: the Center moves the step's overtime to 网络建设部 (its equipment was delivered late)."""
        return self.act(services.step_charge_procurement_overtime)


class SpecialOrderViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ScopedViewSet):
    """Special-order requests for obstructions (R1.10); approval by the Center pauses the clock."""

    model = SpecialOrder
    object_kwarg = "special"
    serializer_class = SpecialOrderSerializer
    filterset_fields = ["state"]
    ordering_fields = ["requested_at"]
    selector = selectors.special_orders_visible_to

    @extend_schema(request=None, responses=SpecialOrderSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self.act(services.special_order_approve)

    @extend_schema(request=None, responses=SpecialOrderSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self.act(services.special_order_reject)

    @extend_schema(request=None, responses=SpecialOrderSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self.act(services.special_order_close)
