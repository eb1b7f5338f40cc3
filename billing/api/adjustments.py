"""Adjustments under four eyes (B4.4)."""

from decimal import Decimal

from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from core.viewsets import RecordViewSet

from .. import selectors, services
from ..models import Adjustment, Customer, Invoice, Service
from .runs import BillRunCommentSerializer


class AdjustmentSerializer(serializers.ModelSerializer):
    customer_name = serializers.CharField(source="customer.name", read_only=True)
    requested_by: serializers.StringRelatedField = serializers.StringRelatedField()
    decided_by: serializers.StringRelatedField = serializers.StringRelatedField()
    evidence_url = serializers.SerializerMethodField(help_text="The protected download of the evidence file, if any")

    class Meta:
        model = Adjustment
        fields = [
            "id", "customer", "customer_name", "service", "kind", "amount", "reason", "evidence", "evidence_url",
            "corrects", "state", "requested_by", "created_at", "decided_by", "decided_at", "applied_to",
        ]  # fmt: skip
        read_only_fields = fields

    def get_evidence_url(self, adjustment) -> str | None:
        """The page that streams the file to those who may see the adjustment, never the media path."""
        if not adjustment.evidence_file:
            return None
        return reverse("billing:adjustment-evidence", args=[adjustment.pk])


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
