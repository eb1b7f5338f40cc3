"""The catalogue of business types (R1.1, R1.21) through the API, so a client finds the ``code`` an
order's ``business_type`` names (issue 13 §6); ``?search=`` by name or code. Read-only."""

from rest_framework import serializers

from core.viewsets import SearchableViewSet, signed_in_only

from ..models import BusinessType
from .base import NowContextMixin


class BusinessTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = BusinessType
        fields = ["id", "code", "name", "is_key", "needs_attachment", "needs_agreement", "is_change", "is_decommission"]
        read_only_fields = fields


def business_types_for(user):
    """The whole catalogue, for everyone signed in (the order form shows it)."""
    return signed_in_only(user, BusinessType.objects.order_by("name", "id"))


class BusinessTypeViewSet(NowContextMixin, SearchableViewSet):
    model = BusinessType
    serializer_class = BusinessTypeSerializer
    selector = business_types_for
    filterset_fields = ["is_key"]
    search_fields = ["name", "code"]
    ordering_fields = ["name", "code"]
