"""Settlement statements and partners (B4.3, issue 14 §4): read-only, with CSV / Excel export and a
partner's statement history."""

from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from core.viewsets import RecordViewSet

from .. import selectors
from ..models import Partner, SettlementStatement
from .exports import XLSX, export_response


class PartnerSerializer(serializers.ModelSerializer):
    class Meta:
        model = Partner
        fields = ["id", "code", "name", "kind", "rate"]


class StatementSerializer(serializers.ModelSerializer):
    partner_code = serializers.CharField(source="partner.code", read_only=True)
    partner_name = serializers.CharField(source="partner.name", read_only=True)
    partner_kind = serializers.CharField(source="partner.kind", read_only=True)

    class Meta:
        model = SettlementStatement
        fields = [
            "id", "run", "partner", "partner_code", "partner_name", "partner_kind", "period", "revenue", "rate",
            "amount", "state",
        ]  # fmt: skip


class StatementFilter(filters.FilterSet):
    class Meta:
        model = SettlementStatement
        fields = ["period", "partner", "state", "run"]


EXPORT_HEADERS = ["伙伴编号", "伙伴名称", "类型", "账期", "状态", "收入（元）", "结算比例", "结算金额（元）"]


def _export_rows(statements):
    for s in statements:
        yield [
            s.partner.code, s.partner.name, s.partner.get_kind_display(), f"{s.period:%Y-%m}", s.get_state_display(),
            s.revenue, s.rate, s.amount,
        ]  # fmt: skip


class StatementViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, RecordViewSet):
    """B4.3: each partner's settlement for a month (its services' revenue × its rate)."""

    model = SettlementStatement
    serializer_class = StatementSerializer
    filterset_class = StatementFilter
    selector = selectors.statements_for

    @extend_schema(
        parameters=[OpenApiParameter("as", str, enum=["csv", "xlsx"], description="file type, default csv")],
        responses={(200, "text/csv"): bytes, (200, XLSX): bytes},
    )
    @action(detail=False, methods=["get"])
    def export(self, request):
        """The filtered statements as CSV (UTF-8 with BOM, for Excel) or an Excel workbook."""
        statements = self.filter_queryset(self.get_queryset())
        return export_response(
            as_=request.query_params.get("as"), name="statements", sheet=_("Settlement statements"),
            headers=EXPORT_HEADERS, rows=_export_rows(statements.iterator(chunk_size=2000)), numbers=[5, 6, 7],
        )  # fmt: skip


class PartnerViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, RecordViewSet):
    """B4.3: agents, content providers and channels settled monthly."""

    model = Partner
    serializer_class = PartnerSerializer
    filterset_fields = ["kind"]
    selector = selectors.partners_for

    @extend_schema(responses=StatementSerializer(many=True))
    @action(detail=True, methods=["get"])
    def statements(self, request, pk=None):
        """The partner's statements, newest month first (voided re-runs included, marked by their state)."""
        partner = self.get_object()
        statements = selectors.statements_for(request.user).filter(partner=partner)
        # A plain list, as every extra action answers (config/openapi.py): one statement a month.
        return Response(StatementSerializer(statements, many=True).data)
