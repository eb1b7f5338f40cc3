"""Orders (SPEC §1): the order, its creation, transitions, attachments and the level quota (R1.4)."""

from django.db.models import Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import exceptions, mixins, parsers, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from billing.models import Customer, Product, Service
from org.models import Department
from sla.api import DeadlineSerializer
from sla.models import Deadline, Level
from sla.subjects import deadlines_of_subjects
from sla.validators import SaneDatesSerializerMixin, sane_date

from .. import selectors, services
from ..models import Attachment, BusinessType, EquipmentNeed, Order, Requisition, WorkStep
from .base import CachedFieldsMixin, ScopedViewSet, TimeLeftMixin


class OrderSerializer(SaneDatesSerializerMixin, CachedFieldsMixin, TimeLeftMixin, serializers.ModelSerializer):
    front_department: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="code", read_only=True)
    customer = serializers.CharField(source="customer.name", read_only=True)
    business_type: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="code", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    assessed_level = serializers.CharField(source="effective_assessed_level", read_only=True)
    level = serializers.CharField(read_only=True)

    class Meta:
        model = Order
        fields = [
            "id",
            "number",
            "state",
            "state_display",
            "front_department",
            "customer",
            "business_type",
            "quantity",
            "interface_requirements",
            "level",
            "assessed_level",
            "assessment_reason",
            "over_quota",
            "location",
            "contact_person",
            "contact_phone",
            "requested_completion_at",
            "description",
            "agreement_ref",
            *services.AGREEMENT_CLAUSES,  # R1.1
            "interconnection_notice",
            "fill_rate",
            "quantity_to_add",
            "is_important",
            "is_emergency",
            "is_restricted_site",
            "is_key_customer",
            "is_key_business",
            "is_key_area",
            "submitted_at",
            "signed_at",
            "accepted_at",
            "completed_at",
            "confirmed_at",
            "due_at",
            "time_left_seconds",
            "overdue",
            "phoned_at",
            "clarification",
            "circuit_first_used_on",  # R1.17
            "service",  # issue 14 §1: the circuit (opened, changed or ended by the order)
            "new_product",
        ]

    def _is_open(self, obj) -> bool:
        return obj.state in Order.OPEN_STATES


class OrderStepBriefSerializer(serializers.ModelSerializer):
    department: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = WorkStep
        fields = [
            "id",
            "position",
            "department",
            "title",
            "state",
            "dispatched_at",
            "due_at",
            "accepted_at",
            "finished_at",
            "returned_at",
            "overtime",
            "overtime_reason",
        ]
        read_only_fields = fields


class OrderDetailSerializer(OrderSerializer):
    """One order with its steps and every deadline of the order and its steps (issue 13 §6): served
    and assessed due times, state, when warned and breached, paused time. Only the detail has them:
    the list stays as light as it was."""

    steps = OrderStepBriefSerializer(many=True, read_only=True)
    deadlines = serializers.SerializerMethodField()
    service_code = serializers.CharField(source="service.code", read_only=True, default=None)

    class Meta(OrderSerializer.Meta):
        fields = [*OrderSerializer.Meta.fields, "service_code", "steps", "deadlines"]

    @extend_schema_field(DeadlineSerializer(many=True))
    def get_deadlines(self, obj):
        return DeadlineSerializer(self.context["deadlines"], many=True, context=self.context).data


class OrderEquipmentSerializer(serializers.Serializer):
    item = serializers.ChoiceField(choices=EquipmentNeed.Item.choices)
    quantity = serializers.IntegerField(min_value=1)


