"""REST API of billing, mounted under /api/v1/: bill runs (transitions as POST actions),
invoices (with CSV / Excel export), adjustments (four eyes), customer services, arrears and their
work orders."""

import io
from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from core.viewsets import RecordViewSet, SearchableViewSet
from sla.exports import csv_writer, xlsx_append
from sla.validators import SaneDatesSerializerMixin

from . import selectors, services
from .models import Adjustment, ArrearsCase, BillRun, Customer, Invoice, InvoiceLine, Service, ServiceWorkOrder

router = SimpleRouter()


class BillRunSerializer(SaneDatesSerializerMixin, serializers.ModelSerializer):
    operator: serializers.StringRelatedField = serializers.StringRelatedField()
    checked_by: serializers.StringRelatedField = serializers.StringRelatedField()
    verified_by: serializers.StringRelatedField = serializers.StringRelatedField()
    reviewed_by: serializers.StringRelatedField = serializers.StringRelatedField()

    class Meta:
        model = BillRun
        fields = [
            "id", "kind", "period", "state", "attempt", "operator", "checklist", "checked_by", "checked_at",
            "verified_by", "reviewed_by", "progress_done", "progress_total", "published_at",
        ]  # fmt: skip
        read_only_fields = [f for f in fields if f not in ("kind", "period")]
        # B4.2/B4.3: a run that exists is returned (200), not refused by the unique (kind, period) set.
        validators: list = []

    def validate_period(self, value):
        return value.replace(day=1)


class BillRunChecklistSerializer(serializers.Serializer):
    checklist = serializers.DictField(child=serializers.BooleanField())
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class BillRunCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class BillRunAnomalySerializer(serializers.Serializer):
    text = serializers.CharField()


class BillRunViewSet(mixins.CreateModelMixin, mixins.RetrieveModelMixin, mixins.ListModelMixin, RecordViewSet):
    """B4.2/B4.3: monthly bill and settlement runs."""

    model = BillRun
    object_kwarg = "run"
    serializer_class = BillRunSerializer
    filterset_fields = ["kind", "state", "period"]
    selector = selectors.bill_runs_for

    @extend_schema(responses={201: BillRunSerializer, 200: BillRunSerializer})
    def create(self, request, *args, **kwargs):
        """Schedule the month's run: 201 with the new run, or 200 with the run that exists (B4.2/B4.3)."""
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        run, created = services.bill_run_get_or_schedule(
            period=data["period"], kind=data.get("kind", BillRun.Kind.BILLING), by=request.user
        )
        return Response(BillRunSerializer(run).data, status=201 if created else 200)

    def _respond(self, run):
        return Response(BillRunSerializer(run).data)

    @extend_schema(request=None, responses=BillRunSerializer)
    @action(detail=True, methods=["post"], url_path="start-check")
    def start_check(self, request, pk=None):
        return self._respond(self.perform_action(services.bill_run_start_check))

    @extend_schema(request=BillRunChecklistSerializer, responses=BillRunSerializer)
    @action(detail=True, methods=["post"], url_path="sign-check")
    def sign_check(self, request, pk=None):
        return self._respond(self.perform_action(services.bill_run_sign_check, **self.body(BillRunChecklistSerializer)))

    @extend_schema(request=None, responses=BillRunSerializer)
    @action(detail=True, methods=["post"], url_path="finish-preprocessing")
    def finish_preprocessing(self, request, pk=None):
        return self._respond(self.perform_action(services.bill_run_finish_preprocessing))

    @extend_schema(request=None, responses=BillRunSerializer)
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        return self._respond(self.perform_action(services.bill_run_verify))

    @extend_schema(request=None, responses=BillRunSerializer)
    @action(detail=True, methods=["post"])
    def publish(self, request, pk=None):
        return self._respond(self.perform_action(services.bill_run_publish))

    @extend_schema(request=BillRunCommentSerializer, responses=BillRunSerializer)
    @action(detail=True, methods=["post"])
    def challenge(self, request, pk=None):
        return self._respond(self.perform_action(services.bill_run_challenge, **self.body(BillRunCommentSerializer)))

    @extend_schema(request=BillRunCommentSerializer, responses=BillRunSerializer)
    @action(detail=True, methods=["post"], url_path="roll-back")
    def roll_back(self, request, pk=None):
        return self._respond(self.perform_action(services.bill_run_roll_back, **self.body(BillRunCommentSerializer)))

    @extend_schema(request=BillRunAnomalySerializer, responses=BillRunSerializer)
    @action(detail=True, methods=["post"])
    def anomaly(self, request, pk=None):
        body = self.body(BillRunAnomalySerializer)
        run = self.get_object()
        services.bill_run_report_anomaly(run=run, by=request.user, **body)
        return self._respond(run)


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


class AdjustmentSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    requested_by: serializers.StringRelatedField = serializers.StringRelatedField()
    decided_by: serializers.StringRelatedField = serializers.StringRelatedField()

    class Meta:
        model = Adjustment
        fields = [
            "id", "customer", "customer_name", "service", "kind", "amount", "reason", "evidence", "evidence_file",
            "corrects", "state", "requested_by", "created_at", "decided_by", "decided_at", "applied_to",
        ]  # fmt: skip
        read_only_fields = fields


class AdjustmentInputSerializer(serializers.Serializer):
    """B4.4: ``amount`` is positive; ``kind`` says whether it is credited or debited."""

    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    service = serializers.PrimaryKeyRelatedField(queryset=Service.objects.all(), required=False, allow_null=True)
    corrects = serializers.PrimaryKeyRelatedField(queryset=Invoice.objects.all(), required=False, allow_null=True)
    kind = serializers.ChoiceField(choices=Adjustment.Kind.choices)
    amount = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=Decimal("0.01"))
    reason = serializers.CharField(max_length=200)
    evidence = serializers.CharField(required=False, allow_blank=True, default="")
    evidence_file = serializers.FileField(required=False, allow_null=True, default=None)


class AdjustmentViewSet(mixins.RetrieveModelMixin, mixins.ListModelMixin, RecordViewSet):
    """B4.4: corrections of published invoices, requested by one person and decided by another."""

    model = Adjustment
    object_kwarg = "adjustment"
    serializer_class = AdjustmentSerializer
    filterset_fields = ["state", "customer", "kind"]
    selector = selectors.adjustments_for

    @extend_schema(request=AdjustmentInputSerializer, responses={201: AdjustmentSerializer})
    def create(self, request):
        adjustment = services.adjustment_request(by=request.user, **self.body(AdjustmentInputSerializer))
        return Response(AdjustmentSerializer(adjustment).data, status=201)

    @extend_schema(request=BillRunCommentSerializer, responses=AdjustmentSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        adjustment = self.perform_action(services.adjustment_approve, BillRunCommentSerializer)
        return Response(AdjustmentSerializer(adjustment).data)

    @extend_schema(request=BillRunCommentSerializer, responses=AdjustmentSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        adjustment = self.perform_action(services.adjustment_reject, BillRunCommentSerializer)
        return Response(AdjustmentSerializer(adjustment).data)


router.register("customers", CustomerViewSet, basename="customer")
router.register("bill-runs", BillRunViewSet, basename="bill-run")
router.register("arrears", ArrearsViewSet, basename="arrears")
router.register("invoices", InvoiceViewSet, basename="invoice")
router.register("adjustments", AdjustmentViewSet, basename="adjustment")
router.register("services", ServiceViewSet, basename="service")
router.register("work-orders", WorkOrderViewSet, basename="work-order")
