"""Customer services (circuits, B4.1) and the customers orders are raised for."""

from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from core.viewsets import RecordViewSet, SearchableViewSet

from .. import selectors
from ..models import Customer, Service, ServiceChange


class ServiceSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)

    class Meta:
        model = Service
        fields = [
            "id", "code", "customer", "customer_name", "product", "level", "monthly_fee", "one_time_fee", "state",
            "activated_on", "ended_on",
        ]  # fmt: skip


class ServiceChangeSerializer(serializers.ModelSerializer):
    class Meta:
        model = ServiceChange
        fields = [
            "id", "kind", "on", "order_id", "order_number", "product", "monthly_fee", "level", "previous_product",
            "previous_monthly_fee", "created_at",
        ]  # fmt: skip
        read_only_fields = fields


class ServiceViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, RecordViewSet):
    """B4.1: customer services (circuits); ``history/``: a circuit's changes (issue 14 §1)."""

    model = Service
    serializer_class = ServiceSerializer
    filterset_fields = ["state", "customer", "level"]
    selector = selectors.services_for

    @extend_schema(responses={200: ServiceChangeSerializer(many=True)})
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        """Issue 14 §1: the circuit's changes (activated, changed, ended) by day, oldest first."""
        service = self.get_object()
        return Response(ServiceChangeSerializer(service.changes.order_by("on", "id"), many=True).data)


class CustomerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Customer
        fields = ["id", "code", "name", "is_key", "contact_person", "contact_phone", "address"]
        read_only_fields = fields


class CustomerViewSet(SearchableViewSet):
    """The customers the person may raise orders for (their ids are what an order names; issue 13
    §6), ``?search=`` by name or customer number. A customer belongs to no department: the front
    office orders for any of them (as on the order form); billing and the read-all roles see them
    too; nobody else."""

    model = Customer
    serializer_class = CustomerSerializer
    selector = selectors.customers_for
    filterset_fields = ["is_key"]
    search_fields = ["name", "code"]
    ordering_fields = ["name", "code"]
