"""Invoices (B4.4), with CSV / Excel export."""

import io

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action

from core.viewsets import RecordViewSet
from sla.exports import csv_writer, xlsx_append

from .. import selectors
from ..models import Invoice, InvoiceLine


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


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
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
        if request.query_params.get("as") == "xlsx":
            from openpyxl import Workbook

            book = Workbook(write_only=True)
            sheet = book.create_sheet(_("Invoices"))
            xlsx_append(sheet, EXPORT_HEADERS)
            for row in _export_rows(invoices.iterator(chunk_size=2000)):
                xlsx_append(sheet, row[:5] + [float(row[5])])
            buffer = io.BytesIO()
            book.save(buffer)
            response = HttpResponse(buffer.getvalue(), content_type=XLSX)
            response["Content-Disposition"] = 'attachment; filename="invoices.xlsx"'
            return response
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = 'attachment; filename="invoices.csv"'
        response.write("\ufeff")
        writer = csv_writer(response)  # user text (customer names) as text, never a formula
        writer.writerow(EXPORT_HEADERS)
        writer.writerows(_export_rows(invoices.iterator(chunk_size=2000)))
        return response
