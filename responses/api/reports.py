"""R1.22: the monthly response report (月响应通报)."""

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers, viewsets
from rest_framework.response import Response

from org.access import reads_reports

from .. import selectors


class MonthReportPermission(permissions.BasePermission):
    """The same people as the overdue dashboard (``org.access.reads_reports``)."""

    def has_permission(self, request, view):
        return bool(request.user and reads_reports(request.user))


class MonthReportQuerySerializer(serializers.Serializer):
    month = serializers.CharField(required=False, allow_blank=True, help_text="YYYY-MM; default the previous month")

    def validate_month(self, value):
        try:
            return selectors.report_month(value)
        except DjangoValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class MonthReportViewSet(viewsets.ViewSet):
    """R1.22: the monthly response report as JSON (Decimals as strings); a closed month is frozen."""

    permission_classes = [MonthReportPermission]

    @extend_schema(parameters=[MonthReportQuerySerializer], responses=dict)
    def list(self, request):
        query = MonthReportQuerySerializer(data=request.query_params)
        query.is_valid(raise_exception=True)
        month = query.validated_data.get("month") or selectors.report_month(None)
        return Response(selectors.month_report(year=month.year, month=month.month).to_json())
