"""Customer services (circuits, B4.1) and the customers orders are raised for."""

from rest_framework import mixins, serializers

from core.viewsets import RecordViewSet, SearchableViewSet

from .. import selectors
from ..models import Customer, Service


class ServiceSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)

    class Meta:
        model = Service
        fields = [
            "id", "code", "customer", "customer_name", "product", "level", "monthly_fee", "one_time_fee", "state",
            "activated_on", "ended_on",
        ]  # fmt: skip


class ServiceViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, RecordViewSet):
    """B4.1: customer services (circuits)."""

    model = Service
    serializer_class = ServiceSerializer
    filterset_fields = ["state", "customer", "level"]
    selector = selectors.services_for


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
