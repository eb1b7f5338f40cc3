"""REST API of the responses app, mounted under /api/v1/.

Lists are limited to what the user's department and role may see (``selectors``); every write
calls a service; a transition is ``POST /api/v1/<resource>/<id>/<transition>/``. Wrong state → 409,
wrong person → 403, invalid input → 400 with field errors: services raise, ``core.api.api_exception_handler`` answers.
"""

import copy

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model, Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_filters import rest_framework as filters
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field, extend_schema_view
from rest_framework import exceptions, mixins, parsers, permissions, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.pagination import BasePagination, PageNumberPagination
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter

from accounts.access import has_role_in, reads_reports
from accounts.models import Department
from accounts.roles import Role
from billing.models import Customer
from sla.models import Level
from sla.validators import FIRST_YEAR, LAST_YEAR, SaneDatesSerializerMixin, sane_date

from . import selectors, services
from .models import (
    Attachment,
    BuildDecision,
    BusinessType,
    ContactOrder,
    EquipmentNeed,
    ExpansionRequest,
    Order,
    PhoneDispatch,
    RecoveryEntry,
    Requisition,
    SpecialOrder,
    WorkStep,
)

router = SimpleRouter()


class Pagination(PageNumberPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200


class ScopedObjectMixin:
    """A record that exists but is outside the user's scope answers 403, not 404."""

    model: type[Model] | None = None

    def get_object(self):
        try:
            return super().get_object()
        except Http404:
            if self.model.objects.filter(pk=self.kwargs.get("pk")).exists():
                raise exceptions.PermissionDenied(_("You may not see this record.")) from None
            raise


# --- serializers ------------------------------------------------------------------------


DEEP_COPIED_FIELDS = (serializers.BaseSerializer, serializers.ManyRelatedField)


class CachedFieldsMixin:
    """Build a ModelSerializer's fields once per class (model introspection is the slow part)."""

    def get_fields(self):
        cls = type(self)
        if "_fields_template" not in cls.__dict__:
            cls._fields_template = super().get_fields()
        # A plain field keeps no state until it is bound, so a shallow copy is enough; DRF's deepcopy
        # re-instantiates every field and cost a third of an order-creation request. Nested
        # serializers and many-related fields hold bound children: those are deep-copied.
        return {
            name: copy.deepcopy(field) if isinstance(field, DEEP_COPIED_FIELDS) else copy.copy(field)
            for name, field in cls._fields_template.items()
        }


class TimeLeftMixin(serializers.Serializer):
    time_left_seconds = serializers.SerializerMethodField()
    overdue = serializers.SerializerMethodField()

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_time_left_seconds(self, obj) -> int | None:
        return None if obj.due_at is None else int((obj.due_at - self.context["now"]).total_seconds())

    def get_overdue(self, obj) -> bool:
        return obj.due_at is not None and obj.due_at < self.context["now"] and self._is_open(obj)

    def _is_open(self, obj) -> bool:
        return True


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
        ]

    def _is_open(self, obj) -> bool:
        return obj.state in Order.OPEN_STATES


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
            fields["requisition"].queryset = Requisition.objects.filter(
                front_department_id=request.user.department_id
            )
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


class StepSerializer(CachedFieldsMixin, TimeLeftMixin, serializers.ModelSerializer):
    department: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="code", read_only=True)
    order_number = serializers.CharField(source="order.number", read_only=True)
    customer = serializers.CharField(source="order.customer.name", read_only=True)
    key_rank = serializers.IntegerField(source="order.key_rank", read_only=True)
    level = serializers.CharField(source="order.level", read_only=True)

    class Meta:
        model = WorkStep
        fields = [
            "id",
            "order",
            "order_number",
            "customer",
            "level",
            "key_rank",
            "position",
            "department",
            "title",
            "state",
            "dispatched_at",
            "due_at",
            "time_left_seconds",
            "overdue",
            "accepted_at",
            "finished_at",
            "returned_at",
            "unfinished",
            "obstruction",
            "overtime",
            "overtime_reason",
        ]

    def _is_open(self, obj) -> bool:
        return obj.state in (WorkStep.State.DISPATCHED, WorkStep.State.ACCEPTED, WorkStep.State.DONE)


