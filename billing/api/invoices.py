"""Invoices (B4.4), with CSV / Excel export."""

from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action

from core.viewsets import RecordViewSet

from .. import selectors
from ..models import Invoice, InvoiceLine
from .exports import XLSX, export_response


class InvoiceLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = InvoiceLine
        fields = ["kind", "description", "days", "amount", "service"]


class InvoiceSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    lines = InvoiceLineSerializer(many=True, read_only=True)

    class Meta:
        model = Invoice
        fields = ["id", "number", "run", "customer", "customer_name", "period", "state", "total", "lines"]


class InvoiceFilter(filters.FilterSet):
    class Meta:
        model = Invoice
        fields = ["run", "customer", "period", "state"]


EXPORT_HEADERS = ["发票号", "客户编号", "客户名称", "账期", "状态", "金额（元）"]


def _export_rows(invoices):
    for invoice in invoices:
        yield [
            invoice.number, invoice.customer.code, invoice.customer.name, f"{invoice.period:%Y-%m}",
            invoice.get_state_display(), invoice.total,
        ]  # fmt: skip


class InvoiceViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, RecordViewSet):
    """B4.4: invoices, one live invoice per customer and month."""

    model = Invoice
    serializer_class = InvoiceSerializer
    filterset_class = InvoiceFilter
    selector = selectors.invoices_for

    @extend_schema(
        parameters=[OpenApiParameter("as", str, enum=["csv", "xlsx"], description="file type, default csv")],
        responses={(200, "text/csv"): bytes, (200, XLSX): bytes},
    )
    @action(detail=False, methods=["get"])
    def export(self, request):
        """The filtered invoices as CSV (UTF-8 with BOM, for Excel) or an Excel workbook."""
        invoices = self.filter_queryset(self.get_queryset()).prefetch_related(None).order_by("number")
        return export_response(
            as_=request.query_params.get("as"), name="invoices", sheet=_("Invoices"), headers=EXPORT_HEADERS,
            rows=_export_rows(invoices.iterator(chunk_size=2000)), numbers=[5],
        )  # fmt: skip
