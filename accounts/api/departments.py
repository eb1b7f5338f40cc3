"""The organisation's departments through the API (issue 13 §6), so a client finds the codes an
order, a step or a filter needs: code, names, side; ``?search=`` by name or code, ``?side=``."""

from rest_framework import serializers

from core.viewsets import SearchableViewSet, signed_in_only
from org.models import Department


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "code", "name", "name_zh", "side"]
        read_only_fields = fields


def departments_for(user):
    """Every department, for everyone signed in (the organisation chart is no secret inside it)."""
    return signed_in_only(user, Department.objects.order_by("side", "code"))


class DepartmentViewSet(SearchableViewSet):
    """Departments (SPEC §0), read-only."""

    model = Department
    serializer_class = DepartmentSerializer
    selector = departments_for
    filterset_fields = ["side"]
    search_fields = ["name", "name_zh", "code"]
    ordering_fields = ["code", "name"]