class StepReturnSerializer(serializers.Serializer):
    finished_at = serializers.DateTimeField(required=False, allow_null=True, default=None, validators=[sane_date])
    unfinished = serializers.BooleanField(default=False)
    obstruction = serializers.BooleanField(default=False)
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class OrderWorkerNamesSerializer(serializers.Serializer):
    names = serializers.CharField()


class RequisitionSerializer(TimeLeftMixin, serializers.ModelSerializer):
    front_department: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="code", read_only=True)
    assigned_department: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="code", read_only=True)
    customer = serializers.PrimaryKeyRelatedField(queryset=Customer.objects.all())

    class Meta:
        model = Requisition
        fields = [
            "id",
            "front_department",
            "customer",
            "resource_type",
            "description",
            "assigned_department",
            "state",
            "answer",
            "on_site",
            "created_at",
            "due_at",
            "time_left_seconds",
            "overdue",
        ]
        read_only_fields = ["state", "answer", "on_site", "created_at", "due_at"]

    def _is_open(self, obj) -> bool:
        return obj.state in (Requisition.State.RAISED, Requisition.State.DISPATCHED)

    def create(self, validated_data):
        return services.requisition_raise(by=self.context["request"].user, **validated_data)


class RequisitionAnswerSerializer(serializers.Serializer):
    available = serializers.BooleanField()
    answer = serializers.CharField(required=False, allow_blank=True, default="")
    on_site = serializers.BooleanField(default=False)


class ContactOrderSerializer(SaneDatesSerializerMixin, serializers.ModelSerializer):
    from_department: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="code", read_only=True)
    to_department = serializers.SlugRelatedField(slug_field="code", queryset=Department.objects.all())
    is_late = serializers.BooleanField(read_only=True)

    class Meta:
        model = ContactOrder
        fields = [
            "id",
            "from_department",
            "to_department",
            "subject",
            "body",
            "feedback_due_at",
            "state",
            "reply",
            "answered_at",
            "is_late",
            "created_at",
        ]
        read_only_fields = ["state", "reply", "answered_at", "created_at"]

    def create(self, validated_data):
        return services.contact_order_create(by=self.context["request"].user, **validated_data)


class OrderReplySerializer(serializers.Serializer):
    reply = serializers.CharField()


class SpecialOrderSerializer(serializers.ModelSerializer):
    order = serializers.IntegerField(source="step.order_id", read_only=True)
    department = serializers.CharField(source="step.department.code", read_only=True)

    class Meta:
        model = SpecialOrder
        fields = ["id", "step", "order", "department", "reason", "state", "requested_at", "decided_at", "closed_at"]
        read_only_fields = fields


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


class StepFilter(filters.FilterSet):
    state = filters.MultipleChoiceFilter(choices=WorkStep.State.choices, distinct=False)
    department = filters.CharFilter(field_name="department__code")
    overdue = filters.BooleanFilter(method="filter_overdue")
    due_before = filters.IsoDateTimeFilter(field_name="due_at", lookup_expr="lte", validators=[sane_date])

    class Meta:
        model = WorkStep
        fields = ["state", "department", "overdue", "due_before"]

    def filter_overdue(self, qs, name, value):
        late = Q(due_at__lt=timezone.now(), state__in=[WorkStep.State.DISPATCHED, WorkStep.State.ACCEPTED])
        return qs.filter(late) if value else qs.exclude(late)


# --- viewsets -------------------------------------------------------------------------


class NowContextMixin:
    pagination_class: type[BasePagination] | None = Pagination

    def get_serializer_context(self):
        return super().get_serializer_context() | {"now": timezone.now()}

    def act(self, fn, serializer_class=None, **kwargs):
        obj = self.get_object()
        result = fn(by=self.request.user, **kwargs, **self._object_kwarg(obj))
        result.refresh_from_db()
        cls = serializer_class or self.get_serializer_class()
        return Response(cls(result, context=self.get_serializer_context()).data)