class OrderCreateSerializer(SaneDatesSerializerMixin, CachedFieldsMixin, serializers.ModelSerializer):
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())
    business_type = serializers.SlugRelatedField(slug_field="code", queryset=BusinessType.objects.all())
    requisition = serializers.PrimaryKeyRelatedField(
        queryset=Requisition.objects.all(), required=False, allow_null=True
    )
    equipment = OrderEquipmentSerializer(many=True, required=False)
    level = serializers.CharField(max_length=1, help_text="A, B or C")
    # Issue 14 §1: the circuit id a change or decommission order names (one of the customer's active
    # circuits: the order service checks, 400 otherwise) and a change's new tariff.
    service = serializers.PrimaryKeyRelatedField(
        queryset=Service.objects.select_related("customer"), required=False, allow_null=True
    )
    new_product = serializers.PrimaryKeyRelatedField(queryset=Product.objects.all(), required=False, allow_null=True)

    class Meta:
        model = Order
        fields = [*services.ORDER_FIELDS, "equipment"]
        extra_kwargs = {
            "location": {"required": False, "allow_blank": True},
            "contact_person": {"required": False, "allow_blank": True},
            "contact_phone": {"required": False, "allow_blank": True},
        }

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        if request is not None and "requisition" in fields and request.user.is_authenticated:
            # Scope holds in payloads (issue 11): only the user's own department's requisitions (R1.7).
            fields["requisition"].queryset = Requisition.objects.filter(front_department_id=request.user.department_id)
        return fields

    def validate_level(self, value):
        if value not in (Level.A, Level.B, Level.C):
            raise serializers.ValidationError(_("Choose A, B or C."))
        return value

    def create(self, validated_data):
        equipment = [(e["item"], e["quantity"]) for e in validated_data.pop("equipment", [])]
        return services.order_create(by=self.context["request"].user, data=validated_data, equipment=equipment)


class OrderStepInputSerializer(serializers.Serializer):
    department = serializers.SlugRelatedField(
        slug_field="code", queryset=Department.objects.filter(side=Department.Side.BACK)
    )
    title = serializers.CharField(max_length=200)


class OrderDispatchSerializer(serializers.Serializer):
    steps = OrderStepInputSerializer(many=True, allow_empty=False)


class OrderReasonSerializer(serializers.Serializer):
    reason = serializers.CharField()


class OrderConfirmSerializer(SaneDatesSerializerMixin, serializers.Serializer):
    circuit_first_used_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="R1.17: since when the customer uses the circuit"
    )


class OrderNotesSerializer(serializers.Serializer):
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class OrderQuotaSerializer(serializers.Serializer):
    total = serializers.IntegerField()
    a_count = serializers.IntegerField()
    b_count = serializers.IntegerField()
    a_limit = serializers.IntegerField()
    b_limit = serializers.IntegerField()
    a_over = serializers.BooleanField()
    b_over = serializers.BooleanField()


class AttachmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Attachment
        fields = ["id", "kind", "file", "name", "size", "uploaded_at"]
        read_only_fields = ["name", "size", "uploaded_at"]


# --- filters --------------------------------------------------------------------------


class OrderFilter(filters.FilterSet):
    # No joins: no DISTINCT (django-filter adds one to multiple-choice filters by default).
    state = filters.MultipleChoiceFilter(choices=Order.State.choices, distinct=False)
    level = filters.MultipleChoiceFilter(choices=[(v, v) for v in ("A", "B", "C")], distinct=False)
    department = filters.CharFilter(method="filter_department", label=_("front department code"))
    step_department = filters.CharFilter(method="filter_step_department", label=_("step department code"))
    overdue = filters.BooleanFilter(method="filter_overdue", label=_("overdue"))
    due_before = filters.IsoDateTimeFilter(
        field_name="due_at", lookup_expr="lte", label=_("due before"), validators=[sane_date]
    )
    key = filters.BooleanFilter(method="filter_key", label=_("any key flag"))
    is_key_customer = filters.BooleanFilter()
    is_key_business = filters.BooleanFilter()
    is_key_area = filters.BooleanFilter()

    class Meta:
        model = Order
        fields = ["state", "level", "department", "overdue", "due_before", "key"]

    def filter_department(self, qs, name, value):
        # A constant id (not a join on the code) lets the planner use the department's list index.
        return qs.filter(front_department_id=Department.objects.filter(code=value).values_list("id", flat=True).first())

    def filter_step_department(self, qs, name, value):
        return qs.filter(steps__department__code=value).distinct()

    def filter_overdue(self, qs, name, value):
        late = Q(due_at__lt=timezone.now(), state__in=Order.OPEN_STATES)
        return qs.filter(late) if value else qs.exclude(late)

    def filter_key(self, qs, name, value):
        return qs.filter(key_rank__gt=0) if value else qs.filter(key_rank=0)


class OrderViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    ScopedViewSet,
):
    """Business-response orders (SPEC §1). Key orders first, then by time left."""

    model = Order
    object_kwarg = "order"
    filterset_class = OrderFilter
    ordering_fields = ["due_at", "submitted_at", "key_rank", "level"]
    selector = selectors.orders_visible_to

    def select(self, user):
        if self.action == "list":
            return selectors.order_list(user)
        if self.action == "retrieve":
            steps = WorkStep.objects.select_related("department").order_by("position", "id")
            return super().select(user).prefetch_related(Prefetch("steps", queryset=steps))
        return super().select(user)

    def get_serializer_class(self):
        if self.action == "create":
            return OrderCreateSerializer
        return OrderDetailSerializer if self.action == "retrieve" else OrderSerializer

    def retrieve(self, request, *args, **kwargs):
        """The order, its steps and the deadlines of both, in a fixed number of queries."""
        order = self.get_object()
        deadlines = Deadline.objects.select_related("assessed_department").prefetch_related("events")
        deadlines = deadlines_of_subjects(deadlines, [order, *order.steps.all()]).order_by("started_at", "id")
        context = self.get_serializer_context() | {"deadlines": list(deadlines)}
        return Response(OrderDetailSerializer(order, context=context).data)

    @extend_schema(request=OrderCreateSerializer, responses={201: OrderSerializer})
    def create(self, request, *args, **kwargs):
        serializer = OrderCreateSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        order = serializer.save()
        return Response(OrderSerializer(order, context=self.get_serializer_context()).data, status=201)

    @extend_schema(request=None, responses=OrderSerializer)
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        return self.act(services.order_submit)

    @extend_schema(request=None, responses=OrderSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        return self.act(services.order_sign)

    @extend_schema(request=OrderNotesSerializer, responses=OrderSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self.act(services.order_accept, **self.body(OrderNotesSerializer))

    @extend_schema(request=OrderReasonSerializer, responses=OrderSerializer)
    @action(detail=True, methods=["post"])
    def clarify(self, request, pk=None):
        return self.act(services.order_return_for_clarification, **self.body(OrderReasonSerializer))

    @extend_schema(request=OrderDispatchSerializer, responses=OrderSerializer)
    @action(detail=True, methods=["post"], url_path="dispatch")
    def dispatch_steps(self, request, pk=None):
        data = OrderDispatchSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        steps = [(s["department"], s["title"]) for s in data.validated_data["steps"]]
        return self.act(services.order_dispatch, steps=steps)

    @extend_schema(request=None, responses=OrderSerializer)
    @action(detail=True, methods=["post"], url_path="no-resources")
    def no_resources(self, request, pk=None):
        return self.act(services.order_mark_no_resources)

    @extend_schema(request=OrderConfirmSerializer, responses=OrderSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self.act(services.order_confirm, **self.body(OrderConfirmSerializer))

    @extend_schema(request=None, responses=OrderSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self.act(services.order_cancel)

    @extend_schema(request=None, responses=OrderSerializer)
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        return self.act(services.order_archive)

    @extend_schema(request=AttachmentSerializer, responses={201: AttachmentSerializer})
    @action(detail=True, methods=["post"], parser_classes=[parsers.MultiPartParser, parsers.FormParser])
    def attachments(self, request, pk=None):
        order = self.get_object()
        data = AttachmentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        attachment = services.attachment_add(
            order=order,
            by=request.user,
            file=data.validated_data["file"],
            kind=data.validated_data.get("kind", Attachment.Kind.GENERAL),
        )
        return Response(
            AttachmentSerializer(attachment, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    @extend_schema(
        request=None,
        responses=OrderQuotaSerializer,
        description="R1.4: the user's department's level quota this month (adding one order of ?level=).",
    )
    @action(detail=False, methods=["get"])
    def quota(self, request):
        if not request.user.department_id:
            raise exceptions.PermissionDenied
        level = request.query_params.get("level")
        usage = services.quota_usage(
            department=request.user.department, adding=level if level in ("A", "B", "C") else None
        )
        data = {k: getattr(usage, k) for k in OrderQuotaSerializer().fields}
        return Response(OrderQuotaSerializer(data).data)
