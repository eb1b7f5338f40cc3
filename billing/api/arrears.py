"""Arrears cases and their restriction / restore work orders (B4.5)."""

from decimal import Decimal

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from core.viewsets import RecordViewSet

from .. import selectors, services
from ..models import ArrearsCase, ServiceWorkOrder
from .runs import BillRunCommentSerializer


class WorkOrderSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="case.customer.name", read_only=True)
    accepted_by: serializers.StringRelatedField = serializers.StringRelatedField()
    done_by: serializers.StringRelatedField = serializers.StringRelatedField()

    class Meta:
        model = ServiceWorkOrder
        fields = [
            "id", "case", "customer_name", "kind", "state", "department", "created_at", "accepted_by",
            "accepted_at", "done_by", "done_at",
        ]  # fmt: skip
        read_only_fields = fields


class WorkOrderViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, RecordViewSet):
    """B4.5: 网络监控中心's restriction and restore work orders; its back-office people accept them and
    report them done (which meets the deadline)."""

    model = ServiceWorkOrder
    object_kwarg = "work_order"
    serializer_class = WorkOrderSerializer
    filterset_fields = ["kind", "state", "case"]
    selector = selectors.work_orders_for

    @extend_schema(request=BillRunCommentSerializer, responses=WorkOrderSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        work_order = self.perform_action(services.work_order_accept, BillRunCommentSerializer)
        return Response(WorkOrderSerializer(work_order).data)

    @extend_schema(request=BillRunCommentSerializer, responses=WorkOrderSerializer)
    @action(detail=True, methods=["post"])
    def done(self, request, pk=None):
        work_order = self.perform_action(services.work_order_done, BillRunCommentSerializer)
        return Response(WorkOrderSerializer(work_order).data)


class ArrearsSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    work_orders = WorkOrderSerializer(many=True, read_only=True)

    class Meta:
        model = ArrearsCase
        fields = [
            "id", "customer", "customer_name", "state", "amount", "size", "opened_at", "last_reminder_at",
            "reminders", "restricted", "cleared_at", "work_orders",
        ]  # fmt: skip


class PaymentInputSerializer(serializers.Serializer):
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    reference = serializers.CharField(required=False, allow_blank=True, default="")


class ArrearsViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, RecordViewSet):
    """B4.5: overdue balances, reminders, restriction and restore work orders."""

    model = ArrearsCase
    serializer_class = ArrearsSerializer
    filterset_fields = ["state", "size", "restricted"]
    selector = selectors.arrears_for

    @extend_schema(request=PaymentInputSerializer, responses=ArrearsSerializer)
    @action(detail=True, methods=["post"], url_path="record-payment")
    def record_payment(self, request, pk=None):
        body = self.body(PaymentInputSerializer)
        case = self.get_object()
        services.payment_record(customer=case.customer, by=request.user, **body)
        case.refresh_from_db()
        return Response(ArrearsSerializer(case).data)