class OrderViewSet(
    ScopedObjectMixin,
    NowContextMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Business-response orders (SPEC §1). Key orders first, then by time left."""

    model = Order
    queryset = Order.objects.none()
    filterset_class = OrderFilter
    ordering_fields = ["due_at", "submitted_at", "key_rank", "level"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Order.objects.none()
        if self.action == "list":
            return selectors.order_list(self.request.user)
        return selectors.orders_visible_to(self.request.user)

    def get_serializer_class(self):
        return OrderCreateSerializer if self.action == "create" else OrderSerializer

    def _object_kwarg(self, obj):
        return {"order": obj}

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
        data = OrderNotesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self.act(services.order_accept, notes=data.validated_data["notes"])

    @extend_schema(request=OrderReasonSerializer, responses=OrderSerializer)
    @action(detail=True, methods=["post"])
    def clarify(self, request, pk=None):
        data = OrderReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self.act(services.order_return_for_clarification, reason=data.validated_data["reason"])

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

    @extend_schema(request=None, responses=OrderSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        return self.act(services.order_confirm)

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


class StepViewSet(
    ScopedObjectMixin, NowContextMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Work steps; the list is the back-office queue (my department's open steps, by time left)."""

    model = WorkStep
    queryset = WorkStep.objects.none()
    serializer_class = StepSerializer
    filterset_class = StepFilter
    ordering_fields = ["due_at", "dispatched_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WorkStep.objects.none()
        if self.action == "list" and self.request.query_params.get("all") != "1":
            return selectors.step_queue(self.request.user)
        return selectors.steps_visible_to(self.request.user)

    def _object_kwarg(self, obj):
        return {"step": obj}

    @extend_schema(request=None, responses=StepSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self.act(services.step_accept)

    @extend_schema(request=StepReturnSerializer, responses=StepSerializer)
    @action(detail=True, methods=["post"], url_path="return")
    def return_step(self, request, pk=None):
        data = StepReturnSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self.act(services.step_return, **data.validated_data)

    @extend_schema(request=OrderReasonSerializer, responses={201: SpecialOrderSerializer})
    @action(detail=True, methods=["post"], url_path="special-order")
    def special_order(self, request, pk=None):
        step = self.get_object()
        data = OrderReasonSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        special = services.special_order_request(step=step, by=request.user, reason=data.validated_data["reason"])
        return Response(SpecialOrderSerializer(special).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=OrderWorkerNamesSerializer, responses=StepSerializer)
    @action(detail=True, methods=["post"], url_path="worker-names")
    def worker_names(self, request, pk=None):
        step = self.get_object()
        data = OrderWorkerNamesSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.order_send_worker_names(order=step.order, by=request.user, names=data.validated_data["names"])
        return Response(StepSerializer(step, context=self.get_serializer_context()).data)


class RequisitionViewSet(
    ScopedObjectMixin,
    NowContextMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Resource-confirmation requisitions (R1.7)."""

    model = Requisition
    queryset = Requisition.objects.none()
    serializer_class = RequisitionSerializer
    filterset_fields = ["state", "resource_type"]
    ordering_fields = ["due_at", "created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Requisition.objects.none()
        return selectors.requisitions_visible_to(self.request.user)

    def _object_kwarg(self, obj):
        return {"requisition": obj}

    @extend_schema(request=None, responses=RequisitionSerializer)
    @action(detail=True, methods=["post"], url_path="dispatch")
    def dispatch_requisition(self, request, pk=None):
        return self.act(services.requisition_dispatch)

    @extend_schema(request=RequisitionAnswerSerializer, responses=RequisitionSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        data = RequisitionAnswerSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self.act(services.requisition_answer, **data.validated_data)


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter(
                "box", str, enum=["sent", "received"], description="R1.13: my department's sent or received ones"
            )
        ]
    )
)
class ContactOrderViewSet(
    ScopedObjectMixin,
    NowContextMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Work contact orders (R1.13): no level, due at the requested feedback time."""

    model = ContactOrder
    queryset = ContactOrder.objects.none()
    serializer_class = ContactOrderSerializer
    filterset_fields = ["state"]
    ordering_fields = ["feedback_due_at", "created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ContactOrder.objects.none()
        # R1.13: ?box=sent|received lists my department's sent or received contact orders.
        return selectors.contact_orders_for(self.request.user, self.request.query_params.get("box", ""))

    def _object_kwarg(self, obj):
        return {"contact": obj}

    @extend_schema(request=OrderReplySerializer, responses=ContactOrderSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        data = OrderReplySerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self.act(services.contact_order_answer, reply=data.validated_data["reply"])


class SpecialOrderViewSet(
    ScopedObjectMixin, NowContextMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Special-order requests for obstructions (R1.10); approval by the Center pauses the clock."""

    model = SpecialOrder
    queryset = SpecialOrder.objects.none()
    serializer_class = SpecialOrderSerializer
    filterset_fields = ["state"]
    ordering_fields = ["requested_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return SpecialOrder.objects.none()
        return selectors.special_orders_visible_to(self.request.user)

    def _object_kwarg(self, obj):
        return {"special": obj}

    @extend_schema(request=None, responses=SpecialOrderSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self.act(services.special_order_approve)

    @extend_schema(request=None, responses=SpecialOrderSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self.act(services.special_order_reject)

    @extend_schema(request=None, responses=SpecialOrderSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self.act(services.special_order_close)


# --- work around the orders: R1.11 phone dispatch, R1.15 expansion requests, R1.16 recovery ledger, ---
# --- R1.17 unused circuits, R1.18 build decisions -------------------------------------------------


class PhoneDispatchSerializer(SaneDatesSerializerMixin, serializers.ModelSerializer):
    department = serializers.SlugRelatedField(
        slug_field="code", queryset=Department.objects.filter(side=Department.Side.FRONT)
    )
    recorded_by = serializers.CharField(source="recorded_by.username", read_only=True)
    order_number = serializers.CharField(source="order.number", read_only=True, allow_null=True, default=None)

    class Meta:
        model = PhoneDispatch
        fields = ["id", "department", "phoned_at", "caller", "summary", "recorded_by", "order", "order_number"]
        read_only_fields = ["order"]

    def create(self, validated_data):
        return services.phone_dispatch_record(by=self.context["request"].user, **validated_data)


class PhoneDispatchFilter(filters.FilterSet):
    pending = filters.BooleanFilter(field_name="order", lookup_expr="isnull", label=_("awaiting backfill"))
    department = filters.CharFilter(field_name="department__code")

    class Meta:
        model = PhoneDispatch
        fields = ["pending", "department"]


class PhoneDispatchViewSet(
    ScopedObjectMixin,
    NowContextMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Phone dispatches (R1.11): recorded by the Center at night or on rest days; the calling department
    backfills the order (``POST …/backfill/`` with the order's fields), whose clock starts at the phone time."""

    model = PhoneDispatch
    queryset = PhoneDispatch.objects.none()
    serializer_class = PhoneDispatchSerializer
    filterset_class = PhoneDispatchFilter
    ordering_fields = ["phoned_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return PhoneDispatch.objects.none()
        return selectors.phone_dispatches_visible_to(self.request.user)

    @extend_schema(request=OrderCreateSerializer, responses={201: OrderSerializer})
    @action(detail=True, methods=["post"])
    def backfill(self, request, pk=None):
        pd = self.get_object()
        if not has_role_in(request.user, [Role.FRONT_ADMIN], pd.department):
            raise exceptions.PermissionDenied(_("Only the calling department backfills its order."))
        data = OrderCreateSerializer(data=request.data, context=self.get_serializer_context())
        data.is_valid(raise_exception=True)
        validated = dict(data.validated_data)
        equipment = [(e["item"], e["quantity"]) for e in validated.pop("equipment", [])]
        order = services.order_backfill(phone_dispatch=pd, by=request.user, data=validated, equipment=equipment)
        return Response(OrderSerializer(order, context=self.get_serializer_context()).data, status=201)


class ExpansionRequestSerializer(serializers.ModelSerializer):
    order = serializers.PrimaryKeyRelatedField(queryset=Order.objects.all())
    order_number = serializers.CharField(source="order.number", read_only=True, allow_null=True)
    front_department = serializers.CharField(source="order.front_department.code", read_only=True)
    raised_by = serializers.CharField(source="raised_by.username", read_only=True)

    class Meta:
        model = ExpansionRequest
        fields = [
            "id",
            "order",
            "order_number",
            "front_department",
            "reason",
            "plan",
            "state",
            "raised_by",
            "created_at",
        ]
        read_only_fields = ["plan", "state", "created_at"]

    def create(self, validated_data):
        user = self.context["request"].user
        if not selectors.orders_visible_to(user).filter(pk=validated_data["order"].pk).exists():
            raise exceptions.PermissionDenied(_("You may not see this record."))
        return services.expansion_request_raise(by=user, **validated_data)


class ExpansionPlanSerializer(serializers.Serializer):
    plan = serializers.CharField()


class ExpansionRequestViewSet(
    ScopedObjectMixin,
    NowContextMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Expansion requests (R1.15): 网络监控中心 raises one when it cannot allocate an expansion order;
    网络管理部 plans it and files it with the Center (``POST …/plan/``)."""

    model = ExpansionRequest
    queryset = ExpansionRequest.objects.none()
    serializer_class = ExpansionRequestSerializer
    filterset_fields = ["state", "order"]
    ordering_fields = ["created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ExpansionRequest.objects.none()
        return selectors.expansion_requests_visible_to(self.request.user)

    def _object_kwarg(self, obj):
        return {"request": obj}

    @extend_schema(request=ExpansionPlanSerializer, responses=ExpansionRequestSerializer)
    @action(detail=True, methods=["post"])
    def plan(self, request, pk=None):
        data = ExpansionPlanSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self.act(services.expansion_request_plan, plan=data.validated_data["plan"])


class RecoveryEntrySerializer(SaneDatesSerializerMixin, serializers.ModelSerializer):
    order = serializers.PrimaryKeyRelatedField(queryset=Order.objects.all())
    order_number = serializers.CharField(source="order.number", read_only=True, allow_null=True)

    class Meta:
        model = RecoveryEntry
        fields = [
            "id",
            "order",
            "order_number",
            "recovered_at",
            "person",
            "equipment_name",
            "model",
            "quantity",
            "condition",
            "intended_use",
            "checked_at",
        ]
        read_only_fields = ["checked_at"]

    def create(self, validated_data):
        user = self.context["request"].user
        order = validated_data.pop("order")
        if not selectors.orders_visible_to(user).filter(pk=order.pk).exists():
            raise exceptions.PermissionDenied(_("You may not see this record."))
        return services.recovery_record(order=order, by=user, **validated_data)


class QuarterSerializer(serializers.Serializer):
    year = serializers.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR)
    quarter = serializers.IntegerField(min_value=1, max_value=4)


class QuarterCheckedSerializer(serializers.Serializer):
    checked = serializers.IntegerField()


class RecoveryEntryFilter(filters.FilterSet):
    checked = filters.BooleanFilter(field_name="checked_at", lookup_expr="isnull", exclude=True)
    recovered_after = filters.IsoDateTimeFilter(field_name="recovered_at", lookup_expr="gte", validators=[sane_date])
    recovered_before = filters.IsoDateTimeFilter(field_name="recovered_at", lookup_expr="lt", validators=[sane_date])

    class Meta:
        model = RecoveryEntry
        fields = ["order", "checked", "recovered_after", "recovered_before"]


class RecoveryEntryViewSet(
    ScopedObjectMixin,
    NowContextMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """The decommission recovery ledger (R1.16): the working department records what it recovered; the
    Center checks entries (``POST …/check/``) or a whole quarter (``POST …/check-quarter/``)."""

    model = RecoveryEntry
    queryset = RecoveryEntry.objects.none()
    serializer_class = RecoveryEntrySerializer
    filterset_class = RecoveryEntryFilter
    ordering_fields = ["recovered_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return RecoveryEntry.objects.none()
        return selectors.recovery_entries_visible_to(self.request.user)

    def _object_kwarg(self, obj):
        return {"entry": obj}

    @extend_schema(request=None, responses=RecoveryEntrySerializer)
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        return self.act(services.recovery_entry_check)

    @extend_schema(request=QuarterSerializer, responses=QuarterCheckedSerializer)
    @action(detail=False, methods=["post"], url_path="check-quarter")
    def check_quarter(self, request):
        data = QuarterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        n = services.recovery_check_quarter(by=request.user, **data.validated_data)
        return Response(QuarterCheckedSerializer({"checked": n}).data)


class BuildDecisionSerializer(serializers.ModelSerializer):
    created_by = serializers.CharField(source="created_by.username", read_only=True)
    department = serializers.CharField(source="created_by.department.code", read_only=True, allow_null=True)
    decided_by = serializers.CharField(source="decided_by.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = BuildDecision
        fields = [
            "id",
            "kind",
            "site",
            "expected_demand",
            "buildings",
            "competition",
            "cost_estimate",
            "state",
            "created_by",
            "department",
            "decided_by",
        ]
        read_only_fields = ["cost_estimate", "state"]

    def create(self, validated_data):
        return services.build_decision_raise(by=self.context["request"].user, **validated_data)


class BuildCostSerializer(serializers.Serializer):
    cost = serializers.DecimalField(max_digits=14, decimal_places=2)


class BuildDecisionViewSet(
    ScopedObjectMixin,
    NowContextMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """LAN-community and DSLAM move-down builds (R1.18): the front department raises; 网络建设部 estimates
    (``…/estimate/``); 市场拓展部's director approves or rejects (``…/approve/``, ``…/reject/``)."""

    model = BuildDecision
    queryset = BuildDecision.objects.none()
    serializer_class = BuildDecisionSerializer
    filterset_fields = ["state", "kind"]
    ordering_fields = ["id"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return BuildDecision.objects.none()
        return selectors.build_decisions_visible_to(self.request.user)

    def _object_kwarg(self, obj):
        return {"decision": obj}

    @extend_schema(request=BuildCostSerializer, responses=BuildDecisionSerializer)
    @action(detail=True, methods=["post"])
    def estimate(self, request, pk=None):
        data = BuildCostSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        return self.act(services.build_decision_estimate, cost=data.validated_data["cost"])

    @extend_schema(request=None, responses=BuildDecisionSerializer)
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        return self.act(services.build_decision_decide, approve=True)

    @extend_schema(request=None, responses=BuildDecisionSerializer)
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        return self.act(services.build_decision_decide, approve=False)


class UnusedCircuitSerializer(serializers.ModelSerializer):
    order_number = serializers.CharField(source="number", read_only=True, allow_null=True)
    front_department = serializers.CharField(source="front_department.code", read_only=True)
    customer = serializers.CharField(source="customer.name", read_only=True)
    circuit = serializers.CharField(source="service.code", read_only=True)
    activated_on = serializers.DateField(source="service.activated_on", read_only=True)

    class Meta:
        model = Order
        fields = ["id", "order_number", "front_department", "customer", "circuit", "activated_on"]
        read_only_fields = fields


class UnusedCircuitFilter(filters.FilterSet):
    department = filters.CharFilter(field_name="front_department__code", label=_("front department code"))

    class Meta:
        model = Order
        fields = ["department"]


class UnusedCircuitViewSet(NowContextMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    """Circuits unused three months or more after opening (R1.17), by raising department (who sees them:
    ``selectors.unused_circuits_visible_to``)."""

    queryset = Order.objects.none()
    serializer_class = UnusedCircuitSerializer
    filterset_class = UnusedCircuitFilter
    ordering_fields = ["service__activated_on"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Order.objects.none()
        qs = selectors.unused_circuits_visible_to(self.request.user)
        if qs is None:
            raise exceptions.PermissionDenied
        return qs


# --- R1.22 monthly response report (月响应通报) ----------------------------------------------


class MonthReportPermission(permissions.BasePermission):
    """The same people as the overdue dashboard (``accounts.access.reads_reports``)."""

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


router.register("orders", OrderViewSet, basename="order")
router.register("steps", StepViewSet, basename="order-step")
router.register("requisitions", RequisitionViewSet, basename="requisition")
router.register("contact-orders", ContactOrderViewSet, basename="contact-order")
router.register("special-orders", SpecialOrderViewSet, basename="special-order")
router.register("phone-dispatches", PhoneDispatchViewSet, basename="phone-dispatch")
router.register("expansion-requests", ExpansionRequestViewSet, basename="expansion-request")
router.register("recovery-entries", RecoveryEntryViewSet, basename="recovery-entry")
router.register("build-decisions", BuildDecisionViewSet, basename="build-decision")
router.register("unused-circuits", UnusedCircuitViewSet, basename="unused-circuit")
router.register("reports/monthly", MonthReportViewSet, basename="monthly-report")
